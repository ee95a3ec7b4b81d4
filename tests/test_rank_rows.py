"""Rankings of many nodes at once (rank_rows) are the rankings of each node on its own."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from ovm.comparison.ranking import RankEntry, rank, rank_rows

IDS = ["m03", "m01", "m10", "m02", "m07"]

cell = st.one_of(
    st.none(),
    st.floats(-5, 105),
    st.sampled_from([0.0, 50.0, 50.0 + 1e-12, 100.0, math.nan, math.inf, -math.inf]),
)
rows_strategy = st.lists(st.lists(cell, min_size=len(IDS), max_size=len(IDS)), max_size=6)
signs_strategy = st.lists(st.sampled_from([1.0, -1.0]), min_size=6, max_size=6)


def plain_ranking(scores: dict[str, float | None], sign: float) -> list[tuple]:
    """The rules of the ranking module written out: best first, equal to 9 decimals tie."""
    kept = {m: round(s * sign, 9) for m, s in scores.items() if s is not None and math.isfinite(s)}
    entries = []
    for m, key in kept.items():
        better = sum(1 for k in kept.values() if k > key)
        tied = sum(1 for k in kept.values() if k == key) > 1
        entries.append((better + 1, m, scores[m], tied))
    entries.sort()
    out = [(m, s, r, t) for r, m, s, t in entries]
    out += [(m, None, None, False) for m in sorted(scores) if m not in kept]
    return out


@given(rows_strategy, signs_strategy)
def test_every_row_is_ranked_as_its_own_ranking(rows, signs):
    signs = signs[: len(rows)]
    got = rank_rows(IDS, rows, signs)
    assert len(got) == len(rows)
    for row, sign, ranking in zip(rows, signs, got, strict=True):
        scores = dict(zip(IDS, row, strict=True))
        assert ranking == rank(scores, sign)
        assert [(e.mission, e.score, e.rank, e.tied) for e in ranking] == plain_ranking(
            scores, sign
        )
        # Built without validation, each entry is the validated model, in JSON too.
        for e in ranking:
            again = RankEntry.model_validate(e.model_dump())
            assert again == e
            assert again.model_dump_json() == e.model_dump_json()
            assert type(e.score) is (float if e.score is not None else type(None))
            assert type(e.rank) is (int if e.rank is not None else type(None))


def test_no_missions_or_no_rows():
    assert rank_rows([], [[], []], [1.0, -1.0]) == [(), ()]
    assert rank_rows(IDS, [], []) == []
