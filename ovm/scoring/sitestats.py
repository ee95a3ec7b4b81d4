"""Observer visits summarised per mission, with cluster bootstrap replicates for the cohort.

Everything here is columnar: visits are grouped by mission once, in an order that depends on
their content only; each mission's visits are summed per polling place, and the place sums feed
one matrix product that gives both the point counts and the replicate counts. Replicates
resample polling places, not visits (visits to one place are alike), and a share's replicate
carries a prior pseudo-visit so that a unanimous share still has uncertainty
(docs/statistics.md).
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise
from queue import Empty, SimpleQueue
from typing import Any, TypeVar, cast, overload

import numpy as np
import numpy.typing as npt
import polars as pl

from ovm.data.checklists import FILE, NA_CODE, checklist_questions
from ovm.data.tables import ROW
from ovm.indicators.checklist import PERCENT, ChecklistIndicator
from ovm.indicators.checklist import wilson as wilson
from ovm.indicators.checklist import wilson_arrays as wilson_arrays
from ovm.rubric.model import Rubric
from ovm.runtime import one_blas_thread, worker_threads
from ovm.scoring.aggregate import Array
from ovm.scoring.results import SiteNote
from ovm.scoring.rowhash import cell_words, hashes

MAX_NOTES = 200
MISSING_CODE = -9
"""Code given to an unanswered categorical cell before it enters a matrix."""
Weights = npt.NDArray[np.float32]
# Float32 sums of integer weights stay exact below 2**24.
_F32_EXACT = 2**24


# Slots: a cohort of thousands of missions makes one per mission and question.
@dataclass(slots=True)
class QuestionStat:
    """Per-mission summary of one checklist question over the visits."""

    answered: int = 0
    accepted: int = 0
    not_applicable: int = 0
    not_observed: int = 0
    value: float | None = None
    places: int = 0
    """Distinct polling places with an answer (a visit without a site id is a place of its own)."""
    extra: dict[str, float | None] = field(default_factory=dict)
    """Statistics other variables ask of a numeric question (``from_sites``)."""


_T = TypeVar("_T")

_TALLIED = ("answered", "accepted", "not_applicable", "not_observed", "places")
"""The counts :class:`Tallies` holds of each categorical question, in the order of its rows."""


@dataclass(frozen=True)
class Tallies:
    """Every categorical question's counts at every mission of a cohort, as columns.

    A mission's :class:`QuestionStat` of such a question is made from them when it is first
    read: a cohort of thousands of missions would make one per mission and question, and a
    run that only ranks them reads none."""

    questions: dict[str, int]
    """Each question's index in ``counts``."""
    counts: npt.NDArray[np.int64]
    """Questions' counts (:data:`_TALLIED`, one row each) x questions x missions (by row of
    the site summary's ``ids``)."""

    def column(self, question: str, count: str) -> npt.NDArray[np.int64]:
        """One count of ``question`` (a name of :data:`_TALLIED`) at every mission."""
        column: npt.NDArray[np.int64] = self.counts[_TALLIED.index(count), self.questions[question]]
        return column

    def stats(self, question: str, rows: Sequence[int] | None = None) -> list[QuestionStat]:
        """The summaries of ``question`` at the missions of ``rows`` (every mission when
        None), made at once."""
        tallied = self.counts[:, self.questions[question]]
        return _made(*(tallied if rows is None else tallied[:, rows]).tolist())

    def mission(self, row: int) -> dict[str, QuestionStat]:
        """Every question's summary at the mission of ``row``, made at once."""
        return dict(zip(self.questions, _made(*self.counts[:, :, row].tolist()), strict=True))


def _made(
    answered: list[int], accepted: list[int], na: list[int], missing: list[int], places: list[int]
) -> list[QuestionStat]:
    """Summaries from their counts, one per element of the lists."""
    # The value as a question's summary has always given it: 100.0 * accepted / answered.
    value = [100.0 * yes / n if n else None for yes, n in zip(accepted, answered, strict=True)]
    # Positional: the fields in the order the dataclass declares them.
    return list(map(QuestionStat, answered, accepted, na, missing, value, places))


class SiteStats(Mapping[str, QuestionStat]):
    """One mission's summary of each checklist question: a numeric question's as it is
    summarised (:meth:`put`), a categorical one's made from the cohort's :class:`Tallies`
    when first read."""

    __slots__ = ("made", "row", "tallies")

    def __init__(self, tallies: Tallies | None = None, row: int = 0) -> None:
        self.made: dict[str, QuestionStat] = {}
        """The summaries made so far."""
        self.tallies = tallies
        self.row = row
        """The mission's column in ``tallies``."""

    def put(self, question: str, stat: QuestionStat) -> None:
        """Give ``question`` its summary."""
        self.made[question] = stat

    def __getitem__(self, question: str) -> QuestionStat:
        made = self.made.get(question)
        if made is not None:
            return made
        tallies = self.tallies
        if tallies is None or question not in tallies.questions:
            raise KeyError(question)
        # The mission's every question at once: a mission read one question at a time (scored
        # rule by rule, as a mission with few places is) reads them all, and one object made
        # a call cost ten times as much.
        for tallied, stat in tallies.mission(self.row).items():
            self.made.setdefault(tallied, stat)
        return self.made[question]

    @overload
    def get(self, question: str, /) -> QuestionStat | None: ...

    @overload
    def get(self, question: str, /, default: QuestionStat | _T) -> QuestionStat | _T: ...

    def get(self, question: str, /, default: object = None) -> object:
        """The summary of ``question``, ``default`` where the mission has none."""
        # A made summary without Mapping.get's call of __getitem__: scoring asks once a
        # mission and question.
        made = self.made.get(question)
        if made is not None:
            return made
        try:
            return self[question]
        except KeyError:
            return default

    def __contains__(self, question: object) -> bool:
        tallies = self.tallies
        return question in self.made or (tallies is not None and question in tallies.questions)

    def __iter__(self) -> Iterator[str]:
        tallied = {} if self.tallies is None else self.tallies.questions
        yield from tallied
        yield from (q for q in self.made if q not in tallied)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"SiteStats({dict(self)!r})"


def stats_of(question: str, tables: Sequence[SiteStats]) -> list[QuestionStat | None]:
    """Each mission's summary of ``question`` (None where it has none), those still to be made
    from a cohort's tallies made at once."""
    out: list[QuestionStat | None] = [t.made.get(question) for t in tables]
    waiting: dict[int, tuple[Tallies, list[int]]] = {}
    for k, (table, got) in enumerate(zip(tables, out, strict=True)):
        tallies = table.tallies
        if got is None and tallies is not None and question in tallies.questions:
            waiting.setdefault(id(tallies), (tallies, []))[1].append(k)
    for tallies, where in waiting.values():
        made = tallies.stats(question, [tables[k].row for k in where])
        for k, st in zip(where, made, strict=True):
            out[k] = st
    return out


@dataclass
class MissionSites:
    """The site data of one mission, summarised."""

    n: int = 0
    simulated: bool = False
    stats: SiteStats = field(default_factory=SiteStats)
    notes: list[SiteNote] = field(default_factory=list)
    notes_total: int = 0
    negative_notes: dict[str, list[SiteNote]] = field(default_factory=dict)


@dataclass
class SiteSummary:
    """Every mission's site summary, and the cohort's bootstrap replicates.

    ``replicates[(question, stat)]`` is a matrix with one row per mission of ``ids`` and one
    column per replicate; ``stat`` is :data:`PERCENT` for the value a checklist indicator is
    scored on, or a statistic a variable asks for (``share``, ``count``, ``mean``...).
    """

    missions: dict[str, MissionSites] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)
    bootstrap: int = 0
    replicates: dict[tuple[str, str], Array] = field(default_factory=dict)
    counted: dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]] = field(
        default_factory=dict
    )
    """Each yes/no question's answered and accepted counts, one per mission of ``ids``: the
    missions' ``stats`` as the cohort's columns, for scorers that work on the whole cohort."""
    tallies: Tallies | None = None
    """Each categorical question's counts at every mission of ``ids``, which the missions'
    ``stats`` are made from."""
    rows: dict[str, int] = field(init=False)
    """The row of each mission of ``ids`` in the replicate matrices."""
    pending: Callable[[], None] | None = field(default=None, repr=False, compare=False)
    """What completes ``replicates`` while they are still being computed (see :meth:`wait`)."""

    def __post_init__(self) -> None:
        self.rows = {m: i for i, m in enumerate(self.ids)}

    def wait(self) -> None:
        """Complete ``replicates``: a summary made with ``background=True`` has its point
        statistics at once and its categorical replicates when this returns (it raises what
        their computation raised)."""
        pending, self.pending = self.pending, None
        if pending is not None:
            pending()


PLACE = "__p"
"""Column of the polling place key (:func:`place_keys`), beside the row hash ``__h``."""


def with_hashes(sites: pl.DataFrame) -> pl.DataFrame:
    """The site rows with their content hash in ``__h`` (file and row number left out; see
    ``ovm.scoring.rowhash``: defined on the values, the same with any version of the
    libraries) and their place key in ``__p``, computed once, then reused."""
    if sites.height == 0 or "__h" in sites.columns:
        return sites
    content = [c for c in sites.columns if c not in (ROW, FILE)]
    known: dict[str, npt.NDArray[np.uint64]] = {}
    extra = []
    missions = sites.get_column("mission") if "mission" in content else None
    if missions is not None and missions.dtype == pl.String and not missions.null_count():
        # A few missions a cohort: each one's cell hashed once, and its rank among them kept
        # for site_order (one lookup of the column's texts serves both).
        ids, rank = _ranks(missions)
        known["mission"] = cell_words("mission", ids)[rank]
        extra.append(pl.Series(RANK, rank, pl.UInt32))
    rows, cells = hashes(sites, content, keep=["site"] if "site" in content else [], known=known)
    extra.append(pl.Series("__h", rows, pl.UInt64))
    if "site" in cells:
        extra.append(pl.Series(PLACE, cells["site"], pl.UInt64))
    return sites.with_columns(extra)


RANK = "__m"
"""Column of each visit's mission's rank among the frame's missions (sorted), beside ``__h``."""


def _ranks(missions: pl.Series) -> tuple[pl.Series, npt.NDArray[np.uint32]]:
    """The distinct missions, sorted, and each row's place among them."""
    ids = missions.unique().sort()
    rank = missions.replace_strict(
        ids, pl.Series(range(len(ids)), dtype=pl.UInt32), return_dtype=pl.UInt32
    ).to_numpy()
    return ids, rank


@dataclass(frozen=True)
class SiteOrder:
    """Visits grouped by mission (ids sorted), each group in content-hash order."""

    ids: list[str]
    perm: npt.NDArray[np.int64]
    bounds: npt.NDArray[np.int64]
    hashes: npt.NDArray[np.uint64]
    """The row hashes in that order: a canonical, order-free listing of the rows."""


def site_order(sites: pl.DataFrame) -> SiteOrder:
    """Group the visits by mission in an order that depends on their content only.

    Resampling and the notes kept follow this order, so neither depends on the order rows
    came in. One sort on a 64-bit key (mission rank in the top bits, the row hash below) does
    the work of a two-column sort; where two keys tie although their hashes differ, the exact
    two-column sort is used instead.
    """
    sites = with_hashes(sites)
    ids = sites["mission"].unique().sort()
    rank = sites[RANK].to_numpy() if RANK in sites.columns else None
    if rank is None or not rank.size or int(rank.max()) + 1 != len(ids):
        # Ranks of another frame's missions (this one a part of it) are worked out again:
        # where they run from 0 without a gap, they are those of these missions.
        ids, rank = _ranks(sites["mission"])
    h = sites["__h"].to_numpy()
    bits = (len(ids) - 1).bit_length()
    key = (
        h
        if bits == 0
        else (rank.astype(np.uint64) << np.uint64(64 - bits)) | (h >> np.uint64(bits))
    )
    places = max(1, (h.size - 1).bit_length())
    counts = np.bincount(rank, minlength=len(ids))
    if bits + places <= 36 and _clashes(counts, 64 - bits - places) < _TIES:
        # The row's position in the low bits of the key: one sort of plain words gives the
        # order, stable as the exact sort below is.
        packed = key >> np.uint64(places)
        packed <<= np.uint64(places)
        perm, ordered = _sorted_with_positions(packed, places)
    else:
        perm = pl.Series(key).arg_sort().to_numpy().astype(np.int64)
        ordered = key[perm]
    hashes = h[perm]
    ties = (ordered[1:] == ordered[:-1]) & (hashes[1:] != hashes[:-1])
    if bool(ties.any()):
        frame = pl.DataFrame({"r": rank, "h": h})
        perm = frame.select(pl.arg_sort_by(["r", "h"])).to_series().to_numpy().astype(np.int64)
        hashes = h[perm]
    bounds = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return SiteOrder([str(x) for x in ids], perm, bounds, hashes)


# Poisson(1) quantiles for 16-bit uniforms: one table lookup per weight.
_POISSON = np.searchsorted(
    np.cumsum([math.exp(-1.0) / math.factorial(k) for k in range(16)]),
    (np.arange(65536) + 0.5) / 65536,
).astype(np.float32)
_MAX_WEIGHT = int(_POISSON.max())
_CHUNK = 4096


def poisson_weights(seed: int, replicates: int, n: int) -> Weights:
    """Bootstrap weights (replicates x n), each an independent Poisson(1) draw.

    The Poisson bootstrap (Hanley & MacGibbon 2006; Chamandy et al. 2012) resamples each
    column independently; a column is one polling place of a mission. Columns come in seeded
    chunks, so the first ``n`` columns are the same whatever ``n`` a caller asks for: a
    mission's weights depend only on the seed and on its own places, never on the size or
    order of the rest of the cohort.
    """
    out = np.empty((replicates, n), np.float32)
    _fill_poisson(seed, out)
    return out


def _fill_poisson(seed: int, out: Weights) -> None:
    """Fill ``out`` (replicates x n) with the weights of :func:`poisson_weights`, chunk by chunk
    (no second copy of a matrix that can reach gigabytes)."""
    replicates, n = out.shape
    for k in range(-(-n // _CHUNK)):
        rng = np.random.default_rng([seed, replicates, k])
        draws = rng.integers(0, 65536, size=(replicates, _CHUNK), dtype=np.uint16)
        width = min(_CHUNK, n - k * _CHUNK)
        out[:, k * _CHUNK : k * _CHUNK + width] = _POISSON[draws[:, :width]]


def requested_stats(rubric: Rubric) -> dict[str, set[str]]:
    """For each checklist question, the replicate statistics its indicator and variables need."""
    out: dict[str, set[str]] = {q.id: {PERCENT} for q in checklist_questions(rubric)}
    for var in rubric.variables:
        if var.from_sites is not None and var.from_sites.question in out:
            out[var.from_sites.question].add(var.from_sites.stat)
    return out


def place_keys(sites: pl.DataFrame) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.bool_]]:
    """A content key per visit for its polling place (the row hash's cell of its site id), and
    whether it has one.

    A visit without a site id is a place of its own: :func:`place_clusters` never joins it.
    """
    if "site" not in sites.columns:
        return np.zeros(sites.height, np.uint64), np.zeros(sites.height, bool)
    site = sites["site"]
    keys = sites[PLACE].to_numpy() if PLACE in sites.columns else cell_words("site", site)
    return keys, site.is_not_null().to_numpy()


def place_clusters(
    keys: npt.NDArray[np.uint64], named: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """One mission's visits (in content order) grouped by place: an order that puts each
    place's visits together, and where each place starts in it.

    Places come in the order of their key, so a place's bootstrap column depends on its
    content, never on the order rows came in.
    """
    n = keys.size
    # Named places first, so no visit without a site id can fall between two visits to one.
    order = np.lexsort((keys, ~named)).astype(np.int64)
    k = keys[order]
    nm = named[order]
    new = np.ones(n, bool)
    new[1:] = (k[1:] != k[:-1]) | ~nm[1:] | ~nm[:-1]
    return order, np.flatnonzero(new).astype(np.int64)


_TIES = 0.1
"""The expected count of ties between different hashes (in the bits a packed word keeps) from
which :func:`site_order` sorts on the whole hashes at once: one tie sorts everything again."""
_RESORTED = 0.5
"""The expected share of visits in missions whose different places share the key bits a
packed word keeps, from which :func:`cohort_clusters` sorts each mission on its own."""


def _sorted_with_positions(
    words: npt.NDArray[np.uint64], bits: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint64]]:
    """``words`` (their low ``bits`` zero) sorted with each one's position in those bits, in
    place: one sort of plain words, several times faster than an indirect sort, and stable as
    it is. The positions in sorted order, and the sorted words without them."""
    words |= np.arange(words.size, dtype=np.uint64)
    words.sort()
    positions = (words & np.uint64((1 << bits) - 1)).astype(np.int64)
    words >>= np.uint64(bits)
    return positions, words


def _clashes(sizes: npt.NDArray[np.int64], bits: int) -> float:
    """The expected count of pairs of different random ``bits``-bit keys that are equal, among
    groups of ``sizes`` keys each (pairs within a group only)."""
    sz = sizes.astype(np.float64)
    return float((sz * (sz - 1)).sum()) / 2.0 ** (bits + 1)


def cohort_clusters(
    keys: npt.NDArray[np.uint64], named: npt.NDArray[np.bool_], order: SiteOrder
) -> list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    """:func:`place_clusters` of every mission of ``order`` (each mission's visits, as rows of
    the table, in place order, and where each of its places starts), from ``keys`` and
    ``named`` of every row (:func:`place_keys`)."""
    n, missions = order.perm.size, len(order.ids)
    bounds = order.bounds
    mission_bits = (missions - 1).bit_length()
    position_bits = max(1, (n - 1).bit_length())
    kept = 64 - mission_bits - 1 - position_bits
    sizes = np.diff(bounds)
    # A mission whose different places may share the key bits kept is sorted again on its own;
    # where that would be most of the visits (a few very large missions), every mission is.
    share = sizes.astype(np.float64) ** 2 / 2.0 ** (kept + 1) if kept > 0 else None
    if share is None or float((sizes * np.minimum(share, 1.0)).sum()) > n * _RESORTED:
        return [
            _clusters_of(keys, named, order.perm[bounds[m] : bounds[m + 1]])
            for m in range(missions)
        ]
    k = keys[order.perm]
    nm = named[order.perm]
    # One sort of plain words for the whole cohort (several times faster than a two-key sort
    # a mission): the mission in the top bits, then unnamed last, the key's high bits, and
    # the visit's position, so that visits to one place keep their order, as lexsort keeps it.
    packed = k >> np.uint64(mission_bits + 1 + position_bits)
    packed <<= np.uint64(position_bits)
    if not nm.all():
        packed |= (~nm).astype(np.uint64) << np.uint64(63 - mission_bits)
    if mission_bits:
        packed |= np.repeat(np.arange(missions, dtype=np.uint64), sizes) << np.uint64(
            64 - mission_bits
        )
    within, packed = _sorted_with_positions(packed, position_bits)
    k = k[within]
    nm = nm[within]
    same = k[1:] == k[:-1]
    # Different keys that share their high bits: the words cannot order them as the keys do.
    clash = np.flatnonzero((packed[1:] == packed[:-1]) & ~same)
    new = np.ones(n, bool)
    new[1:] = ~same | ~nm[1:] | ~nm[:-1]
    new[bounds[:-1][np.diff(bounds) > 0]] = True
    rows = order.perm[within]
    firsts = np.flatnonzero(new)
    cut = np.searchsorted(firsts, bounds).tolist()
    out = [
        (rows[bounds[m] : bounds[m + 1]], firsts[cut[m] : cut[m + 1]] - bounds[m])
        for m in range(missions)
    ]
    for m in set(np.searchsorted(bounds, clash, side="right").tolist()):
        out[m - 1] = _clusters_of(keys, named, order.perm[bounds[m - 1] : bounds[m]])
    return out


def _clusters_of(
    keys: npt.NDArray[np.uint64], named: npt.NDArray[np.bool_], rows: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    within, starts = place_clusters(keys[rows], named[rows])
    return rows[within], starts


PRIOR_SHAPE = 0.5
"""Beta(1/2, 1/2) (Jeffreys) for the share of a share's prior pseudo-visit."""


def prior_draws(seed: int, replicates: int, mission: str, k: int) -> tuple[Array, Array]:
    """One mission's prior pseudo-visit per replicate: its weight (replicates x 1, Exp(1)) and
    its share of each of ``k`` questions (replicates x k, Beta(1/2, 1/2)).

    Seeded by the mission's id, so a mission draws the same alone or in any cohort.
    """
    weight, share = np.empty((replicates, 1)), np.empty((replicates, k))
    _prior_uniforms(seed, mission, weight, share)
    return weight, _beta_half(share)


def _prior_uniforms(seed: int, mission: str, weight: Array, share: Array) -> None:
    """The draws of :func:`prior_draws` written into ``weight`` (replicates x 1) and ``share``
    (replicates x k, the uniforms :func:`_beta_half` turns into shares)."""
    rng = np.random.default_rng([seed, weight.shape[0], *_mission_words(mission)])
    rng.standard_exponential(out=weight)
    rng.random(out=share)


def _mission_words(mission: str) -> list[int]:
    """The four 32-bit words of a mission's id that seed its prior draws."""
    digest = hashlib.sha256(mission.encode("utf-8")).digest()
    return [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]


class _PriorDraws:
    """:func:`_prior_uniforms` for mission after mission of a cohort, on one generator whose
    state is set to each mission's in turn: the same draws, without a SeedSequence, a PCG64
    and a Generator made for each mission (they took half the time of the draws)."""

    def __init__(self) -> None:
        self.generator = np.random.Generator(np.random.PCG64(0))

    def draw(self, state: tuple[int, int], weight: Array, share: Array) -> None:
        """The draws of the mission whose generator starts at ``state`` (see
        :func:`_prior_states`), into ``weight`` and ``share``."""
        self.generator.bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {"state": state[0], "inc": state[1]},
            "has_uint32": 0,
            "uinteger": 0,
        }
        self.generator.standard_exponential(out=weight)
        self.generator.random(out=share)


# NumPy's SeedSequence (a pool of four 32-bit words) and the PCG64 multiplier: the seeding of
# default_rng, whose streams NumPy keeps from version to version.
_HASH_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_HASH_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_PCG_MULT = (2549297995355413924 << 64) + 4865540595714422341
_MASK32 = 0xFFFFFFFF
_MASK128 = (1 << 128) - 1


def _uint32_words(x: int) -> list[int]:
    """A whole number as SeedSequence takes it: 32-bit words, the lowest first."""
    if x < 0:
        raise ValueError(f"a seed must be a whole number from 0, not {x}")
    words = [x & _MASK32]
    x >>= 32
    while x:
        words.append(x & _MASK32)
        x >>= 32
    return words


def _prior_states(seed: int, replicates: int, missions: Sequence[str]) -> list[tuple[int, int]]:
    """The PCG64 state and increment ``default_rng([seed, replicates, *words])`` starts from
    for each mission (see :func:`_prior_uniforms`), worked out for the whole cohort at once:
    SeedSequence's hashing and mixing of the entropy words, on arrays of 32-bit words (one
    row a mission), then PCG64's seeding, on Python's whole numbers."""
    if not missions:
        return []
    head = _uint32_words(seed) + _uint32_words(replicates)
    entropy = np.array([head + _mission_words(m) for m in missions], np.uint32)
    hash_a = _HASH_A

    def hashmix(value: npt.NDArray[Any]) -> npt.NDArray[Any]:
        nonlocal hash_a
        value = value ^ hash_a
        hash_a = (hash_a * _MULT_A) & _MASK32
        value = value * hash_a
        return value ^ (value >> 16)

    def mix(x: npt.NDArray[Any], y: npt.NDArray[Any]) -> npt.NDArray[Any]:
        result: npt.NDArray[Any] = x * _MIX_L - y * _MIX_R
        mixed: npt.NDArray[Any] = result ^ (result >> 16)
        return mixed

    # Every mission's entropy has the same number of words, more than the pool's four.
    pool = [hashmix(entropy[:, i]) for i in range(4)]
    for src in range(4):
        for dst in range(4):
            if src != dst:
                pool[dst] = mix(pool[dst], hashmix(pool[src]))
    for src in range(4, entropy.shape[1]):
        for dst in range(4):
            pool[dst] = mix(pool[dst], hashmix(entropy[:, src]))
    hash_b = _HASH_B
    words = []
    for i in range(8):
        value = pool[i % 4] ^ hash_b
        hash_b = (hash_b * _MULT_B) & _MASK32
        value = value * hash_b
        words.append((value ^ (value >> 16)).astype(np.uint64))
    # Four 64-bit words (two 32-bit words each, the lower first): the initial state's high and
    # low halves, then the stream's.
    halves = [(words[2 * i] | (words[2 * i + 1] << np.uint64(32))).tolist() for i in range(4)]
    out = []
    for high, low, seq_high, seq_low in zip(*halves, strict=True):
        inc = ((((seq_high << 64) | seq_low) << 1) | 1) & _MASK128
        state = (inc + ((high << 64) | low)) & _MASK128
        out.append(((state * _PCG_MULT + inc) & _MASK128, inc))
    return out


_QUARTER_SINE = (
    1.5707963267948966,
    -0.6459640975062462,
    0.07969262624616565,
    -0.004681754135304291,
    0.00016044118471323946,
    -3.5988430207817775e-06,
    5.692136464271886e-08,
    -6.684418974364471e-10,
    5.8730270759392426e-12,
)
"""``sin(pi * u / 2) = u * P(u**2)`` for ``u`` from 0 to 1: the coefficients of ``P`` (a
least-squares fit on Chebyshev nodes), lowest first. Evaluated as :func:`_beta_half` does,
each Beta draw is within 8e-16 of the exact ``sin(pi * u / 2) ** 2`` (NumPy's ``sin`` gave
3e-16), its relative error below 6e-16 for draws below 1/2 (NumPy's, 6e-16)."""


def _beta_half(uniform: Array, square: Array | None = None, total: Array | None = None) -> Array:
    """Beta(1/2, 1/2) draws from uniforms, in place (``square`` and ``total``, when given,
    are scratch space of their shape)."""
    # sin^2 of a uniform quarter turn is Beta(1/2, 1/2), cheaper than a general Beta draw.
    # The sine is a polynomial worked out with additions and multiplications alone, each one
    # rounded as IEEE 754 says: the same draws on every machine, where NumPy's sin depends on
    # the machine's instructions and C library, and in a third of the time of its float64 sin.
    y = np.multiply(uniform, uniform, out=square)
    r = np.multiply(y, _QUARTER_SINE[-1], out=total)
    for c in _QUARTER_SINE[-2:0:-1]:
        np.add(r, c, out=r)
        np.multiply(r, y, out=r)
    np.add(r, _QUARTER_SINE[0], out=r)
    np.multiply(r, uniform, out=uniform)
    np.square(uniform, out=uniform)
    # A share, never above 1 whatever the rounding.
    return np.minimum(uniform, 1.0, out=uniform)


def posterior_shares(
    accepted: Array,
    answered: Array,
    prior_weight: Array,
    prior_share: Array,
    out: Array | None = None,
    denominator: Array | None = None,
) -> Array:
    """Replicate shares with one prior pseudo-visit added to the resampled places (written
    into ``out`` when given, which may be ``prior_share`` itself; ``denominator``, when given
    with ``out``, is scratch space of its shape).

    An Exp(1) weight times a Beta(1/2, 1/2) share splits into independent Gamma(1/2, 1)
    pseudo-counts of yes and of no: the Jeffreys prior's half a yes and half a no, drawn as a
    Bayesian bootstrap draws its weights (docs/statistics.md). A prior worth a whole place
    (its mean visits) pulled every share towards 1/2 by that much, a pull that adds up over a
    family while the spread averages out.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        if out is None:
            return np.asarray(
                (accepted + prior_weight * prior_share) / (answered + prior_weight), dtype=float
            )
        # The same operations in the same order as above, without the temporaries.
        np.multiply(prior_weight, prior_share, out=out)
        np.add(accepted, out, out=out)
        return np.divide(out, np.add(answered, prior_weight, out=denominator), out=out)


def summarise_sites(
    rubric: Rubric,
    sites: pl.DataFrame,
    *,
    seed: int,
    bootstrap: int,
    order: SiteOrder | None = None,
    background: bool = False,
) -> SiteSummary:
    """Per-mission counts and statistics of every checklist question, with bootstrap replicates
    that resample polling places.

    With ``background``, the categorical questions' replicates are still being computed on
    other threads when the summary is returned: everything else is there, and
    :meth:`SiteSummary.wait` completes them."""
    if sites.height == 0:
        return SiteSummary(bootstrap=bootstrap)
    sites = with_hashes(sites)
    order = order or site_order(sites)
    questions = checklist_questions(rubric)
    cat = [q for q in questions if not q.numeric]
    num = [q for q in questions if q.numeric]
    requested = requested_stats(rubric)
    missions = len(order.ids)
    summary = SiteSummary(
        missions={m: MissionSites() for m in order.ids},
        ids=order.ids,
        bootstrap=bootstrap,
        replicates={
            (q.id, s): np.full((missions, bootstrap), np.nan) for q in num for s in requested[q.id]
        }
        if bootstrap
        else {},
    )
    k = len(cat)
    # Categorical replicates: one (questions x missions x replicates) block, so that each
    # question's matrix is a contiguous slice of it, kept as it is (no copy per question).
    # Every mission's rows are written by the products: nothing to fill beforehand.
    shares = np.empty((k, missions, bootstrap))
    want_counts = any("count" in requested[q.id] for q in cat)
    counts = np.empty((k, missions, bootstrap) if want_counts else (0, 0, 0))
    sizes = np.diff(order.bounds)
    largest = int(sizes.max(initial=0))
    # A row of ones on top of the Poisson weights gives the point counts from the same product.
    weights = np.empty((bootstrap + 1, largest), np.float32)
    weights[0] = 1.0
    _fill_poisson(seed, weights[1:])
    keys, named = place_keys(sites)
    nums = (
        sites.select(pl.col(q.id).cast(pl.Float64) for q in num).to_numpy(order="c")
        if num
        else np.zeros((sites.height, 0))
    )
    # Converted to NumPy, a null (not observed) becomes NaN like a not-applicable answer.
    nulls = (
        sites.select(pl.col(q.id).is_null() for q in num).to_numpy(order="c")
        if num
        else np.zeros((sites.height, 0), bool)
    )
    simulated = sites["simulated"].fill_null(False).to_numpy()
    # Each mission's visits in place order, and where each of its places starts.
    clustered = cohort_clusters(keys, named, order)
    # The answer codes gathered once in that order, mission after mission: each mission's
    # visits are then the slice of ``order.bounds``, which both categorical passes read
    # without a gather of their own. Gathered by Polars (a column on each of its threads)
    # before they become one array: a third less time than converting, then gathering rows.
    codes = (
        sites.select(pl.col(q.id).fill_null(MISSING_CODE) for q in cat)[
            np.concatenate([rows for rows, _ in clustered])
        ].to_numpy(order="c")
        if cat
        else np.zeros((sites.height, 0), np.int8)
    )
    bounds: list[int] = order.bounds.tolist()
    for m, mid in enumerate(order.ids):
        ms = summary.missions[mid]
        ms.n = int(sizes[m])
        ms.simulated = bool(simulated[clustered[m][0]].any())
    # The notes go to other fields of the missions' summaries: read beside the products.
    notes = _beside(lambda: _collect_notes(sites, cat, summary.missions))
    # The BLAS on one thread until the replicates are done (restored in this thread).
    blas = ExitStack()
    blas.enter_context(one_blas_thread())
    replicating: _Replicating | None = None
    try:
        try:
            if cat and bootstrap:
                percent = [j for j, q in enumerate(cat) if "share" not in requested[q.id]]
                # Started first, on other threads: the replicates take the longest, and the
                # point statistics, which the caller reads first, do not wait for them.
                replicating = _Replicating(
                    summary,
                    codes,
                    bounds,
                    clustered,
                    weights,
                    (shares, counts if want_counts else None),
                    seed,
                    percent,
                    blas,
                )
            _products(summary, cat, num, codes, bounds, nums, nulls, clustered, weights, requested)
        finally:
            notes()
    except BaseException:
        if replicating is not None:
            replicating.cancel()
        blas.close()
        raise
    if replicating is None:
        blas.close()
    else:
        summary.pending = partial(_finish, summary, cat, requested, replicating, shares, counts)
        started = getattr(_background, "started", None)
        if started is not None:
            started.append(replicating)
    if not background:
        summary.wait()
    return summary


_background = threading.local()
"""This thread's :func:`background_replicates` (its list of replicates started)."""


@contextmanager
def background_replicates() -> Iterator[None]:
    """A block in which :func:`summarise_sites` may leave replicates computing in the
    background: any still unfinished on leaving it (the block raised before
    :meth:`SiteSummary.wait`) are abandoned, their threads stopped after the group they are
    on, and the BLAS's threads restored."""
    outer = getattr(_background, "started", None)
    started: list[_Replicating] = []
    _background.started = started
    try:
        yield
    finally:
        _background.started = outer
        for replicating in started:
            replicating.cancel()


def _finish(
    summary: SiteSummary,
    cat: list[ChecklistIndicator],
    requested: dict[str, set[str]],
    replicating: _Replicating,
    shares: Array,
    counts: Array,
) -> None:
    """Wait for the categorical replicates, then file each question's matrices."""
    replicating.wait()
    for j, q in enumerate(cat):
        share = shares[j]
        if "share" in requested[q.id]:
            summary.replicates[(q.id, PERCENT)] = 100.0 * share
            summary.replicates[(q.id, "share")] = share
        else:
            # The products wrote percentages where nothing reads the share itself.
            summary.replicates[(q.id, PERCENT)] = share
        if "count" in requested[q.id]:
            summary.replicates[(q.id, "count")] = counts[j]


def _beside(work: Callable[[], None]) -> Callable[[], None]:
    """Start ``work`` on a thread of its own when there are worker threads to spare (else
    run it now); the function returned waits for it and raises what it raised."""
    if worker_threads() <= 1:
        work()
        return lambda: None
    pool = ThreadPoolExecutor(1)
    future = pool.submit(work)

    def wait() -> None:
        try:
            future.result()
        finally:
            pool.shutdown()

    return wait


def _products(
    summary: SiteSummary,
    cat: list[ChecklistIndicator],
    num: list[ChecklistIndicator],
    codes: npt.NDArray[np.int8],
    bounds: list[int],
    nums: Array,
    nulls: npt.NDArray[np.bool_],
    clustered: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]],
    weights: Weights,
    requested: dict[str, set[str]],
) -> None:
    """The point statistics of every mission, categorical then numeric, and the replicates of
    the numeric questions (``codes``: the categorical answers in place order, mission ``m``'s
    from row ``bounds[m]`` to ``bounds[m + 1]``)."""
    if cat:
        _categorical_points(summary, cat, codes, bounds, clustered)
    if not num:
        return
    for m, mid in enumerate(summary.ids):
        rows, starts = clustered[m]
        cluster = np.cumsum(np.isin(np.arange(rows.size), starts)) - 1
        wv = weights[:, cluster]
        for j, q in enumerate(num):
            _numeric(
                summary.missions[mid],
                q,
                nums[rows, j],
                nulls[rows, j],
                wv,
                cluster,
                requested[q.id],
                summary,
                m,
            )


_POINT_VISITS = 4096
"""Visits tallied at once by :func:`_categorical_points` (a few missions' together): buffers
of a few megabytes, few NumPy calls a mission."""


def _categorical_points(
    summary: SiteSummary,
    cat: list[ChecklistIndicator],
    codes: npt.NDArray[np.int8],
    bounds: list[int],
    clustered: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]],
) -> None:
    """Every mission's counts of each categorical question (``summary.tallies``, which the
    missions' ``stats`` read, and ``summary.counted``), a few missions' visits at a time
    (``codes`` and ``bounds`` as :func:`_products` takes them)."""
    k = len(cat)
    missions = len(clustered)
    # Answered, accepted, not applicable, not observed, places (see _TALLIED).
    columns = np.empty((len(_TALLIED), k, missions), np.int64)
    tallies = summary.tallies = Tallies({q.id: j for j, q in enumerate(cat)}, columns)
    summary.counted = {q.id: (columns[0, j], columns[1, j]) for j, q in enumerate(cat)}
    for m, mid in enumerate(summary.ids):
        summary.missions[mid].stats = SiteStats(tallies, m)
    largest = max((rows.size for rows, _ in clustered), default=0)
    capacity = max(_POINT_VISITS, largest)
    # Sums of flags (0 or 1) are whole numbers, exact in float32 below 2**24.
    dtype = np.float32 if largest < _F32_EXACT else np.float64
    flags = np.empty((capacity, 4 * k), dtype)
    ones = np.ones(capacity, dtype)
    first = 0
    while first < missions:
        last, total = first + 1, clustered[first][0].size
        while last < missions and total + clustered[last][0].size <= capacity:
            total += clustered[last][0].size
            last += 1
        part = clustered[first:last]
        visits = np.cumsum([0] + [rows.size for rows, _ in part]).tolist()
        # Consecutive missions: their visits are one slice, in the order of their places.
        got = codes[bounds[first] : bounds[last]]
        # Accepted, answered, not applicable, not observed: a visit's flags, side by side.
        tally = flags[:total]
        np.equal(got, 1, out=tally[:, :k])
        np.greater_equal(got, 0, out=tally[:, k : 2 * k])
        np.equal(got, NA_CODE, out=tally[:, 2 * k : 3 * k])
        np.equal(got, MISSING_CODE, out=tally[:, 3 * k :])
        sums = np.empty((last - first, 4 * k), dtype)
        for j, (lo, hi) in enumerate(pairwise(visits)):
            # Summed as a product with a row of ones: faster than a sum along the visits.
            np.matmul(ones[: hi - lo], tally[lo:hi], out=sums[j])
        counts = sums.astype(np.int64).reshape(last - first, 4, k)
        # Answered, then accepted: the order of the cohort's columns.
        block = columns[:, :, first:last]
        block[0] = counts[:, 1].T
        block[1] = counts[:, 0].T
        block[2] = counts[:, 2].T
        block[3] = counts[:, 3].T
        starts = np.concatenate([st + off for (_, st), off in zip(part, visits[:-1], strict=True)])
        if starts.size == total:
            # One visit a place: a question's places are its answers.
            block[4] = block[0]
        else:
            at = np.add.reduceat(tally[:, k : 2 * k], starts, axis=0) > 0
            firsts = np.cumsum([0] + [st.size for _, st in part[:-1]])
            block[4] = np.add.reduceat(at, firsts, axis=0, dtype=np.int64).T
        first = last


_BATCH_BYTES = 8 * 2**20
"""The most place sums multiplied by the weights in one product. Missions go side by side, so
that one product packs the weights once for several missions: a product per mission packed
them again each time, which took as long as its arithmetic."""

_ALONE_BYTES = 2**18
"""Place sums from which a mission is multiplied alone, straight from its sums: packing the
weights again is then a small part of its product, less than copying its sums into a group's
batch (and zeroing the batch first) took."""


def _batches(places: npt.NDArray[np.int64], width: int, itemsize: int) -> list[list[int]]:
    """Missions grouped for the products, smallest first: a group holds at most
    :data:`_BATCH_BYTES` of place sums (its largest mission's places by ``width`` columns a
    mission), and no mission with fewer than two thirds of the largest's places (the smaller
    ones are padded with zero rows, which add nothing but time); a mission with
    :data:`_ALONE_BYTES` of place sums or more is a group of its own."""
    groups: list[list[int]] = []
    current: list[int] = []
    first = 0
    for m in np.argsort(places, kind="stable").tolist():
        p = max(int(places[m]), 1)
        if current and (
            p * width * (len(current) + 1) * itemsize > _BATCH_BYTES
            or 3 * first < 2 * p
            or p * width * itemsize >= _ALONE_BYTES
        ):
            groups.append(current)
            current = []
        if not current:
            first = p
        current.append(m)
    if current:
        groups.append(current)
    return groups


class _Replicating:
    """The replicate shares (and answered counts) of the categorical questions, group by
    group of missions, on background threads while the caller goes on (NumPy releases the
    interpreter lock in the gathers, the products and the arithmetic); the caller takes
    groups too once it waits.

    Every mission's accepted and answered counts per polling place are multiplied by the
    replicate weights; the replicate shares (and answered counts) of mission ``m`` go to row
    ``m`` of each question's matrix in the blocks (questions x missions x replicates), the
    shares of the questions ``percent`` lists as percentages. Counts are whole numbers below
    2**24 (float32) or 2**53 (float64), so their sums are exact whatever the order of the
    arithmetic; the groups are the same whatever the number of threads, and each writes only
    its own missions' rows: the results do not depend on which thread took which.
    """

    def __init__(
        self,
        summary: SiteSummary,
        codes: npt.NDArray[np.int8],
        bounds: list[int],
        clustered: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]],
        weights: Weights,
        blocks: tuple[Array, Array | None],
        seed: int,
        percent: list[int],
        blas: ExitStack,
    ) -> None:
        k = codes.shape[1]
        self.k, self.codes, self.clustered, self.weights = k, codes, clustered, weights
        self.bounds = bounds
        """Where each mission's visits start in ``codes`` (in the order of its places)."""
        self.blocks, self.percent, self.blas = blocks, percent, blas
        self.bootstrap = summary.bootstrap
        self.places = np.array([starts.size for _, starts in clustered], dtype=np.int64)
        largest = max((rows.size for rows, _ in clustered), default=0)
        self.dtype = np.dtype(
            np.float32 if max(1, _MAX_WEIGHT) * largest < _F32_EXACT else np.float64
        )
        groups = _batches(self.places, 2 * k, self.dtype.itemsize)
        self.largest = largest
        # A mission alone is multiplied straight from its place sums: no batch.
        self.cells = max(
            (int(self.places[g].max()) * 2 * k * len(g) for g in groups if len(g) > 1), default=0
        )
        self.most = max((len(g) for g in groups), default=0)
        self.groups = deque(groups)
        self.ids, self.seed = summary.ids, seed
        self._states: list[tuple[int, int]] | None = None
        self._lock = threading.Lock()
        self._errors: list[BaseException] = []
        # One set of buffers a thread, handed on when it is done: fresh large arrays per
        # mission cost more in page faults than the arithmetic done in them.
        self._spare: SimpleQueue[_Scratch] = SimpleQueue()
        self._threads = [
            threading.Thread(target=self._run, name="ovm replicates", daemon=True)
            for _ in range(worker_threads() - 1)
        ]
        for thread in self._threads:
            thread.start()

    def states(self) -> list[tuple[int, int]]:
        """Each mission's generator state for its prior draws (worked out once)."""
        with self._lock:
            if self._states is None:
                self._states = _prior_states(self.seed, self.bootstrap, self.ids)
            return self._states

    def _run(self) -> None:
        """Groups until none is left (or another thread failed)."""
        scratch: _Scratch | None = None
        try:
            while not self._errors:
                try:
                    group = self.groups.popleft()
                except IndexError:
                    break
                if scratch is None:
                    try:
                        scratch = self._spare.get_nowait()
                    except Empty:
                        scratch = _Scratch(
                            self.largest, self.k, self.cells, self.dtype, self.most, self.bootstrap
                        )
                _group_replicates(self, group, scratch)
        except BaseException as error:
            self.groups.clear()
            self._errors.append(error)
        finally:
            if scratch is not None:
                self._spare.put(scratch)

    def wait(self) -> None:
        """Take the groups left as well, wait for the threads, and raise what a thread
        raised."""
        try:
            self._run()
        finally:
            self.cancel()
        if self._errors:
            raise self._errors[0]

    def cancel(self) -> None:
        """Take no more groups, wait for the threads to end the group they are on, and
        restore the BLAS's threads (in the thread that called :func:`summarise_sites`)."""
        self.groups.clear()
        try:
            for thread in self._threads:
                thread.join()
        finally:
            self.blas.close()


class _Scratch:
    """One thread's buffers for :func:`_group_replicates`: visits of at least the largest
    mission, and the largest group's place sums side by side."""

    def __init__(
        self, largest: int, k: int, cells: int, dtype: np.dtype[Any], most: int, bootstrap: int
    ) -> None:
        rows = max(largest, _SCRATCH_VISITS)
        self.block = np.empty((rows, k), np.int8)
        self.flags = np.empty((rows, k), bool)
        self.both = np.empty((rows, 2 * k), dtype)
        self.batch = np.empty(cells, dtype)
        self.product = np.empty(most * 2 * k * bootstrap, dtype)
        # The replicate arithmetic's operands, a few missions' worth (about a megabyte each).
        self.missions = max(1, min(most, _SHARE_BYTES // max(1, 8 * k * bootstrap)))
        self.prior_weight = np.empty((self.missions, 1, bootstrap))
        self.uniforms = np.empty((self.missions, bootstrap, k))
        self.shares = np.empty((self.missions, k, bootstrap))
        self.denominator = np.empty((self.missions, k, bootstrap))
        self.prior = _PriorDraws()
        # The counts of packed columns, unpacked (float32, as the product's).
        self.accepted: npt.NDArray[Any] = np.empty((self.missions, k, bootstrap), np.float32)
        self.answered: npt.NDArray[Any] = np.empty((self.missions, k, bootstrap), np.float32)
        self._rooms: dict[str, npt.NDArray[Any]] = {}

    def room(self, name: str, elements: int) -> npt.NDArray[Any]:
        """A float32 buffer of this thread's called ``name``, of ``elements`` (grown when a
        group needs more than an earlier one did)."""
        got = self._rooms.get(name)
        if got is None or got.size < elements:
            got = self._rooms[name] = np.empty(elements, np.float32)
        return got[:elements]


_SHARE_BYTES = 2**20
"""Bytes of one operand of the replicate arithmetic (a few missions' shares) at a time."""


_SCRATCH_VISITS = 16384
"""Visits gathered in one pass of :func:`_group_replicates` (several missions' at once, unless
one mission has more): few NumPy calls a mission, and buffers of a few megabytes."""


def _group_replicates(work: _Replicating, group: list[int], scratch: _Scratch) -> None:
    """One group of missions side by side in one product: their replicate rows."""
    k, clustered, places, b = work.k, work.clustered, work.places, work.bootstrap
    size = len(group)
    top = int(places[group].max())
    # Accepted and answered counts share a column where they can (see _PACK): half the product.
    span = _packed_span(work, group, top) if scratch.batch.dtype == np.float32 else None
    packed = span is not None
    width = k if packed else 2 * k
    # A mission alone is multiplied straight from its place sums (below): no batch.
    alone = size == 1
    batch: npt.NDArray[Any]
    if not alone:
        batch = scratch.batch[: top * width * size].reshape(top, width * size)
        # Each mission's places from the top, zeros below (they add nothing to the product).
        batch.fill(0)
        by_mission = batch.reshape(top, size, width)
    codes, bounds = work.codes, work.bounds
    capacity = scratch.block.shape[0]
    first = 0
    while first < size:
        # As many of the group's missions as the buffers hold, gathered at once.
        last, total = first + 1, clustered[group[first]][0].size
        while last < size and total + clustered[group[last]][0].size <= capacity:
            total += clustered[group[last]][0].size
            last += 1
        part = [clustered[m] for m in group[first:last]]
        visits = np.cumsum([0] + [rows.size for rows, _ in part]).tolist()
        block = (
            codes[bounds[group[first]] : bounds[group[first] + 1]]
            if last == first + 1
            else np.concatenate(
                [codes[bounds[m] : bounds[m + 1]] for m in group[first:last]],
                out=scratch.block[:total],
            )
        )
        both = scratch.both.reshape(-1)[: total * width].reshape(total, width)
        if packed:
            # accepted + _PACK * answered of each code, from two comparisons: a lookup in a
            # table of the codes widened every code to a pointer-sized index first (twice
            # the time, on every visit of the cohort). Whole numbers, exact in float32.
            flag = scratch.flags.reshape(-1)[: total * k].reshape(total, k)
            np.greater_equal(block, 0, out=flag)
            np.multiply(flag, np.float32(_PACK), out=both)
            np.equal(block, 1, out=flag)
            np.add(both, flag, out=both)
        else:
            np.equal(block, 1, out=both[:, :k])
            np.greater_equal(block, 0, out=both[:, k:])
        starts = np.concatenate([st + off for (_, st), off in zip(part, visits[:-1], strict=True)])
        # Sums per place first: every visit to a place shares its bootstrap weight.
        sums = both if starts.size == total else np.add.reduceat(both, starts, axis=0)
        if alone:
            batch = sums
            break
        # One assignment for the part's missions: few calls, each long, so that the other
        # threads (the caller's Python) rarely wait for this one's turn at the interpreter.
        held = np.array([st.size for _, st in part])
        mission = np.repeat(np.arange(first, last), held)
        place = np.arange(sums.shape[0]) - np.repeat(np.cumsum(held) - held, held)
        by_mission[place, mission] = sums
        first = last
    # Transposed, the product gives each mission's questions as rows of replicates: the layout
    # of the replicate blocks (questions x missions x replicates), so that the shares are
    # written out a row of replicates at a time. Its sums are whole numbers, exact in any order.
    weights = work.weights[1:]
    if span is None or span >= top:
        spans = 1
        product = np.matmul(
            batch.T,
            weights[:, :top].T,
            out=scratch.product[: size * width * b].reshape(size * width, b),
        ).reshape(1, size, width // k, k, b)
    else:
        # Span by span of places, each packed sum exact on its own: one product a span, all
        # in one call (each span's rows of the weights are a view of them, as are its sums).
        whole, rest = divmod(top, span)
        spans = whole + (rest > 0)
        out = scratch.room("spans", spans * size * k * b).reshape(spans, size * k, b)
        np.matmul(
            batch[: whole * span].reshape(whole, span, size * k).transpose(0, 2, 1),
            weights[:, : whole * span].reshape(b, whole, span).transpose(1, 2, 0),
            out=out[:whole],
        )
        if rest:
            np.matmul(batch[whole * span : top].T, weights[:, whole * span : top].T, out=out[whole])
        product = out.reshape(spans, size, 1, k, b)
    shares, counts = work.blocks
    percent = work.percent
    states = work.states()
    # A few missions at a time, so that the arithmetic's operands stay in the cache between
    # its passes; each element goes through the same operations as with the whole group.
    step = scratch.missions
    for lo in range(0, size, step):
        hi = min(lo + step, size)
        part_ids = group[lo:hi]
        n = hi - lo
        prior_weight = scratch.prior_weight[:n]
        found = scratch.uniforms[:n]
        for j, m in enumerate(part_ids):
            # Drawn as (replicates x 1) and (replicates x questions) in that order, as
            # prior_draws draws them; a row of replicate weights is the same memory.
            scratch.prior.draw(states[m], prior_weight[j].reshape(b, 1), found[j])
        if not packed:
            accepted, answered = product[0, lo:hi, 0], product[0, lo:hi, 1]
        elif spans == 1:
            # Unpacked exactly: whole numbers below 2**24 scaled by a power of two.
            sampled = product[0, lo:hi, 0]
            accepted, answered = scratch.accepted[:n], scratch.answered[:n]
            np.multiply(sampled, 1.0 / _PACK, out=answered)
            np.floor(answered, out=answered)
            np.multiply(answered, float(_PACK), out=accepted)
            np.subtract(sampled, accepted, out=accepted)
        else:
            # Each span's counts unpacked, then added up: whole numbers, exact in any order.
            sampled = product[:, lo:hi, 0]
            accepted, answered = scratch.accepted[:n], scratch.answered[:n]
            parts = scratch.room("parts", sampled.size).reshape(sampled.shape)
            np.multiply(sampled, 1.0 / _PACK, out=parts)
            np.floor(parts, out=parts)
            np.sum(parts, axis=0, out=answered)
            np.multiply(parts, float(_PACK), out=parts)
            np.subtract(sampled, parts, out=parts)
            np.sum(parts, axis=0, out=accepted)
        out = scratch.shares[:n]
        # Missions x questions x replicates; element by element, the shares are those of one
        # mission at a time, worked out as prior_draws and posterior_shares say.
        posterior_shares(
            accepted,
            answered,
            prior_weight,
            # The shares' buffers serve as scratch until the shares are written.
            _beta_half(
                found,
                scratch.shares[:n].reshape(found.shape),
                scratch.denominator[:n].reshape(found.shape),
            ).transpose(0, 2, 1),
            out,
            scratch.denominator[:n],
        )
        # Percentages where nothing reads the share itself: no second pass over the block.
        if len(percent) == k:
            np.multiply(out, 100.0, out=out)
        elif percent:
            out[:, percent] *= 100.0
        shares[:, part_ids] = out.transpose(1, 0, 2)
        if counts is not None:
            counts[:, part_ids] = answered.transpose(1, 0, 2)


def _packed_span(work: _Replicating, group: list[int], top: int) -> int | None:
    """How many places each span of a group's product takes when its missions' accepted and
    answered counts are packed in one column (see :data:`_PACK`): ``top`` (every place in one
    span) where no mission has more visits than a span may hold, else the longest span such
    that every span of places from the first (0 to ``span``, ``span`` to twice that, ...)
    holds that few of each mission's visits; None where packing would take spans too short
    (:data:`_MIN_SPAN`) or too many for the buffers."""
    limit = (_PACK - 1) // max(1, _MAX_WEIGHT)
    clustered = work.clustered
    visits = [clustered[m][0].size for m in group]
    if max(visits) <= limit:
        return top
    if limit < _MIN_SPAN:
        return None
    # Each mission's visits up to each of its places: a span's visits are a difference.
    upto = []
    for m in group:
        rows, starts = clustered[m]
        upto.append(np.append(starts, rows.size))
    # First the span that the mean visits a place allows, shortened until every span holds.
    span = min(top, limit * int(work.places[group].sum()) // max(1, sum(visits)))
    while span >= _MIN_SPAN:
        heaviest = max(int(np.diff(np.append(ends[::span], ends[-1])).max()) for ends in upto)
        if heaviest <= limit:
            spans = -(-top // span)
            fits = spans * len(group) * work.k * work.bootstrap * 4 <= _SPANS_BYTES
            return span if fits else None
        span = span * limit // heaviest
    return None


_MIN_SPAN = 64
"""The fewest places a span of a packed product may take. Each span's sums are unpacked on
their own: with spans of about 32 places, that costs what two columns a question save (a
mission of 5,000 places, 40 questions, 200 replicates: 0.72 ms with spans of 511 places,
0.90 ms of 128, 1.05 ms of 64, 1.36 ms of 32, 1.39 ms with two columns)."""

_SPANS_BYTES = 2**24
"""The most bytes of a group's products span by span (float32): more, and the counts take a
column each. Their parts unpacked take as much again: a thread holds at most twice this for
them, until the scoring ends."""

_PACK_BITS = 12
_PACK = 1 << _PACK_BITS
"""A visit's packed column: its accepted flag plus ``_PACK`` times its answered flag. Where
the Poisson weights times a mission's visits stay below ``_PACK``, a weighted sum of the
column is ``accepted + _PACK * answered`` with both counts below ``_PACK``: a whole number
below 2**24, which float32 holds exactly, whatever the order of the additions, and from which
both counts come back exactly."""


def _numeric(
    ms: MissionSites,
    q: ChecklistIndicator,
    col: Array,
    null: npt.NDArray[np.bool_],
    w: Weights,
    cluster: npt.NDArray[np.int64],
    stats: set[str],
    summary: SiteSummary,
    m: int,
) -> None:
    ok = ~np.isnan(col)
    st = QuestionStat(
        answered=int(ok.sum()),
        not_applicable=int((~ok & ~null).sum()),
        not_observed=int(null.sum()),
        places=int(np.unique(cluster[ok]).size),
    )
    ms.stats.put(q.id, st)
    if not st.answered:
        return
    vals = col[ok]
    # The point statistics depend on the values alone: summed in sorted order (content-hash
    # order would tie a float sum's last bit to a visit's notes), median as Polars takes it.
    ordered = pl.Series(np.sort(vals))
    ones = np.ones((1, vals.size))
    point: dict[str, Callable[[], float]] = {
        "mean": lambda: float(cast(float, ordered.mean())),
        "median": lambda: float(cast(float, ordered.median())),
        # The replicates' rule with every weight 1, so a replicate equal to the data agrees.
        "p90": lambda: float(_weighted_stat_raw("p90", vals, ones, ones.sum(axis=1))[0]),
        "min": lambda: float(vals.min()),
        "max": lambda: float(vals.max()),
        "sum": lambda: float(ordered.sum()),
        "count": lambda: float(vals.size),
    }
    for name in (stats - {PERCENT}) | {q.stat}:
        st.extra[name] = point[name]()
    st.value = st.extra[q.stat]
    if summary.bootstrap == 0:
        return
    ww = w[1:, ok].astype(np.float64)
    for name in stats:
        stat = q.stat if name == PERCENT else name
        summary.replicates[(q.id, name)][m] = _weighted_stat(stat, vals, ww)


def _weighted_stat(stat: str, vals: Array, w: Array) -> Array:
    # A Poisson replicate may give every answered visit weight 0: it has no statistic.
    total = w.sum(axis=1)
    return np.where(total > 0, _weighted_stat_raw(stat, vals, w, total), np.nan)


def _weighted_stat_raw(stat: str, vals: Array, w: Array, total: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        if stat == "mean":
            return np.asarray((w @ vals) / total, dtype=float)
        if stat == "sum":
            return np.asarray(w @ vals, dtype=float)
        if stat == "count":
            return np.asarray(total, dtype=float)
        if stat in ("min", "max"):
            masked = np.where(w > 0, vals[None, :], np.inf if stat == "min" else -np.inf)
            return np.asarray(
                masked.min(axis=1) if stat == "min" else masked.max(axis=1), dtype=float
            )
        return _quantile6((9, 10) if stat == "p90" else (1, 2), vals, w, total)


def _quantile6(p: tuple[int, int], vals: Array, w: Array, total: Array) -> Array:
    """Hyndman & Fan's type 6 quantile of each row's weighted sample (a value repeated as many
    times as its whole weight): the order statistic of rank ``p * (n + 1)``, interpolated
    between neighbours, where ``n`` is the total weight (whole: Poisson weights or ones) and
    ``p`` a fraction (numerator, denominator).

    Its expected share of the distribution below is ``p``, the rule the interval ends follow
    (:func:`~ovm.scoring.engine.percentile_ends`); with every weight 1 it is the usual median.
    A rank beyond the sample gives its last value (see :data:`~ovm.indicators.checklist.
    STAT_MIN_ANSWERS`).
    """
    order = np.argsort(vals, kind="stable")
    ranked = vals[order]
    cum = np.cumsum(w[:, order], axis=1)
    # The rank in whole numbers, so 0.9 * 17 is 15.3 and not 15.299999999999999: a value of
    # 24 and 25 interpolates to 24.3 as written.
    num, den = p
    scaled = num * (np.rint(total).astype(np.int64) + 1)
    whole = scaled // den
    low = np.clip(whole, 1, total).astype(float)
    high = np.minimum(low + 1, total)
    frac = np.where(low == whole, (scaled % den) / den, 0.0)

    def at(rank: Array) -> Array:
        # The value of 1-based rank ``rank``: the first whose cumulative weight reaches it.
        return np.asarray(ranked[np.argmax(cum >= rank[:, None] - 1e-9, axis=1)], dtype=float)

    a, b = at(low), at(high)
    return np.asarray(a + (b - a) * frac, dtype=float)


def _collect_notes(
    sites: pl.DataFrame, cat: list[ChecklistIndicator], out: dict[str, MissionSites]
) -> None:
    if "notes" not in sites.columns:
        return
    with_notes = sites.filter(pl.col("notes").is_not_null()).sort(["mission", "__h"])
    if with_notes.height == 0:
        return
    for rec in with_notes.iter_rows(named=True):
        ms = out[str(rec["mission"])]
        ms.notes_total += 1
        note = SiteNote(
            site=rec["site"],
            city=rec["site_city"],
            country=rec["site_country"],
            observer=rec["observer"],
            visited_at=rec["visited_at"],
            text=str(rec["notes"]),
            simulated=bool(rec["simulated"]),
        )
        if len(ms.notes) < MAX_NOTES:
            ms.notes.append(note)
        for q in cat:
            if rec[q.id] == 0:
                bucket = ms.negative_notes.setdefault(q.id, [])
                if len(bucket) < 10:
                    bucket.append(note)
