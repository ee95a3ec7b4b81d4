"""Flat exports of a run: scores and comparisons as CSV and JSON, spreadsheet formulas guarded."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from ovm.comparison.cohort import Comparison
from ovm.comparison.ranking import RankEntry, imputed_nodes, not_scored, shown_status
from ovm.scoring.results import Scorecard, ScoreSet, fill_deferred

CSV_COLUMNS = (
    "mission",
    "node",
    "parent",
    "level",
    "kind",
    "value",
    "score",
    "coverage",
    "status",
    "band",
    "band_label",
    "rating",
    "interval_low",
    "interval_high",
    "sampled",
    "simulated",
    "capped_by",
)
"""The score CSV's columns: those of :data:`ovm.reporting.frames.SCORE_SCHEMA` by the same
names and meanings (``band`` the band's number, ``band_label`` its label), the frame's
``value_text`` in ``value`` (a CSV cell holds a number or a text alike)."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sheet_text(value: Any) -> tuple[Any, bool]:
    """A workbook cell's value, control characters shown as ``\\xNN`` (a workbook cannot hold
    them), and whether it is text a spreadsheet would run as a formula: the workbook stores
    such text as text under the quote-prefix style (shown as typed, never run), where a CSV
    file can only prefix a quote (:func:`safe_cell`)."""
    if not isinstance(value, str):
        return value, False
    value = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return value, value.startswith(_FORMULA_START)


def safe_cell(value: Any) -> Any:
    """Neutralise text that a spreadsheet would run as a formula (prefix a quote), and show
    control characters as ``\\xNN`` (a workbook cannot hold them; a terminal would obey them)."""
    if isinstance(value, str):
        value = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _fmt(x: Any) -> Any:
    if x is None:
        return ""
    if isinstance(x, float):
        return repr(round(x, 10))
    if isinstance(x, bool):
        return "yes" if x else "no"
    return x


def shows_simulated(scores: ScoreSet, cards: Sequence[Scorecard]) -> bool:
    """Whether an output about ``cards`` (scorecards of ``scores``) rests on simulated observer
    data: one of its missions' checklists is simulated, or it shows every mission of scores
    whose files are. A mission with no simulated visit is not simulated because another
    mission's are: its own report shows no banner, and no other output of it says so."""
    if any(c.simulated for c in cards):
        return True
    return bool(scores.simulated_sources) and len(cards) == len(scores.scorecards)


def _score_cells(scores: ScoreSet) -> Iterator[tuple[Any, ...]]:
    """The long format's rows as tuples of :data:`CSV_COLUMNS`' values, unworded."""
    from ovm.scoring.critical import held_down

    fill_deferred(scores.scorecards)
    for card in scores.scorecards:
        imputed = imputed_nodes(card)
        held = held_down(card)
        for ns in (card.overall, *card.nodes):
            interval = ns.interval
            yield (
                card.mission.id,
                ns.node,
                ns.parent or "",
                ns.level,
                ns.kind,
                ns.value,
                ns.score,
                ns.coverage,
                shown_status(ns, imputed),
                ns.band,
                ns.band_label or "",
                ns.rating,
                interval[0] if interval else None,
                interval[1] if interval else None,
                ns.sampled,
                card.simulated,
                held.get(ns.node, ""),
            )


def score_rows(scores: ScoreSet) -> list[dict[str, Any]]:
    """One row per mission per node (``overall`` first), the long format of the CSV export."""
    return [dict(zip(CSV_COLUMNS, cells, strict=True)) for cells in _score_cells(scores)]


def csv_cell(value: Any) -> Any:
    """A CSV cell: numbers as plain numbers, text guarded against formula injection."""
    if isinstance(value, str):
        return safe_cell(value)
    return _fmt(value)


def scores_csv(scores: ScoreSet) -> str:
    """The scores as CSV text, long format, with formula injection guarded."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    # A cohort's scores are thousands of rows whose texts (node ids, kinds, statuses, bands)
    # are a few hundred: each is guarded once. The plain types are worded as csv_cell words
    # them, any other value by csv_cell itself.
    texts: dict[str, Any] = {}

    def cell(value: Any) -> Any:
        kind = type(value)
        if kind is str:
            text = texts.get(value)
            if text is None:
                text = texts[value] = safe_cell(value)
            return text
        if kind is float:
            return repr(round(value, 10))
        if value is None:
            return ""
        if kind is bool:
            return "yes" if value else "no"
        if kind is int:
            return value
        return csv_cell(value)

    w.writerows([cell(v) for v in cells] for cells in _score_cells(scores))
    return buf.getvalue()


_FIXED_STAMP = "2000-01-01T00:00:00Z"


def workbook_bytes(workbook: Any) -> bytes:
    """An openpyxl workbook as XLSX bytes that depend only on its content.

    openpyxl stamps the save time into docProps/core.xml and into every zip entry; both are
    fixed here so the same report gives the same file.
    """
    import re
    import zipfile

    raw = io.BytesIO()
    workbook.save(raw)
    raw.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + _FIXED_STAMP.encode() + rb"\g<2>",
                    data,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, data)
    return out.getvalue()


# --- comparisons ------------------------------------------------------------------------


def comparison_to_dict(comparison: Comparison, *, include_scores: bool = True) -> dict[str, Any]:
    """The comparison as plain JSON-able data (stable key order)."""

    cells = {
        (c.mission.id, ns.node): ns
        for c in comparison.scores.scorecards
        for ns in (c.overall, *c.nodes)
    }

    def entry(e: RankEntry, node_id: str) -> dict[str, Any]:
        ns = cells.get((e.mission, node_id))
        return {
            "mission": e.mission,
            "score": e.score,
            "rank": e.rank,
            "tied": e.tied,
            "not_scored": list(not_scored(ns)) if ns is not None else [],
        }

    out: dict[str, Any] = {
        "format": "ovm-comparison/3",
        "settings": {
            **comparison.settings.model_dump(mode="json"),
            "missions": comparison.missions,
        },
        "findings": [f.model_dump(mode="json") for f in comparison.findings],
        "rankings": {k: [entry(e, k) for e in v] for k, v in comparison.rankings.items()},
        "best": {
            k: {
                "missions": list(b.missions),
                "score": b.score,
                "lead_holds": b.lead_holds,
                "runner_up": b.runner_up,
                "evidence": [ns.model_dump(mode="json") for ns in b.evidence],
            }
            for k, b in comparison.best.items()
        },
        "leaders": {
            k: {
                "missions": list(b.missions),
                "score": b.score,
                "lead_holds": b.lead_holds,
                "good": b.good,
                "best_practice": b.is_best_practice,
                "why_not": b.why_not,
                "runner_up": b.runner_up,
            }
            for k, b in comparison.leaders.items()
        },
        "weakest": {k: list(v) for k, v in comparison.weakest.items()},
        "peers": {
            g: {
                "missions": list(p.missions),
                "rankings": {k: [entry(e, k) for e in v] for k, v in p.rankings.items()},
                "best": {
                    k: {"missions": list(b.missions), "score": b.score} for k, b in p.best.items()
                },
            }
            for g, p in comparison.peers.items()
        },
        "trends": {k: [[m, s] for m, s in v] for k, v in comparison.trends.items()},
    }
    if include_scores:
        from ovm.scoring.scorejson import to_data

        out["scores"] = to_data(comparison.scores)
    return out


def comparison_json(comparison: Comparison) -> str:
    """Canonical JSON text of a comparison (byte-identical for identical inputs)."""
    from ovm.scoring.scorejson import text, to_data

    head = json.dumps(
        comparison_to_dict(comparison, include_scores=False),
        indent=1,
        ensure_ascii=False,
        allow_nan=False,
    )
    # The scores as the scores file lays them out (one node, datum or finding a line),
    # indented one level: the same data as comparison_to_dict's "scores".
    scores = text(to_data(comparison.scores)).rstrip("\n").replace("\n", "\n ")
    return head.removesuffix("\n}") + ',\n "scores": ' + scores + "\n}\n"


RANKING_COLUMNS = (
    "node",
    "rank",
    "tied",
    "mission",
    "score",
    "status",
    "band",
    "band_label",
    "rating",
    "interval_low",
    "interval_high",
    "simulated",
    "not_scored",
    "capped_by",
)
"""The rankings CSV's columns: :data:`ovm.reporting.frames.RANKING_SCHEMA`'s, by the same
names and meanings."""


def ranking_entries(comparison: Comparison) -> list[dict[str, Any]]:
    """Every ranked node's missions, best first, with the cell each is ranked on: the rows of
    ``ovm compare --format csv`` and of :func:`ovm.reporting.frames.ranking_frame` (keys: node,
    rank, tied, mission, score, status, band, band_label, rating, interval_low,
    interval_high, simulated: whether the mission's observer data include simulated visits,
    not_scored: the ids of the node's parts without a score, :func:`not_scored`, separated by
    spaces, capped_by: the critical indicator holding the band at the lowest,
    :func:`ovm.scoring.critical.held_down`, empty when none)."""
    from ovm.scoring.critical import held_down

    cells = {
        (c.mission.id, ns.node): ns
        for c in comparison.scores.scorecards
        for ns in (c.overall, *c.nodes)
    }
    simulated = {c.mission.id: c.simulated for c in comparison.scores.scorecards}
    imputed = {c.mission.id: imputed_nodes(c) for c in comparison.scores.scorecards}
    held = {c.mission.id: held_down(c) for c in comparison.scores.scorecards}
    out = []
    for node_id, entries in comparison.rankings.items():
        for e in entries:
            ns = cells[(e.mission, node_id)]
            iv = ns.interval
            status = shown_status(ns, imputed[e.mission])
            out.append(
                {
                    "node": node_id,
                    "rank": e.rank,
                    "tied": e.tied,
                    "mission": e.mission,
                    # an imputed value is not ranked, but the row shows it, said to be imputed
                    "score": ns.score if e.rank is None and status != ns.status else e.score,
                    "status": status,
                    "band": ns.band,
                    "band_label": ns.band_label,
                    "rating": ns.rating,
                    "interval_low": iv[0] if iv else None,
                    "interval_high": iv[1] if iv else None,
                    "simulated": simulated[e.mission],
                    "not_scored": " ".join(not_scored(ns)),
                    "capped_by": held[e.mission].get(node_id, ""),
                }
            )
    return out


def comparison_csv(comparison: Comparison) -> str:
    """The rankings as CSV (one row per node per mission), spreadsheet formulas neutralised."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(RANKING_COLUMNS)
    for row in ranking_entries(comparison):
        w.writerow([csv_cell(row[k]) for k in RANKING_COLUMNS])
    return buf.getvalue()
