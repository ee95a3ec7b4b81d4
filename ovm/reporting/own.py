"""Each mission's own account of the data read: what a mission's report lists as its quality.

The rule is that of :meth:`ovm.data.observations.Observations.cohort` for a cohort of the one
mission: a row of another mission of the run (a visit, a value's row, a rejected row naming
it) is not this mission's, and neither are the refused cells and warnings of such a row; every
other row (this mission's, or one naming no mission of the workspace, which may be its own
misspelt) is. ``cohort`` applies the rule to one cohort by going over every other mission's
rows; a run writing a report per mission (``--with-missions``) would go over them once per
mission, so the rows' owners are read here once and each mission's account is made from them
(tests/test_partly_scored_outputs.py holds it equal to ``cohort``'s, mission by mission).
The same owners name the mission of each refused cell and warning every report lists
(:meth:`OwnData.mission_of`).
"""

from __future__ import annotations

import heapq
from collections import Counter

from ovm.data.observations import LoadReport, Observations
from ovm.errors import Issue

Place = tuple[str, int]
"""A row of a file: (file, row), the row numbered as the issues number it."""

_Split = tuple[tuple[Issue, ...], list[int], dict[str, list[int]]]
"""Issues, the positions of those every mission's account lists, and of each mission's own."""


def _exclusive(owners: dict[Place, set[str]]) -> dict[str, Counter[str]]:
    """For each mission, how many rows of each file it alone owns."""
    out: dict[str, Counter[str]] = {}
    for (file, _), who in owners.items():
        if len(who) == 1:
            out.setdefault(next(iter(who)), Counter())[file] += 1
    return out


class OwnData:
    """The owners of every row of a run's data, read once; :meth:`report` gives a mission's
    account of the data read, equal to ``observations.cohort([mission]).report``."""

    def __init__(self, observations: Observations) -> None:
        self.observations = observations
        self.ids = frozenset(m.id for m in observations.missions)
        # The rows used, by owner: each visit's row, and each value's row.
        used: dict[Place, set[str]] = {}
        sites = observations.sites
        if sites.height and {"_file", "_row"} <= set(sites.columns):
            for file, row, mission in sites.select("_file", "_row", "mission").unique().iter_rows():
                used.setdefault((str(file), int(row)), set()).add(str(mission))
        for m in observations.missions:
            for d in (*m.values.values(), *m.answers.values()):
                if d.provenance.file is not None and d.provenance.line is not None:
                    used.setdefault((d.provenance.file, d.provenance.line), set()).add(m.id)
        # A mission's row whose every value was refused: no value names it.
        for f in observations.report.files:
            for row, mission in f.row_missions:
                if mission in self.ids:
                    used.setdefault((f.file, row), set()).add(mission)
        # The rejected rows that name a mission of the run; and what the others name (an id
        # the workspace does not know, as typed), which a report shows as their mission.
        rejected: dict[Place, set[str]] = {}
        named: dict[Place, set[str]] = {}
        for r in observations.report.rejected:
            if r.mission in self.ids:
                rejected.setdefault((r.file, r.row), set()).add(r.mission)
            elif r.mission:
                named.setdefault((r.file, r.row), set()).add(r.mission)
        self._named = named
        self._used, self._rejected = used, rejected
        self._used_total = Counter(file for file, _ in used)
        self._rejected_total = Counter(file for file, _ in rejected)
        self._used_alone = _exclusive(used)
        self._rejected_alone = _exclusive(rejected)
        # Each list of issues split by owner once, for every mission's account.
        self._splits: dict[int, _Split] = {}

    def _owner(self, issue: Issue) -> str | None:
        """The one mission whose account lists ``issue``; None when every mission's does (a
        row of no mission, or no row), ``""`` when none does (a row of several missions)."""
        if issue.line is None:
            return None
        place = (issue.file or "", issue.line)
        who = self._used.get(place, set()) | self._rejected.get(place, set())
        if not who:
            return None
        return next(iter(who)) if len(who) == 1 else ""

    def mission_of(self, issue: Issue) -> str | None:
        """The mission of the row ``issue`` is about: the mission of the run whose row it is,
        else the id a rejected row names as typed; None for an issue of no row (a file's, a
        column's), of a row of several missions, or of a row no mission was read from."""
        if issue.line is None:
            return None
        place = (issue.file or "", issue.line)
        who = self._used.get(place, set()) | self._rejected.get(place, set())
        if not who:
            who = self._named.get(place, set())
        return next(iter(who)) if len(who) == 1 else None

    def _split(self, issues: tuple[Issue, ...]) -> _Split:
        """``issues`` by the mission whose account lists them, in their order."""
        common: list[int] = []
        own: dict[str, list[int]] = {}
        for k, issue in enumerate(issues):
            owner = self._owner(issue)
            if owner is None:
                common.append(k)
            else:
                own.setdefault(owner, []).append(k)
        return issues, common, own

    def report(self, mission: str) -> LoadReport:
        """The account of ``mission`` (an id of the run): its files' rows, rejected rows,
        refused cells and warnings, by the rule of ``Observations.cohort([mission])``."""
        rep = self.observations.report
        if self.ids == {mission}:
            return rep
        used_alone = self._used_alone.get(mission, Counter())
        rejected_alone = self._rejected_alone.get(mission, Counter())
        files = [
            f.without(
                self._used_total[f.file] - used_alone[f.file],
                self._rejected_total[f.file] - rejected_alone[f.file],
                lambda cells: self._kept(cells, mission),
            )
            for f in rep.files
        ]
        return LoadReport(
            files=tuple(files),
            rejected=tuple(
                r for r in rep.rejected if r.mission not in self.ids or r.mission == mission
            ),
            issues=self._kept(rep.issues, mission),
        )

    def _kept(self, issues: tuple[Issue, ...], mission: str) -> tuple[Issue, ...]:
        """The issues of ``mission``'s account: those of its rows and of rows of no mission."""
        split = self._splits.get(id(issues))
        if split is None or split[0] is not issues:
            split = self._splits[id(issues)] = self._split(issues)
        items, common, own = split
        return tuple(items[k] for k in heapq.merge(common, own.get(mission, ())))
