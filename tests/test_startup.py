"""Start-up stays light: the package, ``ovm --help`` and ``ovm validate`` leave the data stack
(Polars, NumPy, openpyxl, Jinja) unimported. Checked by the modules a fresh interpreter holds,
never by timing."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HEAVY = ("polars", "numpy", "openpyxl", "jinja2", "pyarrow")
RUBRICS = Path(__file__).parent / "data" / "rubrics"


def _output(code: str, **options: Any) -> str:
    """What a fresh interpreter running ``code`` prints (it must end with status 0);
    ``options`` go to :func:`subprocess.run` (``env``, ``cwd``)."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        **options,
    )
    return done.stdout


def heavy_after(code: str) -> list[str]:
    """The heavy modules a fresh interpreter holds after running ``code``."""
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    stdout = _output(probe)
    loaded: list[str] = json.loads(stdout.strip().splitlines()[-1])
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


def test_scoring_leaves_the_sensitivity_analysis_recommendations_and_hints_out(
    tmp_path: Path,
) -> None:
    # difflib only finds what a misspelt word meant: data read as written never needs it.
    examples = Path(__file__).resolve().parent.parent / "examples"
    out = tmp_path / "scores.csv"
    modules = (
        "ovm.comparison.sensitivity",
        "ovm.comparison.recommend",
        "difflib",
        "ovm.scoring.engine",
    )
    probe = (
        cli("score", str(examples), "-q", "-o", str(out))
        + f"\nimport json, sys\nprint(json.dumps([m for m in {modules!r} if m in sys.modules]))"
    )
    stdout = _output(probe)
    # The engine is the probe's witness: it must be there for the answer to mean anything.
    assert json.loads(stdout.strip().splitlines()[-1]) == ["ovm.scoring.engine"]
    assert out.stat().st_size > 0


READERS = ("importlib.readers", "importlib.resources.readers")
"""importlib.resources' readers: ovm finds its catalogues and bundled rubrics by path."""


@pytest.mark.parametrize("command", ["validate", "score", "witness"])
def test_ovm_reads_its_own_files_without_importlib_resources_readers(
    tmp_path: Path, command: str
) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    if command == "validate":
        code = cli("validate", str(RUBRICS / "valid.yaml"))
    elif command == "score":
        code = cli("score", str(examples), "-q", "-o", str(tmp_path / "scores.csv"))
    else:
        # The probe sees the readers where they are used: without this, an empty answer
        # proves nothing.
        code = "from importlib import resources\nresources.files('ovm').joinpath('py.typed')"
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps([m for m in {READERS!r} if m in sys.modules]))"
    )
    env = {**os.environ, "OVM_CACHE_DIR": str(tmp_path / "cache")}
    loaded = json.loads(_output(probe, env=env).strip().splitlines()[-1])
    assert loaded == ([] if command != "witness" else list(READERS))


def test_reading_a_statistics_table_leaves_numpy_out(tmp_path: Path) -> None:
    # Counting a CSV's separators must not import NumPy for a table read on its own.
    table = tmp_path / "statistics.csv"
    table.write_text("mission,registered_abroad\nmex-2024,1000\nzz-1,5\n", encoding="utf-8")
    examples = Path(__file__).parent.parent / "examples"
    code = (
        "from pathlib import Path\n"
        "from ovm.data.observations import load_missions, load_statistics\n"
        "from ovm.rubric.model import bundled_rubric\n"
        "rubric = bundled_rubric('deco-voting-abroad')\n"
        f"missions, _ = load_missions(Path({str(examples / 'missions.yaml')!r}), rubric)\n"
        f"_, report, rejected, _ = load_statistics(Path({str(table)!r}), rubric, missions)\n"
        "assert (report.rows_used, [r.row for r in rejected]) == (1, [3]), report\n"
    )
    assert "numpy" not in heavy_after(code)
    assert "numpy" in heavy_after(code + "import numpy\n")


def test_the_program_leaves_the_collector_on_after_start_up(tmp_path: Path) -> None:
    # Run as the program, ovm holds the collector while it imports and runs the command and
    # freezes what the imports made; the collector is on again once the command is done.
    probe = (
        "import gc, sys\n"
        f"sys.argv = ['ovm', 'schema', 'rubric', '-o', {str(tmp_path / 'schema.json')!r}]\n"
        "from ovm.cli.app import main\n"
        "status = main()\n"
        "print(status, gc.isenabled(), gc.get_freeze_count() > 0)\n"
    )
    stdout = _output(probe)
    assert stdout.split() == ["0", "True", "True"]
    called = probe.replace("main()", "main(sys.argv[1:])")
    stdout = _output(called)
    assert stdout.split() == ["0", "True", "False"]


def test_the_program_leaves_nothing_of_its_run_for_the_exits_collections(tmp_path: Path) -> None:
    # Run as the program, what the command leaves alive is frozen as it returns: the
    # collections of the interpreter's exit walk none of it. Called with arguments, nothing is
    # frozen (the caller goes on).
    probe = (
        "import gc, sys\n"
        f"sys.argv = ['ovm', 'score', 'examples', '-q', '-o', {str(tmp_path / 's.csv')!r}]\n"
        "from ovm.cli.app import main\n"
        "status = main()\n"
        "print(status, len(gc.get_objects()))\n"
    )
    root = Path(__file__).resolve().parent.parent
    stdout = _output(probe, cwd=root)
    status, tracked = stdout.split()
    # The few objects left are the probe's own, made after the command returned.
    assert (status, int(tracked) < 1_000) == ("0", True), tracked
    called = probe.replace("main()", "main(sys.argv[1:])")
    stdout = _output(called, cwd=root)
    status, tracked = stdout.split()
    assert (status, int(tracked) > 10_000) == ("0", True), tracked


def test_the_program_collects_at_the_end_of_each_stage_only(tmp_path: Path, mini: Path) -> None:
    # Run as the program, the collector is held through the command and collects where each
    # stage of the run ends (load, score, compare, and the output as the command returns);
    # called with arguments, as a script or a test calls it, the collector runs as it always
    # does.
    probe = (
        "import gc, sys\n"
        "import ovm.runtime as runtime\n"
        "seen = []\n"
        "original = runtime.stage_done\n"
        "def spy():\n"
        "    seen.append(gc.isenabled())\n"
        "    original()\n"
        "runtime.stage_done = spy\n"
        f"sys.argv = ['ovm', 'score', {str(mini)!r}, '-q', '-o', {str(tmp_path / 's.csv')!r}]\n"
        "from ovm.cli.app import main\n"
        "status = main()\n"
        "print(status, seen, gc.isenabled())\n"
    )
    stdout = _output(probe)
    assert stdout.split(maxsplit=1) == ["0", "[False, False, False, False] True\n"]
    called = probe.replace("main()", "main(sys.argv[1:])")
    stdout = _output(called)
    assert stdout.split(maxsplit=1) == ["0", "[True, True, True] True\n"]


def _dataclass(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name == "dataclass"


def test_every_dataclass_of_ovm_has_a_docstring() -> None:
    # A dataclass without one has its signature worked out (inspect.signature) as the class
    # is made, for a docstring of its own: start-up work for nothing.
    package = Path(__file__).resolve().parent.parent / "ovm"
    undocumented = [
        f"{path.relative_to(package.parent)}:{node.name}"
        for path in sorted(package.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
        and any(_dataclass(d) for d in node.decorator_list)
        and ast.get_docstring(node) is None
    ]
    assert undocumented == []


def test_country_codes_are_pycountrys_without_importing_it() -> None:
    import itertools
    import string

    import pycountry

    from ovm.data.plan import country_problem, is_country

    codes = {"".join(t) for t in itertools.product(string.ascii_uppercase, repeat=3)}
    assert {c for c in codes if is_country(c)} == {c.alpha_3 for c in pycountry.countries}
    assert "MEX (Mexico)" in str(country_problem("MXE"))
    examples = Path(__file__).parent.parent / "examples"
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ovm.data.observations import load_missions\n"
        "from ovm.rubric.model import bundled_rubric\n"
        f"missions, issues = load_missions(Path({str(examples / 'missions.yaml')!r}), "
        "bundled_rubric('deco-voting-abroad'))\n"
        "assert len(missions) == 19 and not issues\n"
        "print(json.dumps(['pycountry' in sys.modules]))\n"
    )
    stdout = _output("import json\n" + code)
    assert json.loads(stdout.strip().splitlines()[-1]) == [False]


BLAS_PROBE = (
    "import importlib.abc, os, sys\n"
    "seen = []\n"
    "class Witness(importlib.abc.MetaPathFinder):\n"
    "    def find_spec(self, name, path, target=None):\n"
    "        if name == 'numpy' and not seen:\n"
    "            seen.append(os.environ.get('OPENBLAS_THREAD_TIMEOUT'))\n"
    "        return None\n"
    "sys.meta_path.insert(0, Witness())\n"
    "sys.argv = ['ovm', 'score', {workspace!r}, '-q', '-o', {out!r}]\n"
    "from ovm.cli.app import main\n"
    "status = main()\n"
    "print(status, seen)\n"
)


def _blas_setting_seen(tmp_path: Path, env: dict[str, str], *, called: bool = False) -> str:
    """What ``OPENBLAS_THREAD_TIMEOUT`` held when the score command imported NumPy."""
    import os

    examples = Path(__file__).resolve().parent.parent / "examples"
    probe = BLAS_PROBE.format(workspace=str(examples), out=str(tmp_path / "s.csv"))
    if called:
        probe = probe.replace("main()", "main(sys.argv[1:])")
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_THREAD_TIMEOUT")}
    stdout = _output(probe, env={**clean, **env})
    return stdout.strip().splitlines()[-1]


def test_the_program_has_openblas_idle_threads_sleep(tmp_path: Path) -> None:
    # Set before NumPy (and so OpenBLAS) is loaded, or OpenBLAS never reads it.
    assert _blas_setting_seen(tmp_path, {}) == "0 ['20']"


def test_the_users_blas_setting_and_a_callers_process_are_left_alone(tmp_path: Path) -> None:
    assert _blas_setting_seen(tmp_path, {"OPENBLAS_THREAD_TIMEOUT": "28"}) == "0 ['28']"
    assert _blas_setting_seen(tmp_path, {"GOTO_THREAD_TIMEOUT": "28"}) == "0 [None]"
    # main(argv), as a script or a test calls it, leaves the caller's environment as it is.
    assert _blas_setting_seen(tmp_path, {}, called=True) == "0 [None]"


def test_scoring_with_the_rubric_kept_in_the_cache_leaves_the_rubric_checks_out(
    tmp_path: Path,
) -> None:
    # The rubric's checks run on its text: once the cache keeps the checked rubric, a command
    # reads it from there and imports no checks. The first run, reading the text, is the
    # probe's witness.
    examples = Path(__file__).resolve().parent.parent / "examples"
    out = tmp_path / "scores.csv"
    probe = (
        cli("score", str(examples), "-q", "-o", str(out))
        + "\nimport json, sys\nprint(json.dumps('ovm.rubric.checks' in sys.modules))"
    )
    env = {**os.environ, "OVM_CACHE_DIR": str(tmp_path / "cache")}

    def checks_imported() -> bool:
        stdout = _output(probe, env=env)
        imported: bool = json.loads(stdout.strip().splitlines()[-1])
        return imported

    assert checks_imported()
    assert not checks_imported()
    assert out.stat().st_size > 0


def test_scoring_with_the_kept_rubric_builds_none_of_its_validators(tmp_path: Path) -> None:
    # A rubric read from the cache is never validated: its models' validators, built on first
    # use, are not built at all. The first run, validating the rubric's text, is the witness.
    examples = Path(__file__).resolve().parent.parent / "examples"
    probe = (
        cli("score", str(examples), "-q", "-o", str(tmp_path / "scores.csv"))
        + "\nfrom ovm.rubric.model import Group, Rubric\n"
        "print(Rubric.__pydantic_complete__, Group.__pydantic_complete__)"
    )
    env = {**os.environ, "OVM_CACHE_DIR": str(tmp_path / "cache")}
    assert _output(probe, env=env).splitlines()[-1] == "True True"
    assert _output(probe, env=env).splitlines()[-1] == "False False"


def test_scoring_with_the_kept_rubric_builds_no_rubric_model_at_all(tmp_path: Path) -> None:
    # Nor any nested model's: not a node's kind (asked which variables it reads), not the
    # defaults the kinds' modules make as they are imported. The first run, validating the
    # rubric's text, builds them all and is the witness.
    examples = Path(__file__).resolve().parent.parent / "examples"
    probe = (
        cli("score", str(examples), "-q", "-o", str(tmp_path / "scores.csv"))
        + "\nimport json\nfrom ovm.indicators import Frozen\n"
        "def every(c):\n"
        "    for s in c.__subclasses__():\n"
        "        yield s\n"
        "        yield from every(s)\n"
        "print(json.dumps(sorted({m.__name__ for m in every(Frozen) if m.__pydantic_complete__})))"
    )
    env = {**os.environ, "OVM_CACHE_DIR": str(tmp_path / "cache")}

    def built() -> list[str]:
        names: list[str] = json.loads(_output(probe, env=env).splitlines()[-1])
        return names

    assert {"Rubric", "LevelsIndicator", "Scale", "AnswerScores", "Choice"} <= set(built())
    assert built() == []


def test_validating_a_rubric_builds_each_nested_model_once() -> None:
    # Built in the order the classes were made, a band's validator is built on its own and
    # reused by every model holding bands; the bases only others derive from stay unbuilt.
    probe = (
        "from ovm import check_rubric\n"
        "from ovm.indicators import Band, IndicatorBase, NodeBase\n"
        "from ovm.rubric.model import Rubric\n"
        f"rubric, issues = check_rubric({str(RUBRICS / 'valid.yaml')!r})\n"
        "assert rubric is not None and not issues, issues\n"
        "print(*(m.__pydantic_complete__ for m in (Band, Rubric, NodeBase, IndicatorBase)))"
    )
    assert _output(probe).splitlines()[-1] == "True True False False"


def test_a_rubric_model_validated_on_its_own_first_refuses_as_ever() -> None:
    probe = (
        "from pydantic import ValidationError\n"
        "from ovm.indicators import Band\n"
        "try:\n"
        "    Band.model_validate({'label': {'en': 'low'}, 'min': float('nan')})\n"
        "except ValidationError as exc:\n"
        "    print(exc.errors()[0]['type'], exc.errors()[0]['loc'])\n"
        "print(Band.model_validate({'label': {'en': 'low'}, 'min': 0}).low)"
    )
    assert _output(probe).splitlines() == ["finite_number ('min',)", "0.0"]
