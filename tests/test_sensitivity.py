"""sensitivity(): Monte Carlo over weights, aggregation, normalisation, drops and sampling."""

from __future__ import annotations

import json
import math
import random
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ovm import load_workspace, score
from ovm.cli import app as cli
from ovm.comparison.cohort import compare
from ovm.comparison.sensitivity import CHOICES, Sensitivity, sensitivity, sensitivity_to_dict
from ovm.indicators import Band
from ovm.scoring.results import ScoreSet
from ovm.settings import ComparisonSettings, SensitivitySettings

RUBRIC = """
    ovm_rubric: 1
    id: sens
    version: "1"
    title: {en: Sensitivity}
    languages: [en]
    variables:
      - {name: registered_abroad, labels: {en: Registered}, unit: voters, type: count,
         source: statistics}
      - {name: votes_abroad, labels: {en: Votes}, unit: votes, type: count,
         source: statistics, at_most: registered_abroad}
    families:
      - id: legal
        labels: {en: Legal}
        children:
          - id: legal.basis
            kind: levels
            labels: {en: Basis}
            source: legal
            levels:
              - {key: none, score: 0, descriptor: {en: None}}
              - {key: statute, score: 60, descriptor: {en: Statute}}
              - {key: constitution, score: 100, descriptor: {en: Constitution}}
          - {id: legal.postal, kind: answer, labels: {en: Postal}, source: legal}
          - id: legal.turnout
            kind: quantitative
            labels: {en: Turnout}
            source: statistics
            formula: votes_abroad / registered_abroad * 100
            rule: {type: cohort}
      - id: practice
        labels: {en: Practice}
        weight: 2
        children:
          - id: practice.on_time
            kind: checklist
            labels: {en: On time}
            source: checklist
            question: {en: "Open on time?"}
            min_answers: 3
          - id: practice.queue
            kind: checklist
            labels: {en: Queue}
            source: checklist
            question: {en: Minutes}
            answer_type: integer
            stat: median
            rule: {type: goalposts, low: 0, high: 60, direction: lower}
            min_answers: 3
"""

BASIS = [
    "statute",
    "constitution",
    "none",
    "constitution",
    "statute",
    "constitution",
    "statute",
    "none",
]
POSTAL = ["yes", "partial", "yes", "no", "yes", "yes", "no", "partial"]


COUNTRIES = ("ARG", "BOL", "BRA", "CHL", "COL", "CRI", "ECU", "MEX", "PAN", "PER", "PRY", "URY")


def _write(root: Path) -> Path:
    rnd = random.Random(11)
    root.mkdir(parents=True)
    (root / "rubric.yaml").write_text(textwrap.dedent(RUBRIC), encoding="utf-8")
    missions = ["missions:"]
    stats = ["mission,registered_abroad,votes_abroad"]
    sites = [
        "mission,site,site_country,site_city,observer,visited_at,notes,practice.on_time,"
        "practice.queue"
    ]
    for i, (basis, postal) in enumerate(zip(BASIS, POSTAL, strict=True)):
        mid = f"m{i}"
        missions.append(
            f"  - {{id: {mid}, country: {COUNTRIES[i]}, name: M{i}, "
            f"election: {{type: general, date: 2020-01-0{i + 1}}}, "
            f'answers: {{legal.basis: {basis}, legal.postal: "{postal}"}}}}'
        )
        stats.append(f"{mid},1000,{100 + 70 * i}")
        p = 0.4 + 0.07 * i
        for j in range(8):
            sites.append(
                f"{mid},s{j},USA,Miami,o{j},2020-01-01T08:00,,"
                f"{'yes' if rnd.random() < p else 'no'},{rnd.randint(0, 50)}"
            )
    (root / "missions.yaml").write_text("\n".join(missions) + "\n", encoding="utf-8")
    (root / "statistics.csv").write_text("\n".join(stats) + "\n", encoding="utf-8")
    (root / "checklists.csv").write_text("\n".join(sites) + "\n", encoding="utf-8")
    (root / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\n"
        "statistics: [statistics.csv]\nchecklists: [checklists.csv]\n"
        "settings: {seed: 3, bootstrap: 60}\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("sens") / "ws")


@pytest.fixture(scope="module")
def cohort(workspace: Path) -> tuple[ScoreSet, object]:
    ws = load_workspace(workspace)
    return score(ws.rubric, ws.observations, seed=3, bootstrap=60), ws


def test_the_cohort_has_sampled_indicators(cohort):
    scores, _ = cohort
    sampled = {n.node for c in scores.scorecards for n in c.nodes if n.interval is not None}
    assert {"practice.on_time", "practice.queue"} <= sampled


def test_same_seed_same_result_and_another_seed_another(cohort):
    scores, ws = cohort
    a = sensitivity(scores, ws.rubric, SensitivitySettings(runs=200), seed=5)
    b = sensitivity(scores, ws.rubric, SensitivitySettings(runs=200), seed=5)
    c = sensitivity(scores, ws.rubric, SensitivitySettings(runs=200), seed=6)
    assert a == b
    assert sensitivity_to_dict(a) == sensitivity_to_dict(b)
    assert (a.first_order, a.total_effect, a.ranks) != (c.first_order, c.total_effect, c.ranks)
    assert (a.runs, a.seed, a.weight_range, a.choices, a.evaluations) == (
        200,
        5,
        0.25,
        CHOICES,
        200 * 7,
    )


def test_nominal_ranks_are_compares_and_intervals_are_ordered(cohort):
    scores, ws = cohort
    result = sensitivity(
        scores, ws.rubric, SensitivitySettings(runs=300), seed=1, observations=ws.observations
    )
    nominal = {e.mission: e.rank for e in compare(scores, ws.rubric).rankings["overall"]}
    assert {r.mission: r.nominal for r in result.ranks} == nominal
    n = len(scores.scorecards)
    for r in result.ranks:
        assert 1 <= r.low <= r.median <= r.high <= n
        assert r.mean_shift >= 0
    assert [r.nominal for r in result.ranks] == sorted(r.nominal for r in result.ranks)
    assert set(result.first_order) == set(result.total_effect) == set(CHOICES)
    assert all(
        math.isfinite(v) for v in [*result.first_order.values(), *result.total_effect.values()]
    )
    assert result.total_effect["sampling"] > 0
    json.dumps(sensitivity_to_dict(result))


def test_nothing_varied_reproduces_the_nominal_ranking(cohort):
    scores, ws = cohort
    result = sensitivity(
        scores, ws.rubric, SensitivitySettings(runs=20, choices=("weights",), weight_range=0.0)
    )
    assert result.choices == ("weights",) and result.evaluations == 20 * 3
    assert all(
        (r.median, r.low, r.high, r.mean_shift) == (r.nominal, r.nominal, r.nominal, 0)
        for r in result.ranks
    )
    assert result.first_order == result.total_effect == {"weights": 0.0}


@pytest.mark.parametrize(
    ("normalisation", "aggregation", "kwargs"),
    [
        ("zscore", "arithmetic", {"zscore_scale": (50.0, 10.0)}),
        ("minmax", "generalised:2", {}),
        ("percentile", "minimum", {}),
        ("zscore", "geometric", {"zscore_scale": (50.0, 10.0)}),
        ("none", "generalised:0.5", {}),
    ],
)
def test_each_alternative_ranks_as_compare_does(cohort, normalisation, aggregation, kwargs):
    scores, ws = cohort
    result = sensitivity(
        scores,
        ws.rubric,
        SensitivitySettings(
            runs=4,
            choices=("weights",),
            weight_range=0.0,
            aggregations=(aggregation,),
            normalisations=(normalisation,),
        ),
    )
    c = compare(
        scores,
        ws.rubric,
        ComparisonSettings(normalisation=normalisation, aggregation={"*": aggregation}, **kwargs),
    )
    assert not [f for f in c.findings if f.code == "aggregation-undefined"]
    expected = {e.mission: e.rank for e in c.rankings["overall"]}
    assert {r.mission: r.median for r in result.ranks} == expected


def test_only_the_choice_that_moves_ranks_gets_an_index(cohort):
    scores, ws = cohort
    result = sensitivity(
        scores,
        ws.rubric,
        SensitivitySettings(runs=2000, weight_range=0.0, choices=("weights", "drop_indicator")),
        seed=9,
    )
    assert (result.first_order["weights"], result.total_effect["weights"]) == (0.0, 0.0)
    assert result.first_order["drop_indicator"] == pytest.approx(1.0, abs=0.15)
    assert result.total_effect["drop_indicator"] == pytest.approx(1.0, abs=0.15)


def test_sampling_is_inert_without_intervals(cohort):
    scores, ws = cohort
    plain = scores.model_copy(
        update={
            "scorecards": tuple(
                c.model_copy(
                    update={
                        "nodes": tuple(n.model_copy(update={"interval": None}) for n in c.nodes)
                    }
                )
                for c in scores.scorecards
            )
        }
    )
    result = sensitivity(
        plain, ws.rubric, SensitivitySettings(runs=100), observations=ws.observations
    )
    assert (result.first_order["sampling"], result.total_effect["sampling"]) == (0.0, 0.0)


def test_sampling_without_observations_is_not_varied_and_says_so(cohort):
    scores, ws = cohort
    result = sensitivity(scores, ws.rubric, SensitivitySettings(runs=100))
    assert (result.first_order["sampling"], result.total_effect["sampling"]) == (0.0, 0.0)
    assert [n for n in result.notes if n.startswith("sampling")] == [
        "sampling: not varied (the analysis was not given the observations to draw the "
        "replicates from)"
    ]


ONE_QUESTION = """
    ovm_rubric: 1
    id: same-places
    version: "1"
    title: {en: Same places}
    languages: [en]
    variables:
      - {name: yes_share, labels: {en: Share of yes}, unit: share, type: share,
         source: checklist, from_sites: {question: q, stat: share}}
      - {name: offset, labels: {en: Offset}, unit: points, type: number, source: statistics}
    families:
      - id: f
        labels: {en: F}
        children:
          - {id: q, kind: checklist, labels: {en: Q}, source: checklist, question: {en: "Q?"}}
          - id: mirror
            kind: quantitative
            labels: {en: Mirror}
            source: checklist
            formula: 100 - yes_share * 100 + offset
            rule: {type: identity}
"""


def test_sampling_moves_a_mission_s_indicators_together_as_its_replicates_do(tmp_path):
    # q and mirror rest on the same polling places: in every replicate their mean is 50 plus
    # half the offset, so the ranking never changes. Independent draws per indicator (split
    # normals around each interval) moved the three missions' ranks.
    root = tmp_path / "ws"
    root.mkdir()
    (root / "rubric.yaml").write_text(textwrap.dedent(ONE_QUESTION), encoding="utf-8")
    shares = {"m1": 0.5, "m2": 0.6, "m3": 0.7}
    offsets = {"m1": 0.0, "m2": 2.0, "m3": 4.0}
    (root / "missions.yaml").write_text(
        "missions:\n"
        + "".join(
            f"  - {{id: {m}, country: {c}, name: {m}, "
            f"election: {{type: general, date: 2020-01-0{i + 1}}}}}\n"
            for i, (m, c) in enumerate(zip(shares, ("ARG", "BOL", "CHL"), strict=True))
        ),
        encoding="utf-8",
    )
    (root / "statistics.csv").write_text(
        "mission,offset\n" + "".join(f"{m},{o}\n" for m, o in offsets.items()),
        encoding="utf-8",
    )
    rows = ["mission,site,q"]
    for m, p in shares.items():
        rows += [f"{m},s{j},{'yes' if j < round(20 * p) else 'no'}" for j in range(20)]
    (root / "checklists.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (root / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\nstatistics: [statistics.csv]\n"
        "checklists: [checklists.csv]\nsettings: {seed: 3, bootstrap: 100}\n",
        encoding="utf-8",
    )
    ws = load_workspace(root)
    scores = score(ws.rubric, ws.observations, seed=3, bootstrap=100)
    card = scores.scorecard("m2")
    assert card.node("q").interval is not None and card.node("mirror").interval is not None
    q_lo, q_hi = card.node("q").interval
    assert q_hi - q_lo > 20.0
    result = sensitivity(
        scores,
        ws.rubric,
        SensitivitySettings(runs=400, choices=("sampling",)),
        observations=ws.observations,
    )
    assert [(r.mission, r.nominal, r.low, r.high, r.mean_shift) for r in result.ranks] == [
        ("m3", 1, 1.0, 1.0, 0.0),
        ("m2", 2, 2.0, 2.0, 0.0),
        ("m1", 3, 3.0, 3.0, 0.0),
    ]
    assert result.total_effect["sampling"] == 0.0
    assert result.draws == 100


def test_progress_is_reported_up_to_every_evaluation(cohort):
    scores, ws = cohort
    seen: list[tuple[int, int]] = []
    result = sensitivity(
        scores, ws.rubric, SensitivitySettings(runs=50), progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (result.evaluations, result.evaluations)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_invalid_settings_raise(cohort):
    scores, ws = cohort
    for kwargs in (
        {"runs": 1},
        {"weight_range": 1.0},
        {"normalisations": ("nope",)},
        {"choices": ("weights", "colour")},
        {"aggregations": ("median",)},
    ):
        with pytest.raises(ValueError):
            sensitivity(scores, ws.rubric, SensitivitySettings(**kwargs))


def test_a_mission_without_a_nominal_overall_is_not_ranked(workspace, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(workspace, root)
    with (root / "missions.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            "  - {id: zz-empty, country: ZAF, name: Empty, "
            "election: {type: general, date: 2020-02-01}}\n"
        )
    ws = load_workspace(root)
    scores = score(ws.rubric, ws.observations, seed=3, bootstrap=60)
    result = sensitivity(scores, ws.rubric, SensitivitySettings(runs=100))
    last = result.ranks[-1]
    assert (
        last.mission,
        last.nominal,
        last.median,
        last.low,
        last.high,
        last.mean_shift,
        last.unscored,
    ) == ("zz-empty", None, None, None, None, None, 1.0)
    # The others are ranked among themselves: nobody's interval reaches past them.
    ranked = [r for r in result.ranks if r.nominal is not None]
    assert max(r.high for r in ranked if r.high is not None) <= len(ranked)


# --- command line --------------------------------------------------------------------------


@pytest.fixture
def main():
    """The ovm command line."""
    return cli.main


def test_cli_sensitivity_is_seeded_and_shows_progress(
    main, workspace, tmp_path, capsys, monkeypatch
):
    # The bar is drawn on a terminal only; pretend stderr is one.
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    out = [tmp_path / f"{i}.json" for i in range(3)]
    for path, seed in zip(out, (4, 4, 5), strict=True):
        assert (
            main(
                [
                    "sensitivity",
                    str(workspace),
                    "--runs",
                    "40",
                    "--seed",
                    str(seed),
                    "-o",
                    str(path),
                ]
            )
            == 0
        )
    texts = [p.read_text(encoding="utf-8") for p in out]
    assert texts[0] == texts[1] != texts[2]
    data = json.loads(texts[0])
    assert (data["format"], data["runs"], data["seed"], data["choices"]) == (
        "ovm-sensitivity/2",
        40,
        4,
        list(CHOICES),
    )
    assert "sensitivity [" in capsys.readouterr().err
    assert main(["sensitivity", str(workspace), "--runs", "30", "-q"]) == 0
    text = capsys.readouterr()
    assert "first-order" in text.out and text.err == ""


def test_cli_sensitivity_usage_errors(main, workspace, capsys):
    assert main(["sensitivity", str(workspace), "--runs", "1", "-q"]) == 2
    assert "--runs" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["sensitivity", str(workspace)])


def test_result_type_is_frozen(cohort):
    scores, ws = cohort
    result = sensitivity(scores, ws.rubric, SensitivitySettings(runs=10))
    assert isinstance(result, Sensitivity)
    with pytest.raises(ValidationError):
        result.runs = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.first_order["weights"] = 1.0  # type: ignore[index]


def test_the_runs_products_run_on_one_blas_thread(cohort, monkeypatch):
    # Split over threads, the many middle-sized products stall on a busy machine.
    from threadpoolctl import threadpool_info, threadpool_limits

    import ovm.comparison.sensitivity as module

    seen: list[int] = []
    original = module._evaluate

    def probe(*args, **kwargs):
        seen.extend(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
        return original(*args, **kwargs)

    monkeypatch.setattr(module, "_evaluate", probe)
    scores, ws = cohort
    with threadpool_limits(limits=2, user_api="blas"):
        sensitivity(scores, ws.rubric, SensitivitySettings(runs=50), seed=1)
    assert seen and 1 in seen


@given(
    ends=st.tuples(
        st.none() | st.integers(-5, 105).map(float), st.none() | st.integers(-5, 105).map(float)
    ),
    inclusive=st.booleans(),
    top=st.sampled_from([40.0, 100.0]),
    scores=st.lists(
        st.integers(-10, 110).map(float) | st.floats(-10, 110) | st.just(float("nan")),
        max_size=30,
    ),
)
def test_the_runs_band_every_score_as_the_engine_bands_one(
    ends: tuple[float | None, float | None], inclusive: bool, top: float, scores: list[float]
) -> None:
    # One rule: the runs ask Band.contains of a whole array what the engine asks of a score.
    lo, hi = ends
    band = Band.model_validate(
        {"from": lo, "to": hi, "label": {"en": "b"}}
        if inclusive
        else {"min": lo, "max": hi, "label": {"en": "b"}}
    )
    assert band.contains(np.array(scores, dtype=float), top).tolist() == [
        band.contains(s, top) for s in scores
    ]
