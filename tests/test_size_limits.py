"""Data files over their documented size limit are refused before anything in them is read."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from ovm import DataError, load_workspace
from ovm.cli.app import main
from ovm.data.tables import MAX_XLSX_CONTENT, SIZE_LIMITS, read_table
from ovm.yamldoc import MAX_BYTES
from tests.test_workspace import workspace


def sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no room on disk (and would take long to parse)."""
    with path.open("wb") as fh:
        fh.truncate(size)
    return path


def issues_of(root: Path) -> list[tuple[str, int | None, int | None, str]]:
    with pytest.raises(DataError) as info:
        load_workspace(root)
    return [(Path(i.file).name, i.line, i.column, i.code) for i in info.value.issues]


# What the workspace's own statistics.csv gives (tests/test_workspace.py): still reported.
STATISTICS_ISSUES = [
    ("statistics.csv", 1, 5, "unknown-column"),
    ("statistics.csv", 3, 1, "unknown-mission"),
    ("statistics.csv", 4, 2, "invalid-number"),
    ("statistics.csv", 4, 3, "negative-count"),
    ("statistics.csv", 5, 1, "duplicate-row"),
    ("statistics.csv", 6, 2, "not-finite"),
    ("statistics.csv", 6, 3, "not-finite"),
    ("statistics.csv", 7, 3, "exceeds-limit"),
    ("statistics.csv", 8, 2, "not-integer"),
    ("statistics.csv", 9, 3, "not-applicable-not-allowed"),
    ("statistics.csv", 10, 1, "missing-mission"),
]


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet", ".xlsx"])
def test_a_table_over_its_limit_is_refused_at_the_line_naming_it(
    tmp_path: Path, suffix: str
) -> None:
    root = workspace(tmp_path / "ws", checklists=None)
    sparse(root / f"big{suffix}", SIZE_LIMITS[suffix] + 1)
    (root / "ovm.yaml").write_text(
        f"rubric: rubric.yaml\nstatistics:\n  - statistics.csv\n  - big{suffix}\n",
        encoding="utf-8",
    )
    assert issues_of(root) == [("ovm.yaml", 4, 5, "file-too-large"), *STATISTICS_ISSUES]


def test_a_table_at_its_limit_is_read(tmp_path: Path) -> None:
    # One byte less is read as usual: here a header and a row padded with blanks.
    root = workspace(tmp_path / "ws", checklists=None, statistics=None)
    text = "mission,registered_abroad\naaa-2020,1000"
    path = root / "statistics.csv"
    path.write_text(text, encoding="utf-8")
    with path.open("ab") as fh:
        fh.write(b" " * (SIZE_LIMITS[".csv"] - len(text)))
    assert path.stat().st_size == SIZE_LIMITS[".csv"]
    ws_config = "rubric: rubric.yaml\nstatistics: [statistics.csv]\n"
    (root / "ovm.yaml").write_text(ws_config, encoding="utf-8")
    ws = load_workspace(root)
    assert ws.observations.mission("aaa-2020").values["registered_abroad"].value == 1000


def test_the_cli_refuses_it_with_exit_1_and_every_other_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = workspace(tmp_path / "ws", checklists=None)
    sparse(root / "visits.csv", SIZE_LIMITS[".csv"] + 1)
    (root / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nstatistics: [statistics.csv]\nchecklists:\n  - visits.csv\n",
        encoding="utf-8",
    )
    assert main(["check", str(root)]) == 1
    err = capsys.readouterr().err
    assert (
        f"{root / 'ovm.yaml'}:4:5 checklists[0]: 'visits.csv' is "
        f"{SIZE_LIMITS['.csv'] + 1:,} bytes; the limit for a CSV table is 1 GiB: split it into "
        "several files, each named in ovm.yaml [file-too-large]"
    ) in err.splitlines()
    assert f"{root / 'statistics.csv'}:3:1 no mission 'zzz-2020'" in err
    assert "Traceback" not in err


def test_the_reader_refuses_it_at_the_file(tmp_path: Path) -> None:
    path = sparse(tmp_path / "t.csv", SIZE_LIMITS[".csv"] + 1)
    df, issues = read_table(path)
    assert df is None
    assert [(i.file, i.line, i.code, i.message) for i in issues] == [
        (
            str(path),
            None,
            "file-too-large",
            f"{SIZE_LIMITS['.csv'] + 1:,} bytes; the limit for a CSV table is 1 GiB: split it "
            "into several files, each named in ovm.yaml",
        )
    ]


def test_a_workbook_unzipping_beyond_its_limit_is_refused_from_its_directory(
    tmp_path: Path,
) -> None:
    # A few megabytes on disk, more than the limit once unzipped: never parsed.
    path = tmp_path / "bomb.xlsx"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh,
    ):
        chunk = b" " * (64 << 20)
        for _ in range(MAX_XLSX_CONTENT // len(chunk)):
            fh.write(chunk)
        fh.write(b" ")
    assert path.stat().st_size < SIZE_LIMITS[".xlsx"]
    root = workspace(tmp_path / "ws", checklists=None, statistics=None)
    os.replace(path, root / "bomb.xlsx")
    (root / "ovm.yaml").write_text("rubric: rubric.yaml\nanswers: [bomb.xlsx]\n", encoding="utf-8")
    assert issues_of(root) == [("ovm.yaml", 2, 11, "file-too-large")]
    _, issues = read_table(root / "bomb.xlsx")
    assert [i.code for i in issues] == ["file-too-large"]
    assert issues[0].message.startswith(f"the workbook unzips to {MAX_XLSX_CONTENT + 1:,} bytes")


def test_a_missions_file_over_the_yaml_limit_is_refused_at_its_line(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", checklists=None)
    sparse(root / "big.yaml", MAX_BYTES + 1)
    (root / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: big.yaml\nstatistics: [statistics.csv]\n",
        encoding="utf-8",
    )
    # Without its missions no table can be checked: the one problem is the missions file.
    assert issues_of(root) == [("ovm.yaml", 2, 11, "file-too-large")]


def test_a_folder_or_a_pipe_named_as_a_table_is_unreadable_not_waited_on(
    tmp_path: Path,
) -> None:
    root = workspace(tmp_path / "ws", checklists=None)
    (root / "folder.csv").mkdir()
    os.mkfifo(root / "pipe.csv")
    (root / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nstatistics: [statistics.csv]\nchecklists: [folder.csv, pipe.csv]\n",
        encoding="utf-8",
    )
    assert issues_of(root) == [
        ("ovm.yaml", 3, 14, "file-unreadable"),
        ("ovm.yaml", 3, 26, "file-unreadable"),
        *STATISTICS_ISSUES,
    ]


def test_the_limits_are_documented() -> None:
    docs = Path(__file__).parents[1] / "docs"
    workspace_md = (docs / "workspace.md").read_text(encoding="utf-8")
    for line in ("| CSV, TSV | 1 GiB |", "| Parquet | 256 MiB |", "| XLSX | 100 MiB"):
        assert line in workspace_md
    assert "1 GiB once unzipped" in workspace_md
    assert SIZE_LIMITS == {
        ".csv": 1024**3,
        ".tsv": 1024**3,
        ".txt": 1024**3,
        ".parquet": 256 * 1024**2,
        ".xlsx": 100 * 1024**2,
        ".xlsm": 100 * 1024**2,
    }
    assert MAX_XLSX_CONTENT == 1024**3


def test_a_rubric_that_is_a_pipe_is_unreadable_not_waited_on(tmp_path: Path) -> None:
    from ovm.rubric.model import check_rubric

    os.mkfifo(tmp_path / "rubric.yaml")
    rubric, issues = check_rubric(tmp_path / "rubric.yaml")
    assert rubric is None
    assert [(i.code, i.message) for i in issues] == [
        ("file-unreadable", "a pipe or a device, not a file")
    ]
