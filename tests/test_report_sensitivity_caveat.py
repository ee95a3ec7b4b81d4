"""The report carries the caveat `ovm sensitivity` gives when its runs are too few to read the
indices: the same flag and the same suggested number of runs, in the JSON, the HTML of every
language and the workbook."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest

from ovm.cli.app import main
from ovm.i18n import gettext

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
RUNS = "8"
FAST = ["-q", "--bootstrap", "0"]

pytestmark = pytest.mark.skipif(not (EXAMPLES / "ovm.yaml").exists(), reason="no example workspace")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("caveat")
    assert main(["sensitivity", str(EXAMPLES), "--runs", RUNS, *FAST, "-o", str(d / "s.json")]) == 0
    assert main(["sensitivity", str(EXAMPLES), "--runs", RUNS, *FAST, "-o", str(d / "s.txt")]) == 0
    for name in ("r.json", "r.html", "r.xlsx"):
        args = ["report", str(EXAMPLES), "--sensitivity-runs", RUNS, *FAST, "-o", str(d / name)]
        assert main(args) == 0
    for lang in ("es", "fr", "pt"):
        args = ["report", str(EXAMPLES), "--sensitivity-runs", RUNS, *FAST, "--lang", lang]
        assert main([*args, "-o", str(d / f"r-{lang}.html")]) == 0
    return d


def _suggested(text: str) -> str:
    """The runs the caveat asks for (``--runs N`` or ``--sensitivity-runs N``)."""
    found = re.findall(r"--(?:sensitivity-)?runs (\d+)", text)
    assert len(found) == 1, text
    return str(found[0])


def test_the_report_json_flags_what_ovm_sensitivity_flags(outputs: Path) -> None:
    flag = json.loads((outputs / "s.json").read_text())["enough_runs"]
    assert flag is False  # 8 runs are too few to read any index
    sens = json.loads((outputs / "r.json").read_text())["ranking"]["sensitivity"]
    text = (outputs / "s.txt").read_text()
    assert {
        "enough_runs": sens["enough_runs"],
        "runs asked": _suggested(sens["more_runs"]["text"]),
    } == {"enough_runs": flag, "runs asked": _suggested(text)}
    said = gettext("sensitivity_more_runs", "en", width="0.1", runs=_suggested(text))
    assert sens["more_runs"]["text"] == said.replace("`", "")


@pytest.mark.parametrize("lang", ["en", "es", "fr", "pt"])
def test_the_html_of_every_language_says_the_caveat_beside_the_indices(
    outputs: Path, lang: str
) -> None:
    html = (outputs / ("r.html" if lang == "en" else f"r-{lang}.html")).read_text()
    runs = _suggested((outputs / "s.txt").read_text())
    width = "0.1" if lang == "en" else "0,1"
    said = gettext("sensitivity_more_runs", lang, width=width, runs=runs)
    assert said != gettext("sensitivity_more_runs", "en", width="0.1", runs=runs) or lang == "en"
    # the option set as code, the rest as the language says it
    caveat = re.sub(r"`([^`]*)`", r"<code>\1</code>", said)
    found = re.findall(r'<p [^>]*id="sensitivity-more-runs"><strong>(.*?)</strong></p>', html)
    assert found == [caveat]
    # Said before the table of indices it is about.
    assert html.index('id="sensitivity-more-runs"') < html.index('<table class="effects">')


def test_the_workbook_holds_the_flag_and_the_caveat(outputs: Path) -> None:
    ws = openpyxl.load_workbook(outputs / "r.xlsx")["methodology"]
    rows = [tuple(c.value for c in r) for r in ws.iter_rows()]
    label = gettext("xlsx_sensitivity_enough_runs", "en")
    at = next(i for i, r in enumerate(rows) if r[0] == label)
    runs = _suggested((outputs / "s.txt").read_text())
    assert rows[at][:2] == (label, False)
    caveat = gettext("sensitivity_more_runs", "en", width="0.1", runs=runs).replace("`", "")
    assert rows[at + 1][:2] == (None, caveat)


def test_the_workbook_says_how_to_read_an_index_beyond_0_or_1(outputs: Path) -> None:
    ws = openpyxl.load_workbook(outputs / "r.xlsx")["methodology"]
    rows = [tuple(c.value for c in r) for r in ws.iter_rows()]
    at = next(
        i for i, r in enumerate(rows) if r[0] == gettext("xlsx_sensitivity_enough_runs", "en")
    )
    # After the flag and its caveat: what an index is, and that one above 1 is noise.
    said = gettext("ranking_explain_index", "en")
    assert "slightly above 1 is noise" in said
    assert rows[at + 2][:2] == (None, said)
