"""missions.yaml: a mission refused for one field (a round below 1, an opening hour that is no
time of day, a country code of no country, an id listed twice) still has the rest of its content
checked in the same run: the placeholders ``ovm init`` left, control characters, planned places
listed twice or in no country. Each run says what the run after the field is put right would say,
plus that field's own error. Through ``ovm check --format json`` and ``ovm.load_workspace`` on
copies of the mini workspace of tests/data/mini."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_words_as_meant import _mini

from ovm import DataError, load_workspace
from ovm.cli.app import main

# Every content check has something to say of the first mission; the second is the mini
# workspace's own, which the checklists name.
MISSIONS = """\
missions:
  - id: aaa-2020
    country: ARG
    name: {en: aaa-2020, es: aaa-2020}
    election: {type: general, date: 2020-01-01}  # ovm init: write the election day
    voting_abroad: {from: 2019-12-20, to: 2020-01-01, opens: "08:00"}
    answers:
      rights.basis: {value: constitution, source: "Constitution\\aart. 1"}
    places:
      - {id: p1, country: USA, city: "Bo\\eston", opens: "09:00"}
      - {id: p1, country: XXX}
  - id: bbb-2021
    country: BRA
    name: B 2021
    election: {type: presidential, date: 2021-03-01, round: 2}
"""

PLACEHOLDER_NAME = (
    "the name is the mission's id, as ovm init wrote it: write the mission's name",
    "init-placeholder",
    "warning",
)
PLACEHOLDER_DATE = (
    "2020-01-01 is the date ovm init wrote: write the election day",
    "init-placeholder",
    "warning",
)
CONTROL = (
    "a control character (such as BEL or ESC) is in the text: remove it",
    "control-character",
    "error",
)
DUPLICATE_PLACE = ("place 'p1' is listed twice", "duplicate-place", "error")
NO_COUNTRY = (
    "'XXX' is not an ISO 3166 alpha-3 country code: write the country's ISO 3166-1 alpha-3 "
    "code, such as MEX for Mexico",
    "invalid-country",
    "error",
)

CONTENT = [
    (4, 11, *PLACEHOLDER_NAME),
    (5, 37, *PLACEHOLDER_DATE),
    (8, 51, *CONTROL),
    (10, 38, *CONTROL),
    (11, 14, *DUPLICATE_PLACE),
    (11, 27, *NO_COUNTRY),
]
"""What the file says once every field reads."""

ROUND = "'0' is not a round: rounds are numbered from 1 (the first round is 1, a second round 2)"
HOUR = "'8h' is not a time of day such as 08:00"
COUNTRY = (
    "'ARX' is not an ISO 3166 alpha-3 country code: did you mean ARE (United Arab Emirates) "
    "or ARG (Argentina) or ARM (Armenia)?"
)

# One field refused, as (what is written instead, the error said at it).
REFUSALS = {
    "round": (
        ("date: 2020-01-01}", "date: 2020-01-01, round: 0}"),
        (5, 56, ROUND, "invalid-value", "error"),
    ),
    "mission opening hour": (
        ('opens: "08:00"', 'opens: "8h"'),
        (6, 62, HOUR, "invalid-value", "error"),
    ),
    "place opening hour": (
        ('opens: "09:00"', 'opens: "8h"'),
        (10, 57, HOUR, "invalid-value", "error"),
    ),
    "country": (
        ("country: ARG", "country: ARX"),
        (3, 14, COUNTRY, "invalid-country", "error"),
    ),
}


def _workspace(tmp_path: Path, missions: str) -> Path:
    ws = _mini(tmp_path)
    (ws / "missions.yaml").write_text(missions, "utf-8")
    return ws


Said = tuple[int | None, int | None, str, str, str]


def _checked(ws: Path, capsys: pytest.CaptureFixture[str]) -> list[Said]:
    """What ``ovm check`` says of missions.yaml, in the order it says it."""
    assert main(["check", str(ws), "--format", "json"]) == 1
    issues = json.loads(capsys.readouterr().out)["issues"]
    return [
        (i["line"], i["column"], i["message"], i["code"], i["severity"])
        for i in issues
        if Path(i["file"]).name == "missions.yaml"
    ]


def _loaded(ws: Path) -> list[Said]:
    """What ``load_workspace`` refuses missions.yaml for, in line order."""
    with pytest.raises(DataError) as err:
        load_workspace(ws)
    return sorted(
        (i.line, i.column, i.message, i.code, i.severity)
        for i in err.value.issues
        if Path(i.file).name == "missions.yaml"
    )


def _by_line(said: list[Said]) -> list[Said]:
    return sorted(said, key=lambda s: (s[0] or 0, s[1] or 0))


def test_a_mission_that_reads_has_its_content_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path, MISSIONS)
    assert _checked(ws, capsys) == CONTENT


@pytest.mark.parametrize("field", list(REFUSALS))
def test_a_mission_refused_for_one_field_has_the_rest_checked_in_the_same_run(
    field: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (old, new), error = REFUSALS[field]
    assert MISSIONS.count(old) == 1
    ws = _workspace(tmp_path, MISSIONS.replace(old, new))
    expected = _by_line([*CONTENT, error])
    assert _checked(ws, capsys) == expected
    assert _loaded(ws) == sorted(expected, key=lambda s: (s[0] or 0, s[1] or 0, s[2]))


def test_a_mission_listed_twice_has_its_content_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The first mission written again under the second's id: its own problems are said beside
    # "listed twice", not once the id is put right.
    first = MISSIONS.split("  - id: bbb-2021")[0].removeprefix("missions:\n")
    twice = MISSIONS + first.replace("id: aaa-2020", "id: bbb-2021", 1)
    ws = _workspace(tmp_path, twice)
    at = len(MISSIONS.splitlines())
    again = [
        (line + at - 1, col, *rest)
        for line, col, *rest in CONTENT
        # the name is no longer the mission's id
        if rest[1] != "init-placeholder" or "name" not in rest[0]
    ]
    listed_twice = (at + 1, 9, "mission 'bbb-2021' is listed twice", "duplicate-mission", "error")
    assert _checked(ws, capsys) == _by_line([*CONTENT, listed_twice, *again])


@pytest.mark.parametrize("field", ["", "round"])
def test_places_under_a_misspelt_key_are_said_where_the_file_writes_them(
    field: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Read as the places meant, and said at the key the file has, in a mission that reads and
    # in one refused for its round alike.
    (old, new), error = REFUSALS["round"]
    missions = MISSIONS.replace(old, new) if field else MISSIONS
    ws = _workspace(tmp_path, missions.replace("    places:", "    plases:"))
    misspelt = (
        9,
        5,
        "unknown field `plases`, did you mean `places`?",
        "unknown-field",
        "error",
    )
    assert _checked(ws, capsys) == _by_line([*CONTENT, misspelt, *([error] if field else [])])
