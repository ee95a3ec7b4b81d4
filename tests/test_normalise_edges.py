"""Cohort normalisation at its edges: the fewest values each method needs, spreads below 1,
columns with no spread, missing values inside the cohort.

Min-max, z-score and percentile need two different values, distance to the best a spread;
rank and distance to a target need one value. A column with no spread at all (one value, or
all equal) moves no mission against another and takes a fixed value instead (see
``CohortScale``): a 0-100 score keeps its score, a raw value the middle of the output range, a
z-score the scale's mean, a rank 1. Any spread above zero, however small, is a spread.
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
        for g, w in zip(values, want, strict=True)
    )


@pytest.mark.parametrize(
    ("values", "method", "kwargs", "expected"),
    [
        # the fewest values: 2 for min-max, z-score and percentile, 1 for rank
        pytest.param([3, 5], "minmax", {}, [0, 100], id="minmax-two-values"),
        pytest.param([5], "minmax", {}, [50], id="minmax-one-value"),
        pytest.param(
            [5], "minmax", {"output_range": (1, 100)}, [50.5], id="minmax-one-value-onto-1-100"
        ),
        pytest.param([70, 70], "minmax", {"span": 100}, [70, 70], id="minmax-flat-scores"),
        pytest.param(
            [1, 3], "zscore", {}, [-1 / math.sqrt(2), 1 / math.sqrt(2)], id="zscore-two-values"
        ),  # mean 2, sample sd sqrt(2)
        pytest.param([1], "zscore", {}, [0], id="zscore-one-value"),
        pytest.param([7], "rank", {}, [1], id="rank-one-value"),
        pytest.param([7], "percentile", {}, [50], id="percentile-one-value"),
        pytest.param([7, 7], "percentile", {"span": 100}, [7, 7], id="percentile-flat-scores"),
        pytest.param([7, 9], "percentile", {}, [0, 100], id="percentile-two-values"),
        pytest.param(
            [7, 8, 9],
            "percentile",
            {"output_range": (1, 100)},
            [1, 50.5, 100],
            id="percentile-onto-1-100",
        ),
        # distance to the best on a 0-100 scale: one mission is the best, 100 points from 0
        pytest.param([70], "distance_to_best", {"span": 100}, [100], id="best-one-score"),
        # on raw values the range is the span: one value has none
        pytest.param([70], "distance_to_best", {}, [50], id="best-one-raw-value"),
        # distance to a target: one value is enough, (50 - 50) / (80 - 50); at or past the
        # target, 100
        pytest.param([50], "distance_to_target", {"target": 80}, [0], id="target-one-value"),
        pytest.param([80], "distance_to_target", {"target": 80}, [100], id="target-reached"),
        pytest.param([50, 90], "distance_to_target", {"target": 80}, [0, 100], id="target-passed"),
        pytest.param(
            [80, 80], "distance_to_target", {"target": 80}, [100, 100], id="target-all-there"
        ),
        pytest.param(
            [50, 65, 80],
            "distance_to_target",
            {"target": 80, "output_range": (1, 100)},
            [1, 50.5, 100],
            id="target-onto-1-100",
        ),
        pytest.param(
            [0.2, 0.5], "distance_to_target", {"target": 0.8}, [0, 50], id="target-narrow"
        ),
        # spreads below 1 are spreads
        pytest.param([0.2, 0.5, 0.9], "minmax", {}, [0, 300 / 7, 100], id="minmax-narrow"),
        pytest.param([0.1, 0.2, 0.3], "zscore", {}, [-1, 0, 1], id="zscore-narrow"),
        pytest.param([0.2, 0.5, 0.9], "distance_to_best", {}, [0, 300 / 7, 100], id="best-narrow"),
        # no spread at all: the fixed value, not a division by zero
        pytest.param([4, 4, 4], "zscore", {}, [0, 0, 0], id="zscore-flat"),
        pytest.param(
            [4, 4, 4], "zscore", {"zscore_scale": (50, 10)}, [50, 50, 50], id="zscore-flat-rescaled"
        ),
        pytest.param([4, 4], "rank", {}, [1, 1], id="rank-flat"),
        pytest.param([4, 4], "distance_to_best", {}, [50, 50], id="best-flat"),
        pytest.param([4, None, 4], "minmax", {}, [50, NAN, 50], id="minmax-flat-gap"),
        # a missing value takes no part in the fit: mean 20 and sd 10 over 10, 20, 30
        pytest.param([10, None, 20, 30], "zscore", {}, [-1, NAN, 0, 1], id="zscore-gap"),
        pytest.param([10, None, 20, 30], "minmax", {}, [0, NAN, 50, 100], id="minmax-gap"),
        pytest.param([10, None, 20, 30], "percentile", {}, [0, NAN, 50, 100], id="percentile-gap"),
        pytest.param(
            [50, None, 90], "distance_to_best", {"span": 100}, [60, NAN, 100], id="best-gap"
        ),
    ],
)
def test_normalisation_edges(
    values: list[float | None], method: str, kwargs: dict, expected: list[float]
) -> None:
    got = normalise(values, method, **kwargs)
    assert same(got, expected), list(got)


@pytest.mark.parametrize("method", ["none", "nonsense"])
def test_a_method_that_normalises_nothing_is_refused(method: str) -> None:
    with pytest.raises(ValueError, match="unknown normalisation"):
        normalise([1, 2, 3], method)
