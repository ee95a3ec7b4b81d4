"""A misspelt column header loses its variable or question for every mission: the warning says
which name was meant, in the language asked; a header near nothing is only said to be unknown."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ovm.cli.app import main

EXAMPLES = Path(__file__).parent.parent / "examples"


def _check(ws: Path, lang: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["check", str(ws), "--lang", lang]) == 0
    return [line for line in capsys.readouterr().err.splitlines() if "[unknown-column]" in line]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            [
                "checklists.csv:1:16 warning: column 'practice.secracy' matches no checklist "
                "question; ignored (did you mean 'practice.secrecy'?) [unknown-column]",
                "checklists.csv:1:17 warning: column 'practice.idchecked' matches no checklist "
                "question; ignored (did you mean 'practice.id_checked'?) [unknown-column]",
                "statistics.csv:1:7 warning: column 'registred_abroad' matches no variable of "
                "the rubric; ignored (did you mean 'registered_abroad'?) [unknown-column]",
                "statistics.csv:1:12 warning: column 'colour' matches no variable of the "
                "rubric; ignored [unknown-column]",
            ],
        ),
        (
            "es",
            [
                "checklists.csv:1:16 advertencia: la columna “practice.secracy” no corresponde a "
                "ninguna pregunta de la lista de verificación; se ignora (¿quiso decir "
                "“practice.secrecy”?) [unknown-column]",
                "checklists.csv:1:17 advertencia: la columna “practice.idchecked” no corresponde "
                "a ninguna pregunta de la lista de verificación; se ignora (¿quiso decir "
                "“practice.id_checked”?) [unknown-column]",
                "statistics.csv:1:7 advertencia: la columna “registred_abroad” no corresponde a "
                "ninguna variable de la rúbrica; se ignora (¿quiso decir “registered_abroad”?) "
                "[unknown-column]",
                "statistics.csv:1:12 advertencia: la columna “colour” no corresponde a ninguna "
                "variable de la rúbrica; se ignora [unknown-column]",
            ],
        ),
    ],
)
def test_a_misspelt_header_is_named_with_what_was_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: list[str]
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLES, ws)
    for name, old, new in (
        ("statistics.csv", ",registered_abroad,", ",registred_abroad,"),
        ("statistics.csv", ",votes_abroad,", ",colour,"),
        ("checklists.csv", ",practice.secrecy,", ",practice.secracy,"),
        ("checklists.csv", ",practice.id_checked,", ",practice.idchecked,"),
    ):
        path = ws / name
        head, _, rest = path.read_text(encoding="utf-8").partition("\n")
        assert old in head
        path.write_text(head.replace(old, new, 1) + "\n" + rest, encoding="utf-8")
    assert _check(ws, lang, capsys) == [f"{ws}/{line}" for line in said]
