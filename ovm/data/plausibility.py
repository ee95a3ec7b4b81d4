"""Plausibility of observer visits, checked as an election-day data desk would.

Each finding is a located warning: the visit is still used (it may be right), but someone
should look at it. A rejected row's own visit is checked too, so that its warnings come with
its reasons. Codes: ``invalid-visit-time``, ``visit-outside-voting-period``,
``invalid-country``, ``site-in-home-country``, ``observer-two-places``, ``observer-too-fast``,
``identical-answers``, ``visit-before-opening``, ``similar-sites``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from ovm.data.observations import SITE_COLUMNS, Mission, iso_of_dmy_time
from ovm.data.plan import country_problem, country_problem_params
from ovm.data.tables import ROW
from ovm.errors import Issue

FILE = "_file"

SAME_TIME = dt.timedelta(minutes=10)
"""Two visits of one observer to two places closer than this: at two places at once."""
OTHER_CITY = dt.timedelta(minutes=60)
"""Less than this between places in two cities of one observer: impossibly fast."""
OTHER_COUNTRY = dt.timedelta(hours=3)
"""Less than this between places in two countries of one observer: impossibly fast."""
IDENTICAL_PLACES = 3
"""One observer's answers identical at this many places or more: copied, not observed."""
IDENTICAL_ANSWERS = 3
"""...counting only visits with at least this many questions answered."""

DASHES = (
    "\u002d\u058a\u05be\u1400\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2e17\u2e1a\u2e3a"
    "\u2e3b\u2e40\u2e5d\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead\u2212"
)
"""Every dash and hyphen (Unicode's dash punctuation, and the minus sign a keyboard's autocorrect
may put for one): written in a site's name, each reads as a blank does."""
_SEPARATORS = re.compile(f"[\\s{re.escape(DASHES)}]+")
_ASCII_SEPARATORS = "[\t\n\x0b\x0c\r\x1c-\x1f \\-]+"
"""The characters of :data:`_SEPARATORS` below 128, for Polars: Python's blanks there."""

_At = Callable[..., Issue]
"""``at(rec, column, code, message, **params)``: a warning at a visit's row and column."""


@dataclass(frozen=True)
class VisitTime:
    """A visit's time as written: its day, and its moment when it has a time of day."""

    day: dt.date
    moment: dt.datetime | None


def parse_visit_time(text: str) -> VisitTime | None:
    """An ISO 8601 date or date-time (``2024-06-02T07:43``, with seconds, fractions, ``Z`` or an
    offset, or a blank instead of ``T``); None for anything else."""
    t = text.strip()
    try:
        if len(t) == 10:
            return VisitTime(dt.date.fromisoformat(t), None)
        moment = dt.datetime.fromisoformat(t)
    except ValueError:
        return None
    return VisitTime(moment.date(), moment)


def _utc(moment: dt.datetime) -> dt.datetime:
    # Times without an offset are compared as written (the observer's local time).
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def plausibility_issues(
    sites: pl.DataFrame, missions: Sequence[Mission], columns: Mapping[str, Mapping[str, int]]
) -> list[Issue]:
    """Warnings about the used visits of ``sites``; ``columns``: by file, the column number
    of each plain column (``visited_at``, ``site_country``...), to locate them."""
    if sites.height == 0:
        return []
    at = _locator(columns)
    questions = [c for c in sites.columns if c not in (*SITE_COLUMNS, FILE, ROW)]
    timed: list[tuple[str, dt.datetime, dict[str, object]]] = []
    # Only visits with a country or a time have anything to check here; the answers are not
    # needed (building every row as a dict was most of a large load's time).
    out = _visit_issues(
        sites.select([c for c in sites.columns if c not in questions]), missions, at, timed
    )
    out += _travel(timed, at)
    out += _identical(sites, questions, at)
    out += similar_sites(sites, columns)
    return out


def fold_site_name(name: str) -> str:
    """A polling place's name as compared with the mission's other names: Unicode compatibility
    forms (NFKC) and case folded, every run of blanks and dashes one blank, none at the ends.
    ``Buenos Aires – Consulado`` and ``buenos aires-consulado`` fold alike."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return _SEPARATORS.sub(" ", text).strip(" ")


def fold_site_names(names: pl.Series) -> pl.Series:
    """:func:`fold_site_name` of each name (a column of texts), column-wise where a name is
    ASCII, where folding is lowering the letters and joining the blanks; each other name (few,
    in any table) is folded alone: Polars has no Unicode case folding (``ß`` is ``ss``)."""
    plain = names.str.len_bytes() == names.str.len_chars()
    folded = names.str.to_lowercase().str.replace_all(_ASCII_SEPARATORS, " ").str.strip_chars(" ")
    if plain.all():
        return folded
    exact = {s: fold_site_name(s) for s in names.filter(~plain).unique().to_list()}
    rest = names.replace_strict(exact, default=None, return_dtype=pl.String)
    return pl.select(pl.when(plain).then(folded).otherwise(rest)).to_series().alias(names.name)


_UNFOLDED = [
    *(chr(c) for c in range(ord("A"), ord("Z") + 1)),
    *"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f-",
    "  ",
]
"""What an ASCII name folds away (:func:`fold_site_name`) besides blanks at its ends."""


def _unfolded(names: pl.Series) -> pl.Series:
    """Whether each name may differ from its fold: ASCII with a capital, a dash, a blank at
    an end or blanks other than one space, or any name beyond ASCII. Two names folding alike
    cannot both be their own fold, so names that are all their own have no look-alikes."""
    return (
        names.str.contains_any(_UNFOLDED)
        | names.str.starts_with(" ")
        | names.str.ends_with(" ")
        | (names.str.len_bytes() != names.str.len_chars())
    ).fill_null(False)


def similar_sites(sites: pl.DataFrame, columns: Mapping[str, Mapping[str, int]]) -> list[Issue]:
    """A ``similar-sites`` warning for each set of a mission's polling place names that differ
    only in case, blanks or dashes (:func:`fold_site_name`): each name is a place of its own
    for ``min_answers`` and the bootstrap, which the mission team may not have meant. Names
    are not merged: whether two are one place is the team's to say. The warning is at the
    first use of the second name, and names where each was first used."""
    site = sites.get_column("site")
    # Categories hold each text once; a column of texts is looked at whole first, as finding
    # its distinct names costs more than the look.
    names = site.unique().cast(pl.String) if site.dtype != pl.String else site
    if not names.is_empty() and not _unfolded(names).any():
        return []
    names = names.unique().drop_nulls() if site.dtype == pl.String else names.drop_nulls()
    alike = names.filter(fold_site_names(names).is_duplicated())
    if alike.is_empty():
        return []
    index, fold = "\x1findex", "\x1ffold"
    candidates = sites.with_row_index(index).filter(
        pl.col("site").cast(pl.String).is_in(alike.to_list())
    )
    firsts = (
        candidates.select(index, "mission", pl.col("site").cast(pl.String), FILE, ROW)
        .sort(index)
        .unique(["mission", "site"], keep="first", maintain_order=True)
    )
    firsts = firsts.with_columns(fold_site_names(firsts["site"]).alias(fold)).filter(
        pl.len().over("mission", fold) > 1
    )

    def where(rec: Mapping[str, object]) -> str:
        col = columns.get(str(rec[FILE]), {}).get("site")
        return f"{rec[FILE]}:{rec[ROW]}" + (f":{col}" if col else "")

    out: list[Issue] = []
    for (mission, _), group in firsts.group_by("mission", fold, maintain_order=True):
        seen = list(group.iter_rows(named=True))
        variants = ", ".join(f"{rec['site']!r} ({where(rec)})" for rec in seen)
        second = seen[1]
        col = columns.get(str(second[FILE]), {}).get("site")
        out.append(
            Issue(
                str(second[FILE]),
                int(second[ROW]),
                col,
                "similar-sites",
                f"{mission} names polling places that differ only in case, blanks or dashes: "
                f"{variants}; each counts as a place of its own: if they are one place, write "
                "its name the same way in every visit",
                (),
                "warning",
                "data",
                params={"mission": str(mission), "variants": variants},
            )
        )
    return out


def rejected_visit_issues(
    visits: pl.DataFrame, missions: Sequence[Mission], columns: Mapping[str, Mapping[str, int]]
) -> list[Issue]:
    """The warnings each rejected row's own visit gets (its time, country, day and opening),
    said with its reasons so that one run says every problem of the row. Checks against
    other visits (an observer's travels, identical answers) are the used visits' alone: a
    rejected row is no visit."""
    if visits.height == 0:
        return []
    # A table may hold many rows of another cohort's missions, rejected for it: only their
    # country and the form of their time can be checked, so only rows holding a text that
    # fails either (each distinct text checked once) are looked at one by one.
    texts = visits.select(
        pl.col("site_country").drop_nulls().unique().implode(),
        pl.col("visited_at").drop_nulls().unique().implode(),
    ).row(0)
    countries = [c for c in texts[0] if country_problem(str(c))]
    times = [t for t in texts[1] if parse_visit_time(str(t)) is None]
    worth = (
        pl.col("mission").is_in(sorted(m.id for m in missions))
        | pl.col("site_country").is_in(countries)
        | pl.col("visited_at").is_in(times)
    )
    return _visit_issues(visits.filter(worth), missions, _locator(columns), [])


def _locator(columns: Mapping[str, Mapping[str, int]]) -> _At:
    """``at``: a warning at a visit's row and the file's column number of a plain column."""

    def at(
        rec: Mapping[str, object], column: str | None, code: str, message: str, **params: object
    ) -> Issue:
        file = str(rec[FILE])
        col = columns.get(file, {}).get(column) if column else None
        return Issue(
            file, int(str(rec[ROW])), col, code, message, (), "warning", "data", params=params
        )

    return at


def _visit_issues(
    visits: pl.DataFrame,
    missions: Sequence[Mission],
    at: _At,
    timed: list[tuple[str, dt.datetime, dict[str, object]]],
) -> list[Issue]:
    """Each visit's own warnings; the visits with an observer and a time of day are added to
    ``timed``, to follow each observer."""
    by_id = {m.id: m for m in missions}
    # Each place's opening time, indexed once: a large file has a row per visit.
    opening: dict[tuple[str, str], dt.time | None] = {}
    for m in missions:
        for p in m.places:
            opening.setdefault((m.id, p.id), p.opens)
    out: list[Issue] = []
    located = visits.filter(
        pl.col("site_country").is_not_null() | pl.col("visited_at").is_not_null()
    )
    for rec in located.iter_rows(named=True):
        mission = by_id.get(str(rec["mission"]))
        country = rec["site_country"]
        if country is not None:
            problem = country_problem(str(country))
            if problem:
                out.append(
                    at(
                        rec,
                        "site_country",
                        "invalid-country",
                        problem,
                        **country_problem_params(str(country)),
                    )
                )
            elif mission is not None and str(country).strip() == mission.country:
                # Voting abroad happens outside the country: a domestic checklist reused, or
                # the election's country typed for the host's.
                out.append(
                    at(
                        rec,
                        "site_country",
                        "site-in-home-country",
                        f"the polling place is in {mission.country}, the country of "
                        f"{mission.id} itself: a place of voting abroad is in another country "
                        "(write the host country's code)",
                        country=mission.country,
                        mission=mission.id,
                    )
                )
        when = rec["visited_at"]
        if when is None:
            continue
        vt = parse_visit_time(str(when))
        if vt is None:
            meant = iso_of_dmy_time(str(when))
            out.append(
                at(
                    rec,
                    "visited_at",
                    "invalid-visit-time",
                    f"{when!r} is not a date and time such as 2024-06-02T09:30"
                    + (f": {meant} if it is day/month/year" if meant else ""),
                    text=str(when),
                    **({"variant": "dmy", "meant": meant} if meant else {}),
                )
            )
            continue
        if mission is None:
            # A row of no known mission (rejected for it) has no voting days to check.
            continue
        first, last = mission.voting_days()
        if not first <= vt.day <= last:
            period = str(first) if first == last else f"{first} to {last}"
            out.append(
                at(
                    rec,
                    "visited_at",
                    "visit-outside-voting-period",
                    f"visit on {vt.day}, outside the voting abroad of {mission.id} ({period})",
                    day=str(vt.day),
                    mission=mission.id,
                    first=str(first),
                    last=str(last),
                    variant="day" if first == last else "days",
                )
            )
        if vt.moment is None:
            continue
        site = rec["site"]
        opens = opening.get((mission.id, site)) if isinstance(site, str) else None
        if opens is None and mission.voting_abroad is not None:
            opens = mission.voting_abroad.opens
        if opens is not None and vt.moment.time().replace(tzinfo=None) < opens:
            out.append(
                at(
                    rec,
                    "visited_at",
                    "visit-before-opening",
                    f"checklist at {vt.moment.time().isoformat('minutes')}, before the "
                    f"place opened ({opens.isoformat('minutes')})",
                    time=vt.moment.time().isoformat("minutes"),
                    opens=opens.isoformat("minutes"),
                )
            )
        if rec["observer"] is not None:
            timed.append((f"{rec['mission']}\x1f{rec['observer']}", _utc(vt.moment), rec))
    return out


def _travel(timed: list[tuple[str, dt.datetime, dict[str, object]]], at: _At) -> list[Issue]:
    """Consecutive visits of one observer to different places, too close in time."""
    out: list[Issue] = []
    timed.sort(key=lambda t: (t[0], t[1], int(str(t[2][ROW]))))
    for (k1, t1, r1), (k2, t2, r2) in itertools.pairwise(timed):
        if k1 != k2:
            continue
        gap = t2 - t1
        minutes = int(gap.total_seconds() // 60)
        if r1["site"] is None and r2["site"] is None:
            # Two visits naming no place may be at one place, a few minutes apart; in one
            # minute they are not two visits: one sent twice, or two places at once.
            if not minutes:
                out.append(_two_places(at, r1, r2, minutes, "at the same time"))
            continue
        if r1["site"] == r2["site"]:
            continue
        if gap < SAME_TIME:
            # Two visits in one minute are at the same time, not "within 0 minutes".
            when = (
                f"within {minutes} minute{'' if minutes == 1 else 's'}"
                if minutes
                else "at the same time"
            )
            out.append(_two_places(at, r1, r2, minutes, when))
        elif _other(r1, r2, "site_country", OTHER_COUNTRY, gap) or _other(
            r1, r2, "site_city", OTHER_CITY, gap
        ):
            out.append(_too_fast(at, r1, r2, minutes))
    return out


def _other(
    r1: Mapping[str, object],
    r2: Mapping[str, object],
    column: str,
    least: dt.timedelta,
    gap: dt.timedelta,
) -> bool:
    """Whether two visits are in another country (city) less than ``least`` apart: a country
    or city not given is no other one."""
    a, b = r1[column], r2[column]
    return a is not None and b is not None and a != b and gap < least


def _where(rec: Mapping[str, object]) -> str:
    """A visit's city and country as given (``Miami, USA``; ``USA`` without a city)."""
    return ", ".join(str(rec[c]) for c in ("site_city", "site_country") if rec[c] is not None)


def _too_fast(at: _At, r1: Mapping[str, object], r2: Mapping[str, object], minutes: int) -> Issue:
    """``observer-too-fast`` at the later visit ``r2``; a place with no name (left blank, or
    its name refused) is said to be so, as ``observer-two-places`` says it."""
    site, to_site = r1["site"], r2["site"]

    def place(name: object) -> str:
        return "a place with no name" if name is None else repr(name)

    variant = "from_unnamed" if site is None else "to_unnamed" if to_site is None else ""
    known = {
        k: str(v)
        for k, v in (
            ("site", site),
            ("city", r1["site_city"]),
            ("country", r1["site_country"]),
            ("to_site", to_site),
            ("to_city", r2["site_city"]),
            ("to_country", r2["site_country"]),
        )
        if v is not None
    }
    return at(
        r2,
        "visited_at",
        "observer-too-fast",
        f"observer {r2['observer']!r} goes from {place(site)} ({_where(r1)}) to "
        f"{place(to_site)} ({_where(r2)}) in {minutes} minutes",
        observer=str(r2["observer"]),
        **known,
        where=_where(r1),
        to_where=_where(r2),
        n=minutes,
        **({"variant": variant} if variant else {}),
    )


def _two_places(
    at: _At, r1: Mapping[str, object], r2: Mapping[str, object], minutes: int, when: str
) -> Issue:
    """``observer-two-places`` at the later visit ``r2``, naming the earlier one's row and
    file (two exports may hold one observer's visits); a place with no name (left blank, or
    its name refused) is said to be so."""
    site, other = r2["site"], r1["site"]

    def place(name: object) -> str:
        return "a place with no name" if name is None else repr(name)

    if site is None and other is None:
        # Nothing says the two are two places: only that they cannot both be visits.
        return at(
            r2,
            "visited_at",
            "observer-two-places",
            f"observer {r2['observer']!r} has another visit at the same time (row {r1[ROW]} of "
            f"{r1[FILE]}), neither naming its place: one visit sent twice, or two places at once",
            observer=str(r2["observer"]),
            row=int(str(r1[ROW])),
            file=str(r1[FILE]),
            variant="both_unnamed_same_time",
        )
    variant = "unnamed" if site is None else "other_unnamed" if other is None else ""
    if not minutes:
        variant = f"{variant}_same_time".lstrip("_")
    return at(
        r2,
        "visited_at",
        "observer-two-places",
        f"observer {r2['observer']!r} is at {place(site)} and at {place(other)} "
        f"(row {r1[ROW]} of {r1[FILE]}) {when}",
        observer=str(r2["observer"]),
        **({} if site is None else {"site": str(site)}),
        **({} if other is None else {"other": str(other)}),
        row=int(str(r1[ROW])),
        file=str(r1[FILE]),
        **({"n": minutes} if minutes else {}),
        **({"variant": variant} if variant else {}),
    )


def _identical(sites: pl.DataFrame, questions: list[str], at: _At) -> list[Issue]:
    """One observer's answers identical at many places: every visit of a group of visits with
    the same mission, observer and answers (at least IDENTICAL_ANSWERS given) at
    IDENTICAL_PLACES places or more, but the group's first."""
    if not questions or sites["observer"].null_count() == sites.height:
        # Without observers there is nobody to compare: no pass over every answer.
        return []
    index, first, places = "\x1findex", "\x1ffirst", "\x1fplaces"
    answered = pl.sum_horizontal([pl.col(q).is_not_null() for q in questions])
    keys = ["mission", "observer", *questions]
    found = (
        sites.with_row_index(index)
        .filter(pl.col("observer").is_not_null() & (answered >= IDENTICAL_ANSWERS))
        .with_columns(
            pl.col("site").n_unique().over(keys).alias(places),
            pl.col(index).min().over(keys).alias(first),
        )
        .filter(pl.col(places) >= IDENTICAL_PLACES)
    )
    if found.is_empty():
        return []
    firsts = {
        rec[index]: rec
        for rec in found.filter(pl.col(index) == pl.col(first))
        .select(index, ROW, FILE)
        .iter_rows(named=True)
    }
    shown = [c for c in sites.columns if c not in questions]
    out: list[Issue] = []
    for rec in (
        found.filter(pl.col(index) != pl.col(first))
        .sort(first, index)
        .select(*shown, first, places)
        .iter_rows(named=True)
    ):
        head = firsts[rec[first]]
        out.append(
            at(
                rec,
                None,
                "identical-answers",
                f"observer {rec['observer']!r} gave the same answers at "
                f"{rec[places]} places (as at row {head[ROW]} of {head[FILE]})",
                observer=str(rec["observer"]),
                n=int(rec[places]),
                row=int(head[ROW]),
                file=str(head[FILE]),
            )
        )
    return out
