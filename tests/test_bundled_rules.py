"""The bundled rubric's rules reward what the methodology means, scored through the public API."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import ovm
from ovm import Scorecard
from ovm.cli.app import main as ovm_main
from ovm.indicators import QuantitativeIndicator


def scorecard(
    root: Path,
    answers: dict[str, str],
    values: dict[str, float],
    mission: str = "m",
) -> Scorecard:
    """One mission scored with the bundled rubric from its answers and values."""
    root.mkdir(parents=True)
    lines = [
        "missions:",
        f"  - id: {mission}",
        "    country: ARG",
        f"    name: {mission}",
        "    election: {type: general, date: 2020-01-01}",
    ]
    if answers:
        lines.append("    answers:")
        lines += [f'      {k}: "{v}"' for k, v in answers.items()]
    if values:
        lines.append("    values:")
        lines += [f"      {k}: {v}" for k, v in values.items()]
    (root / "missions.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "ovm.yaml").write_text(
        "rubric: bundled:deco-voting-abroad\nmissions: missions.yaml\nsettings: {bootstrap: 0}\n",
        encoding="utf-8",
    )
    ws = ovm.load_workspace(root)
    return ovm.score(ws.rubric, ws.observations, bootstrap=0).scorecard(mission)


TURNOUT = {"registered_abroad": 1000, "votes_abroad": 400}


def test_turnout_at_home_falling_moves_no_score(tmp_path: Path) -> None:
    high = scorecard(tmp_path / "a", {}, {**TURNOUT, "domestic_turnout_pct": 55})
    low = scorecard(tmp_path / "b", {}, {**TURNOUT, "domestic_turnout_pct": 35})
    # The gap is still computed and shown, and it moves...
    assert (
        high.node("participation.gap_domestic").value,
        low.node("participation.gap_domestic").value,
    ) == (15.0, -5.0)
    # ...but the family and the overall do not.
    assert high.node("participation").score == low.node("participation").score
    assert high.overall.score == low.overall.score
    contributions = {c.node for c in high.node("participation.uptake").explanation.children}
    assert "participation.gap_domestic" not in contributions
    assert "participation.turnout_abroad" in contributions


def test_cost_party_agents_and_postal_returns_are_context_not_score() -> None:
    rubric = ovm.load_workspace(Path(__file__).parent.parent / "examples").rubric
    outside = sorted(p.node.id for p in rubric.walk() if not p.node.contributes and p.depth > 1)
    assert outside == [
        "obstacles.cost_ratio",
        "participation.diaspora_reach",
        "participation.gap_domestic",
        "practice.party_agents",
        "practice.postal_returned",
    ]


def test_spending_more_per_vote_abroad_lowers_no_score(tmp_path: Path) -> None:
    cheap = scorecard(tmp_path / "a", {}, {"cost_per_vote_abroad": 2, "cost_per_vote_home": 1})
    dear = scorecard(tmp_path / "b", {}, {"cost_per_vote_abroad": 40, "cost_per_vote_home": 1})
    assert cheap.node("obstacles.cost_ratio").score != dear.node("obstacles.cost_ratio").score
    assert cheap.node("obstacles").status == dear.node("obstacles").status
    assert cheap.node("obstacles").score == dear.node("obstacles").score


def test_a_campaign_ban_scores_above_unregulated_campaigning(tmp_path: Path) -> None:
    ban = scorecard(
        tmp_path / "a",
        {
            "participation.campaign_allowed": "no",
            "participation.campaign_regulated": "na",
            "participation.campaign_finance": "na",
        },
        {},
    )
    unregulated = scorecard(
        tmp_path / "b",
        {
            "participation.campaign_allowed": "yes",
            "participation.campaign_regulated": "no",
            "participation.campaign_finance": "no",
        },
        {},
    )
    regulated = scorecard(
        tmp_path / "c",
        {
            "participation.campaign_allowed": "yes",
            "participation.campaign_regulated": "yes",
            "participation.campaign_finance": "yes",
        },
        {},
    )
    group = "participation.campaign"
    assert (
        ban.node("participation.campaign_allowed").score,
        unregulated.node(group).score,
        ban.node(group).score,
        regulated.node(group).score,
    ) == pytest.approx((50.0, 100 / 3, 50.0, 100.0))
    assert unregulated.node(group).score < ban.node(group).score < regulated.node(group).score


def test_the_campaign_rationale_s_figures_are_the_rule_s(tmp_path: Path) -> None:
    # The rationale of campaign_allowed: with 80 % of places free of campaigning (scored 33.3
    # by the free-zone rule), a ban scores 41.7 and campaigning allowed without rules or
    # equitable finance 33.3.
    rows = ["mission,site,participation.campaign_free_zone"]
    rows += [f"m,s{j},{'no' if j < 8 else 'yes'}" for j in range(10)]
    got = {}
    for name, allowed, rules in (("ban", "no", "na"), ("unregulated", "yes", "no")):
        root = tmp_path / name
        scorecard(
            root,
            {
                "participation.campaign_allowed": allowed,
                "participation.campaign_regulated": rules,
                "participation.campaign_finance": rules,
            },
            {},
        )
        (root / "checklists.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        (root / "ovm.yaml").write_text(
            "rubric: bundled:deco-voting-abroad\nmissions: missions.yaml\n"
            "checklists: [checklists.csv]\nsettings: {bootstrap: 0}\n",
            encoding="utf-8",
        )
        ws = ovm.load_workspace(root)
        card = ovm.score(ws.rubric, ws.observations, bootstrap=0).scorecard("m")
        got[name] = (
            card.node("participation.campaign_free_zone").score,
            card.node("participation.campaign").score,
        )
    assert got == {
        "ban": pytest.approx((100 / 3, (50 + 100 / 3) / 2)),
        "unregulated": pytest.approx((100 / 3, (100 + 100 / 3) / 4)),
    }


def test_participation_is_scored_from_turnout_and_the_campaign_s_legal_conditions(
    tmp_path: Path,
) -> None:
    # The two aspects of the family most countries publish: votes and registered electors
    # abroad, and whether campaigning abroad is allowed and regulated.
    card = scorecard(
        tmp_path / "a",
        {
            "participation.campaign_allowed": "yes",
            "participation.campaign_regulated": "yes",
            "participation.campaign_finance": "no",
        },
        {**TURNOUT, "est_citizens_abroad": 20000},
    )
    family = card.node("participation")
    assert (family.status, [(c.node, c.status) for c in family.explanation.children]) == (
        "scored",
        [
            ("participation.uptake", "scored"),
            ("participation.information_campaign", "missing"),
            ("participation.confidence", "missing"),
            ("participation.campaign", "scored"),
        ],
    )
    turnout = card.node("participation.turnout_abroad").score
    assert card.node("participation.uptake").score == turnout
    assert family.score == pytest.approx((turnout + 200 / 3) / 2)
    # Reach into the diaspora is context: turnout over a rough denominator, turnout again.
    assert "participation.diaspora_reach" not in {
        c.node for c in card.node("participation.uptake").explanation.children
    }


def test_participation_has_a_score_where_the_example_missions_have_the_data() -> None:
    ws = ovm.load_workspace(Path(__file__).parent.parent / "examples")
    scores = ovm.score(ws.rubric, ws.observations, bootstrap=0)
    scored = sorted(
        c.mission.id for c in scores.scorecards if c.node("participation").status == "scored"
    )
    assert scored == [
        "col-2018",
        "col-2022",
        "dom-2016",
        "ecu-2021",
        "mex-2012",
        "mex-2018",
        "mex-2024",
    ]


def test_electors_per_table_counts_voters_per_voting_day(tmp_path: Path) -> None:
    one_day = scorecard(
        tmp_path / "a",
        {},
        {**TURNOUT, "tables_abroad": 2, "voting_period_days": 1},
    )
    week = scorecard(
        tmp_path / "b",
        {},
        {**TURNOUT, "tables_abroad": 2, "voting_period_days": 7},
    )
    # 400 voters at 2 tables: 200 a table in one day (goalposts 100-400: 66.7), under 29 a
    # day over a week (100). The 1000 registered electors who include non-voters do not count.
    node = "procedures.electors_per_table"
    assert (one_day.node(node).value, one_day.node(node).score) == pytest.approx((200.0, 200 / 3))
    assert week.node(node).score == 100.0


def test_votes_per_table_and_day_is_labelled_by_what_it_computes() -> None:
    # It divides votes cast by tables and by voting days: a label naming electors per table
    # reads as registered electors (hundreds a table), not the tens of votes a table a day.
    rubric = ovm.load_workspace(Path(__file__).parent.parent / "examples").rubric
    node = rubric.node("procedures.electors_per_table")
    assert isinstance(node, QuantitativeIndicator)
    assert node.formula == "votes_abroad / tables_abroad / voting_period_days"
    assert dict(node.labels) == {
        "en": "Votes per table and per day abroad",
        "es": "Votos por mesa y por día en el exterior",
        "fr": "Votes par bureau et par jour à l'étranger",
        "pt": "Votos por mesa e por dia no exterior",
    }
    assert rubric.version == "1.3.9"


def test_confidence_in_electoral_bodies_is_a_group_that_says_when_it_has_no_evidence(
    tmp_path: Path,
) -> None:
    rubric = ovm.load_workspace(Path(__file__).parent.parent / "examples").rubric
    group = rubric.node("participation.confidence")
    assert isinstance(group, ovm.Group)
    assert [c.id for c in group.children] == [
        "participation.trust_emb",
        "participation.emb_confidence",
    ]
    none = scorecard(tmp_path / "a", {}, {})
    assert none.node("participation.confidence").status == "missing"
    some = scorecard(
        tmp_path / "b", {"participation.emb_confidence": "broad"}, {"trust_emb_mean": 4}
    )
    assert some.node("participation.confidence").status == "scored"
    assert some.node("participation.trust_emb").score == 75.0


def test_long_queues_do_not_grow_with_the_observers_effort(tmp_path: Path) -> None:
    # The same queues (exponential, mean 40 minutes) seen at 20 and at 400 visits per mission:
    # the 90th percentile scores alike on average (about 64 and 59), where the longest queue
    # seen fell with effort (about 24 and 0).
    rng = np.random.default_rng(5)
    sizes = {f"m{visits}-{k}": visits for visits in (20, 400) for k in range(30)}
    rows = ["mission,site,practice.queue_minutes"]
    p90 = {}
    for mid, visits in sizes.items():
        queues = rng.exponential(40.0, visits).round().astype(int)
        rows += [f"{mid},s{j},{q}" for j, q in enumerate(queues)]
        # Hyndman & Fan's type 6, the quantile docs/statistics.md defines ("weibull" in NumPy).
        p90[mid] = float(np.quantile(queues, 0.9, method="weibull"))
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "checklists.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "missions.yaml").write_text(
        "missions:\n"
        + "".join(
            f"  - {{id: {m}, country: ARG, name: {m}, election: {{type: general, "
            "date: 2020-01-01}}\n"
            for m in sizes
        ),
        encoding="utf-8",
    )
    (tmp_path / "ovm.yaml").write_text(
        "rubric: bundled:deco-voting-abroad\nmissions: missions.yaml\n"
        "checklists: [checklists.csv]\nsettings: {bootstrap: 0}\n",
        encoding="utf-8",
    )
    ws = ovm.load_workspace(tmp_path)
    scores = ovm.score(ws.rubric, ws.observations, bootstrap=0)
    got = {c.mission.id: c.node("obstacles.worst_queue") for c in scores.scorecards}
    assert {m: ns.value for m, ns in got.items()} == pytest.approx(p90, abs=1e-9)
    mean = {
        visits: float(np.mean([got[m].score for m, v in sizes.items() if v == visits]))
        for visits in (20, 400)
    }
    assert abs(mean[20] - mean[400]) < 12.0, mean


def test_proportionality_does_not_apply_without_seats(tmp_path: Path) -> None:
    roll = {"registered_abroad": 1000, "total_registered": 100000, "total_seats": 100}
    none = scorecard(tmp_path / "a", {"rights.special_seats": "none"}, {**roll, "seats_abroad": 0})
    assert (
        none.node("rights.special_seats").score,
        none.node("rights.proportionality").status,
    ) == (
        0.0,
        "not_applicable",
    )
    # Known to be 0, the seats make the roll moot: no seats is not a missing roll.
    bare = scorecard(tmp_path / "b", {"rights.special_seats": "none"}, {"seats_abroad": 0})
    assert bare.node("rights.proportionality").status == "not_applicable"
    one = scorecard(
        tmp_path / "c", {"rights.special_seats": "reserved"}, {**roll, "seats_abroad": 1}
    )
    # 1 % of the seats for 1 % of the roll: proportional.
    assert (
        one.node("rights.proportionality").status,
        one.node("rights.proportionality").score,
    ) == (
        "scored",
        100.0,
    )


def test_applies_if_must_name_a_variable_of_the_formula(tmp_path: Path) -> None:
    text = """\
ovm_rubric: 1
id: gate
version: "1"
title: {en: Gate}
languages: [en]
variables:
  - {name: a, labels: {en: A}, unit: n, type: number, source: statistics}
  - {name: b, labels: {en: B}, unit: n, type: number, source: statistics}
families:
  - id: f
    labels: {en: F}
    children:
      - id: f.x
        kind: quantitative
        labels: {en: X}
        source: statistics
        formula: a * 10
        applies_if: b
        rule: {type: identity}
"""
    path = tmp_path / "rubric.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ovm.RubricError) as err:
        ovm.load_rubric(path)
    assert [(i.line, i.code) for i in err.value.issues if i.severity == "error"] == [
        (18, "unknown-variable")
    ]


def test_a_checklist_share_is_given_as_a_share_of_what_it_counts() -> None:
    """A checklist share counts observer visits (or the closings and counts they saw), never
    polling places: six visits to one place read "83.3 % of polling places observed" when the
    unit said places. Each language says so."""
    from ovm.rubric.model import bundled_rubric

    rubric = bundled_rubric("deco-voting-abroad")
    units = {
        i.id: dict(i.unit)
        for i in rubric.indicators()
        if i.kind == "checklist" and getattr(i, "stat", None) == "share"
    }
    places = ("polling place", "locales", "bureaux de vote", "locais de votação")
    assert {k: u for k, u in units.items() if any(p in " ".join(u.values()) for p in places)} == {}
    visits = {k for k, u in units.items() if u["en"] == "% of observer visits"}
    assert sorted(set(units) - visits) == ["practice.closing", "practice.counting_procedure"]


def test_the_adoption_recommendation_quotes_the_share_adopted_in_percent() -> None:
    """The indicator's value is a share from 0 to 1 and its unit "%": the text quotes the share
    in percent, the node's score, as the family 7 table shows it (44.4 %, not 0.4 %)."""
    run = ovm.analyse(Path(__file__).parent.parent / "examples", ovm.Settings(bootstrap=0))
    quoted = []
    for card in run.scores.scorecards:
        node = card.node("comparative.adoption_procedures")
        for lang, point in (("en", "."), ("es", ",")):
            for advice in run.recommendations(card.mission.id, lang=lang):
                if advice.id == "rec.comparative.adoption_procedures":
                    assert node.value is not None and node.score == pytest.approx(100 * node.value)
                    percent = f"{100 * node.value:.1f}".replace(".", point)
                    quoted.append((card.mission.id, lang, f" {percent} % " in advice.text))
    assert quoted and all(said for *_, said in quoted), quoted
    assert {lang for _, lang, _ in quoted} == {"en", "es"}


@pytest.mark.parametrize(
    ("lang", "one", "three"),
    [
        ("en", "(currently 1 day)", "(currently 3.0 days)"),
        ("es", "(actualmente 1 día)", "(actualmente 3,0 días)"),
    ],
)
def test_a_count_of_one_reads_in_the_singular(
    tmp_path: Path, lang: str, one: str, three: str
) -> None:
    # "(currently 1.0 days)" for a whole day: the unit's singular after exactly 1 (unit_one),
    # in a recommendation and in a report's inputs; other counts as before.
    root = tmp_path / "ws"
    root.mkdir()
    (root / "missions.yaml").write_text(
        "missions:\n"
        + "".join(
            f"  - {{id: {mid}, country: ARG, name: {mid}, election: {{type: general, "
            f"date: 2020-01-0{k + 1}}}, values: {{voting_period_days: {days}}}}}\n"
            for k, (mid, days) in enumerate((("one", 1), ("three", 3)))
        ),
        encoding="utf-8",
    )
    (root / "ovm.yaml").write_text(
        "rubric: bundled:deco-voting-abroad\nmissions: missions.yaml\nsettings: {bootstrap: 0}\n",
        encoding="utf-8",
    )
    run = ovm.analyse(root, ovm.Settings(bootstrap=0))
    texts = {
        mid: [
            a.text
            for a in run.recommendations(mid, lang=lang)
            if a.node == "procedures.voting_period"
        ]
        for mid in ("one", "three")
    }
    assert len(texts["one"]) == 1 and one in texts["one"][0], texts
    assert len(texts["three"]) == 1 and three in texts["three"][0], texts
    out = tmp_path / "one.html"
    argv = ["report", str(root), "--mission", "one", "-q", "--lang", lang, "-o", str(out)]
    assert ovm_main(argv) == 0
    html = out.read_text(encoding="utf-8")
    assert (">1 day<" if lang == "en" else ">1 día<") in html
    assert ">1 days<" not in html and ">1 días<" not in html
