"""A workspace whose ``pull:`` target is not pulled yet (docs/field.md: ovm.yaml is written,
the form made and uploaded, and only then do submissions come back): no submissions yet, said
as a warning, never an error; ``ovm form`` reads no data file at all. A plain data file that is
missing stays an error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ovm.cli.app import main

MINI = Path(__file__).parent / "data" / "mini"
PULLED = (
    "  - path: pulled/odk.csv\n"
    "    layout: odk\n"
    "    pull: {server: odk, url: 'https://central.example.org', project: 3, form: ovm-mini}\n"
)


def _workspace(root: Path, extra: str) -> Path:
    """The mini workspace with ``extra`` entries added to its checklists."""
    root.mkdir()
    for name in ("rubric.yaml", "missions.yaml", "statistics.csv", "checklists.csv"):
        shutil.copy(MINI / name, root / name)
    (root / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\nstatistics: [statistics.csv]\n"
        f"checklists:\n  - path: checklists.csv\n{extra}settings: {{seed: 7, bootstrap: 50}}\n",
        encoding="utf-8",
    )
    return root


def test_a_target_not_pulled_yet_is_no_submissions_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path / "ws", PULLED)
    assert main(["form", str(ws), "-o", str(tmp_path / "form.xlsx")]) == 0
    assert (tmp_path / "form.xlsx").stat().st_size > 0
    capsys.readouterr()

    assert main(["check", str(ws)]) == 0
    err = capsys.readouterr().err
    assert "ovm.yaml:6:11 warning: checklists[1].path: 'pulled/odk.csv' is not there yet" in err
    assert "[not-pulled]" in err and "file-not-found" not in err
    assert main(["check", str(ws), "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)["issues"]
    assert [(i["code"], i["severity"]) for i in found] == [("not-pulled", "warning")]
    assert main(["check", str(ws), "--lang", "es"]) == 0
    assert "“pulled/odk.csv” aún no existe" in capsys.readouterr().err

    # The scores are those of the workspace without the entry: the rest is scored as it is.
    plain = _workspace(tmp_path / "plain", "")
    assert main(["score", str(ws), "-q", "-o", str(tmp_path / "with.json")]) == 0
    assert "[not-pulled]" in capsys.readouterr().err
    assert main(["score", str(plain), "-q", "-o", str(tmp_path / "without.json")]) == 0
    with_ = json.loads((tmp_path / "with.json").read_text(encoding="utf-8"))
    without = json.loads((tmp_path / "without.json").read_text(encoding="utf-8"))
    assert with_["scorecards"] == without["scorecards"]
    assert with_["data_sha256"] == without["data_sha256"]

    # The final line of each command says so too: the warning above it is easily missed.
    for command, out, final in [
        ("score", "s.json", "scored 2 missions against mini 0.1, 1 without an overall score"),
        ("compare", "c.json", "compared 2 missions; first overall: aaa-2020"),
        ("report", "r.html", f"wrote html comparison of 2 missions to {tmp_path / 'r.html'}"),
    ]:
        assert main([command, str(ws), "-o", str(tmp_path / out)]) == 0
        last = capsys.readouterr().err.splitlines()[-1]
        assert last == final + " (without pulled/odk.csv: not pulled yet)"
    assert main(["report", str(ws), "-o", str(tmp_path / "r.html"), "--lang", "fr"]) == 0
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.endswith(" (sans pulled/odk.csv\u202f: rien n'a encore été récupéré)")


def test_a_missing_file_without_pull_stays_an_error_but_not_for_the_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path / "ws", "  - {path: kobo1.csv, layout: kobo}\n")
    assert main(["check", str(ws)]) == 1
    assert "'kobo1.csv' does not exist" in capsys.readouterr().err
    assert main(["score", str(ws), "-o", str(tmp_path / "s.json")]) == 1
    assert "[file-not-found]" in capsys.readouterr().err
    # A form needs the rubric, the missions and the plan: the export still to come is no
    # business of it.
    assert main(["form", str(ws), "-o", str(tmp_path / "form.xlsx")]) == 0
    assert (tmp_path / "form.xlsx").exists()
    # A plan that is missing is the form's business.
    (ws / "ovm.yaml").write_text(
        (ws / "ovm.yaml").read_text(encoding="utf-8") + "places: [places.csv]\n",
        encoding="utf-8",
    )
    assert main(["form", str(ws), "-o", str(tmp_path / "form2.xlsx")]) == 1
    assert "'places.csv' does not exist" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("record", "code"),
    [
        # Another server's form pulled into another file: this one is still to come.
        (
            '{"pulls": [{"path": "pulled/kobo.csv", "pull": {"server": "kobo", '
            '"url": "https://kf.kobotoolbox.org", "asset": "aBc"}}]}',
            "not-pulled",
        ),
        # A record that cannot be read tells nothing: the file is missing as any other is.
        ("{not json", "file-not-found"),
        ('{"pulls": "pulled/odk.csv"}', "file-not-found"),
    ],
    ids=["another-pull", "unreadable", "no-list"],
)
def test_a_missing_pull_file_is_still_to_come_only_when_the_record_names_no_pull_of_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], record: str, code: str
) -> None:
    ws = _workspace(tmp_path / "ws", PULLED)
    (ws / ".ovm-pulled.json").write_text(record, encoding="utf-8")
    assert main(["check", str(ws), "--format", "json"]) == (0 if code == "not-pulled" else 1)
    found = json.loads(capsys.readouterr().out)["issues"]
    assert [(i["path"], i["code"]) for i in found] == [("checklists[1].path", code)]


@pytest.mark.parametrize(
    ("record", "why", "why_es", "why_fr"),
    [
        (
            b"{not json",
            "it is not JSON, the reader says 'Expecting property name enclosed in double "
            "quotes' at line 1 column 2",
            "no es JSON, el lector indica “Expecting property name enclosed in double quotes” "
            "en la línea 1, columna 2",
            "il n'est pas en JSON, le lecteur indique «\u202fExpecting property name enclosed in "
            "double quotes\u202f» à la ligne 1, colonne 2",
        ),
        (
            b'{"pulls": "pulled/odk.csv"}',
            "it holds no list of pulls with a path each",
            "no contiene una lista de descargas con una ruta cada una",
            "il ne contient pas de liste de récupérations avec un chemin chacune",
        ),
        (
            b'{"pulls": []}\xff',
            "it is not UTF-8: byte 0xff at offset 13",
            "no está en UTF-8: byte 0xff en la posición 13",
            "il n'est pas en UTF-8\u202f: l'octet 0xff à la position 13",
        ),
        (
            None,
            "the reader says 'Is a directory'",
            "el lector indica “Is a directory”",
            "le lecteur indique «\u202fIs a directory\u202f»",
        ),
    ],
    ids=["not-json", "no-list", "not-utf8", "folder"],
)
def test_a_record_that_cannot_be_read_is_named_with_why_and_the_file_is_missing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    record: bytes | None,
    why: str,
    why_es: str,
    why_fr: str,
) -> None:
    """A damaged record says nothing of what was pulled: the missing file is an error as any
    missing file is, and the message names the record and why it could not be read (it once
    claimed the record said the file was pulled), in the language asked: only the system's or
    the JSON reader's own words stay as they are."""
    ws = _workspace(tmp_path / "ws", PULLED)
    if record is None:
        (ws / ".ovm-pulled.json").mkdir()
    else:
        (ws / ".ovm-pulled.json").write_bytes(record)
    assert main(["check", str(ws)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{ws}/ovm.yaml:6:11 checklists[1].path: 'pulled/odk.csv' does not exist (relative to "
        f"{ws}): correct the path or add the file ({ws}/.ovm-pulled.json could not be read, "
        f"{why}: whether `ovm pull` wrote the file is not known) [file-not-found]"
    )
    assert main(["check", str(ws), "--lang", "es"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{ws}/ovm.yaml:6:11 checklists[1].path: “pulled/odk.csv” no existe (a partir de {ws}): "
        f"corrija la ruta o añada el archivo (no se pudo leer {ws}/.ovm-pulled.json, {why_es}: "
        "no se sabe si `ovm pull` escribió el archivo) [file-not-found]"
    )
    assert main(["check", str(ws), "--lang", "fr"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{ws}/ovm.yaml:6:11 checklists[1].path\u202f: «\u202fpulled/odk.csv\u202f» n'existe pas "
        f"(à partir de {ws})\u202f: corrigez le chemin ou ajoutez le fichier "
        f"({ws}/.ovm-pulled.json n'a pas pu être lu, {why_fr}\u202f: on ne sait pas si "
        "`ovm pull` a écrit le fichier) "
        "[file-not-found]"
    )
