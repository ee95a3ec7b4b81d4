"""Rubric validation: every mistake is an issue with a stable code and its place in the file.

The broken fixtures live in tests/data/rubrics/; each is valid.yaml with one mistake (or the
few a mistake honestly implies), so the expected lines and columns can be read off the file.
"""

from __future__ import annotations

import re
import string
from itertools import pairwise
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ovm
from ovm import Issue, RubricError, check_rubric, dump_rubric, load_rubric
from ovm.rubric.checks import all_codes

RUBRICS = Path(__file__).parent / "data" / "rubrics"


def where(issues: list[Issue]) -> list[tuple[int | None, int | None, str]]:
    return [(i.line, i.column, i.code) for i in issues]


def check(name: str) -> tuple[ovm.Rubric | None, list[Issue]]:
    return check_rubric(RUBRICS / name, file=name)


# (fixture, [(line, column, code), ...]) in the order check_rubric reports them (file order).
BROKEN = [
    ("missing-field.yaml", [(14, 9, "missing-field")]),
    ("unknown-field.yaml", [(18, 9, "unknown-field")]),
    ("invalid-choice.yaml", [(17, 17, "invalid-choice")]),
    ("unknown-kind.yaml", [(15, 15, "unknown-kind")]),
    ("invalid-format.yaml", [(16, 55, "invalid-format")]),
    ("invalid-id.yaml", [(14, 13, "invalid-id")]),
    ("invalid-name.yaml", [(8, 12, "invalid-name")]),
    ("invalid-weight.yaml", [(13, 13, "invalid-weight")]),
    ("invalid-coverage.yaml", [(13, 19, "invalid-coverage")]),
    ("invalid-language.yaml", [(5, 12, "invalid-language")]),
    ("too-short.yaml", [(20, 11, "too-short")]),
    ("out-of-range.yaml", [(27, 48, "out-of-range")]),
    ("invalid-value.yaml", [(20, 32, "invalid-value")]),
    ("duplicate-id.yaml", [(22, 13, "duplicate-id")]),
    ("reserved-id.yaml", [(22, 13, "duplicate-id")]),
    ("reserved-name.yaml", [(31, 13, "reserved-name")]),
    ("empty-group.yaml", [(11, 5, "empty-group")]),
    ("bands-unordered.yaml", [(7, 5, "bands-unordered")]),
    ("bands-overlap.yaml", [(7, 5, "bands-overlap")]),
    ("bands-gap.yaml", [(7, 5, "bands-gap")]),
    ("goalposts-equal.yaml", [(27, 15, "goalposts-equal")]),
    ("goalposts-unordered.yaml", [(27, 15, "goalposts-unordered")]),
    # The misspelt name is not a declared variable, and "registered" is then used by nothing.
    ("unknown-variable.yaml", [(9, 5, "unused-variable"), (26, 26, "unknown-variable")]),
    # An unparsable formula is its own error alone: the variables it names are not unused.
    ("formula-syntax.yaml", [(26, 25, "formula-syntax")]),
    ("unused-variable.yaml", [(8, 5, "unused-variable")]),
    # Declaring "votes" twice leaves "registered" undeclared for the formula.
    ("duplicate-variable.yaml", [(9, 12, "duplicate-variable"), (26, 26, "unknown-variable")]),
    ("invalid-range.yaml", [(8, 106, "invalid-range")]),
    ("level-score-range.yaml", [(21, 32, "level-score-range")]),
    ("levels-unordered.yaml", [(21, 32, "levels-unordered")]),
    ("duplicate-level-key.yaml", [(21, 19, "duplicate-key")]),
    ("missing-translation.yaml", [(24, 17, "missing-translation")]),
    ("unknown-reference.yaml", [(18, 22, "unknown-reference")]),
    ("unknown-node.yaml", [(14, 126, "unknown-node")]),
    ("unknown-placeholder.yaml", [(23, 71, "unknown-placeholder")]),
    ("invalid-placeholder.yaml", [(23, 71, "invalid-placeholder")]),
    ("missing-power.yaml", [(13, 18, "missing-power")]),
    # A family written as an indicator: the tree check, then what the group schema says.
    (
        "indicator-at-top.yaml",
        [(11, 5, "indicator-at-top"), (11, 21, "invalid-choice"), (11, 60, "unknown-field")],
    ),
    # Without choices, the default accepted answer "yes" is not a choice either.
    ("missing-choices.yaml", [(31, 9, "missing-choices"), (31, 9, "unknown-choice")]),
    ("unknown-choice.yaml", [(40, 25, "unknown-choice")]),
    ("invalid-stat.yaml", [(36, 15, "invalid-stat")]),
    ("missing-rule.yaml", [(31, 9, "missing-rule")]),
    ("reserved-choice.yaml", [(39, 20, "reserved-choice")]),
    ("unknown-question.yaml", [(10, 5, "unused-variable"), (10, 129, "unknown-question")]),
    ("not-a-mapping.yaml", [(1, 1, "not-a-mapping")]),
    # Inclusive and half-open bands in one list; a scale without a range.
    ("bands-mixed.yaml", [(14, 9, "bands-mixed")]),
    ("invalid-scale.yaml", [(10, 12, "invalid-scale")]),
    # A deduction outside a sum; a rating read from bands that have none.
    ("subtract-outside-sum.yaml", [(16, 20, "subtract-outside-sum"), (22, 14, "no-rating")]),
    # law reads status, which reads law: reported at the reference that closes the loop.
    ("node-cycle.yaml", [(22, 33, "node-cycle")]),
    # An indicator's formula reads an indicator normalised across the cohort.
    ("cohort-node.yaml", [(32, 38, "cohort-node")]),
    # A sum and a z-score leave the 0-100 scale the bands and other scores are on.
    ("unbounded-scale.yaml", [(13, 18, "unbounded-scale"), (28, 38, "unbounded-scale")]),
]

WARNINGS = {"unused-variable", "levels-unordered", "unbounded-scale"}


@pytest.mark.parametrize(("name", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_each_mistake_is_reported_at_its_line_and_column(name: str, expected: list) -> None:
    _rubric, issues = check(name)
    assert where(issues) == expected
    assert [i.severity for i in issues] == [
        "warning" if code in WARNINGS else "error" for _, _, code in expected
    ]
    assert all(i.file == name and i.category == "rubric" for i in issues)


@pytest.mark.parametrize(("name", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_load_raises_with_the_errors_and_keeps_warnings_out_of_the_way(
    name: str, expected: list
) -> None:
    errors = [e for e in expected if e[2] not in WARNINGS]
    if not errors:
        assert isinstance(load_rubric(RUBRICS / name), ovm.Rubric)
        return
    with pytest.raises(RubricError) as info:
        load_rubric(RUBRICS / name, file=name)
    assert [(i.line, i.column, i.code) for i in info.value.errors] == errors
    plural = "" if len(errors) == 1 else "s"
    assert str(info.value).splitlines()[0] == f"{name}: {len(errors)} error{plural} in the rubric"


def test_valid_fixture_has_no_issue_at_all() -> None:
    rubric, issues = check("valid.yaml")
    assert issues == []
    assert rubric is not None
    assert [p.node.id for p in rubric.walk()] == ["law", "law.basis", "law.turnout"]


YAML_CODES = {"yaml-syntax", "yaml-too-complex", "invalid-key", "duplicate-key"}
"""Codes of the YAML reader, shared by every document ovm reads (not the rubric's own)."""


def test_every_code_the_registry_declares_has_a_broken_fixture_that_emits_it() -> None:
    # The codes come from the checks themselves (rubric-wide, each kind's, each rule's) and the
    # schema: a new check or a new registered kind needs a broken fixture here.
    declared = {code: who for who, codes in all_codes().items() for code in codes}
    emitted: dict[str, set[str]] = {}
    for path in sorted(RUBRICS.glob("*.yaml")):
        for issue in check_rubric(path, file=path.name)[1]:
            emitted.setdefault(issue.code, set()).add(path.name)
    missing = {code: who for code, who in declared.items() if code not in emitted}
    assert missing == {}
    # And every code a fixture gets is declared by some check (or comes from the YAML reader).
    assert set(emitted) - set(declared) <= YAML_CODES


def test_the_registry_knows_the_codes_of_every_built_in_kind_and_rule() -> None:
    codes = all_codes()
    assert codes["kind levels"] == (
        "level-score-range",
        "levels-unordered",
        "duplicate-key",
        "missing-translation",
    )
    assert codes["kind checklist"] == (
        "missing-choices",
        "unknown-choice",
        "invalid-stat",
        "missing-rule",
        "reserved-choice",
        "share-outside-bands",
        "missing-translation",
        "unknown-question",
        "reserved-name",
    )
    assert codes["kind quantitative"] == ("formula-syntax", "unknown-variable")
    assert codes["kind comparative"] == ("unknown-node",)
    assert codes["rule goalposts"] == ("goalposts-equal", "goalposts-unordered")
    assert codes["rule bands"] == ("bands-unordered", "bands-overlap", "bands-gap")
    assert codes["rule cohort"] == ("unbounded-scale",)
    assert codes["rule identity"] == codes["rule target"] == ()


def test_a_site_statistic_that_does_not_fit_its_question_is_invalid_stat() -> None:
    text = (RUBRICS / "unknown-question.yaml").read_text(encoding="utf-8")
    text = text.replace("question: practice.opened}", "question: practice.open, stat: mean}")
    line = text.splitlines()[9]
    _rubric, issues = check_rubric(text, file="r.yaml")
    assert where(issues) == [
        (10, 5, "unused-variable"),
        (10, line.index("mean") + 1, "invalid-stat"),
    ]


def test_levels_that_share_a_score_are_in_order() -> None:
    text = (RUBRICS / "valid.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "{key: full, score: 100,",
        "{key: some, score: 0, descriptor: {en: Some, "
        "es: Alguna}}\n          - {key: full, score: 100,",
    )
    assert "key: some" in text
    _rubric, issues = check_rubric(text, file="r.yaml")
    assert issues == []
    _rubric, issues = check_rubric(
        text.replace("key: some, score: 0", "key: some, score: -0.5"), file="r.yaml"
    )
    assert where(issues) == [(21, 32, "level-score-range"), (21, 32, "levels-unordered")]


def test_a_reference_declared_twice_is_a_duplicate_id() -> None:
    text = (RUBRICS / "valid.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  - {id: idea-2007, title: Voting from Abroad}\n",
        "  - {id: idea-2007, title: Voting from Abroad}\n  - {id: idea-2007, title: Again}\n",
    )
    _rubric, issues = check_rubric(text, file="r.yaml")
    assert [(i.line, i.column, i.code, i.message) for i in issues] == [
        (7, 10, "duplicate-id", "reference 'idea-2007' is declared twice")
    ]


def test_the_title_and_variable_descriptions_need_every_language() -> None:
    text = (RUBRICS / "valid.yaml").read_text(encoding="utf-8")
    text = text.replace("title: {en: Fixture, es: Ficticia}", "title: {en: Fixture}")
    text = text.replace(
        "{name: votes, labels: {en: Votes, es: Votos},",
        "{name: votes, labels: {en: Votes, es: Votos}, description: {es: V},",
    )
    _rubric, issues = check_rubric(text, file="r.yaml")
    assert [(i.line, i.code, i.as_dict()["path"]) for i in issues] == [
        (4, "missing-translation", "title"),
        (8, "missing-translation", "variables[0].description"),
    ]


def test_a_variable_may_have_equal_minimum_and_maximum() -> None:
    text = (RUBRICS / "valid.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "unit: votes, type: count,", "unit: votes, type: count, minimum: 5, maximum: 5,"
    )
    assert check_rubric(text, file="r.yaml")[1] == []
    _rubric, issues = check_rubric(text.replace("maximum: 5", "maximum: 4.5"), file="r.yaml")
    assert [(i.code, i.message) for i in issues] == [
        ("invalid-range", "minimum 5 is above maximum 4.5")
    ]


def test_placeholder_messages_name_what_is_wrong() -> None:
    assert [i.message for i in check("invalid-placeholder.yaml")[1]] == [
        "unbalanced braces near 'e legal a {label'"
    ]
    assert [i.message for i in check("unknown-placeholder.yaml")[1]] == [
        "{etiqueta} is neither a declared variable nor one of band, best_mission, best_score, "
        "country, election, gap, label, mission, score, unit, value"
    ]


SCORE_BANDS = "title: {en: Fixture, es: Ficticia}\n"


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        # Score bands cover 0 to 100: the ends are checked, not only the joins.
        (
            "[{min: 10, max: 50}, {min: 50, max: 100}]",
            [(5, "bands-gap", "bands[0]", "the lowest band must start at 0")],
        ),
        (
            "[{min: 0, max: 50}, {min: 50, max: 90}]",
            [(5, "bands-gap", "bands[1]", "the highest band must end at 100")],
        ),
        (
            "[{min: 0, max: 50}, {min: 50, max: 70}, {min: 70, max: 90}]",
            [(5, "bands-gap", "bands[2]", "the highest band must end at 100")],
        ),
        # A band without its min is a schema error, never a crash of the range check.
        (
            "[{min: 0, max: 50}, {max: 100}]",
            [(5, "missing-field", "bands[1].min", "required field is missing")],
        ),
    ],
)
def test_score_bands_cover_0_to_100(bands: str, expected: list) -> None:
    text = (RUBRICS / "valid.yaml").read_text(encoding="utf-8")
    labelled = bands.replace("}", ", label: {en: B, es: B}}")
    text = text.replace(SCORE_BANDS, f"{SCORE_BANDS}bands: {labelled}\n")
    _rubric, issues = check_rubric(text, file="r.yaml")
    assert [(i.line, i.code, i.as_dict()["path"], i.message) for i in issues] == expected


def test_only_the_first_value_band_may_be_open_below() -> None:
    text = (RUBRICS / "valid.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "rule: {type: goalposts, low: 10, high: 60}",
        "rule: {type: bands, bands: [{max: 1, score: 100}, {max: 5, score: 50}]}",
    )
    _rubric, issues = check_rubric(text, file="r.yaml")
    assert [(i.code, i.as_dict()["path"], i.message) for i in issues] == [
        (
            "bands-unordered",
            "families[0].children[1].rule.bands[1]",
            "only the first band may be open below",
        )
    ]


def test_five_mistakes_are_five_issues_in_one_run() -> None:
    rubric, issues = check("five-mistakes.yaml")
    errors = [i for i in issues if i.severity == "error"]
    assert rubric is None
    assert where(errors) == [
        (11, 13, "invalid-weight"),
        (16, 17, "invalid-choice"),
        (19, 49, "missing-translation"),
        (24, 26, "unknown-variable"),
        (25, 15, "goalposts-equal"),
    ]
    assert str(errors[0]) == (
        "five-mistakes.yaml:11:13 families[0].weight: must be > 0 [invalid-weight]"
    )
    with pytest.raises(RubricError) as info:
        load_rubric(RUBRICS / "five-mistakes.yaml", file="five-mistakes.yaml")
    assert len(info.value.errors) == 5


def test_issue_paths_name_the_field_inside_a_levels_indicator() -> None:
    # "levels" is both the kind and a field of a levels indicator: the path must not mix them.
    cases = {
        "invalid-id.yaml": "families[0].children[0].id",
        "invalid-choice.yaml": "families[0].children[0].source",
        "unknown-field.yaml": "families[0].children[0].colour",
        "invalid-value.yaml": "families[0].children[0].levels[0].score",
        "out-of-range.yaml": "families[0].children[1].rule.span",
    }
    for name, path in cases.items():
        _rubric, issues = check(name)
        assert [i.as_dict()["path"] for i in issues] == [path], name


def test_rule_fields_that_share_the_rule_type_name_are_located(tmp_path: Path) -> None:
    text = (RUBRICS / "valid.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "rule: {type: goalposts, low: 10, high: 60}", "rule: {type: target, target: high, span: 5}"
    )
    _rubric, issues = check_rubric(text, file="r.yaml")
    line = "        rule: {type: target, target: high, span: 5}"
    assert [(i.line, i.column, i.code, i.as_dict()["path"]) for i in issues] == [
        (27, line.index("high") + 1, "invalid-value", "families[0].children[1].rule.target")
    ]


def test_goalposts_with_one_end_missing_are_one_missing_field() -> None:
    text = (RUBRICS / "valid.yaml").read_text(encoding="utf-8")
    text = text.replace("type: goalposts, low: 10, high: 60", "type: goalposts, low: 10")
    _rubric, issues = check_rubric(text, file="r.yaml")
    assert [(i.line, i.code, i.as_dict()["path"]) for i in issues] == [
        (27, "missing-field", "families[0].children[1].rule.high")
    ]


def test_unknown_rule_type_is_reported_on_the_rule() -> None:
    text = (RUBRICS / "valid.yaml").read_text(encoding="utf-8")
    text = text.replace("type: goalposts,", "type: goalpost,")
    _rubric, issues = check_rubric(text, file="r.yaml")
    assert where(issues) == [(27, 15, "unknown-kind")]
    assert "goalpost" in issues[0].message


@pytest.mark.parametrize("weight", ["0", "-1", '"-1"', "heavy", ".inf", ".nan", "true"])
def test_a_bad_weight_is_one_invalid_weight_issue(weight: str) -> None:
    text = (RUBRICS / "valid.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    labels: {en: Law, es: Ley}\n",
        f"    labels: {{en: Law, es: Ley}}\n    weight: {weight}\n",
    )
    _rubric, issues = check_rubric(text, file="r.yaml")
    assert where(issues) == [(13, 13, "invalid-weight")]


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("low: 10", "low: .nan", 27),
        ("high: 60", "high: .inf", 27),
        ('version: "1"', 'version: "1"\naggregation: generalised\npower: .nan', 5),
    ],
)
def test_nan_and_infinity_are_refused_where_they_would_poison_scores(
    old: str, new: str, line: int
) -> None:
    text = (RUBRICS / "valid.yaml").read_text(encoding="utf-8").replace(old, new)
    rubric, issues = check_rubric(text, file="r.yaml")
    assert rubric is None
    assert [(i.line, i.code) for i in issues] == [(line, "invalid-value")]


def test_scalars_where_lists_belong_are_issues_not_crashes() -> None:
    text = (RUBRICS / "valid.yaml").read_text(encoding="utf-8")
    for old, new in [
        ("references:\n  - {id: idea-2007, title: Voting from Abroad}", "references: 5"),
        ("variables:", "languages: 5\nbands: 5\nvariables:"),
        ("references: [idea-2007]", "references: 7\n        recommendations: 3"),
        ("        levels:\n", "        choices: 1\n        levels:\n"),
        ("{id: idea-2007,", "{id: [1],"),
    ]:
        assert old in text
        rubric, issues = check_rubric(text.replace(old, new, 1), file="r.yaml")
        assert rubric is None
        assert issues and all(i.line is not None for i in issues), new


def test_messages_never_dump_object_reprs() -> None:
    for path in sorted(RUBRICS.glob("*.yaml")):
        _rubric, issues = check_rubric(path)
        for issue in issues:
            assert "object at 0x" not in issue.message, (path.name, issue.message)
            assert not re.search(r"\b[A-Z][A-Za-z]+\(", issue.message), issue.message
            assert "{'" not in issue.message and len(issue.message) < 300, issue.message


def test_issue_renders_as_file_line_col_path_message_code() -> None:
    _rubric, issues = check("unused-variable.yaml")
    assert [str(i) for i in issues] == [
        "unused-variable.yaml:8:5 warning: variables[0]: variable 'spare' is used by no formula "
        "[unused-variable]"
    ]
    assert issues[0].as_dict() == {
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


def test_text_and_path_sources_give_the_same_rubric() -> None:
    path = RUBRICS / "valid.yaml"
    assert load_rubric(path) == load_rubric(path.read_text(encoding="utf-8"))
    assert load_rubric(str(path)) == load_rubric(path)


def test_bundled_rubric_validates_without_errors() -> None:
    rubric = ovm.default_rubric()
    assert rubric.id == "deco-voting-abroad"
    assert len(rubric.families) == 7
    assert load_rubric(dump_rubric(rubric)) == rubric


def test_schema_lists_the_rubric_top_level_fields() -> None:
    schema = ovm.rubric_schema()
    assert {"id", "version", "title", "families", "variables"} <= set(schema["properties"])
    assert "families" in schema["required"]


# --- hypothesis: valid rubrics survive dump and load ----------------------------------------

LANG_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() != "")
NAMES = st.sampled_from(["votes", "registered", "queue", "days_open", "staff"])
AGGREGATIONS = st.sampled_from(
    ["arithmetic", "geometric", "harmonic", "minimum", "sum", "generalised"]
)


def text_strategy() -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({"en": LANG_TEXT, "es": LANG_TEXT})


@st.composite
def rules(draw: st.DrawFn) -> dict:
    kind = draw(st.sampled_from(["identity", "goalposts", "bands", "target", "cohort"]))
    if kind == "goalposts":
        low, high = sorted(
            draw(st.lists(st.integers(-1000, 1000), min_size=2, max_size=2, unique=True))
        )
        return {
            "type": "goalposts",
            "low": low,
            "high": high,
            "direction": draw(st.sampled_from(["higher", "lower"])),
        }
    if kind == "bands":
        cuts = sorted(
            draw(st.lists(st.floats(-100, 100, allow_nan=False), max_size=3, unique=True))
        )
        edges = [None, *cuts, None]
        return {
            "type": "bands",
            "bands": [
                {k: v for k, v in (("min", lo), ("max", hi)) if v is not None}
                | {"score": draw(st.floats(0, 100))}
                for lo, hi in pairwise(edges)
            ],
        }
    if kind == "target":
        return {
            "type": "target",
            "target": draw(st.floats(-50, 50)),
            "tolerance": draw(st.floats(0, 10)),
            "span": draw(st.floats(0.5, 50)),
        }
    if kind == "cohort":
        return {"type": "cohort", "direction": draw(st.sampled_from(["higher", "lower"]))}
    return {"type": "identity"}


@st.composite
def indicators(draw: st.DrawFn, nid: str, variables: list[str]) -> dict:
    kind = draw(st.sampled_from(["levels", "answer", "checklist", "quantitative"]))
    node: dict = {
        "id": nid,
        "kind": kind,
        "labels": draw(text_strategy()),
        "source": draw(
            st.sampled_from(["legal", "statistics", "checklist", "interview", "analyst"])
        ),
    }
    if draw(st.booleans()):
        node["weight"] = draw(st.floats(0.01, 100))
    if kind == "levels":
        scores = sorted(draw(st.lists(st.floats(0, 100), min_size=2, max_size=4)))
        keys = draw(
            st.lists(
                st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=6),
                min_size=len(scores),
                max_size=len(scores),
                unique=True,
            )
        )
        node["levels"] = [
            {"key": k, "score": s, "descriptor": draw(text_strategy())}
            for k, s in zip(keys, scores, strict=True)
        ]
        node["allow_na"] = draw(st.booleans())
    elif kind == "answer":
        node["allow_na"] = draw(st.booleans())
        if draw(st.booleans()):
            node["scores"] = {"yes": 100, "partial": draw(st.none() | st.floats(0, 100)), "no": 0}
    elif kind == "checklist":
        node["question"] = draw(text_strategy())
        node["min_answers"] = draw(st.integers(1, 20))
        if draw(st.booleans()):
            node["answer_type"] = "integer"
            node["stat"] = draw(st.sampled_from(["mean", "median", "min", "max", "sum"]))
            node["minimum"] = 0
            node["rule"] = draw(rules())
        else:
            node["not_applicable"] = draw(st.booleans())
    else:
        used = draw(st.lists(st.sampled_from(variables), min_size=1, max_size=3))
        ops = draw(
            st.lists(
                st.sampled_from(["+", "-", "*", "/"]),
                min_size=len(used) - 1,
                max_size=len(used) - 1,
            )
        )
        text = used[0]
        for op, name in zip(ops, used[1:], strict=True):
            text = f"({text} {op} {name})"
        node["formula"] = text
        node["rule"] = draw(rules())
    return node


@st.composite
def valid_rubrics(draw: st.DrawFn) -> dict:
    variables = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
    counter = iter(range(1000))
    families = []
    for f in range(draw(st.integers(1, 3))):
        fam: dict = {"id": f"f{f}", "labels": draw(text_strategy()), "children": []}
        agg = draw(AGGREGATIONS)
        fam["aggregation"] = agg
        if agg == "generalised":
            fam["power"] = draw(st.sampled_from([-1.0, 0.5, 2.0, 3.0]))
        fam["min_coverage"] = draw(st.floats(0, 1))
        for _ in range(draw(st.integers(1, 3))):
            nid = f"f{f}.n{next(counter)}"
            if draw(st.integers(0, 4)) == 0:
                fam["children"].append(
                    {
                        "id": nid,
                        "labels": draw(text_strategy()),
                        "children": [draw(indicators(f"{nid}.i", variables))],
                    }
                )
            else:
                fam["children"].append(draw(indicators(nid, variables)))
        families.append(fam)
    rubric: dict = {
        "ovm_rubric": 1,
        "id": draw(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)),
        "version": draw(st.from_regex(r"[0-9]\.[0-9]", fullmatch=True)),
        "title": draw(text_strategy()),
        "variables": [
            {
                "name": n,
                "labels": draw(text_strategy()),
                "unit": "u",
                "type": draw(st.sampled_from(["count", "number", "share", "percent"])),
                "source": "statistics",
            }
            for n in variables
        ],
        "families": families,
    }
    if draw(st.booleans()):
        cuts = sorted(draw(st.lists(st.integers(1, 99), max_size=3, unique=True)))
        edges = [0, *cuts, 100]
        rubric["bands"] = [
            {"min": lo, "max": hi, "label": draw(text_strategy())} for lo, hi in pairwise(edges)
        ]
    if draw(st.booleans()):
        rubric["families"].append(
            {
                "id": "cmp",
                "labels": draw(text_strategy()),
                "children": [
                    {
                        "id": "cmp.best",
                        "kind": "comparative",
                        "labels": draw(text_strategy()),
                        "source": "analyst",
                        "measure": "distance_to_best",
                        "target": "f0",
                    }
                ],
            }
        )
    return rubric


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(valid_rubrics())
def test_generated_rubric_survives_dump_and_load(data: dict) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    rubric, issues = check_rubric(text, file="gen.yaml")
    assert [i for i in issues if i.severity == "error"] == []
    assert rubric is not None
    again = load_rubric(dump_rubric(rubric))
    assert again == rubric
    assert again.digest() == rubric.digest()
    assert dump_rubric(again) == dump_rubric(rubric)


# --- hypothesis: no input makes the loader crash --------------------------------------------

VALID_TEXT = (RUBRICS / "valid.yaml").read_text(encoding="utf-8")
VALID_LINES = VALID_TEXT.splitlines()
YAMLISH = st.sampled_from(
    [
        ":",
        "- ",
        "  ",
        "{",
        "}",
        "[",
        "]",
        "&a ",
        "*a",
        "!!python/none",
        "'",
        '"',
        "#",
        "? ",
        "|",
        ">",
        "\t",
        "~",
        "null",
        "0",
        "-1",
        ".nan",
        "yes",
        "1e999",
        "<<: *a",
        "kind: ",
        "children:",
        "levels: 3",
        "formula: (",
        "rule: {type: bands}",
        "weight: -1",
        "%YAML 1.1",
        "---",
        "...",
    ]
)


@st.composite
def mutated_rubrics(draw: st.DrawFn) -> str:
    lines = list(VALID_LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        how = draw(
            st.sampled_from(
                ["delete", "duplicate", "swap", "insert", "replace", "indent", "dedent"]
            )
        )
        if how == "delete" and len(lines) > 1:
            del lines[i]
        elif how == "duplicate":
            lines.insert(i, lines[i])
        elif how == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif how == "insert":
            pos = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:pos] + draw(YAMLISH | st.text(max_size=5)) + lines[i][pos:]
        elif how == "replace":
            words = re.findall(r"[\w.-]+", lines[i])
            if words:
                word = draw(st.sampled_from(words))
                lines[i] = lines[i].replace(word, draw(YAMLISH | st.text(max_size=6)), 1)
        elif how == "indent":
            lines[i] = "  " + lines[i]
        else:
            lines[i] = lines[i][2:] if lines[i].startswith("  ") else lines[i]
    return "\n".join(lines) + "\n"


def assert_issues_well_formed(rubric: ovm.Rubric | None, issues: list[Issue]) -> None:
    assert isinstance(issues, list)
    for issue in issues:
        assert isinstance(issue, Issue)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", issue.code), issue.code
        assert issue.severity in ("error", "warning")
        assert issue.line is None or issue.line >= 1
        assert issue.column is None or issue.column >= 1
        assert issue.message
    if rubric is None:
        assert any(i.severity == "error" for i in issues)


def load_or_rubric_error(text: str) -> None:
    try:
        rubric = load_rubric(text, file="x.yaml")
    except RubricError as exc:
        assert exc.errors
    else:
        assert isinstance(rubric, ovm.Rubric)


@given(st.text(max_size=300))
def test_arbitrary_text_only_ever_gives_issues(text: str) -> None:
    rubric, issues = check_rubric(text, file="x.yaml")
    assert_issues_well_formed(rubric, issues)
    load_or_rubric_error(text)


@given(mutated_rubrics())
def test_yamlish_mutations_of_a_valid_rubric_only_ever_give_issues(text: str) -> None:
    rubric, issues = check_rubric(text, file="x.yaml")
    assert_issues_well_formed(rubric, issues)
    load_or_rubric_error(text)


@pytest.mark.parametrize("name", ["\x00.yaml", "does/not/exist.yaml"])
def test_unusable_file_names_are_issues(name: str) -> None:
    rubric, issues = check_rubric(name)
    assert rubric is None
    assert [i.code for i in issues] == ["file-unreadable"]


def test_a_misspelled_top_level_field_is_one_issue_with_did_you_mean() -> None:
    text = (RUBRICS / "valid.yaml").read_text(encoding="utf-8").replace("families:", "familes:")
    _rubric, issues = check_rubric(text)
    errors = [
        (i.line, i.code, i.message) for i in issues if i.code in ("unknown-field", "missing-field")
    ]
    line = text.splitlines().index("familes:") + 1
    assert errors == [(line, "unknown-field", "unknown field `familes`, did you mean `families`?")]


def test_a_value_is_quoted_as_written_and_refused_once(tmp_path: Path) -> None:
    from ovm.errors import format_path

    src = (Path(__file__).parent / "data" / "mini" / "rubric.yaml").read_text(encoding="utf-8")
    src = src.replace(
        "not_applicable: true\n", "not_applicable: true\n        accept: [2020-01-01, {x: 1}]\n", 1
    )
    src = src.replace(
        "kind: checklist\n        labels: {en: Turned away",
        "kind: 2020-01-01\n        labels: {en: Turned away",
    )
    path = tmp_path / "rubric.yaml"
    path.write_text(src, encoding="utf-8")
    _, issues = check_rubric(path)
    said = [
        (i.line, format_path(i.path), i.code, i.message, dict(i.params))
        for i in issues
        if i.line in (56, 69)
    ]
    kinds = ["levels", "answer", "checklist", "quantitative", "comparative"]
    assert said == [
        (56, "families[1].children[0].accept[0]", "invalid-value",
         'YAML does not read 2020-01-01 as text: write it in quotes, "2020-01-01"',
         {"variant": "unquoted", "written": "2020-01-01"}),
        (56, "families[1].children[0].accept[1]", "invalid-value",
         "must be text", {"variant": "text"}),
        (69, "families[1].children[2].kind", "unknown-kind",
         f"unknown kind 2020-01-01; expected one of {', '.join(kinds)} (or children for a group)",
         {"kind": "2020-01-01", "kinds": kinds}),
    ]  # fmt: skip


def test_a_value_that_is_not_text_is_quoted_as_yaml_writes_it() -> None:
    import datetime as dt

    from ovm.indicators.validation import as_written, quoted

    values = [
        "a'b", 3, 2.5, True, None, dt.date(2020, 1, 1), dt.datetime(2020, 1, 1, 10, 30),
        {"x": 1}, [dt.date(2020, 1, 1), {"y": [1, "z"]}], [],
    ]  # fmt: skip
    assert [as_written(v) for v in values] == [
        "a'b", 3, 2.5, "true", "null", "2020-01-01", "2020-01-01T10:30:00",
        "{x: 1}", "[2020-01-01, {y: [1, z]}]", "[]",
    ]  # fmt: skip
    assert [quoted(v) for v in values[:3]] == ['"a\'b"', "3", "2.5"]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("0,5", ("decimal_comma", "'0,5' is not a number: write it with a decimal point, 0.5")),
        ("1,25", ("decimal_comma", "'1,25' is not a number: write it with a decimal point, 1.25")),
        # Three digits after the comma may group thousands: no number is guessed.
        ("1,000", ("number", "must be a number")),
        ("0,5,1", ("number", "must be a number")),
    ],
)
def test_a_weight_with_a_decimal_comma_is_refused_with_the_number_meant(
    written: str, expected: tuple[str, str]
) -> None:
    """Spanish, French and Portuguese write 0,5 for a half: YAML reads it as a text, and the
    rubric's author is told the number to write at the weight itself."""
    text = (RUBRICS / "invalid-weight.yaml").read_text(encoding="utf-8")
    _, issues = check_rubric(text.replace("weight: 0", f"weight: {written}"), file="r.yaml")
    assert [(i.line, i.column, i.code, i.params["variant"], i.message) for i in issues] == [
        (13, 13, "invalid-weight", *expected)
    ]


@pytest.mark.parametrize("listed", ["", "references: []\n"])
def test_a_reference_cited_where_the_rubric_lists_none_is_unknown(
    tmp_path: Path, listed: str
) -> None:
    # Without a list every cited id is unknown: the report would link to anchors it never has.
    text = (RUBRICS / "unknown-reference.yaml").read_text(encoding="utf-8")
    declared = "references:\n  - {id: idea-2007, title: Voting from Abroad}\n"
    assert declared in text
    path = tmp_path / "r.yaml"
    path.write_text(text.replace(declared, listed), encoding="utf-8")
    _rubric, issues = check_rubric(path, file="r.yaml")
    line = 18 - 2 + listed.count("\n")
    assert [(i.file, i.line, i.column, i.code, i.params, i.severity) for i in issues] == [
        (
            "r.yaml",
            line,
            22,
            "unknown-reference",
            {"variant": "none_listed", "id": "idea-2008"},
            "error",
        )
    ]
    assert issues[0].message == (
        "no reference with id 'idea-2008': the rubric lists no references "
        "(declare it under `references:`)"
    )
