"""Quantiles of numeric answers: Hyndman & Fan's type 6, and none from too few answers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ovm
from ovm.scoring.results import Finding
from ovm.scoring.sitestats import _quantile6

Make = Callable[..., Path]

RUBRIC = """\
ovm_rubric: 1
id: quantiles
version: "1"
title: {en: Quantiles, es: Cuantiles}
variables:
  - name: queue_p90
    labels: {en: Long queue, es: Fila larga}
    unit: minutes
    source: checklist
    from_sites: {question: f.queue, stat: p90}
families:
  - id: f
    labels: {en: F, es: F}
    min_coverage: 0
    children:
      - id: f.queue
        kind: checklist
        labels: {en: Queue, es: Fila}
        source: checklist
        question: {en: Minutes, es: Minutos}
        answer_type: integer
        stat: STAT
        min_answers: 1
        rule: {type: goalposts, low: 0, high: 200, direction: lower}
      - id: f.tail
        kind: quantitative
        labels: {en: Tail, es: Cola}
        source: checklist
        formula: queue_p90
        rule: {type: goalposts, low: 0, high: 200, direction: lower}
"""
MISSIONS = """\
missions:
  - {id: m, country: ARG, name: M, election: {type: general, date: 2024-01-01}}
"""


def card(tmp_path: Path, make: Make, stat: str, queues: list[int]) -> ovm.Scorecard:
    rows = "mission,site,f.queue\n" + "".join(f"m,s{i},{q}\n" for i, q in enumerate(queues))
    root = make(tmp_path, rubric=RUBRIC.replace("STAT", stat), missions=MISSIONS, checklists=rows)
    ws = ovm.load_workspace(root)
    return ovm.score(ws.rubric, ws.observations, bootstrap=0).scorecard("m")


QUEUES = [3, 140, 8, 15, 60, 0, 22, 95, 41, 12, 30, 5]


@pytest.mark.parametrize("n", [9, 10, 12])
def test_the_90th_percentile_is_type_6(tmp_path: Path, make_workspace: Make, n: int) -> None:
    got = card(tmp_path, make_workspace, "p90", QUEUES[:n])
    want = float(np.quantile(QUEUES[:n], 0.9, method="weibull"))
    assert want < max(QUEUES[:n]) or n == 9
    assert (got.node("f.queue").value, got.node("f.queue").status) == (
        pytest.approx(want, abs=1e-9),
        "scored",
    )
    (tail,) = got.node("f.tail").explanation.inputs
    assert (tail.value, got.node("f.tail").status) == (pytest.approx(want, abs=1e-9), "scored")


def test_fewer_than_nine_answers_give_no_90th_percentile(
    tmp_path: Path, make_workspace: Make
) -> None:
    # 0.9 * (8 + 1) = 8.1 > 8: the quantile lies beyond the largest answer, where only the
    # maximum could stand for it.
    got = card(tmp_path, make_workspace, "p90", QUEUES[:8])
    assert (got.node("f.queue").status, got.node("f.queue").score) == ("insufficient", None)
    assert (got.node("f.tail").status, got.node("f.tail").score) == ("missing", None)
    assert [f for f in got.findings if f.code == "too-few-answers"] == [
        Finding(
            code="too-few-answers",
            message="8 answers; at least 9 needed",
            node="f.queue",
            params={"n": "8", "needed": "9"},
        ),
        Finding(
            code="too-few-answers",
            message="queue_p90 rests on 8 answers; at least 9 needed",
            node="f.tail",
            params={"variant": "variable", "name": "queue_p90", "n": "8", "needed": "9"},
        ),
    ]


def test_a_median_of_an_even_count_is_the_mean_of_the_middle_two(
    tmp_path: Path, make_workspace: Make
) -> None:
    got = card(tmp_path, make_workspace, "median", [10, 20, 40, 50])
    assert got.node("f.queue").value == 30.0


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.integers(0, 300), min_size=1, max_size=30),
    seed=st.integers(0, 2**32 - 1),
    p=st.sampled_from([(1, 2), (9, 10)]),
)
def test_a_weighted_replicate_is_the_quantile_of_its_resample(
    values: list[int], seed: int, p: tuple[int, int]
) -> None:
    # A replicate's Poisson weights repeat each answer: its statistic is the resample's.
    vals = np.array(values, dtype=float)
    w = np.random.default_rng(seed).poisson(1.0, (20, vals.size)).astype(float)
    w[0] = 1.0
    total = w.sum(axis=1)
    got = _quantile6(p, vals, w, total)
    for r in np.flatnonzero(total > 0):
        resample = np.repeat(vals, w[r].astype(int))
        want = np.quantile(resample, p[0] / p[1], method="weibull")
        assert got[r] == pytest.approx(want, abs=1e-9)


def test_an_interpolated_percentile_has_no_rounding_noise(
    tmp_path: Path, make_workspace: Make
) -> None:
    # 16 answers: rank 0.9 * 17 = 15.3, three tenths of the way from 24 to 25.
    got = card(tmp_path, make_workspace, "p90", [1] * 14 + [24, 25])
    assert got.node("f.queue").value == 24.3
