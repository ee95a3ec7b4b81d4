"""One table reader: what each column of a table means, what each cell says, why a row is refused.

Every table ovm reads (statistics, the answers sheet, wide composite-index tables, observer
checklists, KoboToolbox and ODK Central exports, the filled-in data template) comes off disk
through :func:`ovm.data.tables.read_table` and is then read through the :class:`Column` specs
of its format: each loader is a configuration of this module. Reasons are :class:`Issue` s
located at file, row and column, with a stable code; an :class:`Account` keeps every row used
or rejected with its reasons and makes the :class:`FileReport`. The same cell text means the
same in every table:

- A row with no cell filled is no data: the table reader leaves it out
  (:func:`ovm.data.tables.without_blank_rows`).
- An empty cell (or one of blanks only) is missing, and so are ``missing``, ``not observed``,
  ``not_observed`` and ``?``; in an observer checklist, missing is "not observed".
- ``na``, ``n/a``, ``not applicable``, ``not_applicable``, ``no aplica`` and ``nsnc`` mark what
  does not apply; a column that does not allow it refuses the cell
  (``not-applicable-not-allowed``).
- A number is ASCII digits with an optional sign, a ``.`` decimal point and an optional
  exponent (``12.5``, ``-3``, ``.5``, ``1e3``); its whole part may be grouped by commas in
  threes (``1,234``, ``-12,345.5``). ``1 234``, ``12,5``, ``1_000`` and digits of other
  scripts are no numbers (``invalid-number``): a comma is read where it can only group
  thousands. ``inf``, ``infinity`` and ``nan`` (any case, either sign) are numbers but not
  finite (``not-finite``). ``-0`` is 0.
- Yes and no: ``yes y sí si true oui sim`` and ``no n false non não nao``, and the numbers 1 and
  0 (``1``, ``1.0``). Where an answer may be partial, ``partial``, ``parcial``, ``partiel``.
  A choice, level key or confidence matches whatever its case.
- Words compare without surrounding blanks (Unicode White_Space, what Polars strips), in lower
  case, runs of inner blanks as one space.

Deliberate differences, each a setting of its format, not a parser of its own:

- A wide table (:func:`ovm.data.wide.observations_from_wide`) reads ``NA`` as missing unless
  told ``na_means="not_applicable"``: R writes a missing value so. A NaN *number* in a Polars
  frame given to it is missing: the frame's own missing value (the *text* ``nan`` is not
  finite there as everywhere).
- A yes/no flag (a checklist's ``simulated``, an export's 1/0 column per choice) takes yes and
  no only; ``missing`` or ``na`` there is ``invalid-flag``, not a silent "no".
- Free text (a provenance source or note) is kept as written: no word is special in it; a
  control character refuses the cell (:class:`ProvenanceText`), not the figure.
- A missing cell of the answers table gives no answer where a statistic keeps a missing value:
  the same meaning, each model's way of holding it.

Large checklists are read column-wise: a column's distinct cells are each read once through its
:class:`Column` and then looked up per cell (:func:`codes`), and numbers are cast by Polars,
whose reading of a text as a number is this module's grammar (the cells Polars cannot cast, such
as ``1,234``, are read here); rejected rows then get their reasons from the same
:meth:`Column.read`, so both paths give the same meaning and the same codes.
"""

from __future__ import annotations

import bisect
import dataclasses
import decimal
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Protocol, overload

import polars as pl
from pydantic import Field

from ovm.data.tables import BLANKS, ROW, cell_text
from ovm.errors import Issue, Severity
from ovm.i18n import exact_number
from ovm.nearest import CHOICE_WORDS, closest

MISSING_WORDS = frozenset({"missing", "not_observed", "not observed", "?"})
NA_WORDS = frozenset({"na", "n/a", "not_applicable", "not applicable", "no aplica", "nsnc"})
YES_WORDS = frozenset({"yes", "y", "sí", "si", "true", "1", "oui", "sim"})
NO_WORDS = frozenset({"no", "n", "false", "0", "non", "não", "nao"})
PARTIAL_WORDS = frozenset({"partial", "parcial", "partiel"})
CONFIDENCE = ("high", "medium", "low")
CONFIDENCE_WORDS: Mapping[str, str] = CHOICE_WORDS
"""A confidence level as a mission team writing Spanish, French or Portuguese writes it."""
PROVENANCE_FIELDS = ("source", "date", "confidence", "recorded_by", "note")

_BLANK_RUN = re.compile(f"[{re.escape(BLANKS)}]+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?")
_NOT_FINITE = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)


# --- cells and words -------------------------------------------------------------------------


def clean(cell: object) -> str | None:
    """A cell as text without surrounding blanks; None for an empty cell."""
    if isinstance(cell, float) and math.isnan(cell):
        return None
    text = cell if isinstance(cell, str) else cell_text(cell)
    if text is None:
        return None
    return text.strip(BLANKS) or None


def word(text: str) -> str:
    """A cell's text as compared with words: lower case, inner blanks as one space, accents
    composed (a ``sí`` typed with a combining accent is ``sí``)."""
    return unicodedata.normalize("NFC", _BLANK_RUN.sub(" ", text.strip(BLANKS)).lower())


def parse_number(text: Any) -> float | None:
    """A float (finite or not) from a number or a number's text; None when it is no number."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return float(text)
    if not isinstance(text, str):
        return None
    t = text.strip(BLANKS)
    if _NUMBER.fullmatch(t) or _NOT_FINITE.fullmatch(t):
        return float(t) + 0.0  # -0 is 0
    if _GROUPED.fullmatch(t):
        return float(t.replace(",", "")) + 0.0
    return None


def yes_no(text: str) -> bool | None:
    """True for a yes word or 1, False for a no word or 0, None for anything else."""
    w = word(text)
    if w in YES_WORDS:
        return True
    if w in NO_WORDS:
        return False
    x = parse_number(w)
    return None if x is None or x not in (0.0, 1.0) else x == 1.0


# --- readings and parsers --------------------------------------------------------------------

ReadingStatus = Literal["value", "missing", "not_applicable", "invalid"]


@dataclass(frozen=True)
class Reading:
    """What one cell says: a value, missing, not applicable, or why it cannot be read."""

    status: ReadingStatus
    value: float | str | bool | None = None
    code: str = ""
    message: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)
    """The message's parts by name, to say it in another language (:class:`Issue`)."""


MISSING = Reading("missing")
NOT_APPLICABLE = Reading("not_applicable")


def refused(code: str, message: str, **params: Any) -> Reading:
    """A cell that cannot be read, with the code, message and message parts of its reason."""
    return Reading("invalid", None, code, message, params)


QUOTED_CHARS = 60
"""The characters of a refused cell a message quotes (a cell may hold megabytes)."""


def shortened(text: str) -> str:
    """``text`` as a message quotes it: whole up to :data:`QUOTED_CHARS`, else that many
    characters then an ellipsis."""
    return text if len(text) <= QUOTED_CHARS else text[:QUOTED_CHARS] + "\u2026"


def bounded(reading: Reading, text: str) -> Reading:
    """``reading`` of the cell ``text`` quoting it :func:`shortened`, in its message and in
    its parameters alike."""
    short = shortened(text)
    if reading.status != "invalid" or short == text:
        return reading
    message = reading.message.replace(repr(text), repr(short)).replace(text, short)
    params = {k: short if v == text else v for k, v in reading.params.items()}
    return dataclasses.replace(reading, message=message, params=params)


class Parser(Protocol):
    """Reads the text of a cell that is neither empty nor a missing or not-applicable word."""

    def __call__(self, text: str) -> Reading: ...


def _invalid_number(text: str, name: str, rule: NumberRule | None = None) -> Reading:
    """Why ``text`` is no number, with the number meant when the column would take it (a
    count given 12,5 is offered nothing: 12.5 would be refused next)."""
    hint, variant, meant = "", "", ""
    if re.fullmatch(r"[+-]?[0-9]+,[0-9]{1,2}|[+-]?[0-9]+,[0-9]{4,}", text):
        variant, meant = "comma", text.replace(",", ".")
        hint = (
            f": did you mean {meant}? The decimal point is '.', a comma "
            "only groups thousands (1,234.5)"
        )
    elif re.fullmatch(r"[+-]?[0-9]{1,3}((\.[0-9]{3}){2,}(,[0-9]+)?|(\.[0-9]{3})+,[0-9]+)", text):
        # Dots grouping thousands, as Spanish and many other locales write them.
        variant, meant = "dots", text.replace(".", "").replace(",", ".")
        hint = (
            f": did you mean {meant}? Write the digits together, or grouped by commas (41,300,000)"
        )
    elif re.fullmatch(r"[+-]?[0-9]{1,3}([ _\u00a0\u202f'][0-9]{3})+([.,][0-9]+)?", text):
        variant = "spaces"
        hint = ": write the digits together, or grouped by commas (1,234)"
    if meant and rule is not None and rule.problem(float(meant)) is not None:
        hint, variant, meant = "", "", ""
    extra = {"variant": variant, "meant": meant} if variant else {}
    return refused(
        "invalid-number", f"'{text}' is not a number ({name}){hint}", text=text, name=name, **extra
    )


DOT_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}\.[0-9]{3}")
"""One dot before three digits: how many languages group a whole number's thousands."""

DOT_THOUSANDS_ONLY = re.compile(r"[+-]?[1-9][0-9]{0,2}\.[0-9]{3}")
"""A number that reads as a decimal and as dot-grouped thousands alike (12.500), never a
share's 0.125."""

_WORKBOOK = re.compile(r"\.xls[xm](\[.*\])?$", re.IGNORECASE)
"""How :class:`Account` names a workbook's table (``data.xlsx[answers]``)."""


_ROUNDING = 1e-9
"""How far from a whole number, relative to it, a count may be and still be a computation's
rounding error (a double carries about 16 digits; a formula's result loses a few)."""
_LIST_SEPARATORS = re.compile(r"[,;|]")
"""What a list of choices may be written with, where ovm reads them separated by spaces."""


def _written(x: float) -> str:
    """A number in an English message exactly (:func:`ovm.i18n.exact_number`): whole numbers
    without a decimal point, grouped by commas as a cell may write them, others with every
    digit they have (997,033.4, never %g's 997033)."""
    return exact_number(x)


def _as_written(x: float, text: str | None) -> str:
    """A refused number as a message quotes it: the cell's text as written, blanks around it
    left out; :func:`_written` where no cell gave it (a value of missions.yaml)."""
    return _written(x) if text is None else text.strip(BLANKS)


@dataclass(frozen=True)
class NumberRule:
    """The numbers a column takes: cell by cell (:meth:`problem`) and column-wise (:meth:`ok`).

    ``count`` refuses a negative number as ``negative-count``; ``values`` lists the only
    numbers allowed; ``yes_no`` also reads yes and no as 1 and 0 (a boolean variable).
    """

    name: str
    unit: str | None = None
    whole: bool = False
    count: bool = False
    minimum: float | None = None
    maximum: float | None = None
    values: tuple[float, ...] = ()
    yes_no: bool = False
    percent: Literal["percent", "share"] | None = None
    """How a percentage (``54.6%``, as a workbook's cell of a percent format shows 0.546) is
    read: as the number of percent (a ``percent`` variable, or one in ``%``), as a share of 1
    (a ``share``), or refused (``percent-format``) where the column takes neither."""

    def __call__(self, text: str) -> Reading:
        """The number a cell's text gives, or the reason it gives none this column takes."""
        bare = text.strip(BLANKS)
        if bare.endswith("%") and parse_number(bare[:-1]) is not None:
            return self._percentage(text, bare[:-1].strip(BLANKS))
        x = parse_number(text)
        negative = self.count and x is not None and x < 0
        if (
            self.whole
            and x is not None
            and not negative
            and DOT_THOUSANDS.fullmatch(text.strip(BLANKS))
        ):
            # 12.000 in a count is twelve thousand as Spanish and Portuguese write it, never
            # twelve: read as a decimal point it would lose three digits without a word. A
            # negative count is refused as negative, whatever its digits: that is the fix.
            meant = text.strip(BLANKS).replace(".", "")
            return refused(
                "not-integer",
                f"{self.name} takes whole numbers, and '{text}' reads as {_written(x)} with a "
                f"decimal point: did you mean {meant}? Write the digits together, or grouped by "
                "commas (12,000)",
                name=self.name,
                # as written in English in every language: a decimal comma beside the
                # thousands it stands for would read as another number
                value=_written(x),
                text=text,
                variant="grouped",
                meant=meant,
            )
        if x is None and self.yes_no:
            flag = yes_no(text)
            x = None if flag is None else float(flag)
        if x is None:
            return _invalid_number(text, self.name, self)
        return self.reading(x, text)

    def _percentage(self, text: str, number: str) -> Reading:
        """A cell written as a percentage, ``number`` before its ``%``."""
        if self.percent is None:
            return refused(
                "percent-format",
                f"'{text}' is a percentage, and {self.name} is not one: write the number itself "
                "(in a workbook, without the cell's percent format)",
                text=text,
                name=self.name,
            )
        x = parse_number(number)
        assert x is not None
        if self.percent == "share" and math.isfinite(x):
            # 54.6 % of 1 is 0.546 exactly as written, not 54.6 / 100's 0.5459999999999999
            x = float(decimal.Decimal(number.replace(",", "")).scaleb(-2))
        return self.reading(x, text)

    def reading(self, x: float, text: str) -> Reading:
        """The number ``x`` the cell ``text`` gives: its value, or the refusal of
        :meth:`problem` with its message's parts."""
        problem = self.problem(x, text)
        if problem is None:
            return Reading("value", x)
        code, message, variant = problem
        return refused(code, message, **self.problem_params(x, text, variant))

    def problem(self, x: float, text: str | None = None) -> tuple[str, str, str] | None:
        """(code, message, variant) when ``x``, read from the cell ``text``, is not a number
        this column takes, else None; :meth:`problem_params` gives the message's parts."""
        # The cell as typed, as the catalogue quotes it: its float reads back as inf.
        shown = f"'{text}'" if text is not None else _written(x)
        if not math.isfinite(x):
            return "not-finite", f"{shown} is not a finite number", ""
        value = _as_written(x, text)
        if self.count and x < 0:
            return "negative-count", f"{self.name} is a count and cannot be {value}", ""
        if self.whole and not x.is_integer():
            whole = round(x)
            if abs(x - whole) <= _ROUNDING * max(1.0, abs(x)):
                # What a spreadsheet's formula leaves (=B3*0.3 shown 60000, held as
                # 60000.00000000001): the cell shows a whole number the message must explain.
                return (
                    "not-integer",
                    f"{self.name} takes whole numbers, not {value}: the cell holds a "
                    f"value computed a rounding error away from {_written(whole)}; round it "
                    "where it is computed (ROUND(..., 0) in a spreadsheet)",
                    "computed",
                )
            return "not-integer", f"{self.name} takes whole numbers, not {value}", ""
        if self.values and x not in self.values:
            allowed = " or ".join(_written(v) for v in self.values)
            return "out-of-range", f"{self.name} is {allowed}, not {value}", "values"
        low, high = self.minimum, self.maximum
        if (low is not None and x < low) or (high is not None and x > high):
            if low is not None and high is not None:
                return (
                    "out-of-range",
                    f"{self.name} is between {_written(low)} and {_written(high)}, not {value}",
                    "between",
                )
            if low is not None:
                return (
                    "out-of-range",
                    f"{self.name} must be at least {_written(low)}, not {value}",
                    "min",
                )
            if high is not None:
                return (
                    "out-of-range",
                    f"{self.name} must be at most {_written(high)}, not {value}",
                    "max",
                )
        return None

    def problem_params(self, x: float, text: str | None, variant: str) -> dict[str, Any]:
        """The parts of the message :meth:`problem` gave ``x`` with ``variant``, by name, to
        word it in another language."""
        # The cell as written (the text the user searches the file for), never the number
        # reformatted in the message's language: 1234.5 is not 1.234,5 in the file.
        out: dict[str, Any] = {
            "name": self.name,
            "value": x if text is None else text.strip(BLANKS),
        }
        if text is not None:
            out["text"] = text
        if variant:
            out["variant"] = variant
        if variant == "computed":
            # Every digit the cell holds, which a number's usual six decimals would round to
            # the whole number the message explains.
            if text is None:
                out["value"] = repr(x)
            out["whole"] = float(round(x))
        if self.values:
            out["allowed"] = list(self.values)
        if self.minimum is not None:
            out["low"] = self.minimum
        if self.maximum is not None:
            out["high"] = self.maximum
        return out

    def ok(self, x: pl.Expr) -> pl.Expr:
        """Column-wise :meth:`problem` is None, for a Float64 expression."""
        out = x.is_finite()
        if self.count:
            out = out & (x >= 0)
        if self.whole:
            out = out & (x == x.floor())
        if self.values:
            out = out & x.is_in(list(self.values))
        if self.minimum is not None:
            out = out & (x >= self.minimum)
        if self.maximum is not None:
            out = out & (x <= self.maximum)
        return out


@dataclass(frozen=True)
class Choices:
    """A cell naming one of ``names`` (``multiple``: several, separated by blanks), any case.

    ``yes_no`` reads yes and no words as the choices ``yes`` and ``no``; the partial words name
    ``partial`` where it is a choice.
    """

    name: str
    names: tuple[str, ...]
    multiple: bool = False
    yes_no: bool = False
    code: str = "invalid-answer"
    noun: str = "answer"
    synonyms: Mapping[str, str] = field(default_factory=dict)
    """Other words for the choices (``alta`` for ``high``), by word."""
    _by_word: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_word: dict[str, str] = {}
        # Exact names first: one differing from another only by case keeps its own cells.
        for n in self.names:
            by_word.setdefault(word(n), n)
        for w, n in self.synonyms.items():
            if n in self.names:
                by_word.setdefault(word(w), n)
        if self.yes_no:
            by_word |= {w: "yes" for w in YES_WORDS if "yes" in self.names}
            by_word |= {w: "no" for w in NO_WORDS if "no" in self.names}
        if "partial" in self.names:
            by_word |= dict.fromkeys(PARTIAL_WORDS, "partial")
        object.__setattr__(self, "_by_word", by_word)

    def pick(self, text: str) -> str | None:
        """The choice a text names, or None."""
        if text in self.names:
            return text
        found = self._by_word.get(word(text))
        if found is None and self.yes_no:
            flag = yes_no(text)
            found = None if flag is None else ("yes" if flag else "no")
            found = found if found in self.names else None
        return found

    def __call__(self, text: str) -> Reading:
        """The choice (``multiple``: the choices, blank-separated) a cell names."""
        if self.multiple:
            picked = [self.pick(t) for t in word(text).split(" ")]
            if all(p is not None for p in picked):
                return Reading("value", " ".join(p for p in picked if p is not None))
        else:
            one = self.pick(text)
            if one is not None:
                return Reading("value", one)
        said = f"{text!r} is not an allowed {self.noun} for {self.name} ({', '.join(self.names)})"
        hint, extra = "", {}
        if self.multiple:
            # Choices written with commas or semicolons, as a list is written elsewhere: each
            # is a choice, and the cell wants them separated by spaces.
            parts = [p for p in _LIST_SEPARATORS.split(text) if p.strip(BLANKS)]
            chosen = [self.pick(word(p)) for p in parts] if len(parts) > 1 else []
            if chosen and all(c is not None for c in chosen):
                spaced = " ".join(c for c in chosen if c is not None)
                hint = f": choices are separated by spaces: did you mean {spaced!r}?"
                extra = {"variant": "spaced", "meant": spaced}
        else:
            # A word of the cell names a level only where the choices have words of other
            # languages (a confidence, ``muy alta``): an answer's ``no sé`` does not mean no.
            meant = closest(
                word(text), self.names, synonyms=self.synonyms, words=bool(self.synonyms)
            )
            if meant is not None:
                hint, extra = f": did you mean {meant}?", {"variant": "meant", "meant": meant}
        if not extra and self.names == CONFIDENCE:
            # A confidence level may be written in the team's language (alta, élevée): the
            # other languages say so, as missions.yaml's and ovm.yaml's refusal of one does.
            extra = {"variant": "level"}
        return refused(
            self.code, said + hint, text=text, name=self.name, allowed=list(self.names), **extra
        )


@dataclass(frozen=True)
class Flag:
    """A yes/no cell that is not an observation: yes or no, nothing else."""

    name: str

    def __call__(self, text: str) -> Reading:
        """True or False, or ``invalid-flag``."""
        flag = yes_no(text)
        if flag is None:
            return refused(
                "invalid-flag",
                f"{text!r} is not yes or no ({self.name})",
                text=text,
                name=self.name,
            )
        return Reading("value", flag)


@dataclass(frozen=True)
class Text:
    """Free text, kept as written."""

    def __call__(self, text: str) -> Reading:
        """The text itself."""
        return Reading("value", text)


CONTROL_CHARACTERS = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]"
"""A control character other than tab and line breaks (a note's ``\\r\\n`` is kept), as a
regular expression (Python's and Polars'): NUL, ESC and their kind are no text a report can
show."""
CONTROL_LIST = [chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))]
"""The characters :data:`CONTROL_CHARACTERS` matches, one by one: Polars finds any of a list in
a column in half the time its regular expression takes."""


@dataclass(frozen=True)
class PlainText:
    """A visit's free text (``column``) without control characters: one (a NUL, an ESC pasted
    from a terminal) refuses the cell (``control-character``), which a report could not show.
    The visit is used without that text, as without an answer refused; a visit without its
    ``site`` is a polling place of its own, as one whose site is blank."""

    column: str

    def __call__(self, text: str) -> Reading:
        """The text itself, or why it is refused and what the visit is without it."""
        if not re.search(CONTROL_CHARACTERS, text):
            return Reading("value", text)
        if self.column == "site":
            return refused(
                "control-character",
                "a control character (such as BEL or ESC) is in site: remove it (the visit is "
                "used without its site, as a polling place of its own)",
                variant="site",
            )
        return refused(
            "control-character",
            f"a control character (such as BEL or ESC) is in {self.column}: remove it (the "
            f"visit is used without its {self.column})",
            variant="visit",
            column=self.column,
        )


@dataclass(frozen=True)
class RowText:
    """A text cell (``column``) of a table whose rows are used whole or rejected, such as a
    planned place's id or city: a control character (a NUL, an ESC pasted from a terminal)
    refuses the cell, and so the row, as no report could show it."""

    column: str

    def __call__(self, text: str) -> Reading:
        """The text itself, or why it is refused."""
        if not re.search(CONTROL_CHARACTERS, text):
            return Reading("value", text)
        return refused(
            "control-character",
            f"a control character (such as BEL or ESC) is in {self.column}: remove it",
            variant="column",
            name=self.column,
        )


@dataclass(frozen=True)
class ProvenanceText:
    """A figure's or an answer's free-text provenance (``column``: a ``source`` or ``note``
    column) without control characters: one (a BEL, an ESC pasted from a terminal) refuses
    the cell (``control-character``), which no report could show. The figure or answer is
    still used, without that part of its provenance."""

    column: str

    def __call__(self, text: str) -> Reading:
        """The text itself, or why it is refused and that what it describes is used without
        it."""
        if not re.search(CONTROL_CHARACTERS, text):
            return Reading("value", text)
        return refused(
            "control-character",
            f"a control character (such as BEL or ESC) is in {self.column}: remove it (what it "
            "describes is used without it)",
            variant="provenance",
            name=self.column,
        )


@dataclass(frozen=True)
class Column:
    """One column of a format: its header, what it means, and how its cells are read.

    ``target`` is what the column gives (a variable or indicator id; the header by default).
    ``words`` says whether the missing and not-applicable words mean missing and not
    applicable here (not in a flag or free text); ``not_applicable`` whether the column allows
    it; ``missing_words`` the words that mean missing.
    """

    name: str
    parser: Parser
    meaning: str = ""
    required: bool = False
    target: str = ""
    words: bool = True
    not_applicable: bool = True
    missing_words: frozenset[str] = MISSING_WORDS

    @property
    def id(self) -> str:
        """What the column gives: its target, else its header."""
        return self.target or self.name

    def read(self, cell: object) -> Reading:
        """What one cell of this column says."""
        text = clean(cell)
        if text is None:
            return MISSING
        if self.words:
            w = word(text)
            if w in self.missing_words:
                return MISSING
            if w in NA_WORDS:
                if self.not_applicable:
                    return NOT_APPLICABLE
                return refused(
                    "not-applicable-not-allowed",
                    f"{self.id} does not allow 'not applicable'",
                    name=self.id,
                )
        return bounded(self.parser(text), text)


def codes(
    column: Column, cells: Iterable[object], code_of: Callable[[Reading], Any]
) -> dict[Any, Any]:
    """``code_of`` the reading of each distinct cell (``invalid`` readings included)."""
    return {c: code_of(column.read(c)) for c in cells if c is not None}


def number_expr(column: str) -> pl.Expr:
    """A text column cast to numbers column-wise: the cells :func:`parse_number` reads as it
    does, null for the others (grouped digits among them: read those with :func:`codes`)."""
    return pl.col(column).cast(pl.Float64, strict=False) + 0.0


# --- the account of rows ---------------------------------------------------------------------


@dataclass(frozen=True)
class RejectedRow:
    """A data row that was not used, with every reason."""

    file: str
    row: int
    mission: str | None
    reasons: tuple[Issue, ...]


class _LazyRows(Sequence[RejectedRow]):
    """Rejected rows made when looked at; equal to any sequence of the same rows."""

    def __len__(self) -> int:
        raise NotImplementedError

    def _row(self, k: int) -> RejectedRow:
        raise NotImplementedError

    @overload
    def __getitem__(self, i: int) -> RejectedRow: ...

    @overload
    def __getitem__(self, i: slice) -> list[RejectedRow]: ...

    def __getitem__(self, i: int | slice) -> RejectedRow | list[RejectedRow]:
        if isinstance(i, slice):
            return [self._row(k) for k in range(*i.indices(len(self)))]
        return self._row(range(len(self))[i])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        # Hashed as the tuple of its rows, which it equals (a report stays hashable).
        return hash(tuple(self))

    def __reduce__(self) -> tuple[type[tuple[RejectedRow, ...]], tuple[tuple[RejectedRow, ...]]]:
        # The rows are made from closures over the table read: a copy or a pickle holds the
        # rows themselves, as a tuple.
        return (tuple, (tuple(self),))


class RejectedRows(_LazyRows):
    """Rows rejected for one reason each, kept as columns: each :class:`RejectedRow` is made
    when it is looked at, so a table of another cohort (300,000 rows naming unknown missions)
    is accounted for row by row without building every row's objects up front.

    ``reason(i)`` is the issue of the ``i``-th row. Equal to any sequence of the same rows.
    """

    def __init__(
        self,
        file: str,
        rows: Sequence[int],
        missions: Sequence[str | None],
        reason: Callable[[int], Issue],
    ) -> None:
        self.file = file
        self.rows = rows
        """The row number of each rejected row, in this sequence's order."""
        self._missions = missions
        self._reason = reason

    def __len__(self) -> int:
        return len(self.rows)

    def _row(self, k: int) -> RejectedRow:
        return RejectedRow(self.file, self.rows[k], self._missions[k], (self._reason(k),))

    def __repr__(self) -> str:
        return f"RejectedRows({self.file!r}, {len(self)} rows)"


class JoinedRows(_LazyRows):
    """Several sequences of rejected rows read as one, without making any row before it is
    looked at: the parts one after another, or in ``order`` (the part and the index in it of
    each row)."""

    def __init__(
        self,
        parts: Sequence[Sequence[RejectedRow]],
        order: tuple[Sequence[int], Sequence[int]] | None = None,
    ) -> None:
        self._parts = [p for p in parts if len(p)]
        self._order = order
        self._ends = list(itertools.accumulate(len(p) for p in self._parts))

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def _row(self, k: int) -> RejectedRow:
        if self._order is not None:
            return self._parts[self._order[0][k]][self._order[1][k]]
        part = bisect.bisect_right(self._ends, k)
        return self._parts[part][k - (self._ends[part - 1] if part else 0)]

    def __repr__(self) -> str:
        return f"JoinedRows({len(self._parts)} parts, {len(self)} rows)"


@dataclass(frozen=True)
class FileReport:
    """How many rows of one file were read, used and rejected."""

    file: str
    kind: str
    rows_read: int
    rows_used: int
    rows_rejected: int
    rows_excluded: int = 0
    simulated: bool = False
    unmatched_columns: tuple[str, ...] = ()
    rejected_cells: tuple[Issue, ...] = ()
    """Why each cell refused in a used row was refused: it lost one datum, not its row."""
    given: Annotated[tuple[str, ...], Field(exclude=True)] = field(default=(), compare=False)
    """What a one-row-per-mission table has a column for (variables, answers), rows or not:
    ``ovm check`` warns of a variable that no table and no mission gives. Not a count of the
    file's account: never written out, nor compared."""
    rows_outside: Annotated[int, Field(exclude_if=lambda n: not n)] = 0
    """Rows of missions the run leaves out of its cohort (``--missions``): read, neither used
    nor rejected (written only when there are some)."""
    columns: Annotated[tuple[tuple[str, int], ...], Field(exclude=True)] = field(
        default=(), compare=False
    )
    """A one-row-per-mission table's column number of each variable or answer id it gives:
    it locates a value given again elsewhere. Never written out, nor compared."""
    row_missions: Annotated[tuple[tuple[int, str], ...], Field(exclude=True)] = field(
        default=(), compare=False
    )
    """A one-row-per-mission table's rows that gave no value (each refused), with the mission
    each names: no value's provenance names such a row, and its refused cells are its
    mission's all the same. Never written out, nor compared."""

    @property
    def cells_rejected(self) -> int:
        """How many cells of used rows were refused."""
        return len({(i.line, i.column) for i in self.rejected_cells})

    def without(
        self,
        used_away: int,
        gone: int,
        kept: Callable[[tuple[Issue, ...]], tuple[Issue, ...]],
    ) -> FileReport:
        """This file's account with ``used_away`` used and ``gone`` rejected rows of missions
        left out counted as outside, and the refused cells ``kept`` keeps; itself when no row
        is left out. The one rule of every account narrowed to some missions."""
        if not used_away and not gone:
            return self
        return dataclasses.replace(
            self,
            rows_used=self.rows_used - used_away,
            rows_rejected=self.rows_rejected - gone,
            rows_outside=used_away + gone,
            rejected_cells=kept(self.rejected_cells),
        )


class Row:
    """The reasons found so far against one row."""

    def __init__(self, account: Account, number: int) -> None:
        self.account = account
        self.number = number
        self.reasons: list[Issue] = []

    def bad(self, column: str | None, code: str, message: str, **params: Any) -> None:
        """Add a reason located at this row and ``column`` (a header); ``params``: the
        message's parts by name."""
        self.reasons.append(self.account.at(self.number, column, code, message, params=params))

    def read(self, column: Column, cell: object) -> Reading:
        """Read a cell of ``column``; an invalid one adds its reason."""
        r = column.read(cell)
        if r.status == "invalid":
            self.bad(column.name, r.code, r.message, **r.params)
        elif r.status == "value":
            self.account.note_number(self.number, column, cell, r)
        return r


class Account:
    """Every row of one file used, or rejected with its reasons; and the file's warnings."""

    def __init__(self, file: str, kind: str, headers: Sequence[str]) -> None:
        self.file = file
        self.kind = kind
        self.numbers = {h: j for j, h in enumerate((h for h in headers if h != ROW), start=1)}
        self.rejected: list[RejectedRow] = []
        self.blocks: list[RejectedRows] = []
        self.issues: list[Issue] = []
        self.cells: list[Issue] = []
        # Per column, the cells read as decimals that may be dot-grouped thousands (row,
        # text, value, digits together); and the columns holding ordinary decimals.
        self.dotted: dict[str, list[tuple[int, str, float, str]]] = {}
        self.decimals: set[str] = set()

    def at(
        self,
        row: int | None,
        column: str | None,
        code: str,
        message: str,
        severity: Severity = "error",
        params: Mapping[str, Any] | None = None,
    ) -> Issue:
        """An issue located at ``row`` and the number of ``column`` (a header) in this file;
        ``params``: the message's parts by name."""
        col = self.numbers.get(column) if column is not None else None
        return Issue(self.file, row, col, code, message, (), severity, "data", params=params or {})

    def warn(
        self,
        column: str | None,
        code: str,
        message: str,
        severity: Severity = "warning",
        **params: Any,
    ) -> None:
        """A problem with the header (row 1), kept among the file's issues."""
        self.issues.append(self.at(1, column, code, message, severity, params))

    def refuse_miscased(self, column: str, meant: str, what: str, variant: str) -> None:
        """An ``unknown-column`` error for a header that differs from the id ``meant`` only in
        the letters' case: the column surely holds that ``what``, and reading on without it
        would change the scores, so the file is refused, naming the id to write."""
        self.warn(
            column,
            "unknown-column",
            f"column {column!r} matches no {what}: names are case-sensitive; write {meant!r}",
            severity="error",
            name=column,
            variant=variant,
            near=meant,
        )

    def adopt_miscased(self, df: pl.DataFrame, name: str) -> pl.DataFrame:
        """``df`` reading as its column ``name`` (a key column: ``mission``) the one header
        that differs from it only in case (``Mission``), which is refused (``unknown-column``):
        without it no row could be read, and every other problem of the table would wait for
        the header to be corrected before being said."""
        if name in df.columns:
            return df
        same = [c for c in df.columns if c != ROW and c.casefold() == name.casefold()]
        if len(same) != 1:
            return df
        self.warn(
            same[0],
            "unknown-column",
            f"column {same[0]!r} must be written {name!r}: names are case-sensitive (the table "
            f"is checked reading it as {name!r})",
            severity="error",
            name=same[0],
            variant="key_case",
            near=name,
        )
        self.numbers[name] = self.numbers[same[0]]
        return df.rename({same[0]: name})

    @staticmethod
    def misspelt(column: str, meant: str, columns: Collection[str]) -> bool:
        """Whether a header close to the id ``meant`` is that id misspelt (``registred_abroad``),
        not a column of its own beside it: not when the table has a column ``meant`` already,
        nor when the header is ``meant`` with more written after it (``votes_abroad_valid``,
        ``practice.secrecy_note``, Kobo's ``..._other``), which are other data."""
        return meant not in columns and not column.casefold().startswith(meant.casefold())

    def refuse_misspelt(self, column: str, meant: str, what: str, variant: str) -> None:
        """An ``unknown-column`` error for a header close to the id ``meant`` (a misspelling,
        ``registred_abroad``): the column most likely holds that ``what``, and read on without
        it every row would lose it. The header is a refused cell: the run stops on it as on
        any other (``--allow-rejected`` goes on without the column)."""
        self.cells.append(
            self.at(
                1,
                column,
                "unknown-column",
                f"column {column!r} matches no {what}; did you mean {meant!r}? Correct the "
                "header: read without it, every row loses that column",
                params={"name": column, "variant": variant, "near": meant},
            )
        )

    def note_number(self, row: int, column: Column, cell: object, reading: Reading) -> None:
        """Keep a cell of a column of numbers that may be dot-grouped thousands (12.500), or
        note that the column holds ordinary decimals (12.5, 0.125), for
        :meth:`warn_dot_thousands`."""
        rule = column.parser
        # A whole column refuses 12.500 itself; a workbook's cell is a number its own
        # locale read, and its text is how ovm writes that number, not how it was typed.
        if not isinstance(rule, NumberRule) or rule.whole or _WORKBOOK.search(self.file):
            return
        text = clean(cell)
        if text is None or "." not in text or not isinstance(reading.value, float):
            return
        if DOT_THOUSANDS_ONLY.fullmatch(text):
            meant = text.replace(".", "")
            # 12500 outside the column's bounds (a percent, a 1-5 scale) was never meant.
            if rule.problem(float(meant)) is None:
                self.dotted.setdefault(column.name, []).append((row, text, reading.value, meant))
            return
        self.decimals.add(column.name)

    def warn_dot_thousands(self) -> None:
        """A ``dot-thousands`` warning at each cell of a column of numbers read as a decimal
        with exactly three decimals (12.500) where no other cell of the column has decimals:
        Spanish, Portuguese and many others write twelve thousand five hundred so, and read
        as 12.5 it would lose three digits without a word. Not an error: 12.500 may be meant."""
        for name, cells in self.dotted.items():
            if name in self.decimals:
                continue
            for row, text, value, meant in cells:
                self.issues.append(
                    self.at(
                        row,
                        name,
                        "dot-thousands",
                        f"'{text}' is read as {_written(value)} with a decimal point: if it means "
                        f"{meant}, write the digits together, or grouped by commas",
                        "warning",
                        {"text": text, "value": _written(value), "meant": meant},
                    )
                )
        self.dotted.clear()

    def require(self, columns: Iterable[Column], present: Iterable[str]) -> list[Issue]:
        """A ``missing-column`` error for each required column the header lacks."""
        have = set(present)
        return [
            self.at(
                1,
                None,
                "missing-column",
                f"no {c.name!r} column" + (f" ({c.meaning})" if c.meaning else ""),
                params={"name": c.name},
            )
            for c in columns
            if c.required and c.name not in have
        ]

    def rows(self, df: pl.DataFrame) -> Iterator[tuple[Row, dict[str, Any]]]:
        """Each record of a table read by ``read_table``, with a fresh :class:`Row`."""
        for rec in df.iter_rows(named=True):
            yield Row(self, int(rec[ROW])), rec

    def settle(self, row: Row, mission: str | None) -> bool:
        """Whether the row is used: any reason rejects it, with every reason in column order."""
        if not row.reasons:
            return True
        self.reject(row.number, mission, row.reasons)
        return False

    def reject_cells(self, row: Row) -> bool:
        """Record a row's reasons as refused cells of a row that is still used; whether any."""
        self.refuse_cells(row.reasons)
        return bool(row.reasons)

    def refuse_cells(self, reasons: Iterable[Issue]) -> None:
        """Record the refused cells of one row that is still used, in column order, each
        problem once."""
        self.cells.extend(sorted(_once(reasons), key=lambda i: (i.column or 0, i.code)))

    def reject(self, row: int, mission: str | None, reasons: Iterable[Issue]) -> None:
        """Record a rejected row and its reasons, each once."""
        ordered = sorted(_once(reasons), key=lambda i: (i.column or 0, i.code))
        self.rejected.append(RejectedRow(self.file, row, mission, tuple(ordered)))

    def reject_rows(self, block: RejectedRows) -> None:
        """Record rows rejected for one reason each, made into :class:`RejectedRow` lazily."""
        if len(block):
            self.blocks.append(block)

    def all_rejected(self) -> Sequence[RejectedRow]:
        """Every rejected row, in row order; a block's rows are still made when looked at."""
        if not self.blocks:
            return self.rejected
        if len(self.blocks) == 1 and not self.rejected:
            return self.blocks[0]
        parts: list[Sequence[RejectedRow]] = [*self.blocks, self.rejected]
        numbers = [*(b.rows for b in self.blocks), [r.row for r in self.rejected]]
        # Ordered by row number alone (ints, not rows): ties keep the parts' order.
        keyed = sorted((row, p, k) for p, rows in enumerate(numbers) for k, row in enumerate(rows))
        return JoinedRows(parts, ([p for _, p, _ in keyed], [k for _, _, k in keyed]))

    def reject_every_row(self, df: pl.DataFrame, why: str, **params: Any) -> None:
        """Reject every row of a table that lacks its key column, so the account adds up."""
        for r in df.get_column(ROW).to_list():
            self.reject(
                int(r), None, [self.at(int(r), None, "missing-mission", why, params=params)]
            )

    def report(
        self,
        rows_read: int,
        *,
        excluded: int = 0,
        simulated: bool = False,
        unmatched: Sequence[str] = (),
        given: Sequence[str] = (),
    ) -> FileReport:
        """The file's account: every row read is used, rejected or excluded."""
        # Whether a cell's 12.500 stands alone is known once every cell of its column is read.
        self.warn_dot_thousands()
        rejected = len(self.rejected) + sum(len(b) for b in self.blocks)
        return FileReport(
            self.file,
            self.kind,
            rows_read,
            rows_read - rejected - excluded,
            rejected,
            excluded,
            simulated,
            tuple(unmatched),
            tuple(self.cells),
            tuple(given),
        )


def _once(reasons: Iterable[Issue]) -> list[Issue]:
    """``reasons`` with each problem (file, line, column, code, message) once, where first
    found: a row-wide cell that every value of the row reads (its provenance date) is refused
    by each of them, and is one problem."""
    seen: dict[tuple[object, ...], Issue] = {}
    for i in reasons:
        seen.setdefault((i.file, i.line, i.column, i.code, i.message), i)
    return list(seen.values())


# --- provenance ------------------------------------------------------------------------------


CONFIDENCE_LEVELS = Choices(
    "confidence", CONFIDENCE, code="invalid-choice", noun="value", synonyms=CONFIDENCE_WORDS
)
"""How a confidence level is read wherever it is written: a table's column (named after its
header) and a value's provenance in missions.yaml."""


def provenance_columns(target: str) -> dict[str, Column]:
    """The ``<target>__<field>`` columns giving the provenance of one value, by field."""
    return {f: provenance_column(f"{target}__{f}", f) for f in PROVENANCE_FIELDS}


def provenance_column(header: str, field_name: str) -> Column:
    """A column giving one provenance field: free text, or a confidence level."""
    if field_name == "confidence":
        return Column(
            header,
            dataclasses.replace(CONFIDENCE_LEVELS, name=header),
            "how sure the value is",
            words=False,
        )
    meaning = f"the {field_name.replace('_', ' ')} of a value"
    return Column(header, ProvenanceText(header), meaning, words=False)


def read_provenance(
    row: Row, rec: Mapping[str, Any], columns: Mapping[str, Column], into: dict[str, Any]
) -> dict[str, Any]:
    """``into`` updated with the provenance fields given in ``rec``; bad ones add reasons and
    leave their field blank (a source written here, refused, is not the one ``into`` has)."""
    out = dict(into)
    for name, col in columns.items():
        if col.name not in rec:
            continue
        r = row.read(col, rec[col.name])
        if r.status == "value":
            out[name] = r.value
        elif r.status == "invalid":
            out.pop(name, None)
    return out
