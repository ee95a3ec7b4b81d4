"""ovm: observe voting abroad.

Write the observation methodology as a YAML rubric, load mission observations, score every
mission with a transparent engine, compare countries and write reports.

The pipeline in one call: :func:`analyse` (a workspace) or :func:`analyse_observations`
(a rubric and observations) returns a :class:`Run`, which every writer reads:
:func:`report_context` -> :func:`render_html` / :func:`render_xlsx` / :func:`render_json`.
The stages are also verbs of their own: :func:`load_rubric`, :func:`load_workspace`,
:func:`score`, :func:`compare`, :func:`sensitivity`, :func:`recommend`. Results are frozen.

Names are imported on first use, so ``import ovm`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # the pipeline
    "analyse": "ovm.pipeline",
    "analyse_observations": "ovm.pipeline",
    "Run": "ovm.pipeline",
    "WhatIf": "ovm.pipeline",
    "WhatIfError": "ovm.pipeline",
    "UnknownMissionError": "ovm.pipeline",
    "ForkedError": "ovm.pipeline",
    "PolarsInChildError": "ovm.pipeline",
    "whatif": "ovm.pipeline",
    "Settings": "ovm.settings",
    "ComparisonSettings": "ovm.settings",
    "SensitivitySettings": "ovm.settings",
    # rubric
    "Group": "ovm.rubric.model",
    "Rubric": "ovm.rubric.model",
    "Variable": "ovm.rubric.model",
    "check_rubric": "ovm.rubric.model",
    "default_rubric": "ovm.rubric.model",
    "dump_rubric": "ovm.rubric.model",
    "load_rubric": "ovm.rubric.model",
    "rubric_schema": "ovm.rubric.model",
    # data
    "Datum": "ovm.data.observations",
    "LoadReport": "ovm.data.observations",
    "Mission": "ovm.data.observations",
    "Observations": "ovm.data.observations",
    "Provenance": "ovm.data.observations",
    "Workspace": "ovm.data.workspace",
    "TableSource": "ovm.data.workspace",
    "load_observations": "ovm.data.workspace",
    "load_workspace": "ovm.data.workspace",
    "load_answers_table": "ovm.data.answers",
    "load_export": "ovm.data.exports",
    "observations_from_wide": "ovm.data.wide",
    "follow_up": "ovm.data.followup",
    # scoring
    "score": "ovm.scoring.engine",
    "Explanation": "ovm.scoring.results",
    "Finding": "ovm.scoring.results",
    "NodeScore": "ovm.scoring.results",
    "Scorecard": "ovm.scoring.results",
    "ScoreSet": "ovm.scoring.results",
    "wilson": "ovm.scoring.sitestats",
    # comparison
    "compare": "ovm.comparison.cohort",
    "cohort_scores": "ovm.comparison.cohort",
    "Comparison": "ovm.comparison.cohort",
    "RankEntry": "ovm.comparison.ranking",
    "BestPractice": "ovm.comparison.ranking",
    "sensitivity": "ovm.comparison.sensitivity",
    "Sensitivity": "ovm.comparison.sensitivity",
    "RankInterval": "ovm.comparison.sensitivity",
    "recommend": "ovm.comparison.recommend",
    "Recommendation": "ovm.comparison.recommend",
    # writers
    "report_context": "ovm.reporting.report",
    "render": "ovm.reporting.report",
    "render_html": "ovm.reporting.report",
    "render_json": "ovm.reporting.report",
    "render_pdf": "ovm.reporting.report",
    "render_xlsx": "ovm.reporting.report",
    "comparison_csv": "ovm.reporting.tables",
    "comparison_json": "ovm.reporting.tables",
    "safe_cell": "ovm.reporting.tables",
    "score_rows": "ovm.reporting.tables",
    "score_frame": "ovm.reporting.frames",
    "ranking_frame": "ovm.reporting.frames",
    "scores_csv": "ovm.reporting.tables",
    # field
    "build_form": "ovm.field.xlsform",
    "write_form": "ovm.field.xlsform",
    "write_template": "ovm.field.template",
    # errors
    "ConfigRefused": "ovm.data.workspace",
    "DataError": "ovm.errors",
    "RejectedDataWarning": "ovm.errors",
    "Issue": "ovm.errors",
    "OvmError": "ovm.errors",
    "RubricError": "ovm.errors",
}

__all__ = [
    "BestPractice",
    "Comparison",
    "ComparisonSettings",
    "ConfigRefused",
    "DataError",
    "Datum",
    "Explanation",
    "Finding",
    "ForkedError",
    "Group",
    "Issue",
    "LoadReport",
    "Mission",
    "NodeScore",
    "Observations",
    "OvmError",
    "PolarsInChildError",
    "Provenance",
    "RankEntry",
    "RankInterval",
    "Recommendation",
    "RejectedDataWarning",
    "Rubric",
    "RubricError",
    "Run",
    "ScoreSet",
    "Scorecard",
    "Sensitivity",
    "SensitivitySettings",
    "Settings",
    "TableSource",
    "UnknownMissionError",
    "Variable",
    "WhatIf",
    "WhatIfError",
    "Workspace",
    "__version__",
    "analyse",
    "analyse_observations",
    "build_form",
    "check_rubric",
    "cohort_scores",
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
    "ranking_frame",
    "recommend",
    "render",
    "render_html",
    "render_json",
    "render_pdf",
    "render_xlsx",
    "report_context",
    "rubric_schema",
    "safe_cell",
    "score",
    "score_frame",
    "score_rows",
    "scores_csv",
    "sensitivity",
    "whatif",
    "wilson",
    "write_form",
    "write_template",
]
"""Written out, not computed from the table above: a type checker reads the public names
from this list (a test keeps the two the same)."""


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ovm' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:
    from ovm.comparison.cohort import Comparison, cohort_scores, compare
    from ovm.comparison.ranking import BestPractice, RankEntry
    from ovm.comparison.recommend import Recommendation, recommend
    from ovm.comparison.sensitivity import RankInterval, Sensitivity, sensitivity
    from ovm.data.answers import load_answers_table
    from ovm.data.exports import load_export
    from ovm.data.followup import follow_up
    from ovm.data.observations import Datum, LoadReport, Mission, Observations, Provenance
    from ovm.data.wide import observations_from_wide
    from ovm.data.workspace import (
        ConfigRefused,
        TableSource,
        Workspace,
        load_observations,
        load_workspace,
    )
    from ovm.errors import DataError, Issue, OvmError, RejectedDataWarning, RubricError
    from ovm.field.template import write_template
    from ovm.field.xlsform import build_form, write_form
    from ovm.pipeline import (
        ForkedError,
        PolarsInChildError,
        Run,
        UnknownMissionError,
        WhatIf,
        WhatIfError,
        analyse,
        analyse_observations,
        whatif,
    )
    from ovm.reporting.frames import ranking_frame, score_frame
    from ovm.reporting.report import (
        render,
        render_html,
        render_json,
        render_pdf,
        render_xlsx,
        report_context,
    )
    from ovm.reporting.tables import (
        comparison_csv,
        comparison_json,
        safe_cell,
        score_rows,
        scores_csv,
    )
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
    from ovm.settings import ComparisonSettings, SensitivitySettings, Settings
