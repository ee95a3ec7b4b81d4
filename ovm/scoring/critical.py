"""Critical indicators: a failure that compensation must not hide.

A weighted mean lets a good score elsewhere make up for a bad one. For some practices (the
secrecy of the vote) observers treat a failure as disqualifying, whatever else went well. An
indicator marked ``critical: true`` that scores in its lowest band caps the band of every group
above it, up to its family and the overall, at their lowest band. Scores are not changed (they
stay the rubric's aggregation, one number computed in one place); the band shown beside them
is, and a ``critical-indicator`` finding says which indicator holds which bands down.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ovm.i18n import fixed
from ovm.rubric.model import Group, Indicator, Rubric, pick
from ovm.scoring.results import Finding, NodeScore, Scorecard

CODE = "critical-indicator"


def critical_indicators(rubric: Rubric) -> tuple[str, ...]:
    """The ids of the indicators marked critical, in the rubric's order: what
    :func:`apply_critical` looks at (a cohort's caller finds them once, not once a mission)."""
    return tuple(
        node_id
        for node_id, where in rubric.nodes.items()
        if not isinstance(where.node, Group) and getattr(where.node, "critical", False)
    )


def apply_critical(
    rubric: Rubric,
    overall: NodeScore,
    nodes: Sequence[NodeScore],
    critical: Sequence[str] | None = None,
    spans: Mapping[str, tuple[float, float]] | None = None,
) -> tuple[NodeScore, tuple[NodeScore, ...], list[Finding]]:
    """One mission's overall and nodes with the bands critical failures cap, and a finding
    per failing critical indicator. ``critical`` is :func:`critical_indicators` of the
    rubric, when the caller has it already; ``spans``: the range each node a comparison put
    onto its output range lies on (:func:`ovm.comparison.cohort.output_spans`)."""
    if critical is None:
        critical = critical_indicators(rubric)
    if not critical:
        return overall, tuple(nodes), []
    placed = rubric.nodes
    by_id = {n.node: n for n in nodes}
    capped: dict[str, NodeScore] = {}
    findings: list[Finding] = []
    for node_id in critical:
        where = placed[node_id]
        node = where.node
        ns = by_id.get(node_id)
        if ns is None or ns.status != "scored" or ns.score is None or ns.band != 0:
            continue
        held: list[str] = []
        reached = False
        child: Group | Indicator = node
        parent = where.parent
        # The cap climbs only while each link counts in its parent's score.
        while child.contributes:
            target = overall if parent == "overall" else capped.get(parent, by_id.get(parent))
            if target is None or target.status != "scored" or target.band is None:
                break
            reached = True
            group = None if parent == "overall" else placed[parent].node
            lowest = rubric.bands_for(group)[0]
            if target.band > 0:
                target = target.model_copy(
                    update={
                        "band": 0,
                        "band_label": pick(lowest.label, "en"),
                        "rating": lowest.rating,
                    }
                )
                if parent == "overall":
                    overall = target
                else:
                    capped[parent] = target
            # Named when its own score falls above the lowest band: where the cap changes what
            # a reader sees. Read from the score, not the band, so that capping twice (a
            # comparison caps scorecards the engine capped) names the same groups.
            own = (
                None
                if target.score is None
                else rubric.band_at(group, target.score, (spans or {}).get(parent))
            )
            if own is not None and own is not lowest:
                held.append(parent)
            if parent == "overall":
                break
            up = placed[parent]
            child, parent = up.node, up.parent
        said = {"indicator": node_id, "score": fixed(ns.score)}
        head = f"{node_id} is critical and scored {said['score']}, in its lowest band"
        if held:
            message = f"{head}, which holds these bands at the lowest: {', '.join(held)}"
            params = {**said, "nodes": ", ".join(held)}
        elif reached:
            message = f"{head}; the groups it caps are in their lowest band by their own scores"
            params = {**said, "nodes": "-", "variant": "none"}
        else:
            # The climb stopped at once: the group above has no score, or the indicator does
            # not count in it. Nothing above was looked at, so nothing is said of its band.
            message = (
                f"{head}; it caps no group: the group above it has no score, or it does not "
                "count there"
            )
            params = {**said, "nodes": "-", "variant": "unreached"}
        findings.append(
            Finding(code=CODE, message=message, node=node_id, severity="warning", params=params)
        )
    return overall, tuple(capped.get(n.node, n) for n in nodes), findings


def named(finding: Finding) -> tuple[str, ...]:
    """The nodes a ``critical-indicator`` finding names as held at the lowest band, in its
    order (its ``nodes`` parameter joins them; ``-`` names none)."""
    return tuple(n for n in str(finding.params.get("nodes", "-")).split(", ") if n not in ("", "-"))


def held_down(card: Scorecard) -> dict[str, str]:
    """The nodes (``overall`` included) of a scorecard whose band its ``critical-indicator``
    findings hold below the band their own score falls in, each with the indicator that holds
    it (the first finding to name it): the bands the reports mark capped, and the score files'
    and frames' ``capped_by``. With :func:`named`, the only reader of those findings.

    A finding names only those nodes: :func:`apply_critical` chose them where the rubric and
    the output's spans were at hand, which the writers of files and frames do not have. A
    comparison (:func:`ovm.comparison.cohort.compare`) drops the findings its scorecards
    carried and caps them again, so a scores file recorded by an earlier version, which named
    every group the cap reached, is read as this version says it once compared."""
    held: dict[str, str] = {}
    for f in card.findings:
        if f.code == CODE and f.node is not None:
            for node_id in named(f):
                held.setdefault(node_id, f.node)
    return held
