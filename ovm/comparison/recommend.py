"""Recommendations drafted from low scores, with their evidence, followed up across elections."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeGuard, TypeVar, cast

from ovm.comparison.ranking import imputed_nodes
from ovm.countries import country_name
from ovm.data.followup import FollowUp
from ovm.data.observations import Datum, Mission, Provenance
from ovm.i18n import (
    colon,
    faithful_digits,
    format_number,
    format_percent,
    gettext,
    number_formatter,
    rounded,
    semicolon,
    translator,
)
from ovm.indicators import Band, RecommendationTemplate
from ovm.indicators.comparative import ComparativeIndicator
from ovm.indicators.registry import kind_of
from ovm.indicators.text import in_language, is_one, unit_pattern, with_unit, wording
from ovm.rubric.model import Group, Indicator, Rubric
from ovm.scoring.critical import CODE as CRITICAL
from ovm.scoring.critical import named
from ovm.scoring.results import Contribution, NodeScore, Scorecard

if TYPE_CHECKING:
    from ovm.comparison.cohort import Comparison, Peers

PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}
_PLACEHOLDER_NAME = re.compile(r"(?<!\{)\{([a-z_][a-z0-9_]*)\}")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([a-z_][a-z0-9_]*)\}")


@dataclass(frozen=True, init=False)
class Recommendation:
    """A drafted recommendation with the evidence that triggered it."""

    id: str
    node: str
    node_label: str
    to: str
    priority: str
    text: str
    condition: str
    score: float
    gain: float
    """Points the score of ``gain_on`` would gain if the node reached its next band."""
    evidence: tuple[str, ...] = ()
    best_practice: str | None = None
    """The sentence on the practice the recommendation points to (``reference``)."""
    lang: str = "en"
    gain_on: str = "overall"
    """Whose score ``gain`` is counted in: ``overall`` when the node counts in the mission's
    overall score, else the highest scored group above the node that it counts in (or the node
    itself): for a mission without an overall score, and for a node that does not count in the
    overall (a comparative family, an indicator that does not contribute); ``gain_note`` says
    which."""
    gain_on_label: str = ""
    """The label of ``gain_on`` (empty for the overall score)."""
    gain_note: str | None = None
    """Why the gain is not counted in overall points, in the recommendation's language (None
    when it is)."""
    reference: Reference | None = None
    """The practice the recommendation points to (None: nobody scores better)."""
    caps: tuple[str, ...] = ()
    """The groups (and ``overall``) whose band the node caps at their lowest: a critical
    indicator in its lowest band (see :mod:`ovm.scoring.critical`). Reaching its next band lifts
    the cap, which no other gain does: such a recommendation comes first within its priority,
    and ``gain_note`` says so."""

    def __init__(
        self,
        id: str,
        node: str,
        node_label: str,
        to: str,
        priority: str,
        text: str,
        condition: str,
        score: float,
        gain: float,
        evidence: tuple[str, ...] = (),
        best_practice: str | None = None,
        lang: str = "en",
        gain_on: str = "overall",
        gain_on_label: str = "",
        gain_note: str | None = None,
        reference: Reference | None = None,
        caps: tuple[str, ...] = (),
    ) -> None:
        """The fields in the dataclass's order, with its defaults."""
        # What the dataclass's own __init__ does, in one step: a frozen one sets each field
        # through object.__setattr__, which took a sixth of drafting a cohort's thousands.
        self.__dict__.update(
            id=id,
            node=node,
            node_label=node_label,
            to=to,
            priority=priority,
            text=text,
            condition=condition,
            score=score,
            gain=gain,
            evidence=evidence,
            best_practice=best_practice,
            lang=lang,
            gain_on=gain_on,
            gain_on_label=gain_on_label,
            gain_note=gain_note,
            reference=reference,
            caps=caps,
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and report contexts."""
        return {
            "id": self.id,
            "node": self.node,
            "node_label": self.node_label,
            "to": self.to,
            "priority": self.priority,
            "text": self.text,
            "condition": self.condition,
            "score": self.score,
            "gain": self.gain,
            "gain_on": self.gain_on,
            "gain_on_label": self.gain_on_label,
            "gain_note": self.gain_note,
            "evidence": list(self.evidence),
            "best_practice": self.best_practice,
            "best_is_practice": self.reference is not None and self.reference.practice,
            "reference": None
            if self.reference is None
            else {
                "missions": list(self.reference.missions),
                "score": self.reference.score,
                "value": self.reference.value,
                "practice": self.reference.practice,
            },
            "caps": list(self.caps),
            "lang": self.lang,
        }


@functools.lru_cache(maxsize=4096)
def _placeholders(template: str) -> frozenset[str]:
    """The names a recommendation's text uses (each template is read for every mission)."""
    return frozenset(_PLACEHOLDER_NAME.findall(template))


@functools.lru_cache(maxsize=4096)
def _pieces(template: str) -> tuple[str | tuple[str, str], ...]:
    """A template cut at its placeholders: literal texts (``{{``/``}}`` already braces) and
    ``(name, placeholder)`` pairs, read once (each template is filled for every mission)."""
    out: list[str | tuple[str, str]] = []
    at = 0
    for m in _PLACEHOLDER.finditer(template):
        out.append(template[at : m.start()])
        tok = m.group(0)
        out.append("{" if tok == "{{" else "}" if tok == "}}" else (m.group(1), tok))
        at = m.end()
    out.append(template[at:])
    return tuple(p for p in out if p != "")


def fill(template: str, values: Mapping[str, str]) -> str:
    """Substitute ``{name}`` placeholders by plain text lookup; ``{{``/``}}`` give braces.

    No attribute access, indexing or formatting spec is possible: a name not in ``values``
    stays visible as ``{name}``.
    """
    return _format_string(template).format_map(_Unfilled(values))


@functools.lru_cache(maxsize=4096)
def _format_string(template: str) -> str:
    """A template as ``str.format_map`` reads it: its literal braces doubled and each
    placeholder a plain name (no attribute, index or spec: :data:`_PLACEHOLDER` reads none),
    made once (each template is filled for every mission)."""
    return "".join(
        p.replace("{", "{{").replace("}", "}}") if isinstance(p, str) else p[1]
        for p in _pieces(template)
    )


class _Unfilled(dict[str, str]):
    """Values to fill a template with: a name without one stays visible as ``{name}``."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fmt(
    x: float | str | None,
    digits: int = 1,
    lang: str = "en",
    numbers: Sequence[Callable[[float], str]] = (),
) -> str:
    """A value as a recommendation writes it; ``numbers``: ``lang``'s formatters by digits,
    when the caller holds them (:attr:`_Words.numbers`)."""
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    if not math.isfinite(x):
        return "—"
    # Large whole numbers (counts of electors) print without decimals; scores keep theirs.
    d = 0 if abs(x) >= 1000 and float(x).is_integer() else digits
    return (numbers[d] if d < len(numbers) else number_formatter(lang, d))(x)


def _holds(
    tpl: _Template, ns: NodeScore, node: _NodeWords, words: _Words, score: float
) -> str | None:
    """The condition of ``tpl`` as it holds for the node's score, in words (None: it does not
    hold); ``score``: the node's score on its own scale, where the thresholds are written."""
    if ns.status != "scored" or ns.score is None:
        return None
    if not tpl.conditional:
        return None
    parts = []
    below, above = tpl.below, tpl.above
    # The score is written with the decimals that keep it on its side of the threshold:
    # "39.99 < 40", never "40.0 < 40".
    if below is not None and score < below:
        # Most scores keep their side at one decimal: faithful_digits' first try, inline.
        digits = 1 if rounded(score, 1) < below else faithful_digits(score, 1, lambda r: r < below)
        parts.append(
            words.raw("rec_condition_below").format_map(
                {"score": _fmt(score, digits, words.lang, words.numbers), "below": tpl.below_text}
            )
        )
    if above is not None and score > above:
        digits = 1 if rounded(score, 1) > above else faithful_digits(score, 1, lambda r: r > above)
        parts.append(
            words.raw("rec_condition_above").format_map(
                {"score": _fmt(score, digits, words.lang, words.numbers), "above": tpl.above_text}
            )
        )
    if tpl.bands and ns.band is not None and ns.band in tpl.bands:
        # The band's label in the language asked, as the rubric words it.
        parts.append(words.raw("rec_condition_band").format_map({"band": _band_label(node, ns)}))
    return "; ".join(parts) or None


def _band_label(words: _NodeWords, ns: NodeScore) -> str:
    labels = words.band_labels
    if ns.band is None or ns.band >= len(labels):
        return ns.band_label or "—"
    return labels[ns.band]


@dataclass(frozen=True)
class NoGain:
    """Why a node carries no share of the overall: ``reason`` is the message id
    (``rec_no_gain_*``), ``params`` its values."""

    reason: str
    params: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str, name: Callable[[str], str] | None = None) -> str:
        """The reason in ``lang``, each node it names given by ``name`` (its id by default;
        the recommendations name nodes by their labels)."""
        return gettext(self.reason, lang, **{k: name(v) if name else v for k, v in self.params})


class NodeScores(Protocol):
    """A mission's scores looked up by node, and each node's part in its parent's score (a
    :class:`Scorecard` is indexed so)."""

    @property
    def overall(self) -> NodeScore: ...

    def node(self, node_id: str) -> NodeScore: ...

    def child(self, parent: NodeScore, node_id: str) -> Contribution | None: ...


class _Indexed:
    """A scorecard's nodes, and each parent's children, in dicts: the way up the tree, taken
    for each of a mission's recommendations, looks them up by id many times."""

    def __init__(self, card: Scorecard) -> None:
        self.overall = card.overall
        self._by = {n.node: n for n in card.nodes}
        self._children: dict[str, dict[str, Contribution]] = {}

    def node(self, node_id: str) -> NodeScore:
        """The score of a node (``overall``: the mission's overall)."""
        if node_id == "overall":
            return self.overall
        return self._by[node_id]

    def child(self, parent: NodeScore, node_id: str) -> Contribution | None:
        """How ``node_id`` entered its parent's score (None when it did not)."""
        found = self._children.get(parent.node)
        if found is None:
            found = {}
            for c in parent.explanation.children:
                found.setdefault(c.node, c)
            self._children[parent.node] = found
        return found.get(node_id)


def _top(rubric: Rubric) -> str:
    """What the overall is: ``overall`` (the families aggregated) or the headline node."""
    return rubric.headline if rubric.headline not in (None, "none") else "overall"


_T = TypeVar("_T")


def _kept(
    cache: dict[tuple[int, str], tuple[object, Any]],
    owner: object,
    lang: str,
    limit: int,
    make: Callable[[], _T],
) -> _T:
    """What ``make`` gives for ``owner`` (a rubric, a comparison) and ``lang``, made once and
    kept, the cache emptied past ``limit`` owners. The owner is kept with its entry: a
    recycled ``id()`` is never taken for it."""
    key = (id(owner), lang)
    found = cache.get(key)
    if found is not None and found[0] is owner:
        return cast("_T", found[1])
    if len(cache) >= limit:
        cache.clear()
    made = make()
    cache[key] = (owner, made)
    return made


_SIGNS: dict[tuple[int, str], tuple[object, Any]] = {}


def _signs(rubric: Rubric) -> dict[tuple[str, str], float]:
    """Each (child, parent) step's sign (see :func:`_step`), looked up once per rubric: every
    mission's recommendations take the same ways up the tree."""
    signs: dict[tuple[str, str], float] = _kept(_SIGNS, rubric, "", 4, dict)
    return signs


def _step(
    rubric: Rubric, signs: dict[tuple[str, str], float], child: str, parent: str, share: float
) -> float:
    """A point the child gains in its better direction moves the parent by its share, a gain
    where both are better the same way (a deduction, better low, that a sum subtracts)."""
    sign = signs.get((child, parent))
    if sign is None:
        # Both signs are 1 or -1: their product times the share is the share times each.
        sign = signs[(child, parent)] = rubric.scale_of(child).sign * rubric.scale_of(parent).sign
    return share * sign


def _indexed(card: Scorecard | NodeScores) -> NodeScores:
    return _Indexed(card) if isinstance(card, Scorecard) else card


def effective_weight(rubric: Rubric, card: Scorecard | NodeScores, node_id: str) -> float | NoGain:
    """Points of the overall a point of the node moves (or would move), both in their better
    direction: the node's share in each parent, through the renormalised weights, multiplied up
    the tree to what the overall is (the families' aggregation, or the headline node).

    Where the node carries no share of it, the reason: the rubric has no overall, the way up
    passes a formula (which moves with what it reads, not in proportion to it), or the node is
    not under the headline node.
    """
    if rubric.headline == "none":
        return NoGain("rec_no_gain_no_overall")
    card = _indexed(card)
    top = _top(rubric)
    signs = _signs(rubric)
    share = 1.0
    current = node_id
    while current != top:
        ns = card.node(current)
        if not ns.parent or (ns.parent == "overall" and top != "overall"):
            return _outside(rubric, node_id, top)
        above = None if ns.parent == "overall" else rubric.node(ns.parent)
        if isinstance(above, Group) and above.formula is not None:
            return NoGain("rec_no_gain_formula", (("node", node_id), ("formula", ns.parent)))
        parent = card.node(ns.parent)
        match = card.child(parent, current)
        if match is None:
            return 0.0
        if match.share is not None:
            step = match.share
        else:
            # The parent has no score (insufficient): use the share the node would carry.
            applicable = sum(
                c.weight
                for c in parent.explanation.children
                if c.status not in ("not_applicable", "pending")
            )
            if not applicable or match.status in ("not_applicable", "pending"):
                return 0.0
            step = match.weight / applicable
        share *= _step(rubric, signs, current, ns.parent, step)
        current = parent.node
    return share


def _outside(rubric: Rubric, node_id: str, headline: str) -> NoGain:
    """Why a node outside the headline node carries no share of it."""
    read = {r.node for r in rubric.references_of.get(headline, ())}
    current = node_id
    while current != "overall":
        if current in read:
            return NoGain("rec_no_gain_formula", (("node", node_id), ("formula", headline)))
        current = rubric.nodes[current].parent
    return NoGain("rec_no_gain_outside", (("node", node_id), ("headline", headline)))


def gain_text(
    gain: float,
    gain_on: str,
    label: str,
    lang: str,
    *,
    markdown: bool = False,
    note: str | None = None,
) -> str:
    """A gain as every output words it: overall points, or the points of the score it counts in
    (``label``); in Markdown with ``note``, why that score is not the overall."""
    return gain_words(
        format_number(gain, lang, 2), gain_on, label, lang, markdown=markdown, note=note
    )


def gain_words(
    n: str,
    gain_on: str,
    label: str,
    lang: str,
    *,
    markdown: bool = False,
    note: str | None = None,
) -> str:
    """:func:`gain_text` of a gain already written as ``lang`` writes it with two decimals
    (``n``): a report writes the number beside its sentence, formatted once."""
    if gain_on == "overall":
        points = gettext("md_gain_points" if markdown else "gain_points", lang, n=n)
        # In points of the overall, a note can only say what the points miss: a critical cap.
        return f"{points} ({note})" if markdown and note else points
    if markdown and note:
        return gettext("md_gain_points_note", lang, n=n, node=label, note=note)
    return gettext("md_gain_points_on" if markdown else "gain_points_on", lang, n=n, node=label)


def gain_scope(rubric: Rubric, card: Scorecard | NodeScores, node_id: str) -> tuple[str, float]:
    """Where a node's gain is counted, and the share of that score the node carries.

    Up through the scored groups above the node, as far as they go: the overall score when the
    mission has one the node counts in (through the headline node, where the rubric names one),
    else the highest scored group (a family), else the node itself (share 1). A formula stops
    the way up: it moves with what it reads, not in proportion to it.
    """
    return _scope(rubric, _indexed(card), node_id, _top(rubric), _signs(rubric), None)


def _scope(
    rubric: Rubric,
    card: NodeScores,
    node_id: str,
    top: str,
    signs: dict[tuple[str, str], float],
    ups: dict[str, tuple[str, float] | None] | None,
) -> tuple[str, float]:
    """:func:`gain_scope`, each step up kept in ``ups`` (when given) for the next node of the
    same mission: a mission's recommendations climb through the same few groups."""
    share = 1.0
    current = node_id
    while current != top:
        if ups is None or current not in ups:
            up = _up(rubric, card, current, top, signs)
            if ups is not None:
                ups[current] = up
        else:
            up = ups[current]
        if up is None:
            break
        # Multiplied from the node up, as without the steps kept: the same gain to the bit.
        share *= up[1]
        current = up[0]
    if current == top and top != "overall":
        current = "overall"
    return current, share


def _up(
    rubric: Rubric, card: NodeScores, current: str, top: str, signs: dict[tuple[str, str], float]
) -> tuple[str, float] | None:
    """The group above ``current`` on the way :func:`gain_scope` climbs and the share of it a
    point of ``current`` moves (None: the way stops at ``current``)."""
    ns = card.node(current)
    if not ns.parent or (ns.parent == "overall" and top != "overall"):
        return None
    parent = card.node(ns.parent)
    if parent.status != "scored" or parent.score is None:
        return None
    match = card.child(parent, current)
    if match is None or match.share is None:
        return None
    return parent.node, _step(rubric, signs, current, ns.parent, match.share)


def _gain_note(
    rubric: Rubric, card: NodeScores, node_id: str, weight: float | NoGain, on: str, lang: str
) -> str | None:
    """Why a gain counted in ``on`` is not in overall points (None when it is); nodes are
    named by their labels in ``lang``, as the reports show them."""
    if on == "overall":
        return None

    def name(node: str) -> str:
        return _in(rubric.node(node).labels, lang) if node in rubric.nodes else node

    if isinstance(weight, NoGain):
        return weight.text(lang, name)
    parent = card.node(on).parent or "overall"
    above = None if parent == "overall" else card.node(parent)
    if (
        card.overall.status == "scored"
        and card.overall.score is not None
        and (above is None or above.status == "scored")
    ):
        # The mission has an overall score and the group above has a score: the way up
        # stopped at a group the node carries no share of (a comparative family, an
        # indicator that does not contribute).
        return gettext("rec_no_gain_not_counted", lang, node=name(node_id))
    if parent == "overall":
        return gettext("rec_no_gain_no_overall_score", lang)
    return gettext("rec_no_gain_no_score", lang, node=name(parent))


def _with_caps(note: str | None, rubric: Rubric, caps: tuple[str, ...], lang: str) -> str | None:
    """The gain's note with the bands the node caps, when it caps any, in ``lang``."""
    if not caps:
        return note
    names = [
        gettext("overall_score", lang) if c == "overall" else _in(rubric.node(c).labels, lang)
        for c in caps
    ]
    listed = names[0]
    for later in names[1:]:
        listed = gettext("cli_and", lang, first=listed, second=later)
    capped = gettext("rec_caps", lang, nodes=listed)
    return capped if note is None else f"{note}{semicolon(lang)} {capped}"


def next_band_gap(rubric: Rubric, node: Group | Indicator, score: float) -> float:
    """Points needed to reach the next better band (0 in the best band)."""
    return _gap(rubric.bands_for(node), node.scale_or_default.better == "lower", score)


def _gap(bands: Sequence[Band], lower: bool, score: float) -> float:
    return _gap_to(_edges(bands, lower), lower, score)


def _edges(bands: Sequence[Band], lower: bool) -> tuple[tuple[float, bool], ...]:
    """Where the next better band begins, in the order :func:`_gap_to` tries them: each band's
    upper end and whether the band holds it, where lower is better (the best band first), else
    each band's lower end (the worst first)."""
    if lower:
        return tuple((band.high, band.inclusive) for band in reversed(bands))
    return tuple((band.low, True) for band in bands)


def _gap_to(edges: tuple[tuple[float, bool], ...], lower: bool, score: float) -> float:
    """Points from ``score`` to the next better band, of the bands' :func:`_edges`."""
    if lower:
        for high, inclusive in edges:
            if high < score or (not inclusive and high <= score):
                return score - high
        return 0.0
    for low, _ in edges:
        if low > score:
            return low - score
    return 0.0


def _evidence(ns: NodeScore, node: _NodeWords, words: _Words, card: NodeScores) -> tuple[str, ...]:
    """What a recommendation rests on, a line each: the formula, the inputs with their
    sources, and a group's scored children; ``card``: the mission's scores, where each child's
    value is read. A score is named as one, beside the value in its unit where the node has
    one: a child's bare score under its label ("Travel time: 90.0") reads as the quantity."""
    out = []
    ex = ns.explanation
    lang = words.lang
    sep = words.colon
    numbers = words.numbers
    formula = node.formula or ex.formula
    if formula:
        out.append(f"{formula} = {_fmt(ex.raw_value, 2, lang, numbers)}")
    for inp in ex.inputs:
        shown = inp.value
        if inp.kind == "variable" and ex.formula == inp.name and isinstance(ns.value, float):
            shown = ns.value  # the statistic the rule scored (see _input_values)
        if isinstance(shown, str) and inp.status == "value" and not node.group:
            shown = node.answer(shown, lang)  # an answer, in words
        # Counts, minutes and seats are whole: "854", not "854.00".
        whole = isinstance(shown, (int, float)) and float(shown).is_integer()
        number = _fmt(shown, 0 if whole else 2, lang, numbers)
        if inp.status != "value":
            val = words.text(f"status_{inp.status}")
        elif inp.kind == "node" and isinstance(shown, float | int):
            # a node's score (at this mission or another of the cohort), said to be one
            val = words.figure(None, number)
        elif inp.kind == "variable" and isinstance(shown, float | int):
            # a variable in its unit, as the report's evidence gives it ("139,230 electors")
            val = words.variable(inp.name, shown, number)
        elif inp.kind == "question" and isinstance(shown, float | int):
            # a checklist question's share or statistic in the question's unit, as a group's
            # evidence words the same node ("61.5 % of observer visits"), not a bare 61.54
            val = words.value(inp.name, shown) or number
        else:
            val = number
        # A variable keeps its name, the column its data came from; a question, an answer or a
        # node is named by its label, as the report names it.
        if "@" in inp.name:
            # a node's score at another mission of the cohort, named as the report's annex does
            node_id, _, other = inp.name.partition("@")
            name = f"{words.label(node_id)} ({other})"
        else:
            name = inp.name if inp.kind == "variable" else words.label(inp.name)
        line = f"{name}{sep} {val}"
        if inp.n is not None:
            line += f" (n = {inp.n})"
        prov = inp.provenance
        if prov is not None and (prov.source or prov.confidence):
            line += words.provenance(prov.source, prov.confidence)
        if inp.simulated:
            line += f" [{words.text('simulated_word')}]"
        out.append(line)
    for child in ex.children:
        if child.status == "scored" and child.score is not None:
            value = words.value(child.node, card.node(child.node).value)
            score = _fmt(child.score, 1, lang, numbers)
            out.append(words.prefix(child.node) + words.figure(value, score))
    return tuple(out)


def _input_values(ns: NodeScore, lang: str, wanted: frozenset[str]) -> dict[str, str]:
    """The variables a node was computed from that a text names (``wanted``), by name: those
    read from observer checklists (``from_sites``) are in no mission table, only in the
    node's explanation."""
    out: dict[str, str] = {}
    ex = ns.explanation
    for inp in ex.inputs:
        if inp.kind != "variable" or inp.status != "value" or inp.name not in wanted:
            continue
        value = inp.value
        if ex.formula == inp.name and isinstance(ns.value, float):
            # The node is the variable itself: its value is the statistic the rule scored.
            value = ns.value
        if isinstance(value, float | int) and not isinstance(value, bool):
            whole = float(value).is_integer()  # minutes, seats: no ".0"
            out[inp.name] = format_number(float(value), lang, 0 if whole else 1)
    return out


@dataclass(frozen=True)
class Reference:
    """The practice a recommendation points to: where the node scores best, better than the
    mission does."""

    missions: tuple[str, ...]
    """The missions at that score other than the mission itself; the first is the one the
    recommendation's text names."""
    score: float
    practice: bool
    """True for the node's best practice; False for the best-scored other mission (the node
    has no best practice, or its best practice does not score better than the mission)."""
    evidence: NodeScore | None = None
    """The best practice's evidence: the node as its first mission scored it."""
    value: float | str | None = None
    """The first mission's value on the node, in the node's unit (a share, minutes, an
    answer), the quantity a recommendation's text speaks of; None for a group, or where the
    value is not held (a like context's best-scored mission)."""


def reference(
    comparison: Comparison | Peers | None, node: Group | Indicator, own: float, mission: str
) -> Reference | None:
    """The practice a recommendation on ``node`` for ``mission`` (which scores ``own``)
    points to: the node's best practice, else the best-scored other mission, but only one that
    scores better than this mission does (a mission that leads the cohort is pointed to
    nobody). Every output that names the practice takes it from here; among the mission's
    ``Peers`` it is the practice of missions in a like context. A recommendation on a
    ``distance_to_best`` indicator points to the practice on its target: pass the node and
    score :func:`practice_of` gives."""
    if comparison is None:
        return None
    return _pointers(comparison, node).reference(own, mission)


class _Pointer:
    """What every mission's :func:`reference` on one node reads of a comparison (or peers):
    the best practice with its evidence, and the ranking's scored entries, each found once (a
    cohort's hundreds of missions are each pointed to them)."""

    def __init__(self, comparison: Comparison | Peers, node: Group | Indicator) -> None:
        self.lower = node.scale_or_default.better == "lower"
        best = comparison.best.get(node.id)
        self.best = best if best is not None and best.missions else None
        self.node = node.id
        self.members: frozenset[str] = frozenset()
        self.shared: Reference | None = None
        if self.best is not None:
            self.members = frozenset(self.best.missions)
            ev = next((e for e in self.best.evidence if e.node == node.id), None)
            # The reference of every mission that is not one of the practice's own.
            self.shared = Reference(
                self.best.missions, self.best.score, True, ev, None if ev is None else ev.value
            )
        from ovm.comparison.cohort import Comparison

        # Where the best-scored mission's value is read (a like context's peers hold none).
        self.cards = comparison.judged() if isinstance(comparison, Comparison) else None
        self.tops: dict[str, Reference] = {}
        # Under z-scores or ranks the mission's own score is on the rubric's scale (as the
        # recommendation is judged): so must the one it is compared with be.
        judged = comparison.on_scale_rankings
        ranking = (judged if judged is not None else comparison.rankings).get(node.id) or ()
        self.scored = tuple(r for r in ranking if r.score is not None)

    def ahead(self, score: float, own: float) -> bool:
        """Whether ``score`` is better than ``own`` on the node's scale."""
        return score < own if self.lower else score > own

    def reference(self, own: float, mission: str) -> Reference | None:
        """:func:`reference` of the node for ``mission``, which scores ``own``."""
        best, shared = self.best, self.shared
        if best is not None and shared is not None and self.ahead(best.score, own):
            if mission not in self.members:
                return shared
            others = tuple(m for m in best.missions if m != mission)
            if not others:
                return None
            # The evidence and value of the first of the others, the mission the text names
            # (the leaders are tied on the score, not on the value or its sources).
            ev = best.evidence[best.missions.index(others[0])]
            return Reference(others, best.score, True, ev, ev.value)
        # A loop, not next() over a generator: a generator left suspended is finalised, which
        # costs more than the scan (it stops at the first or second entry).
        for top in self.scored:
            if top.mission != mission:
                if top.score is not None and self.ahead(top.score, own):
                    return self._top(top.mission, top.score)
                return None
        return None

    def _top(self, mission: str, score: float) -> Reference:
        """The reference to the best-scored ``mission``, with its value, made once: every
        mission behind it is pointed to it."""
        found = self.tops.get(mission)
        if found is None:
            value = None
            if self.cards is not None:
                value = self.cards.scorecard(mission).node(self.node).value
            found = self.tops[mission] = Reference((mission,), score, False, None, value)
        return found


_POINTERS: dict[tuple[int, str], tuple[object, Any]] = {}


def _pointers(comparison: Comparison | Peers, node: Group | Indicator) -> _Pointer:
    """The node's :class:`_Pointer` in ``comparison``, made once and kept with it."""
    return _pointer(_kept_pointers(comparison), comparison, node)


def _kept_pointers(comparison: Comparison | Peers) -> dict[str, _Pointer]:
    """The :class:`_Pointer` of each node of ``comparison`` made so far, by node id."""
    kept: dict[str, _Pointer] = _kept(_POINTERS, comparison, "", 8, dict)
    return kept


def _pointer(
    kept: dict[str, _Pointer], comparison: Comparison | Peers, node: Group | Indicator
) -> _Pointer:
    found = kept.get(node.id)
    if found is None:
        found = kept[node.id] = _Pointer(comparison, node)
    return found


def practice_of(
    rubric: Rubric, scorecard: Scorecard, node: Group | Indicator, own: float
) -> tuple[Group | Indicator, float | None]:
    """The node whose practice a recommendation on ``node`` points to, and the mission's score
    there (``own`` is its score on ``node``, on the rubric's scale as recommendations are
    judged): the node itself, but for a ``distance_to_best`` indicator its target, where the
    best practice and its evidence are (on the distance itself every leader scores 100).
    ``scorecard`` is the mission's, on the rubric's scale (:meth:`Comparison.judged`)."""
    if not (isinstance(node, ComparativeIndicator) and node.measure == "distance_to_best"):
        return node, own
    target = rubric.node(node.target)
    try:
        found = scorecard.node(target.id)
    except KeyError:
        return target, None
    return target, found.score if found.status == "scored" else None


def _has_value_words(node: Group | Indicator) -> TypeGuard[Indicator]:
    """Whether :func:`value_words` writes a node's value: not a group's (its figure is its
    score), nor a practice adoption's (its value is the share adopted as a fraction, its unit,
    %, the score's: the score is the quantity its text speaks of)."""
    if isinstance(node, Group):
        return False
    return not (isinstance(node, ComparativeIndicator) and node.measure == "practice_adoption")


def value_words(
    node: Group | Indicator,
    value: float | str | None,
    lang: str,
    numbers: Sequence[Callable[[float], str]] = (),
) -> str | None:
    """A node's value as a reader reads it beside its score, in the node's unit: "92.3 % of
    observer visits", "45 minutes", an answer or a level in words; None for a group (whose
    figure is its score) or without a value."""
    if value is None or not _has_value_words(node):
        return None
    if isinstance(value, str):
        # a level's descriptor is a sentence: its full stop would end the figure's too
        return kind_of(node).value_text(node, value, lang).text.rstrip(".")
    if not math.isfinite(value):
        return None
    # As a recommendation's text writes {value}: whole counts and minutes without decimals.
    number = _fmt(value, 0 if float(value).is_integer() else 1, lang, numbers)
    # An indicator without a unit of its own (or one named "score") has its score for a
    # value: no unit to name beside the score.
    unit = "" if _unit_is_score(node) else node.unit_text(lang, value)
    return with_unit(number, unit, node.unit_is_name, lang)


def _unit_is_score(node: Indicator) -> bool:
    """Whether a node's unit is the score itself (the placeholder, or a rubric's "score" in
    each language), which no value beside its score names again."""
    return in_language(node.unit, "en") == "score"


def figure_words(value: str | None, score: str, lang: str) -> str:
    """A figure as every output names it: the value in its unit and the score, each named
    ("92.3 % of observer visits (score 61.5)"), or the score alone where there is no
    value; both already written as ``lang`` writes them."""
    if value:
        return gettext("figure_value_score", lang, value=value, score=score)
    return gettext("figure_score", lang, score=score)


def best_score_words(
    rubric: Rubric,
    node: Group | Indicator,
    score: float,
    lang: str,
    span: tuple[float, float] | None = None,
) -> str:
    """A best performer's score as every output writes it: one decimal, more where one would
    carry the figure into the next band of its node (39.99, not 40.0, under a band that
    starts at 40). ``span``: the range the comparison put the node's scores on, when not
    the rubric's own (:func:`ovm.comparison.cohort.output_spans`); the band edges are then
    along it."""
    return _fmt(score, rubric.shown_digits(node, score, span=span), lang)


def _best(
    ref: Reference | None,
    node: Group | Indicator,
    lang: str,
    titles: Mapping[str, str],
    rubric: Rubric,
    span: tuple[float, float] | None = None,
) -> tuple[str | None, dict[str, str]]:
    """A recommendation's sentence on the practice it points to, and the values its text may
    name (``best_mission``, ``best_score``). The sentence gives the practice's value in the
    unit the recommendation's text speaks of and its score, named: the score alone read as
    the quantity ("61.5" under "61.5 % of visits", where the practice has 92.3 %)."""
    if ref is None:
        return None, {}
    m = ref.missions[0]
    title = titles.get(m, m)
    score = best_score_words(rubric, node, ref.score, lang, span)
    figure = figure_words(value_words(node, ref.value, lang), score, lang)
    if not ref.practice:
        text = gettext("rec_best_scored", lang, mission=title, figure=figure)
        return text, {"best_mission": title, "best_score": score}
    sources = []
    if ref.evidence is not None:
        sources = [
            i.provenance.source
            for i in ref.evidence.explanation.inputs
            if i.provenance is not None and i.provenance.source
        ]
    joined = f"{translator(lang).semicolon} ".join(dict.fromkeys(sources))
    src = f" ({joined})" if sources else ""
    text = gettext("rec_best_practice", lang, mission=title, figure=figure) + src
    return text, {"best_mission": title, "best_score": score}


@dataclass(frozen=True)
class _Template:
    """A recommendation template as every mission reads it in one language: its text, the
    placeholders it uses, its thresholds and the thresholds in words."""

    tpl: RecommendationTemplate
    text: str
    wanted: frozenset[str]
    below: float | None
    above: float | None
    bands: tuple[int, ...]
    below_text: str
    above_text: str

    @property
    def conditional(self) -> bool:
        """Whether the template has a condition at all (one without never applies)."""
        return self.below is not None or self.above is not None or bool(self.bands)


def _limit_text(limit: float | None, lang: str) -> str:
    if limit is None:
        return ""
    return format_number(limit, lang, 0 if float(limit).is_integer() else 1)


class _NodeWords:
    """A recommending node as every mission's recommendations read it in one language: its
    label, bands, scale direction, the rule's formula in words and its templates."""

    def __init__(self, rubric: Rubric, node: Group | Indicator, lang: str) -> None:
        self.node = node
        self.group = isinstance(node, Group)
        self.label = _in(node.labels, lang)
        self.bands = rubric.bands_for(node)
        self.lower = node.scale_or_default.better == "lower"
        self.edges = _edges(self.bands, self.lower)
        self.band_labels = tuple(_in(band.label, lang) for band in self.bands)
        self.formula = None if isinstance(node, Group) else kind_of(node).formula_text(node, lang)
        self.unit = "" if isinstance(node, Group) else node.unit_text(lang)
        # after exactly 1, the singular the rubric gives ("1 day", not "1.0 days")
        self.unit_one = (
            None if isinstance(node, Group) or node.unit_one is None else node.unit_text(lang, 1)
        )
        self.templates = tuple(
            _Template(
                tpl,
                text,
                _placeholders(text),
                tpl.when.below,
                tpl.when.above,
                tuple(tpl.when.bands),
                _limit_text(tpl.when.below, lang),
                _limit_text(tpl.when.above, lang),
            )
            for tpl in node.recommendations
            for text in (_in(tpl.text, lang),)
        )
        self._answers: dict[str, str] = {}

    def answer(self, value: str, lang: str) -> str:
        """An answer of the node in words (each answer worded once)."""
        found = self._answers.get(value)
        if found is None:
            assert not isinstance(self.node, Group)
            found = self._answers[value] = (
                kind_of(self.node).value_text(self.node, value, lang).text
            )
        return found


class _Words:
    """What the recommendations of one rubric say the same for every mission in one language
    (found once: a cohort of hundreds drafts from the same nodes and templates)."""

    def __init__(self, rubric: Rubric, lang: str) -> None:
        self.rubric = rubric
        self.lang = lang
        self.colon = colon(lang)
        self.nodes = tuple(
            _NodeWords(rubric, p.node, lang) for p in rubric.walk() if p.node.recommendations
        )
        self._t = translator(lang)
        self._raw: dict[str, str] = {}
        self._said: dict[str, str] = {}
        self._levels: dict[str, str] = {}
        self._labels: dict[str, str] = {}
        self._sources: dict[tuple[str | None, str | None], str] = {}
        self._prefixes: dict[str, str] = {}
        self._worded: dict[tuple[str, str], str | None] = {}
        self._units: dict[str, tuple[str, str, str] | tuple[()]] = {}
        self._variables: dict[str, tuple[str, str, str]] = {}
        # The number formatters of the language by decimals, held: a cohort's recommendations
        # write hundreds of thousands of numbers.
        self.numbers = tuple(number_formatter(lang, d) for d in range(7))

    def text(self, msgid: str) -> str:
        """``gettext(msgid, lang)``, read once."""
        found = self._said.get(msgid)
        if found is None:
            found = self._said[msgid] = self._t(msgid)
        return found

    def raw(self, msgid: str) -> str:
        """The catalogue text of ``msgid`` before its placeholders are filled (``format_map``
        then gives what ``gettext`` with parameters gives)."""
        found = self._raw.get(msgid)
        if found is None:
            found = self._raw[msgid] = self._t.text(msgid)
        return found

    def label(self, node_id: str) -> str:
        """A node's label in the language (its id when the rubric has no such node), found
        once."""
        found = self._labels.get(node_id)
        if found is None:
            placed = self.rubric.nodes.get(node_id)
            found = node_id if placed is None else _in(placed.node.labels, self.lang)
            self._labels[node_id] = found
        return found

    def provenance(self, source: str | None, level: str | None) -> str:
        """What an evidence line adds for its input's provenance (" — source, confidence:
        high"), worded once for each source and level: a mission's inputs share a source."""
        key = (source, level)
        found = self._sources.get(key)
        if found is None:
            said = self.confidence(level) if level else None
            found = " — " + ", ".join(x for x in (source, said) if x)
            if len(self._sources) >= 4096:
                self._sources.clear()  # sources are free text: keep the words of a few
            self._sources[key] = found
        return found

    def prefix(self, node_id: str) -> str:
        """What an evidence line on a node starts with: its label and a colon."""
        found = self._prefixes.get(node_id)
        if found is None:
            found = self._prefixes[node_id] = f"{self.label(node_id)}{self.colon} "
        return found

    def value(self, node_id: str, value: float | str | None) -> str | None:
        """:func:`value_words` of a node's value in the language; an answer or a level is
        worded once (a cohort's missions share them), a number each time."""
        if value is None:
            return None
        if isinstance(value, str):
            key = (node_id, value)
            if key not in self._worded:
                placed = self.rubric.nodes.get(node_id)
                self._worded[key] = (
                    None if placed is None else value_words(placed.node, value, self.lang)
                )
            return self._worded[key]
        units = self._units.get(node_id)
        if units is None:
            units = self._units[node_id] = self._units_of(node_id)
        if not units or not math.isfinite(value):
            return None
        # What value_words writes, its units looked up once a node: a cohort's every group
        # recommendation writes each child's value.
        number = _fmt(value, 0 if float(value).is_integer() else 1, self.lang, self.numbers)
        unit = units[1] if is_one(value) else units[0]
        return units[2].format_map({"value": number, "unit": unit}) if unit else number

    def variable(self, name: str, value: float, number: str) -> str:
        """A variable's value, already written as ``number``, with the variable's unit (its
        singular after 1), the unit looked up once a variable; the number alone for a name
        the rubric does not declare."""
        units = self._variables.get(name)
        if units is None:
            try:
                var = self.rubric.variable(name)
            except KeyError:
                units = ("", "", "")
            else:
                units = (
                    var.unit_text(self.lang),
                    var.unit_text(self.lang, 1),
                    unit_pattern(var.unit_is_name, self.lang),
                )
            self._variables[name] = units
        unit = units[1] if is_one(value) else units[0]
        return units[2].format_map({"value": number, "unit": unit}) if unit else number

    def _units_of(self, node_id: str) -> tuple[str, str, str] | tuple[()]:
        """A node's unit, its singular ("" for none) and how a number is written with them;
        empty for a node whose value has no words (:func:`value_words` says None)."""
        node = None if (placed := self.rubric.nodes.get(node_id)) is None else placed.node
        if node is None or not _has_value_words(node):
            return ()
        pattern = unit_pattern(node.unit_is_name, self.lang)
        if _unit_is_score(node):
            return ("", "", pattern)
        return (node.unit_text(self.lang), node.unit_text(self.lang, 1), pattern)

    def figure(self, value: str | None, score: str) -> str:
        """:func:`figure_words` in the language, its sentences read once."""
        if value:
            return self.raw("figure_value_score").format_map({"value": value, "score": score})
        return self.raw("figure_score").format_map({"score": score})

    def confidence(self, level: str) -> str:
        """The words of an input's confidence level ("confidence: high"), worded once."""
        found = self._levels.get(level)
        if found is None:
            found = self._levels[level] = gettext(
                "confidence_is", self.lang, level=gettext(f"confidence_{level}", self.lang)
            )
        return found


_WORDS: dict[tuple[int, str], tuple[object, Any]] = {}


def _words(rubric: Rubric, lang: str) -> _Words:
    return _kept(_WORDS, rubric, lang, 8, lambda: _Words(rubric, lang))


@dataclass(frozen=True)
class _Cohort:
    """What every mission's recommendations read of one comparison: its scorecards by id and
    the titles of the missions a recommendation may name (a cohort of hundreds drafts for each
    mission: found once, not once per mission)."""

    comparison: Comparison
    cards: Mapping[str, Scorecard]
    titles: Mapping[str, str]
    lang: str
    practices: dict[tuple[str, str, float, bool], tuple[str | None, dict[str, str]]] = field(
        default_factory=dict
    )

    def best(
        self,
        rubric: Rubric,
        node: Group | Indicator,
        ref: Reference,
        span: tuple[float, float] | None,
    ) -> tuple[str | None, dict[str, str]]:
        """:func:`_best` of a reference on ``node`` (whose scores the comparison put on
        ``span``, when not the rubric's own range): the same sentence for every mission
        pointed to the same practice, worded once."""
        # Within one comparison the node and the practice's first mission, score and kind
        # decide the sentence (its evidence and value are the node's, as reference() takes
        # them).
        key = (node.id, ref.missions[0], ref.score, ref.practice)
        found = self.practices.get(key)
        if found is None:
            found = self.practices[key] = _best(ref, node, self.lang, self.titles, rubric, span)
        return found


_COHORTS: dict[tuple[int, str], tuple[object, Any]] = {}


def _cohort(comparison: Comparison, lang: str) -> _Cohort:
    return _kept(_COHORTS, comparison, lang, 2, lambda: _made_cohort(comparison, lang))


def _made_cohort(comparison: Comparison, lang: str) -> _Cohort:
    # Only the missions a recommendation names: the first two of each best practice and
    # ranking.
    named = {m for b in comparison.best.values() for m in b.missions[:2]}
    named |= {r.mission for ranking in comparison.rankings.values() for r in ranking[:2]}
    titles: dict[str, str] = {}
    cards: dict[str, Scorecard] = {}
    # Recommendations are judged as best practices are, on the rubric's scale: a z-score
    # against the 0-100 bands would make every condition on a band hold.
    for c in comparison.judged().scorecards:
        cards.setdefault(c.mission.id, c)
        if c.mission.id in named:
            nm = c.mission.name
            titles[c.mission.id] = nm if isinstance(nm, str) else _in(dict(nm), lang)
    return _Cohort(comparison, cards, titles, lang)


def recommend(
    rubric: Rubric,
    scorecard: Scorecard,
    comparison: Comparison | None = None,
    *,
    mission: Mission | None = None,
    lang: str = "en",
) -> tuple[Recommendation, ...]:
    """The recommendations whose conditions hold for a mission, most important first.

    Ordered by priority; within it those whose gain is counted in overall points first, then
    by the gain each shows (the points its ``gain_on`` score would gain if the node reached its
    next band), largest first, then by id. Each states its gain where the mission has a score
    to gain on (``gain_on``, see :func:`gain_scope`; ``gain_note`` says why it is not the
    overall). With a comparison, each names where the
    practice scores best and on what evidence; its conditions and gains are judged on the
    rubric's own 0-100 scale (:meth:`Comparison.judged`), as best practices are, whatever the
    comparison's normalisation.
    """
    card = scorecard
    cohort = None
    if comparison is not None:
        cohort = _cohort(comparison, lang)
        card = cohort.cards.get(scorecard.mission.id, scorecard)
    info = card.mission
    mtitle = info.name if isinstance(info.name, str) else _in(dict(info.name), lang)
    out: list[Recommendation] = []
    indexed = _Indexed(card)
    words = _words(rubric, lang)
    top, signs = _top(rubric), _signs(rubric)
    pointers = None if comparison is None else _kept_pointers(comparison)
    ups: dict[str, tuple[str, float] | None] = {}
    election = f"{info.election_type} {info.election_date.isoformat()}"
    country: str | None = None  # named by the texts that ask for it, found once
    tabled = set(mission.values) if mission is not None else set()
    spans = None
    if comparison is not None:
        from ovm.comparison.cohort import output_spans

        spans = output_spans(rubric, comparison.settings)
    # An imputed value is the cohort's, not the mission's: no recommendation rests on it.
    imputed = imputed_nodes(card)
    capping = {
        f.node: nodes
        for f in card.findings
        if f.code == CRITICAL and f.node is not None and (nodes := named(f))
    }
    for nw in words.nodes:
        node = nw.node
        try:
            found = indexed.node(node.id)
        except KeyError:
            continue
        ns = found
        if ns.status != "scored" or ns.score is None or node.id in imputed:
            continue  # no condition holds for a node without a score (see _holds)
        # A score on a comparison's output range meets the rubric's thresholds and bands at its
        # place along that range; its gap is counted back in points of the range.
        span = (spans or {}).get(node.id)
        scale = node.scale_or_default
        own = ns.score
        if span is not None and own is not None:
            own = scale.min + (own - span[0]) / (span[1] - span[0]) * (scale.max - scale.min)
        pointer = (
            None if pointers is None or comparison is None else _pointer(pointers, comparison, node)
        )
        for tw in nw.templates:
            cond = None if own is None else _holds(tw, ns, nw, words, own)
            if cond is None:
                continue
            tpl = tw.tpl
            assert ns.score is not None and own is not None
            gap = _gap_to(nw.edges, nw.lower, own)
            if span is not None:
                gap *= (span[1] - span[0]) / (scale.max - scale.min)
            # The gain shown is counted where the mission has a score to gain on; the weight
            # only says why that is not the overall, and is worked out only then (most gains
            # are in overall points: a cohort's thousands of recommendations each walked the
            # tree for it).
            gain_on, share = _scope(rubric, indexed, node.id, top, signs, ups)
            gain_note = (
                None
                if gain_on == "overall"
                else _gain_note(
                    rubric,
                    indexed,
                    node.id,
                    effective_weight(rubric, indexed, node.id),
                    gain_on,
                    lang,
                )
            )
            on, on_score = practice_of(rubric, card, node, ns.score)
            ref = None
            if on is node:
                ref = None if pointer is None else pointer.reference(ns.score, info.id)
            elif on_score is not None and pointers is not None and comparison is not None:
                ref = _pointer(pointers, comparison, on).reference(on_score, info.id)
            caps = capping.get(node.id, ())
            best_text, best_vals = (
                (None, {})
                if ref is None or cohort is None
                else cohort.best(rubric, on, ref, (spans or {}).get(on.id))
            )
            template = tw.text
            # Only the names the text uses are formatted: a mission has dozens of values and a
            # cohort of hundreds drafts for each one.
            wanted = tw.wanted
            values = _Unfilled(
                {
                    "mission": mtitle,
                    "election": election,
                    "label": nw.label,
                    "best_score": "—",
                    "best_mission": "—",
                    **best_vals,
                }
            )
            if "country" in wanted:
                if country is None:
                    country = country_name(info.country or info.key, lang)
                values["country"] = country
            if "score" in wanted:
                values["score"] = _fmt(ns.score, 1, lang, words.numbers)
            one = nw.unit_one is not None and is_one(ns.value)
            if "value" in wanted:
                values["value"] = _fmt(ns.value, 0 if one else 1, lang, words.numbers)
            if "unit" in wanted:
                values["unit"] = nw.unit_one if one and nw.unit_one is not None else nw.unit
            if "band" in wanted:
                values["band"] = _band_label(nw, ns)
            if "gap" in wanted:
                values["gap"] = _fmt(gap, 1, lang, words.numbers)
            if mission is not None:
                for name in wanted & tabled:
                    d = mission.values[name]
                    values[name] = _fmt(
                        d.value if isinstance(d.value, float) else None, 1, lang, words.numbers
                    )
            # What the node was computed from is what its text is about: it wins over a table
            # value of the same name.
            values.update(_input_values(ns, lang, wanted))
            out.append(
                Recommendation(
                    id=tpl.id,
                    node=node.id,
                    node_label=nw.label,
                    to=tpl.to,
                    priority=tpl.priority,
                    text=_format_string(template).format_map(values),
                    condition=cond,
                    score=ns.score,
                    gain=round(share * gap, 6),
                    evidence=_evidence(ns, nw, words, indexed),
                    best_practice=best_text,
                    reference=ref,
                    lang=lang,
                    gain_on=gain_on,
                    gain_on_label="" if gain_on == "overall" else words.label(gain_on),
                    gain_note=_with_caps(gain_note, rubric, caps, lang),
                    caps=caps,
                )
            )
    # Within a priority, what lifts a critical cap first (no gain in points says what it is
    # worth), then gains in overall points, then those counted elsewhere; each by the gain it
    # shows, the number every output prints.
    out.sort(
        key=lambda o: (
            PRIORITY_ORDER.get(o.priority, 9),
            not o.caps,
            o.gain_on != "overall",
            -o.gain,
            o.id,
        )
    )
    return tuple(out)


# --- what-if -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeProblem:
    """One change :func:`apply_changes` cannot apply: its issue code, its English message, and
    the parts that word it in another language.

    ``params`` fill the catalogue's ``issue_<code>`` sentence (``variant`` picking one);
    ``change`` is the ``NAME=VALUE`` a refused value was typed as, said before the reason;
    ``after`` marks a limit broken by the changes taken together.
    """

    code: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    change: str | None = None
    after: bool = False

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (the English message where the catalogue has no wording)."""
        if lang == "en":
            return self.message
        from ovm.i18n import coded, punctuate

        said = coded("issue", self.code, self.params, lang)
        if said is None:
            return self.message
        if self.change is not None:
            said = f"{self.change}{colon(lang)} {said}"
        if self.after:
            said = gettext("whatif_after_changes", lang, problem=said)
        return punctuate(said, lang)


WHATIF_SENTENCES = (
    "issue_not-settable",
    "issue_unknown-variable_whatif",
    "issue_derived-variable_whatif",
    "whatif_after_changes",
)
"""The catalogue entries only a change that cannot be applied says."""


def apply_changes(
    rubric: Rubric, mission: Mission, changes: Mapping[str, str]
) -> tuple[Mission, list[ChangeProblem]]:
    """The mission with variables or qualitative answers replaced, and the changes that
    cannot be applied.

    Each value is read as the same text would be in a data table (the table reader's
    columns), so ``sí``, ``na`` or ``1,234`` mean here what they mean in a file.
    """
    from ovm.data.observations import answer_column, limit_issues, variable_column
    from ovm.indicators import AnswerIndicator, LevelsIndicator

    values = dict(mission.values)
    answers = dict(mission.answers)
    problems: list[ChangeProblem] = []
    prov = Provenance(source="what-if", note="hypothetical value")
    for key, text in changes.items():
        if key in rubric.nodes:
            node = rubric.node(key)
            if not isinstance(node, LevelsIndicator | AnswerIndicator):
                problems.append(
                    ChangeProblem(
                        "not-settable",
                        f"{key} is not a levels or answer indicator: only variables and "
                        "qualitative answers can be set",
                        {"name": key},
                    )
                )
                continue
            reading = answer_column(node).read(text)
            target = answers
        else:
            try:
                var = rubric.variable(key)
            except KeyError:
                problems.append(
                    ChangeProblem(
                        "unknown-variable",
                        f"{key} is neither a variable nor an indicator of the rubric",
                        {"name": key, "variant": "whatif"},
                    )
                )
                continue
            if var.from_sites is not None:
                problems.append(
                    ChangeProblem(
                        "derived-variable",
                        f"{key} is computed from observer checklists and cannot be set",
                        {"name": key, "variant": "whatif"},
                    )
                )
                continue
            reading = variable_column(var).read(text)
            target = values
        if reading.status == "invalid":
            problems.append(
                ChangeProblem(
                    reading.code,
                    f"{key}={text}: {reading.message}",
                    reading.params,
                    change=f"{key}={text}",
                )
            )
        elif reading.status == "value":
            target[key] = Datum(value=reading.value, provenance=prov)
        else:
            target[key] = Datum(status=reading.status, provenance=prov)
    problems += [
        ChangeProblem(i.code, f"{i.message} (after the changes)", i.params, after=True)
        for i in limit_issues(rubric, values, "what-if", None)
    ]
    return mission.model_copy(update={"values": values, "answers": answers}), problems


def _in(text: Mapping[str, str], lang: str) -> str:
    """A rubric or workspace text in ``lang`` (else English, else any), punctuated as the
    language writes it (:func:`ovm.indicators.text.wording`)."""
    return wording(text, lang).text


def to_markdown(
    recs: Sequence[Recommendation], fu: FollowUp | None, title: str, lang: str = "en"
) -> str:
    """Recommendations (and the follow-up table) as Markdown text."""

    def t(msgid: str, **params: object) -> str:
        return gettext(msgid, lang, **params)

    c = colon(lang)
    lines = [f"# {t('recommendations')}{c} {_md_escape(title)}", ""]
    if not recs:
        lines.append(t("md_no_condition"))
    for i, r in enumerate(recs, 1):
        lines.append(f"## {i}. {_md_escape(r.node_label)}")
        lines.append("")
        lines.append(
            f"*{t('md_to')}{c}* {t(f'to_{r.to}')} · *{t('priority')}{c}* "
            f"{t(f'priority_{r.priority}')} · *{t('md_condition')}{c}* {_md_escape(r.condition)} · "
            f"*{t('gain')}{c}* "
            + gain_text(
                r.gain,
                r.gain_on,
                _md_escape(r.gain_on_label),
                lang,
                markdown=True,
                note=None if r.gain_note is None else _md_escape(r.gain_note),
            )
        )
        lines.append("")
        lines.append(_md_escape(r.text))
        lines.append("")
        if r.evidence:
            lines.append(f"{t('evidence')}{c}")
            lines += [f"- {_md_escape(e)}" for e in r.evidence]
            lines.append("")
        if r.best_practice:
            # Only a lead in a good band is a best practice; else the reference is the
            # cohort's top score, called what it is.
            practice = r.reference is not None and r.reference.practice
            heading = t("best_practice") if practice else t("best_performer")
            lines.append(f"{heading}{c} {_md_escape(r.best_practice)}")
            lines.append("")
    if fu is not None and fu.items:
        lines += ["", f"## {t('follow_up')} ({_md_escape(fu.previous or '—')})", ""]
        lines.append(f"| id | {t('md_text')} | {t('md_to')} | {t('status')} |")
        lines.append("|---|---|---|---|")
        for it in fu.items:
            text = it.text if isinstance(it.text, str) else _in(it.text, lang)
            lines.append(
                f"| {_md_escape(it.id)} | {_md_escape(text)} | "
                f"{t(f'to_{it.to}')} | "
                f"{t(f'followup_{it.status}')} |"
            )
        if fu.share is not None:
            lines += ["", f"{t('md_implemented')}{c} {format_percent(fu.share / 100, lang, 1)}"]
    return "\n".join(lines).rstrip() + "\n"


_MD_SPECIAL = re.compile(
    r"\\(?=[!-/:-@\[-`{-~])"  # a backslash that would escape what follows it
    r"|<(?=[A-Za-z/!?])"  # what opens an HTML tag, comment or autolink
    r"|&(?=#?[A-Za-z0-9]+;)"  # what starts an entity
    r"|\|"  # a table's cell border
    r"|^>"  # a block quote
)


def _md_escape(text: str) -> str:
    """Text from the team's files (a mission's name, a label, a recommendation) as Markdown
    that shows it as written.

    Markdown viewers render HTML: a tag, an entity or a table pipe from the data is made plain
    text by a backslash, the escape Markdown itself reads, so that a terminal shows
    ``score 0.0 < 60`` as it is (an entity such as ``&lt;`` reads as itself there). Only
    what would start markup is escaped: ``<`` before a space is plain text already.
    """
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text.replace("\n", " "))
