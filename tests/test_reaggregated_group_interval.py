"""A group the comparison aggregates again, or normalises, never passes for a point to the
groups above it while it rests on sampled data (docs/statistics.md, points 6 and 7): its
interval is normalised as its score is, or it has none and every group above it has none
either; it stays ``sampled``, and a finding says why.

Three missions observed at 8 polling places each. Question q0 is scored by goalposts 20-80:
where t answers "yes" at 3 places of 8, its interval reaches a score of 0, where a geometric
mean is undefined. Family f0 (q0 and q1) and the overall rest on it; family f1 does not.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

import ovm
from ovm.cli.app import main

Make = Callable[..., Path]

FLAT = "{type: goalposts, low: 0, high: 5}"
"""A rule that scores 100 every share q2 and q3 plausibly have: f1 rests on sampled parts
that score alike over their data's range, and has no interval (docs/statistics.md, point 4)."""


def rubric(flat: bool = False) -> str:
    """q0 scored by goalposts 20-80, q1 as its share; q2 and q3 by ``FLAT`` with ``flat``."""
    rules = (
        {0: "{type: goalposts, low: 20, high: 80}", 2: FLAT, 3: FLAT}
        if flat
        else {0: "{type: goalposts, low: 20, high: 80}"}
    )
    text = """\
ovm_rubric: 1
id: reaggregated
version: "1"
title: {en: Reaggregated, es: Reagregado}
families:
"""
    for f, qs in (("f0", (0, 1)), ("f1", (2, 3))):
        text += f"  - id: {f}\n    labels: {{en: {f}, es: {f}}}\n    children:\n"
        for q in qs:
            rule = f", rule: {rules[q]}" if q in rules else ""
            text += (
                f"      - {{id: q{q}, kind: checklist, source: checklist, min_answers: 3{rule},\n"
                f"         labels: {{en: Q{q}, es: P{q}}}, question: {{en: Q{q}, es: P{q}}}}}\n"
            )
    return text


MISSIONS = """\
missions:
  - {id: m, country: ARG, name: M, election: {type: general, date: 2024-01-01}}
  - {id: n, country: BOL, name: N, election: {type: general, date: 2024-02-01}}
  - {id: t, country: CHL, name: T, election: {type: general, date: 2024-03-01}}
"""

NODES = ("overall", "f0", "q0", "q1", "f1", "q2", "q3")
GEOMETRIC = [["--aggregation", "geometric"], ["--aggregation", "f0=geometric"]]
"""Each aggregates f0 by a geometric mean, and the overall over it."""

REACHING_ZERO = {("t", "f0"), ("t", "overall")}
"""The cells with no interval under a geometric f0: t's f0, whose mean is undefined at the
lower end of q0's interval, and the overall above it."""

Cells = dict[tuple[str, str], tuple[str, str]]


def visits(low: bool = True, alike: bool = False) -> str:
    """8 places a mission, answers spread; q0 answered "yes" at 7 places (with ``low``, at 3
    of t's); with ``alike``, every mission answers as t does."""
    rows = ["mission,site,q0,q1,q2,q3"]
    for mid, k in (("m", 2), ("n", 3), ("t", 4)):
        for p in range(8):
            kk = 4 if alike else k
            answers = ["yes" if (p + j) % kk else "no" for j in range(4)]
            answers[0] = "yes" if p < (3 if low and (alike or mid == "t") else 7) else "no"
            rows.append(f"{mid},{mid}{p}," + ",".join(answers))
    return "\n".join(rows) + "\n"


def workspace(
    root: Path, make: Make, *, low: bool = True, alike: bool = False, flat: bool = False
) -> Path:
    return make(
        root,
        rubric=rubric(flat),
        missions=MISSIONS,
        checklists=visits(low, alike),
        settings_yaml="{bootstrap: 200, seed: 3}",
    )


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main([*args, "-q"]) == 0
    return capsys.readouterr().out


def csv_cells(text: str) -> Cells:
    return {
        (r["mission"], r["node"]): (r["interval_low"], r["interval_high"])
        for r in csv.DictReader(io.StringIO(text))
    }


def json_cells(text: str) -> dict[tuple[str, str], list[float] | None]:
    doc = json.loads(text)["scores"]
    return {
        (card["mission"]["id"], ns["node"]): ns.get("interval")
        for card in doc["scorecards"]
        for ns in (card["overall"], *card["nodes"])
    }


def sampled(scores: ovm.ScoreSet) -> dict[tuple[str, str], bool]:
    return {
        (card.mission.id, ns.node): ns.sampled
        for card in scores.scorecards
        for ns in (card.overall, *card.nodes)
    }


@pytest.mark.parametrize("options", GEOMETRIC, ids=" ".join)
def test_a_group_whose_mean_is_undefined_at_an_end_has_no_interval_nor_any_above_it(
    tmp_path: Path, make_workspace: Make, capsys: pytest.CaptureFixture[str], options: list[str]
) -> None:
    root = workspace(tmp_path / "low", make_workspace)
    compared = ["compare", str(root), *options, "--format"]
    got = csv_cells(cli(capsys, *compared, "csv"))
    assert float(got[("t", "q0")][0]) == 0.0
    assert {k for k, v in got.items() if v == ("", "")} == REACHING_ZERO
    assert {k for k, v in json_cells(cli(capsys, *compared, "json")).items() if v is None} == (
        REACHING_ZERO
    )
    # Every other interval is the one of the cohort where t's q0 stays clear of 0 (a
    # mission's intervals rest on its own polling places only).
    control = csv_cells(
        cli(capsys, "compare", str(workspace(tmp_path / "high", make_workspace, low=False)),
            *options, "--format", "csv")
    )  # fmt: skip
    assert all(control[k] != ("", "") for k in REACHING_ZERO)
    away = {("t", "q0"), *REACHING_ZERO}
    assert {k: v for k, v in got.items() if k not in away} == {
        k: v for k, v in control.items() if k not in away
    }
    # Still sampled, and the group says why.
    node, _, method = options[1].rpartition("=")
    run = ovm.analyse(
        root,
        ovm.Settings(
            seed=3,
            bootstrap=200,
            comparison=ovm.ComparisonSettings(aggregation={node or "*": method}),
        ),
    )
    assert all(sampled(run.scores).values())
    t = run.scores.scorecard("t")
    assert [(f.node, f.params) for f in t.findings if f.code == "interval-undefined"] == [
        ("f0", {"method": "geometric"})
    ]


def mapped(interval: list[float], score: float, low: float, high: float) -> list[float]:
    """A min-max normalisation onto 0-100 of an interval around ``score``, the cohort's
    lowest and highest scores ``low`` and ``high``."""
    ends = [min(max((e - low) / (high - low) * 100.0, 0.0), 100.0) for e in interval]
    here = (score - low) / (high - low) * 100.0
    return [min(ends[0], here), max(ends[1], here)]


def scored(root: Path) -> tuple[ovm.ScoreSet, ovm.Rubric]:
    ws = ovm.load_workspace(root)
    return ovm.score(ws.rubric, ws.observations, seed=3, bootstrap=200), ws.rubric


def intervals(scores: ovm.ScoreSet, rubric: ovm.Rubric, **asked: object) -> ovm.Comparison:
    return ovm.compare(scores, rubric, ovm.ComparisonSettings.model_validate(asked))


def mean_ends(*cells: list[float] | None, score: float) -> list[float]:
    """The ends of an equal-weight mean of intervals (their ends moving together), widened to
    hold ``score``: how the comparison aggregates a group again."""
    assert all(c is not None for c in cells)
    lows, highs = ([c[e] for c in cells if c is not None] for e in (0, 1))
    return [min(sum(lows) / len(lows), score), max(sum(highs) / len(highs), score)]


def reaggregated(scores: ovm.ScoreSet) -> dict[tuple[str, str], list[float] | None]:
    """Every interval of the scoring, f0's and the overall's aggregated again from their
    parts' ends (the control of a comparison that normalises f0)."""
    out: dict[tuple[str, str], list[float] | None] = {}
    for card in scores.scorecards:
        m = card.mission.id
        for ns in (card.overall, *card.nodes):
            out[(m, ns.node)] = None if ns.interval is None else list(ns.interval)
        out[(m, "f0")] = mean_ends(
            out[(m, "q0")], out[(m, "q1")], score=card.node("f0").score or 0.0
        )
        out[(m, "overall")] = mean_ends(
            out[(m, "f0")], out[(m, "f1")], score=card.overall.score or 0.0
        )
    return out


def test_a_normalised_group_has_its_interval_normalised_with_its_score(
    tmp_path: Path, make_workspace: Make
) -> None:
    scores, rubric = scored(workspace(tmp_path, make_workspace))
    compared = intervals(scores, rubric, normalisation="minmax", normalise_nodes=["f0"])
    got = json_cells(ovm.comparison_json(compared))
    expected = reaggregated(scores)
    f0 = [scores.scorecard(m).node("f0").score or 0.0 for m in "mnt"]
    lo, hi = min(f0), max(f0)
    for m, score in zip("mnt", f0, strict=True):
        ends = expected[(m, "f0")]
        assert ends is not None
        expected[(m, "f0")] = ends = mapped(ends, score, lo, hi)
        # The overall: the mean of its families' ends, f0's normalised.
        here = compared.scores.scorecard(m).overall.score or 0.0
        expected[(m, "overall")] = mean_ends(ends, expected[(m, "f1")], score=here)
    assert got.keys() == expected.keys()
    assert got == {k: pytest.approx(v, abs=1e-9) for k, v in expected.items()}
    assert all(sampled(compared.scores).values())
    assert {k for k, v in csv_cells(ovm.comparison_csv(compared)).items() if v == ("", "")} == (
        set()
    )


@pytest.mark.parametrize(
    ("missions", "alike", "variant"),
    [("mnt", True, "interval_same"), ("t", False, "interval_few")],
    ids=["alike", "alone"],
)
def test_a_group_normalised_to_a_stand_in_has_no_interval_nor_any_above_it(
    tmp_path: Path, make_workspace: Make, missions: str, alike: bool, variant: str
) -> None:
    # Every mission answers alike, or one mission is compared: f0 has one score over the
    # cohort, and a z-score gives each mission the same stand-in, which says nothing of its
    # polling places.
    every, rubric = scored(workspace(tmp_path, make_workspace, alike=alike))
    scores = every.model_copy(update={"scorecards": tuple(every.scorecard(m) for m in missions)})
    assert len({c.node("f0").score for c in scores.scorecards}) == 1
    compared = intervals(scores, rubric, normalisation="zscore", normalise_nodes=["f0"])
    got = csv_cells(ovm.comparison_csv(compared))
    lost = {(m, n) for m in missions for n in ("f0", "overall")}
    assert {k for k, v in got.items() if v == ("", "")} == lost
    assert {k for k, v in json_cells(ovm.comparison_json(compared)).items() if v is None} == lost
    control = reaggregated(scores)
    assert all(control[k] is not None for k in lost)
    assert {
        k: v for k, v in json_cells(ovm.comparison_json(compared)).items() if k not in lost
    } == {k: v for k, v in control.items() if k not in lost}
    assert all(sampled(compared.scores).values())
    for card in compared.scores.scorecards:
        assert [
            (f.node, f.params) for f in card.findings if f.code == "cohort-normalisation-undefined"
        ] == [("f0", {"variant": variant, "method": "zscore"})]


def test_a_lone_mission_keeps_its_group_interval_under_a_bounded_normalisation(
    tmp_path: Path, make_workspace: Make
) -> None:
    # One mission compared: min-max has nothing to fit, and keeps a 0-100 score, and its
    # interval's ends, at their own place.
    every, rubric = scored(workspace(tmp_path, make_workspace))
    lone = every.model_copy(update={"scorecards": (every.scorecard("t"),)})
    compared = intervals(lone, rubric, normalisation="minmax", normalise_nodes=["f0"])
    assert json_cells(ovm.comparison_json(compared)) == {
        k: pytest.approx(v, abs=1e-9) for k, v in reaggregated(lone).items()
    }
    assert all(sampled(compared.scores).values())


@pytest.mark.parametrize(
    "options",
    [["--normalisation", "minmax"], ["--aggregation", "f1=geometric"]],
    ids=" ".join,
)
def test_a_group_whose_sampled_parts_score_alike_stays_sampled_and_says_why(
    tmp_path: Path, make_workspace: Make, capsys: pytest.CaptureFixture[str], options: list[str]
) -> None:
    root = workspace(tmp_path, make_workspace, low=False, flat=True)
    ws = ovm.load_workspace(root)
    scores = ovm.score(ws.rubric, ws.observations, seed=3, bootstrap=200)
    flat = {(c.mission.id, f.node): f for c in scores.scorecards for f in c.findings}
    assert {k for k, f in flat.items() if f.code == "flat-rule-interval"} == {
        (m, n) for m in "mnt" for n in ("f1", "q2", "q3")
    }
    flag, value = options
    if flag == "--normalisation":
        asked = ovm.ComparisonSettings(normalisation=value)
    else:
        asked = ovm.ComparisonSettings(aggregation={"f1": "geometric"})
    compared = ovm.compare(scores, ws.rubric, asked)
    # As in the scorecards: sampled, with no interval, and one finding saying why.
    assert all(sampled(compared.scores).values())
    for card in compared.scores.scorecards:
        said = [f for f in card.findings if f.node == "f1"]
        assert said == [flat[(card.mission.id, "f1")]]
        assert [card.node(n).interval for n in ("f1", "q2", "q3")] == [None, None, None]
    got = json_cells(cli(capsys, "compare", str(root), *options, "--format", "json"))
    assert {k for k, v in got.items() if v is None} == {
        (m, n) for m in "mnt" for n in ("f1", "q2", "q3")
    }
    if flag == "--aggregation":
        # The overall counts f1 at its one score, as the scoring's replicates do.
        expected = {
            (c.mission.id, ns.node): None if ns.interval is None else list(ns.interval)
            for c in scores.scorecards
            for ns in (c.overall, *c.nodes)
        }
        for card in compared.scores.scorecards:
            m, f1 = card.mission.id, card.node("f1").score or 0.0
            expected[(m, "overall")] = mean_ends(
                expected[(m, "f0")], [f1, f1], score=card.overall.score or 0.0
            )
        assert got == {k: pytest.approx(v, abs=1e-9) for k, v in expected.items()}


def test_a_normalised_group_whose_parts_score_alike_says_its_normalised_score(
    tmp_path: Path, make_workspace: Make
) -> None:
    # f1 scores 100 for every mission: a z-score gives each the stand-in 0, which its finding
    # gives as the one score its parts allow (it had no interval to lose to the stand-in).
    scores, rubric = scored(workspace(tmp_path, make_workspace, low=False, flat=True))
    compared = intervals(scores, rubric, normalisation="zscore", normalise_nodes=["f1"])
    for card in compared.scores.scorecards:
        f1 = card.node("f1")
        assert (f1.score, f1.interval, f1.sampled) == (0.0, None, True)
        assert [(f.code, f.params) for f in card.findings if f.node == "f1"] == [
            ("flat-rule-interval", {"variant": "group", "score": "0.0"})
        ]


@pytest.mark.parametrize("options", [*GEOMETRIC, ["--normalisation", "minmax"]], ids=" ".join)
def test_without_replicates_no_group_has_an_interval_in_the_comparison(
    tmp_path: Path, make_workspace: Make, capsys: pytest.CaptureFixture[str], options: list[str]
) -> None:
    # With no bootstrap an indicator has the Wilson interval of its visits, which takes them
    # for independent draws, and the scoring gives no group an interval built from them.
    root = workspace(tmp_path, make_workspace, low=False)
    got = csv_cells(
        cli(capsys, "compare", str(root), "--bootstrap", "0", *options, "--format", "csv")
    )
    groups = {(m, n) for m in "mnt" for n in ("overall", "f0", "f1")}
    assert {k for k, v in got.items() if v == ("", "")} == groups
    control = csv_cells(cli(capsys, "compare", str(root), "--bootstrap", "0", "--format", "csv"))
    assert {k for k, v in control.items() if v == ("", "")} == groups
    if options[0] == "--aggregation":
        assert got == control
