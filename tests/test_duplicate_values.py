"""A value given twice is refused at the cell of the second, naming where the first is: the file,
row and column of another table, or the line of missions.yaml."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from ovm.cli.app import main

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLES, ws)
    (ws / "more.csv").write_text(
        "mission,votes_abroad,registered_abroad\ncol-2022,1,\ncol-2018,,1376071\n", "utf-8"
    )
    (ws / "answers.csv").write_text("mission,legal.basis\ncol-2018,statute\n", "utf-8")
    cfg = yaml.safe_load((ws / "ovm.yaml").read_text("utf-8"))
    cfg["statistics"] = ["statistics.csv", "more.csv"]
    cfg["answers"] = ["answers.csv"]
    (ws / "ovm.yaml").write_text(yaml.safe_dump(cfg), "utf-8")
    return ws


def test_a_value_given_twice_is_located_at_its_cell_and_names_the_first(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(workspace)]) == 1
    said = [line for line in capsys.readouterr().err.splitlines() if "[duplicate-value]" in line]
    ws = str(workspace)
    header = (workspace / "statistics.csv").read_text("utf-8").splitlines()[0].split(",")
    rows = [r.split(",")[0] for r in (workspace / "statistics.csv").read_text().splitlines()]
    votes, registered = header.index("votes_abroad") + 1, header.index("registered_abroad") + 1
    missions = (workspace / "missions.yaml").read_text("utf-8").splitlines()
    col_2018 = missions.index("- id: col-2018")
    basis = next(k for k, line in enumerate(missions) if k > col_2018 and "legal.basis:" in line)
    assert sorted(said) == sorted(
        [
            f"{ws}/more.csv:2:2 votes_abroad for col-2022 is given in more than one file: first "
            f"at {ws}/statistics.csv:{rows.index('col-2022') + 1}:{votes} [duplicate-value]",
            f"{ws}/more.csv:3:3 registered_abroad for col-2018 is given in more than one file: "
            f"first at {ws}/statistics.csv:{rows.index('col-2018') + 1}:{registered} "
            "[duplicate-value]",
            f"{ws}/answers.csv:2:2 legal.basis for col-2018 is answered both in "
            f"{ws}/missions.yaml:{basis + 2} and in {ws}/answers.csv [duplicate-value]",
        ]
    )


MINI = Path(__file__).parent / "data" / "mini"


def test_a_value_given_twice_is_one_error_and_a_limit_across_files_is_at_its_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The second registered_abroad of aaa-2020 is refused at its cell, and only there: it is
    not held against the mission's votes (350 over 1 would be the same problem again, said at
    another file's row). bbb-2021's votes of another file over its registered electors is a
    problem of its own, at the votes' cell."""
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    (ws / "more.csv").write_text(
        "mission,registered_abroad,votes_abroad\naaa-2020,1,\nbbb-2021,,5000\n", "utf-8"
    )
    config = (ws / "ovm.yaml").read_text("utf-8")
    (ws / "ovm.yaml").write_text(
        config.replace("statistics: [statistics.csv]", "statistics: [statistics.csv, more.csv]"),
        "utf-8",
    )
    assert main(["check", str(ws), "--format", "json"]) == 1
    issues = json.loads(capsys.readouterr().out)["issues"]
    assert [(i["file"], i["line"], i["column"], i["code"]) for i in issues] == [
        (f"{ws}/more.csv", 2, 2, "duplicate-value"),
        (f"{ws}/more.csv", 3, 3, "exceeds-limit"),
    ]


def test_an_answer_given_twice_in_a_workbook_is_located_on_its_sheet(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The second answer's place names the workbook's sheet, as every other problem of a
    workbook does (an editor opens the sheet, then goes to the row)."""
    import openpyxl

    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "notes"
    notes.append(["what", "written by"])
    sheet = book.create_sheet("answers")
    sheet.append(["mission", "legal.basis"])
    sheet.append(["col-2018", "statute"])
    book.save(workspace / "answers.xlsx")
    cfg = yaml.safe_load((workspace / "ovm.yaml").read_text("utf-8"))
    cfg["statistics"] = ["statistics.csv"]
    cfg["answers"] = [{"path": "answers.xlsx", "sheet": "answers"}]
    (workspace / "ovm.yaml").write_text(yaml.safe_dump(cfg), "utf-8")
    assert main(["check", str(workspace), "--format", "json"]) == 1
    issues = json.loads(capsys.readouterr().out)["issues"]
    said = [
        (i["file"], i["line"], i["column"], i["params"]["file"])
        for i in issues
        if i["code"] == "duplicate-value"
    ]
    book_name = f"{workspace}/answers.xlsx[answers]"
    assert said == [(book_name, 2, 2, book_name)]
