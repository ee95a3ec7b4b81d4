"""A cohort's recommendations drafted as the rules of their public functions say: the practice
each points to, the gain it shows (to the bit), its text filled placeholder by placeholder."""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ovm.comparison.recommend import (
    Recommendation,
    Reference,
    fill,
    gain_scope,
    next_band_gap,
    practice_of,
    reference,
)
from ovm.pipeline import Run, analyse

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@cache
def _run() -> Run:
    return analyse(EXAMPLES)


def _pointed_to(run: Run, node_id: str, own: float, mission: str) -> Reference | None:
    """The rule of :func:`reference`, read straight off the comparison: the node's best
    practice when it scores better (the mission itself left out of its missions), else the
    best-scored other mission when it scores better; with the evidence (a best practice's)
    and the value on the node of the mission named first."""
    comparison = run.comparison
    lower = run.rubric.node(node_id).scale_or_default.better == "lower"

    def ahead(score: float) -> bool:
        return score < own if lower else score > own

    best = comparison.best.get(node_id)
    if best is not None and best.missions and ahead(best.score):
        others = tuple(m for m in best.missions if m != mission)
        if not others:
            return None
        named = dict(zip(best.missions, best.evidence, strict=True))[others[0]]
        return Reference(others, best.score, True, named, named.value)
    rankings = comparison.on_scale_rankings or comparison.rankings
    scored = [r for r in rankings.get(node_id, ()) if r.mission != mission and r.score is not None]
    if scored and scored[0].score is not None and ahead(scored[0].score):
        top = scored[0].mission
        value = comparison.judged().scorecard(top).node(node_id).value
        return Reference((top,), scored[0].score, False, None, value)
    return None


def test_every_recommendation_points_where_the_rule_says_and_shows_the_public_gain() -> None:
    run = _run()
    kinds: set[str] = set()
    drafted = 0
    for card in run.comparison.judged().scorecards:
        mid = card.mission.id
        for rec in run.recommendations(mid):
            drafted += 1
            node = run.rubric.node(rec.node)
            # A distance to the best points to the practice on its target.
            on, own = practice_of(run.rubric, card, node, rec.score)
            assert (on.id, own is None) == (
                (node.target, False)
                if getattr(node, "measure", "") == "distance_to_best"
                else (rec.node, False)
            )
            assert own is not None
            expected = _pointed_to(run, on.id, own, mid)
            assert rec.reference == expected, (mid, rec.node)
            assert reference(run.comparison, on, own, mid) == expected
            if expected is not None:
                kinds.add("practice" if expected.practice else "best scored")
            # The gain is the public share times the public gap, bit for bit: steps up the tree
            # kept for a mission's next node are multiplied in the same order.
            on, share = gain_scope(run.rubric, card, rec.node)
            assert (rec.gain_on, rec.gain) == (
                on,
                round(share * next_band_gap(run.rubric, node, rec.score), 6),
            ), (mid, rec.node)
            kinds.add("overall" if on == "overall" else "elsewhere")
    assert drafted > 100
    # The cohort exercises each way a practice is found and a gain counted.
    assert kinds == {
        "practice",
        "best scored",
        "overall",
        "elsewhere",
    }


def test_a_recommendation_is_made_with_its_dataclass_fields_and_defaults() -> None:
    fields = [(f.name, f.default) for f in dataclasses.fields(Recommendation)]
    params = [
        (name, dataclasses.MISSING if p.default is inspect.Parameter.empty else p.default)
        for name, p in list(inspect.signature(Recommendation).parameters.items())
    ]
    assert params == fields
    values = [f"v{i}" for i in range(len(fields))]
    by_position = Recommendation(*values)  # type: ignore[arg-type]
    assert dataclasses.asdict(by_position) == dict(zip([n for n, _ in fields], values, strict=True))
    bare = Recommendation("r1", "n", "N", "emb", "high", "t", "c", 1.0, 2.0)
    assert {n: getattr(bare, n) for n, d in fields if d is not dataclasses.MISSING} == {
        n: d for n, d in fields if d is not dataclasses.MISSING
    }
    assert bare == Recommendation("r1", "n", "N", "emb", "high", "t", "c", 1.0, 2.0)
    try:
        bare.text = "changed"  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("a recommendation is frozen")


_NAMES = st.sampled_from(["a", "b", "score", "x_1", "__class__"])
_PIECES = st.one_of(
    st.text(alphabet="ab {}._:!0[]", max_size=6),
    _NAMES.map(lambda n: "{" + n + "}"),
)


def _filled(template: str, values: Mapping[str, str]) -> str:
    """``{name}`` replaced by its value where it has one, ``{{``/``}}`` by a brace, the rest
    as written (scanned left to right, as the placeholders are read)."""
    pattern = re.compile(r"\{\{|\}\}|\{([a-z_][a-z0-9_]*)\}")

    def one(m: re.Match[str]) -> str:
        if m.group(0) == "{{":
            return "{"
        if m.group(0) == "}}":
            return "}"
        return values.get(m.group(1), m.group(0))

    return pattern.sub(one, template)


@given(
    st.lists(_PIECES, max_size=8).map("".join),
    st.dictionaries(_NAMES, st.text(alphabet="ab{}%", max_size=4), max_size=4),
)
def test_fill_replaces_known_names_keeps_the_rest_and_reads_doubled_braces(
    template: str, values: dict[str, str]
) -> None:
    assert fill(template, values) == _filled(template, values)
