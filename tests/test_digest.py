"""The data hash identifies the data, not where the workspace lies or how its rows are ordered."""

from __future__ import annotations

import shutil
from pathlib import Path

import ovm

MINI = Path(__file__).parent / "data" / "mini"


def _digest(path: Path) -> str:
    ws = ovm.load_workspace(path)
    return ovm.score(ws.rubric, ws.observations, bootstrap=0).data_sha256


def test_copied_workspace_hashes_the_same_and_a_changed_value_does_not(tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / "copy"
    shutil.copytree(MINI, copy)
    assert _digest(copy) == _digest(MINI)
    lines = (copy / "checklists.csv").read_text(encoding="utf-8").splitlines()
    (copy / "checklists.csv").write_text(
        "\n".join([lines[0], *reversed(lines[1:])]) + "\n", encoding="utf-8"
    )
    assert _digest(copy) == _digest(MINI)
    stats = (copy / "statistics.csv").read_text(encoding="utf-8")
    (copy / "statistics.csv").write_text(stats.replace("1000,350", "1000,351"), encoding="utf-8")
    assert _digest(copy) != _digest(MINI)
