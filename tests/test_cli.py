"""The command line: exit statuses, issue format on stderr, JSON for tools, schemas, scoring."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ovm
from ovm.cli.app import main
from tests.examples_said import examples_warned

RUBRICS = Path(__file__).parent / "data" / "rubrics"


def ovm_cmd(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ovm", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_python_m_ovm_prints_the_version() -> None:
    done = ovm_cmd("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"ovm {ovm.__version__}")


def test_validate_a_valid_rubric_exits_0(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(RUBRICS)
    assert main(["validate", "valid.yaml"]) == 0
    out, err = capsys.readouterr()
    assert out == "valid.yaml: valid (fixture 1, 1 family, 2 indicators)\n"
    assert err == ""


def test_validate_reads_a_bundled_rubric_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    rubric = ovm.default_rubric()
    n = len(rubric.indicators())
    assert main(["validate", "bundled:deco-voting-abroad"]) == 0
    out, _ = capsys.readouterr()
    assert out == (
        f"bundled:deco-voting-abroad: valid (deco-voting-abroad {rubric.version}, "
        f"{len(rubric.families)} families, {n} indicators)\n"
    )
    assert main(["validate", "bundled:no-such-rubric"]) == 2


def test_validate_with_warnings_only_exits_0_and_shows_them(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(RUBRICS)
    assert main(["validate", "unused-variable.yaml"]) == 0
    out, err = capsys.readouterr()
    assert out == ("unused-variable.yaml: valid (fixture 1, 1 family, 2 indicators, 1 warning)\n")
    assert err == (
        "unused-variable.yaml:8:5 warning: variables[0]: variable 'spare' is used by "
        "no formula [unused-variable]\n"
    )


def test_validate_errors_exit_1_with_every_issue_on_stderr() -> None:
    done = ovm_cmd("validate", "five-mistakes.yaml", "valid.yaml", cwd=RUBRICS)
    assert done.returncode == 1
    assert done.stdout == "valid.yaml: valid (fixture 1, 1 family, 2 indicators)\n"
    assert done.stderr.splitlines() == [
        "five-mistakes.yaml:7:5 warning: variables[1]: variable 'registered' is used by no "
        "formula [unused-variable]",
        "five-mistakes.yaml:11:13 families[0].weight: must be > 0 [invalid-weight]",
        "five-mistakes.yaml:16:17 families[0].children[0].source: must be one of legal, "
        "statistics, checklist, interview, analyst [invalid-choice]",
        "five-mistakes.yaml:19:49 families[0].children[0].levels[1].descriptor: no text for "
        "declared language(s): es [missing-translation]",
        "five-mistakes.yaml:24:26 families[0].children[1].formula: 'registred' is not a "
        "declared variable in 'votes / registred * 100': did you mean 'registered'? "
        "[unknown-variable]",
        "five-mistakes.yaml:25:15 families[0].children[1].rule: low and high are both 60 "
        "[goalposts-equal]",
        "five-mistakes.yaml: 5 errors",
    ]


def test_every_error_line_has_the_documented_shape(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(RUBRICS)
    names = sorted(p.name for p in RUBRICS.glob("*.yaml") if p.name != "billion-laughs.yaml")
    assert main(["validate", *names]) == 1
    _out, err = capsys.readouterr()
    pattern = (
        r"[\w.-]+\.yaml(:\d+(:\d+)?)? (warning: )?([\w.\[\]-]+: )?[^\n]+ "
        r"\[[a-z]+(-[a-z]+)*\]|[\w.-]+\.yaml: (1 error|\d+ errors)"
    )
    lines = err.splitlines()
    assert lines
    assert [line for line in lines if not re.fullmatch(pattern, line)] == []


def test_validate_json_lists_every_file_with_its_issues(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(RUBRICS)
    assert main(["validate", "--format", "json", "unused-variable.yaml", "missing.yaml"]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert json.loads(out) == [
        {
            "file": "unused-variable.yaml",
            "valid": True,
            "issues": [
                {
                    "file": "unused-variable.yaml",
                    "line": 8,
                    "column": 5,
                    "path": "variables[0]",
                    "code": "unused-variable",
                    "message": "variable 'spare' is used by no formula",
                    "severity": "warning",
                    "category": "rubric",
                    "params": {"name": "spare"},
                }
            ],
        },
        {
            "file": "missing.yaml",
            "valid": False,
            "issues": [
                {
                    "file": "missing.yaml",
                    "line": None,
                    "column": None,
                    "path": "",
                    "code": "file-unreadable",
                    "message": "No such file or directory",
                    "severity": "error",
                    "category": "rubric",
                    "params": {"variant": "missing"},
                }
            ],
        },
    ]


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["validate"],
        ["frobnicate"],
        ["validate", "--format", "xml", "valid.yaml"],
        ["schema", "everything"],
        ["score"],
    ],
)
def test_wrong_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage: ovm" in capsys.readouterr().err


def test_a_missing_workspace_is_wrong_usage(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["score", str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err == f"ovm: no workspace at {tmp_path / 'nowhere'}\n"


@pytest.mark.parametrize(
    ("argv", "lang", "said"),
    [
        (["score"], "en", "{path} is a loop of symbolic links: it leads to no workspace"),
        (["check"], "en", "{path} is a loop of symbolic links: it leads to no workspace"),
        (
            ["template", "-o", "{out}"],
            "en",
            "{path} is a loop of symbolic links: it leads to no workspace",
        ),
        (
            ["score", "--lang", "es"],
            "es",
            "{path} es un bucle de enlaces simbólicos: no lleva a ningún espacio de trabajo",
        ),
    ],
)
def test_a_workspace_link_that_loops_is_named_a_loop(
    argv: list[str], lang: str, said: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    looped = tmp_path / "missions"
    looped.symlink_to(tmp_path / "back")
    (tmp_path / "back").symlink_to(looped)
    args = [a.replace("{out}", str(tmp_path / "data.xlsx")) for a in argv]
    assert main([args[0], str(looped), *args[1:]]) == 1
    err = capsys.readouterr().err
    assert err == f"ovm: {said.format(path=looped)} [workspace-link-loop]\n"
    assert not (tmp_path / "data.xlsx").exists()


def test_schema_rubric_is_a_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "rubric"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert {"id", "version", "title", "families", "variables", "bands"} <= set(schema["properties"])
    assert {"id", "version", "title", "families"} <= set(schema["required"])
    # Every local reference resolves, so an editor can follow it.
    text = json.dumps(schema)
    for ref in set(re.findall(r'"\$ref": "#/\$defs/([^"]+)"', text)):
        assert ref in schema["$defs"], ref


def test_schema_scores_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "scores.schema.json"
    assert main(["schema", "scores", "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    schema = json.loads(out.read_text(encoding="utf-8"))
    assert {"scorecards", "rubric", "data_sha256"} <= set(schema["properties"])


def test_score_prints_json_that_matches_the_api(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", str(mini), "-q"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    # What every command shows: the scores after the cohort step, with the workspace's settings.
    expected = ovm.analyse(mini).scores
    assert out == expected.to_json()


def test_score_twice_in_fresh_processes_is_byte_identical(mini: Path, tmp_path: Path) -> None:
    first = ovm_cmd("score", str(mini), "-q", "-o", str(tmp_path / "a.json"))
    second = ovm_cmd("score", str(mini), "-q", "-o", str(tmp_path / "b.json"))
    assert (first.returncode, second.returncode) == (0, 0)
    a, b = (tmp_path / "a.json").read_bytes(), (tmp_path / "b.json").read_bytes()
    assert a == b
    assert json.loads(a)["scorecards"][0]["mission"]["id"] == "aaa-2020"


def test_score_to_a_csv_file_writes_the_long_format(
    mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.csv"
    assert main(["score", str(mini), "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("mission,node,parent,level,kind,value,score,coverage,status,band,")
    assert lines[1].startswith("aaa-2020,overall,,0,overall,")
    # Two missions, each with overall and the 11 nodes of the mini rubric.
    assert len(lines) == 1 + 2 * 12
    err = capsys.readouterr().err
    # bbb-2021's visits come from 2 places, fewer than its questions need: no overall.
    assert (
        "scored 2 missions against mini 0.1, 1 without an overall score "
        "(includes SIMULATED observer data)"
    ) in err


def test_score_refuses_rejected_rows_unless_allowed(
    mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(mini, ws)
    with (ws / "checklists.csv").open("a", encoding="utf-8") as fh:
        fh.write("zzz-2020,s9,USA,Miami,o9,2020-05-01T09:00,,yes,10,0\n")
    assert main(["score", str(ws), "-q"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        f"{ws / 'checklists.csv'}:8:1 no mission 'zzz-2020' in the missions file "
        "[unknown-mission] (row rejected)"
    ) in captured.err.splitlines()
    assert "1 row rejected; fix them or pass --allow-rejected" in captured.err
    assert main(["score", str(ws), "-q", "--allow-rejected"]) == 0
    assert json.loads(capsys.readouterr().out)["rejected"][0]["row"] == 8


def test_score_with_a_broken_rubric_exits_1(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(mini), "--rubric", str(RUBRICS / "five-mistakes.yaml")]) == 1
    err = capsys.readouterr().err
    line = (
        f"{RUBRICS / 'five-mistakes.yaml'}:11:13 families[0].weight: must be > 0 [invalid-weight]"
    )
    assert line in err.splitlines()


def test_bad_seed_bootstrap_and_unwritable_output_are_usage_errors(tmp_path: Path) -> None:
    ws = str(Path(__file__).parent / "data" / "mini")
    for args in (
        ["--seed", "-1"],
        ["--bootstrap", "100001"],
        ["--seed", "x"],
        ["-o", str(tmp_path)],
    ):
        res = subprocess.run(
            [sys.executable, "-m", "ovm", "score", ws, "-q", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert res.returncode == 2, (args, res.stderr)
        assert "Traceback" not in res.stderr


def test_an_output_named_for_a_format_the_command_does_not_write_is_refused(
    tmp_path: Path,
) -> None:
    # `ovm score` writes JSON, CSV or Parquet: scores.xlsx would otherwise hold JSON.
    target = tmp_path / "scores.xlsx"
    done = ovm_cmd("score", str(RUBRICS.parent / "mini"), "-q", "-o", str(target))
    assert (done.returncode, target.exists()) == (2, False)
    assert "does not write xlsx" in done.stderr


@pytest.mark.parametrize(("name", "written"), [("report.docx", False), ("report.htm", True)])
def test_an_output_whose_suffix_no_format_has_is_refused(
    tmp_path: Path, name: str, written: bool
) -> None:
    # A report.docx holding HTML opens in no program; .htm is HTML under another name.
    target = tmp_path / name
    done = ovm_cmd("report", str(RUBRICS.parent / "mini"), "-q", "-o", str(target))
    assert (done.returncode, target.exists()) == ((0, True) if written else (2, False))
    if written:
        assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    else:
        assert "does not write docx: it writes html, json, xlsx, pdf" in done.stderr


def test_a_sensitivity_analysis_too_large_for_the_memory_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ovm.comparison.sensitivity as sensitivity

    examples = Path(__file__).resolve().parent.parent / "examples"
    monkeypatch.setattr(sensitivity, "memory_available", lambda: 1000)
    out = tmp_path / "s.json"
    assert main(["sensitivity", str(examples), "--runs", "50", "-q", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    # The two warnings of the examples are said as they are read, before the refusal.
    assert err.startswith(f"{examples_warned(examples)}\novm: ") and "Traceback" not in err
    assert not out.exists()


def test_too_few_replicates_for_the_confidence_level_are_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 95 % interval's ends are the replicates of rank 2.5 % and 97.5 % of B + 1: below 39
    replicates they are the extreme ones, and the command says so; from 39 on, or with the
    bootstrap off, it says nothing."""
    ws = Path(__file__).parent / "data" / "mini"
    said = {}
    for replicates in ("0", "1", "38", "39"):
        out = tmp_path / f"s{replicates}.csv"
        assert main(["score", str(ws), "--bootstrap", replicates, "-q", "-o", str(out)]) == 0
        said[replicates] = [
            line for line in capsys.readouterr().err.splitlines() if "replicate" in line
        ]
    assert said == {
        "0": [],
        "1": [
            "warning: 1 bootstrap replicate is too few for a 95% interval (at least 39): each "
            "interval's ends are the extreme replicates; 200 or more give steady ends"
        ],
        "38": [
            "warning: 38 bootstrap replicates are too few for a 95% interval (at least 39): "
            "each interval's ends are the extreme replicates; 200 or more give steady ends"
        ],
        "39": [],
    }
    main(["compare", str(ws), "--bootstrap", "20", "--lang", "es", "-o", str(tmp_path / "c.csv")])
    # Spanish writes the percent sign after a no-break space
    assert (
        "advertencia: 20 réplicas bootstrap son muy pocas para un intervalo del 95\u00a0% "
        "(al menos 39)" in capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("command", "name"), [("score", "s.csv"), ("compare", "c.json"), ("report", "r.html")]
)
def test_an_output_in_a_folder_that_does_not_exist_is_refused_before_any_scoring(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    name: str,
) -> None:
    import ovm.pipeline

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the workspace was analysed before the output was refused")

    monkeypatch.setattr(ovm.pipeline, "analyse", never)
    ws = Path(__file__).parent / "data" / "mini"
    out = tmp_path / "missing" / "dir" / name
    assert main([command, str(ws), "-q", "-o", str(out)]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"ovm: folder {out.parent} does not exist; create it or choose another output"
    )
    assert not out.parent.exists()


def test_the_replicate_warning_says_the_level_and_the_replicates_it_needs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """At 99.5 % an interval needs 399 replicates: the level is not rounded to 100 %, and the
    steady count is never below the minimum."""
    ws = tmp_path / "ws"
    shutil.copytree(Path(__file__).parent / "data" / "mini", ws)
    config = ws / "ovm.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "settings: {seed: 7, bootstrap: 50}", "settings: {seed: 7, confidence: 0.995}"
        ),
        encoding="utf-8",
    )
    assert main(["score", str(ws), "--bootstrap", "200", "-q", "-o", str(tmp_path / "s.csv")]) == 0
    assert [line for line in capsys.readouterr().err.splitlines() if "replicate" in line] == [
        "warning: 200 bootstrap replicates are too few for a 99.5% interval (at least 399): "
        "each interval's ends are the extreme replicates; 399 or more give steady ends"
    ]


def test_an_output_that_ends_with_a_slash_names_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = Path(__file__).parent / "data" / "mini"
    out = f"{tmp_path}/nope/"
    assert main(["score", str(ws), "-q", "-o", out]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"ovm: {out} is a folder: name a file"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            "stats.xlsx:1:1 a workbook or other zipped file (XLSX, ODS), not YAML text: give the "
            "YAML file (rubric.yaml, missions.yaml, ovm.yaml); tables of data are named in "
            "ovm.yaml [invalid-encoding]",
        ),
        (
            "es",
            "stats.xlsx:1:1 un libro de cálculo u otro archivo comprimido (XLSX, ODS), no texto "
            "YAML: indique el archivo YAML (rubric.yaml, missions.yaml, ovm.yaml); las tablas de "
            "datos se nombran en ovm.yaml [invalid-encoding]",
        ),
    ],
)
def test_a_workbook_given_as_a_rubric_is_said_to_be_a_workbook(
    tmp_path: Path, lang: str, said: str
) -> None:
    """Not "save the file as UTF-8", which a workbook cannot be made by saving it again."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["mission", "registered_abroad"])
    book.save(tmp_path / "stats.xlsx")
    done = ovm_cmd("--lang", lang, "validate", "stats.xlsx", cwd=tmp_path)
    assert (done.returncode, done.stderr.splitlines()[0]) == (1, said)


@pytest.mark.parametrize(
    ("args", "lang", "said"),
    [
        (["--bootstrap", "-1"], "en", "argument --bootstrap: -1 is negative: give 0 or more"),
        (["--seed", "-5"], "es", "argumento --seed: -5 es negativo: indique 0 o más"),
        (
            ["--bootstrap", "100001"],
            "en",
            "argument --bootstrap: 100001 replicates; at most 100000",
        ),
        (["--seed", str(2**63)], "en", f"argument --seed: {2**63} is not between 0 and 2**63 - 1"),
    ],
)
def test_a_number_out_of_its_range_says_the_range_the_help_gives(
    args: list[str], lang: str, said: str
) -> None:
    # A negative count is told as such, not against a bound only a seed has.
    ws = str(Path(__file__).parent / "data" / "mini")
    res = subprocess.run(
        [sys.executable, "-m", "ovm", "score", ws, "-q", "--lang", lang, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    last = res.stderr.splitlines()[-1]
    assert (res.returncode, last) == (2, f"ovm score: error: {said}"), res.stderr
