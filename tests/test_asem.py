"""Conformance with COINr: the ASEM index reproduced from its Treated stage, and its imputation.

The reference data (``../shared/reference/asem``, never copied into the repository) holds
every stage of COINr's pipeline for 51 units and 49 indicators. Starting from the Treated
stage, score() + compare() must reproduce every normalised indicator, pillar, sub-index and
the index within 1e-9; starting from the Denominated stage, group-mean imputation by
``Group_EurAsia`` must reproduce the Imputed stage within 1e-9.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest
from asem_rubric import ASEM, node_id, rubric_yaml

from ovm import load_rubric, score
from ovm.comparison.cohort import compare
from ovm.data.wide import PLACEHOLDER_ELECTION, observations_from_wide, wide_groups
from ovm.rubric.model import Group, Rubric
from ovm.scoring.results import ScoreSet
from ovm.settings import ComparisonSettings

TOLERANCE = 1e-9
FILES = (
    "ASEM_COIN_IndMeta.csv",
    "ASEM_COIN_AggMeta.csv",
    "ASEM_COIN_Treated.csv",
    "ASEM_COIN_Normalised.csv",
    "ASEM_COIN_Aggregated.csv",
    "ASEM_COIN_Denominated.csv",
    "ASEM_COIN_Imputed.csv",
)
ID_COLUMNS = ("UnitCode", "UnitName", "Year")


def _require_reference() -> Path:
    assert Path(__file__).resolve().parents[1].parent / "shared/reference/asem" == ASEM
    missing = [f for f in FILES if not (ASEM / f).is_file()]
    if missing:
        reason = f"COINr reference data not found in {ASEM}: missing {', '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return ASEM


@pytest.fixture(scope="module")
def asem() -> Path:
    return _require_reference()


@pytest.fixture(scope="module")
def rubric(asem: Path) -> Rubric:
    return load_rubric(rubric_yaml(asem), file="asem.yaml")


def _table(asem: Path, stage: str) -> pl.DataFrame:
    # Read as text: the numbers then parse exactly as written (shortest round-trip repr).
    return pl.read_csv(asem / f"ASEM_COIN_{stage}.csv", infer_schema=False)


def _data_columns(df: pl.DataFrame) -> list[str]:
    return [c for c in df.columns if c not in ID_COLUMNS and not c.startswith("Group_")]


def _worst(expected: pl.DataFrame, got: dict[tuple[str, str], float | None]) -> list[tuple]:
    """Cells farther than the tolerance (or missing), with the worst difference first."""
    bad = []
    for row in expected.iter_rows(named=True):
        for col in _data_columns(expected):
            want = float(row[col])
            have = got.get((row["UnitCode"], col))
            diff = float("inf") if have is None else abs(have - want)
            if not diff <= TOLERANCE:
                bad.append((diff, row["UnitCode"], col, want, have))
    return sorted(bad, reverse=True)


@pytest.fixture(scope="module")
def treated_scores(asem: Path, rubric: Rubric) -> ScoreSet:
    obs = observations_from_wide(asem / "ASEM_COIN_Treated.csv", rubric)
    assert not obs.report.rejected and not obs.report.issues
    return score(rubric, obs, bootstrap=0)


def test_rubric_follows_the_metadata(rubric: Rubric, asem: Path):
    meta = pl.read_csv(asem / "ASEM_COIN_IndMeta.csv")
    pillars = [p.node for p in rubric.walk() if isinstance(p.node, Group) and p.depth == 2]
    assert (len(rubric.indicators()), len(pillars), [f.id for f in rubric.families]) == (
        49,
        8,
        ["conn", "sust"],
    )
    lower = {node_id(c) for c, d in zip(meta["IndCode"], meta["Direction"], strict=True) if d < 0}
    assert {
        i.id
        for i in rubric.indicators()
        if getattr(i, "rule", None) is not None and i.rule.direction == "lower"
    } == lower
    assert len(lower) == 14


def test_units_load_as_missions_with_a_placeholder_election(treated_scores: ScoreSet):
    cards = treated_scores.scorecards
    assert len(cards) == 51
    aut = treated_scores.scorecard("aut").mission
    assert (aut.country, aut.name, aut.election_type, aut.election_date) == (
        "AUT",
        "Austria",
        PLACEHOLDER_ELECTION.type,
        PLACEHOLDER_ELECTION.date,
    )
    assert {n.status for c in cards for n in c.nodes if n.kind == "quantitative"} == {"pending"}


def test_normalised_indicators_pillars_subindices_and_index_match_coinr(
    asem: Path, rubric: Rubric, treated_scores: ScoreSet
):
    comparison = compare(
        treated_scores,
        rubric,
        ComparisonSettings(normalisation="minmax", output_range=(0.0, 100.0)),
    )
    got: dict[tuple[str, str], float | None] = {}
    aggregated = _table(asem, "Aggregated")
    for card in comparison.scores.scorecards:
        unit = card.mission.country
        for col in _data_columns(aggregated):
            ns = card.overall if col == "Index" else card.node(node_id(col))
            got[(unit, col)] = ns.score if ns.status == "scored" else None
    assert len(_data_columns(aggregated)) == 49 + 8 + 2 + 1
    assert _worst(aggregated, got)[:5] == []
    assert _worst(_table(asem, "Normalised"), got)[:5] == []


def test_cohort_rule_alone_gives_the_same_normalisation(rubric: Rubric, treated_scores: ScoreSet):
    a = compare(treated_scores, rubric, ComparisonSettings(normalisation="minmax"))
    b = compare(treated_scores, rubric)
    assert a.scores.scorecards == b.scores.scorecards


def test_group_mean_imputation_matches_coinr(asem: Path, rubric: Rubric):
    denominated = asem / "ASEM_COIN_Denominated.csv"
    obs = observations_from_wide(denominated, rubric)
    scores = score(rubric, obs, bootstrap=0)
    groups = wide_groups(denominated, "Group_EurAsia")
    assert set(groups.values()) == {"Europe", "Asia"}
    comparison = compare(scores, rubric, ComparisonSettings(imputation="group_mean", groups=groups))
    got: dict[tuple[str, str], float | None] = {}
    imputed = _table(asem, "Imputed")
    codes = {node_id(c): c for c in _data_columns(imputed)}
    for card in comparison.scores.scorecards:
        for ind in rubric.indicators():
            value = card.node(ind.id).value
            got[(card.mission.country, codes[ind.id])] = (
                float(value) if isinstance(value, int | float) else None
            )
    assert _worst(imputed, got)[:5] == []
    missing = _table(asem, "Denominated").select(_data_columns(imputed)).null_count()
    n_missing = int(missing.sum_horizontal()[0])
    assert n_missing == 65
    assert [f.code for f in comparison.findings][:1] == ["imputation-used"]
    assert f"{n_missing} missing values imputed" in comparison.findings[0].message
    imputed_findings = [
        f for c in comparison.scores.scorecards for f in c.findings if f.code == "imputed-value"
    ]
    assert len(imputed_findings) == n_missing


def test_the_wide_loader_accepts_a_polars_frame_as_shipped(asem: Path, rubric: Rubric):
    frame = pl.read_csv(asem / "ASEM_COIN_Treated.csv")
    obs = observations_from_wide(frame, rubric)
    assert len(obs.missions) == 51
    assert obs.mission("aut").values["goods"].value == pytest.approx(
        float(_table(asem, "Treated").filter(pl.col("UnitCode") == "AUT")["Goods"][0])
    )
