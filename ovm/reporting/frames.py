"""A run's tables as Polars DataFrames, and as Parquet files, for researchers.

The frames hold the very numbers the run computed (no rounding, no text formatting), with
fixed column types so that an empty cohort or a column without a single value keeps its type.
A node's value is a number for measured indicators and an answer key for answered questions:
the two go in ``value`` and ``value_text``.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from ovm.comparison.cohort import Comparison
    from ovm.scoring.results import ScoreSet

SCORE_SCHEMA: dict[str, pl.DataType] = {
    "mission": pl.String(),
    "node": pl.String(),
    "parent": pl.String(),
    "level": pl.Int32(),
    "kind": pl.String(),
    "value": pl.Float64(),
    "value_text": pl.String(),
    "score": pl.Float64(),
    "coverage": pl.Float64(),
    "status": pl.String(),
    "band": pl.Int32(),
    "band_label": pl.String(),
    "rating": pl.Float64(),
    "interval_low": pl.Float64(),
    "interval_high": pl.Float64(),
    "sampled": pl.Boolean(),
    "simulated": pl.Boolean(),
    "capped_by": pl.String(),
}
"""The columns of :func:`score_frame`: one row per mission per node, ``overall`` first."""

RANKING_SCHEMA: dict[str, pl.DataType] = {
    "node": pl.String(),
    "rank": pl.Int32(),
    "tied": pl.Boolean(),
    "mission": pl.String(),
    "score": pl.Float64(),
    "status": pl.String(),
    "band": pl.Int32(),
    "band_label": pl.String(),
    "rating": pl.Float64(),
    "interval_low": pl.Float64(),
    "interval_high": pl.Float64(),
    "simulated": pl.Boolean(),
    "not_scored": pl.String(),
    "capped_by": pl.String(),
}
"""The columns of :func:`ranking_frame`: one row per ranked node per mission, best first."""


def score_frame(scores: ScoreSet) -> pl.DataFrame:
    """Every mission's scores as a DataFrame (the long table of ``ovm score --format csv``)."""
    from ovm.comparison.ranking import imputed_nodes, shown_status
    from ovm.scoring.critical import held_down
    from ovm.scoring.results import fill_deferred

    rows = []
    fill_deferred(scores.scorecards)
    for card in scores.scorecards:
        imputed = imputed_nodes(card)
        held = held_down(card)
        for ns in (card.overall, *card.nodes):
            iv = ns.interval
            rows.append(
                (
                    card.mission.id,
                    ns.node,
                    ns.parent,
                    ns.level,
                    ns.kind,
                    float(ns.value) if isinstance(ns.value, int | float) else None,
                    ns.value if isinstance(ns.value, str) else None,
                    ns.score,
                    ns.coverage,
                    shown_status(ns, imputed),
                    ns.band,
                    ns.band_label,
                    ns.rating,
                    iv[0] if iv else None,
                    iv[1] if iv else None,
                    ns.sampled,
                    card.simulated,
                    held.get(ns.node, ""),
                )
            )
    return pl.DataFrame(rows, schema=SCORE_SCHEMA, orient="row")


def ranking_frame(comparison: Comparison) -> pl.DataFrame:
    """The comparison's rankings as a DataFrame: each ranked node, its missions best first."""
    from ovm.reporting.tables import ranking_entries

    rows = [tuple(e[k] for k in RANKING_SCHEMA) for e in ranking_entries(comparison)]
    return pl.DataFrame(rows, schema=RANKING_SCHEMA, orient="row")


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    """A DataFrame as Parquet bytes (zstd-compressed; the same frame gives the same bytes)."""
    buf = io.BytesIO()
    frame.write_parquet(buf, compression="zstd", statistics=True)
    return buf.getvalue()
