"""A folder with no ovm.yaml given as a workspace is wrong usage, one answer in every command:
exit status 2 and the same sentence, as a path that names nothing is (docs/architecture.md:
data and file problems exit 1, wrong usage 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ovm.cli.app import main


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["check"],
        ["score"],
        ["compare"],
        ["report", "-o", "OUT.html"],
        ["sensitivity", "--runs", "5"],
        ["whatif", "--mission", "x", "--set", "legal.basis=statute"],
        ["recommend", "--mission", "x"],
        ["pull"],
        ["form", "-o", "OUT.xlsx"],
        ["template", "-o", "OUT.xlsx"],
    ],
)
def test_a_folder_without_ovm_yaml_is_a_usage_error_everywhere(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a workspace\n", "utf-8")
    args = [a.replace("OUT", str(tmp_path / "r")) for a in command[1:]]
    assert main([command[0], str(folder), *args]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"ovm: no ovm.yaml in {folder}: make one with 'ovm init {folder}'"
    ]
