"""Issues as data: every problem carries a stable code, a place and a message."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning"]
Category = Literal["rubric", "data", "usage"]

PathPart = str | int


def format_path(path: Sequence[PathPart]) -> str:
    """Render a document path as ``families[1].indicators[2].weight``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


@dataclass(frozen=True, order=True)
class Issue:
    """One problem found in a rubric or a data file.

    ``line`` and ``column`` are 1-based; for tabular data ``line`` is the row number as a
    spreadsheet shows it (the header is row 1) and ``column`` the column number.

    ``message`` is the English sentence; ``params`` its parts by name (numbers as numbers,
    ``variant`` picking among the sentences of one code), from which :meth:`text` says it in
    another language through the catalogue's ``issue_<code>`` entry.
    """

    file: str
    line: int | None
    column: int | None
    code: str
    message: str
    path: tuple[PathPart, ...] = ()
    severity: Severity = "error"
    category: Category = "rubric"
    field_name: str | None = field(default=None, compare=False)
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False, repr=False)
    """The labels by language of the rubric's nodes ``params`` names by id, so that a message
    in another language names them as its reader knows them (``params`` keep the ids)."""

    def location(self) -> str:
        """``file:line:col`` as far as it is known."""
        loc = self.file or "<input>"
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        return loc

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``: the catalogue's wording of the code with its parameters,
        or the English message where the catalogue has none."""
        if lang == "en":
            return self.message
        from ovm.i18n import coded

        return coded("issue", self.code, self.params, lang, name=self._namer(lang)) or self.message

    def _namer(self, lang: str) -> Callable[[str], str] | None:
        """How the message in ``lang`` names a node: by its label in :attr:`labels`."""
        if not self.labels:
            return None
        from ovm.indicators.text import wording

        labels = self.labels

        def name(node_id: str) -> str:
            found = labels.get(node_id)
            return node_id if found is None else wording(found, lang).text

        return name

    def render(self, lang: str = "en") -> str:
        """``file:line:col [severity: ][path: ]message [code]`` (``file:line:`` or ``file:``
        where the column or the line is not known), worded in ``lang``."""
        where = format_path(self.path)
        sev: str = "" if self.severity == "error" else self.severity
        mark = ":"
        if lang != "en":
            # (English reads no catalogue: issues are printed before any report is made)
            from ovm.i18n import colon, gettext

            sev = sev and gettext(f"severity_{self.severity}", lang)
            mark = colon(lang)
        # A place without its column ends with a colon, so that the message that follows is
        # not read as part of it (``checklists.csv:8: 9 fields ...``).
        text = f"{self.location()}{'' if self.column is not None else ':'} "
        if sev:
            text += f"{sev}{mark} "
        if where:
            text += f"{where}{mark} "
        return f"{text}{self.text(lang)} [{self.code}]"

    def __str__(self) -> str:
        return self.render()

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON output."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": format_path(self.path),
            "code": self.code,
            "message": self.message,
            "severity": self.severity,
            "category": self.category,
            **(
                {"params": {k: _json_value(v) for k, v in self.params.items()}}
                if self.params
                else {}
            ),
        }


def _json_value(value: object) -> object:
    """``value`` as strict JSON takes it: a number no float can hold (a cell of 1e999) is
    null; the cell's own text stays beside it in ``text``."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def sort_issues(issues: Iterable[Issue]) -> list[Issue]:
    """Issues in file order, then by code, for stable output."""
    return sorted(
        issues,
        key=lambda i: (i.file, i.line or 0, i.column or 0, i.code, i.message),
    )


def workspace_first(issues: Iterable[Issue], root: str | os.PathLike[str]) -> list[Issue]:
    """Issues as ``ovm check`` lists them: those of the workspace's own files first, then those
    of files kept elsewhere (the bundled rubric, a shared one), each in file, line and column
    order. In path order alone, where ovm is installed would decide which come first."""
    ordered = sort_issues(issues)
    base = Path(root).resolve()
    # Resolved once a file: a bad data file may have thousands of issues.
    outside = {f: not Path(f).resolve().is_relative_to(base) for f in {i.file for i in ordered}}
    ordered.sort(key=lambda i: outside[i.file])
    return ordered


class CheckError(ValueError):
    """A value refused by a model's own check (beyond its fields' types and bounds).

    ``variant`` names the sentence that says why: the catalogue's ``issue_invalid-value_<variant>``
    entry, filled from ``params``. The exception's text is that sentence in English, so the
    message and the catalogue never disagree; :meth:`text` says it in another language.
    """

    def __init__(self, variant: str, **params: Any) -> None:
        """The check ``variant`` failed; ``params`` are the parts of its sentence by name."""
        self.variant = variant
        self.params = params
        super().__init__(self.text())

    @property
    def key(self) -> str:
        """The catalogue entry of the sentence."""
        return f"issue_invalid-value_{self.variant}"

    def issue_params(self) -> dict[str, Any]:
        """The parameters of an ``invalid-value`` issue that says this check's sentence."""
        return {"variant": self.variant, **self.params}

    def text(self, lang: str = "en") -> str:
        """The sentence in ``lang``."""
        from ovm.i18n import coded

        said = coded("issue", "invalid-value", self.issue_params(), lang)
        if said is None:  # every variant has its entry; a test holds the catalogue to it
            raise KeyError(self.key)
        return said

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its variant and parts, not its English text, so a check refused in a
        # worker process or copied with its ValidationError arrives whole.
        return (_rebuild_check, (self.variant, self.params))


def _rebuild_check(variant: str, params: dict[str, Any]) -> CheckError:
    return CheckError(variant, **params)


def check_error(error: Mapping[str, Any]) -> CheckError | None:
    """The :class:`CheckError` behind one of pydantic's validation errors, if any."""
    found = (error.get("ctx") or {}).get("error")
    return found if isinstance(found, CheckError) else None


class OvmError(Exception):
    """Base class of the errors ovm raises for user input; each carries every issue found."""

    def __init__(
        self,
        issues: Iterable[Issue],
        summary: str = "",
        *,
        key: str | None = None,
        **params: object,
    ) -> None:
        """``summary`` is the first line as given; or ``key`` names the catalogue entry that
        words it in every language, filled from ``params`` (``n``, the count its plural
        follows, is the number of errors unless given). Neither: the number of errors."""
        self.issues: tuple[Issue, ...] = tuple(sort_issues(issues))
        errors = [i for i in self.issues if i.severity == "error"]
        self.summary = summary
        self.summary_key = key or (None if summary else "error_summary_errors")
        self.summary_params: dict[str, object] = {"n": len(errors), **params}
        super().__init__(self.text())

    SHOWN = 50
    """Issues the error's text lists before it counts the rest."""

    def text(self, lang: str = "en") -> str:
        """The summary, the first :attr:`SHOWN` issues and how many more, worded in ``lang``."""
        lines = [self.summary_text(lang), *(i.render(lang) for i in self.issues[: self.SHOWN])]
        more = len(self.issues) - self.SHOWN
        if more > 0:
            if lang == "en":
                lines.append(f"... and {more} more")
            else:
                from ovm.i18n import gettext, param_text

                lines.append(gettext("error_more", lang, n=param_text(more, lang)))
        return "\n".join(lines)

    def summary_text(self, lang: str = "en") -> str:
        """The first line of the error, in ``lang`` (a summary given as text stays as given)."""
        if self.summary_key is None:
            return self.summary
        from ovm.i18n import gettext

        return gettext(self.summary_key, lang, **self.summary_params)

    @property
    def errors(self) -> tuple[Issue, ...]:
        """The issues of severity ``error``."""
        return tuple(i for i in self.issues if i.severity == "error")


class RubricError(OvmError):
    """A rubric that cannot be used; ``.issues`` lists every problem with its place."""


class DataError(OvmError):
    """Observations or a workspace that cannot be used; ``.issues`` lists every problem."""


class WordedWarning(RuntimeWarning):
    """A warning about how ovm was asked to run (an environment variable it ignores).

    The message is English; ``key`` names the catalogue entry that words it in another
    language, filled from ``params`` (the command line says it in the language asked)."""

    def __init__(self, message: str, *, key: str, **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.params = params

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_warning, (str(self), self.key, self.params))

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``."""
        if lang == "en":
            return str(self)
        from ovm.i18n import gettext, param_text

        parts = {k: param_text(v, lang) for k, v in self.params.items()}
        return gettext(self.key, lang, **parts)


class RejectedDataWarning(WordedWarning):
    """The workspace's data lost rows or cells, rejected, and the analysis goes on without
    them: the command line stops on them unless told to go on (``--allow-rejected``); a
    program is told by this warning. ``rows`` and ``cells`` count them."""

    def __init__(self, rows: int, cells: int) -> None:
        super().__init__(self._said(rows, cells, "en"), key="warning_rejected_left_out")
        self.rows, self.cells = rows, cells

    def __reduce__(self) -> tuple[Any, ...]:
        return (RejectedDataWarning, (self.rows, self.cells))

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``."""
        return self._said(self.rows, self.cells, lang)

    @staticmethod
    def _said(rows: int, cells: int, lang: str) -> str:
        from ovm.i18n import counted, gettext

        parts = []
        if rows:
            parts.append(counted("cli_rejected_rows", lang, n=rows))
        if cells:
            parts.append(counted("cli_rejected_cells", lang, n=cells))
        what = (
            gettext("cli_and", lang, first=parts[0], second=parts[1])
            if len(parts) == 2
            else parts[0]
        )
        return gettext("warning_rejected_left_out", lang, what=what)


def _rebuild_warning(message: str, key: str, params: dict[str, object]) -> WordedWarning:
    return WordedWarning(message, key=key, **params)
