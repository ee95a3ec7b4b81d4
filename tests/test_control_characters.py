"""A control character in a checklist's text (a NUL in a site, an ESC in a note) is refused at
its cell, as in a mission's name: no report can show it. The visit keeps its answers; tab and
line breaks (a note written on several lines, with Windows' CRLF) are text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ovm.cli.app import main
from ovm.data.workspace import load_workspace

EXAMPLES = Path(__file__).parent.parent / "examples"


def _workspace(tmp_path: Path, table: bytes) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(EXAMPLES / "missions.yaml", ws / "missions.yaml")
    (ws / "ovm.yaml").write_text(
        "rubric: bundled:deco-voting-abroad\nmissions: missions.yaml\nchecklists: [c.csv]\n",
        encoding="utf-8",
    )
    (ws / "c.csv").write_bytes(table)
    return ws


def test_a_control_character_in_a_visit_text_is_refused_at_its_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(
        tmp_path,
        b"mission,site,practice.secrecy,notes\n"
        b'per-2021,a\x00b,yes,"bad\x01\x1bnote"\n'
        b'per-2021,c,no,"two\r\nlines\tand a tab"\n',
    )
    assert main(["check", str(ws)]) == 1
    said = [line for line in capsys.readouterr().err.splitlines() if "[control-character]" in line]
    assert said == [
        f"{ws}/c.csv:2:{col} a control character (such as BEL or ESC) is in the text: remove it "
        "[control-character]"
        for col in (2, 4)
    ]
    # Accepted, the text is left out and the visit keeps its answer.
    sites = load_workspace(ws).observations.sites.sort("practice.secrecy", descending=True)
    assert sites.select("site", "notes", "practice.secrecy").rows() == [
        (None, None, True),
        ("c", "two\r\nlines\tand a tab", False),
    ]
    report = tmp_path / "r.html"
    argv = ["report", str(ws), "--allow-rejected", "--mission", "per-2021", "-o", str(report)]
    assert main(argv) == 0
    assert not any(ch in report.read_bytes() for ch in (0, 1, 0x1B))
