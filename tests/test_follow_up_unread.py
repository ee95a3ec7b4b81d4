"""A follow-up whose previous mission is listed but does not read: that mission's own errors
are the ones said, never "no previous observed election", and never a check against an older
mission taken in its place. The previous mission implied by place and date is looked for among
every listed mission, readable or not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ovm.cli.app import main

FOLLOW_UP = "    follow_up:\n      - {id: r9, text: x, to: electoral_body, status: implemented}\n"


def _missions(middle: str, previous: str = "") -> str:
    """arg-2019 (recommendation r1), a middle mission (r9) and arg-2027 following r9 up."""
    return (
        "missions:\n"
        "  - id: arg-2019\n    country: ARG\n    name: Argentina 2019\n"
        "    election: {type: general, date: 2019-10-27}\n"
        "    recommendations:\n      - {id: r1, text: Old recommendation}\n"
        f"{middle}"
        "    recommendations:\n      - {id: r9, text: Publish the list}\n"
        "  - id: arg-2027\n    country: ARG\n    name: Argentina 2027\n"
        f"    election: {{type: general, date: 2027-10-22}}\n{previous}{FOLLOW_UP}"
    )


def _check(root: Path, missions: str, capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str]]:
    root.mkdir()
    (root / "ovm.yaml").write_text(
        "rubric: bundled:deco-voting-abroad\nmissions: missions.yaml\n", encoding="utf-8"
    )
    (root / "missions.yaml").write_text(missions, encoding="utf-8")
    capsys.readouterr()
    main(["check", str(root), "--format", "json"])
    return [(i["path"], i["code"]) for i in json.loads(capsys.readouterr().out)["issues"]]


# arg-2023 observes Argentina in 2023 but does not read: a country written out, or a field
# the schema does not know, or a date that does not exist.
UNREAD = {
    "country-written-out": (
        "  - id: arg-2023\n    country: Argentina\n    name: Argentina 2023\n"
        "    election: {type: general, date: 2023-10-22}\n",
        [("missions[1].country", "invalid-country")],
    ),
    "unknown-field": (
        "  - id: arg-2023\n    country: ARG\n    name: Argentina 2023\n    observers: 4\n"
        "    election: {type: general, date: 2023-10-22}\n",
        [("missions[1].observers", "unknown-field")],
    ),
    "no-id": (
        "  - country: ARG\n    name: Argentina 2023\n"
        "    election: {type: general, date: 2023-10-22}\n",
        [("missions[1].id", "missing-field")],
    ),
    "impossible-date": (
        "  - id: arg-2023\n    country: ARG\n    name: Argentina 2023\n"
        "    election: {type: general, date: 2023-13-22}\n",
        [("missions[1].election.date", "invalid-value")],
    ),
}


@pytest.mark.parametrize(
    ("case", "named"),
    # An entry without an id can only be the previous mission its place and date imply.
    [
        (case, named)
        for case in sorted(UNREAD)
        for named in (True, False)
        if case != "no-id" or not named
    ],
    ids=lambda v: v if isinstance(v, str) else ("previous-named" if v else "previous-implied"),
)
def test_a_follow_up_of_an_unreadable_previous_mission_says_only_that_missions_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, named: bool
) -> None:
    middle, own = UNREAD[case]
    previous = "    previous: arg-2023\n" if named else ""
    assert _check(tmp_path / "ws", _missions(middle, previous), capsys) == own


@pytest.mark.parametrize(
    "middle",
    [
        # Another country's mission (its code, or its name written out), and a later one of
        # Argentina's, and one older than arg-2019: none can come between.
        "  - id: bra-2023\n    country: BRA\n    name: Brasil 2023\n    observers: 4\n"
        "    election: {type: general, date: 2023-10-22}\n",
        "  - id: bra-2023\n    country: Brasil\n    name: Brasil 2023\n    observers: 4\n"
        "    election: {type: general, date: 2023-10-22}\n",
        "  - id: arg-2029\n    country: ARG\n    name: Argentina 2029\n    observers: 4\n"
        "    election: {type: general, date: 2029-10-22}\n",
        "  - id: arg-2015\n    country: ARG\n    name: Argentina 2015\n    observers: 4\n"
        "    election: {type: general, date: 2015-10-25}\n",
    ],
    ids=["another-country", "another-country-written-out", "later", "earlier"],
)
def test_a_follow_up_is_still_checked_when_no_unreadable_mission_can_be_its_previous(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], middle: str
) -> None:
    found = _check(tmp_path / "ws", _missions(middle), capsys)
    own = [("missions[1].country", "invalid-country")] if "Brasil\n" in middle else []
    assert found == [
        *own,
        ("missions[1].observers", "unknown-field"),
        ("missions[2].follow_up", "follow-up-incomplete"),
        ("missions[2].follow_up[0].id", "unknown-recommendation"),
    ]
