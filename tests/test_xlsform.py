"""The observer checklist as an XLSForm: valid for pyxform, complete, and traceable."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ovm import RubricError, load_rubric
from ovm.cli import app as cli
from ovm.field.xlsform import XLSForm, build_form, field_name, language_column, node_id, write_form
from ovm.indicators._common import ID_PATTERN
from ovm.rubric.model import Rubric, check_rubric

pyxform = pytest.importorskip("pyxform")
from pyxform.parsing.expression import is_xml_tag  # noqa: E402
from pyxform.xls2xform import convert  # noqa: E402

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini" / "rubric.yaml"
RICH = DATA / "exports" / "rich_rubric.yaml"
BUNDLED = Path(__file__).parent.parent / "ovm" / "rubrics" / "deco-voting-abroad.yaml"


def rows(form: XLSForm, sheet: str) -> list[dict[str, str]]:
    header, *body = form.sheets()[sheet]
    return [{k: v for k, v in zip(header, r, strict=True) if v} for r in body]


def converted(form: XLSForm, path: Path, *, validate: bool = False) -> tuple[str, list[str]]:
    write_form(form, path)
    warnings: list[str] = []
    result = convert(xlsform=str(path), warnings=warnings, validate=validate)
    return result.xform, warnings


@pytest.fixture(scope="module")
def mini() -> Rubric:
    return load_rubric(MINI)


@pytest.fixture(scope="module")
def rich() -> Rubric:
    return load_rubric(RICH)


def test_mini_form_converts_without_errors_or_warnings(tmp_path: Path, mini: Rubric) -> None:
    xform, warnings = converted(build_form(mini), tmp_path / "mini.xlsx")
    assert warnings == []
    assert "<h:title>Mini rubric</h:title>" in xform
    assert 'id="ovm-mini"' in xform and 'version="0.1"' in xform
    for name in ("practice/practice.on_time", "practice/practice.queue", "ovm_rubric_sha256"):
        assert f"/data/{name}" in xform


def test_rich_form_converts_in_four_languages(tmp_path: Path, rich: Rubric) -> None:
    form = build_form(
        rich,
        languages=["en", "es", "fr", "pt"],
        missions=[("aaa-2020", {"en": "A 2020", "es": "A 2020"}), ("bbb-2021", "B 2021")],
    )
    xform, warnings = converted(form, tmp_path / "rich.xlsx")
    assert warnings == []
    langs = re.findall(r'<translation lang="([^"]+)"', xform)
    assert langs == ["English (en)", "Español (es)", "Français (fr)", "Português (pt)"]


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java")
def test_rich_form_passes_odk_validate(tmp_path: Path, rich: Rubric) -> None:
    _, warnings = converted(build_form(rich), tmp_path / "rich.xlsx", validate=True)
    assert warnings == []


def test_survey_groups_questions_by_family_with_visit_metadata_first(mini: Rubric) -> None:
    survey = rows(build_form(mini), "survey")
    assert [(r["type"], r["name"]) for r in survey] == [
        ("start", "start"),
        ("end", "end"),
        ("deviceid", "deviceid"),
        ("username", "username"),
        ("text", "mission"),
        ("text", "site_country"),
        ("text", "site_city"),
        ("text", "site"),
        ("text", "observer"),
        ("dateTime", "visited_at"),
        ("geopoint", "location"),
        ("begin_group", "practice"),
        ("select_one ovm_yes_no_na", "practice.on_time"),
        ("integer", "practice.queue"),
        ("integer", "practice.turned_away"),
        ("end_group", "practice"),
        ("image", "results_photo"),
        ("text", "notes"),
        ("calculate", "ovm_rubric"),
        ("calculate", "ovm_rubric_version"),
        ("calculate", "ovm_rubric_sha256"),
    ]
    queue = next(r for r in survey if r["name"] == "practice.queue")
    assert queue == {
        "type": "integer",
        "name": "practice.queue",
        "label::English (en)": "Minutes in queue",
        "label::Español (es)": "Minutos de espera",
        "required": "yes",
        "constraint": ". >= 0",
        "constraint_message::English (en)": "Enter a number of at least 0",
        "constraint_message::Español (es)": "Introduzca un número mayor o igual que 0",
    }
    on_time = next(r for r in survey if r["name"] == "practice.on_time")
    assert on_time["label::Español (es)"] == "¿Abrió a tiempo?"
    assert [r["calculation"] for r in survey if r["type"] == "calculate"] == [
        "'mini'",
        "'0.1'",
        f"'{mini.digest()}'",
    ]


def test_not_applicable_is_a_choice_or_a_gate(rich: Rubric) -> None:
    form = build_form(rich)
    choices = rows(form, "choices")
    assert [
        (c["list_name"], c["name"])
        for c in choices
        if c["list_name"] in ("ovm_yes_no_na", "ovm__2access.languages", "ovm_applies")
    ] == [
        ("ovm_yes_no_na", "yes"),
        ("ovm_yes_no_na", "no"),
        ("ovm_yes_no_na", "na"),
        ("ovm_applies", "yes"),
        ("ovm_applies", "na"),
        ("ovm__2access.languages", "local"),
        ("ovm__2access.languages", "national"),
        ("ovm__2access.languages", "other"),
    ]
    survey = {r["name"]: r for r in rows(form, "survey")}
    # A choice list that may not apply is asked only after "does this apply here?".
    assert survey["_2access.languages_NA"]["type"] == "select_one ovm_applies"
    assert survey["_2access.languages"]["relevant"] == "${_2access.languages_NA} = 'yes'"
    assert "constraint" not in survey["_2access.languages"]
    assert survey["_2access.outside_NA"]["type"] == "select_one ovm_applies"
    assert survey["_2access.outside"] == {
        **{k: v for k, v in survey["_2access.outside"].items() if k.startswith("label")},
        "type": "decimal",
        "name": "_2access.outside",
        "required": "yes",
        "relevant": "${_2access.outside_NA} = 'yes'",
        "constraint": ". >= 0 and . <= 600",
        "constraint_message::English (en)": "Enter a number from 0 to 600",
        "constraint_message::Español (es)": "Introduzca un número entre 0 y 600",
    }
    assert "required" not in survey["_2access.staff"]
    assert survey["_2access.languages"]["hint::Español (es)"] == "Marque todos los idiomas que vio"


def test_settings_trace_the_methodology(mini: Rubric) -> None:
    (settings,) = rows(build_form(mini, languages=["es", "en"]), "settings")
    assert settings == {
        "form_title": "Rúbrica mínima",
        "form_id": "ovm-mini",
        "version": "0.1",
        "default_language": "Español (es)",
        "instance_name": "concat(${mission}, ' ', ${site})",
    }


def test_missions_make_the_mission_question_a_list(mini: Rubric) -> None:
    form = build_form(mini, missions=[("aaa-2020", {"en": "A 2020", "es": "A (2020)"})])
    survey = {r["name"]: r for r in rows(form, "survey")}
    assert survey["mission"]["type"] == "select_one ovm_missions"
    assert rows(form, "choices")[0] == {
        "list_name": "ovm_missions",
        "name": "aaa-2020",
        "label::English (en)": "A 2020",
        "label::Español (es)": "A (2020)",
    }


def test_language_columns_name_known_languages() -> None:
    assert [language_column(x) for x in ("en", "es", "fr", "pt", "de")] == [
        "English (en)",
        "Español (es)",
        "Français (fr)",
        "Português (pt)",
        "de (de)",
    ]


@given(st.from_regex(ID_PATTERN.replace("*$", "{0,40}$"), fullmatch=True))
def test_field_names_are_xml_names_and_map_back(node: str) -> None:
    assert is_xml_tag(field_name(node))
    assert node_id(field_name(node)) == node


CLASHES = [
    # (edit of the mini rubric, the ids refused): a checklist question, the family holding
    # checklist questions, and a family without any (never asked, so its id is free).
    (("id: practice.queue", "id: site"), ["site"]),
    (("practice\n", "notes\n"), ["notes"]),
    (("id: rights\n", "id: start\n"), []),
]


def _clashing(edit: tuple[str, str]) -> tuple[str, Any]:
    old, new = edit
    text = MINI.read_text(encoding="utf-8")
    assert old in text
    # Every use of the id changes with it (a family is also a comparative's target).
    text = text.replace(old, new)
    # Read as the model alone, bypassing the file's checks: what a rubric built in code is.
    import yaml

    return text, Rubric.model_validate(yaml.safe_load(text))


@pytest.mark.parametrize(
    ("edit", "ids"), CLASHES, ids=[c[1][0] if c[1] else "free" for c in CLASHES]
)
def test_an_id_clashing_with_a_visit_field_is_refused_at_its_line(
    edit: tuple[str, str], ids: list[str]
) -> None:
    text, model = _clashing(edit)
    lines = text.splitlines()
    _rubric, issues = check_rubric(text, file="clash.yaml")
    expected = []
    for nid in ids:
        line = next(
            n for n, raw in enumerate(lines, 1) if raw.strip() in (f"- id: {nid}", f"id: {nid}")
        )
        expected.append(("clash.yaml", line, lines[line - 1].index(nid) + 1, "reserved-name", nid))
    assert [(i.file, i.line, i.column, i.code, i.message.split("'")[1]) for i in issues] == expected
    # A rubric built in code meets the same refusal in build_form, located by its path.
    if ids:
        with pytest.raises(RubricError) as err:
            build_form(model)
        assert [(i.path, i.message) for i in err.value.issues] == [
            (i.path, i.message) for i in issues
        ]
        assert [err.value.summary_text(lang) for lang in ("en", "es", "fr", "pt")] == [
            f"{model.id}: cannot build the observer form",
            f"{model.id}: no se puede construir el formulario de observación",
            f"{model.id}\u202f: impossible de construire le formulaire d'observation",
            f"{model.id}: não é possível construir o formulário de observação",
        ]
    else:
        build_form(model)


def test_ovm_form_refuses_a_clashing_id_at_its_line(tmp_path: Path, run: Any, capsys: Any) -> None:
    text, _model = _clashing(CLASHES[0][0])
    rubric = tmp_path / "clash.yaml"
    rubric.write_text(text, encoding="utf-8")
    line = text.splitlines().index("      - id: site") + 1
    assert run(["form", str(rubric), "-o", str(tmp_path / "f.xlsx")]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{rubric}:{line}:13 families[1].children[1].id: 'site' is a name the observer form "
        "keeps for the visit's own answers: give the node another id [reserved-name]",
        f"{rubric}: the rubric cannot be used",
    ]
    assert not (tmp_path / "f.xlsx").exists()


def test_labels_are_written_as_text_never_formulas(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    text = MINI.read_text(encoding="utf-8").replace(
        "question: {en: Minutes in queue", 'question: {en: "=1+1 minutes"'
    )
    rubric = load_rubric(text, file="formula.yaml")
    path = write_form(build_form(rubric), tmp_path / "f.xlsx")
    ws = load_workbook(path)["survey"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == "=1+1 minutes"]
    assert [c.data_type for c in cells] == ["s"]


def test_bundled_rubric_form_converts(tmp_path: Path) -> None:
    rubric, issues = check_rubric(BUNDLED)
    assert rubric is not None and issues == []
    _, warnings = converted(build_form(rubric), tmp_path / "deco.xlsx")
    assert warnings == []


# --- command line ----------------------------------------------------------------------------


@pytest.fixture
def run() -> Any:
    return cli.main


def test_cli_form_writes_an_xlsform(tmp_path: Path, run: Any, capsys: Any) -> None:
    out = tmp_path / "checklist.xlsx"
    assert run(["form", str(MINI), "-o", str(out), "--lang", "es"]) == 0
    _, warnings = converted_file(out)
    assert warnings == []
    # --lang is that of the form and of the summary
    assert "3 preguntas" in capsys.readouterr().err
    assert run(["form", str(MINI), "-o", str(out)]) == 0
    assert "3 checklist questions" in capsys.readouterr().err


def test_cli_form_reads_the_bundled_rubric(tmp_path: Path, run: Any) -> None:
    out = tmp_path / "deco.xlsx"
    assert run(["form", "bundled:deco-voting-abroad", "-o", str(out), "-q"]) == 0
    assert converted_file(out)[1] == []


def test_the_bundled_forms_time_bound_questions_are_not_required(tmp_path: Path, run: Any) -> None:
    # Opening, closing and the count are seen only by a visit at that hour: a visit at 10:00
    # leaves them blank (not observed), never a made-up answer or "not applicable".
    out = tmp_path / "deco.xlsx"
    assert run(["form", "bundled:deco-voting-abroad", "-o", str(out), "-q"]) == 0
    from openpyxl import load_workbook

    header, *body = load_workbook(out)["survey"].iter_rows(values_only=True)
    survey = {r[header.index("name")]: dict(zip(header, r, strict=True)) for r in body}
    timed = ("opened_on_time", "closing", "counting_procedure")
    for name in timed:
        assert survey[f"practice.{name}"]["required"] in (None, ""), name
    assert survey["practice.secrecy"]["required"] == "yes"


def test_cli_form_offers_the_missions_of_a_file(tmp_path: Path, run: Any) -> None:
    out = tmp_path / "checklist.xlsx"
    missions = DATA / "mini" / "missions.yaml"
    assert run(["form", str(MINI), "-o", str(out), "--missions", str(missions), "-q"]) == 0
    from openpyxl import load_workbook

    names = [r[1] for r in load_workbook(out)["choices"].iter_rows(values_only=True)]
    assert names[1:3] == ["aaa-2020", "bbb-2021"]


def converted_file(path: Path) -> tuple[str, list[str]]:
    warnings: list[str] = []
    return convert(xlsform=str(path), warnings=warnings).xform, warnings


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["form", "nowhere.yaml", "-o", "{tmp}/f.xlsx"], 2),
        (["form", str(MINI), "-o", "{tmp}/f.csv"], 2),
        (["form", str(MINI), "-o", "{tmp}/no/such/f.xlsx"], 2),
        (["form", str(MINI), "-o", "{tmp}/f.xlsx", "--lang", "xx"], 2),
        (["form", "bundled:nothing", "-o", "{tmp}/f.xlsx"], 2),
        (["form", "{tmp}/bad.yaml", "-o", "{tmp}/f.xlsx"], 1),
        (["form", "{tmp}", "-o", "{tmp}/f.xlsx"], 2),
        (["form", str(DATA / "mini"), "-o", "{tmp}/f.xlsx", "--missions", "m.yaml"], 2),
    ],
)
def test_cli_form_exit_status(tmp_path: Path, run: Any, args: list[str], status: int) -> None:
    (tmp_path / "bad.yaml").write_text("id: x\nversion: 1\n", encoding="utf-8")
    assert run([a.replace("{tmp}", str(tmp_path)) for a in args]) == status


def test_cli_form_needs_an_output(run: Any) -> None:
    with pytest.raises(SystemExit) as exc:
        run(["form", str(MINI)])
    assert exc.value.code == 2
