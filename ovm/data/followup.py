"""The follow-up of a previous mission's recommendations, and the value it feeds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ovm.data.observations import (
    Datum,
    Mission,
    PastRecommendation,
    Provenance,
    not_followed_up,
    previous_mission,
)
from ovm.rubric.model import Rubric

FOLLOW_UP_VARIABLE = "followup_implemented_pct"
"""The variable the follow-up share of a mission feeds, when the rubric declares it."""


@dataclass(frozen=True)
class FollowUp:
    """The follow-up of the previous mission's recommendations."""

    previous: str | None
    items: tuple[PastRecommendation, ...] = ()
    share: float | None = None
    counts: Mapping[str, int] = field(default_factory=dict)


def follow_up_share(items: Sequence[PastRecommendation]) -> float | None:
    """Share (0-100) implemented: implemented 1, partially 0.5; not assessable left out."""
    assessable = [i for i in items if i.status != "not_assessable"]
    if not assessable:
        return None
    points = sum(
        1.0 if i.status == "implemented" else 0.5 if i.status == "partially_implemented" else 0.0
        for i in assessable
    )
    return 100.0 * points / len(assessable)


def follow_up(mission: Mission, missions: Sequence[Mission]) -> FollowUp:
    """The follow-up table of a mission, with the share implemented."""
    prev = previous_mission(mission, missions)
    counts: dict[str, int] = {}
    for item in mission.follow_up:
        counts[item.status] = counts.get(item.status, 0) + 1
    return FollowUp(
        prev.id if prev else None, mission.follow_up, follow_up_share(mission.follow_up), counts
    )


def with_follow_up_values(rubric: Rubric, missions: Sequence[Mission]) -> list[Mission]:
    """Missions whose follow-up share feeds the rubric's follow-up variable (unless given)."""
    try:
        rubric.variable(FOLLOW_UP_VARIABLE)
    except KeyError:
        return list(missions)
    out = []
    for m in missions:
        share = follow_up_share(m.follow_up)
        given = m.values.get(FOLLOW_UP_VARIABLE)
        if share is None or (given is not None and given.status != "missing"):
            out.append(m)
            continue
        found = previous_mission(m, missions)
        prev = found.id if found else m.previous
        left_out = not_followed_up(m, found)
        params = {
            "source": "source" if prev else "source_unnamed",
            "note": "note_left_out" if left_out else "note",
            "implemented": str(sum(1 for i in m.follow_up if i.status == "implemented")),
            "partially": str(sum(1 for i in m.follow_up if i.status == "partially_implemented")),
            "assessable": str(sum(1 for i in m.follow_up if i.status != "not_assessable")),
            **({"previous": prev} if prev else {}),
            **({"left_out": ", ".join(left_out)} if left_out else {}),
        }
        # The recorded sentences are the catalogue's English; a report says them in its own
        # language from the same parameters.
        english = Provenance(code="follow-up", params=params)
        source, note = english.worded("en")
        datum = Datum(
            value=share,
            provenance=english.model_copy(
                update={"source": source, "note": note, "confidence": "medium"}
            ),
        )
        out.append(m.model_copy(update={"values": {**m.values, FOLLOW_UP_VARIABLE: datum}}))
    return out
