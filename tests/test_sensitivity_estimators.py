"""The Sobol estimators of the sensitivity analysis, against SALib and on the example."""

from __future__ import annotations

import contextlib
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ovm
import ovm.comparison.sensitivity as sensitivity_module
from ovm.comparison.cohort import normalise
from ovm.comparison.sensitivity import sensitivity_text, sobol_indices, sobol_with_intervals

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _ishigami_design(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    from SALib.test_functions import Ishigami

    rng = np.random.default_rng(seed)
    a = rng.uniform(-np.pi, np.pi, (n, 3))
    b = rng.uniform(-np.pi, np.pi, (n, 3))
    y_ab = []
    for i in range(3):
        ab = a.copy()
        ab[:, i] = b[:, i]
        y_ab.append(Ishigami.evaluate(ab)[:, None])
    return Ishigami.evaluate(a)[:, None], Ishigami.evaluate(b)[:, None], y_ab


def test_intervals_hold_salibs_indices_on_the_ishigami_function() -> None:
    from SALib.analyze import sobol
    from SALib.sample import sobol as sobol_sample
    from SALib.test_functions import Ishigami

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    x = sobol_sample.sample(problem, 2**13, calc_second_order=False, seed=1)
    reference = sobol.analyze(problem, Ishigami.evaluate(x), calc_second_order=False, seed=1)
    y_a, y_b, y_ab = _ishigami_design(4096, seed=5)
    for i in range(3):
        s, total = sobol_with_intervals(y_a, y_b, y_ab[i], seed=11)
        assert s.low <= reference["S1"][i] <= s.high, (i, s, reference["S1"][i])
        assert total.low <= reference["ST"][i] <= total.high, (i, total, reference["ST"][i])
        # A first-order index above its total effect is noise within its interval.
        assert s.low <= total.high


def test_an_input_without_effect_gets_zero_exactly() -> None:
    rng = np.random.default_rng(3)
    y_a, y_b = rng.normal(size=(500, 4)), rng.normal(size=(500, 4))
    assert sobol_indices(y_a, y_b, y_a.copy()) == (0.0, 0.0)


@given(offset=st.floats(-1e4, 1e4, allow_nan=False), seed=st.integers(0, 2**32 - 1))
def test_an_offset_of_the_output_changes_no_index(offset: float, seed: int) -> None:
    y_a, y_b, y_ab = _ishigami_design(200, seed=seed)
    plain = sobol_indices(y_a, y_b, y_ab[0])
    moved = sobol_indices(y_a + offset, y_b + offset, y_ab[0] + offset)
    assert moved == pytest.approx(plain, abs=1e-7)


def test_a_constant_column_is_normalised_to_a_defined_documented_value() -> None:
    # Raw values with no spread take the middle of the range; z-scores their mean; ranks 1.
    assert list(normalise([7, 7, 7], "minmax")) == [50.0, 50.0, 50.0]
    assert list(normalise([7], "zscore", zscore_scale=(50.0, 10.0))) == [50.0]
    assert list(normalise([7, 7], "rank")) == [1.0, 1.0]
    # A 0-100 score keeps its own value: a perfect cohort is not penalised, a failing one is
    # not rewarded.
    assert list(normalise([100, 100], "percentile", span=100.0)) == [100.0, 100.0]
    assert list(normalise([0, 0, 0], "minmax", span=100.0)) == [0.0, 0.0, 0.0]
    # Missing values stay missing.
    assert np.isnan(normalise([None, 4.0], "minmax")[0])


@pytest.fixture(scope="module")
def example_run() -> ovm.Run:
    settings = ovm.Settings(bootstrap=50, sensitivity=ovm.SensitivitySettings(runs=300))
    return ovm.analyse(EXAMPLES, settings)


def test_example_missions_without_an_overall_get_no_rank_interval(example_run: ovm.Run) -> None:
    sens = example_run.sensitivity
    assert sens is not None
    nominal = {e.mission: e.rank for e in example_run.comparison.rankings["overall"]}
    for r in sens.ranks:
        assert r.nominal == nominal[r.mission]
        if r.nominal is None:
            assert (r.median, r.low, r.high, r.mean_shift) == (None, None, None, None)
            # Unscored in (nearly) every run: leaving out an indicator that has no data can
            # lift a group over its minimum coverage now and then, and the share says so.
            assert r.unscored > 0.9
        else:
            assert r.low is not None and r.high is not None
            assert 1 <= r.low <= r.high <= sum(1 for v in nominal.values() if v is not None)
    rows = [line.split() for line in sensitivity_text(sens).splitlines()]
    assert ["slv-2019", "-", "-", "-", "-", "-", "100.0%"] in rows


def test_example_indices_have_intervals_and_no_first_order_beyond_its_total(
    example_run: ovm.Run,
) -> None:
    sens = example_run.sensitivity
    assert sens is not None
    assert set(sens.first_order_ci) == set(sens.total_effect_ci) == set(sens.choices)
    for choice in sens.choices:
        s, total = sens.first_order_ci[choice], sens.total_effect_ci[choice]
        assert s.low <= s.value <= s.high and total.low <= total.value <= total.high
        assert s.low <= total.high, choice


def test_normalisation_no_longer_drops_missions_from_the_runs() -> None:
    settings = ovm.Settings(
        bootstrap=0, sensitivity=ovm.SensitivitySettings(runs=60, choices=("normalisation",))
    )
    sens = ovm.analyse(EXAMPLES, settings).sensitivity
    assert sens is not None
    assert [r.mission for r in sens.ranks if r.nominal is not None and r.unscored > 0] == []


def _looped_intervals(
    y_a: np.ndarray, y_b: np.ndarray, y_ab: np.ndarray, boot: int, seed: int
) -> np.ndarray:
    """The bootstrap of the indices as its definition reads: one resample of rows at a time."""
    rng = np.random.default_rng(seed)
    n = y_a.shape[0]
    draws = np.empty((boot, 2))
    for b in range(boot):
        idx = rng.integers(0, n, size=n)
        draws[b] = sobol_indices(y_a[idx], y_b[idx], y_ab[idx])
    return np.quantile(draws, [0.025, 0.975], axis=0)


@given(
    runs=st.integers(2, 40),
    outputs=st.integers(1, 300),
    levels=st.integers(1, 30),
    share=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_bootstrap_intervals_are_those_of_resampling_rows_one_at_a_time(
    runs: int, outputs: int, levels: int, share: float, seed: int
) -> None:
    # Ranks-like outputs: few distinct values, constant columns and resamples without spread.
    rng = np.random.default_rng(seed)
    y_a = rng.integers(1, levels + 1, (runs, outputs)).astype(float)
    y_b = rng.integers(1, levels + 1, (runs, outputs)).astype(float)
    y_ab = np.where(rng.random((runs, outputs)) < share, y_b, y_a)
    s, total = sobol_with_intervals(y_a, y_b, y_ab, boot=60, seed=seed)
    (lo_s, lo_t), (hi_s, hi_t) = _looped_intervals(y_a, y_b, y_ab, 60, seed)
    got = [s.low, s.high, total.low, total.high]
    want = [min(lo_s, s.value), max(hi_s, s.value), min(lo_t, total.value), max(hi_t, total.value)]
    assert got == pytest.approx(want, rel=1e-9, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(offset=st.floats(-1e9, 1e9, allow_nan=False), seed=st.integers(0, 2**32 - 1))
def test_a_large_offset_of_outputs_with_a_small_spread_changes_no_index(
    offset: float, seed: int
) -> None:
    # Outputs of 1e9 spread over 0.1: their variance is 1e-20 of their mean square, spread
    # all the same (once read as rounding residue, which gave (0, 0) instead of the indices).
    a, b, ab = _ishigami_design(200, seed=seed)
    y_a, y_b, y_ab = a * 0.1, b * 0.1, ab[0] * 0.1
    plain = sobol_with_intervals(y_a, y_b, y_ab, boot=20, seed=seed)
    moved = sobol_with_intervals(y_a + offset, y_b + offset, y_ab + offset, boot=20, seed=seed)
    assert sobol_indices(y_a + offset, y_b + offset, y_ab + offset) == pytest.approx(
        sobol_indices(y_a, y_b, y_ab), abs=1e-6
    )
    assert [(i.value, i.low, i.high) for i in moved] == [
        pytest.approx((i.value, i.low, i.high), abs=1e-6) for i in plain
    ]
    assert plain[1].value > 0.1


@given(
    value=st.floats(-1e6, 1e6, allow_nan=False).filter(lambda v: v != round(v)),
    runs=st.integers(2, 3000),
    outputs=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_outputs_without_spread_leave_the_indices_undefined_as_zero(
    value: float, runs: int, outputs: int, seed: int
) -> None:
    # The mean of a constant that is not a whole number is off in its last bits; the
    # variance left by that residue once divided the estimators into values around 1e30.
    rng = np.random.default_rng(seed)
    y_a = np.full((runs, outputs), value)
    y_b = np.full((runs, outputs), value)
    y_ab = y_a + rng.normal(0.0, 1.0, size=y_a.shape)
    assert sobol_indices(y_a, y_b, y_ab) == (0.0, 0.0)
    s, total = sobol_with_intervals(y_a, y_b, y_ab, boot=20, seed=seed)
    assert (s.value, s.low, s.high, total.value, total.low, total.high) == (0.0,) * 6


def _exact_draws(
    y_a: np.ndarray, y_b: np.ndarray, y_ab: np.ndarray, boot: int, seed: int
) -> np.ndarray:
    """The indices of every resample in rational arithmetic, each rounded once at the end."""
    idx = np.random.default_rng(seed).integers(0, y_a.shape[0], size=(boot, y_a.shape[0]))
    draws = np.empty((boot, 2))
    for b, rows in enumerate(idx):
        a, bb, ab = ([[Fraction(int(v)) for v in y[r]] for r in rows] for y in (y_a, y_b, y_ab))
        n, var, first, total = len(rows), Fraction(0), Fraction(0), Fraction(0)
        for j in range(y_a.shape[1]):
            both = [row[j] for row in a] + [row[j] for row in bb]
            centre = sum(both) / (2 * n)
            var += sum((v - centre) ** 2 for v in both) / (2 * n - 1)
            first += sum((bb[r][j] - centre) * (ab[r][j] - a[r][j]) for r in range(n)) / n
            total += sum((a[r][j] - ab[r][j]) ** 2 for r in range(n)) / n / 2
        draws[b] = (float(first / var), float(total / var)) if var else (0.0, 0.0)
    return draws


@settings(max_examples=30, deadline=None)
@given(
    runs=st.integers(2, 12),
    outputs=st.integers(1, 4),
    levels=st.integers(1, 6),
    share=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_resampled_indices_of_ranks_are_exact(
    runs: int, outputs: int, levels: int, share: float, seed: int
) -> None:
    # Whole-number outputs (ranks) are resampled in exact arithmetic: every bound is the
    # quantile of draws that are the true ratios rounded once.
    rng = np.random.default_rng(seed)
    y_a = rng.integers(1, levels + 1, (runs, outputs)).astype(float)
    y_b = rng.integers(1, levels + 1, (runs, outputs)).astype(float)
    y_ab = np.where(rng.random((runs, outputs)) < share, y_b, y_a)
    s, total = sobol_with_intervals(y_a, y_b, y_ab, boot=25, seed=seed)
    draws = _exact_draws(y_a, y_b, y_ab, 25, seed)
    alpha = (1.0 - 0.95) / 2.0
    (lo_s, lo_t), (hi_s, hi_t) = np.quantile(draws, [alpha, 1.0 - alpha], axis=0)
    assert [s.low, s.high, total.low, total.high] == [
        min(lo_s, s.value),
        max(hi_s, s.value),
        min(lo_t, total.value),
        max(hi_t, total.value),
    ]


@pytest.mark.parametrize("rows", [1, 7, 4096])
def test_resampled_indices_of_ranks_do_not_depend_on_blas_threads_or_blocks(
    rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(8)
    y_a = rng.integers(1, 40, (3000, 40)).astype(float)
    y_b = rng.integers(1, 40, (3000, 40)).astype(float)
    y_ab = np.where(rng.random(y_a.shape) < 0.3, y_b, y_a)
    with threadpool_limits(limits=2, user_api="blas"):
        reference = sobol_with_intervals(y_a, y_b, y_ab, boot=40, seed=3)
    monkeypatch.setattr(sensitivity_module, "_ROWS", rows)
    monkeypatch.setattr(sensitivity_module, "one_blas_thread", contextlib.nullcontext)
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            assert sobol_with_intervals(y_a, y_b, y_ab, boot=40, seed=3) == reference


@settings(max_examples=30, deadline=None)
@given(
    runs=st.integers(2, 60),
    outputs=st.integers(1, 70),
    share=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_indices_are_their_formulas_over_every_output(
    runs: int, outputs: int, share: float, seed: int
) -> None:
    # Several outputs combine weighted by their variance: each counts once, in its place.
    rng = np.random.default_rng(seed)
    y_a = rng.integers(1, 50, (runs, outputs)).astype(np.int32)
    y_b = rng.integers(1, 50, (runs, outputs)).astype(np.int32)
    y_ab = np.where(rng.random((runs, outputs)) < share, y_b, y_a)
    a, b, ab = (y.astype(float) for y in (y_a, y_b, y_ab))
    both = np.concatenate([a, b])
    v = both.var(axis=0, ddof=1).sum()
    if v == 0:
        want = (0.0, 0.0)
    else:
        centre = both.mean(axis=0)
        first = sum(np.mean((b[:, j] - centre[j]) * (ab[:, j] - a[:, j])) for j in range(outputs))
        total = sum(np.mean((a[:, j] - ab[:, j]) ** 2) / 2 for j in range(outputs))
        want = (first / v, total / v)
    assert sobol_indices(y_a, y_b, y_ab) == pytest.approx(want, rel=1e-12, abs=1e-12)


@settings(max_examples=20, deadline=None)
@given(
    runs=st.integers(2, 50),
    outputs=st.integers(1, 3),
    share=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_ranks_as_int32_give_the_indices_of_the_same_ranks_as_floats(
    runs: int, outputs: int, share: float, seed: int
) -> None:
    # Ranks among 200,000 missions: differences beyond 46,340, whose square int32 cannot hold.
    rng = np.random.default_rng(seed)
    y_a = rng.integers(1, 200_001, (runs, outputs)).astype(np.int32)
    y_b = rng.integers(1, 200_001, (runs, outputs)).astype(np.int32)
    y_ab = np.where(rng.random((runs, outputs)) < share, y_b, y_a)
    as_float = [y.astype(np.float64) for y in (y_a, y_b, y_ab)]
    assert sobol_indices(y_a, y_b, y_ab) == pytest.approx(sobol_indices(*as_float), rel=1e-12)


def test_the_indices_intervals_and_their_note_take_the_one_confidence_level(
    example_run: ovm.Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    wide = example_run.sensitivity
    assert wide is not None
    assert "with 95% bootstrap intervals" in wide.notes[0]
    monkeypatch.setattr(sensitivity_module, "INDEX_CONFIDENCE", 0.5)
    settings = ovm.Settings(bootstrap=50, sensitivity=ovm.SensitivitySettings(runs=300))
    narrow = ovm.analyse(EXAMPLES, settings).sensitivity
    assert narrow is not None
    assert "with 50% bootstrap intervals" in narrow.notes[0]
    assert narrow.first_order == wide.first_order
    inside = [
        (c, kind)
        for kind in ("first_order_ci", "total_effect_ci")
        for c, i in getattr(narrow, kind).items()
        if not getattr(wide, kind)[c].low <= i.low <= i.high <= getattr(wide, kind)[c].high
    ]
    assert inside == []
    assert narrow.total_effect_ci != wide.total_effect_ci


@settings(max_examples=60, deadline=None)
@given(
    runs=st.integers(1, 1300),
    outputs=st.integers(1, 9),
    whole=st.booleans(),
    order=st.sampled_from(["C", "F"]),
    rows=st.sampled_from([1, 7, 512]),
    seed=st.integers(0, 2**32 - 1),
)
def test_indices_are_numpys_means_and_variances_to_the_bit(
    runs: int, outputs: int, whole: bool, order: str, rows: int, seed: int
) -> None:
    # The base sample's means and variances are summed a block of rows at a time; the indices
    # must be those of np.var and np.mean over the whole sample to the last bit, in blocks of
    # any size, for ranks and for floats, laid out either way.
    rng = np.random.default_rng(seed)
    if whole:
        y_a, y_b = (rng.integers(1, 60, (runs, outputs)).astype(np.int32) for _ in "ab")
    else:
        y_a, y_b = (rng.normal(50.0, 20.0, (runs, outputs)) for _ in "ab")
    y_ab = np.where(rng.random((runs, outputs)) < 0.4, y_b, y_a)
    y_a, y_b, y_ab = (np.asarray(y, order=order) for y in (y_a, y_b, y_ab))
    both = np.concatenate([y_a, y_b])
    v = float(np.var(both, axis=0, ddof=1).sum())
    d = np.subtract(y_ab, y_a, dtype=np.float64)
    want = (
        (
            float(np.mean((y_b - both.mean(axis=0)) * d, axis=0).sum()) / v,
            float((np.mean(d * d, axis=0) / 2.0).sum()) / v,
        )
        if v > 0
        else (0.0, 0.0)
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sensitivity_module, "_ROWS", rows)
        assert sobol_indices(y_a, y_b, y_ab) == want


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_resampled_indices_of_widely_spread_whole_numbers_are_exact(seed: int) -> None:
    # Whole numbers in the millions: their products no longer sum exactly over every output
    # at once, so the outputs are summed a few at a time; the draws stay the exact ratios.
    rng = np.random.default_rng(seed)
    y_a, y_b = (rng.integers(0, 2**23, (40, 6)).astype(float) for _ in "ab")
    y_ab = np.where(rng.random(y_a.shape) < 0.5, y_b, y_a)
    s, total = sobol_with_intervals(y_a, y_b, y_ab, boot=12, seed=seed)
    draws = _exact_draws(y_a, y_b, y_ab, 12, seed)
    (lo_s, lo_t), (hi_s, hi_t) = np.quantile(draws, [0.025, 0.975], axis=0)
    assert [s.low, s.high, total.low, total.high] == [
        min(lo_s, s.value),
        max(hi_s, s.value),
        min(lo_t, total.value),
        max(hi_t, total.value),
    ]
