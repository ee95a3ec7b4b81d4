"""A country's trend says what each overall rests on: its coverage and the families scored, and
a change between two overalls built on different families says which families differ.

In the example workspace mex-2012's overall is built on 4 families and mex-2024's on 6: the
"change +3.2 points" between them compares two different sums. The numbers are the
comparison's (``ovm compare --format json``), read here independently of the report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import html5lib

from ovm.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _scored(card: dict[str, Any], families: list[str]) -> list[str]:
    # the scores file leaves out a scored node's status, and a missing one's score
    scored = {n["node"] for n in card["nodes"] if n.get("score") is not None and "status" not in n}
    return [f for f in families if f in scored]


def test_each_trend_point_gives_its_coverage_and_families_and_a_change_says_what_differs(
    tmp_path: Path,
) -> None:
    assert (
        main(["compare", str(EXAMPLES), "-q", "--format", "json", "-o", str(tmp_path / "c.json")])
        == 0
    )
    assert main(["report", str(EXAMPLES), "-q", "-o", str(tmp_path / "r.json")]) == 0
    assert (
        main(["report", str(EXAMPLES), "-q", "--lang", "es", "-o", str(tmp_path / "r.html")]) == 0
    )
    comparison = json.loads((tmp_path / "c.json").read_text("utf-8"))
    scores = comparison["scores"]
    families = [f for f, _ in scores["nodes"]["overall"]["children"]]
    cards = {c["mission"]["id"]: c for c in scores["scorecards"]}
    trends = json.loads((tmp_path / "r.json").read_text("utf-8"))["trends"]

    shown = {
        p["mission"]["id"]: (p["coverage_value"], p["families"]["ids"], p["families"]["text"])
        for tr in trends
        for p in tr["points"]
    }
    expected = {
        mid: (
            cards[mid]["overall"]["coverage"],
            _scored(cards[mid], families),
            f"{len(_scored(cards[mid], families))} of {len(families)}",
        )
        for mid in shown
    }
    assert shown == expected

    notes = {tr["key"]: tr["change_note"] for tr in trends}
    mex = notes.pop("MEX")
    assert mex is not None
    assert [
        (o["mission"], o["ids"], [label["text"] for label in o["labels"]]) for o in mex["only"]
    ] == [
        (
            "mex-2024",
            ["obstacles"],
            ["Obstacles to effective implementation of voting abroad"],
        )
    ]
    assert mex["text"] == (
        "the two overall scores are not built on the same families (scored in mex-2024 only: "
        "Obstacles to effective implementation of voting abroad)"
    )
    # every other change compares overalls built on the same families (or there is no change)
    assert notes == dict.fromkeys(notes)
    # the change's ends are mex-2012 and mex-2024: both scored, on 4 and 5 families (mex-2024's
    # checklists come from 4 polling places, short of the 5 its practice questions need)
    mex_points = next(tr for tr in trends if tr["key"] == "MEX")["points"]
    assert [p["families"]["text"] for p in mex_points] == ["4 of 6", "4 of 6", "5 of 6"]

    # the Spanish page: coverage and families beside each point, the note under the table
    tree = html5lib.parse((tmp_path / "r.html").read_text("utf-8"), namespaceHTMLElements=False)
    figure = tree.find(".//figure[@id='trend-MEX']")
    assert figure is not None
    head = [
        "".join(th.itertext())
        for th in figure.findall(".//table[@class='trend-table']/thead/tr/th")
    ]
    assert head[-2:] == ["Cobertura", "Familias con puntaje"]
    rows = [
        ["".join(c.itertext()) for c in tr][-2:]
        for tr in figure.findall(".//table[@class='trend-table']/tbody/tr")
    ]
    assert [r[1] for r in rows] == ["4 de 6", "4 de 6", "5 de 6"]
    assert all(r[0].endswith("%") for r in rows)
    note = figure.find(".//p[@class='note']")
    assert note is not None
    assert "".join(note.itertext()).startswith(
        "los dos puntajes globales no se basan en las mismas familias "
        "(con puntaje solo en mex-2024: "
    )
    assert tree.find(".//figure[@id='trend-CRI']//p[@class='note']") is None


def test_a_trend_gives_each_familys_change_between_its_two_scored_ends(tmp_path: Path) -> None:
    assert (
        main(["compare", str(EXAMPLES), "-q", "--format", "json", "-o", str(tmp_path / "c.json")])
        == 0
    )
    assert main(["report", str(EXAMPLES), "-q", "-o", str(tmp_path / "r.json")]) == 0
    assert (
        main(["report", str(EXAMPLES), "-q", "--lang", "es", "-o", str(tmp_path / "r.html")]) == 0
    )
    scores = json.loads((tmp_path / "c.json").read_text("utf-8"))["scores"]
    families = [k for k, v in scores["nodes"].items() if v["kind"] == "family"]
    cards = {c["mission"]["id"]: c for c in scores["scorecards"]}

    def score(mid: str, fam: str) -> float | None:
        node = next(n for n in cards[mid]["nodes"] if n["node"] == fam)
        return node.get("score") if "status" not in node else None

    trends = json.loads((tmp_path / "r.json").read_text("utf-8"))["trends"]
    mex = next(tr for tr in trends if tr["key"] == "MEX")
    shown = [
        (f["id"], f["first"]["value"], f["last"]["value"], f["change"]) for f in mex["by_family"]
    ]
    expected = []
    for fam in families:
        a, z = score("mex-2012", fam), score("mex-2024", fam)
        change = None
        if a is not None and z is not None:
            change = ("+" if z - a >= 0.05 else "") + f"{z - a:.1f}"
        expected.append((fam, a, z, change))
    assert shown == expected
    assert [row[3] is None for row in shown].count(False) >= 4
    # a country with fewer than two scored elections has no change to give
    assert {tr["key"] for tr in trends if not tr["by_family"]} == {
        tr["key"] for tr in trends if tr["change"] is None
    }

    tree = html5lib.parse((tmp_path / "r.html").read_text("utf-8"), namespaceHTMLElements=False)
    table = tree.find(".//figure[@id='trend-MEX']//table[@class='trend-families']")
    assert table is not None
    assert "".join(table.find("./caption").itertext()) == "Familias de mex-2012 a mex-2024"
    rows = [["".join(c.itertext()) for c in tr][1:] for tr in table.findall("./tbody/tr")]
    assert [r[2] for r in rows] == ["—" if c is None else c.replace(".", ",") for *_, c in expected]
