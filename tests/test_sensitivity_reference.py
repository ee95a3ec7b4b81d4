"""The sensitivity analysis against a reference that reads as its docstring does: every
methodology of the design evaluated on its own, one after the other, ranked on its own, and
summarised with NumPy's median, quantiles and means and the public estimators.

The analysis itself batches runs that share their indicator values, evaluates a run of AB_i
that drew the same alternative as A only once, ranks each batch as it goes and summarises the
whole-number ranks by counting. None of that may change a single figure: the whole result is
compared, field by field, with ``==``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ovm.comparison.sensitivity as module
from ovm import Mission, Observations, Rubric, score
from ovm.comparison.cohort import compare
from ovm.comparison.ranking import competition_ranks
from ovm.comparison.sensitivity import (
    CHOICES,
    Sensitivity,
    sensitivity,
    sobol_with_intervals,
)
from ovm.data.observations import Datum, Election
from ovm.scoring.results import ScoreSet
from ovm.settings import SensitivitySettings


def _cohort(missions: int, indicators: int, seed: int) -> tuple[Rubric, ScoreSet]:
    """Two families (the second with a geometric sub-group), a cohort-ruled indicator in
    three, weights 1-3, 10 % of values missing."""
    rng = np.random.default_rng(seed)
    variables, kids = [], []
    for j in range(indicators):
        name = f"v{j}"
        variables.append(
            {"name": name, "labels": {"en": name}, "unit": "x", "source": "statistics"}
        )
        rule = (
            {"type": "cohort", "direction": "lower" if j % 2 else "higher"}
            if j % 3 == 2
            else {"type": "goalposts", "low": 0, "high": 100}
        )
        kids.append(
            {
                "id": f"i{j}",
                "kind": "quantitative",
                "labels": {"en": name},
                "source": "statistics",
                "formula": name,
                "rule": rule,
                "weight": float(1 + j % 3),
            }
        )
    half = max(1, len(kids) // 2)
    second = kids[half:] or [kids.pop()]
    families = [
        {"id": "f0", "labels": {"en": "f0"}, "children": kids[:half]},
        {
            "id": "f1",
            "labels": {"en": "f1"},
            "weight": 2.0,
            "children": [
                {
                    "id": "f1.g",
                    "labels": {"en": "g"},
                    "aggregation": "geometric",
                    "children": second,
                }
            ],
        },
    ]
    rubric = Rubric.model_validate(
        {
            "id": "ref",
            "version": "1",
            "title": {"en": "ref"},
            "languages": ["en"],
            "variables": variables,
            "families": families,
        }
    )
    # Few distinct values, so that ties and equal overalls occur.
    values = rng.integers(1, 6, size=(missions, indicators)) * 20.0
    values[rng.random(values.shape) < 0.1] = np.nan
    cohort = tuple(
        Mission(
            id=f"m{i:02d}",
            country="ARG",
            name=f"m{i}",
            election=Election(type="general", date=dt.date(2000, 1, 1) + dt.timedelta(days=i)),
            values={
                f"v{k}": Datum(status="missing")
                if np.isnan(values[i, k])
                else Datum(value=float(values[i, k]))
                for k in range(indicators)
            },
        )
        for i in range(missions)
    )
    return rubric, score(rubric, Observations(missions=cohort), bootstrap=0)


def _reference(
    scores: ScoreSet, rubric: Rubric, config: SensitivitySettings, seed: int
) -> tuple[list[_Interval], dict[str, tuple[object, object]]]:
    """Rank intervals and indices of the analysis, one methodology at a time: each run's
    overall scores by the analysis's own evaluation of that one methodology, everything after
    them (ranks, their quantiles, shifts and unscored shares) written out in plain Python."""
    comparison = compare(scores, rubric)
    model = module._build_model(scores, rubric, comparison)
    _, aggregations = module._aggregation_alternatives(model, config.aggregations)
    normalisations = list(dict.fromkeys(config.normalisations))
    varied = [c for c in CHOICES if c in config.choices]
    runs, k = config.runs, len(model.ind_ids)
    design, _ = np.random.SeedSequence(seed).spawn(2)
    rng = np.random.default_rng(design)
    u = {
        "weights": rng.uniform(-1.0, 1.0, size=(2 * runs, model.weights.size)),
        "aggregation": rng.integers(0, len(aggregations), size=2 * runs),
        "normalisation": rng.integers(0, len(normalisations), size=2 * runs),
        "drop_indicator": rng.integers(0, k + 1, size=2 * runs),
        "sampling": rng.integers(0, 1, size=2 * runs),
    }
    for name in CHOICES:
        if name not in varied:
            u[name][:] = 0

    def overall(rows: dict[str, int]) -> np.ndarray:
        w = model.weights * (1.0 + config.weight_range * u["weights"][rows["weights"]])
        # Whether a group has the data to be scored: at the rubric's own weights.
        cover = model.weights.copy()
        drop = int(u["drop_indicator"][rows["drop_indicator"]])
        if drop:
            w[drop - 1] = cover[drop - 1] = 0.0
        norm = normalisations[int(u["normalisation"][rows["normalisation"]])]
        methods = aggregations[int(u["aggregation"][rows["aggregation"]])]
        values = module._normalised(model, model.base, norm)
        return module._evaluate(model, values, w[None, :], methods, cover=cover[None, :])[:, 0]

    # A, B, then AB_i: A with choice i taken from B.
    designs = [dict.fromkeys(CHOICES, r) for r in range(runs)]
    designs += [dict.fromkeys(CHOICES, runs + r) for r in range(runs)]
    for name in varied:
        designs += [{**dict.fromkeys(CHOICES, r), name: runs + r} for r in range(runs)]
    scored = np.array([overall(rows) for rows in designs])

    nominal = {c.mission.id: c.overall for c in comparison.scores.scorecards}
    nominal_scores = {
        i: float(score)
        for i, mid in enumerate(model.mids)
        if nominal[mid].status == "scored" and (score := nominal[mid].score) is not None
    }
    ranked = sorted(nominal_scores)
    sign = model.direction
    ranks = np.array(
        [_plain_ranks([sign * float(row[i]) for i in ranked]) for row in scored], dtype=float
    )
    nominal_rank = _plain_ranks([sign * nominal_scores[i] for i in ranked])
    sample = ranks[: 2 * runs]
    by = {e.mission: e.rank for e in comparison.rankings["overall"]}
    intervals = []
    for i, mid in enumerate(model.mids):
        # Runs of A and B without an overall score for this mission.
        unscored = sum(math.isnan(float(row[i])) for row in scored[: 2 * runs]) / (2 * runs)
        if i not in ranked:
            intervals.append(_Interval(mid, by.get(mid), None, None, None, None, unscored))
            continue
        own = [int(r) for r in sample[:, ranked.index(i)]]
        target = nominal_rank[ranked.index(i)]
        intervals.append(
            _Interval(
                mid,
                by.get(mid),
                _percentile(own, 0.5),
                _outward(own, 0.05, math.floor),
                _outward(own, 0.95, math.ceil),
                sum(abs(r - target) for r in own) / len(own),
                unscored,
            )
        )
    # Listed by nominal rank (unranked last), then median rank and id.
    intervals.sort(key=lambda r: (r.nominal is None, r.nominal or 0, r.median or 0.0, r.mission))
    boot_seed = int(np.random.SeedSequence(seed).generate_state(1)[0])
    indices = {
        name: sobol_with_intervals(
            sample[:runs],
            sample[runs:],
            ranks[(2 + i) * runs : (3 + i) * runs],
            seed=boot_seed + i,
            boot=config.boot,
        )
        for i, name in enumerate(varied)
    }
    return intervals, indices


class _Interval(NamedTuple):
    """A reference rank interval: the fields of RankInterval, in its order."""

    mission: str
    nominal: int | None
    median: float | None
    low: float | None
    high: float | None
    mean_shift: float | None
    unscored: float


def _plain_ranks(scores: list[float]) -> list[int]:
    """Competition ranks: 1 + the missions strictly ahead to 9 decimals; a missing score
    (NaN) after every score."""
    keys = [-math.inf if math.isnan(s) else round(s, 9) for s in scores]
    return [1 + sum(other > key for other in keys) for key in keys]


def _percentile(values: list[int], q: float) -> float:
    """The ``q`` quantile of ``values``, interpolated linearly between the two sorted values
    around position ``q * (n - 1)`` (NumPy's default, written out)."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (position - below) * (ordered[above] - ordered[below])


def _outward(values: list[int], q: float, side: Callable[[float], int]) -> float:
    """The rank at position ``q * (n - 1)`` of the sorted ``values``, that position rounded
    down (``math.floor``, the interval's low end) or up (``math.ceil``, its high end)."""
    ordered = sorted(values)
    return float(ordered[side(q * (len(ordered) - 1))])


def _near(value: float | None) -> object:
    return None if value is None else pytest.approx(value, rel=0, abs=1e-9)


def _same_as_reference(
    result: Sensitivity, scores: ScoreSet, rubric: Rubric, config: SensitivitySettings, seed: int
) -> None:
    intervals, indices = _reference(scores, rubric, config, seed)
    # Interpolated quantiles may differ from the plain formula's in their last bit.
    assert [_Interval(**r.model_dump()) for r in result.ranks] == [
        r._replace(low=_near(r.low), high=_near(r.high)) for r in intervals
    ]
    assert {c: (result.first_order_ci[c], result.total_effect_ci[c]) for c in result.choices} == (
        indices
    )
    assert result.first_order == {c: s.value for c, (s, _) in indices.items()}  # type: ignore[attr-defined]
    assert result.total_effect == {c: t.value for c, (_, t) in indices.items()}  # type: ignore[attr-defined]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    missions=st.integers(2, 9),
    indicators=st.integers(2, 8),
    cohort_seed=st.integers(0, 2**16),
    runs=st.integers(2, 40),
    choices=st.sets(st.sampled_from(CHOICES), min_size=1).map(
        lambda s: tuple(c for c in CHOICES if c in s)
    ),
    aggregations=st.lists(
        st.sampled_from(
            ["rubric", "arithmetic", "geometric", "harmonic", "minimum", "generalised:2"]
        ),
        min_size=1,
        max_size=3,
        unique=True,
    ),
    normalisations=st.lists(
        st.sampled_from(["none", "minmax", "zscore", "rank", "percentile"]),
        min_size=1,
        max_size=3,
        unique=True,
    ),
    weight_range=st.sampled_from([0.0, 0.25, 0.9]),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_figure_is_that_of_evaluating_each_methodology_on_its_own(
    missions: int,
    indicators: int,
    cohort_seed: int,
    runs: int,
    choices: tuple[str, ...],
    aggregations: list[str],
    normalisations: list[str],
    weight_range: float,
    seed: int,
) -> None:
    rubric, scores = _cohort(missions, indicators, cohort_seed)
    config = SensitivitySettings(
        runs=runs,
        choices=choices,
        aggregations=tuple(aggregations),
        normalisations=tuple(normalisations),
        weight_range=weight_range,
        boot=20,
    )
    result = sensitivity(scores, rubric, config, seed=seed)
    _same_as_reference(result, scores, rubric, config, seed)


@pytest.mark.parametrize("chunk", [1, 7, 512])
def test_a_larger_cohort_gives_the_reference_figures_whatever_the_batch_size(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rubric, scores = _cohort(23, 9, 5)
    config = SensitivitySettings(runs=150, boot=50)
    monkeypatch.setattr(module, "_CHUNK", chunk)
    result = sensitivity(scores, rubric, config, seed=11)
    _same_as_reference(result, scores, rubric, config, 11)


@given(
    scores=st.lists(
        st.lists(
            st.sampled_from([0.0, 1.0, 2.5, 2.5 + 4e-10, 2.5 + 6e-10, -3.0, np.nan, -np.inf]),
            min_size=1,
            max_size=9,
        ),
        min_size=1,
        max_size=5,
    ).filter(lambda rows: len({len(r) for r in rows}) == 1)
)
def test_competition_ranks_are_one_plus_the_missions_strictly_ahead(
    scores: list[list[float]],
) -> None:
    # Per run: 1 + the number of scores ahead to 9 decimals; without a score, after them all.
    runs = np.array(scores)
    keys = np.where(np.isnan(runs), -np.inf, np.round(runs, 9))
    expected = [[1 + sum(o > k for o in row) for k in row] for row in keys.tolist()]
    assert competition_ranks(runs).tolist() == expected
    assert competition_ranks(runs[0]).tolist() == expected[0]


@settings(max_examples=200, deadline=None)
@given(
    scores=st.lists(
        st.lists(
            st.sampled_from(
                [0.0, -0.0, 1.0, 2.5, 2.5 + 4e-10, 2.5 + 6e-10, -3.0, 99.999999999, 1e6, np.nan]
            ),
            min_size=1,
            max_size=12,
        ),
        min_size=1,
        max_size=6,
    ).filter(lambda rows: len({len(r) for r in rows}) == 1),
    sign=st.sampled_from([1.0, -1.0]),
    shuffle=st.randoms(use_true_random=False),
)
def test_the_runs_ranks_are_one_plus_the_missions_strictly_ahead(
    scores: list[list[float]], sign: float, shuffle: object
) -> None:
    # Ties to 9 decimals, missions without an overall score (they share the place after the
    # last scored one), either direction, and any order of the missions.
    runs = np.array(scores)
    expected = [_plain_ranks([sign * s for s in row]) for row in runs.tolist()]
    assert module._run_ranks(runs.T.copy(), sign).tolist() == expected
    order = list(range(runs.shape[1]))
    shuffle.shuffle(order)  # type: ignore[attr-defined]
    moved = module._run_ranks(runs[:, order].T.copy(), sign)
    assert moved.tolist() == [[row[j] for j in order] for row in expected]


@settings(max_examples=100, deadline=None)
@given(
    scores=st.lists(
        st.lists(
            st.sampled_from([0.0, 1.0, 2.5, 2.5 + 4e-10, -3.0, 3e6, -3e6, np.inf, np.nan]),
            min_size=3,
        ),
        min_size=1,
        max_size=6,
    ).filter(lambda rows: len({len(r) for r in rows}) == 1),
    sign=st.sampled_from([1.0, -1.0]),
    extra=st.integers(0, 4),
    dtype=st.sampled_from([np.int16, np.int32]),
    seed=st.integers(0, 2**16),
)
def test_the_runs_ranks_go_to_their_rows_and_no_others(
    scores: list[list[float]], sign: float, extra: int, dtype: type, seed: int
) -> None:
    # Written straight into the given rows of a larger array of ranks, in any order of the
    # rows, whatever the ranks' width, scores too large to pack included; every other row is
    # left as it was.
    runs = np.array(scores)
    expected = [_plain_ranks([sign * s for s in row]) for row in runs.tolist()]
    total = runs.shape[0] + extra
    rows = np.random.default_rng(seed).permutation(total)[: runs.shape[0]]
    out = np.full((total, runs.shape[1]), -7, dtype=dtype)
    module._rank_into(runs.T.copy(), sign, out, rows)
    assert out[rows].tolist() == expected
    others = np.setdiff1d(np.arange(total), rows)
    assert (out[others] == -7).all()


@pytest.mark.parametrize("big", [3e6, np.inf, -np.inf])
def test_the_runs_ranks_of_scores_too_large_to_pack_are_the_plain_ones(big: float) -> None:
    runs = np.array([[1.0, big, np.nan, 1.0], [big, 2.0, 2.0, np.nan]])
    for sign in (1.0, -1.0):
        expected = [_plain_ranks([sign * s for s in row]) for row in runs.tolist()]
        assert module._run_ranks(runs.T.copy(), sign).tolist() == expected


@pytest.mark.parametrize("missions", [0, 2100])
def test_the_runs_ranks_of_no_missions_or_more_than_pack_are_the_plain_ones(
    missions: int,
) -> None:
    rng = np.random.default_rng(3)
    runs = np.round(rng.uniform(0, 10, size=(3, missions)), 1)
    runs[0, :7] = np.nan
    expected = [_plain_ranks(row) for row in runs.tolist()]
    assert module._run_ranks(runs.T.copy(), 1.0).tolist() == expected


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    missions=st.integers(2, 9),
    indicators=st.integers(3, 8),
    cohort_seed=st.integers(0, 2**16),
    method=st.sampled_from(
        ["none", "minmax", "zscore", "rank", "percentile", "distance_to_best", "distance_to_target"]
    ),
)
def test_normalising_some_indicators_gives_their_columns_of_normalising_all(
    missions: int, indicators: int, cohort_seed: int, method: str
) -> None:
    # A sampling draw normalises only the indicators it varies; each column is fitted on its
    # own, so they must come out exactly as they do among all the indicators: each alone,
    # every other one, and all in reverse order.
    rubric, scores = _cohort(missions, indicators, cohort_seed)
    model = module._build_model(scores, rubric, compare(scores, rubric))
    k = len(model.ind_ids)
    whole = module._normalised(model, model.base, method)
    for some in [*([j] for j in range(k)), list(range(1, k, 2)), list(range(k))[::-1]]:
        part = module._normalised(model, model.base[:, some], method, some)
        np.testing.assert_array_equal(part, whole[:, some])


def _goalposts(j: int) -> dict[str, object]:
    """Indicator ``i{j}``: variable ``v{j}`` on goalposts 0-100."""
    return {
        "id": f"i{j}",
        "kind": "quantitative",
        "labels": {"en": f"v{j}"},
        "source": "statistics",
        "formula": f"v{j}",
        "rule": {"type": "goalposts", "low": 0, "high": 100},
    }


def _small_cohort(
    families: list[dict[str, object]], rows: list[list[float | str | None]]
) -> tuple[Rubric, ScoreSet]:
    """A rubric of ``families`` over variables ``v0``... and missions ``m0``... with the values
    of ``rows`` (None missing, "n/a" not applicable), scored without bootstrap."""
    width = len(rows[0])
    rubric = Rubric.model_validate(
        {
            "id": "t",
            "version": "1",
            "title": {"en": "t"},
            "languages": ["en"],
            "variables": [
                {"name": f"v{j}", "labels": {"en": f"v{j}"}, "unit": "x", "source": "statistics"}
                for j in range(width)
            ],
            "families": families,
        }
    )

    def datum(v: float | str | None) -> Datum:
        if v is None:
            return Datum(status="missing")
        if v == "n/a":
            return Datum(status="not_applicable")
        return Datum(value=float(v))

    cohort = tuple(
        Mission(
            id=f"m{i}",
            country="ARG",
            name=f"m{i}",
            election=Election(type="general", date=dt.date(2000, 1, 1) + dt.timedelta(days=i)),
            values={f"v{j}": datum(v) for j, v in enumerate(row)},
        )
        for i, row in enumerate(rows)
    )
    return rubric, score(rubric, Observations(missions=cohort), bootstrap=0)


def test_a_family_that_does_not_apply_to_a_mission_leaves_its_weight_out_of_every_run() -> None:
    # m0's second family does not apply: its overall is the first family's alone, in the
    # nominal ranking and in every run (with nominal choices, every run ranks as compare()).
    rubric, scores = _small_cohort(
        [
            {"id": "f0", "labels": {"en": "f0"}, "children": [_goalposts(0), _goalposts(1)]},
            {
                "id": "f1",
                "labels": {"en": "f1"},
                "weight": 2.0,
                "children": [_goalposts(2), _goalposts(3)],
            },
        ],
        [
            [90, 80, "n/a", "n/a"],
            [70, 60, 20, 30],
            [40, 50, 60, 70],
            [10, 20, 90, 95],
            [55, 5, 5, 5],
        ],
    )
    config = SensitivitySettings(runs=8, choices=("weights",), weight_range=0.0, boot=10)
    result = sensitivity(scores, rubric, config, seed=3)
    nominal = {e.mission: e.rank for e in compare(scores, rubric).rankings["overall"]}
    assert nominal["m0"] == 1
    assert {r.mission: (r.median, r.low, r.high, r.unscored) for r in result.ranks} == {
        m: (float(rank), float(rank), float(rank), 0.0) for m, rank in nominal.items()
    }


def test_a_sum_missing_one_applicable_child_is_unscored_in_every_run() -> None:
    # A sum is scored only when every applicable child is (the engine's rule): m0's sum lacks
    # v1; counted as a partial sum, m0 would lead, unscored it trails, in every run as in
    # compare().
    rubric, scores = _small_cohort(
        [
            {
                "id": "f0",
                "labels": {"en": "f0"},
                "aggregation": "sum",
                "scale": {"min": 0, "max": 200},
                "children": [_goalposts(0), _goalposts(1)],
            },
            {"id": "f1", "labels": {"en": "f1"}, "children": [_goalposts(2)]},
        ],
        [[100, None, 0], [10, 10, 10], [5, 5, 5], [0, 0, 2]],
    )
    m0 = next(c for c in scores.scorecards if c.mission.id == "m0")
    assert m0.node("f0").status != "scored"
    comparison = compare(scores, rubric)
    nominal = {e.mission: e.rank for e in comparison.rankings["overall"]}
    config = SensitivitySettings(runs=8, choices=("weights",), weight_range=0.0, boot=10)
    result = sensitivity(scores, rubric, config, comparison=comparison, seed=3)
    assert {r.mission: (r.nominal, r.median, r.low, r.high, r.unscored) for r in result.ranks} == {
        m: (
            rank,
            None if rank is None else float(rank),
            None if rank is None else float(rank),
            None if rank is None else float(rank),
            1.0 if rank is None else 0.0,
        )
        for m, rank in {**dict.fromkeys(f"m{i}" for i in range(4)), **nominal}.items()
    }


@settings(max_examples=300, deadline=None)
@given(
    runs=st.integers(1, 700),
    missions=st.integers(1, 12),
    top=st.integers(1, 40),
    seed=st.integers(0, 2**32 - 1),
    large=st.booleans(),
)
def test_rank_quantiles_and_shifts_are_numpys_to_the_bit(
    runs: int, missions: int, top: int, seed: int, large: bool
) -> None:
    # The rank summary counts the whole-number ranks; its median must be np.quantile's,
    # interpolation included, its 5 and 95 % ends the ranks around them rounded outward (the
    # lower and the higher order statistic), and its shift the mean absolute difference, to the
    # last bit (ranks beyond what a histogram is worth take np.quantile itself).
    rng = np.random.default_rng(seed)
    high = 10_000 if large else top
    sample = rng.integers(1, high + 1, size=(runs, missions)).astype(np.int32)
    nominal = rng.integers(1, high + 1, size=missions).astype(np.int32)
    median = np.quantile(sample.T, 0.5, axis=1)
    low = np.quantile(sample.T, 0.05, axis=1, method="lower").astype(float)
    hi = np.quantile(sample.T, 0.95, axis=1, method="higher").astype(float)
    shift = np.abs(sample - nominal).mean(axis=0)
    got = module._rank_summary(sample, nominal)
    assert [x.tobytes() for x in got] == [x.tobytes() for x in (median, low, hi, shift)]
    # Rounded outward: no more than 5 % of the runs rank a mission outside its interval, and
    # the ends are ranks it took.
    for j in range(missions):
        ranks = sample[:, j]
        assert np.mean(ranks < got[1][j]) <= 0.05 and np.mean(ranks > got[2][j]) <= 0.05
        assert got[1][j] in ranks and got[2][j] in ranks


@pytest.mark.parametrize(
    ("runs", "q", "a", "b"),
    [(2, 0.95, 1, 34), (3, 0.95, 8, 17), (8, 0.95, 20, 39), (14, 0.05, 1, 8), (19, 0.05, 1, 14)],
)
def test_rank_quantiles_interpolate_from_above_as_numpy_does(
    runs: int, q: float, a: int, b: int
) -> None:
    # Positions whose fraction is 0.5 or more are interpolated down from the value above; for
    # these ranks that differs in the last bit from interpolating up from the value below.
    below = math.floor(q * (runs - 1))
    sample = np.array([[a]] * (below + 1) + [[b]] * (runs - below - 1), dtype=np.int32)
    got = module._rank_summary(sample, np.array([a], dtype=np.int32))
    want = np.quantile(sample.T, [0.05, 0.5, 0.95], axis=1)
    assert got[0].tobytes() == want[1].tobytes()
    # The ends are whole ranks, outside the interpolated ones.
    assert (got[1][0], got[2][0]) == (float(a), float(b))
    assert got[1][0] <= want[0][0] and want[2][0] <= got[2][0]


def _near_share(den: float, halvings: int, step: int) -> float:
    """A total ``step`` floats away from ``den * 2^halvings``: where the share is nearest
    ``2^-halvings``."""
    total = den * 2.0**halvings
    for _ in range(abs(step)):
        total = float(np.nextafter(total, np.inf if step > 0 else -np.inf))
    return max(total, 0.0)


@settings(max_examples=300, deadline=None)
@given(
    halvings=st.integers(0, 60),
    dens=st.lists(
        st.one_of(
            st.just(0.0),
            st.just(5e-324),
            st.floats(0.0, 2.0**900),
            st.floats(1e-310, 1e-300),
            st.integers(0, 40).map(float),
        ),
        min_size=1,
        max_size=40,
    ),
    steps=st.lists(st.integers(-3, 3), min_size=40, max_size=40),
    wide=st.lists(st.floats(0.0, 2.0**950), min_size=40, max_size=40),
    how=st.lists(st.sampled_from(["near", "wide", "zero"]), min_size=40, max_size=40),
)
def test_coverage_of_a_power_of_two_is_the_quotient_s_to_the_bit(
    halvings: int,
    dens: list[float],
    steps: list[int],
    wide: list[float],
    how: list[str],
) -> None:
    # The scored weight's share of the applicable weight against a coverage of 2^-j, without
    # dividing: on shares at and next to 2^-j, far from it, and over a total of 0.
    tots = [
        _near_share(d, halvings, s) if h == "near" else (w if h == "wide" else 0.0)
        for d, s, w, h in zip(dens, steps, wide, how, strict=False)
    ]
    den, tot = np.array(dens), np.array(tots)
    out = np.empty(den.shape, dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        expected = np.divide(den, tot) >= 2.0**-halvings
    module._covered(den, tot, halvings, out, np.empty_like(den), np.empty(den.shape, bool))
    assert out.tolist() == expected.tolist()
    assert module._halvings(2.0**-halvings) == halvings


@pytest.mark.parametrize("coverage", [0.0, 0.3, 0.75, 2.0**-61, 1.5])
def test_only_a_power_of_two_coverage_is_tested_without_the_quotient(coverage: float) -> None:
    assert module._halvings(coverage) is None


@pytest.mark.parametrize("weight", [-1.5, 0.9 * 2.0**1023])
def test_weights_out_of_bounds_take_the_quotient(
    weight: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Negative weights, or weights whose sum overflows, leave the division-free coverage
    # test's conditions: those runs are scored as the quotient scores them.
    rubric, scores = _cohort(9, 6, 3)
    model = module._build_model(scores, rubric, compare(scores, rubric))
    values = module._normalised(model, model.base, "none")
    methods = [(g.method, g.power) for g in model.groups]
    w = np.tile(model.weights, (4, 1))
    family = next(g for g in model.groups if g.id == "f0")
    w[::2, family.indicators] = weight
    found = module._evaluate(model, values, w, methods)
    monkeypatch.setattr(module, "_halvings", lambda coverage: None)
    assert np.array_equal(found, module._evaluate(model, values, w, methods), equal_nan=True)


def test_a_formula_reading_an_indicators_value_ranks_by_the_value_in_every_run() -> None:
    # The headline reads value(i0): 150 and 120 both score 100 on goalposts 0-100, and the
    # runs must still rank them by the measured values they read, as compare() does.
    rubric = Rubric.model_validate(
        {
            "id": "t",
            "version": "1",
            "title": {"en": "t"},
            "languages": ["en"],
            "headline": "reading",
            "variables": [
                {"name": f"v{j}", "labels": {"en": f"v{j}"}, "unit": "x", "source": "statistics"}
                for j in range(2)
            ],
            "families": [
                {"id": "f0", "labels": {"en": "f0"}, "children": [_goalposts(0), _goalposts(1)]},
                {
                    "id": "reading",
                    "labels": {"en": "reading"},
                    "formula": "value(i0)",
                    "scale": {"min": 0, "max": 1000},
                },
            ],
        }
    )
    values = [(150.0, 10.0), (120.0, 90.0), (50.0, 40.0)]
    cohort = tuple(
        Mission(
            id=f"m{i}",
            country="ARG",
            name=f"m{i}",
            election=Election(type="general", date=dt.date(2000, 1, 1) + dt.timedelta(days=i)),
            values={f"v{j}": Datum(value=v) for j, v in enumerate(row)},
        )
        for i, row in enumerate(values)
    )
    scores = score(rubric, Observations(missions=cohort), bootstrap=0)
    nominal = {e.mission: e.rank for e in compare(scores, rubric).rankings["overall"]}
    assert nominal == {"m0": 1, "m1": 2, "m2": 3}
    result = sensitivity(scores, rubric, SensitivitySettings(runs=16, boot=10), seed=5)
    assert {r.mission: (r.low, r.high) for r in result.ranks} == {
        m: (float(rank), float(rank)) for m, rank in nominal.items()
    }


@pytest.mark.parametrize("chunk", [3, 128])
def test_a_mission_ranked_nominally_but_unscored_in_some_runs_is_counted_in_them(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every mission has a nominal overall, so every one is ranked; m0 has one of its family's
    # two indicators, which covers half its weight (enough): a run that leaves that indicator
    # out leaves m0 without an overall, and its share of such runs is counted all the same.
    rubric, scores = _small_cohort(
        [{"id": "f0", "labels": {"en": "f0"}, "children": [_goalposts(0), _goalposts(1)]}],
        [[90, None], [70, 60], [40, 50], [10, 20]],
    )
    comparison = compare(scores, rubric)
    assert all(e.rank is not None for e in comparison.rankings["overall"])
    config = SensitivitySettings(runs=40, choices=("weights", "drop_indicator"), boot=10)
    monkeypatch.setattr(module, "_CHUNK", chunk)
    result = sensitivity(scores, rubric, config, comparison=comparison, seed=7)
    _same_as_reference(result, scores, rubric, config, 7)
    shares = {r.mission: r.unscored for r in result.ranks}
    assert shares["m0"] > 0.0
    assert {m: s for m, s in shares.items() if m != "m0"} == {"m1": 0.0, "m2": 0.0, "m3": 0.0}


def test_a_geometric_mean_taking_a_child_away_hands_its_parent_its_logarithm_floored_at_0(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Under the geometric alternative, a sum that takes one child away becomes a mean of
    # logarithms with one subtracted, below 0 for m0 and m2; its geometric parent reads it as
    # log(max(exp(s), 1)), which is what each overall is when no logarithm is handed over.
    subtracted = {**_goalposts(1), "subtracts": True}
    rubric, scores = _small_cohort(
        [
            {
                "id": "f0",
                "labels": {"en": "f0"},
                "aggregation": "sum",
                "children": [_goalposts(0), subtracted],
            },
            {"id": "f1", "labels": {"en": "f1"}, "children": [_goalposts(2)]},
        ],
        [[20, 90, 50], [80, 10, 40], [30, 60, 70], [60, 40, 20]],
    )
    model = module._build_model(scores, rubric, compare(scores, rubric))
    _, (methods,) = module._aggregation_alternatives(model, ("geometric",))
    values = module._normalised(model, model.base, "none")
    w = model.weights * np.array([[1.0], [0.8], [1.2], [0.5]])
    logged = module._evaluate(model, values, w, methods)
    monkeypatch.setattr(module, "LOG_SAFE", -1.0)
    exponentiated = module._evaluate(model, values, w, methods)
    assert logged.shape == (4, 4) and np.isfinite(logged).all()
    assert logged.ravel().tolist() == pytest.approx(exponentiated.ravel().tolist(), rel=1e-12)
