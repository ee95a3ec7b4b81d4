"""The comparison's summary: best practices and what each country should fix, from the run."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import html5lib
import pytest

from ovm import i18n
from ovm.pipeline import Run, analyse
from ovm.reporting import report
from ovm.rubric.model import pick
from tests.spreadsheet import shown as spreadsheet_shown

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def run() -> Run:
    return analyse(EXAMPLES)


@pytest.fixture(scope="module")
def context(run: Run) -> dict[str, Any]:
    return report.report_context(run)


def _text(el: Any) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def test_the_best_practices_are_the_runs_in_rubric_order(run: Run, context: dict[str, Any]) -> None:
    leaders = run.comparison.leaders
    order = [p.node.id for p in run.rubric.walk()]
    expected = sorted((k for k, b in leaders.items() if b.is_best_practice), key=order.index)
    assert expected, "the example has best practices"
    shown = [
        (b["id"], [m["id"] for m in b["missions"]], b["score"]) for b in context["best_practices"]
    ]
    assert shown == [
        (k, list(leaders[k].missions), spreadsheet_shown(leaders[k].score, 1)) for k in expected
    ]
    tree = html5lib.parse(report.render_html(context), namespaceHTMLElements=False)
    rows = tree.findall(".//section[@id='best-practices']//table/tbody/tr")
    labels = {k: report.text_label(run.rubric.node(k).labels, "en")["text"] for k in expected}
    assert [_text(r.find("./th")) for r in rows] == [labels[k] for k in expected]


def test_each_fix_points_to_the_same_best_as_the_comparison(
    run: Run, context: dict[str, Any]
) -> None:
    checked = 0
    for fix in context["fixes"]:
        mid = fix["mission"]["id"]
        for item in fix["items"]:
            best = run.comparison.best.get(item["node"])
            brief = item["best"]
            if best is not None and best.missions:
                others = [m for m in best.missions if m != mid]
                if others:
                    assert brief["practice"] is True
                    assert [m["id"] for m in brief["missions"]] == others
                    assert brief["score"] == spreadsheet_shown(best.score, 1)
                    checked += 1
                else:
                    assert brief is None
            elif brief is not None:
                top = next(
                    e
                    for e in run.comparison.rankings[item["node"]]
                    if e.mission != mid and e.score is not None
                )
                assert brief["practice"] is False
                assert [m["id"] for m in brief["missions"]] == [top.mission]
                checked += 1
    assert checked > 0


def test_with_missions_writes_every_page_the_comparison_links_to(tmp_path: Path) -> None:
    from ovm.cli.app import main

    out = tmp_path / "report.html"
    assert (
        main(
            [
                "report",
                str(EXAMPLES),
                "-q",
                "--sensitivity-runs",
                "0",
                "--with-missions",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    links = set(re.findall(r'href="(mission-[^"#]+\.html)#([^"]+)"', out.read_text("utf-8")))
    assert links
    # The full texts are in the mission reports: no annex, each row of the fixes table links
    # to its recommendation there.
    page = out.read_text("utf-8")
    assert 'id="fixes-full"' not in page
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    rows = [a.get("href") for a in tree.findall(".//table[@class='fixes']/tbody/tr/td[1]/a")]
    assert len(rows) > 40
    assert [h for h in rows if not re.fullmatch(r"mission-[\w-]+\.html#rec-[\w-]+", h)] == []
    broken = []
    for page, anchor in sorted(links):
        target = tmp_path / page
        if not target.exists() or f'id="{anchor}"' not in target.read_text("utf-8"):
            broken.append((page, anchor))
    assert broken == []
    # A mission report beside a JSON output, or with --mission, is a usage error.
    assert (
        main(["report", str(EXAMPLES), "-q", "--with-missions", "-o", str(tmp_path / "r.json")])
        == 2
    )


def test_the_fixes_table_lists_each_missions_top_recommendations_with_their_full_text(
    run: Run, context: dict[str, Any]
) -> None:
    tree = html5lib.parse(report.render_html(context), namespaceHTMLElements=False)
    groups = tree.findall(".//section[@id='fixes']//table[@class='fixes']/tbody")
    shown = []
    for body in groups:
        for row in body.findall("./tr"):
            link = row.find("./td[1]/a")
            if link is not None:
                shown.append((body.get("id"), link.get("href"), _text(link)))
    expected = []
    for mission in run.missions:
        for r in run.recommendations(mission)[: report.TOP_RECOMMENDATIONS]:
            expected.append(
                (f"fix-mission-{mission}", f"#fix-{mission}-{r.id}".replace(".", "-"), r.node_label)
            )
    assert shown == expected
    # every row's full text is in the annex, under the anchor the row links to
    annex = tree.find(".//section[@id='fixes-full']")
    full = {li.get("id"): _text(li.find("./p")) for li in annex.iter("li")}
    for mission in run.missions:
        for r in run.recommendations(mission)[: report.TOP_RECOMMENDATIONS]:
            assert full[f"fix-{mission}-{r.id}".replace(".", "-")] == r.text


def test_a_mission_without_an_overall_is_shown_no_overall_points(run: Run) -> None:
    # A gain is counted in a score the mission has: overall points only where there is an
    # overall score the node counts in; every output words it from the same fields.
    from ovm.comparison.recommend import to_markdown

    seen = set()
    for lang in ("en", "es", "fr", "pt"):
        no_overall = i18n.gettext("rec_no_gain_no_overall_score", lang)
        for mission in run.missions:
            card = run.comparison.scores.scorecard(mission)
            scored = card.overall.status == "scored"
            recs = run.recommendations(mission, lang)
            text = to_markdown(recs, None, mission, lang)
            # A mission with an overall score is never told it has none; a node that does not
            # count in it is said so, by its label.
            if scored:
                assert no_overall not in text, (mission, lang)
            for r in recs:
                if r.gain_on == "overall":
                    assert scored and r.gain_note is None
                elif scored:
                    # Outside the overall: the group above has no score (said by its label),
                    # or the node carries no share of it.
                    above = card.node(card.node(r.gain_on).parent or "overall")
                    note = (
                        i18n.gettext(
                            "rec_no_gain_no_score",
                            lang,
                            node=pick(run.rubric.node(above.node).labels, lang),
                        )
                        if above.node != "overall" and above.status != "scored"
                        else i18n.gettext("rec_no_gain_not_counted", lang, node=r.node_label)
                    )
                    assert r.gain_note == note and f"({note})" in text, (mission, lang, r.id)
                    seen.add("outside")
                seen.add("overall" if r.gain_on == "overall" else "outside" if scored else "none")
            # Within a priority: gains in overall points first, then the others, each shown
            # largest first.
            for a, b in pairwise(recs):
                if a.priority == b.priority:
                    key_a = (a.gain_on != "overall", -a.gain)
                    key_b = (b.gain_on != "overall", -b.gain)
                    assert key_a <= key_b, (mission, lang, a.id, b.id)
    assert seen == {"overall", "outside", "none"}, "the example has every kind of gain"
    for lang in ("en", "es"):
        ctx = report.report_context(run, lang=lang)
        page = report.render_html(ctx)
        tree = html5lib.parse(page, namespaceHTMLElements=False)
        overall_words = i18n.gettext("gain_points", lang, n="").strip("+ ")
        for fix in ctx["fixes"]:
            mid = fix["mission"]["id"]
            card = run.comparison.scores.scorecard(mid)
            annex = [
                _text(li)
                for li in tree.iter("li")
                if (li.get("id") or "").startswith(f"fix-{mid}-")
            ]
            assert len(annex) == len(fix["items"])
            for item, text in zip(fix["items"], annex, strict=True):
                if card.overall.status != "scored":
                    assert overall_words not in text, (mid, text)
                    assert item["gain_on"] != "overall"
                if item["gain_on"] == "overall":
                    assert overall_words in text


def test_peer_groups_are_named_not_slugged(run: Run) -> None:
    for lang, name in (("en", "South America"), ("es", "Sudamérica"), ("fr", "Amérique du Sud")):
        page = report.render_html(report.report_context(run, lang=lang))
        tree = html5lib.parse(page, namespaceHTMLElements=False)
        text = _text(tree.find(".//body"))
        assert "south-america" not in text and "central-america" not in text
        assert f"({name}, " in text


def test_runs_without_an_overall_are_one_value_in_every_output() -> None:
    # 0 % where a mission kept its overall in every run, as the workbook and `ovm compare`
    # give it, not a dash
    from ovm.data.workspace import load_workspace
    from ovm.settings import SensitivitySettings, Settings

    ws = load_workspace(EXAMPLES)
    s = ws.settings
    settings = Settings(
        seed=s.seed,
        bootstrap=s.bootstrap,
        confidence=s.confidence,
        sensitivity=SensitivitySettings(runs=20),
    )
    ctx = report.report_context(analyse(ws, settings))
    assert ctx["ranking"]["any_unscored"]
    tree = html5lib.parse(report.render_html(ctx), namespaceHTMLElements=False)
    rows = tree.findall(".//table[@class='ranking']/tbody/tr")
    shown = [_text(r.findall("./td")[-1]) for r in rows]
    expected = [
        f"{spreadsheet_shown(100 * r['unscored_value'], 0)}%"
        if r["unscored_value"] is not None
        else "—"
        for r in ctx["ranking"]["rows"]
    ]
    assert shown == expected and "0%" in shown


def test_french_sets_a_narrow_no_break_space_before_high_punctuation(run: Run) -> None:
    # Our own texts: every catalogue entry and every label the templates end with a colon.
    # (The rubric's French texts: tests/test_untranslated.py; quoted sources stay as recorded.)
    # A code span quotes what the user types (`headline: none`): YAML, not French.
    loose = re.compile(r"(?<!\u202f)[:;!?](?=\s|$)")
    wrong = [
        (key, text)
        for key, forms in i18n.messages("fr").items()
        for text in forms
        if loose.search(re.sub(r"`[^`]*`", "", text))
    ]
    assert wrong == []
    assert i18n.punctuate("Note : oui; non! 09:15 https://x.org ?", "fr") == (
        "Note\u202f: oui\u202f; non\u202f! 09:15 https://x.org\u202f?"
    )
    assert i18n.punctuate("Note: yes", "es") == "Note: yes"
    for mission in (None, "mex-2024"):
        page = report.render_html(report.report_context(run, lang="fr", mission=mission))
        tree = html5lib.parse(page, namespaceHTMLElements=False)
        # raw text: the normalised text would turn the narrow space into a plain one
        labels = ["".join(b.itertext()) for b in tree.iter("b") if _text(b).endswith(":")]
        labels += [
            "".join(span.itertext()) + (span.tail or "")
            for span in tree.iter("span")
            if span.get("class") == "in-name"
        ]
        assert labels
        assert [x for x in labels if not x.rstrip().endswith("\u202f:")] == []


def test_no_trend_is_drawn_without_a_score_to_draw(run: Run, context: dict[str, Any]) -> None:
    tree = html5lib.parse(report.render_html(context), namespaceHTMLElements=False)
    drawn = {f.get("id") for f in tree.findall(".//section[@id='trends']//figure")}
    listed = [
        _text(tr.find("./td[1]"))
        for tr in tree.findall(".//table[@class='trend-singles']/tbody/tr")
    ]
    expected_drawn = set()
    expected_listed = []
    for tr in context["trends"]:
        scored = [p for p in tr["points"] if p["value"] is not None]
        if len(tr["points"]) > 1 and scored:
            expected_drawn.add(tr["anchor"])
    for tr in sorted(
        (t for t in context["trends"] if t["anchor"] not in expected_drawn),
        key=lambda t: (t["country_name"], t["key"]),
    ):
        expected_listed += [
            _text(
                html5lib.parseFragment(
                    f"{p['mission']['name']['text']} {p['mission']['id']}",
                    namespaceHTMLElements=False,
                )
            )
            for p in tr["points"]
        ]
    assert drawn == expected_drawn
    assert [" ".join(x.split()[:-1]) if x.endswith("SIMULATED") else x for x in listed] == (
        expected_listed
    )
    # the example has a country observed twice without an overall score in either election
    assert any(
        len(t["points"]) > 1 and all(p["value"] is None for p in t["points"])
        for t in context["trends"]
    )


def test_family_tables_leave_the_band_to_the_legend_on_the_rubrics_bands(
    context: dict[str, Any],
) -> None:
    # Every node of the bundled rubric is on its 0-100 bands: a scored cell writes its number,
    # its colour is its band (the legend gives the ranges and ratings); an unscored one says why.
    tree = html5lib.parse(report.render_html(context), namespaceHTMLElements=False)
    scored = unscored = 0
    for td in tree.findall(".//table[@class='indicators']/tbody/tr/td"):
        small = td.find("./small")
        if (td.text or "").strip() == "—":
            assert small is not None and _text(small)
            unscored += 1
        else:
            assert small is None and re.fullmatch(r"t\d", td.get("class") or ""), _text(td)
            scored += 1
    assert scored > 100 and unscored > 10
    legend = tree.find(".//ul[@class='legend']")
    assert "rating 1" in _text(legend) and "rating 4" in _text(legend)


@pytest.mark.parametrize(
    ("missions", "lead"),
    [
        # Two elections of El Salvador, neither with an overall score: observed twice all the same.
        (("slv-2014", "slv-2019", "pan-2019"), "trends_unscored"),
        (("slv-2019", "pan-2019", "mex-2024"), "trends_none"),
    ],
)
def test_the_trends_lead_says_why_no_trend_is_drawn(missions: tuple[str, ...], lead: str) -> None:
    from ovm.settings import Settings

    for lang in ("en", "es"):
        run = analyse(EXAMPLES, Settings(bootstrap=0, missions=missions))
        page = report.render_html(report.report_context(run, lang=lang))
        tree = html5lib.parse(page, namespaceHTMLElements=False)
        said = [_text(p) for p in tree.findall(".//section[@id='trends']/p[@class='lead']")]
        assert said == [i18n.gettext(lead, lang)]
