"""A plan of fewer polling places than the checklist questions need answers from leaves every
checklist indicator unscored however many visits are made: ``ovm check``, ``ovm form`` and
the library say so at the mission's places before the observers leave, and ``ovm score`` says
how many missions end without an overall score."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import ovm
from ovm.cli.app import main

MINI = Path(__file__).parent / "data" / "mini"
# The mini rubric's three checklist questions need answers from 3 places (min_answers).
TWO_PLACES = "    places: [{id: s1, country: USA}, {id: s2, country: USA}]\n"
FOUR_PLACES = (
    "    places:\n"
    "      - {id: s1, country: USA}\n      - {id: s2, country: USA}\n"
    "      - {id: s3, country: USA}\n      - {id: s4, country: USA}\n"
)


def _ws(tmp_path: Path, aaa: str, bbb: str) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    path = root / "missions.yaml"
    text = path.read_text(encoding="utf-8")
    for head, plan in (("    name: {en: A 2020, es: A 2020}\n", aaa), ("    name: B 2021\n", bbb)):
        assert head in text
        text = text.replace(head, head + plan)
    path.write_text(text, encoding="utf-8")
    return root


def _places_line(root: Path, mission: str) -> int:
    lines = (root / "missions.yaml").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.endswith(f"id: {mission}"))
    return next(i for i, line in enumerate(lines[at:], at + 1) if line.startswith("    places:"))


def _said(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.endswith("[too-few-places-planned]")]


def test_check_warns_at_the_places_of_a_plan_too_small_for_the_questions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _ws(tmp_path, FOUR_PLACES, TWO_PLACES)
    line = _places_line(root, "bbb-2021")
    assert main(["check", str(root)]) == 0
    assert _said(capsys.readouterr().err) == [
        f"{root / 'missions.yaml'}:{line}:5 warning: bbb-2021 plans 2 polling places, fewer "
        "than the 3 that checklist questions need answers from (min_answers): 3 of them, and "
        "the groups that need them, cannot be scored for it however many visits are made; "
        "plan more places [too-few-places-planned]"
    ]
    assert main(["check", str(root), "--lang", "es"]) == 0
    assert _said(capsys.readouterr().err) == [
        f"{root / 'missions.yaml'}:{line}:5 advertencia: bbb-2021 prevé 2 lugares de votación, "
        "menos que los 3 de los que las preguntas de la lista de verificación necesitan "
        "respuestas (min_answers): 3 de ellas, y los grupos que las necesitan, no pueden "
        "puntuarse para esa misión por muchas visitas que se hagan; prevea más lugares "
        "[too-few-places-planned]"
    ]
    # The library's workspace holds the same warning, once.
    ws = ovm.load_workspace(root)
    said = [(i.line, i.column, i.code, dict(i.params)) for i in ws.warnings]
    assert said == [
        (
            line,
            5,
            "too-few-places-planned",
            {"mission": "bbb-2021", "n": 2, "needed": 3, "questions": 3},
        )
    ]


def test_a_plan_as_large_as_the_minimum_is_not_warned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    three = TWO_PLACES.replace("]\n", ", {id: s3, country: USA}]\n")
    root = _ws(tmp_path, FOUR_PLACES, three)
    assert main(["check", str(root)]) == 0
    assert _said(capsys.readouterr().err) == []


def test_form_says_the_plan_is_too_small_before_the_observers_leave(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _ws(tmp_path, TWO_PLACES, TWO_PLACES)
    assert main(["form", str(root), "-o", str(tmp_path / "form.xlsx"), "-q"]) == 0
    err = capsys.readouterr().err
    assert [line.split(" warning: ")[1].split(" plans ")[0] for line in _said(err)] == [
        "aaa-2020",
        "bbb-2021",
    ]


def test_score_says_how_many_missions_have_no_overall(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _ws(tmp_path, FOUR_PLACES, TWO_PLACES)
    out = tmp_path / "scores.json"
    assert main(["score", str(root), "-o", str(out), "--lang", "pt"]) == 0
    last = capsys.readouterr().err.splitlines()[-1]
    overall = {
        c["mission"]["id"]: c["overall"].get("status", "scored")
        for c in json.loads(out.read_text(encoding="utf-8"))["scorecards"]
    }
    assert overall == {"aaa-2020": "scored", "bbb-2021": "insufficient"}
    assert last == (
        "2 missões pontuadas com mini 0.1, 1 sem pontuação global "
        "(contém dados de observação SIMULADOS)"
    )
    # Without aaa-2020's visits to three places or more, no mission has an overall.
    checklists = root / "checklists.csv"
    kept = [
        line
        for line in checklists.read_text(encoding="utf-8").splitlines()
        if not line.startswith(("aaa-2020,s3", "aaa-2020,s4"))
    ]
    checklists.write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert main(["score", str(root), "-o", str(out), "--lang", "fr"]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == (
        "2 missions notées selon mini 0.1, aucune avec une note globale "
        "(contient des données d'observation SIMULÉES)"
    )
