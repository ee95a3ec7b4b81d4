"""An annual index of rights written in the rubric format as the index publishes it.

``data/annual_index/rubric.yaml``: 25 items scored 0-4 summed into political rights (10 items,
0-40, less a discretionary deduction of 0-4, so -4 to 40) and civil liberties (15 items, 0-60);
each aggregate rated 1 (best) to 7 (worst) by inclusive integer ranges; the status from the mean
of the two ratings is the headline. No inverted scale, no repeated item, no stretched band.

The entities and their scores are synthetic: each is an assessment of an entity of its own
(no ISO code) over the period 2025, not an election. Each one's items are spread as evenly
as their total allows; the expected aggregates, ratings and statuses below are worked out by
hand from the totals and the index's published ranges, not by the code under test.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from ovm import check_rubric
from ovm.cli.app import main
from ovm.scoring.scorejson import expand

HERE = Path(__file__).parent / "data" / "annual_index"
PR_ITEMS = [f"pr.{s}{n}" for s, k in (("a", 3), ("b", 4), ("c", 3)) for n in range(1, k + 1)]
CL_ITEMS = [
    f"cl.{s}{n}" for s, k in (("d", 4), ("e", 3), ("f", 4), ("g", 4)) for n in range(1, k + 1)
]

# entity: (sum of PR items, deduction, sum of CL items)
DATA = {
    "xaa": (40, 0, 60),
    "xab": (36, 0, 52),
    "xac": (30, 4, 44),
    "xad": (24, 1, 35),
    "xae": (12, 0, 17),
    "xaf": (6, 0, 16),
    "xag": (2, 4, 8),
    "xah": (0, 4, 0),
    "xai": (35, 0, 53),
    "xaj": (9, 4, 25),
    "xak": (18, 0, 7),
}

# entity: (PR aggregate, PR rating, CL aggregate, CL rating, mean rating, status), by hand:
# PR 36-40 -> 1, 30-35 -> 2, 24-29 -> 3, 18-23 -> 4, 12-17 -> 5, 6-11 -> 6, -4-5 -> 7;
# CL 53-60 -> 1, 44-52 -> 2, 35-43 -> 3, 26-34 -> 4, 17-25 -> 5, 8-16 -> 6, 0-7 -> 7;
# status: mean 1-2.5 free, 3-5 partly free, 5.5-7 not free.
EXPECTED = {
    "xaa": (40, 1, 60, 1, 1.0, "Free"),
    "xab": (36, 1, 52, 2, 1.5, "Free"),
    "xac": (26, 3, 44, 2, 2.5, "Free"),
    "xad": (23, 4, 35, 3, 3.5, "Partly free"),
    "xae": (12, 5, 17, 5, 5.0, "Partly free"),
    "xaf": (6, 6, 16, 6, 6.0, "Not free"),
    "xag": (-2, 7, 8, 6, 6.5, "Not free"),
    "xah": (-4, 7, 0, 7, 7.0, "Not free"),
    "xai": (35, 2, 53, 1, 1.5, "Free"),
    "xaj": (5, 7, 25, 5, 6.0, "Not free"),
    "xak": (18, 4, 7, 7, 5.5, "Not free"),
}

# The overall ranking, best status first: (rank, mission, tied).
RANKING = [
    (1, "xaa", False),
    (2, "xab", True),
    (2, "xai", True),
    (4, "xac", False),
    (5, "xad", False),
    (6, "xae", False),
    (7, "xak", False),
    (8, "xaf", True),
    (8, "xaj", True),
    (10, "xag", False),
    (11, "xah", False),
]


def spread(total: int, items: list[str]) -> dict[str, int]:
    """``total`` points over the items, as evenly as possible, the first items getting more."""
    base, extra = divmod(total, len(items))
    return {item: base + (1 if i < extra else 0) for i, item in enumerate(items)}


def missions() -> list[dict[str, object]]:
    out = []
    for mid, (pr, deduction, cl) in DATA.items():
        points = {**spread(pr, PR_ITEMS), "pr.deduction": deduction, **spread(cl, CL_ITEMS)}
        out.append(
            {
                "id": mid,
                "entity": mid.upper(),
                "name": f"Entity {mid.upper()}",
                "period": 2025,
                "answers": {
                    item: {"value": str(v), "source": "synthetic"} for item, v in points.items()
                },
            }
        )
    return out


def write_workspace(ws: Path) -> Path:
    """The index's workspace in the folder ``ws``: its rubric and its entities' items."""
    shutil.copy(HERE / "rubric.yaml", ws / "rubric.yaml")
    (ws / "missions.yaml").write_text(
        yaml.safe_dump({"missions": missions()}, sort_keys=False), encoding="utf-8"
    )
    (ws / "ovm.yaml").write_text(
        "title: {en: Annual index}\nrubric: rubric.yaml\nmissions: missions.yaml\n",
        encoding="utf-8",
    )
    return ws


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workspace(tmp_path_factory.mktemp("annual"))


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_the_items_add_up_to_the_totals_they_were_spread_from() -> None:
    for pr, deduction, cl in DATA.values():
        assert sum(spread(pr, PR_ITEMS).values()) == pr
        assert sum(spread(cl, CL_ITEMS).values()) == cl
        assert all(0 <= v <= 4 for v in spread(pr, PR_ITEMS).values())
        assert 0 <= deduction <= 4
    assert (len(PR_ITEMS), len(CL_ITEMS)) == (10, 15)


def test_the_rubric_is_valid_without_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(["validate", str(HERE / "rubric.yaml")], capsys)
    assert out.endswith("valid (annual-index 2025, 3 families, 26 indicators)\n")


def test_aggregates_ratings_and_statuses_are_the_hand_computed_ones(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = expand(json.loads(run(["score", str(workspace), "-q"], capsys)))
    got = {}
    for card in data["scorecards"]:
        nodes = {n["node"]: n for n in card["nodes"]}
        pr, cl, status = nodes["pr"], nodes["cl"], nodes["status"]
        got[card["mission"]["id"]] = (
            pr["score"],
            pr["rating"],
            cl["score"],
            cl["rating"],
            status["score"],
            status["band_label"],
        )
        # The overall is the headline: the status, on its own scale.
        assert {k: card["overall"][k] for k in ("score", "band_label", "status")} == {
            "score": status["score"],
            "band_label": status["band_label"],
            "status": "scored",
        }
        assert status["explanation"]["formula"] == "(rating(pr) + rating(cl)) / 2"
        assert status["explanation"]["inputs"] == [
            {"name": "rating(pr)", "kind": "node", "status": "value", "value": pr["rating"]}
            | _defaults(),
            {"name": "rating(cl)", "kind": "node", "status": "value", "value": cl["rating"]}
            | _defaults(),
        ]
    assert got == EXPECTED


def _defaults() -> dict[str, object]:
    return {
        "n": None,
        "accepted": None,
        "not_applicable": None,
        "not_observed": None,
        "simulated": False,
        "provenance": None,
    }


def test_a_deduction_is_subtracted_and_its_share_is_signed(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = expand(json.loads(run(["score", str(workspace), "-q"], capsys)))
    card = next(c for c in data["scorecards"] if c["mission"]["id"] == "xag")
    pr = next(n for n in card["nodes"] if n["node"] == "pr")
    shares = {c["node"]: c["share"] for c in pr["explanation"]["children"]}
    assert shares == {**dict.fromkeys(PR_ITEMS, 1.0), "pr.deduction": -1.0}
    assert (pr["score"], pr["band_label"], pr["rating"]) == (-2, "PR 7", 7)


def test_compare_ranks_the_best_rated_first_and_names_best_practices_among_them(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(run(["compare", str(workspace), "-q"], capsys))
    overall = [(e["rank"], e["mission"], e["tied"]) for e in data["rankings"]["overall"]]
    assert overall == RANKING
    # Political rights: higher is better on its own scale, negatives last.
    assert [e["mission"] for e in data["rankings"]["pr"]][-2:] == ["xag", "xah"]
    best = data["best"]
    # Items are spread evenly: the last PR item has 4 only where the total is 40.
    assert best["pr.c3"]["missions"] == ["xaa"]
    # The first item of each aggregate: 4 wherever the total reaches 31 (PR) or 46 (CL).
    assert best["pr.a1"]["missions"] == ["xaa", "xab", "xai"]
    assert best["cl.d1"]["missions"] == ["xaa", "xab", "xai"]
    # A deduction is better when lower: no best practice among those deducted from.
    assert set(best["pr.deduction"]["missions"]) == {
        m for m, (_pr, deduction, _cl) in DATA.items() if deduction == 0
    }
    leaders = {m for node, bp in best.items() for m in bp["missions"] if node != "pr.deduction"}
    assert leaders <= {"xaa", "xab", "xai"}


def test_the_sensitivity_analysis_ranks_the_index_by_its_status_lowest_first(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(
        run(["sensitivity", str(workspace), "-q", "--runs", "64", "--format", "json"], capsys)
    )
    ranks = {r["mission"]: r for r in data["ranks"]}
    assert {m: r["nominal"] for m, r in ranks.items()} == {mid: rank for rank, mid, _ in RANKING}
    # Best first: the freest entity's median rank is the first, the least free's the last.
    assert ranks["xaa"]["median"] < ranks["xad"]["median"] < ranks["xah"]["median"]
    # All 4s, or all 0s with the whole deduction: no weighting moves them off the ends.
    assert (ranks["xaa"]["low"], ranks["xaa"]["high"]) == (1, 1)
    assert ranks["xah"]["low"] >= 10
    # The runs rank every entity: the sums stay on the range their rated bands cover.
    assert {r["unscored"] for r in data["ranks"]} == {0.0}
    # Items are summed as published: no other aggregation or normalisation applies.
    assert data["total_effect"]["aggregation"]["value"] == 0.0
    assert data["total_effect"]["normalisation"]["value"] == 0.0
    assert data["total_effect"]["weights"]["value"] > 0.1
    assert "the overall is status, ranked lowest first" in data["notes"]


@pytest.mark.parametrize("choice", ["weights", "aggregation", "normalisation"])
def test_the_nominal_methodology_reproduces_the_nominal_ranking_in_every_run(
    workspace: Path, choice: str
) -> None:
    # Weights unchanged (a range of 0), or only alternatives the index does not take: every
    # run is the index as published, so every rank interval is the nominal rank. A deduction
    # added instead of taken away, a rating read from the wrong band, or a ranking in the
    # wrong direction would move some of them.
    from ovm.pipeline import analyse
    from ovm.settings import SensitivitySettings, Settings

    settings = Settings(
        bootstrap=0,
        sensitivity=SensitivitySettings(runs=16, weight_range=0.0, boot=10, choices=(choice,)),
    )
    result = analyse(workspace, settings).sensitivity
    assert result is not None
    assert [(r.mission, r.nominal, r.median, r.low, r.high) for r in result.ranks] == [
        (mid, rank, float(rank), float(rank), float(rank)) for rank, mid, _tied in RANKING
    ]
    assert not result.floored


def test_the_reports_rank_intervals_put_the_freest_first(
    workspace: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    run(["report", str(workspace), "-q", "--sensitivity-runs", "32", "-o", str(out)], capsys)
    html = out.read_text(encoding="utf-8")
    rows = re.findall(
        r'<span class="mid">(\w+)</span></th>.*?<td class="n">([\d.]+)–([\d.]+)</td>'
        r'<td class="n">([\d.]+)</td></tr>',
        html,
        re.S,
    )
    got = {mid: (float(lo), float(hi), float(median)) for mid, lo, hi, median in rows}
    assert set(got) == set(DATA)
    # The best status cannot move; the worst is never above tenth.
    assert got["xaa"] == (1.0, 1.0, 1.0)
    assert got["xah"][0] >= 10
    assert all(lo <= median <= hi for lo, hi, median in got.values())


def test_the_report_draws_each_node_on_its_own_scale(
    workspace: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "xag.html"
    run(["report", str(workspace), "-q", "--mission", "xag", "-o", str(out)], capsys)
    html = out.read_text(encoding="utf-8")
    table = html[html.index('<table class="profile">') : html.index("</table>")]
    bars = re.findall(r'<rect class="fill [^"]*" width="([^"]+)"', table)
    notes = re.findall(r'<small class="note">\(([^)]*)\)</small>', table)
    # -2 on -4..40, 8 on 0..60, 6.5 on 1..7: the bar's share of its own scale.
    assert bars == ["4.55", "13.33", "91.67"]
    assert notes == ["-4–40", "0–60", "1–7"]
    # Tones run from the worst band (tone-0) to the best: "Not free" is the worst status
    # although its band is the last one listed, the scale being lower-is-better.
    tones = re.findall(r'<span class="sc (tone-\d)"><b>[^<]*</b> <small>([^<]*)</small>', table)
    assert tones == [("tone-0", "PR 7"), ("tone-1", "CL 6"), ("tone-0", "Not free")]
    # Points of the overall lost mean nothing when the overall is a status.
    assert 'id="drags"' not in html


def test_an_assessment_names_its_entity_and_period_instead_of_a_country_and_election(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = expand(json.loads(run(["score", str(workspace), "-q"], capsys)))
    info = next(c["mission"] for c in data["scorecards"] if c["mission"]["id"] == "xag")
    assert info == {
        "id": "xag",
        "country": None,
        "name": "Entity XAG",
        "entity": "XAG",
        "period": "2025",
        "election_type": "period",
        "election_date": "2025-12-31",
        "round": 1,
        "region": None,
    }


def test_trends_and_previous_assessments_follow_the_entity_not_the_country_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(HERE / "rubric.yaml", tmp_path / "rubric.yaml")
    base = {m["id"]: m for m in missions()}
    rows = []
    # Two entities share a country code; one of them is assessed in two periods.
    for mid, entity, period, like in (
        ("one-2024", "ONE", "2024", "xab"),
        ("one-2025", "ONE", "2025-06", "xaa"),
        ("two-2025", "TWO", "2025", "xah"),
    ):
        rows.append({**base[like], "id": mid, "entity": entity, "country": "ARG", "period": period})
    (tmp_path / "missions.yaml").write_text(
        yaml.safe_dump({"missions": rows}, sort_keys=False), encoding="utf-8"
    )
    (tmp_path / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\n", encoding="utf-8"
    )
    data = json.loads(run(["compare", str(tmp_path), "-q"], capsys))
    # The status, 1.5 then 1.0: the month's last day orders the 2025-06 assessment.
    assert data["trends"] == {"ONE": [["one-2024", 1.5], ["one-2025", 1.0]]}
    dates = {
        c["mission"]["id"]: c["mission"]["election_date"]
        for c in expand(data["scores"])["scorecards"]
    }
    assert dates == {"one-2024": "2024-12-31", "one-2025": "2025-06-30", "two-2025": "2025-12-31"}


@pytest.mark.parametrize(
    ("mission", "message"),
    [
        (
            "{id: a, name: A, period: 2025}",
            "a mission needs a country (ISO 3166 alpha-3) or an entity id",
        ),
        (
            "{id: a, name: A, entity: A, period: 20x5}",
            "period '20x5' is not a year (2025) or a month (2025-06)",
        ),
        (
            "{id: a, name: A, entity: A, period: 2025,"
            " election: {type: general, date: 2025-01-01}}",
            "give an election or a period, not both",
        ),
    ],
)
def test_an_assessment_without_entity_or_with_a_bad_period_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mission: str, message: str
) -> None:
    shutil.copy(HERE / "rubric.yaml", tmp_path / "rubric.yaml")
    (tmp_path / "missions.yaml").write_text(f"missions:\n  - {mission}\n", encoding="utf-8")
    (tmp_path / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\n", encoding="utf-8"
    )
    assert main(["check", str(tmp_path)]) == 1
    _out, err = capsys.readouterr()
    assert f"missions.yaml:2:5 missions[0]: {message} [invalid-value]" in err


SCALED_IDENTITY = """\
ovm_rubric: 1
id: scaled
version: "1"
title: {en: Scaled}
languages: [en]
variables:
  - {name: margin, labels: {en: Margin}, unit: points, source: statistics}
families:
  - id: f
    labels: {en: F}
    scale: {min: -4, max: 4}
    children:
      - id: f.margin
        kind: quantitative
        labels: {en: Margin}
        source: statistics
        formula: margin
        rule: {type: identity}
        scale: {min: -4, max: 4}
"""


def test_an_identity_keeps_the_value_within_its_nodes_scale_negatives_included(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "rubric.yaml").write_text(SCALED_IDENTITY, encoding="utf-8")
    (tmp_path / "missions.yaml").write_text(
        "missions:\n"
        + "".join(
            f"  - {{id: {m}, entity: {m.upper()}, name: {m}, period: 2025,"
            f" values: {{margin: {v}}}}}\n"
            for m, v in (("a", -2.5), ("b", 9), ("c", -7))
        ),
        encoding="utf-8",
    )
    (tmp_path / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\n", encoding="utf-8"
    )
    data = expand(json.loads(run(["score", str(tmp_path), "-q"], capsys)))
    got = {
        c["mission"]["id"]: (c["nodes"][1]["value"], c["nodes"][1]["score"], c["nodes"][0]["score"])
        for c in data["scorecards"]
    }
    assert got == {"a": (-2.5, -2.5, -2.5), "b": (9, 4, 4), "c": (-7, -4, -4)}
    rule = data["scorecards"][0]["nodes"][1]["explanation"]["rule"]
    assert rule == "identity (value is the score, clipped to -4-4)"


def test_the_comparative_family_measures_gaps_in_the_targets_direction_and_scale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = (HERE / "rubric.yaml").read_text(encoding="utf-8") + (
        "  - id: relative\n"
        "    labels: {en: Relative}\n"
        "    contributes: false\n"
        "    children:\n"
        "      - {id: relative.gap, kind: comparative, labels: {en: Gap to the best status},\n"
        "         source: analyst, measure: distance_to_best, target: status}\n"
    )
    (tmp_path / "rubric.yaml").write_text(rubric, encoding="utf-8")
    chosen = [m for m in missions() if m["id"] in ("xaa", "xad", "xah")]
    (tmp_path / "missions.yaml").write_text(
        yaml.safe_dump({"missions": chosen}, sort_keys=False), encoding="utf-8"
    )
    (tmp_path / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\n", encoding="utf-8"
    )
    data = json.loads(run(["compare", str(tmp_path), "-q"], capsys))
    gap = {
        c["mission"]["id"]: next(n for n in c["nodes"] if n["node"] == "relative.gap")
        for c in expand(data["scores"])["scorecards"]
    }
    # The best status is the lowest, 1.0 (xaa); a gap of 2.5 (xad) or 6 (xah) on a scale of
    # 6 points is 2.5/6 or all of it: 100 minus that share in points.
    assert {m: (g["value"], g["score"]) for m, g in gap.items()} == {
        "xaa": (0.0, 100.0),
        "xad": (pytest.approx(250 / 6), pytest.approx(100 - 250 / 6)),
        "xah": (100.0, 0.0),
    }


def test_the_rubric_schema_lists_every_new_field(capsys: pytest.CaptureFixture[str]) -> None:
    schema = json.loads(run(["schema", "rubric"], capsys))
    defs = schema["$defs"]
    assert "headline" in schema["properties"]
    assert set(defs["Scale"]["properties"]) == {"min", "max", "better", "integer"}
    assert {"from", "to", "rating"} <= set(defs["Band"]["properties"])
    assert {"formula", "scale", "subtracts"} <= set(defs["Group"]["properties"])
    assert {"scale", "subtracts"} <= set(defs["LevelsIndicator"]["properties"])
    assert {"below", "above", "bands"} == set(defs["Condition"]["properties"])


SMALL_SUM = """\
ovm_rubric: 1
id: small
version: "1"
title: {en: Small}
languages: [en]
families:
  - id: f
    labels: {en: F}
    aggregation: sum
    children:
%s
"""
ITEM = """\
      - id: f.%s
        kind: levels
        labels: {en: "%s"}
        source: analyst
        %s
        levels:
          - {key: "0", score: 0, descriptor: {en: "0"}}
          - {key: "4", score: 4, descriptor: {en: "4"}}
"""


@pytest.mark.parametrize(
    ("scale", "expected"),
    [
        # Three items of 0-4 reach 12 at most: within 0-100, nothing to warn of.
        ("scale: {min: 0, max: 4}", []),
        # On the default 0-100 scale three of them could reach 300.
        (
            "weight: 1",
            [
                "this sum reaches 0 to 300, beyond the 0-100 scale: declare it (scale: {min: 0, "
                "max: 300}) so its bands, rankings and charts use that range"
            ],
        ),
    ],
)
def test_a_sum_is_warned_of_only_when_it_can_leave_0_to_100(scale: str, expected: list) -> None:
    text = SMALL_SUM % "".join(ITEM % (k, k, scale) for k in "abc")
    _rubric, issues = check_rubric(text, file="small.yaml")
    assert [i.message for i in issues if i.code == "unbounded-scale"] == expected


def test_a_rubric_without_a_headline_has_no_overall_and_ranks_no_one_overall(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = (HERE / "rubric.yaml").read_text(encoding="utf-8")
    (tmp_path / "rubric.yaml").write_text(
        rubric.replace("headline: status\n", "headline: none\n"), encoding="utf-8"
    )
    chosen = [m for m in missions() if m["id"] in ("xaa", "xah")]
    (tmp_path / "missions.yaml").write_text(
        yaml.safe_dump({"missions": chosen}, sort_keys=False), encoding="utf-8"
    )
    (tmp_path / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\n", encoding="utf-8"
    )
    data = json.loads(run(["compare", str(tmp_path), "-q"], capsys))
    overall = [c["overall"] for c in expand(data["scores"])["scorecards"]]
    assert [(o["status"], o["score"], o["explanation"]["rule"]) for o in overall] == [
        ("not_applicable", None, "no headline")
    ] * 2
    assert [(e["mission"], e["rank"]) for e in data["rankings"]["overall"]] == [
        ("xaa", None),
        ("xah", None),
    ]
    # The status still ranks, best first.
    assert [(e["mission"], e["rank"]) for e in data["rankings"]["status"]] == [
        ("xaa", 1),
        ("xah", 2),
    ]
    out = tmp_path / "report.html"
    run(["report", str(tmp_path), "-q", "-o", str(out)], capsys)
    assert "Entity XAA" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("method", ["minmax", "distance_to_best", "zscore", "percentile"])
def test_a_normalisation_leaves_nodes_on_their_own_scale_so_sums_still_match_their_bands(
    workspace: Path, capsys: pytest.CaptureFixture[str], method: str
) -> None:
    nominal = json.loads(run(["compare", str(workspace), "-q"], capsys))
    data = json.loads(run(["compare", str(workspace), "-q", "--normalisation", method], capsys))
    # Every item is on 0-4 and every sum on its own scale: nothing is put onto 0-100, so
    # each scorecard, the sums, their bands and ratings, is the nominal one, and so is
    # the ranking.
    assert expand(data["scores"])["scorecards"] == expand(nominal["scores"])["scorecards"]
    assert data["rankings"] == nominal["rankings"]
    overall = [(e["rank"], e["mission"], e["tied"]) for e in data["rankings"]["overall"]]
    assert overall == RANKING


def test_the_sensitivity_runs_normalise_as_compare_does(workspace: Path) -> None:
    # Only minmax in every run, weights as written: each run's ranking is compare's under
    # minmax (the same nodes keep their scale in both), the nominal one.
    from ovm.pipeline import analyse
    from ovm.settings import ComparisonSettings, SensitivitySettings, Settings

    settings = Settings(
        bootstrap=0,
        comparison=ComparisonSettings(normalisation="minmax"),
        sensitivity=SensitivitySettings(
            runs=8,
            weight_range=0.0,
            boot=10,
            choices=("normalisation",),
            normalisations=("minmax",),
        ),
    )
    result = analyse(workspace, settings)
    assert result.sensitivity is not None
    compared = [(e.rank, e.mission) for e in result.comparison.rankings["overall"]]
    assert compared == [(rank, mid) for rank, mid, _tied in RANKING]
    assert [(r.mission, r.low, r.high) for r in result.sensitivity.ranks] == [
        (mid, float(rank), float(rank)) for rank, mid in compared
    ]


def test_naming_a_node_on_its_own_scale_for_normalisation_is_refused() -> None:
    from ovm import load_rubric
    from ovm.settings import ComparisonSettings

    rubric = load_rubric(HERE / "rubric.yaml")
    asked = ComparisonSettings(normalisation="minmax", normalise_nodes=("pr.a1", "pr"))
    assert asked.problems(rubric) == [
        "normalise_nodes names 'pr.a1', 'pr', on a scale of its own: it keeps its scores under "
        "a cohort normalisation (onto the output range they would no longer add up to the sums "
        "and bands written on that scale); leave it out of normalise_nodes"
    ]
    # Without a normalisation, naming them changes nothing.
    assert ComparisonSettings(normalise_nodes=("pr.a1",)).problems(rubric) == []


@pytest.mark.parametrize(
    ("node", "what"),
    [("status", "a formula over other nodes"), ("overall", "the rubric's headline")],
)
def test_an_aggregation_cannot_be_forced_on_a_formula_or_the_headline(
    workspace: Path, capsys: pytest.CaptureFixture[str], node: str, what: str
) -> None:
    assert main(["compare", str(workspace), "-q", "--aggregation", f"{node}=geometric"]) == 2
    _out, err = capsys.readouterr()
    assert err == (
        f"ovm: aggregation given for {node!r}: it is {what}, not an aggregation of its children\n"
    )


def test_level_scores_lie_on_their_nodes_scale_negatives_included() -> None:
    def levels(scores: tuple[int, ...]) -> str:
        return "".join(
            f'          - {{key: "{k}", score: {v}, descriptor: {{en: "{k}"}}}}\n'
            for k, v in zip("abc", scores, strict=True)
        )

    text = SMALL_SUM.replace("    aggregation: sum\n", "    scale: {min: -6, max: 6}\n") % (
        "      - id: f.a\n"
        "        kind: levels\n"
        "        labels: {en: A}\n"
        "        source: analyst\n"
        "        scale: {min: -2, max: 2}\n"
        "        levels:\n"
    )
    rubric, issues = check_rubric(text + levels((-2, 0, 2)), file="s.yaml")
    assert (rubric is not None, issues) == (True, [])
    _rubric, issues = check_rubric(text + levels((-2, 0, 3)), file="s.yaml")
    assert [(i.line, i.code, i.message) for i in issues] == [
        (20, "level-score-range", "level score 3 is outside -2-2")
    ]


def test_a_formula_that_reads_a_node_twice_is_scored_as_written(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # (rating(pr) + rating(pr) + 2 * rating(cl)) / 4 is the status formula written longer:
    # every status must come out as the rubric's own, scored, never "missing".
    rubric = (HERE / "rubric.yaml").read_text(encoding="utf-8")
    twice = rubric.replace(
        "formula: (rating(pr) + rating(cl)) / 2",
        "formula: (rating(pr) + rating(pr) + 2 * rating(cl)) / 4",
    )
    assert twice != rubric
    (tmp_path / "rubric.yaml").write_text(twice, encoding="utf-8")
    for name in ("missions.yaml", "ovm.yaml"):
        shutil.copy(workspace / name, tmp_path / name)

    def statuses(ws: Path) -> list[tuple[str, str, float | None]]:
        data = expand(json.loads(run(["score", str(ws), "-q"], capsys)))
        return [
            (c["mission"]["id"], n["status"], n["score"])
            for c in data["scorecards"]
            for n in c["nodes"]
            if n["node"] == "status"
        ]

    expected = statuses(workspace)
    assert {s for _, s, _ in expected} == {"scored"}
    assert statuses(tmp_path) == expected


def test_the_reports_print_a_bands_rating_beside_its_label(
    workspace: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "xag.html"
    run(["report", str(workspace), "-q", "--mission", "xag", "-o", str(out)], capsys)
    html = out.read_text(encoding="utf-8")
    table = html[html.index('<table class="profile">') : html.index("</table>")]
    rated = re.findall(r'<small>([^<]*)</small> <small class="rating">([^<]*)</small>', table)
    # The status's bands have no rating: none is printed for it.
    assert rated == [("PR 7", "rating 7"), ("CL 6", "rating 6")]
    assert "PR 7</span>, rating 7;" in html or "PR 7, rating 7;" in html
    out = tmp_path / "report.html"
    run(["report", str(workspace), "-q", "--lang", "fr", "-o", str(out)], capsys)
    html = out.read_text(encoding="utf-8")
    # In French the labels, written in English only, are marked as such; the rating is said.
    ratings = re.findall(
        r'((?:PR|CL) \d)(?:<[^>]*>|EN)*</small> <small(?: class="rating")?>([^<]*)</small>', html
    )
    assert ratings and len(ratings) % (2 * len(DATA)) == 0
    assert all(r == f"cote {label[-1]}" for label, r in ratings)


def test_a_formula_without_its_input_says_so_in_the_reports_language(
    workspace: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = missions()[:2]
    rows[0]["answers"] = {
        k: v
        for k, v in rows[0]["answers"].items()  # type: ignore[attr-defined]
        if not k.startswith("cl.")
    }
    for name in ("rubric.yaml", "ovm.yaml"):
        shutil.copy(workspace / name, tmp_path / name)
    (tmp_path / "missions.yaml").write_text(
        yaml.safe_dump({"missions": rows}, sort_keys=False), encoding="utf-8"
    )
    found = {
        lang: re.findall(
            r"<td[^>]*>([^<]*rating\(cl\)[^<]*)</td>",
            _report(tmp_path, lang, capsys).replace("&#39;", "'"),
        )
        for lang in ("en", "es", "fr", "pt")
    }
    assert {lang: sorted(set(texts)) for lang, texts in found.items()} == {
        "en": ["the formula has no value for rating(cl)"],
        "es": ["la fórmula no tiene valor para rating(cl)"],
        "fr": ["la formule n'a pas de valeur pour rating(cl)"],
        "pt": ["a fórmula não tem valor para rating(cl)"],
    }


def _report(ws: Path, lang: str, capsys: pytest.CaptureFixture[str]) -> str:
    out = ws / f"xaa-{lang}.html"
    run(["report", str(ws), "-q", "--lang", lang, "--mission", "xaa", "-o", str(out)], capsys)
    return out.read_text(encoding="utf-8")


def test_practice_adoption_reads_its_threshold_along_each_indicators_scale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = (HERE / "rubric.yaml").read_text(encoding="utf-8") + (
        "  - id: relative\n"
        "    labels: {en: Relative}\n"
        "    contributes: false\n"
        "    children:\n"
        "      - {id: relative.adopted, kind: comparative, labels: {en: Practices adopted},\n"
        "         source: analyst, measure: practice_adoption, target: pr, threshold: 75}\n"
    )
    (tmp_path / "rubric.yaml").write_text(rubric, encoding="utf-8")
    (tmp_path / "missions.yaml").write_text(
        yaml.safe_dump({"missions": missions()}, sort_keys=False), encoding="utf-8"
    )
    (tmp_path / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\n", encoding="utf-8"
    )
    data = json.loads(run(["compare", str(tmp_path), "-q"], capsys))
    got = {
        c["mission"]["id"]: next(n["score"] for n in c["nodes"] if n["node"] == "relative.adopted")
        for c in data["scores"]["scorecards"]
    }
    # 75 % of the way from the worst end of 0-4 to the best: an item of 3 or 4, a deduction of
    # 0 or 1. Each of the 10 items and the deduction is reached somewhere (xaa): 11 practices.
    # xad: items of 3 (its first 4, of 24 points) and a deduction of 1; xac: 10 items of 3
    # and a deduction of 4; xag, xah: none.
    assert {m: round(got[m], 6) for m in ("xaa", "xac", "xad", "xag", "xah")} == {
        "xaa": 100.0,
        "xac": round(1000 / 11, 6),
        "xad": round(500 / 11, 6),
        "xag": 0.0,
        "xah": 0.0,
    }


RECOMMENDATIONS = (
    "    recommendations:\n"
    "      - id: rights\n"
    "        when: {below: %s}\n"
    "        to: legislature\n"
    '        text: {en: "Restore political rights ({score})."}\n'
)
DEDUCTION_ADVICE = (
    "        recommendations:\n"
    "          - id: deduct\n"
    "            when: {above: %s}\n"
    "            to: government\n"
    '            text: {en: "Remove the causes of the deduction ({score})."}\n'
)


def _advised(rubric: str, below: str, above: str) -> str:
    scale = "    scale: {min: -4, max: 40, integer: true}\n"
    deduction = "        scale: {min: 0, max: 4, integer: true, better: lower}\n"
    out = rubric.replace(scale, scale + RECOMMENDATIONS % below, 1)
    return out.replace(deduction, deduction + DEDUCTION_ADVICE % above, 1)


def test_recommendations_hold_below_or_above_a_score_of_their_nodes_scale(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = _advised((HERE / "rubric.yaml").read_text(encoding="utf-8"), "12", "2")
    path = tmp_path / "rubric.yaml"
    path.write_text(rubric, encoding="utf-8")
    got = {}
    for mid in ("xaa", "xad", "xaf", "xag", "xaj"):
        args = ["recommend", str(workspace), "--rubric", str(path), "-q", "--mission", mid]
        data = json.loads(run([*args, "--format", "json"], capsys))
        got[mid] = [(r["id"], r["condition"], r["gain"]) for r in data["recommendations"]]
    # Political rights below 12 points of -4..40; a deduction above 2 of 0-4, lower is better.
    # Within a priority the larger gain shown comes first (the deduction has no better band).
    assert got == {
        "xaa": [],
        "xad": [],
        "xaf": [("rights", "score 6.0 < 12", 6.0)],
        "xag": [("rights", "score -2.0 < 12", 8.0), ("deduct", "score 4.0 > 2", 0.0)],
        "xaj": [("rights", "score 5.0 < 12", 1.0), ("deduct", "score 4.0 > 2", 0.0)],
    }


def test_a_recommendation_threshold_off_its_nodes_scale_is_refused_at_its_line() -> None:
    text = _advised((HERE / "rubric.yaml").read_text(encoding="utf-8"), "50", "-1")
    _rubric, issues = check_rubric(text, file="rubric.yaml")
    assert [(i.line, i.column, i.code, i.message) for i in issues] == [
        (20, 23, "out-of-range", "below 50 is not a score of this node's scale (-4-40)"),
        (105, 27, "out-of-range", "above -1 is not a score of this node's scale (0-4)"),
    ]


@pytest.mark.parametrize(
    ("item", "weight", "expected"),
    [
        # Three weights of 1e307 times scores of at most 4: 1.2e308, a number a computer holds.
        ("scale: {min: 0, max: 4}", "1e307", []),
        # The same weights times scores of 100 are not.
        ("scale: {min: 0, max: 100}", "1e307", [(16, 17, "weights")]),
        # Scores up to 1e300 times weights of 1e10 leave the numbers a computer holds.
        ("scale: {min: 0, max: 1e300}", "1e10", [(16, 17, "weights")]),
    ],
)
def test_weights_overflow_only_with_the_scores_their_scales_allow(
    item: str, weight: str, expected: list[tuple[int, int, str]]
) -> None:
    text = SMALL_SUM % "".join(ITEM % (k, k, f"{item}\n        weight: {weight}") for k in "abc")
    _rubric, issues = check_rubric(text, file="small.yaml")
    found = [
        (i.line, i.column, i.message.split(" ")[1]) for i in issues if i.code == "number-overflow"
    ]
    assert found == expected


@pytest.mark.parametrize(
    ("power", "expected"),
    [
        # 4 to the power 500 is about 1e301.
        ("500", []),
        (
            "600",
            [
                "a score of 4 to the power 600 is more than the largest number a computer "
                "holds (about 1.8e308): use a power between -510 and 510 (the mean is then "
                "already next to the highest or lowest score)"
            ],
        ),
    ],
)
def test_a_power_overflows_only_with_the_scores_its_childrens_scales_allow(
    power: str, expected: list[str]
) -> None:
    text = SMALL_SUM.replace(
        "    aggregation: sum\n",
        f"    aggregation: generalised\n    power: {power}\n    scale: {{min: 0, max: 4}}\n",
    ) % "".join(ITEM % (k, k, "scale: {min: 0, max: 4}") for k in "ab")
    _rubric, issues = check_rubric(text, file="small.yaml")
    assert [i.message for i in issues if i.code == "number-overflow"] == expected


def test_ovm_validate_suggests_a_power_that_fits_scores_up_to_1e100(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 1e100 to the power 3 is 1e300, a number a computer holds; to the power 4 it is not.
    text = SMALL_SUM.replace(
        "    aggregation: sum\n",
        "    aggregation: generalised\n    power: 4\n    scale: {min: 0, max: 1e100}\n",
    ) % "".join(ITEM % (k, k, "scale: {min: 0, max: 1e100}") for k in "ab")
    path = tmp_path / "huge.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    found = [line for line in (out + err).splitlines() if "number-overflow" in line]
    assert found == [
        f"{path}:10:12 families[0].power: a score of 1e+100 to the power 4 is more than the "
        "largest number a computer holds (about 1.8e308): use a power between -3 and 3 (the "
        "mean is then already next to the highest or lowest score) [number-overflow]"
    ]


def test_a_rubric_that_does_not_use_above_keeps_its_digest() -> None:
    # The digest this rubric had before recommendations could hold "above" a score.
    text = SMALL_SUM.replace(
        "    aggregation: sum\n",
        "    aggregation: sum\n    recommendations:\n"
        "      - {id: r, when: {below: 40}, to: government, text: {en: Act.}}\n",
    ) % "".join(ITEM % (k, k, "scale: {min: 0, max: 4}") for k in "ab")
    rubric, issues = check_rubric(text, file="small.yaml")
    assert (issues, rubric is not None) == ([], True)
    assert rubric is not None
    assert rubric.digest() == "44044f8dfdecc84cb15a02e338cf5bb6031022d37d62a8a1d234b9121ff43843"


def test_runs_leave_a_formula_undefined_only_where_its_divisor_is_zero(
    workspace: Path, tmp_path: Path
) -> None:
    from ovm.pipeline import analyse
    from ovm.settings import SensitivitySettings, Settings

    rubric = (HERE / "rubric.yaml").read_text(encoding="utf-8")
    # Undefined where political rights are rated 4 (xad and xak), as the engine has it.
    divided = rubric.replace(
        "formula: (rating(pr) + rating(cl)) / 2",
        "formula: (rating(pr) + rating(cl)) / 2 + 0 / (rating(pr) - 4)",
    )
    assert divided != rubric
    (tmp_path / "rubric.yaml").write_text(divided, encoding="utf-8")
    for name in ("missions.yaml", "ovm.yaml"):
        shutil.copy(workspace / name, tmp_path / name)
    settings = Settings(
        bootstrap=0,
        sensitivity=SensitivitySettings(runs=8, weight_range=0.0, boot=10, choices=("weights",)),
    )
    result = analyse(tmp_path, settings).sensitivity
    assert result is not None
    unscored = {r.mission for r in result.ranks if r.nominal is None}
    assert unscored == {"xad", "xak"}
    assert {r.mission: r.unscored for r in result.ranks} == {
        mid: 1.0 if mid in unscored else 0.0 for mid in DATA
    }


def test_the_sensitivity_analysis_refuses_a_rubric_without_overall_at_its_headline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = (HERE / "rubric.yaml").read_text(encoding="utf-8")
    (tmp_path / "rubric.yaml").write_text(
        rubric.replace("headline: status\n", "headline: none\n"), encoding="utf-8"
    )
    chosen = [m for m in missions() if m["id"] in ("xaa", "xah", "xad")]
    (tmp_path / "missions.yaml").write_text(
        yaml.safe_dump({"missions": chosen}, sort_keys=False), encoding="utf-8"
    )
    (tmp_path / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\n", encoding="utf-8"
    )
    assert main(["sensitivity", str(tmp_path), "-q", "--runs", "8"]) == 2
    _out, err = capsys.readouterr()
    assert err == (
        "ovm: rubric.yaml:12:1 `headline: none`: the sensitivity analysis ranks the missions "
        "by their overall, and this rubric has none; name the node that ranks them (`headline: "
        "NODE`) to analyse its ranking\n"
    )


RECOMMENDED = {
    # after the line naming the node: its recommendation, holding for xag
    "  - id: status\n": (
        "    recommendations:\n"
        "      - {id: rec.status, when: {bands: [2]}, to: government, priority: high,"
        " text: {en: Status}}\n"
    ),
    "  - id: pr\n": (
        "    recommendations:\n"
        "      - {id: rec.pr, when: {bands: [0]}, to: government, priority: high,"
        " text: {en: PR}}\n"
    ),
    "      - id: pr.deduction\n": (
        "        bands: [{from: 0, to: 1, label: {en: Light}},"
        " {from: 2, to: 4, label: {en: Heavy}}]\n"
        "        recommendations:\n"
        "          - {id: rec.deduction, when: {above: 0}, to: government, priority: high,"
        " text: {en: Deduction}}\n"
    ),
}
_THROUGH = "reaches the overall through the formula of Status, which moves with what it reads, "
_NO_OVERALL = "the rubric has no overall (`headline: none`)"


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        # The overall is the status: its own band is a gain on its scale (6.5 -> 5.5). The
        # aggregates reach it only through the ratings its formula reads: their gains are in
        # points of political rights (-2 -> 6; a deduction of 4 down to 1, subtracted and
        # better low, adds 3), and come after.
        (
            "status",
            [
                ("rec.status", "overall", 1.0, None),
                ("rec.pr", "pr", 8.0, f"Political rights {_THROUGH}not in proportion to it"),
                (
                    "rec.deduction",
                    "pr",
                    3.0,
                    f"Discretionary deduction {_THROUGH}not in proportion to it",
                ),
            ],
        ),
        # The overall is political rights: the same gains are overall points; the status does
        # not count in it.
        (
            "pr",
            [
                ("rec.pr", "overall", 8.0, None),
                ("rec.deduction", "overall", 3.0, None),
                (
                    "rec.status",
                    "status",
                    1.0,
                    "the overall is Political rights, and Status does not count in it",
                ),
            ],
        ),
        (
            "none",
            [
                ("rec.pr", "pr", 8.0, _NO_OVERALL),
                ("rec.deduction", "pr", 3.0, _NO_OVERALL),
                ("rec.status", "status", 1.0, _NO_OVERALL),
            ],
        ),
    ],
)
def test_a_recommendations_gain_is_taken_along_the_headline_or_says_why_it_is_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], headline: str, expected: list
) -> None:
    text = (HERE / "rubric.yaml").read_text(encoding="utf-8")
    text = text.replace("headline: status\n", f"headline: {headline}\n")
    for line, rec in RECOMMENDED.items():
        text = text.replace(line, line + rec, 1)
    (tmp_path / "rubric.yaml").write_text(text, encoding="utf-8")
    chosen = [m for m in missions() if m["id"] in ("xaa", "xag")]
    (tmp_path / "missions.yaml").write_text(
        yaml.safe_dump({"missions": chosen}, sort_keys=False), encoding="utf-8"
    )
    (tmp_path / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\n", encoding="utf-8"
    )
    data = json.loads(
        run(["recommend", str(tmp_path), "-q", "--mission", "xag", "--format", "json"], capsys)
    )
    got = [(r["id"], r["gain_on"], r["gain"], r["gain_note"]) for r in data["recommendations"]]
    assert got == expected


def test_a_formula_is_parsed_once_however_many_missions_are_scored(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ovm
    from ovm.rubric import formula

    ws = ovm.load_workspace(workspace)
    parsed: list[str] = []
    original = formula.parse

    def counting(text: str) -> formula.Expr:
        parsed.append(text)
        return original(text)

    monkeypatch.setattr(formula, "parse", counting)
    first = ovm.analyse(ws)
    again = ovm.analyse(ws)
    assert len(first.scores.scorecards) == len(DATA) and first.scores == again.scores
    # The status formula, once for the rubric: not once per mission, per pass or per run.
    assert parsed == ["(rating(pr) + rating(cl)) / 2"]


def test_family_tables_write_a_band_only_where_the_legend_does_not_name_it(workspace: Path) -> None:
    # The annual index's political rights are rated on bands of their own ("PR 7"): their cells
    # say the band; a node on the rubric's 0-100 bands leaves it to the legend's ranges; a score
    # not scored always says why.
    import html5lib

    from ovm.pipeline import analyse
    from ovm.reporting import report
    from ovm.rubric.model import pick

    def _text(el: object) -> str:
        return re.sub(r"\s+", " ", "".join(el.itertext())).strip()

    run = analyse(workspace)
    page = report.render_html(report.report_context(run))
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    own = {p.node.id for p in run.rubric.walk() if p.node.bands}
    legend = {
        p.node.id
        for p in run.rubric.walk()
        if not p.node.bands and p.node.scale_or_default.is_default()
    }
    label_to_id = {pick(run.rubric.node(n).labels, "en"): n for n in run.rubric.nodes}
    seen = {"own": 0, "legend": 0}
    families = {f"family-{f.id}": f.id for f in run.rubric.families}
    for section in tree.findall(".//section[@class='major']"):
        if section.get("id") not in families:
            continue
        for tr in section.findall(".//table[@class='indicators']/tbody/tr"):
            head = _text(tr.find("./th"))
            # the first row is the family's own score
            node = families[section.get("id")] if head == "Family score" else label_to_id[head]
            for td in tr.findall("./td"):
                small = td.find("./small")
                if (td.text or "").strip() == "—":
                    assert small is not None and _text(small), node  # why not scored
                elif node in own:
                    assert small is not None and _text(small), node
                    seen["own"] += 1
                elif node in legend:
                    assert small is None, node
                    seen["legend"] += 1
    assert seen["own"] > 0  # the families, on PR and CL bands of their own


def test_the_index_writes_its_workbooks(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The comparison's and an entity's workbook are written, their statuses' bands (given by
    rating, spanning no range of scores) left unfilled; an entity's has no points lost."""
    import openpyxl

    sheets = {}
    for name, extra in (("all.xlsx", []), ("xag.xlsx", ["--mission", "xag"])):
        run(["report", str(workspace), "-q", *extra, "-o", str(tmp_path / name)], capsys)
        sheets[name] = openpyxl.load_workbook(tmp_path / name).sheetnames
    assert "overview" in sheets["all.xlsx"]
    assert ("indicators" in sheets["xag.xlsx"], "drags" in sheets["xag.xlsx"]) == (True, False)
