"""A mission report says why a score has no uncertainty interval, beside the dash."""

from __future__ import annotations

import re
import shutil
from importlib import resources
from pathlib import Path

import pytest
from markupsafe import escape

from ovm.i18n import LANGUAGES, gettext
from ovm.pipeline import Run, analyse
from ovm.reporting.report import render_html, report_context

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def run() -> Run:
    return analyse(EXAMPLES)


def _summary_interval(page: str) -> str:
    found = re.search(r"<dt>[^<]*</dt><dd>(.*?)</dd>", page[page.index('id="summary"') :])
    assert found is not None
    return found.group(1)


@pytest.fixture(scope="module")
def fewer(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The examples under the bundled rubric with every checklist question scored from 3
    polling places (``min_answers``): mex-2024's 4 places give scores, not intervals."""
    root = tmp_path_factory.mktemp("fewer") / "ws"
    shutil.copytree(EXAMPLES, root)
    text = resources.files("ovm.rubrics").joinpath("deco-voting-abroad.yaml").read_text("utf-8")
    text = re.sub(r"\n *min_answers: 5\n", "\n", text)
    text = re.sub(r"\n( *)kind: checklist\n", r"\n\1kind: checklist\n\1min_answers: 3\n", text)
    (root / "rubric.yaml").write_text(text, encoding="utf-8")
    config = root / "ovm.yaml"
    setting = "rubric: bundled:deco-voting-abroad\n"
    assert setting in config.read_text("utf-8")
    config.write_text(config.read_text("utf-8").replace(setting, "rubric: rubric.yaml\n"), "utf-8")
    return analyse(root)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_too_few_places_is_said_beside_the_missing_interval(fewer: Run, lang: str) -> None:
    # mex-2024: 16 visits to 4 polling places; an interval needs 5.
    page = render_html(report_context(fewer, lang=lang, mission="mex-2024"))
    reason = gettext("interval_none_places", lang, n=4, needed=5)
    assert _summary_interval(page) == f'— <small class="note">({escape(reason)})</small>'
    # the indicators resting on those places say it in their own row
    assert page.count(str(escape(reason))) > 5
    if lang == "en":
        assert reason == "not computed: 4 polling places answered, 5 needed"
    else:
        assert reason != gettext("interval_none_places", "en", n=4, needed=5)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_score_without_sampled_data_says_so(run: Run, lang: str) -> None:
    # mex-2012 has no observer visits: its score rests on legal answers and statistics.
    ctx = report_context(run, lang=lang, mission="mex-2012")
    assert ctx["overall"]["scored"] and ctx["overall"]["interval"] is None
    assert ctx["interval_note"] == gettext("interval_none_unsampled", lang)
    # per indicator, an answer that is never sampled gets no note
    assert all(it["interval_note"] is None for f in ctx["families"] for it in f["items"])


def test_a_score_with_an_interval_has_no_note(run: Run) -> None:
    ctx = report_context(run, mission="col-2018")
    assert ctx["overall"]["interval"] is not None
    assert ctx["interval_note"] is None
