"""Varied weights move the scores of groups, never whether a group has the data to be scored.

A group whose scored weight meets its ``min_coverage`` exactly (2 of 4 equal children, 0.5 =
0.5) is scored; any perturbation of the weights would put it below half of the time. The
analysis decides where a group has the data to be scored at the rubric's own weights, so that
the weights' indices measure what the weights do, and a weight range shrinking towards 0
leaves the nominal ranking.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ovm.comparison.sensitivity as module
from ovm import Rubric, load_workspace, score
from ovm.comparison.sensitivity import Index, sensitivity
from ovm.scoring.results import ScoreSet
from ovm.settings import SensitivitySettings

RUBRIC = """\
ovm_rubric: 1
id: edge
version: "1"
title: {en: Coverage edge}
languages: [en]
families:
  - id: access
    labels: {en: Access}
    children:
      - {id: access.a1, kind: answer, labels: {en: A1}, source: legal}
      - {id: access.a2, kind: answer, labels: {en: A2}, source: legal}
      - {id: access.a3, kind: answer, labels: {en: A3}, source: legal}
      - {id: access.a4, kind: answer, labels: {en: A4}, source: legal}
  - id: count
    labels: {en: Count}
    children:
      - {id: count.b1, kind: answer, labels: {en: B1}, source: legal}
      - {id: count.b2, kind: answer, labels: {en: B2}, source: legal}
  - id: rights
    labels: {en: Rights}
    weight: 2
    min_coverage: 0.6
    children:
      - {id: rights.r1, kind: answer, labels: {en: R1}, source: legal}
      - {id: rights.r2, kind: answer, labels: {en: R2}, source: legal}
      - {id: rights.r3, kind: answer, labels: {en: R3}, source: legal}
      - {id: rights.r4, kind: answer, labels: {en: R4}, source: legal}
      - {id: rights.r5, kind: answer, labels: {en: R5}, source: legal}
"""

# Each mission has a group scored at exactly its coverage: m0 answers 2 of the 4 access
# questions (0.5 = min_coverage), m2 3 of the 5 rights questions (0.6), and m1 none of rights
# (its overall from 2 of 4 family weights, 0.5). Overalls 96.875, 75, 62.5 and 46.25: gaps of
# 12.5 points at least, which weights varied by a few percent cannot close.
ALL = ("r1", "r2", "r3", "r4", "r5")
ANSWERS = {
    "m0": {
        "access.a1": "yes",
        "access.a2": "yes",
        "count.b1": "no",
        "count.b2": "partial",
        **{
            f"rights.{r}": a for r, a in zip(ALL, ["yes", "no", "no", "partial", "no"], strict=True)
        },
    },
    "m1": {
        "access.a1": "yes",
        "access.a2": "partial",
        "access.a3": "partial",
        "access.a4": "no",
        "count.b1": "yes",
        "count.b2": "yes",
    },
    "m2": {
        **{f"access.{a}": "no" for a in ("a1", "a2", "a3", "a4")},
        "count.b1": "yes",
        "count.b2": "no",
        **{f"rights.{r}": "yes" for r in ALL[:3]},
    },
    "m3": {
        "access.a1": "yes",
        "access.a2": "yes",
        "access.a3": "yes",
        "access.a4": "partial",
        "count.b1": "yes",
        "count.b2": "yes",
        **{f"rights.{r}": "yes" for r in ALL},
    },
}
NOMINAL = [("m3", 1, 96.875), ("m1", 2, 75.0), ("m2", 3, 62.5), ("m0", 4, 46.25)]
GROUPS = ("overall", "access", "count", "rights")


def _write(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "rubric.yaml").write_text(RUBRIC, encoding="utf-8")
    lines = ["missions:"]
    for i, (mid, answers) in enumerate(ANSWERS.items()):
        given_ = ", ".join(f'{node}: "{answer}"' for node, answer in answers.items())
        lines.append(
            f"  - {{id: {mid}, country: {('ARG', 'BOL', 'BRA', 'CHL')[i]}, name: M{i}, "
            f"election: {{type: general, date: 2020-01-0{i + 1}}}, answers: {{{given_}}}}}"
        )
    (root / "missions.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\nsettings: {seed: 3, bootstrap: 0}\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScoreSet, Rubric]:
    ws = load_workspace(_write(tmp_path_factory.mktemp("edge") / "ws"))
    return score(ws.rubric, ws.observations, seed=3, bootstrap=0), ws.rubric


def _statuses(scores: ScoreSet) -> dict[str, dict[str, str]]:
    """Each group's status (and the overall's) per mission, as the engine scored them."""
    return {
        card.mission.id: {ns.node: ns.status for ns in card.nodes if ns.node in GROUPS}
        | {"overall": card.overall.status}
        for card in scores.scorecards
    }


def test_the_workspace_has_groups_scored_at_exactly_their_coverage(
    edge: tuple[ScoreSet, Rubric],
) -> None:
    scores, _ = edge
    cards = {card.mission.id: card for card in scores.scorecards}
    assert sorted((mid, card.overall.score) for mid, card in cards.items()) == sorted(
        (mid, overall) for mid, _, overall in NOMINAL
    )
    assert _statuses(scores) == {
        mid: {**dict.fromkeys(GROUPS, "scored"), **({"rights": "missing"} if mid == "m1" else {})}
        for mid in ANSWERS
    }

    def coverage(mid: str, node: str) -> float:
        return next(ns.coverage for ns in cards[mid].nodes if ns.node == node)

    assert (coverage("m0", "access"), coverage("m2", "rights"), cards["m1"].overall.coverage) == (
        0.5,
        0.6,
        0.5,
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    weight_range=st.floats(1e-9, 0.02),
    runs=st.integers(2, 80),
    seed=st.integers(0, 2**32 - 1),
)
def test_weights_varied_ever_less_leave_the_nominal_ranking(
    edge: tuple[ScoreSet, Rubric], weight_range: float, runs: int, seed: int
) -> None:
    scores, rubric = edge
    result = sensitivity(
        scores,
        rubric,
        SensitivitySettings(runs=runs, choices=("weights",), weight_range=weight_range, boot=20),
        seed=seed,
    )
    assert [
        (r.mission, r.nominal, r.median, r.low, r.high, r.mean_shift, r.unscored)
        for r in result.ranks
    ] == [(mid, rank, rank, rank, rank, 0.0, 0.0) for mid, rank, _ in NOMINAL]
    nothing = Index(value=0.0, low=0.0, high=0.0)
    assert (dict(result.first_order_ci), dict(result.total_effect_ci)) == (
        {"weights": nothing},
        {"weights": nothing},
    )


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(weight_range=st.floats(1e-6, 0.99), seed=st.integers(0, 2**32 - 1))
def test_every_group_keeps_its_nominal_status_in_every_run_of_varied_weights(
    edge: tuple[ScoreSet, Rubric], weight_range: float, seed: int
) -> None:
    scores, rubric = edge
    nominal = _statuses(scores)
    mids = sorted(nominal)
    expected = {
        node: np.array([nominal[mid][node] == "scored" for mid in mids])[:, None] for node in GROUPS
    }
    seen: list[dict[str, np.ndarray]] = []
    evaluate = module._evaluate

    def probe(*args: object, **kwargs: object) -> object:
        states: dict[str, np.ndarray] = {}
        found = evaluate(*args, **kwargs, states=states)  # type: ignore[arg-type]
        seen.append(states)
        return found

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "_evaluate", probe)
        sensitivity(
            scores,
            rubric,
            SensitivitySettings(runs=150, choices=("weights",), weight_range=weight_range),
            seed=seed,
        )
    assert seen
    for states in seen:
        assert {
            node: (held == expected[node]).all() for node, held in states.items()
        } == dict.fromkeys(expected, True)
