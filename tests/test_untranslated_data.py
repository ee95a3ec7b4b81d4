"""No English in what ovm says about a workspace's data problems, in a report or on the terminal.

A copy of the example workspace is spoiled row by row (a decimal comma, a confidence nobody
knows, an answer that is no answer, a mission that does not exist, a time that is no time...).
``ovm check``, ``ovm score``, ``ovm compare`` and ``ovm report`` are run on it in each
non-English language, and ``ovm report`` and ``ovm compare`` on the example workspace itself:
what they print on standard error and the report's visible text may hold no word of the English
vocabulary (the detector of ``test_untranslated``). The data a message quotes (cells, ids, the
allowed answers a file must use) and the codes in brackets are the data, not the report's
words: they are taken out first, as the report test takes out the sources and notes quoted.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from test_compare import COHORT_MISSIONS, COHORT_RUBRIC, COHORT_STATS, scored, workspace
from test_exports import MINI, export_table, load, plain_rows
from test_untranslated import (
    EXAMPLES,
    LANGS,
    SHARED,
    _as_recorded,
    _english,
    english_left,
    loose_punctuation,
)

import ovm
from ovm import i18n, load_rubric
from ovm.cli.app import main
from ovm.comparison.cohort import compare
from ovm.data.tables import read_table
from ovm.data.workspace import load_workspace
from ovm.errors import Issue
from ovm.settings import ComparisonSettings


def _edit(path: Path, change: dict[tuple[int, str], str], extra: list[dict[str, str]]) -> None:
    """Set cells (by 1-based data row and header) and append rows to a CSV file."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
        headers = list(rows[0])
    for (i, column), value in change.items():
        rows[i - 1][column] = value
    rows += [{h: r.get(h, "") for h in headers} for r in extra]
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, headers)
        out.writeheader()
        out.writerows(rows)


@pytest.fixture(scope="module")
def spoiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace with a bad cell or row of every kind a user meets first."""
    root = tmp_path_factory.mktemp("ws") / "spoiled"
    shutil.copytree(EXAMPLES, root)
    stats = root / "statistics.csv"
    _edit(
        stats,
        {
            (2, "votes_abroad"): "98,47",
            (3, "registered_abroad__confidence"): "sure",
            (4, "votes_abroad"): "41.300.000",
            (5, "votes_abroad"): "1 234",
            (6, "tables_abroad"): "-3",
            (7, "tables_abroad"): "2.5",
            (8, "votes_abroad"): "inf",
            (9, "registered_abroad__confidence"): "hihg",
        },
        [{"mission": "zzz-1999"}, {"mission": "mex-2024"}, {"mission": "", "votes_abroad": "1"}],
    )
    checklists = root / "checklists.csv"
    with checklists.open(encoding="utf-8", newline="") as f:
        first = next(csv.DictReader(f))
    _edit(
        checklists,
        {
            (3, "practice.secrecy"): "maybe",
            (4, "mission"): "zzz-2000",
            (5, "visited_at"): "yesterday",
            (6, "mission"): "MEX-2024",
            (7, "practice.queue_minutes"): "-15",
            (8, "simulated"): "perhaps",
            (9, "site_country"): "XXX",
            (10, "practice.closing"): "ontime",
            (11, "visited_at"): "02/06/2024 09:30",
        },
        [{}, dict(first)],
    )
    return root


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return code, err.getvalue()


def _issues(root: Path) -> list[Issue]:
    # (the variables nothing gives, said of the workspace as a whole, among the report's issues)
    rep = load_workspace(root).observations.report
    cells = [i for f in rep.files for i in f.rejected_cells]
    return [*rep.issues, *cells, *(i for r in rep.rejected for i in r.reasons)]


def _quoted(root: Path, issues: list[Issue], lang: str) -> list[str]:
    """What the messages quote from the data and the rubric, as each language writes it, the
    texts recorded in the workspace (sources, notes) and its own path; longest first."""
    ws = load_workspace(root)
    found = {str(root), ws.rubric.id, *_as_recorded(root, SimpleNamespace(rubric=ws.rubric))}
    for issue in issues:
        found.update(i18n.param_text(v, lang) for k, v in issue.params.items() if k != "variant")
    return sorted((s for s in found if len(s) >= 4), key=len, reverse=True)


CODE = re.compile(r"\[[a-z0-9-]+\]|--[a-z-]+|\bovm [a-z]+\b|\S+\.(?:csv|yaml|xlsx)(?::[\d:]*)?")
"""Codes in brackets, options, commands and file:line:col are ids, not words."""


def english_lines(text: str, lang: str, quoted: list[str]) -> Counter[str]:
    """The English words of the lines a command printed, with the line they stand in."""
    page = "".join(f"<p>{CODE.sub(' ', line)}</p>" for line in text.splitlines())
    return english_left(page, _english(), SHARED[lang], quoted)[0]


@pytest.mark.parametrize("lang", LANGS)
def test_every_data_problem_of_the_spoiled_workspace_has_a_wording_in_each_language(
    spoiled: Path, lang: str
) -> None:
    issues = _issues(spoiled)
    codes = {i.code for i in issues}
    # The spoiled workspace meets the problems it is meant to (a test of the fixture itself).
    assert codes >= {
        "invalid-number",
        "invalid-choice",
        "invalid-answer",
        "unknown-mission",
        "invalid-visit-time",
        "negative-count",
        "not-integer",
        "not-finite",
        "duplicate-row",
        "missing-mission",
        "invalid-flag",
        "invalid-country",
    }
    untranslated = sorted({i.code + ": " + i.message for i in issues if i.text(lang) == i.message})
    assert untranslated == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_commands_say_the_data_problems_in_the_language_asked(
    spoiled: Path, lang: str, tmp_path: Path
) -> None:
    quoted = [str(tmp_path), *_quoted(spoiled, _issues(spoiled), lang)]
    ws = str(spoiled)
    runs = {
        "check": _run(["check", ws, "--lang", lang]),
        "score (refused)": _run(["score", ws, "--bootstrap", "0", "--lang", lang]),
        "score": _run(
            [
                "score",
                ws,
                "--bootstrap",
                "0",
                "--allow-rejected",
                "--lang",
                lang,
                "-o",
                str(tmp_path / "s.json"),
            ]
        ),
        "report": _run(
            [
                "report",
                ws,
                "--bootstrap",
                "0",
                "--allow-rejected",
                "--lang",
                lang,
                "-o",
                str(tmp_path / "r.html"),
            ]
        ),
    }
    assert {k: code for k, (code, _) in runs.items()} == {
        "check": 1,
        "score (refused)": 1,
        "score": 0,
        "report": 0,
    }
    left = {k: english_lines(err, lang, quoted) for k, (_, err) in runs.items()}
    assert {k: dict(v) for k, v in left.items() if v} == {}
    # Every problem is printed, each with its code.
    assert all(f"[{i.code}]" in runs["check"][1] for i in _issues(spoiled))
    if lang == "fr":
        loose = {
            # A place ends with a colon where its column is not known: it is no prose.
            k: loose_punctuation(
                "".join(f"<p>{CODE.sub(' ', x)}</p>" for x in err.splitlines()), quoted
            )
            for k, (_, err) in runs.items()
        }
        assert {k: dict(v) for k, v in loose.items() if v} == {}


@pytest.mark.parametrize("lang", LANGS)
def test_a_report_on_rejected_rows_says_why_in_its_language(
    spoiled: Path, lang: str, tmp_path: Path
) -> None:
    out = tmp_path / "r.html"
    code, _ = _run(
        [
            "report",
            str(spoiled),
            "--bootstrap",
            "0",
            "--allow-rejected",
            "-q",
            "--lang",
            lang,
            "-o",
            str(out),
        ]
    )
    assert code == 0
    html = out.read_text("utf-8")
    assert html.count("<code>[unknown-mission]</code>") >= 2
    quoted = _quoted(spoiled, _issues(spoiled), lang)
    found, marked = english_left(html, _english(), SHARED[lang], quoted)
    assert dict(found) == {}
    assert dict(marked) == {}
    if lang == "fr":
        # the reasons' colons and question marks take their narrow no-break space
        assert dict(loose_punctuation(html, quoted)) == {}


@pytest.mark.parametrize("lang", LANGS)
def test_compare_says_its_findings_in_the_language_asked(lang: str, tmp_path: Path) -> None:
    code, err = _run(
        [
            "compare",
            str(EXAMPLES),
            "--bootstrap",
            "0",
            "--lang",
            lang,
            "-o",
            str(tmp_path / "c.json"),
        ]
    )
    assert code == 0
    # The examples' two warnings quote their variables' sources and `values:` as written.
    warned = load_workspace(EXAMPLES).warnings
    assert [i.code for i in warned] == ["variable-not-given"] * 2
    quoted = [str(tmp_path), str(EXAMPLES), *_quoted(EXAMPLES, list(warned), lang)]
    assert dict(english_lines(err, lang, quoted)) == {}


def test_the_line_detector_finds_english_and_skips_ids() -> None:
    lines = (
        "ws/statistics.csv:3:12 «\u202f98,47\u202f» n'est pas un nombre (votes_abroad) "
        "[invalid-number]\n"
        "ws: 2 rows rejected; corrigez-les ou passez --allow-rejected\n"
        "ovm check ws les énumère tous\n"
    )
    found = english_lines(lines, "fr", [])
    assert {k.split(" in ")[0] for k in found} == {"'rows'", "'rejected'"}


@pytest.fixture(scope="module")
def gappy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    """A cohort in which one mission lacks a value the others have (to impute)."""
    stats = COHORT_STATS.replace("bbb-2022,2000,800", "bbb-2022,2000,")
    root = tmp_path_factory.mktemp("gappy") / "ws"
    return scored(workspace(root, rubric=COHORT_RUBRIC, missions=COHORT_MISSIONS, statistics=stats))


@pytest.mark.parametrize(
    "settings",
    [
        {"imputation": "mean"},
        {"imputation": "group_mean"},
        {"imputation": "group_mean", "groups": {"aaa-2016": "x"}},
        {"imputation": "group_mean", "groups": {"aaa-2016": "x", "bbb-2022": "y"}},
    ],
)
def test_the_cohorts_findings_are_worded_in_every_language(
    gappy: tuple[Any, Any], settings: dict[str, Any]
) -> None:
    scores, ws = gappy
    c = compare(scores, ws.rubric, ComparisonSettings(**settings))
    findings = [*c.findings, *(f for card in c.scores.scorecards for f in card.findings)]
    assert {f.code for f in findings} & {"imputation-used", "imputed-value", "imputation-failed"}
    for lang in LANGS:
        assert [f"{f.code}: {f.message}" for f in findings if f.text(lang) == f.message] == []


def test_a_comparative_cycle_is_worded_in_every_language(tmp_path: Path) -> None:
    rubric = COHORT_RUBRIC.replace(
        "measure: distance_to_best, target: rights",
        "measure: distance_to_best, target: comparative",
    )
    root = workspace(
        tmp_path / "ws", rubric=rubric, missions=COHORT_MISSIONS, statistics=COHORT_STATS
    )
    scores, ws = scored(root)
    (cycle,) = [f for f in compare(scores, ws.rubric).findings if f.code == "comparative-cycle"]
    assert {lang: cycle.text(lang) for lang in LANGS} == {
        "es": "comp.best mide comparative, que depende de él",
        "fr": "comp.best mesure comparative, qui dépend de lui",
        "pt": "comp.best mede comparative, que depende dele",
    }


def test_the_problems_of_an_export_are_worded_in_every_language(tmp_path: Path) -> None:
    rubric = load_rubric(MINI / "rubric.yaml")
    header, table = export_table(rubric, plain_rows(MINI / "checklists.csv"), "kobo")
    header += ["weather"]
    table = [[*r, "sunny"] for r in table]
    table[2][header.index("ovm_rubric_version")] = "0.0"
    uuid = header.index("_uuid")
    table[3][uuid] = table[0][uuid]
    semi = tmp_path / "semi.csv"
    semi.write_text("mission;site\naaa-2020;x\n", "utf-8")
    (tmp_path / "empty.csv").write_text("", "utf-8")
    (tmp_path / "notes.doc").write_text("x", "utf-8")
    result = load(tmp_path, rubric, header, table)
    issues = [
        *result.issues,
        *(i for r in result.rejected for i in r.reasons),
        *(
            i
            for name in ("semi.csv", "empty.csv", "notes.doc")
            for i in read_table(tmp_path / name)[1]
        ),
    ]
    assert {i.code for i in issues} == {
        "unknown-column",
        "rubric-mismatch",
        "duplicate-submission",
        "wrong-separator",
        "empty-file",
        "unsupported-format",
    }
    for lang in LANGS:
        assert [f"{i.code}: {i.message}" for i in issues if i.text(lang) == i.message] == []


def test_the_english_message_is_the_catalogues_english_wording(spoiled: Path) -> None:
    """One wording: what a data problem or a finding says in English is the catalogue's English
    entry for its code, filled with its parameters (the cell quoted as typed)."""
    ws = load_workspace(spoiled)
    scores = ovm.score(ws.rubric, ws.observations, bootstrap=0)
    findings = [f for card in scores.scorecards for f in card.findings]
    said = [
        *(
            (i.code, i.message, i18n.coded("issue", i.code, i.params, "en"))
            for i in _issues(spoiled)
        ),
        *(
            (f.code, f.message, i18n.coded("finding", f.code, f.params, "en", text_numbers=True))
            for f in findings
        ),
    ]
    assert {code for code, _, _ in said} >= {"not-finite", "invalid-number"}
    assert [(code, message) for code, message, en in said if en is not None and en != message] == []


def test_a_number_too_large_to_be_finite_is_quoted_as_typed(spoiled: Path) -> None:
    (issue,) = {i for i in _issues(spoiled) if i.code == "not-finite"}
    assert [issue.text(lang) for lang in ("en", *LANGS)] == [
        "'inf' is not a finite number",
        *(i18n.coded("issue", "not-finite", {"text": "inf"}, lang) for lang in LANGS),
    ]
    assert issue.text("fr") == "«\u202finf\u202f» n'est pas un nombre fini"


def _refuse(constant: str) -> object:
    raise ValueError(f"{constant} is not JSON")


def test_check_writes_strict_json_for_a_cell_no_float_holds(
    spoiled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(spoiled), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out, parse_constant=_refuse)
    (params,) = [i["params"] for i in data["issues"] if i["code"] == "not-finite"]
    # the value as the cell has it, a text where no float holds it
    assert params == {"name": "votes_abroad", "text": "inf", "value": "inf", "low": 0.0}


@pytest.mark.parametrize(
    ("lang", "summary"),
    [
        ("en", "1 problem in the workspace data"),
        ("fr", "1 problème dans les données de l'espace de travail"),
        ("es", "1 problema en los datos del espacio de trabajo"),
        ("pt", "1 problema nos dados do espaço de trabalho"),
    ],
)
def test_a_workspace_that_cannot_be_scored_says_so_in_the_language_asked(
    tmp_path: Path, lang: str, summary: str
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLES, root)
    table = root / "checklists.csv"
    with table.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    with table.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(row[1:] for row in rows)  # no mission column
    code, err = _run(["score", str(root), "--bootstrap", "0", "--lang", lang])
    assert (code, err.splitlines()[-1]) == (1, summary)


def test_the_report_json_is_version_2_with_each_reason_a_message_and_a_code(
    spoiled: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.json"
    argv = ["report", str(spoiled), "--bootstrap", "0", "--allow-rejected", "-o", str(out)]
    assert _run([*argv, "--lang", "fr"])[0] == 0
    data = json.loads(out.read_text(encoding="utf-8"), parse_constant=_refuse)
    assert data["format"] == "ovm-report/2"
    reasons = [x for r in data["quality"]["rejected"] for x in r["reasons"]]
    assert reasons and {(type(x["message"]["text"]), x["code"] != "") for x in reasons} == {
        (str, True)
    }
    assert {tuple(sorted(x)) for x in reasons} == {("code", "message")}
