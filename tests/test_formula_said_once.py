"""A blank formula of a rubric is one mistake, said once at the formula: ``ovm validate`` on a
copy of the mini rubric of tests/data/mini."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_words_as_meant import _edit, _mini, _said


@pytest.mark.parametrize("blank", ['""', '"   "'])
def test_a_blank_formula_is_one_error(
    blank: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = _mini(tmp_path) / "rubric.yaml"
    line = _edit(rubric, "formula: votes_abroad / registered_abroad * 100", f"formula: {blank}")
    status, err = _said(["validate", str(rubric)], capsys)
    assert status == 1
    # Not also "must have at least 1 character" (invalid-value) at the same place.
    assert [x.rsplit(" ", 1)[-1] for x in err[:-1]] == ["[formula-syntax]"]
    assert err[0].startswith(f"{rubric}:{line}:")
    assert err[-1] == f"{rubric}: 1 error"
