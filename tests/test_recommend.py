"""Recommendations: conditions, ordering, placeholders, languages, follow-up and what-if."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ovm
from ovm.comparison.recommend import fill, recommend
from ovm.data.followup import follow_up_share
from ovm.data.observations import PastRecommendation
from ovm.errors import DataError, RubricError

MINI = Path(__file__).parent / "data" / "mini"

RECS = """
    recommendations:
      - id: rec.rights.family
        when: {bands: [0]}
        to: legislature
        priority: medium
        text:
          en: "{mission}: rights score {score} ({band}); registered abroad {registered_abroad}."
          es: "{mission}: puntaje de derechos {score} ({band}); inscritos {registered_abroad}."
"""
TURNOUT_RECS = """
        recommendations:
          - id: rec.turnout.low
            when: {below: 60}
            to: electoral_body
            priority: high
            text:
              en: "Turnout abroad was {value} {unit}, below the goal; best: {best_mission}."
              es: "La participación fue {value} {unit}; mejor: {best_mission}."
          - id: rec.turnout.never
            when: {below: 1}
            to: government
            text: {en: never, es: nunca}
"""
BASIS_RECS = """
        recommendations:
          - id: rec.basis
            when: {below: 70}
            to: legislature
            priority: high
            text: {en: "Raise the legal basis of {label}.", es: "Elevar la base de {label}."}
"""


def workspace(tmp_path: Path, missions_extra: str = "") -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    text = (ws / "rubric.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    labels: {en: Rights, es: Derechos}\n",
        "    labels: {en: Rights, es: Derechos}\n" + RECS.lstrip("\n"),
    )
    text = text.replace(
        "        rule: {type: goalposts, low: 10, high: 60}\n",
        "        rule: {type: goalposts, low: 10, high: 60}\n" + TURNOUT_RECS.lstrip("\n"),
    )
    text = text.replace(
        "        source: legal\n        references: [idea-2007]\n",
        "        source: legal\n        references: [idea-2007]\n" + BASIS_RECS.lstrip("\n"),
    )
    (ws / "rubric.yaml").write_text(text, encoding="utf-8")
    if missions_extra:
        (ws / "missions.yaml").write_text(
            (ws / "missions.yaml").read_text(encoding="utf-8") + missions_extra, encoding="utf-8"
        )
    return ws


def scored(ws: Path) -> tuple[ovm.Workspace, ovm.ScoreSet]:
    w = ovm.load_workspace(ws)
    return w, ovm.score(w.rubric, w.observations, bootstrap=0)


def test_conditions_select_only_nodes_that_meet_them(tmp_path: Path) -> None:
    w, s = scored(workspace(tmp_path))
    # aaa: rights 75 (band Fair) -> no family rec; turnout 35% scores 50 < 60 -> rec;
    # basis constitution 100 -> none; "below 1" never holds.
    aaa = recommend(w.rubric, s.scorecard("aaa-2020"))
    assert [(r.id, r.node, r.condition) for r in aaa] == [
        ("rec.turnout.low", "rights.turnout", "score 50.0 < 60"),
    ]
    # bbb: rights 30 (band 0, Weak) -> family rec; basis statute 60 < 70 -> rec;
    # turnout missing -> nothing.
    bbb = recommend(w.rubric, s.scorecard("bbb-2021"))
    assert sorted(r.id for r in bbb) == ["rec.basis", "rec.rights.family"]


def test_order_is_priority_then_gain(tmp_path: Path) -> None:
    w, s = scored(workspace(tmp_path))
    bbb = recommend(w.rubric, s.scorecard("bbb-2021"))
    # rec.basis is high priority, rec.rights.family medium: priority decides.
    assert [r.id for r in bbb] == ["rec.basis", "rec.rights.family"]
    # A gain is counted in a score the mission has. bbb has no overall (insufficient), so
    # "overall points" would be points of a score nobody can read: its gains are counted in
    # rights, its highest scored group. basis 60 -> next band at 80: gap 20; its share in
    # rights is 1/2 (basis and postal scored, turnout missing) -> 10 points of rights. The
    # family's own recommendation gains its gap on its own score (30 -> 50).
    assert [(r.id, r.gain_on, r.gain) for r in bbb] == [
        ("rec.basis", "rights", pytest.approx(20 * 1 / 2)),
        ("rec.rights.family", "rights", pytest.approx(20.0)),
    ]
    aaa = recommend(w.rubric, s.scorecard("aaa-2020"))
    # aaa has an overall: turnout 50 in rights (basis 100, turnout 50 scored, postal NA ->
    # share 1/2); rights' share of overall = 1/(1+2) (practice weight 2, comparative pending);
    # the gap from 50 to the next band (80) is 30 -> 30 * 1/2 * 1/3 = 5 overall points.
    assert [(r.id, r.gain_on, r.gain) for r in aaa] == [
        ("rec.turnout.low", "overall", pytest.approx(5.0))
    ]


def test_without_an_overall_the_order_still_follows_the_weight_in_the_overall(
    tmp_path: Path,
) -> None:
    # The order compares recommendations across families, so it keeps one scale: the points
    # the overall would gain, from the weight the node would carry in it (rights' nominal
    # share 1/3: family 20 * 1/3 before basis 20 * 1/2 * 1/3). The gains shown stay in the
    # family's own points.
    ws = workspace(tmp_path)
    rubric = ws / "rubric.yaml"
    text = rubric.read_text(encoding="utf-8")
    rubric.write_text(text.replace("priority: medium", "priority: high", 1), encoding="utf-8")
    w, s = scored(ws)
    bbb = recommend(w.rubric, s.scorecard("bbb-2021"))
    assert [(r.id, r.gain_on, r.gain) for r in bbb] == [
        ("rec.rights.family", "rights", pytest.approx(20.0)),
        ("rec.basis", "rights", pytest.approx(10.0)),
    ]


def test_placeholders_are_filled_in_both_languages(tmp_path: Path) -> None:
    w, s = scored(workspace(tmp_path))
    mission = w.observations.mission("bbb-2021")
    en = recommend(w.rubric, s.scorecard("bbb-2021"), mission=mission, lang="en")
    es = recommend(w.rubric, s.scorecard("bbb-2021"), mission=mission, lang="es")
    fam_en = next(r for r in en if r.id == "rec.rights.family")
    fam_es = next(r for r in es if r.id == "rec.rights.family")
    assert fam_en.text == "B 2021: rights score 30.0 (Weak); registered abroad 2,000."
    assert fam_es.text == "B 2021: puntaje de derechos 30,0 (Débil); inscritos 2.000."
    basis_es = next(r for r in es if r.id == "rec.basis")
    assert basis_es.text == "Elevar la base de Base legal."
    aaa = recommend(w.rubric, s.scorecard("aaa-2020"), lang="en")
    assert aaa[0].text == "Turnout abroad was 35.0 %, below the goal; best: —."


def test_evidence_lists_inputs_with_sources(tmp_path: Path) -> None:
    w, s = scored(workspace(tmp_path))
    aaa = recommend(w.rubric, s.scorecard("aaa-2020"))
    ev = aaa[0].evidence
    assert ev[0] == "votes_abroad / registered_abroad * 100 = 35.00"
    assert "votes_abroad: 350 votes — EMB results, confidence high" in ev


def test_fill_is_inert_for_hostile_text() -> None:
    values = {"mission": "{score}", "score": "10"}
    # A value containing a placeholder is not expanded again; unknown names stay visible.
    assert fill("{mission} {score} {{literal}} {__class__} {x.y}", values) == (
        "{score} 10 {literal} {__class__} {x.y}"
    )


def test_unknown_or_malformed_placeholders_are_located_rubric_errors(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    path = ws / "rubric.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        '"Raise the legal basis of {label}."', '"Raise {__class__} and {mission.__init__}"'
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RubricError) as err:
        ovm.load_rubric(path)
    lines = text.splitlines()
    line = next(i for i, t in enumerate(lines, 1) if "__class__" in t)
    assert sorted((i.line, i.code) for i in err.value.issues) == [
        (line, "invalid-placeholder"),
        (line, "unknown-placeholder"),
    ]


def test_follow_up_share_counts_partial_as_half_and_skips_not_assessable() -> None:
    items = [
        PastRecommendation(id=str(i), text="t", to="electoral_body", status=s)
        for i, s in enumerate(
            ["implemented", "partially_implemented", "not_implemented", "not_assessable"]
        )
    ]
    assert follow_up_share(items) == pytest.approx(100 * 1.5 / 3)
    assert follow_up_share(items[3:]) is None


FOLLOW = """
  - id: aaa-2024
    country: ARG
    name: A 2024
    election: {type: general, date: 2024-05-01}
    follow_up:
      - {id: r1, text: Publish polling place criteria, to: electoral_body, status: implemented}
      - {id: r2, text: Extend the vote, to: legislature, status: not_implemented}
"""
PREV_RECS = """    recommendations:
      - {id: r1, text: Publish polling place criteria, to: electoral_body}
      - {id: r2, text: Extend the vote, to: legislature}
"""


def _with_follow_up_rubric(ws: Path) -> None:
    path = ws / "rubric.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "variables:\n",
        "variables:\n  - {name: followup_implemented_pct, labels: "
        "{en: Implemented, es: Implementadas}, unit: '%', type: percent, "
        "source: analyst}\n",
        1,
    )
    text = text.replace(
        "        measure: distance_to_best\n        target: practice\n",
        "        measure: distance_to_best\n        target: practice\n"
        "      - id: comparative.followup\n        kind: quantitative\n"
        "        labels: {en: Follow-up, es: Seguimiento}\n"
        "        source: analyst\n        formula: followup_implemented_pct\n"
        "        rule: {type: identity}\n",
    )
    path.write_text(text, encoding="utf-8")


def test_follow_up_feeds_the_family_7_indicator(tmp_path: Path) -> None:
    ws = workspace(tmp_path, FOLLOW)
    _with_follow_up_rubric(ws)
    missions = (ws / "missions.yaml").read_text(encoding="utf-8")
    missions = missions.replace(
        "      rights.postal: {status: not_applicable, note: no postal vote}\n",
        "      rights.postal: {status: not_applicable, note: no postal vote}\n" + PREV_RECS,
        1,
    )
    (ws / "missions.yaml").write_text(missions, encoding="utf-8")
    _, s = scored(ws)
    node = s.scorecard("aaa-2024").node("comparative.followup")
    assert (node.status, node.score) == ("scored", 50.0)
    assert node.explanation.inputs[0].provenance is not None
    assert node.explanation.inputs[0].provenance.source == (
        "follow-up of the recommendations of aaa-2020"
    )
    assert s.scorecard("aaa-2020").node("comparative.followup").status == "missing"


def _r3_left_out(tmp_path: Path) -> tuple[Path, str]:
    """A workspace where aaa-2020 made r1, r2 and r3 and aaa-2024 follows up r1 and r2; its
    folder and missions.yaml's text."""
    ws = workspace(tmp_path, FOLLOW)
    _with_follow_up_rubric(ws)
    missions = (ws / "missions.yaml").read_text(encoding="utf-8")
    missions = missions.replace(
        "      rights.postal: {status: not_applicable, note: no postal vote}\n",
        "      rights.postal: {status: not_applicable, note: no postal vote}\n"
        + PREV_RECS
        + "      - {id: r3, text: Count postal votes abroad, to: electoral_body}\n",
        1,
    )
    (ws / "missions.yaml").write_text(missions, encoding="utf-8")
    return ws, missions


def test_a_recommendation_left_out_of_the_follow_up_is_a_warning_and_named(
    tmp_path: Path,
) -> None:
    """aaa-2020 made r1, r2 and r3; aaa-2024 follows up only r1 and r2. The share stays that of
    the two listed, but the check warns at the follow-up and the value's note names r3."""
    ws, missions = _r3_left_out(tmp_path)
    loaded = ovm.load_workspace(ws)
    follow_line = missions.splitlines().index("    follow_up:") + 1
    assert [(i.line, i.column, i.code, i.severity, i.params) for i in loaded.warnings] == [
        (
            follow_line,
            5,
            "follow-up-incomplete",
            "warning",
            {"previous": "aaa-2020", "missing": "r3"},
        )
    ]
    _, s = scored(ws)
    node = s.scorecard("aaa-2024").node("comparative.followup")
    assert (node.status, node.score) == ("scored", 50.0)
    prov = node.explanation.inputs[0].provenance
    assert prov is not None
    assert prov.note == "1 implemented, 0 partially, of 2 assessable; not followed up: r3"
    # A recommendation written without an id cannot be followed up by id: never "None".
    (ws / "missions.yaml").write_text(
        missions.replace(
            "      - {id: r3, text: Count postal votes abroad, to: electoral_body}\n",
            "      - {text: Count postal votes abroad, to: electoral_body}\n",
        ),
        encoding="utf-8",
    )
    assert ovm.load_workspace(ws).warnings == ()


FOLLOW_UP_WORDS = {
    "en": "follow-up of the recommendations of aaa-2020 · confidence medium · 1 implemented, "
    "0 partially, of 2 assessable; not followed up: r3",
    "es": "seguimiento de las recomendaciones de aaa-2020 · confianza media · implementadas: 1; "
    "parcialmente: 0; evaluables: 2; sin seguimiento: r3",
    "fr": "suivi des recommandations de aaa-2020 · confiance moyenne · mises en œuvre : 1 ; "
    "partiellement : 0 ; évaluables : 2 ; sans suivi : r3",
    "pt": "acompanhamento das recomendações de aaa-2020 · confiança média · implementadas: 1; "
    "parcialmente: 0; avaliáveis: 2; sem acompanhamento: r3",
}


@pytest.mark.parametrize("lang", sorted(FOLLOW_UP_WORDS))
def test_the_follow_up_value_says_where_it_comes_from_in_the_report_language(
    tmp_path: Path, lang: str
) -> None:
    """ovm derives the follow-up share itself: its source and note are the catalogue's, in the
    report's language, from the parameters the scores record."""
    import html5lib

    ws, _ = _r3_left_out(tmp_path)
    _, s = scored(ws)
    prov = s.scorecard("aaa-2024").node("comparative.followup").explanation.inputs[0].provenance
    assert prov is not None
    assert prov.model_dump(exclude_none=True) == {
        "source": "follow-up of the recommendations of aaa-2020",
        "confidence": "medium",
        "note": "1 implemented, 0 partially, of 2 assessable; not followed up: r3",
        "code": "follow-up",
        "params": {
            "source": "source",
            "note": "note_left_out",
            "implemented": "1",
            "partially": "0",
            "assessable": "2",
            "previous": "aaa-2020",
            "left_out": "r3",
        },
    }
    out = tmp_path / "m.html"
    res = run("report", str(ws), "--mission", "aaa-2024", "-o", str(out), "-q", "--lang", lang)
    assert res.returncode == 0, res.stderr
    doc = html5lib.parse(out.read_text(encoding="utf-8"), namespaceHTMLElements=False)
    text = " ".join(" ".join(doc.itertext()).split())
    assert FOLLOW_UP_WORDS[lang] in text


def test_bad_follow_up_references_are_located_errors(tmp_path: Path) -> None:
    bad = FOLLOW.replace(
        "{id: r2, text: Extend the vote, to: legislature, status: not_implemented}",
        "{id: r9, text: Never made, to: legislature, status: not_implemented}\n"
        "      - {id: r1, text: x, to: legislature, status: done}",
    )
    ws = workspace(tmp_path, bad)
    missions = (ws / "missions.yaml").read_text(encoding="utf-8")
    missions = missions.replace(
        "      rights.postal: {status: not_applicable, note: no postal vote}\n",
        "      rights.postal: {status: not_applicable, note: no postal vote}\n" + PREV_RECS,
        1,
    )
    (ws / "missions.yaml").write_text(missions, encoding="utf-8")
    with pytest.raises(DataError) as err:
        ovm.load_workspace(ws)
    lines = missions.splitlines()
    done_line = next(i for i, t in enumerate(lines, 1) if "status: done" in t)
    assert [(i.line, i.code) for i in err.value.issues] == [(done_line, "invalid-choice")]
    # Once the status is fixed, the unknown id is reported at its own line.
    (ws / "missions.yaml").write_text(
        missions.replace("status: done", "status: implemented"), encoding="utf-8"
    )
    with pytest.raises(DataError) as err2:
        ovm.load_workspace(ws)
    r9_line = next(i for i, t in enumerate(lines, 1) if "id: r9" in t)
    # r9 stands where r2 should: r2 is also said to be left out of the follow-up.
    assert [(i.line, i.code) for i in err2.value.issues] == [
        (lines.index("    follow_up:") + 1, "follow-up-incomplete"),
        (r9_line, "unknown-recommendation"),
    ]


def test_whatif_reports_every_node_that_moves(tmp_path: Path) -> None:
    run = ovm.analyse(workspace(tmp_path), ovm.Settings(bootstrap=0))
    changes = ovm.whatif(
        run, "bbb-2021", {"votes_abroad": "700", "rights.basis": "constitution"}
    ).moved()
    # turnout 35% -> goalposts 10..60 -> 50; basis 100; postal no = 0 -> rights (100+0+50)/3
    assert [(c.node, c.before, c.after) for c in changes] == [
        ("rights", 30.0, pytest.approx(50.0)),
        ("rights.basis", 60.0, 100.0),
        ("rights.turnout", None, 50.0),
    ]
    with pytest.raises(ValueError, match="greater than registered_abroad"):
        ovm.whatif(run, "bbb-2021", {"votes_abroad": "5000"})
    with pytest.raises(ValueError, match="not an allowed answer"):
        ovm.whatif(run, "bbb-2021", {"rights.basis": "treaty"})


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ovm", *args], capture_output=True, text=True, check=False
    )


def test_cli_whatif_and_recommend(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    res = run(
        "whatif",
        str(ws),
        "--mission",
        "bbb-2021",
        "--set",
        "rights.basis=constitution",
        "--format",
        "json",
    )
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert [(n["node"], n["delta"]) for n in data["nodes"]] == [
        ("rights", pytest.approx(20.0)),
        ("rights.basis", 40.0),
    ]
    assert run("whatif", str(ws), "--mission", "zzz", "--set", "a=1").returncode == 2
    assert run("whatif", str(ws), "--mission", "bbb-2021", "--set", "nope").returncode == 2
    md = run("recommend", str(ws), "--mission", "bbb-2021", "--lang", "es", "-q")
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# Recomendaciones: B 2021\n")
    assert "## 1. Base legal" in md.stdout
    js = run("recommend", str(ws), "--mission", "aaa-2020", "--format", "json", "-q")
    assert js.returncode == 0, js.stderr
    assert [r["id"] for r in json.loads(js.stdout)["recommendations"]] == ["rec.turnout.low"]


def test_mission_report_lists_drafted_recommendations_escaped(tmp_path: Path) -> None:
    import html5lib

    ws = workspace(tmp_path)
    path = ws / "rubric.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            '"Raise the legal basis of {label}."', '"Raise <b>the</b> legal basis of {label}."'
        ),
        encoding="utf-8",
    )
    out = tmp_path / "m.html"
    res = run("report", str(ws), "--mission", "bbb-2021", "-o", str(out), "-q")
    assert res.returncode == 0, res.stderr
    doc = html5lib.parse(out.read_text(encoding="utf-8"), namespaceHTMLElements=False)
    text = " ".join(" ".join(doc.itertext()).split())
    assert "Raise <b>the</b> legal basis of Legal basis." in text
    # The rubric's markup is text, not an element.
    assert all("".join(b.itertext()).strip() != "the" for b in doc.iter("b"))
    assert "B 2021: rights score 30.0 (Weak); registered abroad 2,000." in text


def test_a_band_condition_names_the_band_in_the_language_asked(tmp_path: Path) -> None:
    w, s = scored(workspace(tmp_path))
    said = {
        lang: {r.id: r.condition for r in recommend(w.rubric, s.scorecard("bbb-2021"), lang=lang)}[
            "rec.rights.family"
        ]
        for lang in ("en", "es")
    }
    assert said == {"en": "band Weak", "es": "banda Débil"}


def test_a_gain_outside_the_overall_says_which_group_has_no_score(tmp_path: Path) -> None:
    # aaa keeps an overall (practice) while its rights family lacks data (turnout missing,
    # half the weight below its minimum): the gain of its legal basis is counted in the
    # basis' own points, because Rights has no score, not because the basis "does not count".
    ws = workspace(tmp_path)
    rubric = ws / "rubric.yaml"
    rubric.write_text(
        rubric.read_text(encoding="utf-8").replace(
            "    labels: {en: Rights, es: Derechos}\n",
            "    labels: {en: Rights, es: Derechos}\n    min_coverage: 0.6\n",
            1,
        ),
        encoding="utf-8",
    )
    missions = ws / "missions.yaml"
    missions.write_text(
        missions.read_text(encoding="utf-8").replace(
            "rights.basis: {value: constitution,", "rights.basis: {value: statute,", 1
        ),
        encoding="utf-8",
    )
    stats = ws / "statistics.csv"
    stats.write_text(
        stats.read_text(encoding="utf-8").replace("aaa-2020,1000,350,", "aaa-2020,1000,,", 1),
        encoding="utf-8",
    )
    w, s = scored(ws)
    card = s.scorecard("aaa-2020")
    assert (card.overall.status, card.node("rights").status) == ("scored", "insufficient")
    said = {
        lang: [
            (r.id, r.gain_on, r.gain_note)
            for r in recommend(w.rubric, card, lang=lang)
            if r.id == "rec.basis"
        ]
        for lang in ("en", "es")
    }
    assert said == {
        "en": [("rec.basis", "rights.basis", "Rights has no score for this mission")],
        "es": [("rec.basis", "rights.basis", "Derechos no tiene puntaje para esta misión")],
    }


def test_each_rubric_and_language_drafts_its_own_words(tmp_path: Path) -> None:
    # What a rubric's nodes say is worded once per rubric and language and kept for the next
    # mission: a rubric loaded after another (which may take the freed one's place in memory)
    # or another language must never draft with the words kept for the first.
    ws = workspace(tmp_path)
    original = (ws / "rubric.yaml").read_text(encoding="utf-8")
    for i in range(6):
        (ws / "rubric.yaml").write_text(
            original.replace("Raise the legal basis of {label}.", f"Raise basis {i} of {{label}}.")
            .replace("Elevar la base de {label}.", f"Elevar base {i} de {{label}}.")
            .replace("when: {below: 70}", f"when: {{below: {70 + i}.5}}"),
            encoding="utf-8",
        )
        w, s = scored(ws)
        card = s.scorecard("bbb-2021")
        for lang, text, condition in (
            ("en", f"Raise basis {i} of Legal basis.", f"score 60.0 < {70 + i}.5"),
            ("es", f"Elevar base {i} de Base legal.", f"puntaje 60,0 < {70 + i},5"),
            ("en", f"Raise basis {i} of Legal basis.", f"score 60.0 < {70 + i}.5"),
        ):
            basis = next(r for r in recommend(w.rubric, card, lang=lang) if r.id == "rec.basis")
            assert (basis.text, basis.condition) == (text, condition)
        del w, s, card


def test_a_condition_never_writes_a_score_on_the_wrong_side_of_its_threshold(
    tmp_path: Path,
) -> None:
    """Turnout 39.998 % scores 59.996 < 60: the condition says so, not "60.0 < 60"."""
    ws = workspace(tmp_path)
    stats = ws / "statistics.csv"
    stats.write_text(
        stats.read_text(encoding="utf-8").replace("aaa-2020,1000,350,", "aaa-2020,100000,39998,"),
        encoding="utf-8",
    )
    w, s = scored(ws)
    got = {r.id: r.condition for r in recommend(w.rubric, s.scorecard("aaa-2020"))}
    assert got["rec.turnout.low"] == "score 59.996 < 60"


def test_a_recommendation_that_lifts_a_critical_cap_comes_first_and_says_so(
    tmp_path: Path,
) -> None:
    """Four visits more without secrecy put cri-2014's secrecy in its lowest band, which caps
    the bands of its practice family and of the overall: the secrecy recommendation leads its
    priority, before gains of more points that lift no band, and its note names the caps."""
    import csv

    root = tmp_path / "ws"
    shutil.copytree(Path(__file__).parent.parent / "examples", root)
    path = root / "checklists.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    changed = 0
    for row in rows:
        if row["mission"] == "cri-2014" and row["practice.secrecy"] == "yes" and changed < 4:
            row["practice.secrecy"], changed = "no", changed + 1
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    run = ovm.analyse(root, ovm.Settings(bootstrap=0))
    card = run.comparison.scores.scorecard("cri-2014")
    assert (card.node("practice.secrecy").band, card.overall.band) == (0, 0)
    recs = run.recommendations("cri-2014", "en")
    high = [r for r in recs if r.priority == "high"]
    capping = [(r.id, r.caps) for r in recs if r.caps]
    assert capping == [("rec.practice.secrecy", ("practice", "overall"))]
    assert high[0].id == "rec.practice.secrecy"
    assert high[0].gain < max(r.gain for r in high if r.gain_on == "overall")
    assert high[0].gain_note == (
        "a critical indicator in its lowest band; until it reaches the next, these stay in "
        "the lowest band: Overseas voting in practice and Overall score"
    )
    # Markdown says the note beside the gain, as the reports do.
    from ovm.comparison.recommend import to_markdown

    assert f"overall points if it reached the next band ({high[0].gain_note})" in to_markdown(
        recs, None, "cri-2014"
    )
    # The unchanged examples cap nothing, and order by gain alone within a priority.
    plain = ovm.analyse(Path(__file__).parent.parent / "examples", ovm.Settings(bootstrap=0))
    assert [r.id for r in plain.recommendations("cri-2014", "en") if r.caps] == []
    # Every practice answer "no": the family is in its lowest band by its own score, so the
    # cap holds only the overall down, and only the overall is named.
    for row in rows:
        if row["mission"] == "cri-2014":
            for key, value in row.items():
                if key.startswith("practice.") and value == "yes":
                    row[key] = "no"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    failing = ovm.analyse(root, ovm.Settings(bootstrap=0))
    family = failing.comparison.scores.scorecard("cri-2014").node("practice")
    assert family.score is not None and family.score < 40
    secrecy = next(r for r in failing.recommendations("cri-2014", "en") if r.caps)
    assert (secrecy.id, secrecy.caps) == ("rec.practice.secrecy", ("overall",))


def test_a_derived_provenance_whose_parameters_are_incomplete_keeps_its_recorded_words() -> None:
    # A score file edited by hand (or written by another tool) may lack a parameter: the
    # report then says the recorded English rather than nothing.
    prov = ovm.Provenance(
        source="follow-up of the recommendations of aaa-2020",
        note="1 implemented, 0 partially, of 2 assessable",
        code="follow-up",
        params={"source": "source", "note": "note", "implemented": "1"},
    )
    assert prov.worded("es") == (
        "follow-up of the recommendations of aaa-2020",
        "1 implemented, 0 partially, of 2 assessable",
    )
    whole = prov.model_copy(
        update={
            "params": {**prov.params, "previous": "aaa-2020", "partially": "0", "assessable": "2"}
        }
    )
    assert whole.worded("es") == (
        "seguimiento de las recomendaciones de aaa-2020",
        "implementadas: 1; parcialmente: 0; evaluables: 2",
    )


def test_whatif_takes_each_change_after_its_own_set_and_the_workspace_anywhere(
    tmp_path: Path,
) -> None:
    ws = workspace(tmp_path)
    changes = ("--set", "rights.basis=constitution", "--set", "votes_abroad=700")
    first = run("whatif", str(ws), "--mission", "bbb-2021", "--format", "json", *changes)
    last = run("whatif", "--mission", "bbb-2021", "--format", "json", *changes, str(ws))
    assert first.returncode == 0, first.stderr
    assert first.stdout == last.stdout
    moved = {n["node"] for n in json.loads(first.stdout)["nodes"]}
    assert {"rights.basis", "rights.turnout"} <= moved, moved


def test_markdown_escapes_the_teams_text_in_headings_as_in_the_body(tmp_path: Path) -> None:
    # A mission's name, a node's label and a band's label are written by the mission team; a
    # recommendations file pasted into a wiki renders whatever HTML they hold.
    ws = workspace(tmp_path)
    for name, old, new in [
        ("missions.yaml", "name: B 2021", 'name: "B <img src=x onerror=alert(1)> | 2021"'),
        ("rubric.yaml", "{en: Legal basis,", '{en: "Legal <b>basis</b>",'),
        ("rubric.yaml", "{en: Weak,", '{en: "Weak <i>|</i>",'),
        # bbb has no overall: its gains are counted in points of this family, named by label.
        ("rubric.yaml", "{en: Rights,", '{en: "Rights <u>|</u>",'),
    ]:
        path = ws / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    md = run("recommend", str(ws), "--mission", "bbb-2021", "-q")
    assert md.returncode == 0, md.stderr
    lines = md.stdout.splitlines()
    # Markdown's own escape, a backslash, makes a tag plain text; no HTML entity, which a
    # terminal shows as it is.
    assert lines[0] == "# Recommendations: B \\<img src=x onerror=alert(1)> \\| 2021"
    assert [line for line in lines if line.startswith("## ")] == [
        "## 1. Legal \\<b>basis\\</b>",
        "## 2. Rights \\<u>\\|\\</u>",
    ]
    assert "points of Rights \\<u>\\|\\</u>" in md.stdout
    assert "band Weak \\<i>\\|\\</i>" in md.stdout
    assert re.findall(r"(?<!\\)<[A-Za-z/!?]", md.stdout) == []
    assert "&lt;" not in md.stdout and "&gt;" not in md.stdout
    # a condition reads in a terminal as it is written
    assert re.findall(r"\*Condition:\* score [0-9.]+ < 70 ", md.stdout) != []
    # The HTML report of the same recommendations escapes the same text, its own way.
    page = tmp_path / "bbb.html"
    html = run("report", str(ws), "--mission", "bbb-2021", "-q", "-o", str(page))
    assert html.returncode == 0, html.stderr
    written = page.read_text(encoding="utf-8")
    assert "<img src=x" not in written and "<b>basis" not in written
    assert "B &lt;img src=x onerror=alert(1)&gt; | 2021" in written
    assert "Legal &lt;b&gt;basis&lt;/b&gt;" in written


@pytest.mark.parametrize("lang", ["en", "es", "fr", "pt"])
def test_a_cohorts_values_are_worded_as_value_words_words_each(lang: str) -> None:
    # A cohort's evidence lines word each node's number with its unit looked up once; the words
    # are value_words' own: none for a group or a practice adoption (whose figure is its score),
    # the unit after the number or before it, its singular after 1.
    from ovm.comparison import recommend as rec
    from ovm.indicators import ComparativeIndicator
    from ovm.rubric.model import bundled_rubric

    rubric = bundled_rubric("deco-voting-abroad")
    words = rec._Words(rubric, lang)
    nodes = [p.node for p in rubric.walk()]
    adoption = [
        n for n in nodes if isinstance(n, ComparativeIndicator) and n.measure == "practice_adoption"
    ]
    assert adoption and all(rec.value_words(n, 0.5, lang) is None for n in adoption)
    for node in nodes:
        for value in (0.0, 1.0, 2.5, 45.0, float("nan")):
            assert words.value(node.id, value) == rec.value_words(node, value, lang), node.id
