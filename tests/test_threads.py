"""The engine splits its products into the same pieces whatever the number of threads
(``OVM_THREADS``): scores, intervals and replicates are the same on one thread or several, and
whatever the order missions and visits come in."""

from __future__ import annotations

import dataclasses
import os
import random
import subprocess
import sys
import threading
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ovm
from ovm.runtime import MAX_THREADS, THREADS_CEILING, worker_threads
from ovm.scoring import engine, sitestats
from ovm.scoring.engine import IndicatorReplicates, score_with_replicates

EXAMPLES = Path(__file__).parent.parent / "examples"
MINI = Path(__file__).parent / "data" / "mini"


@pytest.fixture(scope="module")
def workspace() -> ovm.Workspace:
    return ovm.load_workspace(EXAMPLES)


@pytest.fixture(scope="module")
def on_one_thread(workspace: ovm.Workspace) -> tuple[ovm.ScoreSet, IndicatorReplicates]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OVM_THREADS", "1")
        return score_with_replicates(workspace.rubric, workspace.observations)


def _same(
    got: tuple[ovm.ScoreSet, IndicatorReplicates], want: tuple[ovm.ScoreSet, IndicatorReplicates]
) -> None:
    """The same scorecards (as objects and as JSON) and the same replicates, to the bit."""
    assert got[0] == want[0]
    assert got[0].to_json() == want[0].to_json()
    assert (got[1].missions, got[1].indicators) == (want[1].missions, want[1].indicators)
    np.testing.assert_array_equal(got[1].values, want[1].values)


@pytest.mark.parametrize("threads", ["2", "3", "8"])
def test_several_threads_give_what_one_gives(
    workspace: ovm.Workspace,
    on_one_thread: tuple[ovm.ScoreSet, IndicatorReplicates],
    threads: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OVM_THREADS", threads)
    _same(score_with_replicates(workspace.rubric, workspace.observations), on_one_thread)


@pytest.mark.parametrize("threads", ["1", "2"])
def test_intervals_sorted_in_blocks_of_missions_are_those_of_one_block(
    workspace: ovm.Workspace,
    on_one_thread: tuple[ovm.ScoreSet, IndicatorReplicates],
    threads: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Percentile ends are sorted on worker threads a block of missions at a time while the
    # replicates go on up the tree: 19 missions in blocks of 3 give what one block gives.
    monkeypatch.setattr(engine, "_BLOCK_ROWS", 3)
    monkeypatch.setenv("OVM_THREADS", threads)
    scores, _ = score_with_replicates(workspace.rubric, workspace.observations)
    assert scores.to_json() == on_one_thread[0].to_json()


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1), threads=st.sampled_from(["1", "2", "3"]))
def test_any_order_of_missions_and_visits_on_any_threads_gives_the_same_scores(
    workspace: ovm.Workspace,
    on_one_thread: tuple[ovm.ScoreSet, IndicatorReplicates],
    seed: int,
    threads: str,
) -> None:
    shuffle = random.Random(seed)
    obs = workspace.observations
    missions = list(obs.missions)
    shuffle.shuffle(missions)
    rows = list(range(obs.sites.height))
    shuffle.shuffle(rows)
    sites = obs.sites[rows]
    shuffled = dataclasses.replace(obs, missions=tuple(missions), sites=sites)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OVM_THREADS", threads)
        scores = ovm.score(workspace.rubric, shuffled)
    assert scores.to_json() == on_one_thread[0].to_json()


def test_workspaces_of_one_product_each_on_several_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    ws = ovm.load_workspace(MINI)
    monkeypatch.setenv("OVM_THREADS", "1")
    one = ovm.score(ws.rubric, ws.observations)
    monkeypatch.setenv("OVM_THREADS", "2")
    assert ovm.score(ws.rubric, ws.observations) == one


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("1", 1),
        ("3", 3),
        (" 2 ", 2),
        ("007", 7),
        (str(THREADS_CEILING + 1), THREADS_CEILING),
        ("1000000", THREADS_CEILING),
        ("9" * 5000, THREADS_CEILING),
    ],
)
def test_the_thread_count_comes_from_ovm_threads_capped(
    given: str, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVM_THREADS", given)
    assert worker_threads() == expected


@pytest.mark.parametrize("given", ["0", "000", "-1", "+2", "abc", "²", "①", "٣", "1.5", "2 3"])
def test_a_thread_count_that_is_not_a_whole_number_from_1_is_ignored_with_a_warning(
    given: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OVM_THREADS", raising=False)
    default = worker_threads()
    assert 1 <= default <= MAX_THREADS
    monkeypatch.setenv("OVM_THREADS", given)
    with pytest.warns(RuntimeWarning, match="OVM_THREADS") as caught:
        assert worker_threads() == default
    assert len(caught) == 1


def test_an_unusable_thread_count_does_not_stop_ovm_score(tmp_path: Path) -> None:
    env = {**os.environ, "OVM_THREADS": "²"}
    run = subprocess.run(
        [sys.executable, "-m", "ovm", "score", str(EXAMPLES), "-o", str(tmp_path / "s.json")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert "OVM_THREADS='²' is not a whole number from 1; it is ignored" in run.stderr


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(block=st.integers(1, 20), threads=st.sampled_from(["1", "2", "3"]))
def test_replicates_taken_in_blocks_of_missions_give_what_the_whole_cohort_gives(
    workspace: ovm.Workspace,
    on_one_thread: tuple[ovm.ScoreSet, IndicatorReplicates],
    block: int,
    threads: str,
) -> None:
    # A cohort is cut into blocks of missions only when it is large; smaller blocks make the
    # example cohort take that path.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine, "_BLOCK_ROWS", block)
        mp.setenv("OVM_THREADS", threads)
        scores, reps = score_with_replicates(workspace.rubric, workspace.observations)
    _same((scores, reps), on_one_thread)


@pytest.mark.parametrize("visits", [1, 7, 40])
def test_visits_gathered_a_few_missions_at_a_time_give_what_all_at_once_gives(
    workspace: ovm.Workspace,
    on_one_thread: tuple[ovm.ScoreSet, IndicatorReplicates],
    visits: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A group's visits are gathered in passes that fit the buffers: with small buffers, the
    # example missions take one pass each, or a few together.
    monkeypatch.setattr(sitestats, "_SCRATCH_VISITS", visits)
    monkeypatch.setattr(sitestats, "_POINT_VISITS", visits)
    got = score_with_replicates(workspace.rubric, workspace.observations)
    _same(got, on_one_thread)


@pytest.mark.parametrize("alone", [1, 2000])
def test_missions_multiplied_alone_give_what_missions_side_by_side_give(
    workspace: ovm.Workspace,
    on_one_thread: tuple[ovm.ScoreSet, IndicatorReplicates],
    alone: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A large mission is multiplied alone, straight from its place sums: with a small bound,
    # every example mission is (1), or the larger ones only.
    monkeypatch.setattr(sitestats, "_ALONE_BYTES", alone)
    got = score_with_replicates(workspace.rubric, workspace.observations)
    _same(got, on_one_thread)


@pytest.mark.parametrize("share_bytes", [1, 2**30])
def test_shares_worked_out_a_few_missions_at_a_time_give_what_a_whole_group_gives(
    workspace: ovm.Workspace,
    on_one_thread: tuple[ovm.ScoreSet, IndicatorReplicates],
    share_bytes: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A group's prior draws and shares are worked out a few missions at a time, so that their
    # operands stay in the cache: one mission at a time (1), or the whole group at once, the
    # replicates must be the same to the bit.
    monkeypatch.setattr(sitestats, "_SHARE_BYTES", share_bytes)
    got = score_with_replicates(workspace.rubric, workspace.observations)
    _same(got, on_one_thread)


def test_counts_packed_in_one_column_give_what_two_columns_give(
    workspace: ovm.Workspace,
    on_one_thread: tuple[ovm.ScoreSet, IndicatorReplicates],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The example missions are small: their accepted and answered counts share one column of
    # the products (accepted + _PACK * answered). With nothing small enough to pack, each count
    # has a column of its own; the replicates must be the same to the bit.
    monkeypatch.setattr(sitestats, "_PACK", 0)
    got = score_with_replicates(workspace.rubric, workspace.observations)
    _same(got, on_one_thread)


@pytest.mark.parametrize("pack", [32, 64, 256])
def test_counts_packed_span_by_span_give_what_two_columns_give(
    workspace: ovm.Workspace,
    on_one_thread: tuple[ovm.ScoreSet, IndicatorReplicates],
    pack: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A mission with more visits than one packed column can sum exactly is multiplied span
    # by span of its places, each span's counts unpacked and added up. A smaller _PACK makes
    # the example missions take that path, with spans of 3, 7 or 31 visits (and a last,
    # shorter span), alone and side by side; the replicates must be the same to the bit.
    monkeypatch.setattr(sitestats, "_PACK", pack)
    monkeypatch.setattr(sitestats, "_MIN_SPAN", 1)
    taken: list[tuple[int | None, int]] = []
    spans = sitestats._packed_span

    def counted(work: Any, group: list[int], top: int) -> int | None:
        got = spans(work, group, top)
        taken.append((got, top))
        return got

    monkeypatch.setattr(sitestats, "_packed_span", counted)
    got = score_with_replicates(workspace.rubric, workspace.observations)
    # Some groups were multiplied in several spans.
    assert any(span is not None and span < top for span, top in taken)
    _same(got, on_one_thread)


@pytest.mark.parametrize("pack", [32, 64])
def test_spans_hold_no_more_visits_than_a_packed_sum_takes_at_the_largest_weights(
    workspace: ovm.Workspace, pack: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every replicate weight at the largest a Poisson draw takes: a span's packed sums reach
    # the most a span may hold, and one visit more would carry into the answered count.
    monkeypatch.setattr(sitestats, "_POISSON", np.full_like(sitestats._POISSON, 8))
    assert sitestats._MAX_WEIGHT == 8
    monkeypatch.setattr(sitestats, "_PACK", 0)
    _, columns = score_with_replicates(workspace.rubric, workspace.observations)
    monkeypatch.setattr(sitestats, "_PACK", pack)
    monkeypatch.setattr(sitestats, "_MIN_SPAN", 1)
    _, spans = score_with_replicates(workspace.rubric, workspace.observations)
    np.testing.assert_array_equal(spans.values, columns.values)


@settings(max_examples=300, deadline=None)
@given(
    missions=st.lists(st.lists(st.integers(1, 12), min_size=1, max_size=400), max_size=4),
    pack=st.sampled_from([32, 64, 256, 4096]),
    least=st.integers(1, 40),
)
def test_every_span_of_a_packed_product_holds_at_most_what_a_packed_sum_takes(
    missions: list[list[int]], pack: int, least: int
) -> None:
    # Each mission's visits a place; a span is a run of places from the first, of the length
    # chosen for the whole group. One question and one replicate: the buffers never bind.
    missions = missions or [[1]]
    clustered = [(np.arange(sum(visits)), np.cumsum([0, *visits[:-1]])) for visits in missions]
    work = types.SimpleNamespace(
        clustered=clustered,
        places=np.array([len(visits) for visits in missions]),
        k=1,
        bootstrap=1,
    )
    top = max(len(visits) for visits in missions)
    limit = (pack - 1) // sitestats._MAX_WEIGHT
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sitestats, "_PACK", pack)
        mp.setattr(sitestats, "_MIN_SPAN", least)
        span = sitestats._packed_span(work, list(range(len(missions))), top)  # type: ignore[arg-type]
    if max(sum(visits) for visits in missions) <= limit:
        assert span == top
    elif span is None:
        # Only where not even a span of places each as visited as the most visited one holds.
        assert least > limit // max(max(visits) for visits in missions)
    else:
        assert least <= span <= top
        for visits in missions:
            for first in range(0, len(visits), span):
                assert sum(visits[first : first + span]) <= limit


@pytest.mark.parametrize("threads", ["1", "2"])
def test_a_score_that_fails_after_the_site_summary_leaves_no_replicates_computing(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch, threads: str
) -> None:
    # The replicates are computed on other threads while the point pass runs: when the pass
    # fails, they are abandoned, and the BLAS is left with the threads it had.
    from threadpoolctl import threadpool_info, threadpool_limits

    def blas() -> set[int]:
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    def fail(*args: object) -> None:
        raise RuntimeError("the point pass failed")

    monkeypatch.setenv("OVM_THREADS", threads)
    monkeypatch.setattr(engine, "_point_pass", fail)
    with threadpool_limits(limits=2, user_api="blas"):
        with pytest.raises(RuntimeError, match="the point pass failed"):
            engine.score(workspace.rubric, workspace.observations)
        assert blas() == {2}
    assert not [t for t in threading.enumerate() if t.name == "ovm replicates"]
