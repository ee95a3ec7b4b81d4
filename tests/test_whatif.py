"""ovm whatif: the run again with changed inputs, each change read as a data table reads it."""

from __future__ import annotations

import functools
import json
import shutil
import unicodedata
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ovm
from ovm.cli.app import main
from ovm.cli.recommend import TABLE_WIDTH, whatif_table
from ovm.i18n import gettext
from ovm.scoring.results import NodeStatus

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MINI = Path(__file__).resolve().parent / "data" / "mini"


@pytest.fixture(scope="module")
def run() -> ovm.Run:
    return ovm.analyse(EXAMPLES, ovm.Settings(bootstrap=0))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "votes_abroad=abc: 'abc' is not a number (votes_abroad)"),
        ("nan", "votes_abroad=nan: 'nan' is not a finite number"),
        ("1e400", "votes_abroad=1e400: '1e400' is not a finite number"),
        ("-5", "votes_abroad=-5: votes_abroad is a count and cannot be -5"),
        (
            "1e9",
            "votes_abroad = 1,000,000,000 is greater than registered_abroad = 223,961 "
            "(after the changes)",
        ),
    ],
)
def test_a_value_that_cannot_be_set_names_the_variable_the_value_and_the_rule(
    run: ovm.Run, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ovm.WhatIfError) as err:
        ovm.whatif(run, "mex-2024", {"votes_abroad": value})
    assert err.value.problems == (message,)
    assert (
        main(
            [
                "whatif",
                str(EXAMPLES),
                "--mission",
                "mex-2024",
                "--bootstrap",
                "0",
                "-q",
                "--set",
                f"votes_abroad={value}",
            ]
        )
        == 1
    )
    code = err.value.codes[0]
    assert code == {"abc": "invalid-number", "nan": "not-finite", "1e400": "not-finite"}.get(
        value, {"-5": "negative-count"}.get(value, "exceeds-limit")
    )
    assert capsys.readouterr().err.splitlines()[-1] == f"ovm whatif: {message} [{code}]"


def test_every_problem_of_several_changes_is_listed(run: ovm.Run) -> None:
    with pytest.raises(ovm.WhatIfError) as err:
        ovm.whatif(run, "mex-2024", {"votes_abroad": "abc", "registered_abroad": "-1"})
    assert len(err.value.problems) == 2


def test_an_answer_reads_yes_words_as_a_table_does(run: ovm.Run) -> None:
    node = "rights.born_abroad"
    yes = ovm.whatif(run, "mex-2024", {node: "yes"}).after.node(node)
    si = ovm.whatif(run, "mex-2024", {node: "sí"}).after.node(node)
    assert (si.status, si.score) == (yes.status, yes.score)
    missing = ovm.whatif(run, "mex-2024", {node: "missing"}).after.node(node)
    assert missing.status == "missing"
    # This question does not allow "not applicable": refused as in a table.
    with pytest.raises(ovm.WhatIfError, match="does not allow 'not applicable'"):
        ovm.whatif(run, "mex-2024", {node: "na"})


def test_without_changes_the_scorecard_is_the_runs_own(run: ovm.Run) -> None:
    same = ovm.whatif(run, "col-2022", {})
    assert same.after == run.scorecard("col-2022") and same.moved() == ()


def test_a_change_moves_family_seven_through_the_cohort_step(run: ovm.Run) -> None:
    moved = {c.node for c in ovm.whatif(run, "mex-2024", {"votes_abroad": "1234"}).moved()}
    assert "participation.turnout_abroad" in moved
    assert any(node.startswith("comparative.") for node in moved)


def test_a_small_change_is_never_printed_as_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ovm.cli.recommend import format_change

    assert [format_change(d) for d in (0.04, -0.04, 0.05001, -0.2, 0.0, None)] == [
        "+<0.1",
        "-<0.1",
        "+0.1",
        "-0.2",
        "0.0",
        "—",
    ]
    # One more vote abroad moves scores by far less than 0.1: the table says so.
    out = tmp_path / "w.txt"
    argv = ["whatif", str(EXAMPLES), "-q", "--mission", "mex-2024", "-o", str(out)]
    assert main([*argv, "--set", "votes_abroad=184327"]) == 0
    rows = [line.split() for line in out.read_text("utf-8").splitlines()[1:]]
    assert rows and all(r[-1] not in ("+0.0", "-0.0") for r in rows)
    assert any(r[-1] in ("+<0.1", "-<0.1") for r in rows)


SIMULATED = {
    "en": "Includes SIMULATED observer data: these results were not observed.",
    "fr": "Contient des données d'observation SIMULÉES : ces résultats n'ont pas été observés.",
    "pt": "Contém dados de observação SIMULADOS: estes resultados não foram observados.",
}


def test_the_table_speaks_the_language_asked_for(tmp_path: Path) -> None:
    # The same run in English and in French: the same figures, the header, the labels and the
    # numbers in French (decimal comma).
    argv = ["whatif", str(EXAMPLES), "-q", "--bootstrap", "0", "--mission", "mex-2024"]
    argv += ["--set", "votes_abroad=1234"]
    tables = {}
    for lang in ("en", "fr"):
        out = tmp_path / f"{lang}.txt"
        assert main([*argv, "--lang", lang, "-o", str(out)]) == 0
        tables[lang] = out.read_text("utf-8").splitlines()
    # The example's checklists are simulated: the table ends saying so, in the language asked.
    assert " ".join(tables["en"].pop().split()) == SIMULATED["en"]
    assert " ".join(tables["fr"].pop().split()) == SIMULATED["fr"]
    en, fr = tables["en"], tables["fr"]
    assert en[0].split() == ["node", "before", "after", "change"]
    assert fr[0].split() == ["nœud", "avant", "après", "variation"]
    assert (en[1].split()[0], fr[1].split()[0]) == ("Overall", "Global")

    def figures(table: list[str]) -> list[list[str]]:
        # A row's figures end its first line; a wrapped label's further lines hold none.
        return [line.split()[-3:] for line in table[1:] if not line.startswith(" ")]

    assert len(en) > 2 and any("." in cell for row in figures(en) for cell in row)
    assert figures(fr) == [[c.replace(".", ",") for c in row] for row in figures(en)]
    out = tmp_path / "none.txt"
    assert main([*argv[:-2], "--set", "votes_abroad=184326", "--lang", "pt", "-o", str(out)]) == 0
    assert out.read_text("utf-8").splitlines()[1:] == ["nenhuma pontuação muda", SIMULATED["pt"]]
    from ovm.cli.recommend import format_change

    assert [format_change(d, "fr") for d in (0.04, -0.04, -0.2, 0.0, None)] == [
        "+<0,1",
        "-<0,1",
        "-0,2",
        "0,0",
        "—",
    ]


LONG_RIGHTS = {
    "en": "Extension of political rights to citizens living abroad: legal basis, postal vote "
    "and turnout",
    "es": "Extensión de los derechos políticos a la ciudadanía residente en el exterior: base "
    "legal, voto postal y participación",
}


def _mini_with_long_label(tmp_path: Path) -> Path:
    """The mini workspace, its rights family labelled at more length than a table line."""
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    rubric = ws / "rubric.yaml"
    text = rubric.read_text("utf-8")
    short = "    labels: {en: Rights, es: Derechos}\n"
    assert short in text
    long = f"    labels: {json.dumps(LONG_RIGHTS, ensure_ascii=False)}\n"
    rubric.write_text(text.replace(short, long), "utf-8")
    return ws


# Legal basis and turnout lose their data, the postal vote becomes applicable: every status
# a node can have after a change stands in the table, beside the overall.
STATUS_CHANGES = ["--set", "votes_abroad=", "--set", "rights.postal=yes"]
STATUS_CHANGES += ["--set", "rights.basis=missing"]

TABLES = Path(__file__).resolve().parent / "data" / "whatif"
"""The tables of :data:`STATUS_CHANGES` as ``ovm whatif`` writes them, one file a language."""


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_table_names_nodes_by_their_labels_and_statuses_in_words(
    tmp_path: Path, lang: str
) -> None:
    # Labels in the language asked, the overall as the reports call it, a status in the
    # catalogue's words; a label longer than its column wraps under itself, indented, and
    # every line holds in 100 columns with the figures aligned on the right.
    ws = _mini_with_long_label(tmp_path)
    out = tmp_path / "table.txt"
    argv = ["whatif", str(ws), "-q", "--bootstrap", "0", "--mission", "aaa-2020"]
    assert main([*argv, *STATUS_CHANGES, "--lang", lang, "-o", str(out)]) == 0
    table = (TABLES / f"table-{lang}.txt").read_text("utf-8")
    assert out.read_text("utf-8").splitlines() == table.splitlines()
    assert max(len(line) for line in table.splitlines()) == TABLE_WIDTH


def test_no_node_id_and_no_english_status_is_left_in_a_spanish_table(
    run: ovm.Run, capsys: pytest.CaptureFixture[str]
) -> None:
    # Changes that leave nodes of several families missing, not applicable, with too little
    # data and scored again, on the bundled rubric.
    argv = ["whatif", str(EXAMPLES), "-q", "--bootstrap", "0", "--mission", "per-2021"]
    argv += ["--set", "votes_abroad=230000", "--set", "legal.host_agreements=na"]
    argv += ["--set", "practice.postal_custody=missing", "--lang", "es"]
    assert main(argv) == 0
    table = capsys.readouterr().out.splitlines()[:-1]
    words = {w for line in table for w in line.split()}
    ids = {"overall", *run.rubric.nodes}
    english = [gettext(f"status_{s}", "en") for s in get_args(NodeStatus)]
    assert len(table) > 10
    assert sorted(words & ids) == []
    assert [s for s in english if any(s in line for line in table)] == []
    # Each status stands in the table, in Spanish.
    assert all(any(s in line for line in table) for s in ("sin datos", "no aplica"))
    assert any("datos insuficientes" in line for line in table)


# Letters of the width a terminal gives them: a wide (East Asian) letter takes two columns, a
# combining accent none; the test's own measure, not the one of the code under test.
NARROW = ["a", "Z", "é", "ñ", "ç", "q\u0301", "x\u0303"]
WIDE = ["日", "本", "語", "한", "글", "Ａ"]
_WIDE_CHARS = {ch for unit in WIDE for ch in unit}


def _width(text: str) -> int:
    return sum(0 if ch in "\u0301\u0303" else 2 if ch in _WIDE_CHARS else 1 for ch in text)


_letter = st.sampled_from(NARROW + WIDE)
# Words of a few letters, and words wider than a whole line (a script written without spaces).
_word = st.one_of(
    st.lists(_letter, min_size=1, max_size=12), st.lists(_letter, min_size=40, max_size=90)
).map("".join)
_label = st.lists(_word, min_size=1, max_size=14).map(" ".join)
RIGHTS_LABELS = {
    "rights": "{en: Rights, es: Derechos}",
    "rights.basis": "{en: Legal basis, es: Base legal}",
    "rights.postal": "{en: Postal vote, es: Voto postal}",
    "rights.turnout": "{en: Turnout abroad, es: Participación en el exterior}",
}


@functools.cache
def _status_change() -> ovm.WhatIf:
    """The mini workspace's aaa-2020 with the changes of :data:`STATUS_CHANGES`."""
    run = ovm.analyse(MINI, ovm.Settings(bootstrap=0))
    changes = {"votes_abroad": "", "rights.postal": "yes", "rights.basis": "missing"}
    return ovm.whatif(run, "aaa-2020", changes)


@given(labels=st.lists(_label, min_size=4, max_size=4))
def test_labels_of_any_script_and_length_keep_the_figures_whole_and_aligned(
    labels: list[str],
) -> None:
    status_change = _status_change()
    text = (MINI / "rubric.yaml").read_text("utf-8")
    for short, label in zip(RIGHTS_LABELS.values(), labels, strict=True):
        text = text.replace(f"labels: {short}", f"labels: {{en: x, es: {json.dumps(label)}}}")
    table = whatif_table(status_change, ovm.load_rubric(text), "es")
    plain = whatif_table(status_change, ovm.load_rubric(MINI / "rubric.yaml"), "es")
    # The short labels of the mini rubric need no wrapping: what follows the widest of them
    # on each line of that table is the row's figures.
    short = {"overall": "Global", "rights": "Derechos", "rights.basis": "Base legal"}
    short |= {"rights.postal": "Voto postal", "rights.turnout": "Participación en el exterior"}
    nodes = [c.node for c in status_change.moved()]
    column = max(len(short[n]) for n in nodes)
    figures = [line[column:] for line in plain]
    # Each row's first line ends with its figures, whole; its label's further lines are
    # indented; every line holds in the width and the figures end at one column.
    firsts = [k for k, line in enumerate(table) if not line.startswith(" ")]
    assert len(firsts) == len(plain)
    assert all(table[k].endswith(f) for k, f in zip(firsts, figures, strict=True))
    columns = {_width(table[k][: -len(f)]) for k, f in zip(firsts, figures, strict=True)}
    assert len(columns) == 1
    assert max(_width(line) for line in table) <= TABLE_WIDTH
    # A label's further lines stay inside its column, clear of the figures'.
    assert all(_width(line) <= min(columns) for k, line in enumerate(table) if k not in firsts)
    # Each label whole and in order over its row's lines: cut only at a space or between
    # two letters, never between a letter and its accent.
    assert not any(unicodedata.combining(line.lstrip()[0]) for line in table)
    given_labels = {"overall": "Global", **dict(zip(RIGHTS_LABELS, labels, strict=True))}
    bounds = [*firsts, len(table)]
    shown = [
        [table[a][: -len(f)], *table[a + 1 : b]]
        for a, b, f in zip(firsts, bounds[1:], figures, strict=True)
    ]
    assert [_letters(" ".join(lines)) for lines in shown] == [
        _letters(label) for label in ["nodo", *(given_labels[n] for n in nodes)]
    ]


def _letters(text: str) -> list[str]:
    """The letters of a text without its spaces, each with the accents it carries."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text).replace(" ", ""):
        if unicodedata.combining(ch) and out:
            out[-1] += ch
        else:
            out.append(ch)
    return out
