"""No English in the command line's own lines under ``--lang``: its usage errors, the first line
of an error that stops it, its progress on a terminal and the count of problems left unlisted.

Each wrong use is run through ``ovm`` on a copy of the mini workspace in each non-English
language; what it prints may hold no word of the English vocabulary (the detector of
``test_untranslated``) once the paths, ids and options it quotes are taken out, and no
unfilled placeholder.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import shutil
import string
from pathlib import Path

import pytest
from test_untranslated import EXAMPLES, LANGS, SHARED, _english, english_left
from test_untranslated_data import CODE

import ovm
from ovm import i18n
from ovm.cli.app import build_parser, main
from ovm.cli.common import COMMANDS, progress_bar, progress_line
from ovm.cli.parser import HELP, help_text
from ovm.comparison.recommend import WHATIF_SENTENCES, ChangeProblem
from ovm.errors import DataError
from ovm.rubric.model import load_rubric
from ovm.scoring.aggregate import METHODS
from tests.examples_said import examples_warned

MINI = Path(__file__).parent / "data" / "mini"

WRONG_USES = {
    # what the user got wrong: the command line (WS: the workspace, TMP: a scratch folder)
    "no workspace": ["check", "TMP/nowhere"],
    "no ovm.yaml": ["check", "TMP"],
    "a file named for another format": ["score", "WS", "-o", "TMP/s.xlsx"],
    "an aggregation without its method": ["score", "WS", "--aggregation", "=x"],
    "an aggregation ovm does not know": ["score", "WS", "--aggregation", "nope"],
    "an output range upside down": ["score", "WS", "--output-range", "5", "1"],
    "aggregations for no group": [
        "score", "WS", "--aggregation", "nope=geometric", "--aggregation", "zz=minimum",
    ],
    "a mission id mistyped": ["score", "WS", "--missions", "aaa-202"],
    "mission ids unknown": ["score", "WS", "--missions", "zz", "yy"],
    "the output an input": ["score", "WS", "-o", "WS/missions.yaml"],
    "the output in no folder": ["score", "WS", "-o", "TMP/nowhere/s.json"],
    "a mission report with every mission's": [
        "report", "WS", "--mission", "aaa-2020", "--with-missions", "-o", "TMP/r.html",
    ],
    "templates in no folder": ["report", "WS", "--templates", "TMP/nowhere"],
    "one sensitivity run": ["report", "WS", "--sensitivity-runs", "1"],
    "more sensitivity runs than allowed": ["report", "WS", "--sensitivity-runs", "200000"],
    "a mission out of the cohort": [
        "report", "WS", "--mission", "aaa-2020", "--missions", "bbb-2021", "-o", "TMP/r.html",
    ],
    "a change without its value": ["whatif", "WS", "--mission", "aaa-2020", "--set", "x"],
    "a change of nothing": ["whatif", "WS", "--mission", "aaa-2020", "--set", "nope=1"],
    "no workspace to pull into": ["pull", "TMP/nowhere"],
    "nothing to pull": ["pull", "WS"],
    "no such bundled rubric": ["validate", "bundled:nope"],
    "a workspace made again": ["init", "WS"],
    "a workspace in a file": ["init", "WS/ovm.yaml"],
    "a workspace of no rubric": ["init", "TMP/new", "--rubric", "TMP/nowhere.yaml"],
    "a workspace of no bundled rubric": ["init", "TMP/new", "--rubric", "bundled:nope"],
    "mission ids that are not ids": ["init", "TMP/new", "--missions", "Bad!", "x y"],
    "a mission id twice": ["init", "TMP/new", "--missions", "a1", "a1"],
    "a form not in a workbook": ["form", "bundled:deco-voting-abroad", "-o", "TMP/f.csv"],
    "a form in no folder": ["form", "bundled:deco-voting-abroad", "-o", "TMP/nowhere/f.xlsx"],
    "a form of no rubric": ["form", "TMP/nowhere.yaml", "-o", "TMP/f.xlsx"],
    "a form of no bundled rubric": ["form", "bundled:nope", "-o", "TMP/f.xlsx"],
    "a form of a workspace and a missions file": [
        "form", "WS", "-o", "TMP/f.xlsx", "--missions", "WS/missions.yaml",
    ],
    "a form of no missions file": [
        "form", "bundled:deco-voting-abroad", "-o", "TMP/f.xlsx", "--missions", "TMP/nowhere.yaml",
    ],
    "a form of a folder with no ovm.yaml": ["form", "TMP", "-o", "TMP/f.xlsx"],
    "a template of no workspace": ["template", "TMP/nowhere", "-o", "TMP/t.xlsx"],
    "a template of no rubric": [
        "template", "WS", "--rubric", "TMP/nowhere.yaml", "-o", "TMP/t.xlsx",
    ],
    "more sensitivity runs than allowed alone": ["sensitivity", "WS", "--runs", "200000"],
    "weights varied beyond themselves": [
        "sensitivity", "WS", "--runs", "10", "--weight-range", "2",
    ],
    "a sensitivity analysis of too few missions": ["sensitivity", "WS", "--runs", "10"],
    "a schema written in no folder": ["schema", "rubric", "-o", "TMP/nowhere/s.json"],
}  # fmt: skip


class _Terminal(io.StringIO):
    """Standard error as a terminal shows it (progress is drawn on a terminal only)."""

    def isatty(self) -> bool:
        return True


def _run(argv: list[str], stderr: io.StringIO | None = None) -> tuple[int, str]:
    err = stderr or io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return code, err.getvalue()


QUOTED = ["deco-voting-abroad", *METHODS, "json", "parquet", "-o", "pull", "overall"]
"""What the messages quote: the bundled rubric, the methods and formats to write, the option,
the field and the node id to give."""
SHORT = {"x"}
"""A value given as x."""
SHARED_CLI = {"es": {"variables"}, "fr": {"variables"}, "pt": set()}
"""Words of the command line's messages the language shares with English."""


def _english_words(text: str, lang: str, quoted: list[str]) -> list[str]:
    text = CODE.sub(" ", text)
    for data in sorted([*quoted, *QUOTED], key=len, reverse=True):
        text = text.replace(data, " ")
    page = "".join(f"<p>{line}</p>" for line in text.splitlines())
    return sorted(english_left(page, _english(), SHARED[lang] | SHARED_CLI[lang] | SHORT, [])[0])


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    return root


@pytest.mark.parametrize("lang", LANGS)
def test_every_wrong_use_is_said_in_the_language_asked(lang: str, ws: Path, tmp_path: Path) -> None:
    said = {}
    for name, argv in WRONG_USES.items():
        args = [a.replace("WS", str(ws)).replace("TMP", str(tmp_path)) for a in argv]
        said[name] = _run([*args, "--lang", lang])
    assert {name: code for name, (code, _) in said.items()} == dict.fromkeys(WRONG_USES, 2)
    # What each use quotes: its own arguments (the command's name is no argument).
    quoted = {
        name: [str(tmp_path), *(a for a in argv[1:] if len(a) > 1)]
        for name, argv in WRONG_USES.items()
    }
    left = {
        name: _english_words(err, lang, quoted[name]) or err
        for name, (_, err) in said.items()
        if _english_words(err, lang, quoted[name]) or "{" in err
    }
    assert left == {}


@pytest.mark.parametrize("lang", LANGS)
def test_a_workspace_that_cannot_be_set_up_is_said_so_in_the_language_asked(
    lang: str, ws: Path
) -> None:
    config = ws / "ovm.yaml"
    config.write_text(config.read_text("utf-8") + "checklist: []\n", "utf-8")
    code, err = _run(["score", str(ws), "--lang", lang])
    assert code == 1
    last = err.splitlines()[-1]
    assert last.startswith(f"{config}")
    assert _english_words(last, lang, [str(config)]) == []


@pytest.mark.parametrize("lang", LANGS)
def test_progress_on_a_terminal_is_drawn_in_the_language_asked(lang: str, tmp_path: Path) -> None:
    terminal = _Terminal()
    argv = ["report", str(EXAMPLES), "--bootstrap", "0", "--sensitivity-runs", "2"]
    code, err = _run([*argv, "--lang", lang, "-o", str(tmp_path / "r.html")], terminal)
    assert code == 0
    bar = [line for line in err.split("\r") if "[" in line and "#" in line]
    assert bar and _english_words("\n".join(bar), lang, []) == []
    # The line of a scoring long enough to count (twenty missions or more).
    with contextlib.redirect_stderr(_Terminal()) as out:
        progress_line(True, lang)(20, 20)
        progress_bar(True, lang)(5, 10)
    drawn = out.getvalue()
    assert "20/20" in drawn and _english_words(drawn, lang, []) == []


def test_english_progress_is_as_it_was() -> None:
    with contextlib.redirect_stderr(_Terminal()) as out:
        progress_line(True)(20, 20)
        progress_bar(True)(5, 10)
    assert out.getvalue() == (
        "\rscoring missions: 20/20\n\rsensitivity [############.............]  50% 5/10"
    )


@pytest.mark.parametrize(
    ("lang", "tail"),
    [("en", "... and 5 more"), ("es", "... y 5 más"), ("fr", "... et 5 de plus"),
     ("pt", "... e mais 5")],
)  # fmt: skip
def test_an_error_counts_the_problems_it_does_not_list_in_the_language_asked(
    lang: str, tail: str, ws: Path
) -> None:
    config = ws / "ovm.yaml"
    files = ", ".join(f"s{i}.csv" for i in range(55))
    config.write_text(config.read_text("utf-8").replace("[statistics.csv]", f"[{files}]"), "utf-8")
    with pytest.raises(DataError) as caught:
        ovm.load_workspace(ws)
    text = caught.value.text(lang)
    assert (len(text.splitlines()), text.splitlines()[-1]) == (52, tail)
    assert str(caught.value) == caught.value.text("en")
    if lang != "en":
        # where ovm.yaml names each file: a path of the document, not words
        listed = re.sub(r"statistics\[\d+\]", " ", text)
        assert _english_words(listed, lang, [str(ws)]) == []


ROW_COUNTS = {
    "en": ("1 row read, 1 used, 0 rejected", "2 rows read, 1 used, 1 rejected"),
    "es": ("1 fila leída, 1 usada, 0 rechazadas", "2 filas leídas, 1 usada, 1 rechazada"),
    "fr": ("1 ligne lue, 1 utilisée, 0 rejetée", "2 lignes lues, 1 utilisée, 1 rejetée"),
    "pt": ("1 linha lida, 1 usada, 0 rejeitada", "2 linhas lidas, 1 usada, 1 rejeitada"),
}
"""What each file gave, each count agreeing with its own number (a file of one row, then a
file of two with one refused)."""


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_each_count_of_a_files_line_agrees_with_its_number(lang: str, ws: Path) -> None:
    stats = ws / "statistics.csv"
    header, first, second = stats.read_text(encoding="utf-8").splitlines()
    stats.write_text(f"{header}\n{first}\n", encoding="utf-8")
    _, one = _run(["check", str(ws), "--lang", lang])
    stats.write_text(
        f"{header}\n{first}\n{second.replace('bbb-2021', 'zzz-2099')}\n", encoding="utf-8"
    )
    _, two = _run(["check", str(ws), "--lang", lang])
    colon = "\u202f:" if lang == "fr" else ":"
    said = [
        next(x for x in err.splitlines() if x.startswith(f"{stats}{colon} ")) for err in (one, two)
    ]
    assert said == [f"{stats}{colon} {counts}" for counts in ROW_COUNTS[lang]]


WHATIF_CHANGES = {
    # one change ovm whatif cannot apply, and the code it meets
    "registered_abroad=abc": "invalid-number",
    "registered_abroad=nan": "not-finite",
    "registered_abroad=-5": "negative-count",
    "votes_abroad=1e9": "exceeds-limit",
    "rights.turnout=50": "not-settable",
    "turned_away_mean=2": "derived-variable",
    "rights.basis=na": "not-applicable-not-allowed",
    "rights.basis=maybe": "invalid-answer",
    "nope=1": "unknown-variable",
}
AT_ONCE = [
    "registered_abroad=abc", "votes_abroad=1e9", "rights.turnout=50", "turned_away_mean=2",
    "rights.basis=maybe",
]  # fmt: skip
"""Changes given together: each is refused, the limit checked against the value kept."""


def _met(details: tuple[ChangeProblem, ...]) -> set[str]:
    """The catalogue entries that word ``details``."""
    out = set()
    for d in details:
        variant = d.params.get("variant")
        out.add(f"issue_{d.code}" + (f"_{variant}" if variant else ""))
        if d.after:
            out.add("whatif_after_changes")
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_a_change_whatif_cannot_apply_is_said_in_the_language_asked(lang: str, ws: Path) -> None:
    quoted = [*WHATIF_CHANGES, "1e+09", "aaa-2020", "statute", "constitution", "none"]

    def english(text: str) -> list[str]:
        return _english_words(text, lang, quoted)

    argv = ["whatif", str(ws), "--mission", "aaa-2020", "--bootstrap", "0", "-q", "--lang", lang]
    code, err = _run([*argv, *(x for change in AT_ONCE for x in ("--set", change))])
    lines = err.splitlines()
    # Every problem at once, one line each with its code; exit 1.
    assert (code, sorted(line.rsplit(" ", 1)[-1] for line in lines)) == (
        1,
        sorted(f"[{WHATIF_CHANGES[c]}]" for c in AT_ONCE),
    )
    assert {line: english(line) for line in lines if english(line) or "{" in line} == {}
    # Each change alone, through the library (the command line refuses a name of nothing
    # before it runs).
    run = ovm.analyse(ws, ovm.Settings(bootstrap=0))
    met: set[str] = set()
    for change, wanted in WHATIF_CHANGES.items():
        name, _, value = change.partition("=")
        with pytest.raises(ovm.WhatIfError) as caught:
            ovm.whatif(run, "aaa-2020", {name: value})
        assert caught.value.codes == (wanted,)
        met |= _met(caught.value.details)
        (text,) = caught.value.texts(lang)
        assert (text, english(text)) == (text, [])
        assert caught.value.texts("en") == caught.value.problems
    assert set(WHATIF_SENTENCES) - met == set()


@pytest.mark.parametrize("lang", LANGS)
def test_a_sensitivity_analysis_too_large_for_the_memory_is_said_in_the_language_asked(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ovm.comparison.sensitivity as sensitivity

    monkeypatch.setattr(sensitivity, "memory_available", lambda: 100 * 2**20)
    out = tmp_path / "r.html"
    argv = ["report", str(EXAMPLES), "-q", "--bootstrap", "0", "--sensitivity-runs", "100000"]
    argv += ["-o", str(out)]
    code, err = _run([*argv, "--lang", lang])
    # The examples' two warnings are said as they are read, before the refusal.
    warned, line = err.splitlines()
    assert warned == examples_warned(EXAMPLES, lang)
    assert (code, out.exists(), line.startswith("ovm: ")) == (2, False, True)
    assert _english_words(line, lang, ["GiB", "Gio"]) == [] and "{" not in line
    # The figures of the English message, each as the language writes it.
    _, said = _run(argv)
    warned, english = said.splitlines()
    assert warned == examples_warned(EXAMPLES)
    figures = [float(x) if "." in x else int(x) for x in re.findall(r"[0-9.]*[0-9]", english)]
    assert len(figures) == 5
    for x in figures:
        assert i18n.param_text(x, lang) in line


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_a_thread_count_ovm_ignores_is_said_in_the_language_asked(
    lang: str, ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVM_THREADS", "abc")
    code, err = _run(["score", str(ws), "-q", "--lang", lang, "-o", str(tmp_path / "s.json")])
    assert code == 0
    (line,) = err.splitlines()
    if lang == "en":
        assert line == "ovm: warning: OVM_THREADS='abc' is not a whole number from 1; it is ignored"
    else:
        assert line.startswith("ovm: ") and "OVM_THREADS='abc'" in line
        assert _english_words(line, lang, ["OVM_THREADS='abc'"]) == []


def _fake_chromium(folder: Path, script: str) -> Path:
    fake = folder / "chromium"
    fake.write_text(script, "utf-8")
    fake.chmod(0o755)
    return fake


PDF_FAILURES = {
    # how printing fails: (what OVM_CHROMIUM names, or None for none on the PATH), exit status
    "no Chromium": (None, 2),
    "no such program": ("TMP/no-such-browser", 2),
    "a program that cannot start": ("#!/no/such/interpreter\n", 2),
    "a Chromium that fails": ("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n", 1),
    "a Chromium that says nothing": ("#!/bin/sh\nexit 4\n", 1),
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_pdf_that_cannot_be_printed_is_said_in_the_language_asked(
    lang: str, ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ovm.reporting.pdf import CHROMIUM_NAMES

    said = {}
    for name, (chromium, status) in PDF_FAILURES.items():
        folder = tmp_path / str(len(said))
        folder.mkdir()
        monkeypatch.setenv("PATH", str(folder))
        if chromium is None:
            monkeypatch.delenv("OVM_CHROMIUM", raising=False)
        elif chromium.startswith("#!"):
            monkeypatch.setenv("OVM_CHROMIUM", str(_fake_chromium(folder, chromium)))
        else:
            monkeypatch.setenv("OVM_CHROMIUM", chromium.replace("TMP", str(folder)))
        out = folder / "r.pdf"
        argv = ["report", str(ws), "-q", "--sensitivity-runs", "0", "-o", str(out)]
        code, err = _run([*argv, "--lang", lang])
        (line,) = err.splitlines()
        assert (name, code, out.exists()) == (name, status, False)
        said[name] = line
    # What the system and Chromium said is quoted as they said it.
    assert "cannot open display" in said["a Chromium that fails"]
    assert "No such file or directory" in said["a program that cannot start"]
    quoted = [str(tmp_path), "cannot open display", "No such file or directory",
              "apt-get install chromium", "no-such-browser", *CHROMIUM_NAMES,
              "Chromium"]  # fmt: skip
    left = {n: _english_words(x, lang, quoted) for n, x in said.items()}
    assert {n: w for n, w in left.items() if w} == {}
    assert [n for n, x in said.items() if "{" in x or "\x00" in x] == []


def test_a_print_that_takes_too_long_is_said_in_every_language() -> None:
    from ovm.reporting.pdf import PdfError

    error = PdfError(
        "chromium did not print the report within 300 s", key="pdf_timeout", exe="chromium",
        seconds=300,
    )  # fmt: skip
    assert error.text("en") == str(error)
    for lang in LANGS:
        assert _english_words(error.text(lang), lang, ["chromium", "300 s"]) == []


TEMPLATE_FAILURES = {
    # a template of the user's folder, and what it holds
    "a syntax error": ("partials/legend.html.j2", "{% if %}"),
    "a template it includes that does not exist": (
        "partials/legend.html.j2", "{% include 'partials/nowhere.html.j2' %}",
    ),
    "a name the report does not give": ("partials/legend.html.j2", "{{ nowhere.at_all }}"),
    "a division by zero": ("partials/legend.html.j2", "{{ 1 // 0 }}"),
}  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_a_broken_template_of_the_users_folder_is_said_in_the_language_asked(
    lang: str, ws: Path, tmp_path: Path
) -> None:
    said = {}
    details = {}
    for n, (name, text) in enumerate(TEMPLATE_FAILURES.values()):
        folder = tmp_path / f"tpl{n}"
        (folder / name).parent.mkdir(parents=True)
        (folder / name).write_text(text, "utf-8")
        argv = ["report", str(ws), "-q", "--sensitivity-runs", "0", "--templates", str(folder)]
        out = tmp_path / "r.html"
        code, err = _run([*argv, "--lang", lang, "-o", str(out)])
        _, english = _run([*argv, "-o", str(out)])
        (line,) = err.splitlines()
        assert (code, out.exists(), line.startswith("ovm report: ")) == (1, False, True)
        said[name + text] = line
        # Jinja's words, as the English line quotes them after the folder and place
        details[name + text] = english.strip().rsplit(": ", 1)[-1]
    for key, line in said.items():
        assert details[key] in line
    quoted = [str(tmp_path), *details.values(), "partials/legend.html.j2"]
    left = {n: _english_words(x, lang, quoted) for n, x in said.items()}
    assert {n: w for n, w in left.items() if w} == {}


@pytest.mark.parametrize("lang", LANGS)
def test_a_sensitivity_analysis_of_a_rubric_with_no_overall_is_refused_in_the_language_asked(
    lang: str, ws: Path
) -> None:
    rubric = ws / "rubric.yaml"
    rubric.write_text(
        rubric.read_text("utf-8").replace("bands:", "headline: none\nbands:", 1), "utf-8"
    )
    code, err = _run(["sensitivity", str(ws), "--runs", "10", "-q", "--lang", lang])
    (line,) = err.splitlines()
    assert (code, line.startswith("ovm: rubric.yaml:8:1 `headline: none`")) == (2, True)
    # the rubric's key and value, as the user writes them, are code
    words = re.sub(r"`[^`]*`", " ", line)
    assert _english_words(words, lang, ["rubric.yaml:8:1"]) == []


@pytest.mark.parametrize("lang", LANGS)
def test_what_init_form_and_template_wrote_is_said_in_the_language_asked(
    lang: str, tmp_path: Path
) -> None:
    said = {}
    for name, argv in {
        "init": ["init", str(tmp_path / "new"), "--missions", "a1"],
        "form of a rubric": ["form", "bundled:deco-voting-abroad", "-o", str(tmp_path / "f.xlsx")],
        "form of a workspace": ["form", str(EXAMPLES), "-o", str(tmp_path / "g.xlsx")],
        "template": ["template", str(EXAMPLES), "-o", str(tmp_path / "t.xlsx")],
    }.items():  # fmt: skip
        code, err = _run([*argv, "--lang", lang])
        assert (name, code, bool(err)) == (name, 0, True)
        said[name] = err
    quoted = [str(tmp_path / "new"), str(tmp_path), "deco-voting-abroad", "ovm check"]
    left = {n: _english_words(x, lang, quoted) for n, x in said.items()}
    assert {n: w for n, w in left.items() if w} == {}


ARGPARSE_USES = {
    # a use argparse itself refuses, before any command runs
    "no workspace given": ["score"],
    "no folder given": ["init"],
    "a normalisation ovm does not know": ["score", "WS", "--normalisation", "nope"],
    "an option ovm does not know": ["score", "WS", "--nope"],
    "an option without its value": ["score", "WS", "--rubric"],
    "a range of one number": ["score", "WS", "--output-range", "1"],
    "no mission after --missions": ["score", "WS", "--missions"],
    "runs that are no number": ["sensitivity", "WS", "--runs", "abc"],
    "a range that is no number": ["score", "WS", "--output-range", "a", "b"],
    "a seed that is no number": ["score", "WS", "--seed", "abc"],
    "a seed below 0": ["score", "WS", "--seed=-1"],
    "too many replicates": ["score", "WS", "--bootstrap", "200000"],
    "a date that is no date": ["report", "WS", "--date", "yesterday"],
    "a command mistyped": ["scroe", "WS"],
    "a required option missing": ["whatif", "WS"],
    "a form without its output": ["form", "bundled:deco-voting-abroad"],
    "a value for a switch": ["score", "WS", "--quiet=yes"],
    "an abbreviation of two options": ["report", "WS", "--s", "1"],
}  # fmt: skip


def _parse_error(argv: list[str]) -> tuple[object, str, str]:
    """The exit status, standard output and standard error of a command line argparse
    refuses (or answers, for --help)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            main(argv)
        except SystemExit as exc:
            return exc.code, out.getvalue(), err.getvalue()
    return None, out.getvalue(), err.getvalue()


def _usage_lines(text: str, prefix: str) -> tuple[list[str], list[str]]:
    """The usage lines (the first and those indented under it) and the lines after."""
    lines = text.splitlines()
    assert lines and lines[0].startswith(prefix), lines[:1]
    n = 1
    while n < len(lines) and lines[n].startswith(" "):
        n += 1
    return lines[:n], lines[n:]


@pytest.mark.parametrize("lang", LANGS)
def test_argparse_refusals_are_said_in_the_language_asked(lang: str, ws: Path) -> None:
    from ovm.i18n import colon, gettext, punctuate

    prefix = punctuate(gettext("argparse_usage", lang), lang) + " "
    label = gettext("severity_error", lang) + colon(lang)
    said, english = {}, {}
    for name, argv in ARGPARSE_USES.items():
        args = [a.replace("WS", str(ws)) for a in argv]
        said[name] = _parse_error([*args, "--lang", lang])
        english[name] = _parse_error(args)
    assert {n: s[0] for n, s in said.items()} == dict.fromkeys(ARGPARSE_USES, 2)
    assert {n: s[0] for n, s in english.items()} == dict.fromkeys(ARGPARSE_USES, 2)
    left, untranslated = {}, {}
    for name, (_, _, err) in said.items():
        _, rest = _usage_lines(err, prefix)
        (line,) = rest
        prog, _, message = line.partition(f": {label} ")
        assert prog.startswith("ovm") and message, line
        # The English line of the same use, with argparse's own words.
        (english_line,) = _usage_lines(english[name][2], "usage: ")[1]
        assert english_line.startswith(f"{prog}: error: ")
        if message == english_line.partition(": error: ")[2]:
            untranslated[name] = message
        # What argparse quotes (values, choices) and names (options, metavars) is no word.
        words = re.sub(r"(?<!\w)'[^']*'(?!\w)|\b[A-Z][A-Z_]+\b", " ", message)
        found = _english_words(words, lang, [str(ws), *ARGPARSE_USES[name][1:]])
        if found or "{" in message:
            left[name] = found or message
    assert (untranslated, left) == ({}, {})


@pytest.mark.parametrize("lang", LANGS)
def test_help_speaks_the_language_asked_in_argparses_own_words(lang: str) -> None:
    from ovm.i18n import gettext, punctuate

    code, out, _ = _parse_error(["score", "--help", "--lang", lang])
    assert code == 0
    assert out.startswith(punctuate(gettext("argparse_usage", lang), lang) + " ovm score ")
    for key in ("argparse_positionals", "argparse_options", "argparse_help"):
        assert gettext(key, lang) in out
    for english in ("usage:", "positional arguments", "\noptions:", "show this help message"):
        # (French says "options" as English does)
        assert english not in out or english.strip("\n:") == gettext("argparse_options", lang)
    code, out, _ = _parse_error(["--help", "--lang", lang])
    assert (code, gettext("argparse_version", lang) in out) == (0, True)


def test_english_help_and_refusals_are_argparses_own() -> None:
    code, out, _ = _parse_error(["score", "--help"])
    assert (code, out.startswith("usage: ovm score ")) == (0, True)
    assert "positional arguments:" in out and "show this help message and exit" in out
    code, _, err = _parse_error(["score"])
    assert (code, err.splitlines()[-1]) == (
        2,
        "ovm score: error: the following arguments are required: WORKSPACE",
    )


@pytest.mark.parametrize(
    ("argv", "lang"),
    [
        (["score", "ws", "--lang", "fr"], "fr"),
        (["score", "ws", "--lang=pt"], "pt"),
        (["score", "--lang", "es", "ws", "--lang", "fr"], "fr"),
        (["form", "r", "--lang", "es,en", "--lang", "fr"], "es"),
        (["template", "ws", "--lang=pt,es"], "pt"),
        (["score", "ws", "--lang", "xx"], "en"),
        (["score", "ws", "--lang"], "en"),
        (["score", "--", "--lang", "es"], "en"),
        (["score", "ws"], "en"),
    ],
)
def test_the_language_is_read_before_argparse_parses(argv: list[str], lang: str) -> None:
    from ovm.cli.parser import language_of

    assert language_of(argv) == lang


SENSITIVITY_FORMULAS = [
    "mean(yB (yABi - yA)) / V",
    "mean((yA - yABi)^2) / 2V",
    "AB_i",
    "Saltelli",
    "Jansen",
    "Gamboa",
    "compare",
]
"""What the sensitivity's notes quote: its estimators as written, the works they come from and
the command its nominal ranks are those of."""


@pytest.mark.parametrize("lang", LANGS)
def test_a_sensitivity_summary_in_text_is_worded_in_the_language_asked(
    lang: str, tmp_path: Path
) -> None:
    argv = ["sensitivity", str(EXAMPLES), "--runs", "4", "--bootstrap", "0", "-q"]
    said, english = tmp_path / f"{lang}.txt", tmp_path / "en.txt"
    assert _run([*argv, "--format", "text", "-o", str(said), "--lang", lang])[0] == 0
    assert _run([*argv, "--format", "text", "-o", str(english)])[0] == 0
    text, english_text = said.read_text(encoding="utf-8"), english.read_text(encoding="utf-8")
    missions = re.findall(r"^([a-z]{3}-[0-9]{4}) ", english_text, re.MULTILINE)
    assert len(missions) > 2
    assert _english_words(text, lang, [*missions, *SENSITIVITY_FORMULAS]) == []
    assert "{" not in text
    # Each mission's row holds the English row's figures, each as the language writes them.
    rows = {
        m: line.split() for line in english_text.splitlines() for m in [line[:8]] if m in missions
    }
    worded = {
        m: line.split(maxsplit=1)[1]
        for line in text.splitlines()
        for m in [line[:8]]
        if m in missions
    }

    def figure(cell: str) -> str:
        if cell.endswith("%"):
            return i18n.format_percent(float(cell[:-1]) / 100, lang, 1)
        return cell.replace(".", i18n.decimal_separator(lang))

    assert {m: re.sub(" +", " ", worded[m].strip()) for m in missions} == {
        m: " ".join(figure(c) for c in rows[m][1:]) for m in missions
    }


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_the_index_table_of_a_sensitivity_summary_lines_up(lang: str, tmp_path: Path) -> None:
    out = tmp_path / "s.txt"
    argv = ["sensitivity", str(EXAMPLES), "--runs", "4", "--bootstrap", "0", "-q", "-o", str(out)]
    assert _run([*argv, "--format", "text", "--lang", lang])[0] == 0
    blocks = out.read_text(encoding="utf-8").split("\n\n")
    # After the heading, the ranks and their legend: a header and one row per choice varied
    # (sampling is not, without replicates), each ending where the header ends.
    table = blocks[3].splitlines()
    assert len(table) == 5
    assert {len(line) for line in table} == {len(table[0])}


HELP_COMMANDS = ["", *COMMANDS]
"""``ovm --help`` and each command's help."""
HELP_QUOTED = [
    "JSON Schema", "Monte Carlo", "Monte-Carlo", "Sobol", "XLSForm", "ODK Central", "ODK",
    "KoboToolbox", "Kobo", "OVM_CHROMIUM", "Chromium", "chromium", "PATH", "HTML", "PDF",
    "JSON", "XLSX", "CSS", "A4", "bundled:NAME", "mission-ID.html", "generalised:P",
    "group_mean", "html", "md", "text", "en", "ids", "N x 7", "±R", "bundled", *COMMANDS, *QUOTED,
]  # fmt: skip
"""What the help quotes: formats, programs, names to type, the commands' names."""
SHARED_HELP = {
    "es": {"base", "bytes", "s"},
    "fr": {"base", "messages", "tables", "s", "codes"},
    "pt": {"base", "bytes", "links", "s"},
}
"""Words of the help the language shares with English (and the plural of ``idioma(s)``)."""


def _help(command: str, lang: str | None) -> str:
    argv = [command] if command else []
    code, out, _ = _parse_error([*argv, "--help", *(["--lang", lang] if lang else [])])
    assert code == 0
    return out


def _help_texts(parser: argparse.ArgumentParser) -> list[str]:
    """The texts of a parser's help written by ovm (not argparse's own)."""
    texts = [parser.description]
    for group in parser._action_groups:
        if group not in (parser._positionals, parser._optionals):
            texts += [group.title, group.description]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            texts += [choice.help for choice in action._choices_actions]
        elif not isinstance(action, argparse._HelpAction | argparse._VersionAction):
            texts.append(action.help)
    return [t for t in texts if t]


def _parsers() -> dict[str, argparse.ArgumentParser]:
    """The top-level parser and each command's own, in English."""
    out: dict[str, argparse.ArgumentParser] = {"": build_parser()}
    for command in COMMANDS:
        (sub,) = (
            a for a in build_parser(command)._actions if isinstance(a, argparse._SubParsersAction)
        )
        out[command] = sub.choices[command]
    return out


@pytest.mark.parametrize("command", HELP_COMMANDS)
@pytest.mark.parametrize("lang", LANGS)
def test_help_of_every_command_is_in_the_language_asked(command: str, lang: str) -> None:
    out = _help(command, lang)
    _, rest = _usage_lines(out, "")
    left = {}
    for line in rest:
        # Options, metavars and choices are typed as they are, in every language.
        words = line
        for quoted in sorted(HELP_QUOTED, key=len, reverse=True):
            words = re.sub(rf"(?<![\w-]){re.escape(quoted)}(?![\w-])", " ", words)
        words = re.sub(r"(?<![\w'])--?[\w-]+|\b[A-Z][A-Z_]+\b|\{[^}]*\}|\[[^]]*\]", " ", words)
        page = f"<p>{CODE.sub(' ', words)}</p>"
        shared = SHARED[lang] | SHARED_CLI[lang] | SHARED_HELP[lang]
        found = sorted(english_left(page, _english(help_texts=True), shared, [])[0])
        if found:
            left[line] = found
    assert left == {}


def test_every_help_text_is_a_catalogue_entry_and_the_english_help_is_as_written() -> None:
    english = {i18n.messages("en")[k][0]: k for k in i18n.msgids() if k.startswith(HELP)}
    used = {text for parser in _parsers().values() for text in _help_texts(parser)}
    # Each text is the English of an entry (the English help shows it as written), and each
    # entry is used.
    assert (sorted(used - set(english)), sorted(set(english) - used)) == ([], [])
    assert [help_text(t, "en") for t in sorted(used)] == sorted(used)
    for command in HELP_COMMANDS:
        assert _help(command, "en") == _help(command, None)


@pytest.mark.parametrize("lang", LANGS)
def test_a_help_translation_keeps_argparses_placeholders(lang: str) -> None:
    spec = re.compile(r"%\([a-z_]+\)[sd]|%%")
    found = {
        k: (
            sorted(spec.findall(i18n.messages("en")[k][0])),
            sorted(spec.findall(i18n.messages(lang)[k][0])),
        )
        for k in i18n.msgids()
        if k.startswith(HELP)
    }
    assert {k: v for k, v in found.items() if v[0] != v[1]} == {}
    assert all("%" not in spec.sub("", i18n.messages(lang)[k][0]) for k in found)


def _note_workspaces(root: Path) -> dict[str, tuple[Path, list[str], list[str]]]:
    """Workspaces whose sensitivity analysis notes every kind of run: (folder, options, the
    labels of the nodes the notes name)."""
    from test_annual_index import write_workspace as annual_index
    from test_quantitative_nodes import write_workspace as quantitative

    for folder in ("lowest", "formulas"):
        (root / folder).mkdir()
    lowest = annual_index(root / "lowest")
    highest = root / "highest"
    shutil.copytree(lowest, highest)
    rubric = highest / "rubric.yaml"
    rubric.write_text(
        rubric.read_text("utf-8").replace("headline: status", "headline: pr"), "utf-8"
    )
    formulas = quantitative(root / "formulas")
    return {
        # sampling not varied: no replicates to draw from
        "the examples without replicates": (EXAMPLES, ["--bootstrap", "0"], []),
        # a headline ranked lowest first, sums and groups on scales of their own
        "an index ranked by its status": (lowest, [], _labels(lowest, "status")),
        # the same ranked highest first
        "an index ranked by its rights": (highest, [], _labels(highest, "pr")),
        # formulas reading other nodes
        "formulas reading nodes": (formulas, [], _labels(formulas)),
    }


def _labels(ws: Path, *nodes: str) -> list[str]:
    """The rubric's labels of ``nodes`` (every node when none is named), in each language they
    are written in: a note names a node so, and a label the rubric gives in English alone is
    the rubric's text, not a word of ovm's."""
    rubric = load_rubric(ws / "rubric.yaml")
    ids = nodes or tuple(rubric.nodes)
    return [text for n in ids for text in rubric.node(n).labels.values()]


def _report_notes(html: str) -> list[str]:
    """The items of the comparison report's list of how the sensitivity analysis was run."""
    from html import unescape

    after = html.partition('id="sensitivity-method"')[2]
    (items,) = re.findall(r"<ul[^>]*>(.*?)</ul>", after, re.DOTALL)[:1]
    return [unescape(x) for x in re.findall(r"<li>(.*?)</li>", items, re.DOTALL)]


def _said(template: str, text: str) -> bool:
    """Whether ``text`` holds a catalogue text, its placeholders filled with anything."""
    pieces = [re.escape(literal) for literal, *_ in string.Formatter().parse(template)]
    return re.search(".+?".join(pieces), text) is not None


@pytest.mark.parametrize("lang", LANGS)
def test_every_note_of_a_sensitivity_analysis_is_said_in_the_language_asked(
    lang: str, tmp_path: Path
) -> None:
    label = i18n.gettext("sens_text_note", lang, note="")
    said: dict[str, list[str]] = {}
    left = {}
    for name, (ws, options, quoted) in _note_workspaces(tmp_path).items():
        argv = ["sensitivity", str(ws), "--runs", "4", "-q", *options]
        out = tmp_path / "out"
        assert _run([*argv, "--format", "json", "-o", str(out)])[0] == 0
        english = json.loads(out.read_text("utf-8"))["notes"]
        assert _run([*argv, "--format", "text", "-o", str(out)])[0] == 0
        english_text = out.read_text("utf-8").splitlines()
        assert _run([*argv, "--format", "text", "-o", str(out), "--lang", lang])[0] == 0
        text = [x for x in out.read_text("utf-8").splitlines() if x.startswith(label)]
        report = ["report", str(ws), "--sensitivity-runs", "4", "-q", *options, "-o", str(out)]
        assert _run([*report, "--format", "html", "--lang", lang])[0] == 0
        html = _report_notes(out.read_text("utf-8"))
        assert _run([*report, "--format", "html"])[0] == 0
        # The English text says the notes of the JSON; every language says as many, in the
        # text summary (after the advice to run more) and in the report.
        assert [x[len("note: ") :] for x in english_text if x.startswith("note: ")][
            -len(english) :
        ] == english
        assert (name, len(text), len(html)) == (
            name,
            sum(x.startswith("note: ") for x in english_text),
            len(english),
        )
        assert len(_report_notes(out.read_text("utf-8"))) == len(english)
        said[name] = [*text, *html]
        # the nodes named by their labels, as whole words
        pattern = "|".join(map(re.escape, sorted(quoted, key=len, reverse=True))) or "$^"
        words = re.sub(rf"\b({pattern})\b", " ", "\n".join(said[name]))
        found = _english_words(words, lang, SENSITIVITY_FORMULAS)
        if found or any("{" in x for x in said[name]):
            left[name] = found or said[name]
    assert left == {}
    # Each note a run can give (but the one of a library call without observations) is met.
    notes = {k for k in i18n.msgids() if k.startswith("sens_note_")}
    everything = "\n".join(x for lines in said.values() for x in lines)
    met = {k for k in notes if _said(i18n.messages(lang)[k][0], everything)}
    assert sorted(notes - met) == ["sens_note_sampling_not_varied_no_observations"]


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_a_sensitivity_analysis_given_no_observations_says_so_in_the_language_asked(
    lang: str,
) -> None:
    from ovm.comparison.sensitivity import sensitivity, worded_notes
    from ovm.settings import SensitivitySettings

    run = ovm.analyse(EXAMPLES, ovm.Settings(bootstrap=0))
    result = sensitivity(run.scores, run.rubric, SensitivitySettings(runs=4))
    sampling = i18n.gettext("sens_note_sampling_not_varied_no_observations", lang)
    assert worded_notes(result, lang)[2] == sampling
    assert result.notes[2] == i18n.gettext("sens_note_sampling_not_varied_no_observations", "en")
    if lang != "en":
        assert _english_words(sampling, lang, []) == []


HIGH_PUNCTUATION = re.compile(r"(?<!\u202f)[:;!?](?=\s|$)")
"""A colon, semicolon, exclamation or question mark ending a word without its narrow no-break
space before it (not inside bundled:NAME or https://)."""


@pytest.mark.parametrize("command", HELP_COMMANDS)
@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_the_helps_section_titles_end_with_a_colon_spaced_as_the_language_spaces_it(
    command: str, lang: str
) -> None:
    def titles(text: str) -> list[str]:
        # argparse's sections: a title at the margin, its colon ending the line
        return [x for x in text.splitlines() if x.endswith(":") and not x.startswith(" ")]

    said, english = titles(_help(command, lang)), titles(_help(command, None))
    # The same sections as in English: argparse's two and each group of options.
    assert len(said) == len(english) >= 2
    before = {"fr": "\u202f"}.get(lang, "")
    assert [x[: -len(before) - 1] + before + ":" for x in said] == said
    assert all(x[: -len(before) - 1].strip() == x[: -len(before) - 1] for x in said)
    if lang == "fr":
        # No sign of the help's own texts without its space: not the titles, not the rest.
        assert [x for x in _help(command, lang).splitlines() if HIGH_PUNCTUATION.search(x)] == []


INIT_QUOTED = [
    "docs/workspace.md", "docs/field.md", "answers.csv", "ovm pull", "KoboToolbox", "ODK Central",
    "ISO 3166", "alpha-3", "country", "[a-z0-9_.-]",
]  # fmt: skip
"""What the skeleton's comments quote: files, a command, programs, a standard and a field."""


@pytest.mark.parametrize("lang", LANGS)
def test_the_comments_of_the_workspace_init_writes_are_in_the_language_asked(
    lang: str, tmp_path: Path
) -> None:
    import yaml

    english, said = tmp_path / "en" / "ws", tmp_path / lang / "ws"
    assert _run(["init", str(english), "--missions", "col-2026", "a1", "-q"])[0] == 0
    assert _run(["init", str(said), "--missions", "col-2026", "a1", "-q", "--lang", lang])[0] == 0
    sentences = [i18n.messages("en")[k][0] for k in i18n.msgids() if k.startswith("init_yaml_")]
    left, worded = {}, 0
    for path in sorted(english.iterdir()):
        text, english_text = (said / path.name).read_text("utf-8"), path.read_text("utf-8")
        if path.suffix != ".yaml":
            assert (path.name, text) == (path.name, english_text)
            continue
        # The same workspace, its title and names in the language asked too (English and
        # Spanish are always there): only the comments differ, one for one.
        expected = yaml.safe_load(english_text)
        if lang != "es":
            if path.name == "ovm.yaml":
                expected["title"][lang] = expected["title"]["en"]
            else:
                for mission in expected["missions"]:
                    mission["name"][lang] = mission["name"]["en"]
        assert yaml.safe_load(text) == expected
        lines = text.splitlines()
        if lang != "es":
            named = f'#          {lang}: "{i18n.gettext("init_example_name", lang)}"}}'
            assert (named in lines) is (path.name == "missions.yaml")
            lines = [re.sub(rf", {lang}: [^,}}]+", "", x) for x in lines if x != named]
            # the example's Spanish name, then its name in the language asked, ends the map
            lines = [x[:-1] + "}" if x.startswith('#          es: "') else x for x in lines]
        english_lines = english_text.splitlines()
        assert len(lines) == len(english_lines)
        for line, english_line in zip(lines, english_lines, strict=True):
            if not any(s in english_line for s in sentences):
                assert line == english_line
                continue
            worded += 1
            found = _english_words(line.rsplit("# ", 1)[1], lang, INIT_QUOTED)
            if found:
                left[line] = found
    # ovm.yaml says three, missions.yaml six over its example and two a mission
    assert (worded, left) == (13, {})


def _bundled_version() -> str:
    """The version the bundled rubric declares (its changelog moves it)."""
    from importlib import resources

    text = resources.files("ovm.rubrics").joinpath("deco-voting-abroad.yaml").read_text("utf-8")
    found = re.search(r'^version: "([^"]+)"$', text, re.MULTILINE)
    assert found is not None
    return found.group(1)


FOOTER = re.compile(r'@bottom-left \{ content: "([^"]*)"')
"""The line at the foot of every printed page of a report."""


@pytest.mark.parametrize("lang", LANGS)
def test_the_printed_footer_of_a_report_is_in_the_language_asked(lang: str, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    argv = ["report", str(EXAMPLES), "-q", "--bootstrap", "0", "--sensitivity-runs", "0"]
    argv += ["--date", "2026-01-02", "-o", str(out)]
    for kind in ([], ["--mission", "mex-2024"]):
        assert _run([*argv, *kind])[0] == 0
        (english,) = FOOTER.findall(out.read_text("utf-8"))
        assert _run([*argv, *kind, "--lang", lang])[0] == 0
        (said,) = FOOTER.findall(out.read_text("utf-8"))
        rubric, digest, date = english.split(" / ")
        assert (rubric, date) == (f"deco-voting-abroad {_bundled_version()}", "2026-01-02")
        assert re.fullmatch(r"data sha256 [0-9a-f]{12}", digest)
        # The same rubric, digest and date; the word for the data in the language.
        assert said == " / ".join(
            [rubric, i18n.gettext("print_footer_data", lang, digest=digest[-12:]), date]
        )
        assert _english_words(said, lang, [rubric, digest[-12:], date]) == []
