"""Recommendations as reports show them: every placeholder filled, numbers in the report's
language, and the comparison's section on what each country should fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.numbers import NumberFormatError, parse_decimal

import ovm
from ovm import i18n
from ovm.pipeline import Run, analyse

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def run() -> Run:
    return analyse(EXAMPLES)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_example_recommendation_is_filled_in(run: Run, lang: str) -> None:
    left = []
    for mission in run.missions:
        for r in run.recommendations(mission, lang):
            for text in (r.text, r.condition, r.best_practice or "", *r.evidence):
                if "{" in text or "}" in text:
                    left.append((mission, r.id, text))
    assert left == []


def test_a_checklist_variable_fills_its_placeholder_with_the_scored_statistic(run: Run) -> None:
    # The long queues of the example observer checklists (the p90 of practice.queue_minutes):
    # the text shows the value the scorecard holds.
    (mission,) = [
        m
        for m in run.missions
        if any(r.node == "obstacles.worst_queue" for r in run.recommendations(m, "en"))
    ]
    queue = {
        lang: next(
            r for r in run.recommendations(mission, lang) if r.node == "obstacles.worst_queue"
        )
        for lang in ("en", "es")
    }
    (p90,) = [
        i.value for i in run.scorecard(mission).node("obstacles.worst_queue").explanation.inputs
    ]
    # A 90th percentile interpolates between two answers: it may have a decimal.
    en, es = (i18n.format_number(p90, lang, 1) for lang in ("en", "es"))
    assert f"a queue of {en} minutes or more" in queue["en"].text
    assert f"una fila de {es} minutos o más" in queue["es"].text


@pytest.mark.parametrize("lang", [x for x in i18n.LANGUAGES if x != "en"])
def test_recommendations_use_the_numbers_of_their_language(run: Run, lang: str) -> None:
    number = re.compile(r"\d[\d.,\u00a0\u202f]*\d")
    wrong = []
    for mission in run.missions:
        for r in run.recommendations(mission, lang):
            # the sources after " — " or in parentheses are quoted as recorded
            ours = [
                r.text,
                r.condition,
                (r.best_practice or "").split(" (")[0],
                *(e.split(" — ")[0] for e in r.evidence),
            ]
            for text in ours:
                for found in number.findall(text):
                    try:
                        parse_decimal(found, locale=lang, strict=True)
                    except NumberFormatError:
                        wrong.append((text, found))
    assert wrong == []


def test_markdown_of_recommendations_writes_gain_in_the_language(run: Run) -> None:
    from ovm.comparison.recommend import to_markdown

    md = to_markdown(run.recommendations("mex-2024", "es"), None, "México", lang="es")
    assert re.search(r"\*Ganancia:\* \d+,\d\d puntos", md)
    assert "{" not in md


def test_cli_examples_print_no_placeholder() -> None:
    import subprocess
    import sys

    for lang in ("en", "es"):
        res = subprocess.run(
            [
                sys.executable,
                "-m",
                "ovm",
                "recommend",
                str(EXAMPLES),
                "--mission",
                "mex-2024",
                "--lang",
                lang,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert res.returncode == 0, res.stderr
        assert "{" not in res.stdout
        assert ovm.__name__ == "ovm"


def test_a_recommendation_points_only_to_missions_that_do_better(run: Run) -> None:
    # The practice a recommendation cites must score better than the mission it advises; the
    # cohort's leader on a node is pointed to nobody. Each cited practice is named by its
    # mission's title, so the cited score is looked up through the title.
    by_title = {}
    for card in run.comparison.scores.scorecards:
        name = card.mission.name
        by_title[name if isinstance(name, str) else name["en"]] = card
    worse = []
    cited = 0
    for mission in run.missions:
        for r in run.recommendations(mission):
            if r.best_practice is None:
                continue
            cited += 1
            title = next(
                t for t in by_title if r.best_practice.startswith((f"In {t} ", f"In {t}:"))
            )
            theirs = run.comparison.scores.scorecard(by_title[title].mission.id).node(r.node).score
            assert theirs is not None
            if theirs <= r.score:
                worse.append((mission, r.node, r.score, title, theirs))
    assert cited > 0
    assert worse == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_whole_inputs_in_evidence_print_without_decimals(run: Run, lang: str) -> None:
    # "votes_abroad: 854", never "854.00" (or "854,00"): a count has no decimals.
    zeros = re.compile(r": -?[\d.,\u202f\xa0]*\d[.,]00(?!\d)")
    found = [
        (mission, line)
        for mission in run.missions
        for r in run.recommendations(mission, lang)
        for line in r.evidence
        if " = " not in line and zeros.search(line)
    ]
    assert found == []


def test_the_fixes_table_names_the_practice_each_recommendation_names(run: Run) -> None:
    # "What each country should fix" and the recommendation's own text point to one practice:
    # the first mission the table names is the one the text names, and neither names one
    # where nobody scores better than the mission.
    from ovm.reporting.report import report_context

    ctx = report_context(run)
    titles = {m["id"]: m["name"]["text"] for m in ctx["missions"]}
    seen, differ = 0, []
    for row in ctx["fixes"]:
        mission = row["mission"]["id"]
        recs = run.recommendations(mission)
        assert [r["id"] for r in row["items"]] == [r.id for r in recs[: len(row["items"])]]
        for item, rec in zip(row["items"], recs, strict=False):
            seen += 1
            best = item["best"]
            named = None
            if rec.best_practice is not None:
                named = next(
                    m
                    for m, t in titles.items()
                    if rec.best_practice.startswith((f"In {t} ", f"In {t}:"))
                )
            table = best["missions"][0]["id"] if best is not None else None
            if table != named:
                differ.append((mission, rec.node, table, named))
    assert seen > 40
    assert differ == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_why_a_gain_is_not_in_overall_points_is_shown_beside_the_gain(run: Run, lang: str) -> None:
    # Both reports say why a gain is counted in a family's or the indicator's points.
    from markupsafe import escape

    from ovm.reporting.report import render_html, report_context

    comparison = render_html(report_context(run, lang=lang))
    shown = 0
    for mission in run.missions:
        recs = run.recommendations(mission, lang)
        notes = [r.gain_note for r in recs if r.gain_note]
        if not notes:
            continue
        page = render_html(report_context(run, lang=lang, mission=mission))
        assert [n for n in notes if str(escape(n)) not in page] == []
        top = [r.gain_note for r in recs[:3] if r.gain_note]
        assert [n for n in top if str(escape(n)) not in comparison] == []
        shown += len(top)
    assert shown > 10


def test_a_peer_that_only_ties_the_mission_is_no_best_practice_to_replicate(
    tmp_path: Path,
) -> None:
    # In the north two missions share a statute (60, the north's best practice, a lead over
    # a third without one): neither is pointed to the other, as a recommendation points only
    # to a practice that scores better than the mission it advises.
    from test_compare import COHORT_MISSIONS, COHORT_RUBRIC, COHORT_STATS, workspace

    from ovm.reporting.report import report_context

    levels = "              - {key: constitution, score: 100, descriptor: {en: Constitution}}\n"
    rubric = COHORT_RUBRIC.replace(
        levels,
        levels
        + "            recommendations:\n"
        + "              - {id: rec.basis, when: {below: 80}, to: legislature, priority: high,\n"
        + "                 text: {en: Give voting abroad a firmer legal basis.}}\n",
    )
    missions = COHORT_MISSIONS.replace(
        "answers: {rights.basis: constitution, rights.postal: partial}",
        "answers: {rights.basis: statute, rights.postal: partial}",
    ) + (
        "      - {id: aaa-2024, country: ARG, name: A 2024, region: north,\n"
        "         election: {type: general, date: 2024-05-01},\n"
        '         answers: {rights.basis: none, rights.postal: "no"}}\n'
    )
    stats = COHORT_STATS.rstrip() + "\n    aaa-2024,1000,100\n"
    root = workspace(tmp_path / "ws", rubric=rubric, missions=missions, statistics=stats)
    run = analyse(root)
    assert run.comparison.peers["north"].best["rights.basis"].missions == ("aaa-2016", "aaa-2020")
    fixes = {
        (row["mission"]["id"], item["id"]): (
            [m["id"] for m in item["peer_best"]],
            [m["id"] for m in item["best"]["missions"]] if item["best"] else [],
        )
        for row in report_context(run)["fixes"]
        for item in row["items"]
    }
    assert fixes == {
        ("aaa-2016", "rec.basis"): ([], ["bbb-2018"]),
        ("aaa-2020", "rec.basis"): ([], ["bbb-2018"]),
        ("aaa-2024", "rec.basis"): (["aaa-2016", "aaa-2020"], ["bbb-2018"]),
        ("bbb-2022", "rec.basis"): (["bbb-2018"], ["bbb-2018"]),
    }


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_reference_is_headed_best_practice_only_when_it_is_one(run: Run, lang: str) -> None:
    """col-2022's secrecy recommendation points to the cohort's top score, whose lead does not
    hold: the mission page and the Markdown call it the best performer; its turnout one
    points to a best practice and is headed so."""
    from ovm.comparison.recommend import to_markdown
    from ovm.reporting.report import render_html, render_xlsx, report_context

    recs = {r.id: r for r in run.recommendations("col-2022", lang)}
    practice, performer = recs["rec.participation.turnout_abroad"], recs["rec.practice.secrecy"]
    assert practice.reference is not None and practice.reference.practice
    assert performer.reference is not None and not performer.reference.practice
    headings = {
        word: i18n.gettext(word, lang) + i18n.colon(lang)
        for word in ("best_practice", "best_performer")
    }
    page = render_html(report_context(run, lang=lang, mission="col-2022"))
    markdown = to_markdown(list(recs.values()), None, "col-2022", lang)
    import io

    import openpyxl

    book = openpyxl.load_workbook(
        io.BytesIO(render_xlsx(report_context(run, lang=lang, mission="col-2022")))
    )
    cells = "\n".join(
        str(c.value) for row in book["recommendations"].iter_rows() for c in row if c.value
    )
    for text in (page, markdown, cells):
        said = {
            heading: [r for r in (practice, performer) if f"{h} {r.best_practice}" in text]
            for heading, h in headings.items()
        }
        assert said == {"best_practice": [practice], "best_performer": [performer]}


@pytest.mark.parametrize(("lang", "colon"), [("en", ":"), ("es", ":"), ("fr", "\u202f:")])
def test_a_group_s_evidence_names_its_children_by_their_labels(
    run: Run, lang: str, colon: str
) -> None:
    """A group's recommendation lists its children's scores as evidence: by the label a
    reader of that language knows, never by the rubric's ids."""
    from ovm.indicators.text import wording

    rubric = run.rubric
    said: list[tuple[str, str]] = []
    for mission in run.missions:
        card = run.scorecard(mission)
        for r in run.recommendations(mission, lang):
            node = rubric.node(r.node)
            if not isinstance(node, ovm.Group):
                continue
            scored = [c for c in card.node(r.node).explanation.children if c.status == "scored"]
            names = [line.split(colon)[0] for line in r.evidence]
            labels = [wording(rubric.node(c.node).labels, lang).text for c in scored]
            said += list(zip(labels, (c.node for c in scored), strict=True))
            assert names[-len(scored) :] == labels
    assert said and all(label != node for label, node in said)
