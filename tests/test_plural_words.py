"""What the command line says of a count uses the catalogue's plural forms in English as in
every other language: "1 argument", "2 arguments", "10 draws", never "argument(s)"."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ovm import i18n
from ovm.cli.app import main

ROOT = Path(__file__).parent.parent
MINI = Path(__file__).parent / "data" / "mini"
TURNOUT = "formula: votes_abroad / registered_abroad * 100"
LEFT = {
    # Worded in English by its check (ovm/indicators/validation.py), as the rubric's English
    # messages are recorded: the catalogue follows it.
    "issue_missing-translation",
}


def test_no_plural_entry_of_the_english_catalogue_writes_s_in_brackets() -> None:
    found = {
        key
        for key, forms in i18n.messages("en").items()
        if len(forms) > 1 and any("(s)" in form for form in forms)
    }
    assert found == LEFT


def test_a_function_given_too_many_or_too_few_arguments_counts_them_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = tmp_path / "rubric.yaml"
    text = (MINI / "rubric.yaml").read_text(encoding="utf-8")
    bad = 'formula: "abs(votes_abroad, 2) + min(registered_abroad)"'
    rubric.write_text(text.replace(TURNOUT, bad), encoding="utf-8")
    said = {}
    for lang in ("en", "es"):
        assert main(["validate", str(rubric), "--lang", lang]) == 1
        err = capsys.readouterr().err
        said[lang] = [line.split(": ", 1)[1] for line in err.splitlines() if "[formula" in line]
    formula = "abs(votes_abroad, 2) + min(registered_abroad)"
    assert said == {
        "en": [
            f"abs() takes 1 argument, got 2 in '{formula}' [formula-syntax]",
        ],
        "es": [
            f"abs() recibe 1 argumento, no 2 en “{formula}” [formula-syntax]",
        ],
    }
    rubric.write_text(text.replace(TURNOUT, "formula: min(votes_abroad)"), encoding="utf-8")
    assert main(["validate", str(rubric)]) == 1
    assert (
        "min() takes at least 2 arguments, got 1 in 'min(votes_abroad)' [formula-syntax]"
        in capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("de", "ovm: language de not in the rubric (en, es, fr, pt)"),
        ("de,it", "ovm: languages de, it not in the rubric (en, es, fr, pt)"),
    ],
)
def test_a_form_in_languages_the_rubric_lacks_names_them_in_the_plural_they_need(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str, said: str
) -> None:
    out = tmp_path / "form.xlsx"
    assert main(["form", "bundled:deco-voting-abroad", "--lang", given, "-o", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [said]


def test_the_sensitivity_notes_count_the_draws(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(ROOT / "examples", ws)
    out = tmp_path / "s.json"
    argv = ["sensitivity", str(ws), "--runs", "4", "--bootstrap", "20", "-q", "-o", str(out)]
    assert main(argv) == 0
    notes = json.loads(out.read_text(encoding="utf-8"))["notes"]
    sampling = [n for n in notes if n.startswith("sampling: ")]
    assert len(sampling) == 1
    # A draw a bootstrap replicate: 20 of them.
    assert ", 20 draws (replicates of one mission's polling places " in sampling[0]
