"""ovm: observe voting abroad.

Write the observation methodology as a YAML rubric, load mission observations, score every
mission with a transparent engine, compare countries and write reports.
"""

from __future__ import annotations

__version__ = "0.1.0"

from ovm.engine import score, wilson
from ovm.errors import DataError, Issue, OvmError, RubricError
from ovm.export import score_rows, scores_csv
from ovm.observations import Datum, LoadReport, Mission, Observations, Provenance
from ovm.results import Explanation, Finding, NodeScore, Scorecard, ScoreSet
from ovm.rubric import (
    Group,
    Rubric,
    Variable,
    check_rubric,
    default_rubric,
    dump_rubric,
    load_rubric,
    rubric_schema,
)
from ovm.workspace import Workspace, load_observations, load_workspace

__all__ = [
    "DataError",
    "Datum",
    "Explanation",
    "Finding",
    "Group",
    "Issue",
    "LoadReport",
    "Mission",
    "NodeScore",
    "Observations",
    "OvmError",
    "Provenance",
    "Rubric",
    "RubricError",
    "ScoreSet",
    "Scorecard",
    "Variable",
    "__version__",
    "check_rubric",
    "default_rubric",
    "dump_rubric",
    "load_observations",
    "load_rubric",
    "load_workspace",
    "rubric_schema",
    "score",
    "score_rows",
    "scores_csv",
    "wilson",
]
