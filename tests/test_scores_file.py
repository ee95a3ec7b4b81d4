"""The scores file (``ovm-scores/2``): each fact once, and nothing lost.

Reading a file back gives the very score set that was written, for the example workspace, the
annual index and any score set hypothesis makes up (overrides, odd values and all); every
datum a score reads still leads to its file, line and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import ovm
from ovm.cli.app import main
from ovm.data.observations import Provenance
from ovm.errors import Issue
from ovm.reporting.tables import comparison_to_dict
from ovm.scoring.results import (
    Contribution,
    Explanation,
    Finding,
    InputValue,
    MissionInfo,
    NodeScore,
    RubricRef,
    Scorecard,
    ScoreSet,
    SiteNote,
)
from ovm.scoring.scorejson import expand
from ovm.scoring.scoreschema import ScoresFile, schema

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
ANNUAL = Path(__file__).parent / "data" / "annual_index"


@pytest.fixture(scope="module")
def examples() -> ovm.Run:
    return ovm.analyse(EXAMPLES, ovm.Settings(bootstrap=20))


@pytest.fixture(scope="module")
def annual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from test_annual_index import missions

    ws = tmp_path_factory.mktemp("annual")
    shutil.copy(ANNUAL / "rubric.yaml", ws / "rubric.yaml")
    (ws / "missions.yaml").write_text(
        yaml.safe_dump({"missions": missions()}, sort_keys=False), encoding="utf-8"
    )
    (ws / "ovm.yaml").write_text("rubric: rubric.yaml\nmissions: missions.yaml\n", "utf-8")
    return ws


def test_the_example_scores_read_back_whole(examples: ovm.Run) -> None:
    text = examples.scores.to_json()
    assert ScoreSet.from_json(text) == examples.scores
    assert ScoreSet.from_json(text.encode("utf-8")) == examples.scores
    # The comparison embeds the same file's data, laid out the same way.
    compared = ovm.comparison_json(examples.comparison)
    assert json.loads(compared) == comparison_to_dict(examples.comparison)
    assert json.loads(compared)["scores"] == json.loads(text)
    assert text.rstrip("\n").replace("\n", "\n ") in compared


def test_the_cli_writes_the_scores_the_api_returns(
    annual: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.json"
    assert main(["score", str(annual), "-q", "-o", str(out)]) == 0
    assert ScoreSet.from_json(out.read_bytes()) == ovm.analyse(annual).scores


def test_each_provenance_and_datum_is_written_once(examples: ovm.Run) -> None:
    data = json.loads(examples.scores.to_json())
    rows = [json.dumps(p, sort_keys=True) for p in data["provenance"]]
    assert len(rows) == len(set(rows))
    for card in data["scorecards"]:
        datums = [json.dumps(d, sort_keys=True) for d in card["data"]]
        assert len(datums) == len(set(datums))
        # No input carries its provenance inline: inputs name data by index.
        for entry in (card["overall"], *card["nodes"]):
            for i in entry.get("inputs", []):
                assert isinstance(i, int) or i["kind"] == "node"
                assert isinstance(i, int) or "provenance" not in i
    # The rubric's structure is not repeated by the scorecards when it is the same.
    entries = [e for c in data["scorecards"] for e in c["nodes"]]
    assert not any("kind" in e or "parent" in e or "level" in e for e in entries)


def _cell(path: Path, line: int, column: str) -> str:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        for row in reader:
            if reader.line_num == line:
                return row[column]
    raise AssertionError(f"{path} has no line {line}")


def test_every_input_leads_to_its_file_line_and_column(examples: ovm.Run) -> None:
    """From a score to the cell it was computed from, through the ids alone."""
    data = json.loads(examples.scores.to_json())
    seen = {"yaml": 0, "csv": 0}
    for card in data["scorecards"]:
        mission = card["mission"]["id"]
        for entry in card["nodes"]:
            for i in entry.get("inputs", []):
                if not isinstance(i, int) or "provenance" not in card["data"][i]:
                    continue
                datum = card["data"][i]
                source = data["provenance"][datum["provenance"]]
                path = ROOT / source["file"]
                if path.suffix == ".csv":
                    # The row is the line, the column the variable's own.
                    assert _cell(path, datum["line"], "mission") == mission
                    cell = _cell(path, datum["line"], datum["name"])
                    if datum.get("status", "value") == "value":
                        assert float(cell) == datum["value"]
                    seen["csv"] += 1
                else:
                    lines = path.read_text(encoding="utf-8").splitlines()
                    assert lines[datum["line"] - 2].strip() == f"{datum['name']}:"
                    assert lines[datum["line"] - 1].strip().split(":")[0] in ("value", "status")
                    seen["yaml"] += 1
    assert seen["csv"] > 50 and seen["yaml"] > 100


def test_the_file_follows_its_schema(annual: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(annual), "-q"]) == 0
    text = capsys.readouterr().out
    assert main(["schema", "scores"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == schema()
    assert {"nodes", "provenance", "findings", "scorecards"} <= set(printed["properties"])
    assert printed["properties"]["format"]["const"] == "ovm-scores/2"
    data = json.loads(text)
    ScoresFile.model_validate(data)
    # Every key the file writes is one the schema names.
    defs = printed["$defs"]
    assert set(data) <= set(printed["properties"])
    for card in data["scorecards"]:
        assert set(card) <= set(defs["Card"]["properties"])
        for e in card["nodes"]:
            assert set(e) <= set(defs["Entry"]["properties"])
        for d in card["data"]:
            assert set(d) <= set(defs["Datum"]["properties"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "ovm-comparison/3"}', "not an ovm scores file (format 'ovm-comparison/3'"),
        ("[1, 2]", "not an ovm scores file (format None"),
        ('{"format": "ovm-scores/2", "nodes": {}}', "a damaged ovm-scores/2 file: KeyError"),
        ("[" * 100000 + "]" * 100000, "not an ovm scores file (nested too deeply"),
    ],
)
def test_a_file_that_is_not_a_scores_file_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        ScoreSet.from_json(text)


def test_a_file_of_the_previous_format_still_reads(examples: ovm.Run) -> None:
    old = examples.scores.model_dump(mode="json") | {"format": "ovm-scores/1"}
    assert ScoreSet.from_json(json.dumps(old)) == examples.scores


# --- any score set ---------------------------------------------------------------------------

NODES = ("a", "a.x", "a.y", "b", "b.z")
PARENTS = {"a": "overall", "a.x": "a", "a.y": "a", "b": "overall", "b.z": "b"}
KIDS = {"overall": ("a", "b"), "a": ("a.x", "a.y"), "b": ("b.z",)}
STATUSES = ("scored", "missing", "not_applicable", "insufficient", "pending", "undefined")

text = st.sampled_from(["", "x", "Élection", "a\nb", "rating(a)", "1"])
maybe_text = st.none() | text
number = st.sampled_from([0.0, -0.0, 1.0, 2.5, -4.0, 100.0, 1e-9, 57.29551993423757])
maybe_number = st.none() | number
value = st.none() | number | text


@st.composite
def provenances(draw: st.DrawFn) -> Provenance | None:
    if draw(st.booleans()):
        return None
    return Provenance(
        source=draw(st.sampled_from([None, "law", "INE"])),
        date=draw(st.sampled_from([None, dt.date(2024, 6, 2)])),
        confidence=draw(st.sampled_from([None, "high", "low"])),
        recorded_by=draw(maybe_text),
        note=draw(maybe_text),
        file=draw(st.sampled_from([None, "missions.yaml", "stats.csv"])),
        line=draw(st.none() | st.integers(1, 9)),
    )


@st.composite
def inputs(draw: st.DrawFn) -> InputValue:
    kind = draw(st.sampled_from(["variable", "answer", "question", "node"]))
    name = draw(
        st.sampled_from(["v", "a.x", "rating(a)", "value(b)", "band(a)", "score(b.z)", "a@m1"])
    )
    counts = st.none() | st.integers(0, 9)
    return InputValue(
        name=name,
        kind=kind,
        status=draw(st.sampled_from(["value", "missing", "not_applicable"])),
        value=draw(value),
        n=draw(counts),
        accepted=draw(counts),
        not_applicable=draw(counts),
        not_observed=draw(counts),
        simulated=draw(st.booleans()),
        provenance=draw(provenances()),
    )


notes = st.builds(
    SiteNote,
    site=maybe_text,
    city=st.none(),
    country=st.none(),
    observer=maybe_text,
    visited_at=st.none(),
    text=text,
    simulated=st.booleans(),
)


def _twin(x: Any) -> Any:
    """A value equal to ``x`` in Python that JSON writes differently."""
    if isinstance(x, float):
        return -x if x == 0 else int(x) if x.is_integer() else x
    return x


def _consistent(card: list[NodeScore]) -> list[NodeScore]:
    """The scorecard with each group's children's statuses and scores its children's own, as
    the engine writes them."""
    by_id = {n.node: n for n in card}
    out = []
    for n in card:
        kids = tuple(
            c.model_copy(update={"status": by_id[c.node].status, "score": by_id[c.node].score})
            if c.node in by_id
            else c
            for c in n.explanation.children
        )
        out.append(
            n.model_copy(
                update={"explanation": n.explanation.model_copy(update={"children": kids})}
            )
        )
    return out


@st.composite
def node_scores(draw: st.DrawFn, node: str, pool: list[SiteNote]) -> NodeScore:
    kids = KIDS.get(node, ())
    if kids and draw(st.booleans()):
        kids = kids[:1]
    band = draw(st.none() | st.integers(0, 2))
    own_value = draw(value)
    own_score = draw(maybe_number)
    return NodeScore(
        node=node,
        parent=PARENTS.get(node) if draw(st.integers(0, 5)) else "elsewhere",
        level=node.count(".") + (0 if node == "overall" else 1),
        kind=draw(st.sampled_from(["family", "levels", "checklist"])),
        value=own_value,
        score=own_score,
        coverage=draw(st.sampled_from([1.0, 0.0, 0.5])),
        status=draw(st.sampled_from(STATUSES)),
        band=band,
        band_label=draw(st.sampled_from(["Low", "High", None])) if band is not None else None,
        rating=draw(st.none() | st.sampled_from([1.0, 7.0])),
        interval=draw(st.none() | st.tuples(number, number)),
        sampled=draw(st.booleans()),
        explanation=Explanation(
            inputs=tuple(draw(st.lists(inputs(), max_size=3))),
            formula=draw(st.sampled_from([None, "(rating(a) + value(b)) / 2"])),
            # Mostly the node's own (what the file leaves out), sometimes a twin of it
            # (0.0 for -0.0, 1 for 1.0) or another value.
            raw_value=draw(st.sampled_from([own_value, _twin(own_value)]) | value),
            rule=draw(st.sampled_from([None, "levels: 0=0", "cohort minmax"])),
            score=draw(st.sampled_from([own_score, _twin(own_score)]) | maybe_number),
            aggregation=draw(st.sampled_from([None, "arithmetic", "sum"])),
            children=tuple(
                Contribution(
                    node=k,
                    status=draw(st.sampled_from(STATUSES)),
                    score=draw(maybe_number),
                    weight=draw(st.sampled_from([1.0, 0.5, 2.0])),
                    share=draw(st.none() | st.sampled_from([1.0, -1.0, 0.5, 1 / 3])),
                )
                for k in kids
            ),
            notes=tuple(draw(st.lists(st.sampled_from(pool), max_size=2))) if pool else (),
        ),
    )


@st.composite
def scorecards(draw: st.DrawFn, mission: str) -> Scorecard:
    pool = draw(st.lists(notes, max_size=3))
    own = draw(st.lists(st.sampled_from(pool), max_size=2)) if pool else []
    nodes = [draw(node_scores(n, pool)) for n in NODES if draw(st.integers(0, 9))]
    overall = draw(node_scores("overall", pool))
    if draw(st.integers(0, 3)):
        overall, *nodes = _consistent([overall, *nodes])
    return Scorecard(
        mission=MissionInfo(
            id=mission,
            country=draw(st.sampled_from([None, "ARG"])),
            name=draw(st.sampled_from(["M", {"en": "M", "es": "M é"}])),
            entity=draw(st.sampled_from([None, "ONE"])),
            period=None,
            election_type="general",
            election_date=dt.date(2024, 1, 2),
            round=1,
        ),
        overall=overall,
        nodes=tuple(nodes),
        findings=tuple(
            draw(
                st.lists(
                    st.builds(
                        Finding,
                        code=st.sampled_from(["missing-data", "x", "imputed-value"]),
                        message=text,
                        node=st.sampled_from([None, "a", "b.z"]),
                        severity=st.sampled_from(["info", "warning", "error"]),
                        params=st.dictionaries(st.sampled_from(["n", "variant"]), text),
                    ),
                    max_size=3,
                )
            )
        ),
        sites=draw(st.integers(0, 3)),
        simulated=draw(st.booleans()),
        notes=tuple(own),
        notes_total=draw(st.integers(0, 3)),
    )


@st.composite
def score_sets(draw: st.DrawFn) -> ScoreSet:
    cards = [draw(scorecards(f"m{i}")) for i in range(draw(st.integers(0, 3)))]
    return ScoreSet(
        rubric=RubricRef(id="r", version="1", sha256="0" * 64),
        data_sha256="1" * 64,
        seed=draw(st.integers(0, 9)),
        bootstrap=draw(st.integers(0, 200)),
        confidence=0.95,
        scorecards=tuple(cards),
        simulated_sources=tuple(draw(st.lists(text, max_size=2))),
        warnings=tuple(
            draw(
                st.lists(
                    st.builds(
                        Issue,
                        file=text,
                        line=st.none() | st.integers(1, 9),
                        column=st.none() | st.integers(1, 9),
                        code=st.sampled_from(["duplicate-row", "invalid-country"]),
                        message=text,
                        severity=st.just("warning"),
                        category=st.just("data"),
                        params=st.dictionaries(st.sampled_from(["text", "first"]), text),
                    ),
                    max_size=2,
                )
            )
        ),
    )


@given(score_sets())
def test_any_score_set_reads_back_whole_and_writes_the_same_bytes(scores: ScoreSet) -> None:
    text_ = scores.to_json()
    ScoresFile.model_validate_json(text_)
    back = ScoreSet.from_json(text_)
    assert back == scores
    # Equal as text too: -0.0 is not 0.0 there.
    assert back.model_dump_json() == scores.model_dump_json()
    assert back.to_json() == text_
    # The plain-data view is the object-by-object dump, key for key.
    assert expand(json.loads(text_)) == json.loads(scores.model_dump_json())
    # Each imputed value the scorecard keeps as scored is shown imputed, and nothing else.
    for card, written in zip(scores.scorecards, json.loads(text_)["scorecards"], strict=True):
        entries = {e["node"]: e for e in (written["overall"], *written["nodes"])}
        imputed = {f.node for f in card.findings if f.code == "imputed-value"}
        assert {n for n, e in entries.items() if e.get("status") == "imputed"} == {
            ns.node
            for ns in (card.overall, *card.nodes)
            if ns.node in imputed and ns.status == "scored"
        }


def test_the_node_table_describes_the_rubric_not_the_most_frequent_exception(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Most example missions vote no seats abroad, so the proportionality rule does not apply to
    # them; the table still gives the rule the rubric scores with, and each scorecard that does
    # not apply says so for itself.
    assert main(["score", str(EXAMPLES), "-q", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    cards = expand(data)["scorecards"]
    for node, row in data["nodes"].items():
        scored = {
            (e["explanation"]["rule"], e["explanation"]["formula"])
            for card in cards
            for e in (card["overall"], *card["nodes"])
            if e["node"] == node and e["status"] == "scored"
        }
        if scored:
            assert (row.get("rule"), row.get("formula")) in scored, node
    assert not data["nodes"]["rights.proportionality"]["rule"].startswith("not applicable")
