"""The fixed texts of ovm in every supported language, and numbers, dates and plurals by locale.

The texts live in gettext catalogues inside the package: ``ovm/locale/ovm.pot`` holds the
English source, ``ovm/locale/<lang>.po`` each translation, so translators work with the tools
they know (Poedit, Weblate, ``msgfmt --check``). Every entry is keyed by its ``msgctxt`` (the
msgid the code asks for, e.g. ``title_mission``); its ``msgid`` is the English text. Texts may
hold ``{name}`` placeholders (``python-brace-format``) filled by :meth:`Translator.__call__`.
An entry with a plural form picks it by the parameter ``n`` under the language's CLDR plural
rules. The catalogues are read once per language, when first asked for.

Numbers, percentages and dates follow the CLDR data of the language (through Babel). Labels
that come from the rubric (families, indicators, bands) are not here: the rubric carries them.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from babel import Locale

LANGUAGES = ("en", "es", "fr", "pt")
"""Languages of the reports and messages: English (the source) and its translations."""

DOMAIN = "ovm"
PLURAL_PARAMETER = "n"
"""The parameter whose value picks the plural form of a text that has one."""

_CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")


def _read(name: str) -> str:
    # Beside this module, where importlib.resources would find it too, after importing its
    # readers (over a millisecond of every command that says anything).
    from pathlib import Path

    return (Path(__file__).parent / "locale" / name).read_text(encoding="utf-8")


@functools.cache
def messages(lang: str) -> Mapping[str, tuple[str, ...]]:
    """Every text of ``lang`` by msgid: one form, or one per plural category of the language.

    An entry a catalogue leaves untranslated (empty or fuzzy) takes its English text, as gettext
    does; the tests keep every shipped catalogue complete.
    """
    _check(lang)
    english = _english()
    if lang == "en":
        return english
    forms = len(plural_categories(lang))
    out = dict(english)
    for m in read_catalogue(_read(f"{lang}.po"), plurals=forms):
        if not m.context or m.context not in english or m.fuzzy:
            continue
        strings = tuple(punctuate(x, lang) for x in m.strings)
        wanted = forms if len(english[m.context]) > 1 else 1
        if len(strings) == wanted and all(strings):
            out[m.context] = strings
    return out


@functools.cache
def _english() -> dict[str, tuple[str, ...]]:
    """The English source (``ovm.pot``), read once for every language.

    Kept in the user's cache folder (:mod:`ovm.cache`) for the next process too: scoring words
    its findings in English, so every command that scores read the whole source first. The
    kept texts are used only when they were made from the same source by the same reader (this
    module), and are plain data (JSON), checked as they are read.
    """
    text = _read(f"{DOMAIN}.pot")
    stamp = _english_stamp(text)
    kept = _kept_english(stamp) if stamp is not None else None
    if kept is not None:
        return kept
    english = {m.context: m.ids for m in read_catalogue(text) if m.context}
    if stamp is not None:
        _keep_english(stamp, english)
    return english


_KEPT_ENGLISH = "ovm-english/1"
_ENGLISH_ENTRY = f"{DOMAIN}.pot.json"


def _english_stamp(text: str) -> str | None:
    """What kept English texts must have been made from (the source, and this module, which
    reads it), or None when this module's file cannot be read (nothing is kept then)."""
    import hashlib
    import sys
    from pathlib import Path

    try:
        reader = Path(__file__).read_bytes()
    except (OSError, NameError):
        return None
    digest = hashlib.sha256(reader)
    digest.update("\0".join((_KEPT_ENGLISH, sys.version, text)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _english_folder() -> Path | None:
    from ovm.cache import user_cache_dir

    root = user_cache_dir()
    return None if root is None else root / "catalogues"


def _kept_english(stamp: str) -> dict[str, tuple[str, ...]] | None:
    """The English texts kept for ``stamp``, or None when there are none, or they are damaged,
    not the user's own or made from something else (the source is read again then)."""
    import json

    from ovm.cache import read_entry

    folder = _english_folder()
    data = None if folder is None else read_entry(folder, _ENGLISH_ENTRY)
    if data is None:
        return None
    try:
        kept = json.loads(data)
        if kept["format"] != _KEPT_ENGLISH or kept["stamp"] != stamp:
            return None
        texts = kept["texts"]
        out = {k: tuple(v) for k, v in texts.items() if isinstance(v, list)}
        if len(out) != len(texts) or not all(isinstance(x, str) for v in out.values() for x in v):
            return None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return out


def _keep_english(stamp: str, english: dict[str, tuple[str, ...]]) -> None:
    """Keep the English texts for the next process."""
    import json

    from ovm.cache import write_entry

    folder = _english_folder()
    if folder is None:
        return
    kept = {"format": _KEPT_ENGLISH, "stamp": stamp, "texts": english}
    write_entry(folder, _ENGLISH_ENTRY, json.dumps(kept, ensure_ascii=False).encode("utf-8"))


@dataclass(frozen=True)
class CatalogueEntry:
    """One entry of a gettext catalogue: its context, its msgid (and msgid_plural), its
    msgstr (one per plural form) and whether it is marked fuzzy."""

    context: str | None
    ids: tuple[str, ...]
    strings: tuple[str, ...]
    fuzzy: bool


_PO_ESCAPE = re.compile(r'\\([\\abfnrtv"])')
_PO_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_NPLURALS = re.compile(r"nplurals\s*=\s*([0-9]+)")


def _po_text(pieces: list[str]) -> str:
    """The text of a catalogue string written as quoted pieces, escapes undone."""
    return "".join(
        _PO_ESCAPE.sub(lambda m: _PO_ESCAPES.get(m[1], m[1]), p[1:-1]) if "\\" in p else p[1:-1]
        for p in pieces
    )


def read_catalogue(text: str, plurals: int = 2) -> list[CatalogueEntry]:
    """The entries of a gettext catalogue (``.po`` or ``.pot``) as Babel's reader gives them,
    obsolete ones (``#~``) left out; a plural entry has one string per plural form (the
    header's ``nplurals``, else ``plurals``), empty where the catalogue gives none.

    Read here, not by Babel: the catalogues are read at every start of a command that words a
    finding, and Babel's reader with its imports took five times as long."""
    out: list[CatalogueEntry] = []
    flags: list[str] = []
    context: list[str] | None = None
    ids: list[list[str]] = []
    strings: list[tuple[int, list[str]]] = []
    target: list[str] | None = None
    obsolete = False

    def finish() -> None:
        nonlocal context, target, obsolete, plurals
        if not ids:
            return
        if not strings:
            strings.append((0, ['""']))
        texts = tuple(_po_text(i) for i in ids)
        if len(ids) > 1:
            forms = [""] * plurals
            for k, pieces in sorted(strings, key=lambda t: t[0]):
                if k < plurals:
                    forms[k] = _po_text(pieces)
            got = tuple(forms)
        else:
            got = (_po_text(strings[0][1]),)
        name = _po_text(context) if context is not None else None
        if texts == ("",) and name is None:
            # The header: its plural forms count for the entries after it.
            found = _NPLURALS.search(got[0])
            plurals = int(found[1]) if found else plurals
        if not obsolete:
            out.append(CatalogueEntry(name, texts, got, "fuzzy" in flags))
        flags.clear()
        ids.clear()
        strings.clear()
        context, target, obsolete = None, None, False

    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        old = False
        if line[0] == "#":
            if line[1:2] != "~":
                finish()
                if line[1:2] == ",":
                    flags.extend(f.strip() for f in line[2:].lstrip().split(","))
                continue
            line, old = line[2:].lstrip(), True
            if not line:
                continue
        if line[0] == '"':
            if target is not None:
                target.append(line)
            continue
        keyword, _, arg = line.partition(" ")
        if keyword in ("msgid", "msgctxt"):
            finish()
        obsolete = old
        if keyword in ("msgid", "msgid_plural"):
            ids.append([arg])
            target = ids[-1]
        elif keyword == "msgctxt":
            context = [arg]
            target = context
        elif keyword == "msgstr" or keyword.startswith("msgstr["):
            _, bracket, index = keyword.partition("[")
            strings.append((int(index[:-1]) if bracket else 0, [arg] if arg != '""' else []))
            target = strings[-1][1]
        else:
            target = None
    finish()
    return out


def msgids() -> tuple[str, ...]:
    """Every msgid of the catalogue, in the order of the English source."""
    return tuple(messages("en"))


def has(msgid: str) -> bool:
    """Whether the catalogue holds ``msgid``."""
    return msgid in messages("en")


@functools.cache
def _locale(lang: str) -> Locale:
    from babel import Locale

    return Locale.parse(lang)


@functools.cache
def plural_categories(lang: str) -> tuple[str, ...]:
    """The CLDR plural categories of ``lang`` in catalogue order (``msgstr[0]``, ``[1]``...)."""
    tags = _locale(lang).plural_form.tags
    return tuple(c for c in _CLDR_ORDER if c in tags or c == "other")


def plural_index(count: float | Decimal, lang: str) -> int:
    """Which form of a plural entry a count takes in ``lang`` (CLDR rules)."""
    if lang == "en":
        return _english_plural(count)
    return plural_categories(lang).index(_locale(lang).plural_form(count))


def _english_plural(count: float | Decimal) -> int:
    """English's CLDR rule (``one``: ``i = 1 and v = 0``, else ``other``) as Babel applies it,
    without loading Babel's locale data: scoring words its notes in English, and a command
    that writes no other language need not load Babel at all."""
    if isinstance(count, Decimal):
        n = abs(count)
        # int() refuses NaN and infinity as Babel's operands do.
        if int(n) != 1:
            return 1
        # Visible fraction digits (1.0) make it "other".
        exponent = n.as_tuple().exponent
        return 0 if isinstance(exponent, int) and exponent >= 0 else 1
    x = abs(count)
    if int(x) != 1:
        return 1
    return 0 if x == 1 else 1


def _count(value: object, lang: str) -> float | Decimal | None:
    """A plural count from a parameter: a number, or a number as the language writes it."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return value
    from babel.numbers import NumberFormatError, parse_decimal

    try:
        return parse_decimal(str(value).strip(), locale=_locale(lang))
    except (NumberFormatError, ValueError, ArithmeticError):
        return None


NARROW_NBSP = "\u202f"
_HIGH_PUNCTUATION = re.compile(r"(`[^`]*`)|[ \u00a0\u202f]?([:;!?])(?=\s|$)")


def _spaced(found: re.Match[str]) -> str:
    return found[1] or NARROW_NBSP + found[2]


def punctuate(text: str, lang: str) -> str:
    """``text`` with the spacing of ``lang``'s punctuation: French sets a narrow no-break
    space before ``:`` ``;`` ``!`` and ``?`` (not inside ``09:15`` or ``https://``); the
    other languages are left as written. A code span (```headline: none```) is left as
    written in every language: it quotes what the user types, a colon of YAML."""
    if lang != "fr":
        return text
    return _HIGH_PUNCTUATION.sub(_spaced, text)


def colon(lang: str) -> str:
    """The colon after a label (``Mission:``), spaced as ``lang`` writes it."""
    return punctuate(":", lang)


def semicolon(lang: str) -> str:
    """The semicolon between two statements, spaced as ``lang`` writes it."""
    return punctuate(";", lang)


def _check(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; use one of {', '.join(LANGUAGES)}")


class Translator:
    """The catalogue in one language: ``t(msgid, **params)``; KeyError for an unknown msgid."""

    def __init__(self, lang: str) -> None:
        _check(lang)
        self.lang = lang

    def text(self, msgid: str, count: object = None) -> str:
        """The unfilled text of ``msgid``; ``count`` picks the plural form when it has one."""
        forms = messages(self.lang)[msgid]
        if len(forms) == 1:
            return forms[0]
        n = _count(count, self.lang)
        if n is None:
            return forms[-1]
        return forms[plural_index(n, self.lang)]

    @property
    def colon(self) -> str:
        """The colon after a label, spaced as the language writes it."""
        return colon(self.lang)

    @property
    def semicolon(self) -> str:
        """The semicolon between two statements, spaced as the language writes it."""
        return semicolon(self.lang)

    def __call__(self, msgid: str, **params: object) -> str:
        """The text of ``msgid`` with its ``{placeholders}`` filled from ``params``."""
        text = self.text(msgid, params.get(PLURAL_PARAMETER))
        return text.format_map(params) if params else text.replace("{{", "{").replace("}}", "}")

    def has(self, msgid: str) -> bool:
        """Whether the catalogue holds ``msgid``."""
        return has(msgid)


_NUMBER_TEXT = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
"""A number as a finding keeps it in its text parameters (``str`` of an int or a float)."""


def param_text(value: object, lang: str, *, text_numbers: bool = False) -> str:
    """A message parameter as ``lang`` writes it: numbers in its CLDR format, lists joined by
    commas, texts as given (ids, names and cells quoted from the data stay as recorded).

    ``text_numbers``: a text that is a number (``"12.5"``: findings keep their numbers as
    text) takes the language's decimal separator, and its whole part the language's grouping
    from five digits on (``"1376071"``: 1.376.071; a year or a four-digit code stays as
    written); its digits are kept as given.
    """
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return format_number(value, lang, 0)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return format_number(value, lang, 0)
        return format_number(value, lang, 6, trim=True) if math.isfinite(value) else str(value)
    if isinstance(value, list | tuple):
        return ", ".join(param_text(v, lang, text_numbers=text_numbers) for v in value)
    if isinstance(value, Mapping) and "en" in value:
        # A text given in every language (a country's name as ISO translates it).
        return str(value.get(lang, value["en"]))
    text = str(value)
    if text_numbers and lang != "en" and _NUMBER_TEXT.fullmatch(text):
        return _number_text(text, lang)
    # A control character quoted from the data is written as English messages write it
    # (their repr()): raw, it would act on the terminal that prints the message.
    return _CONTROL.sub(_escaped, text) if _CONTROL.search(text) else text


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _escaped(found: re.Match[str]) -> str:
    return repr(found.group())[1:-1]


def _number_text(text: str, lang: str) -> str:
    """A number's text (:data:`_NUMBER_TEXT`) as ``lang`` writes it, digit for digit (not
    rounded through a float); see :func:`param_text`."""
    sign = text[0] if text[0] in "+-" else ""
    whole, point, fraction = text.lstrip("+-").partition(".")
    # Up to 15 digits a float holds the whole part exactly.
    if 5 <= len(whole) <= 15:
        whole = format_number(int(whole), lang, 0)
    return sign + whole + (decimal_separator(lang) + fraction if point else "")


def placeholders(text: str) -> set[str]:
    """The names of the ``{placeholders}`` of a catalogue text."""
    import string

    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


NODE = "node"
NODES = "nodes"
METHOD = "method"
REGION = "region"

NAMED_PARAMS: Mapping[str, Mapping[str, str]] = {
    "finding_critical-indicator": {"indicator": NODE, "nodes": NODES},
    "finding_critical-indicator_none": {"indicator": NODE},
    "finding_critical-indicator_unreached": {"indicator": NODE},
    "finding_aggregation-undefined": {"method": METHOD},
    "finding_aggregation-undefined_cohort": {"method": METHOD, "group": NODE},
    "finding_interval-undefined": {"method": METHOD},
    "finding_undefined-child": {"names": NODES},
    "finding_undefined-child_cohort": {"group": NODE},
    "finding_imputation-failed_coverage": {"group": NODE},
    "finding_imputation-failed_group": {"group": REGION},
    "finding_imputation-failed_group_one": {"group": REGION},
    "finding_imputed-value_group": {"group": REGION},
    "finding_cohort-normalisation-undefined_few": {"method": METHOD},
    "finding_cohort-normalisation-undefined_same": {"method": METHOD},
    "finding_cohort-normalisation-undefined_interval_few": {"method": METHOD},
    "finding_cohort-normalisation-undefined_interval_same": {"method": METHOD},
    "finding_cohort-normalisation-undefined_node": {"method": METHOD, "indicator": NODE},
    "finding_comparative-no-target": {"target": NODE},
    "finding_comparative-no-target_adoption": {"target": NODE},
    "finding_comparative-no-target_alone": {"target": NODE},
    "finding_comparative-cycle": {"indicator": NODE, "target": NODE},
    "sens_note_headline_lowest": {"node": NODE},
    "sens_note_headline_highest": {"node": NODE},
    "sens_note_formula_readers": {"nodes": NODES},
    "issue_variable-not-given_table": {"nodes": NODES},
    "issue_variable-not-given_follow_up": {"nodes": NODES},
    "issue_variable-not-given_none": {"nodes": NODES},
    "issue_unknown-column_checklist_probably": {"question": NODE},
}
"""The parameters of a coded message that name a node of the rubric (``node``), a list of
them joined by ", " (``nodes``), an aggregation or normalisation method (``method``) or a
group of missions (``region``), by catalogue entry. They are recorded as ids (``geometric``,
``rights``, ``south-america``), which no sentence of another language should show:
:func:`coded` words them in the message's language (a method by the catalogue's ``agg_*`` or
``norm_*`` entry, a region by its CLDR name, a node by the name it is given)."""


def method_words(said: str, lang: str) -> str:
    """An aggregation or normalisation method as recorded (``geometric``, ``generalised
    (p=-1)``, ``minmax``) in ``lang``'s words: the catalogue's ``agg_*`` or ``norm_*`` entry,
    a generalised mean's exponent written with the language's decimal separator. A method
    the catalogue has no word for is said as recorded."""
    method, _, power = said.partition(" (p=")
    for kind in ("agg", "norm"):
        if has(f"{kind}_{method}"):
            word = gettext(f"{kind}_{method}", lang)
            break
    else:
        return said
    if not power:
        return word
    exponent = power.rstrip(")")
    return f"{word} (p = {exponent.replace('.', decimal_separator(lang))})"


def named_params(
    key: str, params: Mapping[str, object], lang: str, name: Callable[[str], str] | None
) -> dict[str, object]:
    """``params`` of the catalogue entry ``key`` with the methods and nodes they name in
    ``lang``'s words (:data:`NAMED_PARAMS`); nodes by ``name`` (an id to its label in
    ``lang``), left as ids without it."""
    roles = NAMED_PARAMS.get(key)
    if not roles:
        return dict(params)
    out = dict(params)
    for param, role in roles.items():
        value = out.get(param)
        if role == METHOD and isinstance(value, str):
            out[param] = method_words(value, lang)
        elif role == REGION and isinstance(value, str):
            from ovm.countries import region_name

            out[param] = region_name(value, lang)
        elif name is not None and isinstance(value, str):
            ids = value.split(", ") if role == NODES else [value]
            out[param] = ", ".join(name(i) for i in ids)
        elif name is not None and role == NODES and isinstance(value, list | tuple):
            out[param] = [name(i) if isinstance(i, str) else i for i in value]
    return out


def coded(
    kind: str,
    code: str,
    params: Mapping[str, object],
    lang: str,
    *,
    text_numbers: bool = False,
    name: Callable[[str], str] | None = None,
) -> str | None:
    """The catalogue's wording of a coded message (a data issue, a finding) in ``lang``.

    The entry is ``<kind>_<code>``, or ``<kind>_<code>_<variant>`` when ``params`` names a
    ``variant`` (one code, several sentences); its placeholders are filled from ``params``,
    each written as ``lang`` writes it, the methods and nodes they name in its words
    (:func:`named_params`, nodes by ``name``). None when the catalogue has no such entry or
    ``params`` lacks a part its text needs: the caller then says the message as recorded.
    ``text_numbers`` as in :func:`param_text`.
    """
    rest = dict(params)
    variant = rest.pop("variant", None)
    key = f"{kind}_{code}" + (f"_{variant}" if variant else "")
    if not has(key):
        return None
    t = Translator(lang)
    text = t.text(key, rest.get(PLURAL_PARAMETER))
    wanted = placeholders(text)
    if not wanted <= set(rest):
        return None
    rest = named_params(key, rest, lang, name)
    return text.format_map(
        {k: param_text(rest[k], lang, text_numbers=text_numbers) for k in wanted}
    )


def translator(lang: str) -> Translator:
    """The translator of ``lang`` (one of :data:`LANGUAGES`)."""
    return Translator(lang)


def gettext(msgid: str, lang: str, **params: object) -> str:
    """The text of ``msgid`` in ``lang``, placeholders filled."""
    return Translator(lang)(msgid, **params)


def count_text(n: int, lang: str) -> str:
    """A count as ``lang`` writes it: 1,220 in English, 1.220 in Spanish (English without
    loading Babel, as its plurals are chosen)."""
    return exact_number(n) if lang == "en" else format_number(n, lang, 0)


def counted(msgid: str, lang: str, **params: object) -> str:
    """:func:`gettext` whose whole numbers are counts, written as ``lang`` writes them
    (:func:`count_text`); the plural form is chosen by the number itself."""
    text = Translator(lang).text(msgid, params.get(PLURAL_PARAMETER))
    return text.format_map(
        {
            k: count_text(v, lang) if isinstance(v, int) and not isinstance(v, bool) else v
            for k, v in params.items()
        }
    )


def _near_half(x: float, digits: int) -> bool:
    """Whether ``x`` is so close to a half of its last decimal that Python's exact rounding
    and a spreadsheet's may differ (78.25, or 78.85 stored as 78.8499999999999943)."""
    y = abs(x) * 10.0**digits
    return abs(y - math.floor(y) - 0.5) <= max(1e-6, y * 1e-14)


def _spreadsheet(x: float, digits: int) -> Decimal:
    """``x`` rounded to ``digits`` decimals as a spreadsheet displays it: read at 15
    significant digits, halves away from zero."""
    return Decimal(format(x, ".15g")).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)


def _fixed(x: float, digits: int) -> Decimal:
    """``x`` rounded to ``digits`` decimals as every output shows it, no -0.

    The workbooks store exact numbers under number formats, which spreadsheets display at 15
    significant digits with halves away from zero (78.25 as 78.3): reports and messages round
    the same way, so that one score reads the same everywhere (Python's own rounding writes
    78.2)."""
    value = _spreadsheet(x, digits) if _near_half(x, digits) else Decimal(f"{x:.{digits}f}")
    return abs(value) if value == 0 else value


def fixed(x: float, digits: int = 1) -> str:
    """``x`` with ``digits`` decimals, rounded as every output rounds it (:func:`_fixed`): the
    plain figure of a message (78.3 for 78.25)."""
    if not math.isfinite(x):
        return str(x)
    return format(_fixed(x, digits), "f")


def rounded(x: float, digits: int) -> float:
    """``x`` rounded to ``digits`` decimals as every output shows it (see :func:`fixed`)."""
    if not math.isfinite(x) or not _near_half(x, digits):
        return round(x, digits)
    return float(_spreadsheet(x, digits))


@functools.cache
def _plain_symbols(lang: str) -> dict[int, str] | None:
    """What ``lang``'s CLDR decimal format changes in Python's ``f"{x:,.2f}"``: the decimal
    point and the group separator. None where the digits are grouped otherwise than by
    three (Indian grouping)."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    loc = _locale(lang)
    if loc.decimal_formats[None].grouping != (3, 3):
        return None
    return str.maketrans({",": get_group_symbol(loc), ".": get_decimal_symbol(loc)})


def number_param(x: float) -> int | float:
    """A number as a finding's parameter holds it: a whole number as an int, whose text
    (findings keep their parameters as text) is 1376071 where a float's is 1376071.0."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return int(x)
    return x


def exact_number(x: float) -> str:
    """A number as an English message writes it: exactly, whole numbers grouped by commas
    (1,376,072) and others with every digit they have (54.6, 1,234,567.5), never rounded to
    six figures as ``%g`` would (1.37607e+06, which can say a number is greater than itself)."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return str(x)
    if isinstance(x, int):
        return f"{x:,}"
    if not math.isfinite(x):
        return str(x)
    if x.is_integer() and abs(x) < 1e21:
        return f"{int(x):,}"
    return format(x, ",")


def format_number(x: float, lang: str, digits: int = 1, *, trim: bool = False) -> str:
    """A number with ``digits`` decimals in ``lang``'s CLDR format: 1,234.5 or 1.234,5.

    ``trim`` drops trailing zeros of the decimals (12.50 -> 12.5, 3.00 -> 3).
    """
    return number_formatter(lang, digits, trim)(x)


def faithful_digits(x: float, digits: int, keeps: Callable[[float], bool], most: int = 6) -> int:
    """The decimals that write ``x`` without carrying it over an edge: ``digits``, or more
    until the written figure still ``keeps`` (stays in x's band, below a threshold x is below).

    A score of 39.992 in a band that ends at 40 is written 39.99, not 40.0 beside the next
    band's range; ``most`` bounds the decimals: a figure closer to the edge than that is
    written with ``digits``."""
    d = digits
    while d <= most:
        if keeps(rounded(x, d)):
            return d
        d += 1
    # A figure a rounding error from the edge (39.99999999999999) reads as the edge itself:
    # six decimals of zeros would say nothing more.
    return digits


@functools.cache
def number_formatter(lang: str, digits: int = 1, trim: bool = False) -> Callable[[float], str]:
    """:func:`format_number` of ``lang``, ``digits`` and ``trim`` as a function of the number
    alone, made once: a report writes tens of thousands of numbers in one language."""
    symbols = _plain_symbols(lang)
    if symbols is None:
        return functools.partial(_babel_number, lang=lang, digits=digits, trim=trim)
    spec = f",.{digits}f"
    scale = 10.0**digits
    # English writes Python's own symbols: nothing to translate.
    translate = any(chr(k) != v for k, v in symbols.items())

    def plain(x: float) -> str:
        if not math.isfinite(x):
            return _babel_number(x, lang, digits, trim)
        # Babel's formatting takes ten times as long, and reports print tens of thousands of
        # numbers; the result is the same (checked against Babel for every language).
        # A figure far from a half of its last decimal rounds alike either way (most do;
        # :func:`_near_half`'s margin exceeds 0.01 of a decimal only from 10**12 of them).
        y = abs(x) * scale
        near = (0.49 < y % 1.0 < 0.51 or y >= 1e12) and _near_half(x, digits)
        text = format(_spreadsheet(x, digits) if near else x, spec)
        if text[0] == "-" and not text.strip("-0,."):
            text = text[1:]  # no -0
        if trim and digits:
            text = text.rstrip("0").rstrip(".")
        return text.translate(symbols) if translate else text

    return plain


def _babel_number(x: float, lang: str, digits: int, trim: bool) -> str:
    loc = _locale(lang)
    pattern = copy.copy(loc.decimal_formats[None])
    pattern.frac_prec = (0 if trim else digits, digits)
    return str(pattern.apply(_fixed(x, digits), loc))


def format_percent(share: float, lang: str, digits: int = 0, *, trim: bool = False) -> str:
    """A share (0.123) as a percentage in ``lang``'s CLDR format: 12%, 12 % or 12,3 %."""
    loc = _locale(lang)
    pattern = copy.copy(loc.percent_formats[None])
    pattern.frac_prec = (0 if trim else digits, digits)
    # Rounded on the percentage, as the number beside it would be.
    return str(pattern.apply(_fixed(100 * share, digits) / 100, loc))


def decimal_separator(lang: str) -> str:
    """The decimal separator of ``lang`` (CLDR)."""
    from babel.numbers import get_decimal_symbol

    return str(get_decimal_symbol(_locale(lang)))


def format_date(date: dt.date, lang: str) -> str:
    """A date written out in ``lang`` (CLDR long format): July 1, 2024 or 1 de julio de 2024."""
    from babel.dates import format_date as babel_date

    return str(babel_date(date, format="long", locale=_locale(lang)))
