"""How the sensitivity analysis batches its runs changes no figure.

Groups of indicators alone are evaluated together, a geometric mean hands a geometric parent
the mean of its logarithms, a batch may hold the runs of several sampling draws, the draws are
normalised together, and a group's weights the same for every mission of a run are kept as one
row of runs. Each is compared here with the plain way, field by field, with ``==``, or with
the engine's own scores.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ovm
import ovm.comparison.sensitivity as module
from ovm.comparison.cohort import compare
from ovm.comparison.sensitivity import sensitivity, sensitivity_to_dict
from ovm.scoring.engine import score_with_replicates
from ovm.settings import ComparisonSettings, SensitivitySettings
from tests.test_sensitivity import _write
from tests.test_sensitivity_reference import _cohort


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> ovm.Workspace:
    return ovm.load_workspace(_write(tmp_path_factory.mktemp("batches") / "ws"))


def test_a_batch_of_several_sampling_draws_gives_the_figures_of_one_draw_a_batch(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    rubric, observations = workspace.rubric, workspace.observations
    scores, kept = score_with_replicates(rubric, observations, seed=3, bootstrap=80)
    config = SensitivitySettings(runs=120, sampling_draws=70, boot=30)

    def run() -> dict[str, object]:
        return sensitivity_to_dict(
            sensitivity(scores, rubric, config, seed=5, observations=observations, replicates=kept)
        )

    spans: list[int] = []
    evaluate = module._evaluate

    def probe(*args: object, **kwargs: object) -> object:
        segments = args[5] if len(args) > 5 else kwargs.get("segments")
        spans.append(0 if segments is None else len(segments))  # type: ignore[arg-type]
        return evaluate(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "_evaluate", probe)
    together = run()
    assert max(spans) > 1
    spans.clear()
    monkeypatch.setattr(module, "_DRAWS", 1)
    alone = run()
    assert max(spans) == 0
    assert together == alone
    # A cohort whose draws would not fit the memory held for them takes one draw at a time.
    spans.clear()
    monkeypatch.setattr(module, "_DRAWS", 32)
    monkeypatch.setattr(module, "_HELD", 1)
    assert run() == alone
    assert max(spans) == 0


@pytest.mark.parametrize(
    "aggregations",
    [
        ("rubric", "arithmetic", "geometric"),
        ("geometric", "harmonic", "generalised:2", "minimum"),
    ],
)
def test_groups_evaluated_together_give_the_figures_of_each_on_its_own(
    aggregations: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    rubric, scores = _cohort(31, 10, 7)
    config = SensitivitySettings(runs=200, boot=40, aggregations=aggregations)
    together = sensitivity(scores, rubric, config, seed=9)
    assert module._buckets(module._build_model(scores, rubric, compare(scores, rubric)))
    monkeypatch.setattr(module, "_buckets", lambda model: [])
    assert sensitivity(scores, rubric, config, seed=9) == together


def test_a_geometric_mean_of_geometric_means_is_the_engines() -> None:
    # The runs hand a geometric parent the mean of its child's logarithms rather than the
    # child's mean; the overall is still the one the comparison gives under geometric means.
    rubric, scores = _cohort(40, 9, 2)
    model = module._build_model(scores, rubric, compare(scores, rubric))
    methods = [("geometric", None) for _ in model.groups]
    found = module._evaluate(
        model, module._normalised(model, model.base, "none"), model.weights[None, :], methods
    )[:, 0]
    every = ComparisonSettings(aggregation={"*": "geometric"})
    engine = {
        c.mission.id: c.overall.score for c in compare(scores, rubric, every).scores.scorecards
    }
    expected = np.array([np.nan if engine[mid] is None else engine[mid] for mid in model.mids])
    # Where a value of 0 leaves the engine's geometric mean undefined, the runs floor it.
    defined = np.isfinite(expected)
    assert defined.sum() >= 15
    np.testing.assert_allclose(found[defined], expected[defined], rtol=1e-12, atol=0.0)


def _near(den: float, halvings: int, step: int) -> float:
    """A total ``step`` floats away from ``den * 2^halvings``."""
    total = den * 2.0**halvings
    for _ in range(abs(step)):
        total = float(np.nextafter(total, np.inf if step > 0 else -np.inf))
    return max(total, 0.0)


@settings(max_examples=300, deadline=None)
@given(
    halvings=st.integers(0, 60),
    dens=st.lists(
        st.one_of(
            st.just(0.0),
            st.just(5e-324),
            st.floats(0.0, 2.0**900),
            st.floats(1e-310, 1e-300),
            st.integers(0, 40).map(float),
        ),
        min_size=3,
        max_size=3,
    ),
    rows=st.integers(2, 5),
    steps=st.lists(st.integers(-3, 3), min_size=3, max_size=3),
    how=st.lists(st.sampled_from(["near", "zero", "tiny", "wide"]), min_size=3, max_size=3),
    wide=st.floats(0.0, 2.0**950),
    jitter=st.lists(st.integers(-2, 2), min_size=15, max_size=15),
)
def test_coverage_of_one_total_a_run_is_the_quotient_s_to_the_bit(
    halvings: int,
    dens: list[float],
    rows: int,
    steps: list[int],
    how: list[str],
    wide: float,
    jitter: list[int],
) -> None:
    # One total a run (a single row) under a row of scored weights per mission: each run's
    # threshold is worked out once, or, where it would be subnormal, each share the plain way.
    tots = [
        _near(d, halvings, s) if h == "near" else {"zero": 0.0, "tiny": 1e-310, "wide": wide}[h]
        for d, s, h in zip(dens, steps, how, strict=True)
    ]
    tot = np.array([tots])
    den = np.array(
        [[_near(d, 0, jitter[(r * 3 + c) % 15]) for c, d in enumerate(dens)] for r in range(rows)]
    )
    out = np.empty(den.shape, dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        expected = np.divide(den, tot) >= 2.0**-halvings
    module._covered(den, tot, halvings, out, np.empty_like(den), np.empty(den.shape, bool))
    assert out.tolist() == expected.tolist()


@pytest.mark.parametrize("shape", [(31, 10, 7), (30, 12, 3), (40, 9, 2)])
def test_groups_read_in_place_give_the_figures_of_gathered_copies(
    shape: tuple[int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Groups evaluated together read their indicators' columns in place when the columns
    # follow one another, in the groups' order or in reverse (as a family's sub-group is
    # aggregated before the family listed above it), and a product reads them as a view when
    # the missions are of an even count; gathered copies must give the same.
    rubric, scores = _cohort(*shape)
    model = module._build_model(scores, rubric, compare(scores, rubric))
    config = SensitivitySettings(runs=150, boot=30)
    read = sensitivity(scores, rubric, config, seed=4)
    spans = []
    for members in module._buckets(model):
        columns = np.array([g.indicators for g in members])
        fused = module._Fused.__new__(module._Fused)
        fused.columns = columns
        spans.append(fused.span)
    assert any(span is not None for span in spans)
    monkeypatch.setattr(module._Fused, "span", property(lambda self: None))
    assert sensitivity(scores, rubric, config, seed=4) == read
