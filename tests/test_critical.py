"""Critical indicators: in their lowest band they cap the band of the groups above them."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import ovm
from ovm import Scorecard

EXAMPLES = Path(__file__).parent.parent / "examples"
Make = Callable[..., Path]

SCALE = (
    "["
    + ", ".join(f"{{key: s{s}, score: {s}, descriptor: {{en: S{s}}}}}" for s in (0, 50, 100))
    + "]"
)
BANDS = """\
bands:
  - {min: 0, max: 40, label: {en: Serious}}
  - {min: 40, max: 60, label: {en: Partial}}
  - {min: 60, max: 80, label: {en: Adequate}}
  - {min: 80, max: 100, label: {en: Good}}
"""


def leaf(nid: str, extra: str = "", indent: str = "      ") -> str:
    return (
        f"{indent}- {{id: {nid}, kind: levels, labels: {{en: {nid}}}, source: analyst, "
        f"levels: {SCALE}{extra}}}\n"
    )


def rubric(critical: bool = True, outside: bool = False) -> str:
    """f1 holds a (critical or not), a sub-group f1.g of b and c; f2 holds d."""
    flag = ", critical: true" if critical else ""
    return (
        'ovm_rubric: 1\nid: crit\nversion: "1"\ntitle: {en: Critical}\nlanguages: [en]\n'
        + BANDS
        + "families:\n  - id: f1\n    labels: {en: F1}\n"
        + ("    contributes: false\n" if outside else "")
        + "    children:\n"
        + "      - id: f1.g\n        labels: {en: G}\n        children:\n"
        + leaf("a", flag, "          ")
        + leaf("b", "", "          ")
        + leaf("c")
        + "  - id: f2\n    labels: {en: F2}\n    children:\n"
        + leaf("d")
    )


def card(tmp_path: Path, make: Make, text: str, answers: dict[str, str]) -> Scorecard:
    given = "".join(f"      {k}: {v}\n" for k, v in answers.items())
    missions = (
        "missions:\n  - id: m\n    country: ARG\n    name: M\n"
        "    election: {type: general, date: 2020-01-01}\n    answers:\n" + given
    )
    root = make(tmp_path, rubric=text, missions=missions)
    ws = ovm.load_workspace(root)
    return ovm.score(ws.rubric, ws.observations, bootstrap=0).scorecard("m")


def bands(sc: Scorecard) -> list[tuple[str, float | None, int | None, str | None]]:
    return [(n.node, n.score, n.band, n.band_label) for n in (sc.overall, *sc.nodes)]


FAILING = {"a": "s0", "b": "s100", "c": "s100", "d": "s100"}


def test_a_critical_indicator_in_its_lowest_band_caps_every_band_above_it(
    tmp_path: Path, make_workspace: Make
) -> None:
    # f1.g = 50, f1 = 75, overall = 87.5: Partial, Adequate, Good without the cap.
    capped = card(tmp_path / "a", make_workspace, rubric(), FAILING)
    assert bands(capped) == [
        ("overall", 87.5, 0, "Serious"),
        ("f1", 75.0, 0, "Serious"),
        ("f1.g", 50.0, 0, "Serious"),
        ("a", 0.0, 0, "Serious"),
        ("b", 100.0, 3, "Good"),
        ("c", 100.0, 3, "Good"),
        ("f2", 100.0, 3, "Good"),
        ("d", 100.0, 3, "Good"),
    ]
    found = [(f.code, f.node, f.severity, dict(f.params)) for f in capped.findings]
    assert found == [
        (
            "critical-indicator",
            "a",
            "warning",
            {"indicator": "a", "score": "0.0", "nodes": "f1.g, f1, overall"},
        )
    ]
    # The same rubric without the flag: the mean compensates.
    plain = card(tmp_path / "b", make_workspace, rubric(critical=False), FAILING)
    assert [(n, b) for n, _, b, _ in bands(plain)] == [
        ("overall", 3),
        ("f1", 2),
        ("f1.g", 1),
        ("a", 0),
        ("b", 3),
        ("c", 3),
        ("f2", 3),
        ("d", 3),
    ]
    assert [s for _, s, _, _ in bands(plain)] == [s for _, s, _, _ in bands(capped)]
    assert plain.findings == ()


def test_a_critical_indicator_above_its_lowest_band_caps_nothing(
    tmp_path: Path, make_workspace: Make
) -> None:
    answers = {**FAILING, "a": "s50"}
    with_flag = card(tmp_path / "a", make_workspace, rubric(), answers)
    without = card(tmp_path / "b", make_workspace, rubric(critical=False), answers)
    assert bands(with_flag) == bands(without)
    assert with_flag.findings == ()


def test_the_cap_stops_at_a_family_kept_out_of_the_overall(
    tmp_path: Path, make_workspace: Make
) -> None:
    sc = card(tmp_path, make_workspace, rubric(outside=True), FAILING)
    got = {n: b for n, _, b, _ in bands(sc)}
    # The overall is f2 alone (100, Good); f1 is capped beside it.
    assert (got["overall"], got["f1"], got["f1.g"]) == (3, 0, 0)
    assert [dict(f.params)["nodes"] for f in sc.findings] == ["f1.g, f1"]


def test_a_comparison_keeps_the_cap_once(tmp_path: Path, make_workspace: Make) -> None:
    missions = "missions:\n" + "".join(
        f"  - id: {m}\n    country: ARG\n    name: {m}\n"
        f"    election: {{type: general, date: 202{i}-01-01}}\n    answers:\n"
        + "".join(f"      {k}: {v}\n" for k, v in ans.items())
        for i, (m, ans) in enumerate([("m1", FAILING), ("m2", {**FAILING, "a": "s100"})])
    )
    root = make_workspace(tmp_path, rubric=rubric(), missions=missions)
    ws = ovm.load_workspace(root)
    comp = ovm.compare(ovm.score(ws.rubric, ws.observations, bootstrap=0), ws.rubric)
    m1, m2 = comp.scores.scorecard("m1"), comp.scores.scorecard("m2")
    assert (m1.overall.band, m1.node("f1").band, m2.overall.band, m2.node("f1").band) == (
        0,
        0,
        3,
        3,
    )
    assert [f.code for f in m1.findings if f.code == "critical-indicator"] == ["critical-indicator"]
    assert [f.code for f in m2.findings if f.code == "critical-indicator"] == []


def test_the_schema_documents_the_flag() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ovm", "schema", "rubric"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert '"critical"' in out
    schema = json.loads(out)
    # Every built-in kind takes it, false by default.
    kinds = [
        d for name, d in schema["$defs"].items() if name.endswith("Indicator") and "properties" in d
    ]
    assert kinds and all(d["properties"]["critical"]["default"] is False for d in kinds)


def test_secrecy_failing_everywhere_caps_the_bundled_rubric_s_practice_and_overall(
    tmp_path: Path,
) -> None:
    before = ovm.load_workspace(EXAMPLES)
    assert before.rubric.id == "deco-voting-abroad"
    assert [i.id for i in before.rubric.indicators() if getattr(i, "critical", False)] == [
        "practice.secrecy"
    ]
    ws_dir = tmp_path / "ws"
    shutil.copytree(EXAMPLES, ws_dir)
    path = ws_dir / "checklists.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    for row in rows:
        if row["mission"] == "col-2018" and row["practice.secrecy"]:
            row["practice.secrecy"] = "no"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields)
        writer.writeheader()
        writer.writerows(rows)
    after = ovm.load_workspace(ws_dir)
    was = ovm.score(before.rubric, before.observations, bootstrap=0).scorecard("col-2018")
    now = ovm.score(after.rubric, after.observations, bootstrap=0).scorecard("col-2018")
    assert now.node("practice.secrecy").score == 0.0
    assert was.overall.band is not None and was.overall.band >= 2
    assert (now.node("practice").band, now.overall.band) == (0, 0)
    assert now.overall.band_label == "Serious shortcomings"
    assert [dict(f.params)["nodes"] for f in now.findings if f.code == "critical-indicator"] == [
        "practice, overall"
    ]


def test_only_indicators_marked_critical_are_looked_at(
    tmp_path: Path, make_workspace: Make
) -> None:
    from ovm.scoring.critical import apply_critical, critical_indicators

    failing = card(tmp_path / "a", make_workspace, rubric(), FAILING)
    plain = card(tmp_path / "b", make_workspace, rubric(critical=False), FAILING)
    marked = ovm.load_workspace(tmp_path / "a").rubric
    unmarked = ovm.load_workspace(tmp_path / "b").rubric
    assert critical_indicators(marked) == ("a",)
    assert critical_indicators(unmarked) == ()
    assert apply_critical(unmarked, plain.overall, plain.nodes) == (plain.overall, plain.nodes, [])
    # Given the list or finding it, the same caps.
    assert apply_critical(marked, failing.overall, failing.nodes, ("a",)) == apply_critical(
        marked, failing.overall, failing.nodes
    )


def _report_findings(root: Path) -> list[str]:
    """The messages of the critical-indicator findings in the mission report's JSON."""
    out = root / "m.json"
    argv = ["report", str(root), "--mission", "m", "--format", "json", "-q", "-o", str(out)]
    subprocess.run([sys.executable, "-m", "ovm", *argv], check=True)
    said: list[str] = []

    def walk(x: object) -> None:
        if isinstance(x, dict):
            if x.get("code") == "critical-indicator" and isinstance(x.get("message"), dict):
                said.append(x["message"]["text"])
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(json.loads(out.read_text(encoding="utf-8")))
    return sorted(set(said))


def test_the_finding_names_only_the_bands_it_holds_down_and_reports_word_them_by_label(
    tmp_path: Path, make_workspace: Make
) -> None:
    """b fails too: f1.g (0) is in its lowest band by its own score, f1 (50) and the overall
    (75) are held there. The finding names f1 and the overall only, as the capped marks and a
    recommendation's gain note do; a report words them by their labels in every language."""
    sc = card(tmp_path / "a", make_workspace, rubric(), {**FAILING, "b": "s0"})
    assert [(n, s, b) for n, s, b, _ in bands(sc)][:3] == [
        ("overall", 75.0, 0),
        ("f1", 50.0, 0),
        ("f1.g", 0.0, 0),
    ]
    assert [(f.message, dict(f.params)) for f in sc.findings] == [
        (
            "a is critical and scored 0.0, in its lowest band, which holds these bands at the "
            "lowest: f1, overall",
            {"indicator": "a", "score": "0.0", "nodes": "f1, overall"},
        )
    ]
    assert _report_findings(tmp_path / "a") == [
        "a is critical and scored 0.0, in its lowest band, which holds these bands at the "
        "lowest: F1, Overall"
    ]
    # Every group above it in its lowest band by its own score: none is held down.
    low = card(tmp_path / "b", make_workspace, rubric(), dict.fromkeys("abcd", "s0"))
    assert [(f.message, dict(f.params)) for f in low.findings] == [
        (
            "a is critical and scored 0.0, in its lowest band; the groups it caps are in their "
            "lowest band by their own scores",
            {"indicator": "a", "score": "0.0", "nodes": "-", "variant": "none"},
        )
    ]


def test_a_critical_indicator_that_caps_no_group_says_so_and_nothing_of_their_bands(
    tmp_path: Path, make_workspace: Make
) -> None:
    """Kept out of its group's score, a failing critical indicator caps nothing: its finding
    says it caps no group, not that the groups above are in their lowest band (f1.g is 100)."""
    text = rubric().replace("critical: true", "critical: true, contributes: false")
    sc = card(tmp_path, make_workspace, text, FAILING)
    assert [(n, b) for n, _, b, _ in bands(sc)][:3] == [("overall", 3), ("f1", 3), ("f1.g", 3)]
    assert [(f.message, dict(f.params)) for f in sc.findings] == [
        (
            "a is critical and scored 0.0, in its lowest band; it caps no group: the group above "
            "it has no score, or it does not count there",
            {"indicator": "a", "score": "0.0", "nodes": "-", "variant": "unreached"},
        )
    ]
