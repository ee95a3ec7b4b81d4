"""An imputed value fills a gap in a group with the observed data to be scored without it, and
is never taken for the mission's own: it is not imputed at all where the group lacks that
data, it is not ranked, leads no indicator and is no runner-up or weakest, no recommendation
rests on it, and every report marks it. Run through the CLI on files.

The cohort: aaa-2020 answers every indicator; bbb-2020 answers legal.a and legal.b only (half
of ``legal``, its minimum coverage; nothing of ``rights``); ccc-2020 all but legal.d.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import html5lib
import pytest

from ovm.cli.app import main

LEVELS = (
    "[{key: none, score: 0, descriptor: {en: None}}, {key: regulation, score: 40, descriptor: "
    "{en: Regulation}}, {key: statute, score: 75, descriptor: {en: Statute}}, "
    "{key: constitution, score: 100, descriptor: {en: Constitution}}]"
)


def _leaf(nid: str, extra: str = "") -> str:
    return (
        f"      - {{id: {nid}, kind: levels, source: legal, labels: {{en: {nid.upper()}}}, "
        f"levels: {LEVELS}{extra}}}\n"
    )


RUBRIC = (
    'ovm_rubric: 1\nid: tiny\nversion: "1"\ntitle: {en: Tiny}\nlanguages: [en]\nbands:\n'
    "  - {min: 0, max: 50, label: {en: Weak}}\n"
    "  - {min: 50, max: 80, label: {en: Fair}}\n"
    "  - {min: 80, max: 100, label: {en: Strong}}\n"
    "families:\n  - id: legal\n    labels: {en: Legal}\n    children:\n"
    + _leaf("legal.a")
    + _leaf("legal.b")
    + _leaf(
        "legal.c",
        ", recommendations: [{id: rec.c, when: {below: 50}, to: legislature, priority: high, "
        'text: {en: "Give C a legal basis."}}]',
    )
    + _leaf("legal.d")
    + "  - id: rights\n    labels: {en: Rights}\n    children:\n"
    + _leaf("rights.e")
    + _leaf("rights.f")
)

ANSWERS = {
    "aaa-2020": {
        "legal.a": "constitution",
        "legal.b": "constitution",
        "legal.c": "none",
        "legal.d": "constitution",
        "rights.e": "statute",
        "rights.f": "statute",
    },
    "bbb-2020": {"legal.a": "statute", "legal.b": "statute"},
    "ccc-2020": {
        "legal.a": "none",
        "legal.b": "regulation",
        "legal.c": "none",
        "rights.e": "constitution",
        "rights.f": "regulation",
    },
}

MISSIONS = "missions:\n" + "".join(
    f"  - id: {m}\n    country: {country}\n    name: {m}\n"
    f"    election: {{type: general, date: 2020-10-0{i + 1}}}\n    answers:\n"
    + "".join(f"      {k}: {{value: {v}}}\n" for k, v in ANSWERS[m].items())
    for i, (m, country) in enumerate(
        [("aaa-2020", "ARG"), ("bbb-2020", "BRA"), ("ccc-2020", "CHL")]
    )
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import write_workspace

    return write_workspace(tmp_path_factory.mktemp("imputed"), rubric=RUBRIC, missions=MISSIONS)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main([*args, "-q"]) == 0
    return capsys.readouterr().out


def _cards(workspace: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    from ovm.scoring.results import ScoreSet

    scores = ScoreSet.from_json(_run(capsys, "score", str(workspace), "--format", "json", *extra))
    return {c.mission.id: c for c in scores.scorecards}


def test_no_value_is_imputed_in_a_group_short_of_observed_data(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = _cards(workspace, capsys)["bbb-2020"]
    bbb = _cards(workspace, capsys, "--imputation", "mean")["bbb-2020"]
    codes = ("imputed-value", "imputation-failed")
    short = (
        "no value observed, and too few of the parts of rights observed to impute it: "
        "imputation fills gaps only in a group scored without them"
    )
    assert [(f.node, f.code, f.message) for f in bbb.findings if f.code in codes] == [
        (
            "legal.c",
            "imputed-value",
            "no value observed; imputed as the mean of the cohort over 2 missions: 0",
        ),
        (
            "legal.d",
            "imputation-failed",
            "no value observed, and only one mission in the cohort to impute from: a mean "
            "needs at least 2",
        ),
        ("rights.e", "imputation-failed", short),
        ("rights.f", "imputation-failed", short),
    ]
    # The group without the data is as the mission has it, as without imputation.
    rights = ("rights", "rights.e", "rights.f")
    assert [bbb.node(n) for n in rights] == [plain.node(n) for n in rights]
    assert [bbb.node(n).status for n in rights] == ["missing"] * 3


def test_an_imputed_value_is_not_ranked_and_leads_nothing(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = json.loads(_run(capsys, "compare", str(workspace), "--imputation", "mean"))
    ranked = {
        node: [(e["mission"], e["rank"], e["score"]) for e in got["rankings"][node]]
        for node in ("legal.c", "legal.d", "rights.e")
    }
    assert ranked == {
        # bbb-2020's imputed 0 is no tie for first, nor its weakest
        "legal.c": [("aaa-2020", 1, 0.0), ("ccc-2020", 1, 0.0), ("bbb-2020", None, None)],
        # the mean of one mission's 100 ties nobody for first
        "legal.d": [("aaa-2020", 1, 100.0), ("bbb-2020", None, None), ("ccc-2020", None, None)],
        "rights.e": [("ccc-2020", 1, 100.0), ("aaa-2020", 2, 75.0), ("bbb-2020", None, None)],
    }
    leaders = {
        node: (got["leaders"][node]["missions"], got["leaders"][node]["runner_up"])
        for node in ("legal.c", "legal.d")
    }
    assert leaders == {"legal.c": (["aaa-2020", "ccc-2020"], None), "legal.d": (["aaa-2020"], None)}
    assert {k: got["weakest"].get(k) for k in ("legal.c", "legal.d")} == {
        "legal.c": [],
        "legal.d": [],
    }


def test_no_recommendation_rests_on_an_imputed_value(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def fired(mission: str) -> list[str]:
        out = _run(
            capsys,
            "recommend",
            str(workspace),
            "--mission",
            mission,
            "--imputation",
            "mean",
            "--format",
            "json",
        )
        return [r["id"] for r in json.loads(out)["recommendations"]]

    # ccc-2020 answered "none" for C; bbb-2020's 0 on C is the cohort's mean.
    assert (fired("ccc-2020"), fired("bbb-2020")) == (["rec.c"], [])


def _marks(page: Path) -> list[tuple[str, str, str]]:
    """Each "imputed" mark of a page outside its legend: (section, score beside it, mark)."""
    tree = html5lib.parse(page.read_text("utf-8"), namespaceHTMLElements=False)
    parent = {child: node for node in tree.iter() for child in node}

    def up(e: ET.Element, test: Callable[[ET.Element], bool]) -> ET.Element:
        while not test(e):
            e = parent[e]
        return e

    out = []
    for mark in tree.iter("small"):
        if mark.get("class") != "imp" or up(mark, lambda e: e.tag in ("ul", "body")).tag == "ul":
            continue
        holder = up(mark, lambda e: e.tag == "td" or "sc" in (e.get("class") or "").split())
        number = holder.find("b")
        score = "".join(number.itertext()) if number is not None else (holder.text or "")
        section = up(mark, lambda e: e.tag == "section").get("id") or ""
        out.append((section, score, "".join(mark.itertext())))
    return out


LEGEND = (
    "imputed the cohort's mean put in for a value not observed: it fills a gap in its group's "
    "score, but is not ranked, is no best practice and grounds no recommendation"
)


def _legend(page: Path) -> list[str]:
    tree = html5lib.parse(page.read_text("utf-8"), namespaceHTMLElements=False)
    return sorted(
        {
            "".join(li.itertext())
            for ul in tree.iter("ul")
            if ul.get("class") == "legend"
            for li in ul.iter("li")
            if li.find("small") is not None and li.find("small").get("class") == "imp"  # type: ignore[union-attr]
        }
    )


def test_the_reports_mark_each_imputed_value(workspace: Path, tmp_path: Path) -> None:
    def report(name: str, *args: str) -> Path:
        out = tmp_path / name
        assert main(["report", str(workspace), "-q", "-o", str(out), *args]) == 0
        return out

    cohort = report("c.html", "--imputation", "mean")
    # The family table: C of bbb-2020 (D, observed at aaa-2020 alone, is imputed nowhere).
    assert _marks(cohort) == [("family-legal", "0.0", "imputed")]
    assert _legend(cohort) == [LEGEND]
    own = report("b.html", "--imputation", "mean", "--mission", "bbb-2020")
    assert [(s, n) for s, n, _ in _marks(own)] == [
        # C's imputed 0 is not among what pulled the mission down: it is the cohort's mean
        ("families", "0.0"),
        ("detail", "0.0"),
    ]
    assert _legend(own) == [LEGEND]
    # Without imputation, and on a mission with no imputed value, nothing is marked.
    for page in (
        report("p.html"),
        report("a.html", "--imputation", "mean", "--mission", "aaa-2020"),
    ):
        assert (_marks(page), _legend(page)) == ([], [])


def test_the_workbook_and_json_say_which_values_are_imputed(
    workspace: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    book = tmp_path / "c.xlsx"
    assert main(["report", str(workspace), "-q", "--imputation", "mean", "-o", str(book)]) == 0
    ws = load_workbook(book)["indicators"]
    header = [c.value for c in ws[1]]
    cols = [header.index(h) for h in ("Mission", "Id", "Status")]
    statuses = {
        (row[cols[0]], row[cols[1]]): row[cols[2]]
        for row in ws.iter_rows(min_row=2, values_only=True)
    }
    assert sorted(k for k, v in statuses.items() if v == "imputed") == [("bbb-2020", "legal.c")]
    page = tmp_path / "c.json"
    assert main(["report", str(workspace), "-q", "--imputation", "mean", "-o", str(page)]) == 0
    context = json.loads(page.read_text("utf-8"))
    rows = {
        row["id"]: [c.get("imputed", False) for c in row["cells"]]
        for table in context["family_sections"][0]["tables"]
        for row in table["rows"]
    }
    missions = [m["id"] for m in context["missions"]]
    assert missions == ["aaa-2020", "bbb-2020", "ccc-2020"]
    assert rows == {
        "legal.a": [False, False, False],
        "legal.b": [False, False, False],
        "legal.c": [False, True, False],
        "legal.d": [False, False, False],
    }
    assert context["imputed"] == LEGEND.removeprefix("imputed ")


def test_the_reports_word_findings_with_plurals_and_the_figure_shown(
    tmp_path: Path,
) -> None:
    from openpyxl import load_workbook

    from tests.conftest import write_workspace

    # C is observed as 0, 75 and 40: bbb-2020's is imputed as 38.333..., shown 38.3; D as
    # 100 twice: bbb-2020's and ddd-2020's are imputed as 100.
    answers = {
        **ANSWERS,
        "ccc-2020": {**ANSWERS["ccc-2020"], "legal.c": "statute", "legal.d": "constitution"},
        "ddd-2020": {"legal.a": "none", "legal.b": "none", "legal.c": "regulation"},
    }
    missions = "missions:\n" + "".join(
        f"  - id: {m}\n    country: ARG\n    name: {m}\n"
        f"    election: {{type: general, date: 2020-10-0{i + 1}}}\n    answers:\n"
        + "".join(f"      {k}: {{value: {v}}}\n" for k, v in answers[m].items())
        for i, m in enumerate(answers)
    )
    ws = write_workspace(tmp_path / "ws", rubric=RUBRIC, missions=missions)

    def said(lang: str) -> list[str]:
        page = tmp_path / f"{lang}.html"
        args = ["report", str(ws), "-q", "--imputation", "mean", "--lang", lang, "-o", str(page)]
        assert main(args) == 0
        tree = html5lib.parse(page.read_text("utf-8"), namespaceHTMLElements=False)
        starts = ("no value observed; imputed", "3 missing", "ningún valor", "3 valores")
        return [
            text for td in tree.iter("td") if (text := "".join(td.itertext())).startswith(starts)
        ]

    assert said("en") == [
        "3 missing values imputed by the cohort mean",
        "no value observed; imputed as the mean of the cohort over 3 missions: 38.3",
        "no value observed; imputed as the mean of the cohort over 2 missions: 100.0",
        "no value observed; imputed as the mean of the cohort over 2 missions: 100.0",
    ]
    assert said("es")[:2] == [
        "3 valores faltantes imputados por la media de la cohorte",
        "ningún valor observado; imputado como la media de la cohorte sobre 3 misiones: 38,3",
    ]
    book = tmp_path / "r.xlsx"
    assert main(["report", str(ws), "-q", "--imputation", "mean", "-o", str(book)]) == 0
    sheet = load_workbook(book)["findings"]
    messages = [row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "no value observed; imputed as the mean of the cohort over 3 missions: 38.3" in messages
