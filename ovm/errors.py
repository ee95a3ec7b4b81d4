"""Issues as data: every problem carries a stable code, a place and a message."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

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

    def location(self) -> str:
        """``file:line:col`` as far as it is known."""
        loc = self.file or "<input>"
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        return loc

    def __str__(self) -> str:
        where = format_path(self.path)
        sev = "" if self.severity == "error" else f"{self.severity}: "
        text = f"{self.location()} {sev}"
        if where:
            text += f"{where}: "
        return f"{text}{self.message} [{self.code}]"

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
        }


def sort_issues(issues: Iterable[Issue]) -> list[Issue]:
    """Issues in file order, then by code, for stable output."""
    return sorted(
        issues,
        key=lambda i: (i.file, i.line or 0, i.column or 0, i.code, i.message),
    )


class OvmError(Exception):
    """Base class of the errors ovm raises for user input; each carries every issue found."""

    def __init__(self, issues: Iterable[Issue], summary: str = "") -> None:
        self.issues: tuple[Issue, ...] = tuple(sort_issues(issues))
        errors = [i for i in self.issues if i.severity == "error"]
        head = summary or f"{len(errors)} error(s)"
        lines = [head, *(str(i) for i in self.issues[:50])]
        if len(self.issues) > 50:
            lines.append(f"... and {len(self.issues) - 50} more")
        super().__init__("\n".join(lines))

    @property
    def errors(self) -> tuple[Issue, ...]:
        """The issues of severity ``error``."""
        return tuple(i for i in self.issues if i.severity == "error")


class RubricError(OvmError):
    """A rubric that cannot be used; ``.issues`` lists every problem with its place."""


class DataError(OvmError):
    """Observations or a workspace that cannot be used; ``.issues`` lists every problem."""
