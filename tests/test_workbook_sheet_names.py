"""The report workbook's sheet names are fixed identifiers a script reads by name: the same in
every language, and those docs/api.md lists."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from ovm.cli.app import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FAST = ["-q", "--bootstrap", "0", "--sensitivity-runs", "0"]

pytestmark = pytest.mark.skipif(not (EXAMPLES / "ovm.yaml").exists(), reason="no example workspace")


def _documented() -> dict[str, list[str]]:
    """The sheets docs/api.md names, by kind of report."""
    text = " ".join((ROOT / "docs" / "api.md").read_text(encoding="utf-8").split())
    found = re.search(r"A comparison's sheets are (.*?); a mission report's (.*?); either", text)
    assert found is not None
    return {
        kind: re.findall(r"`([^`]+)`", part)
        for kind, part in zip(("comparison", "mission"), found.groups(), strict=True)
    }


@pytest.mark.parametrize("kind", ["comparison", "mission"])
def test_every_language_writes_the_documented_sheet_names(tmp_path: Path, kind: str) -> None:
    names = {}
    for lang in ("en", "es", "fr", "pt"):
        out = tmp_path / f"{lang}.xlsx"
        one = ["--mission", "col-2022"] if kind == "mission" else []
        assert main(["report", str(EXAMPLES), *FAST, *one, "--lang", lang, "-o", str(out)]) == 0
        names[lang] = openpyxl.load_workbook(out, read_only=True).sheetnames
    # The example data's two warnings (the variables nothing gives) are listed in the data
    # quality sheet, after findings, as documented.
    text = " ".join((ROOT / "docs" / "api.md").read_text(encoding="utf-8").split())
    assert "either has a `data quality` sheet after `findings` where there is something" in text
    documented = _documented()[kind]
    after = documented.index("findings") + 1
    expected = [*documented[:after], "data quality", *documented[after:]]
    assert names == dict.fromkeys(names, expected)
