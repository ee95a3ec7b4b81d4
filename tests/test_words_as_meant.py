"""A misspelt word of a rubric, ovm.yaml, missions.yaml or a table (a field, a choice, a kind, a
confidence level in the team's language) is named with the word meant, in the language asked.

Through the command line, on copies of the mini workspace of tests/data/mini."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ovm.cli.app import main
from ovm.nearest import CHOICE_ALIASES, CHOICE_CUTOFF, CHOICE_WORDS, closest, swapped

MINI = Path(__file__).parent / "data" / "mini"


def _mini(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    return ws


def _edit(file: Path, old: str, new: str) -> int:
    """``old`` replaced by ``new`` (once); the line it is on."""
    text = file.read_text("utf-8")
    assert text.count(old) == 1, old
    file.write_text(text.replace(old, new), "utf-8")
    return text[: text.index(old)].count("\n") + 1


def _col(file: Path, line: int, text: str) -> int:
    """The column ``text`` starts at on ``line`` of ``file``."""
    return file.read_text("utf-8").splitlines()[line - 1].index(text) + 1


def _said(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    status = main(argv)
    return status, capsys.readouterr().err.splitlines()


def test_a_misspelt_key_kind_or_choice_of_a_rubric_is_named_as_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    rubric = ws / "rubric.yaml"
    agg = _edit(rubric, "languages: [en, es]\n", "languages: [en, es]\naggregation: arithmetc\n")
    agg += 1
    # An optional field: no missing one beside it says what was meant.
    weight = _edit(rubric, "    weight: 2\n", "    wieght: 2\n")
    kind = _edit(rubric, "        kind: answer\n", "        kind: answr\n")
    stat = _edit(rubric, "        stat: median\n", "        stat: medain\n")
    # A word of the team's language where the rubric reads none: the choice it names.
    family = "  - id: comparative\n    labels: {en: Comparative, es: Comparativo}\n"
    priority = _edit(
        rubric,
        family,
        family + "    recommendations:\n      - {id: rec.comparative, when: {below: 50}, "
        "to: legislature, priority: alta, text: {en: Act, es: Actúe}}\n",
    )
    priority += 3
    pcol = _col(rubric, priority, "alta")
    # Nothing close: said as before, with the values allowed.
    vtype = _edit(rubric, "unit: voters, type: count", "unit: voters, type: tally")
    col = _col(rubric, vtype, "tally")
    status, err = _said(["validate", str(rubric)], capsys)
    assert status == 1
    assert err == [
        f"{rubric}:{agg}:14 aggregation: 'arithmetc' is not one of arithmetic, geometric, "
        "harmonic, generalised, minimum, sum: did you mean arithmetic? [invalid-choice]",
        f"{rubric}:{vtype}:{col} variables[0].type: must be one of count, number, share, "
        "percent, days, boolean [invalid-choice]",
        f"{rubric}:{kind}:15 families[0].children[1].kind: unknown kind 'answr'; expected one "
        "of levels, answer, checklist, quantitative, comparative (or children for a group): "
        "did you mean answer? [unknown-kind]",
        f"{rubric}:{weight}:5 families[1].wieght: unknown field `wieght`, did you mean "
        "`weight`? [unknown-field]",
        f"{rubric}:{stat}:15 families[1].children[1].stat: 'medain' is not one of share, "
        "mean, median, p90, min, max, sum, count: did you mean median? [invalid-choice]",
        f"{rubric}:{priority}:{pcol} families[2].recommendations[0].priority: 'alta' is not "
        "one of high, medium, low: did you mean high? [invalid-choice]",
        f"{rubric}: 6 errors",
    ]
    status, err = _said(["validate", str(rubric), "--lang", "es"], capsys)
    assert status == 1
    assert err == [
        f"{rubric}:{agg}:14 aggregation: “arithmetc” no es ninguno de estos valores: "
        "arithmetic, geometric, harmonic, generalised, minimum, sum; ¿quiso decir arithmetic? "
        "[invalid-choice]",
        f"{rubric}:{vtype}:{col} variables[0].type: debe ser uno de estos valores: count, "
        "number, share, percent, days, boolean [invalid-choice]",
        f"{rubric}:{kind}:15 families[0].children[1].kind: tipo desconocido “answr”; tipos "
        "posibles: levels, answer, checklist, quantitative, comparative (o `children` para un "
        "grupo): ¿quiso decir answer? [unknown-kind]",
        f"{rubric}:{weight}:5 families[1].wieght: campo desconocido `wieght`; ¿quiso decir "
        "`weight`? [unknown-field]",
        f"{rubric}:{stat}:15 families[1].children[1].stat: “medain” no es ninguno de estos "
        "valores: share, mean, median, p90, min, max, sum, count; ¿quiso decir median? "
        "[invalid-choice]",
        f"{rubric}:{priority}:{pcol} families[2].recommendations[0].priority: “alta” no es "
        "ninguno de estos valores: high, medium, low; ¿quiso decir high? [invalid-choice]",
        f"{rubric}: 6 errores",
    ]


def test_an_accepted_answer_that_is_no_choice_is_named_as_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    rubric = ws / "rubric.yaml"
    line = _edit(
        rubric,
        "        not_applicable: true\n",
        "        not_applicable: true\n        accept: [yse]\n",
    )
    status, err = _said(["check", str(ws), "--lang", "es"], capsys)
    assert status == 1
    assert err[0] == (
        f"{rubric}:{line + 1}:18 families[1].children[0].accept[0]: “yse” no es una de las "
        "opciones: ¿quiso decir yes? [unknown-choice]"
    )


def test_a_confidence_level_written_in_the_team_s_language_is_named_as_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "muy alta" is no level ("very high"): its word "alta" names the level meant, which the
    # writer is asked for, not given.
    ws = _mini(tmp_path)
    missions = ws / "missions.yaml"
    line = _edit(missions, "confidence: high}", "confidence: muy alta}")
    col = _col(missions, line, "muy alta")
    status, err = _said(["check", str(ws), "--lang", "es"], capsys)
    assert status == 1
    assert err == [
        f"{missions}:{line}:{col} missions[0].answers.rights.basis.confidence: “muy alta” no es "
        "ninguno de estos valores: high, medium, low; ¿quiso decir high? [invalid-choice]",
        f"{ws}: 1 error, 0 advertencias",
    ]
    status, err = _said(["check", str(ws)], capsys)
    assert err[0] == (
        f"{missions}:{line}:{col} missions[0].answers.rights.basis.confidence: 'muy alta' is not "
        "one of high, medium, low: did you mean high? [invalid-choice]"
    )
    # The same level given for a whole table in ovm.yaml, and in a table's own column.
    shutil.copy(MINI / "missions.yaml", missions)
    config = ws / "ovm.yaml"
    line = _edit(config, "simulated: true\n", "simulated: true\n    confidence: muy alta\n")
    status, err = _said(["check", str(ws), "--lang", "es"], capsys)
    assert status == 1
    assert err == [
        f"{config}:{line + 1}:17 checklists[0].confidence: “muy alta” no es ninguno de estos "
        "valores: high, medium, low; ¿quiso decir high? [invalid-choice]",
        # the checklist its entry refuses is not read; the other tables are
        f"{ws}/statistics.csv: 2 filas leídas, 2 usadas, 0 rechazadas",
        f"{ws}: 1 error, 0 advertencias",
    ]
    shutil.copy(MINI / "ovm.yaml", config)
    _edit(ws / "statistics.csv", "EMB results,high", "EMB results,muy alta")
    status, err = _said(["check", str(ws), "--lang", "es"], capsys)
    assert status == 1
    assert err[0] == (
        f"{ws}/statistics.csv:2:5 “muy alta” no es un valor admitido para "
        "votes_abroad__confidence (high, medium, low): ¿quiso decir high? [invalid-choice]"
    )


def test_a_sentence_with_a_choice_in_it_names_no_choice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "no sé" (I do not know) holds the word "no": the answer is not taken to mean no.
    ws = _mini(tmp_path)
    answers = ws / "checklists.csv"
    text = answers.read_text("utf-8").splitlines(keepends=True)
    text[1] = text[1].replace(",yes,", ",no sé,")
    answers.write_text("".join(text), "utf-8")
    status, err = _said(["check", str(ws)], capsys)
    assert status == 1
    assert err[0] == (
        f"{answers}:2:8 'no sé' is not an allowed answer for practice.on_time (yes, no) "
        "[invalid-answer]"
    )


NEGATED = [
    # file, written, negated, where the value starts, what is said (no level named)
    (
        "missions.yaml",
        "confidence: high}",
        "confidence: no alta}",
        "missions[0].answers.rights.basis.confidence: must be one of high, medium, low "
        "[invalid-choice]",
    ),
    (
        "ovm.yaml",
        "simulated: true\n",
        "simulated: true\n    confidence: not low\n",
        "checklists[0].confidence: must be one of high, medium, low [invalid-choice]",
    ),
    (
        "statistics.csv",
        "EMB results,high",
        "EMB results,nunca baja",
        "'nunca baja' is not an allowed value for votes_abroad__confidence (high, medium, "
        "low) [invalid-choice]",
    ),
    (
        "rubric.yaml",
        "languages: [en, es]\n",
        "languages: [en, es]\naggregation: not sum\n",
        "aggregation: must be one of arithmetic, geometric, harmonic, generalised, "
        "minimum, sum [invalid-choice]",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "said"), NEGATED)
def test_a_negated_choice_names_no_choice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, old: str, new: str, said: str
) -> None:
    # "no alta" (not high) means anything but high: its opposite is never named as meant.
    ws = _mini(tmp_path)
    file = ws / name
    line = _edit(file, old, new)
    status, err = _said(["check", str(ws)], capsys)
    assert status == 1
    if name == "statistics.csv":
        # a table's cell is placed by row and column; the table's summary lines follow
        assert err[0] == f"{file}:{line}:5 {said}"
        return
    text = new.split(": ")[-1].rstrip("}\n")
    line += new[: new.index(text)].count("\n")
    col = _col(file, line, text)
    # a checklist its entry refuses is not read; the other tables are
    read = [f"{ws}/statistics.csv: 2 rows read, 2 used, 0 rejected"] if name == "ovm.yaml" else []
    assert err == [f"{file}:{line}:{col} {said}", *read, f"{ws}: 1 error, 0 warnings"]


LEVELS = ["high", "medium", "low"]
AGGREGATIONS = ["arithmetic", "geometric", "harmonic", "generalised", "minimum", "sum"]
NEGATION_WORDS = ["no", "not", "non", "ni", "nada", "nunca", "never", "sin", "sem", "pas"]
NEGATION_WORDS += ["jamais", "não", "nem", "jamás", "sans", "without", "nenhum", "aucun"]


@given(
    negation=st.sampled_from(NEGATION_WORDS),
    word=st.sampled_from([*LEVELS, *CHOICE_WORDS, *AGGREGATIONS]),
    before=st.sampled_from(["", "muy ", "very ", "très "]),
    negation_first=st.booleans(),
    upper=st.booleans(),
)
def test_no_choice_is_named_for_a_negated_word(
    negation: str, word: str, before: str, negation_first: bool, upper: bool
) -> None:
    # Whatever the language, the order or the case: "no alta", "not very low", "sum not".
    text = f"{negation} {before}{word}" if negation_first else f"{before}{word} {negation}"
    text = text.upper() if upper else text
    assert closest(text, LEVELS) is None
    assert closest(text, AGGREGATIONS) is None
    # The same word alone is still named: only the negation takes the suggestion away.
    assert closest(word, LEVELS) is not None or closest(word, AGGREGATIONS) is not None


@given(
    word=st.sampled_from([*LEVELS, *CHOICE_WORDS, *AGGREGATIONS]),
    other=st.sampled_from(
        ["of squares", "weighted", "de votos", "por mesa", "and median", "avec poids", "com peso"]
    ),
    degree=st.sampled_from(["very", "muy", "très", "muito", "quite", "bastante"]),
    other_first=st.booleans(),
)
def test_a_phrase_holding_a_choice_among_words_of_its_own_names_no_choice(
    word: str, other: str, degree: str, other_first: bool
) -> None:
    # "sum of squares" is no misspelt sum, where "muy alta" is a degree of high.
    text = f"{other} {word}" if other_first else f"{word} {other}"
    assert closest(text, LEVELS) is None
    assert closest(text, AGGREGATIONS) is None
    meant = closest(word, LEVELS) or closest(word, AGGREGATIONS)
    assert meant is not None
    assert (
        closest(f"{degree} {word}", LEVELS) or closest(f"{degree} {word}", AGGREGATIONS)
    ) == meant


@given(
    word=st.sampled_from([*LEVELS, *CHOICE_WORDS, *AGGREGATIONS]),
    others=st.lists(
        st.sampled_from(
            ["confidence", "confianza", "confiance", "(estimate)", "value", "valor", "level"]
        ),
        min_size=1,
        max_size=2,
    ),
    other_first=st.booleans(),
    upper=st.booleans(),
)
def test_words_that_say_more_about_a_choice_keep_it_named(
    word: str, others: list[str], other_first: bool, upper: bool
) -> None:
    # "confianza alta", "high confidence", "minimum value": words beside a choice that make it
    # no other thing leave it named, as the word alone is.
    text = " ".join([*others, word] if other_first else [word, *others])
    text = text.upper() if upper else text
    assert (closest(text, LEVELS), closest(text, AGGREGATIONS)) == (
        closest(word, LEVELS),
        closest(word, AGGREGATIONS),
    )


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            "checklists[0].layout: 'Kobo Toolbox' is not one of plain, kobo, odk: "
            "did you mean kobo?",
        ),
        (
            "fr",
            "checklists[0].layout\u202f: «\u202fKobo Toolbox\u202f» "
            "n'est pas l'une de ces valeurs\u202f: "
            "plain, kobo, odk\u202f; vouliez-vous dire kobo\u202f?",
        ),
    ],
)
def test_a_layout_named_as_its_product_is_named_as_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    # "Kobo Toolbox" is how a team names the product whose export is the kobo layout.
    ws = _mini(tmp_path)
    config = ws / "ovm.yaml"
    line = (
        _edit(config, "    simulated: true\n", "    simulated: true\n    layout: Kobo Toolbox\n")
        + 1
    )
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    assert (status, err[0]) == (1, f"{config}:{line}:13 {said} [invalid-choice]")


def test_an_aggregation_of_a_phrase_holding_a_choice_is_named_with_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    rubric = ws / "rubric.yaml"
    line = _edit(
        rubric, "languages: [en, es]\n", "languages: [en, es]\naggregation: sum of squares\n"
    )
    assert _said(["check", str(ws), "--lang", "es"], capsys) == (
        1,
        [
            f"{rubric}:{line + 1}:14 aggregation: debe ser uno de estos valores: arithmetic, "
            "geometric, harmonic, generalised, minimum, sum [invalid-choice]",
            f"{ws}: 1 error, 0 advertencias",
        ],
    )


def test_a_negation_that_is_a_word_of_a_choice_still_names_it() -> None:
    # "not applicable" is how one writes not_applicable, not the negation of "applicable".
    assert closest("not applicable", ["yes", "no", "not_applicable"]) == "not_applicable"


@pytest.mark.parametrize(
    ("word", "level"),
    [
        *((w, "high") for w in ("alta", "alto", "élevée", "élevé", "haute", "haut", "elevado")),
        *((w, "medium") for w in ("media", "medio", "média", "médio", "moyenne", "moyen")),
        *((w, "low") for w in ("baja", "bajo", "baixa", "baixo", "basse", "bas", "faible")),
    ],
)
def test_a_level_in_either_gender_is_named_as_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], word: str, level: str
) -> None:
    # A team writes the level agreeing with its noun ("nivel alto", "confianza alta"): read as
    # that level in missions.yaml, ovm.yaml and a table's cell alike...
    ws = _mini(tmp_path)
    missions = ws / "missions.yaml"
    _edit(missions, "confidence: high}", f"confidence: {word}}}")
    _edit(ws / "ovm.yaml", "simulated: true\n", f"simulated: true\n    confidence: {word}\n")
    _edit(ws / "statistics.csv", "EMB results,high", f"EMB results,{word}")
    status, err = _said(["check", str(ws)], capsys)
    assert (status, err[-2:]) == (
        0,
        [
            f"{ws}/statistics.csv: 2 rows read, 2 used, 0 rejected",
            f"{ws}/checklists.csv: 6 rows read, 6 used, 0 rejected [simulated]",
        ],
    )
    # ...and named as the level meant where a word beside it makes it no level.
    shutil.copy(MINI / "missions.yaml", missions)
    line = _edit(missions, "confidence: high}", f"confidence: muy {word}}}")
    col = _col(missions, line, f"muy {word}")
    status, err = _said(["check", str(ws)], capsys)
    assert status == 1
    assert err == [
        f"{missions}:{line}:{col} missions[0].answers.rights.basis.confidence: 'muy {word}' is "
        f"not one of high, medium, low: did you mean {level}? [invalid-choice]",
        f"{ws}: 1 error, 0 warnings",
    ]


@pytest.mark.parametrize("lang", ["en", "es", "fr", "pt"])
def test_a_value_of_ovm_yaml_that_is_no_choice_says_what_a_missions_file_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    # One sentence, one code, whichever file holds the value ("sure" names no level).
    levels, layouts, servers = {
        "en": (
            "must be one of high, medium, low",
            "must be one of plain, kobo, odk",
            "must be one of odk, kobo",
        ),
        "es": (
            # the level is read in the team's language too: said so
            "debe ser uno de estos valores: high, medium, low (o alta, media, baja)",
            "debe ser uno de estos valores: plain, kobo, odk",
            "debe ser uno de estos valores: odk, kobo",
        ),
        "fr": (
            "doit valoir l'une de ces valeurs\u202f: high, medium, low (ou élevée, moyenne, "
            "faible)",
            "doit valoir l'une de ces valeurs\u202f: plain, kobo, odk",
            "doit valoir l'une de ces valeurs\u202f: odk, kobo",
        ),
        "pt": (
            "deve ser um destes valores: high, medium, low (ou alta, média, baixa)",
            "deve ser um destes valores: plain, kobo, odk",
            "deve ser um destes valores: odk, kobo",
        ),
    }[lang]
    sep = "\u202f: " if lang == "fr" else ": "  # French spaces its colon
    ws = _mini(tmp_path / "a")
    missions = ws / "missions.yaml"
    line = _edit(missions, "confidence: high}", "confidence: sure}")
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    assert (status, err[0]) == (
        1,
        f"{missions}:{line}:{_col(missions, line, 'sure')} "
        f"missions[0].answers.rights.basis.confidence{sep}{levels} [invalid-choice]",
    )
    ws = _mini(tmp_path / "b")
    config = ws / "ovm.yaml"
    entry = _edit(
        config,
        "simulated: true\n",
        "simulated: true\n    confidence: sure\n    layout: wide\n"
        "    pull: {server: ona, url: 'https://ona.example.org'}\n",
    )
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    assert (status, err[:3]) == (
        1,
        [
            f"{config}:{entry + 1}:17 checklists[0].confidence{sep}{levels} [invalid-choice]",
            f"{config}:{entry + 2}:13 checklists[0].layout{sep}{layouts} [invalid-choice]",
            f"{config}:{entry + 3}:20 checklists[0].pull.server{sep}{servers} [invalid-choice]",
        ],
    )


def test_a_two_letter_key_typed_in_the_wrong_order_is_named_as_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # ot: for to: is one mistake, the field meant, not a missing field and an unknown one.
    ws = _mini(tmp_path)
    rubric = ws / "rubric.yaml"
    line = _edit(
        rubric,
        "        rule: {type: goalposts, low: 10, high: 60}\n",
        "        rule: {type: goalposts, low: 10, high: 60}\n        recommendations:\n"
        "          - {id: r1, when: {below: 50}, ot: legislature, text: {en: Do, es: Haz}}\n",
    )
    line += 2
    assert _said(["check", str(ws)], capsys) == (
        1,
        [
            f"{rubric}:{line}:{_col(rubric, line, 'ot:')} "
            "families[0].children[2].recommendations[0].ot: unknown field `ot`, did you mean "
            "`to`? [unknown-field]",
            f"{ws}: 1 error, 0 warnings",
        ],
    )


def _swap(text: str, i: int) -> str:
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


@given(
    name=st.text(alphabet="abcdefghij_", min_size=2, max_size=12),
    at=st.integers(min_value=0),
    other_at=st.integers(min_value=0),
)
def test_a_key_with_two_neighbouring_letters_swapped_names_the_one_field_it_is(
    name: str, at: int, other_at: int
) -> None:
    typed = _swap(name, at % (len(name) - 1))
    assume(typed != name)
    assert swapped(typed, [name, "zzz", name + "z"]) == name
    # Two fields it may be: neither is named.
    other = _swap(typed, other_at % (len(typed) - 1))
    assume(other not in (name, typed))
    assert swapped(typed, [name, other]) is None


@pytest.mark.parametrize("key", ["di", "idd", "Id"])
def test_a_reference_whose_id_key_is_misspelt_is_one_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    # The key is named as the id meant; the nodes citing the id it gives are not said to cite
    # a reference the rubric lacks.
    ws = _mini(tmp_path)
    rubric = ws / "rubric.yaml"
    line = _edit(
        rubric,
        "  - {id: idea-2007,",
        f"  - {{id: other-2020, title: Other, year: 2020}}\n  - {{{key}: idea-2007,",
    )
    assert _said(["check", str(ws)], capsys) == (
        1,
        [
            f"{rubric}:{line + 1}:6 references[1].{key}: unknown field `{key}`, did you mean `id`? "
            "[unknown-field]",
            f"{ws}: 1 error, 0 warnings",
        ],
    )


@pytest.mark.parametrize(
    ("key", "meant"), [("di", "id"), ("idd", "id"), ("contry", "country"), ("Country", "country")]
)
def test_a_misspelt_key_of_missions_yaml_is_one_problem_at_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, meant: str
) -> None:
    # The key is named as the field meant, and nothing that follows from the slip alone is
    # said: not the field missing, not the mission unknown to each table row naming it.
    ws = _mini(tmp_path)
    missions = ws / "missions.yaml"
    if meant == "id":
        line = _edit(missions, "  - id: aaa-2020\n", f"  - {key}: aaa-2020\n")
    else:
        line = _edit(missions, "    country: ARG\n", f"    {key}: ARG\n")
    where = f"{missions}:{line}:5 missions[0].{key}"
    assert _said(["check", str(ws)], capsys) == (
        1,
        [
            f"{where}: unknown field `{key}`, did you mean `{meant}`? [unknown-field]",
            f"{ws}: 1 error, 0 warnings",
        ],
    )
    # The mission is not scored with a key read as another.
    status, err = _said(["score", str(ws), "-q", "-o", str(tmp_path / "s.csv")], capsys)
    assert status == 1
    assert f"{where}: unknown field `{key}`, did you mean `{meant}`? [unknown-field]" in err
    assert not (tmp_path / "s.csv").exists()


def test_a_value_under_a_misspelt_key_of_missions_yaml_is_said_where_it_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    missions = ws / "missions.yaml"
    line = _edit(missions, "    country: ARG\n", "    contry: ZZZ\n")
    status, err = _said(["check", str(ws), "--lang", "es"], capsys)
    assert status == 1
    assert err[0] == (
        f"{missions}:{line}:5 missions[0].contry: campo desconocido `contry`; "
        "¿quiso decir `country`? [unknown-field]"
    )
    # The country's own problem is said at the key the file writes, not at a line it lacks.
    assert err[1].startswith(f"{missions}:{line}:") and "missions[0].contry" in err[1], err
    assert err[1].endswith("[invalid-country]"), err
    assert err[2:] == [f"{ws}: 2 errores, 0 advertencias"]


@given(
    word=st.sampled_from([*LEVELS, *CHOICE_WORDS, *AGGREGATIONS]),
    other=st.sampled_from(
        [
            "x",
            "z",
            "'x'",
            "\N{LEFT DOUBLE QUOTATION MARK}x\N{RIGHT DOUBLE QUOTATION MARK}",
            "(EMB)",
            "(IDEA)",
            "( OSCE )",
        ]
    ),
    other_first=st.booleans(),
    words=st.booleans(),
)
def test_a_letter_or_a_body_beside_a_choice_makes_it_another_thing(
    word: str, other: str, other_first: bool, words: bool
) -> None:
    # "high x" (a variable), "sum y" (and), "arithmetic (EMB)" (the EMB's figure): no choice
    # is named, by its words nor by the closeness of its letters, which a short word beside
    # a name keeps above the cut-off.
    text = f"{other} {word}" if other_first else f"{word} {other}"
    assert closest(text, LEVELS, words=words) is None
    assert closest(text, AGGREGATIONS, words=words) is None
    assert (closest(word, LEVELS) or closest(word, AGGREGATIONS)) is not None


@given(
    name=st.sampled_from([*LEVELS, *AGGREGATIONS, "yes", "no", "kobo", "odk"]),
    other=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12),
    other_first=st.booleans(),
)
def test_a_phrase_holding_a_name_is_never_named_by_its_spelling(
    name: str, other: str, other_first: bool
) -> None:
    # Only words say what a phrase holding a name means: where they are not read (a sentence
    # of an answer, "yes x"), no name is; a name's misspelling alone is still named.
    names = [*LEVELS, *AGGREGATIONS, "yes", "no", "kobo", "odk"]
    text = f"{other} {name}" if other_first else f"{name} {other}"
    assert closest(text, names, words=False) is None
    typo = name[:-2] + name[-1] + name[-2] if len(name) > 3 else name
    assert closest(typo, names, words=False) == name


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("high x", None),
        ("arithmetic (EMB)", None),
        ("sum y", None),
        ("low (estimate)", "low"),
        ("LOW (ESTIMATE)", "low"),
        ("Kobo Toolbox", "kobo"),
        ("high confidence", "high"),
        ("hihg", "high"),
        ("high \N{LEFT SINGLE QUOTATION MARK}x\N{RIGHT SINGLE QUOTATION MARK}", None),
        ("high \N{LEFT DOUBLE QUOTATION MARK}x\N{RIGHT DOUBLE QUOTATION MARK}", None),
        ("high «x»", None),
        ("a high", "high"),
        ("high à 90 %", "high"),
        ("vrey high", "very high"),
        ("postal_erly", "postal_early"),
    ],
)
def test_a_choice_beside_other_words_is_named_as_its_words_say(
    text: str, meant: str | None
) -> None:
    names = [*LEVELS, "very high", *AGGREGATIONS, "plain", "kobo", "odk", "postal", "postal_early"]
    assert closest(text, names) == meant


def test_an_aggregation_of_a_body_is_named_with_no_choice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "arithmetic (EMB)" is close in letters to arithmetic, but names the EMB's figure.
    ws = _mini(tmp_path)
    rubric = ws / "rubric.yaml"
    line = _edit(
        rubric, "languages: [en, es]\n", "languages: [en, es]\naggregation: arithmetic (EMB)\n"
    )
    assert _said(["check", str(ws)], capsys) == (
        1,
        [
            f"{rubric}:{line + 1}:14 aggregation: must be one of arithmetic, geometric, "
            "harmonic, generalised, minimum, sum [invalid-choice]",
            f"{ws}: 1 error, 0 warnings",
        ],
    )


@pytest.mark.parametrize("apostrophe", ["'", "\N{RIGHT SINGLE QUOTATION MARK}"])
@pytest.mark.parametrize("written", ["isn{}t high", "doesn{}t reach low", "won{}t be low"])
def test_a_negation_through_either_apostrophe_names_no_choice(
    written: str, apostrophe: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A phone or a word processor types the typographic apostrophe: "isn’t high" is as much
    # anything but high as "isn't high" is.
    text = written.format(apostrophe)
    assert closest(text, LEVELS) is None
    ws = _mini(tmp_path)
    table = ws / "statistics.csv"
    _edit(table, "EMB results,high", f'EMB results,"{text}"')
    status, err = _said(["check", str(ws)], capsys)
    assert (status, err[0]) == (
        1,
        f"{table}:2:5 {text!r} is not an allowed value for votes_abroad__confidence (high, "
        "medium, low) [invalid-choice]",
    )


@pytest.mark.parametrize(
    ("old", "new", "key", "meant"),
    [
        (
            '        unit: "%"',
            '        unit_on: "%"',
            "families[0].children[2].unit_on",
            "unit_one",
        ),
        (
            "        formula: votes_abroad / registered_abroad * 100",
            "        formula_s: votes_abroad / registered_abroad * 100",
            "families[0].children[2].formula_s",
            "formula",
        ),
    ],
)
def test_a_misspelt_key_joined_by_underscores_is_named_as_meant(
    old: str,
    new: str,
    key: str,
    meant: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A key is one word, its parts joined by underscores: "unit_on" holds the field "unit" but
    # is "unit_one" misspelt, as a phrase of blank-parted words would not be.
    ws = _mini(tmp_path)
    rubric = ws / "rubric.yaml"
    line = _edit(rubric, old, new)
    column = len(new) - len(new.lstrip()) + 1
    name = key.rsplit(".", 1)[1]
    assert _said(["check", str(ws)], capsys) == (
        1,
        [
            f"{rubric}:{line}:{column} {key}: unknown field `{name}`, did you mean `{meant}`? "
            "[unknown-field]",
            f"{ws}: 1 error, 0 warnings",
        ],
    )


@pytest.mark.parametrize(
    ("lang", "layout", "server"),
    [
        (
            "en",
            "checklists[0].layout: 'kobotoolbox' is not one of plain, kobo, odk: "
            "did you mean kobo?",
            "checklists[0].pull.server: 'odc' is not one of odk, kobo: did you mean odk?",
        ),
        (
            "es",
            "checklists[0].layout: “kobotoolbox” no es ninguno de estos valores: plain, kobo, "
            "odk; ¿quiso decir kobo?",
            "checklists[0].pull.server: “odc” no es ninguno de estos valores: odk, kobo; "
            "¿quiso decir odk?",
        ),
        (
            "fr",
            "checklists[0].layout\u202f: «\u202fkobotoolbox\u202f» n'est pas l'une de ces "
            "valeurs\u202f: plain, kobo, odk\u202f; vouliez-vous dire kobo\u202f?",
            "checklists[0].pull.server\u202f: «\u202fodc\u202f» n'est pas l'une de ces "
            "valeurs\u202f: odk, kobo\u202f; vouliez-vous dire odk\u202f?",
        ),
        (
            "pt",
            "checklists[0].layout: “kobotoolbox” não é nenhum destes valores: plain, kobo, odk; "
            "quis dizer kobo?",
            "checklists[0].pull.server: “odc” não é nenhum destes valores: odk, kobo; "
            "quis dizer odk?",
        ),
    ],
)
def test_another_name_of_a_layout_or_a_server_is_named_as_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, layout: str, server: str
) -> None:
    # A team names the product: KoboToolbox for the kobo layout, "odc" for odk.
    ws = _mini(tmp_path)
    config = ws / "ovm.yaml"
    line = _edit(
        config,
        "    simulated: true\n",
        "    simulated: true\n    layout: kobotoolbox\n"
        "    pull: {server: odc, url: 'https://odk.example.org', project: 1, form: f}\n",
    )
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    assert (status, err[:2]) == (
        1,
        [
            f"{config}:{line + 1}:13 {layout} [invalid-choice]",
            f"{config}:{line + 2}:20 {server} [invalid-choice]",
        ],
    )


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("KoboToolbox", "kobo"),
        ("kobo-toolbox", "kobo"),
        ("KoBo Collect", "kobo"),
        ("Open Data Kit", "odk"),
        ("ODK-Central", "odk"),
        ("odc", "odk"),
        ("KoboToolbox export", "kobo"),
        # not the product's name: an alias of a longer word, joined to another thing, negated
        ("kobotoolboxes", None),
        ("odcx", None),
        ("toolbox", None),
        ("collect", None),
        ("odc of kobo", None),
        ("odc y", None),
        ("not kobotoolbox", None),
    ],
)
def test_another_name_of_a_choice_is_named_as_that_choice(text: str, meant: str | None) -> None:
    assert closest(text, ["plain", "kobo", "odk"]) == meant


@given(alias=st.sampled_from(sorted(CHOICE_ALIASES)), words=st.booleans())
def test_an_alias_names_its_choice_only_where_that_choice_is_allowed(
    alias: str, words: bool
) -> None:
    names = [*LEVELS, *AGGREGATIONS, "yes", "no", "plain"]
    assert closest(alias, names, words=words) is None
    assert closest(alias, [*names, CHOICE_ALIASES[alias]], words=words) == CHOICE_ALIASES[alias]


def _letters(text: str) -> str:
    return "".join(c for c in text if c.isalpha())


_PIECES = st.sampled_from(
    ["kobo", "toolbox", "odk", "odc", "collect", "central", "open", "data", "kit", "of", "not"]
) | st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


@given(pieces=st.lists(_PIECES, min_size=1, max_size=4), joiner=st.sampled_from([" ", "-", ""]))
def test_a_text_is_named_as_an_alias_choice_only_through_an_alias_or_its_spelling(
    pieces: list[str], joiner: str
) -> None:
    # What names kobo or odk is an alias of it (whole, or one of a phrase's words), or a
    # spelling close to kobo or odk themselves, or the choice as one of the words: no other
    # text, however it is made of pieces of the products' names.
    text = joiner.join(pieces)
    meant = closest(text, ["plain", "kobo", "odk"])
    if meant not in ("kobo", "odk"):
        return
    said = text.split(" ")
    spelt = len(said) == 1 and (
        difflib.SequenceMatcher(None, text, meant).ratio() >= CHOICE_CUTOFF
        or sorted(text) == sorted(meant)
    )
    aliased = {CHOICE_ALIASES.get(_letters(w)) for w in [text, *said]}
    assert spelt or meant in aliased or meant in said


@pytest.mark.parametrize(
    ("lang", "cell", "yaml"),
    [
        (
            "en",
            "'sure' is not an allowed value for votes_abroad__confidence (high, medium, low)",
            "must be one of high, medium, low",
        ),
        (
            "es",
            "“sure” no es un valor admitido para votes_abroad__confidence (high, medium, low, "
            "o alta, media, baja)",
            "debe ser uno de estos valores: high, medium, low (o alta, media, baja)",
        ),
        (
            "fr",
            "«\u202fsure\u202f» n'est pas une valeur admise pour votes_abroad__confidence (high, "
            "medium, low, ou élevée, moyenne, faible)",
            "doit valoir l'une de ces valeurs\u202f: high, medium, low (ou élevée, moyenne, "
            "faible)",
        ),
        (
            "pt",
            "“sure” não é um valor admitido para votes_abroad__confidence (high, medium, low, "
            "ou alta, média, baixa)",
            "deve ser um destes valores: high, medium, low (ou alta, média, baixa)",
        ),
    ],
)
def test_a_confidence_that_is_no_level_names_the_same_levels_in_a_table_and_in_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, cell: str, yaml: str
) -> None:
    # A level is read in any of the four languages wherever it is written; each language names
    # the words it writes them in, in a table's cell as in missions.yaml and ovm.yaml (English's
    # words are the levels themselves).
    ws = _mini(tmp_path / "table")
    table = ws / "statistics.csv"
    line = _edit(table, "EMB results,high", "EMB results,sure")
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    assert (status, err[0]) == (1, f"{table}:{line}:5 {cell} [invalid-choice]")
    sep = "\u202f: " if lang == "fr" else ": "
    ws = _mini(tmp_path / "missions")
    missions = ws / "missions.yaml"
    line = _edit(missions, "confidence: high}", "confidence: sure}")
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    assert (status, err[0]) == (
        1,
        f"{missions}:{line}:{_col(missions, line, 'sure')} "
        f"missions[0].answers.rights.basis.confidence{sep}{yaml} [invalid-choice]",
    )
    ws = _mini(tmp_path / "config")
    config = ws / "ovm.yaml"
    line = _edit(config, "simulated: true\n", "simulated: true\n    confidence: sure\n")
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    assert (status, err[0]) == (
        1,
        f"{config}:{line + 1}:17 checklists[0].confidence{sep}{yaml} [invalid-choice]",
    )
