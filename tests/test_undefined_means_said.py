"""A geometric aggregation that leaves missions without a score says how many and why, and the
sensitivity analysis says its geometric alternative is not ``--aggregation geometric``.

Any 0 makes a geometric mean undefined, and every group above it with it: under
``--aggregation '*=geometric'`` the example workspace's overall is undefined for most missions.
The warnings counted only the groups whose own mean met the 0 ("undefined for 1 mission" where
six were, nothing on the overall). The sensitivity runs floor values below 1 at 1 instead, so a
reader told that aggregation hardly matters is told that it is not the same mean.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from ovm.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

FLOOR_NOTE = (
    "in the runs' geometric and harmonic means a value below 1 enters as 1, unlike "
    "`--aggregation geometric` or `harmonic`, where a score of 0 leaves the mean undefined"
)


def test_every_undefined_group_is_counted_with_its_cause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "c.json"
    argv = ["compare", str(EXAMPLES), "--aggregation", "*=geometric", "--format", "json"]
    assert main([*argv, "-o", str(out)]) == 0
    said = capsys.readouterr().err
    result = json.loads(out.read_text("utf-8"))
    undefined: Counter[str] = Counter(
        node["node"]
        for card in result["scores"]["scorecards"]
        for node in (card["overall"], *card["nodes"])
        if node.get("status") == "undefined"
    )
    counted: Counter[str] = Counter()
    causes = {}
    for f in result["findings"]:
        if f["params"].get("variant") == "cohort" and f["code"] in (
            "aggregation-undefined",
            "undefined-child",
        ):
            counted[f["node"]] += int(f["params"]["n"])
            causes.setdefault(f["node"], set()).add(f["code"])
    # every undefined score is counted once, under its own mean's 0 or under a part of it
    assert counted == undefined
    assert undefined["overall"] > 1
    assert causes["overall"] == {"undefined-child"}
    n = undefined["overall"]
    assert f"overall is undefined for {n} missions: a part of it is undefined" in said


def test_the_sensitivity_notes_say_their_geometric_mean_is_floored(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    argv = ["sensitivity", str(EXAMPLES), "--runs", "4", "-q", "--format", "json"]
    assert main([*argv, "-o", str(out)]) == 0
    assert FLOOR_NOTE in json.loads(out.read_text("utf-8"))["notes"]
    page = tmp_path / "r.html"
    assert main(["report", str(EXAMPLES), "-q", "--lang", "es", "-o", str(page)]) == 0
    assert (
        "en las medias geométrica y armónica de las ejecuciones, un valor menor que 1 entra "
        "como 1, a diferencia de <code>--aggregation geometric</code> o <code>harmonic</code>, "
        "donde un puntaje de 0 deja la media sin definir"
    ) in page.read_text("utf-8")
