"""Every problem of ovm.yaml is said at once: a schema error (a setting of the wrong type) does
not hide a rubric, missions file or table it names that is not there, and a field it refuses is
said once. Through the command line, on copies of the mini workspace of tests/data/mini."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest
from test_words_as_meant import _col, _edit, _mini, _said

import ovm
from ovm.errors import format_path


@pytest.mark.parametrize("command", ["check", "score"])
def test_every_problem_of_ovm_yaml_is_said_at_once(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    config = ws / "ovm.yaml"
    rubric = _edit(config, "rubric: rubric.yaml", "rubric: bundled:nope")
    seed = _edit(config, "seed: 7", "seed: seven")
    missions = _edit(config, "missions: missions.yaml", "missions: mission.yaml")
    argv = [command, str(ws), "--lang", "es"]
    if command == "score":
        argv += ["-o", str(tmp_path / "scores.json")]
    status, err = _said(argv, capsys)
    assert status == 1
    assert err[:3] == [
        f"{config}:{rubric}:9 rubric: no hay ninguna rúbrica incluida llamada “nope”: indique "
        "bundled:deco-voting-abroad o un archivo de rúbrica [unknown-rubric]",
        f"{config}:{missions}:11 missions: “mission.yaml” no existe (a partir de {ws}): "
        "corrija la ruta o añada el archivo [file-not-found]",
        f"{config}:{seed}:{_col(config, seed, 'seven')} settings.seed: escriba un número "
        "entero >= 0 [invalid-value]",
    ]
    assert len(err) == 4


def test_a_refused_field_of_ovm_yaml_is_said_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Without a missions file the default name would not be there either: the problem is the
    # list written for a name, said once.
    ws = _mini(tmp_path)
    (ws / "missions.yaml").unlink()
    config = ws / "ovm.yaml"
    missions = _edit(config, "missions: missions.yaml", "missions: [missions.yaml]")
    seed = _edit(config, "seed: 7", "seed: seven")
    status, err = _said(["check", str(ws)], capsys)
    assert status == 1
    assert err == [
        f"{config}:{missions}:11 missions: must be text [invalid-value]",
        f"{config}:{seed}:{_col(config, seed, 'seven')} settings.seed: write a whole number >= 0 "
        "[invalid-value]",
        f"{ws}: 2 errors, 0 warnings",
    ]


def test_a_number_where_a_title_or_name_is_written_is_one_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A title (or a mission's name) is a text or a text per language: 5 is neither, and the
    # one thing to do is to write it in quotes, said once.
    ws = _mini(tmp_path / "a")
    config = ws / "ovm.yaml"
    title = _edit(config, "title: {en: Mini workspace, es: Espacio mínimo}", "title: 5")
    assert _said(["check", str(ws)], capsys) == (
        1,
        [
            f'{config}:{title}:8 title: YAML does not read 5 as text: write it in quotes, "5" '
            "[invalid-value]",
            # The tables are read all the same: a title changes nothing in them.
            f"{ws / 'statistics.csv'}: 2 rows read, 2 used, 0 rejected",
            f"{ws / 'checklists.csv'}: 6 rows read, 6 used, 0 rejected [simulated]",
            f"{ws}: 1 error, 0 warnings",
        ],
    )
    ws = _mini(tmp_path / "b")
    listed = ws / "missions.yaml"
    name = _edit(listed, "name: B 2021", "name: 2021")
    assert _said(["check", str(ws), "--lang", "es"], capsys) == (
        1,
        [
            f"{listed}:{name}:{_col(listed, name, '2021')} missions[1].name: YAML no lee 2021 "
            'como texto: escríbalo entre comillas, "2021" [invalid-value]',
            f"{ws}: 1 error, 0 advertencias",
        ],
    )


def _seed_said(config: Path, line: int) -> str:
    return (
        f"{config}:{line}:{_col(config, line, 'abc')} settings.seed: write a whole number >= 0 "
        "[invalid-value]"
    )


def test_a_setting_written_wrong_hides_no_problem_of_the_rubric_or_the_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A seed changes nothing in how the rubric and the tables read: their problems are said
    # with it, as they would be with the seed right, and nothing is scored.
    ws = _mini(tmp_path / "a")
    config, rubric = ws / "ovm.yaml", ws / "rubric.yaml"
    seed = _edit(config, "seed: 7", "seed: abc")
    title = _edit(rubric, "title: {en: Mini rubric, es: Rúbrica mínima}", "title: {en: Mini}")
    extra = _edit(rubric, "languages: [en, es]\n", "languages: [en, es]\nxtitle: x\n") + 1
    assert _said(["check", str(ws)], capsys) == (
        1,
        [
            _seed_said(config, seed),
            f"{rubric}:{title}:8 title: no text for declared language(s): es [missing-translation]",
            f"{rubric}:{extra}:1 xtitle: unknown field [unknown-field]",
            f"{ws}: 3 errors, 0 warnings",
        ],
    )
    ws = _mini(tmp_path / "b")
    config, table = ws / "ovm.yaml", ws / "statistics.csv"
    seed = _edit(config, "seed: 7", "seed: abc")
    _edit(table, "EMB results,high", "EMB results,hihg")
    table_said = (
        f"{table}:2:5 'hihg' is not an allowed value for votes_abroad__confidence (high, "
        "medium, low): did you mean high? [invalid-choice]"
    )
    assert _said(["check", str(ws)], capsys) == (
        1,
        [
            _seed_said(config, seed),
            table_said,
            f"{table}: 2 rows read, 2 used, 0 rejected, 1 cell rejected",
            f"{ws / 'checklists.csv'}: 6 rows read, 6 used, 0 rejected [simulated]",
            f"{ws}: 2 errors, 0 warnings",
        ],
    )
    out = tmp_path / "scores.json"
    status, err = _said(["score", str(ws), "-o", str(out)], capsys)
    assert (status, err[:2]) == (1, [_seed_said(config, seed), table_said])
    assert not out.exists()


def test_a_list_where_a_title_or_name_is_written_is_one_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A list is neither of a title's two forms (a text, a text per language): one problem,
    # not one for each form.
    ws = _mini(tmp_path)
    config, listed = ws / "ovm.yaml", ws / "missions.yaml"
    title = _edit(config, "title: {en: Mini workspace, es: Espacio mínimo}", "title: [a, b]")
    name = _edit(listed, "name: B 2021", "name: [B, 2021]")
    said = (
        "una lista no es un texto ni un texto por idioma: escriba un texto, o un texto bajo el "
        "código de cada idioma [invalid-value]"
    )
    assert _said(["check", str(ws), "--lang", "es"], capsys) == (
        1,
        [
            f"{listed}:{name}:{_col(listed, name, '[B')} missions[1].name: {said}",
            f"{config}:{title}:8 title: {said}",
            f"{ws}: 2 errores, 0 advertencias",
        ],
    )


@pytest.mark.parametrize("command", ["check", "score"])
@pytest.mark.parametrize(
    ("old", "new", "value", "said"),
    [
        (
            "missions: missions.yaml",
            "missions: [missions.yaml]",
            "[missions.yaml]",
            "missions: must be text [invalid-value]",
        ),
        (
            "statistics: [statistics.csv]",
            "statistics: [{path: statistics.csv, layout: wide}]",
            "wide",
            "statistics[0].layout: must be one of plain, kobo, odk [invalid-choice]",
        ),
        # A title or a setting changes nothing in how the rubric reads.
        (
            "title: {en: Mini workspace, es: Espacio mínimo}",
            "title: [a, b]",
            "[a, b]",
            "title: a list is neither a text nor a text per language: write one text, or one "
            "text under each language's code [invalid-value]",
        ),
        ("seed: 7", "seed: abc", "abc", "settings.seed: write a whole number >= 0 [invalid-value]"),
    ],
)
def test_a_field_of_ovm_yaml_written_wrong_hides_no_problem_of_the_rubric(
    command: str,
    old: str,
    new: str,
    value: str,
    said: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Whatever ovm.yaml refuses, the rubric it names is read: its problems are said by every
    # command, not on the run after ovm.yaml is put right; and only they (the tables are not
    # read without a rubric to read them by).
    ws = _mini(tmp_path)
    config, rubric = ws / "ovm.yaml", ws / "rubric.yaml"
    line = _edit(config, old, new)
    col = _col(config, line, value)
    extra = _edit(rubric, "languages: [en, es]\n", "languages: [en, es]\nxtitle: x\n") + 1
    with pytest.raises(ovm.ConfigRefused) as raised:
        ovm.load_workspace(ws)
    assert [(i.file, i.line, i.column, i.code) for i in raised.value.issues] == [
        (str(config), line, col, said.rsplit("[", 1)[1].rstrip("]")),
        (str(rubric), extra, 1, "unknown-field"),
    ]
    argv = [command, str(ws)] + (["-o", str(tmp_path / "s.json")] if command == "score" else [])
    assert _said(argv, capsys) == (
        1,
        [
            f"{config}:{line}:{col} {said}",
            f"{rubric}:{extra}:1 xtitle: unknown field [unknown-field]",
            f"{ws}: 2 errors, 0 warnings" if command == "check" else "2 errors",
        ],
    )
    assert not (tmp_path / "s.json").exists()


@pytest.mark.parametrize("command", ["check", "score"])
@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            "    simulated: true\n",
            "    simulated: true\n    layout: wide\n",
            "checklists[0].layout: must be one of plain, kobo, odk [invalid-choice]",
        ),
        (
            "title: {en: Mini workspace, es: Espacio mínimo}",
            "titel: {en: Mini workspace, es: Espacio mínimo}",
            "titel: unknown field `titel`, did you mean `title`? [unknown-field]",
        ),
    ],
)
def test_a_field_of_ovm_yaml_written_wrong_hides_no_other_file_problem(
    command: str,
    old: str,
    new: str,
    said: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A table entry refused leaves that table unread, and only it: missions.yaml and the other
    # tables are read and their problems said. An unknown key changes no file's reading.
    ws = _mini(tmp_path)
    config, missions, stats = ws / "ovm.yaml", ws / "missions.yaml", ws / "statistics.csv"
    line = _edit(config, old, new) + new[: new.index(said.split(":")[0].split(".")[-1][:5])].count(
        "\n"
    )
    name = _edit(missions, "name: B 2021", "name: [B, 2021]")
    _edit(stats, "EMB results,high", "EMB results,sure")
    argv = [command, str(ws)] + (["-o", str(tmp_path / "s.json")] if command == "score" else [])
    status, err = _said(argv, capsys)
    col = 13 if "layout" in said else 1
    listed = (
        "missions[1].name: a list is neither a text nor a text per language: write one text, "
        "or one text under each language's code [invalid-value]"
    )
    assert status == 1
    assert sorted(err[:3]) == sorted(
        [
            f"{missions}:{name}:{_col(missions, name, '[B')} {listed}",
            f"{config}:{line}:{col} {said}",
            f"{stats}:2:5 'sure' is not an allowed value for votes_abroad__confidence (high, "
            "medium, low) [invalid-choice]",
        ]
    )
    # The summary names no one file where the problems are in several.
    assert err[3:] == ([f"{ws}: 3 errors, 0 warnings"] if command == "check" else ["3 errors"])
    assert not (tmp_path / "s.json").exists()


@pytest.mark.parametrize(
    "copied", [copy.copy, copy.deepcopy, lambda e: pickle.loads(pickle.dumps(e))]
)
def test_a_refused_ovm_yaml_is_an_error_of_ovm_that_copies_whole(
    copied: Callable[[ovm.ConfigRefused], ovm.ConfigRefused], tmp_path: Path
) -> None:
    # Raised to a library user with every problem (a bad title, a bad missions.yaml), and sent
    # from a worker process or copied as ovm's other errors are.
    ws = _mini(tmp_path)
    _edit(ws / "ovm.yaml", "title: {en: Mini workspace, es: Espacio mínimo}", "title: [a, b]")
    _edit(ws / "missions.yaml", "name: B 2021", "name: [B, 2021]")
    with pytest.raises(ovm.ConfigRefused) as raised:
        ovm.load_workspace(ws)
    exc = raised.value
    assert isinstance(exc, ovm.DataError)
    assert [(i.file, i.code) for i in exc.issues] == [
        (str(ws / "missions.yaml"), "invalid-value"),
        (str(ws / "ovm.yaml"), "invalid-value"),
    ]
    again = copied(exc)
    assert type(again) is ovm.ConfigRefused
    assert (again.issues, again.refused, again.wrong, again.entries, str(again)) == (
        exc.issues,
        exc.refused,
        exc.wrong,
        exc.entries,
        str(exc),
    )
    assert again.config == exc.config
    assert (again.workspace is None) == (exc.workspace is None)


@pytest.mark.parametrize("command", ["check", "score"])
def test_a_key_written_twice_hides_no_other_problem(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A title written twice is one problem of ovm.yaml among others: its setting written
    # wrong, the rubric's and the tables' problems are said with it, and nothing is scored.
    ws = _mini(tmp_path)
    config, rubric, table = ws / "ovm.yaml", ws / "rubric.yaml", ws / "statistics.csv"
    twice = _edit(config, "rubric: rubric.yaml\n", "rubric: rubric.yaml\ntitle: Again\n") + 1
    seed = _edit(config, "seed: 7", "seed: abc")
    extra = _edit(rubric, "languages: [en, es]\n", "languages: [en, es]\nxtitle: x\n") + 1
    with pytest.raises(ovm.ConfigRefused) as raised:
        ovm.load_workspace(ws)
    assert [(i.file, i.line, i.column, i.code) for i in raised.value.issues] == [
        (str(config), twice, 1, "duplicate-key"),
        (str(config), seed, _col(config, seed, "abc"), "invalid-value"),
        (str(rubric), extra, 1, "unknown-field"),
    ]
    # With the rubric right, the tables are read and their problems said too.
    _edit(rubric, "xtitle: x\n", "")
    _edit(table, "EMB results,high", "EMB results,sure")
    with pytest.raises(ovm.ConfigRefused) as raised:
        ovm.load_workspace(ws)
    assert [(i.file, i.line, i.column, i.code) for i in raised.value.issues] == [
        (str(config), twice, 1, "duplicate-key"),
        (str(config), seed, _col(config, seed, "abc"), "invalid-value"),
        (str(table), 2, 5, "invalid-choice"),
    ]
    _edit(rubric, "languages: [en, es]\n", "languages: [en, es]\nxtitle: x\n")
    argv = [command, str(ws)] + (["-o", str(tmp_path / "s.json")] if command == "score" else [])
    status, err = _said(argv, capsys)
    assert (status, err) == (
        1,
        [
            f"{config}:{twice}:1 title: key 'title' appears more than once (first at line 1) "
            "[duplicate-key]",
            _seed_said(config, seed),
            f"{rubric}:{extra}:1 xtitle: unknown field [unknown-field]",
            f"{ws}: 3 errors, 0 warnings" if command == "check" else "3 errors",
        ],
    )
    assert not (tmp_path / "s.json").exists()


def test_a_rubric_named_twice_is_read_and_its_problems_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A line copied twice keeps its first value: the rubric it names is read, not left out as
    # a field written wrong would be, and its problems and the tables' are said beside it.
    ws = _mini(tmp_path)
    config, rubric, table = ws / "ovm.yaml", ws / "rubric.yaml", ws / "statistics.csv"
    twice = _edit(config, "rubric: rubric.yaml\n", "rubric: rubric.yaml\nrubric: rubric.yaml\n")
    seed = _edit(config, "seed: 7", "seed: 7, seed: 8")
    extra = _edit(rubric, "languages: [en, es]\n", "languages: [en, es]\nxtitle: x\n") + 1
    assert _said(["check", str(ws)], capsys) == (
        1,
        [
            f"{config}:{twice + 1}:1 rubric: key 'rubric' appears more than once (first at line "
            f"{twice}) [duplicate-key]",
            f"{config}:{seed}:{_col(config, seed, 'seed: 8')} settings.seed: key 'seed' appears "
            f"more than once (first at line {seed}) [duplicate-key]",
            f"{rubric}:{extra}:1 xtitle: unknown field [unknown-field]",
            f"{ws}: 3 errors, 0 warnings",
        ],
    )
    _edit(rubric, "xtitle: x\n", "")
    _edit(table, "EMB results,high", "EMB results,sure")
    with pytest.raises(ovm.ConfigRefused) as raised:
        ovm.load_workspace(ws)
    assert [(i.file, i.line, i.code) for i in raised.value.issues] == [
        (str(config), twice + 1, "duplicate-key"),
        (str(config), seed, "duplicate-key"),
        (str(table), 2, "invalid-choice"),
    ]


def _colon(lang: str) -> str:
    return "\u202f:" if lang == "fr" else ":"


_SEED = "write a whole number >= 0"
_BOOTSTRAP = "write a whole number from 0 to 100000"
_CONFIDENCE = "write a number between 0 and 1 (0.95)"


@pytest.mark.parametrize(
    ("written", "lang", "said"),
    [
        ("seed: abc", "en", _SEED),
        ("seed: -1", "en", _SEED),
        ("seed: 1.5", "en", _SEED),
        ("seed: abc", "es", "escriba un número entero >= 0"),
        ("seed: abc", "fr", "écrivez un nombre entier >= 0"),
        ("seed: abc", "pt", "escreva um número inteiro >= 0"),
        ("bootstrap: many", "en", _BOOTSTRAP),
        ("bootstrap: -3", "en", _BOOTSTRAP),
        ("bootstrap: 1000000", "en", _BOOTSTRAP),
        ("confidence: high", "en", _CONFIDENCE),
        ("confidence: 2", "en", _CONFIDENCE),
    ],
)
def test_a_setting_written_wrong_is_said_in_ovms_words(
    written: str, lang: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # What to write, in every language alike: not the schema's reason ("Input should be a
    # valid integer, unable to parse string as an integer") before it in English alone.
    ws = _mini(tmp_path)
    config = ws / "ovm.yaml"
    line = _edit(config, "settings: {seed: 7, bootstrap: 50}", f"settings: {{{written}}}")
    field, value = written.split(": ")
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    assert (status, err[0]) == (
        1,
        f"{config}:{line}:{_col(config, line, value)} settings.{field}{_colon(lang)} {said} "
        "[invalid-value]",
    )
    assert len(err) == 4  # the two tables read, and the count


@pytest.mark.parametrize(
    ("old", "new", "lang", "said"),
    [
        ("rubric: rubric.yaml", "rubric: [rubric.yaml]", "en", "must be text"),
        ("missions: missions.yaml", "missions: {a: 1}", "en", "must be text"),
        ("statistics: [statistics.csv]", "statistics: statistics.csv", "en", "must be a list"),
        # A table's entry is its path, or a mapping naming it: a list is neither, both said.
        (
            "statistics: [statistics.csv]",
            "statistics: [[statistics.csv]]",
            "en",
            "must be a file's path, or a mapping of fields naming the file under `path`",
        ),
        (
            "statistics: [statistics.csv]",
            "statistics: [[statistics.csv]]",
            "es",
            "debe ser la ruta de un archivo, o un mapeo de campos que nombre el archivo en `path`",
        ),
        (
            "statistics: [statistics.csv]",
            "statistics: [[statistics.csv]]",
            "fr",
            "doit être le chemin d'un fichier, ou un mappage de champs qui nomme le fichier "
            "sous `path`",
        ),
        (
            "statistics: [statistics.csv]",
            "statistics: [[statistics.csv]]",
            "pt",
            "deve ser o caminho de um arquivo, ou um mapeamento de campos que nomeie o arquivo "
            "em `path`",
        ),
        ("settings: {seed: 7, bootstrap: 50}", "settings: 5", "en", "must be a mapping of fields"),
        (
            "settings: {seed: 7, bootstrap: 50}",
            "settings: 5",
            "fr",
            "doit être un mappage de champs",
        ),
        ("    simulated: true", "    simulated: maybe", "en", "write yes or no"),
    ],
)
def test_a_field_of_ovm_yaml_of_the_wrong_type_is_said_in_ovms_words(
    old: str,
    new: str,
    lang: str,
    said: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A value of the wrong type is said as the user writes it (text, a list, fields), not in
    # the schema's types (a tuple, a dictionary, an instance of Settings).
    ws = _mini(tmp_path)
    config = ws / "ovm.yaml"
    line = _edit(config, old, new)
    with pytest.raises(ovm.ConfigRefused) as raised:
        ovm.load_workspace(ws)
    # at the value written wrong: an entry of a list one column past its bracket
    value = new.split(": ", 1)[1]
    col = _col(config, line, value) + value.startswith("[[")
    (issue,) = raised.value.refused
    assert (issue.file, issue.line, issue.column, issue.code) == (
        str(config),
        line,
        col,
        "invalid-value",
    )
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    at = f"{config}:{line}:{col} {format_path(issue.path)}"
    assert (status, err[0]) == (1, f"{at}{_colon(lang)} {said} [invalid-value]")


def test_each_table_entry_written_wrong_says_what_to_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An entry is a file's path or a mapping naming it: a path YAML reads as a number is to be
    # quoted, as the path of a mapping is; a list is neither form; a mapping without its path
    # says the field it lacks in the words a rubric says it.
    ws = _mini(tmp_path)
    config = ws / "ovm.yaml"
    line = _edit(
        config,
        "statistics: [statistics.csv]",
        "statistics: [2024, [statistics.csv], {sheet: x}, {path: 5}]",
    )
    at = f"{config}:{line}:"
    status, err = _said(["check", str(ws)], capsys)
    assert (status, [e for e in err if e.startswith(str(config))]) == (
        1,
        [
            f"{at}{_col(config, line, '2024')} statistics[0]: YAML does not read 2024 as text: "
            'write it in quotes, "2024" [invalid-value]',
            f"{at}{_col(config, line, '[statistics.csv]')} statistics[1]: must be a file's path, "
            "or a mapping of fields naming the file under `path` [invalid-value]",
            f"{at}{_col(config, line, '{sheet')} statistics[2].path: required field is missing "
            "[missing-field]",
            f"{at}{_col(config, line, '5}')} statistics[3].path: YAML does not read 5 as text: "
            'write it in quotes, "5" [invalid-value]',
        ],
    )


def test_a_mission_without_a_required_field_says_so_in_ovms_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    listed = ws / "missions.yaml"
    line = _edit(listed, "    name: B 2021\n", "")
    assert _said(["check", str(ws)], capsys) == (
        1,
        [
            f"{listed}:{line - 2}:5 missions[1].name: required field is missing [missing-field]",
            f"{ws}: 1 error, 0 warnings",
        ],
    )


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "settings.seed: key 'seed' appears more than once (first at line {n})"),
        (
            "fr",
            "settings.seed\u202f: la clé «\u202fseed\u202f» apparaît plus d'une fois (la première "
            "à la ligne {n})",
        ),
        (
            "es",
            "settings.seed: la clave “seed” aparece más de una vez (la primera en la línea {n})",
        ),
    ],
)
def test_a_key_written_twice_says_where_it_was_first(
    lang: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    config = ws / "ovm.yaml"
    line = _edit(config, "settings: {seed: 7, bootstrap: 50}", "settings:\n  seed: 7\n  seed: 8")
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    assert (status, err[0]) == (
        1,
        f"{config}:{line + 2}:3 {said.format(n=line + 1)} [duplicate-key]",
    )
