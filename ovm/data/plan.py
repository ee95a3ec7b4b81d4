"""A planned polling place abroad, and ISO 3166 country codes read from what people write."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Protocol

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from ovm.data.reader import Reading, refused
from ovm.errors import Issue

_SHORT_TIME = re.compile(r"([0-9]{1,2}):([0-5][0-9])")


def _padded(value: object) -> object:
    """8:00 is 08:00: an hour written without its leading zero is no other time of day."""
    if isinstance(value, str):
        short = _SHORT_TIME.fullmatch(value.strip())
        if short is not None and int(short[1]) < 24:
            return f"{int(short[1]):02d}:{short[2]}"
    return value


def _local(value: dt.time) -> dt.time:
    """An opening hour is the place's own local time: one with an offset (or read from a number
    of seconds, which the schema takes as UTC) is no such time, and could not be compared with
    a visit's local time."""
    if value.tzinfo is not None:
        raise PydanticCustomError("time_offset", "a time of day without an offset, such as 08:00")
    return value


OpeningTime = Annotated[dt.time, BeforeValidator(_padded), AfterValidator(_local)]
"""When a place opens, local time (``08:00``; ``8:00`` is read as ``08:00``)."""


class PlannedPlace(BaseModel):
    """A polling place abroad the mission plans to visit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, StringConstraints(min_length=1)]
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    city: str | None = None
    tables: Annotated[int, Field(ge=0)] | None = None
    opens: OpeningTime | None = None


@functools.cache
def _names() -> dict[str, str]:
    """Country names (English, Spanish, French, Portuguese; common and official) -> alpha-3."""
    import gettext

    import pycountry

    out: dict[str, str] = {}
    langs = ("es", "fr", "pt")
    trans = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in langs
    ]
    for c in pycountry.countries:
        names = [
            getattr(c, a) for a in ("name", "official_name", "common_name") if getattr(c, a, None)
        ]
        for t in trans:
            names += [t.gettext(n) for n in list(names)]
        for n in names:
            out.setdefault(_fold(n), c.alpha_3)
    return out


def _fold(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"\s+", " ", "".join(ch for ch in plain if not unicodedata.combining(ch))).strip()


def country_code(text: str) -> str | None:
    """The ISO 3166 alpha-3 code a text names: the code itself (any case), an alpha-2 code,
    or the country's name in English, Spanish, French or Portuguese; None for none."""
    import pycountry

    t = text.strip()
    if re.fullmatch(r"[A-Za-z]{3}", t) and pycountry.countries.get(alpha_3=t.upper()):
        return t.upper()
    if re.fullmatch(r"[A-Za-z]{2}", t):
        found = pycountry.countries.get(alpha_2=t.upper())
        return str(found.alpha_3) if found else None
    return _names().get(_fold(t))


@functools.cache
def _alpha3() -> dict[str, str]:
    """Every ISO 3166-1 alpha-3 code, with the country's English name."""
    # pycountry's own table read without importing pycountry, which looks its version up in
    # the installed packages' metadata and indexes every country: thirty times as long, at the
    # start of every command that reads a missions file.
    spec = importlib.util.find_spec("pycountry")
    folders = list(spec.submodule_search_locations or ()) if spec is not None else []
    table = Path(folders[0], "databases", "iso3166-1.json") if folders else None
    if table is not None and table.is_file():
        countries = json.loads(table.read_text(encoding="utf-8"))["3166-1"]
        return {str(c["alpha_3"]): str(c["name"]) for c in countries}
    import pycountry

    return {str(c.alpha_3): str(c.name) for c in pycountry.countries}


def is_country(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-3 code as written (upper case)."""
    return code in _alpha3()


def near_countries(text: str) -> list[str]:
    """ISO 3166 alpha-3 codes a mistyped code may mean: the code the text names (lower case,
    alpha-2, a country's name), else codes one swap or one letter away (at most three)."""
    named = country_code(text)
    if named is not None and named != text:
        return [named]
    t = text.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", t):
        return []
    codes = _alpha3()
    swaps = [t[:i] + t[i + 1] + t[i] + t[i + 2 :] for i in range(2)]
    letters = [t[:i] + ch + t[i + 1 :] for i in range(3) for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    out: list[str] = []
    for cand in (*swaps, *letters):
        if cand != t and cand in codes and cand not in out:
            out.append(cand)
    return out[:3]


def country_label(code: str, lang: str) -> str:
    """The country's short name in ``lang`` (ISO 3166 names as translated by pycountry);
    the English name for a language without a translation, the code for an unknown code."""
    import gettext

    import pycountry

    found = pycountry.countries.get(alpha_3=code.upper())
    if found is None:
        return code
    name = str(getattr(found, "common_name", None) or found.name)
    if lang == "en":
        return name
    t = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
    translated = t.gettext(name)
    if translated == name and name != found.name:
        translated = t.gettext(str(found.name))
    return translated


def country_problem(text: str) -> str | None:
    """Why a text is not an ISO 3166 alpha-3 code (with the codes it may mean), or None."""
    if is_country(text):
        return None
    codes = _alpha3()
    near = near_countries(text)
    if near:
        shown = " or ".join(f"{c} ({codes[c]})" for c in near)
        hint = f": did you mean {shown}?"
    else:
        hint = ": write the country's ISO 3166-1 alpha-3 code, such as MEX for Mexico"
    return f"{text!r} is not an ISO 3166 alpha-3 country code{hint}"


def country_problem_params(text: str) -> dict[str, object]:
    """The parts of :func:`country_problem`'s message, by name: each code meant with the
    country's name in every language (``{"en": "PER (Peru)", "es": "PER (Perú)", ...}``)."""
    from ovm.i18n import LANGUAGES

    near = near_countries(text)
    if not near:
        return {"text": text}
    named = [{lang: f"{c} ({country_label(c, lang)})" for lang in LANGUAGES} for c in near]
    # One code is the one meant, not "one of" a list.
    return {"text": text, "variant": "near" if len(near) > 1 else "near_one", "near": named}


@dataclass(frozen=True)
class _Country:
    """Reads a cell as an ISO 3166 country code."""

    def __call__(self, text: str) -> Reading:
        problem = country_problem(text)
        if problem is None:
            return Reading("value", text)
        return refused("invalid-country", problem, **country_problem_params(text))


@dataclass(frozen=True)
class _Time:
    """Reads a cell as a time of day (``08:00``; ``8:00`` is the same time)."""

    def __call__(self, text: str) -> Reading:
        short = _SHORT_TIME.fullmatch(text.strip())
        if short is not None and int(short[1]) < 24:
            # 8:00 is 08:00: an hour without its leading zero is no other time of day.
            return Reading("value", f"{int(short[1]):02d}:{short[2]}")
        try:
            read = dt.time.fromisoformat(text)
        except ValueError:
            read = None
        if read is None or read.tzinfo is not None:
            # An opening hour is the place's local time, never one with an offset.
            return refused(
                "invalid-time", f"{text!r} is not a time of day such as 08:00", text=text
            )
        return Reading("value", read.isoformat("minutes"))


class PlaceFields(Protocol):
    """What the checks of a planned place read: its id, country code and city."""

    @property
    def id(self) -> str | None: ...

    @property
    def country(self) -> str | None: ...

    @property
    def city(self) -> str | None: ...


@dataclass(frozen=True)
class PlaceParts:
    """The fields of a planned place that read on their own, of a place (or a mission) whose
    other fields are refused: each None when it is absent or refused (its own error says so)."""

    id: str | None = None
    country: str | None = None
    city: str | None = None


_CODE = re.compile(r"[A-Z]{3}")


def place_parts(raw: object) -> PlaceParts:
    """The fields of a place as ``missions.yaml`` writes it that read on their own, so a place
    refused for one field (its opening hour, its tables) still has its id, country and city
    checked in the same run."""
    if not isinstance(raw, dict):
        return PlaceParts()
    ident, country, city = raw.get("id"), raw.get("country"), raw.get("city")
    return PlaceParts(
        ident if isinstance(ident, str) and ident else None,
        # A code of another shape is refused by the place's own validation.
        country if isinstance(country, str) and _CODE.fullmatch(country) else None,
        city if isinstance(city, str) else None,
    )


def place_issues(
    places: Sequence[PlaceFields],
    file: str,
    locate: Callable[[int, str], tuple[int | None, int | None]],
) -> list[Issue]:
    """Problems with the places a mission lists in ``missions.yaml`` (``locate(index, field)``
    gives the line and column): a code that names no country, a place listed twice. A field
    None is not checked."""
    out = []
    seen: set[str] = set()
    for j, p in enumerate(places):
        problem = None if p.country is None else country_problem(p.country)
        if problem and p.country is not None:
            line, col = locate(j, "country")
            out.append(
                Issue(
                    file,
                    line,
                    col,
                    "invalid-country",
                    problem,
                    ("places", j, "country"),
                    "error",
                    "data",
                    params=country_problem_params(p.country),
                )
            )
        if p.id is None:
            continue
        if p.id in seen:
            line, col = locate(j, "id")
            out.append(
                Issue(
                    file,
                    line,
                    col,
                    "duplicate-place",
                    f"place {p.id!r} is listed twice",
                    ("places", j, "id"),
                    "error",
                    "data",
                    params={"variant": "plan", "place": p.id},
                )
            )
        seen.add(p.id)
    return out
