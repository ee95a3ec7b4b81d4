"""The modules ``ovm report`` and ``ovm score`` import while the workspace's checklist table is
read are ones the command imports anyway: importing them early moves their loading, never adds
one. Checked by the modules a fresh interpreter holds after the command ran without that early
import."""

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
        ("report", "_report_modules", "REPORT_MODULES", ["--sensitivity-runs", "20"]),
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
        f"command.{early} = lambda **_: None\n"
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
