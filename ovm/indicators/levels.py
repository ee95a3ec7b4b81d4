"""Qualitative ordinal indicator: ordered levels, each with a score and a descriptor."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ovm.indicators._common import Frozen, IndicatorBase, Key, Score, Text


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


__all__ = ["Level", "LevelsIndicator", "Score"]
