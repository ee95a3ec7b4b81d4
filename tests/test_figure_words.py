"""A recommendation's figures read once and say what each number is, in every language: the
comparison's fixes table names a best performer once, not a score beside "best score"; a
checklist question or a variable in the evidence gives its unit, as a group's evidence does;
a unit that names what a number is (a ratio) comes before it ("ratio of 0.6"), not after it as
a measure does ("0.6 ratio"). Through the command line on the example workspace."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _ovm(*args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "ovm", *args], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


class _FollowCells(HTMLParser):
    """The text of the fixes table's last column ("Done best by"), a list a mission."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[str, list[str]] = {}
        self.mission: str | None = None
        self.depth = 0  # within a <td>
        self.column = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tbody" and (found.get("id") or "").startswith("fix-mission-"):
            self.mission = (found["id"] or "").removeprefix("fix-mission-")
            self.cells[self.mission] = []
        elif tag == "tr":
            self.column = 0
        elif tag == "td" and self.mission is not None:
            self.column += 1
            self.depth = 1
            self.text = []
        elif tag == "br" and self.depth:
            self.text.append(" / ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.mission = None
        elif tag == "td" and self.depth and self.mission is not None:
            self.depth = 0
            if self.column == 4:
                self.cells[self.mission].append(re.sub(r"\s+", " ", "".join(self.text)).strip())

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def _follow(html: str) -> dict[str, list[str]]:
    parser = _FollowCells()
    parser.feed(html)
    return parser.cells


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[str]]]:
    out = {}
    for lang in ("es", "en"):
        path = tmp_path_factory.mktemp(lang) / "report.html"
        _ovm("report", str(EXAMPLES), "-o", str(path), "--lang", lang, "-q")
        out[lang] = _follow(path.read_text(encoding="utf-8"))
    return out


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "es",
            {
                "per-2021": [
                    "Mejor desempeño: col-2022SIM: puntaje 83,3",
                    "—",
                    "Mejor desempeño: col-2022SIM: 24,2 minutos (puntaje 100,0)",
                ],
                "col-2018": [
                    "Mejor desempeño: mex-2012: puntaje 78,2",
                    "mex-2012, mex-2018, mex-2024SIM y 2 más: Inscripción activa con opción a "
                    "distancia (en línea o por correo) (puntaje 70,0)",
                    "Mejor desempeño: col-2022SIM: 100 % de las visitas de observación "
                    "(puntaje 100,0)",
                ],
            },
        ),
        (
            "en",
            {
                "per-2021": [
                    "Best performer: col-2022SIM: score 83.3",
                    "—",
                    "Best performer: col-2022SIM: 24.2 minutes (score 100.0)",
                ],
                "col-2018": [
                    "Best performer: mex-2012: score 78.2",
                    "mex-2012, mex-2018, mex-2024SIM and 2 more: Active registration with a "
                    "remote option (online or by post) (score 70.0)",
                    "Best performer: col-2022SIM: 100 % of observer visits (score 100.0)",
                ],
            },
        ),
    ],
)
def test_the_fixes_table_names_a_best_performer_once_and_its_figure(
    tables: dict[str, dict[str, list[str]]], lang: str, expected: dict[str, list[str]]
) -> None:
    cells = tables[lang]
    assert {m: cells[m] for m in expected} == expected


@pytest.mark.parametrize(("lang", "score"), [("es", "puntaje"), ("en", "score")])
def test_no_cell_of_the_fixes_table_says_score_twice(
    tables: dict[str, dict[str, list[str]]], lang: str, score: str
) -> None:
    # the line on the peers' best (after " / ") is a figure of its own
    twice = [
        cell
        for cells in tables[lang].values()
        for cell in cells
        if cell.split(" / ")[0].count(score) > 1
    ]
    assert twice == []
    assert sum(len(c) for c in tables[lang].values()) > 50


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "es",
            "Buena práctica: En República Dominicana, elecciones generales de 2016: razón de "
            "0,6 (puntaje 72,1) (ocv-figures.csv (7 diputados de ultramar); Chamber of "
            "Deputies 2016-2020: 190; ocv-figures.csv: Acento (JCE member); El Caribe)",
        ),
        (
            "en",
            "Best practice: In Dominican Republic, 2016 general election: ratio of 0.6 "
            "(score 72.1) (ocv-figures.csv (7 diputados de ultramar); Chamber of Deputies "
            "2016-2020: 190; ocv-figures.csv: Acento (JCE member); El Caribe)",
        ),
    ],
)
def test_a_ratio_is_named_before_its_number(lang: str, expected: str) -> None:
    said = _ovm("recommend", str(EXAMPLES), "--mission", "per-2021", "--lang", lang, "-q")
    section = said.split("## 9. ")[1]
    assert [line for line in section.splitlines() if "2016" in line] == [expected]


def _evidence(markdown: str) -> list[str]:
    """The evidence lines of a recommend Markdown that give a question's, a variable's or a
    node's value, in order (the formula lines aside)."""
    return [
        line
        for line in markdown.splitlines()
        if line.startswith("- ") and " = " not in line.split(" — ")[0].replace("(n = ", "")
    ]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "es",
            [
                "- Distancia al lugar de votación más cercano: Locales solo en las ciudades "
                "principales; los electores de otras zonas enfrentan viajes largos (puntaje 40,0)",
                "- Electores excluidos por sedes canceladas: 14,0 % de los inscritos en el "
                "exterior (puntaje 0,0)",
                "- Modalidad de votación estable: sí (puntaje 100,0)",
                "- Filas largas (percentil 90): 181,1 minutos (puntaje 0,0)",
                "- Tiempo de traslado al local de votación: 49 minutos (puntaje 87,3)",
                "- cancelled_electors: 139.230 electores — ocv-figures.csv: Andina; La Republica "
                "2021-04-10; Ojo, confianza alta",
                "- registered_abroad: 997.033 electores — ocv-figures.csv: Andina 2020-12-25; La "
                "Republica 2021-04-10; Ojo, confianza alta",
                "- queue_p90_minutes: 181,10 minutos (n = 16) [simulado]",
                "- Distancia al lugar de votación más cercano: Locales solo en las ciudades "
                "principales; los electores de otras zonas enfrentan viajes largos. — "
                "ocv-figures.csv, confianza baja",
                "- Local de votación accesible: 58,8 % de las visitas de observación (n = 17) "
                "[simulado]",
            ],
        ),
        (
            "en",
            [
                "- Distance to the nearest place to vote: Polling places in the main cities "
                "only; electors elsewhere face long trips (score 40.0)",
                "- Electors excluded by cancelled locations: 14.0 % of registered voters abroad "
                "(score 0.0)",
                "- Voting method kept stable: yes (score 100.0)",
                "- Long queues (90th percentile): 181.1 minutes (score 0.0)",
                "- Travel time to the polling place: 49 minutes (score 87.3)",
                "- cancelled_electors: 139,230 electors — ocv-figures.csv: Andina; La Republica "
                "2021-04-10; Ojo, confidence high",
                "- registered_abroad: 997,033 electors — ocv-figures.csv: Andina 2020-12-25; La "
                "Republica 2021-04-10; Ojo, confidence high",
                "- queue_p90_minutes: 181.10 minutes (n = 16) [simulated]",
                "- Distance to the nearest place to vote: Polling places in the main cities "
                "only; electors elsewhere face long trips. — ocv-figures.csv, confidence low",
                "- Accessible polling place: 58.8 % of observer visits (n = 17) [simulated]",
            ],
        ),
    ],
)
def test_question_and_variable_evidence_gives_its_unit_as_a_groups_evidence_does(
    lang: str, expected: list[str]
) -> None:
    said = _ovm("recommend", str(EXAMPLES), "--mission", "per-2021", "--lang", lang, "-q")
    assert _evidence(said)[: len(expected)] == expected
