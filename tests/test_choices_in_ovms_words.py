"""A value that is none of a field's choices, in a rubric, missions.yaml or ovm.yaml, is said
in ovm's words in every language, naming the values the field takes (and the one meant, when
close), never in the schema's ("Input should be 'a' or 'b'"); and a missions file whose list
cannot be read still says its other problems. Through ``ovm check`` of copies of the mini
workspace of tests/data/mini."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_words_as_meant import _col, _edit, _mini, _said

LANGS = ["en", "es", "fr", "pt"]


def _sep(lang: str) -> str:
    return "\u202f: " if lang == "fr" else ": "  # French spaces its colon


RUBRIC_SAID = {
    "en": [
        "ovm_rubric: must be 1 [invalid-choice]",
        "families[0].children[2].rule: type 'goalpost' is not one of identity, goalposts, "
        "bands, target, cohort: did you mean goalposts? [unknown-kind]",
        "families[1].aggregation: must be one of arithmetic, geometric, harmonic, generalised, "
        "minimum, sum [invalid-choice]",
    ],
    "es": [
        "ovm_rubric: debe ser 1 [invalid-choice]",
        "families[0].children[2].rule: `type` “goalpost” desconocido; valores posibles: "
        "identity, goalposts, bands, target, cohort; ¿quiso decir goalposts? [unknown-kind]",
        "families[1].aggregation: debe ser uno de estos valores: arithmetic, geometric, "
        "harmonic, generalised, minimum, sum [invalid-choice]",
    ],
    "fr": [
        "ovm_rubric\u202f: doit valoir 1 [invalid-choice]",
        "families[0].children[2].rule\u202f: `type` «\u202fgoalpost\u202f» inconnu\u202f; valeurs "
        "possibles\u202f: identity, goalposts, bands, target, cohort\u202f; vouliez-vous dire "
        "goalposts\u202f? [unknown-kind]",
        "families[1].aggregation\u202f: doit valoir l'une de ces valeurs\u202f: arithmetic, "
        "geometric, harmonic, generalised, minimum, sum [invalid-choice]",
    ],
    "pt": [
        "ovm_rubric: deve ser 1 [invalid-choice]",
        "families[0].children[2].rule: `type` “goalpost” desconhecido; valores possíveis: "
        "identity, goalposts, bands, target, cohort; quis dizer goalposts? [unknown-kind]",
        "families[1].aggregation: deve ser um destes valores: arithmetic, geometric, harmonic, "
        "generalised, minimum, sum [invalid-choice]",
    ],
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_rubric_value_that_is_no_choice_names_the_choices_in_every_language(
    lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    rubric = ws / "rubric.yaml"
    version = _edit(rubric, "ovm_rubric: 1", "ovm_rubric: 2")
    rule = _edit(
        rubric,
        "rule: {type: goalposts, low: 10, high: 60}",
        "rule: {type: goalpost, low: 10, high: 60}",
    )
    agg = _edit(rubric, "    weight: 2\n", "    weight: 2\n    aggregation: median\n") + 1
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    at = [
        f"{rubric}:{version}:13",
        f"{rubric}:{rule}:{_col(rubric, rule, '{type')}",
        f"{rubric}:{agg}:{_col(rubric, agg, 'median')}",
    ]
    assert status == 1
    assert err[:-1] == [f"{a} {said}" for a, said in zip(at, RUBRIC_SAID[lang], strict=True)]


MISSIONS_SAID = {
    "en": [
        "missions[0].follow_up[0].to: must be one of electoral_body, legislature, "
        "foreign_ministry, government, political_parties [invalid-choice]",
        "missions[0].follow_up[0].status: 'implementd' is not one of implemented, "
        "partially_implemented, not_implemented, not_assessable: did you mean implemented? "
        "[invalid-choice]",
        "missions[1].answers.rights.postal.status: must be one of value, missing, "
        "not_applicable [invalid-choice]",
    ],
    "es": [
        "missions[0].follow_up[0].to: debe ser uno de estos valores: electoral_body, "
        "legislature, foreign_ministry, government, political_parties [invalid-choice]",
        "missions[0].follow_up[0].status: “implementd” no es ninguno de estos valores: "
        "implemented, partially_implemented, not_implemented, not_assessable; ¿quiso decir "
        "implemented? [invalid-choice]",
        "missions[1].answers.rights.postal.status: debe ser uno de estos valores: value, "
        "missing, not_applicable [invalid-choice]",
    ],
    "fr": [
        "missions[0].follow_up[0].to\u202f: doit valoir l'une de ces valeurs\u202f: "
        "electoral_body, legislature, foreign_ministry, government, political_parties "
        "[invalid-choice]",
        "missions[0].follow_up[0].status\u202f: «\u202fimplementd\u202f» n'est pas l'une de ces "
        "valeurs\u202f: implemented, partially_implemented, not_implemented, not_assessable\u202f; "
        "vouliez-vous dire implemented\u202f? [invalid-choice]",
        "missions[1].answers.rights.postal.status\u202f: doit valoir l'une de ces valeurs\u202f: "
        "value, missing, not_applicable [invalid-choice]",
    ],
    "pt": [
        "missions[0].follow_up[0].to: deve ser um destes valores: electoral_body, legislature, "
        "foreign_ministry, government, political_parties [invalid-choice]",
        "missions[0].follow_up[0].status: “implementd” não é nenhum destes valores: "
        "implemented, partially_implemented, not_implemented, not_assessable; quis dizer "
        "implemented? [invalid-choice]",
        "missions[1].answers.rights.postal.status: deve ser um destes valores: value, missing, "
        "not_applicable [invalid-choice]",
    ],
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_missions_file_value_that_is_no_choice_names_the_choices_in_every_language(
    lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    listed = ws / "missions.yaml"
    follow = _edit(
        listed,
        "    election: {type: general, date: 2020-05-01}\n",
        "    election: {type: general, date: 2020-05-01}\n    follow_up:\n"
        "      - {id: r1, text: Do, to: nobody, status: implementd}\n",
    )
    follow += 2
    postal = _edit(listed, "      rights.postal: no\n", "      rights.postal: {status: gone}\n")
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    at = [
        f"{listed}:{follow}:{_col(listed, follow, 'nobody')}",
        f"{listed}:{follow}:{_col(listed, follow, 'implementd')}",
        f"{listed}:{postal}:{_col(listed, postal, 'gone')}",
    ]
    assert status == 1
    assert err[:-1] == [f"{a} {said}" for a, said in zip(at, MISSIONS_SAID[lang], strict=True)]


@pytest.mark.parametrize("lang", LANGS)
def test_no_schema_wording_is_left_in_any_choice_of_any_file(
    lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every field taking a choice, in every file, written as nothing near any of its choices.
    ws = _mini(tmp_path / "a")
    config, rubric = ws / "ovm.yaml", ws / "rubric.yaml"
    _edit(
        config,
        "    simulated: true\n",
        "    simulated: true\n    layout: wide\n    confidence: 3\n"
        "    pull: {server: ona, url: 'https://ona.example.org'}\n",
    )
    _edit(rubric, "ovm_rubric: 1", "ovm_rubric: x")
    _edit(rubric, "languages: [en, es]\n", "languages: [en, es]\naggregation: 7\n")
    _edit(rubric, "unit: voters, type: count", "unit: voters, type: tally")
    _edit(rubric, "source: legal\n        references", "source: lawbook\n        references")
    queue = "        answer_type: {}\n        minimum: 0\n        stat: median\n"
    _edit(rubric, queue.format("integer"), queue.format("whole"))
    _edit(rubric, "high: 120, direction: lower}", "high: 120, direction: down}")
    sites = "{question: practice.turned_away, stat: %s}"
    _edit(rubric, sites % "mean", sites % "average")
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    said = [e for e in err if e.endswith("[invalid-choice]")]
    # missions.yaml is read beside a rubric that can be read
    listed = _mini(tmp_path / "b") / "missions.yaml"
    _edit(listed, "confidence: high}", "confidence: sure}")
    _edit(listed, "      rights.postal: no\n", "      rights.postal: {status: 5}\n")
    again, err = _said(["check", str(listed.parent), "--lang", lang], capsys)
    said += [e for e in err if e.endswith("[invalid-choice]")]
    assert (status, again, len(said)) == (1, 1, 12)
    assert [e for e in said if "Input" in e or "should" in e] == []


@pytest.mark.parametrize(
    ("written", "said"),
    [
        # The list is not one: said at its value, beside the file's other keys.
        (
            "missions: 5\nother: 1\nxmissions: []\n",
            [
                "1:11 missions: must be a list [invalid-value]",
                "2:1 other: unknown field 'other' [unknown-field]",
                "3:1 xmissions: unknown field 'xmissions' [unknown-field]",
            ],
        ),
        # No list at all: a key close to it is named as meant.
        (
            "misions: []\nother: 1\n",
            [
                "1:1 a missions file is a mapping with a 'missions' list [missing-field]",
                "1:1 misions: unknown field `misions`, did you mean `missions`? [unknown-field]",
                "2:1 other: unknown field 'other' [unknown-field]",
            ],
        ),
        ("[a, b]\n", ["1:1 a missions file is a mapping with a 'missions' list [missing-field]"]),
    ],
)
def test_a_missions_file_without_its_list_says_its_other_keys_too(
    written: str, said: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    listed = ws / "missions.yaml"
    listed.write_text(written, "utf-8")
    status, err = _said(["check", str(ws)], capsys)
    assert status == 1
    assert [e for e in err if e.startswith(str(listed))] == [f"{listed}:{s}" for s in said]
