"""The scores and comparison CSVs: every column, in order, with each node's numbers, interval
and flags."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import ovm

RUBRIC = """\
ovm_rubric: 1
id: flat
version: "1"
title: {en: Flat}
languages: [en]
bands:
  - {min: 0, max: 50, label: {en: Weak}}
  - {min: 50, max: 100, label: {en: Strong}, rating: 1}
families:
  - id: f
    labels: {en: F}
    children:
      - id: f.basis
        kind: levels
        labels: {en: Basis}
        source: legal
        levels:
          - {key: none, score: 0, descriptor: {en: None}}
          - {key: statute, score: 60, descriptor: {en: Statute}}
      - {id: f.open, kind: checklist, labels: {en: Open}, source: checklist,
         question: {en: "Open?"}, min_answers: 1}
"""


@pytest.fixture
def scores(tmp_path: Path) -> tuple[ovm.ScoreSet, ovm.Rubric]:
    (tmp_path / "rubric.yaml").write_text(RUBRIC, encoding="utf-8")
    (tmp_path / "missions.yaml").write_text(
        "missions:\n"
        + "".join(
            f"  - {{id: {m}, country: ARG, name: {m}, election: {{type: general, "
            f"date: 2020-01-01}}, answers: {{f.basis: {basis}}}}}\n"
            for m, basis in (("m", "statute"), ("n", "none"))
        ),
        encoding="utf-8",
    )
    # m: 3 yes of 4; n: 4 of 4.
    (tmp_path / "checklists.csv").write_text(
        "mission,site,f.open\nm,s1,yes\nm,s2,yes\nm,s3,yes\nm,s4,no\n"
        "n,s1,yes\nn,s2,yes\nn,s3,yes\nn,s4,yes\n",
        encoding="utf-8",
    )
    (tmp_path / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\n"
        "checklists:\n  - {path: checklists.csv, simulated: true}\n",
        encoding="utf-8",
    )
    ws = ovm.load_workspace(tmp_path)
    return ovm.score(ws.rubric, ws.observations, bootstrap=0), ws.rubric


def _pct(x: float) -> str:
    # Floats are written to 10 decimals.
    return repr(round(100 * x, 10))


def test_scores_csv_has_every_column_with_each_nodes_values_interval_and_flags(
    scores: tuple[ovm.ScoreSet, ovm.Rubric],
) -> None:
    rows = list(csv.reader(io.StringIO(ovm.scores_csv(scores[0]))))
    m_lo, m_hi = ovm.wilson(3, 4)
    n_lo, n_hi = ovm.wilson(4, 4)
    # f.open: the share of yes with its Wilson interval in %; f and overall: the mean of
    # f.basis and f.open. Without bootstrap only the share has an interval. The checklists are
    # declared simulated: every row says so.
    assert rows == [
        [
            "mission",
            "node",
            "parent",
            "level",
            "kind",
            "value",
            "score",
            "coverage",
            "status",
            "band",
            "band_label",
            "rating",
            "interval_low",
            "interval_high",
            "sampled",
            "simulated",
            "capped_by",
        ],
        # m: (60 + 75) / 2
        [
            "m",
            "overall",
            "",
            "0",
            "overall",
            "67.5",
            "67.5",
            "1.0",
            "scored",
            "1",
            "Strong",
            "1.0",
            "",
            "",
            "no",
            "yes",
            "",
        ],
        [
            "m",
            "f",
            "overall",
            "1",
            "family",
            "67.5",
            "67.5",
            "1.0",
            "scored",
            "1",
            "Strong",
            "1.0",
            "",
            "",
            "no",
            "yes",
            "",
        ],
        [
            "m",
            "f.basis",
            "f",
            "2",
            "levels",
            "statute",
            "60.0",
            "1.0",
            "scored",
            "1",
            "Strong",
            "1.0",
            "",
            "",
            "no",
            "yes",
            "",
        ],
        [
            "m",
            "f.open",
            "f",
            "2",
            "checklist",
            "75.0",
            "75.0",
            "1.0",
            "scored",
            "1",
            "Strong",
            "1.0",
            _pct(m_lo),
            _pct(m_hi),
            "yes",
            "yes",
            "",
        ],
        # n: (0 + 100) / 2, 50 being the Strong band's inclusive min
        [
            "n",
            "overall",
            "",
            "0",
            "overall",
            "50.0",
            "50.0",
            "1.0",
            "scored",
            "1",
            "Strong",
            "1.0",
            "",
            "",
            "no",
            "yes",
            "",
        ],
        [
            "n",
            "f",
            "overall",
            "1",
            "family",
            "50.0",
            "50.0",
            "1.0",
            "scored",
            "1",
            "Strong",
            "1.0",
            "",
            "",
            "no",
            "yes",
            "",
        ],
        [
            "n",
            "f.basis",
            "f",
            "2",
            "levels",
            "none",
            "0.0",
            "1.0",
            "scored",
            "0",
            "Weak",
            "",
            "",
            "",
            "no",
            "yes",
            "",
        ],
        [
            "n",
            "f.open",
            "f",
            "2",
            "checklist",
            "100.0",
            "100.0",
            "1.0",
            "scored",
            "1",
            "Strong",
            "1.0",
            _pct(n_lo),
            _pct(n_hi),
            "yes",
            "yes",
            "",
        ],
    ]


def test_comparison_csv_ranks_each_node_with_every_column(
    scores: tuple[ovm.ScoreSet, ovm.Rubric],
) -> None:
    rows = list(csv.reader(io.StringIO(ovm.comparison_csv(ovm.compare(*scores)))))
    m_lo, m_hi = ovm.wilson(3, 4)
    n_lo, n_hi = ovm.wilson(4, 4)
    assert rows == [
        [
            "node",
            "rank",
            "tied",
            "mission",
            "score",
            "status",
            "band",
            "band_label",
            "rating",
            "interval_low",
            "interval_high",
            "simulated",
            "not_scored",
            "capped_by",
        ],
        ["overall", "1", "no", "m", "67.5", "scored", "1", "Strong", "1.0", "", "", "yes", "", ""],
        ["overall", "2", "no", "n", "50.0", "scored", "1", "Strong", "1.0", "", "", "yes", "", ""],
        ["f", "1", "no", "m", "67.5", "scored", "1", "Strong", "1.0", "", "", "yes", "", ""],
        ["f", "2", "no", "n", "50.0", "scored", "1", "Strong", "1.0", "", "", "yes", "", ""],
        ["f.basis", "1", "no", "m", "60.0", "scored", "1", "Strong", "1.0", "", "", "yes", "", ""],
        ["f.basis", "2", "no", "n", "0.0", "scored", "0", "Weak", "", "", "", "yes", "", ""],
        [
            "f.open",
            "1",
            "no",
            "n",
            "100.0",
            "scored",
            "1",
            "Strong",
            "1.0",
            _pct(n_lo),
            _pct(n_hi),
            "yes",
            "",
            "",
        ],
        [
            "f.open",
            "2",
            "no",
            "m",
            "75.0",
            "scored",
            "1",
            "Strong",
            "1.0",
            _pct(m_lo),
            _pct(m_hi),
            "yes",
            "",
            "",
        ],
    ]
