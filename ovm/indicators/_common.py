"""Field types and base models shared by every node of a rubric."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any, Literal, overload

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from ovm.indicators.text import unit_words

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    import numpy.typing as npt

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
    """Immutable model that rejects unknown keys.

    Validators are built on first use (:func:`build_validators`), not as each class is made: a
    command that reads its rubric from the cache (``ovm score``) validates none of them.
    """

    # NaN or infinity in a weight, goalpost or power would turn every score above it into NaN.
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        allow_inf_nan=False,
        defer_build=True,
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        _MODELS.append(cls)


_MODELS: list[type[Frozen]] = []
"""Every model of a rubric's nodes, in the order the classes were made."""


def build_validators() -> None:
    """Build the validator of every rubric model not built yet, in the order the classes were
    made, so that each nested model (a band, a scale) is built once and reused by the models
    that hold it rather than built again inside each. Bases that only others derive from are
    never validated themselves, and are left unbuilt."""
    for model in _MODELS:
        if not model.__pydantic_complete__ and not model.__subclasses__():
            model.model_rebuild()


class Scale(Frozen):
    """The range of a node's scores and which end is best (the default: 0-100, higher).

    ``integer`` says scores are whole numbers (items scored 0-4 and their sums), which lets
    bands be written as inclusive ranges (``from: 36, to: 40``).
    """

    min: float = 0.0
    max: float = 100.0
    better: Literal["higher", "lower"] = "higher"
    integer: bool = False

    @property
    def sign(self) -> float:
        """1 where higher scores are better, -1 where lower ones are: rankings sort by
        ``sign * score``, highest first."""
        return 1.0 if self.better == "higher" else -1.0

    def is_default(self) -> bool:
        """Whether this is the 0-100, higher-is-better scale every node has unless it says."""
        return self == DEFAULT_SCALE


# Made without validating (its values are the model's own defaults): validating would build
# the model's validator as ovm is imported, which a rubric read from the cache never needs.
DEFAULT_SCALE = Scale.model_construct()


class Band(Frozen):
    """A labelled range of scores on its node's scale.

    Written either as ``min`` (inclusive) and ``max`` (exclusive, except at the scale's
    maximum) or, on an integer scale, as the inclusive range ``from``-``to``.
    """

    min: float | None = None
    max: float | None = None
    from_: float | None = Field(default=None, alias="from")
    to: float | None = None
    label: Text
    rating: float | None = None

    @property
    def inclusive(self) -> bool:
        """Written as an inclusive range (``from``-``to``)."""
        return self.from_ is not None or self.to is not None

    @property
    def low(self) -> float:
        """The lowest score of the band (``min`` or ``from``; checks make one present)."""
        lo = self.from_ if self.inclusive else self.min
        return 0.0 if lo is None else lo

    @property
    def high(self) -> float:
        """The band's upper end (``max``, exclusive, or ``to``, inclusive)."""
        hi = self.to if self.inclusive else self.max
        return 100.0 if hi is None else hi

    @overload
    def contains(
        self, score: float, top: float = 100.0, put: Callable[[float], float] | None = None
    ) -> bool: ...

    @overload
    def contains(
        self,
        score: npt.NDArray[np.float64],
        top: float = 100.0,
        put: Callable[[float], float] | None = None,
    ) -> npt.NDArray[np.bool_]: ...

    def contains(
        self, score: Any, top: float = 100.0, put: Callable[[float], float] | None = None
    ) -> Any:
        """Whether ``score`` falls in this band; ``top`` is the scale's maximum, which the
        highest half-open band includes. ``score`` may be an array (the sensitivity runs
        band every run's scores at once): the answer is then one per score. ``put``: where
        each edge of the band lies on the range ``score`` and ``top`` are on, when that is not
        the node's scale (:meth:`ovm.rubric.model.Rubric.band_at`)."""
        if self.inclusive:
            lo = -math.inf if self.from_ is None else self.from_
            hi = math.inf if self.to is None else self.to
            if put is not None:
                lo, hi = put(lo), put(hi)
            return (lo <= score) & (score <= hi)
        lo = -math.inf if self.min is None else self.min
        hi = math.inf if self.max is None else self.max
        if put is not None:
            lo, hi = put(lo), put(hi)
        return ((lo <= score) & (score < hi)) | ((score == top) & (hi == top))


Addressee = Literal[
    "electoral_body", "legislature", "foreign_ministry", "government", "political_parties"
]
Priority = Literal["high", "medium", "low"]


class Condition(Frozen):
    """When a recommendation applies: a score below (or above) a threshold, or one of some bands.

    Thresholds are scores on the node's own scale (0-100 unless it declares one); where lower
    is better (a deduction), ``above`` says "worse than".
    """

    below: float | None = None
    above: float | None = None
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
    scale: Scale | None = None
    """The range of the node's scores and which end is best; None: 0-100, higher is better."""
    subtracts: bool = False
    """In a ``sum``, the node's score is taken away rather than added (a deduction)."""
    references: tuple[NonEmpty, ...] = ()
    rationale: Text = Field(default_factory=dict)
    recommendations: tuple[RecommendationTemplate, ...] = ()

    @property
    def scale_or_default(self) -> Scale:
        """The node's scale (0-100, higher is better, unless it declares one)."""
        return self.scale or DEFAULT_SCALE


class IndicatorBase(NodeBase):
    """Fields every indicator (leaf) carries."""

    source: Source
    unit: Text | NonEmpty = "score"
    unit_one: Text | NonEmpty | None = None
    """The unit after a value of exactly 1 ("1 day", "1 día"), where it differs."""
    unit_is_name: bool = False
    """The unit names what the number is (a ratio, an index, a share) rather than what it
    counts or measures: written before the number ("ratio of 1.2"), a measure after it."""
    critical: bool = False
    """In its lowest band, caps the band of its family and of the overall at their lowest: a
    failure that a mean would compensate (docs/rubric.md)."""

    def unit_text(self, lang: str = "en", value: object = None) -> str:
        """The unit in ``lang`` (falls back to English); after ``value`` 1, its singular."""
        return unit_words(self.unit, self.unit_one, lang, value)
