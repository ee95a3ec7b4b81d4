"""The scoring engine: mission observations in, traceable scorecards out."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from ovm import formula
from ovm.aggregate import Array, aggregate
from ovm.indicators import (
    AnswerIndicator,
    ChecklistIndicator,
    Cohort,
    ComparativeIndicator,
    LevelsIndicator,
    QuantitativeIndicator,
    Target,
    apply_rule,
)
from ovm.observations import Datum, Mission, Observations, parse_number
from ovm.results import (
    Contribution,
    Explanation,
    FileSummary,
    Finding,
    InputValue,
    MissionInfo,
    NodeScore,
    NodeStatus,
    RejectedSummary,
    RubricRef,
    Scorecard,
    ScoreSet,
    SiteNote,
)
from ovm.rubric import Group, Indicator, Rubric, pick
from ovm.sites import FILE, NA_CODE, checklist_questions
from ovm.tables import ROW

MAX_NOTES = 200
Progress = Callable[[int, int], None]


@dataclass
class QuestionStat:
    """Per-mission summary of one checklist question over the visits."""

    answered: int = 0
    accepted: int = 0
    not_applicable: int = 0
    not_observed: int = 0
    value: float | None = None
    replicates: Array | None = None
    extra: dict[str, float | None] = field(default_factory=dict)
    """Statistics other variables ask of a numeric question (``from_sites``)."""
    extra_replicates: dict[str, Array] = field(default_factory=dict)


def _requested_stats(rubric: Rubric) -> dict[str, set[str]]:
    """For each numeric question, the statistics its indicator and variables need."""
    out: dict[str, set[str]] = {}
    for q in checklist_questions(rubric):
        if q.numeric:
            out[q.id] = {q.stat}
    for var in rubric.variables:
        if var.from_sites is not None and var.from_sites.question in out:
            out[var.from_sites.question].add(var.from_sites.stat)
    return out


@dataclass
class MissionSites:
    """The site data of one mission, summarised."""

    n: int = 0
    simulated: bool = False
    stats: dict[str, QuestionStat] = field(default_factory=dict)
    notes: list[SiteNote] = field(default_factory=list)
    notes_total: int = 0
    negative_notes: dict[str, list[SiteNote]] = field(default_factory=dict)


def wilson(accepted: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a proportion (as shares in [0, 1])."""
    if n == 0:
        return (0.0, 1.0)
    p = accepted / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def _z(confidence: float) -> float:
    # Inverse normal CDF by bisection on erf: no SciPy for one number.
    lo, hi = 0.0, 10.0
    target = (1 + confidence) / 2
    for _ in range(80):
        mid = (lo + hi) / 2
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _row_hashes(sites: pl.DataFrame) -> pl.Series:
    """A content hash per site row, file and row number left out ; stable per Polars version."""
    content = sorted(c for c in sites.columns if c not in (ROW, FILE, "__h"))
    return sites.select(content).hash_rows(seed=7)


def summarise_sites(
    rubric: Rubric,
    sites: pl.DataFrame,
    *,
    seed: int,
    bootstrap: int,
) -> dict[str, MissionSites]:
    """Per-mission counts and statistics of every checklist question, with bootstrap replicates."""
    questions = checklist_questions(rubric)
    out: dict[str, MissionSites] = {}
    if sites.height == 0:
        return out
    # Resampling and the notes kept must not depend on the order rows came in: both follow
    # each row's content hash; the aggregates below are counts or sums of sorted values.
    if "__h" not in sites.columns:
        sites = sites.with_columns(_row_hashes(sites).alias("__h"))
    requested = _requested_stats(rubric)
    aggs: list[pl.Expr] = [pl.len().alias("__n"), pl.col("simulated").any().alias("__sim")]
    for q in questions:
        c = pl.col(q.id)
        if q.numeric:
            ok = c.is_not_null() & c.is_not_nan()
            vals = c.filter(ok)
            stats = {
                # Floating-point sums depend on the order of their terms: sum sorted values
                # so the result does not depend on the order rows came in.
                "mean": vals.sort().mean(),
                "median": vals.median(),
                "min": vals.min(),
                "max": vals.max(),
                "sum": vals.sort().sum(),
                "count": ok.sum(),
            }
            aggs += [
                ok.sum().alias(f"{q.id}|a"),
                c.is_nan().sum().alias(f"{q.id}|na"),
                c.is_null().sum().alias(f"{q.id}|m"),
                *(
                    stats[name].cast(pl.Float64).alias(f"{q.id}|v|{name}")
                    for name in sorted(requested[q.id])
                ),
            ]
        else:
            aggs += [
                (c >= 0).sum().alias(f"{q.id}|a"),
                (c == 1).sum().alias(f"{q.id}|y"),
                (c == NA_CODE).sum().alias(f"{q.id}|na"),
                c.is_null().sum().alias(f"{q.id}|m"),
            ]
    summary = sites.group_by("mission", maintain_order=True).agg(aggs)
    for rec in summary.iter_rows(named=True):
        ms = MissionSites(n=int(rec["__n"]), simulated=bool(rec["__sim"]))
        for q in questions:
            st = QuestionStat(
                answered=int(rec[f"{q.id}|a"]),
                not_applicable=int(rec[f"{q.id}|na"]),
                not_observed=int(rec[f"{q.id}|m"]),
            )
            if q.numeric:
                for name in requested[q.id]:
                    v = rec[f"{q.id}|v|{name}"]
                    st.extra[name] = None if v is None or st.answered == 0 else float(v)
                st.value = st.extra[q.stat]
            else:
                st.accepted = int(rec[f"{q.id}|y"])
                st.value = 100.0 * st.accepted / st.answered if st.answered else None
            ms.stats[q.id] = st
        out[str(rec["mission"])] = ms
    _collect_notes(sites, questions, out)
    if bootstrap > 0:
        _bootstrap(sites, questions, out, seed=seed, replicates=bootstrap, requested=requested)
    return out


def _collect_notes(
    sites: pl.DataFrame, questions: list[ChecklistIndicator], out: dict[str, MissionSites]
) -> None:
    with_notes = sites.filter(pl.col("notes").is_not_null()).sort(["mission", "__h"])
    if with_notes.height == 0:
        return
    cat = [q for q in questions if not q.numeric]
    for rec in with_notes.iter_rows(named=True):
        ms = out[str(rec["mission"])]
        ms.notes_total += 1
        note = SiteNote.model_construct(
            site=rec["site"],
            city=rec["site_city"],
            country=rec["site_country"],
            observer=rec["observer"],
            visited_at=rec["visited_at"],
            text=str(rec["notes"]),
            simulated=bool(rec["simulated"]),
        )
        if len(ms.notes) < MAX_NOTES:
            ms.notes.append(note)
        for q in cat:
            if rec[q.id] == 0:
                bucket = ms.negative_notes.setdefault(q.id, [])
                if len(bucket) < 10:
                    bucket.append(note)


# Poisson(1) quantiles for 16-bit uniforms: one table lookup per weight.
_POISSON = np.searchsorted(
    np.cumsum([math.exp(-1.0) / math.factorial(k) for k in range(16)]),
    (np.arange(65536) + 0.5) / 65536,
).astype(np.float32)
_CHUNK = 4096


def poisson_weights(seed: int, replicates: int, n: int) -> Array:
    """Bootstrap weights (replicates x n), each an independent Poisson(1) draw.

    The Poisson bootstrap (Hanley & MacGibbon 2006; Chamandy et al. 2012) resamples each
    visit independently. Columns come in seeded chunks, so the first ``n`` columns are the
    same whatever ``n`` a caller asks for: a mission's weights depend only on the seed and on
    its own visits, never on the size or order of the rest of the cohort.
    """
    chunks = []
    for k in range(-(-n // _CHUNK)):
        rng = np.random.default_rng([seed, replicates, k])
        draws = rng.integers(0, 65536, size=(replicates, _CHUNK), dtype=np.uint16)
        chunks.append(_POISSON[draws])
    full = np.concatenate(chunks, axis=1) if chunks else np.zeros((replicates, 0), np.float32)
    return np.ascontiguousarray(full[:, :n])


def _mission_order(sites: pl.DataFrame) -> tuple[list[str], pl.Series, npt.NDArray[np.int64]]:
    """Mission ids (sorted), the row order that groups them in content-hash order, and the
    group boundaries in that order."""
    ids = sites["mission"].unique().sort()
    # Integer ranks sort far faster than the strings themselves.
    rank = sites["mission"].replace_strict(
        ids, pl.Series(range(len(ids)), dtype=pl.UInt32), return_dtype=pl.UInt32
    )
    perm = sites.select(pl.arg_sort_by([rank, pl.col("__h")])).to_series()
    counts = np.bincount(rank.to_numpy(), minlength=len(ids))
    bounds = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return [str(x) for x in ids], perm, bounds


def _bootstrap(
    sites: pl.DataFrame,
    questions: list[ChecklistIndicator],
    out: dict[str, MissionSites],
    *,
    seed: int,
    replicates: int,
    requested: dict[str, set[str]],
) -> None:
    cat = [q for q in questions if not q.numeric]
    num = [q for q in questions if q.numeric]
    ids, perm, bounds = _mission_order(sites)
    sizes = np.diff(bounds)
    weights = poisson_weights(seed, replicates, int(sizes.max(initial=0)))
    ordered = sites.select(pl.col([q.id for q in questions]).gather(perm))
    # Int8 codes (missing as -9) keep the matrix small; accepted and answered side by side
    # give both sums from one matrix product.
    codes = (
        ordered.select(pl.col(q.id).fill_null(-9) for q in cat).to_numpy()
        if cat
        else np.zeros((sites.height, 0), np.int8)
    )
    nums = (
        ordered.select([q.id for q in num]).to_numpy().astype(np.float64)
        if num
        else np.zeros((sites.height, 0))
    )
    k = len(cat)
    for m, mid in enumerate(ids):
        n = int(sizes[m])
        rows = slice(int(bounds[m]), int(bounds[m + 1]))
        w = weights[:, :n]
        ms = out[mid]
        if cat:
            # Built per mission: small blocks stay in cache, where one cohort-wide float
            # matrix would cost more to allocate than the products themselves.
            block = codes[rows]
            both = np.empty((n, 2 * k), np.float32)
            np.equal(block, 1, out=both[:, :k])
            np.greater_equal(block, 0, out=both[:, k:])
            sums = (w @ both).astype(np.float64)
            yes, den = sums[:, :k], sums[:, k:]
            with np.errstate(divide="ignore", invalid="ignore"):
                fraction = yes / den
            percent = 100.0 * fraction
            for j, q in enumerate(cat):
                st = ms.stats[q.id]
                st.replicates = percent[:, j]
                st.extra_replicates["share"] = fraction[:, j]
                st.extra_replicates["count"] = den[:, j]
        for j, q in enumerate(num):
            col = nums[rows, j]
            ok = ~np.isnan(col)
            if not ok.any():
                continue
            vals = col[ok]
            ww = w[:, ok].astype(np.float64)
            st = ms.stats[q.id]
            for name in requested[q.id]:
                st.extra_replicates[name] = _weighted_stat(name, vals, ww)
            st.replicates = st.extra_replicates[q.stat]


def _quantiles(values: Array, alpha: float) -> tuple[float, float]:
    """The alpha and 1 - alpha quantiles, linear interpolation as numpy's default."""
    srt = np.sort(values)
    last = srt.size - 1
    out = []
    for q in (alpha, 1 - alpha):
        pos = q * last
        lo = math.floor(pos)
        hi = min(lo + 1, last)
        out.append(float(srt[lo] + (srt[hi] - srt[lo]) * (pos - lo)))
    return out[0], out[1]


def _weighted_stat(stat: str, vals: Array, w: Array) -> Array:
    # A Poisson replicate may give every answered visit weight 0: it has no statistic.
    total = w.sum(axis=1)
    return np.where(total > 0, _weighted_stat_raw(stat, vals, w, total), np.nan)


def _weighted_stat_raw(stat: str, vals: Array, w: Array, total: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        if stat == "mean":
            return np.asarray((w @ vals) / total, dtype=float)
        if stat == "sum":
            return np.asarray(w @ vals, dtype=float)
        if stat == "count":
            return np.asarray(total, dtype=float)
        if stat in ("min", "max"):
            masked = np.where(w > 0, vals[None, :], np.inf if stat == "min" else -np.inf)
            return np.asarray(
                masked.min(axis=1) if stat == "min" else masked.max(axis=1), dtype=float
            )
        order = np.argsort(vals, kind="stable")
        cum = np.cumsum(w[:, order], axis=1)
        idx = np.argmax(cum >= total[:, None] / 2, axis=1)
        return np.asarray(vals[order][idx], dtype=float)


# --- per-mission scoring -------------------------------------------------------------------


@dataclass
class _Result:
    status: NodeStatus
    score: float | None
    value: float | str | None
    coverage: float
    reps: Array | None
    explanation: Explanation
    interval: tuple[float, float] | None = None
    n: int | None = None


def _datum_input(name: str, kind: Literal["variable", "answer"], d: Datum | None) -> InputValue:
    if d is None:
        return InputValue.model_construct(name=name, kind=kind, status="missing")
    return InputValue.model_construct(
        name=name,
        kind=kind,
        status=d.status,
        value=d.value,
        provenance=d.provenance,
    )


class _MissionScorer:
    def __init__(
        self,
        rubric: Rubric,
        mission: Mission,
        sites: MissionSites | None,
        confidence: float,
        bootstrap: int,
    ) -> None:
        self.rubric = rubric
        self.mission = mission
        self.sites = sites or MissionSites()
        self.z = _z(confidence)
        self.alpha = (1 - confidence) / 2
        self.bootstrap = bootstrap
        self.findings: list[Finding] = []
        self.scores: list[NodeScore] = []

    def finding(
        self,
        code: str,
        message: str,
        node: str | None,
        severity: Literal["info", "warning", "error"] = "warning",
        **params: object,
    ) -> None:
        self.findings.append(
            Finding.model_construct(
                code=code,
                message=message,
                node=node,
                severity=severity,
                params={k: str(v) for k, v in params.items()},
            )
        )

    def run(self) -> tuple[NodeScore, list[NodeScore]]:
        fam_results = []
        for fam in self.rubric.families:
            fam_results.append((fam, self.node(fam, "overall", 1)))
        root = self.combine(
            "overall",
            self.rubric.aggregation,
            self.rubric.power,
            self.rubric.min_coverage,
            fam_results,
        )
        overall = self.to_score("overall", None, 0, "overall", root, None)
        return overall, self.scores

    def node(self, node: Group | Indicator, parent: str, depth: int) -> _Result:
        index = len(self.scores)
        self.scores.append(None)  # type: ignore[arg-type]  # placeholder keeps tree order
        if isinstance(node, Group):
            kids = [(c, self.node(c, node.id, depth + 1)) for c in node.children]
            res = self.combine(node.id, node.aggregation, node.power, node.min_coverage, kids)
            kind = "group" if depth > 1 else "family"
        else:
            res = self.indicator(node)
            kind = node.kind
        self.scores[index] = self.to_score(node.id, parent, depth, kind, res, node)
        return res

    def to_score(
        self,
        node_id: str,
        parent: str | None,
        depth: int,
        kind: str,
        res: _Result,
        node: Group | Indicator | None,
    ) -> NodeScore:
        band, label = (None, None)
        if res.score is not None:
            band, label = band_of(self.rubric, node, res.score)
        interval = res.interval
        if interval is None and res.reps is not None and res.score is not None:
            reps = res.reps[np.isfinite(res.reps)]
            if reps.size:
                lo, hi = _quantiles(reps, self.alpha)
                interval = (float(min(lo, res.score)), float(max(hi, res.score)))
        return NodeScore.model_construct(
            node=node_id,
            parent=parent,
            level=depth,
            kind=kind,
            value=res.value,
            score=res.score,
            coverage=res.coverage,
            status=res.status,
            band=band,
            band_label=label,
            interval=interval,
            sampled=res.reps is not None or res.interval is not None,
            explanation=res.explanation,
        )

    def combine(
        self,
        node_id: str,
        method: str,
        power: float | None,
        min_cov: float,
        kids: Sequence[tuple[Group | Indicator, _Result]],
    ) -> _Result:
        contributions = []
        applicable = [(n, r) for n, r in kids if r.status not in ("not_applicable", "pending")]
        scored = [(n, r) for n, r in applicable if r.status == "scored"]
        total_w = sum(n.weight for n, _ in applicable)
        scored_w = sum(n.weight for n, _ in scored)
        for n, r in kids:
            share = None  # set below once the group itself has a score
            contributions.append(
                Contribution.model_construct(
                    node=n.id, status=r.status, score=r.score, weight=n.weight, share=share
                )
            )
        expl = Explanation.model_construct(
            aggregation=method if power is None else f"{method} (p={power:g})",
            children=tuple(contributions),
        )
        if not applicable:
            status: NodeStatus = (
                "pending" if any(r.status == "pending" for _, r in kids) else "not_applicable"
            )
            return _Result(status, None, None, 0.0, None, expl)
        coverage = sum(n.weight * r.coverage for n, r in applicable) / total_w
        undefined = [n.id for n, r in applicable if r.status == "undefined"]
        if undefined:
            # An undefined child has no number to renormalise away: dropping it would let a
            # better input (the zero improving) lower this group.
            names = ", ".join(undefined)
            self.finding("undefined-child", f"depends on undefined {names}", node_id, names=names)
            return _Result("undefined", None, None, coverage, None, expl)
        direct = scored_w / total_w
        if not scored or direct < min_cov:
            if scored:
                self.finding(
                    "insufficient-coverage",
                    f"{direct:.0%} of its children's weight has a score; "
                    f"at least {min_cov:.0%} needed",
                    node_id,
                    share=f"{100 * direct:.0f}",
                    needed=f"{100 * min_cov:.0f}",
                )
            # Some data below, but not enough: insufficient; nothing at all: missing.
            partial = scored or any(r.status == "insufficient" for _, r in applicable)
            status = "insufficient" if partial else "missing"
            return _Result(status, None, None, coverage, None, expl)
        values, reason = aggregate(
            method,
            [r.score for _, r in scored],  # type: ignore[misc]
            [n.weight for n, _ in scored],
            power,
        )
        if reason is not None:
            self.finding(
                "aggregation-undefined",
                f"{method} mean undefined: {reason}",
                node_id,
                method=method,
            )
            return _Result("undefined", None, None, coverage, None, expl)
        value = float(values[0])
        reps = None
        if any(r.reps is not None for _, r in scored):
            rep_in = [
                r.reps if r.reps is not None else np.full(self.bootstrap, r.score)
                for _, r in scored
            ]
            reps, _ = aggregate(method, rep_in, [n.weight for n, _ in scored], power)
        shared = tuple(
            c.model_copy(update={"share": c.weight / scored_w}) if c.status == "scored" else c
            for c in contributions
        )
        expl = expl.model_copy(update={"score": value, "children": shared})
        return _Result("scored", value, value, coverage, reps, expl)

    def indicator(self, node: Indicator) -> _Result:
        if isinstance(node, LevelsIndicator | AnswerIndicator):
            return self.qualitative(node)
        if isinstance(node, ChecklistIndicator):
            return self.checklist(node)
        if isinstance(node, QuantitativeIndicator):
            return self.quantitative(node)
        assert isinstance(node, ComparativeIndicator)
        return _Result(
            "pending",
            None,
            None,
            0.0,
            None,
            Explanation.model_construct(rule=f"comparative: {node.measure} of {node.target}"),
        )

    def qualitative(self, node: LevelsIndicator | AnswerIndicator) -> _Result:
        d = self.mission.answers.get(node.id)
        inp = _datum_input(node.id, "answer", d)
        rule = (
            "levels: " + ", ".join(f"{lv.key}={lv.score:g}" for lv in node.levels)
            if isinstance(node, LevelsIndicator)
            else "answer: " + ", ".join(f"{a}={node.score_of(a):g}" for a in node.answers())
        )
        if d is None or d.status == "missing":
            self.finding("missing-data", "no answer recorded", node.id, "info", variant="answer")
            return _Result(
                "missing",
                None,
                None,
                0.0,
                None,
                Explanation.model_construct(inputs=(inp,), rule=rule),
            )
        if d.status == "not_applicable":
            return _Result(
                "not_applicable",
                None,
                None,
                0.0,
                None,
                Explanation.model_construct(inputs=(inp,), rule=rule),
            )
        self._confidence(node.id, d)
        value = d.value
        key = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        s = node.score_of(key)
        if s is None:
            self.finding(
                "invalid-answer",
                f"{value!r} is not an allowed answer",
                node.id,
                "error",
                value=repr(value),
            )
            return _Result(
                "missing",
                None,
                key,
                0.0,
                None,
                Explanation.model_construct(inputs=(inp,), rule=rule),
            )
        return _Result(
            "scored",
            float(s),
            key,
            1.0,
            None,
            Explanation.model_construct(inputs=(inp,), raw_value=key, rule=rule, score=float(s)),
        )

    def _confidence(self, node_id: str, d: Datum) -> None:
        if d.provenance.confidence == "low":
            src = d.provenance.source or "unknown source"
            self.finding(
                "low-confidence-input",
                f"an input has low confidence ({src})",
                node_id,
                "info",
                source=src,
            )

    def _question_input(self, q: ChecklistIndicator, st: QuestionStat | None) -> InputValue:
        if st is None:
            return InputValue.model_construct(name=q.id, kind="question", status="missing", n=0)
        status = "value" if st.answered else "not_applicable" if st.not_applicable else "missing"
        return InputValue.model_construct(
            name=q.id,
            kind="question",
            status=status,  # type: ignore[arg-type]
            value=st.value,
            n=st.answered,
            accepted=None if q.numeric else st.accepted,
            not_applicable=st.not_applicable,
            not_observed=st.not_observed,
            simulated=self.sites.simulated,
        )

    def checklist(self, q: ChecklistIndicator) -> _Result:
        st = self.sites.stats.get(q.id)
        inp = self._question_input(q, st)
        rule = q.rule
        rule_text = rule.describe() if rule is not None else "share of accepted answers, in %"
        notes = tuple(self.sites.negative_notes.get(q.id, ()))
        expl = Explanation.model_construct(
            inputs=(inp,),
            rule=rule_text,
            notes=notes,
            formula=(
                f"share of answers in {{{', '.join(q.accept)}}}"
                if not q.numeric
                else f"{q.stat} of answers"
            ),
        )
        if st is None or st.answered == 0:
            if st is not None and st.not_applicable and not st.not_observed:
                return _Result("not_applicable", None, None, 0.0, None, expl)
            self.finding(
                "missing-data", "no observer answered this question", q.id, "info", variant="sites"
            )
            return _Result("missing", None, None, 0.0, None, expl)
        assert st.value is not None
        if st.answered < q.min_answers:
            self.finding(
                "too-few-answers",
                f"{st.answered} answer(s); at least {q.min_answers} needed",
                q.id,
                n=st.answered,
                needed=q.min_answers,
            )
            return _Result(
                "insufficient",
                None,
                st.value,
                0.0,
                None,
                expl.model_copy(update={"raw_value": st.value}),
                n=st.answered,
            )
        if isinstance(rule, Cohort):
            return _Result(
                "pending",
                None,
                st.value,
                0.0,
                None,
                expl.model_copy(update={"raw_value": st.value}),
            )
        s = float(apply_rule(rule, np.array([st.value]))[0]) if rule else min(100.0, st.value)
        if math.isnan(s):
            self.finding(
                "value-outside-bands",
                f"{st.value:g} falls in no band of the rule",
                q.id,
                value=f"{st.value:g}",
            )
            return _Result("missing", None, st.value, 0.0, None, expl)
        reps = None
        if st.replicates is not None:
            reps = apply_rule(rule, st.replicates) if rule else np.minimum(st.replicates, 100)
            reps = np.where(np.isnan(reps), s, reps)
        interval = None
        if not q.numeric:
            lo, hi = wilson(st.accepted, st.answered, self.z)
            # A target rule is not monotone: take its range over the whole interval. The other
            # rules are, so the interval's ends are enough.
            shares = (
                np.linspace(100 * lo, 100 * hi, 401)
                if isinstance(rule, Target)
                else np.array([100 * lo, 100 * hi])
            )
            ends = apply_rule(rule, shares) if rule else shares
            interval = (min(float(np.nanmin(ends)), s), max(float(np.nanmax(ends)), s))
        return _Result(
            "scored",
            s,
            st.value,
            1.0,
            reps,
            expl.model_copy(update={"raw_value": st.value, "score": s}),
            interval=interval,
            n=st.answered,
        )

    def quantitative(self, node: QuantitativeIndicator) -> _Result:
        expr = node.expression()
        refs = list(dict.fromkeys(v.name for v in formula.names(expr)))
        env: dict[str, formula.Value] = {}
        rep_env: dict[str, formula.Value] = {}
        inputs: list[InputValue] = []
        missing: list[str] = []
        not_app: list[str] = []
        sampled = False
        for name in refs:
            var = self.rubric.variable(name)
            if var.from_sites is not None:
                qnode = self.rubric.node(var.from_sites.question)
                assert isinstance(qnode, ChecklistIndicator)
                st = self.sites.stats.get(qnode.id)
                inp = self._question_input(qnode, st).model_copy(
                    update={"name": name, "kind": "variable"}
                )
                inputs.append(inp)
                val = None if st is None else self._site_stat(qnode, st, var.from_sites.stat)
                if st is not None and 0 < st.answered < qnode.min_answers:
                    self.finding(
                        "too-few-answers",
                        f"{name} rests on {st.answered} answer(s); at least "
                        f"{qnode.min_answers} needed",
                        node.id,
                        variant="variable",
                        name=name,
                        n=st.answered,
                        needed=qnode.min_answers,
                    )
                    val = None
                if val is None:
                    (not_app if inp.status == "not_applicable" else missing).append(name)
                    continue
                env[name] = val
                reps = None if st is None else st.extra_replicates.get(var.from_sites.stat)
                if reps is not None:
                    rep_env[name] = reps
                    sampled = True
                else:
                    rep_env[name] = val
                continue
            d = self.mission.values.get(name)
            inputs.append(_datum_input(name, "variable", d))
            if d is None or d.status == "missing":
                missing.append(name)
                continue
            if d.status == "not_applicable":
                not_app.append(name)
                continue
            self._confidence(node.id, d)
            x = parse_number(d.value)
            if x is None:
                missing.append(name)
                continue
            env[name] = x
            rep_env[name] = x
        expl = Explanation.model_construct(
            inputs=tuple(inputs), formula=node.formula, rule=node.rule.describe()
        )
        if not_app:
            return _Result("not_applicable", None, None, 0.0, None, expl)
        if missing:
            names = ", ".join(missing)
            self.finding("missing-input", f"no value for {names}", node.id, "info", names=names)
            return _Result("missing", None, None, 0.0, None, expl)
        try:
            raw = float(formula.evaluate(expr, env))
        except formula.EvaluationError as exc:
            self.finding(
                exc.code,
                f"{exc.message} in {node.formula}",
                node.id,
                variant="formula",
                formula=node.formula,
            )
            return _Result("missing", None, None, 0.0, None, expl)
        if not math.isfinite(raw):
            self.finding(
                "not-finite", f"{node.formula} is not finite", node.id, formula=node.formula
            )
            return _Result("missing", None, None, 0.0, None, expl)
        expl = expl.model_copy(update={"raw_value": raw})
        if isinstance(node.rule, Cohort):
            return _Result("pending", None, raw, 0.0, None, expl)
        s = float(apply_rule(node.rule, np.array([raw]))[0])
        if math.isnan(s):
            self.finding(
                "value-outside-bands",
                f"{raw:g} falls in no band of the rule",
                node.id,
                value=f"{raw:g}",
            )
            return _Result("missing", None, raw, 0.0, None, expl)
        reps = None
        if sampled and self.bootstrap:
            try:
                with np.errstate(divide="ignore", invalid="ignore"):
                    rv = np.broadcast_to(
                        np.asarray(formula.evaluate(expr, rep_env), float), (self.bootstrap,)
                    )
                reps = apply_rule(node.rule, rv)
                reps = np.where(np.isnan(reps), s, reps)
            except formula.EvaluationError:
                reps = None
        return _Result("scored", s, raw, 1.0, reps, expl.model_copy(update={"score": s}))

    @staticmethod
    def _site_stat(q: ChecklistIndicator, st: QuestionStat, stat: str) -> float | None:
        if st.answered == 0:
            return None
        if stat == "share":
            return st.accepted / st.answered
        if stat == "count":
            return float(st.answered)
        return st.extra.get(stat)


def band_of(
    rubric: Rubric, node: Group | Indicator | None, score: float, lang: str = "en"
) -> tuple[int | None, str | None]:
    """The index and label of the band a score falls in."""
    for i, band in enumerate(rubric.bands_for(node)):
        if band.contains(score):
            return i, pick(band.label, lang)
    return None, None


def _mission_info(m: Mission) -> MissionInfo:
    return MissionInfo(
        id=m.id,
        country=m.country,
        name=m.name,
        election_type=m.election.type,
        election_date=m.election.date,
        round=m.election.round,
        region=m.region,
    )


def data_digest(observations: Observations) -> str:
    """SHA-256 of the observations' content, independent of the order of rows and missions."""
    h = hashlib.sha256()
    for m in sorted(observations.missions, key=lambda m: m.id):
        data = m.model_dump(mode="json")
        # Where a value was read from is not part of the data: the same workspace copied
        # elsewhere must hash the same.
        for group in ("answers", "values"):
            for datum in data[group].values():
                datum["provenance"].pop("file", None)
                datum["provenance"].pop("line", None)
        h.update(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    sites = observations.sites
    if sites.height:
        hashes = sites["__h"] if "__h" in sites.columns else _row_hashes(sites)
        h.update(np.sort(hashes.to_numpy()).tobytes())
    return h.hexdigest()


def score(
    rubric: Rubric,
    observations: Observations,
    *,
    seed: int = 20261128,
    bootstrap: int = 200,
    confidence: float = 0.95,
    progress: Progress | None = None,
) -> ScoreSet:
    """Score every mission against the rubric; pure and deterministic.

    Data problems become findings on the scorecards; a Poisson bootstrap over the visits
    (``bootstrap`` replicates from ``seed``, see :func:`poisson_weights`) gives intervals to
    scores that depend on sampled site data. ``progress(done, total)`` is called as missions
    are scored.
    """
    sites = observations.sites
    if sites.height and "__h" not in sites.columns:
        sites = sites.with_columns(_row_hashes(sites).alias("__h"))
    summaries = summarise_sites(rubric, sites, seed=seed, bootstrap=bootstrap)
    cards = []
    missions = sorted(observations.missions, key=lambda m: m.id)
    for i, m in enumerate(missions):
        ms = summaries.get(m.id)
        scorer = _MissionScorer(rubric, m, ms, confidence, bootstrap)
        overall, nodes = scorer.run()
        pending = sum(
            1 for n in nodes if n.status == "pending" and n.kind not in ("group", "family")
        )
        if pending:
            scorer.finding(
                "needs-cohort",
                f"{pending} indicator(s) are scored only against the cohort (compare, report): "
                "this overall leaves them out",
                "overall",
                "info",
                n=pending,
            )
        if ms is not None and ms.simulated:
            scorer.finding(
                "simulated-data",
                "observer checklists of this mission are simulated, not observed",
                None,
                "warning",
            )
        cards.append(
            Scorecard(
                mission=_mission_info(m),
                overall=overall,
                nodes=tuple(nodes),
                findings=tuple(scorer.findings),
                sites=ms.n if ms else 0,
                simulated=bool(ms and ms.simulated),
                notes=tuple(ms.notes) if ms else (),
                notes_total=ms.notes_total if ms else 0,
            )
        )
        if progress is not None:
            progress(i + 1, len(missions))
    rep = observations.report
    return ScoreSet(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=rubric.digest()),
        data_sha256=data_digest(Observations(observations.missions, sites)),
        seed=seed,
        bootstrap=bootstrap,
        confidence=confidence,
        scorecards=tuple(cards),
        files=tuple(
            FileSummary(
                file=f.file,
                kind=f.kind,
                rows_read=f.rows_read,
                rows_used=f.rows_used,
                rows_rejected=f.rows_rejected,
                rows_excluded=f.rows_excluded,
                simulated=f.simulated,
                unmatched_columns=f.unmatched_columns,
            )
            for f in rep.files
        ),
        rejected=tuple(
            RejectedSummary(
                file=r.file,
                row=r.row,
                mission=r.mission,
                reasons=tuple(i.as_dict() for i in r.reasons),
            )
            for r in rep.rejected
        ),
        simulated_sources=observations.simulated_sources,
    )
