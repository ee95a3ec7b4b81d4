"""The scores file's JSON Schema (``ovm schema scores``): the format written by
:mod:`ovm.scoring.scorejson`, as pydantic models, one per kind of row."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from ovm.data.observations import Provenance
from ovm.data.places import PlanCoverage
from ovm.data.reader import FileReport
from ovm.errors import Issue
from ovm.scoring.results import (
    Contribution,
    MissionInfo,
    NodeStatus,
    RejectedSummary,
    RubricRef,
    SiteNote,
)
from ovm.scoring.scorejson import _PLACE, Json

__all__ = ["ScoresFile", "schema"]


class Row(BaseModel):
    """A row of the file: its fields and no other."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class Band(Row):
    """A band of a node: its label and rating, which its scores leave out."""

    band: int
    label: str | None = None
    rating: float | None = None


class Node(Row):
    """A node of the rubric as the scorecards show it; a scorecard's entry overrides any
    of these fields for its mission."""

    parent: str | None
    level: int
    kind: str
    rule: str | None = None
    formula: str | None = None
    aggregation: str | None = None
    children: list[tuple[str, float]] = Field(default_factory=list)
    """The children a group combines, each with its weight."""
    bands: list[Band] = Field(default_factory=list)


Source = create_model(  # type: ignore[call-overload]
    "Source",
    __base__=Row,
    __doc__="Where data come from; a datum adds its place in the file (its line).",
    **{k: (f.annotation, f.default) for k, f in Provenance.model_fields.items() if k not in _PLACE},
)


class FindingText(Row):
    """A finding without its node: scorecards name it by index."""

    code: str
    message: str
    severity: Literal["info", "warning", "error"] = "warning"
    params: dict[str, str] = Field(default_factory=dict)


class Datum(Row):
    """A datum a mission's scores read: a variable, an answer or a checklist question's
    site counts."""

    name: str
    kind: Literal["variable", "answer", "question", "node"]
    status: Literal["value", "missing", "not_applicable"] = "value"
    value: float | str | None = None
    n: int | None = None
    accepted: int | None = None
    not_applicable: int | None = None
    not_observed: int | None = None
    simulated: bool = False
    provenance: int | None = None
    """Index in the file's ``provenance``."""
    line: int | None = None
    """Line (or row) of the datum in its provenance's file."""


class NodeInput(Row):
    """An input that reads a node (``rating(pr)``, ``status``, ``legal@ecu-2021``); its
    status and value are the node's unless written."""

    name: str
    kind: Literal["node"]
    status: Literal["value", "missing", "not_applicable"] | None = None
    value: float | str | None = None
    n: int | None = None
    accepted: int | None = None
    not_applicable: int | None = None
    not_observed: int | None = None
    simulated: bool = False
    provenance: int | None = None
    line: int | None = None


class Entry(Row):
    """A node's score in one scorecard; a field left out is its default, the node's
    field in ``nodes``, or what the rest of the file says (see docs/api.md)."""

    node: str
    value: float | str | None = None
    score: float | None = None
    status: NodeStatus | Literal["imputed"] | None = None
    """Left out when it is ``scored`` and there is a score, or ``missing`` and none;
    ``imputed`` for a value the comparison imputed (read back as ``scored``)."""
    coverage: float = 1.0
    band: int | None = None
    band_label: str | None = None
    rating: float | None = None
    interval: tuple[float, float] | None = None
    sampled: bool = False
    parent: str | None = None
    level: int | None = None
    kind: str | None = None
    rule: str | None = None
    formula: str | None = None
    aggregation: str | None = None
    raw_value: float | str | None = None
    explained_score: float | None = None
    inputs: list[int | NodeInput] = Field(default_factory=list)
    """Indices in the scorecard's ``data``, or inputs that read nodes."""
    children: list[tuple[str, float]] = Field(default_factory=list)
    shares: list[float | None] = Field(default_factory=list)
    contributions: list[Contribution] = Field(default_factory=list)
    notes: list[int] = Field(default_factory=list)
    """Indices in the scorecard's ``notes`` followed by its ``other_notes``."""


class Card(Row):
    """One mission's scorecard."""

    mission: MissionInfo
    overall: Entry
    nodes: list[Entry]
    data: list[Datum] = Field(default_factory=list)
    findings: list[tuple[int] | tuple[int, str]] = Field(default_factory=list)
    """Each finding: its index in the file's ``findings`` and its node, if any."""
    sites: int = 0
    simulated: bool = False
    notes: list[SiteNote] = Field(default_factory=list)
    other_notes: list[SiteNote] = Field(default_factory=list)
    notes_total: int = 0
    coverage: PlanCoverage | None = None


class ScoresFile(Row):
    """A scores file: the scorecards of a cohort with what they were computed from."""

    format: Literal["ovm-scores/2"]
    rubric: RubricRef
    data_sha256: str
    seed: int
    bootstrap: int
    confidence: float
    nodes: dict[str, Node]
    provenance: list[Source] = Field(default_factory=list)
    findings: list[FindingText] = Field(default_factory=list)
    scorecards: list[Card]
    files: list[FileReport] = Field(default_factory=list)
    rejected: list[RejectedSummary] = Field(default_factory=list)
    simulated_sources: list[str] = Field(default_factory=list)
    warnings: list[Issue] = Field(default_factory=list)
    """What loading the data warned of (a warning loses no datum; its row may be rejected for
    another reason); left out when none."""


def schema() -> dict[str, Json]:
    """The JSON Schema of the scores file."""
    out: dict[str, Json] = ScoresFile.model_json_schema()
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["title"] = "ovm scores"
    return out
