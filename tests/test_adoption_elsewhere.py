"""Adoption of good practice seen in the cohort counts only the practices a mission of another
country reaches: a practice the mission alone (or its own country's other elections) reaches is
its own, not one seen elsewhere, and with no practice reached elsewhere the indicator is
insufficient, never 100 for a mission compared with nobody."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import ovm
from ovm.cli import app as cli
from tests.test_compare import COHORT_RUBRIC, workspace

# xxx alone reaches good practice on the legal basis, yyy alone on the postal vote; zzz on
# neither. Counting its own practice, each of xxx and yyy "adopted" half of those seen.
MISSIONS = """
    missions:
      - {id: xxx-2020, country: ARG, name: X 2020, election: {type: general, date: 2020-05-01},
         answers: {rights.basis: constitution, rights.postal: "no"}}
      - {id: yyy-2020, country: BRA, name: Y 2020, election: {type: general, date: 2020-06-01},
         answers: {rights.basis: statute, rights.postal: "yes"}}
      - {id: zzz-2020, country: CHL, name: Z 2020, election: {type: general, date: 2020-07-01},
         answers: {rights.basis: statute, rights.postal: "no"}}
"""
STATS = """
    mission,registered_abroad,votes_abroad
    xxx-2020,1000,200
    yyy-2020,1000,300
    zzz-2020,1000,400
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return workspace(
        tmp_path_factory.mktemp("adopt"), rubric=COHORT_RUBRIC, missions=MISSIONS, statistics=STATS
    )


def _adoption(root: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, tuple]:
    assert cli.main(["compare", str(root), "-q", "--format", "csv", *argv]) == 0
    rows = csv.DictReader(io.StringIO(capsys.readouterr().out))
    return {r["mission"]: (r["score"], r["status"]) for r in rows if r["node"] == "comp.adopt"}


def test_only_practices_another_mission_reaches_count(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _adoption(root, capsys) == {
        "xxx-2020": ("0.0", "scored"),
        "yyy-2020": ("0.0", "scored"),
        "zzz-2020": ("0.0", "scored"),
    }
    run = ovm.analyse(root)
    seen = {
        c.mission.id: [i.name for i in c.node("comp.adopt").explanation.inputs]
        for c in run.scores.scorecards
    }
    assert seen == {
        "xxx-2020": ["rights.postal"],
        "yyy-2020": ["rights.basis"],
        "zzz-2020": ["rights.basis", "rights.postal"],
    }


def test_a_mission_compared_with_nobody_adopts_nothing_and_is_insufficient(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _adoption(root, capsys, "--missions", "xxx-2020") == {"xxx-2020": ("", "insufficient")}
    # Beside one that reaches nothing, the practices xxx alone reaches are not seen elsewhere.
    assert _adoption(root, capsys, "--missions", "xxx-2020", "zzz-2020") == {
        "xxx-2020": ("", "insufficient"),
        "zzz-2020": ("0.0", "scored"),
    }
    run = ovm.analyse(root, ovm.Settings(missions=("xxx-2020",)))
    card = run.scorecard("xxx-2020")
    node = card.node("comp.adopt")
    assert (node.score, node.value, node.explanation.inputs) == (None, None, ())
    found = [f for f in card.findings if f.node == "comp.adopt"]
    assert [(f.code, f.params, f.text("es")) for f in found] == [
        (
            "comparative-no-target",
            {"variant": "adoption", "target": "rights", "threshold": "80"},
            "ninguna misión de otro país alcanza 80 en un indicador de rights",
        )
    ]


def test_a_practice_of_the_same_countrys_other_election_is_not_adopted_from_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # xxx-2016 (ARG, as xxx-2020) alone reaches the postal vote: for xxx-2020 it is its own
    # country's practice, for zzz-2020 (CHL) a practice seen in another country.
    earlier = """
      - {id: xxx-2016, country: ARG, name: X 2016, election: {type: general, date: 2016-05-01},
         answers: {rights.basis: statute, rights.postal: "yes"}}
"""
    root = workspace(
        tmp_path,
        rubric=COHORT_RUBRIC,
        missions=MISSIONS + earlier,
        statistics=STATS + "    xxx-2016,1000,100\n",
    )
    assert _adoption(root, capsys, "--missions", "xxx-2016", "xxx-2020") == {
        "xxx-2016": ("", "insufficient"),
        "xxx-2020": ("", "insufficient"),
    }
    assert _adoption(root, capsys, "--missions", "xxx-2016", "xxx-2020", "zzz-2020") == {
        # zzz (CHL) reaches neither practice: Argentina's two elections see none elsewhere.
        "xxx-2016": ("", "insufficient"),
        "xxx-2020": ("", "insufficient"),
        "zzz-2020": ("0.0", "scored"),
    }
    run = ovm.analyse(root, ovm.Settings(missions=("xxx-2016", "xxx-2020", "zzz-2020")))
    seen = {
        c.mission.id: [i.name for i in c.node("comp.adopt").explanation.inputs]
        for c in run.scores.scorecards
    }
    assert seen == {
        "xxx-2016": [],
        "xxx-2020": [],
        "zzz-2020": ["rights.basis", "rights.postal"],
    }
