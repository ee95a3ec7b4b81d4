"""Field types and base models shared by every node of a rubric."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

LANG_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
NAME_PATTERN = r"^[a-z_][a-z0-9_]*$"

Lang = Annotated[str, StringConstraints(pattern=LANG_PATTERN)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Text = dict[Lang, NonEmpty]
"""Text in several languages, keyed by BCP 47 code: ``{en: ..., es: ...}``."""

NodeId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=120)]
VarName = Annotated[str, StringConstraints(pattern=NAME_PATTERN, max_length=80)]
Score = Annotated[float, Field(ge=0, le=100)]

Source = Literal["legal", "statistics", "checklist", "interview", "analyst"]
"""Where the evidence of an indicator comes from."""


def _scalar_to_str(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(value)
    return value


Key = Annotated[NonEmpty, BeforeValidator(_scalar_to_str)]


class Frozen(BaseModel):
    """Immutable model that rejects unknown keys."""

    # NaN or infinity in a weight, goalpost or power would turn every score above it into NaN.
    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, allow_inf_nan=False
    )


class Band(Frozen):
    """A labelled range of scores: ``min`` inclusive, ``max`` exclusive except at 100."""

    min: Score
    max: Score
    label: Text
    rating: float | None = None

    def contains(self, score: float) -> bool:
        """Whether ``score`` falls in this band."""
        return self.min <= score < self.max or (self.max == 100 and score == 100)


Addressee = Literal[
    "electoral_body", "legislature", "foreign_ministry", "government", "political_parties"
]
Priority = Literal["high", "medium", "low"]


class Condition(Frozen):
    """When a recommendation applies: a score below a threshold, or one of some bands."""

    below: Score | None = None
    bands: tuple[Annotated[int, Field(ge=0)], ...] = ()


class RecommendationTemplate(Frozen):
    """Advice drafted when the condition on its node holds; text may use ``{placeholders}``."""

    id: NodeId
    when: Condition
    to: Addressee
    priority: Priority = "medium"
    text: Text


class NodeBase(Frozen):
    """Fields every node of the tree carries."""

    id: NodeId
    labels: Text
    description: Text = Field(default_factory=dict)
    weight: Annotated[float, Field(gt=0)] = 1.0
    contributes: bool = True
    """False keeps the node out of its parent's score: it is still scored and shown beside it
    (the comparative family, scored from the others over a cohort, beside the overall)."""
    bands: tuple[Band, ...] | None = None
    references: tuple[NonEmpty, ...] = ()
    rationale: Text = Field(default_factory=dict)
    recommendations: tuple[RecommendationTemplate, ...] = ()


class IndicatorBase(NodeBase):
    """Fields every indicator (leaf) carries."""

    source: Source
    unit: Text | NonEmpty = "score"

    def unit_text(self, lang: str = "en") -> str:
        """The unit in ``lang`` (falls back to English)."""
        if isinstance(self.unit, str):
            return self.unit
        return self.unit.get(lang) or self.unit.get("en") or next(iter(self.unit.values()), "")
