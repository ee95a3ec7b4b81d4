"""Plausibility of observer visits: each finding a located warning with its code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ovm import load_workspace
from ovm.cli.app import main
from ovm.data.plausibility import parse_visit_time

MINI = Path(__file__).parent / "data" / "mini"

MISSIONS = """\
missions:
  - id: aaa-2020
    country: ARG
    name: A 2020
    election: {type: general, date: 2020-05-03}
    voting_abroad: {from: 2020-05-02, to: 2020-05-03, opens: "08:00"}
    places:
      - {id: s9, country: ESP, city: Madrid, opens: "09:00"}
  - id: bbb-2021
    country: BRA
    name: B 2021
    election: {type: general, date: 2021-03-01}
"""

CHECKLISTS = """\
mission,site,site_country,site_city,observer,visited_at,practice.on_time,practice.queue,practice.turned_away
aaa-2020,s1,USA,Miami,o1,2020-05-02T08:30,yes,10,0
aaa-2020,s2,Spain,Madrid,o2,yesterday,yes,10,0
aaa-2020,s3,USA,Miami,o3,2020-05-09T10:00,yes,10,0
aaa-2020,s4,USA,Miami,o4,2020-05-02T07:30,yes,10,0
aaa-2020,s5,USA,Miami,o5,2020-05-03T10:00,yes,20,1
aaa-2020,s6,USA,Houston,o5,2020-05-03T10:05,no,30,2
aaa-2020,s7,ESP,Madrid,o5,2020-05-03T11:00,yes,40,3
aaa-2020,s9,ESP,Madrid,o6,2020-05-03T08:30,yes,5,0
bbb-2021,t1,ARG,Rosario,o7,2021-03-01T09:00,yes,15,0
bbb-2021,t2,ARG,Rosario,o7,2021-03-01T10:00,yes,15,0
bbb-2021,t3,ARG,Rosario,o7,2021-03-01T11:00,yes,15,0
bbb-2021,t4,ARG,Rosario,o8,2021-03-01T11:00:00.000-03:00,no,15,0
"""


def test_each_implausible_visit_is_a_located_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    (root / "missions.yaml").write_text(MISSIONS, encoding="utf-8")
    (root / "checklists.csv").write_text(CHECKLISTS, encoding="utf-8")
    ws = load_workspace(root)
    found = sorted(
        (i.line, i.column, i.code) for i in ws.warnings if i.file.endswith("checklists.csv")
    )
    assert found == [
        (3, 3, "invalid-country"),
        (3, 6, "invalid-visit-time"),
        (4, 6, "visit-outside-voting-period"),
        (5, 6, "visit-before-opening"),
        (7, 6, "observer-two-places"),
        (8, 6, "observer-too-fast"),
        (9, 6, "visit-before-opening"),
        (11, None, "identical-answers"),
        (12, None, "identical-answers"),
    ]
    assert all(i.severity == "warning" for i in ws.warnings)
    # Warnings keep every visit: the data desk looks, the analysis goes on.
    assert [f.rows_used for f in ws.observations.report.files] == [2, 12]
    assert main(["check", str(root)]) == 0
    err = capsys.readouterr().err
    assert "'Spain' is not an ISO 3166 alpha-3 country code: did you mean ESP (Spain)?" in err
    assert (
        f"observer 'o5' is at 's6' and at 's5' (row 6 of {root / 'checklists.csv'}) within 5 "
        "minutes" in err
    )


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("2024-06-02T07:43", True),
        ("2024-06-02 07:43:10", True),
        ("2024-06-02T07:43:00.000-05:00", True),
        ("2024-06-02T12:00:00Z", True),
        ("2024-06-02", True),
        ("yesterday", False),
        ("02/06/2024", False),
        ("", False),
    ],
)
def test_visit_times_are_iso_8601(text: str, ok: bool) -> None:
    assert (parse_visit_time(text) is not None) == ok


@pytest.mark.parametrize(
    ("written", "params", "said"),
    [
        (
            "02/05/2020 8:30",
            {"text": "02/05/2020 8:30", "variant": "dmy", "meant": "2020-05-02T08:30"},
            ": 2020-05-02T08:30 if it is day/month/year",
        ),
        (
            "2.5.2020 08:30:15",
            {"text": "2.5.2020 08:30:15", "variant": "dmy", "meant": "2020-05-02T08:30:15"},
            ": 2020-05-02T08:30:15 if it is day/month/year",
        ),
        ("31/02/2020 8:30", {"text": "31/02/2020 8:30"}, ""),
        ("yesterday", {"text": "yesterday"}, ""),
    ],
)
def test_a_day_month_year_visit_time_is_warned_with_its_iso_form(
    tmp_path: Path, written: str, params: dict[str, str], said: str
) -> None:
    """A visit's time written as the missions' countries write it gets the ISO form it would
    have; a time that is no real day, or no date at all, only the form to write."""
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    (root / "missions.yaml").write_text(MISSIONS, encoding="utf-8")
    (root / "checklists.csv").write_text(CHECKLISTS.replace("yesterday", written), "utf-8")
    (issue,) = [i for i in load_workspace(root).warnings if i.code == "invalid-visit-time"]
    assert (issue.line, issue.column, dict(issue.params), issue.message) == (
        3,
        6,
        params,
        f"{written!r} is not a date and time such as 2024-06-02T09:30{said}",
    )


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_visit_in_the_missions_own_country_is_warned_and_still_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    # aaa-2020 is Argentina's: its visits in Argentina are no voting abroad; bbb-2021's visits
    # in Argentina are abroad.
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    (root / "missions.yaml").write_text(MISSIONS, encoding="utf-8")
    text = CHECKLISTS.replace("aaa-2020,s1,USA,Miami", "aaa-2020,s1,ARG,Rosario").replace(
        "aaa-2020,s3,USA,Miami", "aaa-2020,s3,ARG,Rosario"
    )
    (root / "checklists.csv").write_text(text, encoding="utf-8")
    ws = load_workspace(root)
    home = [
        (i.line, i.column, i.code, i.params, i.severity)
        for i in ws.warnings
        if i.code == "site-in-home-country"
    ]
    params = {"country": "ARG", "mission": "aaa-2020"}
    assert home == [
        (2, 3, "site-in-home-country", params, "warning"),
        (4, 3, "site-in-home-country", params, "warning"),
    ]
    assert [f.rows_used for f in ws.observations.report.files] == [2, 12]
    assert main(["check", str(root), "--lang", lang]) == 0
    said = [
        line for line in capsys.readouterr().err.splitlines() if "[site-in-home-country]" in line
    ]
    words = {
        "en": "warning: the polling place is in ARG, the country of aaa-2020 itself: a place of "
        "voting abroad is in another country (write the host country's code)",
        "es": "advertencia: el local de votación está en ARG, el país de la propia aaa-2020: un "
        "local del voto en el exterior está en otro país (escriba el código del país anfitrión)",
    }[lang]
    csv = root / "checklists.csv"
    assert said == [
        f"{csv}:2:3 {words} [site-in-home-country]",
        f"{csv}:4:3 {words} [site-in-home-country]",
    ]
