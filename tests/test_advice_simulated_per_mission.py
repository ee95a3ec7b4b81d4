"""`ovm recommend` and `ovm whatif` say a mission's results were not observed only when its
own data are simulated, by the rule its report applies: a mission without a single simulated
visit is not told so because other missions of the workspace have some."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ovm.cli.app import main
from ovm.i18n import gettext

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FAST = ["-q", "--bootstrap", "0"]
# mex-2012 has no checklist row; col-2022's visits are in the simulated checklists.
MISSIONS = ("mex-2012", "col-2022")

pytestmark = pytest.mark.skipif(not (EXAMPLES / "ovm.yaml").exists(), reason="no example workspace")


def _run(tmp_path: Path, name: str, *argv: str) -> str:
    out = tmp_path / name
    assert main([*argv, "-o", str(out)]) == 0
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_each_mission_is_said_simulated_as_its_report_says(tmp_path: Path, lang: str) -> None:
    line = gettext("cli_simulated_line", lang)
    seen = {}
    for mid in MISSIONS:
        at = ["--mission", mid, *FAST, "--lang", lang]
        ws = str(EXAMPLES)
        report = json.loads(_run(tmp_path, f"{mid}.json", "report", ws, *at))
        rec = _run(tmp_path, f"{mid}.md", "recommend", ws, *at)
        rec_json = json.loads(_run(tmp_path, f"{mid}-r.json", "recommend", ws, *at))
        change = ["--set", "votes_abroad=50000"]
        whatif = _run(tmp_path, f"{mid}.txt", "whatif", ws, *at, *change)
        whatif_json = json.loads(_run(tmp_path, f"{mid}-w.json", "whatif", ws, *at, *change))
        seen[mid] = {
            "report": report["simulated"]["any"],
            "recommend": line in rec,
            "recommend json": rec_json["simulated"],
            "recommend sources": rec_json["simulated_sources"] != [],
            "whatif": line in whatif,
            "whatif json": whatif_json["simulated"],
            "whatif sources": whatif_json["simulated_sources"] != [],
        }
    assert seen == {
        "mex-2012": dict.fromkeys(seen["mex-2012"], False),
        "col-2022": dict.fromkeys(seen["col-2022"], True),
    }
