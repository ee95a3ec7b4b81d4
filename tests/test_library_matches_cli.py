"""The README's library call gives the report `ovm report` writes, from a workspace whose
ovm.yaml sets its own seed and bootstrap."""

from __future__ import annotations

import shutil
from pathlib import Path

import ovm
from ovm.cli.app import main

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_the_readme_settings_reproduce_the_commands_report(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLES, root)
    config = root / "ovm.yaml"
    text = config.read_text(encoding="utf-8")
    assert "settings: {seed: 20261128, bootstrap: 200}" in text
    config.write_text(
        text.replace("seed: 20261128, bootstrap: 200", "seed: 7, bootstrap: 60"), encoding="utf-8"
    )
    out = tmp_path / "report.json"
    assert main(["report", str(root), "--format", "json", "-q", "-o", str(out)]) == 0
    ws = ovm.load_workspace(root)
    yaml = ws.settings
    run = ovm.analyse(
        ws,
        ovm.Settings(
            seed=yaml.seed,
            bootstrap=yaml.bootstrap,
            confidence=yaml.confidence,
            sensitivity=ovm.SensitivitySettings(runs=300),
        ),
    )
    assert (run.settings.seed, run.settings.bootstrap) == (7, 60)
    assert ovm.render_json(ovm.report_context(run)) == out.read_text(encoding="utf-8")
