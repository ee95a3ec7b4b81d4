"""Polling places abroad a mission plans to observe, and its coverage of that plan.

A plan is listed per mission in ``missions.yaml`` (``places:``) or in a ``places`` table named
by ``ovm.yaml`` (columns :data:`PLACE_COLUMNS`). :func:`plan_coverage` says how many planned
places were observed, by country and city, and which have no visit ("expected vs reported").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from ovm.data.observations import (
    FileReport,
    Mission,
    Observations,
    RejectedRow,
    mission_cell_issues,
)
from ovm.data.plan import PlannedPlace, _Country, _Time, country_code, country_problem
from ovm.data.reader import Account, Column, NumberRule, RowText, Text, clean
from ovm.data.tables import ROW, read_named_table, unnamed
from ovm.errors import Issue
from ovm.rubric.model import Rubric

__all__ = [
    "PLACE_COLUMNS",
    "AreaCoverage",
    "PlanCoverage",
    "PlannedPlace",
    "country_code",
    "country_problem",
    "load_places",
    "plan_coverage",
    "plans_too_small",
    "with_places",
]

PLACE_COLUMNS = ("mission", "place", "country", "city", "tables", "opens")


def _columns() -> dict[str, Column]:
    return {
        "place": Column(
            "place",
            RowText("place"),
            "the polling place's identifier",
            required=True,
            words=False,
        ),
        "country": Column("country", _Country(), "ISO 3166 alpha-3", required=True, words=False),
        "city": Column("city", RowText("city"), "the city", words=False),
        "tables": Column(
            "tables",
            NumberRule("tables", whole=True, count=True),
            "how many voting tables",
            not_applicable=False,
        ),
        "opens": Column(
            "opens", _Time(), "when the place opens (local time)", not_applicable=False
        ),
    }


def load_places(
    path: Path,
    missions: Sequence[Mission],
    *,
    sheet: str | None = None,
) -> tuple[dict[str, list[PlannedPlace]], FileReport, list[RejectedRow], list[Issue]]:
    """Read a table of planned places: every row used, or rejected with every reason."""
    df, issues, name = read_named_table(path, sheet=sheet)
    if df is None:
        return {}, FileReport(name, "places", 0, 0, 0), [], issues
    cols = [c for c in df.columns if c != ROW]
    account = Account(name, "places", cols)
    df = account.adopt_miscased(df, "mission")
    cols = [c for c in df.columns if c != ROW]
    spec = _columns()
    mission_col = Column(
        "mission", Text(), "the mission id of each place", required=True, words=False
    )
    missing = account.require([mission_col, *spec.values()], cols)
    if missing:
        account.reject_every_row(df, "no mission or place column", variant="places")
        return {}, account.report(df.height), account.rejected, [*issues, *missing]
    for c in cols:
        if c not in PLACE_COLUMNS and not unnamed(c):
            account.warn(
                c,
                "unknown-column",
                f"column {c!r} is not a column of places; ignored",
                name=c,
                variant="places",
            )
    known = {m.id for m in missions}
    by_case = {k.casefold(): k for k in sorted(known)}
    out: dict[str, list[PlannedPlace]] = {}
    seen: dict[tuple[str, str], int] = {}
    for row, rec in account.rows(df):
        mid = clean(rec["mission"])
        row.reasons += mission_cell_issues(
            name, row.number, account.numbers["mission"], mid, known, {}, by_case
        )
        got: dict[str, Any] = {}
        refused: set[str] = set()
        for key, col in spec.items():
            if key not in rec:
                continue
            r = row.read(col, rec[key])
            if r.status == "value":
                got[key] = r.value
            elif r.status == "invalid":
                refused.add(key)
        place = got.get("place")
        if place is None:
            if "place" not in refused:  # a refused id has its reason already
                row.bad("place", "missing-place", "no place identifier")
        elif mid is not None and (mid, str(place)) in seen:
            row.bad(
                "place",
                "duplicate-place",
                f"place {place!r} of {mid} is already listed at row {seen[(mid, place)]}",
                place=str(place),
                mission=mid,
                first=seen[(mid, place)],
            )
        if not account.settle(row, mid) or mid is None or place is None:
            continue
        seen[(mid, str(place))] = row.number
        tables = got.get("tables")
        out.setdefault(mid, []).append(
            PlannedPlace(
                id=str(place),
                country=str(got["country"]),
                city=got.get("city"),
                tables=int(tables) if isinstance(tables, float) else None,
                opens=dt.time.fromisoformat(str(got["opens"])) if got.get("opens") else None,
            )
        )
    return out, account.report(df.height), account.rejected, [*issues, *account.issues]


# --- coverage ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaCoverage:
    """Planned places of one country (and city) and how many of them were observed."""

    country: str
    city: str | None
    planned: int
    observed: int


@dataclass(frozen=True)
class PlanCoverage:
    """A mission's observation against its plan: places observed of planned, by country and
    city, the planned places without a visit, and the visited places the plan lacks."""

    mission: str
    planned: int
    observed: int
    visits: int
    by_country: tuple[AreaCoverage, ...]
    by_city: tuple[AreaCoverage, ...]
    unvisited: tuple[PlannedPlace, ...]
    unplanned: tuple[str, ...]
    share: float
    """Observed places as a share of planned ones (0 with no plan)."""


def plan_coverage(observations: Observations, mission_id: str) -> PlanCoverage | None:
    """Coverage of the mission's planned places by the visits used; None when it has no plan.

    A planned place is observed when at least one used visit of the mission names its id in
    ``site``; rejected rows never count.
    """
    mission = observations.mission(mission_id)
    if not mission.places:
        return None
    sites = observations.sites
    visited: dict[str, int] = {}
    if sites.height:
        counts = sites.filter(pl.col("mission") == mission_id).group_by("site").len().iter_rows()
        visited = {str(s): int(n) for s, n in counts if s is not None}
    planned_ids = {p.id for p in mission.places}

    def areas(key: Any) -> tuple[AreaCoverage, ...]:
        groups: dict[tuple[str, str | None], list[PlannedPlace]] = {}
        for p in mission.places:
            groups.setdefault(key(p), []).append(p)
        return tuple(
            AreaCoverage(c, city, len(ps), sum(1 for p in ps if p.id in visited))
            for (c, city), ps in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
        )

    observed = sum(1 for p in mission.places if p.id in visited)
    return PlanCoverage(
        mission=mission_id,
        planned=len(mission.places),
        observed=observed,
        share=observed / len(mission.places),
        visits=sum(n for s, n in visited.items() if s in planned_ids),
        by_country=areas(lambda p: (p.country, None)),
        by_city=areas(lambda p: (p.country, p.city)),
        unvisited=tuple(p for p in mission.places if p.id not in visited),
        unplanned=tuple(sorted(s for s in visited if s not in planned_ids)),
    )


def with_places(
    missions: Sequence[Mission], places: Mapping[str, Sequence[PlannedPlace]], file: str
) -> tuple[list[Mission], list[Issue]]:
    """Missions with the places of a table added; a mission listing places in both
    ``missions.yaml`` and a table is a ``duplicate-value``."""
    out, issues = [], []
    for m in missions:
        extra = tuple(places.get(m.id, ()))
        if extra and m.places:
            issues.append(
                Issue(
                    file,
                    None,
                    None,
                    "duplicate-value",
                    f"{m.id} lists its places both in the missions file and in {file}",
                    (),
                    "error",
                    "data",
                    params={"variant": "places", "mission": m.id, "file": file},
                )
            )
        out.append(m.model_copy(update={"places": m.places + extra}) if extra else m)
    return out, issues


def plans_too_small(
    rubric: Rubric, missions: Sequence[Mission], missions_file: Path | None
) -> list[Issue]:
    """A warning (``too-few-places-planned``) for each mission whose plan lists fewer polling
    places than a checklist question needs answers from (``min_answers``, counted in places):
    however many visits the observers make, those questions cannot be scored for it, nor the
    groups that need them. Said before the observers leave, at the mission's ``places:`` in
    the missions file (its ``id`` where the plan comes from a places table)."""
    from ovm.indicators import ChecklistIndicator
    from ovm.yamldoc import parse_yaml, read_text

    needs = [n.min_answers for n in rubric.indicators() if isinstance(n, ChecklistIndicator)]
    short = [m for m in missions if m.places and len(m.places) < max(needs, default=0)]
    if not short:
        return []
    doc = None
    if missions_file is not None:
        text, name, problems = read_text(missions_file)
        doc = None if problems else parse_yaml(text, name)[0]
    entries = doc.data.get("missions") if doc is not None and isinstance(doc.data, dict) else None
    index = {str(e.get("id")): i for i, e in enumerate(entries or []) if isinstance(e, dict)}
    out = []
    for m in short:
        n = len(m.places)
        needed = max(needs)
        questions = sum(1 for k in needs if k > n)
        pos = None
        if doc is not None and m.id in index:
            i = index[m.id]
            listed = isinstance(entries[i], dict) and "places" in entries[i]  # type: ignore[index]
            pos = doc.positions.find(("missions", i, "places" if listed else "id"), key=listed)
        out.append(
            Issue(
                str(missions_file) if missions_file is not None else m.id,
                pos[0] if pos else None,
                pos[1] if pos else None,
                "too-few-places-planned",
                f"{m.id} plans {n} polling place{'' if n == 1 else 's'}, fewer than the "
                f"{needed} that checklist "
                f"questions need answers from (min_answers): {questions} of them, and the groups "
                "that need them, cannot be scored for it however many visits are made; plan "
                "more places",
                (),
                "warning",
                "data",
                params={"mission": m.id, "n": n, "needed": needed, "questions": questions},
            )
        )
    return out
