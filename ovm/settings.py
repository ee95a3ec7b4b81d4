"""The settings of an analysis: typed, frozen, validated once and stored on its result.

:class:`Settings` holds everything that decides the numbers of a :class:`ovm.Run`: the
engine's bootstrap, the cohort of missions, the comparison's methodological choices and the
sensitivity analysis. The result keeps the settings object as it was given; writers put it
into words in the report's language, never the analysis.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import Field, field_validator, model_validator

from ovm.errors import CheckError
from ovm.frozen import FrozenMap, FrozenModel, ReadOnlyMap

if TYPE_CHECKING:
    from ovm.rubric.model import Rubric


def _parse_aggregation(spec: str, default_power: float | None = None) -> tuple[str, float | None]:
    """:func:`ovm.scoring.aggregate.parse_aggregation`, its module imported when first used:
    the command line names this module's choices in its options before it reads a workspace,
    and the scoring's imports (NumPy, the data readers) would hold the reading back."""
    from ovm.scoring.aggregate import parse_aggregation

    return parse_aggregation(spec, default_power)


Normalisation = Literal[
    "none", "minmax", "zscore", "rank", "percentile", "distance_to_best", "distance_to_target"
]
Imputation = Literal["none", "mean", "group_mean"]
NORMALISATIONS: tuple[str, ...] = get_args(Normalisation)
IMPUTATIONS: tuple[str, ...] = get_args(Imputation)
SENSITIVITY_CHOICES = ("weights", "aggregation", "normalisation", "drop_indicator", "sampling")
DEFAULT_AGGREGATIONS = ("rubric", "arithmetic", "geometric")
DEFAULT_NORMALISATIONS: tuple[Normalisation, ...] = ("none", "minmax", "zscore", "percentile")
MAX_SENSITIVITY_RUNS = 100_000
"""Each run evaluates the whole cohort (d + 2) times; more than this is beyond any need."""
DEFAULT_SEED = 20261128

Seed = Annotated[int, Field(ge=0, lt=2**63)]


class ComparisonSettings(FrozenModel):
    """How a cohort is compared (COINr's vocabulary: impute, normalise, aggregate).

    - ``normalisation``: ``none`` normalises only the indicators whose rule is ``cohort`` (by
      their rule's method); another method also normalises every other non-comparative
      indicator, or only ``normalise_nodes`` (indicators or groups) when given. A node on a
      scale of its own keeps its scores (:meth:`Rubric.keeps_scale`, as in the sensitivity
      analysis): naming one in ``normalise_nodes`` is a problem.
    - ``output_range``: where bounded methods land; ``zscore_scale``: mean and deviation of
      z-scores.
    - ``aggregation``: group id (or ``overall``, or ``*`` for all) -> method, e.g.
      ``geometric`` or ``generalised:0.5``; the rubric's methods elsewhere.
    - ``imputation``: ``mean`` of the cohort or ``group_mean`` (by ``groups``, mission id ->
      group; each mission's region by default) for missing values.
    - ``targets``: node id -> goal of ``distance_to_target``, in the node's own units.
    - ``best_practice_bands``: a best practice needs a lead that holds and a score in one of
      this many top bands of the indicator.
    - ``peer_groups``: mission id -> context group; each group of two or more missions is also
      ranked, with its own best practices (default: the missions' regions).
    """

    normalisation: Normalisation = "none"
    output_range: tuple[float, float] = (0.0, 100.0)
    zscore_scale: tuple[float, float] = (0.0, 1.0)
    aggregation: ReadOnlyMap[str, str] = Field(default_factory=FrozenMap)
    imputation: Imputation = "none"
    groups: ReadOnlyMap[str, str] | None = None
    normalise_nodes: tuple[str, ...] | None = None
    targets: ReadOnlyMap[str, float] = Field(default_factory=FrozenMap)
    peer_groups: ReadOnlyMap[str, str] | None = None
    """Mission id -> context group (region, registration model …) whose missions are also
    ranked among themselves; None groups by each mission's region."""
    best_practice_bands: int = Field(default=2, ge=0)
    """How many of an indicator's top bands count as good enough for a best practice (0: any
    score)."""

    @field_validator("output_range")
    @classmethod
    def _range(cls, value: tuple[float, float]) -> tuple[float, float]:
        lo, hi = value
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise CheckError("output_range")
        return value

    @field_validator("zscore_scale")
    @classmethod
    def _zscore(cls, value: tuple[float, float]) -> tuple[float, float]:
        if not (math.isfinite(value[0]) and math.isfinite(value[1]) and value[1] > 0):
            raise CheckError("zscore_scale")
        return value

    @field_validator("aggregation")
    @classmethod
    def _aggregation(cls, value: FrozenMap[str, str]) -> FrozenMap[str, str]:
        for spec in value.values():
            # A generalised mean without exponent takes the rubric's: only the syntax here.
            _parse_aggregation(spec, default_power=1.0)
        return value

    def problems(self, rubric: Rubric) -> list[str]:
        """What in these settings does not fit ``rubric`` (nodes it does not have)."""
        return [message for message, _key, _params in self.problem_parts(rubric)]

    def problem_parts(self, rubric: Rubric) -> list[tuple[str, str, dict[str, Any]]]:
        """:meth:`problems`, each as its English message, the catalogue entry that words it in
        another language and the entry's parts by name."""
        groups = {"overall", "*"} | {
            p.node.id for p in rubric.walk() if getattr(p.node, "children", None) is not None
        }
        out: list[tuple[str, str, dict[str, Any]]] = [
            (
                f"aggregation given for {k!r}: not a group of the rubric (use a group id, "
                "'overall' or '*')",
                "settings_aggregation_not_group",
                {"node": k},
            )
            for k in self.aggregation
            if k not in groups
        ]
        formulas = set(rubric.references_of)
        if rubric.headline is not None:
            formulas.add("overall")
        out += [
            (
                f"aggregation given for {k!r}: it is "
                + ("the rubric's headline" if k == "overall" else "a formula over other nodes")
                + ", not an aggregation of its children",
                "settings_aggregation_headline"
                if k == "overall"
                else "settings_aggregation_formula",
                {"node": k},
            )
            for k in self.aggregation
            if k in formulas and k in groups
        ]
        unknown = sorted(
            {k for k in [*self.targets, *(self.normalise_nodes or ())] if k not in rubric.nodes}
        )
        if unknown:
            out.append(
                (
                    f"no node {', '.join(map(repr, unknown))} in the rubric",
                    "settings_no_node",
                    {"nodes": unknown},
                )
            )
        kept = [
            k for k in self.normalise_nodes or () if k in rubric.nodes and rubric.keeps_scale(k)
        ]
        if kept and self.normalisation != "none":
            out.append(
                (
                    f"normalise_nodes names {', '.join(map(repr, kept))}, on a scale of its "
                    "own: it keeps its scores under a cohort normalisation (onto the output "
                    "range they would no longer add up to the sums and bands written on that "
                    "scale); leave it out of normalise_nodes",
                    "settings_keeps_scale",
                    {"nodes": kept},
                )
            )
        out += self._method_problems(rubric)
        out += self._stale_readers(rubric)
        out += self._unused_targets(rubric)
        if self.normalisation in ("zscore", "rank"):
            mixed = mixed_scale_nodes(rubric)
            if mixed:
                out.append(
                    (
                        f"{self.normalisation} values have no fixed range, and the overall would "
                        f"aggregate them with the 0-100 scores of {', '.join(mixed)} (scored "
                        "from the cohort, never normalised): the last mission could come first; "
                        "use minmax or percentile, or keep those nodes out of the overall "
                        "(contributes: false)",
                        "settings_mixed_scale",
                        {"normalisation": self.normalisation, "nodes": list(mixed)},
                    )
                )
        return out

    def _unused_targets(self, rubric: Rubric) -> list[tuple[str, str, dict[str, Any]]]:
        """A target given for a node no ``distance_to_target`` normalises: it would change
        nothing, and the user would read the comparison as if it had."""
        from ovm.indicators.registry import kind_of
        from ovm.rubric.model import Group

        named = set(self.normalise_nodes) if self.normalise_nodes is not None else None
        asked = self.normalisation == "distance_to_target"
        unused: list[str] = []
        for node_id in self.targets:
            if node_id not in rubric.nodes:
                continue  # said as a node the rubric does not have
            node = rubric.node(node_id)
            if isinstance(node, Group):
                used = asked and named is not None and node_id in named
            else:
                # Family 7's indicators are scored from the cohort, never normalised.
                used = (
                    asked
                    and kind_of(node).evidence != "nodes"
                    and (named is None or node_id in named)
                    and not rubric.keeps_scale(node_id)
                )
            if not used:
                unused.append(node_id)
        if not unused:
            return []
        return [
            (
                f"a target is given for {', '.join(map(repr, unused))}, which no "
                "distance_to_target normalises: give --normalisation distance_to_target (a "
                "group also needs to be named in normalise_nodes), or leave the target out",
                "settings_target_unused",
                {"nodes": unused},
            )
        ]

    def changed_nodes(self, rubric: Rubric) -> set[str]:
        """The nodes whose scores these settings change in ``compare()``, beyond the cohort
        rules and family 7 (which no indicator's formula may read): indicators normalised,
        groups normalised or aggregated another way, and what aggregates or reads them.

        Raises ValueError for an aggregation given for a node that is not a group."""
        from ovm.rubric.model import Group

        _methods, overridden = self.rubric_methods(rubric)
        norm = self.normalisation != "none"
        named = set(self.normalise_nodes) if self.normalise_nodes is not None else None
        changed: set[str] = set()
        for node_id in rubric.evaluation_order:
            node = rubric.node(node_id)
            reads = {r.node for r in rubric.references_of.get(node_id, ())}
            if reads & changed:
                changed.add(node_id)
            elif not isinstance(node, Group):
                if (
                    norm
                    and (named is None or node_id in named)
                    and node.kind != "comparative"
                    and not rubric.keeps_scale(node_id)
                ):
                    changed.add(node_id)
            elif node.formula is None and (
                node_id in overridden
                or (norm and named is not None and node_id in named)
                or any(c.id in changed for c in node.children if c.contributes)
            ):
                changed.add(node_id)
        return changed

    def _method_problems(self, rubric: Rubric) -> list[tuple[str, str, dict[str, Any]]]:
        """Aggregations given for groups of the rubric whose method cannot apply there: a
        generalised mean without exponent for a group whose rubric gives none."""
        nominal = _nominal_methods(rubric)
        out: list[tuple[str, str, dict[str, Any]]] = []
        for key, spec in self.aggregation.items():
            for group in nominal if key == "*" else [key] if key in nominal else []:
                try:
                    _parse_aggregation(spec, nominal[group][1])
                except CheckError:
                    out.append(
                        (
                            f"aggregation given for {key!r}: a generalised mean needs an "
                            "exponent here, the rubric gives none: write generalised:P",
                            "settings_aggregation_no_exponent",
                            {"node": key},
                        )
                    )
                    break
        return out

    def _stale_readers(self, rubric: Rubric) -> list[tuple[str, str, dict[str, Any]]]:
        """Indicators whose formula reads a node these settings change: compare() scores
        such an indicator once, from the nominal results, so it is refused rather than left
        out of step with what it reads."""
        from ovm.rubric.model import Group

        readers = {
            k: v for k, v in rubric.references_of.items() if not isinstance(rubric.node(k), Group)
        }
        if not readers or any(k not in rubric.nodes for k in self.normalise_nodes or ()):
            return []
        try:
            changed = self.changed_nodes(rubric)
        except ValueError:
            return []  # an aggregation for a node that is no group: said above
        out: list[tuple[str, str, dict[str, Any]]] = []
        for reader, refs in readers.items():
            moved = sorted({r.node for r in refs} & changed)
            if moved:
                out.append(
                    (
                        f"the formula of {reader} reads {', '.join(moved)}, which this "
                        f"comparison changes (normalisation {self.normalisation}"
                        + (", aggregation overrides" if self.aggregation else "")
                        + f"), and {reader} would keep the score it has from the nominal "
                        "results: leave what it reads out of the normalisation (normalise_nodes) "
                        "and of the aggregation overrides",
                        "settings_stale_reader" + ("_overrides" if self.aggregation else ""),
                        {"reader": reader, "nodes": moved, "normalisation": self.normalisation},
                    )
                )
        return out

    def rubric_methods(
        self, rubric: Rubric
    ) -> tuple[dict[str, tuple[str, float | None]], set[str]]:
        """:meth:`methods` for ``rubric``'s groups and overall, nominal as the rubric says.

        Raises ValueError for a key that is not a group of the rubric, ``overall`` or ``*``.
        """
        return self.methods(_nominal_methods(rubric))

    def methods(
        self, nominal: dict[str, tuple[str, float | None]]
    ) -> tuple[dict[str, tuple[str, float | None]], set[str]]:
        """The aggregation method of each group (``nominal``: the rubric's), and those changed.

        Raises ValueError for a key that is not a group of ``nominal``, ``overall`` or ``*``.
        """
        unknown = [k for k in self.aggregation if k != "*" and k not in nominal]
        if unknown:
            raise ValueError(
                f"aggregation given for {', '.join(map(repr, unknown))}: not a "
                "group of the rubric (use a group id, 'overall' or '*')"
            )
        methods = dict(nominal)
        if "*" in self.aggregation:
            for key in methods:
                methods[key] = _parse_aggregation(self.aggregation["*"], nominal[key][1])
        for key, spec in self.aggregation.items():
            if key != "*":
                methods[key] = _parse_aggregation(spec, nominal[key][1])
        return methods, {k for k in methods if methods[k] != nominal[k]}


class SensitivitySettings(FrozenModel):
    """The Monte Carlo over the methodology's choices (see :mod:`ovm.comparison.sensitivity`)."""

    runs: int = Field(default=300, ge=2, le=MAX_SENSITIVITY_RUNS)
    weight_range: float = Field(default=0.25, ge=0, lt=1)
    aggregations: tuple[str, ...] = Field(default=DEFAULT_AGGREGATIONS, min_length=1)
    normalisations: tuple[Normalisation, ...] = Field(default=DEFAULT_NORMALISATIONS, min_length=1)
    sampling_draws: int = Field(default=100, ge=1, le=10_000)
    boot: int = Field(default=200, ge=10, le=10_000)
    """Bootstrap resamples behind the confidence intervals of the Sobol indices."""
    choices: tuple[str, ...] = SENSITIVITY_CHOICES

    def unmodelled(self, comparison: ComparisonSettings) -> tuple[str, ...]:
        """The options of ``comparison`` these runs do not reproduce as their nominal
        methodology (``imputation``, ``aggregation``, ``normalisation``): around such a
        comparison the rank intervals would contradict the ranks beside them. The runs start
        from the first aggregation and normalisation alternative, never impute, and vary an
        aggregation for every group at once."""
        whole = comparison.aggregation.get("*") if set(comparison.aggregation) == {"*"} else None
        return tuple(
            name
            for name, departs in (
                ("imputation", comparison.imputation != "none"),
                (
                    "aggregation",
                    bool(comparison.aggregation) and whole != self.aggregations[0],
                ),
                ("normalisation", comparison.normalisation != self.normalisations[0]),
            )
            if departs
        )

    def around(self, comparison: ComparisonSettings) -> SensitivitySettings:
        """These settings with the comparison's normalisation, and its aggregation when it
        names one for every group (``*``), as the nominal alternatives (first), the others
        kept: the runs then vary the methodology around the ranking the comparison shows."""
        chosen = comparison.normalisation
        norms = (chosen, *(n for n in self.normalisations if n != chosen))
        aggs = self.aggregations
        if set(comparison.aggregation) == {"*"}:
            whole = comparison.aggregation["*"]
            aggs = (whole, *(a for a in aggs if a != whole))
        return self.model_copy(update={"normalisations": norms, "aggregations": aggs})

    @field_validator("aggregations")
    @classmethod
    def _aggregations(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for spec in value:
            if spec != "rubric":
                _parse_aggregation(spec, default_power=1.0)
        return value

    @field_validator("choices")
    @classmethod
    def _choices(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if (
            not value
            or any(c not in SENSITIVITY_CHOICES for c in value)
            or len(set(value)) != len(value)
        ):
            raise CheckError("sensitivity_choices", choices=list(SENSITIVITY_CHOICES))
        return value


class Settings(FrozenModel):
    """Everything that decides the numbers of a run.

    ``seed`` drives the engine's bootstrap and the sensitivity analysis; ``bootstrap`` is the
    number of replicates (0: no intervals); ``missions`` names the cohort (default: every
    mission of the workspace); ``sensitivity`` is None when no sensitivity analysis is asked.
    """

    seed: Seed = DEFAULT_SEED
    bootstrap: int = Field(default=200, ge=0, le=100_000)
    confidence: float = Field(default=0.95, gt=0, lt=1)
    min_places: int = Field(default=5, ge=1)
    """Polling places a sampled score needs before it gets an interval."""
    missions: tuple[str, ...] | None = None
    comparison: ComparisonSettings = ComparisonSettings()
    sensitivity: SensitivitySettings | None = None

    @model_validator(mode="after")
    def _cohort(self) -> Settings:
        if self.missions is not None and not self.missions:
            raise CheckError("cohort")
        return self


def _nominal_methods(rubric: Rubric) -> dict[str, tuple[str, float | None]]:
    """The aggregation method and exponent of the rubric's overall and of each group."""
    from ovm.rubric.model import Group

    nominal: dict[str, tuple[str, float | None]] = {"overall": (rubric.aggregation, rubric.power)}
    for placed in rubric.walk():
        if isinstance(placed.node, Group):
            nominal[placed.node.id] = (placed.node.aggregation, placed.node.power)
    return nominal


def mixed_scale_nodes(rubric: Rubric) -> list[str]:
    """Comparative indicators whose 0-100 scores reach the overall (every node on their way up
    contributes to its parent): a z-score or rank normalisation would be mixed with them."""
    out = []
    for placed in rubric.walk():
        if placed.node.kind != "comparative":
            continue
        node_id, reaches = placed.node.id, True
        while node_id != "overall" and reaches:
            at = rubric.nodes[node_id]
            reaches = at.node.contributes
            node_id = at.parent
        if reaches:
            out.append(placed.node.id)
    return out
