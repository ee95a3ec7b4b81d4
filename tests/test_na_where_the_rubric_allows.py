"""A mission-level value is "not applicable" only where the rubric lets it be (``allow_na``).

Votes cast abroad typed ``N/A`` because the figure was not published used to take turnout
abroad and three other indicators out of their denominators, raising coverage; they are now
refused at their cell and, with ``--allow-rejected``, score as the empty cell they should be.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import ovm

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
COHORT = ("col-2022", "dom-2016")
# The indicators that read votes cast abroad (turnout, the gap with domestic turnout, the reach
# of the diaspora, the votes per table).
READ_VOTES = {
    "participation.turnout_abroad",
    "participation.gap_domestic",
    "participation.diaspora_reach",
    "procedures.electors_per_table",
}


def ovm_cmd(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ovm", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def workspace(root: Path, cells: dict[tuple[str, str], str]) -> tuple[Path, dict[str, int]]:
    """A copy of the example workspace with ``cells`` ((mission, column): text) rewritten in
    its statistics table; also the 1-based column number of each header."""
    shutil.copytree(EXAMPLES, root)
    path = root / "statistics.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    for (mission, column), text in cells.items():
        (row,) = [r for r in rows[1:] if r[0] == mission]
        row[header.index(column)] = text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return root, {name: i + 1 for i, name in enumerate(header)}


def row_of(root: Path, mission: str) -> int:
    lines = (root / "statistics.csv").read_text(encoding="utf-8").splitlines()
    return next(i + 1 for i, line in enumerate(lines) if line.startswith(f"{mission},"))


def scores(root: Path, *extra: str) -> list[tuple[str, str, str, str, str]]:
    done = ovm_cmd(
        "score", ".", "--missions", *COHORT, "--bootstrap", "10", "--format", "csv", "-q",
        *extra, cwd=root,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = csv.DictReader(io.StringIO(done.stdout))
    return [(r["mission"], r["node"], r["status"], r["score"], r["coverage"]) for r in rows]


def test_votes_abroad_typed_na_are_refused_at_their_cell_by_check(tmp_path: Path) -> None:
    root, col = workspace(tmp_path / "ws", {("col-2022", "votes_abroad"): "N/A"})
    done = ovm_cmd("check", ".", cwd=root)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if "[not-applicable-not-allowed]" in line]
    assert errors == [
        f"statistics.csv:{row_of(root, 'col-2022')}:{col['votes_abroad']} votes_abroad does not "
        "allow 'not applicable' [not-applicable-not-allowed]"
    ]


def test_na_refused_scores_as_the_empty_cell_and_raises_no_coverage(tmp_path: Path) -> None:
    na, _ = workspace(tmp_path / "na", {("col-2022", "votes_abroad"): "N/A"})
    empty, _ = workspace(tmp_path / "empty", {("col-2022", "votes_abroad"): ""})
    with_na = scores(na, "--allow-rejected")
    assert with_na == scores(empty)
    status = {(m, n): s for m, n, s, _, _ in with_na}
    assert {n: status[("col-2022", n)] for n in READ_VOTES} == dict.fromkeys(READ_VOTES, "missing")


def test_a_variable_with_allow_na_is_still_read_as_not_applicable(tmp_path: Path) -> None:
    # No in-person voting abroad: the bundled rubric lets the tables be not applicable, and the
    # votes per table then leave the denominator.
    root, _ = workspace(tmp_path / "ws", {("col-2022", "tables_abroad"): "n/a"})
    ws = ovm.load_workspace(root)
    assert list(ws.observations.report.rejected_cells) == []
    assert ws.observations.mission("col-2022").values["tables_abroad"].status == "not_applicable"
    status = {(m, n): s for m, n, s, _, _ in scores(root)}
    assert status[("col-2022", "procedures.electors_per_table")] == "not_applicable"


def test_the_library_says_the_refusal_with_its_place(tmp_path: Path) -> None:
    root, col = workspace(tmp_path / "ws", {("dom-2016", "registered_abroad"): "no aplica"})
    ws = ovm.load_workspace(root)
    got = [
        (Path(i.file).name, i.line, i.column, i.code) for i in ws.observations.report.rejected_cells
    ]
    assert got == [
        (
            "statistics.csv",
            row_of(root, "dom-2016"),
            col["registered_abroad"],
            "not-applicable-not-allowed",
        )
    ]
    assert "registered_abroad" not in ws.observations.mission("dom-2016").values
