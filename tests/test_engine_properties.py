"""Properties of score(): range, monotonicity, order independence, weight scale, NA vs missing."""

from __future__ import annotations

import csv
import dataclasses
import io
import random
import tempfile
from collections.abc import Callable
from pathlib import Path

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

import ovm
from ovm import ScoreSet

LAB = "{en: L, es: L}"

RUBRIC = """\
ovm_rubric: 1
id: prop
version: "1"
title: {{en: Properties, es: Propiedades}}
aggregation: {agg[0]}
{power[0]}
variables:
  - {{name: registered, labels: {lab}, unit: voters, type: count, source: statistics}}
  - name: votes
    labels: {lab}
    unit: votes
    type: count
    source: statistics
    at_most: registered
  - name: queue_median
    labels: {lab}
    unit: minutes
    source: checklist
    from_sites: {{question: p.queue, stat: median}}
families:
  - id: law
    labels: {lab}
    weight: {w[0]}
    aggregation: {agg[1]}
    min_coverage: {cov[0]}
{power[1]}
    children:
      - id: law.basis
        kind: levels
        labels: {lab}
        source: legal
        weight: {w[1]}
        allow_na: true
        levels:
          - {{key: none, score: 0, descriptor: {lab}}}
          - {{key: statute, score: 60, descriptor: {lab}}}
          - {{key: constitution, score: 100, descriptor: {lab}}}
      - {{id: law.postal, kind: answer, labels: {lab}, source: legal, weight: {w[2]},
          allow_na: true}}
      - id: law.turnout
        kind: quantitative
        labels: {lab}
        source: statistics
        weight: {w[3]}
        formula: votes / registered * 100
        rule: {{type: goalposts, low: 10, high: 60}}
  - id: practice
    labels: {lab}
    weight: {w[4]}
    aggregation: {agg[2]}
    min_coverage: {cov[1]}
{power[2]}
    children:
      - id: p.open
        kind: checklist
        labels: {lab}
        source: checklist
        question: {lab}
        not_applicable: true
        min_answers: 2
        weight: {w[5]}
      - id: p.queue
        kind: checklist
        labels: {lab}
        source: checklist
        question: {lab}
        answer_type: integer
        minimum: 0
        stat: median
        min_answers: 2
        weight: {w[6]}
        rule: {{type: goalposts, low: 10, high: 120, direction: lower}}
      - id: p.queue_band
        kind: quantitative
        labels: {lab}
        source: checklist
        weight: {w[7]}
        formula: queue_median
        rule:
          type: bands
          bands: [{{max: 30, score: 100}}, {{min: 30, max: 60, score: 50}}, {{min: 60, score: 0}}]
  - id: cmp
    labels: {lab}
    children:
      - {{id: cmp.best, kind: comparative, labels: {lab}, source: analyst,
          measure: distance_to_best, target: practice}}
"""

Make = Callable[..., Path]
N_WEIGHTS = 8
METHODS = ["arithmetic", "geometric", "harmonic", "minimum", "generalised"]
BASIS = ["none", "statute", "constitution"]
POSTAL = ["no", "partial", "yes"]


@st.composite
def designs(draw: st.DrawFn, methods: list[str] = METHODS) -> dict:
    agg = [draw(st.sampled_from(methods)) for _ in range(3)]
    return {
        "agg": agg,
        "power": [
            draw(st.sampled_from([-1, 0.5, 2, 3])) if a == "generalised" else None for a in agg
        ],
        "w": [draw(st.sampled_from([0.5, 1, 1, 2, 3.25])) for _ in range(N_WEIGHTS)],
        "cov": [draw(st.sampled_from([0, 0.5, 0.75])) for _ in range(2)],
    }


def rubric_text(design: dict, scale: float = 1.0) -> str:
    indent = ["", "    ", "    "]
    power = [
        f"{indent[i]}power: {p}" if p is not None else "" for i, p in enumerate(design["power"])
    ]
    return RUBRIC.format(
        agg=design["agg"],
        power=power,
        cov=design["cov"],
        lab=LAB,
        w=[repr(w * scale) for w in design["w"]],
    )


@st.composite
def mission_data(draw: st.DrawFn) -> dict:
    registered = draw(st.integers(1, 5000))
    return {
        "basis": draw(st.sampled_from([None, "n/a", *BASIS])),
        "postal": draw(st.sampled_from([None, "n/a", *POSTAL])),
        "registered": registered,
        "votes": draw(st.none() | st.integers(0, registered)),
        "sites": draw(
            st.lists(
                st.tuples(
                    st.sampled_from(["yes", "no", "na", ""]), st.none() | st.integers(0, 200)
                ),
                max_size=6,
            )
        ),
    }


COHORTS = st.lists(mission_data(), min_size=1, max_size=3)


def write(
    root: Path,
    design: dict,
    cohort: list[dict],
    make: Make,
    *,
    scale: float = 1.0,
    site_order: list[int] | None = None,
) -> Path:
    missions = "missions:\n"
    stats = "mission,registered,votes\n"
    sites: list[str] = []
    for k, m in enumerate(cohort):
        mid = f"m{k}"
        missions += (
            f"  - id: {mid}\n    country: ARG\n    name: {mid}\n"
            f"    election: {{type: general, date: 2020-05-0{k + 1}}}\n    answers:\n"
        )
        for key, value in (("law.basis", m["basis"]), ("law.postal", m["postal"])):
            missions += f"      {key}: {value if value is not None else '~'}\n"
        votes = "" if m["votes"] is None else m["votes"]
        stats += f"{mid},{m['registered']},{votes}\n"
        for j, (answer, queue) in enumerate(m["sites"]):
            sites.append(f"{mid},s{j},{answer},{'' if queue is None else queue}")
    if site_order is not None:
        sites = [sites[i] for i in site_order]
    checklists = "mission,site,p.open,p.queue\n" + "".join(s + "\n" for s in sites)
    return make(
        root,
        rubric=rubric_text(design, scale),
        missions=missions,
        statistics=stats,
        checklists=checklists,
    )


def run(root: Path, bootstrap: int = 0) -> ScoreSet:
    ws = ovm.load_workspace(root)
    assert ws.observations.report.rejected == ()
    return ovm.score(ws.rubric, ws.observations, bootstrap=bootstrap)


def all_nodes(card: ovm.Scorecard) -> list[ovm.NodeScore]:
    return [card.overall, *card.nodes]


@given(design=designs(), cohort=COHORTS)
def test_every_score_and_interval_stays_within_0_and_100(
    make_workspace: Make, design: dict, cohort: list[dict]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        s = run(write(Path(tmp), design, cohort, make_workspace), bootstrap=20)
    for card in s.scorecards:
        for ns in all_nodes(card):
            if ns.score is not None:
                assert 0 <= ns.score <= 100, (ns.node, ns.score)
                assert ns.status == "scored"
            else:
                assert ns.status != "scored"
            if ns.interval is not None:
                assert 0 <= ns.interval[0] <= ns.interval[1] <= 100
            assert 0 <= ns.coverage <= 1


@st.composite
def improvements(draw: st.DrawFn, cohort: list[dict]) -> tuple[int, list[dict]]:
    k = draw(st.integers(0, len(cohort) - 1))
    m = dict(cohort[k])
    options = []
    if m["basis"] in BASIS[:-1]:
        options.append("basis")
    if m["postal"] in POSTAL[:-1]:
        options.append("postal")
    if m["votes"] is not None and m["votes"] < m["registered"]:
        options.append("votes")
    if any(a == "no" for a, _ in m["sites"]):
        options.append("open")
    if any(q for _, q in m["sites"]):
        options.append("queue")
    if not options:
        return k, cohort
    what = draw(st.sampled_from(options))
    if what == "basis":
        level = BASIS.index(m["basis"])
        m["basis"] = BASIS[level + draw(st.integers(1, len(BASIS) - 1 - level))]
    elif what == "postal":
        m["postal"] = POSTAL[POSTAL.index(m["postal"]) + 1]
    elif what == "votes":
        m["votes"] = draw(st.integers(m["votes"] + 1, m["registered"]))
    elif what == "open":
        j = next(i for i, (a, _) in enumerate(m["sites"]) if a == "no")
        sites = list(m["sites"])
        sites[j] = ("yes", sites[j][1])
        m["sites"] = sites
    else:
        j = next(i for i, (_, q) in enumerate(m["sites"]) if q)
        sites = list(m["sites"])
        sites[j] = (sites[j][0], draw(st.integers(0, sites[j][1] - 1)))
        m["sites"] = sites
    return k, [*cohort[:k], m, *cohort[k + 1 :]]


@given(design=designs(), cohort=COHORTS, data=st.data())
def test_a_better_answer_or_value_never_lowers_any_score(
    make_workspace: Make, design: dict, cohort: list[dict], data: st.DataObject
) -> None:
    k, better = data.draw(improvements(cohort))
    with tempfile.TemporaryDirectory() as tmp:
        before = run(write(Path(tmp) / "a", design, cohort, make_workspace)).scorecard(f"m{k}")
        after = run(write(Path(tmp) / "b", design, better, make_workspace)).scorecard(f"m{k}")
    for old, new in zip(all_nodes(before), all_nodes(after), strict=True):
        assert old.node == new.node
        if old.score is not None and new.score is not None:
            assert new.score >= old.score - 1e-9, (old.node, old.score, new.score)
        if old.status == "scored":
            # A score never turns undefined or missing through a better input.
            assert new.status == "scored", (old.node, new.status)


@given(design=designs(), cohort=COHORTS, rnd=st.randoms(use_true_random=False))
def test_order_of_site_rows_and_missions_changes_nothing(
    make_workspace: Make, design: dict, cohort: list[dict], rnd: random.Random
) -> None:
    n_sites = sum(len(m["sites"]) for m in cohort)
    order = list(range(n_sites))
    rnd.shuffle(order)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        first = run(write(root, design, cohort, make_workspace), bootstrap=25)
        # The same folder and file names, rows in another order.
        ws = ovm.load_workspace(write(root, design, cohort, make_workspace, site_order=order))
        missions = list(ws.observations.missions)
        rnd.shuffle(missions)
        obs = dataclasses.replace(ws.observations, missions=tuple(missions))
        second = ovm.score(ws.rubric, obs, bootstrap=25)
        again = ovm.score(ws.rubric, obs, bootstrap=25)
    assert second.scorecards == first.scorecards
    assert second.to_json() == first.to_json()
    assert again.to_json() == second.to_json()


@given(design=designs(), cohort=st.lists(mission_data(), min_size=2, max_size=4))
def test_a_missions_scorecard_does_not_depend_on_the_rest_of_the_cohort(
    make_workspace: Make, design: dict, cohort: list[dict]
) -> None:
    # Replicates are carried up the tree for the whole cohort at once; scored alone, each
    # mission must get exactly the same scorecard, intervals included.
    with tempfile.TemporaryDirectory() as tmp:
        ws = ovm.load_workspace(write(Path(tmp), design, cohort, make_workspace))
    together = ovm.score(ws.rubric, ws.observations, bootstrap=30)
    for mission in ws.observations.missions:
        sites = ws.observations.sites
        if sites.height:
            sites = sites.filter(pl.col("mission") == mission.id)
        alone = ovm.score(ws.rubric, ovm.Observations((mission,), sites), bootstrap=30)
        assert alone.scorecards == (together.scorecard(mission.id),)


@st.composite
def wide_cohorts(draw: st.DrawFn) -> tuple[str, str, str]:
    """A family of 8 to 14 weighted yes/no questions and 2 to 4 missions' visits."""
    k = draw(st.integers(8, 14))
    method = draw(st.sampled_from(["arithmetic", "geometric", "harmonic", "generalised"]))
    power = "\n    power: 2" if method == "generalised" else ""
    rubric = (
        f'ovm_rubric: 1\nid: wide\nversion: "1"\ntitle: {LAB}\nfamilies:\n'
        f"  - id: p\n    labels: {LAB}\n    aggregation: {method}{power}\n    children:\n"
    )
    for j in range(k):
        w = draw(st.sampled_from([0.3, 1, 1.7, 2.5]))
        rubric += (
            f"      - {{id: p.q{j}, kind: checklist, labels: {LAB}, source: checklist, "
            f"question: {LAB}, min_answers: 1, weight: {w}}}\n"
        )
    n_missions = draw(st.integers(2, 4))
    missions = "missions:\n" + "".join(
        f"  - {{id: m{i}, country: ARG, name: M, election: {{type: general, "
        f"date: 2020-05-0{i + 1}}}}}\n"
        for i in range(n_missions)
    )
    rows = ["mission,site," + ",".join(f"p.q{j}" for j in range(k))]
    for i in range(n_missions):
        for v in range(draw(st.integers(3, 30))):
            answers = draw(st.lists(st.sampled_from(["yes", "no"]), min_size=k, max_size=k))
            rows.append(f"m{i},s{v}," + ",".join(answers))
    return rubric, missions, "\n".join(rows) + "\n"


@given(case=wide_cohorts(), bootstrap=st.sampled_from([1, 2, 9]))
def test_wide_groups_score_a_mission_alike_alone_and_in_a_cohort(
    make_workspace: Make, case: tuple[str, str, str], bootstrap: int
) -> None:
    # NumPy sums a lone column pairwise and a matrix's rows in turn: with 8 or more children
    # and one replicate, a mission's interval once differed in its last bit with the cohort.
    rubric, missions, checklists = case
    with tempfile.TemporaryDirectory() as tmp:
        ws = ovm.load_workspace(
            make_workspace(Path(tmp), rubric=rubric, missions=missions, checklists=checklists)
        )
    together = ovm.score(ws.rubric, ws.observations, bootstrap=bootstrap)
    sites = ws.observations.sites
    for mission in ws.observations.missions:
        alone = ovm.Observations((mission,), sites.filter(pl.col("mission") == mission.id))
        assert ovm.score(ws.rubric, alone, bootstrap=bootstrap).scorecards == (
            together.scorecard(mission.id),
        )


@given(design=designs(), cohort=COHORTS, scale=st.sampled_from([0.001, 0.5, 3.0, 1000.0]))
def test_multiplying_every_weight_by_a_constant_changes_no_score(
    make_workspace: Make, design: dict, cohort: list[dict], scale: float
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = run(write(Path(tmp) / "a", design, cohort, make_workspace))
        scaled = run(write(Path(tmp) / "b", design, cohort, make_workspace, scale=scale))
    for c1, c2 in zip(base.scorecards, scaled.scorecards, strict=True):
        for a, b in zip(all_nodes(c1), all_nodes(c2), strict=True):
            assert (a.node, a.status) == (b.node, b.status)
            assert abs(a.coverage - b.coverage) <= 1e-9
            if a.score is None:
                assert b.score is None
            else:
                assert abs(a.score - b.score) <= 1e-9 * max(1.0, abs(a.score)), a.node


@given(design=designs(), m=mission_data(), which=st.sampled_from(["law.basis", "law.postal"]))
def test_not_applicable_leaves_the_denominator_where_missing_lowers_coverage(
    make_workspace: Make, design: dict, m: dict, which: str
) -> None:
    key = "basis" if which == "law.basis" else "postal"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        na = run(write(root / "a", design, [m | {key: "n/a"}], make_workspace)).scorecard("m0")
        gone = run(write(root / "b", design, [m | {key: None}], make_workspace)).scorecard("m0")
    assert (na.node(which).status, gone.node(which).status) == ("not_applicable", "missing")
    assert na.node(which).coverage == gone.node(which).coverage == 0
    law_na, law_gone = na.node("law"), gone.node("law")
    assert law_na.coverage >= law_gone.coverage
    if law_gone.status == "scored":
        # Both renormalise over the same scored children.
        assert law_na.status == "scored"
        assert abs(law_na.score - law_gone.score) <= 1e-9
    if law_na.status in ("scored", "insufficient", "undefined"):
        # Something applicable is left, so the missing answer costs its share of weight.
        assert law_na.coverage > law_gone.coverage
    # The other family is untouched either way.
    assert na.node("practice") == gone.node("practice")


@given(design=designs(methods=[*METHODS, "sum"]), cohort=COHORTS)
def test_csv_export_has_the_leading_columns_and_a_row_per_mission_and_node(
    make_workspace: Make, design: dict, cohort: list[dict]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        s = run(write(Path(tmp), design, cohort, make_workspace))
    text = ovm.scores_csv(s)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:10] == [
        "mission",
        "node",
        "parent",
        "level",
        "kind",
        "value",
        "score",
        "coverage",
        "status",
        "band",
    ]
    expected = [
        (c.mission.id, ns.node, ns.status, ns.score) for c in s.scorecards for ns in all_nodes(c)
    ]
    got = [(r[0], r[1], r[8], float(r[6]) if r[6] else None) for r in rows[1:]]
    assert [g[:3] for g in got] == [e[:3] for e in expected]
    for (_, _, _, score), (_, _, _, want) in zip(got, expected, strict=True):
        assert (score is None) == (want is None)
        if want is not None:
            assert abs(score - want) <= 1e-9
    assert len(rows) == 1 + len(s.scorecards) * (1 + len(s.scorecards[0].nodes))
