"""Intervals that resample polling places and give shares their own uncertainty."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ovm
from ovm.scoring.engine import percentile_ends
from ovm.scoring.sitestats import (
    _QUARTER_SINE,
    _beta_half,
    _prior_uniforms,
    place_clusters,
    posterior_shares,
    prior_draws,
)

Make = Callable[..., Path]

RUBRIC = """\
ovm_rubric: 1
id: clusters
version: "1"
title: {en: Clusters, es: Conglomerados}
families:
  - id: f0
    labels: {en: F0, es: F0}
    children:
"""
for _q in range(4):
    RUBRIC += f"""\
      - id: q{_q}
        kind: checklist
        source: checklist
        labels: {{en: Q{_q}, es: P{_q}}}
        question: {{en: Q{_q}, es: P{_q}}}
"""
    if _q == 1:
        RUBRIC += "  - id: f1\n    labels: {en: F1, es: F1}\n    children:\n"
MISSIONS = """\
missions:
  - {id: m, country: ARG, name: M, election: {type: general, date: 2024-01-01}}
"""


def scores(
    tmp_path: Path,
    make: Make,
    rows: list[tuple[str | None, list[str]]],
    bootstrap: int = 400,
    rubric: str = RUBRIC,
) -> ovm.ScoreSet:
    """Score mission m on visits given as (site id or None, answers to q0..q3)."""
    lines = ["mission,site,q0,q1,q2,q3"]
    lines += [f"m,{'' if site is None else site},{','.join(a)}" for site, a in rows]
    root = make(tmp_path, rubric=rubric, missions=MISSIONS, checklists="\n".join(lines) + "\n")
    ws = ovm.load_workspace(root)
    return ovm.score(ws.rubric, ws.observations, seed=3, bootstrap=bootstrap)


def width(interval: tuple[float, float] | None) -> float:
    assert interval is not None
    return interval[1] - interval[0]


def test_visits_to_one_place_widen_the_interval_as_one_observation(
    tmp_path: Path, make_workspace: Make
) -> None:
    # 10 places visited 4 times each, every visit to a place answering alike: 10 observations,
    # not 40. The same answers at 40 different places are 40 observations.
    answers = [["yes" if p % 2 else "no"] * 4 for p in range(10)]
    clustered = [(f"s{p}", a) for p in range(10) for a in [answers[p]] * 4]
    spread = [(f"s{p}-{v}", a) for p in range(10) for v, a in enumerate([answers[p]] * 4)]
    together = scores(tmp_path / "a", make_workspace, clustered).scorecard("m")
    apart = scores(tmp_path / "b", make_workspace, spread).scorecard("m")
    assert together.node("q0").score == apart.node("q0").score == 50.0
    for node in ("q0", "f0", "overall"):
        # sqrt(4) = 2 times wider in theory; a visit bootstrap gives the same width to both.
        assert width(together.node(node).interval) > 1.6 * width(apart.node(node).interval), node


def test_visits_without_a_site_id_are_places_of_their_own(
    tmp_path: Path, make_workspace: Make
) -> None:
    answers = [["yes" if p % 2 else "no"] * 4 for p in range(10)]
    unnamed = [(None, a) for p in range(10) for a in [answers[p]] * 4]
    clustered = [(f"s{p}", a) for p in range(10) for a in [answers[p]] * 4]
    alone = scores(tmp_path / "a", make_workspace, unnamed).scorecard("m")
    together = scores(tmp_path / "b", make_workspace, clustered).scorecard("m")
    assert width(together.node("q0").interval) > 1.6 * width(alone.node("q0").interval)
    assert not [f for f in alone.findings if f.code == "too-few-places-for-interval"]


def test_unanimous_answers_still_leave_the_family_uncertain(
    tmp_path: Path, make_workspace: Make
) -> None:
    # 8 places, every answer yes: the share of each question could well be 85 %. Resampling
    # alone gives 100 in every replicate and a family interval of width 0.
    rows = [(f"s{p}", ["yes"] * 4) for p in range(8)]
    card = scores(tmp_path, make_workspace, rows).scorecard("m")
    for node in ("q0", "f0", "f1", "overall"):
        ns = card.node(node)
        assert ns.score == 100.0
        lo, hi = ns.interval or (100.0, 100.0)
        assert hi == 100.0 and lo < 97.0, node
    # Wilson's lower end for 8 of 8 is 67.6 %: the indicator's is of that order.
    q0 = card.node("q0").interval
    assert q0 is not None and 60.0 < q0[0] < 90.0


def test_a_question_answered_at_four_places_gives_no_interval_above_it(
    tmp_path: Path, make_workspace: Make
) -> None:
    # Scored from 3 places (min_answers), an interval needs 5.
    fewer = RUBRIC.replace("        question:", "        min_answers: 3\n        question:")
    rows = [(f"s{p % 4}", ["yes", "no", "yes", "yes"]) for p in range(8)]
    card = scores(tmp_path, make_workspace, rows, rubric=fewer).scorecard("m")
    assert [(n.node, n.interval) for n in (card.overall, *card.nodes)] == [
        (n, None) for n in ("overall", "f0", "q0", "q1", "f1", "q2", "q3")
    ]
    thin = sorted(
        (f.node, f.params["n"]) for f in card.findings if f.code == "too-few-places-for-interval"
    )
    assert thin == [("q0", "4"), ("q1", "4"), ("q2", "4"), ("q3", "4")]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.booleans()), min_size=1, max_size=30))
def test_places_group_each_place_s_visits_and_leave_unnamed_visits_alone(
    visits: list[tuple[int, bool]],
) -> None:
    keys = np.array([k for k, _ in visits], dtype=np.uint64)
    named = np.array([n for _, n in visits], dtype=bool)
    order, starts = place_clusters(keys, named)
    groups = np.split(order, starts[1:])
    # Each group is one named place, or one visit without a site id.
    for g in groups:
        assert len({int(keys[i]) for i in g}) == 1
        assert all(named[g]) or len(g) == 1
    expected = len(set(keys[named].tolist())) + int((~named).sum())
    assert len(groups) == expected


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(1, 3000), min_size=1, max_size=12),
    st.integers(1, 3000),
    st.sampled_from([0, 1, 12, 40]),
    st.floats(0.0, 0.2),
    st.integers(0, 2**32 - 1),
)
def test_a_cohort_s_places_are_each_mission_s_places_in_the_two_key_sort_s_order(
    sizes: list[int], places: int, low_bits: int, unnamed: float, seed: int
) -> None:
    # The packed sort, and the sort a mission at a time that very large missions take.
    from ovm.scoring import sitestats

    for resorted in (sitestats._RESORTED, -1.0):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sitestats, "_RESORTED", resorted)
            _check_cohort_clusters(sizes, places, low_bits, unnamed, seed)


def _check_cohort_clusters(
    sizes: list[int], places: int, low_bits: int, unnamed: float, seed: int
) -> None:
    # The cohort is clustered with one sort of words that keep the keys' high bits; each
    # mission must get what lexsort gives it alone, including keys that differ only in the
    # low bits the words leave out (``low_bits`` of them random) and places whose key
    # recurs in the next mission.
    from ovm.scoring.sitestats import SiteOrder, cohort_clusters

    rng = np.random.default_rng(seed)
    high = rng.integers(0, 2**64, places, dtype=np.uint64, endpoint=False)
    if low_bits:
        high[1::2] = high[::2][: high[1::2].size]
        high ^= rng.integers(0, 2**low_bits, places, dtype=np.uint64)
    n = sum(sizes)
    keys = high[rng.integers(0, places, n)]
    named = rng.random(n) >= unnamed
    bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    perm = rng.permutation(n).astype(np.int64)
    order = SiteOrder([f"m{i}" for i in range(len(sizes))], perm, bounds, keys[perm])
    got = cohort_clusters(keys, named, order)
    assert len(got) == len(sizes)
    for m, (rows, starts) in enumerate(got):
        mine = perm[bounds[m] : bounds[m + 1]]
        within = np.lexsort((keys[mine], ~named[mine]))
        k, nm = keys[mine][within], named[mine][within]
        new = np.concatenate([[True], (k[1:] != k[:-1]) | ~nm[1:] | ~nm[:-1]])
        assert rows.tolist() == mine[within].tolist()
        assert starts.tolist() == np.flatnonzero(new).tolist()


@settings(max_examples=30, deadline=None)
@given(
    st.integers(1, 5000),
    st.integers(1, 300),
    st.sampled_from([0, 8, 30, 60]),
    st.integers(0, 2**32 - 1),
)
def test_visits_are_ordered_by_mission_then_content_hash(
    rows: int, missions: int, low_bits: int, seed: int
) -> None:
    # The packed sort, and the exact sort that cohorts with likely ties take.
    from ovm.scoring import sitestats

    for ties in (sitestats._TIES, -1.0):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sitestats, "_TIES", ties)
            _check_site_order(rows, missions, low_bits, seed)


def _check_site_order(rows: int, missions: int, low_bits: int, seed: int) -> None:
    # The one-word sort keeps only the hash's high bits: rows whose hashes differ only in the
    # low ``low_bits`` (and repeated rows, equal hashes) must still come in the exact order.
    from ovm.scoring.sitestats import site_order

    rng = np.random.default_rng(seed)
    pool = rng.integers(0, 2**64, max(1, rows // 2), dtype=np.uint64, endpoint=False)
    if low_bits:
        pool[1::2] = pool[::2][: pool[1::2].size] ^ rng.integers(
            0, 2**low_bits, pool[1::2].size, dtype=np.uint64
        )
    h = pool[rng.integers(0, pool.size, rows)]
    mission = [f"m{i:03d}" for i in rng.integers(0, missions, rows)]
    sites = pl.DataFrame({"mission": mission, "__h": pl.Series(h, dtype=pl.UInt64)})
    order = site_order(sites)
    ids = sorted(set(mission))
    rank = np.array([ids.index(m) for m in mission])
    expected = np.lexsort((h, rank))
    assert order.ids == ids
    assert order.hashes.tolist() == h[expected].tolist()
    assert rank[order.perm].tolist() == rank[expected].tolist()
    assert h[order.perm].tolist() == h[expected].tolist()
    assert sorted(order.perm.tolist()) == list(range(rows))
    assert order.bounds.tolist() == [0, *np.cumsum(np.bincount(rank)).tolist()]


def test_prior_draws_depend_on_the_mission_not_on_the_cohort() -> None:
    w1, s1 = prior_draws(5, 50, "abc-2020", 3)
    w2, s2 = prior_draws(5, 50, "abc-2020", 3)
    w3, _ = prior_draws(5, 50, "abd-2020", 3)
    assert np.array_equal(w1, w2) and np.array_equal(s1, s2)
    assert not np.array_equal(w1, w3)
    assert ((s1 >= 0) & (s1 <= 1)).all() and (w1 > 0).all()


def test_prior_shares_are_the_squared_sine_of_a_quarter_turn() -> None:
    # Beta(1/2, 1/2) draws are sin^2 of a uniform quarter turn; ovm's sine is a polynomial
    # (the same on every machine), as accurate as NumPy's to the last digits.
    replicates, k = 20_000, 50
    _, share = prior_draws(3, replicates, "abc-2020", k)
    weight, uniform = np.empty((replicates, 1)), np.empty((replicates, k))
    _prior_uniforms(3, "abc-2020", weight, uniform)
    exact = np.square(np.sin(uniform * (np.pi / 2)))
    assert np.abs(share - exact).max() < 1e-15
    low = exact < 0.5
    assert (np.abs(share - exact)[low] <= 1e-15 * exact[low]).all()
    assert ((share >= 0) & (share <= 1)).all()


def _quarter_sine_squared(u: float) -> float:
    # The polynomial in plain Python floats: every operation one IEEE 754 binary64 rounding,
    # in the order the engine's docs give (Horner in u**2, lowest coefficient last).
    y = u * u
    r = y * _QUARTER_SINE[-1]
    for c in _QUARTER_SINE[-2:0:-1]:
        r = (r + c) * y
    s = (r + _QUARTER_SINE[0]) * u
    return min(s * s, 1.0)


@settings(max_examples=300)
@given(st.lists(st.floats(0.0, 1.0, exclude_max=True), min_size=1, max_size=40))
def test_prior_shares_are_the_polynomial_rounded_step_by_step(uniforms: list[float]) -> None:
    # The same bits on every machine: NumPy's array arithmetic must round each step as plain
    # floats do (no fused multiply-add, no reordering), so the draws do not depend on the
    # processor or the C library.
    got = _beta_half(np.array(uniforms))
    assert [v.hex() for v in got.tolist()] == [_quarter_sine_squared(u).hex() for u in uniforms]


def test_prior_draws_are_pinned_to_their_bits() -> None:
    # The bootstrap's first draws for one mission, bit for bit: a change here changes the last
    # digits of every interval ovm writes, which the changelog must say (the Beta(1/2, 1/2)
    # polynomial, NumPy's PCG64 stream, or the way a mission's id seeds it).
    weight, share = prior_draws(3, 4, "abc-2020", 2)
    assert [v.hex() for v in weight.ravel().tolist()] == [
        "0x1.3f7cfca31eb1ep-6",
        "0x1.76ebe7d7ac866p+1",
        "0x1.4017614a4077cp-1",
        "0x1.0376a1701d0c4p+1",
    ]
    assert [v.hex() for v in share.ravel().tolist()] == [
        "0x1.c46f5a82c156bp-1",
        "0x1.d53f5a798b777p-1",
        "0x1.7037d04d2cd8fp-1",
        "0x1.c9a117b994f34p-2",
        "0x1.6e0fe1530fd0ap-1",
        "0x1.ffa26d2faf895p-1",
        "0x1.1608093e298b6p-5",
        "0x1.16e8c2bb731b6p-2",
    ]


def test_a_posterior_share_of_unanimous_answers_stays_below_one() -> None:
    weight, share = prior_draws(1, 400, "m", 1)
    answered = np.full((400, 1), 8.0)
    out = posterior_shares(answered, answered, weight, share)
    assert (out < 1.0).all() and (out > 0.0).all()
    # With no place drawn the replicate is the prior pseudo-visit alone.
    zero = posterior_shares(np.zeros((400, 1)), np.zeros((400, 1)), weight, share)
    assert np.allclose(zero, share)


def test_shuffled_rows_and_places_give_the_same_intervals(
    tmp_path: Path, make_workspace: Make
) -> None:
    rng = np.random.default_rng(1)
    rows = [
        (f"s{int(p)}", ["yes" if rng.random() < 0.8 else "no" for _ in range(4)])
        for p in rng.integers(0, 12, 40)
    ]
    first = scores(tmp_path / "a", make_workspace, rows)
    perm = rng.permutation(len(rows))
    second = scores(tmp_path / "b", make_workspace, [rows[i] for i in perm])
    assert first.scorecards == second.scorecards
    assert first.data_sha256 == second.data_sha256


def test_a_unanimous_share_is_as_uncertain_as_jeffreys_says_whatever_the_visits_per_place(
    tmp_path: Path, make_workspace: Make
) -> None:
    # 8 places visited 3 times each, every answer yes: 24 visits. The prior counts for one
    # visit (half a yes, half a no), so the lower end is Jeffreys' for 24 of 24,
    # Beta(24.5, 0.5).ppf(0.025) = 90.1 %, not that of a prior as heavy as a place of 3 visits.
    rows = [(f"s{p}", ["yes"] * 4) for p in range(8) for _ in range(3)]
    card = scores(tmp_path, make_workspace, rows, bootstrap=4000).scorecard("m")
    lo, hi = card.node("q0").interval or (0.0, 0.0)
    assert hi == 100.0
    assert 86.0 < lo < 92.0


def test_replicate_percentiles_take_the_rank_alpha_times_b_plus_one() -> None:
    # 199 replicates 1..199: the 2.5 % end is the 5th (0.025 x 200), the 97.5 % end the 195th.
    values = np.arange(1.0, 200.0)[None, :]
    lo, hi, count = percentile_ends(values, 0.025)
    assert (lo.tolist(), hi.tolist(), count.tolist()) == ([5.0], [195.0], [199])
    # NaN replicates are left out, and the ends stay inside the replicates.
    few = np.array([[3.0, np.nan, 1.0, 2.0]])
    lo, hi, count = percentile_ends(few, 0.025)
    assert (lo.tolist(), hi.tolist(), count.tolist()) == ([1.0], [3.0], [3])


def _cohort_files(rng: np.random.Generator, sizes: list[int]) -> tuple[str, str]:
    missions = ["missions:"]
    lines = ["mission,site,q0,q1,q2,q3"]
    for i, size in enumerate(sizes):
        missions.append(
            f"  - {{id: m{i:02d}, country: ARG, name: M{i}, "
            f"election: {{type: general, date: 2024-01-{1 + i:02d}}}}}"
        )
        places = max(1, size // int(rng.integers(1, 4)))
        for _ in range(size):
            site = "" if rng.random() < 0.1 else f"s{int(rng.integers(0, places))}"
            answers = rng.choice(["yes", "no", "na", ""], size=4, p=[0.6, 0.3, 0.05, 0.05])
            lines.append(f"m{i:02d},{site},{','.join(answers)}")
    return "\n".join(missions) + "\n", "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_mission_scored_in_a_cohort_scores_as_it_does_alone(
    tmp_path: Path, make_workspace: Make, seed: int
) -> None:
    # Missions of very different sizes share the weights' products in groups; a mission's
    # numbers must not depend on the others in its group.
    rng = np.random.default_rng(seed)
    sizes = [1, 2, 3, 5, 8, 40, 41, 60, 7, 90, 12, 6][: 6 + seed * 2]
    missions, checklists = _cohort_files(rng, sizes)
    root = make_workspace(tmp_path, rubric=RUBRIC, missions=missions, checklists=checklists)
    ws = ovm.load_workspace(root)
    cohort = ovm.score(ws.rubric, ws.observations, seed=3, bootstrap=60)
    assert any(n.interval is not None for c in cohort.scorecards for n in c.nodes)
    for card in cohort.scorecards:
        alone = ovm.analyse(root, ovm.Settings(seed=3, bootstrap=60, missions=(card.mission.id,)))
        assert alone.alone.scorecards == (card,)


def test_the_replicates_products_run_on_one_blas_thread(
    tmp_path: Path, make_workspace: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Split over threads, the many middle-sized products stall on a busy machine.
    from threadpoolctl import threadpool_info, threadpool_limits

    import ovm.scoring.sitestats as sitestats

    seen: list[int] = []
    original = sitestats.posterior_shares

    def probe(*args: np.ndarray) -> np.ndarray:
        seen.extend(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
        return original(*args)

    monkeypatch.setattr(sitestats, "posterior_shares", probe)
    rng = np.random.default_rng(5)
    rows = [(f"s{i % 12}", list(rng.choice(["yes", "no", "na"], size=4))) for i in range(90)]
    with threadpool_limits(limits=2, user_api="blas"):
        scored = scores(tmp_path, make_workspace, rows, bootstrap=50)
        assert {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"} == {2}
    assert seen and set(seen) == {1}
    assert any(n.interval is not None for n in scored.scorecards[0].nodes)


def test_scoring_keeps_numpys_arrays_on_ordinary_pages_and_restores_the_setting(
    tmp_path: Path, make_workspace: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Huge pages for the passes' short-lived large arrays cost seconds of compaction where
    # memory is fragmented; the caller's own setting is left as it was.
    import ovm.scoring.sitestats as sitestats

    setter = np._core.multiarray._set_madvise_hugepage  # type: ignore[attr-defined]

    def current() -> bool:
        now = setter(True)
        setter(now)
        return bool(now)

    seen: list[bool] = []
    original = sitestats.posterior_shares

    def probe(*args: np.ndarray) -> np.ndarray:
        seen.append(current())
        return original(*args)

    monkeypatch.setattr(sitestats, "posterior_shares", probe)
    rng = np.random.default_rng(5)
    rows = [(f"s{i % 12}", list(rng.choice(["yes", "no", "na"], size=4))) for i in range(90)]
    before = current()
    try:
        for asked in (True, False):
            setter(asked)
            scored = scores(tmp_path / str(asked), make_workspace, rows, bootstrap=50)
            assert current() is asked
            assert any(n.interval is not None for n in scored.scorecards[0].nodes)
    finally:
        setter(before)
    assert seen and set(seen) == {False}


@pytest.mark.parametrize("seed", [9, 2**40 + 2**20 + 3])
def test_each_replicate_share_is_the_prior_plus_the_resampled_places_whatever_the_mission_size(
    tmp_path: Path, make_workspace: Make, seed: int
) -> None:
    # Missions of a few visits, of tens and of hundreds (the products take their counts in
    # different forms by size): each replicate is its mission's places weighted by the
    # Poisson weights of its own places, plus the prior pseudo-visit, element for element.
    from ovm.indicators.checklist import PERCENT
    from ovm.scoring.sitestats import (
        place_keys,
        poisson_weights,
        site_order,
        summarise_sites,
        with_hashes,
    )

    rng = np.random.default_rng(11)
    sizes = [3, 2, 30, 45, 700, 520, 4700]
    missions = "missions:\n" + "".join(
        f"  - {{id: m{i}, country: ARG, name: M{i}, election: {{type: general, "
        f"date: 2024-01-{1 + i:02d}}}}}\n"
        for i in range(len(sizes))
    )
    lines = ["mission,site,q0,q1,q2,q3"]
    for i, size in enumerate(sizes):
        for v in range(size):
            site = "" if v % 10 == 0 else f"s{int(rng.integers(0, max(1, size // 2)))}"
            answers = rng.choice(["yes", "no", ""], size=4, p=[0.6, 0.38, 0.02])
            lines.append(f"m{i},{site},{','.join(answers)}")
    checklists = "\n".join(lines) + "\n"
    root = make_workspace(tmp_path, rubric=RUBRIC, missions=missions, checklists=checklists)
    ws = ovm.load_workspace(root)
    assert len(ws.observations.report.rejected) == 0
    sites = with_hashes(ws.observations.sites)
    summary = summarise_sites(ws.rubric, sites, seed=seed, bootstrap=40)
    order = site_order(sites)
    keys, named = place_keys(sites)
    questions = ["q0", "q1", "q2", "q3"]
    codes = sites.select(questions).fill_null(-9).to_numpy()
    for m, mission in enumerate(order.ids):
        rows = order.perm[order.bounds[m] : order.bounds[m + 1]]
        within, starts = place_clusters(keys[rows], named[rows])
        coded = codes[rows[within]]
        accepted = np.add.reduceat((coded == 1).astype(float), starts, axis=0)
        answered = np.add.reduceat((coded >= 0).astype(float), starts, axis=0)
        w = poisson_weights(seed, 40, starts.size).astype(float)
        weight, share = prior_draws(seed, 40, mission, len(questions))
        expected = 100.0 * posterior_shares(w @ accepted, w @ answered, weight, share)
        got = np.stack([summary.replicates[(q, PERCENT)][m] for q in questions], axis=1)
        assert got.tobytes() == expected.tobytes(), mission
        assert [int(summary.counted[q][0][m]) for q in questions] == answered.sum(0).tolist()
        assert [int(summary.counted[q][1][m]) for q in questions] == accepted.sum(0).tolist()


@pytest.mark.parametrize("left_out", ["m0", "m1", "m2"])
def test_a_part_of_a_hashed_table_is_ordered_as_if_hashed_alone(left_out: str) -> None:
    # The hashed table keeps each visit's mission rank among its missions; a part of it
    # (a mission left out, first, between or last) is ordered as the part hashed afresh.
    from ovm.scoring.sitestats import site_order, with_hashes

    rng = np.random.default_rng(3)
    n = 300
    sites = pl.DataFrame(
        {
            "mission": [f"m{i}" for i in rng.integers(0, 3, n)],
            "site": [f"s{i}" for i in rng.integers(0, 40, n)],
            "q": pl.Series(rng.integers(-1, 2, n), dtype=pl.Int8),
        }
    )
    part = with_hashes(sites).filter(pl.col("mission") != left_out)
    afresh = site_order(sites.filter(pl.col("mission") != left_out))
    got = site_order(part)
    assert got.ids == afresh.ids
    assert got.perm.tolist() == afresh.perm.tolist()
    assert got.bounds.tolist() == afresh.bounds.tolist()
    assert got.hashes.tolist() == afresh.hashes.tolist()
