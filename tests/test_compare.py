"""compare(): cohort normalisation, aggregation, imputation, family 7, rankings, best practice."""

from __future__ import annotations

import json
import math
import shutil
import textwrap
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ovm import load_workspace, score
from ovm.cli import app as cli
from ovm.comparison.cohort import Comparison, compare, normalise
from ovm.comparison.ranking import rank
from ovm.data.wide import PLACEHOLDER_ELECTION, observations_from_wide, wide_groups
from ovm.reporting.tables import comparison_csv, comparison_json
from ovm.rubric.model import load_rubric
from ovm.scoring.results import ScoreSet
from ovm.settings import ComparisonSettings

MINI = Path(__file__).parent / "data" / "mini"


def workspace(
    root: Path,
    *,
    rubric: str,
    missions: str,
    statistics: str | None = None,
    checklists: str | None = None,
    bootstrap: int = 0,
) -> Path:
    """Write a workspace folder from inline texts (dedented)."""
    root.mkdir(parents=True, exist_ok=True)
    config = ["rubric: rubric.yaml", "missions: missions.yaml"]
    (root / "rubric.yaml").write_text(textwrap.dedent(rubric), encoding="utf-8")
    (root / "missions.yaml").write_text(textwrap.dedent(missions), encoding="utf-8")
    if statistics is not None:
        (root / "statistics.csv").write_text(textwrap.dedent(statistics).lstrip(), "utf-8")
        config.append("statistics: [statistics.csv]")
    if checklists is not None:
        (root / "checklists.csv").write_text(textwrap.dedent(checklists).lstrip(), "utf-8")
        config.append("checklists: [checklists.csv]")
    config.append(f"settings: {{seed: 7, bootstrap: {bootstrap}}}")
    (root / "ovm.yaml").write_text("\n".join(config) + "\n", encoding="utf-8")
    return root


def scored(root: Path) -> tuple[ScoreSet, object]:
    ws = load_workspace(root)
    return score(ws.rubric, ws.observations, seed=7, bootstrap=ws.settings.bootstrap), ws


# --- a cohort of four missions in two countries, with family 7 ------------------------------

COHORT_RUBRIC = """
    ovm_rubric: 1
    id: cohort7
    version: "1"
    title: {en: Cohort seven}
    languages: [en]
    bands:
      - {min: 0, max: 50, label: {en: Weak}}
      - {min: 50, max: 100, label: {en: Strong}}
    variables:
      - {name: registered_abroad, labels: {en: Registered}, unit: voters, type: count,
         source: statistics}
      - {name: votes_abroad, labels: {en: Votes}, unit: votes, type: count,
         source: statistics, at_most: registered_abroad}
    families:
      - id: rights
        labels: {en: Rights}
        children:
          - id: rights.basis
            kind: levels
            labels: {en: Legal basis}
            source: legal
            levels:
              - {key: none, score: 0, descriptor: {en: None}}
              - {key: statute, score: 60, descriptor: {en: Statute}}
              - {key: constitution, score: 100, descriptor: {en: Constitution}}
          - {id: rights.postal, kind: answer, labels: {en: Postal vote}, source: legal}
      - id: participation
        labels: {en: Participation}
        children:
          - id: part.turnout
            kind: quantitative
            labels: {en: Turnout}
            source: statistics
            unit: "%"
            formula: votes_abroad / registered_abroad * 100
            rule: {type: cohort}
      - id: comparative
        labels: {en: Comparative}
        contributes: false
        children:
          - {id: comp.best, kind: comparative, labels: {en: Distance to best}, source: analyst,
             measure: distance_to_best, target: rights}
          - {id: comp.change, kind: comparative, labels: {en: Change}, source: analyst,
             measure: change_since_previous, target: rights,
             rule: {type: goalposts, low: -50, high: 50}}
          - {id: comp.adopt, kind: comparative, labels: {en: Adoption}, source: analyst,
             measure: practice_adoption, target: rights, threshold: 80}
"""

COHORT_MISSIONS = """
    missions:
      - {id: aaa-2016, country: ARG, name: A 2016, region: north,
         election: {type: general, date: 2016-05-01},
         answers: {rights.basis: statute, rights.postal: "no"}}
      - {id: aaa-2020, country: ARG, name: A 2020, region: north,
         election: {type: general, date: 2020-05-01},
         answers: {rights.basis: constitution, rights.postal: partial}}
      - {id: bbb-2018, country: BRA, name: B 2018, region: south,
         election: {type: general, date: 2018-05-01},
         answers: {rights.basis: {value: constitution, source: "Constitution art. 9"},
                   rights.postal: "yes"}}
      - {id: bbb-2022, country: BRA, name: B 2022, region: south,
         election: {type: general, date: 2022-05-01},
         answers: {rights.basis: statute, rights.postal: "yes"}}
"""

COHORT_STATS = """
    mission,registered_abroad,votes_abroad
    aaa-2016,1000,200
    aaa-2020,1000,300
    bbb-2018,2000,1000
    bbb-2022,2000,800
"""


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScoreSet, object]:
    root = workspace(
        tmp_path_factory.mktemp("cohort") / "ws",
        rubric=COHORT_RUBRIC,
        missions=COHORT_MISSIONS,
        statistics=COHORT_STATS,
    )
    return scored(root)


def scores_of(c: Comparison, node: str) -> dict[str, float | None]:
    return {card.mission.id: card.node(node).score for card in c.scores.scorecards}


def test_score_leaves_cohort_and_comparative_indicators_pending(cohort):
    scores, _ = cohort
    card = scores.scorecard("aaa-2016")
    assert card.node("part.turnout").status == "pending"
    assert card.node("part.turnout").value == pytest.approx(20.0)
    assert card.node("comp.best").status == "pending"


def test_cohort_indicator_is_min_max_normalised_over_the_cohort(cohort):
    scores, ws = cohort
    c = compare(scores, ws.rubric)
    # turnout 20, 30, 50, 40 % -> 0, 33.3, 100, 66.7
    assert scores_of(c, "part.turnout") == pytest.approx(
        {"aaa-2016": 0.0, "aaa-2020": 100 / 3, "bbb-2018": 100.0, "bbb-2022": 200 / 3}
    )
    ns = c.scores.scorecard("aaa-2020").node("part.turnout")
    assert (ns.status, ns.value, ns.coverage) == ("scored", pytest.approx(30.0), 1.0)
    assert "cohort min-max over 4 missions: 20 scores 0, 50 scores 100" in ns.explanation.rule


def test_family_seven_measures_on_a_small_cohort(cohort):
    scores, ws = cohort
    c = compare(scores, ws.rubric, observations=ws.observations)
    # rights: aaa-2016 30, aaa-2020 75, bbb-2018 100, bbb-2022 80; the best is bbb-2018
    assert scores_of(c, "rights") == {
        "aaa-2016": 30.0,
        "aaa-2020": 75.0,
        "bbb-2018": 100.0,
        "bbb-2022": 80.0,
    }
    assert scores_of(c, "comp.best") == {
        "aaa-2016": 30.0,
        "aaa-2020": 75.0,
        "bbb-2018": 100.0,
        "bbb-2022": 80.0,
    }
    # change since the previous election of the same country: +45 and -20 on -50..50
    change = {
        card.mission.id: (
            card.node("comp.change").status,
            card.node("comp.change").value,
            card.node("comp.change").score,
        )
        for card in c.scores.scorecards
    }
    assert change == {
        "aaa-2016": ("not_applicable", None, None),
        "aaa-2020": ("scored", 45.0, pytest.approx(95.0)),
        "bbb-2018": ("not_applicable", None, None),
        "bbb-2022": ("scored", -20.0, pytest.approx(30.0)),
    }
    # practices reaching 80: the legal basis (100; in both countries) and the postal vote (yes;
    # in Brazil alone): only a practice of another country is one to adopt, so Brazil's
    # missions are judged on the legal basis alone
    assert scores_of(c, "comp.adopt") == {
        "aaa-2016": 0.0,
        "aaa-2020": 50.0,
        "bbb-2018": 100.0,
        "bbb-2022": 0.0,
    }
    comp = scores_of(c, "comparative")
    assert comp == pytest.approx(
        {
            "aaa-2016": 15.0,
            "aaa-2020": (75 + 95 + 50) / 3,
            "bbb-2018": 100.0,
            "bbb-2022": (80 + 30 + 0) / 3,
        }
    )
    # The comparative family is shown beside the overall, not in it (contributes: false).
    overall = {e.mission: e.score for e in c.rankings["overall"]}
    assert overall == pytest.approx(
        {
            "aaa-2016": (30 + 0) / 2,
            "aaa-2020": (75 + 100 / 3) / 2,
            "bbb-2018": 100.0,
            "bbb-2022": (80 + 200 / 3) / 2,
        }
    )
    assert [(e.mission, e.rank) for e in c.rankings["overall"]] == [
        ("bbb-2018", 1),
        ("bbb-2022", 2),
        ("aaa-2020", 3),
        ("aaa-2016", 4),
    ]
    assert c.trends == {
        "ARG": (
            ("aaa-2016", pytest.approx(15.0)),
            ("aaa-2020", pytest.approx(overall["aaa-2020"])),
        ),
        "BRA": (
            ("bbb-2018", pytest.approx(100.0)),
            ("bbb-2022", pytest.approx(overall["bbb-2022"])),
        ),
    }
    expl = c.scores.scorecard("bbb-2022").node("comp.change").explanation
    assert [(i.name, i.value) for i in expl.inputs] == [
        ("rights", 80.0),
        ("rights@bbb-2018", 100.0),
    ]
    assert any(
        f.code == "no-previous-mission" and f.node == "comp.change"
        for f in c.scores.scorecard("aaa-2016").findings
    )


def test_declared_previous_mission_is_used_for_change(tmp_path):
    """bbb-2022 declares bbb-2018 its previous mission, passing over bbb-2020, the latest."""
    missions = COHORT_MISSIONS.replace("name: B 2022,", "name: B 2022, previous: bbb-2018,") + (
        "      - {id: bbb-2020, country: BRA, name: B 2020, region: south,\n"
        "         election: {type: general, date: 2020-05-01},\n"
        '         answers: {rights.basis: statute, rights.postal: "no"}}\n'
    )
    stats = COHORT_STATS + "    bbb-2020,2000,100\n"
    root = workspace(tmp_path / "ws", rubric=COHORT_RUBRIC, missions=missions, statistics=stats)
    scores, ws = scored(root)
    c = compare(scores, ws.rubric, observations=ws.observations)
    expl = c.scores.scorecard("bbb-2022").node("comp.change").explanation
    assert [(i.name, i.value) for i in expl.inputs] == [
        ("rights", 80.0),
        ("rights@bbb-2018", 100.0),
    ]
    # 80 - 100 = -20 on -50..50
    assert c.scores.scorecard("bbb-2022").node("comp.change").score == pytest.approx(30.0)


def test_comparative_cycle_is_a_finding_not_a_crash(tmp_path):
    rubric = COHORT_RUBRIC.replace(
        "measure: distance_to_best, target: rights",
        "measure: distance_to_best, target: comparative",
    )
    root = workspace(
        tmp_path / "ws", rubric=rubric, missions=COHORT_MISSIONS, statistics=COHORT_STATS
    )
    scores, ws = scored(root)
    c = compare(scores, ws.rubric)
    assert {card.node("comp.best").status for card in c.scores.scorecards} == {"undefined"}
    assert [f.code for f in c.findings if f.node == "comp.best"] == ["comparative-cycle"]


def test_best_practice_needs_a_lead_and_brings_its_evidence(cohort):
    scores, ws = cohort
    c = compare(scores, ws.rubric)
    basis = c.leaders["rights.basis"]
    assert (basis.missions, basis.score, basis.lead_holds, basis.runner_up) == (
        ("aaa-2020", "bbb-2018"),
        100.0,
        True,
        "aaa-2016",
    )
    assert [e.explanation.inputs[0].provenance.source for e in basis.evidence] == [
        None,
        "Constitution art. 9",
    ]
    assert c.weakest["rights.basis"] == ("aaa-2016", "bbb-2022")
    assert c.leaders["rights.postal"].missions == ("bbb-2018", "bbb-2022")
    assert set(c.leaders) == {
        "rights.basis",
        "rights.postal",
        "part.turnout",
        "comp.best",
        "comp.change",
        "comp.adopt",
    }


def _mini_with_sites(tmp_path: Path, yes_a: int, n_a: int, yes_b: int, n_b: int) -> Path:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    rows = [
        "mission,site,site_country,site_city,observer,visited_at,notes,practice.on_time,"
        "practice.queue,practice.turned_away"
    ]
    for mission, yes, n in (("aaa-2020", yes_a, n_a), ("bbb-2021", yes_b, n_b)):
        for i in range(n):
            rows.append(
                f"{mission},s{i},USA,Miami,o{i},2020-05-01T08:00,,{'yes' if i < yes else 'no'},20,0"
            )
    (root / "checklists.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def test_best_practice_lead_does_not_hold_when_intervals_overlap(tmp_path):
    scores, ws = scored(_mini_with_sites(tmp_path, 5, 6, 4, 6))
    c = compare(scores, ws.rubric)
    bp = c.leaders["practice.on_time"]
    a, b = (c.scores.scorecard(m).node("practice.on_time") for m in ("aaa-2020", "bbb-2021"))
    assert a.score > b.score and a.interval[0] < b.interval[1]
    assert (bp.missions, bp.lead_holds, bp.runner_up) == (("aaa-2020",), False, "bbb-2021")
    assert bp.evidence[0].explanation.inputs[0].n == 6


def test_best_practice_lead_holds_when_intervals_are_apart(tmp_path):
    scores, ws = scored(_mini_with_sites(tmp_path, 40, 40, 2, 40))
    bp = compare(scores, ws.rubric).leaders["practice.on_time"]
    assert (bp.missions, bp.lead_holds, bp.runner_up) == (("aaa-2020",), True, "bbb-2021")


@pytest.mark.parametrize(
    ("sites", "thin", "holds"),
    [((4, 4, 0, 40), "aaa-2020", False), ((40, 40, 0, 4), "bbb-2021", True)],
    ids=["thin-leader", "thin-runner-up"],
)
def test_a_lead_never_holds_on_a_score_whose_interval_was_withheld(
    tmp_path: Path, sites: tuple[int, int, int, int], thin: str, holds: bool
) -> None:
    """A share from fewer polling places than an interval needs has an unknown uncertainty:
    its lead never holds. A runner-up so scored is judged by its score, or one thin mission
    would veto every lead on the indicator. Once an interval is estimated from those places
    (a lower minimum), each lead is judged on the intervals."""
    ws = load_workspace(_mini_with_sites(tmp_path, *sites))

    def leader(min_places: int) -> tuple[tuple[str, ...], bool, bool]:
        s = score(ws.rubric, ws.observations, seed=7, bootstrap=50, min_places=min_places)
        c = compare(s, ws.rubric)
        bp = c.leaders["practice.on_time"]
        withheld = c.scores.scorecard(thin).node("practice.on_time").interval is None
        return bp.missions, bp.lead_holds, withheld

    assert leader(5) == (("aaa-2020",), holds, True)
    assert leader(4) == (("aaa-2020",), True, False)


def test_a_lone_scored_mission_has_no_lead_to_hold(cohort):
    scores, ws = cohort
    c = compare(scores, ws.rubric)
    lone = compare(scores.model_copy(update={"scorecards": scores.scorecards[:1]}), ws.rubric)
    assert c.leaders["rights.basis"].lead_holds
    assert (lone.leaders["rights.basis"].lead_holds, lone.leaders["rights.basis"].runner_up) == (
        False,
        None,
    )


# --- normalisation, hand-computed ----------------------------------------------------------


def test_min_max_with_direction_and_range():
    assert list(normalise([10, 20, 40], "minmax")) == pytest.approx([0, 100 / 3, 100])
    assert list(normalise([10, 20, 40], "minmax", direction="lower")) == pytest.approx(
        [100, 200 / 3, 0]
    )
    assert list(normalise([10, 20, 40], "minmax", output_range=(1, 100))) == pytest.approx(
        [1, 34, 100]
    )
    out = normalise([10, None, 40], "minmax")
    assert out[0] == 0 and math.isnan(out[1]) and out[2] == 100


def test_z_score_uses_the_sample_deviation():
    sd = math.sqrt(((10 - 70 / 3) ** 2 + (20 - 70 / 3) ** 2 + (40 - 70 / 3) ** 2) / 2)
    expected = [(x - 70 / 3) / sd for x in (10, 20, 40)]
    assert list(normalise([10, 20, 40], "zscore")) == pytest.approx(expected)
    assert list(normalise([10, 20, 40], "zscore", zscore_scale=(50, 10))) == pytest.approx(
        [50 + 10 * z for z in expected]
    )


def test_rank_and_percentile_share_the_lower_rank_on_ties():
    assert list(normalise([10, 20, 20, 40], "rank")) == [1, 2, 2, 4]
    assert list(normalise([10, 20, 20, 40], "percentile")) == pytest.approx(
        [0, 100 / 3, 100 / 3, 100]
    )
    assert list(normalise([10, 20, 20, 40], "rank", direction="lower")) == [4, 2, 2, 1]


def test_distance_to_best_counts_points_on_scores_and_range_on_raw_values():
    assert list(normalise([50, 70, 90], "distance_to_best", span=100)) == [60, 80, 100]
    assert list(normalise([10, 20, 40], "distance_to_best")) == pytest.approx([0, 100 / 3, 100])


def test_distance_to_target_is_capped_at_the_target():
    assert list(normalise([50, 70, 90], "distance_to_target", target=80)) == pytest.approx(
        [0, 200 / 3, 100]
    )
    # lower is better: 1 - (-8 - -10) / (-8 - -20) = 10 / 12
    assert list(
        normalise([5, 10, 20], "distance_to_target", target=8, direction="lower")
    ) == pytest.approx([100, 250 / 3, 0])


def test_undefined_normalisation_gives_nan_not_a_crash():
    assert [math.isnan(v) for v in normalise([None, None], "minmax")] == [True, True]
    assert [math.isnan(v) for v in normalise([None, 3.0], "zscore")] == [True, False]


def test_normalisation_of_every_indicator_on_request(cohort):
    scores, ws = cohort
    # rights.basis scores 60, 100, 100, 60 (aaa-2016, aaa-2020, bbb-2018, bbb-2022)
    expected = {
        "rank": [1, 3, 3, 1],
        "percentile": [0, 200 / 3, 200 / 3, 0],
        "distance_to_best": [60, 100, 100, 60],
        "zscore": [-math.sqrt(3) / 2, math.sqrt(3) / 2, math.sqrt(3) / 2, -math.sqrt(3) / 2],
        "minmax": [0, 100, 100, 0],
    }
    for method, values in expected.items():
        c = compare(scores, ws.rubric, ComparisonSettings(normalisation=method))  # type: ignore[arg-type]
        got = scores_of(c, "rights.basis")
        assert [got[m] for m in sorted(got)] == pytest.approx(values), method
        assert c.settings.normalisation == method
    c = compare(
        scores,
        ws.rubric,
        ComparisonSettings(normalisation="distance_to_target", targets={"rights.basis": 80}),
    )
    assert [scores_of(c, "rights.basis")[m] for m in sorted(scores_of(c, "rights.basis"))] == [
        0,
        100,
        100,
        0,
    ]
    z = compare(scores, ws.rubric, ComparisonSettings(normalisation="zscore"))
    assert z.scores.scorecard("aaa-2016").node("rights.basis").band is None


def test_normalisation_of_a_group_only(cohort):
    scores, ws = cohort
    c = compare(
        scores, ws.rubric, ComparisonSettings(normalisation="minmax", normalise_nodes=["rights"])
    )
    assert scores_of(c, "rights") == pytest.approx(
        {"aaa-2016": 0.0, "aaa-2020": 450 / 7, "bbb-2018": 100.0, "bbb-2022": 500 / 7}
    )
    assert scores_of(c, "rights.basis")["aaa-2016"] == 60.0


# --- aggregation methods, hand-computed ----------------------------------------------------

AGG_RUBRIC = """
    ovm_rubric: 1
    id: agg
    version: "1"
    title: {en: Aggregation}
    languages: [en]
    families:
      - id: f
        labels: {en: F}
        children:
""" + "".join(
    f"""
          - id: f.{name}
            kind: levels
            labels: {{en: {name}}}
            source: analyst
            weight: {weight}
            levels: [{
        ", ".join(
            f"{{key: {s}, score: {s}, descriptor: {{en: s{s}}}}}"
            for s in (0, 10, 20, 40, 50, 80, 100)
        )
    }]
"""
    for name, weight in (("a", 1), ("b", 2), ("c", 1))
)

AGG_MISSIONS = """
    missions:
      - {id: m1, country: ARG, name: M1, election: {type: general, date: 2020-01-01},
         answers: {f.a: 40, f.b: 80, f.c: 20}}
      - {id: m2, country: BRA, name: M2, election: {type: general, date: 2020-01-01},
         answers: {f.a: 100, f.b: 10, f.c: 50}}
      - {id: m3, country: CHL, name: M3, election: {type: general, date: 2020-01-01},
         answers: {f.a: 0, f.b: 100, f.c: 100}}
"""


@pytest.fixture(scope="module")
def agg(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScoreSet, object]:
    root = workspace(
        tmp_path_factory.mktemp("agg") / "ws", rubric=AGG_RUBRIC, missions=AGG_MISSIONS
    )
    return scored(root)


@pytest.mark.parametrize(
    ("method", "m1", "m2"),
    [
        ("arithmetic", 0.25 * 40 + 0.5 * 80 + 0.25 * 20, 0.25 * 100 + 0.5 * 10 + 0.25 * 50),
        ("geometric", 40**0.25 * 80**0.5 * 20**0.25, 100**0.25 * 10**0.5 * 50**0.25),
        (
            "harmonic",
            1 / (0.25 / 40 + 0.5 / 80 + 0.25 / 20),
            1 / (0.25 / 100 + 0.5 / 10 + 0.25 / 50),
        ),
        (
            "generalised:2",
            math.sqrt(0.25 * 40**2 + 0.5 * 80**2 + 0.25 * 20**2),
            math.sqrt(0.25 * 100**2 + 0.5 * 10**2 + 0.25 * 50**2),
        ),
        (
            "generalised:0.5",
            (0.25 * 40**0.5 + 0.5 * 80**0.5 + 0.25 * 20**0.5) ** 2,
            (0.25 * 100**0.5 + 0.5 * 10**0.5 + 0.25 * 50**0.5) ** 2,
        ),
        ("minimum", 20, 10),
        ("sum", 40 + 2 * 80 + 20, 100 + 2 * 10 + 50),
    ],
)
def test_aggregation_methods_hand_computed(agg, method, m1, m2):
    scores, ws = agg
    c = compare(scores, ws.rubric, ComparisonSettings(aggregation={"f": method}))
    assert scores_of(c, "f")["m1"] == pytest.approx(m1, abs=1e-12)
    assert scores_of(c, "f")["m2"] == pytest.approx(m2, abs=1e-12)
    assert c.rankings["overall"][0].score == pytest.approx(
        max(s for s in scores_of(c, "f").values() if s is not None)
    )
    # The settings are kept as given, not as resolved.
    assert c.settings.aggregation == {"f": method}


@pytest.mark.parametrize("method", ["geometric", "harmonic", "generalised:-1"])
def test_a_zero_under_a_geometric_mean_is_a_finding_not_a_nan(agg, method):
    scores, ws = agg
    c = compare(scores, ws.rubric, ComparisonSettings(aggregation={"*": method}))
    m3 = c.scores.scorecard("m3")
    assert (m3.node("f").status, m3.node("f").score) == ("undefined", None)
    # An undefined family makes the overall undefined rather than dropping out of it.
    assert (m3.overall.status, m3.overall.score) == ("undefined", None)
    assert [f.code for f in m3.findings if f.node == "f"] == ["aggregation-undefined"]
    cohort = [f for f in c.findings if f.code == "aggregation-undefined"]
    assert [(f.node, "1 mission" in f.message) for f in cohort] == [("f", True)]
    assert [(e.mission, e.rank) for e in c.rankings["overall"]][-1] == ("m3", None)
    json.loads(comparison_json(c))  # no NaN anywhere


def test_a_one_to_hundred_range_keeps_the_geometric_mean_defined(agg):
    scores, ws = agg
    c = compare(
        scores,
        ws.rubric,
        ComparisonSettings(
            normalisation="minmax", output_range=(1, 100), aggregation={"*": "geometric"}
        ),
    )
    # m3 normalises to a=1, b=100, c=100
    assert scores_of(c, "f")["m3"] == pytest.approx(1**0.25 * 100**0.5 * 100**0.25)
    assert not [f for f in c.findings if f.code == "aggregation-undefined"]


def test_nothing_cohort_dependent_leaves_the_scores_alone(agg):
    scores, ws = agg
    c = compare(scores, ws.rubric)
    assert c.scores.scorecards == scores.scorecards
    assert c.findings == ()


def test_groups_of_z_scores_have_no_band(cohort):
    scores, ws = cohort
    c = compare(scores, ws.rubric, ComparisonSettings(normalisation="zscore"))
    assert {card.node("rights").band for card in c.scores.scorecards} == {None}
    assert {card.node("rights").band for card in compare(scores, ws.rubric).scores.scorecards} == {
        0,
        1,
    }


def test_unknown_aggregation_settings_raise(agg):
    scores, ws = agg
    with pytest.raises(ValueError, match="not a group"):
        compare(scores, ws.rubric, ComparisonSettings(aggregation={"nope": "geometric"}))
    with pytest.raises(ValueError, match="unknown aggregation"):
        compare(scores, ws.rubric, ComparisonSettings(aggregation={"f": "median"}))
    with pytest.raises(ValueError, match="exponent"):
        compare(scores, ws.rubric, ComparisonSettings(aggregation={"f": "generalised"}))


def test_scores_of_another_rubric_are_refused(agg, cohort):
    with pytest.raises(ValueError, match="rubric"):
        compare(agg[0], cohort[1].rubric)


# --- rankings ------------------------------------------------------------------------------


def test_ties_share_the_better_rank_and_unscored_come_last():
    got = rank({"a": 50.0, "b": 70.0, "c": 70.0 + 1e-12, "d": 10.0, "e": None, "f": float("nan")})
    assert [(e.mission, e.rank, e.tied) for e in got] == [
        ("b", 1, True),
        ("c", 1, True),
        ("a", 3, False),
        ("d", 4, False),
        ("e", None, False),
        ("f", None, False),
    ]
    assert got[-1].score is None


def test_identical_missions_tie_in_every_ranking(tmp_path):
    missions = AGG_MISSIONS.replace("f.a: 0, f.b: 100, f.c: 100", "f.a: 40, f.b: 80, f.c: 20")
    scores, ws = scored(workspace(tmp_path / "ws", rubric=AGG_RUBRIC, missions=missions))
    c = compare(scores, ws.rubric)
    assert [(e.mission, e.rank, e.tied) for e in c.rankings["overall"]] == [
        ("m1", 1, True),
        ("m3", 1, True),
        ("m2", 3, False),
    ]
    assert c.leaders["f.b"].missions == ("m1", "m3")


scores_strategy = st.dictionaries(
    st.text(alphabet="abcdefgh", min_size=1, max_size=3),
    st.one_of(st.none(), st.floats(0, 100), st.sampled_from([0.0, 50.0, 100.0])),
    max_size=12,
)


@given(scores_strategy, st.randoms(use_true_random=False))
def test_ranks_are_a_permutation_consistent_function_of_scores(scores, rnd):
    items = list(scores.items())
    rnd.shuffle(items)
    assert rank(dict(items)) == rank(scores)
    for e in rank(scores):
        s = scores[e.mission]
        if s is None:
            assert e.rank is None
            continue
        better = sum(1 for o in scores.values() if o is not None and round(o, 9) > round(s, 9))
        assert e.rank == better + 1
        assert e.tied == (
            sum(1 for o in scores.values() if o is not None and round(o, 9) == round(s, 9)) > 1
        )


@given(st.permutations(range(4)))
def test_the_order_of_missions_changes_nothing(cohort, order):
    scores, ws = cohort
    baseline = comparison_json(compare(scores, ws.rubric, ComparisonSettings(imputation="mean")))
    shuffled = scores.model_copy(update={"scorecards": tuple(scores.scorecards[i] for i in order)})
    assert (
        comparison_json(compare(shuffled, ws.rubric, ComparisonSettings(imputation="mean")))
        == baseline
    )


@given(
    st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6)), min_size=1, max_size=30),
    st.floats(-1e3, 1e3),
    st.floats(1e-3, 1e3),
    st.sampled_from(["minmax", "percentile", "distance_to_best", "distance_to_target"]),
)
def test_bounded_normalisations_stay_within_the_output_range(values, lo, width, method):
    out = normalise(values, method, output_range=(lo, lo + width))
    finite = [v for v in out if not math.isnan(v)]
    assert all(lo <= v <= lo + width for v in finite)
    assert [v is None for v in values] == [
        v is None or math.isnan(o) for v, o in zip(values, out, strict=True)
    ] or not finite


# --- imputation ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gappy(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScoreSet, object]:
    """bbb-2022 without votes abroad: its turnout is missing, and participation holds one
    observed answer beside it, half of its weight (a group is imputed into only where its
    observed values meet its minimum coverage)."""
    stats = COHORT_STATS.replace("bbb-2022,2000,800", "bbb-2022,2000,")
    rubric = COHORT_RUBRIC.replace(
        "            rule: {type: cohort}\n",
        "            rule: {type: cohort}\n"
        "          - {id: part.law, kind: answer, labels: {en: Law}, source: legal}\n",
    )
    missions = COHORT_MISSIONS.replace("answers: {", 'answers: {part.law: "yes", ')
    assert rubric != COHORT_RUBRIC and missions.count("part.law") == 4
    root = workspace(
        tmp_path_factory.mktemp("gappy") / "ws",
        rubric=rubric,
        missions=missions,
        statistics=stats,
    )
    return scored(root)


def test_imputation_is_off_by_default(gappy):
    scores, ws = gappy
    c = compare(scores, ws.rubric)
    assert c.scores.scorecard("bbb-2022").node("part.turnout").status == "missing"
    assert c.settings.imputation == "none"
    assert not [f for f in c.findings if f.code.startswith("imput")]


@pytest.mark.parametrize(
    ("kwargs", "raw", "norm"),
    [
        ({"imputation": "mean"}, 100 / 3, (100 / 3 - 20) / 30 * 100),
        (
            {
                "imputation": "group_mean",
                "groups": {"aaa-2016": "x", "aaa-2020": "x", "bbb-2018": "y", "bbb-2022": "x"},
            },
            25.0,
            (25 - 20) / 30 * 100,
        ),
    ],
)
def test_imputation_is_applied_and_reported(gappy, kwargs, raw, norm):
    scores, ws = gappy
    c = compare(scores, ws.rubric, ComparisonSettings(**kwargs))
    ns = c.scores.scorecard("bbb-2022").node("part.turnout")
    assert (ns.status, ns.value, ns.score, ns.coverage) == (
        "scored",
        pytest.approx(raw),
        pytest.approx(norm),
        0.0,
    )
    assert "imputed" in ns.explanation.rule
    card_findings = [
        f for f in c.scores.scorecard("bbb-2022").findings if f.code == "imputed-value"
    ]
    assert [f.node for f in card_findings] == ["part.turnout"]
    assert [(f.code, f.severity) for f in c.findings if f.code == "imputation-used"] == [
        ("imputation-used", "warning")
    ]
    assert "1 missing value" in c.findings[0].message
    assert c.settings == ComparisonSettings(**kwargs)


def test_no_mean_is_imputed_from_one_observed_mission(gappy):
    # bbb-2022's region holds one other mission (bbb-2018): its value is no mean.
    scores, ws = gappy
    c = compare(scores, ws.rubric, ComparisonSettings(imputation="group_mean"))
    card = c.scores.scorecard("bbb-2022")
    assert card.node("part.turnout").status == "missing"
    said = [f for f in card.findings if f.code == "imputation-failed"]
    assert [(f.node, f.message, f.params) for f in said] == [
        (
            "part.turnout",
            "no value observed, and only one mission in group 'south' to impute from: a mean "
            "needs at least 2",
            {"variant": "group_one", "group": "south"},
        )
    ]
    assert "0 missing values" in c.findings[0].message


def test_imputation_without_a_group_is_reported_as_failed(gappy):
    scores, ws = gappy
    c = compare(
        scores, ws.rubric, ComparisonSettings(imputation="group_mean", groups={"aaa-2016": "x"})
    )
    card = c.scores.scorecard("bbb-2022")
    assert card.node("part.turnout").status == "missing"
    assert [f.code for f in card.findings if f.node == "part.turnout"][-1] == "imputation-failed"
    assert c.findings[0].severity == "info" and "0 missing value" in c.findings[0].message


# --- outputs and the command line ----------------------------------------------------------


def test_comparison_json_and_csv_are_deterministic(cohort):
    scores, ws = cohort
    a, b = compare(scores, ws.rubric), compare(scores, ws.rubric)
    assert comparison_json(a) == comparison_json(b)
    data = json.loads(comparison_json(a))
    assert data["format"] == "ovm-comparison/3"
    assert data["rankings"]["overall"][0] == {
        "mission": "bbb-2018",
        "score": pytest.approx(100.0),
        "rank": 1,
        "tied": False,
        "not_scored": [],
    }
    assert data["best"]["rights.basis"]["missions"] == ["aaa-2020", "bbb-2018"]
    lines = comparison_csv(a).splitlines()
    assert lines[0] == (
        "node,rank,tied,mission,score,status,band,band_label,rating,interval_low,"
        "interval_high,simulated,not_scored,capped_by"
    )
    assert lines[1].startswith("overall,1,no,bbb-2018,100.0,scored,")  # rounded to 10
    assert ",Strong," in lines[1]


@pytest.fixture
def main():
    """The ovm command line."""
    return cli.main


def test_cli_compare_writes_json_and_csv(main, tmp_path, capsys):
    root = workspace(
        tmp_path / "ws", rubric=COHORT_RUBRIC, missions=COHORT_MISSIONS, statistics=COHORT_STATS
    )
    out = tmp_path / "c.json"
    assert main(["compare", str(root), "-o", str(out), "-q"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [e["mission"] for e in data["rankings"]["overall"]] == [
        "bbb-2018",
        "bbb-2022",
        "aaa-2020",
        "aaa-2016",
    ]
    assert (
        main(
            [
                "compare",
                str(root),
                "--format",
                "csv",
                "--normalisation",
                "rank",
                "--aggregation",
                "geometric",
                "--aggregation",
                "rights=minimum",
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert captured.out.startswith("node,rank,tied,mission")
    assert "first overall" in captured.err


def test_cli_compare_exit_codes(main, tmp_path, capsys):
    root = workspace(
        tmp_path / "ws", rubric=COHORT_RUBRIC, missions=COHORT_MISSIONS, statistics=COHORT_STATS
    )
    assert main(["compare", str(root), "--aggregation", "nope=geometric", "-q"]) == 2
    assert "not a group" in capsys.readouterr().err
    bad = workspace(
        tmp_path / "bad",
        rubric=COHORT_RUBRIC,
        missions=COHORT_MISSIONS,
        statistics=COHORT_STATS.replace("aaa-2016,1000,200", "aaa-2016,1000,abc"),
    )
    assert main(["compare", str(bad), "-q"]) == 1
    assert main(["compare", str(tmp_path / "nowhere"), "-q"]) == 2


# --- wide tables ---------------------------------------------------------------------------

WIDE_RUBRIC = """
    ovm_rubric: 1
    id: wide
    version: "1"
    title: {en: Wide}
    languages: [en]
    min_coverage: 0
    variables:
      - {name: goods, labels: {en: Goods}, unit: usd, source: statistics}
      - {name: co2, labels: {en: CO2}, unit: t, source: statistics}
    families:
      - id: all
        labels: {en: All}
        children:
          - {id: goods, kind: quantitative, labels: {en: Goods}, source: statistics,
             formula: goods, rule: {type: cohort}}
          - {id: co2, kind: quantitative, labels: {en: CO2}, source: statistics,
             formula: co2, rule: {type: cohort, direction: lower}}
"""


def test_observations_from_a_wide_table(tmp_path):
    rubric = load_rubric(textwrap.dedent(WIDE_RUBRIC), file="wide.yaml")
    table = tmp_path / "wide.csv"
    table.write_text(
        "UnitCode,UnitName,Year,Group_Size,Goods,CO2,Extra\n"
        "AUT,Austria,2018,S,1.5,10,x\n"
        "BEL,Belgium,2018,M,3.5,NA,y\n"
        "FRA,France,2018,L,2.5,30,z\n"
        "XX1,Nowhere,2018,L,abc,1,z\n",
        encoding="utf-8",
    )
    obs = observations_from_wide(table, rubric, region_column="Group_Size")
    assert [(m.id, m.country, m.title(), m.region, m.election) for m in obs.missions] == [
        ("aut", "AUT", "Austria", "S", PLACEHOLDER_ELECTION),
        ("bel", "BEL", "Belgium", "M", PLACEHOLDER_ELECTION),
        ("fra", "FRA", "France", "L", PLACEHOLDER_ELECTION),
    ]
    bel = obs.mission("bel")
    assert (bel.values["goods"].value, bel.values["co2"].status) == (3.5, "missing")
    assert bel.values["goods"].provenance.line == 3
    assert [(r.row, sorted(i.code for i in r.reasons)) for r in obs.report.rejected] == [
        (5, ["invalid-country", "invalid-number"])
    ]
    assert obs.report.files[0].unmatched_columns == ("Extra",)
    assert [i.code for i in obs.report.issues] == ["unknown-column"]
    c = compare(score(rubric, obs, bootstrap=0), rubric)
    assert scores_of(c, "co2") == {"aut": 100.0, "bel": None, "fra": 0.0}
    assert scores_of(c, "goods") == {"aut": 0.0, "bel": 100.0, "fra": 50.0}
    assert wide_groups(table, "Group_Size") == {"aut": "S", "bel": "M", "fra": "L", "xx1": "L"}


def test_observations_from_a_polars_frame_with_nan():
    rubric = load_rubric(textwrap.dedent(WIDE_RUBRIC), file="wide.yaml")
    df = pl.DataFrame({"UnitCode": ["AUT", "BEL"], "Goods": [1.0, float("nan")], "CO2": [1.0, 2.0]})
    obs = observations_from_wide(df, rubric, name_column=None)
    assert obs.mission("bel").values["goods"].status == "missing"
    assert obs.mission("aut").values["co2"].value == 1.0


def test_a_wide_row_above_its_limit_is_rejected():
    text = textwrap.dedent(WIDE_RUBRIC).replace(
        "unit: t, source: statistics}", "unit: t, source: statistics, at_most: goods}"
    )
    rubric = load_rubric(text, file="wide.yaml")
    df = pl.DataFrame({"UnitCode": ["AUT", "BEL"], "Goods": [5.0, 1.0], "CO2": [1.0, 2.0]})
    obs = observations_from_wide(df, rubric, name_column=None)
    assert [m.id for m in obs.missions] == ["aut"]
    assert [(r.row, [i.code for i in r.reasons]) for r in obs.report.rejected] == [
        (3, ["exceeds-limit"])
    ]


def test_no_weakest_when_every_mission_ties(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    text = (ws / "missions.yaml").read_text(encoding="utf-8")
    (ws / "missions.yaml").write_text(
        text.replace("rights.basis: statute", "rights.basis: constitution"), encoding="utf-8"
    )
    w = load_workspace(ws)
    c = compare(score(w.rubric, w.observations, bootstrap=0), w.rubric)
    assert c.leaders["rights.basis"].missions == ("aaa-2020", "bbb-2021")
    assert c.weakest["rights.basis"] == ()


def test_zscores_or_ranks_mixed_with_family_7_in_the_overall_are_refused(tmp_path):
    root = workspace(
        tmp_path / "ws",
        rubric=COHORT_RUBRIC.replace("        contributes: false\n", ""),
        missions=COHORT_MISSIONS,
        statistics=COHORT_STATS,
    )
    scores, ws = scored(root)
    for method in ("zscore", "rank"):
        with pytest.raises(ValueError, match=r"comp\.best, comp\.change, comp\.adopt"):
            compare(scores, ws.rubric, ComparisonSettings(normalisation=method))
    assert cli.main(["compare", str(root), "-q", "--normalisation", "zscore"]) == 2
    # Bounded methods land on the 0-100 scale family 7 is on: no refusal.
    compare(scores, ws.rubric, ComparisonSettings(normalisation="minmax"))


def test_family_7_kept_out_of_the_overall_lets_zscores_through(cohort):
    scores, ws = cohort
    z = compare(scores, ws.rubric, ComparisonSettings(normalisation="zscore"))
    assert z.settings.normalisation == "zscore"


@pytest.mark.parametrize("method", ["zscore", "rank"])
def test_family_7_and_best_practices_stay_on_the_rubric_scale_under_zscores_or_ranks(
    tmp_path, capsys, method
):
    # Family 7 measures gaps in points of the 0-100 scale and a best practice needs a good
    # band: on z-scores every mission came out 98-100 from the best, adoption never reached
    # its threshold of 80, and an analyst's indicator of the family was itself a z-score.
    rubric = COHORT_RUBRIC.replace(
        "    families:\n",
        '      - {name: followed, labels: {en: Followed up}, unit: "%", type: percent,\n'
        "         source: analyst}\n    families:\n",
    ).replace(
        "             measure: practice_adoption, target: rights, threshold: 80}\n",
        "             measure: practice_adoption, target: rights, threshold: 80}\n"
        "          - {id: comp.followed, kind: quantitative, labels: {en: Followed up},\n"
        '             source: analyst, unit: "%", formula: followed, rule: {type: identity}}\n',
    )
    root = workspace(
        tmp_path / "ws",
        rubric=rubric,
        missions=COHORT_MISSIONS,
        statistics=COHORT_STATS.replace("votes_abroad\n", "votes_abroad,followed\n")
        .replace(",200\n", ",200,\n")
        .replace(",300\n", ",300,50\n")
        .replace(",1000\n", ",1000,\n")
        .replace(",800\n", ",800,100\n"),
    )
    scores, ws = scored(root)
    plain = compare(scores, ws.rubric, observations=ws.observations)
    other = compare(
        scores, ws.rubric, ComparisonSettings(normalisation=method), observations=ws.observations
    )
    family_7 = ["comparative", "comp.best", "comp.change", "comp.adopt", "comp.followed"]
    assert scores_of(plain, "comp.followed") == {
        "aaa-2016": None, "aaa-2020": 50.0, "bbb-2018": None, "bbb-2022": 100.0
    }  # fmt: skip
    for node in family_7:
        assert [c.node(node) for c in other.scores.scorecards] == [
            c.node(node) for c in plain.scores.scorecards
        ], node
    assert (other.best, other.leaders, other.weakest) == (
        plain.best,
        plain.leaders,
        plain.weakest,
    )
    assert "comp.best" in other.best
    # and no note of a normalisation that family 7 no longer undergoes
    assert [f for f in other.findings if f.node in family_7] == [
        f for f in plain.findings if f.node in family_7
    ]
    # What reaches the overall follows the normalisation asked for.
    assert scores_of(other, "rights") != scores_of(plain, "rights")
    # ovm compare shows the same family 7 rows either way, and the normalised overall.
    rows = []
    for argv in ([], ["--normalisation", method]):
        assert cli.main(["compare", str(root), "-q", "--format", "csv", *argv]) == 0
        lines = capsys.readouterr().out.splitlines()
        rows.append([x for x in lines if x.startswith(("comparative,", "comp."))])
        rows.append([x for x in lines if x.startswith("overall,")])
    assert rows[0] == rows[2] and len(rows[0]) == 5 * 4
    assert rows[1] != rows[3]


def test_practice_adoption_on_a_minority_of_practices_is_insufficient():
    ws = load_workspace(Path(__file__).parents[1] / "examples")
    c = compare(
        score(ws.rubric, ws.observations, bootstrap=0), ws.rubric, observations=ws.observations
    )
    statuses = {card.node("comparative.adoption_procedures").status for card in c.scores.scorecards}
    assert {"scored", "insufficient"} <= statuses
    for card in c.scores.scorecards:
        node = card.node("comparative.adoption_procedures")
        inputs = node.explanation.inputs
        seen = [i for i in inputs if i.status == "value"]
        unseen = [i for i in inputs if i.status == "missing"]
        if seen and len(seen) < len(seen + unseen) / 2:
            assert (node.status, node.score) == ("insufficient", None), card.mission.id
        elif seen:
            assert node.status == "scored", card.mission.id


def test_a_best_practice_needs_a_holding_lead_and_a_good_band(tmp_path):
    # 40 of 40 against 2 of 40: the lead holds and 100 is in the mini rubric's top band.
    scores, ws = scored(_mini_with_sites(tmp_path / "good", 40, 40, 2, 40))
    c = compare(scores, ws.rubric)
    assert c.best["practice.on_time"] == c.leaders["practice.on_time"]
    assert c.leaders["practice.on_time"].good
    # Overlapping intervals: a leader, no best practice.
    scores, ws = scored(_mini_with_sites(tmp_path / "close", 5, 6, 4, 6))
    c = compare(scores, ws.rubric)
    assert "practice.on_time" in c.leaders and "practice.on_time" not in c.best


def test_leaders_whose_score_is_not_good_are_no_best_practice(tmp_path):
    # 40 % against 0 %: the lead holds, yet a score in the weak band is no practice to
    # replicate.
    scores, ws = scored(_mini_with_sites(tmp_path, 16, 40, 0, 40))
    c = compare(scores, ws.rubric)
    leader = c.leaders["practice.on_time"]
    assert (leader.missions, leader.lead_holds, leader.good) == (("aaa-2020",), True, False)
    assert "practice.on_time" not in c.best
    # Any band will do when the settings ask for no band.
    anyband = compare(scores, ws.rubric, ComparisonSettings(best_practice_bands=0))
    assert anyband.best["practice.on_time"].missions == ("aaa-2020",)


def test_a_cohort_tied_at_zero_names_no_best_practice(tmp_path):
    scores, ws = scored(_mini_with_sites(tmp_path, 0, 10, 0, 10))
    c = compare(scores, ws.rubric)
    tied = c.leaders["practice.on_time"]
    assert (tied.missions, tied.score, tied.lead_holds) == (("aaa-2020", "bbb-2021"), 0.0, False)
    assert "practice.on_time" not in c.best


def test_a_sum_over_a_missing_child_is_insufficient_not_lower(tmp_path):
    missions = AGG_MISSIONS.replace(
        "answers: {f.a: 0, f.b: 100, f.c: 100}", "answers: {f.a: 0, f.b: 100}"
    )
    root = workspace(
        tmp_path / "ws",
        rubric=AGG_RUBRIC.replace(
            "        labels: {en: F}\n", "        labels: {en: F}\n        aggregation: sum\n"
        ),
        missions=missions,
    )
    scores, _ = scored(root)
    full, partial = scores.scorecard("m1").node("f"), scores.scorecard("m3").node("f")
    assert (full.status, full.score) == ("scored", 40 + 2 * 80 + 20)
    assert (partial.status, partial.score) == ("insufficient", None)
    found = [(f.code, f.params["names"]) for f in scores.scorecard("m3").findings if f.node == "f"]
    assert found == [("sum-incomplete", "f.c")]
    # A mean renormalises over the scored children instead: still scored.
    mean_scores, _ = scored(workspace(tmp_path / "mean", rubric=AGG_RUBRIC, missions=missions))
    assert mean_scores.scorecard("m3").node("f").status == "scored"


def test_missions_are_also_ranked_among_peers_of_their_region(cohort):
    scores, ws = cohort
    c = compare(scores, ws.rubric)
    assert {g: p.missions for g, p in c.peers.items()} == {
        "north": ("aaa-2016", "aaa-2020"),
        "south": ("bbb-2018", "bbb-2022"),
    }
    south = c.peers_of("bbb-2022")
    assert south is not None and south.group == "south"
    assert [(e.mission, e.rank) for e in south.rankings["overall"]] == [
        ("bbb-2018", 1),
        ("bbb-2022", 2),
    ]
    # Each group names its own best practice where the whole cohort's is elsewhere.
    assert c.best["rights.basis"].missions == ("aaa-2020", "bbb-2018")
    assert c.peers["north"].best["rights.basis"].missions == ("aaa-2020",)


def test_peer_groups_can_be_given_and_a_lone_mission_has_no_peers(cohort):
    scores, ws = cohort
    groups = {"aaa-2016": "paper", "bbb-2018": "paper", "aaa-2020": "online"}
    c = compare(scores, ws.rubric, ComparisonSettings(peer_groups=groups))
    assert list(c.peers) == ["paper"]
    assert c.peers_of("aaa-2020") is None and c.peers_of("bbb-2022") is None
    assert json.loads(comparison_json(c))["peers"]["paper"]["missions"] == ["aaa-2016", "bbb-2018"]
