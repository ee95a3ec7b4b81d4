"""A distance to the best keeps no interval of its own: its leaders' lead is judged by the
uncertainty of the target it measures, so it is never a best practice where the target's
own lead is inside the sampling uncertainty."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ovm
from ovm.cli import app as cli
from ovm.indicators import ComparativeIndicator

EXAMPLES = Path(__file__).parents[1] / "examples"


@pytest.fixture(scope="module")
def run() -> ovm.Run:
    return ovm.analyse(EXAMPLES)


def _target_lead_holds(run: ovm.Run, target: str) -> bool:
    """The target's lead worked out from its scores and intervals alone: the leaders' lowest
    lower end above every other mission's upper end."""
    cells = [c.node(target) for c in run.scores.scorecards]
    scored = [n for n in cells if n.score is not None]
    top = max(n.score for n in scored if n.score is not None)
    ends = [(n.score, n.interval or (n.score, n.score)) for n in scored]
    leaders = [iv for s, iv in ends if s == top]
    rest = [iv for s, iv in ends if s != top]
    return bool(rest) and min(lo for lo, _ in leaders) > max(hi for _, hi in rest)


def test_a_distance_leads_only_where_its_target_leads(run: ovm.Run) -> None:
    distances = [
        n
        for n in run.rubric.indicators()
        if isinstance(n, ComparativeIndicator) and n.measure == "distance_to_best"
    ]
    held = {n.id: run.comparison.leaders[n.id].lead_holds for n in distances}
    assert held == {n.id: _target_lead_holds(run, n.target) for n in distances}
    # Both outcomes occur: the rule neither refuses every distance nor lets every one through.
    assert held["comparative.best_practice"] is False
    assert held["comparative.best_rights"] is True
    why = run.comparison.leaders["comparative.best_practice"]
    assert (why.missions, why.runner_up, why.why_not) == (("per-2021",), "cri-2014", "lead")


def test_the_report_lists_no_distance_whose_target_lead_is_uncertain(
    run: ovm.Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.json"
    assert cli.main(["report", str(EXAMPLES), "-q", "-o", str(out)]) == 0
    capsys.readouterr()
    listed = [r["id"] for r in json.loads(out.read_text(encoding="utf-8"))["best_practices"]]
    assert sorted(listed) == sorted(run.comparison.best)
    # per-2021 leads the practice family by 2 points inside intervals 30 points wide, and
    # ecu-2021 the legal framework inside its intervals: neither distance is a best practice.
    assert [n for n in listed if n.startswith("comparative.best_")] == [
        "comparative.best_rights",
        "comparative.best_procedures",
        "comparative.best_participation",
    ]
