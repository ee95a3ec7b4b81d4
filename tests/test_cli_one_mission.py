"""A workspace of one mission is said in the singular in every language, and a report of it
warns of nothing the user did not ask for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ovm.cli.app import main

WROTE = {
    "en": "wrote html comparison of {n} {missions} to {where}",
    "es": "se escribió la comparación (html) de {n} {missions} en {where}",
    "fr": "comparaison (html) de {n} {missions} écrite dans {where}",
    "pt": "comparação (html) de {n} {missions} escrita em {where}",
}
MISSION = {
    "en": ("mission", "missions"),
    "es": ("misión", "misiones"),
    "fr": ("mission", "missions"),
    "pt": ("missão", "missões"),
}


def _workspace(tmp_path: Path, *missions: str) -> Path:
    ws = tmp_path / "ws"
    assert main(["init", str(ws), "-q", "--missions", *missions]) == 0
    # Filled in as a team would: the election day without ovm init's comment, a real name,
    # a title for the reports.
    path = ws / "missions.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(date: [0-9-]+\})\s*#.*", r"\1", text)
    text = re.sub(r'name: \{en: "([^"]+)"', r'name: {en: "Mission \1"', text)
    path.write_text(text, encoding="utf-8")
    config = ws / "ovm.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^title: .*$", 'title: {en: "Elections"}', text), "utf-8")
    return ws


def _said(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Standard error without the lines counting each file's rows."""
    return [line for line in capsys.readouterr().err.splitlines() if ".csv" not in line]


@pytest.mark.parametrize("lang", ["en", "es", "fr", "pt"])
@pytest.mark.parametrize("missions", [("abc-2024",), ("abc-2024", "def-2024")])
def test_a_report_counts_its_missions_in_the_languages_plural_and_warns_of_nothing(
    lang: str, missions: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path, *missions)
    capsys.readouterr()
    out = tmp_path / "report.html"
    assert main(["report", str(ws), "-o", str(out), "--lang", lang]) == 0
    n = len(missions)
    word = MISSION[lang][0 if n == 1 else 1]
    # No mission is scored yet: no ranking, so no rank interval was to be expected.
    assert _said(capsys) == [WROTE[lang].format(n=n, missions=word, where=out)]


def test_the_sensitivity_analysis_asked_for_and_not_run_is_still_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path, "abc-2024")
    capsys.readouterr()
    out = tmp_path / "report.html"
    assert main(["report", str(ws), "-q", "-o", str(out), "--sensitivity-runs", "300"]) == 0
    assert _said(capsys) == [
        "warning: --sensitivity-runs 300: no sensitivity analysis, as fewer than two missions "
        "have an overall score to rank"
    ]


def test_the_default_sensitivity_analysis_still_runs_where_there_is_a_ranking(
    tmp_path: Path,
) -> None:
    examples = Path(__file__).parent.parent / "examples"
    given, default = tmp_path / "given.json", tmp_path / "default.json"
    argv = ["report", str(examples), "-q", "--format", "json", "--bootstrap", "0"]
    assert main([*argv, "-o", str(default)]) == 0
    assert main([*argv, "--sensitivity-runs", "300", "-o", str(given)]) == 0
    assert default.read_bytes() == given.read_bytes()
    assert b'"rank_interval"' in default.read_bytes() or b"sensitivity" in default.read_bytes()


@pytest.mark.parametrize(
    ("lang", "scored", "compared", "pages"),
    [
        (
            "en",
            "scored 1 mission against deco-voting-abroad",
            "compared 1 mission; first overall:",
            "wrote 1 mission report to",
        ),
        (
            "es",
            "1 misión puntuada con deco-voting-abroad",
            "1 misión comparada; primera en el puntaje global:",
            "se escribió 1 informe de misión en",
        ),
        (
            "fr",
            "1 mission notée selon deco-voting-abroad",
            "1 mission comparée\u202f; première au classement global\u202f:",
            "1 rapport de mission écrit dans",
        ),
        (
            "pt",
            "1 missão pontuada com deco-voting-abroad",
            "1 missão comparada; primeira na pontuação global:",
            "1 relatório de missão escrito em",
        ),
    ],
)
def test_score_compare_and_mission_pages_of_one_mission_are_in_the_singular(
    lang: str,
    scored: str,
    compared: str,
    pages: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ws = _workspace(tmp_path, "abc-2024")
    capsys.readouterr()
    assert main(["score", str(ws), "-o", str(tmp_path / "s.json"), "--lang", lang]) == 0
    assert _said(capsys)[-1].startswith(scored)
    assert main(["compare", str(ws), "-o", str(tmp_path / "c.json"), "--lang", lang]) == 0
    assert _said(capsys)[-1].startswith(compared)
    report = tmp_path / "site" / "report.html"
    report.parent.mkdir()
    argv = ["report", str(ws), "-o", str(report), "--with-missions", "--lang", lang]
    assert main(argv) == 0
    assert _said(capsys)[-1] == f"{pages} {report.parent}"
