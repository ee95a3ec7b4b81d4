"""No English in what ovm says about a workspace it cannot set up, in each language.

Every case of the bad-input corpus whose code is a problem of reading files (YAML included),
of setting up the workspace (ovm.yaml, missions.yaml) or of reading a table at all is run
through ``ovm check --lang`` in each non-English language, with a few damaged files the corpus
reaches only through ``ovm validate``: each code is printed, no word of the English vocabulary
is left (the detector of ``test_untranslated``) once the data the messages quote are taken out
(their parameters, the workspace's folder, the document paths), and no placeholder is left
unfilled. (``test_worded_rubric`` holds every code of those areas to an entry in each
catalogue.)
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from test_untranslated import LANGS, SHARED, _english, english_left, loose_punctuation
from test_untranslated_data import CODE

from ovm import i18n
from ovm.cli.app import main
from ovm.cli.workspace import check_workspace
from ovm.codes import CODES
from ovm.errors import Issue, format_path
from tests.bad_inputs.cases import CASES, Case, Make, Sparse, sub
from tests.bad_inputs.runner import prepare

AREAS = ("files", "workspace", "pull")
CODES_HERE = sorted({c for c, v in CODES.items() if v.area in AREAS} | {"unreadable-table"})
"""The codes of reading files, setting up a workspace and pulling, and a table unreadable."""

PROPER = {"libreoffice", "unicode", "parquet", "toml", "mib", "x"}
"""Names of products, formats and units the messages name in every language (``0x`` too)."""
FIELDS = {"rubric", "missions", "country", "name", "sheet"}
"""Fields of ovm.yaml and missions.yaml a message names: the keys the user writes."""
KEYWORDS = {"plain", "kobo", "odk", "yes", "no", "high", "medium", "low"}
"""The values a field of ovm.yaml or missions.yaml takes, written as the user writes them."""
SHARED_HERE = {
    # words of these messages that the language shares with English
    "es": {"byte", "bytes", "control", "alias"},
    "fr": {"table", "tables"},
    "pt": {"byte", "bytes", "alias"},
}

EXTRA = [
    # Damage the corpus reaches only through ovm validate, or not at all.
    Case("config-key-a-list", {"missions.yaml": sub("missions:", "? [a, b]\n: 1\nmissions:")},
         1, "invalid-key", "missions.yaml", 1),
    Case("config-is-a-folder", {"ovm.yaml": lambda _raw: Make.FOLDER}, 1, "file-unreadable",
         "ovm.yaml", None),
    Case("config-over-the-size-limit", {"ovm.yaml": lambda _raw: Sparse(6 * 1024**2)}, 1,
         "file-too-large", "ovm.yaml", 1),
    Case("missions-tab", {"missions.yaml": sub("missions:", "\tmissions:")}, 1, "yaml-syntax",
         "missions.yaml", 1),
    Case("missions-date-tag", {"missions.yaml": sub("name: B 2021", "name: !!int x")}, 1,
         "yaml-syntax", "missions.yaml", 11),
    # The schemas of ovm.yaml and missions.yaml: every kind of refusal each file can meet.
    Case("config-settings-typo", {"ovm.yaml": sub("seed: 7", "sead: 7")}, 1, "unknown-field",
         "ovm.yaml", 8),
    Case("config-settings-unknown", {"ovm.yaml": sub("seed: 7", "seed: 7, bogus: 1")}, 1,
         "unknown-field", "ovm.yaml", 8),
    Case("config-top-unknown", {"ovm.yaml": sub("settings:", "extra: 1\nsettings:")}, 1,
         "unknown-field", "ovm.yaml", 8),
    Case("config-confidence-2", {"ovm.yaml": sub("seed: 7", "seed: 7, confidence: 2")}, 1,
         "invalid-value", "ovm.yaml", 8),
    Case("config-seed-negative", {"ovm.yaml": sub("seed: 7", "seed: -1")}, 1,
         "invalid-value", "ovm.yaml", 8),
    Case("config-bootstrap-huge", {"ovm.yaml": sub("bootstrap: 50", "bootstrap: 1000001")}, 1,
         "invalid-value", "ovm.yaml", 8),
    Case("config-title-a-number", {"ovm.yaml": sub("title: {en: Mini workspace, es: Espacio "
         "m\u00ednimo}", "title: [1]")}, 1, "invalid-value", "ovm.yaml", 1),
    Case("config-pull-no-asset", {"ovm.yaml": sub("simulated: true", "simulated: true\n    pull:"
         " {server: kobo, url: 'https://kf.example.org'}")}, 1, "invalid-value", "ovm.yaml", 8),
    Case("missions-top-unknown", {"missions.yaml": sub("missions:", "extra: 1\nmissions:")}, 1,
         "unknown-field", "missions.yaml", 1),
    Case("mission-unknown-field", {"missions.yaml": sub("country: BRA", "country: BRA\n    "
         "colour: red")}, 1, "unknown-field", "missions.yaml", 11),
    Case("mission-no-name", {"missions.yaml": sub("    name: B 2021\n", "")}, 1,
         "missing-field", "missions.yaml", 9),
    Case("mission-round-a-word", {"missions.yaml": sub("round: 2", "round: two")}, 1,
         "invalid-value", "missions.yaml", 12),
    Case("mission-date-short", {"missions.yaml": sub("date: 2021-03-01", "date: 03-2021")}, 1,
         "invalid-value", "missions.yaml", 12),
    Case("mission-confidence-sure", {"missions.yaml": sub("confidence: high",
         "confidence: sure")}, 1, "invalid-choice", "missions.yaml", 6),
    Case("mission-id-pattern", {"missions.yaml": sub("id: bbb-2021", "id: B B")}, 1,
         "invalid-format", "missions.yaml", 9),
]  # fmt: skip

WORKSPACE_SENTENCES = {
    "issue_unknown-field_known",
    "issue_invalid-value_date",
    "issue_invalid-value_period",
    "issue_missing-field_missions_file",
    *(f"issue_invalid-value_hint_{h}" for h in ("layout", "simulated", "confidence", "seed")),
    "issue_invalid-value_hint_bootstrap",
}
"""The sentences only ovm.yaml and missions.yaml say."""

WORKSPACE_FILES = ("ovm.yaml", "missions.yaml")
"""The workspace's own files: every code either can emit is run, whatever its area."""


def _cases() -> list[Case]:
    # A rubric's code a missions file meets too (a value for no variable of the rubric).
    here = [c for c in CASES if c.code == "unknown-variable" and c.file == "missions.yaml"]
    files = [
        c
        for c in CASES
        if c.file in WORKSPACE_FILES
        and c.command[0] == "check"
        and c.status == 1
        and c.code not in CODES_HERE
    ]
    return (
        [c for c in CASES if c.code in CODES_HERE and c.command[0] == "check"]
        + here
        + files
        + EXTRA
    )


def _longest_first(found: set[str]) -> list[str]:
    return sorted((s for s in found if s), key=len, reverse=True)


def _quoted(issues: list[Issue], lang: str) -> list[str]:
    """What the messages quote: their parameters, as ``lang`` writes them; longest first."""
    return _longest_first(
        {i18n.param_text(v, lang) for i in issues for k, v in i.params.items() if k != "variant"}
    )


def _words(line: str, ws: Path, issues: list[Issue], quoted: list[str]) -> str:
    """A printed line less its data: the workspace's folder and the document paths, then the
    codes, options and places (ids, not words), then what the message quotes."""
    line = line.replace(str(ws), " ")
    for path in _longest_first({format_path(i.path) for i in issues}):
        # a path stands alone before its colon ("id:" names a field, not "invalid-tag")
        line = re.sub(rf"(?<!\S){re.escape(path)}(?=[\s\u202f:])", " ", line)
    return _strip(CODE.sub(" ", line), quoted)


def _check(ws: Path, lang: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["check", str(ws), "--lang", lang])
    return status, err.getvalue()


def _strip(text: str, quoted: list[str]) -> str:
    for data in quoted:
        text = text.replace(data, " ")
    return text


@pytest.mark.parametrize("lang", LANGS)
def test_every_set_up_problem_is_said_in_the_language_asked(lang: str, tmp_path: Path) -> None:
    printed: set[str] = set()
    said: set[str] = set()
    english: dict[str, list[str]] = {}
    unfilled: dict[str, str] = {}
    loose: dict[str, list[str]] = {}
    for n, case in enumerate(_cases()):
        ws = prepare(case, tmp_path / str(n))
        status, err = _check(ws, lang)
        issues, _ = check_workspace(ws, lang=lang)
        assert (case.name, status) == (case.name, case.status)
        assert f"[{case.code}]" in err, (case.name, err)
        printed.add(str(case.code))
        said |= {f"issue_{i.code}_{i.params['variant']}" for i in issues if i.params.get("variant")}
        quoted = _quoted(issues, lang)
        lines = "".join(f"<p>{_words(x, ws, issues, quoted)}</p>" for x in err.splitlines())
        shared = SHARED[lang] | SHARED_HERE[lang] | PROPER | FIELDS | KEYWORDS
        found = english_left(lines, _english(), shared, [])[0]
        if found:
            english[case.name] = sorted(found)
        if "{" in _strip(err, [str(ws), *quoted]):
            unfilled[case.name] = err
        if lang == "fr":
            left = loose_punctuation(
                "".join(f"<p>{x}</p>" for x in err.splitlines()),
                [str(ws), *(q for q in quoted if len(q) >= 4)],
            )
            if left:
                loose[case.name] = sorted(left)
    # Every code a workspace can meet is reached (the pull's are in test_pull).
    assert "unknown-variable" in printed
    assert sorted(set(CODES_HERE) - printed) == sorted(
        c for c in CODES_HERE if CODES[c].area == "pull"
    )
    assert WORKSPACE_SENTENCES - said == set()
    assert (english, unfilled, loose) == ({}, {}, {})


def test_a_yaml_syntax_error_is_worded_from_its_kind_and_place() -> None:
    from ovm.yamldoc import parse_yaml

    _, (issue,) = parse_yaml("a: [1, 2\nb: 3\n", "f.yaml")
    assert (issue.message, dict(issue.params)) == (
        "expected ',' or ']', but got ':' (in the flow sequence that opened at line 1, "
        "column 4): close it with ']'",
        {"variant": "flow_sequence", "line": 1, "column": 4},
    )
    assert issue.text("es") == (
        "la lista entre corchetes abierta en la línea 1, columna 4, no se cierra donde debe: "
        "ciérrela con «]»"
    )
