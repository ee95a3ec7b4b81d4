"""The comparison's summary: best practices and what each country should fix, from the run."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import html5lib
import pytest

from ovm.pipeline import Run, analyse
from ovm.reporting import report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def run() -> Run:
    return analyse(EXAMPLES)


@pytest.fixture(scope="module")
def context(run: Run) -> dict[str, Any]:
    return report.report_context(run)


def _text(el: Any) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def test_the_best_practices_are_the_runs_in_rubric_order(run: Run, context: dict[str, Any]) -> None:
    leaders = run.comparison.leaders
    order = [p.node.id for p in run.rubric.walk()]
    expected = sorted((k for k, b in leaders.items() if b.is_best_practice), key=order.index)
    assert expected, "the example has best practices"
    shown = [
        (b["id"], [m["id"] for m in b["missions"]], b["score"]) for b in context["best_practices"]
    ]
    assert shown == [(k, list(leaders[k].missions), f"{leaders[k].score:.1f}") for k in expected]
    tree = html5lib.parse(report.render_html(context), namespaceHTMLElements=False)
    rows = tree.findall(".//section[@id='best-practices']//table/tbody/tr")
    labels = {k: report.text_label(run.rubric.node(k).labels, "en")["text"] for k in expected}
    assert [_text(r.find("./th")) for r in rows] == [labels[k] for k in expected]


def test_each_fix_points_to_the_same_best_as_the_comparison(
    run: Run, context: dict[str, Any]
) -> None:
    checked = 0
    for fix in context["fixes"]:
        mid = fix["mission"]["id"]
        for item in fix["items"]:
            best = run.comparison.best.get(item["node"])
            brief = item["best"]
            if best is not None and best.missions:
                others = [m for m in best.missions if m != mid]
                if others:
                    assert brief["practice"] is True
                    assert [m["id"] for m in brief["missions"]] == others
                    assert brief["score"] == f"{best.score:.1f}"
                    checked += 1
                else:
                    assert brief is None
            elif brief is not None:
                top = next(
                    e
                    for e in run.comparison.rankings[item["node"]]
                    if e.mission != mid and e.score is not None
                )
                assert brief["practice"] is False
                assert [m["id"] for m in brief["missions"]] == [top.mission]
                checked += 1
    assert checked > 0


def test_with_missions_writes_every_page_the_comparison_links_to(tmp_path: Path) -> None:
    from ovm.cli.app import main

    out = tmp_path / "report.html"
    assert (
        main(
            [
                "report",
                str(EXAMPLES),
                "-q",
                "--sensitivity-runs",
                "0",
                "--with-missions",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    links = set(re.findall(r'href="(mission-[^"#]+\.html)#([^"]+)"', out.read_text("utf-8")))
    assert links
    broken = []
    for page, anchor in sorted(links):
        target = tmp_path / page
        if not target.exists() or f'id="{anchor}"' not in target.read_text("utf-8"):
            broken.append((page, anchor))
    assert broken == []
    # A mission report beside a JSON output, or with --mission, is a usage error.
    assert (
        main(["report", str(EXAMPLES), "-q", "--with-missions", "-o", str(tmp_path / "r.json")])
        == 2
    )
