"""The methodology annex: each node's share of its parent's score is the engine's, a node that
does not count says so, critical indicators are marked and the cap rule is stated; the
workbook keeps weights and shares as numbers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import html5lib
import openpyxl
import pytest

import ovm
from ovm.cli.app import main
from ovm.i18n import format_percent

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _yes_no(node_id: str, extra: str = "") -> str:
    return f"""
          - id: {node_id}
            kind: answer
            labels: {{en: {node_id}, es: {node_id}}}
            source: legal{extra}"""


# Unequal weights, a nested group, an indicator and a family that do not count, and a
# critical indicator; every mission answers every question, so every node is scored.
RUBRIC = f"""
    ovm_rubric: 1
    id: annex
    version: "1"
    title: {{en: Annex, es: Anexo}}
    bands:
      - {{min: 0, max: 40, label: {{en: Weak, es: Débil}}}}
      - {{min: 40, max: 70, label: {{en: Fair, es: Regular}}}}
      - {{min: 70, max: 100, label: {{en: Good, es: Bueno}}}}
    families:
      - id: f1
        labels: {{en: F1, es: F1}}
        children:{_yes_no("f1.a")}{_yes_no("f1.b", chr(10) + "            weight: 3")}{
    _yes_no("f1.c", chr(10) + "            contributes: false")
}
          - id: f1.g
            labels: {{en: G, es: G}}
            weight: 2
            children:
              - {{id: f1.g.d, kind: answer, labels: {{en: D, es: D}}, source: legal}}
              - {{id: f1.g.e, kind: answer, labels: {{en: E, es: E}}, source: legal, weight: 0.5}}
      - id: f2
        labels: {{en: F2, es: F2}}
        weight: 2
        children:{_yes_no("f2.x", chr(10) + "            critical: true")}
      - id: f3
        labels: {{en: F3, es: F3}}
        contributes: false
        children:{_yes_no("f3.y")}
"""

MISSIONS = """
    missions:
""" + "".join(
    f"""      - {{id: {m}, country: {c}, name: {m}, election: {{type: general, date: 2020-01-01}},
         answers: {{f1.a: yes, f1.b: {b}, f1.c: no, f1.g.d: yes, f1.g.e: no, f2.x: yes,
                   f3.y: yes}}}}
"""
    for m, c, b in (("m1", "ARG", "yes"), ("m2", "BRA", "partial"))
)

SHARES = {
    "f1": 1 / 3,
    "f1.a": 1 / 6,
    "f1.b": 3 / 6,
    "f1.c": None,
    "f1.g": 2 / 6,
    "f1.g.d": 1 / 1.5,
    "f1.g.e": 0.5 / 1.5,
    "f2": 2 / 3,
    "f2.x": 1.0,
    "f3": None,
    "f3.y": 1.0,
}
"""Each node's share of its parent's score, by hand."""


def _engine_shares(run: ovm.Run) -> Iterator[tuple[str, dict[str, dict[str, float | None]]]]:
    """Each mission's shares as the engine explains its scores: by parent, each child's."""
    for card in run.scores.scorecards:
        yield (
            card.mission.id,
            {
                ns.node: {c.node: c.share for c in ns.explanation.children}
                for ns in (card.overall, *card.nodes)
                if ns.explanation.children
            },
        )


def _report(root: Path, out: Path, *args: str) -> Path:
    assert main(["report", str(root), "-q", "-o", str(out), *args]) == 0
    return out


def _tree(path: Path) -> list[dict[str, Any]]:
    tree: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))["methodology"]["tree"]
    return tree


def _parents(rubric: ovm.Rubric) -> dict[str, str]:
    return {placed.node.id: placed.parent for placed in rubric.walk()}


@pytest.fixture(scope="module")
def annex(
    tmp_path_factory: pytest.TempPathFactory, make_workspace: Callable[..., Path]
) -> tuple[Path, ovm.Run]:
    root = make_workspace(tmp_path_factory.mktemp("annex") / "ws", rubric=RUBRIC, missions=MISSIONS)
    return root, ovm.analyse(ovm.load_workspace(root))


def test_the_annex_gives_each_node_the_share_the_engine_scores_it_with(
    annex: tuple[Path, ovm.Run], tmp_path: Path
) -> None:
    root, run = annex
    tree = _tree(_report(root, tmp_path / "r.json"))
    shown = {n["id"]: n["share_value"] for n in tree}
    assert shown == SHARES
    # Every node of both missions is scored: the engine's explanations hold the same shares,
    # and no share of a node that does not count.
    parents = _parents(run.rubric)
    by_parent: dict[str, dict[str, float | None]] = {}
    for node, share in shown.items():
        if share is not None:
            by_parent.setdefault(parents[node], {})[node] = share
    for _mission, engine in _engine_shares(run):
        assert engine == by_parent
    assert [(n["id"], n["counts"]) for n in tree if not n["counts"]] == [
        ("f1.c", False),
        ("f3", False),
    ]


def test_the_annex_shares_are_those_of_the_bundled_rubric_in_every_mission(
    tmp_path: Path,
) -> None:
    """In the example workspace a mission's shares are renormalised over the children it
    scored: each is the annex's share over the annex's shares of those children."""
    tree = _tree(_report(EXAMPLES, tmp_path / "r.json"))
    shown = {n["id"]: n["share_value"] for n in tree}
    run = ovm.analyse(ovm.load_workspace(EXAMPLES))
    parents = _parents(run.rubric)
    # 6 families of 16.7 % and the comparative family out of the overall.
    families = {n["id"]: (n["share"], n["not_counted"]) for n in tree if n["depth"] == 1}
    counted = ("rights", "procedures", "participation", "legal", "practice", "obstacles")
    assert families == dict.fromkeys(counted, ("16.7%", None)) | {
        "comparative": ("—", "not in the overall")
    }
    missions = 0
    for mission, engine in _engine_shares(run):
        got = {(p, c): s for p, kids in engine.items() for c, s in kids.items()}
        expected: dict[tuple[str, str], float | None] = {}
        for parent, children in engine.items():
            # The engine explains the children that count, as the annex says.
            counts = [n for n, p in parents.items() if p == parent and shown[n] is not None]
            assert sorted(children) == sorted(counts), (mission, parent)
            scored = [c for c, share in children.items() if share is not None]
            total = sum(shown[c] or 0.0 for c in scored)
            for c in children:
                expected[(parent, c)] = (shown[c] or 0.0) / total if c in scored else None
        # Shares a mission renormalises differ from the annex's ratio in the last bits only.
        assert {k: None if v is None else round(v, 12) for k, v in got.items()} == {
            k: None if v is None else round(v, 12) for k, v in expected.items()
        }, mission
        missions += 1
    assert missions == 19
    assert shown["participation.diaspora_reach"] is None
    assert shown["participation.registration_rate"] == shown["participation.turnout_abroad"] == 0.5


def _rows(html: str) -> dict[str, Any]:
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    return {tr.get("id"): tr for tr in doc.iter("tr") if (tr.get("id") or "").startswith("method-")}


def _text(el: Any) -> str:
    # No-break spaces are part of what a language writes (``12,5 %``): kept.
    return re.sub(r"[ \t\r\n]+", " ", "".join(el.itertext())).strip(" ")


@pytest.mark.parametrize(
    ("lang", "outside", "outside_group", "mark"),
    [
        ("en", "not in the overall", "not in its group's score", "critical"),
        ("es", "fuera del índice general", "fuera del puntaje de su grupo", "crítico"),
    ],
)
def test_the_html_annex_prints_the_shares_marks_what_does_not_count_and_states_the_cap(
    annex: tuple[Path, ovm.Run],
    tmp_path: Path,
    lang: str,
    outside: str,
    outside_group: str,
    mark: str,
) -> None:
    root, _run = annex
    html = _report(root, tmp_path / "r.html", "--lang", lang).read_text("utf-8")
    rows = _rows(html)
    shares = {
        node: _text(rows[f"method-{node.replace('.', '-')}"].findall("td")[2]) for node in SHARES
    }
    assert shares == {
        node: format_percent(share, lang, 1) if share is not None else None
        for node, share in SHARES.items()
    } | {"f1.c": outside_group, "f3": outside}
    # 1/6 is 16.7 %, never rounded to a whole percent.
    assert shares["f1.a"] == format_percent(0.167, lang, 1)
    flagged = {
        node
        for node in SHARES
        for a in rows[f"method-{node.replace('.', '-')}"].iter("a")
        if a.get("href") == "#method-critical"
    }
    assert flagged == {"f2.x"}
    marks = [_text(a) for a in rows["method-f2-x"].iter("a") if a.get("href") == "#method-critical"]
    assert marks == [mark]
    # The rule, once, beside the indicators it applies to.
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    terms = list(doc.iter("dt"))
    rule = [i for i, dt in enumerate(terms) if dt.get("id") == "method-critical"]
    assert len(rule) == 1
    dd = _text(list(doc.iter("dd"))[rule[0]])
    words = ovm.i18n.translator(lang)
    assert dd == f"f2.x{words.colon} " + words("critical_rule", capped=words("band_capped"))


def test_the_workbook_keeps_weights_and_shares_as_numbers(
    annex: tuple[Path, ovm.Run], tmp_path: Path
) -> None:
    root, _run = annex
    book = openpyxl.load_workbook(_report(root, tmp_path / "r.xlsx"))
    sheet = list(book["methodology"].iter_rows(values_only=False))
    header = next(i for i, row in enumerate(sheet) if row[0].value == "Id")
    names = [c.value for c in sheet[header]]
    col = {name: names.index(name) for name in names if name}
    rows = {row[0].value: row for row in sheet[header + 1 :] if row[0].value in SHARES}
    got = {
        node: (
            row[col["Weight"]].value,
            row[col["Share of weight"]].value,
            row[col["Share of weight"]].number_format if node not in ("f1.c", "f3") else None,
            row[col["Counts in its parent's score"]].value,
            row[col["Critical indicator"]].value,
        )
        for node, row in rows.items()
    }
    weights = {"f1.b": 3, "f1.g": 2, "f1.g.e": 0.5, "f2": 2}
    assert got == {
        node: (
            weights.get(node, 1),
            # The sheet's XML writes 16 significant digits.
            pytest.approx(share, rel=1e-15) if share is not None else None,
            "0.0%" if share is not None else None,
            share is not None,
            node == "f2.x",
        )
        for node, share in SHARES.items()
    }
    crit = next(row for row in sheet if row[0].value == "Critical indicators")
    assert crit[1].value.startswith("f2.x: a critical indicator that scores in its lowest band")
