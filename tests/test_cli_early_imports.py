"""The modules ``ovm report`` and ``ovm score`` import while the workspace's checklist table is
read are ones the command imports anyway: importing them early moves their loading, never adds
one. Checked by the modules a fresh interpreter holds after the command ran without that early
import. The templates ``ovm report`` loads then are those its page loads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.mark.parametrize(
    ("command", "early", "modules", "options"),
    [
        ("report", "_meanwhile", "REPORT_MODULES", ["--sensitivity-runs", "20"]),
        ("score", "_score_modules", "SCORE_MODULES", []),
    ],
)
def test_the_modules_imported_while_reading_are_those_the_command_imports(
    tmp_path: Path, command: str, early: str, modules: str, options: list[str]
) -> None:
    output = str(tmp_path / ("r.html" if command == "report" else "s.json"))
    extra = ", 'ovm.comparison.sensitivity'" if command == "report" else ""
    code = (
        "import json, sys\n"
        f"import ovm.cli.{command} as command\n"
        f"command.{early} = lambda *_, **__: None\n"
        "from ovm.cli.app import main\n"
        f"status = main([{command!r}, {str(EXAMPLES)!r}, '-q', *{options!r}, '-o', {output!r}])\n"
        f"wanted = [*command.{modules}{extra}]\n"
        "print(json.dumps([status, [m for m in wanted if m not in sys.modules]]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    status, never = json.loads(done.stdout.strip().splitlines()[-1])
    assert status == 0
    assert never == []


@pytest.mark.parametrize("kind", ["comparison", "mission"])
def test_the_templates_warmed_are_those_the_page_loads(kind: str) -> None:
    from ovm.pipeline import analyse
    from ovm.reporting import report

    def loaded() -> set[str]:
        return {name for _, name in report.environment("es").cache}

    run = analyse(EXAMPLES)
    report._environment.cache_clear()
    report.warm_up("es", kind)
    warmed = loaded()
    report._environment.cache_clear()
    mission = run.missions[0] if kind == "mission" else None
    report.render(report.report_context(run, lang="es", mission=mission), "html")
    assert warmed == loaded()
    assert report.TEMPLATES[kind] in warmed
