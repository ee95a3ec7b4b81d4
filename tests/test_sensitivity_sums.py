"""A sum in the sensitivity runs follows the engine's rule: it is scored only when every
applicable child is, so a run with the nominal methodology ranks each mission as compare()."""

from __future__ import annotations

import datetime as dt

from ovm import Mission, Observations, Rubric, score
from ovm.comparison.cohort import compare
from ovm.comparison.sensitivity import sensitivity
from ovm.data.observations import Datum, Election
from ovm.settings import SensitivitySettings


def _indicator(j: int) -> dict[str, object]:
    return {
        "id": f"i{j}",
        "kind": "quantitative",
        "labels": {"en": f"v{j}"},
        "source": "statistics",
        "formula": f"v{j}",
        "rule": {"type": "goalposts", "low": 0, "high": 100},
    }


def test_a_sum_missing_one_applicable_child_is_unscored_in_every_run() -> None:
    rubric = Rubric.model_validate(
        {
            "id": "t",
            "version": "1",
            "title": {"en": "t"},
            "languages": ["en"],
            "variables": [
                {"name": f"v{j}", "labels": {"en": f"v{j}"}, "unit": "x", "source": "statistics"}
                for j in range(3)
            ],
            "families": [
                {
                    "id": "f0",
                    "labels": {"en": "f0"},
                    "aggregation": "sum",
                    "scale": {"min": 0, "max": 200},
                    "children": [_indicator(0), _indicator(1)],
                },
                {"id": "f1", "labels": {"en": "f1"}, "children": [_indicator(2)]},
            ],
        }
    )
    # m0's sum lacks v1: counted as a partial sum, m0 would lead; unscored, it trails.
    values = [[100, None, 0], [10, 10, 10], [5, 5, 5], [0, 0, 2]]
    cohort = tuple(
        Mission(
            id=f"m{i}",
            country="ARG",
            name=f"m{i}",
            election=Election(type="general", date=dt.date(2000, 1, 1) + dt.timedelta(days=i)),
            values={
                f"v{j}": Datum(status="missing") if v is None else Datum(value=float(v))
                for j, v in enumerate(row)
            },
        )
        for i, row in enumerate(values)
    )
    scores = score(rubric, Observations(missions=cohort), bootstrap=0)
    m0 = next(c for c in scores.scorecards if c.mission.id == "m0")
    assert m0.node("f0").status != "scored"
    comparison = compare(scores, rubric)
    nominal = {e.mission: e.rank for e in comparison.rankings["overall"]}
    config = SensitivitySettings(runs=8, choices=("weights",), weight_range=0.0, boot=10)
    result = sensitivity(scores, rubric, config, comparison=comparison, seed=3)
    assert {r.mission: (r.nominal, r.median, r.low, r.high, r.unscored) for r in result.ranks} == {
        m: (
            rank,
            None if rank is None else float(rank),
            None if rank is None else float(rank),
            None if rank is None else float(rank),
            1.0 if rank is None else 0.0,
        )
        for m, rank in {**dict.fromkeys(f"m{i}" for i in range(4)), **nominal}.items()
    }
