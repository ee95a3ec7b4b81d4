"""Mutation testing for ovm's core: plant one small bug at a time and see whether a test fails.

A mutant is the source with one change: a comparison made inclusive or exclusive (``<`` and
``<=``, ``>`` and ``>=``), ``==`` and ``!=``, ``is`` and ``is not``, ``+`` and ``-``, ``*`` and
``/`` (also in ``+=``...), a number moved (0 and 1 swapped, a share in (0, 1) halved or doubled
towards 0 or 1, anything else + 1), ``and`` and ``or``, a ``not`` dropped, ``min`` and ``max``
(``minimum``/``maximum``, ``fmin``/``fmax``) or ``any`` and ``all`` swapped, one string left out
of a literal tuple, list or set of strings, a call made for its effect left out (``pass``),
``sorted(x)`` left as ``x``. Each mutant is written into a scratch copy of the
repository (never into the working tree), the chosen tests run there with ``-x`` and a
timeout, and the mutant is *killed* (a test failed), *survived* (every test passed) or
*timeout*.

    python tools/mutate.py                      # every target below, its own tests
    python tools/mutate.py rules ranking        # some targets
    python tools/mutate.py ovm/x.py::f,C.m --tests tests/test_x.py
    python tools/mutate.py --list rules         # the mutants, without running anything
    python tools/mutate.py plant ovm/indicators/rules.py "(x < hi)" "(x <= hi)" \\
        --tests tests/test_rules_boundaries.py  # does some test catch this hand-made bug?

See tools/README.md for the options, the targets and the survivors judged harmless.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import contextlib
import json
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


MODULE = "<module>"
"""In a target's functions: the code outside any function or class (module constants)."""


@dataclass(frozen=True)
class Target:
    path: str
    functions: tuple[str, ...] | None
    """Qualified names (``rank``, ``Band.contains``) to mutate; None: the whole module."""
    tests: tuple[str, ...]


_RULE_TESTS = ("tests/test_rules_boundaries.py", "tests/test_engine.py")
TARGETS: dict[str, Target] = {
    "aggregation": Target(
        "ovm/scoring/aggregate.py",
        None,
        (
            "tests/test_aggregate_edges.py",
            "tests/test_engine.py",
            "tests/test_compare.py",
            "tests/test_rules_boundaries.py",
        ),
    ),
    "rules": Target("ovm/indicators/rules.py", None, _RULE_TESTS),
    "rule-interval": Target("ovm/indicators/registry.py", ("RuleBase.interval",), _RULE_TESTS),
    "bands": Target("ovm/indicators/_common.py", ("Band.contains",), _RULE_TESTS),
    "digest": Target(
        "ovm/scoring/engine.py",
        ("_digest",),
        ("tests/test_digest.py", "tests/test_digest_order.py"),
    ),
    "ranking": Target(
        "ovm/comparison/ranking.py",
        None,
        ("tests/test_compare_boundaries.py", "tests/test_compare.py"),
    ),
    "normalisation": Target(
        "ovm/comparison/cohort.py",
        ("fit_scale", "apply_scale", "normalise", "_band"),
        (
            "tests/test_normalise_edges.py",
            "tests/test_compare.py",
            "tests/test_rules_boundaries.py",
        ),
    ),
    "sensitivity": Target(
        "ovm/comparison/sensitivity.py",
        ("sensitivity",),
        ("tests/test_compare_boundaries.py", "tests/test_sensitivity.py"),
    ),
    "escaping": Target(
        "ovm/reporting/tables.py",
        (MODULE, "safe_cell", "csv_cell", "_fmt", "score_rows", "scores_csv"),
        ("tests/test_safe_cell.py", "tests/test_scores_csv.py", "tests/test_csv_export.py"),
    ),
}

_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "__pycache__",
    "node_modules",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    ".pytest_cache",
    "artifacts",
    "*.pyc",
    "mutants",
    "dist",
    "build",
)


# --- mutants ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    path: str
    line: int
    start: int
    end: int
    """Character offsets of the replaced text in the file."""
    original: str
    replacement: str
    function: str

    @property
    def label(self) -> str:
        return f"{self.path}:{self.line} {self.original!r} -> {self.replacement!r}"

    def apply(self, source: str) -> str:
        assert source[self.start : self.end] == self.original, self.label
        return source[: self.start] + self.replacement + source[self.end :]


_COMPARE = {
    ast.Lt: ("<", "<="),
    ast.LtE: ("<=", "<"),
    ast.Gt: (">", ">="),
    ast.GtE: (">=", ">"),
    ast.Eq: ("==", "!="),
    ast.NotEq: ("!=", "=="),
}
_BINOP = {ast.Add: ("+", "-"), ast.Sub: ("-", "+"), ast.Mult: ("*", "/"), ast.Div: ("/", "*")}
_SWAPS = {
    "min": "max",
    "max": "min",
    "minimum": "maximum",
    "maximum": "minimum",
    "fmin": "fmax",
    "fmax": "fmin",
    "nanmin": "nanmax",
    "nanmax": "nanmin",
    "any": "all",
    "all": "any",
}
_UFUNCS = {"minimum", "maximum", "fmin", "fmax"}
_SKIPPED_KEYWORDS = {"axis", "ndim", "stacklevel"}
"""Numbers given to these arguments pick an array axis or a warning frame: not behaviour."""


def _moved(value: float | int) -> float | int:
    if value == 0:
        return 1
    if value == 1:
        return 0
    if isinstance(value, float) and 0 < value < 1:
        # A share or quantile: 0.05 -> 0.1, 0.95 -> 0.9 (a bound moved, still a share).
        return value * 2 if value <= 0.5 else 1 - (1 - value) * 2
    return value + 1


class _Source:
    """Character offsets from the (line, UTF-8 byte column) positions ast gives."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, line: int, col: int) -> int:
        raw = self.lines[line - 1].encode("utf-8")[:col]
        return self.starts[line - 1] + len(raw.decode("utf-8"))

    def start(self, node: ast.AST) -> int:
        return self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def end(self, node: ast.AST) -> int:
        return self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]


class _Finder(ast.NodeVisitor):
    def __init__(self, path: str, source: _Source, functions: tuple[str, ...] | None) -> None:
        self.path = path
        self.src = source
        self.functions = functions
        self.scope: list[str] = []
        self.skip = 0
        self.found: list[Mutant] = []

    # scopes

    def _in_target(self) -> bool:
        if self.functions is None:
            return True
        if not self.scope:
            return MODULE in self.functions
        names = {".".join(self.scope[: i + 1]) for i in range(len(self.scope))}
        return bool(names & set(self.functions))

    def _scoped(self, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scope.append(node.name)
        for dec in node.decorator_list:
            self.visit(dec)
        if not isinstance(node, ast.ClassDef):
            # Defaults are behaviour; annotations are not.
            for default in [*node.args.defaults, *node.args.kw_defaults]:
                if default is not None:
                    self.visit(default)
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring
        for stmt in body:
            self.visit(stmt)
        self.scope.pop()

    visit_ClassDef = visit_FunctionDef = visit_AsyncFunctionDef = _scoped

    def _quiet(self, node: ast.AST) -> None:
        # Assertions are internal checks and raise messages are text: mutating them tests
        # nothing the product promises.
        self.skip += 1
        self.generic_visit(node)
        self.skip -= 1

    visit_Assert = visit_Raise = _quiet

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)

    def visit_keyword(self, node: ast.keyword) -> None:
        if node.arg in _SKIPPED_KEYWORDS:
            return
        self.visit(node.value)

    # mutations

    def _add(self, start: int, end: int, replacement: str) -> None:
        if self.skip or not self._in_target():
            return
        line = self.src.text.count("\n", 0, start) + 1
        if "no mutate" in self.src.lines[line - 1]:
            return
        self.found.append(
            Mutant(
                self.path,
                line,
                start,
                end,
                self.src.text[start:end],
                replacement,
                ".".join(self.scope),
            )
        )

    def _between(self, left: ast.AST, right: ast.AST, token: str, replacement: str) -> None:
        lo, hi = self.src.end(left), self.src.start(right)
        segment = self.src.text[lo:hi]
        pattern = rf"(?<![\w<>=!*/+\-]){re.escape(token)}(?![\w<>=*/])"
        match = re.search(pattern, segment)
        if match:
            self._add(lo + match.start(), lo + match.end(), replacement)

    def visit_Compare(self, node: ast.Compare) -> None:
        operands = [node.left, *node.comparators]
        for i, op in enumerate(node.ops):
            if type(op) in _COMPARE:
                token, other = _COMPARE[type(op)]
                self._between(operands[i], operands[i + 1], token, other)
            elif isinstance(op, ast.Is):
                self._between(operands[i], operands[i + 1], "is", "is not")
            elif isinstance(op, ast.IsNot):
                lo, hi = self.src.end(operands[i]), self.src.start(operands[i + 1])
                match = re.search(r"is\s+not", self.src.text[lo:hi])
                if match:
                    self._add(lo + match.start(), lo + match.end(), "is")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if type(node.op) in _BINOP:
            token, other = _BINOP[type(node.op)]
            self._between(node.left, node.right, token, other)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if type(node.op) in _BINOP:
            token, other = _BINOP[type(node.op)]
            lo, hi = self.src.end(node.target), self.src.start(node.value)
            i = self.src.text.find(token + "=", lo, hi)
            if i >= 0:
                self._add(i, i + 2, other + "=")
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        token, other = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        for left, right in zip(node.values, node.values[1:], strict=False):
            lo, hi = self.src.end(left), self.src.start(right)
            match = re.search(rf"\b{token}\b", self.src.text[lo:hi])
            if match:
                self._add(lo + match.start(), lo + match.end(), other)
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            lo, hi = self.src.start(node), self.src.start(node.operand)
            match = re.match(r"not\s*", self.src.text[lo:hi])
            if match:
                self._add(lo, lo + match.end(), "")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return
        self._add(self.src.start(node), self.src.end(node), repr(_moved(value)))

    def visit_Expr(self, node: ast.Expr) -> None:
        # A call made for its effect (list.append, dict.pop, h.update) left out.
        if isinstance(node.value, ast.Call):
            self._add(self.src.start(node), self.src.end(node), "pass")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id == "sorted" and node.args:
            # The order left as it came.
            arg = node.args[0]
            self._add(
                self.src.start(node),
                self.src.end(node),
                self.src.text[self.src.start(arg) : self.src.end(arg)],
            )
        if isinstance(func, ast.Name) and func.id in _SWAPS:
            self._add(self.src.start(func), self.src.end(func), _SWAPS[func.id])
        elif isinstance(func, ast.Attribute) and func.attr in _SWAPS and func.attr not in _UFUNCS:
            end = self.src.end(func)
            self._add(end - len(func.attr), end, _SWAPS[func.attr])
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        # NumPy's ufuncs, called or not: np.fmin.reduce, np.maximum.accumulate.
        if node.attr in _UFUNCS:
            end = self.src.end(node)
            self._add(end - len(node.attr), end, _SWAPS[node.attr])
        self.generic_visit(node)

    def _strings(self, node: ast.Tuple | ast.List | ast.Set) -> None:
        items = node.elts
        if len(items) > 1 and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in items
        ):
            for i, item in enumerate(items):
                # Left out with the comma after it (before it, for the last one).
                if i + 1 < len(items):
                    start, end = self.src.start(item), self.src.start(items[i + 1])
                else:
                    start, end = self.src.end(items[i - 1]), self.src.end(item)
                self._add(start, end, "")
        self.generic_visit(node)

    visit_Tuple = visit_List = visit_Set = _strings


def read_source(source: str, path: str) -> str:
    """The text of ``path`` in the working tree or in the last commit."""
    if source == "head":
        return subprocess.run(
            ["git", "-C", str(ROOT), "show", f"HEAD:{path}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return (ROOT / path).read_text(encoding="utf-8")


def find_mutants(text: str, path: str, functions: tuple[str, ...] | None) -> list[Mutant]:
    finder = _Finder(path, _Source(text), functions)
    finder.visit(ast.parse(text))
    if functions is not None:
        scopes = {m.function or MODULE for m in finder.found}
        missing = [f for f in functions if not any(s == f or s.startswith(f + ".") for s in scopes)]
        if missing:
            print(f"warning: no mutant in {', '.join(missing)} of {path}", file=sys.stderr)
    # A mutant must parse to another program: not a syntax error (the tool does not test
    # Python's parser), not a change inside a comment.
    before = ast.dump(ast.parse(text))
    good = []
    for m in finder.found:
        try:
            after = ast.dump(ast.parse(m.apply(text)))
        except SyntaxError:
            continue
        if after != before:
            good.append(m)
    return good


# --- running ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    mutant: Mutant
    status: str
    """killed, survived or timeout."""
    seconds: float
    failed: str = ""
    """The first failing test (or the error) that killed the mutant."""


@dataclass
class Copy:
    """A scratch copy of the repository that mutants are written into, one at a time."""

    root: Path
    originals: dict[str, str] = field(default_factory=dict)


def make_copy(source: str, dest: Path) -> Copy:
    if source == "head":
        dest.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "HEAD"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    else:
        shutil.copytree(ROOT, dest, ignore=_IGNORE, symlinks=True)
    return Copy(dest)


_RUNNING: set[subprocess.Popen[str]] = set()
"""Test runs in progress: their own sessions, so they are stopped by hand when the tool is."""


def _stop(signum: int, _frame: object) -> None:
    for proc in list(_RUNNING):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    # Through SystemExit, so that the scratch copies are removed.
    sys.exit(128 + signum)


def run_tests(
    copy: Copy, tests: Sequence[str], timeout: float, first_only: bool = True
) -> tuple[str, float, str]:
    """Run ``tests`` in the copy: (killed/survived/timeout, seconds, the failing tests)."""
    # Hypothesis would replay one mutant's failing examples against the next.
    shutil.rmtree(copy.root / ".hypothesis", ignore_errors=True)
    # Without bytecode files: a mutant the size of the original, written in the same second,
    # would otherwise run the stale .pyc of the previous one.
    env = {
        **os.environ,
        "PYTHONPATH": str(copy.root),
        "PYTHONDONTWRITEBYTECODE": "1",
        "HYPOTHESIS_PROFILE": "ci",
    }
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        *(["-x"] if first_only else []),
        "-q",
        "-p",
        "no:cacheprovider",
        "--no-header",
        *tests,
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=copy.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    _RUNNING.add(proc)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return "timeout", time.perf_counter() - start, ""
    finally:
        _RUNNING.discard(proc)
    elapsed = time.perf_counter() - start
    if proc.returncode == 0:
        return "survived", elapsed, ""
    failed = [
        line.split(" - ")[0] for line in out.splitlines() if line.startswith(("FAILED ", "ERROR "))
    ]
    return "killed", elapsed, "; ".join(failed) or (out.strip().splitlines() or [""])[-1]


def run_mutant(
    copy: Copy, mutant: Mutant, tests: Sequence[str], timeout: float, first_only: bool = True
) -> Outcome:
    target = copy.root / mutant.path
    original = copy.originals.setdefault(mutant.path, target.read_text(encoding="utf-8"))
    target.write_text(mutant.apply(original), encoding="utf-8")
    try:
        status, seconds, failed = run_tests(copy, tests, timeout, first_only)
    finally:
        target.write_text(original, encoding="utf-8")
    return Outcome(mutant, status, seconds, failed)


def baseline(copy: Copy, name: str, tests: tuple[str, ...]) -> tuple[tuple[str, ...] | None, float]:
    """The tests to run on ``name``'s mutants and how long they take unmutated.

    Tests that already fail unmutated (someone's work in progress) would kill every mutant:
    they are deselected, with a warning. None when the rest still fails.
    """
    status, seconds, failed = run_tests(copy, tests, 3600, first_only=False)
    if status == "survived":
        return tests, seconds
    broken = [f.removeprefix("FAILED ") for f in failed.split("; ") if f.startswith("FAILED ")]
    if broken:
        print(
            f"warning: {name}: left out, failing before any mutation: {', '.join(broken)}",
            file=sys.stderr,
        )
        kept = (*tests, *(f"--deselect={b}" for b in broken))
        status, seconds, failed = run_tests(copy, kept, 3600, first_only=False)
        if status == "survived":
            return kept, seconds
    print(f"{name}: the tests fail before any mutation ({failed})", file=sys.stderr)
    return None, seconds


def _targets(names: Sequence[str], tests: Sequence[str]) -> dict[str, Target]:
    chosen: dict[str, Target] = {}
    for name in names or list(TARGETS):
        if name in TARGETS:
            t = TARGETS[name]
            chosen[name] = Target(t.path, t.functions, tuple(tests) or t.tests)
            continue
        path, _, funcs = name.partition("::")
        if not (ROOT / path).is_file():
            raise SystemExit(
                f"unknown target {name!r}: one of {', '.join(TARGETS)} or PATH[::FUNCTION,...]"
            )
        if not tests:
            raise SystemExit(f"{name}: give the tests to run with --tests")
        chosen[name] = Target(path, tuple(funcs.split(",")) if funcs else None, tuple(tests))
    return chosen


def _copies(n: int, source: str, base: Path) -> Iterator[Copy]:
    for i in range(n):
        yield make_copy(source, base / f"copy{i}")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["plant"]:
        return plant(argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("targets", nargs="*", help=f"{', '.join(TARGETS)} or PATH[::FUNC,...]")
    ap.add_argument(
        "--tests", nargs="+", default=[], help="tests to run instead of the target's own"
    )
    ap.add_argument("--list", action="store_true", help="list the mutants and stop")
    ap.add_argument(
        "--sample",
        type=int,
        default=0,
        help="at most N mutants per target, drawn at random (seeded)",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--timeout",
        type=float,
        default=0,
        help="seconds per mutant (default: 5 times the unmutated run, at least 60)",
    )
    ap.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="mutants run at once, each in its own copy (the machine is shared: 1 by default)",
    )
    ap.add_argument(
        "--source",
        choices=("worktree", "head"),
        default="worktree",
        help="copy the working tree (default) or the last commit",
    )
    ap.add_argument("--json", type=Path, help="write every outcome to this file")
    ap.add_argument("--keep", action="store_true", help="keep the scratch copies")
    args = ap.parse_args(argv)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    targets = _targets(args.targets, args.tests)
    rnd = random.Random(args.seed)
    plan: dict[str, list[Mutant]] = {}
    texts: dict[str, str] = {}
    for name, t in targets.items():
        try:
            texts[t.path] = read_source(args.source, t.path)
        except (OSError, subprocess.CalledProcessError):
            raise SystemExit(
                f"{name}: no {t.path} in the {args.source} (moved? update "
                "TARGETS in tools/mutate.py)"
            ) from None
    for name, t in targets.items():
        mutants = find_mutants(texts[t.path], t.path, t.functions)
        if args.sample and len(mutants) > args.sample:
            mutants = sorted(rnd.sample(mutants, args.sample), key=lambda m: m.start)
        plan[name] = mutants
    if args.list:
        for name, mutants in plan.items():
            print(f"# {name}: {len(mutants)} mutants")
            for m in mutants:
                print(f"{m.label}  [{m.function or 'module'}]")
        return 0

    base = Path(tempfile.mkdtemp(prefix="ovm-mutants-"))
    results: dict[str, list[Outcome]] = {}
    try:
        copies = list(_copies(max(1, args.jobs), args.source, base))
        for name, t in targets.items():
            tests, seconds = baseline(copies[0], name, t.tests)
            if tests is None:
                return 2
            t = targets[name] = Target(t.path, t.functions, tests)
            timeout = args.timeout or max(60.0, 5 * seconds)
            print(
                f"# {name}: {len(plan[name])} mutants of {t.path}, tests {' '.join(t.tests)} "
                f"({seconds:.1f}s unmutated, timeout {timeout:.0f}s)",
                flush=True,
            )
            free: queue.Queue[Copy] = queue.Queue()
            for c in copies:
                free.put(c)

            def one(
                m: Mutant,
                tests: tuple[str, ...] = t.tests,
                timeout: float = timeout,
                free: queue.Queue[Copy] = free,
            ) -> Outcome:
                c = free.get()
                try:
                    return run_mutant(c, m, tests, timeout)
                finally:
                    free.put(c)

            outcomes: list[Outcome] = []
            with concurrent.futures.ThreadPoolExecutor(len(copies)) as pool:
                for o in pool.map(one, plan[name]):
                    outcomes.append(o)
                    print(
                        f"{o.status.upper():8} {o.mutant.label} ({o.seconds:.1f}s) {o.failed}",
                        flush=True,
                    )
            results[name] = outcomes
    finally:
        if args.keep:
            print(f"copies kept in {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)

    print("\n| target | file | mutants | killed | survived | timeout |")
    print("|---|---|---|---|---|---|")
    for name, outcomes in results.items():
        count = {s: sum(o.status == s for o in outcomes) for s in ("killed", "survived", "timeout")}
        print(
            f"| {name} | {targets[name].path} | {len(outcomes)} | {count['killed']} | "
            f"{count['survived']} | {count['timeout']} |"
        )
    survivors = [o for outcomes in results.values() for o in outcomes if o.status == "survived"]
    if survivors:
        print("\nsurvivors:")
        for o in survivors:
            line = texts[o.mutant.path].splitlines()[o.mutant.line - 1].strip()
            print(f"  {o.mutant.label}  [{o.mutant.function or 'module'}]  {line}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    name: [
                        {
                            **asdict(o.mutant),
                            "status": o.status,
                            "seconds": round(o.seconds, 2),
                            "failed": o.failed,
                        }
                        for o in outcomes
                    ]
                    for name, outcomes in results.items()
                },
                indent=1,
            ),
            encoding="utf-8",
        )
    return 1 if survivors else 0


def plant(argv: Sequence[str]) -> int:
    """Apply one hand-written change (OLD must occur once in FILE) in a copy and run tests."""
    ap = argparse.ArgumentParser(prog="mutate.py plant", description=plant.__doc__)
    ap.add_argument("file")
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--tests", nargs="+", required=True)
    ap.add_argument("--source", choices=("worktree", "head"), default="worktree")
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args(argv)
    text = read_source(args.source, args.file)
    if text.count(args.old) != 1:
        raise SystemExit(
            f"{args.old!r} occurs {text.count(args.old)} times in {args.file}; it must occur once"
        )
    start = text.index(args.old)
    mutant = Mutant(
        args.file,
        text.count("\n", 0, start) + 1,
        start,
        start + len(args.old),
        args.old,
        args.new,
        "",
    )
    with tempfile.TemporaryDirectory(prefix="ovm-plant-") as tmp:
        copy = make_copy(args.source, Path(tmp) / "copy")
        status, _, failed = run_tests(copy, args.tests, args.timeout)
        if status != "survived":
            print(f"the tests fail before the change: {failed}", file=sys.stderr)
            return 2
        # Every test the change fails, not only the first.
        outcome = run_mutant(copy, mutant, args.tests, args.timeout, first_only=False)
    print(f"{outcome.status.upper()} {mutant.label} {outcome.failed}")
    return 0 if outcome.status == "killed" else 1


if __name__ == "__main__":
    sys.exit(main())
