"""Comparative indicator (family 7): a value that only exists across a cohort of missions."""

from __future__ import annotations

from typing import Literal

from ovm.indicators._common import IndicatorBase, NodeId, Score
from ovm.indicators.rules import Goalposts

Measure = Literal["distance_to_best", "change_since_previous", "practice_adoption"]


class ComparativeIndicator(IndicatorBase):
    """Scored by ``compare()`` over the cohort; ``score()`` alone leaves it pending.

    - ``distance_to_best``: 100 minus the gap in points to the cohort's best on ``target``.
    - ``change_since_previous``: change in points on ``target`` since the previous observed
      election of the same country, scored by ``rule`` (default -20 -> 0, +20 -> 100).
    - ``practice_adoption``: share of the indicators under ``target`` where the mission reaches
      ``threshold``, among those where some mission of the cohort does.
    """

    kind: Literal["comparative"]
    measure: Measure
    target: NodeId
    threshold: Score = 80.0
    rule: Goalposts | None = None
