"""The size of the scores file (``ovm score WS -o scores.json``) a mission, and where it goes.

Three workspaces, each scored by ``ovm score`` in a child process as a user runs it:

- ``examples``: the bundled example workspace (19 missions; values with their sources,
  simulated checklists). Target: at most 30 KB a mission.
- ``annual``: the annual index of ``tests/data/annual_index`` (25 items scored 0-4 a entity,
  each answer with its provenance; the entities of ``tests/test_annual_index.py``). Target:
  under 8 KB a mission.
- ``checklists``: ``score_bench.py``'s workspace (200 missions x 40 checklist questions,
  ``--rows`` site visits). Target: at most 30 KB a mission.

For each it also prints the size the same scores take written object by object (every input
with its full provenance, every node with the rubric's structure: the ``ovm-scores/1``
layout, rebuilt from the file itself through ``ScoreSet.from_json``), and checks that the file
reads back to the very scores the API returns. ``--breakdown`` prints the bytes by field.
Run: ``python benchmarks/output_size.py [--rows N] [--breakdown]``. Exit status 1 when a
target is missed or a file does not read back whole.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from harness import record, target  # noqa: E402

PY = sys.executable
LIMITS = {"examples": 30_000, "annual": 7_999, "checklists": 30_000}


def annual_workspace(folder: Path) -> None:
    """The annual index workspace of the test suite: its rubric and its eleven entities."""
    sys.path.insert(0, str(ROOT / "tests"))
    import test_annual_index as annual  # the entities and their items, as the tests use them

    shutil.copy(annual.HERE / "rubric.yaml", folder / "rubric.yaml")
    (folder / "missions.yaml").write_text(
        yaml.safe_dump({"missions": annual.missions()}, sort_keys=False), encoding="utf-8"
    )
    (folder / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\n", encoding="utf-8"
    )


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def breakdown(data: dict[str, Any]) -> Counter[str]:
    """Bytes by field: the file's tables, and a scorecard's parts and entries' fields."""
    out: Counter[str] = Counter()
    for key, value in data.items():
        if key != "scorecards":
            out[key] += _size(value)
    for card in data["scorecards"]:
        for key, value in card.items():
            if key not in ("nodes", "data"):
                out[f"scorecards[].{key}"] += _size(value)
        for part in ("nodes", "data"):
            for entry in card.get(part, ()):
                for key, value in entry.items():
                    out[f"scorecards[].{part}[].{key}"] += _size(value) + len(key) + 4
    return out


def measure(name: str, ws: Path, out: Path, show: bool) -> dict[str, Any]:
    """Score ``ws`` with the CLI; the file's size a mission, and the object-by-object size."""
    from ovm import analyse
    from ovm.scoring.results import ScoreSet

    path = out / f"{name}.json"
    subprocess.run(
        [PY, "-m", "ovm", "score", str(ws), "-q", "--format", "json", "-o", str(path)],
        cwd=out,
        check=True,
    )
    raw = path.read_bytes()
    scores = ScoreSet.from_json(raw)
    missions = len(scores.scorecards)
    whole = scores == analyse(ws).scores
    flat = len((scores.model_dump_json(indent=1) + "\n").encode("utf-8"))
    per = len(raw) / missions
    print(
        f"{name:<11} {missions:4d} missions  {per / 1000:7.1f} KB a mission "
        f"(object by object: {flat / missions / 1000:.1f} KB, {flat / len(raw):.1f}x)  "
        f"reads back whole: {'yes' if whole else 'NO'}"
    )
    if show:
        data = json.loads(raw)
        for key, n in breakdown(data).most_common(25):
            print(f"    {n / missions:9.0f} B a mission  {key}")
    return {
        "missions": missions,
        "bytes": len(raw),
        "bytes_per_mission": per,
        "object_by_object_bytes_per_mission": flat / missions,
        "reads_back_whole": whole,
    }


def main() -> int:
    """Measure the three workspaces, print and record the figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000, help="site visits of 'checklists'")
    ap.add_argument("--breakdown", action="store_true", help="bytes by field")
    args = ap.parse_args()
    load_before = list(os.getloadavg())
    results: dict[str, Any] = {"_load_before": load_before, "rows": args.rows}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        out.mkdir()
        annual = Path(tmp) / "annual"
        annual.mkdir()
        annual_workspace(annual)
        bench = Path(tmp) / "checklists"
        bench.mkdir()
        subprocess.run(
            [PY, str(HERE / "score_bench.py"), "--generate", str(bench), "--rows", str(args.rows)],
            check=True,
        )
        for name, ws in (
            ("examples", ROOT / "examples"),
            ("annual", annual),
            ("checklists", bench),
        ):
            results[name] = measure(name, ws, out, args.breakdown)
    targets = {
        f"{name} score JSON bytes a mission": target(results[name]["bytes_per_mission"], limit)
        for name, limit in LIMITS.items()
    }
    whole = all(results[name]["reads_back_whole"] for name in LIMITS)
    record("output_size", results, targets)
    return 0 if whole and all(t["met"] for t in targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
