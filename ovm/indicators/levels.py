"""Qualitative ordinal indicator: ordered levels, each with a score and a descriptor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from ovm.errors import Issue
from ovm.indicators._common import Frozen, IndicatorBase, Key, Score, Text
from ovm.indicators.registry import KindUnit, register_kind
from ovm.indicators.scoring import AnswerScorer, NodeScorer, Plan
from ovm.indicators.text import Wording, number, say, wording
from ovm.indicators.validation import Document, RawNode, node_check, num, seq

if TYPE_CHECKING:
    from ovm.rubric.model import Rubric


class Level(Frozen):
    """One level of an ordinal scale."""

    key: Key
    score: float
    descriptor: Text


class LevelsIndicator(IndicatorBase):
    """A legal or analyst judgement on an ordered scale (0: no legal basis .. 3: constitution)."""

    kind: Literal["levels"]
    question: Text = Field(default_factory=dict)
    levels: tuple[Level, ...] = Field(min_length=2)
    allow_na: bool = False

    def answers(self) -> list[str]:
        """The keys a mission's answer may take (not applicable excluded)."""
        return [lv.key for lv in self.levels]

    def score_of(self, answer: str) -> float | None:
        """The score of an answer key, or None when the key is not a level."""
        for lv in self.levels:
            if lv.key == answer:
                return lv.score
        return None


@node_check("level-score-range", "levels-unordered", "duplicate-key")
def levels_in_order(doc: Document, node: RawNode) -> Iterator[Issue]:
    """Level scores on the node's scale (0-100 unless it declares one), listed from the
    lowest, each key once."""
    keys: set[str] = set()
    prev_score: float | None = None
    low, high, _ = node.scale
    for j, lv in enumerate(seq(node.data.get("levels"))):
        if not isinstance(lv, dict):
            continue
        at = (*node.path, "levels", j)
        s = num(lv.get("score"))
        if s is not None and not low <= s <= high:
            yield doc.issue(
                (*at, "score"),
                "level-score-range",
                f"level score {s:g} is outside {low:g}-{high:g}",
                score=s,
                low=low,
                high=high,
            )
        if s is not None and prev_score is not None and s < prev_score:
            yield doc.issue(
                (*at, "score"),
                "levels-unordered",
                "levels must be listed from the lowest to the highest score",
                "warning",
            )
        prev_score = s if s is not None else prev_score
        k = str(lv.get("key"))
        if k in keys:
            yield doc.issue((*at, "key"), "duplicate-key", f"level key {k!r} is used twice")
        keys.add(k)


@node_check("missing-translation")
def levels_translated(doc: Document, node: RawNode) -> Iterator[Issue]:
    """The question and every level's descriptor in each of the rubric's languages."""
    if "question" in node.data:
        yield from doc.translations((*node.path, "question"), node.data["question"])
    for j, lv in enumerate(seq(node.data.get("levels"))):
        if isinstance(lv, dict) and "descriptor" in lv:
            yield from doc.translations((*node.path, "levels", j, "descriptor"), lv["descriptor"])


class LevelsKind(KindUnit[LevelsIndicator]):
    """Ordinal levels: one answer per mission, scored by its level."""

    key = "levels"
    model = LevelsIndicator
    evidence = "answers"
    checks = (levels_in_order, levels_translated)
    rule_fields = ()

    def explain(self, node: LevelsIndicator) -> str:
        """Each level key with its score."""
        return "levels: " + ", ".join(f"{lv.key}={lv.score:g}" for lv in node.levels)

    def describe(
        self, node: LevelsIndicator, lang: str, rubric: Rubric, *, with_formula: bool = True
    ) -> str:
        """Each level's score and descriptor."""
        return say(
            "rule_levels",
            lang,
            levels=" · ".join(
                f"{number(lv.score, lang)}: {wording(lv.descriptor, lang).text}"
                for lv in node.levels
            ),
        )

    def value_text(self, node: LevelsIndicator, value: float | str, lang: str) -> Wording:
        """A level key as its descriptor."""
        for lv in node.levels:
            if lv.key == value:
                return wording(lv.descriptor, lang)
        return super().value_text(node, value, lang)

    def compile(self, node: LevelsIndicator, plan: Plan) -> NodeScorer:
        """Scored from the mission's answer."""
        return AnswerScorer(node, self.explain(node))


register_kind(LevelsKind())

__all__ = ["Level", "LevelsIndicator", "LevelsKind", "Score"]
