"""Every language says all the English notes of a sensitivity analysis say.

The English notes (``ovm sensitivity``'s JSON and English text) are each a catalogue text, so
that every catalogue translates all of them; the text summary in another language says each
with the same numbers (years of the references, the confidence level, the resamples, the
weight range, the draws...).
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from test_untranslated import EXAMPLES, LANGS
from test_untranslated_cli import _note_workspaces, _run

from ovm import i18n


def _workspaces(root: Path) -> dict[str, tuple[Path, list[str]]]:
    runs = {name: (ws, options) for name, (ws, options, _) in _note_workspaces(root).items()}
    # Sampling varied: the engine's replicates are drawn.
    runs["the examples with replicates"] = (EXAMPLES, ["--bootstrap", "20"])
    return runs


def _notes(ws: Path, options: list[str], out: Path, lang: str) -> list[str]:
    argv = ["sensitivity", str(ws), "--runs", "4", "-q", *options, "-o", str(out)]
    if lang == "en":
        assert _run([*argv, "--format", "json"])[0] == 0
        notes: list[str] = json.loads(out.read_text("utf-8"))["notes"]
        return notes
    assert _run([*argv, "--format", "text", "--lang", lang])[0] == 0
    label = i18n.gettext("sens_text_note", lang, note="")
    more = i18n.gettext("sens_text_more_runs", lang, width="", runs="").partition(" ")[0]
    return [
        x[len(label) :]
        for x in out.read_text("utf-8").splitlines()
        if x.startswith(label) and not x[len(label) :].startswith(more)
    ]


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile(
        "".join(
            re.escape(literal) + ("" if field is None else ".+?")
            for literal, field, *_ in string.Formatter().parse(template)
        )
    )


def test_every_english_note_of_a_sensitivity_analysis_is_a_catalogue_text(tmp_path: Path) -> None:
    templates = [_pattern(f) for forms in i18n.messages("en").values() for f in forms]
    loose = {}
    for name, (ws, options) in _workspaces(tmp_path).items():
        notes = _notes(ws, options, tmp_path / "out", "en")
        loose[name] = [n for n in notes if not any(p.fullmatch(n) for p in templates)]
    assert loose == {name: [] for name in loose}


def _numbers(text: str, lang: str) -> list[str]:
    """The numbers of a note, written the English way (10, 0.25, 95)."""
    sep = i18n.decimal_separator(lang)
    found = re.findall(rf"\d+(?:{re.escape(sep)}\d+)?", text)
    return [x.replace(sep, ".") for x in found]


@pytest.mark.parametrize("lang", LANGS)
def test_the_notes_in_another_language_say_every_number_the_english_says(
    lang: str, tmp_path: Path
) -> None:
    differ = {}
    for name, (ws, options) in _workspaces(tmp_path).items():
        english = _notes(ws, options, tmp_path / "out", "en")
        said = _notes(ws, options, tmp_path / "out", lang)
        english_numbers = [sorted(_numbers(n, "en")) for n in english]
        said_numbers = [sorted(_numbers(n, lang)) for n in said]
        if said_numbers != english_numbers:
            differ[name] = list(zip(english, said, strict=False))
    assert differ == {}
