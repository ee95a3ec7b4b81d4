"""One run, one answer: every command and every writer gives each example mission the same
overall, family scores, statuses, bands, intervals and rank."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import html5lib
import openpyxl
import pytest

from ovm.cli.app import main
from ovm.scoring.scorejson import expand
from tests.spreadsheet import shown

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

pytestmark = pytest.mark.skipif(not (EXAMPLES / "ovm.yaml").exists(), reason="no example workspace")


def _cli(*args: str | Path) -> None:
    assert main([str(a) for a in args]) == 0, args


def _summary(ns: dict[str, Any]) -> dict[str, Any]:
    return {k: ns[k] for k in ("node", "score", "status", "band", "interval")}


def _text(el: Any) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def _shown(ns: dict[str, Any]) -> str:
    """How an English report writes a node's score: as the workbook's ``0.0`` format shows
    the number it stores."""
    return shown(ns["score"], 1) if ns["status"] == "scored" else "—"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("one-answer")
    _cli("score", EXAMPLES, "-q", "-o", d / "scores.json")
    _cli("compare", EXAMPLES, "-q", "-o", d / "compare.json")
    _cli("report", EXAMPLES, "-q", "-o", d / "report.html")
    _cli("report", EXAMPLES, "-q", "--sensitivity-runs", "0", "-o", d / "report.xlsx")
    return d


@pytest.fixture(scope="module")
def scores(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = expand(json.loads((out / "scores.json").read_text("utf-8")))
    return data


@pytest.fixture(scope="module")
def families(scores: dict[str, Any]) -> list[str]:
    card = scores["scorecards"][0]
    return [ns["node"] for ns in card["nodes"] if ns["level"] == 1]


def _headline(card: dict[str, Any], families: list[str]) -> dict[str, Any]:
    nodes = {ns["node"]: ns for ns in card["nodes"]}
    return {
        "overall": _summary(card["overall"]),
        "families": [_summary(nodes[f]) for f in families],
    }


def test_the_comparison_holds_the_very_scorecards_ovm_score_writes(
    out: Path, scores: dict[str, Any]
) -> None:
    compared = json.loads((out / "compare.json").read_text("utf-8"))
    assert expand(compared["scores"]) == scores
    ranked = {e["mission"]: e for e in compared["rankings"]["overall"]}
    for card in scores["scorecards"]:
        entry = ranked[card["mission"]["id"]]
        assert entry["score"] == (
            card["overall"]["score"] if card["overall"]["status"] == "scored" else None
        )


def test_the_comparative_family_is_shown_but_kept_out_of_the_overall(
    scores: dict[str, Any],
) -> None:
    card = next(c for c in scores["scorecards"] if c["mission"]["id"] == "mex-2024")
    children = [c["node"] for c in card["overall"]["explanation"]["children"]]
    assert "comparative" not in children and "rights" in children
    family7 = next(ns for ns in card["nodes"] if ns["node"] == "comparative")
    assert family7["status"] == "scored"


def test_every_mission_reads_the_same_in_whatif_and_recommend(
    out: Path, scores: dict[str, Any], families: list[str]
) -> None:
    compared = json.loads((out / "compare.json").read_text("utf-8"))
    ranks = {e["mission"]: e["rank"] for e in compared["rankings"]["overall"]}
    for card in scores["scorecards"]:
        mid = card["mission"]["id"]
        _cli(
            "whatif",
            EXAMPLES,
            "-q",
            "--mission",
            mid,
            "--format",
            "json",
            "-o",
            out / f"whatif-{mid}.json",
        )
        _cli(
            "recommend",
            EXAMPLES,
            "-q",
            "--mission",
            mid,
            "--format",
            "json",
            "-o",
            out / f"recommend-{mid}.json",
        )
        whatif = json.loads((out / f"whatif-{mid}.json").read_text("utf-8"))
        advice = json.loads((out / f"recommend-{mid}.json").read_text("utf-8"))
        expected = _headline(card, families)
        assert (whatif["before"], whatif["after"], whatif["nodes"]) == (
            expected["overall"],
            expected["overall"],
            [],
        )
        assert advice["scores"] == {**expected, "rank": ranks[mid]}


def test_the_comparison_report_shows_every_missions_numbers(
    out: Path, scores: dict[str, Any], families: list[str]
) -> None:
    tree = html5lib.parse((out / "report.html").read_text("utf-8"), namespaceHTMLElements=False)
    heat = {
        _text(tr.find(".//span[@class='mid']")): [
            _text(td.find("./b")) for td in tr.findall("./td")
        ]
        for tr in tree.findall(".//table[@class='heatmap']/tbody/tr")
    }
    compared = json.loads((out / "compare.json").read_text("utf-8"))
    ranking = tree.findall(".//table[@class='ranking']/tbody/tr")
    shown_ranks = [_text(tr.findall("./td")[0]) for tr in ranking]
    expected_ranks = [
        str(e["rank"]) if e["rank"] is not None else "—" for e in compared["rankings"]["overall"]
    ]
    assert shown_ranks == expected_ranks
    for card in scores["scorecards"]:
        nodes = {ns["node"]: ns for ns in card["nodes"]}
        expected = [_shown(card["overall"]), *(_shown(nodes[f]) for f in families)]
        assert heat[card["mission"]["id"]] == expected


def _sheet(wb: Any, name: str) -> list[dict[str, Any]]:
    """A sheet's rows as dicts keyed by header."""
    rows = list(wb[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _exact(x: float | None) -> Any:
    # A workbook stores a number with 17 significant digits at most: the last bit may round.
    return None if x is None else pytest.approx(x, rel=1e-15)


def _interval(ns: dict[str, Any]) -> list[Any]:
    iv = ns["interval"] if ns["status"] == "scored" else None
    return [_exact(iv[0]), _exact(iv[1])] if iv else [None, None]


def test_the_workbook_holds_the_exact_scores(
    out: Path, scores: dict[str, Any], families: list[str]
) -> None:
    wb = openpyxl.load_workbook(io.BytesIO((out / "report.xlsx").read_bytes()))
    rows = list(wb["overview"].iter_rows(min_row=2, values_only=True))
    got = {r[0]: list(r[5:]) for r in rows}
    for card in scores["scorecards"]:
        nodes = {ns["node"]: ns for ns in card["nodes"]}
        expected = [ns["score"] for ns in (card["overall"], *(nodes[f] for f in families))]
        assert got[card["mission"]["id"]] == [_exact(x) for x in expected]


def test_the_workbook_ranks_and_scores_every_node_as_the_run_does(
    out: Path, scores: dict[str, Any]
) -> None:
    wb = openpyxl.load_workbook(io.BytesIO((out / "report.xlsx").read_bytes()))
    compared = json.loads((out / "compare.json").read_text("utf-8"))
    cards = {c["mission"]["id"]: c for c in scores["scorecards"]}
    ranked = [
        [r["Rank"], r["Tied"], r["Mission"], r["Score"], r["Interval, low"], r["Interval, high"]]
        for r in _sheet(wb, "rankings")
    ]
    assert ranked == [
        [
            e["rank"],
            e["tied"],
            e["mission"],
            _exact(e["score"]),
            *_interval(cards[e["mission"]]["overall"]),
        ]
        for e in compared["rankings"]["overall"]
    ]
    shown = {
        (r["Mission"], r["Id"]): [
            r["Score"],
            r["Coverage"],
            r["Interval, low"],
            r["Interval, high"],
        ]
        for r in _sheet(wb, "indicators")
    }
    expected = {
        (mid, ns["node"]): [
            _exact(ns["score"] if ns["status"] == "scored" else None),
            _exact(ns["coverage"]),
            *_interval(ns),
        ]
        for mid, card in cards.items()
        for ns in card["nodes"]
    }
    assert shown == expected
    # Shown rounded, stored exact: the formats, not the values, decide what is displayed.
    sheet = wb["rankings"]
    column = {c.value: c.column for c in sheet[1]}
    # The first ranked row with an interval (a mission's may rest on no sampled data).
    row = next(
        r
        for r in range(2, sheet.max_row + 1)
        if sheet.cell(r, column["Interval, low"]).value is not None
    )
    assert [
        sheet.cell(row, column[h]).number_format
        for h in ("Rank", "Score", "Interval, low", "Coverage")
    ] == ["0", "0.0", "0.0", "0%"]


@pytest.mark.parametrize("mid", ["mex-2024", "col-2018", "slv-2019"])
def test_a_mission_workbook_holds_the_runs_numbers(
    out: Path, scores: dict[str, Any], mid: str
) -> None:
    path = out / f"mission-{mid}.xlsx"
    _cli("report", EXAMPLES, "-q", "--mission", mid, "-o", path)
    wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    compared = json.loads((out / "compare.json").read_text("utf-8"))
    card = next(c for c in scores["scorecards"] if c["mission"]["id"] == mid)
    (head,) = _sheet(wb, "overview")
    overall = card["overall"]
    rank = next(e["rank"] for e in compared["rankings"]["overall"] if e["mission"] == mid)
    assert [head["Overall"], head["Interval, low"], head["Interval, high"], head["Rank"]] == [
        _exact(overall["score"] if overall["status"] == "scored" else None),
        *_interval(overall),
        rank,
    ]
    shown = {r["Id"]: [r["Score"], r["Coverage"]] for r in _sheet(wb, "indicators")}
    assert shown == {
        ns["node"]: [
            _exact(ns["score"] if ns["status"] == "scored" else None),
            _exact(ns["coverage"]),
        ]
        for ns in card["nodes"]
    }


def test_every_mission_report_shows_the_same_overall_and_families(
    out: Path, scores: dict[str, Any], families: list[str]
) -> None:
    ranking = json.loads((out / "compare.json").read_text("utf-8"))["rankings"]["overall"]
    ranks = {e["mission"]: e["rank"] for e in ranking if e["rank"] is not None}
    for card in scores["scorecards"]:
        mid = card["mission"]["id"]
        path = out / f"mission-{mid}.html"
        _cli("report", EXAMPLES, "-q", "--mission", mid, "-o", path)
        tree = html5lib.parse(path.read_text("utf-8"), namespaceHTMLElements=False)
        big = tree.find(".//div[@class='big-score']")
        assert _text(big.find(".//b")) == _shown(card["overall"])
        profile = [
            _text(tr.find(".//b")) for tr in tree.findall(".//table[@class='profile']/tbody/tr")
        ]
        nodes = {ns["node"]: ns for ns in card["nodes"]}
        assert profile == [_shown(nodes[f]) for f in families]
        # "Rank r of n": the rank ovm compare gives, of the missions it ranks.
        shown = re.findall(r"Rank:</b> (\d+) of (\d+)", path.read_text("utf-8"))
        expected = [(str(ranks[mid]), str(len(ranks)))] if mid in ranks else []
        assert shown == expected, mid
