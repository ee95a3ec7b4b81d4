"""Qualitative yes / partial / no indicator (with not applicable where allowed)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from ovm.errors import Issue
from ovm.indicators._common import Frozen, IndicatorBase, Score, Text
from ovm.indicators.registry import KindUnit, register_kind
from ovm.indicators.scoring import AnswerScorer, NodeScorer, Plan
from ovm.indicators.text import Wording, number, say
from ovm.indicators.validation import Document, RawNode, node_check

if TYPE_CHECKING:
    from ovm.rubric.model import Rubric


class AnswerScores(Frozen):
    """The score of each answer."""

    yes: Score = 100.0
    partial: Score | None = 50.0
    no: Score = 0.0


class AnswerIndicator(IndicatorBase):
    """A legal or factual question answered yes, partial or no for the whole mission."""

    kind: Literal["answer"]
    question: Text = Field(default_factory=dict)
    # The defaults, made without validating them (as DEFAULT_SCALE is).
    scores: AnswerScores = AnswerScores.model_construct()
    allow_na: bool = False

    def answers(self) -> list[str]:
        """The answers a mission may give (not applicable excluded)."""
        out = ["yes", "no"]
        if self.scores.partial is not None:
            out.insert(1, "partial")
        return out

    def score_of(self, answer: str) -> float | None:
        """The score of an answer, or None when it is not one of the allowed answers."""
        if answer == "yes":
            return self.scores.yes
        if answer == "no":
            return self.scores.no
        if answer == "partial":
            return self.scores.partial
        return None


@node_check("missing-translation")
def answer_translated(doc: Document, node: RawNode) -> Iterator[Issue]:
    """The question in each of the rubric's languages."""
    if "question" in node.data:
        yield from doc.translations((*node.path, "question"), node.data["question"])


class AnswerKind(KindUnit[AnswerIndicator]):
    """Yes / partial / no: one answer per mission, scored by the answer's score."""

    key = "answer"
    model = AnswerIndicator
    evidence = "answers"
    checks = (answer_translated,)
    rule_fields = ()

    def explain(self, node: AnswerIndicator) -> str:
        """Each answer with its score."""
        return "answer: " + ", ".join(f"{a}={node.score_of(a):g}" for a in node.answers())

    def describe(
        self, node: AnswerIndicator, lang: str, rubric: Rubric, *, with_formula: bool = True
    ) -> str:
        """Each answer with its score."""
        return say(
            "rule_answer",
            lang,
            levels=" · ".join(
                f"{say('answer_' + a, lang)}: {number(node.score_of(a) or 0.0, lang)}"
                for a in node.answers()
            ),
        )

    def value_text(self, node: AnswerIndicator, value: float | str, lang: str) -> Wording:
        """An answer as a word of the reader's language."""
        if value in ("yes", "partial", "no"):
            return Wording(say(f"answer_{value}", lang))
        return super().value_text(node, value, lang)

    def compile(self, node: AnswerIndicator, plan: Plan) -> NodeScorer:
        """Scored from the mission's answer."""
        return AnswerScorer(node, self.explain(node))


register_kind(AnswerKind())
