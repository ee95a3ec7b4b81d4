"""A group the comparison aggregates again has no interval where a part of it rests on an
interval withheld for too few polling places (docs/statistics.md, point 6), as the scoring
gives it none; every output shows the comparison's answer.

Mission t is observed at 8 polling places, but its question q0 is answered at 4 of them:
scored (``min_answers`` 3) with no interval (5 places needed). Family f0 (q0 and q1) and the
overall rest on it; family f1 does not.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

import ovm
from ovm.cli.app import main

Make = Callable[..., Path]

RUBRIC = """\
ovm_rubric: 1
id: withheld
version: "1"
title: {en: Withheld, es: Retenido}
families:
"""
for _f, _qs in (("f0", (0, 1)), ("f1", (2, 3))):
    RUBRIC += f"  - id: {_f}\n    labels: {{en: {_f}, es: {_f}}}\n    children:\n"
    for _q in _qs:
        RUBRIC += (
            f"      - {{id: q{_q}, kind: checklist, source: checklist, min_answers: 3,\n"
            f"         labels: {{en: Q{_q}, es: P{_q}}}, question: {{en: Q{_q}, es: P{_q}}}}}\n"
        )

MISSIONS = """\
missions:
  - {id: m, country: ARG, name: M, election: {type: general, date: 2024-01-01}}
  - {id: n, country: BOL, name: N, election: {type: general, date: 2024-02-01}}
  - {id: t, country: CHL, name: T, election: {type: general, date: 2024-03-01}}
"""

OPTIONS = [
    ["--normalisation", "minmax"],
    ["--aggregation", "geometric"],
    ["--aggregation", "overall=geometric"],
]
"""Each re-aggregates f0 or the overall in the comparison."""

THIN = {("t", "q0"), ("t", "f0"), ("t", "overall")}
"""The cells with no interval: the thin question and every group above it."""

NODES = ("overall", "f0", "q0", "q1", "f1", "q2", "q3")


def visits(thin: bool) -> str:
    """8 places a mission, answers spread; with ``thin``, t's q0 unanswered at 4 of them
    (its share, 75 %, is the same either way, so the cohort's scale is too)."""
    rows = ["mission,site,q0,q1,q2,q3"]
    for mid, k in (("m", 2), ("n", 3), ("t", 4)):
        for p in range(8):
            answers = ["yes" if (p + j) % k else "no" for j in range(4)]
            if thin and mid == "t" and p >= 4:
                answers[0] = ""
            rows.append(f"{mid},{mid}{p}," + ",".join(answers))
    return "\n".join(rows) + "\n"


def workspace(root: Path, make: Make, thin: bool = True) -> Path:
    return make(
        root,
        rubric=RUBRIC,
        missions=MISSIONS,
        checklists=visits(thin),
        settings_yaml="{bootstrap: 200, seed: 3}",
    )


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main([*args, "-q"]) == 0
    return capsys.readouterr().out


def csv_intervals(
    root: Path, options: list[str], capsys: pytest.CaptureFixture[str]
) -> dict[tuple[str, str], tuple[str, str]]:
    table = list(
        csv.DictReader(io.StringIO(cli(capsys, "compare", str(root), "--format", "csv", *options)))
    )
    return {(r["mission"], r["node"]): (r["interval_low"], r["interval_high"]) for r in table}


def json_intervals(
    root: Path, options: list[str], capsys: pytest.CaptureFixture[str]
) -> dict[tuple[str, str], list[float] | None]:
    doc = json.loads(cli(capsys, "compare", str(root), "--format", "json", *options))["scores"]
    return {
        (card["mission"]["id"], ns["node"]): ns.get("interval")
        for card in doc["scorecards"]
        for ns in (card["overall"], *card["nodes"])
    }


@pytest.mark.parametrize("options", OPTIONS, ids=" ".join)
def test_a_group_resting_on_a_withheld_interval_has_none_in_the_comparison(
    tmp_path: Path, make_workspace: Make, capsys: pytest.CaptureFixture[str], options: list[str]
) -> None:
    root = workspace(tmp_path / "thin", make_workspace)
    # The scoring withholds them: the comparison must agree.
    ws = ovm.load_workspace(root)
    card = ovm.score(ws.rubric, ws.observations, seed=3, bootstrap=200).scorecard("t")
    assert {n.node for n in (card.overall, *card.nodes) if n.interval is None} == {
        node for _, node in THIN
    }
    got = csv_intervals(root, options, capsys)
    assert {k for k, v in got.items() if v == ("", "")} == THIN
    as_json = json_intervals(root, options, capsys)
    assert {k for k, v in as_json.items() if v is None} == THIN
    # Every other interval is the one of the cohort where t answered q0 everywhere.
    full = csv_intervals(workspace(tmp_path / "full", make_workspace, thin=False), options, capsys)
    assert {k: v for k, v in got.items() if k not in THIN} == {
        k: v for k, v in full.items() if k not in THIN
    }
    assert all(full[k] != ("", "") for k in THIN)
    # Still sampled, as the scoring says: the interval is withheld, not absent by nature.
    run = ovm.analyse(root, cli_settings(options))
    t = run.scores.scorecard("t")
    assert [(n.node, n.interval, n.sampled) for n in (t.overall, t.node("f0"), t.node("q0"))] == [
        ("overall", None, True),
        ("f0", None, True),
        ("q0", None, True),
    ]


def cli_settings(options: list[str]) -> ovm.Settings:
    """The settings the CLI builds from ``options`` (bootstrap and seed from ovm.yaml)."""
    flag, value = options
    if flag == "--normalisation":
        comparison = ovm.ComparisonSettings(normalisation=value)
    else:
        node, _, method = value.rpartition("=")
        comparison = ovm.ComparisonSettings(aggregation={node or "*": method})
    return ovm.Settings(seed=3, bootstrap=200, comparison=comparison)


@pytest.mark.parametrize("options", OPTIONS, ids=" ".join)
def test_the_mission_report_shows_no_interval_and_says_why(
    tmp_path: Path, make_workspace: Make, capsys: pytest.CaptureFixture[str], options: list[str]
) -> None:
    root = workspace(tmp_path, make_workspace)
    report = ["report", str(root), "--mission", "t", *options, "-o"]
    cli(capsys, *report, str(tmp_path / "t.json"))
    doc = json.loads((tmp_path / "t.json").read_text("utf-8"))
    family = {f["id"]: f["score"] for f in doc["families"]}
    shown = {"overall": doc["overall"], "f0": family["f0"], "f1": family["f1"]}
    assert {k: (v["interval_low"], v["interval_high"]) for k, v in shown.items()} == {
        "overall": (None, None),
        "f0": (None, None),
        "f1": (shown["f1"]["interval_low"], shown["f1"]["interval_high"]),
    }
    assert shown["f1"]["interval_low"] is not None
    reason = "not computed: 4 polling places answered, 5 needed"
    assert doc["interval_note"] == reason
    cli(capsys, *report, str(tmp_path / "t.html"))
    page = (tmp_path / "t.html").read_text("utf-8")
    summary = re.search(r"<dt>[^<]*</dt><dd>(.*?)</dd>", page[page.index('id="summary"') :])
    assert summary is not None
    assert summary.group(1) == f'— <small class="note">({reason})</small>'
    cli(capsys, *report, str(tmp_path / "t.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    rows: dict[str, tuple[object, object]] = {}
    for sheet, key in (("overview", "Mission"), ("indicators", "Id")):
        head, *body = book[sheet].iter_rows(values_only=True)
        at = head.index(key)
        lo, hi = head.index("Interval, low"), head.index("Interval, high")
        for r in body:
            rows[str(r[at])] = (r[lo], r[hi])
    assert {k for k, v in rows.items() if v == (None, None)} == {"t", "f0", "q0"}


def test_a_group_left_unscored_by_the_comparison_is_not_sampled(
    tmp_path: Path, make_workspace: Make
) -> None:
    # t answers "no" to q1 everywhere: its score of 0 leaves f0's geometric mean undefined,
    # so f0 has no score, and no interval to withhold.
    text = "\n".join(
        ",".join(c if i != 3 else "no" for i, c in enumerate(row.split(",")))
        if row.startswith("t,")
        else row
        for row in visits(thin=True).splitlines()
    )
    root = make_workspace(
        tmp_path,
        rubric=RUBRIC,
        missions=MISSIONS,
        checklists=text + "\n",
        settings_yaml="{bootstrap: 200, seed: 3}",
    )
    run = ovm.analyse(root, cli_settings(["--aggregation", "geometric"]))
    t = run.scores.scorecard("t")
    assert [
        (n.node, n.status, n.interval, n.sampled) for n in (t.overall, t.node("f0"), t.node("q1"))
    ] == [
        ("overall", "undefined", None, False),
        ("f0", "undefined", None, False),
        ("q1", "scored", t.node("q1").interval, True),
    ]
    assert t.node("q1").score == 0.0
