"""A categorical question's counts at each mission are kept as the cohort's columns and made
into a mission's summary only when something reads it: whichever way a scorecard is read (the
cohort's at once, or one alone), each mission shows the counts of its own visits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ovm
from ovm.scoring.results import fill_deferred

Make = Callable[..., Path]

QUESTIONS = ("q", "r")
RUBRIC = """\
ovm_rubric: 1
id: counts
version: "1"
title: {en: Counts}
languages: [en]
families:
  - id: f
    labels: {en: F}
    min_coverage: 0
    children:
      - {id: q, kind: checklist, source: checklist, labels: {en: Q}, question: {en: Q},
         not_applicable: true, min_answers: 2}
      - {id: r, kind: checklist, source: checklist, labels: {en: R}, question: {en: R},
         not_applicable: true, min_answers: 2}
"""

# A visit: its polling place (blank: a place of its own) and its answer to each question, at
# least one given (a visit without any answer is refused as a whole).
VISIT = st.tuples(
    st.sampled_from(["", "p0", "p1", "p2"]),
    st.sampled_from(["yes", "no", "na", ""]),
    st.sampled_from(["yes", "no", "na", ""]),
).filter(lambda visit: any(visit[1:]))
COHORT = st.lists(st.lists(VISIT, min_size=1, max_size=8), min_size=1, max_size=5)

Expected = tuple[str, str, float | None, int, int, int, int]


def _expected(mission: str, visits: list[tuple[str, str, str]]) -> list[Expected]:
    """Each question's node status and explanation input, counted from the visits by hand."""
    out = []
    for j in range(len(QUESTIONS)):
        answers = [(v[0], v[j + 1]) for v in visits]
        answered = sum(a in ("yes", "no") for _, a in answers)
        accepted = sum(a == "yes" for _, a in answers)
        na = sum(a == "na" for _, a in answers)
        blank = sum(a == "" for _, a in answers)
        named = {site for site, a in answers if site and a in ("yes", "no")}
        places = len(named) + sum(1 for site, a in answers if not site and a in ("yes", "no"))
        if answered == 0:
            status = "not_applicable" if na and not blank else "missing"
        else:
            status = "insufficient" if places < 2 else "scored"
        value = 100.0 * accepted / answered if answered else None
        out.append((mission, status, value, answered, accepted, na, blank))
    return out


def _shown(card: ovm.Scorecard) -> list[Expected]:
    out = []
    for question in QUESTIONS:
        node = card.node(question)
        assert node.explanation is not None
        (got,) = node.explanation.inputs
        out.append(
            (
                card.mission.id,
                node.status,
                got.value,
                got.n,
                got.accepted,
                got.not_applicable,
                got.not_observed,
            )
        )
    return out


@pytest.mark.parametrize("bootstrap", [0, 20])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohort=COHORT)
def test_each_scorecard_shows_its_own_visits_counts_read_together_or_alone(
    tmp_path_factory: pytest.TempPathFactory,
    make_workspace: Make,
    bootstrap: int,
    cohort: list[list[tuple[str, str, str]]],
) -> None:
    ids = [f"m{i}" for i in range(len(cohort))]
    missions = "missions:\n" + "".join(
        f"  - {{id: {m}, country: ARG, name: {m}, election: {{type: general, "
        f"date: 2024-01-{1 + i:02d}}}}}\n"
        for i, m in enumerate(ids)
    )
    rows = ["mission,site,q,r"]
    for m, visits in zip(ids, cohort, strict=True):
        rows += [f"{m},{site},{q},{r}" for site, q, r in visits]
    root = make_workspace(
        tmp_path_factory.mktemp("counts"),
        rubric=RUBRIC,
        missions=missions,
        checklists="\n".join(rows) + "\n",
    )
    ws = ovm.load_workspace(root)
    expected = [e for m, visits in zip(ids, cohort, strict=True) for e in _expected(m, visits)]

    def scored() -> ovm.ScoreSet:
        return ovm.score(ws.rubric, ws.observations, seed=4, bootstrap=bootstrap)

    together = scored()
    fill_deferred(together.scorecards)
    assert [e for card in together.scorecards for e in _shown(card)] == expected
    alone = scored()
    # Each scorecard built by itself, last mission first.
    assert [e for m in reversed(ids) for e in _shown(alone.scorecard(m))] == [
        e for m in reversed(ids) for e in expected if e[0] == m
    ]
