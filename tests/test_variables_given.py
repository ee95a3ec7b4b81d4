"""A rubric variable that an indicator reads and nothing in the workspace gives (no table's
column, no mission's value, no follow-up) is a warning at the variable's declaration in the
rubric, the exit status still 0. The load makes it, once: ``ovm check``, every command that
scores, the library and a report's data quality say it and count it alike."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

import ovm
from ovm.cli.app import main
from tests.examples_said import BUNDLED

HERE = Path(__file__).resolve().parent
MINI = HERE / "data" / "mini"
EXAMPLES = HERE.parent / "examples"


def _check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _mini(tmp_path: Path, statistics: str) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    (root / "statistics.csv").write_text(statistics, encoding="utf-8")
    return root


def _line_col(path: Path, text: str) -> tuple[int, int]:
    raw = path.read_text(encoding="utf-8")
    i = raw.index(text)
    return raw.count("\n", 0, i) + 1, i - raw.rfind("\n", 0, i)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_variable_no_table_has_is_a_warning_at_its_declaration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    # The typical slip after adding an indicator: its variable's column is in no table. The
    # column is named, not given an article ("a eligible_abroad column" read wrong).
    root = _mini(tmp_path, "mission,registered_abroad\naaa-2020,1000\nbbb-2021,2000\n")
    code, out, err = _check(capsys, str(root), "--lang", lang)
    line, col = _line_col(root / "rubric.yaml", "votes_abroad, labels")
    warned = [x for x in err.splitlines() if x.endswith("[variable-not-given]")]
    assert code == 0
    assert (
        out
        == {
            "en": f"{root}: valid (1 warning)\n",
            "es": f"{root}: válido (1 advertencia)\n",
        }[lang]
    )
    assert warned == [
        f"{root / 'rubric.yaml'}:{line}:{col} "
        + {
            "en": "warning: variable votes_abroad (source: statistics) is "
            "given for no mission: no table has a column named votes_abroad and no mission "
            "gives it under values:, so what reads it is missing for every mission: "
            "rights.turnout",
            "es": "advertencia: la variable votes_abroad (fuente: "
            "`statistics`) no se da para ninguna misión: ninguna tabla tiene una columna "
            "votes_abroad y ninguna misión la da en `values:`, así que lo que la lee falta en "
            "todas las misiones: Participación en el exterior",
        }[lang]
        + " [variable-not-given]"
    ]


@pytest.mark.parametrize(
    "statistics",
    [
        # a column left empty: the gap is said (status missing), not forgotten
        "mission,registered_abroad,votes_abroad\naaa-2020,1000,\nbbb-2021,2000,\n",
        # a header alone: a workspace whose data entry has not started (ovm init's)
        "mission,registered_abroad,votes_abroad\n",
    ],
    ids=["empty-column", "header-only"],
)
def test_a_column_the_table_has_is_no_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], statistics: str
) -> None:
    root = _mini(tmp_path, statistics)
    assert _check(capsys, str(root))[:2] == (0, f"{root}: valid (0 warnings)\n")


def test_a_value_in_the_missions_file_is_no_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _mini(tmp_path, "mission,registered_abroad\naaa-2020,1000\nbbb-2021,2000\n")
    missions = root / "missions.yaml"
    text = missions.read_text(encoding="utf-8")
    marker = "    name: B 2021\n"
    assert marker in text
    missions.write_text(
        text.replace(marker, marker + "    values: {votes_abroad: {status: missing}}\n"),
        encoding="utf-8",
    )
    assert _check(capsys, str(root))[:2] == (0, f"{root}: valid (0 warnings)\n")


def test_the_examples_lack_the_trust_survey_and_the_follow_up(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The example workspace never guesses: no trust survey of voters abroad was found and no
    # earlier recommendations were followed up (examples/README.md), and check says so.
    code, out, _ = _check(capsys, str(EXAMPLES), "--format", "json")
    rubric = Path(str(resources.files("ovm.rubrics").joinpath("deco-voting-abroad.yaml")))
    issues = json.loads(out)["issues"]
    assert code == 0
    assert [(i["file"], i["line"], i["column"], i["severity"], i["params"]) for i in issues] == [
        (
            "bundled:deco-voting-abroad",
            *_line_col(rubric, "trust_emb_mean\n"),
            "warning",
            {
                "variant": "table",
                "name": "trust_emb_mean",
                "source": "interview",
                "nodes": ["participation.trust_emb"],
                "field": "values",
            },
        ),
        (
            "bundled:deco-voting-abroad",
            *_line_col(rubric, "followup_implemented_pct\n"),
            "warning",
            {
                "variant": "follow_up",
                "name": "followup_implemented_pct",
                "source": "analyst",
                "nodes": ["comparative.followup"],
                "field": "values",
            },
        ),
    ]


def test_a_workspace_that_gives_no_variable_hears_it_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Observer checklists alone: one warning at the rubric's variables, not one a variable.
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    config = root / "ovm.yaml"
    text = config.read_text(encoding="utf-8")
    assert "statistics: [statistics.csv]\n" in text
    config.write_text(text.replace("statistics: [statistics.csv]\n", ""), encoding="utf-8")
    code, out, _ = _check(capsys, str(root), "--format", "json")
    line, col = _line_col(root / "rubric.yaml", "variables:")
    assert code == 0
    assert [
        (i["line"], i["column"], i["code"], i["params"]) for i in json.loads(out)["issues"]
    ] == [
        (
            line,
            col,
            "variable-not-given",
            {"variant": "none", "variables": 2, "nodes": 1, "field": "values"},
        ),
    ]
    _, _, err = _check(capsys, str(root), "--lang", "es")
    assert "no se da ninguna variable para ninguna misión" in err
    assert "(indicadores: 1) [variable-not-given]" in err


def test_the_follow_up_variable_is_said_in_spanish(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = _check(capsys, str(EXAMPLES), "--lang", "es")
    (line,) = [x for x in err.splitlines() if "followup_implemented_pct" in x]
    assert "ninguna misión hace el seguimiento de las recomendaciones" in line
    # what reads it named by its label, as the reports name it
    assert line.endswith(
        "todas las misiones: Seguimiento de las recomendaciones previas [variable-not-given]"
    )


def test_what_a_table_has_columns_for_is_not_written_in_the_scores(tmp_path: Path) -> None:
    # The columns check reads are no part of a file's account in the scores file.
    out = tmp_path / "scores.json"
    assert main(["score", str(EXAMPLES), "-q", "--bootstrap", "0", "-o", str(out)]) == 0
    files = json.loads(out.read_text(encoding="utf-8"))["files"]
    assert files and all("given" not in f for f in files)


def _config_with(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(source, root)
    config = root / "ovm.yaml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new), encoding="utf-8")
    return root


def _issues(capsys: pytest.CaptureFixture[str], root: Path) -> tuple[int, list[tuple[Any, ...]]]:
    code, out, _ = _check(capsys, str(root), "--format", "json")
    found = [
        (Path(i["file"]).name, i["line"], i["column"], i["code"], i["severity"])
        for i in json.loads(out)["issues"]
    ]
    return code, found


@pytest.mark.parametrize(
    ("source", "old", "new", "expected"),
    [
        # one file written where a list is: the statistics are refused, not missing
        (
            EXAMPLES,
            "statistics: [statistics.csv]\n",
            "statistics: statistics.csv\n",
            [("ovm.yaml", 10, 13, "invalid-value", "error")],
        ),
        # every entry of the list refused
        (
            MINI,
            "statistics: [statistics.csv]\n",
            "statistics: [2024, [statistics.csv], {path: 5}]\n",
            [
                ("ovm.yaml", 4, 14, "invalid-value", "error"),
                ("ovm.yaml", 4, 20, "invalid-value", "error"),
                ("ovm.yaml", 4, 45, "invalid-value", "error"),
            ],
        ),
        # the field written twice, the first time wrong
        (
            MINI,
            "statistics: [statistics.csv]\n",
            "statistics: statistics.csv\nstatistics: [statistics.csv]\n",
            [
                ("ovm.yaml", 4, 13, "invalid-value", "error"),
                ("ovm.yaml", 5, 1, "duplicate-key", "error"),
            ],
        ),
        # the field's name misspelt: the table it names is not read
        (
            MINI,
            "statistics: [statistics.csv]\n",
            "statistic: [statistics.csv]\n",
            [("ovm.yaml", 4, 1, "unknown-field", "error")],
        ),
    ],
    ids=["not-a-list", "every-entry", "twice", "misspelt-field"],
)
def test_a_refused_statistics_table_is_said_alone(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    source: Path,
    old: str,
    new: str,
    expected: list[tuple[Any, ...]],
) -> None:
    # The table was named and refused: whether it has a variable's column is not known, so no
    # warning says that no table has one.
    root = _config_with(tmp_path, source, old, new)
    assert _issues(capsys, root) == (1, expected)


def test_a_misspelt_column_is_not_said_again_as_a_variable_no_table_has(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _mini(
        tmp_path, "mission,registerd_abroad,votes_abroad\naaa-2020,1000,500\nbbb-2021,2000,900\n"
    )
    assert _issues(capsys, root) == (1, [("statistics.csv", 1, 2, "unknown-column", "error")])


@pytest.mark.parametrize("kept", ["bundled", "beside"])
def test_a_refused_checklist_keeps_the_warnings_of_what_no_table_gives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kept: str
) -> None:
    # Observer checklists give no mission's variable: with them refused, the examples still
    # truly lack the trust survey and the follow-up.
    root = _config_with(tmp_path, EXAMPLES, "  - path: checklists.csv\n", "  - path: [x]\n")
    rubric = Path(str(resources.files("ovm.rubrics").joinpath("deco-voting-abroad.yaml")))
    if kept == "beside":
        # The rubric kept outside the workspace, in a folder whose path sorts before it.
        (tmp_path / "a").mkdir()
        rubric = Path(shutil.copy(rubric, tmp_path / "a" / rubric.name))
        config = root / "ovm.yaml"
        text = config.read_text("utf-8").replace(
            "rubric: bundled:deco-voting-abroad", f"rubric: ../a/{rubric.name}"
        )
        config.write_text(text, "utf-8")
    code, found = _issues(capsys, root)
    # The bundled rubric named as the workspace names it, not by where ovm is installed.
    name = "bundled:deco-voting-abroad" if kept == "bundled" else rubric.name
    # The workspace's own file first, the rubric's after it, wherever the rubric is kept.
    assert (code, found) == (
        1,
        [
            ("ovm.yaml", 12, 11, "invalid-value", "error"),
            (name, *_line_col(rubric, "trust_emb_mean\n"), "variable-not-given", "warning"),
            (
                name,
                *_line_col(rubric, "followup_implemented_pct\n"),
                "variable-not-given",
                "warning",
            ),
        ],
    )


@pytest.mark.parametrize(
    "case",
    [
        # The example workspace truly lacks the trust survey and the follow-up.
        "examples",
        # One variable's column in no table, the other given.
        "one-lacking",
    ],
)
def test_check_score_report_and_the_library_say_the_same_variables_not_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    if case == "examples":
        # Named as the workspace names it, never by where ovm is installed: the same
        # workspace's outputs are the same bytes on every machine.
        root, rubric = EXAMPLES, Path("bundled:deco-voting-abroad")
        lacking = [
            ("trust_emb_mean", "trust_emb_mean\n"),
            ("followup_implemented_pct", "followup_implemented_pct\n"),
        ]
    else:
        root = _mini(tmp_path, "mission,registered_abroad\naaa-2020,1000\nbbb-2021,2000\n")
        rubric = root / "rubric.yaml"
        lacking = [("votes_abroad", "votes_abroad, labels")]
    # (file, line, column, the variable) of each warning, in the rubric's order.
    read = BUNDLED if case == "examples" else rubric
    expected = [(str(rubric), *_line_col(read, needle), name) for name, needle in lacking]
    n = len(expected)
    warnings = f"{n} warning" + ("s" if n > 1 else "")

    def said(issues: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [
            (i["file"], i["line"], i["column"], i["params"]["name"])
            for i in issues
            if i["code"] == "variable-not-given"
        ]

    # The library: the workspace's warnings are these, and only these.
    ws = ovm.load_workspace(root)
    assert [i.code for i in ws.warnings] == ["variable-not-given"] * n
    assert said([{**i.as_dict(), "params": i.params} for i in ws.warnings]) == expected

    # ovm check, as data and as text.
    code, out, _ = _check(capsys, str(root), "--format", "json")
    assert code == 0
    assert said(json.loads(out)["issues"]) == expected
    code, out, err = _check(capsys, str(root))
    checked = [x for x in err.splitlines() if x.endswith("[variable-not-given]")]
    assert (code, out) == (0, f"{root}: valid ({warnings})\n")
    assert [x.split(" warning: ")[0] for x in checked] == [
        f"{f}:{ln}:{c}" for f, ln, c, _ in expected
    ]

    # ovm score says the same lines, and its -q summary counts and names them.
    scores = tmp_path / "scores.json"
    assert main(["score", str(root), "--bootstrap", "0", "-o", str(scores)]) == 0
    err = capsys.readouterr().err
    assert [x for x in err.splitlines() if x.endswith("[variable-not-given]")] == checked
    assert said(json.loads(scores.read_text(encoding="utf-8"))["warnings"]) == expected
    assert str(BUNDLED.parent) not in scores.read_text(encoding="utf-8")
    assert main(["score", str(root), "-q", "--bootstrap", "0", "-o", str(scores)]) == 0
    assert capsys.readouterr().err == (
        f"{root}: {warnings} [variable-not-given]; ovm check {root} says where\n"
    )

    # ovm report: its data quality lists each, placed as check places it.
    report = tmp_path / "report.json"
    argv = ["report", str(root), "--bootstrap", "0", "--sensitivity-runs", "0", "-o", str(report)]
    assert main([*argv, "-q"]) == 0
    assert capsys.readouterr().err == (
        f"{root}: {warnings} [variable-not-given]; ovm check {root} says where\n"
    )
    assert str(BUNDLED.parent) not in report.read_text(encoding="utf-8")
    quality = json.loads(report.read_text(encoding="utf-8"))["quality"]["warnings"]
    shown = "rubric.yaml" if rubric.parent == root else str(rubric)
    assert quality["total"] == str(n)
    assert [
        (x["file"], int(x["row"]), int(x["column"]), x["code"], x["message"]["text"].split()[1])
        for x in quality["items"]
    ] == [(shown, ln, c, "variable-not-given", name) for _, ln, c, name in expected]
