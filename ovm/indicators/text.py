"""Words for readers: catalogue texts with an English fallback, numbers, rubric texts.

Kind and rule units describe themselves through these, so a report and any other writer say a
rule the same way. Languages the catalogue (:mod:`ovm.i18n`) lacks fall back to English.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import NamedTuple

from ovm.i18n import LANGUAGES, Translator, format_number, format_percent, punctuate


class Wording(NamedTuple):
    """Text for a reader; ``lang`` names its language when it is not the one asked for."""

    text: str
    lang: str | None = None


def say(msgid: str, lang: str, **params: object) -> str:
    """The catalogue text of ``msgid`` in ``lang`` (English if the catalogue lacks ``lang``),
    punctuated as the language writes it, the parameters too (``oui : 100`` in French)."""
    lang = _lang(lang)
    return punctuate(Translator(lang)(msgid, **params), lang)


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else "en"


def _digits(x: float) -> int:
    """Decimals a measured value needs: at most three, fewer as it grows."""
    if float(x).is_integer():
        return 0
    return 1 if abs(x) >= 100 else 2 if abs(x) >= 1 else 3


def number(x: float, lang: str) -> str:
    """A measured value: as many decimals as it needs, at most three, in ``lang``'s format."""
    return format_number(x, _lang(lang), _digits(x), trim=True)


def percent(x: float, lang: str) -> str:
    """A value already in percent (12.5) written as a percentage in ``lang``: 12.5% or 12,5 %."""
    return format_percent(x / 100, _lang(lang), _digits(x), trim=True)


def pick(text: Mapping[str, str], lang: str, fallback: str = "en") -> str:
    """Text in ``lang``, else the fallback language, else any."""
    if lang in text:
        return text[lang]
    if fallback in text:
        return text[fallback]
    return next(iter(text.values()), "")


def wording(text: Mapping[str, str] | str | None, lang: str) -> Wording:
    """A rubric text in ``lang``, else in English, else in any language it has (marked).

    A text in ``lang`` is punctuated as ``lang`` writes it (French spaces its colons), as the
    catalogue's texts are; a text in another language, or in none named, stays as written.
    """
    if text is None:
        return Wording("")
    if isinstance(text, str):
        return Wording(text)
    if text.get(lang):
        return Wording(punctuate(text[lang], lang))
    for other in ("en", *sorted(text)):
        if text.get(other):
            return Wording(text[other], other)
    return Wording("")


def in_language(text: Mapping[str, str] | str, lang: str) -> str:
    """A text in ``lang``, else in English, else in its first language (one word as given)."""
    if isinstance(text, str):
        return text
    return text.get(lang) or text.get("en") or next(iter(text.values()), "")


def unit_words(
    unit: Mapping[str, str] | str,
    one: Mapping[str, str] | str | None,
    lang: str,
    value: object = None,
) -> str:
    """A unit as it follows ``value`` in ``lang``: its singular ``one`` after exactly 1 (where
    the rubric gives one), else the unit."""
    if one is not None and is_one(value):
        return in_language(one, lang)
    return in_language(unit, lang)


def is_one(value: object) -> bool:
    """Whether a value is exactly 1 (the number a singular unit follows)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value == 1


@functools.cache
def unit_pattern(named: bool, lang: str) -> str:
    """How ``lang`` writes a number with its unit, ``{value}`` and ``{unit}`` unfilled: a
    measure after its number ("45 minutes"), a unit that names what the number is (a ratio,
    an index, a share: ``unit_is_name``) before it ("ratio of 1.2"), where "1.2 ratio" reads
    as a count of ratios."""
    return Translator(_lang(lang)).text("unit_name" if named else "unit_measure")


def with_unit(number: str, unit: str, named: bool, lang: str) -> str:
    """A number already written as ``lang`` writes it, with its unit as :func:`unit_pattern`
    places it; the number alone without a unit."""
    if not unit:
        return number
    return unit_pattern(named, lang).format_map({"value": number, "unit": unit})
