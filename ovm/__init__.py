"""ovm: observe voting abroad.

Write the observation methodology as a YAML rubric, load mission observations, score every
mission with a transparent engine, compare countries and write reports.

The pipeline: :func:`load_rubric` / :func:`default_rubric` -> :func:`load_workspace` ->
:func:`score` -> :func:`compare` (and :func:`sensitivity`) -> :func:`report_context` ->
:func:`render_html`. Everything a function needs is in its arguments; results are frozen.
"""

from __future__ import annotations

__version__ = "0.1.0"

from ovm.comparison.cohort import (
    BestPractice,
    Comparison,
    RankEntry,
    compare,
    comparison_csv,
    comparison_json,
)
from ovm.comparison.recommend import Recommendation, recommend, whatif
from ovm.comparison.sensitivity import RankInterval, Sensitivity, sensitivity
from ovm.data.answers import load_answers_table
from ovm.data.exports import load_export
from ovm.data.followup import follow_up
from ovm.data.observations import Datum, LoadReport, Mission, Observations, Provenance
from ovm.data.wide import observations_from_wide
from ovm.data.workspace import Workspace, load_observations, load_workspace
from ovm.errors import DataError, Issue, OvmError, RubricError
from ovm.field.template import write_template
from ovm.field.xlsform import build_form, write_form
from ovm.reporting.report import render, render_html, render_json, render_xlsx, report_context
from ovm.reporting.tables import safe_cell, score_rows, scores_csv
from ovm.rubric.model import (
    Group,
    Rubric,
    Variable,
    check_rubric,
    default_rubric,
    dump_rubric,
    load_rubric,
    rubric_schema,
)
from ovm.scoring.engine import score
from ovm.scoring.results import Explanation, Finding, NodeScore, Scorecard, ScoreSet
from ovm.scoring.sitestats import wilson

__all__ = [
    "BestPractice",
    "Comparison",
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
    "RankEntry",
    "RankInterval",
    "Recommendation",
    "Rubric",
    "RubricError",
    "ScoreSet",
    "Scorecard",
    "Sensitivity",
    "Variable",
    "Workspace",
    "__version__",
    "build_form",
    "check_rubric",
    "compare",
    "comparison_csv",
    "comparison_json",
    "default_rubric",
    "dump_rubric",
    "follow_up",
    "load_answers_table",
    "load_export",
    "load_observations",
    "load_rubric",
    "load_workspace",
    "observations_from_wide",
    "recommend",
    "render",
    "render_html",
    "render_json",
    "render_xlsx",
    "report_context",
    "rubric_schema",
    "safe_cell",
    "score",
    "score_rows",
    "scores_csv",
    "sensitivity",
    "whatif",
    "wilson",
    "write_form",
    "write_template",
]
