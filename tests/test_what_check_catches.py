"""What `ovm validate` and `ovm check` catch in a rubric and its data before anything is scored:
each mistake at its file, line and column with its code, in the user's language."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from ovm.cli.app import main
from ovm.rubric.model import bundled_rubric

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

GAP_RUBRIC = """\
ovm_rubric: 1
id: gaps
version: "1"
title: {en: Gaps, es: Huecos}
languages: [en, es]
variables:
  - {name: votes, labels: {en: Votes, es: Votos}, unit: votes, type: count, source: statistics}
  - {name: registered, labels: {en: Registered, es: Inscritos}, unit: voters, type: count,
     source: statistics}
families:
  - id: p
    labels: {en: P, es: P}
    children:
      - id: p.turnout
        kind: quantitative
        labels: {en: Turnout, es: Participación}
        source: statistics
        formula: votes / registered * 100
        rule:
          type: bands
          bands: [{max: 20, score: 0}, {min: 25, max: 40, score: 50}, {min: 40, score: 100}]
"""


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", ": values from 20 to 25 fall in no band"),
        ("es", ": los valores de 20 a 25 no caen en ninguna banda"),
        ("fr", "\u202f: les valeurs de 20 à 25 ne tombent dans aucune bande"),
        ("pt", ": os valores de 20 a 25 não caem em nenhuma faixa"),
    ],
)
def test_a_gap_between_a_rules_bands_is_an_error_at_the_band_that_starts_late(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    """A turnout of 22 % would fall between 20 and 25 and be scored as missing although it was
    observed: the rubric is refused where the second band starts."""
    path = tmp_path / "rubric.yaml"
    path.write_text(GAP_RUBRIC, encoding="utf-8")
    assert main(["validate", str(path), "--lang", lang]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[:-1] == [f"{path}:21:40 families[0].children[0].rule.bands[1]{said} [bands-gap]"]


def test_touching_rule_bands_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same rule with its bands touching, closed at the bottom, is valid."""
    path = tmp_path / "rubric.yaml"
    path.write_text(
        GAP_RUBRIC.replace("[{max: 20, score: 0},", "[{min: 0, max: 25, score: 0},"),
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 0, capsys.readouterr().err


def test_a_unit_written_per_language_is_checked_for_every_declared_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A recommendation text quotes an indicator's unit: written per language, it must carry
    each language the rubric declares, as labels do; one word for all languages needs none."""
    text = (
        GAP_RUBRIC.replace("{min: 25, max: 40,", "{min: 20, max: 40,")
        .replace("unit: votes,", "unit: {en: votes}, unit_one: {es: voto},")
        .replace(
            "        source: statistics\n        formula",
            "        unit: {es: '%'}\n        source: statistics\n        formula",
        )
    )
    path = tmp_path / "rubric.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:7:57 variables[0].unit: no text for declared language(s): es"
        " [missing-translation]",
        f"{path}:7:80 variables[0].unit_one: no text for declared language(s): en"
        " [missing-translation]",
        f"{path}:17:15 families[0].children[0].unit: no text for declared language(s): en"
        " [missing-translation]",
        f"{path}: 3 errors",
    ]


STATISTICS = """\
mission,eligible_abroad,registered_abroad,votes_abroad,total_registered
per-2021,500000,997033,381000,25287954
bol-2019,,34100100,2200000,7315364
col-2022,1000000,972764,228000,39002239
"""


def _bundled_workspace(root: Path, statistics: str) -> Path:
    """A workspace scored with the bundled rubric (ovm.yaml names none)."""
    root.mkdir()
    (root / "ovm.yaml").write_text(
        "missions: missions.yaml\nstatistics: [statistics.csv]\n", encoding="utf-8"
    )
    (root / "missions.yaml").write_text(
        "missions:\n"
        + "".join(
            f"  - {{id: {m}, country: {m[:3].upper()}, name: {m},"
            f" election: {{type: general, date: {m[4:]}-06-01}}}}\n"
            for m in ("per-2021", "bol-2019", "col-2022")
        ),
        encoding="utf-8",
    )
    (root / "statistics.csv").write_text(statistics, encoding="utf-8")
    return root


@pytest.mark.parametrize(("lang", "more"), [("en", "is greater than"), ("es", "es mayor que")])
def test_registered_abroad_above_the_eligible_or_the_whole_electorate_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, more: str
) -> None:
    """Peru's roll abroad twice its eligible citizens abroad, Bolivia's 4.7 times its whole
    electorate: each is an error at its cell, not a registration rate of 199 % scored as good
    practice. Colombia's figures are within both limits."""
    ws = _bundled_workspace(tmp_path / "ws", STATISTICS)
    assert main(["check", str(ws), "--lang", lang]) == 1
    stats = ws / "statistics.csv"
    errors = [x for x in capsys.readouterr().err.splitlines() if "[exceeds-limit]" in x]
    big = {
        "en": ("997,033", "500,000", "34,100,100", "7,315,364"),
        "es": ("997.033", "500.000", "34.100.100", "7.315.364"),
    }[lang]
    assert errors == [
        f"{stats}:2:3 registered_abroad = {big[0]} {more} eligible_abroad = {big[1]}"
        " [exceeds-limit]",
        f"{stats}:3:3 registered_abroad = {big[2]} {more} total_registered = {big[3]}"
        " [exceeds-limit]",
    ]


def test_at_most_takes_a_list_and_names_the_limit_no_variable_declares(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each name of the list is checked where it is written; the JSON Schema editors read
    accepts one name or a list of them."""
    path = tmp_path / "rubric.yaml"
    path.write_text(
        GAP_RUBRIC.replace("[{max: 20, score: 0},", "[{max: 25, score: 0},").replace(
            "source: statistics}", "source: statistics, at_most: [registered, eligible]}", 1
        ),
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:7:119 variables[0].at_most[1]: 'eligible' is not a declared variable"
        " [unknown-variable]",
        f"{path}: 1 error",
    ]
    out = tmp_path / "schema.json"
    assert main(["schema", "rubric", "-o", str(out)]) == 0
    name = {"maxLength": 80, "pattern": "^[a-z_][a-z0-9_]*$", "type": "string"}
    schema = json.loads(out.read_text(encoding="utf-8"))
    assert schema["$defs"]["Variable"]["properties"]["at_most"]["anyOf"] == [
        name,
        {"items": name, "minItems": 1, "type": "array"},
        {"type": "null"},
    ]


def _said(capsys: pytest.CaptureFixture[str], code: str, *argv: str) -> list[str]:
    """The lines of a command's messages that carry ``code``."""
    capsys.readouterr()
    main(list(argv))
    return [x for x in capsys.readouterr().err.splitlines() if x.endswith(f"[{code}]")]


EDITED = (
    "this rubric has the id 'deco-voting-abroad' and version {v} of the rubric bundled with "
    "ovm but differs from it: its reports would name it as that methodology; give the edited "
    "rubric an id or a version of its own [edited-bundled-rubric]"
)


def test_an_edited_copy_of_the_bundled_rubric_is_told_to_take_its_own_id_or_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The copy `ovm init --copy-rubric` writes says, at its id, to change the id or version
    when editing; as copied it is the bundled methodology and nothing is said. Edited under
    the same id and version, `ovm check`, `ovm validate` and `ovm report` warn at its version;
    with a version of its own, nothing again."""
    version = bundled_rubric("deco-voting-abroad").version
    ws = tmp_path / "ws"
    assert main(["init", str(ws), "--missions", "per-2021", "--copy-rubric", "--lang", "es"]) == 0
    rubric = ws / "rubric.yaml"
    lines = rubric.read_text(encoding="utf-8").splitlines()
    at = lines.index("id: deco-voting-abroad")
    assert lines[at - 1 : at + 2] == [
        "# copia de la rúbrica incluida en ovm: si la edita, dele un identificador o una versión"
        " propios, o sus informes la presentarán como la metodología incluida",
        "id: deco-voting-abroad",
        f'version: "{version}"',
    ]
    assert _said(capsys, "edited-bundled-rubric", "check", str(ws)) == []
    text = rubric.read_text(encoding="utf-8")
    rubric.write_text(text.replace("\nmin_coverage: 0.5\n", "\nmin_coverage: 0.6\n"), "utf-8")
    warned = [f"{rubric}:{at + 2}:10 warning: version: {EDITED.format(v=version)}"]
    assert _said(capsys, "edited-bundled-rubric", "check", str(ws)) == warned
    assert _said(capsys, "edited-bundled-rubric", "validate", str(ws)) == warned
    rubric.write_text(
        rubric.read_text(encoding="utf-8").replace(
            f'version: "{version}"', f'version: "{version}-ours"'
        ),
        "utf-8",
    )
    assert _said(capsys, "edited-bundled-rubric", "check", str(ws)) == []


def test_a_report_made_with_an_edited_copy_of_the_bundled_rubric_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example workspace scored with the bundled rubric, its minimum coverage changed in a
    copy: the report is written, with the warning at the copy's version."""
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLES, ws)
    bundled = resources.files("ovm.rubrics").joinpath("deco-voting-abroad.yaml")
    text = bundled.read_text(encoding="utf-8")
    (ws / "rubric.yaml").write_text(
        text.replace("\nmin_coverage: 0.5\n", "\nmin_coverage: 0.6\n"), encoding="utf-8"
    )
    config = (ws / "ovm.yaml").read_text(encoding="utf-8")
    (ws / "ovm.yaml").write_text(
        config.replace("rubric: bundled:deco-voting-abroad", "rubric: rubric.yaml"), "utf-8"
    )
    line = text.splitlines().index(f'version: "{bundled_rubric("deco-voting-abroad").version}"')
    out = tmp_path / "r.json"
    argv = ["report", str(ws), "--bootstrap", "0", "--sensitivity-runs", "0", "-o", str(out)]
    version = bundled_rubric("deco-voting-abroad").version
    assert _said(capsys, "edited-bundled-rubric", *argv) == [
        f"{ws / 'rubric.yaml'}:{line + 1}:10 warning: version: {EDITED.format(v=version)}"
    ]
    assert out.is_file()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            "the title is the workspace's folder name, as ovm init wrote it: write the title"
            " the reports are headed by",
        ),
        (
            "es",
            "el título es el nombre de la carpeta del espacio de trabajo, como lo escribió"
            " ovm init: escriba el título que encabezará los informes",
        ),
    ],
)
def test_the_title_ovm_init_wrote_is_a_placeholder_until_the_team_writes_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    """`ovm init` heads every report with the folder's name until the title is written."""
    ws = tmp_path / "elecciones"
    assert main(["init", str(ws), "--missions", "per-2021", "--lang", lang]) == 0
    config = ws / "ovm.yaml"
    lines = config.read_text(encoding="utf-8").splitlines()
    (at,) = [i for i, x in enumerate(lines) if x.startswith("title:")]
    assert _said(capsys, "init-placeholder", "check", str(ws), "--lang", lang)[-1:] == [
        f"{config}:{at + 1}:8 {'advertencia' if lang == 'es' else 'warning'}: title: {said}"
        " [init-placeholder]"
    ]
    lines[at] = 'title: {en: "Peru 2021", es: "Perú 2021"}'
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    said_now = _said(capsys, "init-placeholder", "check", str(ws))
    assert [x for x in said_now if x.startswith(f"{config}:")] == []
