"""A misspelt column header would lose its variable or question for every row: it is refused at
its header cell (an error that stops the run, as a refused cell does, unless --allow-rejected),
naming what was meant, in the language asked; a header near nothing is only a warning."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ovm.cli.app import main

EXAMPLES = Path(__file__).parent.parent / "examples"
FIX = "Correct the header: read without it, every row loses that column"
FIX_ES = "Corrija el encabezado: si se lee sin ella, cada fila pierde esa columna"


def _check(ws: Path, lang: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["check", str(ws), "--lang", lang]) == 1
    return [line for line in capsys.readouterr().err.splitlines() if "[unknown-column]" in line]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            [
                "checklists.csv:1:16 column 'practice.secracy' matches no checklist question; did "
                f"you mean 'practice.secrecy'? {FIX} [unknown-column]",
                "checklists.csv:1:17 column 'practice.idchecked' matches no checklist question; "
                f"did you mean 'practice.id_checked'? {FIX} [unknown-column]",
                "statistics.csv:1:7 column 'registred_abroad' matches no variable of the rubric; "
                f"did you mean 'registered_abroad'? {FIX} [unknown-column]",
                "statistics.csv:1:12 warning: column 'colour' matches no variable of the "
                "rubric; ignored [unknown-column]",
            ],
        ),
        (
            "es",
            [
                "checklists.csv:1:16 la columna “practice.secracy” no corresponde a ninguna "
                "pregunta de la lista de verificación; ¿quiso decir “practice.secrecy”? "
                f"{FIX_ES} [unknown-column]",
                "checklists.csv:1:17 la columna “practice.idchecked” no corresponde a ninguna "
                "pregunta de la lista de verificación; ¿quiso decir “practice.id_checked”? "
                f"{FIX_ES} [unknown-column]",
                "statistics.csv:1:7 la columna “registred_abroad” no corresponde a ninguna "
                "variable de la rúbrica; ¿quiso decir “registered_abroad”? "
                f"{FIX_ES} [unknown-column]",
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


def test_a_misspelt_header_stops_the_run_unless_the_loss_is_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLES, ws)
    path = ws / "checklists.csv"
    head, _, rest = path.read_text(encoding="utf-8").partition("\n")
    path.write_text(head.replace(",practice.secrecy,", ",practica.secrecy,", 1) + "\n" + rest)
    out = tmp_path / "s.json"
    assert main(["score", str(ws), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "1 cell rejected; fix them or pass --allow-rejected" in err
    assert not out.exists()
    # Accepted, the run goes on without the column, and the scores file keeps the reason.
    assert main(["score", str(ws), "--allow-rejected", "-o", str(out)]) == 0
    assert "'practica.secrecy'" in out.read_text(encoding="utf-8")


KOBO_RUBRIC_GROUP = "practice"


def _kobo(ws: Path, header: list[str], rows: list[list[str]]) -> None:
    (ws / "ovm.yaml").write_text(
        "rubric: bundled:deco-voting-abroad\nmissions: missions.yaml\n"
        "checklists: [{path: kobo.csv, layout: kobo}]\n",
        encoding="utf-8",
    )
    lines = [";".join(header), *(";".join(r) for r in rows)]
    (ws / "kobo.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("sep", ["/", "."])
def test_a_kobo_export_grouped_by_slashes_or_dots_is_read_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sep: str
) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(EXAMPLES / "missions.yaml", ws / "missions.yaml")
    g = KOBO_RUBRIC_GROUP + sep
    _kobo(
        ws,
        ["start", "mission", "site", f"{g}practice.secrecy", f"{g}practice.queue_minutes", "_uuid"],
        [
            ["2022-03-13T08:00:00", "col-2022", "a", "yes", "12", "u1"],
            ["2022-03-13T09:00:00", "col-2022", "b", "no", "30", "u2"],
        ],
    )
    assert main(["check", str(ws)]) == 0
    assert "[unknown-column]" not in capsys.readouterr().err
    from ovm.data.workspace import load_workspace

    sites = load_workspace(ws).observations.sites.sort("site")
    assert sites.select("practice.secrecy", "practice.queue_minutes").rows() == [
        (True, 12.0),
        (False, 30.0),
    ]


def test_a_misspelt_question_of_a_kobo_export_is_refused_beside_its_metadata(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(EXAMPLES / "missions.yaml", ws / "missions.yaml")
    _kobo(
        ws,
        [
            "start",
            "end",
            "mission",
            "site",
            "practice/practica.secrecy",
            "meta/instanceID",
            "_uuid",
            "_submission_time",
            "colour",
        ],
        [
            [
                "2022-03-13T08:00:00",
                "2022-03-13T08:10:00",
                "col-2022",
                "a",
                "yes",
                "i1",
                "u1",
                "2022-03-13T08:11:00",
                "x",
            ]
        ],
    )
    assert main(["check", str(ws)]) == 1
    said = [line for line in capsys.readouterr().err.splitlines() if "[unknown-column]" in line]
    assert said == [
        f"{ws}/kobo.csv:1:5 column 'practice/practica.secrecy' matches no checklist question; "
        f"did you mean 'practice.secrecy'? {FIX} [unknown-column]",
        f"{ws}/kobo.csv:1:9 warning: column 'colour' matches no checklist question; ignored "
        "[unknown-column]",
    ]


def test_a_column_of_its_own_beside_a_rubric_id_is_only_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A header close to an id is no misspelling when the table has that id's column too, or
    when it is the id with more written after it: a breakdown of the vote, an observer's
    remark on a question, Kobo's "other" text. Each is a warning, and the run goes on."""
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLES, ws)
    for name, extra in (
        ("statistics.csv", ["votes_abroad_valid", "registered_abroad_2018", "votes_abroad2"]),
        ("checklists.csv", ["practice.secrecy_note", "practice.accessible_photo"]),
    ):
        path = ws / name
        lines = path.read_text(encoding="utf-8").splitlines()
        lines = [lines[0] + "," + ",".join(extra)] + [r + "," * len(extra) for r in lines[1:]]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["check", str(ws)]) == 0
    said = [ln for ln in capsys.readouterr().err.splitlines() if "[unknown-column]" in ln]
    assert [ln.split(" ", 2)[1] for ln in said] == ["warning:"] * 5
    # A Kobo export's "other" text of a question, and a choice the rubric lacks.
    kobo = tmp_path / "kobo"
    kobo.mkdir()
    shutil.copy(EXAMPLES / "missions.yaml", kobo / "missions.yaml")
    _kobo(
        kobo,
        [
            "start",
            "mission",
            "site",
            "practice/practice.secrecy",
            "practice/practice.secrecy_other",
        ],
        [["2022-03-13T08:00:00", "col-2022", "a", "yes", ""]],
    )
    assert main(["check", str(kobo)]) == 0
