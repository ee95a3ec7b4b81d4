"""Comparison at its edges: a best-practice lead on equal interval ends, rank-interval quantiles.

The intervals below come from a band rule on checklist shares: a band rule gives a share's
Wilson interval the scores of the bands it touches, so interval ends land exactly on band
scores and can be made equal on purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

import ovm
from ovm import ScoreSet
from ovm.comparison.ranking import rank
from ovm.settings import SensitivitySettings

RUBRIC = """\
ovm_rubric: 1
id: lead
version: "1"
title: {en: Lead}
languages: [en]
families:
  - id: p
    labels: {en: Practice}
    children:
      - id: p.open
        kind: checklist
        labels: {en: Open}
        source: checklist
        question: {en: "Open?"}
        min_answers: 1
        rule:
          type: bands
          bands: [{max: 50, score: 20}, {min: 50, max: 90, score: 60}, {min: 90, score: 100}]
"""

# Shares of 40 visits, their Wilson intervals, and what the band rule makes of them:
#   28/40 = 70 %, Wilson 54.6-81.9 %: inside [50, 90)        -> score 60, interval (60, 60)
#   20/40 = 50 %, Wilson 35.2-64.8 %: touches [0, 50), [50, 90) -> score 60, interval (20, 60)
#   16/40 = 40 %, Wilson 26.4-55.4 %: touches [0, 50), [50, 90) -> score 20, interval (20, 60)
#   12/40 = 30 %, Wilson 18.1-45.4 %: inside [0, 50)          -> score 20, interval (20, 20)


def _scored(
    root: Path, make_workspace: Callable[..., Path], yes: dict[str, int]
) -> tuple[ScoreSet, ovm.Rubric]:
    missions = "missions:\n" + "".join(
        f"  - {{id: {m}, country: ARG, name: {m}, election: {{type: general, date: 2020-01-01}}}}\n"
        for m in yes
    )
    rows = ["mission,site,p.open"] + [
        f"{m},s{j},{'yes' if j < k else 'no'}" for m, k in yes.items() for j in range(40)
    ]
    ws = ovm.load_workspace(
        make_workspace(root, rubric=RUBRIC, missions=missions, checklists="\n".join(rows) + "\n")
    )
    return ovm.score(ws.rubric, ws.observations, bootstrap=0), ws.rubric


def _compare(
    root: Path, make_workspace: Callable[..., Path], yes: dict[str, int]
) -> ovm.Comparison:
    return ovm.compare(*_scored(root, make_workspace, yes))


def _intervals(c: ovm.Comparison) -> dict[str, tuple[float | None, tuple[float, float] | None]]:
    return {
        card.mission.id: (card.node("p.open").score, card.node("p.open").interval)
        for card in c.scores.scorecards
    }


@pytest.mark.parametrize(
    ("yes", "intervals", "holds"),
    [
        pytest.param(
            {"a": 28, "b": 12}, {"a": (60, (60, 60)), "b": (20, (20, 20))}, True, id="apart"
        ),
        # The best's lower end equals the other's upper end: the lead must be strictly above.
        pytest.param(
            {"a": 28, "b": 16}, {"a": (60, (60, 60)), "b": (20, (20, 60))}, False, id="touching"
        ),
        # The highest upper end among the others counts, not the first or the lowest.
        pytest.param(
            {"a": 28, "b1": 12, "b2": 16},
            {"a": (60, (60, 60)), "b1": (20, (20, 20)), "b2": (20, (20, 60))},
            False,
            id="one-of-the-rest-touches",
        ),
        # Tied best missions: the lowest of their lower ends counts.
        pytest.param(
            {"a1": 28, "a2": 20, "b": 12},
            {"a1": (60, (60, 60)), "a2": (60, (20, 60)), "b": (20, (20, 20))},
            False,
            id="one-of-the-best-touches",
        ),
    ],
)
def test_a_lead_holds_only_when_the_best_lower_end_is_strictly_above_every_other_upper_end(
    tmp_path: Path,
    make_workspace: Callable[..., Path],
    yes: dict[str, int],
    intervals: dict,
    holds: bool,
) -> None:
    c = _compare(tmp_path / "ws", make_workspace, yes)
    assert _intervals(c) == intervals
    best = c.leaders["p.open"]
    top = tuple(m for m, (s, _) in intervals.items() if s == 60)
    assert (best.missions, best.score, best.lead_holds) == (top, 60.0, holds)


# --- rank intervals -------------------------------------------------------------------------

K = 12
DROP_RUBRIC = (
    """\
ovm_rubric: 1
id: drop
version: "1"
title: {en: Drop}
languages: [en]
variables:
"""
    + "".join(
        f"  - {{name: v{i}, labels: {{en: V{i}}}, unit: u, source: statistics}}\n" for i in range(K)
    )
    + """\
families:
  - id: f
    labels: {en: F}
    children:
"""
    + "".join(
        f"      - {{id: f.i{i}, kind: quantitative, labels: {{en: I{i}}}, "
        f"source: statistics, formula: v{i}, rule: {{type: identity}}}}\n"
        for i in range(K)
    )
)


@pytest.fixture(scope="module")
def drop_cohort() -> tuple[ScoreSet, ovm.Rubric]:
    # m1 leads on f.i0 alone (100 to 0); m2 is ahead by 5 on each of the 11 others. With all
    # twelve, m1 leads (600 vs 550, over 12); without f.i0, m2 leads (50 vs 55); without any
    # other, m1 still leads (550 vs 495, over 11).
    rubric = ovm.load_rubric(DROP_RUBRIC)
    frame = pl.DataFrame(
        {
            "id": ["m1", "m2"],
            "country": ["ARG", "BRA"],
            **{f"v{i}": [100.0, 0.0] if i == 0 else [50.0, 55.0] for i in range(K)},
        }
    )
    obs = ovm.observations_from_wide(
        frame, rubric, id_column="id", name_column=None, country_column="country"
    )
    return ovm.score(rubric, obs, bootstrap=0), rubric


def test_rank_intervals_are_the_5_and_95_percent_quantiles_of_the_simulated_ranks(
    drop_cohort: tuple[ScoreSet, ovm.Rubric],
) -> None:
    # Only dropping an indicator is varied: each run drops none or one of the 12, uniformly,
    # so the ranks swap in about 1 run in 13 (7.7 %), more than 5 % and less than 10 %. The
    # 5-95 % interval then spans both ranks; a 10-90 % one would not.
    scores, rubric = drop_cohort
    result = ovm.sensitivity(
        scores, rubric, SensitivitySettings(runs=2000, choices=("drop_indicator",)), seed=4
    )
    swapped = {r.mission: r.mean_shift for r in result.ranks}
    assert all(0.06 < share < 0.09 for share in swapped.values()), swapped
    assert [(r.mission, r.nominal, r.median, r.low, r.high) for r in result.ranks] == [
        ("m1", 1, 1.0, 1.0, 2.0),
        ("m2", 2, 2.0, 1.0, 2.0),
    ]


def test_ranks_that_never_move_have_a_point_interval(
    drop_cohort: tuple[ScoreSet, ovm.Rubric],
) -> None:
    scores, rubric = drop_cohort
    result = ovm.sensitivity(
        scores,
        rubric,
        SensitivitySettings(runs=200, choices=("weights",), weight_range=0.1),
        seed=4,
    )
    # A weight within +-10 % cannot outweigh f.i0's lead: 100 * 0.9 vs 11 * 5 * 1.1 at worst.
    assert [(r.mission, r.median, r.low, r.high, r.mean_shift) for r in result.ranks] == [
        ("m1", 1.0, 1.0, 1.0, 0.0),
        ("m2", 2.0, 2.0, 2.0, 0.0),
    ]


# --- ties -----------------------------------------------------------------------------------


def test_scores_equal_to_nine_decimals_tie_and_a_difference_in_the_ninth_does_not() -> None:
    # Sums taken in another order differ in the last bits (around 1e-14 on 0-100): those tie.
    # 4e-10 rounds away at nine decimals; 2e-9 does not.
    got = rank({"a": 50.0, "b": 50.0 + 4e-10, "c": 50.0 + 2e-9, "d": 50.0 - 2e-9})
    assert [(e.mission, e.rank, e.tied) for e in got] == [
        ("c", 1, False),
        ("a", 2, True),
        ("b", 2, True),
        ("d", 4, False),
    ]


# --- what the runs vary -------------------------------------------------------------------


def test_sampling_draws_count_only_when_sampling_is_varied(
    tmp_path: Path, make_workspace: Callable[..., Path]
) -> None:
    _scored(tmp_path / "ws", make_workspace, {"a": 28, "b": 16})
    ws = ovm.load_workspace(tmp_path / "ws")
    # Sampling draws the engine's replicates: scored with some, it has them to draw.
    scores = ovm.score(ws.rubric, ws.observations, bootstrap=50)
    assert all(card.node("p.open").sampled for card in scores.scorecards)
    draws = {}
    for choices in (("weights",), ("weights", "sampling")):
        result = ovm.sensitivity(
            scores,
            ws.rubric,
            SensitivitySettings(runs=20, choices=choices, sampling_draws=7),
            seed=1,
            observations=ws.observations,
        )
        draws[choices] = result.draws
    assert draws == {("weights",): 1, ("weights", "sampling"): 7}
    # No more draws than replicates.
    many = ovm.sensitivity(
        scores,
        ws.rubric,
        SensitivitySettings(runs=20, choices=("sampling",), sampling_draws=500),
        seed=1,
        observations=ws.observations,
    )
    assert many.draws == 50


TWO_RUBRIC = """\
ovm_rubric: 1
id: two
version: "1"
title: {en: Two}
languages: [en]
variables:
  - {name: v0, labels: {en: V0}, unit: u, source: statistics}
  - {name: v1, labels: {en: V1}, unit: u, source: statistics}
families:
  - id: f
    labels: {en: F}
    children:
      - {id: f.i0, kind: quantitative, labels: {en: I0}, source: statistics, formula: v0,
         rule: {type: identity}}
      - {id: f.i1, kind: quantitative, labels: {en: I1}, source: statistics, formula: v1,
         rule: {type: identity}}
"""


def _two_observations(rubric: ovm.Rubric) -> ovm.Observations:
    frame = pl.DataFrame(
        {"id": ["m1", "m2"], "country": ["ARG", "BRA"], "v0": [100.0, 0.0], "v1": [0.0, 45.0]}
    )
    return ovm.observations_from_wide(
        frame, rubric, id_column="id", name_column=None, country_column="country"
    )


def _two_indicators() -> tuple[ScoreSet, ovm.Rubric]:
    rubric = ovm.load_rubric(TWO_RUBRIC)
    return ovm.score(rubric, _two_observations(rubric), bootstrap=0), rubric


def test_weights_are_moved_both_up_and_down() -> None:
    # m1 leads by 100 on f.i0, m2 by 45 on f.i1: m2 overtakes only where w0 / w1 < 0.45. With
    # each weight within +-50 %, the ratio reaches 1/3 and m2 overtakes in about 3.4 % of runs
    # (w0 below 0.675, w1 above w0 / 0.45). Weights only raised, or only lowered, keep the
    # ratio at 0.5 or more: m1 would never lose its lead.
    scores, rubric = _two_indicators()
    result = ovm.sensitivity(
        scores,
        rubric,
        SensitivitySettings(runs=2000, choices=("weights",), weight_range=0.5),
        seed=4,
    )
    shift = {r.mission: r.mean_shift for r in result.ranks}
    assert 0.015 < shift["m1"] < 0.06, shift


def test_a_run_drops_no_indicator_or_one_of_them_alike() -> None:
    # Three alternatives, equally likely: none dropped (m1 leads 50 to 22.5), f.i0 dropped
    # (m2 leads 45 to 0), f.i1 dropped (m1 leads 100 to 0). m1 loses the lead in 1 run in 3.
    scores, rubric = _two_indicators()
    result = ovm.sensitivity(
        scores, rubric, SensitivitySettings(runs=2000, choices=("drop_indicator",)), seed=4
    )
    shift = {r.mission: r.mean_shift for r in result.ranks}
    assert 0.30 < shift["m1"] < 0.37, shift
    assert result.alternatives["drop_indicator"] == ("none", "f.i0", "f.i1")


SHARE_RUBRIC = """\
ovm_rubric: 1
id: share
version: "1"
title: {en: Share}
languages: [en]
families:
  - id: p
    labels: {en: P}
    children:
      - {id: p.open, kind: checklist, labels: {en: Open}, source: checklist,
         question: {en: "Open?"}, min_answers: 1}
"""


def test_sampling_moves_missions_whose_intervals_overlap(
    tmp_path: Path, make_workspace: Callable[..., Path]
) -> None:
    # 16 and 14 yes of 40 places (40 % and 35 %): their intervals (about 26-55 % and
    # 22-51 %) overlap widely, so drawing the engine's replicates reorders the two in a good
    # share of the runs. The two missions' places have ids of their own: places are ordered
    # by their id's hash and the n-th place of every mission draws the same weights, so two
    # missions with the same ids (and answers lined up with them) would move together.
    missions = "missions:\n" + "".join(
        f"  - {{id: {m}, country: ARG, name: {m}, election: {{type: general, date: 2020-01-01}}}}\n"
        for m in ("a", "b")
    )
    rows = ["mission,site,p.open"] + [
        f"{m},{m}-s{j},{'yes' if j < k else 'no'}"
        for m, k in (("a", 16), ("b", 14))
        for j in range(40)
    ]
    ws = ovm.load_workspace(
        make_workspace(
            tmp_path / "ws", rubric=SHARE_RUBRIC, missions=missions, checklists="\n".join(rows)
        )
    )
    scores = ovm.score(ws.rubric, ws.observations, bootstrap=100)
    result = ovm.sensitivity(
        scores,
        ws.rubric,
        SensitivitySettings(runs=500, choices=("sampling",), sampling_draws=50),
        seed=4,
        observations=ws.observations,
    )
    shift = {r.mission: r.mean_shift for r in result.ranks}
    assert 0.1 < shift["a"] < 0.5, shift


def test_a_nominal_mean_defined_only_by_flooring_is_flagged() -> None:
    # Under a geometric mean m1's 0 on f.i1 leaves its nominal overall undefined; the runs
    # floor it to define one, and say so. Under the arithmetic mean nothing is floored.
    flags = {}
    for method in ("arithmetic", "geometric"):
        rubric = ovm.load_rubric(
            TWO_RUBRIC.replace(
                "    labels: {en: F}\n", f"    labels: {{en: F}}\n    aggregation: {method}\n"
            )
        )
        scores = ovm.score(rubric, _two_observations(rubric), bootstrap=0)
        result = ovm.sensitivity(
            scores, rubric, SensitivitySettings(runs=10, choices=("weights",)), seed=1
        )
        flags[method] = result.floored
    assert flags == {"arithmetic": False, "geometric": True}


def test_the_notes_say_how_z_scores_are_rescaled() -> None:
    scores, rubric = _two_indicators()
    result = ovm.sensitivity(scores, rubric, SensitivitySettings(runs=10), seed=1)
    assert "z-scores rescaled to mean 50 and deviation 10" in result.notes


RAW_RUBRIC = """\
ovm_rubric: 1
id: raw
version: "1"
title: {en: Raw}
languages: [en]
variables:
  - {name: cost, labels: {en: Cost}, unit: u, source: statistics}
families:
  - id: p
    labels: {en: P}
    children:
      - {id: p.cost, kind: quantitative, labels: {en: Cost}, source: statistics,
         formula: cost, rule: {type: cohort}}
      - {id: p.open, kind: checklist, labels: {en: Open}, source: checklist,
         question: {en: "Open?"}, min_answers: 1}
"""


def test_sampling_leaves_values_without_an_interval_alone(
    tmp_path: Path, make_workspace: Callable[..., Path]
) -> None:
    # p.cost is a raw value (300 and 150, outside 0-100) normalised over the cohort: a min-max
    # 100 for a, 0 for b. The shares are equal (20 of 40 each): whatever the draws within
    # their intervals (about +-15 points), a leads by 100 on p.cost and never loses it.
    missions = "missions:\n" + "".join(
        f"  - {{id: {m}, country: ARG, name: {m}, election: {{type: general, date: 2020-01-01}}}}\n"
        for m in ("a", "b")
    )
    rows = ["mission,site,p.open"] + [
        f"{m},s{j},{'yes' if j < 20 else 'no'}" for m in ("a", "b") for j in range(40)
    ]
    ws = ovm.load_workspace(
        make_workspace(
            tmp_path / "ws",
            rubric=RAW_RUBRIC,
            missions=missions,
            checklists="\n".join(rows),
            statistics="mission,cost\na,300\nb,150\n",
        )
    )
    scores = ovm.score(ws.rubric, ws.observations, bootstrap=0)
    result = ovm.sensitivity(
        scores,
        ws.rubric,
        SensitivitySettings(runs=200, choices=("sampling",), sampling_draws=50),
        seed=4,
    )
    assert [(r.mission, r.low, r.high, r.mean_shift) for r in result.ranks] == [
        ("a", 1.0, 1.0, 0.0),
        ("b", 2.0, 2.0, 0.0),
    ]
