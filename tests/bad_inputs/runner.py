"""Run the bad-input corpus through the command line, and measure it.

``python -m tests.bad_inputs`` prints the counts: cases, tracebacks, silent accepts (a bad input
that exits 0 without its code), and the share reported at the exact line (and column) expected.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import traceback
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from ovm.cli.app import main
from tests.bad_inputs.cases import MINI, Case, Make, Sparse

LINE = re.compile(
    r"^(?P<file>\S+?)(?::(?P<line>\d+))?(?::(?P<col>\d+))?:? (?:warning: )?.*"
    r"\[(?P<code>[a-z0-9]+(?:-[a-z0-9]+)+)\]$"
)
SET = re.compile(r"^ovm whatif: (?P<var>[a-z_][a-z0-9_.]*)\b.*\[(?P<code>[a-z0-9-]+)\]$")

Found = tuple[str, int | None, int | None, str]


@dataclass(frozen=True)
class Outcome:
    """What one case gave: the exit status, each (file, line, column, code) reported, the
    output, and the traceback of an exception that escaped the command line."""

    status: int | None
    found: tuple[Found, ...]
    text: str
    traceback: str = ""


def prepare(case: Case, root: Path) -> Path:
    """A copy of the mini workspace in ``root`` with the case's edits made."""
    ws = root / "ws"
    shutil.copytree(MINI, ws)
    for name, edit in case.edits.items():
        path = ws / name
        new = edit(path.read_bytes() if path.exists() else b"")
        if new is None:
            path.unlink()
        elif new is Make.FOLDER:
            path.unlink(missing_ok=True)
            path.mkdir()
        elif new is Make.PIPE:
            path.unlink(missing_ok=True)
            os.mkfifo(path)
        elif isinstance(new, Sparse):
            with path.open("wb") as fh:
                fh.truncate(new.size)
        else:
            assert isinstance(new, bytes)
            path.write_bytes(new)
    return ws


def run_case(case: Case, root: Path) -> Outcome:
    """Run one case in ``root`` (a fresh folder)."""
    ws = prepare(case, root)
    args = [a.replace("{ws}", str(ws)) for a in case.command]
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            status: int | None = main(args)
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 2
    except Exception:  # the corpus counts what escapes
        return Outcome(None, (), out.getvalue() + err.getvalue(), traceback.format_exc())
    text = out.getvalue() + err.getvalue()
    found: list[Found] = []
    for raw in text.splitlines():
        line = raw.strip()
        s = SET.match(line)
        if s:
            found.append((s["var"], None, None, s["code"]))
            continue
        m = LINE.match(line)
        if m:
            found.append(
                (
                    Path(m["file"]).name,
                    int(m["line"]) if m["line"] else None,
                    int(m["col"]) if m["col"] else None,
                    m["code"],
                )
            )
    tb = text if "Traceback" in text else ""
    return Outcome(status, tuple(found), text, tb)


def hit(case: Case, outcome: Outcome) -> bool:
    """Whether the case's code is reported at its file, line and column (each when given); a case
    without a code (a usage error, exit status 2) is one whose message names its file."""
    if case.code is None:
        return case.file in outcome.text
    return any(
        (f, cd) == (case.file, case.code)
        and (case.line is None or ln == case.line)
        and (case.column is None or col == case.column)
        for f, ln, col, cd in outcome.found
    )


def measure(cases: list[Case]) -> dict[str, object]:
    """The corpus's counts."""
    import tempfile

    tracebacks = silent = exact = located = 0
    missed: list[str] = []
    for case in cases:
        with tempfile.TemporaryDirectory() as tmp:
            o = run_case(case, Path(tmp))
        tracebacks += bool(o.traceback)
        codes = {f[3] for f in o.found}
        if case.status != 0 and o.status == 0 and case.code not in codes:
            silent += 1
        if case.line is not None:
            located += 1
        if hit(case, o) and o.status == case.status:
            exact += case.line is not None
        else:
            missed.append(case.name)
    return {
        "cases": len(cases),
        "tracebacks": tracebacks,
        "silent_accepts": silent,
        "with_a_line": located,
        "at_the_exact_line": exact,
        "exact_line_share": round(exact / len(cases), 3),
        "not_as_expected": missed,
    }
