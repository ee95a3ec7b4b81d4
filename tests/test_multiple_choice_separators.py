"""A select_multiple answer in a plain checklist is its choices separated by spaces; written with
commas, semicolons or bars (as lists are written elsewhere), it is refused with the answer it
means, not as if its choices were unknown."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ovm.cli.app import main
from tests.test_choice_columns import QUESTION

ROOT = Path(__file__).parent.parent
Q = "practice.materials_missing"  # the select_multiple question QUESTION declares
ALLOWED = "(none, ballots, seals)"


def _workspace(tmp_path: Path, answers: list[str]) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(ROOT / "examples" / "missions.yaml", ws / "missions.yaml")
    rubric = (ROOT / "ovm" / "rubrics" / "deco-voting-abroad.yaml").read_text(encoding="utf-8")
    anchor = "      - id: practice.id_checked\n"
    (ws / "rubric.yaml").write_text(rubric.replace(anchor, QUESTION + anchor), encoding="utf-8")
    (ws / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\nchecklists: [checklists.csv]\n",
        encoding="utf-8",
    )
    rows = [f'col-2022,s{k},"{a}"' for k, a in enumerate(answers)]
    (ws / "checklists.csv").write_text(
        "\n".join([f"mission,site,{Q}", *rows]) + "\n", encoding="utf-8"
    )
    return ws


def test_choices_written_with_another_separator_are_refused_with_the_answer_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = ["ballots seals", "ballots,seals", "ballots; seals", "none|Seals", "ballots,maybe"]
    ws = _workspace(tmp_path, answers)
    assert main(["check", str(ws)]) == 1
    said = [line for line in capsys.readouterr().err.splitlines() if "[invalid-answer]" in line]
    csv = ws / "checklists.csv"
    spaced = "choices are separated by spaces: did you mean"
    assert said == [
        f"{csv}:3:3 'ballots,seals' is not an allowed answer for {Q} {ALLOWED}: {spaced} "
        "'ballots seals'? [invalid-answer]",
        f"{csv}:4:3 'ballots; seals' is not an allowed answer for {Q} {ALLOWED}: {spaced} "
        "'ballots seals'? [invalid-answer]",
        f"{csv}:5:3 'none|Seals' is not an allowed answer for {Q} {ALLOWED}: {spaced} "
        "'none seals'? [invalid-answer]",
        # A part that is no choice: nothing to suggest.
        f"{csv}:6:3 'ballots,maybe' is not an allowed answer for {Q} {ALLOWED} [invalid-answer]",
    ]
    assert main(["check", str(ws), "--lang", "es"]) == 1
    said = [line for line in capsys.readouterr().err.splitlines() if "[invalid-answer]" in line]
    assert said[0] == (
        f"{csv}:3:3 “ballots,seals” no es una respuesta admitida para {Q} {ALLOWED}: "
        "las opciones se separan con espacios: ¿quiso decir “ballots seals”? [invalid-answer]"
    )
