"""A sensitivity summary says the same words in English as in every other language: the
weights' range with ±, each choice named as the comparison report names it; the JSON keeps the
choices' ids, which scripts read."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ovm.cli.app import main

EXAMPLES = Path(__file__).parent.parent / "examples"
RUNS = ["--runs", "8", "--bootstrap", "0", "-q"]
ROW = re.compile(r"^(.*?) +(-?[\d.,]+ \(\S+\)) +(-?[\d.,]+ \(\S+\))$")
"""A row of the index table: the choice, then each index with its interval."""


def _choices(text: str) -> list[str]:
    """The choice column of a summary's index table (the block after the ranks' legend)."""
    table = text.split("\n\n")[3].splitlines()
    rows = [ROW.match(line) for line in table[1:]]
    assert all(rows), table
    return [r[1] for r in rows if r]


@pytest.mark.parametrize(
    ("lang", "weights", "uniform"),
    [
        ("en", "weights ±25%", "u uniform in ±0.25"),
        ("es", "pesos ±25\u00a0%", "con u uniforme en ±0,25"),
        ("fr", "poids ±25\u00a0%", "u uniforme sur ±0,25"),
        ("pt", "pesos ±25%", "com u uniforme em ±0,25"),
    ],
)
def test_the_summary_names_choices_and_the_weights_range_as_the_report_does(
    lang: str, weights: str, uniform: str, tmp_path: Path
) -> None:
    text_file, report = tmp_path / "s.txt", tmp_path / "r.json"
    argv = ["sensitivity", str(EXAMPLES), *RUNS, "--format", "text", "--lang", lang]
    assert main([*argv, "-o", str(text_file)]) == 0
    text = text_file.read_text(encoding="utf-8")
    argv = ["report", str(EXAMPLES), "--bootstrap", "0", "-q", "--sensitivity-runs", "8"]
    assert main([*argv, "--lang", lang, "-o", str(report)]) == 0
    effects = json.loads(report.read_text(encoding="utf-8"))["ranking"]["sensitivity"]["effects"]
    assert _choices(text) == [e["choice"]["text"] for e in effects]
    head, *notes = (line for line in text.splitlines() if weights in line or uniform in line)
    assert head.startswith("8 ") and head.endswith(f", {weights}")
    assert len(notes) == 1 and notes[0].endswith(uniform)
    assert "+-" not in text


def test_the_json_keeps_the_choices_ids(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    assert main(["sensitivity", str(EXAMPLES), *RUNS, "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    ids = ["weights", "aggregation", "normalisation", "drop_indicator", "sampling"]
    assert data["choices"] == ids
    assert list(data["first_order"]) == data["choices"]
    assert "weights: each node's weight times 1 + u, u uniform in ±0.25" in data["notes"]


def test_the_help_gives_the_weights_range_with_plus_minus(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["sensitivity", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert "weights vary by up to ±R of their value (default 0.25)" in said


@pytest.mark.parametrize(
    ("lang", "text_says", "report_says"),
    [
        (
            "en",
            "an estimate slightly below 0 or above 1 is noise of the runs around that end",
            "an estimate slightly below 0 or slightly above 1 is noise of the runs around that end",
        ),
        (
            "es",
            "una estimación ligeramente negativa o superior a 1 es ruido de las ejecuciones",
            "una estimación ligeramente negativa o ligeramente superior a 1 es ruido de las "
            "ejecuciones",
        ),
        (
            "fr",
            "une estimation légèrement négative ou supérieure à 1 est du bruit des simulations",
            "une estimation légèrement négative ou légèrement supérieure à 1 est du bruit des "
            "simulations",
        ),
        (
            "pt",
            "uma estimativa ligeiramente negativa ou acima de 1 é ruído das execuções",
            "uma estimativa ligeiramente negativa ou ligeiramente acima de 1 é ruído das execuções",
        ),
    ],
)
def test_an_index_beyond_0_or_1_is_said_to_be_noise_in_the_summary_and_the_report(
    lang: str, text_says: str, report_says: str, tmp_path: Path
) -> None:
    # Monte Carlo estimates stray past both ends of the 0-1 range they are read on.
    text_file, report = tmp_path / "s.txt", tmp_path / "r.html"
    argv = ["sensitivity", str(EXAMPLES), *RUNS, "--format", "text", "--lang", lang]
    assert main([*argv, "-o", str(text_file)]) == 0
    blocks = text_file.read_text(encoding="utf-8").split("\n\n")
    # The legend right below the table of indices.
    assert _choices("\n\n".join(blocks)) and text_says in blocks[4]
    argv = ["report", str(EXAMPLES), "--bootstrap", "0", "-q", "--sensitivity-runs", "8"]
    assert main([*argv, "--lang", lang, "-o", str(report)]) == 0
    html = " ".join(report.read_text(encoding="utf-8").split())
    assert report_says in html
