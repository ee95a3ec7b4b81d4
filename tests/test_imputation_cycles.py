"""Imputation fills gaps in what a mission was observed on, never what cannot apply to it, and
family 7 compares what was observed.

tests/data/cycles: two observed elections of each of four countries; each second mission names
its ``previous:``, and only per-2021 follows up its previous mission's recommendations.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from ovm.cli.app import main
from ovm.scoring.results import ScoreSet

CYCLES = Path(__file__).parent / "data" / "cycles"
FIRST = ("bol-2019", "col-2018", "mex-2018", "per-2016")
SECOND = ("bol-2020", "col-2022", "mex-2024", "per-2021")


def _rows(capsys: pytest.CaptureFixture[str], *args: str) -> list[list[str]]:
    capsys.readouterr()
    assert main(["compare", str(CYCLES), "-q", "--format", "csv", *args]) == 0
    return list(csv.reader(io.StringIO(capsys.readouterr().out)))


def _cards(capsys: pytest.CaptureFixture[str], *args: str) -> ScoreSet:
    capsys.readouterr()
    assert main(["score", str(CYCLES), "-q", "--format", "json", *args]) == 0
    return ScoreSet.from_json(capsys.readouterr().out)


def test_follow_up_is_not_applicable_without_a_previous_mission_and_never_imputed_from_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for extra in ((), ("--imputation", "mean")):
        scores = _cards(capsys, *extra)
        got = {
            c.mission.id: (
                c.node("comparative.followup").status,
                c.node("comparative.followup").score,
            )
            for c in scores.scorecards
        }
        assert got == {
            **dict.fromkeys(FIRST, ("not_applicable", None)),
            # Their previous mission is known, its recommendations not followed up: missing,
            # and one mission's share (per-2021's) is no mean to impute from.
            "bol-2020": ("missing", None),
            "col-2022": ("missing", None),
            "mex-2024": ("missing", None),
            "per-2021": ("scored", 50.0),
        }, extra
        said = {
            (c.mission.id, f.code, f.params.get("variant"))
            for c in scores.scorecards
            for f in c.findings
            if f.node == "comparative.followup"
        }
        expected = {(m, "no-previous-mission", "follow_up") for m in FIRST} | {
            (m, "missing-input", None) for m in SECOND[:3]
        }
        if extra:
            expected |= {(m, "imputation-failed", "cohort_one") for m in SECOND[:3]}
        assert said == expected, extra
    card = scores.scorecard("bol-2020")
    (one,) = [
        f
        for f in card.findings
        if f.node == "comparative.followup" and f.code == "imputation-failed"
    ]
    assert (one.text("en"), one.text("es")) == (
        "no value observed, and only one mission in the cohort to impute from: a mean needs "
        "at least 2",
        "ningún valor observado, y solo una misión en la cohorte de la que imputarlo: una "
        "media necesita al menos 2",
    )


def test_family_7_compares_observed_values_alone(capsys: pytest.CaptureFixture[str]) -> None:
    plain = _rows(capsys)
    imputed = _rows(capsys, "--imputation", "mean")
    assert plain[0] == imputed[0]
    node = plain[0].index("node")

    def family_7(rows: list[list[str]]) -> list[list[str]]:
        return [r for r in rows[1:] if r[node].split(".")[0] == "comparative"]

    # Imputed values elsewhere (a cohort mean, not a mission's performance) move no distance
    # to the best, no adoption and no change: family 7 is the same, cell for cell.
    assert family_7(imputed) == family_7(plain)
    # The imputation did fill gaps elsewhere in the cohort.
    assert imputed != plain
    per = [r for r in family_7(plain) if r[0] == "comparative" and "per-2021" in r]
    assert len(per) == 1 and per[0][plain[0].index("score")] == "46.9073345648"
