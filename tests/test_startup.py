"""Start-up stays light: the package, ``ovm --help`` and ``ovm validate`` leave the data stack
(Polars, NumPy, openpyxl, Jinja) unimported. Checked by the modules a fresh interpreter holds,
never by timing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("polars", "numpy", "openpyxl", "jinja2", "pyarrow")
RUBRICS = Path(__file__).parent / "data" / "rubrics"


def heavy_after(code: str) -> list[str]:
    """The heavy modules a fresh interpreter holds after running ``code``."""
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def cli(*args: str) -> str:
    return (
        "from ovm.cli.app import main\n"
        "try:\n"
        f"    status = main({list(args)!r})\n"
        "except SystemExit as exc:\n"
        "    status = exc.code\n"
        "print('status', status)"
    )


def test_import_ovm_loads_no_data_stack() -> None:
    assert heavy_after("import ovm; ovm.__version__") == []


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["validate", "--help"], ["nosuch"]])
def test_the_command_line_answers_without_the_data_stack(args: list[str]) -> None:
    assert heavy_after(cli(*args)) == []


def test_validating_a_rubric_loads_no_data_stack() -> None:
    # The rubric's import chain (model, indicators, rules, formulas) leaves NumPy out.
    assert heavy_after(cli("validate", str(RUBRICS / "valid.yaml"))) == []
    assert heavy_after("import ovm; ovm.default_rubric()") == []


def test_scoring_does_load_numpy() -> None:
    # The probe itself can see a heavy module: without this, an empty answer proves nothing.
    assert "numpy" in heavy_after("import ovm.scoring.engine")


def test_scoring_a_workspace_of_csv_files_leaves_openpyxl_and_jinja_out(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    out = tmp_path / "scores.csv"
    loaded = heavy_after(cli("score", str(examples), "-q", "-o", str(out)))
    assert out.stat().st_size > 0
    assert loaded == ["numpy", "polars"]


def test_scoring_leaves_the_sensitivity_analysis_and_recommendations_out(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    out = tmp_path / "scores.csv"
    modules = ("ovm.comparison.sensitivity", "ovm.comparison.recommend", "ovm.scoring.engine")
    probe = (
        cli("score", str(examples), "-q", "-o", str(out))
        + f"\nimport json, sys\nprint(json.dumps([m for m in {modules!r} if m in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    # The engine is the probe's witness: it must be there for the answer to mean anything.
    assert json.loads(done.stdout.strip().splitlines()[-1]) == ["ovm.scoring.engine"]
    assert out.stat().st_size > 0
