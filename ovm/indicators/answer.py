"""Qualitative yes / partial / no indicator (with not applicable where allowed)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ovm.indicators._common import Frozen, IndicatorBase, Score, Text


class AnswerScores(Frozen):
    """The score of each answer."""

    yes: Score = 100.0
    partial: Score | None = 50.0
    no: Score = 0.0


class AnswerIndicator(IndicatorBase):
    """A legal or factual question answered yes, partial or no for the whole mission."""

    kind: Literal["answer"]
    question: Text = Field(default_factory=dict)
    scores: AnswerScores = AnswerScores()
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
