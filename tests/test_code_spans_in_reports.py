"""A message quoting what the user types (a code span, ```headline: none```) is set as code in
the HTML report and written without its backticks in the JSON and the workbook. Through the
command line, on a copy of the example workspace whose rubric has no overall."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import html5lib
import openpyxl
import pytest

from ovm import i18n
from ovm.cli.app import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    ws = tmp_path_factory.mktemp("e") / "ws"
    shutil.copytree(EXAMPLES, ws)
    bundled = resources.files("ovm.rubrics").joinpath("deco-voting-abroad.yaml").read_text("utf-8")
    assert bundled.count("\naggregation:") == 1
    (ws / "rubric.yaml").write_text(
        bundled.replace("\naggregation:", "\nheadline: none\naggregation:"), "utf-8"
    )
    config = ws / "ovm.yaml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("rubric: bundled:deco-voting-abroad", "rubric: rubric.yaml"))
    out = {}
    for fmt in ("html", "json", "xlsx"):
        out[fmt] = ws.parent / f"report.{fmt}"
        argv = ["report", str(ws), "--mission", "mex-2018", "--lang", "fr", "--format", fmt]
        assert main([*argv, "-o", str(out[fmt])]) == 0
    return out


def _note() -> str:
    said = i18n.gettext("rec_no_gain_no_overall", "fr")
    assert "`headline: none`" in said
    return said.replace("`", "")


def _strings(o: Any) -> Iterator[str]:
    if isinstance(o, dict):
        for v in o.values():
            yield from _strings(v)
    elif isinstance(o, list):
        for v in o:
            yield from _strings(v)
    elif isinstance(o, str):
        yield o


def test_a_code_span_of_a_gain_note_is_code_in_the_html(outputs: dict[str, Path]) -> None:
    page = outputs["html"].read_text("utf-8")
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    notes = [
        re.sub(r"\s+", " ", "".join(p.itertext()))
        for p in tree.iter("p")
        if any(c.text == "headline: none" for c in p.iter("code"))
    ]
    assert notes and all(f"({_note()})" in n for n in notes)
    assert "`" not in "".join(tree.itertext())


def test_a_code_span_of_a_gain_note_has_no_backticks_in_json_or_workbook(
    outputs: dict[str, Path],
) -> None:
    data = json.loads(outputs["json"].read_text("utf-8"))
    notes = {r["gain_note"] for r in data["recommendations"]}
    assert _note() in notes
    assert [s for s in _strings(data) if "`" in s] == []
    book = openpyxl.load_workbook(outputs["xlsx"])
    cells = [
        str(c)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for c in row
        if c is not None
    ]
    assert _note() in cells
    assert [c for c in cells if "`" in c] == []
