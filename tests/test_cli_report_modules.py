"""The modules ``ovm report`` imports while the workspace's checklist table is read are ones a
report imports anyway: importing them early moves their loading, never adds one. Checked by the
modules a fresh interpreter holds after a report made without that early import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_the_modules_imported_while_reading_are_those_a_report_imports(tmp_path: Path) -> None:
    code = (
        "import json, sys\n"
        "import ovm.cli.report as report\n"
        "report._report_modules = lambda **_: None\n"
        "from ovm.cli.app import main\n"
        f"status = main(['report', {str(EXAMPLES)!r}, '-q', '--sensitivity-runs', '20',"
        f" '-o', {str(tmp_path / 'r.html')!r}])\n"
        "wanted = (*report.REPORT_MODULES, 'ovm.comparison.sensitivity')\n"
        "print(json.dumps([status, [m for m in wanted if m not in sys.modules]]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    status, never = json.loads(done.stdout.strip().splitlines()[-1])
    assert status == 0
    assert never == []
