"""Family 7's distance to the best needs two missions scored on its target.

In tests/data/cycles only col-2022 (30 polling places) is scored on the practice and obstacles
families; the others' three places leave them insufficient. Alone on its target, col-2022
would be its own best, 100 points for a comparison with nobody.
"""

from __future__ import annotations

import csv
import io

import pytest

from ovm.cli.app import main
from ovm.scoring.results import Finding, ScoreSet
from tests.test_imputation_cycles import CYCLES


def test_a_mission_alone_on_the_target_has_no_distance_to_the_best(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["compare", str(CYCLES), "-q", "--format", "csv"]) == 0
    table = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    head = table[0]
    cols = [head.index(c) for c in ("node", "mission", "score", "status")]
    got = {
        (r[cols[0]], r[cols[1]]): (r[cols[2]], r[cols[3]])
        for r in table[1:]
        if r[cols[1]] == "col-2022" and r[cols[0]].startswith("comparative.best_")
    }
    compared = {"rights", "procedures", "participation", "legal"}
    assert {k: v[1] for k, v in got.items()} == {
        **{("comparative.best_" + t, "col-2022"): "scored" for t in sorted(compared)},
        ("comparative.best_practice", "col-2022"): "insufficient",
        ("comparative.best_obstacles", "col-2022"): "insufficient",
    }
    assert [got[("comparative.best_" + t, "col-2022")][0] for t in ("practice", "obstacles")] == [
        "",
        "",
    ]
    # Each distance that compares with someone is below 100: col-2022 is not the best there.
    kept = [float(got[("comparative.best_" + t, "col-2022")][0]) for t in sorted(compared)]
    assert all(0 < k < 100 for k in kept)
    assert main(["score", str(CYCLES), "-q", "--format", "json"]) == 0
    card = ScoreSet.from_json(capsys.readouterr().out).scorecard("col-2022")
    said = [f for f in card.findings if f.code == "comparative-no-target"]
    assert said == [
        Finding(
            code="comparative-no-target",
            message=f"no other mission is scored on {target} to be compared with",
            node=f"comparative.best_{target}",
            severity="info",
            params={"variant": "alone", "target": target},
        )
        for target in ("practice", "obstacles")
    ]
    assert said[0].text("pt") == (
        "nenhuma outra missão tem pontuação em practice com a qual compará-la"
    )
    # The distance group is the mean of the four distances that compare with someone.
    distance = card.node("comparative.distance")
    assert distance.score == pytest.approx(sum(kept) / 4, abs=1e-9)
