"""Loading a workspace: every row used or rejected with its reasons, every problem located."""

from __future__ import annotations

import contextlib
import io
import json
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ovm
from ovm import DataError, load_workspace

MINI_RUBRIC = Path(__file__).parent / "data" / "mini" / "rubric.yaml"

MISSIONS = """\
missions:
  - id: aaa-2020
    country: ARG
    name: A 2020
    election: {type: general, date: 2020-05-01}
  - id: bbb-2021
    country: BRA
    name: B 2021
    election: {type: presidential, date: 2021-03-01, round: 2}
  - id: ccc-2022
    country: CHL
    name: C 2022
    election: {type: general, date: 2022-01-09}
  - {id: ddd-2023, country: DOM, name: D 2023, election: {type: general, date: 2023-01-01}}
  - {id: eee-2023, country: ECU, name: E 2023, election: {type: general, date: 2023-01-01}}
  - {id: fff-2023, country: FRA, name: F 2023, election: {type: general, date: 2023-01-01}}
"""

# Row numbers as a spreadsheet shows them: the header is row 1.
STATISTICS = """\
mission,registered_abroad,votes_abroad,votes_abroad__source,colour
aaa-2020,1000,350,EMB results,red
zzz-2020,1000,350,,red
bbb-2021,abc,-5,,red
aaa-2020,1000,350,,red
ddd-2023,NaN,inf,,red
eee-2023,100,200,,red
fff-2023,100.5,50,,red
ccc-2022,"2,000",n/a,,red
,5,1,,
"""

# Only the mission cell rejects a row of statistics ...
STATISTICS_REJECTED = [
    (3, "zzz-2020", [(3, 1, "unknown-mission")]),
    (5, "aaa-2020", [(5, 1, "duplicate-row")]),
    (10, None, [(10, 1, "missing-mission")]),
]
# ... any other bad cell loses its own datum and the row is used.
STATISTICS_CELLS = [
    (4, 2, "invalid-number"),
    (4, 3, "negative-count"),
    (6, 2, "not-finite"),
    (6, 3, "not-finite"),
    (7, 3, "exceeds-limit"),
    (8, 2, "not-integer"),
    # votes cast abroad have no allow_na: unpublished is missing, never "does not apply"
    (9, 3, "not-applicable-not-allowed"),
]

CHECKLISTS = """\
mission,site,practice.on_time,practice.queue,practice.turned_away,extra
aaa-2020,s1,yes,15,0,x
aaa-2020,s2,maybe,-3,1,x
qqq,s3,yes,5,0,x
aaa-2020,s4,na,1.5,0,x
bbb-2021,s5,Sí,nan,2,x
bbb-2021,s6,NO,20,inf,x
bbb-2021,s7,n/a,,,x
"""

# Only the mission cell (and the simulated flag) rejects a visit ...
CHECKLISTS_REJECTED = [(4, "qqq", [(4, 1, "unknown-mission")])]
# ... an answer that cannot be read is that question's non-response: the visit keeps the rest.
CHECKLISTS_CELLS = [
    (3, 3, "invalid-answer"),
    (3, 4, "out-of-range"),
    (5, 4, "not-integer"),
    (6, 4, "not-finite"),
    (7, 5, "not-finite"),
]


def workspace(
    root: Path,
    *,
    missions: str = MISSIONS,
    statistics: str | None = STATISTICS,
    checklists: str | None = CHECKLISTS,
    extra_config: str = "",
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(MINI_RUBRIC, root / "rubric.yaml")
    (root / "missions.yaml").write_text(missions, encoding="utf-8")
    config = "rubric: rubric.yaml\n"
    if statistics is not None:
        (root / "statistics.csv").write_text(statistics, encoding="utf-8")
        config += "statistics: [statistics.csv]\n"
    if checklists is not None:
        (root / "checklists.csv").write_text(checklists, encoding="utf-8")
        config += "checklists: [checklists.csv]\n"
    (root / "ovm.yaml").write_text(config + extra_config, encoding="utf-8")
    return root


def rejected_of(ws: ovm.Workspace, suffix: str) -> list:
    return [
        (r.row, r.mission, [(i.line, i.column, i.code) for i in r.reasons])
        for r in ws.observations.report.rejected
        if r.file.endswith(suffix)
    ]


def test_every_bad_statistics_row_is_rejected_with_every_reason(tmp_path: Path) -> None:
    ws = load_workspace(workspace(tmp_path, checklists=None))
    assert rejected_of(ws, "statistics.csv") == STATISTICS_REJECTED
    for rej in ws.observations.report.rejected:
        assert all(i.file == rej.file and i.category == "data" for i in rej.reasons)
    rep = ws.observations.report
    assert [(i.line, i.column, i.code) for i in rep.rejected_cells] == STATISTICS_CELLS
    values = {m.id: sorted(m.values) for m in ws.observations.missions}
    assert values == {
        "aaa-2020": ["registered_abroad", "votes_abroad"],
        "bbb-2021": [],
        "ccc-2022": ["registered_abroad"],
        "ddd-2023": [],
        "eee-2023": ["registered_abroad"],
        "fff-2023": ["votes_abroad"],
    }


def test_a_checklist_row_is_rejected_for_its_mission_and_an_answer_loses_only_itself(
    tmp_path: Path,
) -> None:
    ws = load_workspace(workspace(tmp_path, statistics=None))
    assert rejected_of(ws, "checklists.csv") == CHECKLISTS_REJECTED
    rep = ws.observations.report
    assert [(i.line, i.column, i.code) for i in rep.rejected_cells] == CHECKLISTS_CELLS
    assert all(i.file.endswith("checklists.csv") for i in rep.rejected_cells)
    sites = ws.observations.sites.sort("site")
    # The refused answers are unanswered (null); every other answer of their visit is kept.
    assert sites.select(
        "site", "practice.on_time", "practice.queue", "practice.turned_away"
    ).rows() == [
        ("s1", 1, 15.0, 0.0),
        ("s2", None, None, 1.0),
        ("s4", -1, None, 0.0),
        ("s5", 1, None, 2.0),
        ("s6", 0, 20.0, None),
        ("s7", -1, None, None),
    ]


def test_rows_used_and_rejected_add_up_to_rows_read(tmp_path: Path) -> None:
    ws = load_workspace(workspace(tmp_path))
    files = {
        Path(f.file).name: (f.rows_read, f.rows_used, f.rows_rejected)
        for f in ws.observations.report.files
    }
    assert files == {"statistics.csv": (9, 6, 3), "checklists.csv": (7, 6, 1)}
    rep = ws.observations.report
    assert rep.rows_used + rep.rows_rejected == rep.rows_read == 16
    assert rep.cells_rejected == 7 + 5
    assert len(rep.rejected) == rep.rows_rejected
    # The rows kept are exactly those whose mission was read.
    assert sorted(ws.observations.sites["site"].to_list()) == ["s1", "s2", "s4", "s5", "s6", "s7"]


def test_work_given_for_meanwhile_is_done_once_and_the_workspace_loads_alike(
    tmp_path: Path,
) -> None:
    # What a command does while the checklist table is read (its imports) changes nothing
    # loaded, and is done once, with or without a checklist table.
    done: list[str] = []
    root = workspace(tmp_path / "a")
    ws = load_workspace(root, meanwhile=lambda: done.append("a"))
    alone = load_workspace(root)
    assert done == ["a"]
    assert ws.observations.sites.equals(alone.observations.sites)
    assert ws.observations.missions == alone.observations.missions
    assert ws.observations.report == alone.observations.report
    load_workspace(workspace(tmp_path / "c", checklists=None), meanwhile=lambda: done.append("c"))
    assert done == ["a", "c"]


def test_unknown_columns_are_warnings_listed_with_their_place(tmp_path: Path) -> None:
    ws = load_workspace(workspace(tmp_path))
    assert [(Path(i.file).name, i.line, i.column, i.code, i.severity) for i in ws.warnings] == [
        ("statistics.csv", 1, 5, "unknown-column", "warning"),
        ("checklists.csv", 1, 6, "unknown-column", "warning"),
    ]
    assert {Path(f.file).name: f.unmatched_columns for f in ws.observations.report.files} == {
        "statistics.csv": ("colour",),
        "checklists.csv": ("extra",),
    }


def test_values_kept_carry_their_provenance_and_status(tmp_path: Path) -> None:
    ws = load_workspace(workspace(tmp_path))
    a = ws.observations.mission("aaa-2020").values
    assert a["votes_abroad"].value == 350.0
    prov = a["votes_abroad"].provenance
    assert (prov.source, Path(prov.file).name, prov.line) == ("EMB results", "statistics.csv", 2)
    c = ws.observations.mission("ccc-2022").values
    assert c["registered_abroad"].value == 2000.0  # "2,000": a thousands separator
    assert "votes_abroad" not in c  # n/a refused: the rubric lets votes abroad be no n/a
    assert ws.observations.mission("bbb-2021").values == {}


def test_site_answers_are_coded_from_their_many_spellings(tmp_path: Path) -> None:
    checklists = (
        """\
        mission,site,practice.on_time
        aaa-2020,s1,yes
        aaa-2020,s2,Sí
        aaa-2020,s3,NO
        aaa-2020,s4,n/a
        aaa-2020,s5,
        aaa-2020,s6,1
        aaa-2020,s7, Yes\t
        aaa-2020,s8,  n/a
        aaa-2020,s9,\t\t
        aaa-2020,t1, maybe
        aaa-2020,t2,\\x1cyes
        """.replace("        ", "")
        .replace("\\t", "\t")
        .replace("\\x1c", "\x1c")
    )
    ws = load_workspace(workspace(tmp_path, statistics=None, checklists=checklists))
    sites = ws.observations.sites.sort("site")
    # 1 accepted, 0 not accepted, -1 not applicable, null not observed; blanks around a
    # word do not matter, a blank cell is not observed, nor is an answer refused.
    assert sites["practice.on_time"].to_list() == [1, 1, 0, -1, None, 1, 1, -1, None, None, None]
    assert ws.observations.report.rejected == ()
    assert [
        (i.line, i.column, i.code, i.message) for i in ws.observations.report.rejected_cells
    ] == [
        (
            11,
            3,
            "invalid-answer",
            "'maybe' is not an allowed answer for practice.on_time (yes, no)",
        ),
        # A control character is no blank: Polars keeps it in every other column too.
        (
            12,
            3,
            "invalid-answer",
            "'\\x1cyes' is not an allowed answer for practice.on_time (yes, no): did you mean yes?",
        ),
    ]


def test_ragged_rows_and_structural_problems_stop_the_load(tmp_path: Path) -> None:
    ragged = "mission,registered_abroad\naaa-2020,1000\nbbb-2021,1,2\n"
    with pytest.raises(DataError) as info:
        load_workspace(workspace(tmp_path / "a", statistics=ragged, checklists=None))
    assert [(Path(i.file).name, i.line, i.code) for i in info.value.issues] == [
        ("statistics.csv", 3, "ragged-row")
    ]
    headers = "mission,votes_abroad,votes_abroad\naaa-2020,1,2\n"
    with pytest.raises(DataError) as info:
        load_workspace(workspace(tmp_path / "b", statistics=headers, checklists=None))
    assert [(i.line, i.column, i.code) for i in info.value.issues] == [(1, 3, "duplicate-column")]
    no_mission = "site,practice.on_time\ns1,yes\n"
    with pytest.raises(DataError) as info:
        load_workspace(workspace(tmp_path / "c", statistics=None, checklists=no_mission))
    assert [(i.line, i.code) for i in info.value.issues] == [(1, "missing-column")]


def test_problems_of_every_table_are_reported_together(tmp_path: Path) -> None:
    """The first checklist is read while the missions and the statistics are: its problems
    are reported with theirs and with a second checklist's, as one error."""
    root = workspace(
        tmp_path,
        statistics="mission,registered_abroad\naaa-2020,1000\nbbb-2021,1,2\n",
        checklists="mission,site,practice.on_time\naaa-2020,s1,yes,extra\n",
    )
    (root / "more.csv").write_text("site,practice.on_time\ns2,no\n", encoding="utf-8")
    (root / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nstatistics: [statistics.csv]\n"
        "checklists: [checklists.csv, more.csv]\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        load_workspace(root)
    assert [(Path(i.file).name, i.line, i.code) for i in info.value.issues] == [
        ("checklists.csv", 2, "ragged-row"),
        ("more.csv", 1, "missing-column"),
        ("statistics.csv", 3, "ragged-row"),
    ]


def test_a_derived_variable_cannot_be_given_as_a_statistic(tmp_path: Path) -> None:
    stats = "mission,turned_away_mean\naaa-2020,3\n"
    with pytest.raises(DataError) as info:
        load_workspace(workspace(tmp_path, statistics=stats, checklists=None))
    assert [(i.line, i.column, i.code) for i in info.value.issues] == [(1, 2, "derived-variable")]


BAD_MISSIONS = """\
missions:
  - id: aaa-2020
    country: ARG
    name: A
    election: {type: general, date: 2020-12-01}
    answers:
      rights.basis: federal
      rights.nope: yes
      rights.turnout: 5
    values:
      votes_abroad: -3
      colour: 5
      turned_away_mean: 2
  - id: aaa-2020
    country: ARG
    name: A again
    election: {type: general, date: 2020-05-01}
  - id: bbb-2021
    country: BRA
    name: B
    previous: zzz
    election: {type: general, date: 2021-02-02}
    answers:
      rights.postal: not applicable
  - id: ccc-2021
    country: CHL
    name: C
    election: {type: general, date: 2021-01-01}
    values:
      votes_abroad: {value: 500, source: EMB}
      registered_abroad: {value: 100, confidence: low}
"""


def test_bad_mission_entries_are_all_located_at_line_and_column(tmp_path: Path) -> None:
    root = workspace(tmp_path, missions=BAD_MISSIONS, statistics=None, checklists=None)
    rubric = (root / "rubric.yaml").read_text(encoding="utf-8")
    (root / "rubric.yaml").write_text(
        rubric.replace("allow_na: true", "allow_na: false"), encoding="utf-8"
    )
    with pytest.raises(DataError) as info:
        load_workspace(root)
    got = [(Path(i.file).name, i.line, i.column, i.code) for i in info.value.issues]
    assert got == [
        ("missions.yaml", 7, 21, "invalid-answer"),
        ("missions.yaml", 8, 7, "unknown-indicator"),
        ("missions.yaml", 9, 7, "unknown-indicator"),
        ("missions.yaml", 11, 21, "negative-count"),
        ("missions.yaml", 12, 7, "unknown-variable"),
        ("missions.yaml", 13, 7, "derived-variable"),
        ("missions.yaml", 14, 9, "duplicate-mission"),
        ("missions.yaml", 21, 15, "unknown-mission"),
        ("missions.yaml", 24, 22, "not-applicable-not-allowed"),
        # Votes above registered voters: located at the votes value.
        ("missions.yaml", 30, None, "exceeds-limit"),
    ]
    assert all(i.category == "data" and i.severity == "error" for i in info.value.issues)


PREVIOUS_MISSIONS = """\
missions:
  - id: nor-2021
    country: NOR
    name: N 2021
    election: {type: general, date: 2021-09-13}
    previous: nor-2025
  - id: nor-2025
    country: NOR
    name: N 2025
    election: {type: general, date: 2025-09-08}
    previous: bra-2022
  - id: bra-2022
    country: BRA
    name: B 2022
    election: {type: general, date: 2022-10-02}
  - id: bra-2022.2
    country: BRA
    name: B 2022, second round
    election: {type: general, date: 2022-10-30, round: 2}
    previous: bra-2022
  - id: bra-2022.b
    country: BRA
    name: B 2022 again
    election: {type: general, date: 2022-10-02}
    previous: bra-2022
"""


def test_a_previous_mission_must_be_an_earlier_election_of_the_same_country(
    tmp_path: Path,
) -> None:
    """The change in participation and the follow-up are measured against the previous
    mission: another country's, a later or the same election is refused, each at its line."""
    root = workspace(tmp_path, missions=PREVIOUS_MISSIONS, statistics=None, checklists=None)
    with pytest.raises(DataError) as info:
        load_workspace(root)
    got = [(i.line, i.column, i.code, i.params) for i in info.value.issues]
    assert got == [
        (
            6,
            15,
            "invalid-previous",
            {
                "variant": "order",
                "previous": "nor-2025",
                "other_date": "2025-09-08",
                "mission": "nor-2021",
                "date": "2021-09-13",
            },
        ),
        (
            11,
            15,
            "invalid-previous",
            {"variant": "place", "previous": "bra-2022", "other": "BRA", "place": "NOR"},
        ),
        (
            25,
            15,
            "invalid-previous",
            {
                "variant": "order",
                "previous": "bra-2022",
                "other_date": "2022-10-02",
                "mission": "bra-2022.b",
                "date": "2022-10-02",
            },
        ),
    ]
    assert [i.render("es") for i in info.value.issues][1].endswith(
        "la misión anterior “bra-2022” observa BRA, no NOR [invalid-previous]"
    )


def test_schema_problems_in_missions_are_located(tmp_path: Path) -> None:
    missions = MISSIONS.replace("country: ARG", "country: Aaa").replace(
        "election: {type: presidential, date: 2021-03-01, round: 2}",
        "election: {type: presidential, round: 0}\n    colour: red",
    )
    with pytest.raises(DataError) as info:
        load_workspace(workspace(tmp_path, missions=missions, statistics=None, checklists=None))
    assert [(i.line, i.column, i.code, i.as_dict()["path"]) for i in info.value.issues] == [
        (3, 14, "invalid-country", "missions[0].country"),
        (9, 15, "missing-field", "missions[1].election.date"),
        (9, 43, "invalid-value", "missions[1].election.round"),
        (10, 5, "unknown-field", "missions[1].colour"),
    ]


def write_xlsx(path: Path, csv_text: str) -> None:
    import csv
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for rec in csv.reader(io.StringIO(csv_text)):
        row: list[object] = []
        for cell in rec:
            if cell == "":
                row.append(None)
                continue
            try:
                number = float(cell)
            except ValueError:
                row.append(cell)
            else:
                # Numbers as numbers; spellings a number cell cannot hold stay text.
                row.append(
                    int(number)
                    if number.is_integer()
                    else number
                    if cell.lower() not in ("nan", "inf")
                    else cell
                )
        ws.append(row)
    wb.save(path)


def test_xlsx_statistics_load_the_same_as_csv(tmp_path: Path) -> None:
    from_csv = load_workspace(workspace(tmp_path / "csv", checklists=None))
    root = workspace(
        tmp_path / "xlsx",
        statistics=None,
        checklists=None,
        extra_config="statistics: [statistics.xlsx]\n",
    )
    write_xlsx(root / "statistics.xlsx", STATISTICS)
    from_xlsx = load_workspace(root)

    def values(ws: ovm.Workspace) -> dict:
        return {
            m.id: {
                k: (d.status, d.value, d.provenance.source, d.provenance.line)
                for k, d in m.values.items()
            }
            for m in ws.observations.missions
        }

    assert values(from_xlsx) == values(from_csv)
    assert rejected_of(from_xlsx, "statistics.xlsx[Sheet]") == STATISTICS_REJECTED
    (rep,) = from_xlsx.observations.report.files
    assert (rep.rows_read, rep.rows_used, rep.rows_rejected) == (9, 6, 3)
    assert [(i.line, i.column, i.code) for i in from_xlsx.warnings] == [(1, 5, "unknown-column")]
    assert [(i.file, i.line, i.column) for i in rep.rejected_cells] == [
        (f"{root / 'statistics.xlsx'}[Sheet]", line, col) for line, col, _ in STATISTICS_CELLS
    ]


@pytest.mark.parametrize(
    ("written", "level"),
    [("high", "high"), ("alta", "high"), ("Moyenne", "medium"), ("BAIXA", "low")],
)
def test_file_defaults_fill_the_provenance_of_every_value(
    tmp_path: Path, written: str, level: str
) -> None:
    # The file's default confidence reads as its confidence column does, in the team's language.
    stats = "mission,registered_abroad,votes_abroad,votes_abroad__confidence\naaa-2020,10,5,low\n"
    root = workspace(
        tmp_path,
        statistics=None,
        checklists=None,
        extra_config=(
            f"statistics:\n  - {{path: statistics.csv, source: EMB, confidence: {written}}}\n"
        ),
    )
    (root / "statistics.csv").write_text(stats, encoding="utf-8")
    values = load_workspace(root).observations.mission("aaa-2020").values
    assert [(k, d.provenance.source, d.provenance.confidence) for k, d in values.items()] == [
        ("registered_abroad", "EMB", level),
        ("votes_abroad", "EMB", "low"),
    ]


def test_the_mini_workspace_loads_cleanly(mini: Path) -> None:
    ws = load_workspace(mini)
    assert [m.id for m in ws.observations.missions] == ["aaa-2020", "bbb-2021"]
    assert ws.observations.report.rejected == ()
    assert ws.observations.simulated_sources == (str(mini / "checklists.csv"),)


def test_a_mission_that_fails_its_schema_still_has_its_data_checked(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(Path(__file__).parent / "data" / "mini", ws)
    (ws / "missions.yaml").write_text(
        "missions:\n"
        "  - id: aaa-2020\n"
        "    country: aaa\n"
        "    name: A\n"
        "    election: {type: general, date: 2020-05-01}\n"
        "    answers:\n"
        "      rights.basis: {value: treaty}\n"
        "    values:\n"
        "      votes_abroad: -3\n"
        "  - id: aaa-2020\n"
        "    country: ARG\n"
        "    name: A again\n"
        "    election: {type: general, date: 2020-05-01}\n",
        encoding="utf-8",
    )
    with pytest.raises(ovm.DataError) as err:
        ovm.load_workspace(ws)
    assert [(Path(i.file).name, i.line, i.column, i.code) for i in err.value.issues] == [
        # The tables' rows of a mission no longer listed are said in the same run.
        ("checklists.csv", 6, 1, "unknown-mission"),
        ("checklists.csv", 7, 1, "unknown-mission"),
        ("missions.yaml", 3, 14, "invalid-country"),
        ("missions.yaml", 7, 29, "invalid-answer"),  # at the value, not at its mapping
        ("missions.yaml", 9, 21, "negative-count"),
        ("missions.yaml", 10, 9, "duplicate-mission"),
        ("statistics.csv", 3, 1, "unknown-mission"),
    ]
    assert err.value.issues[2].message == (
        "'aaa' is not an ISO 3166 alpha-3 country code: "
        "did you mean AIA (Anguilla) or ALA (Åland Islands) or ATA (Antarctica)?"
    )


def test_answer_cells_are_stripped_of_what_polars_strips_from_every_other_cell() -> None:
    import polars as pl

    from ovm.data.tables import BLANKS

    chars = [chr(c) for c in range(0x3001)]
    by_polars = pl.Series([f"a{c}" for c in chars]).str.strip_chars().to_list()
    assert [c for c, s in zip(chars, by_polars, strict=True) if s == "a"] == [
        c for c in chars if f"a{c}".strip(BLANKS) == "a"
    ]


def test_checklist_headers_are_trimmed_and_a_miscased_one_refuses_the_file(
    tmp_path: Path,
) -> None:
    checklists = "mission , site,Practice.On_time, practice.queue \naaa-2020,s1,yes,15\n"
    root = workspace(tmp_path, statistics=None, checklists=checklists)
    # The miscased header surely holds its question: read on without it, every visit would
    # lose that answer and the scores change, so the file is refused, naming the header meant.
    with pytest.raises(DataError) as err:
        load_workspace(root)
    assert [(i.line, i.column, i.code, i.severity, i.message) for i in err.value.issues] == [
        (
            1,
            3,
            "unknown-column",
            "error",
            "column 'Practice.On_time' matches no checklist question: names are case-sensitive; "
            "write 'practice.on_time'",
        )
    ]
    # Written as the rubric writes it, the padded headers name their questions.
    (root / "checklists.csv").write_text(checklists.replace("Practice.On_time", "practice.on_time"))
    sites = load_workspace(root).observations.sites
    assert sites.select("practice.on_time", "practice.queue").rows() == [(True, 15.0)]


@pytest.mark.parametrize(
    ("header", "kind", "meant", "what"),
    [
        ("Votes_Abroad", "statistics", "votes_abroad", "variable of the rubric"),
        ("REGISTERED_ABROAD", "statistics", "registered_abroad", "variable of the rubric"),
    ],
)
def test_a_miscased_statistics_header_refuses_the_file(
    tmp_path: Path, header: str, kind: str, meant: str, what: str
) -> None:
    stats = f"mission,{header}\naaa-2020,10\n"
    root = workspace(tmp_path, statistics=None, checklists=None)
    (root / "statistics.csv").write_text(stats, encoding="utf-8")
    (root / "ovm.yaml").write_text(
        (root / "ovm.yaml").read_text(encoding="utf-8") + "statistics: [statistics.csv]\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        load_workspace(root)
    assert [(i.line, i.column, i.code, i.params) for i in err.value.issues] == [
        (1, 2, "unknown-column", {"name": header, "variant": f"{kind}_case", "near": meant})
    ]
    assert err.value.issues[0].message == (
        f"column {header!r} matches no {what}: names are case-sensitive; write {meant!r}"
    )


def test_a_simulated_flag_that_is_neither_yes_nor_no_rejects_its_row(tmp_path: Path) -> None:
    checklists = (
        "mission,site,simulated,practice.on_time\n"
        "aaa-2020,s1, Yes ,yes\n"
        "aaa-2020,s2,no,yes\n"
        "aaa-2020,s3,simulado,yes\n"
        "aaa-2020,s4,,no\n"
    )
    ws = load_workspace(workspace(tmp_path, statistics=None, checklists=checklists))
    sites = ws.observations.sites.sort("site")
    # Read as "no", "simulado" would have made a simulated visit count as an observed one.
    assert sites.select("site", "simulated").rows() == [("s1", True), ("s2", False), ("s4", False)]
    assert [
        (r.row, [(i.column, i.code, i.message) for i in r.reasons])
        for r in ws.observations.report.rejected
    ] == [(4, [(3, "invalid-flag", "'simulado' is not yes or no (simulated)")])]


def test_a_row_pasted_twice_is_a_warning_and_still_counts(tmp_path: Path) -> None:
    checklists = (
        "mission,site,observer,practice.on_time\n"
        "aaa-2020,s1,o1,yes\n"
        "aaa-2020,s2,o1,no\n"
        "aaa-2020,s1,o1,yes\n"
        "aaa-2020,,,no\n"
        "aaa-2020,,,no\n"
    )
    ws = load_workspace(workspace(tmp_path, statistics=None, checklists=checklists))
    # Nothing is dropped on a guess; the repeat is named with the row it repeats. Rows with
    # no site, observer or time say too little to be called repeats.
    assert ws.observations.sites.height == 5
    # (the two questions this table has no column of are said too: test_question_not_answered)
    said = [i for i in ws.warnings if i.code != "question-not-answered"]
    assert [(i.line, i.code, i.severity, i.message) for i in said] == [
        (
            4,
            "duplicate-row",
            "warning",
            "repeats row 2 cell for cell (site, observer and time included); both count as visits",
        ),
        (
            5,
            "blank-site",
            "warning",
            "2 visits of mission 'aaa-2020' have no site (rows 5, 6): each is counted as a "
            "polling place of its own, so min_answers and the intervals count visits, not places",
        ),
        # A workspace of checklists alone gives no variable (test_variables_given).
        (
            12,
            "variable-not-given",
            "warning",
            "no variable is given for any mission: no table has a column of any of the 2 "
            "variables formulas read and no mission gives one under values:, so the indicators "
            "that read them are missing for every mission (indicators: 1)",
        ),
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["aaa-2020", "bbb-2021", "qqq"]),
            st.sampled_from(["s1", "s2", ""]),
            st.sampled_from(["o1", ""]),
            st.sampled_from(["yes", "Yes", "no", ""]),
            st.sampled_from(["x", ""]),
        ),
        max_size=12,
    )
)
def test_repeated_checklist_rows_are_the_used_rows_equal_cell_for_cell(
    rows: list[tuple[str, str, str, str, str]],
) -> None:
    import tempfile

    body = "".join(",".join(r) + "\n" for r in rows)
    with tempfile.TemporaryDirectory() as tmp:
        root = workspace(
            Path(tmp),
            statistics=None,
            checklists="mission,site,observer,practice.on_time,extra\n" + body,
        )
        ws = load_workspace(root)
    # A reference row by row: a used row (known mission) with a site or an observer repeats
    # the first earlier used row holding the same text in every cell ("Yes" is not "yes").
    first: dict[tuple[str, ...], int] = {}
    want = []
    for row, cells in enumerate(rows, start=2):
        if cells[0] == "qqq":
            continue
        if not (cells[1] or cells[2]):
            continue
        if cells in first:
            want.append((row, f"repeats row {first[cells]} cell for cell"))
        else:
            first[cells] = row
    got = [(i.line, i.message.split(" (")[0]) for i in ws.warnings if i.code == "duplicate-row"]
    assert got == want


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["aaa-2020", "qqq", ""]),
            st.sampled_from(["s1", ""]),
            st.sampled_from(["yes", "maybe", ""]),
        ),
        max_size=12,
    )
)
def test_every_refused_checklist_row_is_listed_in_row_order_with_every_reason(
    rows: list[tuple[str, str, str]],
) -> None:
    import tempfile

    body = "".join(",".join(r) + "\n" for r in rows)
    with tempfile.TemporaryDirectory() as tmp:
        root = workspace(
            Path(tmp), statistics=None, checklists="mission,site,practice.on_time\n" + body
        )
        ws = load_workspace(root)
    want, refused = [], []
    for row, (mission, site, answer) in enumerate(rows, start=2):
        reasons = []
        if not (mission or site or answer):
            continue  # a blank row is no data: neither used nor rejected
        if not (site or answer):
            # A row naming no place and no answer records no visit.
            reasons.append((1, "empty-visit", "no site, observer, time or answer"))
        if not mission:
            reasons.append((1, "missing-mission", "no mission id"))
        elif mission == "qqq":
            reasons.append((1, "unknown-mission", "no mission 'qqq'"))
        cell = [(3, "invalid-answer", "'maybe'")] if answer == "maybe" else []
        if reasons:
            # A visit of no known mission is rejected with every reason, its answer's too.
            want.append((row, mission or None, reasons + cell))
        elif cell:
            # A visit of a known mission only loses the answer it cannot read.
            refused.append((row, *cell[0]))
    rejected = ws.observations.report.rejected
    assert [(r.row, r.mission, [(i.column, i.code) for i in r.reasons]) for r in rejected] == [
        (row, mission, [(c, code) for c, code, _ in reasons]) for row, mission, reasons in want
    ]
    for r, (_, _, reasons) in zip(rejected, want, strict=True):
        for issue, (_, _, start) in zip(r.reasons, reasons, strict=True):
            assert issue.message.startswith(start)
    cells = ws.observations.report.rejected_cells
    assert [(i.line, i.column, i.code) for i in cells] == [
        (r, c, code) for r, c, code, _ in refused
    ]
    for issue, (*_, start) in zip(cells, refused, strict=True):
        assert issue.message.startswith(start)


def test_rows_of_another_cohort_are_made_only_when_looked_at(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ovm.data.reader as reader

    made: list[int] = []
    original = reader.RejectedRow

    def counted(*args: Any) -> reader.RejectedRow:
        made.append(args[1])
        return original(*args)

    monkeypatch.setattr(reader, "RejectedRow", counted)
    body = "".join(f"zzz-{i % 7},s{i},yes\n" for i in range(3000))
    checklists = "mission,site,practice.on_time\nqqq,s0,maybe\n" + body
    ws = load_workspace(workspace(tmp_path, statistics=None, checklists=checklists))
    rejected = ws.observations.report.rejected
    assert len(rejected) == 3001
    # The row with an answer refused beside its mission is made while loading, with both
    # reasons; the others when looked at.
    assert made == [2]
    assert [i.code for i in rejected[0].reasons] == ["unknown-mission", "invalid-answer"]
    second = rejected[1]
    assert (second.row, second.mission, [i.code for i in second.reasons]) == (
        3,
        "zzz-0",
        ["unknown-mission"],
    )
    assert made == [2, 3]
    assert [r.row for r in rejected] == list(range(2, 3003))
    # Looking at every row makes the 3,000 rows of the other cohort (the first is kept).
    assert len(made) == 2 + 3000


def test_a_checklist_reads_the_same_beside_many_other_categories(tmp_path: Path) -> None:
    import polars as pl

    checklists = (
        "mission,site,practice.on_time\naaa-2020,s1, Yes\naaa-2020,s2,No \nbbb-2021,s3,maybe\n"
    )
    alone = load_workspace(workspace(tmp_path / "a", statistics=None, checklists=checklists))
    # Categories other tables of the process hold: the answers' own come after all of them.
    held = pl.Series([f"other {i}" for i in range(20_000)], dtype=pl.Categorical)
    beside = load_workspace(workspace(tmp_path / "b", statistics=None, checklists=checklists))
    assert held.len() == 20_000
    assert beside.observations.sites.drop("_file").equals(alone.observations.sites.drop("_file"))
    assert [(i.line, i.code) for i in beside.observations.report.rejected_cells] == [
        (4, "invalid-answer")
    ]
    assert beside.observations.sites["practice.on_time"].to_list() == [1, 0, None]


def test_an_answer_over_the_cell_limit_is_left_out_and_its_visit_kept(tmp_path: Path) -> None:
    from ovm.data.tables import MAX_CELL_CHARS

    checklists = (
        f"mission,site,practice.on_time\naaa-2020,s1,{'y' * (MAX_CELL_CHARS + 1)}\naaa-2020,s2,no\n"
    )
    ws = load_workspace(workspace(tmp_path, statistics=None, checklists=checklists))
    assert ws.observations.sites.select("site", "practice.on_time").rows() == [
        ("s1", None),
        ("s2", 0),
    ]
    said = [i for i in ws.warnings if i.code != "question-not-answered"]
    # (and no variable is given, in a workspace of checklists alone: test_variables_given)
    assert [(i.line, i.column, i.code) for i in said] == [
        (2, 3, "cell-too-large"),
        (12, 1, "variable-not-given"),
    ]


def test_a_blank_line_in_a_checklist_is_skipped_and_the_next_row_keeps_its_number(
    tmp_path: Path,
) -> None:
    checklists = "mission,site,practice.on_time\naaa-2020,s1,yes\n\n,s2,no\n"
    ws = load_workspace(workspace(tmp_path, statistics=None, checklists=checklists))
    assert [
        (r.row, [(i.column, i.code, i.message) for i in r.reasons])
        for r in ws.observations.report.rejected
    ] == [(4, [(1, "missing-mission", "no mission id")])]
    (rep,) = [f for f in ws.observations.report.files if f.kind == "checklist"]
    assert (rep.rows_read, rep.rows_used, rep.rows_rejected) == (2, 1, 1)


def test_a_miscased_mission_id_is_rejected_naming_the_id_it_resembles(tmp_path: Path) -> None:
    checklists = "mission,site,practice.on_time\nAAA-2020,s1,yes\nzzz-2020,s2,no\n"
    statistics = "mission,registered_abroad\nAaa-2020,1000\n"
    ws = load_workspace(workspace(tmp_path, statistics=statistics, checklists=checklists))
    assert [
        (Path(r.file).name, r.row, [i.message for i in r.reasons])
        for r in ws.observations.report.rejected
    ] == [
        (
            "statistics.csv",
            2,
            [
                "no mission 'Aaa-2020' in the missions file (ids are "
                "case-sensitive: did you mean 'aaa-2020'?)"
            ],
        ),
        (
            "checklists.csv",
            2,
            [
                "no mission 'AAA-2020' in the missions file (ids are "
                "case-sensitive: did you mean 'aaa-2020'?)"
            ],
        ),
        ("checklists.csv", 3, ["no mission 'zzz-2020' in the missions file"]),
    ]


def config_issues(tmp_path: Path, config: str, **files: str) -> list[tuple[str, int | None, str]]:
    root = workspace(tmp_path, checklists=None)
    for name, text in files.items():
        (root / name.replace("_", ".")).write_text(text, encoding="utf-8")
    (root / "ovm.yaml").write_text(config, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_workspace(root)
    # The tables that can be read are still checked: their problems come after ovm.yaml's.
    return [
        (Path(i.file).name, i.line, i.code)
        for i in info.value.issues
        if i.file == str(root / "ovm.yaml")
    ]


def test_a_file_named_twice_is_refused_at_the_second_entry(tmp_path: Path) -> None:
    config = "rubric: rubric.yaml\nstatistics:\n  - statistics.csv\n  - ./statistics.csv\n"
    assert config_issues(tmp_path, config) == [("ovm.yaml", 4, "duplicate-source")]


def test_two_files_of_the_same_content_are_refused(tmp_path: Path) -> None:
    config = "rubric: rubric.yaml\nstatistics: [statistics.csv, copy.csv]\n"
    got = config_issues(tmp_path, config, copy_csv=STATISTICS)
    assert got == [("ovm.yaml", 2, "duplicate-source")]


def test_files_of_one_size_but_other_content_are_both_read(tmp_path: Path) -> None:
    # Same size, one digit changed: only the content makes two files the same.
    other = STATISTICS.replace("eee-2023,100,200", "eee-2023,100,201")
    assert len(other) == len(STATISTICS) and other != STATISTICS
    config = "rubric: rubric.yaml\nstatistics: [statistics.csv, copy.csv]\n"
    # Both are read: the values they share are refused as given twice, in the tables.
    assert config_issues(tmp_path, config, copy_csv=other) == []


def test_a_missing_data_file_is_located_at_the_line_naming_it(tmp_path: Path) -> None:
    config = "rubric: rubric.yaml\nmissions: nope.yaml\nstatistics:\n  - {path: gone.csv}\n"
    assert config_issues(tmp_path, config) == [
        ("ovm.yaml", 2, "file-not-found"),
        ("ovm.yaml", 4, "file-not-found"),
    ]


def test_seed_yes_is_refused_not_read_as_one(tmp_path: Path) -> None:
    config = "rubric: rubric.yaml\nsettings:\n  seed: yes\n"
    assert config_issues(tmp_path, config) == [("ovm.yaml", 3, "invalid-value")]


def test_a_misspelled_field_gets_did_you_mean_at_its_line(tmp_path: Path) -> None:
    root = workspace(tmp_path, checklists=None)
    (root / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nstatistic: [statistics.csv]\n", encoding="utf-8"
    )
    with pytest.raises(DataError) as info:
        load_workspace(root)
    (issue,) = info.value.issues
    assert (issue.line, issue.column, issue.code) == (2, 1, "unknown-field")
    assert issue.message == "unknown field `statistic`, did you mean `statistics`?"


def test_a_bad_simulated_word_gives_one_issue_at_its_value(tmp_path: Path) -> None:
    config = "rubric: rubric.yaml\nchecklists:\n  - path: checklists.csv\n    simulated: maybe\n"
    got = config_issues(tmp_path, config, checklists_csv=CHECKLISTS)
    assert got == [("ovm.yaml", 4, "invalid-value")]


def test_a_count_given_as_yes_is_refused_not_read_as_one(tmp_path: Path) -> None:
    missions = MISSIONS.replace(
        "    election: {type: general, date: 2020-05-01}\n",
        "    election: {type: general, date: 2020-05-01}\n"
        "    values:\n      registered_abroad: yes\n",
        1,
    )
    assert missions != MISSIONS
    with pytest.raises(DataError) as info:
        load_workspace(workspace(tmp_path, missions=missions, statistics=None, checklists=None))
    assert [i.code for i in info.value.issues] == ["invalid-number"]


def test_a_control_character_in_a_mission_name_is_refused(tmp_path: Path) -> None:
    missions = MISSIONS.replace("name: A 2020", 'name: "A\\a 2020"')
    assert missions != MISSIONS
    root = workspace(tmp_path, missions=missions, statistics=None, checklists=None)
    with pytest.raises(DataError) as info:
        load_workspace(root)
    assert [i.code for i in info.value.issues] == ["control-character"]


def test_a_workspace_with_rejected_rows_pickles_and_its_report_hashes(tmp_path: Path) -> None:
    ws = load_workspace(workspace(tmp_path))
    rep = ws.observations.report
    assert rejected_of(ws, "statistics.csv") == STATISTICS_REJECTED
    assert rejected_of(ws, "checklists.csv") == CHECKLISTS_REJECTED
    back = pickle.loads(pickle.dumps(ws))
    assert back.observations.report == rep
    assert list(back.observations.report.rejected) == list(rep.rejected)
    assert rejected_of(back, "checklists.csv") == CHECKLISTS_REJECTED
    assert back.observations.report.rejected_cells == rep.rejected_cells
    assert hash(rep.rejected) == hash(tuple(rep.rejected))
    assert hash(back.observations.report) == hash(rep)


def test_a_refused_cell_is_quoted_up_to_sixty_characters_in_every_language(
    tmp_path: Path,
) -> None:
    from ovm.cli.app import main

    long, edge = "y" * 200_000, "n" * 60
    checklists = f"mission,site,practice.on_time\naaa-2020,s1,{long}\naaa-2020,s2,{edge}\n"
    root = workspace(tmp_path, statistics=None, checklists=checklists)
    report = load_workspace(root).observations.report
    said = [
        (i.line, i.message, i.params.get("text"))
        for i in report.rejected_cells
        if i.code == "invalid-answer"
    ]
    short = "y" * 60 + "\u2026"
    allowed = "is not an allowed answer for practice.on_time (yes, no)"
    assert said == [(2, f"'{short}' {allowed}", short), (3, f"'{edge}' {allowed}", edge)]
    for lang in ("en", "es", "fr", "pt"):
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            main(["check", str(root), "--lang", lang])
        lines = err.getvalue().splitlines()
        assert max(len(x) for x in lines) < 400, lang
        assert sum(short in x for x in lines) == 1, lang


def test_checklist_tables_asking_different_questions_stack_as_one(tmp_path: Path) -> None:
    # Two teams' tables (or a plain table beside a form's export) rarely ask the same
    # questions: a question a table lacks is unanswered at its visits, as a blank cell is.
    head = "mission,site,site_country,site_city,observer,visited_at,notes,"
    rows = [
        ("aaa-2020,s1,USA,Miami,o1,2020-05-01T08:00,", "yes", "15", "0"),
        ("aaa-2020,s2,USA,Houston,o2,2020-05-01T08:10,late", "no", "40", "2"),
        ("aaa-2020,s3,ESP,Madrid,o3,2020-05-01T08:20,", "yes", "5", "0"),
        ("bbb-2021,s1,ARG,Buenos Aires,o1,2021-03-01T08:00,", "yes", "30", "3"),
        ("bbb-2021,s2,ARG,Rosario,o2,2021-03-01T08:00,", "no", "60", "4"),
    ]
    split = workspace(tmp_path / "split", checklists=None)
    (split / "first.csv").write_text(
        head
        + "practice.on_time,practice.turned_away\n"
        + "".join(f"{v},{on},{away}\n" for v, on, _q, away in rows[:3]),
        encoding="utf-8",
    )
    (split / "second.csv").write_text(
        head
        + "practice.turned_away,practice.queue\n"
        + "".join(f"{v},{away},{q}\n" for v, _on, q, away in rows[3:]),
        encoding="utf-8",
    )
    with (split / "ovm.yaml").open("a", encoding="utf-8") as f:
        f.write("checklists: [first.csv, second.csv]\n")
    whole = workspace(
        tmp_path / "whole",
        checklists=head
        + "practice.on_time,practice.queue,practice.turned_away\n"
        + "".join(f"{v},{on},,{away}\n" for v, on, _q, away in rows[:3])
        + "".join(f"{v},,{q},{away}\n" for v, _on, q, away in rows[3:]),
    )
    two, one = ovm.load_workspace(split), ovm.load_workspace(whole)
    same = ["_file", "_row"]
    assert two.observations.sites.drop(same).equals(one.observations.sites.drop(same))
    got = ovm.score(two.rubric, two.observations, seed=3, bootstrap=50)
    want = ovm.score(one.rubric, one.observations, seed=3, bootstrap=50)
    # The same scorecards, each input's provenance naming its own workspace's file.
    cards = [c.model_dump(mode="json") for c in got.scorecards]
    assert json.loads(json.dumps(cards).replace(str(split), str(whole))) == [
        c.model_dump(mode="json") for c in want.scorecards
    ]


def test_a_missions_datum_is_placed_as_a_copy_that_names_its_file_and_line() -> None:
    # Placing a datum sets its file and line as set fields (they are written by
    # model_dump(exclude_unset=True)), beside what the entry itself set, and the placed copy
    # is a whole model: equal to itself read back through validation.
    examples = Path(__file__).resolve().parent.parent / "examples"
    ws = load_workspace(examples)
    mex = next(m for m in ws.observations.missions if m.id == "mex-2012")
    datum = mex.answers["rights.elections_covered"]
    assert datum.provenance.model_dump(exclude_unset=True, mode="json") == {
        "source": "COFIPE (2005 reform, Libro Sexto); ocv-figures.csv",
        "date": "2012-07-01",
        "confidence": "high",
        "recorded_by": "ovm example workspace",
        "note": "Citizens abroad voted for President only in 2006 and 2012.",
        "file": str(examples / "missions.yaml"),
        "line": 26,
    }
    assert {"value", "provenance"} <= datum.model_fields_set
    assert {"answers", "values"} <= mex.model_fields_set
    assert type(mex).model_validate(mex.model_dump()) == mex


def test_analyse_says_when_rejected_rows_are_left_out(tmp_path: Path) -> None:
    """The command line stops on a rejected row; a program analysing the same workspace is
    warned, with the count, and can make the warning an error."""
    stats = "mission,registered_abroad,votes_abroad\naaa-2020,1000,350\nzzz-2020,5,1\n"
    root = workspace(tmp_path, statistics=stats, checklists=None)
    with pytest.warns(ovm.RejectedDataWarning) as caught:
        run = ovm.analyse(root, ovm.Settings(bootstrap=0))
    assert [(w.message.rows, w.message.cells, str(w.message)) for w in caught] == [  # type: ignore[union-attr]
        (
            1,
            0,
            "1 row rejected, left out of the analysis: Workspace.observations.report lists "
            "each with its reasons (ovm check prints them)",
        )
    ]
    assert run.scorecard("aaa-2020").node("rights.turnout").score == 50.0
    clean = workspace(
        tmp_path / "clean", statistics=stats.replace("zzz-2020,5,1\n", ""), checklists=None
    )
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", ovm.RejectedDataWarning)
        ovm.analyse(clean, ovm.Settings(bootstrap=0))


def test_a_count_written_with_dots_grouping_thousands_is_refused_with_what_was_meant(
    tmp_path: Path,
) -> None:
    """12.000 is twelve thousand in Spanish and Portuguese: a count refuses the cell rather
    than read twelve, and says the number meant; a count that is not whole says its every
    digit; commas grouping thousands read as they always have; a negative count is refused as
    negative, the fix it needs, whatever its digits."""
    stats = (
        "mission,registered_abroad,votes_abroad\n"
        "aaa-2020,12.000,350\n"
        "bbb-2021,997033.4,\n"
        'ccc-2022,"1,200",30\n'
        "ddd-2023,-1.000,\n"
    )
    root = workspace(tmp_path, statistics=stats, checklists=None)
    ws = load_workspace(root)
    cells = ws.observations.report.rejected_cells
    name = str(root / "statistics.csv")
    assert [(i.line, i.column, i.code, i.render("en")) for i in cells] == [
        (
            2,
            2,
            "not-integer",
            f"{name}:2:2 registered_abroad takes whole numbers, and '12.000' reads as 12 with a "
            "decimal point: did you mean 12000? Write the digits together, or grouped by commas "
            "(12,000) [not-integer]",
        ),
        (
            3,
            2,
            "not-integer",
            f"{name}:3:2 registered_abroad takes whole numbers, not 997033.4 [not-integer]",
        ),
        (
            5,
            2,
            "negative-count",
            f"{name}:5:2 registered_abroad is a count and cannot be -1.000 [negative-count]",
        ),
    ]
    said = cells[0].render("es")
    assert said.endswith(
        "registered_abroad admite números enteros, y “12.000” se lee como 12 con punto "
        "decimal: ¿quiso decir 12000? Escriba las cifras juntas (12000) [not-integer]"
    )
    by_id = {m.id: m for m in ws.observations.missions}
    assert "registered_abroad" not in by_id["aaa-2020"].values
    assert by_id["ccc-2022"].values["registered_abroad"].value == 1200


def test_a_day_month_year_date_is_refused_with_its_iso_form(tmp_path: Path) -> None:
    """A provenance date as the missions' countries write it (13/09/2021) is refused with the
    ISO date it would be; a text that is no date at all says only the form to write."""
    stats = (
        "mission,registered_abroad,votes_abroad,votes_abroad__date\n"
        "aaa-2020,1000,350,13/09/2021\n"
        "bbb-2021,2000,20,31/02/2021\n"
    )
    root = workspace(tmp_path, statistics=stats, checklists=None)
    cells = load_workspace(root).observations.report.rejected_cells
    assert [(i.line, i.column, i.params, i.render("es").split(" ", 1)[1]) for i in cells] == [
        (
            2,
            4,
            {"variant": "date_dmy", "field": "date", "text": "13/09/2021", "meant": "2021-09-13"},
            "date: “13/09/2021” no es una fecha; escríbala como AAAA-MM-DD, 2021-09-13 si es "
            "día/mes/año [invalid-provenance]",
        ),
        (
            3,
            4,
            {"variant": "date", "field": "date", "text": "31/02/2021"},
            "date: “31/02/2021” no es una fecha; escríbala como AAAA-MM-DD [invalid-provenance]",
        ),
    ]


def test_a_day_month_year_date_in_missions_yaml_is_refused_with_its_iso_form(
    tmp_path: Path,
) -> None:
    """An election's or a value's date written day/month/year in missions.yaml is refused at
    the date with the ISO date it would be, in every language; a date that does not exist says
    only the form to write."""
    missions = MISSIONS.replace("date: 2020-05-01}", "date: '13/09/2020'}", 1).replace(
        "    election: {type: general, date: 2022-01-09}\n",
        "    election: {type: general, date: 2022-01-09}\n"
        "    values:\n      registered_abroad: {value: 1200, date: '31/02/2021'}\n",
        1,
    )
    root = workspace(tmp_path, missions=missions, statistics=None, checklists=None)
    with pytest.raises(DataError) as info:
        load_workspace(root)
    got = [
        (i.line, i.column, i.code, i.params, i.render("en").split(" ", 1)[1])
        for i in info.value.issues
    ]
    assert got == [
        (
            5,
            37,
            "invalid-value",
            {"variant": "date_dmy", "text": "13/09/2020", "meant": "2020-09-13"},
            "missions[0].election.date: '13/09/2020' is not a date: write "
            "it as YYYY-MM-DD, 2020-09-13 if it is day/month/year [invalid-value]",
        ),
        (
            15,
            46,
            "invalid-value",
            {"variant": "date"},
            "missions[2].values.registered_abroad.date: must be a date "
            "(2021-03-14) [invalid-value]",
        ),
    ]
    assert info.value.issues[0].render("es").split(" ", 2)[2] == (
        "“13/09/2020” no es una fecha; escríbala como AAAA-MM-DD, 2020-09-13 si es "
        "día/mes/año [invalid-value]"
    )


def test_a_refused_number_in_missions_yaml_takes_no_part_in_the_cross_checks(
    tmp_path: Path,
) -> None:
    """A count refused where it is written is reported there alone: votes are not also said to
    exceed the number it was misread as; a number that is only too small still is."""
    values = "    values:\n      registered_abroad: {reg}\n      votes_abroad: 1500\n"
    election = "    election: {type: general, date: 2020-05-01}\n"

    def problems(reg: str, folder: str) -> list[tuple[int | None, str]]:
        missions = MISSIONS.replace(election, election + values.format(reg=reg), 1)
        root = workspace(tmp_path / folder, missions=missions, statistics=None, checklists=None)
        with pytest.raises(DataError) as info:
            load_workspace(root)
        return [(i.line, i.code) for i in info.value.issues]

    assert problems("12.000", "dotted") == [(7, "not-integer")]
    assert problems("12", "small") == [(8, "exceeds-limit")]


def test_a_count_in_missions_yaml_written_with_a_dot_grouping_thousands_is_refused(
    tmp_path: Path,
) -> None:
    """YAML reads 12.000 as twelve: written so in a count, in the shorthand or the mapping
    form, it is refused at the number with the number meant, as a table's cell is."""
    missions = MISSIONS.replace(
        "    election: {type: general, date: 2020-05-01}\n",
        "    election: {type: general, date: 2020-05-01}\n"
        "    values:\n      registered_abroad: 12.000\n      votes_abroad: {value: 1.500}\n",
        1,
    )
    root = workspace(tmp_path, missions=missions, statistics=None, checklists=None)
    with pytest.raises(DataError) as info:
        load_workspace(root)
    got = [(i.line, i.column, i.code, i.params.get("meant")) for i in info.value.issues]
    assert got == [(7, 26, "not-integer", "12000"), (8, 29, "not-integer", "1500")]
    plain = workspace(
        tmp_path / "plain",
        missions=missions.replace("12.000", "12000").replace("1.500", "1500"),
        statistics=None,
        checklists=None,
    )
    aaa = next(m for m in load_workspace(plain).observations.missions if m.id == "aaa-2020")
    assert aaa.values["registered_abroad"].value == 12000


def test_an_answer_close_to_a_choice_names_it_and_a_confidence_may_be_written_in_spanish(
    tmp_path: Path,
) -> None:
    """A legal analyst writing Spanish types the answer's word in Spanish: 'Constitución' is
    refused with the choice it is close to; a word like nothing offered is refused as it was.
    Confidence levels read in Spanish, French and Portuguese (alta, moyenne, baixa)."""
    answers = (
        "mission,rights.basis,rights.basis__confidence\n"
        "aaa-2020,Constitución,alta\n"
        "bbb-2021,statute,Moyenne\n"
        "ccc-2022,tratado,baixa\n"
        "ddd-2023,constitution,ALTA\n"
        "eee-2023,none,baixa\n"
    )
    root = workspace(tmp_path, statistics=None, checklists=None, extra_config="answers: [a.csv]\n")
    (root / "a.csv").write_text(answers, encoding="utf-8")
    ws = load_workspace(root)
    cells = ws.observations.report.rejected_cells
    assert [
        (i.line, i.column, i.params.get("meant"), i.render("es").split(" ", 1)[1]) for i in cells
    ] == [
        (
            2,
            2,
            "constitution",
            "“Constitución” no es una respuesta admitida para rights.basis (none, statute, "
            "constitution): ¿quiso decir constitution? [invalid-answer]",
        ),
        (
            4,
            2,
            None,
            "“tratado” no es una respuesta admitida para rights.basis (none, statute, "
            "constitution) [invalid-answer]",
        ),
    ]
    by_id = {m.id: m for m in ws.observations.missions}
    kept = ("bbb-2021", "ddd-2023", "eee-2023")
    confidence = {m: by_id[m].answers["rights.basis"].provenance.confidence for m in kept}
    assert confidence == {"bbb-2021": "medium", "ddd-2023": "high", "eee-2023": "low"}


def test_a_missions_file_error_does_not_hide_a_table_cell_refused(tmp_path: Path) -> None:
    """Every problem at once: a cell a table refuses is said with the missions file's error,
    not only on the next run once that is fixed."""
    missions = MISSIONS.replace("date: 2021-03-01", "date: '01/03/2021'", 1)
    stats = 'mission,registered_abroad,votes_abroad\naaa-2020,1000,"12,5"\nccc-2022,2000,20\n'
    root = workspace(tmp_path, missions=missions, statistics=stats, checklists=None)
    with pytest.raises(DataError) as info:
        load_workspace(root)
    got = [(Path(i.file).name, i.line, i.column, i.code) for i in info.value.issues]
    assert got == [
        ("missions.yaml", 9, 42, "invalid-value"),
        ("statistics.csv", 2, 3, "invalid-number"),
    ]


def test_a_confidence_in_missions_yaml_reads_as_in_a_table(tmp_path: Path) -> None:
    """missions.yaml takes a value's confidence as a table's column does: in any case, or as a
    Spanish, French or Portuguese team writes it; a word that is no level is still refused."""
    missions = MISSIONS.replace(
        "    election: {type: general, date: 2020-05-01}\n",
        "    election: {type: general, date: 2020-05-01}\n"
        "    values:\n"
        "      registered_abroad: {value: 1000, confidence: Alta}\n"
        "      votes_abroad: {value: 300, confidence: moyenne}\n",
        1,
    )
    root = workspace(tmp_path / "ok", missions=missions, statistics=None, checklists=None)
    aaa = next(m for m in load_workspace(root).observations.missions if m.id == "aaa-2020")
    got = {k: d.provenance.confidence for k, d in aaa.values.items()}
    assert got == {"registered_abroad": "high", "votes_abroad": "medium"}
    bad = workspace(
        tmp_path / "bad",
        missions=missions.replace("confidence: moyenne", "confidence: sure"),
        statistics=None,
        checklists=None,
    )
    with pytest.raises(DataError) as info:
        load_workspace(bad)
    assert [(i.line, i.code) for i in info.value.issues] == [(8, "invalid-choice")]


def test_load_observations_reads_plain_paths_as_the_workspace_reads_its_tables(
    mini: Path,
) -> None:
    # Other mission tooling names its files without an ovm.yaml: a path is a table with no
    # sheet, layout or provenance defaults, and a TableSource says those.
    ws = load_workspace(mini)
    obs, warnings = ovm.load_observations(
        ws.rubric,
        missions=mini / "missions.yaml",
        statistics=[str(mini / "statistics.csv")],
        checklists=[ovm.TableSource(path=str(mini / "checklists.csv"), simulated=True)],
    )
    same = ws.observations
    assert (obs.missions, obs.report, obs.simulated_sources, warnings) == (
        same.missions,
        same.report,
        same.simulated_sources,
        list(ws.warnings),
    )
    assert obs.sites.equals(same.sites)
    assert obs.simulated_sources == (str(mini / "checklists.csv"),)
