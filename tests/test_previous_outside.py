"""A change since the previous election whose previous mission lies outside the comparison is
missing (it exists, not measured here), not inapplicable as for a first observed election."""

from __future__ import annotations

import csv
import io

import pytest

from ovm.cli.app import main
from ovm.scoring.results import Finding, ScoreSet
from tests.test_imputation_cycles import CYCLES, FIRST, SECOND


def _change(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, str]:
    capsys.readouterr()
    assert main(["compare", str(CYCLES), "-q", "--format", "csv", *args]) == 0
    table = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    head = table[0]
    node, mission, status = (head.index(c) for c in ("node", "mission", "status"))
    return {
        r[mission]: r[status] for r in table[1:] if r[node] == "comparative.change_participation"
    }


def test_a_previous_mission_outside_the_comparison_leaves_the_change_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _change(capsys, "--missions", *SECOND) == dict.fromkeys(SECOND, "missing")
    assert main(["score", str(CYCLES), "-q", "--missions", *SECOND, "--format", "json"]) == 0
    scores = ScoreSet.from_json(capsys.readouterr().out)
    said = [
        (c.mission.id, f)
        for c in scores.scorecards
        for f in c.findings
        if f.node == "comparative.change_participation"
    ]
    before = {"bol-2020": "bol-2019", "col-2022": "col-2018", "mex-2024": "mex-2018"}
    before["per-2021"] = "per-2016"
    assert said == [
        (
            m,
            Finding(
                code="no-previous-mission",
                message=f"the previous observed election ({before[m]}) is not in this comparison",
                node="comparative.change_participation",
                severity="info",
                params={"variant": "outside", "previous": before[m]},
            ),
        )
        for m in sorted(SECOND)
    ]
    assert said[0][1].text("es") == (
        "la elección observada anterior (bol-2019) no está en esta comparación"
    )


def test_the_whole_cohort_measures_the_change_and_first_elections_have_none(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _change(capsys) == {
        **dict.fromkeys(FIRST, "not_applicable"),
        **dict.fromkeys(SECOND, "scored"),
    }
