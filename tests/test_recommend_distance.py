"""A distance-to-the-best recommendation states the gap to the best on its target and the best's
score there, as its evidence lines do."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

import ovm

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BUNDLED = Path(str(resources.files("ovm.rubrics").joinpath("deco-voting-abroad.yaml")))


def _workspace(tmp_path: Path) -> Path:
    """The example workspace scored with the bundled rubric, whose distance recommendations
    apply below 100 (every mission short of the best) instead of below 60 (no example mission)."""
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLES, root)
    text = BUNDLED.read_text(encoding="utf-8")
    for rec in ("rec.comparative.best_rights", "rec.comparative.best_procedures"):
        head = f"- id: {rec}\n                when: {{below: 60}}\n"
        assert head in text
        text = text.replace(head, head.replace("below: 60", "below: 100"))
    (root / "rubric.yaml").write_text(text, encoding="utf-8")
    config = (root / "ovm.yaml").read_text(encoding="utf-8")
    (root / "ovm.yaml").write_text(
        config.replace("rubric: bundled:deco-voting-abroad\n", "rubric: rubric.yaml\n"),
        encoding="utf-8",
    )
    return root


@pytest.mark.filterwarnings("ignore::ovm.RejectedDataWarning")
def test_the_text_gives_the_gap_and_the_best_score_on_the_target(tmp_path: Path) -> None:
    run = ovm.analyse(_workspace(tmp_path), ovm.Settings(bootstrap=0))
    cards = {c.mission.id: c for c in run.scores.scorecards}
    names = {m: str(c.mission.name["en"]) for m, c in cards.items()}  # type: ignore[index]
    openings = {"rights": "On political rights abroad", "procedures": "On procedures"}
    expected: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    found: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    for target, opening in openings.items():
        scored = {m: c.node(target).score for m, c in cards.items()}
        best = max(s for s in scored.values() if s is not None)
        leader = sorted(m for m, s in scored.items() if s == best)[0]
        label = run.rubric.node(target).labels["en"]
        for m, own in sorted(scored.items()):
            if own is None or own == best:
                continue
            gap = best - own
            # Each figure as the text rounds it, to one decimal; a gap of exactly 1 in the
            # singular.
            unit = "point" if f"{gap:.1f}" == "1.0" else "points"
            shown = "1" if unit == "point" else f"{gap:.1f}"
            expected.setdefault(m, []).append(
                (
                    f"comparative.best_{target}",
                    f"{opening}, {names[m]} is {shown} {unit} behind {names[leader]} ({best:.1f}).",
                    # the scores a distance is computed from, said to be scores
                    (f"{label}: score {own:.2f}", f"{label} ({leader}): score {best:.2f}"),
                )
            )
    for m in cards:
        for rec in run.recommendations(m):
            if rec.id.startswith("rec.comparative.best_"):
                found.setdefault(m, []).append(
                    (rec.node, rec.text.split(". ")[0] + ".", rec.evidence)
                )
    assert expected  # the cohort has missions short of the best on both targets
    # Recommendations come by priority and gain; the texts are what is compared.
    assert {m: sorted(r) for m, r in found.items()} == {m: sorted(r) for m, r in expected.items()}
