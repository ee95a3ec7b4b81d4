"""A cohort rank (and percentile) counts the cohort's values strictly below each value, one
column at a time, whatever the cohort's size (powers of two included), its ties, its missing
values, and whether the values ranked are the cohort's own or others (an interval's ends)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ovm.comparison.cohort import apply_scale, fit_scale

# Few distinct values, so that ties are common; -0.0 equals 0.0; a missing value is NaN.
VALUES = st.sampled_from([0.0, -0.0, 1.0, 2.5, 50.0, 99.5, 100.0, 1e-300, math.nan])
COLUMN = st.integers(min_value=1, max_value=70).flatmap(
    lambda n: st.lists(VALUES, min_size=n, max_size=n)
)


def below(column: list[float], value: float) -> int:
    return sum(1 for v in column if not math.isnan(v) and v < value)


@given(st.lists(COLUMN, min_size=1, max_size=4), st.lists(VALUES, max_size=5))
def test_rank_counts_the_values_below(columns: list[list[float]], others: list[float]) -> None:
    rows = max(len(c) for c in columns)
    cohort = np.full((rows, len(columns)), math.nan)
    for j, column in enumerate(columns):
        cohort[: len(column), j] = column
    scale = fit_scale(cohort, "rank")
    asked = np.concatenate([cohort, np.repeat(np.array(others)[:, None], len(columns), axis=1)])
    got = apply_scale(scale, asked)
    for j in range(len(columns)):
        counted = [float(below(list(cohort[:, j]), v)) for v in asked[:, j] if not math.isnan(v)]
        ranks = [g - 1 for g, v in zip(got[:, j], asked[:, j], strict=True) if not math.isnan(v)]
        if scale.defined[j]:
            assert ranks == counted
    assert np.isnan(got[np.isnan(asked)]).all()


def test_a_cohort_of_a_power_of_two_ranks_its_highest_last() -> None:
    values = np.array([[3.0], [1.0], [4.0], [2.0]])
    assert apply_scale(fit_scale(values, "rank"), values)[:, 0].tolist() == [3.0, 1.0, 4.0, 2.0]
    percentiles = apply_scale(fit_scale(values, "percentile"), values)[:, 0]
    assert percentiles.tolist() == pytest.approx([200 / 3, 0.0, 100.0, 100 / 3], abs=1e-12)
