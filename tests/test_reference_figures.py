"""A recommendation names figures by what they are: the practice it points to gives its value in
the unit the recommendation's sentence speaks of and its score, each named ("92.3 % of observer
visits (score 61.5)"), never a bare score under a sentence about a share; the evidence under a
group gives each child's value and score alike. Every output takes the same figure from the run."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import ovm
from ovm.indicators import ComparativeIndicator
from ovm.pipeline import Run, analyse
from ovm.reporting.report import render_html, render_xlsx, report_context
from ovm.rubric.model import Indicator

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def run() -> Run:
    return analyse(EXAMPLES)


def _number(value: float) -> str:
    # English as Python writes it, apart from ovm's formatter: whole counts without decimals.
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _in_unit(node: Indicator, value: float) -> str:
    # A unit that names what the number is (a ratio) comes first: "ratio of 0.6".
    unit = node.unit_text("en", value)
    return f"{unit} of {_number(value)}" if node.unit_is_name else f"{_number(value)} {unit}"


def _title(run: Run, mission: str) -> str:
    name = run.scorecard(mission).mission.name
    return name if isinstance(name, str) else name["en"]


def test_a_reference_gives_the_practices_value_in_its_unit_and_its_score(run: Run) -> None:
    numeric, unlike = 0, 0
    wrong = []
    for mission in run.missions:
        for r in run.recommendations(mission):
            node = run.rubric.node(r.node)
            ref = r.reference
            if ref is None or isinstance(node, ovm.Group | ComparativeIndicator):
                continue
            value = run.scorecard(ref.missions[0]).node(r.node).value
            assert ref.value == value
            if not isinstance(value, float | int):
                continue
            numeric += 1
            figure = f"{_in_unit(node, value)} (score {ref.score:.1f})"
            expected = f"In {_title(run, ref.missions[0])}: {figure}"
            if not (r.best_practice or "").startswith(expected):
                wrong.append((mission, r.id, r.best_practice, expected))
            # a share or a count that is not its score: the case the bare score misled in
            unlike += _number(value) != f"{ref.score:.1f}"
    assert wrong == []
    assert numeric > 5 and unlike > 0


def test_the_secrecy_reference_reads_as_a_share_of_visits(run: Run) -> None:
    (secrecy,) = [r for r in run.recommendations("col-2022") if r.id == "rec.practice.secrecy"]
    assert secrecy.best_practice == (
        "In Peru, 2021 general election (first round): 100 % of observer visits (score 100.0)"
    )


def test_a_group_reference_and_its_evidence_name_scores_as_scores(run: Run) -> None:
    lines = 0
    for mission in run.missions:
        card = run.scorecard(mission)
        for r in run.recommendations(mission):
            if not isinstance(run.rubric.node(r.node), ovm.Group):
                continue
            if r.reference is not None:
                assert (r.best_practice or "").endswith(f": score {r.reference.score:.1f}")
            scored = [c for c in card.node(r.node).explanation.children if c.status == "scored"]
            expected = []
            for c in scored:
                child = run.rubric.node(c.node)
                label = child.labels["en"]
                value = card.node(c.node).value
                score = f"score {c.score:.1f}"
                if isinstance(child, ovm.Group) or value is None:
                    expected.append(f"{label}: {score}")
                elif isinstance(value, str):
                    expected.append((label, f" ({score})"))
                else:
                    expected.append(f"{label}: {_in_unit(child, value)} ({score})")
            said = list(r.evidence[-len(scored) :])
            for line, want in zip(said, expected, strict=True):
                if isinstance(want, tuple):
                    assert line.startswith(f"{want[0]}: ") and line.endswith(want[1]), line
                else:
                    assert line == want
            lines += len(scored)
    assert lines > 10


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_annex_the_page_and_the_workbook_give_the_recommendations_figure(
    run: Run, lang: str
) -> None:
    ctx = report_context(run, lang=lang)
    page = render_html(ctx)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(ctx)))
    cells = {str(c.value) for row in book["recommendations"].iter_rows() for c in row if c.value}
    shown = 0
    for fix in ctx["fixes"]:
        recs = {r.id: r for r in run.recommendations(fix["mission"]["id"], lang)}
        for item in fix["items"]:
            rec = recs[item["id"]]
            if item["best"] is None:
                assert rec.best_practice is None
                continue
            figure = item["best"]["figure"]
            # one figure: the recommendation's own sentence ends with it (then its sources)
            assert rec.best_practice is not None and f": {figure}" in rec.best_practice
            assert figure.replace("<", "&lt;") in page
            assert any(rec.best_practice in c for c in cells)
            shown += 1
    assert shown > 10


def test_the_json_of_recommend_holds_the_reference_s_value_and_score(run: Run) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "ovm",
            "recommend",
            str(EXAMPLES),
            "--mission",
            "col-2022",
            "--format",
            "json",
            "-q",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    said = {r["id"]: r["reference"] for r in json.loads(out.stdout)["recommendations"]}
    assert said == {
        r.id: None
        if r.reference is None
        else {
            "missions": list(r.reference.missions),
            "score": r.reference.score,
            "value": r.reference.value,
            "practice": r.reference.practice,
        }
        for r in run.recommendations("col-2022")
    }
    assert said["rec.practice.secrecy"] == {
        "missions": ["per-2021"],
        "score": 100.0,
        "value": 100.0,
        "practice": False,
    }


EDGE_RUBRIC = """\
ovm_rubric: 1
id: edge
version: "1"
title: {en: Edge}
languages: [en]
bands:
  - {min: 0, max: 50, label: {en: Weak}}
  - {min: 50, max: 100, label: {en: Strong}}
variables:
  - {name: registered_abroad, labels: {en: Registered}, unit: voters, type: count,
     source: statistics}
  - {name: votes_abroad, labels: {en: Votes}, unit: votes, type: count, source: statistics,
     at_most: registered_abroad}
families:
  - id: participation
    labels: {en: Participation}
    children:
      - id: part.turnout
        kind: quantitative
        labels: {en: Turnout}
        source: statistics
        unit: "%"
        formula: votes_abroad / registered_abroad * 100
        rule: {type: goalposts, low: 0, high: 100}
        recommendations:
          - {id: rec.turnout, when: {below: 60}, to: electoral_body, priority: high,
             text: {en: Raise turnout abroad.}}
"""


def _edge_workspace(tmp_path: Path, votes: dict[str, tuple[int, int]]) -> Path:
    """A workspace of EDGE_RUBRIC: a mission a 2020 election per key, with its registered
    voters and votes abroad."""
    root = tmp_path / "ws"
    root.mkdir()
    (root / "rubric.yaml").write_text(EDGE_RUBRIC, encoding="utf-8")
    countries = iter(["ARG", "BRA", "CHL", "PER"])
    (root / "missions.yaml").write_text(
        "missions:\n"
        + "".join(
            f"  - {{id: {k}-2020, country: {next(countries)}, name: {k.upper()} 2020, "
            f"election: {{type: general, date: 2020-0{i + 1}-01}}}}\n"
            for i, k in enumerate(votes)
        ),
        encoding="utf-8",
    )
    (root / "statistics.csv").write_text(
        "mission,registered_abroad,votes_abroad\n"
        + "".join(f"{k}-2020,{r},{v}\n" for k, (r, v) in votes.items()),
        encoding="utf-8",
    )
    (root / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\nstatistics: [statistics.csv]\n"
        "settings: {seed: 7, bootstrap: 0}\n",
        encoding="utf-8",
    )
    return root


def test_a_best_performer_just_under_a_band_edge_has_one_score_in_every_output(
    tmp_path: Path,
) -> None:
    # AAA 2020 scores 49.996, in the band under 50: one decimal would write 50.0, the next
    # band's figure. The recommendation (library and `ovm recommend`) and the report's annex
    # give the score with the decimals that keep it in its band, the same text everywhere.
    root = _edge_workspace(tmp_path, {"aaa": (100000, 49996), "bbb": (100000, 20000)})
    run = analyse(root)
    assert run.scorecard("aaa-2020").node("part.turnout").score == pytest.approx(49.996)
    (rec,) = run.recommendations("bbb-2020")
    assert rec.best_practice == "In AAA 2020: 50.0 % (score 49.996)"
    out = subprocess.run(
        [sys.executable, "-m", "ovm", "recommend", str(root), "--mission", "bbb-2020", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "Best practice: In AAA 2020: 50.0 % (score 49.996)" in out.stdout
    ctx = report_context(run)
    (item,) = [
        i
        for fix in ctx["fixes"]
        if fix["mission"]["id"] == "bbb-2020"
        for i in fix["items"]
        if i["id"] == "rec.turnout"
    ]
    assert item["best"]["figure"] == "50.0 % (score 49.996)"
    assert "50.0 % (score 49.996)" in render_html(ctx)


def test_a_best_performer_on_a_compared_range_keeps_its_band_there(tmp_path: Path) -> None:
    # Put on 0-10 by a distance to a target, AAA 2020 scores 4.99996, under the band that
    # starts at 5 there: every output writes 4.99996, as the report's tables do, not 5.0.
    root = _edge_workspace(
        tmp_path,
        {
            "aaa": (10**6, 899994),
            "bbb": (10**6, 200000),
            "ccc": (10**6, 499960),
            "ddd": (10**6, 100000),
        },
    )
    compared = [
        "--normalisation",
        "distance_to_target",
        "--output-range",
        "0",
        "10",
        "--target",
        "part.turnout=170",
    ]
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "ovm",
            "recommend",
            str(root),
            "--mission",
            "bbb-2020",
            "-q",
            *compared,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "Best practice: In AAA 2020: 90.0 % (score 4.99996)" in out.stdout
    page = tmp_path / "report.html"
    argv = [sys.executable, "-m", "ovm", "report", str(root), "-q", "-o", str(page)]
    done = subprocess.run(argv + compared, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    assert "90.0 % (score 4.99996)" in html
    assert "(score 5.0)" not in html
