"""A rubric that does not use a field added to the format keeps the digest it had before the
field existed: score files and field forms made with it still match it after an upgrade."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ovm.rubric.model import load_rubric

MINI = Path(__file__).parent / "data" / "mini" / "rubric.yaml"

# The digest of tests/data/mini/rubric.yaml before variables could say ``allow_na``.
BEFORE_ALLOW_NA = "698f0c9b2492ca8f78b134cfb6eeec40f157281597f62fea3db582b171be58e7"


def _with_allow_na(tmp_path: Path, value: str) -> Path:
    copy = tmp_path / "rubric.yaml"
    shutil.copy(MINI, copy)
    text = copy.read_text("utf-8")
    first = re.search(r"^(\s+- )name: turned_away_mean$", text, re.M)
    assert first is not None
    indent = " " * len(first.group(1))
    at = first.end()
    copy.write_text(f"{text[:at]}\n{indent}allow_na: {value}{text[at:]}", "utf-8")
    return copy


def test_a_rubric_whose_variables_do_not_say_allow_na_keeps_its_digest(tmp_path: Path) -> None:
    assert load_rubric(MINI).digest() == BEFORE_ALLOW_NA
    assert load_rubric(_with_allow_na(tmp_path, "false")).digest() == BEFORE_ALLOW_NA


def test_a_variable_that_allows_na_is_another_methodology(tmp_path: Path) -> None:
    allowed = load_rubric(_with_allow_na(tmp_path, "true"))
    assert allowed.variables[2].allow_na
    assert allowed.digest() != BEFORE_ALLOW_NA
