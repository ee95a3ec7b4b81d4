"""A table saved by Excel as "Text (tab delimited)" under a ``.csv`` or ``.txt`` name is refused
with ``wrong-separator`` naming the tab and what to do, as a ``;`` file is, not read as one
column that lacks ``mission``: for every table ovm.yaml names (statistics, answers,
checklists, places, an export). A ``.tsv`` file is read with tabs, as before. Through ``ovm
check`` and ``load_workspace`` on copies of the mini workspace of tests/data/mini."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_words_as_meant import _mini

from ovm.cli.app import main
from ovm.data.workspace import load_workspace
from ovm.errors import DataError

TAB_MESSAGE = (
    'the header is separated by tabs (Excel\'s "Text (tab delimited)"): save the file as XLSX, '
    "or name it .tsv to have it read as separated by tabs"
)


def _tabbed(path: Path, to: Path) -> None:
    to.write_text(path.read_text("utf-8").replace(",", "\t"), "utf-8")


def _workspace(tmp_path: Path) -> Path:
    ws = _mini(tmp_path)
    _tabbed(ws / "checklists.csv", ws / "checklists.csv")
    _tabbed(ws / "statistics.csv", ws / "statistics.txt")
    (ws / "answers.csv").write_text("mission\trights.basis\naaa-2020\tstatute\n", "utf-8")
    (ws / "places.csv").write_text('"mission"\t"place"\t"country"\naaa-2020\tp1\tUSA\n', "utf-8")
    (ws / "export.csv").write_text("mission\tsite\tpractice/on_time\naaa-2020\ts9\tyes\n", "utf-8")
    config = ws / "ovm.yaml"
    text = config.read_text("utf-8").replace("statistics.csv", "statistics.txt")
    text = text.replace(
        "    simulated: true\n", "    simulated: true\n  - {path: export.csv, layout: odk}\n"
    )
    config.write_text(text + "answers: [answers.csv]\nplaces: [places.csv]\n", "utf-8")
    return ws


EXPECTED = [
    {
        "file": name,
        "line": 1,
        "column": 1,
        "code": "wrong-separator",
        "severity": "error",
        "message": TAB_MESSAGE,
    }
    for name in ("answers.csv", "checklists.csv", "export.csv", "places.csv", "statistics.txt")
]


def test_a_tab_separated_table_gets_the_separator_advice_whatever_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path)
    assert main(["check", str(ws), "--format", "json"]) == 1
    issues = json.loads(capsys.readouterr().out)["issues"]
    got = [
        {k: Path(v).name if k == "file" else v for k, v in i.items() if k in EXPECTED[0]}
        for i in issues
        if i["severity"] == "error"
    ]
    assert got == EXPECTED
    with pytest.raises(DataError) as err:
        load_workspace(ws)
    assert [
        (Path(i.file).name, i.line, i.column, i.code, i.severity, i.message)
        for i in err.value.issues
        if i.severity == "error"
    ] == [tuple(e.values()) for e in EXPECTED]


def test_the_tab_advice_is_said_in_every_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path)
    n = "\u202f"
    said = {
        "es": "el encabezado está separado por tabulaciones (el formato «Texto (delimitado por "
        "tabulaciones)» de Excel): guarde el archivo como XLSX, o nómbrelo .tsv para que se lea "
        "como separado por tabulaciones",
        "fr": f"l'en-tête est séparé par des tabulations (le format «{n}Texte (séparateur{n}: "
        f"tabulation){n}» d'Excel){n}: enregistrez le fichier en XLSX, ou nommez-le .tsv pour "
        "qu'il soit lu comme séparé par des tabulations",
        "pt": "o cabeçalho está separado por tabulações (o formato “Texto (separado por "
        "tabulações)” do Excel): guarde o arquivo como XLSX, ou dê-lhe a extensão .tsv para que "
        "seja lido como separado por tabulações",
    }
    for lang, message in said.items():
        assert main(["check", str(ws), "--lang", lang]) == 1
        err = capsys.readouterr().err.splitlines()
        assert [line.replace(f"{ws}/", "") for line in err if "[wrong-separator]" in line] == [
            f"{e['file']}:1:1 {message} [wrong-separator]" for e in EXPECTED
        ]


def test_a_tsv_file_and_a_comma_file_with_a_tab_in_a_header_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    _tabbed(ws / "statistics.csv", ws / "statistics.tsv")
    config = ws / "ovm.yaml"
    config.write_text(
        config.read_text("utf-8").replace("statistics.csv", "statistics.tsv"), "utf-8"
    )
    # A tab inside a quoted header names no separator.
    checklists = ws / "checklists.csv"
    text = checklists.read_text("utf-8")
    checklists.write_text(text.replace("notes,", '"no\ttes",', 1), "utf-8")
    assert main(["check", str(ws), "--format", "json"]) == 0
    issues = json.loads(capsys.readouterr().out)["issues"]
    assert [i["code"] for i in issues if i["severity"] == "error"] == []
