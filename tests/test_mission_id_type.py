"""A mission asked for by its ``MissionInfo`` (what ``Scorecard.mission`` holds) rather than
its id: every accessor refuses it alike, saying to pass ``.id``, and no error of a mission or
node id fails while being said."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import ovm
from ovm.pipeline import UnknownMissionError
from ovm.scoring.results import NotHeldError

MINI = Path(__file__).parent / "data" / "mini"


@pytest.fixture(scope="module")
def run() -> ovm.Run:
    return ovm.analyse(MINI)


def test_a_mission_info_is_refused_alike_by_every_accessor_naming_its_id(run: ovm.Run) -> None:
    info = run.scores.scorecards[0].mission
    said = "a mission id is a str, not MissionInfo: pass its .id ('aaa-2020')"
    for ask in (run.scorecard, run.rank, run.scores.scorecard):
        with pytest.raises(TypeError) as caught:
            ask(info)
        assert (type(caught.value).__name__, str(caught.value)) == ("IdTypeError", said)
        assert not isinstance(caught.value, KeyError)
    # The id itself is what they take.
    assert run.scorecard(info.id) is run.scores.scorecard(info.id)
    assert run.rank(info.id).mission == info.id


def test_an_object_without_an_id_is_refused_by_its_type_alone(run: ovm.Run) -> None:
    with pytest.raises(TypeError, match=r"^a mission id is a str, not int$"):
        run.scorecard(3)  # type: ignore[arg-type]


def test_errors_about_ids_never_fail_while_being_said(run: ovm.Run) -> None:
    odd = run.scores.scorecards[0].mission
    held = NotHeldError("mission", odd, ["aaa-2020"])  # type: ignore[arg-type]
    assert str(held).startswith("no mission MissionInfo(")
    assert held.meant is None
    assert pickle.loads(pickle.dumps(held)).key == odd
    unknown = UnknownMissionError((odd,), ("aaa-2020",))  # type: ignore[arg-type]
    assert str(unknown).startswith("no mission MissionInfo(")
    # Ids are said as before.
    with pytest.raises(UnknownMissionError) as caught:
        run.scorecard("aaa-2021")
    assert (
        str(caught.value) == "no mission 'aaa-2021' in the workspace (missions: aaa-2020, bbb-2021)"
    )
