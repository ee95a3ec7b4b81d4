"""What the comparison imputed in a scorecard, and the status every output shows it: the one
rule the scores file, the rankings and every writer follow."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ovm.scoring.results import NodeScore, Scorecard

IMPUTED = "imputed-value"
"""The finding the comparison's cohort step records on each indicator whose value it imputed."""

IMPUTED_STATUS = "imputed"
"""The status every output gives an imputed value (the scores file, CSV, Parquet, workbook,
report JSON): its score is the cohort's, so it is not ranked (the scorecard keeps ``scored``
and the finding)."""


def imputed_nodes(card: Scorecard) -> frozenset[str]:
    """The indicators whose value the comparison imputed for this mission (each carries an
    ``imputed-value`` finding). An imputed value fills a gap in a group's score; it is not the
    mission's own: it is never ranked, never a best practice or runner-up, never the ground of
    a recommendation, and every report marks it."""
    return frozenset(f.node for f in card.findings if f.code == IMPUTED and f.node is not None)


def shown_status(ns: NodeScore, imputed: Collection[str]) -> str:
    """The status the outputs give a score: :data:`IMPUTED_STATUS` for a value the comparison
    imputed (its node in ``imputed``, :func:`imputed_nodes` of its scorecard, and scored),
    else its own."""
    return IMPUTED_STATUS if ns.status == "scored" and ns.node in imputed else ns.status
