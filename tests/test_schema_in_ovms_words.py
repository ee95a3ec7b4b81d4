"""A value of the wrong type in a rubric or missions.yaml is said in the words a user writes
(text, a list, fields, a text per language), not in the schema's types (a tuple, a dictionary,
an instance of Group), and a text per language says what it is. Through ``ovm check`` of
copies of the mini workspace of tests/data/mini."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_words_as_meant import _col, _edit, _mini, _said

_PER_LANGUAGE = "must be a text per language: write each text under the code of its language"


@pytest.mark.parametrize(
    ("old", "new", "where", "said"),
    [
        ("title: {en: Mini rubric, es: Rúbrica mínima}", "title: 5", "title", _PER_LANGUAGE),
        ("title: {en: Mini rubric, es: Rúbrica mínima}", "title: Mini", "title", _PER_LANGUAGE),
        ("title: {en: Mini rubric, es: Rúbrica mínima}", "title: [a]", "title", _PER_LANGUAGE),
        (
            "    labels: {en: Rights, es: Derechos}",
            "    labels: Rights",
            "families[0].labels",
            _PER_LANGUAGE,
        ),
        # A unit is a text or a text per language: a number is one problem, a text unquoted.
        (
            "    unit: voters per polling place",
            "    unit: 5",
            "variables[2].unit",
            'YAML does not read 5 as text: write it in quotes, "5"',
        ),
        (
            "    unit: voters per polling place",
            "    unit: [a]",
            "variables[2].unit",
            "a list is neither a text nor a text per language: write one text, or one text "
            "under each language's code",
        ),
        ('version: "0.1"', "version: [1]", "version", "must be text"),
        ("languages: [en, es]", "languages: en", "languages", "must be a list"),
        ("bands:\n", "bands: 5\nxbands:\n", "bands", "must be a list"),
        ("bands:\n", "bands: [5]\nxbands:\n", "bands[0]", "must be a mapping of fields"),
    ],
)
def test_a_rubric_value_of_the_wrong_type_is_said_in_ovms_words(
    old: str,
    new: str,
    where: str,
    said: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ws = _mini(tmp_path)
    rubric = ws / "rubric.yaml"
    line = _edit(rubric, old, new)
    value = new.split(": ", 1)[1].split("\n")[0]
    code = "invalid-language" if where == "languages" else "invalid-value"
    status, err = _said(["check", str(ws)], capsys)
    at = f"{rubric}:{line}:{_col(rubric, line, value)}"
    if where == "bands[0]":
        at = f"{rubric}:{line}:{_col(rubric, line, value) + 1}"
    # every line said, not only those at the value: a second problem would show
    extra = [f"{rubric}:{line + 1}:1 xbands: unknown field [unknown-field]"] if "xb" in new else []
    n = 1 + len(extra)
    assert (status, err) == (
        1,
        [f"{at} {where}: {said} [{code}]", *extra, f"{ws}: {n} error{'s' * (n > 1)}, 0 warnings"],
    )


@pytest.mark.parametrize("lang", ["es", "fr", "pt"])
def test_a_text_per_language_written_as_one_text_is_said_in_every_language(
    lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    rubric = ws / "rubric.yaml"
    line = _edit(rubric, "title: {en: Mini rubric, es: Rúbrica mínima}", "title: 5")
    said = {
        "es": "title: debe ser un texto por idioma: escriba cada texto bajo el código de su idioma",
        "fr": "title\u202f: doit être un texte par langue\u202f: écrivez chaque texte sous le code "
        "de sa langue",
        "pt": "title: deve ser um texto por idioma: escreva cada texto sob o código do seu idioma",
    }[lang]
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    assert (status, err[0]) == (1, f"{rubric}:{line}:8 {said} [invalid-value]")


@pytest.mark.parametrize(
    ("old", "new", "where", "said", "code"),
    [
        (
            "    answers:\n      rights.basis: statute",
            "    answers: 5\n    xanswers:\n      rights.basis: statute",
            "missions[1].answers",
            "must be a mapping of fields",
            "invalid-value",
        ),
        (
            "    answers:\n      rights.basis: statute",
            "    answers: 5\n    xanswers:\n      rights.basis: statute",
            "missions[1].xanswers",
            "unknown field",
            "unknown-field",
        ),
        (
            "{type: presidential, date: 2021-03-01, round: 2}",
            "5",
            "missions[1].election",
            "must be a mapping of fields",
            "invalid-value",
        ),
        (
            "round: 2}",
            "round: x}",
            "missions[1].election.round",
            "must be a whole number",
            "invalid-value",
        ),
    ],
)
def test_a_missions_file_value_of_the_wrong_type_is_said_in_ovms_words(
    old: str,
    new: str,
    where: str,
    said: str,
    code: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ws = _mini(tmp_path)
    listed = ws / "missions.yaml"
    line = _edit(listed, old, new)
    # where it is said: at the value written wrong, or at the key no mission takes
    name = where.rsplit(".", 1)[1]
    lines = listed.read_text("utf-8").splitlines()
    at = next(n for n in range(line, len(lines) + 1) if f"{name}:" in lines[n - 1])
    col = _col(listed, at, f"{name}:")
    if code != "unknown-field":
        col = _col(listed, at, new.split(": ", 1)[-1].split("\n")[0])
    status, err = _said(["check", str(ws)], capsys)
    assert status == 1
    mine = [e for e in err if f" {where}: " in e]
    assert mine == [f"{listed}:{at}:{col} {where}: {said} [{code}]"]


@pytest.mark.parametrize(
    ("new", "value", "said"),
    [
        # A unit may be one text: left empty, that is its one problem, not "a text per language".
        ('    unit: ""', '""', "variables[2].unit: must have at least 1 character"),
        # Given per language, what is wrong inside is the problem, not that it is no text.
        (
            "    unit: {en: 5, es: x}",
            "5",
            'variables[2].unit.en: YAML does not read 5 as text: write it in quotes, "5"',
        ),
    ],
)
def test_a_unit_written_wrong_is_one_problem_said_once(
    new: str, value: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    rubric = ws / "rubric.yaml"
    line = _edit(rubric, "    unit: voters per polling place", new)
    assert _said(["check", str(ws)], capsys) == (
        1,
        [
            f"{rubric}:{line}:{_col(rubric, line, value)} {said} [invalid-value]",
            f"{ws}: 1 error, 0 warnings",
        ],
    )


@pytest.mark.parametrize("lang", ["en", "es", "fr", "pt"])
def test_a_country_written_as_a_list_is_said_as_one(
    lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Not as Python writes a list ("['ARG']" is not an ISO 3166 code), in any language.
    ws = _mini(tmp_path)
    listed = ws / "missions.yaml"
    line = _edit(listed, "country: ARG", "country: [ARG]")
    said = {
        "en": "missions[0].country: must be text",
        "es": "missions[0].country: debe ser un texto",
        "fr": "missions[0].country\u202f: doit être un texte",
        "pt": "missions[0].country: deve ser um texto",
    }[lang]
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    assert (status, err[:-1]) == (
        1,
        [f"{listed}:{line}:{_col(listed, line, '[ARG]')} {said} [invalid-value]"],
    )
