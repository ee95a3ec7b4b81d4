"""What every benchmark shares: paired runs, ratios, the machine's state and the JSON record.

A benchmark measures ovm against a baseline doing comparable work. Both run alternately in
one process (baseline, ovm, baseline, ovm...), so that a change of load hits both sides of a
pair alike; each pair gives a ratio (ovm / baseline) and the figure is the median of those
ratios, with the best and the worst. Wall and CPU time are kept for both sides, with the
load average before and after and the thread counts of the BLAS and of Polars. See
benchmarks/README.md.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""Children write and use bytecode caches, as an installed ovm does (the warm-up run writes
them): without, each run would compile every module it imports again."""


@dataclass
class Timing:
    """One run: wall seconds, CPU seconds (user + system, of the process or its child) and
    the peak resident memory of a child process (MiB; 0 for in-process runs)."""

    wall: float
    cpu: float
    peak_mib: float = 0.0


def run_inline(fn: Callable[[], object]) -> Timing:
    """Time ``fn()`` in this process."""
    c, t = time.process_time(), time.perf_counter()
    fn()
    return Timing(time.perf_counter() - t, time.process_time() - c)


def run_child(argv: Sequence[str], cwd: Path | None = None) -> Timing:
    """Time a child process, which must succeed or fail as expected by the caller (its exit
    status is not checked: a refused input exits 1 on purpose)."""
    # wait4 gives this child's own usage (RUSAGE_CHILDREN would add earlier children's peak).
    t = time.perf_counter()
    proc = subprocess.Popen(
        list(argv), cwd=cwd, env=CHILD_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _pid, _status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = 0
    return Timing(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


@dataclass
class Paired:
    """A paired comparison: every run of each side, and the ratios of each pair."""

    name: str
    baseline_name: str
    baseline: list[Timing] = field(default_factory=list)
    ovm: list[Timing] = field(default_factory=list)

    def ratios(self, what: str = "wall") -> list[float]:
        """ovm / baseline of each pair."""
        return [
            getattr(o, what) / max(getattr(b, what), 1e-9)
            for b, o in zip(self.baseline, self.ovm, strict=True)
        ]

    def summary(self) -> dict[str, Any]:
        """Medians of each side, and the median, best and worst ratio (wall and CPU)."""
        out: dict[str, Any] = {"name": self.name, "baseline": self.baseline_name}
        for what in ("wall", "cpu"):
            r = self.ratios(what)
            out[f"ratio_{what}"] = {
                "median": statistics.median(r),
                "best": min(r),
                "worst": max(r),
            }
            out[f"ovm_{what}_s"] = statistics.median(getattr(t, what) for t in self.ovm)
            out[f"baseline_{what}_s"] = statistics.median(getattr(t, what) for t in self.baseline)
        peaks = [t.peak_mib for t in self.ovm if t.peak_mib]
        if peaks:
            out["ovm_peak_mib"] = max(peaks)
        out["pairs"] = len(self.ovm)
        out["runs"] = {
            "baseline": [asdict(t) for t in self.baseline],
            "ovm": [asdict(t) for t in self.ovm],
        }
        return out


def paired(
    name: str,
    baseline_name: str,
    baseline: Callable[[], Timing],
    candidate: Callable[[], Timing],
    pairs: int,
    warmup: bool = True,
) -> Paired:
    """Run baseline and candidate alternately ``pairs`` times (after one untimed warm-up of
    each, which fills the file cache)."""
    if warmup:
        baseline()
        candidate()
    out = Paired(name, baseline_name)
    for _ in range(pairs):
        out.baseline.append(baseline())
        out.ovm.append(candidate())
    return out


def thread_counts() -> dict[str, Any]:
    """The BLAS and Polars thread pools, as the benchmarked code sees them."""
    found: dict[str, Any] = {
        k: os.environ[k]
        for k in (
            "OMP_NUM_THREADS",
            "OPENBLAS_NUM_THREADS",
            "OPENBLAS_THREAD_TIMEOUT",
            "MKL_NUM_THREADS",
            "POLARS_MAX_THREADS",
            "OVM_THREADS",
        )
        if k in os.environ
    }
    runtime = sys.modules.get("ovm.runtime")
    if runtime is not None and hasattr(runtime, "worker_threads"):
        # Absent from checkouts older than the engine's threads.
        found["ovm"] = runtime.worker_threads()
    try:
        from threadpoolctl import threadpool_info

        found["blas"] = [
            {k: i.get(k) for k in ("internal_api", "num_threads", "version")}
            for i in threadpool_info()
        ]
    except ImportError:
        found["blas"] = "threadpoolctl not installed"
    if "polars" in sys.modules:
        import polars as pl

        found["polars"] = pl.thread_pool_size()
    return found


def machine() -> dict[str, Any]:
    """What was running this benchmark: load, cores, Python and library versions."""
    info: dict[str, Any] = {
        "load_average": list(os.getloadavg()),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    for mod in ("numpy", "polars", "yaml", "pydantic"):
        if mod in sys.modules:
            info[mod] = getattr(sys.modules[mod], "__version__", "?")
    return info


def target(value: float, limit: float, *, below: bool = True) -> dict[str, Any]:
    """A target and whether ``value`` meets it."""
    return {"value": value, "limit": limit, "met": value <= limit if below else value >= limit}


def record(bench: str, results: dict[str, Any], targets: dict[str, dict[str, Any]]) -> Path:
    """Write the JSON record of one benchmark run; print where, and the targets' state."""
    started = results.pop("_load_before", None)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    body = {
        "benchmark": bench,
        "when": stamp,
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "pythonpath": os.environ.get("PYTHONPATH"),
        "bytecode_cache": "written by the warm-up run",
        "machine": machine(),
        "load_average_before": started,
        "threads": thread_counts(),
        "results": results,
        "targets": targets,
        "peak_rss_mib_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{bench}-{stamp}.json"
    path.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    load = " ".join(f"{x:.2f}" for x in body["machine"]["load_average"])
    print(f"load average {load} (before: {started}); record: {path.relative_to(ROOT)}")
    for name, t in targets.items():
        print(
            f"  {'met   ' if t['met'] else 'MISSED'} {name}: {t['value']:.3g} (limit {t['limit']})"
        )
    return path


def print_pair(p: Paired) -> None:
    """One line per paired comparison."""
    s = p.summary()
    w, c = s["ratio_wall"], s["ratio_cpu"]
    print(
        f"{p.name:<34} ovm {s['ovm_wall_s']:7.3f} s wall {s['ovm_cpu_s']:7.3f} s cpu | "
        f"{p.baseline_name} {s['baseline_wall_s']:6.3f} s wall | ratio wall "
        f"{w['median']:5.2f}x [{w['best']:.2f}-{w['worst']:.2f}] cpu {c['median']:5.2f}x"
    )
