"""A band a critical indicator caps is shown as capped wherever its score is shown.

A critical indicator in its lowest band holds the bands above it at their lowest
(:mod:`ovm.scoring.critical`), whatever their scores. The workbook colours such a score with
its band's colour, not by the range its number falls in (the conditional formats stay on every
other score, so a value typed over keeps its colour right); the HTML marks the band "capped",
names the indicator for screen readers and on hover, and links to the finding. A band that is
the lowest by its own score anyway is not marked. Reports are written by the CLI from files
and read back with openpyxl and html5lib.
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
from ovm.reporting.workbook import TONE_FILLS

Make = Callable[..., Path]


def _texts(en: str, es: str, fr: str, pt: str) -> str:
    return f"{{en: {en}, es: {es}, fr: {fr}, pt: {pt}}}"


SCALE = (
    "["
    + ", ".join(
        f"{{key: s{s}, score: {s}, descriptor: {_texts(f'S{s}', f'S{s}', f'S{s}', f'S{s}')}}}"
        for s in (0, 50, 100)
    )
    + "]"
)


def _leaf(nid: str, label: str, extra: str = "", indent: str = "      ") -> str:
    return (
        f"{indent}- {{id: {nid}, kind: levels, labels: {label}, source: analyst, "
        f"levels: {SCALE}{extra}}}\n"
    )


RUBRIC = (
    'ovm_rubric: 1\nid: capband\nversion: "1"\n'
    f"title: {_texts('Caps', 'Topes', 'Plafonds', 'Tetos')}\nlanguages: [en, es, fr, pt]\n"
    "bands:\n"
    f"  - {{min: 0, max: 40, label: {_texts('Serious', 'Grave', 'Grave', 'Grave')}}}\n"
    f"  - {{min: 40, max: 60, label: {_texts('Partial', 'Parcial', 'Partiel', 'Parcial')}}}\n"
    f"  - {{min: 60, max: 80, label: {_texts('Adequate', 'Adecuado', 'Adéquat', 'Adequado')}}}\n"
    f"  - {{min: 80, max: 100, label: {_texts('Good', 'Bueno', 'Bon', 'Bom')}}}\n"
    "families:\n"
    f"  - id: f1\n    labels: {_texts('Practice', 'Práctica', 'Pratique', 'Prática')}\n"
    "    children:\n"
    f"      - id: f1.g\n        labels: {_texts('Booth', 'Cabina', 'Isoloir', 'Cabine')}\n"
    "        children:\n"
    + _leaf("a", _texts("Secrecy", "Secreto", "Secret", "Sigilo"), ", critical: true", "          ")
    + _leaf("b", _texts("Screens", "Mamparas", "Paravents", "Biombos"), "", "          ")
    + _leaf("c", _texts("Queues", "Filas", "Files", "Filas"))
    + f"  - id: f2\n    labels: {_texts('Law', 'Ley', 'Loi', 'Lei')}\n    children:\n"
    + _leaf("d", _texts("Rights", "Derechos", "Droits", "Direitos"))
)
"""f1 holds the group f1.g (a, critical, and b) and c; f2 holds d; every weight is 1."""

MISSIONS = "missions:\n" + "".join(
    f"  - id: {m}\n    country: {country}\n    name: {m}\n"
    f"    election: {{type: general, date: 202{i}-01-01}}\n    answers:\n"
    + "".join(f"      {k}: {v}\n" for k, v in answers.items())
    for i, (m, country, answers) in enumerate(
        [
            # f1.g 0 (its lowest band by its own score), f1 50 and the overall 75: capped.
            ("m1", "ARG", {"a": "s0", "b": "s0", "c": "s100", "d": "s100"}),
            ("m2", "ARG", {"a": "s100", "b": "s100", "c": "s100", "d": "s100"}),
        ]
    )
)
"""Two elections of one country (a trend to draw), the first with a critical failure."""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import write_workspace

    return write_workspace(tmp_path_factory.mktemp("capband"), rubric=RUBRIC, missions=MISSIONS)


def _report(workspace: Path, out: Path, *args: str) -> Path:
    assert main(["report", str(workspace), "-q", "-o", str(out), *args]) == 0
    return out


# --- the workbook ----------------------------------------------------------------------------


def _shown_fill(ws: Any, cell: Any) -> str | None:
    """The colour a spreadsheet paints a cell: its first conditional format (in priority
    order) whose ``between`` holds the value, over its own fill."""
    from openpyxl.worksheet.cell_range import CellRange

    rules = []
    for cf in ws.conditional_formatting:
        if any(cell.coordinate in CellRange(str(r)) for r in cf.sqref.ranges):
            rules.extend(cf.rules)
    for rule in sorted(rules, key=lambda r: r.priority):
        assert rule.operator == "between"
        low, high = (float(x) for x in rule.formula)
        if isinstance(cell.value, int | float) and low <= cell.value <= high:
            return str(rule.dxf.fill.bgColor.rgb)[-6:]
    if cell.fill is not None and cell.fill.fill_type == "solid":
        return str(cell.fill.fgColor.rgb)[-6:]
    return None


def _sheet(book: Any, name: str, *columns: str) -> list[tuple[Any, ...]]:
    """Rows of a sheet: the named columns, each score column's value as the colour shown."""
    ws = book[name]
    header = [c.value for c in ws[1]]
    out = []
    for row in ws.iter_rows(min_row=2):
        got: list[Any] = []
        for name_ in columns:
            colour = name_.startswith("colour:")
            cell = row[header.index(name_.removeprefix("colour:"))]
            got.append(_shown_fill(ws, cell) if colour else cell.value)
        out.append(tuple(got))
    return out


SERIOUS, PARTIAL, GOOD = TONE_FILLS[0], TONE_FILLS[2], TONE_FILLS[5]


def test_the_workbook_paints_a_capped_score_with_its_band_s_colour(
    workspace: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    book = load_workbook(_report(workspace, tmp_path / "cmp.xlsx"))
    # The overall of m1 (75.0) and its f1 (50.0) are held at Serious; f1.g (0.0) is Serious
    # by its own score.
    assert _sheet(book, "rankings", "Mission", "Band", "colour:Score") == [
        ("m2", "Good", GOOD),
        ("m1", "Serious", SERIOUS),
    ]
    families = ("colour:Overall", "colour:Practice", "colour:Law")
    assert _sheet(book, "overview", "Mission", *families) == [
        ("m1", SERIOUS, SERIOUS, GOOD),
        ("m2", GOOD, GOOD, GOOD),
    ]
    rows = _sheet(book, "indicators", "Mission", "Id", "Band", "colour:Score")
    assert [r for r in rows if r[1] in ("f1", "f1.g")] == [
        ("m1", "f1", "Serious", SERIOUS),
        ("m2", "f1", "Good", GOOD),
        ("m1", "f1.g", "Serious", SERIOUS),
        ("m2", "f1.g", "Good", GOOD),
    ]
    assert _sheet(book, "trends", "Mission", "colour:Score") == [("m1", SERIOUS), ("m2", GOOD)]
    mission = load_workbook(_report(workspace, tmp_path / "m1.xlsx", "--mission", "m1"))
    assert _sheet(mission, "overview", "Overall", "Band", "colour:Overall") == [
        (75.0, "Serious", SERIOUS)
    ]


def test_an_uncapped_score_keeps_the_colour_of_the_value_typed_over_it(
    workspace: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    book = load_workbook(_report(workspace, tmp_path / "cmp.xlsx"))
    ws = book["overview"]
    law_m1, overall_m1 = ws["H2"], ws["F2"]
    assert [c.value for c in ws[1]][5:] == ["Overall", "Practice", "Law"]
    law_m1.value, overall_m1.value = 50.0, 95.0
    # An uncapped score follows its new value; a capped one stays in its band, as its cap
    # does not depend on its number.
    assert (_shown_fill(ws, law_m1), _shown_fill(ws, overall_m1)) == (PARTIAL, SERIOUS)


# --- the HTML --------------------------------------------------------------------------------


def _marks(page: Path) -> list[tuple[str, str, str, str, str | None]]:
    """Each capped mark of a page: (section, score beside it, visible mark, its explanation,
    the anchor it links to), in the page's order. A linked mark is explained by the legend's
    note it points to, an id the page has once; its anchor exists, on a finding's row."""
    text = page.read_text("utf-8")
    tree = html5lib.parse(text, namespaceHTMLElements=False)
    parent = {child: node for node in tree.iter() for child in node}
    ids = {e.get("id"): e for e in tree.iter() if e.get("id")}

    def up(e: ET.Element, test: Callable[[ET.Element], bool]) -> ET.Element:
        while not test(e):
            e = parent[e]
        return e

    def classes(e: ET.Element) -> list[str]:
        return (e.get("class") or "").split()

    out = []
    for mark in tree.iter("small"):
        if "cap" not in classes(mark) or up(mark, lambda e: e.tag in ("ul", "body")).tag == "ul":
            continue
        holder = up(mark, lambda e: e.tag == "td" or "sc" in classes(e))
        link = mark.find("a")
        if link is None:
            hidden = next(e for e in mark.iter("span") if "visually-hidden" in classes(e))
            explanation = "".join(hidden.itertext())
            shown = "".join(mark.itertext()).removesuffix(explanation)
            href = None
        else:
            shown = "".join(link.itertext())
            note_id = link.get("aria-describedby")
            assert text.count(f' id="{note_id}"') == 1
            note = ids[note_id]
            assert "legend" in classes(up(note, lambda e: e.tag == "ul"))
            explanation = f" ({''.join(note.itertext())})"
            href = link.get("href")
            row = ids[href.removeprefix("#")]
            assert row.tag == "tr" and "critical-indicator" in "".join(row.itertext())
        section = up(mark, lambda e: e.tag == "section").get("id")
        number = holder.find("b")
        score = "".join(number.itertext()) if number is not None else (holder.text or "")
        out.append((section, score, shown, explanation, href))
    return out


EN = (
    "capped",
    " (band held at the lowest by Secrecy, a critical indicator in its lowest band)",
)


def test_the_comparison_marks_each_capped_band_beside_its_score(
    workspace: Path, tmp_path: Path
) -> None:
    marks = _marks(_report(workspace, tmp_path / "cmp.html"))
    at = "#finding-m1-a"
    assert marks == [
        ("overview", "75.0", *EN, at),
        ("overview", "50.0", *EN, at),
        ("ranking", "75.0", *EN, at),
        ("family-f1", "50.0", *EN, at),
        ("profiles", "75.0", *EN, at),
        ("profiles", "50.0", *EN, at),
    ]


def test_the_mission_report_marks_its_capped_bands_and_says_why_under_the_headline(
    workspace: Path, tmp_path: Path
) -> None:
    page = _report(workspace, tmp_path / "m1.html", "--mission", "m1")
    at = "#finding-m1-a"
    assert _marks(page) == [
        ("summary", "75.0", *EN, at),
        ("summary", "50.0", *EN, at),
        ("families", "50.0", *EN, at),
        ("families", "50.0", *EN, at),
        # inside the explanation's summary (a link there would keep it from opening)
        ("detail", "50.0", *EN, None),
    ]
    tree = html5lib.parse(page.read_text("utf-8"), namespaceHTMLElements=False)
    headline = next(e for e in tree.iter("div") if e.get("class") == "big-score")
    said = [
        ("".join(dt.itertext()), "".join(dd.itertext()))
        for dt, dd in zip(headline.iter("dt"), headline.iter("dd"), strict=True)
    ]
    assert said[0] == ("Band", EN[1].strip(" ()"))
    # The node's own explanation says it in words beside its band.
    explained = "".join(
        next(e for e in tree.iter("details") if e.get("id") == "node-f1").itertext()
    )
    assert "Serious (band held at the lowest by Secrecy" in explained


def test_a_report_on_a_mission_without_a_cap_marks_nothing(workspace: Path, tmp_path: Path) -> None:
    assert _marks(_report(workspace, tmp_path / "m2.html", "--mission", "m2")) == []


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", EN),
        (
            "es",
            (
                "limitada",
                " (banda limitada a la más baja por Secreto, indicador crítico en su banda más"
                " baja)",
            ),
        ),
        (
            "fr",
            (
                "plafonnée",
                " (bande plafonnée à la plus basse par Secret, indicateur critique dans sa bande"
                " la plus basse)",
            ),
        ),
        (
            "pt",
            (
                "limitada",
                " (faixa limitada à mais baixa por Sigilo, indicador crítico na sua faixa mais"
                " baixa)",
            ),
        ),
    ],
)
def test_the_capped_mark_is_said_in_the_report_s_language(
    workspace: Path, tmp_path: Path, lang: str, said: tuple[str, str]
) -> None:
    for args in ((), ("--mission", "m1")):
        page = _report(workspace, tmp_path / f"{lang}{len(args)}.html", "--lang", lang, *args)
        assert {(shown, explanation) for _, _, shown, explanation, _ in _marks(page)} == {said}


def test_a_mission_report_under_z_scores_marks_the_same_capped_bands(
    workspace: Path, tmp_path: Path
) -> None:
    # A mission's report shows the methodology's 0-100 scores under any normalisation, so its
    # bands are held down as they are without one.
    default = _marks(_report(workspace, tmp_path / "m1.html", "--mission", "m1"))
    for method in ("zscore", "rank"):
        args = ("--mission", "m1", "--normalisation", method)
        assert _marks(_report(workspace, tmp_path / f"{method}.html", *args)) == default
        context = json.loads(_report(workspace, tmp_path / f"{method}.json", *args).read_text())
        assert [c["indicator"] for c in context["caps"]] == ["a"]
        assert context["overall"]["cap"]["href"] == "#finding-m1-a"
