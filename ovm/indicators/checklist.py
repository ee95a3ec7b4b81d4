"""Observer checklist indicator: one question at each polling place abroad, scored over visits."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ovm.indicators._common import Frozen, IndicatorBase, Key, Text
from ovm.indicators.rules import Rule

AnswerType = Literal["yes_no", "select_one", "select_multiple", "integer", "decimal"]
Stat = Literal["share", "mean", "median", "min", "max", "sum", "count"]
NA_CHOICE = "na"


class Choice(Frozen):
    """One allowed answer of a select question."""

    name: Key
    label: Text


YES_NO = (
    Choice(name="yes", label={"en": "Yes", "es": "Sí", "fr": "Oui", "pt": "Sim"}),
    Choice(name="no", label={"en": "No", "es": "No", "fr": "Non", "pt": "Não"}),
)


class ChecklistIndicator(IndicatorBase):
    """A question put to observers at each visited polling place, scored over the visits.

    Categorical answers score as the share of accepted answers among those answered (not
    applicable answers leave the denominator); numeric answers are summarised by ``stat``.
    The rule then maps the share (as a percentage) or the statistic to 0-100.
    """

    kind: Literal["checklist"]
    question: Text
    hint: Text = Field(default_factory=dict)
    answer_type: AnswerType = "yes_no"
    choices: tuple[Choice, ...] = ()
    not_applicable: bool = False
    accept: tuple[Key, ...] = ("yes",)
    stat: Stat = "share"
    min_answers: Annotated[int, Field(ge=1)] = 5
    minimum: float | None = None
    maximum: float | None = None
    required: bool = True
    rule: Rule | None = None

    @property
    def numeric(self) -> bool:
        """Whether answers are numbers rather than choices."""
        return self.answer_type in ("integer", "decimal")

    def all_choices(self) -> tuple[Choice, ...]:
        """The choices offered, built-in yes/no included (not applicable excluded)."""
        if self.answer_type == "yes_no":
            return YES_NO
        return self.choices
