"""The index tables of a sensitivity analysis list only the choices its runs varied: sampling
is left out where it could not be varied (its notes say why), not shown as 0.00 (0.00-0.00)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ovm import i18n
from ovm.cli.app import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _rows(text: str, lang: str) -> list[str]:
    """The first words of the index table's rows (the choices), after its header."""
    head = i18n.gettext("sens_text_choice", lang)
    lines = text.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith(head))
    rows = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        rows.append(line)
    return rows


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("bootstrap", ["0", "40"])
def test_sampling_is_listed_only_where_the_runs_varied_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, bootstrap: str
) -> None:
    # Without bootstrap replicates there is nothing to draw: sampling is not varied.
    argv = ["sensitivity", str(EXAMPLES), "--runs", "16", "-q", "--bootstrap", bootstrap]
    assert main([*argv, "--lang", lang]) == 0
    out = capsys.readouterr().out
    # (the English table names a choice by its id)
    sampling = (i18n.gettext("choice_sampling", lang), "sampling ")
    weights = (i18n.gettext("choice_weights", lang), "weights ")
    rows = _rows(out, lang)
    assert any(r.startswith(weights) for r in rows)
    varied = bootstrap != "0"
    assert any(r.startswith(sampling) for r in rows) == varied, rows
    # The comparison report's tables (HTML, JSON) say the same.
    report = tmp_path / "report.json"
    argv = ["report", str(EXAMPLES), "-q", "--sensitivity-runs", "16", "--bootstrap", bootstrap]
    assert main([*argv, "--lang", lang, "-o", str(report)]) == 0
    sens = json.loads(report.read_text(encoding="utf-8"))["ranking"]["sensitivity"]
    assert ("sampling" in [e["id"] for e in sens["effects"]]) == varied
    assert ("sampling" in sens["choices"]) == varied
    assert "weights" in sens["choices"]
