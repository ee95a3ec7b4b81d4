"""Reading a node's variables: mission-level values, or statistics of observer checklists.

Shared by the kinds whose evidence is variables (quantitative, and any registered kind that
computes from declared variables): resolve the names once when the plan is compiled, read them
for each mission in pass 1, and gather their replicates for the cohort in pass 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from ovm.i18n import gettext
from ovm.indicators.checklist import ChecklistIndicator, shortfall, site_stat
from ovm.indicators.scoring import MissionView, Outcome, Replication

if TYPE_CHECKING:
    from ovm.indicators.scoring import Array, Mask
    from ovm.rubric.model import Rubric
    from ovm.scoring.results import InputValue


@dataclass(frozen=True)
class Source:
    """Where one variable comes from: the mission's data, or a checklist question's visits."""

    name: str
    question: ChecklistIndicator | None = None
    stat: str = "share"


def resolve(rubric: Rubric, names: Iterable[str]) -> tuple[Source, ...]:
    """The source of each variable, each name once, in order."""
    out = []
    for name in dict.fromkeys(names):
        fs = rubric.variable(name).from_sites
        if fs is None:
            out.append(Source(name))
        else:
            # A validated rubric's from_sites names a checklist question (unknown-question).
            question = cast(ChecklistIndicator, rubric.node(fs.question))
            out.append(Source(name, question, fs.stat))
    return tuple(out)


@dataclass
class Reading:
    """A mission's variables: the values found, the inputs to explain, what is missing."""

    values: dict[str, float] = field(default_factory=dict)
    inputs: list[InputValue] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    not_applicable: list[str] = field(default_factory=list)
    sampled: bool = False
    """Some value comes from resampled visits: the node has replicates."""


def read(m: MissionView, node_id: str, sources: Sequence[Source]) -> Reading:
    """Read each variable for one mission, recording findings on ``node_id``."""
    out = Reading()
    for src in sources:
        name = src.name
        q = src.question
        if q is not None:
            st = m.site_stat(q.id)
            val = None if st is None else site_stat(st, src.stat)
            # The input is the statistic the variable asks for (the longest queue), not the
            # question's own summary (its median): that is the number the formula used.
            inp = m.question_input(q, st).model_copy(
                update={
                    "name": name,
                    "kind": "variable",
                    **({"value": val} if val is not None else {}),
                }
            )
            out.inputs.append(inp)
            short = (
                None
                if st is None or st.answered == 0
                else shortfall(q, src.stat, st.places, st.answered)
            )
            if short is not None:
                kind, n, needed = short
                variant = "variable_places" if kind == "places" else "variable"
                m.finding(
                    "too-few-answers",
                    gettext(
                        f"finding_too-few-answers_{variant}", "en", name=name, n=n, needed=needed
                    ),
                    node_id,
                    variant=variant,
                    name=name,
                    n=n,
                    needed=needed,
                )
                val = None
            if val is None:
                (out.not_applicable if inp.status == "not_applicable" else out.missing).append(name)
                continue
            out.values[name] = val
            out.sampled = True
            m.sampled_from(node_id, q.id)
            continue
        d = m.value(name)
        out.inputs.append(m.datum_input(name, "variable", d))
        if d is None or d.status == "missing":
            out.missing.append(name)
            continue
        if d.status == "not_applicable":
            out.not_applicable.append(name)
            continue
        m.confidence(node_id, d)
        x = m.number(d)
        if x is None:
            out.missing.append(name)
            continue
        out.values[name] = x
    return out


def replicate_values(
    r: Replication, sources: Sequence[Source], outcomes: Sequence[Outcome], has: Mask
) -> dict[str, Array]:
    """Each variable for the missions of ``has``: a replicate matrix for a variable from sites,
    a column of the mission's value (kept in ``Outcome.state`` by pass 1) for the others."""
    import numpy as np

    rows = r.rows[has]
    picked = [o for o, h in zip(outcomes, has, strict=True) if h]
    out: dict[str, Array] = {}
    for src in sources:
        if src.question is not None:
            out[src.name] = r.sites.replicates[(src.question.id, src.stat)][rows]
        else:
            out[src.name] = np.array([o.state[src.name] for o in picked])[:, None]
    return out
