"""ovm whatif: the run again with changed inputs, each change read as a data table reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

import ovm
from ovm.cli.app import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


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
    # The same run in English and in French: the same rows, the header and the numbers in
    # French (decimal comma), the nodes by their ids.
    argv = ["whatif", str(EXAMPLES), "-q", "--bootstrap", "0", "--mission", "mex-2024"]
    argv += ["--set", "votes_abroad=1234"]
    tables = {}
    for lang in ("en", "fr"):
        out = tmp_path / f"{lang}.txt"
        assert main([*argv, "--lang", lang, "-o", str(out)]) == 0
        tables[lang] = [line.split() for line in out.read_text("utf-8").splitlines()]
    # The example's checklists are simulated: the table ends saying so, in the language asked.
    assert " ".join(tables["en"].pop()) == SIMULATED["en"]
    assert " ".join(tables["fr"].pop()) == SIMULATED["fr"]
    en, fr = tables["en"], tables["fr"]
    assert en[0] == ["node", "before", "after", "change"]
    assert fr[0] == ["nœud", "avant", "après", "variation"]
    assert len(en) > 2 and any("." in cell for row in en[1:] for cell in row[1:])
    assert fr[1:] == [[row[0], *(c.replace(".", ",") for c in row[1:])] for row in en[1:]]
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
