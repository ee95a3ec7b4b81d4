"""Site-derived variables, intervals through non-monotone rules and order-free notes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ovm
from ovm.scoring.engine import score_with_replicates
from ovm.scoring.sitestats import wilson, wilson_arrays

RUBRIC = """\
ovm_rubric: 1
id: sites
version: "1"
title: {en: Sites, es: Sitios}
bands:
  - {min: 0, max: 50, label: {en: Low, es: Bajo}}
  - {min: 50, max: 100, label: {en: High, es: Alto}}
variables:
  - name: queue_max
    labels: {en: Longest queue, es: Fila más larga}
    unit: minutes
    source: checklist
    from_sites: {question: f.queue, stat: max}
  - name: secret_share
    labels: {en: Secrecy share, es: Proporción con secreto}
    unit: share
    source: checklist
    from_sites: {question: f.secret, stat: share}
families:
  - id: f
    labels: {en: F, es: F}
    min_coverage: 0
    children:
      - id: f.queue
        kind: checklist
        labels: {en: Queue, es: Fila}
        source: checklist
        question: {en: Minutes, es: Minutos}
        answer_type: integer
        stat: median
        min_answers: 1
        rule: {type: goalposts, low: 0, high: 100, direction: lower}
      - id: f.worst
        kind: quantitative
        labels: {en: Worst queue, es: Peor fila}
        source: checklist
        formula: queue_max
        rule: {type: goalposts, low: 0, high: 100, direction: lower}
      - id: f.secret
        kind: checklist
        labels: {en: Secret, es: Secreto}
        source: checklist
        question: {en: "Secret?", es: "¿Secreto?"}
        min_answers: 1
        rule: {type: target, target: 50, tolerance: 0, span: 50}
      - id: f.secret_pct
        kind: quantitative
        labels: {en: Secret pct, es: Secreto pct}
        source: checklist
        formula: secret_share * 100
        rule: {type: identity}
"""
MISSIONS = """\
missions:
  - {id: m, country: ARG, name: M, election: {type: general, date: 2024-01-01}}
"""
ROWS = [
    (10, "yes", "late"),
    (20, "no", "queue"),
    (30, "yes", ""),
    (40, "no", "crowd"),
    (50, "yes", ""),
    (60, "no", "x"),
    (70, "yes", ""),
    (80, "no", ""),
]


Make = Callable[..., Path]


def _workspace(make: Make, root: Path, rows: list[tuple[int, str, str]], boot: int) -> Path:
    lines = ["mission,site,notes,f.queue,f.secret"]
    lines += [f"m,s{q},{note},{q},{sec}" for q, sec, note in rows]
    return make(
        root,
        rubric=RUBRIC,
        missions=MISSIONS,
        checklists="\n".join(lines) + "\n",
        settings_yaml=f"{{bootstrap: {boot}, seed: 3}}",
    )


def _score(root: Path) -> ovm.Scorecard:
    ws = ovm.load_workspace(root)
    s = ws.settings
    return ovm.score(ws.rubric, ws.observations, seed=s.seed, bootstrap=s.bootstrap).scorecard("m")


def test_a_variable_gets_the_statistic_it_asks_for_not_the_questions(
    tmp_path: Path, make_workspace: Make
) -> None:
    card = _score(_workspace(make_workspace, tmp_path, ROWS, 200))
    # The question is scored on its median (45 -> 55); the variable asks for the max (80 -> 20).
    assert (card.node("f.queue").value, card.node("f.queue").score) == (45.0, pytest.approx(55.0))
    assert (card.node("f.worst").value, card.node("f.worst").score) == (80.0, pytest.approx(20.0))
    lo, hi = card.node("f.worst").interval or (None, None)
    assert lo is not None and hi is not None and lo <= 20.0 <= hi


def test_a_share_variable_and_its_replicates_are_on_the_same_scale(
    tmp_path: Path, make_workspace: Make
) -> None:
    card = _score(_workspace(make_workspace, tmp_path, ROWS, 200))
    node = card.node("f.secret_pct")
    assert node.score == pytest.approx(50.0)
    lo, hi = node.interval or (0.0, 0.0)
    # The bootstrap over 8 sites of a 4/8 share spreads around 50 on the percentage scale
    # (replicates on another scale would clip at 100 or collapse onto the score).
    assert 0 < lo < 40 and 60 < hi < 100


def test_a_checklist_interval_through_a_target_rule_contains_its_score(
    tmp_path: Path, make_workspace: Make
) -> None:
    card = _score(_workspace(make_workspace, tmp_path, ROWS, 0))
    node = card.node("f.secret")
    # 4 of 8 is exactly on target: 100. The Wilson interval spans the target, so its top is
    # 100 and its bottom is the rule at the interval end furthest from 50.
    low, high = wilson(4, 8)
    far = max(50 - 100 * low, 100 * high - 50)
    assert node.score == 100.0
    assert node.interval == (pytest.approx(100 - 2 * far, abs=1e-9), 100.0)


def test_a_checklist_interval_through_bands_counts_every_band_it_touches(
    tmp_path: Path, make_workspace: Make
) -> None:
    # 4 of 8 (50%) scores 50; the Wilson interval (21.5% to 78.5%) also reaches the narrow
    # band scoring 100, which neither of its ends falls in.
    bands = (
        "{type: bands, bands: [{max: 30, score: 0}, {min: 30, max: 40, score: 100}, "
        "{min: 40, max: 60, score: 50}, {min: 60, score: 0}]}"
    )
    rubric = RUBRIC.replace(
        "rule: {type: target, target: 50, tolerance: 0, span: 50}", f"rule: {bands}"
    )
    lines = ["mission,site,f.queue,f.secret"]
    lines += [f"m,s{q},{q},{sec}" for q, sec, _ in ROWS]
    root = make_workspace(
        tmp_path,
        rubric=rubric,
        missions=MISSIONS,
        checklists="\n".join(lines) + "\n",
        settings_yaml="{bootstrap: 0}",
    )
    node = _score(root).node("f.secret")
    low, high = wilson(4, 8)
    assert 0.2 < low < 0.3 and 0.7 < high < 0.8
    assert (node.score, node.interval) == (50.0, (0.0, 100.0))


def test_notes_do_not_depend_on_row_order_without_bootstrap(
    tmp_path: Path, make_workspace: Make
) -> None:
    a = _score(_workspace(make_workspace, tmp_path / "a", ROWS, 0))
    b = _score(_workspace(make_workspace, tmp_path / "b", list(reversed(ROWS)), 0))
    assert [n.text for n in a.notes] == [n.text for n in b.notes]
    assert a.model_dump_json() == b.model_dump_json()


def test_float_sums_do_not_depend_on_row_order(tmp_path: Path, make_workspace: Make) -> None:
    import numpy as np

    # Long-tailed decimals, whose floating-point sum changes with the order of its terms.
    values = np.random.default_rng(0).lognormal(0, 3, 500)
    rubric = RUBRIC.replace(
        "answer_type: integer\n        stat: median", "answer_type: decimal\n        stat: mean"
    )
    lines = ["mission,site,notes,f.queue,f.secret"]
    lines += [f"m,s{i},,{float(v)!r},{'yes' if i % 3 else 'no'}" for i, v in enumerate(values)]
    root = make_workspace(
        tmp_path,
        rubric=rubric,
        missions=MISSIONS,
        checklists="\n".join(lines) + "\n",
        settings_yaml="{bootstrap: 50, seed: 3}",
    )
    ws = ovm.load_workspace(root)
    texts = set()
    for seed in range(12):
        shuffled = ws.observations.sites.sample(fraction=1.0, shuffle=True, seed=seed)
        obs = ovm.Observations(ws.observations.missions, shuffled)
        texts.add(ovm.score(ws.rubric, obs, bootstrap=50, seed=3).to_json())
    assert len(texts) == 1


def test_a_replicate_without_weight_has_no_statistic() -> None:
    from ovm.scoring.sitestats import _weighted_stat

    vals = np.array([10.0, 90.0])
    w = np.array([[0.0, 0.0], [1.0, 2.0]])
    for stat in ("mean", "median", "sum", "count", "min", "max"):
        out = _weighted_stat(stat, vals, w)
        assert np.isnan(out[0]), stat
        assert not np.isnan(out[1]), stat


def test_a_zero_divisor_in_one_missions_replicates_leaves_the_others_intervals(
    tmp_path: Path, make_workspace: Make
) -> None:
    # "few" has two visits, one yes and one no: the replicates that draw only the "no" give a
    # share of 0, and 50 / secret_share divides by zero there. "m" has 40 visits, 2 in 3 yes.
    rubric = RUBRIC.replace("formula: secret_share * 100", "formula: 50 / secret_share")
    missions = MISSIONS + (
        "  - {id: few, country: BRA, name: F, election: {type: general, date: 2024-01-01}}\n"
    )
    lines = ["mission,site,f.queue,f.secret", "few,s0,10,yes", "few,s1,20,no"]
    lines += [f"m,s{i},{i},{'yes' if i % 3 else 'no'}" for i in range(40)]
    root = make_workspace(
        tmp_path, rubric=rubric, missions=missions, checklists="\n".join(lines) + "\n"
    )
    ws = ovm.load_workspace(root)
    scores = ovm.score(ws.rubric, ws.observations, seed=5, bootstrap=100)
    few = scores.scorecard("few").node("f.secret_pct")
    many = scores.scorecard("m").node("f.secret_pct")
    # Both are scored on their point values; only "m" has enough polling places for an
    # interval ("few" has replicates, its shares drawn away from 0, but two places).
    assert (few.status, few.score, few.sampled, few.interval) == ("scored", 100.0, True, None)
    assert "too-few-places-for-interval" in {f.code for f in scores.scorecard("few").findings}
    assert many.status == "scored" and many.sampled and many.interval is not None
    assert many.score == pytest.approx(50 / (26 / 40))
    lo, hi = many.interval
    assert lo < many.score < hi
    sites = ws.observations.sites
    for mission in ws.observations.missions:
        alone = ovm.Observations((mission,), sites.filter(sites["mission"] == mission.id))
        card = ovm.score(ws.rubric, alone, seed=5, bootstrap=100).scorecard(mission.id)
        assert card == scores.scorecard(mission.id)


@given(
    st.lists(st.tuples(st.integers(0, 500), st.integers(1, 500)), min_size=1, max_size=20),
    st.sampled_from([1.0, 1.959963984540054, 2.576]),
)
def test_the_cohort_wide_wilson_interval_is_the_one_of_each_mission(
    pairs: list[tuple[int, int]], z: float
) -> None:
    # Checklist intervals are computed for the whole cohort at once; each must be the
    # public single-proportion interval of its own counts.
    counts = [(min(a, n), n) for a, n in pairs]
    lo, hi = wilson_arrays(
        np.array([a for a, _ in counts], float), np.array([n for _, n in counts], float), z
    )
    for k, (a, n) in enumerate(counts):
        assert (lo[k], hi[k]) == pytest.approx(wilson(a, n, z), abs=1e-12)
        assert 0 <= lo[k] <= a / n <= hi[k] <= 1


DECIMAL_RUBRIC = """\
ovm_rubric: 1
id: dec
version: "1"
title: {en: D, es: D}
variables:
  - {name: d_sum, labels: {en: S, es: S}, unit: h, source: checklist,
     from_sites: {question: p.d, stat: sum}}
  - {name: d_median, labels: {en: M, es: M}, unit: h, source: checklist,
     from_sites: {question: p.d, stat: median}}
families:
  - id: p
    labels: {en: P, es: P}
    children:
      - {id: p.d, kind: checklist, labels: {en: D, es: D}, source: checklist,
         question: {en: D, es: D}, answer_type: decimal, stat: mean, min_answers: 1,
         rule: {type: identity}}
      - {id: p.sum, kind: quantitative, labels: {en: S, es: S}, source: checklist,
         formula: d_sum, rule: {type: identity}}
      - {id: p.median, kind: quantitative, labels: {en: M, es: M}, source: checklist,
         formula: d_median, rule: {type: identity}}
"""


@pytest.mark.parametrize("note", ["note 0", "note 2", ""])
def test_point_statistics_of_decimal_answers_depend_on_the_values_alone(
    tmp_path: Path, make_workspace: Make, note: str
) -> None:
    # Summed in the visits' content-hash order, 0.78 + 0.61 + 0.81 + 0.75 + 0.09 came out
    # 1 ULP off 3.04 for some note texts: a free-text note could move a band score.
    values = ["0.78", "0.61", "0.81", "0.75", "0.09"]
    lines = ["mission,site,notes,p.d"]
    lines += [f"m,s{i},{note if i == 0 else ''},{v}" for i, v in enumerate(values)]
    lines += ["n,s0,,0.1", "n,s1,,0.7"]
    missions = MISSIONS + (
        "  - {id: n, country: BRA, name: N, election: {type: general, date: 2024-01-01}}\n"
    )
    root = make_workspace(
        tmp_path, rubric=DECIMAL_RUBRIC, missions=missions, checklists="\n".join(lines) + "\n"
    )
    ws = ovm.load_workspace(root)
    scores = ovm.score(ws.rubric, ws.observations, bootstrap=0)
    m, n = scores.scorecard("m"), scores.scorecard("n")
    assert [m.node(x).value for x in ("p.d", "p.sum", "p.median")] == [0.608, 3.04, 0.75]
    # The median of two values is interpolated between them, not their rounded mean.
    assert [n.node(x).value for x in ("p.d", "p.sum", "p.median")] == [
        (0.1 + 0.7) / 2,
        0.1 + 0.7,
        0.4,
    ]


def _two_questions(share_variable: bool) -> str:
    variable = (
        "variables:\n"
        "  - name: b_share\n"
        "    labels: {en: B share}\n"
        "    unit: share\n"
        "    source: checklist\n"
        "    from_sites: {question: f.b, stat: share}\n"
        if share_variable
        else ""
    )
    formula = (
        "      - {id: f.b_pct, kind: quantitative, labels: {en: B pct}, source: checklist,\n"
        "         formula: b_share * 100, rule: {type: identity}}\n"
        if share_variable
        else ""
    )
    return (
        'ovm_rubric: 1\nid: two\nversion: "1"\ntitle: {en: Two}\nlanguages: [en]\n'
        "bands:\n  - {min: 0, max: 50, label: {en: Low}}\n"
        "  - {min: 50, max: 100, label: {en: High}}\n"
        f"{variable}"
        "families:\n  - id: f\n    labels: {en: F}\n    children:\n"
        "      - {id: f.a, kind: checklist, labels: {en: A}, source: checklist,\n"
        "         question: {en: A}}\n"
        "      - {id: f.b, kind: checklist, labels: {en: B}, source: checklist,\n"
        "         question: {en: B}}\n"
        f"{formula}"
    )


def test_a_questions_replicates_are_the_same_whether_or_not_a_variable_reads_its_share(
    tmp_path: Path, make_workspace: Make
) -> None:
    # With a share variable on one question only, that question's shares are kept as shares
    # and the other's are turned into percentages beside them, in the same block.
    rng = np.random.default_rng(11)
    lines = ["mission,site,f.a,f.b"] + [
        f"m{i % 3},s{i % 17},{rng.choice(['yes', 'no'])},{rng.choice(['yes', 'no', 'na'])}"
        for i in range(120)
    ]
    missions = "missions:\n" + "".join(
        f"  - {{id: m{i}, country: ARG, name: M{i}, election: {{type: general, "
        f"date: 2024-01-01}}}}\n"
        for i in range(3)
    )
    found = {}
    for with_variable in (False, True):
        root = make_workspace(
            tmp_path / str(with_variable),
            rubric=_two_questions(with_variable),
            missions=missions,
            checklists="\n".join(lines) + "\n",
            settings_yaml="{bootstrap: 50, seed: 3}",
        )
        ws = ovm.load_workspace(root)
        scores, reps = score_with_replicates(ws.rubric, ws.observations, seed=3, bootstrap=50)
        found[with_variable] = (scores, reps)
    (plain, plain_reps), (shared, shared_reps) = found[False], found[True]
    for q in ("f.a", "f.b"):
        a = plain_reps.values[:, plain_reps.indicators.index(q)]
        b = shared_reps.values[:, shared_reps.indicators.index(q)]
        assert np.isfinite(a).all() and np.array_equal(a, b)
        assert [c.node(q) for c in plain.scorecards] == [c.node(q) for c in shared.scorecards]
    pct = shared_reps.values[:, shared_reps.indicators.index("f.b_pct")]
    assert np.allclose(pct, shared_reps.values[:, shared_reps.indicators.index("f.b")])
