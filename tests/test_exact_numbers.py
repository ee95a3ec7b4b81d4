"""Numbers in English messages are written exactly: a count of a million or more keeps every
digit (grouped by commas), so a message never says a number is greater than itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ovm.cli.app import main

EXAMPLES = Path(__file__).parent.parent / "examples"


def _workspace(tmp_path: Path, stats: str) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(EXAMPLES / "missions.yaml", ws / "missions.yaml")
    (ws / "ovm.yaml").write_text(
        "rubric: bundled:deco-voting-abroad\nmissions: missions.yaml\nstatistics: [stats.csv]\n",
        encoding="utf-8",
    )
    (ws / "stats.csv").write_text(stats, encoding="utf-8")
    return ws


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "votes_abroad = 1,376,072 is greater than registered_abroad = 1,376,071"),
        ("es", "votes_abroad = 1.376.072 es mayor que registered_abroad = 1.376.071"),
    ],
)
def test_a_limit_of_a_million_voters_is_said_with_every_digit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    ws = _workspace(tmp_path, "mission,registered_abroad,votes_abroad\ncol-2022,1376071,1376072\n")
    assert main(["check", str(ws), "--lang", lang]) == 1
    err = capsys.readouterr().err
    assert f"{ws}/stats.csv:2:3 {said} [exceeds-limit]" in err.splitlines()


def test_a_bound_of_a_large_count_is_said_with_every_digit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A fractional count: the value quoted as the cell has it, every digit, no grouping added.
    ws = _workspace(tmp_path, "mission,registered_abroad\ncol-2022,1376071.5\n")
    assert main(["check", str(ws)]) == 1
    err = capsys.readouterr().err
    assert (
        f"{ws}/stats.csv:2:2 registered_abroad takes whole numbers, not 1376071.5 [not-integer]"
    ) in err.splitlines()
