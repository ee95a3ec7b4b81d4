"""The engine computes some things for many missions at once: the results are those of the
one-mission computation, value for value."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import ovm
from ovm import Scorecard
from ovm.scoring.aggregate import Child, combine, combine_columns, combine_each
from ovm.scoring.engine import percentile_ends

EXAMPLES = Path(__file__).parent.parent / "examples"
MINI = Path(__file__).parent / "data" / "mini"

STATUSES = ["scored", "scored", "scored", "missing", "not_applicable", "pending", "insufficient"]
METHODS = st.sampled_from(
    [
        ("arithmetic", None),
        ("geometric", None),
        ("harmonic", None),
        ("minimum", None),
        ("sum", None),
        ("generalised", 2.0),
        ("generalised", 0.5),
        ("generalised", -1.0),
        ("generalised", 0.0),
    ]
)


@st.composite
def children(draw: st.DrawFn, ids: tuple[str, ...]) -> list[Child]:
    """One mission's children of a group: the same nodes, weights that may differ."""
    out = []
    for node_id in ids:
        status = draw(st.sampled_from(STATUSES))
        score = (
            draw(st.sampled_from([0.0, 12.5, 50.0, 99.0, 100.0])) if status == "scored" else None
        )
        out.append(
            Child(
                node_id,
                draw(st.sampled_from([1.0, 2.0, 0.5])),
                status,  # type: ignore[arg-type]
                score,
                draw(st.sampled_from([0.0, 0.5, 1.0])),
                draw(st.sampled_from([1.0, -1.0])),
            )
        )
    return out


@given(
    cohort=st.lists(children(("a", "b", "c")), min_size=1, max_size=12),
    method=METHODS,
    min_coverage=st.sampled_from([0.0, 0.5, 1.0]),
)
def test_a_group_scored_for_a_cohort_is_scored_as_for_each_mission_alone(
    cohort: list[list[Child]], method: tuple[str, float | None], min_coverage: float
) -> None:
    name, power = method
    together = combine_each(cohort, name, power, min_coverage)
    alone = [combine(c, name, power, min_coverage) for c in cohort]
    assert together == alone


@given(
    cohort=st.lists(children(("a", "b", "c")), min_size=1, max_size=12),
    method=METHODS,
    min_coverage=st.sampled_from([0.0, 0.5, 1.0]),
)
def test_a_group_scored_from_columns_is_scored_as_for_each_mission_alone(
    cohort: list[list[Child]], method: tuple[str, float | None], min_coverage: float
) -> None:
    # The columns give each child one weight and sign for every mission (the rubric's).
    first = cohort[0]
    same = [
        [
            Child(c.id, f.weight, c.status, c.score, c.coverage, f.sign)
            for c, f in zip(row, first, strict=True)
        ]
        for row in cohort
    ]
    name, power = method
    kids = [(c.id, c.weight, c.sign) for c in first]
    columns = combine_columns(
        len(same),
        kids,
        [[row[j].status for row in same] for j in range(len(kids))],
        [[row[j].score for row in same] for j in range(len(kids))],
        [[row[j].coverage for row in same] for j in range(len(kids))],
        name,
        power,
        min_coverage,
    )
    assert columns == [combine(c, name, power, min_coverage) for c in same]


def test_a_group_without_children_is_not_applicable_for_every_mission() -> None:
    assert (
        combine_columns(3, [], [], [], [], "arithmetic", None, 0.5)
        == [combine([], "arithmetic", None, 0.5)] * 3
    )


@given(
    values=arrays(
        np.float64,
        st.tuples(st.integers(1, 6), st.integers(1, 40)),
        elements=st.floats(-1e6, 1e6, allow_nan=False),
    ),
    alpha=st.sampled_from([0.025, 0.05, 0.1, 0.25, 0.5]),
)
def test_percentile_ends_of_finite_replicates_are_those_of_a_full_sort(
    values: np.ndarray, alpha: float
) -> None:
    # A column of NaN changes no row's finite replicates; it takes the path that sorts.
    with_nan = np.hstack([values, np.full((values.shape[0], 1), np.nan)])
    fast = percentile_ends(values, alpha)
    sorted_ = percentile_ends(with_nan, alpha)
    for got, want in zip(fast, sorted_, strict=True):
        assert got.tolist() == want.tolist()


@given(
    values=arrays(
        np.float64,
        st.tuples(st.integers(1, 6), st.integers(1, 40)),
        elements=st.floats(-1e6, 1e6, allow_nan=False),
    ),
    holes=st.lists(
        st.tuples(
            st.integers(0, 5),
            st.integers(0, 39),
            st.sampled_from([np.nan, np.inf, -np.inf]),
        ),
        max_size=12,
    ),
    alpha=st.sampled_from([0.025, 0.05, 0.25]),
)
def test_a_row_with_nan_or_infinite_replicates_has_the_ends_of_its_finite_ones(
    values: np.ndarray, holes: list[tuple[int, int, float]], alpha: float
) -> None:
    # Rows with holes among rows without: each row's ends and count are those of its own
    # finite replicates alone, wherever the holes sort.
    rows, width = values.shape
    for r, c, x in holes:
        if r < rows and c < width:
            values[r, c] = x
    low, high, count = percentile_ends(values, alpha)
    for r in range(rows):
        finite = values[r][np.isfinite(values[r])]
        assert count[r] == finite.size
        if finite.size:
            lo, hi, _ = percentile_ends(finite[None, :], alpha)
            assert (low[r], high[r]) == (lo[0], hi[0])
        else:
            assert np.isnan(low[r]) and np.isnan(high[r])


@pytest.mark.parametrize("hole", [np.nan, np.inf, -np.inf])
def test_one_hole_in_one_row_leaves_it_the_ends_of_its_finite_replicates(hole: float) -> None:
    values = np.arange(60, dtype=float).reshape(3, 20)
    values[1, 7] = hole
    low, high, count = percentile_ends(values, 0.1)
    assert count.tolist() == [20, 19, 20]
    lo, hi, _ = percentile_ends(np.delete(values[1], 7)[None, :], 0.1)
    assert (low[1], high[1]) == (lo[0], hi[0])


@pytest.mark.parametrize(
    ("workspace", "bootstrap"),
    [(EXAMPLES, 200), (EXAMPLES, 0), (MINI, 200)],
)
def test_scorecards_are_what_validating_every_value_would_build(
    workspace: Path, bootstrap: int
) -> None:
    # The engine builds its results without validating them again: read back through
    # validation, every scorecard is the same object and writes the same JSON (an int where
    # a float is due would write 5 where validation writes 5.0).
    ws = ovm.load_workspace(workspace)
    scores = ovm.score(ws.rubric, ws.observations, bootstrap=bootstrap)
    for card in scores.scorecards:
        text = card.model_dump_json()
        again = Scorecard.model_validate_json(text)
        assert again == card
        assert again.model_dump_json() == text
