"""Start-up and rubric validation, as a user waits for them: whole processes.

Each ovm command runs as a child process, paired with a baseline process doing the least the
same answer needs:
- ``ovm --help`` and ``python -c "import ovm"`` against a bare ``python -c pass``;
- ``ovm validate`` of the bundled rubric and of a 4.8 MB rubric (the bundled one with its
  first family repeated under new ids) against a process composing the same file with
  libyaml (``yaml.compose`` with ``CSafeLoader``: the floor of reading it at all);
- ``ovm validate`` of the billion-laughs rubric against ``python -c pass``, with its peak
  memory;
- ``ovm score examples -q -o scores.csv``, the whole command on the example workspace, against
  a process loading Polars, NumPy, pydantic and PyYAML as a scoring program uses them (what
  scoring a workspace of CSV files cannot do without, :data:`DATA_STACK`).

Targets (absolute, on an idle machine): --help <= 0.15 s, import <= 0.2 s, validate of the
bundled rubric <= 0.3 s, of the 4.8 MB rubric <= 1 s, billion laughs refused < 0.5 s and
< 100 MB, the example workspace scored <= 0.5 s. On a loaded machine wall time waits for a core;
the targets are judged on CPU time (user + system: what the process would take alone; only the
scoring uses a second thread, Polars', so its CPU time is if anything above its idle wall time).
Run: ``python benchmarks/startup_bench.py [--pairs N]``. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ROOT, Paired, paired, print_pair, record, run_child, target

PY = sys.executable
OVM = [PY, "-m", "ovm"]
BUNDLED = ROOT / "ovm" / "rubrics" / "deco-voting-abroad.yaml"
LAUGHS = ROOT / "tests" / "data" / "rubrics" / "billion-laughs.yaml"
BIG_BYTES = 4_800_000
EXAMPLES = ROOT / "examples"


def big_rubric(path: Path) -> int:
    """The bundled rubric with its first family repeated (ids renamed) up to 4.8 MB."""
    src = BUNDLED.read_text(encoding="utf-8")
    lines = src.splitlines(keepends=True)
    start = next(i for i, x in enumerate(lines) if x.startswith("  - id: rights"))
    end = next(i for i, x in enumerate(lines) if x.startswith("  - id: procedures"))
    block = "".join(lines[start:end])
    cut = src.index("  - id: comparative")
    parts, size, k = [src[:cut]], len(src.encode()), 0
    while size < BIG_BYTES:
        k += 1
        copy = re.sub(r"\brights\b", f"rights{k}", block)
        parts.append(copy)
        size += len(copy.encode())
    parts.append(src[cut:])
    path.write_text("".join(parts), encoding="utf-8")
    return path.stat().st_size


DATA_STACK = """\
import os
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "20")
import numpy, numpy.ma, polars, yaml
from pydantic import BaseModel
class Datum(BaseModel):
    value: float
Datum(value=1.0)
"""
"""The floor of any program that scores with this data stack. ``import pydantic`` alone loads
almost nothing: its models' machinery (about 0.1 s of CPU) loads with the first model, so one
is defined and validated. Polars loads ``numpy.ma`` the first time it makes a Series of a NumPy
array. OpenBLAS' idle threads are told to sleep soon, as ``ovm`` tells them
(:func:`ovm.runtime.idle_blas_threads`), so that their busy waiting is not counted in the
floor."""


def compose_only(path: Path) -> list[str]:
    """A process reading ``path`` with libyaml and nothing else."""
    code = (
        "import sys, yaml\n"
        "yaml.compose(open(sys.argv[1], encoding='utf-8').read(), Loader=yaml.CSafeLoader)"
    )
    return [PY, "-c", code, str(path)]


def main() -> int:
    """Run the benchmark, print and record the figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pairs", type=int, default=7)
    args = ap.parse_args()
    load_before = list(os.getloadavg())
    bare = [PY, "-c", "pass"]
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.yaml"
        size = big_rubric(big)
        cases = [
            ("ovm --help", "python -c pass", bare, [*OVM, "--help"]),
            ("import ovm", "python -c pass", bare, [PY, "-c", "import ovm"]),
            ("ovm validate (bundled)", "libyaml compose", compose_only(BUNDLED),
             [*OVM, "validate", str(BUNDLED)]),
            (f"ovm validate ({size / 1e6:.1f} MB)", "libyaml compose", compose_only(big),
             [*OVM, "validate", str(big)]),
            ("ovm validate (billion laughs)", "python -c pass", bare,
             [*OVM, "validate", str(LAUGHS)]),
            ("ovm score examples", "load the data stack", [PY, "-c", DATA_STACK],
             [*OVM, "score", str(EXAMPLES), "-q", "-o", str(Path(tmp) / "scores.csv")]),
        ]  # fmt: skip
        pairs: list[Paired] = []
        for name, base_name, base, cmd in cases:
            p = paired(
                name,
                base_name,
                lambda base=base: run_child(base, Path(tmp)),
                lambda cmd=cmd: run_child(cmd, Path(tmp)),
                args.pairs,
            )
            print_pair(p)
            pairs.append(p)
    s = {p.name: p.summary() for p in pairs}
    cpu = {name: v["ovm_cpu_s"] for name, v in s.items()}
    names = list(s)
    targets = {
        "ovm --help cpu s": target(cpu[names[0]], 0.15),
        "import ovm cpu s": target(cpu[names[1]], 0.2),
        "validate bundled cpu s": target(cpu[names[2]], 0.3),
        "validate 4.8 MB cpu s": target(cpu[names[3]], 1.0),
        "billion laughs cpu s": target(cpu[names[4]], 0.5),
        "billion laughs peak MiB": target(s[names[4]]["ovm_peak_mib"], 100),
        "score examples cpu s": target(cpu[names[5]], 0.5),
    }
    results = {"_load_before": load_before, "pairs": s}
    record("startup", results, targets)
    return 0 if all(t["met"] for t in targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
