"""The example message of each code in docs/errors.md, as ovm gives it.

Each code's example is the line ovm prints for the first corpus case of that code, with the
case's temporary workspace folder written ``ws``. ``tests/test_bad_inputs.py`` checks that
ovm/codes.py holds exactly these lines;

    python -m tests.bad_inputs.examples          # prints code -> message
    python -m tests.bad_inputs.examples --write  # writes them into ovm/codes.py and docs/errors.md

(the second after a change of wording, then review the diff).
"""

from __future__ import annotations

import ast
import re
import sys
import tempfile
import textwrap
from pathlib import Path

from tests.bad_inputs.cases import CASES, Case
from tests.bad_inputs.runner import hit, run_case

ROOT = Path(__file__).resolve().parents[2]


def example_of(case: Case) -> str | None:
    """The line ovm prints for ``case`` at the case's place, without its ``[code]``."""
    assert case.code is not None
    with tempfile.TemporaryDirectory() as tmp:
        outcome = run_case(case, Path(tmp))
        ws = str(Path(tmp) / "ws")
    if not hit(case, outcome):
        return None
    suffix = f" [{case.code}]"
    for raw in outcome.text.splitlines():
        line = raw.strip()
        if not line.endswith(suffix):
            continue
        line = line.replace(ws + "/", "").replace(ws, "ws")
        place = re.match(r"(\S+?)(?::(\d+))?(?::\d+)?:? ", line)
        elsewhere = place is None or case.file not in (Path(place[1]).name, place[1])
        if elsewhere and not line.startswith("ovm whatif:"):
            continue
        if case.line is not None and (place is None or place[2] != str(case.line)):
            continue
        return line.removesuffix(suffix)
    return None


def real_examples() -> dict[str, str]:
    """Each code the corpus reaches, with the line its first case gives."""
    out: dict[str, str] = {}
    for case in CASES:
        if case.code is None or case.code in out:
            continue
        line = example_of(case)
        if line is not None:
            out[case.code] = line
    return out


def _literal(text: str, indent: int) -> str:
    """``text`` as Python string literals of at most 100 characters a line."""
    width = 96 - indent
    parts = textwrap.wrap(
        text, width, drop_whitespace=False, break_long_words=True, break_on_hyphens=False
    )
    return ("\n" + " " * indent).join(repr(p) for p in parts) if parts else "''"


def write(examples: dict[str, str]) -> None:
    """Replace the examples in ovm/codes.py by ``examples``; regenerate docs/errors.md."""
    path = ROOT / "ovm" / "codes.py"
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    tree = ast.parse(source)
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value in examples
                    and isinstance(value, ast.Call)
                    and len(value.args) >= 2
                ):
                    spans.append((value.args[1], examples[key.value]))
    for arg, text in sorted(spans, key=lambda s: -s[0].lineno):
        assert arg.end_lineno is not None and arg.end_col_offset is not None
        start = sum(len(x) for x in lines[: arg.lineno - 1]) + arg.col_offset
        end = sum(len(x) for x in lines[: arg.end_lineno - 1]) + arg.end_col_offset
        source = source[:start] + _literal(text, arg.col_offset) + source[end:]
        lines = source.splitlines(keepends=True)
    path.write_text(source, encoding="utf-8")
    import importlib

    import ovm.codes

    # The registry just written, not the one imported before.
    importlib.reload(ovm.codes).main(["--write"])


if __name__ == "__main__":
    found = real_examples()
    if sys.argv[1:] == ["--write"]:
        write(found)
    else:
        for code, line in sorted(found.items()):
            print(f"{code}\t{line}")
