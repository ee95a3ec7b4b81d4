"""Cohort normalisation at its edges: the fewest values each method needs, spreads below 1,
missing values inside the cohort.

Each method is defined from a minimum number of values (min-max, z-score and percentile: 2;
rank, distance to a target and distance to the best on a score scale: 1) and, where it
divides by a spread, only when the spread is not zero; any spread above zero will do.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pytest

from ovm.comparison.cohort import normalise

NAN = math.nan


def same(got: Iterable[float], want: list[float]) -> bool:
    """Equal lists of floats, NaN where NaN is expected."""
    values = [float(v) for v in got]
    return len(values) == len(want) and all(
        (math.isnan(g) and math.isnan(w)) or g == pytest.approx(w, abs=1e-9)
        for g, w in zip(values, want, strict=True))


@pytest.mark.parametrize(("values", "method", "kwargs", "expected"), [
    # the fewest values: 2 for min-max, z-score and percentile, 1 for rank
    pytest.param([3, 5], "minmax", {}, [0, 100], id="minmax-two-values"),
    pytest.param([5], "minmax", {}, [NAN], id="minmax-one-value"),
    pytest.param([1, 3], "zscore", {}, [-1 / math.sqrt(2), 1 / math.sqrt(2)],
                 id="zscore-two-values"),  # mean 2, sample sd sqrt(2)
    pytest.param([1], "zscore", {}, [NAN], id="zscore-one-value"),
    pytest.param([7], "rank", {}, [1], id="rank-one-value"),
    pytest.param([7], "percentile", {}, [NAN], id="percentile-one-value"),
    pytest.param([7, 9], "percentile", {}, [0, 100], id="percentile-two-values"),
    pytest.param([7, 8, 9], "percentile", {"output_range": (1, 100)}, [1, 50.5, 100],
                 id="percentile-onto-1-100"),
    # distance to the best on a 0-100 scale: one mission is the best, 100 points from 0
    pytest.param([70], "distance_to_best", {"span": 100}, [100], id="best-one-score"),
    # on raw values the range is the span: one value has none
    pytest.param([70], "distance_to_best", {}, [NAN], id="best-one-raw-value"),
    # distance to a target: one value is enough, (50 - 50) / (80 - 50); at or past the target, 100
    pytest.param([50], "distance_to_target", {"target": 80}, [0], id="target-one-value"),
    pytest.param([80], "distance_to_target", {"target": 80}, [100], id="target-reached"),
    pytest.param([50, 90], "distance_to_target", {"target": 80}, [0, 100],
                 id="target-passed"),
    pytest.param([80, 80], "distance_to_target", {"target": 80}, [100, 100],
                 id="target-all-there"),
    pytest.param([50, 80], "distance_to_target", {"target": 80, "output_range": (1, 100)},
                 [1, 100], id="target-onto-1-100"),
    pytest.param([0.2, 0.5], "distance_to_target", {"target": 0.8}, [0, 50],
                 id="target-narrow"),
    # spreads below 1 are spreads
    pytest.param([0.2, 0.5, 0.9], "minmax", {}, [0, 300 / 7, 100], id="minmax-narrow"),
    pytest.param([0.1, 0.2, 0.3], "zscore", {}, [-1, 0, 1], id="zscore-narrow"),
    pytest.param([0.2, 0.5, 0.9], "distance_to_best", {}, [0, 300 / 7, 100],
                 id="best-narrow"),
    # no spread at all: undefined, not a division by zero
    pytest.param([4, 4, 4], "zscore", {}, [NAN, NAN, NAN], id="zscore-flat"),
    pytest.param([4, 4], "distance_to_best", {}, [NAN, NAN], id="best-flat"),
    # a missing value takes no part in the fit: mean 20 and sd 10 over 10, 20, 30
    pytest.param([10, None, 20, 30], "zscore", {}, [-1, NAN, 0, 1], id="zscore-gap"),
    pytest.param([10, None, 20, 30], "minmax", {}, [0, NAN, 50, 100], id="minmax-gap"),
    pytest.param([10, None, 20, 30], "percentile", {}, [0, NAN, 50, 100],
                 id="percentile-gap"),
    pytest.param([50, None, 90], "distance_to_best", {"span": 100}, [60, NAN, 100],
                 id="best-gap"),
])
def test_normalisation_edges(values: list[float | None], method: str, kwargs: dict,
                             expected: list[float]) -> None:
    got = normalise(values, method, **kwargs)
    assert same(got, expected), list(got)


@pytest.mark.parametrize("method", ["none", "nonsense"])
def test_a_method_that_normalises_nothing_is_refused(method: str) -> None:
    with pytest.raises(ValueError, match="unknown normalisation"):
        normalise([1, 2, 3], method)
