"""The scores file says ``imputed`` for a value the comparison imputed, as every other output
does, and still reads back as the very score set (``scored`` plus the ``imputed-value``
finding). Run through the CLI and the API on the example workspace's files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

import ovm
from ovm.cli.app import main
from ovm.comparison import ranking
from ovm.scoring import scorejson
from ovm.scoring.imputed import IMPUTED_STATUS, imputed_nodes
from ovm.scoring.results import ScoreSet
from ovm.scoring.scoreschema import ScoresFile

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# Few replicates: the statuses and the round trip do not depend on how many.
FAST = ("--bootstrap", "20", "-q")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(list(args)) == 0
    return capsys.readouterr().out


def _file_statuses(data: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Each (mission, node) status as the file says it: written, or its default."""
    out = {}
    for card in data["scorecards"]:
        for e in (card["overall"], *card["nodes"]):
            default = "scored" if e.get("score") is not None else "missing"
            out[(card["mission"]["id"], e["node"])] = e.get("status", default)
    return out


def _csv_statuses(text: str) -> dict[tuple[str, str], str]:
    return {(r["mission"], r["node"]): r["status"] for r in csv.DictReader(io.StringIO(text))}


@pytest.fixture(scope="module")
def imputed_run() -> ovm.Run:
    return ovm.analyse(
        EXAMPLES, ovm.Settings(bootstrap=20, comparison=ovm.ComparisonSettings(imputation="mean"))
    )


def test_the_scores_file_gives_every_node_the_status_the_csvs_give_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], imputed_run: ovm.Run
) -> None:
    out = tmp_path / "scores.json"
    _run(capsys, "score", str(EXAMPLES), "--imputation", "mean", *FAST, "-o", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    ScoresFile.model_validate(data)
    in_file = _file_statuses(data)
    compared = _csv_statuses(
        _run(capsys, "compare", str(EXAMPLES), "--imputation", "mean", *FAST, "--format", "csv")
    )
    scored = _csv_statuses(
        _run(capsys, "score", str(EXAMPLES), "--imputation", "mean", *FAST, "--format", "csv")
    )
    # Every node of every mission, whole: the file, the ranking CSV and the scores CSV agree.
    assert in_file == compared == scored
    imputed = {k for k, v in in_file.items() if v == IMPUTED_STATUS}
    # The imputed values are those the comparison imputed, and there are some to compare.
    assert imputed == {
        (c.mission.id, n) for c in imputed_run.scores.scorecards for n in imputed_nodes(c)
    }
    assert len(imputed) == 98


def test_the_file_reads_back_as_the_scores_the_api_returns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], imputed_run: ovm.Run
) -> None:
    out = tmp_path / "scores.json"
    _run(capsys, "score", str(EXAMPLES), "--imputation", "mean", *FAST, "-o", str(out))
    back = ScoreSet.from_json(out.read_bytes())
    assert back == imputed_run.scores
    assert back.model_dump_json() == imputed_run.scores.model_dump_json()
    # The scorecard keeps its own status and the finding; only the file shows ``imputed``.
    card = back.scorecards[0]
    assert {card.node(n).status for n in imputed_nodes(card)} == {"scored"}
    # Written again, the same bytes.
    assert back.to_json() == out.read_text(encoding="utf-8")


def test_only_the_imputed_nodes_gain_a_field(imputed_run: ovm.Run) -> None:
    # The file with each node's own status, as it was written before: the compact form
    # without the statuses shown.
    full = json.loads(imputed_run.scores.model_dump_json())
    own = json.loads(scorejson.text(scorejson.compact(full)))
    shown = json.loads(imputed_run.scores.to_json())
    added = []
    for a, b in zip(own["scorecards"], shown["scorecards"], strict=True):
        for ea, eb in zip((a["overall"], *a["nodes"]), (b["overall"], *b["nodes"]), strict=True):
            if ea != eb:
                assert eb == {**ea, "status": IMPUTED_STATUS}
                added.append((a["mission"]["id"], ea["node"]))
        assert {k: v for k, v in a.items() if k not in ("overall", "nodes")} == {
            k: v for k, v in b.items() if k not in ("overall", "nodes")
        }
    assert {k: v for k, v in own.items() if k != "scorecards"} == {
        k: v for k, v in shown.items() if k != "scorecards"
    }
    assert len(added) == 98


def test_without_imputation_the_file_is_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scores = ovm.analyse(EXAMPLES, ovm.Settings(bootstrap=20)).scores
    out = tmp_path / "scores.json"
    _run(capsys, "score", str(EXAMPLES), *FAST, "-o", str(out))
    full = json.loads(scores.model_dump_json())
    own = scorejson.text(scorejson.compact(full))
    assert out.read_text(encoding="utf-8") == scores.to_json() == own
    assert '"status":"imputed"' not in out.read_text(encoding="utf-8")


def test_the_file_reads_back_the_status_every_output_gives_an_imputed_value() -> None:
    assert scorejson._OWN_STATUS == {IMPUTED_STATUS: "scored"}
    # The comparison names the very rule the file writes.
    assert (ranking.shown_status, ranking.imputed_nodes, ranking.IMPUTED_STATUS) == (
        ovm.scoring.imputed.shown_status,
        ovm.scoring.imputed.imputed_nodes,
        IMPUTED_STATUS,
    )


def test_the_comparison_json_embeds_the_scores_file_statuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.json"
    _run(capsys, "score", str(EXAMPLES), "--imputation", "mean", *FAST, "-o", str(out))
    compared = json.loads(
        _run(capsys, "compare", str(EXAMPLES), "--imputation", "mean", *FAST, "--format", "json")
    )
    embedded = _file_statuses(compared["scores"])
    assert embedded == _file_statuses(json.loads(out.read_text(encoding="utf-8")))
    assert sum(s == IMPUTED_STATUS for s in embedded.values()) == 98
