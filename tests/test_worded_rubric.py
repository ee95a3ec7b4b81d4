"""Rubric problems in every language ovm speaks.

The rubrics of tests/data/worded/ hold every problem a rubric can have: each code of the area
"rubric" of the registry, and each sentence (catalogue variant) of each code, at least once.
``ovm validate --lang`` prints them in Spanish, French and Portuguese with no word of English
left (the detector of ``test_untranslated``), no placeholder left unfilled, and French
punctuation; ``ovm check`` and ``ovm score`` say the problems of a workspace's rubric alike.
What a message quotes from the rubric (ids, field names, values, the formula), the problem's
path, the file names and the rubric keywords written as code (between backticks) are the
rubric's, not the message's words: they are taken out first.

The registry test reads the catalogues themselves: every code of the areas in ``WORDED_AREAS``
has its wording (one entry, or one per sentence) translated in every catalogue.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from test_untranslated import EXAMPLES, LANGS, _english, english_left, loose_punctuation
from test_untranslated_workspace import SETTINGS_SENTENCES, WORKSPACE_SENTENCES

from ovm import i18n
from ovm.cli.app import main
from ovm.codes import CODES
from ovm.comparison.recommend import WHATIF_SENTENCES
from ovm.errors import Issue, format_path
from ovm.rubric.checks import SCHEMA_CODES
from ovm.rubric.model import SCHEMA_ERROR_VARIANTS, SCHEMA_WORDINGS, check_rubric

WORDED = Path(__file__).parent / "data" / "worded"
FILES = sorted(WORDED.glob("*.yaml"))
LOCALE = Path(i18n.__file__).parent / "locale"

WORDED_AREAS = (
    "rubric",
    "files",
    "workspace",
    "pull",
    "tables",
    "checklists",
    "plausibility",
    "whatif",
)
"""The areas of the registry whose every code is worded in every language (add an area here
once its codes are)."""

UNREACHED = {
    # The fallback of a schema error ovm has no sentence for; no rubric written in YAML
    # meets one today (found by setting every field of the bundled rubric to wrong values).
    *(f"issue_{code}_other" for code in SCHEMA_WORDINGS),
    "issue_invalid-value_key",  # a key that is not text: the text's own check speaks first
}
DATA_SENTENCES = {
    # Sentences of codes the data tables share (test_untranslated_data meets them).
    "issue_invalid-choice",
    "issue_invalid-choice_meant",
    "issue_out-of-range_values",
    "issue_out-of-range_between",
    "issue_out-of-range_min",
    "issue_out-of-range_max",
    # A confidence level of missions.yaml or ovm.yaml, which a rubric has none of
    # (test_words_as_meant meets it).
    "issue_invalid-choice_choice_level",
    # A table's confidence cell that is no level (test_words_as_meant meets it).
    "issue_invalid-choice_level",
    # A mission id that is none (test_check_missions_at_once meets it).
    "issue_invalid-format_mission_id",
    "issue_invalid-format_mission_id_meant",
    # A missions file's value for no variable (test_untranslated_workspace meets it).
    "issue_unknown-variable_missions",
    # The sentences of ovm.yaml's and missions.yaml's own schemas (met there too).
    *WORKSPACE_SENTENCES,
    # The checks of an analysis' settings (met by the command line and the library).
    *SETTINGS_SENTENCES,
    # A change ovm whatif cannot apply (test_untranslated_cli meets them).
    *WHATIF_SENTENCES,
}


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _codes(area: str) -> list[str]:
    return [code for code, c in CODES.items() if c.area == area]


def _wordings(code: str) -> list[str]:
    """The catalogue entries that word ``code``: ``issue_<code>`` and its sentences."""
    return [k for k in i18n.msgids() if k == f"issue_{code}" or k.startswith(f"issue_{code}_")]


@cache
def _translated(lang: str) -> frozenset[str]:
    """The entries the catalogue of ``lang`` translates (not empty, not fuzzy)."""
    from babel.messages.pofile import read_po

    po = read_po(BytesIO((LOCALE / f"{lang}.po").read_bytes()), locale=lang)
    done = set()
    for m in po:
        strings = m.string if isinstance(m.string, tuple | list) else (m.string,)
        if m.context and not m.fuzzy and all(strings):
            done.add(m.context)
    return frozenset(done)


def _key(issue: Issue) -> str:
    variant = issue.params.get("variant")
    return f"issue_{issue.code}" + (f"_{variant}" if variant else "")


@cache
def _issues() -> tuple[Issue, ...]:
    found: list[Issue] = []
    for path in FILES:
        _, issues = check_rubric(path)
        found += issues
    return tuple(found)


def _quoted(lang: str) -> list[str]:
    """What the messages quote from the rubric, as ``lang`` writes it, with the problems'
    paths and files: the rubric's words, longest first."""
    found = {str(WORDED)}
    for issue in _issues():
        found.add(format_path(issue.path))
        for name, value in issue.params.items():
            if name != "variant":
                found.add(i18n.param_text(value, lang))
    return sorted((s for s in found if s), key=len, reverse=True)


def _unquoted(line: str, lang: str) -> str:
    """``line`` without what it quotes from the rubric (whole words only)."""
    for data in _quoted(lang):
        line = re.sub(rf"(?<!\w){re.escape(data)}(?!\w)", " ", line)
    return line


CODE = re.compile(r"\[[a-z0-9-]+\]$|`[^`]*`|\S+\.yaml(?::\d+)*:?")
"""The code in brackets, keywords written as code, and file:line:col are not words."""


def english_lines(text: str, lang: str) -> dict[str, int]:
    """The English words of the lines a command printed."""
    lines = []
    for line in text.splitlines():
        lines.append(_unquoted(CODE.sub(" ", line), lang))
    page = "".join(f"<p>{line}</p>" for line in lines)
    return dict(english_left(page, _english(), _shared(lang), [])[0])


def _shared(lang: str) -> set[str]:
    from test_untranslated import SHARED

    return SHARED[lang]


def test_the_worded_rubrics_hold_every_code_and_every_sentence_of_the_rubric_area() -> None:
    codes = {i.code for i in _issues()}
    assert set(_codes("rubric")) - codes == set()
    said = {_key(i) for i in _issues()}
    wordings = {k for code in _codes("rubric") for k in _wordings(code)}
    # A sentence the files never meet is untested: each is met, or named above with why.
    assert wordings - said - UNREACHED - DATA_SENTENCES == set()
    # And every problem the files meet has its sentence in the catalogue.
    assert {k for k in said if not i18n.has(k)} == set()


@pytest.mark.parametrize("area", WORDED_AREAS)
@pytest.mark.parametrize("lang", LANGS)
def test_every_code_of_a_worded_area_is_translated_in_each_catalogue(area: str, lang: str) -> None:
    untranslated = {
        code: [k for k in _wordings(code) if k not in _translated(lang)] or "no entry"
        for code in _codes(area)
        if not _wordings(code) or not set(_wordings(code)) <= _translated(lang)
    }
    assert untranslated == {}


def test_every_schema_error_has_a_sentence_for_each_code_it_may_take() -> None:
    wanted = {f"issue_{code}_{v}" for code, vs in SCHEMA_WORDINGS.items() for v in {*vs, "other"}}
    assert {k for k in wanted if not i18n.has(k)} == set()


@pytest.mark.parametrize("lang", LANGS)
def test_each_rubric_problem_is_worded_from_its_parts(lang: str) -> None:
    # The catalogue's sentence, filled from the problem's params: no English message kept.
    english = sorted(f"{_key(i)}: {i.message}" for i in _issues() if i.text(lang) == i.message)
    assert english == []
    unfilled = sorted(
        f"{_key(i)}: {i.text(lang)}"
        for i in _issues()
        if re.search(r"\{[a-z_]+\}", i.text(lang).replace(str(i.params.get("name")), ""))
    )
    assert unfilled == []


def _expected(lang: str) -> str:
    """What ``ovm validate`` prints on standard error for the worded rubrics, in ``lang``."""
    lines = []
    for path in FILES:
        _, issues = check_rubric(path)
        lines += [i.render(lang) for i in issues]
        n = sum(i.severity == "error" for i in issues)
        errors = i18n.gettext("cli_n_errors", lang, n=n)
        lines.append(i18n.gettext("cli_validate_errors", lang, name=path, errors=errors))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_validate_prints_every_problem_in_the_language_asked(lang: str) -> None:
    code, out, err = _run(["validate", *map(str, FILES), "--lang", lang])
    assert (code, out, err) == (1, "", _expected(lang))
    printed = {m[1] for m in re.finditer(r"\[([a-z-]+)\]$", err, re.MULTILINE)}
    assert set(_codes("rubric")) - printed == set()
    if lang == "en":
        # English as before: each problem's message as recorded.
        assert all(f" {i.message} [{i.code}]" in err for i in _issues())
        return
    assert english_lines(err, lang) == {}
    if lang == "fr":
        page = "".join(f"<p>{_unquoted(CODE.sub(' ', x), lang)}</p>" for x in err.splitlines())
        assert dict(loose_punctuation(page, [])) == {}


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "{name}: valid (fixture 1, 1 family, 2 indicators, 1 warning)"),
        ("es", "{name}: válida (fixture 1, 1 familia, 2 indicadores, 1 advertencia)"),
        ("fr", "{name}\u202f: valide (fixture 1, 1 famille, 2 indicateurs, 1 avertissement)"),
        ("pt", "{name}: válida (fixture 1, 1 família, 2 indicadores, 1 aviso)"),
    ],
)
def test_validate_says_a_rubric_is_valid_in_the_language_asked(lang: str, line: str) -> None:
    name = str(Path(__file__).parent / "data" / "rubrics" / "unused-variable.yaml")
    code, out, err = _run(["validate", name, "--lang", lang])
    assert (code, out) == (0, line.format(name=name) + "\n")
    (issue,) = check_rubric(Path(name))[1]
    assert err == issue.render(lang) + "\n"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace scored by the rubric of every check's problems."""
    root = tmp_path_factory.mktemp("ws") / "bad-rubric"
    shutil.copytree(EXAMPLES, root)
    shutil.copy(WORDED / "checks.yaml", root / "rubric.yaml")
    settings = root / "ovm.yaml"
    text = settings.read_text("utf-8")
    settings.write_text(text.replace("rubric: bundled:deco-voting-abroad", "rubric: rubric.yaml"))
    return root


@pytest.mark.parametrize("lang", LANGS)
def test_check_and_score_say_a_workspace_rubrics_problems_in_the_language_asked(
    workspace: Path, lang: str
) -> None:
    _, issues = check_rubric(workspace / "rubric.yaml")
    for argv in (["check", str(workspace)], ["score", str(workspace), "--bootstrap", "0"]):
        code, _, err = _run([*argv, "--lang", lang])
        assert code == 1
        lines = err.splitlines()
        for issue in issues:
            if issue.severity == "error":
                assert issue.render(lang) in lines
        assert english_lines(err.replace(str(workspace), " "), lang) == {}


def test_a_mapping_where_a_name_belongs_is_quoted_as_text_in_strict_json(tmp_path: Path) -> None:
    valid = (Path(__file__).parent / "data" / "rubrics" / "valid.yaml").read_text("utf-8")
    path = tmp_path / "rubric.yaml"
    path.write_text(valid.replace("kind: levels", "kind: {a: .inf}"), "utf-8")
    code, out, err = _run(["validate", str(path), "--format", "json"])
    assert (code, err) == (1, "")
    (issue,) = [i for i in json.loads(out)[0]["issues"] if i["code"] == "unknown-kind"]
    assert issue["params"]["kind"] == "{a: .inf}"
    assert issue["message"].startswith("unknown kind {a: .inf}; expected one of levels")


LIBRARY_WORDED = {v for v in SCHEMA_ERROR_VARIANTS.values() if v not in ("gt", "pattern")} | {
    "other"
}
"""Sentences of schema errors whose English message is the schema library's own text (ovm
says the others itself: ``must be > 0``, ``does not match ...``)."""
NUMBER = re.compile(r"-?\d[\d,.]*(?:e[+-]?\d+)?")


def _numbers_as_values(text: str) -> str:
    """``text`` with each number written as its value (1e+10 and 10,000,000,000 alike)."""
    return NUMBER.sub(lambda m: repr(float(m[0].replace(",", "").rstrip("."))), text)


def test_the_english_message_is_the_catalogues_english_sentence() -> None:
    """One wording: what a rubric problem says in English is its catalogue entry's English
    filled with its params (numbers aside: the message writes 1e+10, the catalogue groups the
    digits), so each part sits where the sentence puts it in every language."""
    said = [
        (_key(i), i.message, i18n.coded("issue", i.code, i.params, "en"))
        for i in _issues()
        if not (i.code in SCHEMA_CODES and i.params.get("variant") in LIBRARY_WORDED)
    ]
    assert len(said) > 100
    differ = [
        (key, message, english)
        for key, message, english in said
        if english is None or _numbers_as_values(message) != _numbers_as_values(english)
    ]
    assert differ == []
