"""Result types of scoring: small, frozen, JSON-able; ``ovm schema scores`` describes them."""

from __future__ import annotations

import datetime as dt
import functools
import operator
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, cast

from pydantic import (
    BaseModel,
    Field,
    SerializerFunctionWrapHandler,
    TypeAdapter,
    model_serializer,
)

from ovm.data.observations import Provenance
from ovm.data.places import PlanCoverage
from ovm.data.reader import FileReport
from ovm.errors import Issue
from ovm.frozen import FrozenMap, FrozenModel, ReadOnlyMap

NodeStatus = Literal["scored", "missing", "not_applicable", "insufficient", "pending", "undefined"]
"""
- ``scored``: has a score.
- ``missing``: no usable data (lowers coverage).
- ``not_applicable``: does not apply to this mission (leaves the denominator).
- ``insufficient``: too little data (too few visits, or a group below its ``min_coverage``).
- ``pending``: needs a cohort; ``compare()`` scores it.
- ``undefined``: the aggregation is undefined for the data (a zero under a geometric mean).
"""


class Finding(FrozenModel):
    """A problem or remark found while scoring (never an exception)."""

    code: str
    message: str
    node: str | None = None
    severity: Literal["info", "warning", "error"] = "warning"
    params: ReadOnlyMap[str, str] = Field(default_factory=FrozenMap)
    """The message's parts, so reports can say it in another language (``variant`` picks
    among the messages one code has)."""

    def text(self, lang: str = "en", name: Callable[[str], str] | None = None) -> str:
        """The message in ``lang``: the catalogue's wording of the code (``finding_<code>``)
        with its parameters, numbers in the language's format and the nodes it names given by
        ``name`` (their ids without it); the English message where the catalogue has none."""
        if lang == "en":
            return self.message
        from ovm.i18n import coded

        said = coded("finding", self.code, self.params, lang, text_numbers=True, name=name)
        return said or self.message


class InputValue(FrozenModel):
    """One input of an indicator, with its provenance or its site counts."""

    name: str
    kind: Literal["variable", "answer", "question", "node"]
    status: Literal["value", "missing", "not_applicable"]
    value: float | str | None = None
    n: int | None = None
    accepted: int | None = None
    not_applicable: int | None = None
    not_observed: int | None = None
    simulated: bool = False
    provenance: Provenance | None = None


class SiteNote(FrozenModel):
    """An observer's free-text note from one visit: evidence that travels with the scores."""

    site: str | None
    city: str | None
    country: str | None
    observer: str | None
    visited_at: str | None
    text: str
    simulated: bool = False


class Contribution(FrozenModel):
    """How one child fed its group's score."""

    node: str
    status: NodeStatus
    score: float | None
    weight: float
    share: float | None


class Explanation(FrozenModel):
    """How a score was reached, as data."""

    inputs: tuple[InputValue, ...] = ()
    formula: str | None = None
    raw_value: float | str | None = None
    rule: str | None = None
    score: float | None = None
    aggregation: str | None = None
    children: tuple[Contribution, ...] = ()
    notes: tuple[SiteNote, ...] = ()


class NodeScore(FrozenModel):
    """The score of one node of the rubric for one mission."""

    node: str
    parent: str | None
    level: int
    kind: str
    value: float | str | None
    score: float | None
    coverage: float
    status: NodeStatus
    band: int | None
    band_label: str | None
    rating: float | None = Field(default=None, exclude_if=lambda v: v is None)
    """The rating of the band (when its bands give one): 1-7 where the index rates so."""
    interval: tuple[float, float] | None = None
    sampled: bool = False
    explanation: Explanation = Explanation()

    # A node score the engine made may hold its explanation's place in a column of them until
    # a caller reads it (see :class:`ExplanationColumn`): ranking a cohort reads scores, not
    # explanations. Every way to read, compare, copy or write it writes the explanation
    # first, so it is the same object field for field as one built whole.
    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            if name == "explanation" and ExplanationColumn.PLACE in self.__dict__:
                return _explained(self)["explanation"]
            return super().__getattr__(name)

    def __eq__(self, other: object) -> bool:
        _explained(self)
        if isinstance(other, NodeScore):
            _explained(other)
        return super().__eq__(other)

    def __hash__(self) -> int:
        return hash(_NODE_VALUES(_explained(self)))

    def __iter__(self) -> Any:
        _explained(self)
        return super().__iter__()

    def __repr_args__(self) -> Any:
        _explained(self)
        return super().__repr_args__()

    def __getstate__(self) -> dict[Any, Any]:
        _explained(self)
        return super().__getstate__()

    def __copy__(self) -> NodeScore:
        _explained(self)
        return super().__copy__()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> NodeScore:
        _explained(self)
        return super().__deepcopy__(memo)

    @model_serializer(mode="wrap")
    def _whole(self, handler: SerializerFunctionWrapHandler) -> Any:
        _explained(self)
        return handler(self)


class MissionInfo(FrozenModel):
    """The mission a scorecard is about."""

    @property
    def key(self) -> str:
        """The entity, else the country: what a trend follows across missions."""
        return self.entity or self.country or self.id

    id: str
    country: str | None
    name: ReadOnlyMap[str, str] | str
    entity: str | None = Field(default=None, exclude_if=lambda v: v is None)
    """The entity assessed, when the mission names one of its own (see ``Mission``)."""
    period: str | None = Field(default=None, exclude_if=lambda v: v is None)
    """The period assessed, for an assessment without an election."""
    election_type: str
    election_date: dt.date
    round: int
    region: str | None = None


class Scorecard(FrozenModel):
    """Every node's score for one mission, with findings and evidence."""

    mission: MissionInfo
    overall: NodeScore
    nodes: tuple[NodeScore, ...]
    findings: tuple[Finding, ...] = ()
    sites: int = 0
    """Observer visits used for this mission (rows of its checklists; a place visited twice
    counts twice)."""
    simulated: bool = False
    notes: tuple[SiteNote, ...] = ()
    notes_total: int = 0
    coverage: PlanCoverage | None = None
    """The places observed of those the mission planned (None without a plan)."""

    def node(self, node_id: str) -> NodeScore:
        """The score of a node (``overall`` included); KeyError if none."""
        if node_id == "overall":
            return self.overall
        nodes: dict[str, NodeScore] = _indexed(self, "nodes", lambda n: n.node)
        try:
            return nodes[node_id]
        except KeyError:
            raise NotHeldError("node", node_id, ("overall", *nodes)) from None

    # A scorecard the engine made may hold its mission alone until a caller reads anything
    # else (see :func:`deferred_card`): every way to read, compare, copy or write it fills it
    # first, so it is the same object field for field as one built whole.
    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            if name in _DEFERRED_FIELDS and _DEFERRED in self.__dict__:
                return _filled(self)[name]
            return super().__getattr__(name)

    def __eq__(self, other: object) -> bool:
        _filled(self)
        if isinstance(other, Scorecard):
            _filled(other)
        return super().__eq__(other)

    def __hash__(self) -> int:
        return hash(_FIELD_VALUES(_filled(self)))

    def __iter__(self) -> Any:
        _filled(self)
        return super().__iter__()

    def __repr_args__(self) -> Any:
        _filled(self)
        return super().__repr_args__()

    def __getstate__(self) -> dict[Any, Any]:
        _filled(self)
        return super().__getstate__()

    def __copy__(self) -> Scorecard:
        _filled(self)
        return super().__copy__()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Scorecard:
        _filled(self)
        return super().__deepcopy__(memo)

    @model_serializer(mode="wrap")
    def _whole(self, handler: SerializerFunctionWrapHandler) -> Any:
        _filled(self)
        return handler(self)


_DEFERRED = "_deferred"
_DEFERRED_FIELDS = frozenset(Scorecard.model_fields) - {"mission"}
_FIELD_VALUES = operator.itemgetter(*Scorecard.model_fields)
_CARD_FIELDS = list(Scorecard.model_fields)
_NODE_VALUES = operator.itemgetter(*NodeScore.model_fields)


class ExplanationColumn:
    """The explanations of one node at a column of missions, written together when the first
    of them is read: ``write`` gives the whole column, in order. A node score that holds
    ``(column, k)`` in place of its explanation (under :attr:`PLACE`) takes the k-th;
    the column, and what ``write`` holds, is let go once every node score has taken its own."""

    PLACE = "_deferred"
    """The key a deferred node score holds ``(column, k)`` under, last of its fields, where
    ``explanation`` goes once written."""

    __slots__ = ("_lock", "_made", "_write")

    def __init__(self, write: Callable[[], Sequence[Any]]) -> None:
        self._lock = threading.Lock()
        self._write: Callable[[], Sequence[Any]] | None = write
        self._made: list[Explanation] | None = None

    def __getitem__(self, k: int) -> Explanation:
        made = self._made
        if made is None:
            from ovm.runtime import paused_gc

            # As when a cohort's scorecards are built (fill_deferred): a column's thousands of
            # objects all stay alive, and a collection would walk the whole heap for them.
            with self._lock, paused_gc(aged=True):
                made = self._made
                if made is None:
                    write = cast("Callable[[], Sequence[Any]]", self._write)
                    made = self._made = _explanations(write())
                    self._write = None
        return made[k]


def _explanations(written: Sequence[Any]) -> list[Explanation]:
    """``written`` as the explanation field holds them: an Explanation as it is, anything else
    validated as the field validates it when the node score is built whole."""
    if all(type(e) is Explanation for e in written):
        return list(written)
    field = _explanation_field()
    return [e if type(e) is Explanation else field.validate_python(e) for e in written]


@functools.cache
def _explanation_field() -> TypeAdapter[Explanation]:
    return TypeAdapter(Explanation)


def _explained(node: NodeScore) -> dict[str, Any]:
    """The node score's fields, its explanation written first when it was deferred."""
    fields = node.__dict__
    place = fields.get(ExplanationColumn.PLACE)
    if place is None:
        return fields
    column, k = place
    # The place is the last key (see _node_column in the engine): the explanation takes it,
    # after the fields before it, in the model's order.
    whole = fields.copy()
    del whole[ExplanationColumn.PLACE]
    whole["explanation"] = column[k]
    # A new dict, as for a scorecard (see _fill_with): a reader of the old one meanwhile still
    # sees a whole deferred node score.
    _set(node, "__dict__", whole)
    return whole


def deferred_card(mission: MissionInfo, fill: Callable[[], dict[str, Any]]) -> Scorecard:
    """A scorecard of ``mission`` whose other fields ``fill`` gives (every field after
    ``mission``, in the model's order, of the types :func:`in_order` asks for) when they are
    first read: a cohort of thousands of missions is scored without building every node's
    result objects, and a caller pays for the scorecards it reads."""
    return in_order(Scorecard, {"mission": mission, _DEFERRED: fill})


class CardBatch(Protocol):
    """What builds the deferred scorecards of a cohort together (see :class:`BatchFill`)."""

    def fill_many(self, fills: Sequence[Any]) -> list[dict[str, Any]]:
        """The fields of each fill's scorecard, as each fill alone would give them."""
        ...


class BatchFill:
    """A deferred scorecard's ``fill`` that belongs to a batch: called alone it builds its own
    card; :func:`fill_deferred` hands the batch every such fill of the cards it fills, so
    that the batch builds them together (node by node for the whole cohort)."""

    __slots__ = ("batch",)

    def __init__(self, batch: CardBatch) -> None:
        self.batch = batch

    def __call__(self) -> dict[str, Any]:
        return self.batch.fill_many((self,))[0]


_BATCH_CARDS = 256
"""Scorecards a batch builds at a time: each part's fills (and what they alone hold) are
dropped as soon as its cards are built, as they were when cards were built one by one."""


def fill_deferred(cards: Iterable[Scorecard]) -> None:
    """Build every deferred scorecard of ``cards`` at once, with the garbage collector paused:
    a caller that reads a whole cohort lets hundreds of thousands of objects be made without
    the collector walking the growing heap again and again as they accumulate. Cards whose
    fills belong to one batch are built together."""
    from ovm.runtime import paused_gc

    with paused_gc(aged=True):
        batches: dict[int, tuple[CardBatch, list[Scorecard], list[BatchFill]]] = {}
        for card in cards:
            fill = card.__dict__.get(_DEFERRED)
            if fill is None:
                continue
            if not isinstance(fill, BatchFill):
                _filled(card)
                continue
            found = batches.get(id(fill.batch))
            if found is None:
                found = batches[id(fill.batch)] = (fill.batch, [], [])
            found[1].append(card)
            found[2].append(fill)
        for batch, members, fills in batches.values():
            for start in range(0, len(fills), _BATCH_CARDS):
                part = fills[start : start + _BATCH_CARDS]
                fills[start : start + _BATCH_CARDS] = [None] * len(part)  # type: ignore[list-item]
                built = batch.fill_many(part)
                del part
                for card, fields in zip(members[start : start + _BATCH_CARDS], built, strict=True):
                    _fill_with(card, fields)


def _filled(card: Scorecard) -> dict[str, Any]:
    """The scorecard's fields, filled first when they were deferred."""
    fields = card.__dict__
    fill = fields.get(_DEFERRED)
    if fill is None:
        return fields
    return _fill_with(card, fill())


def _fill_with(card: Scorecard, rest: dict[str, Any]) -> dict[str, Any]:
    """The deferred scorecard holding its mission and ``rest``, its other fields."""
    whole = {"mission": card.__dict__["mission"], **rest}
    if list(whole) != _CARD_FIELDS:
        raise TypeError(f"a deferred scorecard's fields come in order: {list(whole)}")
    # A new dict, not the old one updated: the fields keep the model's order, and a thread
    # reading the old one meanwhile still sees a whole deferred card.
    _set(card, "__dict__", whole)
    return whole


class RubricRef(FrozenModel):
    """Identifies the methodology a score set was computed with."""

    id: str
    version: str
    sha256: str


class RejectedSummary(FrozenModel):
    """A rejected row and why."""

    file: str
    row: int
    mission: str | None
    reasons: tuple[ReadOnlyMap[str, Any], ...]


class ScoreSet(FrozenModel):
    """The scorecards of a cohort, with what they were computed from."""

    format: Literal["ovm-scores/2"] = "ovm-scores/2"
    """The version of the scores file's format (see :mod:`ovm.scoring.scorejson`)."""
    rubric: RubricRef
    data_sha256: str
    seed: int
    bootstrap: int
    confidence: float
    scorecards: tuple[Scorecard, ...]
    files: tuple[FileReport, ...] = ()
    rejected: tuple[RejectedSummary, ...] = ()
    simulated_sources: tuple[str, ...] = ()
    warnings: tuple[Issue, ...] = ()
    """What loading the data warned of (a repeated visit, a visit time or a country not
    understood): a warning loses no datum, though the row it names may be rejected for another
    reason (``rejected``); the refused cells are each file's ``rejected_cells``."""

    def scorecard(self, mission_id: str) -> Scorecard:
        """The scorecard of a mission; KeyError if none."""
        cards: dict[str, Scorecard] = _indexed(self, "scorecards", lambda s: s.mission.id)
        try:
            return cards[mission_id]
        except KeyError:
            if not isinstance(mission_id, str):
                raise IdTypeError("mission", mission_id) from None
            raise NotHeldError("mission", mission_id, cards) from None

    def to_json(self) -> str:
        """The scores file (``ovm-scores/2``): canonical JSON text, byte-identical for
        identical inputs, each fact written once; :meth:`from_json` reads it back whole. A
        value the comparison imputed says ``imputed``, as in every output
        (:func:`ovm.scoring.imputed.shown_status`)."""
        from ovm.scoring.scorejson import dumps

        fill_deferred(self.scorecards)
        return dumps(self)

    @classmethod
    def from_json(cls, text: str | bytes) -> ScoreSet:
        """The score set a scores file holds; ``ScoreSet.from_json(s.to_json()) == s``.
        ValueError when the text is not a scores file."""
        from ovm.scoring.scorejson import read

        return cls.model_validate(read(text))


E = TypeVar("E")


class NotHeldError(KeyError):
    """A node or mission id the scores do not hold (a KeyError): says which, with the closest
    id they hold when one is close (``practice.secrety``: did you mean ``practice.secrecy``?)."""

    def __init__(self, what: str, key: str, known: Iterable[str]) -> None:
        super().__init__(key)
        # The closest id is looked for when the error is said: a caller that catches it
        # (a node some scorecards lack) pays for no search.
        self.what, self.key, self._known = what, key, known

    def __reduce__(self) -> tuple[type[NotHeldError], tuple[str, str, tuple[str, ...]]]:
        # Rebuilt from all three arguments (KeyError's own pickling passes only the key).
        return type(self), (self.what, self.key, tuple(self._known))

    @property
    def meant(self) -> str | None:
        """The id held closest to the one asked, when one is close."""
        if not isinstance(self.key, str):
            # Only a text is near an id: saying the error must not fail on another key.
            return None
        import difflib

        close = difflib.get_close_matches(self.key, list(self._known), n=1, cutoff=0.6)
        return close[0] if close else None

    def __str__(self) -> str:
        meant = self.meant
        hint = f": did you mean {meant!r}?" if meant else ""
        return f"no {self.what} {self.key!r} in the scores{hint}"


class IdTypeError(TypeError):
    """An id asked for by something that is not one: ``run.scorecard(card.mission)`` passes
    a :class:`MissionInfo`, whose ``.id`` is the mission id. Says what to pass instead."""

    def __init__(self, what: str, value: object) -> None:
        ident = getattr(value, "id", None)
        hint = f": pass its .id ({ident!r})" if isinstance(ident, str) else ""
        super().__init__(f"a {what} id is a str, not {type(value).__name__}{hint}")
        self.what, self.value = what, value


def _indexed(model: BaseModel, name: str, key: Callable[[E], str]) -> dict[str, E]:
    """The items of the tuple field ``name`` by their key (the first of a repeated key), built
    on first use and kept with the model: a lookup per node of every scorecard searched the
    tuple from its start each time.

    The index is kept in the instance's ``__dict__`` under a private key, beside the tuple it
    was built from: equality, hashing and serialisation read the fields alone, and a copy made
    with another tuple (``model_copy(update=...)``) builds its own index.
    """
    items: tuple[E, ...] = getattr(model, name)
    slot = f"_index_{name}"
    kept = model.__dict__.get(slot)
    if kept is not None and kept[0] is items:
        return cast(dict[str, E], kept[1])
    index = {key(item): item for item in reversed(items)}
    model.__dict__[slot] = (items, index)
    return index


M = TypeVar("M", bound=BaseModel)
_set = object.__setattr__
_new = object.__new__
_MAKERS: dict[type[BaseModel], Callable[[dict[str, Any]], BaseModel]] = {}
_SLOT_SETTERS = tuple(
    vars(BaseModel)[name].__set__
    for name in (
        "__dict__",
        "__pydantic_fields_set__",
        "__pydantic_extra__",
        "__pydantic_private__",
    )
)


def in_order(cls: type[M], fields: dict[str, Any]) -> M:
    """A result model holding ``fields`` as they are, without validating them again
    (validation was a third of the time spent building scorecards): the engine's hot paths
    build hundreds of thousands of models from values they computed.

    The caller writes every field, in the model's order (the order its JSON is written in),
    and answers for the types: a float field gets a ``float`` or None, never an ``int`` that
    validation would have turned into one. Tests read every such model back through
    validation and compare it field for field and in JSON.
    """
    try:
        make = _MAKERS[cls]
    except KeyError:
        make = _MAKERS[cls] = maker(cls)
    return cast("M", make(fields))


def maker(cls: type[M]) -> Callable[[dict[str, Any]], M]:
    """:func:`in_order` for one model class, as a function of the fields alone: what a hot
    path calls for each of hundreds of thousands of results, with the same contract."""
    every = set(cls.model_fields)
    # The slots' own setters, bound once: a quarter of the time object.__setattr__ takes to
    # find them by name on each call.
    set_dict, set_fields, set_extra, set_private = _SLOT_SETTERS

    def make(fields: dict[str, Any]) -> M:
        obj = _new(cls)
        set_dict(obj, fields)
        # One set for every instance: a frozen model never changes it (a copy gets its own).
        set_fields(obj, every)
        set_extra(obj, None)
        set_private(obj, None)
        return obj

    return make


_drain: Callable[[Iterable[Any]], None] = deque(maxlen=0).extend
"""Runs an iterator to its end, keeping nothing: how a C function is applied along a column."""


def column_maker(cls: type[M]) -> Callable[[Sequence[dict[str, Any]]], list[M]]:
    """:func:`maker` for a whole column of results at once: one model per dict of fields, with
    the same contract. Each slot is set along the column by its own setter, with no Python
    call per model."""
    every = set(cls.model_fields)
    set_dict, set_fields, set_extra, set_private = _SLOT_SETTERS

    def make_all(fields: Sequence[dict[str, Any]]) -> list[M]:
        n = len(fields)
        made: list[M] = list(map(_new, repeat(cls, n)))
        _drain(map(set_dict, made, fields))
        _drain(map(set_fields, made, repeat(every, n)))
        _drain(map(set_extra, made, repeat(None, n)))
        _drain(map(set_private, made, repeat(None, n)))
        return made

    return make_all
