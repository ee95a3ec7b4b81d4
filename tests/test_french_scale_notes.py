"""The notes of a French report on z-scores (or ranks) name the normalised values as French
does: "les valeurs normalisées (score z)", not "les valeurs score z". Through the command line,
on a copy of the mini workspace of tests/data/mini."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_words_as_meant import _edit, _mini

from ovm.cli.app import main


def test_the_scale_notes_of_a_french_report_read_as_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    family = "  - id: comparative\n    labels: {en: Comparative, es: Comparativo}\n"
    # Family 7 kept out of the overall: z-scores are then allowed.
    _edit(ws / "rubric.yaml", family, family + "    contributes: false\n")
    out = tmp_path / "report.html"
    argv = ["report", str(ws), "--normalisation", "zscore", "--lang", "fr", "-q"]
    assert main([*argv, "-o", str(out), "--sensitivity-runs", "0", "--with-missions"]) == 0
    pages = [out, *sorted(tmp_path.glob("mission-*.html"))]
    assert len(pages) == 3
    said = sorted(
        found
        for page in pages
        for found in re.findall(r"valeurs [^.:<]*|normalise \([^)]*\)", page.read_text("utf-8"))
    )
    assert said == [
        "normalise (score z)",
        "normalise (score z)",
        "valeurs normalisées (score z) des tableaux",
        "valeurs normalisées (score z) des tableaux",
        "valeurs normalisées (score z), comme dans la vue d&#39;ensemble\u202f",
        "valeurs normalisées (score z), comme dans la vue d&#39;ensemble\u202f",
    ]
    capsys.readouterr()
