"""``ovm recommend``, ``ovm whatif`` and ``ovm sensitivity`` take their output format from the
file's suffix as ``score``, ``compare`` and ``report`` do: ``-o recs.json`` holds JSON, and a file
named for a format the command does not write is refused before any work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ovm.cli.app import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

COMMANDS = {
    "recommend": (["--mission", "per-2021"], "md"),
    "whatif": (["--mission", "per-2021", "--set", "votes_abroad=300000"], "text"),
    "sensitivity": (["--runs", "20"], "text"),
}


def run(command: str, *extra: str) -> int:
    args, _ = COMMANDS[command]
    return main([command, str(EXAMPLES), *args, "--bootstrap", "0", "-q", *extra])


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_json_file_holds_what_format_json_writes(command: str, tmp_path: Path) -> None:
    named, asked = tmp_path / "named.json", tmp_path / "asked.out"
    assert run(command, "-o", str(named)) == 0
    assert run(command, "--format", "json", "-o", str(asked)) == 0
    assert named.read_bytes() == asked.read_bytes()
    assert isinstance(json.loads(named.read_text(encoding="utf-8")), dict)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_file_named_for_its_text_holds_the_default_format(command: str, tmp_path: Path) -> None:
    _, default = COMMANDS[command]
    plain = tmp_path / "plain"
    assert run(command, "-o", str(plain)) == 0
    suffixes = ["md", "markdown"] if default == "md" else ["txt"]
    for suffix in suffixes:
        named = tmp_path / f"named.{suffix}"
        assert run(command, "-o", str(named)) == 0
        assert named.read_bytes() == plain.read_bytes()
    with pytest.raises(json.JSONDecodeError):
        json.loads(plain.read_text(encoding="utf-8"))


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("suffix", ["xlsx", "html", "csv"])
def test_a_file_named_for_another_format_is_a_usage_error(
    command: str, suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, default = COMMANDS[command]
    out = tmp_path / f"out.{suffix}"
    assert run(command, "-o", str(out)) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert f"this command does not write {suffix}: it writes {default}, json" in err


def test_whatif_columns_fit_a_status_written_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # In Spanish "datos insuficientes" is wider than any number of the before column.
    assert run("whatif", "--lang", "es") == 0
    out = capsys.readouterr().out
    table = [line for line in out.splitlines() if line and not line.startswith("Contiene")]
    header, *rows = table
    assert any("datos insuficientes" in row for row in rows)
    # Each column is right-aligned to the width of its widest cell, the header's included, so
    # every row is as long as the header and the last column ends under the header's; the
    # further lines of a wrapped label (indented) hold no figure.
    for row in rows:
        if not row.startswith(" "):
            assert len(row) == len(header), row
