"""A YAML document the parser refuses is said in ovm's words in English too, as in Spanish,
French and Portuguese: the kind of problem (or the construct left open and where it opened) at
the place the parser stopped, never the parser's own English ("mapping values are not allowed
here"). Only a problem ovm does not tell apart keeps the parser's words."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ovm import i18n
from ovm.cli.app import main

MINI = Path(__file__).resolve().parent / "data" / "mini"

# (variant, the document, line, column, what English says there)
CASES = [
    (
        "colon",
        "missions: a: b\n",
        1,
        12,
        "a ':' where the value was expected: put each key on a line of its own, or quote a "
        "text that holds ': '",
    ),
    (
        "alias",
        "missions: *x\n",
        1,
        11,
        "the alias '*x' names no anchor above it: write the anchor '&x' first, or write the value",
    ),
    (
        "escape",
        'missions: "\\q"\n',
        1,
        13,
        "a backslash before 'q' in double quotes is no escape YAML knows: double the backslash, "
        "or use single quotes",
    ),
    (
        "hex_escape",
        'missions: "\\x4"\n',
        1,
        14,
        "'x' after a backslash in double quotes needs 2 hexadecimal digits after it: write "
        "them, double the backslash, or use single quotes",
    ),
    ("tab", "\tmissions: []\n", 1, 1, "a tab where YAML needs spaces: indent with spaces"),
    (
        "character",
        "missions: @x\n",
        1,
        11,
        "the character '@' cannot start a value: put the value in quotes",
    ),
    (
        "no_colon",
        "a: b\nmissions\nc: d\n",
        3,
        1,
        "a key without its ':': add the ':' after the key, or put the text in quotes",
    ),
    (
        "content",
        "{missions: [],: c}\n",
        1,
        15,
        "a value is missing here: write the value, or put the text in quotes",
    ),
    (
        "anchor",
        "a: &x 1\nmissions: &x []\n",
        2,
        11,
        "an anchor name is used twice: give each anchor its own name",
    ),
    (
        "name",
        "missions: &x! []\n",
        1,
        13,
        "an anchor or alias name holds a character other than letters, digits, '-' and '_': "
        "rename it",
    ),
    (
        "flow_sequence",
        "missions: [a, b\n",
        2,
        1,
        "a list in brackets opened at line 1, column 11 is not closed where expected: close it "
        "with ']'",
    ),
    (
        "flow_mapping",
        "missions: {a: b\n",
        2,
        1,
        "a mapping in braces opened at line 1, column 11 is not closed where expected: close it "
        "with '}'",
    ),
    (
        "block_mapping",
        "missions:\n  - a\n b: c\n",
        3,
        2,
        "a key is not aligned with the other keys of the mapping opened at line 1, column 1: "
        "align it with them",
    ),
    (
        "block_collection",
        "- - a\n -b: c\n",
        2,
        2,
        "an item is not aligned with the other items of the list opened at line 1, column 1: "
        "align it with them",
    ),
    (
        "quoted_scalar",
        "missions: 'a\n",
        2,
        1,
        "the quoted text opened at line 1, column 11 is not closed: close the quote",
    ),
    (
        "value",
        "missions: !!int abc\n",
        1,
        11,
        "'abc' cannot be read as the type its tag names: correct it, or remove the tag",
    ),
]

# The parser's words for the cases above, none of which may reach a user.
PARSERS_WORDS = (
    "mapping values are not allowed",
    "found undefined alias",
    "unknown escape character",
    "cannot start any token",
    "could not find expected",
    "expected the node content",
    "found duplicate anchor",
    "expected alphabetic or numeric",
    "expected ',' or",
    "expected escape sequence",
    "while parsing",
    "while scanning",
    "invalid value",
    "invalid literal",
)


def _workspace(tmp_path: Path, missions: str) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    (root / "missions.yaml").write_text(missions, encoding="utf-8")
    return root


def _check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("variant", "text", "line", "column", "english"), CASES, ids=[c[0] for c in CASES]
)
def test_english_says_a_yaml_problem_in_ovms_words(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    variant: str,
    text: str,
    line: int,
    column: int,
    english: str,
) -> None:
    root = _workspace(tmp_path, text)
    code, out, _ = _check(capsys, str(root), "--format", "json")
    (issue,) = json.loads(out)["issues"]
    assert code == 1
    assert {k: issue[k] for k in ("file", "line", "column", "code", "message")} == {
        "file": str(root / "missions.yaml"),
        "line": line,
        "column": column,
        "code": "yaml-syntax",
        "message": english,
    }
    assert issue["params"]["variant"] == variant
    for lang in ("en", "es", "fr", "pt"):
        code, _, err = _check(capsys, str(root), "--lang", lang)
        said = err.splitlines()[0]
        assert code == 1
        assert said == (
            f"{root / 'missions.yaml'}:{line}:{column} "
            f"{i18n.coded('issue', 'yaml-syntax', issue['params'], lang)} [yaml-syntax]"
        )
        assert [w for w in PARSERS_WORDS if w in said] == []


def test_the_stray_colon_in_every_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _workspace(tmp_path, "missions: a: b\n")
    lines = {}
    for lang in ("en", "es", "fr", "pt"):
        code, _, err = _check(capsys, str(root), "--lang", lang)
        assert code == 1
        lines[lang] = err.splitlines()[0]
    where = f"{root / 'missions.yaml'}:1:12"
    assert lines == {
        "en": f"{where} a ':' where the value was expected: put each key on a line of its own, "
        "or quote a text that holds ': ' [yaml-syntax]",
        "es": f"{where} un «:» donde se esperaba el valor: ponga cada clave en su propia línea o "
        "ponga entre comillas un texto que contenga «: » [yaml-syntax]",
        "fr": f"{where} un «\u202f:\u202f» là où la valeur était attendue\u202f: mettez chaque "
        "clé sur sa propre ligne, ou mettez entre guillemets un texte qui contient "
        "«\u202f:\u202f» [yaml-syntax]",
        "pt": f"{where} um “:” onde se esperava o valor: ponha cada chave em sua própria linha ou "
        "ponha entre aspas um texto que contenha “: ” [yaml-syntax]",
    }


def test_a_problem_ovm_does_not_tell_apart_keeps_the_parsers_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # English quotes the parser (the only words there are for it); the others say the YAML
    # cannot be read there.
    root = _workspace(tmp_path, "missions: - a\n")
    code, out, _ = _check(capsys, str(root), "--format", "json")
    (issue,) = json.loads(out)["issues"]
    assert code == 1
    assert (issue["line"], issue["column"], issue["message"], issue["params"]) == (
        1,
        11,
        "sequence entries are not allowed here",
        {"variant": "other"},
    )


def test_a_rubric_and_ovm_yaml_are_said_the_same_way(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    with (root / "ovm.yaml").open("a", encoding="utf-8") as f:
        f.write("notes: a: b\n")
    colon = (
        "a ':' where the value was expected: put each key on a line of its own, or quote a text "
        "that holds ': ' [yaml-syntax]"
    )
    code, _, err = _check(capsys, str(root))
    lines = len((root / "ovm.yaml").read_text(encoding="utf-8").splitlines())
    assert (code, err.splitlines()[0]) == (1, f"{root / 'ovm.yaml'}:{lines}:9 {colon}")
    rubric = root / "rubric.yaml"
    rubric.write_text("ovm_rubric: 1\nid: a: b\n", encoding="utf-8")
    code = main(["validate", str(rubric)])
    _, err = capsys.readouterr()
    assert (code, err.splitlines()[0]) == (1, f"{rubric}:2:6 {colon}")
