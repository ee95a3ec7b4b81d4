"""Two letters swapped in an answer (``yse``) are named as the choice meant, as a misspelling
difflib finds is; an opening hour without its leading zero (``8:00``) is read as 08:00."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from ovm.cli.app import main

EXAMPLES = Path(__file__).parent.parent / "examples"


def _copy(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLES, ws)
    return ws


def test_a_swapped_answer_names_the_choice_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _copy(tmp_path)
    lines = (ws / "checklists.csv").read_text("utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    col = header.index("practice.secrecy")
    cells = lines[1].rstrip("\n").split(",")
    cells[col] = "yse"
    lines[1] = ",".join(cells) + "\n"
    # Two letters are another word, not a typo: what a checkbox exports for "checked" is no "no".
    cells = lines[2].rstrip("\n").split(",")
    cells[col] = "on"
    lines[2] = ",".join(cells) + "\n"
    (ws / "checklists.csv").write_text("".join(lines), "utf-8")
    assert main(["check", str(ws)]) == 1
    said = [line for line in capsys.readouterr().err.splitlines() if "[invalid-answer]" in line]
    assert said == [
        f"{ws}/checklists.csv:2:{col + 1} 'yse' is not an allowed answer for practice.secrecy "
        "(yes, no): did you mean yes? [invalid-answer]",
        f"{ws}/checklists.csv:3:{col + 1} 'on' is not an allowed answer for practice.secrecy "
        "(yes, no) [invalid-answer]",
    ]


def test_an_hour_without_its_leading_zero_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _copy(tmp_path)
    (ws / "places.csv").write_text(
        "mission,place,country,city,tables,opens\nmex-2024,mad-1,ESP,Madrid,2,8:00\n"
        "mex-2024,mad-2,ESP,Madrid,1,08:30\n",
        "utf-8",
    )
    cfg = yaml.safe_load((ws / "ovm.yaml").read_text("utf-8"))
    cfg["places"] = ["places.csv"]
    (ws / "ovm.yaml").write_text(yaml.safe_dump(cfg), "utf-8")
    assert main(["check", str(ws)]) == 0
    err = capsys.readouterr().err
    assert "invalid-time" not in err
    assert f"{ws}/places.csv: 2 rows read, 2 used, 0 rejected" in err
