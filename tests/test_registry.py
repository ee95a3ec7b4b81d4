"""The registry of kinds and rules: registration, lookups, what units say about themselves.

How a unit describes a node must read as the reports read today, so writers can ask the unit
instead of telling kinds apart: the comparison and mission reports of the example workspace
are the reference.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import ovm
from ovm.errors import Issue
from ovm.indicators import registry
from ovm.indicators.levels import LevelsIndicator, LevelsKind
from ovm.indicators.rules import Bands, Cohort, Goalposts, Identity, Target
from ovm.indicators.validation import Document, RawNode, node_check
from ovm.rubric.checks import RUBRIC_CHECKS, run_checks
from ovm.yamldoc import parse_yaml

EXAMPLES = Path(__file__).parents[1] / "examples"
BUILTIN_KINDS = ["levels", "answer", "checklist", "quantitative", "comparative"]
BUILTIN_RULES = ["identity", "goalposts", "bands", "target", "cohort"]


def test_the_built_in_kinds_and_rules_are_registered_in_the_methodology_order() -> None:
    assert [k.key for k in registry.kinds()] == BUILTIN_KINDS
    assert [r.key for r in registry.rules()] == BUILTIN_RULES
    assert {k.key: k.evidence for k in registry.kinds()} == {
        "levels": "answers",
        "answer": "answers",
        "checklist": "sites",
        "quantitative": "variables",
        "comparative": "nodes",
    }
    assert registry.kind("levels").model is LevelsIndicator
    assert registry.rule_unit("bands").model is Bands
    assert registry.find_kind("nope") is None and registry.find_kind(3) is None
    assert registry.find_rule(None) is None


def test_a_kind_is_registered_once_under_its_models_kind() -> None:
    with pytest.raises(ValueError, match="already registered"):
        registry.register_kind(LevelsKind())

    class Misnamed(LevelsKind):
        key = "stairs"

    with pytest.raises(ValueError, match="differs"):
        registry.register_kind(Misnamed())
    with pytest.raises(ValueError, match="already registered"):
        registry.register_rule(Bands)
    assert [k.key for k in registry.kinds()] == BUILTIN_KINDS


def test_a_check_that_emits_a_code_it_does_not_declare_is_a_programming_error() -> None:
    @node_check("declared-code")
    def sloppy(doc: Document, node: RawNode) -> Iterator[Issue]:
        yield doc.issue(node.path, "other-code", "oops")

    doc = Document(parse_yaml("families: [{id: f, labels: {en: F}}]\n", "r.yaml")[0])
    with pytest.raises(RuntimeError, match="other-code"):
        sloppy(doc, doc.nodes[0])


def test_each_check_owns_distinct_codes_and_a_docstring() -> None:
    checks = [
        *RUBRIC_CHECKS,
        *(c for k in registry.kinds() for c in (*k.checks, *k.rubric_checks)),
        *(c for r in registry.rules() for c in r.checks),
    ]
    assert len({c.name for c in checks}) == len(checks)
    for check in checks:
        assert check.fn.__doc__, check.name
        assert check.codes == tuple(dict.fromkeys(check.codes))


def test_run_checks_finds_nothing_in_the_bundled_rubric() -> None:
    text = (Path(ovm.__file__).parent / "rubrics" / "deco-voting-abroad.yaml").read_text()
    doc, issues = parse_yaml(text, "deco.yaml")
    assert doc is not None and issues == []
    assert run_checks(doc) == []


# --- rules: apply, interval, describe ---------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "lo", "hi", "expected"),
    [
        (Identity(type="identity"), [-5.0, 20.0], [50.0, 150.0], ([0.0, 20.0], [50.0, 100.0])),
        (Goalposts(type="goalposts", low=10, high=60), [20.0], [35.0], ([20.0], [50.0])),
        (
            Goalposts(type="goalposts", low=10, high=60, direction="lower"),
            [20.0],
            [35.0],
            ([50.0], [80.0]),
        ),
        # A target peaks inside the interval: 100, although both ends score less.
        (Target(type="target", target=50, span=25), [40.0], [70.0], ([20.0], [100.0])),
        (Target(type="target", target=50, span=25), [60.0], [70.0], ([20.0], [60.0])),
        # Bands touched by the interval, in any order of scores; none: NaN.
        (
            Bands(
                type="bands",
                bands=[
                    {"max": 10, "score": 30},
                    {"min": 10, "max": 20, "score": 90},
                    {"min": 20, "score": 10},
                ],
            ),
            [5.0, 30.0],
            [15.0, 40.0],
            ([30.0, 10.0], [90.0, 10.0]),
        ),
        (
            Bands(type="bands", bands=[{"min": 0, "max": 10, "score": 30}]),
            [20.0],
            [30.0],
            ([np.nan], [np.nan]),
        ),
    ],
)
def test_a_rule_maps_an_interval_of_values_to_the_range_of_its_scores(
    rule: registry.RuleBase,
    lo: list[float],
    hi: list[float],
    expected: tuple[list[float], list[float]],
) -> None:
    low, high = rule.interval(np.array(lo), np.array(hi))
    np.testing.assert_allclose(low, expected[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(high, expected[1], rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("rule", "en", "es"),
    [
        (
            Identity(type="identity"),
            "the value is the score (kept within 0–100)",
            "el valor es el puntaje (limitado a 0–100)",
        ),
        (
            Goalposts(type="goalposts", low=10, high=60.5, direction="lower"),
            "60.5 scores 0 and 10 scores 100, linear in between",
            "60,5 puntúa 0 y 10 puntúa 100, lineal entre ambos",
        ),
        (
            Bands(
                type="bands",
                bands=[
                    {"max": 1.5, "score": 100},
                    {"min": 1.5, "max": 5, "score": 50},
                    {"min": 5, "score": 0},
                ],
            ),
            "value bands: [−∞, 1.5) → 100; [1.5, 5) → 50; [5, ∞) → 0",
            "bandas de valores: [−∞, 1,5) → 100; [1,5, 5) → 50; [5, ∞) → 0",
        ),
        (
            Target(type="target", target=25, tolerance=2, span=10),
            "100 within ±2 of 25, 0 beyond ±12",
            "100 dentro de ±2 de 25, 0 más allá de ±12",
        ),
    ],
)
def test_a_rule_describes_itself_in_the_readers_language(
    rule: registry.RuleBase, en: str, es: str
) -> None:
    assert (rule.describe("en"), rule.describe("es")) == (en, es)
    assert rule.describe() == rule.explain()


def test_a_cohort_rule_is_never_applied_alone() -> None:
    rule = Cohort(type="cohort", method="zscore")
    assert rule.cohort and not Goalposts.cohort
    with pytest.raises(TypeError):
        rule.apply(np.array([1.0]))
    assert rule.describe() == "cohort zscore normalisation (higher is better)"
    assert rule.describe("es") == "normalizado en el conjunto (puntaje z; más alto es mejor)"
    assert (
        # French sets a narrow no-break space before the semicolon
        rule.describe("fr")
        == "normalisé sur la cohorte (score z\u202f; plus c'est élevé, mieux c'est)"
    )
    # A language the catalogue lacks reads in English.
    assert rule.describe("de") == "normalised across the cohort (z-score; higher is better)"


# --- what units say reads as the reports read -------------------------------------------------


@pytest.fixture(scope="module")
def run() -> ovm.Run:
    return ovm.analyse(EXAMPLES)


def _label(label: dict[str, Any] | None) -> tuple[str, str | None] | None:
    return None if label is None else (label["text"], label["lang"])


@pytest.mark.parametrize("lang", ["en", "es"])
def test_units_describe_every_node_as_the_methodology_section_does(run: ovm.Run, lang: str) -> None:
    rubric = run.rubric
    tree = ovm.report_context(run, lang=lang)["methodology"]["tree"]
    seen = 0
    for item in tree:
        if item["is_group"]:
            continue
        ind = rubric.node(item["id"])
        unit = registry.kind_of(ind)  # type: ignore[arg-type]
        assert unit.describe(ind, lang, rubric) == item["rule"], item["id"]
        assert unit.label(lang) == item["kind_text"]
        formula = unit.formula_text(ind, lang) if unit.formula_is_code else None
        assert formula == item["formula"]
        seen += 1
    assert seen == len(rubric.indicators())


@pytest.mark.parametrize("lang", ["en", "es"])
def test_units_say_values_and_formulas_as_the_mission_report_does(run: ovm.Run, lang: str) -> None:
    rubric = run.rubric
    checked = 0
    for mission in run.missions[:4]:
        ctx = ovm.report_context(run, mission=mission, lang=lang)
        card = run.scorecard(mission)
        scores = {ns.node: ns for ns in card.nodes}
        for family in ctx["families"]:
            for item in family["items"]:
                if item["is_group"]:
                    continue
                ind = rubric.node(item["id"])
                unit = registry.kind_of(ind)  # type: ignore[arg-type]
                ns = scores[item["id"]]
                value = None if ns.value is None else unit.value_text(ind, ns.value, lang)
                assert (None if value is None else (value.text, value.lang)) == _label(
                    item["value"]
                ), item["id"]
                formula = unit.formula_text(ind, lang) or ns.explanation.formula
                assert formula == item["formula"], item["id"]
                rule = unit.describe(ind, lang, rubric, with_formula=False)
                assert (rule or ns.explanation.rule) == item["rule"], item["id"]
                checked += 1
    assert checked > 100


def test_cohort_scored_and_rule_say_what_compare_must_score() -> None:
    rubric = ovm.load_rubric(Path(__file__).parent / "data" / "mini" / "rubric.yaml")
    flags = {
        n.id: (registry.kind_of(n).cohort_scored(n), type(registry.kind_of(n).rule(n)).__name__)
        for n in rubric.indicators()
    }
    assert flags["comparative.best"] == (True, "NoneType")
    assert flags["rights.turnout"] == (False, "Goalposts")
    assert flags["practice.on_time"] == (False, "NoneType")
    text = (Path(__file__).parent / "data" / "mini" / "rubric.yaml").read_text()
    text = text.replace("{type: goalposts, low: 10, high: 60}", "{type: cohort}")
    rubric = ovm.load_rubric(text)
    node = rubric.node("rights.turnout")
    assert registry.kind_of(node).cohort_scored(node)  # type: ignore[arg-type]
    assert registry.kind_of(node).variables(node) == (  # type: ignore[arg-type]
        "votes_abroad",
        "registered_abroad",
    )


def test_the_kinds_built_in_defaults_are_what_validating_them_gives() -> None:
    # They are made without validating, so that importing ovm builds no validator: each must
    # be the very object validation makes, values, their types and the fields set alike.
    from ovm.indicators import AnswerIndicator, AnswerScores, Choice, Scale
    from ovm.indicators._common import DEFAULT_SCALE
    from ovm.indicators.checklist import YES_NO

    made = [DEFAULT_SCALE, AnswerIndicator.model_fields["scores"].default, *YES_NO]
    validated = [
        Scale.model_validate({}),
        AnswerScores.model_validate({}),
        *(Choice.model_validate(c.model_dump(exclude_unset=True)) for c in YES_NO),
    ]
    assert [(repr(m), m.model_fields_set) for m in made] == [
        (repr(v), v.model_fields_set) for v in validated
    ]
    assert [type(m) for m in made] == [Scale, AnswerScores, Choice, Choice]
