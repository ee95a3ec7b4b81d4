"""Imputation fills the gaps of a mission with enough observed data; it does not make up for the
data that is not there: a group meets its minimum coverage with observed values alone, so a
mission observed on a sliver of the rubric is not scored, or ranked, on the cohort's means."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from ovm.cli.app import main

EXAMPLES = Path(__file__).parent.parent / "examples"
GROUPS = ("overall", "family", "group")

BARELY = """
- id: ury-2024
  country: URY
  name: Uruguay, 2024 general election
  election: {type: general, date: '2024-10-27'}
  region: south-america
  answers:
    legal.basis: {value: statute}
    rights.who_may_vote: {value: all_citizens}
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLES, ws)
    with (ws / "missions.yaml").open("a", encoding="utf-8") as f:
        f.write(BARELY)
    return ws


def _rows(
    ws: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> dict[tuple[str, str], dict[str, str]]:
    assert main(["score", str(ws), "--format", "csv", "-q", *extra]) == 0
    return {
        (r["mission"], r["node"]): r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))
    }


def test_a_mission_observed_on_two_answers_is_not_scored_on_imputed_means(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = _rows(workspace, capsys)
    imputed = _rows(workspace, capsys, "--imputation", "mean")
    statuses = {
        node: (plain[("ury-2024", node)]["status"], imputed[("ury-2024", node)]["status"])
        for node in ("overall", "practice", "legal", "rights")
    }
    assert statuses == {
        "overall": ("insufficient", "insufficient"),
        "practice": ("missing", "missing"),
        "legal": ("insufficient", "insufficient"),
        "rights": ("insufficient", "insufficient"),
    }
    # Imputation scores no group that lacks the observed data to be scored without it...
    assert {k: r["status"] for k, r in imputed.items() if r["kind"] in GROUPS} == {
        k: r["status"] for k, r in plain.items() if r["kind"] in GROUPS
    }
    # ...while it does fill the gaps of the groups that have enough.
    filled = [k for k, r in imputed.items() if r["score"] != plain[k]["score"]]
    assert len(filled) > 100


def test_the_ranking_leaves_out_a_mission_its_imputations_alone_would_score(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", str(workspace), "--imputation", "mean", "--format", "csv", "-q"]) == 0
    overall = [
        r
        for r in csv.DictReader(io.StringIO(capsys.readouterr().out))
        if r["node"] == "overall" and r["mission"] == "ury-2024"
    ]
    assert [(r["rank"], r["status"]) for r in overall] == [("", "insufficient")]


def test_a_group_short_of_observed_data_is_worded_as_without_imputation(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ovm.scoring.results import ScoreSet

    def findings(*extra: str) -> dict[str | None, list[tuple[str, str]]]:
        out = workspace / "scores.json"
        assert main(["score", str(workspace), "-q", "-o", str(out), *extra]) == 0
        capsys.readouterr()
        card = ScoreSet.from_json(out.read_text("utf-8")).scorecard("ury-2024")
        said: dict[str | None, list[tuple[str, str]]] = {}
        for f in card.findings:
            if f.node is not None and f.node.split(".")[0] == "legal":
                said.setdefault(f.node, []).append((f.code, f.message))
        return said

    plain, imputed = findings(), findings("--imputation", "mean")
    # Nothing of legal is imputed: each missing answer says why, and legal's own finding is
    # the one it has without imputation.
    added = {
        (n, code, message)
        for n, said in imputed.items()
        for code, message in said
        if (code, message) not in plain.get(n, [])
    }
    assert {code for _, code, _ in added} == {"imputation-failed"}
    assert {message for _, _, message in added} == {
        "no value observed, and too few of the parts of legal observed to impute it: "
        "imputation fills gaps only in a group scored without them"
    }
    assert imputed["legal"] == plain["legal"]
