"""A kind defined in tests/ (tests/plugin_kind.py), registered, works end to end: validated with
its own check codes, dumped and loaded, scored with bootstrap intervals, compared, reported.

Nothing under ovm/ knows the ratio kind: everything goes through the registry.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import ovm
from ovm import RubricError, check_rubric, dump_rubric, load_rubric
from ovm.indicators import registry
from ovm.indicators.text import Wording
from ovm.rubric.checks import all_codes
from ovm.scoring.engine import score
from tests.plugin_kind import RatioKind, registered

MINI = Path(__file__).parent / "data" / "mini"

RUBRIC = """\
ovm_rubric: 1
id: plug
version: "1"
title: {en: Plug-in kind, es: Tipo añadido}
languages: [en, es]
bands:
  - {min: 0, max: 50, label: {en: Weak, es: Débil}}
  - {min: 50, max: 100, label: {en: Strong, es: Fuerte}}
variables:
  - {name: registered_abroad, labels: {en: Registered, es: Inscritos}, unit: voters,
     type: count, source: statistics}
  - {name: votes_abroad, labels: {en: Votes, es: Votos}, unit: votes, type: count,
     source: statistics, at_most: registered_abroad}
  - name: turned_away_mean
    labels: {en: Turned away, es: Rechazados}
    unit: voters
    source: checklist
    from_sites: {question: practice.turned_away, stat: mean}
  - name: queue_mean
    labels: {en: Queue, es: Fila}
    unit: minutes
    source: checklist
    from_sites: {question: practice.queue, stat: mean}
families:
  - id: rights
    labels: {en: Rights, es: Derechos}
    children:
      - id: rights.basis
        kind: levels
        labels: {en: Legal basis, es: Base legal}
        source: legal
        levels:
          - {key: none, score: 0, descriptor: {en: None, es: Ninguna}}
          - {key: statute, score: 60, descriptor: {en: Statute, es: Ley}}
          - {key: constitution, score: 100, descriptor: {en: Constitution, es: Constitución}}
      - id: rights.postal
        kind: answer
        labels: {en: Postal vote, es: Voto postal}
        source: legal
        allow_na: true
      - id: rights.turnout
        kind: ratio
        labels: {en: Turnout, es: Participación}
        source: statistics
        numerator: votes_abroad
        denominator: registered_abroad
        rule: {type: goalposts, low: 10, high: 60}
  - id: practice
    labels: {en: Practice, es: Práctica}
    children:
      - id: practice.on_time
        kind: checklist
        labels: {en: On time, es: A tiempo}
        source: checklist
        question: {en: "On time?", es: "¿A tiempo?"}
        not_applicable: true
        min_answers: 3
      - id: practice.queue
        kind: checklist
        labels: {en: Queue, es: Fila}
        source: checklist
        question: {en: Minutes, es: Minutos}
        answer_type: integer
        stat: median
        rule: {type: goalposts, low: 10, high: 120, direction: lower}
        min_answers: 3
      - id: practice.turned_away
        kind: checklist
        labels: {en: Turned away, es: Rechazados}
        source: checklist
        question: {en: "How many?", es: "¿Cuántos?"}
        answer_type: integer
        stat: mean
        rule: {type: goalposts, low: 0, high: 20, direction: lower}
        min_answers: 3
      - id: practice.ratio
        kind: ratio
        labels: {en: Turned away per 100 queue minutes, es: Rechazados por 100 minutos}
        source: checklist
        numerator: turned_away_mean
        denominator: queue_mean
        rule: {type: goalposts, low: 0, high: 10, direction: lower}
      - id: practice.formula
        kind: quantitative
        labels: {en: The same as a formula, es: Lo mismo como fórmula}
        source: checklist
        formula: turned_away_mean / queue_mean * 100
        rule: {type: goalposts, low: 0, high: 10, direction: lower}
  - id: comparative
    labels: {en: Comparative, es: Comparativo}
    children:
      - id: comparative.best
        kind: comparative
        labels: {en: Distance to best, es: Distancia al mejor}
        source: analyst
        measure: distance_to_best
        target: practice
"""


@pytest.fixture
def ratio() -> Iterator[RatioKind]:
    with registered() as unit:
        yield unit


@pytest.fixture
def workspace(tmp_path: Path, ratio: RatioKind) -> ovm.Workspace:
    for name in ("missions.yaml", "statistics.csv", "checklists.csv"):
        shutil.copy(MINI / name, tmp_path / name)
    (tmp_path / "rubric.yaml").write_text(RUBRIC, encoding="utf-8")
    (tmp_path / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\nstatistics: [statistics.csv]\n"
        "checklists: [{path: checklists.csv, simulated: true}]\n"
        "settings: {seed: 7, bootstrap: 50}\n",
        encoding="utf-8",
    )
    return ovm.load_workspace(tmp_path)


def at(text: str, field: str, nth: int = 0) -> tuple[int, int]:
    """Where the value of the ``nth`` line holding ``field`` (``key: value``) starts."""
    hits = [
        (n, line.index(field) + field.index(": ") + 3)
        for n, line in enumerate(text.splitlines(), 1)
        if field in line
    ]
    return hits[nth]


def node(card: ovm.Scorecard, node_id: str) -> ovm.NodeScore:
    return next(ns for ns in card.nodes if ns.node == node_id)


# --- validation --------------------------------------------------------------------------------


def test_an_unregistered_kind_is_unknown_and_a_registered_one_is_accepted() -> None:
    _rubric, issues = check_rubric(RUBRIC, file="r.yaml")
    assert [(i.line, i.column, i.code) for i in issues] == [
        (*at(RUBRIC, "kind: ratio", 0), "unknown-kind"),
        (*at(RUBRIC, "kind: ratio", 1), "unknown-kind"),
    ]
    assert "expected one of levels, answer, checklist, quantitative, comparative" in (
        issues[0].message
    )
    with registered():
        rubric, issues = check_rubric(RUBRIC, file="r.yaml")
        assert issues == []
        assert rubric is not None
        assert [registry.kind_of(n).key for n in rubric.indicators()] == [
            "levels",
            "answer",
            "ratio",
            "checklist",
            "checklist",
            "checklist",
            "ratio",
            "quantitative",
            "comparative",
        ]
    # Forgotten again once the block ends.
    assert registry.find_kind("ratio") is None


def test_the_schema_lists_a_registered_kind(ratio: RatioKind) -> None:
    schema = ovm.rubric_schema()
    assert "RatioIndicator" in schema["$defs"]
    refs = [m["$ref"] for m in schema["$defs"]["Group"]["properties"]["children"]["items"]["oneOf"]]
    assert refs[-1] == "#/$defs/RatioIndicator"
    assert schema["$defs"]["RatioIndicator"]["properties"]["kind"]["const"] == "ratio"


def test_the_kinds_own_check_reports_its_codes_where_the_mistake_is(ratio: RatioKind) -> None:
    text = RUBRIC.replace("denominator: queue_mean", "denominator: turned_away_mean")
    text = text.replace("numerator: votes_abroad", "numerator: votes")
    rubric, issues = check_rubric(text, file="r.yaml")
    assert [(i.line, i.column, i.code) for i in issues] == [
        (*at(text, "numerator: votes"), "unknown-variable"),
        (*at(text, "denominator: turned_away_mean"), "ratio-of-itself"),
    ]
    # The variables only the ratio read are used, so no unused-variable warning: 'queue_mean'
    # is still read by the formula, 'votes_abroad' bounds nothing and nothing reads it now.
    with pytest.raises(RubricError) as info:
        load_rubric(text, file="r.yaml")
    assert [e.code for e in info.value.errors] == ["unknown-variable", "ratio-of-itself"]
    assert rubric is not None  # the schema is satisfied: these are the kind's own checks


def test_a_variable_only_the_kind_reads_is_used(ratio: RatioKind) -> None:
    text = RUBRIC.replace("formula: turned_away_mean / queue_mean * 100", "formula: queue_mean")
    _rubric, issues = check_rubric(text, file="r.yaml")
    assert issues == []
    text = text.replace("numerator: turned_away_mean", "numerator: queue_mean")
    _rubric, issues = check_rubric(text, file="r.yaml")
    assert [(i.code, i.severity) for i in issues] == [
        ("unused-variable", "warning"),
        ("ratio-of-itself", "error"),
    ]
    assert "turned_away_mean" in issues[0].message


def test_each_kind_names_the_variables_its_node_reads_as_written(ratio: RatioKind) -> None:
    # A kind that reads no variables answers without dumping its node; one that reads some
    # (built in or registered, like the ratio, which defines only variables_in) reads them
    # from the node as written.
    rubric = load_rubric(RUBRIC, file="r.yaml")
    read = {n.id: registry.kind_of(n).variables(n) for n in rubric.indicators()}
    as_written = {
        n.id: tuple(dict.fromkeys(registry.kind_of(n).variables_in(n.model_dump(mode="json"))))
        for n in rubric.indicators()
    }
    assert read == as_written
    assert read == {
        "rights.basis": (),
        "rights.postal": (),
        "rights.turnout": ("votes_abroad", "registered_abroad"),
        "practice.on_time": (),
        "practice.queue": (),
        "practice.turned_away": (),
        "practice.ratio": ("turned_away_mean", "queue_mean"),
        "practice.formula": ("turned_away_mean", "queue_mean"),
        "comparative.best": (),
    }


def test_the_registry_lists_the_kinds_codes_while_it_is_registered(ratio: RatioKind) -> None:
    assert all_codes()["kind ratio"] == ("ratio-of-itself", "unknown-variable")


def test_a_rubric_with_the_kind_survives_dump_and_load(ratio: RatioKind) -> None:
    rubric = load_rubric(RUBRIC)
    again = load_rubric(dump_rubric(rubric))
    assert again == rubric
    assert again.digest() == rubric.digest()
    assert "kind: ratio" in dump_rubric(rubric)


# --- scoring -----------------------------------------------------------------------------------


def test_the_kind_scores_missions_with_bootstrap_intervals(workspace: ovm.Workspace) -> None:
    # The mini data visit 3-4 places: intervals from so few need the minimum lowered.
    scores = score(workspace.rubric, workspace.observations, seed=7, bootstrap=50, min_places=1)
    aaa, bbb = scores.scorecards
    # aaa-2020: 350 votes of 1000 registered = 35%, halfway between the goalposts 10 and 60.
    turnout = node(aaa, "rights.turnout")
    assert (turnout.status, turnout.value, turnout.score) == ("scored", 35.0, 50.0)
    assert turnout.interval is None and not turnout.sampled  # mission data: no resampling
    # Turned away 0, 2, 0, 1 (mean 0.75) per queue 15, 40, 5 minutes (mean 20): 3.75 per 100,
    # scored lower-is-better between 0 and 10: 62.5.
    ratio = node(aaa, "practice.ratio")
    assert ratio.status == "scored"
    assert ratio.value == pytest.approx(3.75)
    assert ratio.score == pytest.approx(62.5)
    assert ratio.sampled and ratio.interval is not None
    lo, hi = ratio.interval
    assert 0.0 <= lo < 62.5 < hi <= 100.0
    assert ratio.explanation.rule == (
        "ratio turned_away_mean / queue_mean in %; goalposts: 10 scores 0, 0 scores 100, "
        "linear and clipped"
    )
    assert [i.name for i in ratio.explanation.inputs] == ["turned_away_mean", "queue_mean"]
    # bbb-2021 has no votes, and two answers where three are needed.
    assert node(bbb, "rights.turnout").status == "missing"
    assert node(bbb, "practice.ratio").status == "missing"
    codes = {(f.node, f.code) for f in bbb.findings}
    assert {("rights.turnout", "missing-input"), ("practice.ratio", "too-few-answers")} <= codes
    # The family's interval carries the kind's replicates up the tree.
    assert node(aaa, "practice").interval is not None


def test_the_kind_scores_as_the_same_ratio_written_as_a_formula(workspace: ovm.Workspace) -> None:
    scores = score(workspace.rubric, workspace.observations, seed=7, bootstrap=50)
    for card in scores.scorecards:
        mine, formula = node(card, "practice.ratio"), node(card, "practice.formula")
        assert (mine.status, mine.value, mine.score, mine.interval, mine.sampled) == (
            formula.status,
            formula.value,
            formula.score,
            formula.interval,
            formula.sampled,
        )


def test_a_rubric_loaded_with_a_kind_cannot_be_scored_once_it_is_unregistered(
    workspace: ovm.Workspace,
) -> None:
    rubric = workspace.rubric
    registry.unregister_kind("ratio")
    try:
        with pytest.raises(KeyError, match="ratio"):
            score(rubric, workspace.observations, bootstrap=0)
    finally:
        registry.register_kind(RatioKind())


# --- describing --------------------------------------------------------------------------------


def test_the_kind_describes_itself_in_each_language(ratio: RatioKind) -> None:
    rubric = load_rubric(RUBRIC)
    ind = rubric.node("practice.ratio")
    unit = registry.kind_of(ind)  # type: ignore[arg-type]
    assert unit.label("es") == "razón"
    assert unit.label("fr") == "ratio"
    assert unit.describe(ind, "es", rubric) == (
        "turned_away_mean por cada 100 queue_mean; 10 puntúa 0 y 0 puntúa 100, lineal entre ambos"
    )
    assert unit.describe(ind, "en", rubric, with_formula=False) == (
        "10 scores 0 and 0 scores 100, linear in between"
    )
    assert unit.value_text(ind, 3.75, "es") == Wording("3,75")


# --- comparison and report (they dispatch through the registry) -------------------------------


def test_the_comparison_ranks_and_scores_from_the_kind(workspace: ovm.Workspace) -> None:
    scores = score(workspace.rubric, workspace.observations, seed=7, bootstrap=50)
    comparison = ovm.compare(scores, workspace.rubric, observations=workspace.observations)
    cards = {c.mission.id: c for c in comparison.scores.scorecards}
    assert node(cards["aaa-2020"], "practice.ratio").score == pytest.approx(62.5)
    # Family 7 reads the family that holds the kind: aaa-2020 is the only mission scored on
    # it, so its distance to the best compares it with nobody and is not scored.
    assert node(cards["aaa-2020"], "comparative.best").status == "insufficient"
    assert [f.params for f in cards["aaa-2020"].findings if f.code == "comparative-no-target"] == [
        {"variant": "alone", "target": "practice"}
    ]


def test_the_report_explains_the_kind(workspace: ovm.Workspace) -> None:
    run = ovm.analyse(workspace)
    for lang, rule in (("en", "10 scores 0 and 0 scores 100"), ("es", "10 puntúa 0 y 0 puntúa")):
        html = ovm.render_html(ovm.report_context(run, lang=lang))
        assert "Turned away per 100 queue minutes" in html or "Rechazados por 100" in html
        assert rule in html
        assert "razón" in html if lang == "es" else "ratio" in html
    mission = ovm.report_context(run, mission="aaa-2020", lang="es")
    text = json.dumps(mission, ensure_ascii=False, default=str)
    assert "turned_away_mean por cada 100 queue_mean" in text
