"""Reports: context, HTML (parsed with a real parser), JSON, XLSX, the CLI and the wheel."""

from __future__ import annotations

import csv
import dataclasses
import functools
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import typing
import zipfile
from pathlib import Path
from typing import Any

import html5lib
import jinja2
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ovm
from ovm import i18n
from ovm.cli import app as cli
from ovm.comparison.recommend import Recommendation
from ovm.comparison.sensitivity import RankInterval, Sensitivity
from ovm.data.observations import Confidence, FollowUpStatus, PastRecommendation
from ovm.data.workspace import Workspace, load_workspace
from ovm.indicators._common import Addressee, Priority, Source
from ovm.indicators.checklist import Stat
from ovm.indicators.comparative import Measure
from ovm.pipeline import Run, UnknownMissionError, analyse
from ovm.reporting import report, workbook
from ovm.rubric.model import Aggregation, pick
from ovm.scoring.results import NodeStatus
from ovm.settings import IMPUTATIONS, NORMALISATIONS, SensitivitySettings, Settings
from tests.spreadsheet import shown as spreadsheet_shown

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini"
EXAMPLES = ROOT / "examples"
TEMPLATES = ROOT / "reports" / "templates"
EVIL_NOTE = (
    '<script>alert("x")</script> see <a href="javascript:alert(1)">this</a> '
    "and <img src=x onerror=alert(2)>"
)


# --- helpers -----------------------------------------------------------------------------


def _copy(tmp_path: Path, src: Path = MINI) -> Path:
    dst = tmp_path / src.name
    shutil.copytree(src, dst)
    return dst


def _scored(
    path: Path,
    sensitivity_runs: int = 0,
    min_places: int = 1,
) -> tuple[Workspace, Run]:
    ws = load_workspace(path)
    s = ws.settings
    sens = SensitivitySettings(runs=sensitivity_runs) if sensitivity_runs else None
    # The mini data visit 3-4 places a mission: the report tests show intervals, so the
    # minimum number of places behind one is lowered.
    return ws, analyse(
        ws, Settings(seed=s.seed, bootstrap=s.bootstrap, sensitivity=sens, min_places=min_places)
    )


def _sensitivity(**fields: Any) -> Sensitivity:
    """A sensitivity result written by hand, for what the report does with one."""
    ranks = (
        RankInterval(mission="aaa-2020", nominal=1, median=1.0, low=1.0, high=2.0, mean_shift=0.25),
        RankInterval(
            mission="bbb-2021", nominal=None, median=2.0, low=2.0, high=2.0, mean_shift=0.0
        ),
    )
    return Sensitivity(
        **{
            "runs": 300,
            "seed": 7,
            "weight_range": 0.25,
            "ranks": ranks,
            "settings": SensitivitySettings(runs=300),
            "alternatives": {},
            **fields,
        }
    )


def _parse(html: str) -> Any:
    return html5lib.parse(html, namespaceHTMLElements=False)


def _text(el: Any) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def _num(el: Any) -> str:
    """The number written in a score (a ``.sc`` cell or pill, in bold; or a family table's
    cell, whose class is its tone alone and whose own text is the number) at or inside ``el``."""
    for node in el.iter():
        classes = (node.get("class") or "").split()
        if "sc" in classes:
            found = node.find("./b")
            assert found is not None, _text(node)
            return _text(found)
        if node.tag == "td" and re.fullmatch(r"t(\d|none)", " ".join(classes)):
            assert node.text and node.text.strip(), _text(node)
            return node.text.strip()
    raise AssertionError(f"no score in {_text(el)!r}")


def _fmt(x: float | None) -> str:
    return "—" if x is None else spreadsheet_shown(x, 1)


def _set_note(ws_dir: Path, row: int, text: str) -> None:
    path = ws_dir / "checklists.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[row]["notes"] = text
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


@pytest.fixture(scope="module")
def mini() -> tuple[Workspace, Run]:
    return _scored(MINI)


@pytest.fixture(scope="module")
def mini_html(mini: tuple[Workspace, Run]) -> str:
    _ws, run = mini
    ctx = report.report_context(run)
    return report.render_html(ctx)


# --- the message catalogue ---------------------------------------------------------------


def test_every_msgid_used_by_the_templates_exists() -> None:
    used: dict[str, set[str]] = {}
    for path in TEMPLATES.rglob("*.j2"):
        for msgid in re.findall(r"\bt\(\s*[\"']([A-Za-z0-9_]+)[\"']", path.read_text("utf-8")):
            used.setdefault(msgid, set()).add(path.name)
    assert len(used) > 50
    assert {k: v for k, v in used.items() if not i18n.has(k)} == {}


def test_every_msgid_used_by_the_report_code_exists() -> None:
    code = (ROOT / "ovm" / "reporting" / "report.py").read_text("utf-8")
    literal = set(re.findall(r"\bt\(\s*[\"']([a-z0-9_]+)[\"']\s*[,)]", code))
    assert {m for m in literal if not i18n.has(m)} == set()
    # msgids built from a value: every value of the type has its text
    families = {
        "status": typing.get_args(NodeStatus),
        "severity": ("info", "warning", "error"),
        "agg": typing.get_args(Aggregation),
        "source": typing.get_args(Source),
        "stat": typing.get_args(Stat),
        "measure": typing.get_args(Measure),
        "confidence": typing.get_args(Confidence),
        "to": typing.get_args(Addressee),
        "priority": typing.get_args(Priority),
        "followup": typing.get_args(FollowUpStatus),
        "kind": ("family", "group", "levels", "answer", "checklist", "quantitative", "comparative"),
        "method": ("minmax", "zscore", "rank", "percentile"),
        "direction": ("higher", "lower"),
        "answer": ("yes", "partial", "no"),
        "title": ("comparison", "mission"),
        "norm": NORMALISATIONS,
        "legend_unbanded": ("zscore", "rank"),
        "imputation": IMPUTATIONS,
        "groups": ("none", "region", "given"),
    }
    missing = [
        f"{prefix}_{v}"
        for prefix, values in families.items()
        for v in values
        if not i18n.has(f"{prefix}_{v}")
    ]
    assert missing == []


def test_labels_fall_back_to_english_with_a_marker() -> None:
    assert report.text_label({"en": "Rights", "es": "Derechos"}, "es") == {
        "text": "Derechos",
        "lang": None,
        "fallback": False,
    }
    assert report.text_label({"en": "Rights"}, "es") == {
        "text": "Rights",
        "lang": "en",
        "fallback": True,
    }
    assert report.text_label("Plain", "es") == {"text": "Plain", "lang": None, "fallback": False}


# --- templates and the environment ---------------------------------------------------------


def test_environment_escapes_everything_and_rejects_undefined_names() -> None:
    env = report.environment("en")
    assert env.from_string("{{ x }}").render(x="<b>&") == "&lt;b&gt;&amp;"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ nope }}").render()
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ x.missing }}").render(x={})
    assert env.get_template("partials/macros.html.j2") is not None


def test_templates_hold_no_html_built_in_python() -> None:
    code = (ROOT / "ovm" / "reporting" / "report.py").read_text("utf-8")
    assert not re.search(r"[\"']<(?:td|tr|span|div|table|svg|p)\b", code)
    assert "Markup(" not in code and "|safe" not in "".join(
        p.read_text("utf-8") for p in TEMPLATES.rglob("*.j2")
    )


def test_templates_read_the_contexts_fields_by_subscript() -> None:
    # x.name on a dict looks for an attribute first; the context is dicts, read by subscript.
    # Only the translator (t), the macros (m) and Jinja's loop have attributes.
    dotted = re.compile(r"(?<![\w.\]\"'])([a-z_][a-z0-9_]*)\.[a-z_]")
    found = []
    for path in sorted(TEMPLATES.rglob("*.j2")):
        for block in re.findall(r"\{\{.*?\}\}|\{%.*?%\}", path.read_text("utf-8"), re.S):
            code = re.sub(r"\"[^\"]*\"|'[^']*'", "''", block)
            found += [
                f"{path.name}: {m.group(0)}"
                for m in dotted.finditer(code)
                if m.group(1) not in ("t", "m", "loop")
            ]
    assert found == []


def test_recommendations_partial_exists_for_the_recommendations_feature() -> None:
    assert (TEMPLATES / "partials" / "recommendations.html.j2").is_file()


def test_user_templates_override_packaged_ones_file_by_file(
    tmp_path: Path, mini: tuple[Workspace, Run]
) -> None:
    _ws, run = mini
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "legend.html.j2").write_text(
        "<p id='custom-legend'>{{ t('bands') }}: {{ context.bands|length }}</p>", "utf-8"
    )
    ctx = report.comparison_context(run)
    html = report.render_html(ctx, templates=tmp_path)
    tree = _parse(html)
    custom = tree.findall(".//p[@id='custom-legend']")
    assert [_text(p) for p in custom] == ["Bands: 3", "Bands: 3"]  # overview and annex
    assert tree.find(".//table[@class='heatmap']") is not None  # the rest is packaged


# --- the comparison report -----------------------------------------------------------------


def test_comparison_report_shows_every_mission_family_and_score(
    mini: tuple[Workspace, Run], mini_html: str
) -> None:
    ws, run = mini
    cards = run.scores.scorecards
    fams = [f.id for f in ws.rubric.families]
    tree = _parse(mini_html)
    heat = tree.find(".//table[@class='heatmap']")
    header = [_text(th) for th in heat.findall("./thead/tr/th")]
    assert header == ["Mission", "Overall", *[pick(f.labels, "en") for f in ws.rubric.families]]
    seen = {}
    for tr in heat.findall("./tbody/tr"):
        mid = _text(tr.find("./th//span[@class='mid']"))
        seen[mid] = [_num(td) for td in tr.findall("./td")]
    assert seen == {
        c.mission.id: [_fmt(c.overall.score if c.overall.status == "scored" else None)]
        + [_fmt(c.node(f).score if c.node(f).status == "scored" else None) for f in fams]
        for c in cards
    }
    # every indicator of every family, per mission, in the family sections
    got: dict[tuple[str, str], str] = {}
    label_to_id = {pick(ws.rubric.node(n).labels, "en"): n for n in ws.rubric.nodes}
    for table in tree.findall(".//table[@class='indicators']"):
        heads = table.findall("./thead/tr/th")[1:]
        mids = [_text(th.find(".//a[@class='mid']")) for th in heads]
        for tr in table.findall("./tbody/tr")[1:]:
            node = label_to_id[_text(tr.find("./th"))]
            for mid, td in zip(mids, tr.findall("./td"), strict=True):
                got[(mid, node)] = _num(td)
    expected = {
        (c.mission.id, n.node): _fmt(n.score if n.status == "scored" else None)
        for c in cards
        for n in c.nodes
        if n.node not in fams
    }
    assert got == expected
    sections = [_text(h) for h in tree.findall(".//section[@class='major']/h2")]
    for i, fam in enumerate(ws.rubric.families, start=1):
        assert f"Family {i}: {pick(fam.labels, 'en')}" in sections


def test_every_coloured_score_also_writes_its_band_or_status(mini_html: str) -> None:
    tree = _parse(mini_html)
    cells = [td for td in tree.iter("td") if "sc" in (td.get("class") or "").split()]
    # a family table's cell writes its status when not scored (its band: by the legend)
    grid = [td for td in tree.iter("td") if re.fullmatch(r"t(\d|none)", td.get("class") or "")]
    assert len(cells) > 5 and len(grid) > 20
    assert all(_text(td.find("./small")) for td in grid if td.get("class") == "tnone")
    for td in cells:
        label = td.find("./small")
        assert label is not None and _text(label), _text(td)
    bands = {"Weak", "Fair", "Strong"}
    tones = [td for td in cells if "tnone" not in td.get("class", "")]
    assert tones and all(_text(td.find("./small")) in bands for td in tones)


def test_ranking_lists_interval_and_coverage(mini: tuple[Workspace, Run], mini_html: str) -> None:
    _ws, run = mini
    compared = run.scores
    tree = _parse(mini_html)
    rows = tree.findall(".//table[@class='ranking']/tbody/tr")
    got = [[_text(td) for td in tr.findall("./td")] for tr in rows]
    a = compared.scorecard("aaa-2020").overall
    assert a.interval is not None
    assert got[0][0] == "1"
    assert (
        got[0][2] == f"{spreadsheet_shown(a.interval[0], 1)}–{spreadsheet_shown(a.interval[1], 1)}"
    )
    # Its distance to the best on practice is not scored: no other mission is.
    assert got[0][4] == f"{spreadsheet_shown(100 * a.coverage, 0)}%" != "100%"
    b = compared.scorecard("bbb-2021").overall
    assert got[1][0] == "—" and got[1][4] == f"{spreadsheet_shown(100 * b.coverage, 0)}%"


def test_simulated_data_shows_a_banner_and_a_marker_per_mission(mini_html: str) -> None:
    tree = _parse(mini_html)
    banner = tree.find(".//section[@class='banner']")
    assert banner is not None and "Simulated data" in _text(banner)
    assert "checklists.csv" in _text(banner)
    # every mission of the mini workspace is simulated: the banner says so once, and no
    # mission carries a marker
    assert "Every mission in this report uses simulated data" in _text(banner)
    assert "In the tables, SIM marks" not in _text(banner)
    heat_rows = tree.findall(".//table[@class='heatmap']/tbody/tr")
    assert heat_rows and all(tr.find("./th//sup[@class='sim-s']") is None for tr in heat_rows)


def test_a_cohort_partly_simulated_marks_each_simulated_mission(
    mini: tuple[Workspace, Run],
) -> None:
    # the summary's tables carry the short marker the banner explains
    _ws, run = mini
    ctx = report.report_context(run)
    first = ctx["missions"][0]["id"]
    ctx["simulated"] = {**ctx["simulated"], "every": False}
    for mi in ctx["missions"]:
        mi["simulated"] = mi["id"] == first
    tree = _parse(report.render_html(ctx))
    banner = tree.find(".//section[@class='banner']")
    assert "In the tables, SIM marks a mission with simulated data." in _text(banner)
    marked = {
        _text(tr.find("./th//span[@class='mid']")): tr.find("./th//sup[@class='sim-s']") is not None
        for tr in tree.findall(".//table[@class='heatmap']/tbody/tr")
    }
    assert marked == {mi["id"]: mi["id"] == first for mi in ctx["missions"]}


def test_no_banner_without_simulated_data(tmp_path: Path) -> None:
    ws_dir = _copy(tmp_path)
    cfg = ws_dir / "ovm.yaml"
    cfg.write_text(cfg.read_text("utf-8").replace("simulated: true", "simulated: false"), "utf-8")
    _ws, run = _scored(ws_dir)
    html = report.render_html(report.comparison_context(run))
    tree = _parse(html)
    assert tree.find(".//section[@class='banner']") is None
    assert not any(s.get("class") == "sim" for s in tree.iter("span"))
    assert not any(s.get("class") == "sim-s" for s in tree.iter("sup"))


def test_methodology_annex_names_the_rubric_its_hash_and_references(
    mini: tuple[Workspace, Run], mini_html: str
) -> None:
    ws, run = mini
    tree = _parse(mini_html)
    annex = tree.find(".//section[@id='methodology']")
    text = _text(annex)
    for needle in (
        ws.rubric.id,
        ws.rubric.version,
        run.scores.rubric.sha256,
        run.scores.data_sha256,
        "Voting from Abroad: The International IDEA Handbook",
        "votes_abroad / registered_abroad * 100",
        "10 scores 0 and 60 scores 100",
    ):
        assert needle in text
    weights = {
        _text(tr.find("./th/code")): _text(tr.findall("./td")[1])
        for tr in annex.findall(".//table[@class='method']/tbody/tr")
    }
    assert weights["practice"] == "2" and weights["rights.basis"] == "1"


def test_report_is_self_contained_with_a_strict_content_security_policy(mini_html: str) -> None:
    tree = _parse(mini_html)
    csp = [
        m.get("content")
        for m in tree.iter("meta")
        if (m.get("http-equiv") or "").lower() == "content-security-policy"
    ]
    assert csp == [
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    ]
    assert list(tree.iter("script")) == []
    assert all(link.get("href", "").startswith("data:") for link in tree.iter("link"))
    for el in tree.iter():
        for attr in ("src", "srcset", "data", "poster", "xlink:href"):
            assert attr not in el.attrib, (el.tag, attr)
    hrefs = [a.get("href") for a in tree.iter("a")]
    assert hrefs and all(h.startswith(("#", "https://", "http://")) for h in hrefs)
    ids = {el.get("id") for el in tree.iter() if el.get("id")}
    assert {h[1:] for h in hrefs if h.startswith("#")} <= ids
    style = "".join(s.text or "" for s in tree.iter("style"))
    assert "@import" not in style and "url(" not in style
    assert "@page { size: A4; margin: 15mm; }" in style
    assert tree.get("lang") == "en"


def test_tables_have_captions_and_scoped_headers(mini_html: str) -> None:
    tree = _parse(mini_html)
    tables = list(tree.iter("table"))
    assert len(tables) > 8
    for table in tables:
        assert table.find("./caption") is not None and _text(table.find("./caption"))
        for th in table.iter("th"):
            assert th.get("scope") in ("col", "row"), _text(th)


def test_report_rendering_is_deterministic(mini: tuple[Workspace, Run], mini_html: str) -> None:
    _ws, run = mini
    again = report.render_html(report.report_context(run))
    assert again == mini_html


def test_spanish_report_translates_fixed_text_and_marks_english_fallbacks(tmp_path: Path) -> None:
    ws_dir = _copy(tmp_path)
    missions = ws_dir / "missions.yaml"
    missions.write_text(
        missions.read_text("utf-8").replace(
            "name: {en: A 2020, es: A 2020}", "name: {en: Only English}"
        ),
        "utf-8",
    )
    _ws, run = _scored(ws_dir)
    html = report.render_html(report.report_context(run, lang="es"))
    tree = _parse(html)
    assert tree.get("lang") == "es"
    assert _text(tree.find(".//section[@id='overview']/h2")) == "Panorama"
    heads = tree.findall(".//table[@class='heatmap']/thead/tr/th")
    assert "Derechos" in [_text(th) for th in heads]
    fallbacks = [s for s in tree.iter("span") if s.get("lang") == "en"]
    names = [_text(s) for s in fallbacks]
    assert "Only EnglishEN" in names
    marker = next(s for s in fallbacks if _text(s) == "Only EnglishEN").find("./sup")
    assert marker is not None and marker.text == "EN"
    # Spanish numbers use a decimal comma
    heat = tree.find(".//table[@class='heatmap']/tbody/tr/td")
    overall = run.scores.scorecard("aaa-2020").overall.score
    assert overall is not None and _num(heat) == spreadsheet_shown(overall, 1).replace(".", ",")


# --- the mission report ------------------------------------------------------------------


def test_mission_report_explains_every_score(mini: tuple[Workspace, Run]) -> None:
    _ws, run = mini
    card = run.scores.scorecard("aaa-2020")
    ctx = report.report_context(run, mission="aaa-2020")
    tree = _parse(report.render_html(ctx))
    assert _num(tree.find(".//div[@class='big-score']")) == _fmt(card.overall.score)
    articles = {a.get("id"): a for a in tree.iter("details")}
    for ns in card.nodes:
        art = articles[f"node-{ns.node.replace('.', '-')}"]
        # in the annex, under its family's heading
        h4 = art.find("./summary/h4")
        assert _num(h4) == _fmt(ns.score if ns.status == "scored" else None)
    annex = tree.find(".//section[@id='detail']")
    assert annex is not None and len(list(annex.iter("details"))) == len(card.nodes)
    turnout = _text(articles["node-rights-turnout"])
    for needle in (
        "votes_abroad / registered_abroad * 100",
        "Votes abroad: 350 votes",
        "EMB results",
        "confidence high",
        "statistics.csv:2",
        "10 scores 0 and 60 scores 100",
    ):
        assert needle in turnout
    drags = [_text(tr.find("./th")) for tr in tree.findall(".//table[@class='drags']/tbody/tr")]
    # rights.turnout: its family's share x its share in the family x its gap to 100
    share = {
        ch.node: ch.share for ns in (card.overall, *card.nodes) for ch in ns.explanation.children
    }
    lost = share["rights"] * share["rights.turnout"] * (100 - 50.0)
    assert drags[0] == "Turnout abroad"
    first = tree.findall(".//table[@class='drags']/tbody/tr")[0].findall("./td")
    assert _text(first[3]) == spreadsheet_shown(lost, 1)
    findings = tree.find(".//section[@id='findings']")
    assert "simulated-data" in _text(findings)


def test_observer_note_with_markup_renders_as_inert_text(tmp_path: Path) -> None:
    ws_dir = _copy(tmp_path)
    _set_note(ws_dir, 0, EVIL_NOTE)
    _ws, run = _scored(ws_dir)
    for ctx in (report.report_context(run, mission="aaa-2020"), report.report_context(run)):
        html = report.render_html(ctx)
        tree = _parse(html)
        assert list(tree.iter("script")) == []
        assert list(tree.iter("img")) == []
        assert all(
            not (a.get("href") or "").lower().startswith("javascript:") for a in tree.iter("a")
        )
        assert all(not k.startswith("on") for el in tree.iter() for k in el.attrib)
        if ctx["kind"] == "mission":
            notes = [_text(q) for q in tree.iter("blockquote")]
            assert EVIL_NOTE in notes
            assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("lang", "lead"),
    [
        ("en", "Notes shown: 2 of 2."),
        ("es", "Notas mostradas: 2 de 2."),
        ("fr", "Notes affichées : 2 sur 2."),
        ("pt", "Notas mostradas: 2 de 2."),
    ],
)
def test_the_notes_lead_puts_the_count_after_a_label(tmp_path: Path, lang: str, lead: str) -> None:
    # "Se muestran 1 de 1 notas" read wrong: the count follows a label in every language.
    ws_dir = _copy(tmp_path)
    _set_note(ws_dir, 0, "Queue reached the street")
    _ws, run = _scored(ws_dir)
    tree = _parse(report.render_html(report.report_context(run, lang=lang, mission="aaa-2020")))
    section = tree.find(".//section[@id='notes']")
    assert section is not None
    assert _text(section.find("./p[@class='lead']")) == lead


def test_recommendations_and_follow_up_render_from_the_context(mini: tuple[Workspace, Run]) -> None:
    _ws, run = mini
    recs = (
        Recommendation(
            id="r1",
            node="rights.turnout",
            node_label="Turnout",
            to="electoral_body",
            priority="high",
            text="Open more <polling> places",
            condition="",
            score=10.0,
            gain=1.0,
            evidence=("turnout 35% (statistics.csv:2)",),
            best_practice="bbb-2021",
            lang="es",
        ),
    )
    follow = (
        PastRecommendation(
            id="p1",
            text={"en": "Publish the list", "es": "Publicar la lista"},
            to="legislature",
            status="partially_implemented",
            evidence="Law 12",
        ),
    )
    record = run.observations.mission("aaa-2020").model_copy(update={"follow_up": follow})
    observations = dataclasses.replace(
        run.observations,
        missions=tuple(record if m.id == "aaa-2020" else m for m in run.observations.missions),
    )
    given = dataclasses.replace(run, observations=observations)
    given._advice[("aaa-2020", "es")] = recs
    ctx = report.mission_context(given, "aaa-2020", lang="es")
    tree = _parse(report.render_html(ctx))
    sec = tree.find(".//section[@id='recommendations']")
    text = _text(sec)
    for needle in (
        "Open more <polling> places",
        "organismo electoral",
        "alta",
        "Participación en el exterior",
        "turnout 35% (statistics.csv:2)",
        "bbb-2021",
        "Publicar la lista",
        "poder legislativo",
        "parcialmente implementada",
        "Law 12",
    ):
        assert needle in text
    empty = report.mission_context(run, "aaa-2020")
    assert empty["recommendations"] == [] and empty["follow_up"] == []
    assert "No recommendations" in _text(
        _parse(report.render_html(empty)).find(".//section[@id='recommendations']")
    )


def test_unknown_mission_is_a_key_error(mini: tuple[Workspace, Run]) -> None:
    ws, run = mini
    with pytest.raises(UnknownMissionError):
        report.report_context(run, mission="nope")
    with pytest.raises(UnknownMissionError):
        analyse(ws, Settings(missions=("aaa-2020", "nope")))


def test_a_run_without_a_sensitivity_analysis_says_so(mini: tuple[Workspace, Run]) -> None:
    _ws, run = mini
    ctx = report.comparison_context(run)
    assert [r["mission"]["id"] for r in ctx["ranking"]["rows"]] == ["aaa-2020", "bbb-2021"]
    assert ctx["ranking"]["sensitivity"] is None
    html = report.render_html(ctx)
    assert "No sensitivity analysis was run" in html


def test_rank_intervals_and_sensitivity_indices_show_when_computed(
    mini: tuple[Workspace, Run],
) -> None:
    _ws, run = mini
    sens = _sensitivity(
        first_order={"weights": 0.123, "sampling": 0.5},
        total_effect={"weights": 0.2, "sampling": 0.75},
        choices=("weights", "sampling"),
    )
    ctx = report.comparison_context(dataclasses.replace(run, sensitivity=sens), lang="es")
    tree = _parse(report.render_html(ctx))
    heads = [_text(th) for th in tree.findall(".//table[@class='ranking']/thead/tr/th")]
    assert heads[-2:] == ["Intervalo de posición", "Posición mediana"]
    first = [
        _text(td) for td in tree.findall(".//table[@class='ranking']/tbody/tr")[0].findall("./td")
    ]
    assert first[-2:] == ["1–2", "1"]
    effects = [[_text(c) for c in tr] for tr in tree.findall(".//table[@class='effects']/tbody/tr")]
    assert effects == [
        ["Pesos", "0,12", "0,20"],
        ["Muestra de locales de votación", "0,50", "0,75"],
    ]
    assert "300 ejecuciones" in _text(tree.find(".//section[@id='ranking']"))


@pytest.mark.skipif(not (EXAMPLES / "ovm.yaml").exists(), reason="no example workspace")
def test_example_report_runs_the_sensitivity_analysis() -> None:
    _ws, run = _scored(EXAMPLES, sensitivity_runs=50)
    ctx = report.report_context(run)
    sens = ctx["ranking"]["sensitivity"]
    assert sens is not None and sens["runs"] == "50"
    scored = [r for r in ctx["ranking"]["rows"] if r["score"]["scored"]]
    assert scored and all(r["rank_interval"] for r in scored)


# --- other formats -------------------------------------------------------------------------


def test_json_format_is_the_report_context(mini: tuple[Workspace, Run]) -> None:
    _ws, run = mini
    ctx = report.report_context(run)
    text = report.render_json(ctx)
    assert json.loads(text) == ctx
    assert ctx["format"] == "ovm-report/2" and ctx["kind"] == "comparison"


def test_xlsx_workbook_has_the_comparison_and_neutralises_formulas(tmp_path: Path) -> None:
    ws_dir = _copy(tmp_path)
    missions = ws_dir / "missions.yaml"
    missions.write_text(
        missions.read_text("utf-8").replace("name: B 2021", 'name: \'=HYPERLINK("http://x","y")\''),
        "utf-8",
    )
    _ws, run = _scored(ws_dir)
    data = report.render_xlsx(report.report_context(run))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [
        "overview",
        "rankings",
        "indicators",
        "best practices",
        "recommendations",
        "sensitivity",
        "trends",
        "findings",
        "methodology",
    ]
    overview = [[c.value for c in row] for row in wb["overview"].iter_rows()]
    assert overview[0][:5] == ["Mission", "Name", "Country", "Election date", "Simulated"]
    by_id = {row[0]: row for row in overview[1:]}
    # The name as typed, stored as text under the quote-prefix style: shown, never run.
    assert by_id["bbb-2021"][1] == '=HYPERLINK("http://x","y")'
    compared = run.scores
    assert by_id["aaa-2020"][5] == pytest.approx(compared.scorecard("aaa-2020").overall.score)
    for ws_ in wb.worksheets:
        for row in ws_.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws_.title, c.coordinate, c.value)
                if isinstance(c.value, str) and c.value[:1] in "=+-@":
                    assert (c.data_type, c.quotePrefix) == ("s", True), c.value
    long = list(wb["indicators"].iter_rows(values_only=True))
    turnout = next(r for r in long if r[:3] == ("aaa-2020", "rights", "rights.turnout"))
    assert turnout[5] == pytest.approx(50.0)
    assert report.render_xlsx(report.report_context(run)) == report.render_xlsx(
        report.report_context(run)
    )
    es = openpyxl.load_workbook(
        io.BytesIO(report.render_xlsx(report.report_context(run, lang="es")))
    )
    assert es.sheetnames == wb.sheetnames
    assert es["overview"]["A1"].value == "Misión"


def test_xlsx_tables_are_frozen_filtered_sized_and_band_coloured(
    mini: tuple[Workspace, Run],
) -> None:
    _ws, run = mini
    wb = openpyxl.load_workbook(io.BytesIO(report.render_xlsx(report.report_context(run))))
    for sheet in wb.worksheets:
        if sheet.title == "methodology":
            continue
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(c.font.b for c in sheet[1]), sheet.title
        if sheet.max_row > 1:
            assert sheet.auto_filter.ref == sheet.dimensions, sheet.title
        widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
        # every header fits its column, and no column is wider than a readable line
        assert all(len(str(c.value)) < w <= 60 for c, w in zip(sheet[1], widths, strict=True))
    overview = wb["overview"]
    rules = [
        (str(cf.sqref), r.operator, r.formula, r.dxf.fill.fgColor.rgb)
        for cf in overview.conditional_formatting
        for r in cf.rules
    ]
    # One rule per band of the rubric on the overall column, best band first, in its colour.
    bands = sorted(report.report_context(run)["bands"], key=lambda b: -b["min"])
    assert [r for r in rules if r[0].startswith("F")] == [
        (
            "F2:F3",
            "between",
            [repr(float(b["min"])), repr(float(b["max"]))],
            "00" + workbook.TONE_FILLS[int(b["tone"].removeprefix("tone-"))],
        )
        for b in bands
    ]
    cell = overview["F2"]
    assert (cell.number_format, cell.value) == ("0.0", run.scorecard("aaa-2020").overall.score)


def test_a_mission_workbook_has_its_own_sheets(mini: tuple[Workspace, Run]) -> None:
    _ws, run = mini
    data = report.render_xlsx(report.mission_context(run, "aaa-2020"))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [
        "overview",
        "indicators",
        "drags",
        "recommendations",
        "follow-up",
        "findings",
        "notes",
        "methodology",
    ]
    assert data == report.render_xlsx(report.mission_context(run, "aaa-2020"))


# --- the command line ----------------------------------------------------------------------


def test_cli_writes_an_html_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    assert cli.main(["report", str(MINI), "-o", str(out)]) == 0
    html = out.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>Mini workspace</title>" in html
    assert "includes SIMULATED data" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "fmt"),
    [
        (["-o", "{out}/r.json"], "json"),
        (["-o", "{out}/r.xlsx"], "xlsx"),
        (["--mission", "aaa-2020", "-o", "{out}/m.xlsx"], "xlsx"),
        (["--format", "json", "-o", "{out}/r.txt"], "json"),
        (["--mission", "bbb-2021", "--lang", "es", "-o", "{out}/m.html"], "html"),
        (["--missions", "aaa-2020", "-o", "{out}/one.html"], "html"),
    ],
)
def test_cli_formats(tmp_path: Path, args: list[str], fmt: str) -> None:
    argv = ["report", str(MINI), "-q", *[a.format(out=tmp_path) for a in args]]
    assert cli.main(argv) == 0
    out = Path(argv[-1])
    data = out.read_bytes()
    if fmt == "json":
        assert json.loads(data)["format"] == "ovm-report/2"
    elif fmt == "xlsx":
        assert zipfile.is_zipfile(out)
    else:
        assert data.startswith(b"<!DOCTYPE html>")


@pytest.mark.parametrize(
    "args",
    [
        ["--mission", "nope"],
        ["--missions", "aaa-2020", "nope"],
        ["--mission", "aaa-2020", "--missions", "bbb-2021"],
        ["--templates", "/no/such/folder"],
        ["--sensitivity-runs", "-1"],
    ],
)
def test_cli_usage_errors_exit_2(
    tmp_path: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["report", str(MINI), "-q", "-o", str(tmp_path / "r.html"), *args]) == 2
    assert capsys.readouterr().err.startswith("ovm: ")
    assert not (tmp_path / "r.html").exists()


def test_cli_rejected_rows_exit_1_unless_allowed(tmp_path: Path) -> None:
    ws_dir = _copy(tmp_path)
    path = ws_dir / "checklists.csv"
    path.write_text(
        path.read_text("utf-8") + "zzz-1999,s9,USA,X,o9,2020-05-01T09:00,,yes,5,0\n", "utf-8"
    )
    out = tmp_path / "r.html"
    assert cli.main(["report", str(ws_dir), "-q", "-o", str(out)]) == 1
    assert not out.exists()
    assert cli.main(["report", str(ws_dir), "-q", "--allow-rejected", "-o", str(out)]) == 0
    tree = _parse(out.read_text("utf-8"))
    rejected = tree.find(".//table[@class='rejected']")
    assert rejected is not None and "zzz-1999" in _text(rejected)


def test_cli_reports_a_broken_user_template_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tpl = tmp_path / "tpl" / "partials"
    tpl.mkdir(parents=True)
    (tpl / "legend.html.j2").write_text("{% if %}", "utf-8")
    code = cli.main(
        ["report", str(MINI), "-q", "--templates", str(tpl.parent), "-o", str(tmp_path / "r.html")]
    )
    assert code == 1
    assert "template error" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("{{ count.total }}", "'count' is undefined"),
        ("{{ 1 // 0 }}", "integer division or modulo by zero"),
    ],
)
def test_a_user_template_failing_as_it_renders_is_named_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, said: str
) -> None:
    """An expression a template of --templates cannot evaluate is said at the template's file
    and line, as a syntax error is: the folder may hold many templates."""
    tpl = tmp_path / "tpl" / "partials"
    tpl.mkdir(parents=True)
    (tpl / "legend.html.j2").write_text(f"<p>\n{text}\n</p>", "utf-8")
    argv = ["report", str(MINI), "-q", "--sensitivity-runs", "0", "--templates"]
    code = cli.main([*argv, str(tpl.parent), "-o", str(tmp_path / "r.html")])
    assert (code, capsys.readouterr().err) == (
        1,
        f"ovm report: template error in {tpl.parent}: partials/legend.html.j2:2: {said}\n",
    )


def test_a_broken_mission_template_under_with_missions_is_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the comparison renders; the first mission report meets the broken page template
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "mission.html.j2").write_text("{% extends 'base.html.j2' %}{{ nope( }}", "utf-8")
    out = tmp_path / "out" / "report.html"
    out.parent.mkdir()
    argv = ["report", str(MINI), "-q", "--sensitivity-runs", "0", "--with-missions"]
    code = cli.main([*argv, "--templates", str(tpl), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "ovm report: template error in" in err and "mission.html.j2:1: " in err
    assert "Traceback" not in err


def test_one_environment_serves_every_report_of_a_language_and_folder(tmp_path: Path) -> None:
    assert report.environment("es") is report.environment("es")
    assert report.environment("es") is not report.environment("fr")
    assert report.environment("en", tmp_path) is report.environment("en", str(tmp_path))
    assert report.environment("en", tmp_path) is not report.environment("en")


@pytest.mark.skipif(not (EXAMPLES / "ovm.yaml").exists(), reason="no example workspace")
def test_readme_main_command_renders_the_example_workspace(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert cli.main(["report", str(EXAMPLES), "-q", "-o", str(out)]) == 0
    tree = _parse(out.read_text("utf-8"))
    rows = tree.findall(".//table[@class='heatmap']/tbody/tr")
    ws = load_workspace(EXAMPLES)
    assert len(rows) == len(ws.observations.missions)
    assert len(tree.findall(".//section[@class='major']/h2")) >= 7 + 3


# --- the wheel ------------------------------------------------------------------------------


def test_wheel_ships_the_templates_and_renders_outside_the_repository(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    # the installed hatchling builds offline; without it pip fetches it (needs the network)
    isolation = [] if importlib.util.find_spec("hatchling") else ["--use-pep517"]
    if not isolation:
        isolation = ["--no-build-isolation"]
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            *isolation,
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    if built.returncode != 0 and isolation == ["--use-pep517"]:
        pytest.skip(f"cannot build the wheel without hatchling: {built.stderr[-300:]}")
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("ovm-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n for n in names if n.startswith("ovm/_templates/")}
    packaged = {
        "ovm/_templates/" + p.relative_to(TEMPLATES).as_posix()
        for p in TEMPLATES.rglob("*")
        if p.is_file()
    }
    assert packaged and packaged <= shipped
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "elsewhere"
    ws_dir = _copy(work)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(target)
    script = (
        "import sys, ovm, ovm.reporting.report as r, ovm.cli as c\n"
        "print(ovm.__file__)\n"
        "print(type(r.packaged_templates()).__name__)\n"
        # (no sensitivity analysis: the local report below asks for none)
        "sys.exit(c.main(['report', 'mini', '-q', '--sensitivity-runs', '0', '-o', 'out.html']))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=work, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    where, loader = run.stdout.split()[:2]
    assert Path(where).resolve().is_relative_to(target.resolve())
    assert loader == "PackageLoader"
    html = (work / "out.html").read_text("utf-8")
    assert ws_dir.name == "mini"
    # the same report as from the source tree, bar the file paths it cites
    # The command line keeps the default minimum of places.
    _ws, run = _scored(ws_dir, min_places=ovm.Settings().min_places)
    local = report.render_html(report.report_context(run))
    assert run.scores.rubric.sha256 in html
    assert _strip_paths(html) == _strip_paths(local)


def _strip_paths(html: str) -> str:
    """The report without file paths and the data hash (provenance keeps each file's path)."""
    html = re.sub(r"[\w./-]*(missions\.yaml|statistics\.csv|checklists\.csv)", r"\1", html)
    return re.sub(r"\b[0-9a-f]{64}\b", "<sha256>", html)


def test_the_methodology_annex_says_how_the_comparison_was_made_in_the_reports_language(
    mini: tuple[Workspace, Run],
) -> None:
    _ws, run = mini
    sens = _sensitivity(
        first_order={"weights": 0.1},
        total_effect={"weights": 0.2},
        choices=("weights",),
        draws=40,
        confidence=0.9,
        floored=True,
    )
    texts, pages = {}, {}
    for lang in ("en", "es"):
        ctx = report.comparison_context(dataclasses.replace(run, sensitivity=sens), lang=lang)
        tree = _parse(report.render_html(ctx))
        # Nothing falls back to English: the comparison's settings and the notes on the
        # sensitivity analysis are in the catalogue; numbers and node ids need no translation.
        assert [_text(s) for s in tree.iter("span") if s.get("lang") == "en"] == []
        annex = tree.find(".//section[@id='methodology']")
        assert annex is not None
        texts[lang] = dict(
            zip(
                [_text(dt) for dt in annex.iter("dt")],
                [_text(dd) for dd in annex.iter("dd")],
                strict=True,
            )
        )
        pages[lang] = _text(tree.find(".//body"))
    en, es = texts["en"], texts["es"]
    assert en["Comparison: ranking"].startswith("standard competition ranking (1, 2, 2, 4)")
    assert en["Comparison: best practice"].startswith("the missions at the best score")
    assert (en["Comparison: output range"], es["Comparación: rango de salida"]) == (
        "0, 100",
        "0; 100",
    )
    assert es["Comparación: normalización"] == "ninguna (la regla propia de cada indicador)"
    assert "hasta 9 decimales empatan" in es["Comparación: clasificación"]
    for text in (
        "pesos: el peso de cada nodo por 1 + u, con u uniforme en ±25 %",
        "al 90 % de confianza), 40 extracciones",
        "las ejecuciones elevan esos valores a 1",
    ):
        assert text in pages["es"]
    assert "(at 90% confidence), 40 draws" in pages["en"]


@pytest.mark.parametrize(
    ("lang", "read", "wrote"),
    [
        ("en", "rows read", "wrote html comparison of"),
        ("es", "filas leídas", "se escribió la comparación (html) de"),
        ("fr", "lignes lues", "comparaison (html) de"),
        ("pt", "linhas lidas", "comparação (html) de"),
    ],
)
def test_the_report_command_speaks_the_language_of_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, read: str, wrote: str
) -> None:
    out = tmp_path / "r.html"
    argv = ["report", str(MINI), "--sensitivity-runs", "0", "--lang", lang, "-o", str(out)]
    assert cli.main(argv) == 0
    err = capsys.readouterr().err
    assert read in err and wrote in err
    if lang != "en":
        assert "rows read" not in err and "wrote" not in err


@pytest.mark.parametrize("columns", [1, 2, 3])
def test_family_tables_show_their_missions_scores_and_each_nodes_own_bands(
    tmp_path: Path, columns: int
) -> None:
    # Turnout gets bands of its own whose English labels and ratings are the rubric's but
    # whose Spanish labels are not: each cell must name its own node's band, and each table
    # the scores of its own missions, however many a table holds.
    ws = _copy(tmp_path)
    rubric = ws / "rubric.yaml"
    text = rubric.read_text(encoding="utf-8")
    own = (
        "        bands:\n"
        "          - {min: 0, max: 50, label: {en: Weak, es: Baja}, rating: 1}\n"
        "          - {min: 50, max: 80, label: {en: Fair, es: Media}, rating: 2}\n"
        "          - {min: 80, max: 100, label: {en: Strong, es: Alta}, rating: 3}\n"
    )
    anchor = "        rule: {type: goalposts, low: 10, high: 60}\n"
    rubric.write_text(text.replace(anchor, anchor + own), encoding="utf-8")
    w, run = _scored(ws)
    ctx = report.comparison_context(run, lang="es", columns_per_table=columns)
    ids = [c.mission.id for c in run.scores.scorecards]
    seen_bands = set()
    for section in ctx["family_sections"]:
        tables = section["tables"]
        assert [m["id"] for t in tables for m in t["missions"]] == ids
        assert all(0 < len(t["missions"]) <= columns for t in tables)
        for t in tables:
            shown = [m["id"] for m in t["missions"]]
            for row in [{"id": section["id"], "cells": t["family_cells"]}, *t["rows"]]:
                node = w.rubric.node(row["id"])
                bands = w.rubric.bands_for(node)
                assert len(row["cells"]) == len(shown)
                for mid, cell in zip(shown, row["cells"], strict=True):
                    ns = run.scorecard(mid).node(row["id"])
                    assert (cell["value"], cell["band"]) == (ns.score, ns.band)
                    if cell["band"] is not None:
                        label = bands[cell["band"]].label["es"]
                        assert cell["band_label"]["text"] == label
                        seen_bands.add((row["id"], label))
    assert ("rights.turnout", "Baja") in seen_bands or ("rights.turnout", "Media") in seen_bands
    assert any(label in ("Débil", "Regular", "Fuerte") for _, label in seen_bands)


def test_a_recommendations_gain_is_the_same_number_beside_it_and_in_its_sentence() -> None:
    from ovm.comparison.recommend import gain_text

    run = analyse(load_workspace(EXAMPLES))
    for lang in ("es", "fr"):
        ctx = report.comparison_context(run, lang=lang)
        items = [r for f in ctx["fixes"] for r in (*f["items"], *f["rest"])]
        assert items
        for r in items:
            label = run.rubric.node(r["gain_on"]).labels if r["gain_on"] != "overall" else None
            assert r["gain"] == i18n.format_number(r["gain_value"], lang, 2)
            assert r["gain_text"] == gain_text(
                r["gain_value"],
                r["gain_on"],
                "" if label is None else pick(label, lang),
                lang,
            )


def test_a_score_just_below_a_band_is_written_with_the_decimals_that_keep_it_there(
    tmp_path: Path,
) -> None:
    """Turnout 34.998 % scores 49.996 on goalposts 10..60: one decimal would write it 50.0 in
    the Weak band (0-50), beside the range of Fair. The report writes 49.996 in the cell and
    the text table, and the score exactly on the edge (turnout 35 %, 50) keeps one decimal."""
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    stats = ws / "statistics.csv"
    stats.write_text(
        stats.read_text(encoding="utf-8").replace("aaa-2020,1000,350,", "aaa-2020,100000,34998,"),
        encoding="utf-8",
    )
    _w, run = _scored(ws)
    ns = run.scorecard("aaa-2020").node("rights.turnout")
    assert ns.score is not None and 49.99 < ns.score < 50 and ns.band_label == "Weak"
    for lang, text in (("en", "49.996"), ("es", "49,996")):
        cells = _turnout_cells(report.comparison_context(run, lang=lang))
        assert [(c["text"], c["band"]) for c in cells] == [(text, 0)]
    _w, edge = _scored(MINI)
    assert [c["text"] for c in _turnout_cells(report.comparison_context(edge))] == ["50.0"]


def test_a_score_just_below_a_band_shows_the_same_figure_in_the_workbook(
    tmp_path: Path,
) -> None:
    """With a band edge at 40, turnout 29.98 % scores 39.96: the report writes "39.96" (in
    its tables and where the score is a child in its group's explanation), and every
    workbook cell holding that score shows it with two decimals, where the column's one
    decimal would show 40.0, the figure of the next band. Scores one decimal shows
    faithfully keep the column's format."""
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    rubric = ws / "rubric.yaml"
    rubric.write_text(
        rubric.read_text(encoding="utf-8")
        .replace("{min: 0, max: 50, label: {en: Weak", "{min: 0, max: 40, label: {en: Weak")
        .replace("{min: 50, max: 80, label: {en: Fair", "{min: 40, max: 80, label: {en: Fair"),
        encoding="utf-8",
    )
    stats = ws / "statistics.csv"
    stats.write_text(
        stats.read_text(encoding="utf-8").replace("aaa-2020,1000,350,", "aaa-2020,100000,29980,"),
        encoding="utf-8",
    )
    _w, run = _scored(ws)
    score = run.scorecard("aaa-2020").node("rights.turnout").score
    assert score is not None and 39.95 < score < 40
    for ctx in (
        report.comparison_context(run),
        report.report_context(run, mission="aaa-2020"),
        report.comparison_context(run, lang="es"),
    ):
        html = report.render_html(ctx)
        text, carried = ("39.96", "40.0") if ctx["lang"] == "en" else ("39,96", "40,0")
        assert f">{text}<" in html and f">{carried}<" not in html
        book = openpyxl.load_workbook(io.BytesIO(report.render_xlsx(ctx)))
        shown = [
            (sheet.title, c.number_format, spreadsheet_shown(score, len(c.number_format) - 2))
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for c in row
            if c.value == score
        ]
        assert shown and all(s[1:] == ("0.00", "39.96") for s in shown), shown
        others = {
            c.number_format
            for row in book["indicators"].iter_rows(min_row=2)
            for c in row
            if isinstance(c.value, float) and c.value != score and c.number_format.startswith("0.")
        }
        assert others == {"0.0"}


def _turnout_cells(ctx: dict[str, Any]) -> list[dict[str, Any]]:
    """aaa-2020's rights.turnout cells in the family tables of a comparison's context."""
    return [
        cell
        for section in ctx["family_sections"]
        for t in section["tables"]
        for row in t["rows"]
        if row["id"] == "rights.turnout"
        for m, cell in zip(t["missions"], row["cells"], strict=True)
        if m["id"] == "aaa-2020"
    ]


@functools.cache
def _bundled_rubric() -> ovm.Rubric:
    return ovm.load_rubric(Path(ovm.__file__).parent / "rubrics" / "deco-voting-abroad.yaml")


@settings(max_examples=300, deadline=None)
@given(
    score=st.one_of(
        st.floats(0, 100),
        # scores a hair from the bundled rubric's band edges, where rounding crosses them
        st.sampled_from([40.0, 60.0, 80.0]).flatmap(
            lambda edge: st.floats(edge - 0.05, edge + 0.05).filter(lambda x: 0 <= x <= 100)
        ),
    )
)
def test_a_score_is_shown_in_its_own_band(score: float) -> None:
    """Whatever the score, the figure written with the rubric's decimals falls in the score's
    band; one decimal is kept wherever it already does."""
    rubric = _bundled_rubric()
    band = rubric.band_at(None, score)
    assert band is not None
    digits = rubric.shown_digits(None, score)
    if band.contains(float(spreadsheet_shown(score, 1))):
        assert digits == 1
    elif min(abs(score - band.low), abs(score - band.high)) > 5e-7:
        assert 1 < digits <= 6 and band.contains(float(spreadsheet_shown(score, digits)))


def test_a_score_a_rounding_error_from_an_edge_keeps_one_decimal() -> None:
    """No figure of six decimals for a weighted mean a float's width below 40."""
    rubric = _bundled_rubric()
    score = 39.99999999999999
    band = rubric.band_at(None, score)
    assert band is not None and band.high == 40
    assert rubric.shown_digits(None, score) == 1
    assert i18n.faithful_digits(59.996, 1, lambda r: r < 60) == 3


def test_a_mission_without_an_overall_score_has_no_points_lost_section() -> None:
    """Points of the overall lost mean nothing where the overall has no score: the section is
    left out, rather than saying that no scored indicator lost points beside indicators scored
    near 0. A mission with an overall score keeps it."""
    run = ovm.analyse(EXAMPLES, ovm.Settings(bootstrap=0))
    unscored = [c.mission.id for c in run.scores.scorecards if c.overall.score is None]
    scored = [c.mission.id for c in run.scores.scorecards if c.overall.score is not None]
    assert unscored and scored
    for mission, shown in ((unscored[0], False), (scored[0], True)):
        ctx = report.report_context(run, mission=mission)
        html = report.render_html(ctx)
        assert ('id="drags"' in html, ctx["drags"] is not None) == (shown, shown)
        book = openpyxl.load_workbook(io.BytesIO(report.render_xlsx(ctx)))
        assert ("drags" in book.sheetnames) == shown


@pytest.mark.parametrize("lang", ["en", "es", "fr", "pt"])
def test_the_ranking_says_what_a_missing_interval_means(lang: str) -> None:
    """The ranking writes "—" where a mission's overall has no interval (no sampled data, or
    too few polling places to estimate one): its lead says what the dash means, in the
    report's language."""
    run = ovm.analyse(EXAMPLES)
    html = report.render_html(report.report_context(run, lang=lang))
    tree = _parse(html)
    section = tree.find(".//section[@id='ranking']")
    rows = section.findall(".//table[@class='ranking']/tbody/tr")
    dashes = [r for r in rows if _text(r.findall("./td")[2]) == "—"]
    intervals = [r for r in rows if _text(r.findall("./td")[2]) not in ("—", "")]
    assert dashes and intervals
    lead = _text(section.find("./p[@class='lead']"))
    assert re.search("\\(—[\\s\u00a0\u202f]?:", lead), lead
