"""A report under ``--normalisation zscore`` (or ``rank``) says what its numbers are: z-scores
from the cohort's mean, without the 0-100 bands, where it said "scores from 0 to 100"; family 7
and the best practices stay on the methodology's 0-100 scores, in every output (HTML, JSON,
XLSX) and language."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from ovm.cli.app import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
LEADS = {
    "en": (
        "Scores from 0 to 100 of every mission",
        "Z-scores of every mission on each family of indicators: each indicator is normalised "
        "over the compared missions to standard deviations from their mean",
        "z-score (no band), or not scored",
        "not the z-score values of the tables",
    ),
    "es": (
        "Puntajes de 0 a 100 de cada misión",
        "Puntajes z de cada misión en cada familia de indicadores: cada indicador se normaliza "
        "sobre las misiones comparadas en desviaciones estándar respecto de su media",
        "puntaje z (sin banda), o sin puntaje",
        "no los valores de puntaje z de las tablas",
    ),
}


def _report(out: Path, *argv: str) -> Path:
    argv_ = ["report", str(EXAMPLES), "-q", "--sensitivity-runs", "0", "--bootstrap", "40"]
    assert main([*argv_, *argv, "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("z")
    out = {}
    for lang in ("en", "es"):
        for fmt in ("html", "json", "xlsx"):
            out[f"z.{lang}.{fmt}"] = _report(
                d / f"z.{lang}.{fmt}", "--normalisation", "zscore", "--lang", lang
            )
    out["plain.json"] = _report(d / "plain.json")
    return out


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_overview_says_z_scores_and_names_no_band_for_them(
    made: dict[str, Path], lang: str
) -> None:
    html = made[f"z.{lang}.html"].read_text(encoding="utf-8")
    plain, lead, legend, best = LEADS[lang]
    assert plain not in html
    assert lead in html and legend in html and best in html
    # Family 7 keeps its 0-100 scores and bands: the legend still gives their ranges.
    band = "Good practice" if lang == "en" else "Buena práctica"
    assert f'{band} <span class="note">(80–100' in html


def test_family_7_and_the_best_practices_are_those_of_the_0_100_scores(
    made: dict[str, Path],
) -> None:
    z, plain = _json(made["z.en.json"]), _json(made["plain.json"])
    assert "scale" not in plain
    assert z["scale"]["method"] == "zscore"
    assert "comparative" in z["scale"]["kept"] and "comparative.distance" in z["scale"]["kept"]
    column = [c["id"] for c in z["heatmap"]["columns"]].index("comparative")

    def family_7(report: Any) -> list[Any]:
        return [(r["mission"]["id"], r["cells"][column]["text"]) for r in report["heatmap"]["rows"]]

    assert family_7(z) == family_7(plain)
    assert z["best_practices"] == plain["best_practices"]
    # The families that reach the overall are z-scores, with no band.
    overall = [r["cells"][0] for r in z["heatmap"]["rows"] if r["cells"][0]["scored"]]
    assert overall and all(c["band"] is None and -5 < c["value"] < 5 for c in overall)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_workbook_colours_only_the_0_100_scores_and_says_what_the_others_are(
    made: dict[str, Path], lang: str
) -> None:
    book = load_workbook(made[f"z.{lang}.xlsx"])
    overview = book["overview"]
    header = [c.value for c in overview[1]]
    label = _json(made[f"z.{lang}.json"])["heatmap"]["columns"][-1]["label"]["text"]
    letter = overview.cell(row=1, column=header.index(label) + 1).column_letter
    # family 7's column alone is band-coloured (a z-score of 0.5 is no "serious shortcoming")
    assert [str(cf.sqref) for cf in overview.conditional_formatting] == [f"{letter}2:{letter}20"]
    said = [r[1] for r in book["methodology"].iter_rows(values_only=True) if r and r[1]]
    assert any(str(x).startswith(LEADS[lang][1]) for x in said)


def test_what_each_country_should_fix_is_judged_on_the_0_100_scores(
    made: dict[str, Path],
) -> None:
    # A z-score against the 0-100 bands makes every "below Adequate" condition hold: the
    # recommendations, their order and gains are those of the methodology's scores.
    z, plain = _json(made["z.en.json"]), _json(made["plain.json"])

    def fixes(report: Any) -> list[Any]:
        # (each mission's rank among its peers is the comparison's, on z-scores)
        return [{k: v for k, v in f.items() if k != "peers"} for f in report["fixes"]]

    assert fixes(z) == fixes(plain)
    assert [f["peers"] for f in z["fixes"]] != [f["peers"] for f in plain["fixes"]]
    html = made["z.es.html"].read_text(encoding="utf-8")
    assert "Las recomendaciones, sus condiciones y ganancias se juzgan sobre los puntajes" in html


@pytest.mark.parametrize("method", ["zscore", "rank"])
def test_recommend_gives_the_same_recommendations_under_any_unbounded_normalisation(
    method: str, capsys: pytest.CaptureFixture[str]
) -> None:
    said = {}
    for norm in ("none", method):
        argv = ["recommend", str(EXAMPLES), "--mission", "col-2018", "--format", "json"]
        assert main([*argv, "--bootstrap", "40", "--normalisation", norm]) == 0
        said[norm] = json.loads(capsys.readouterr().out)
    # (its "scores" are the comparison's: z-scores or ranks under those)
    assert said[method]["recommendations"] == said["none"]["recommendations"]
    assert said[method]["scores"] != said["none"]["scores"]
    assert said["none"]["recommendations"]


@pytest.mark.parametrize("method", ["zscore", "rank"])
def test_a_mission_report_shows_the_0_100_scores_and_says_where_its_rank_comes_from(
    tmp_path: Path, method: str
) -> None:
    # One mission's z-score says nothing without its cohort, and its points lost, bands and
    # recommendations are defined on the 0-100 scores: the report is the methodology's,
    # whatever the comparison normalises to; only the rank is the comparison's.
    argv = ("--mission", "col-2018")
    plain = _json(_report(tmp_path / "plain.json", *argv))
    made = _json(_report(tmp_path / "z.json", *argv, "--normalisation", method))
    differ = sorted(k for k in plain.keys() | made.keys() if plain.get(k) != made.get(k))
    assert differ == ["methodology", "rank", "rank_value", "scale_note"]
    assert made["overall"]["band"] is not None and 0 <= made["overall"]["value"] <= 100
    html = _report(tmp_path / "z.html", *argv, "--normalisation", method, "--lang", "es")
    assert "Los puntajes de este informe son los de la metodología, de 0 a 100" in html.read_text(
        encoding="utf-8"
    )
    book = load_workbook(_report(tmp_path / "z.xlsx", *argv, "--normalisation", method))
    said = [r[1] for r in book["methodology"].iter_rows(values_only=True) if r and r[1]]
    assert made["scale_note"] in said
