"""A quantitative indicator's formula that reads other nodes beside its variables.

``g.gap`` reads a levels indicator of a family written after its own; ``g.rated`` reads that
family's band's rating. Nodes are scored after those they read, wherever they are written.
The expected values are worked out by hand below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ovm import check_rubric
from ovm.cli.app import main
from ovm.scoring.scorejson import expand

RUBRIC = """\
ovm_rubric: 1
id: reads
version: "1"
title: {en: Reads}
languages: [en]
variables:
  - {name: votes, labels: {en: Votes}, unit: votes, type: count, source: statistics}
  - {name: registered, labels: {en: Registered}, unit: voters, type: count, source: statistics}
families:
  - id: g
    labels: {en: G}
    children:
      - id: g.gap
        kind: quantitative
        labels: {en: Gap between law and turnout}
        source: statistics
        formula: abs(score(f.law) - votes / registered * 100)
        rule: {type: goalposts, low: 0, high: 50, direction: lower}
      - id: g.rated
        kind: quantitative
        labels: {en: Rating of F}
        source: analyst
        formula: 100 / rating(f) + 0 * votes
        rule: {type: identity}
  - id: f
    labels: {en: F}
    bands:
      - {min: 0, max: 50, rating: 2, label: {en: Low}}
      - {min: 50, max: 100, rating: 1, label: {en: High}}
    children:
      - id: f.turnout
        kind: quantitative
        labels: {en: Turnout}
        source: statistics
        formula: votes / registered * 100
        rule: {type: identity}
      - id: f.law
        kind: levels
        labels: {en: Law}
        source: legal
        levels:
          - {key: none, score: 0, descriptor: {en: None}}
          - {key: part, score: 40, descriptor: {en: Part}}
          - {key: full, score: 100, descriptor: {en: Full}}
"""

# mission: (votes, registered, law) -> by hand:
# turnout = votes / registered * 100; f = mean(turnout, law); gap = |law - turnout|, scored
# 100 - 2 * gap (clipped); rated = 100 / rating(f), rating 1 when f >= 50, else 2.
MISSIONS = {
    "a": (30, 100, "full"),  # turnout 30, f 65 (High, 1): gap 70 -> 0, rated 100
    "b": (40, 100, "part"),  # turnout 40, f 40 (Low, 2): gap 0 -> 100, rated 50
    "c": (55, 100, "none"),  # turnout 55, f 27.5 (Low, 2): gap 55 -> 0, rated 50
    "d": (45, 100, None),  # no law: f is turnout alone, 45 (Low, 2): gap missing, rated 50
}
EXPECTED = {
    "a": {"f": 65.0, "g.gap": (70.0, 0.0), "g.rated": (100.0, 100.0)},
    "b": {"f": 40.0, "g.gap": (0.0, 100.0), "g.rated": (50.0, 50.0)},
    "c": {"f": 27.5, "g.gap": (55.0, 0.0), "g.rated": (50.0, 50.0)},
    "d": {"f": 45.0, "g.gap": (None, None), "g.rated": (50.0, 50.0)},
}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return write_workspace(tmp_path)


def write_workspace(tmp_path: Path) -> Path:
    """The workspace of :data:`RUBRIC` and :data:`MISSIONS` in the folder ``tmp_path``."""
    (tmp_path / "rubric.yaml").write_text(RUBRIC, encoding="utf-8")
    rows = []
    for mid, (votes, registered, law) in MISSIONS.items():
        answers = f", answers: {{f.law: {{value: {law}}}}}" if law else ""
        rows.append(
            f"  - {{id: {mid}, entity: {mid.upper()}, name: {mid}, period: 2025,"
            f" values: {{votes: {votes}, registered: {registered}}}{answers}}}\n"
        )
    (tmp_path / "missions.yaml").write_text("missions:\n" + "".join(rows), encoding="utf-8")
    (tmp_path / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\n", encoding="utf-8"
    )
    return tmp_path


def scores(ws: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, dict]]:
    assert main(["score", str(ws), "-q"]) == 0, capsys.readouterr().err
    data = expand(json.loads(capsys.readouterr().out))
    return {
        c["mission"]["id"]: {n["node"]: n for n in c["nodes"]} | {"": c} for c in data["scorecards"]
    }


def _r(x: float | None) -> float | None:
    """Rounded to 9 decimals: 55 / 100 * 100 is 55.00000000000001 in floating point."""
    return None if x is None else round(x, 9)


def test_the_rubric_is_valid() -> None:
    _rubric, issues = check_rubric(RUBRIC, file="reads.yaml")
    assert issues == []


def test_a_formula_reads_other_nodes_scored_before_it(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = scores(workspace, capsys)
    assert {
        m: {
            "f": _r(nodes["f"]["score"]),
            "g.gap": (_r(nodes["g.gap"]["value"]), _r(nodes["g.gap"]["score"])),
            "g.rated": (_r(nodes["g.rated"]["value"]), _r(nodes["g.rated"]["score"])),
        }
        for m, nodes in got.items()
    } == EXPECTED
    gap = got["a"]["g.gap"]["explanation"]["inputs"]
    assert [(i["name"], i["kind"], i["status"], i["value"]) for i in gap] == [
        ("votes", "variable", "value", 30),
        ("registered", "variable", "value", 100),
        ("score(f.law)", "node", "value", 100.0),
    ]
    rated = got["b"]["g.rated"]["explanation"]["inputs"]
    assert [(i["name"], i["value"]) for i in rated] == [("votes", 40), ("rating(f)", 2.0)]


def test_a_node_without_a_score_leaves_the_formula_without_one_and_says_why(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = scores(workspace, capsys)["d"]
    assert (d["g.gap"]["status"], d["g.gap"]["score"]) == ("missing", None)
    found = [
        (f["code"], f["node"], f["message"])
        for f in d[""]["findings"]
        if f["code"] == "formula-input-missing"
    ]
    assert found == [
        ("formula-input-missing", "g.gap", "the formula has no value for score(f.law)"),
    ]


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        # g.gap reads its own family: g waits for g.gap, which waits for g.
        ("abs(score(g) - votes)", [(17, 22, "node-cycle")]),
        ("score(g.gap) + votes", [(17, 18, "node-cycle")]),
        ("score(f.nothing) + votes", [(17, 18, "unknown-node")]),
        ("rating(f.law) + votes", [(17, 18, "no-rating")]),
        ("score(f.law) + voters", [(17, 33, "unknown-variable")]),
    ],
)
def test_what_an_indicators_formula_reads_is_checked_and_located(
    formula: str, expected: list[tuple[int, int, str]]
) -> None:
    text = RUBRIC.replace("abs(score(f.law) - votes / registered * 100)", formula)
    assert text != RUBRIC
    _rubric, issues = check_rubric(text, file="reads.yaml")
    assert [(i.line, i.column, i.code) for i in issues if i.severity == "error"] == expected


def test_validate_names_the_cycle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rubric.yaml"
    path.write_text(
        RUBRIC.replace("abs(score(f.law) - votes / registered * 100)", "score(g) + votes"),
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert (
        f"{path}:17:18 families[0].children[0].formula: nodes depend on themselves: "
        "g -> g.gap -> g in 'score(g) + votes' [node-cycle]"
    ) in err


def test_the_rubric_schema_says_an_indicators_formula_may_read_nodes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["schema", "rubric"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "may read other nodes" in schema["$defs"]["QuantitativeIndicator"]["description"]


def _stale(reader: str, read: str, how: str) -> str:
    return (
        f"the formula of {reader} reads {read}, which this comparison changes ({how}), and "
        f"{reader} would keep the score it has from the nominal results: leave what it reads "
        "out of the normalisation (normalise_nodes) and of the aggregation overrides"
    )


@pytest.mark.parametrize(
    ("args", "refused"),
    [
        ([], []),
        # Every indicator normalised: f.law, and f whose children are.
        (
            ["--normalisation", "minmax"],
            [
                _stale("g.gap", "f.law", "normalisation minmax"),
                _stale("g.rated", "f", "normalisation minmax"),
            ],
        ),
        # f aggregated another way: what g.rated reads moves, not what g.gap reads.
        (
            ["--aggregation", "f=geometric"],
            [_stale("g.rated", "f", "normalisation none, aggregation overrides")],
        ),
        (["--aggregation", "g=geometric"], []),
    ],
)
def test_compare_refuses_to_change_what_an_indicators_formula_reads(
    workspace: Path, capsys: pytest.CaptureFixture[str], args: list[str], refused: list[str]
) -> None:
    code = main(["compare", str(workspace), "-q", *args])
    _out, err = capsys.readouterr()
    assert (code, err) == ((2, f"ovm: {'; '.join(refused)}\n") if refused else (0, ""))


def test_only_the_nodes_normalised_count_as_changed() -> None:
    from ovm.settings import ComparisonSettings

    rubric, _issues = check_rubric(RUBRIC, file="reads.yaml")
    assert rubric is not None

    def changed(**kw: object) -> set[str]:
        return ComparisonSettings(**kw).changed_nodes(rubric)  # type: ignore[arg-type]

    assert changed() == set()
    # f.turnout moves f, its family, then g.rated that reads f, and g that holds it.
    assert changed(normalisation="minmax", normalise_nodes=("f.turnout",)) == {
        "f.turnout",
        "f",
        "g.rated",
        "g",
    }
    # An indicator that reads nodes may itself be normalised: nothing reads it.
    assert changed(normalisation="minmax", normalise_nodes=("g.gap",)) == {"g.gap", "g"}
    assert (
        ComparisonSettings(normalisation="minmax", normalise_nodes=("g.gap",)).problems(rubric)
        == []
    )


def test_the_sensitivity_analysis_says_such_formulas_keep_their_nominal_score(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sensitivity", str(workspace), "-q", "--runs", "8", "--format", "json"]) == 0
    notes = json.loads(capsys.readouterr().out)["notes"]
    assert (
        "g.gap, g.rated: a formula reading other nodes is not evaluated again in the runs; it "
        "keeps its nominal score whatever the runs change in the nodes it reads"
    ) in notes
