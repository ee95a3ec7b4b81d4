"""A cohort normalisation never gives a sampled score a point interval it does not have.

Where one mission alone is scored on a sampled indicator (the others have no visits), the
normalisation has no spread to work with: a bounded method keeps the 0-100 score at its own
place along the output range, and its interval's ends go there too; a z-score's stand-in (the
scale's mean) is no function of the value, so it has no interval, with a finding saying why,
and neither has any group above it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

import ovm
from ovm.cli.app import main
from ovm.scoring.results import Finding
from tests.test_flat_rule_interval import rubric

Make = Callable[..., Path]

MISSIONS = """\
missions:
  - {id: m, country: ARG, name: M, election: {type: general, date: 2024-01-01}}
  - {id: n, country: BOL, name: N, election: {type: general, date: 2024-02-01}}
"""

# Mission m: 10 places, shares that spread; mission n: no visits at all.
VISITS = "mission,site,q0,q1\n" + "".join(
    f"m,s{p},{'yes' if p % 3 else 'no'},{'yes' if p % 2 else 'no'}\n" for p in range(10)
)


def workspace(tmp_path: Path, make: Make) -> Path:
    return make(
        tmp_path,
        rubric=rubric("{type: identity}"),
        missions=MISSIONS,
        checklists=VISITS,
        settings_yaml="{bootstrap: 200, seed: 3}",
    )


def rows(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> dict[str, list[str]]:
    capsys.readouterr()
    assert main(["compare", str(root), "-q", "--format", "csv", *args]) == 0
    table = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    head = table[0]
    pick = [head.index(c) for c in ("score", "interval_low", "interval_high")]
    return {
        r[head.index("node")]: [r[k] for k in pick]
        for r in table[1:]
        if r[head.index("mission")] == "m"
    }


def test_zscore_over_one_scored_mission_gives_no_interval_and_says_why(
    tmp_path: Path, make_workspace: Make, capsys: pytest.CaptureFixture[str]
) -> None:
    root = workspace(tmp_path, make_workspace)
    got = rows(root, "--normalisation", "zscore", capsys=capsys)
    assert {k: got[k] for k in ("overall", "f0", "q0", "q1")} == {
        "overall": ["0.0", "", ""],
        "f0": ["0.0", "", ""],
        "q0": ["0.0", "", ""],
        "q1": ["0.0", "", ""],
    }
    ws = ovm.load_workspace(root)
    run = ovm.analyse(ws, ovm.Settings(comparison=ovm.ComparisonSettings(normalisation="zscore")))
    card = run.scores.scorecard("m")
    assert [(n.interval, n.sampled) for n in (card.node("q1"), card.node("f0"))] == [
        (None, True),
        (None, True),
    ]
    said = [f for f in card.findings if f.code == "cohort-normalisation-undefined"]
    assert said == [
        Finding(
            code="cohort-normalisation-undefined",
            message="zscore undefined over the cohort: fewer than 2 missions have a value, so "
            "the score is a stand-in with no interval",
            node=node,
            severity="info",
            params={"variant": "interval_few", "method": "zscore"},
        )
        for node in ("q0", "q1")
    ]
    assert said[0].text("fr") == (
        "la normalisation par score z n'est pas définie sur la cohorte\u202f: moins de 2 "
        "missions ont une valeur, la note est donc une valeur de remplacement sans intervalle"
    )


def test_minmax_over_one_scored_mission_puts_the_interval_where_the_score_goes(
    tmp_path: Path, make_workspace: Make, capsys: pytest.CaptureFixture[str]
) -> None:
    root = workspace(tmp_path, make_workspace)
    q1 = ovm.analyse(ovm.load_workspace(root)).scores.scorecard("m").node("q1")
    assert q1.interval is not None and q1.score is not None
    low, high = q1.interval
    assert low < q1.score < high
    got = rows(root, "--normalisation", "minmax", "--output-range", "1", "10", capsys=capsys)
    # Along 1-10 as the score itself goes: 1 + x * 9 / 100.
    placed = [float(v) for v in got["q1"]]
    expected = [1 + v * 9 / 100 for v in (q1.score, low, high)]
    assert placed == pytest.approx(expected, abs=1e-9)
    assert placed[1] < placed[0] < placed[2]
    for node in ("f0", "overall"):
        score, lo, hi = (float(v) for v in got[node])
        assert lo < score < hi, node
