"""``ovm report`` runs the sensitivity analysis on another thread while it makes every section
of the report but the ranking: the report is the one the whole run gives, and no analysis
outlives a command that fails, on either side."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import ovm
from ovm.cli.app import main
from ovm.comparison import sensitivity as sensitivity_module
from ovm.reporting import report
from ovm.settings import SensitivitySettings, Settings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _left() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "ovm sensitivity"]


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_the_report_is_the_one_made_from_the_whole_run(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"r.{fmt}"
    args = ["report", str(EXAMPLES), "-q", "--lang", "es", "--sensitivity-runs", "40"]
    assert main([*args, "-o", str(out)]) == 0
    ws = ovm.load_workspace(EXAMPLES)
    run = ovm.analyse(
        ws,
        Settings(
            seed=ws.settings.seed,
            bootstrap=ws.settings.bootstrap,
            confidence=ws.settings.confidence,
            sensitivity=SensitivitySettings(runs=40),
        ),
    )
    assert run.sensitivity is not None
    ctx = report.report_context(run, lang="es", title=ws.title("es"))
    expected = report.render_json(ctx) if fmt == "json" else report.render_html(ctx)
    assert out.read_text(encoding="utf-8") == expected
    assert "rank_interval" in expected or "sensitivity" in expected
    assert not _left()


def test_a_report_that_fails_stops_the_analysis_running_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluated: list[int] = []
    evaluate = sensitivity_module._evaluate
    started = threading.Event()

    def counted(*args: object, **kwargs: object) -> object:
        evaluated.append(1)
        started.set()
        return evaluate(*args, **kwargs)  # type: ignore[arg-type]

    def failing(*args: object, **kwargs: object) -> object:
        # The report fails while the analysis is under way.
        assert started.wait(60)
        raise RuntimeError("the trends failed")

    monkeypatch.setattr(sensitivity_module, "_evaluate", counted)
    monkeypatch.setattr(report, "_trends", failing)
    out = tmp_path / "r.html"
    with pytest.raises(RuntimeError, match="the trends failed"):
        main(["report", str(EXAMPLES), "-q", "--sensitivity-runs", "4000", "-o", str(out)])
    assert not _left()
    assert not out.exists()
    stopped_after = len(evaluated)
    # The whole analysis takes many more batches: it was stopped, not waited for.
    evaluated.clear()
    ws = ovm.load_workspace(EXAMPLES)
    run = ovm.analyse(ws, Settings(seed=ws.settings.seed))
    sensitivity_module.sensitivity(
        run.alone,
        run.rubric,
        SensitivitySettings(runs=4000).around(run.comparison.settings),
        seed=ws.settings.seed,
        comparison=run.comparison,
        observations=run.observations,
    )
    assert stopped_after < len(evaluated) // 2


def test_an_analysis_refused_as_too_large_is_a_usage_error_and_leaves_no_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sensitivity_module, "memory_available", lambda: 1000)
    out = tmp_path / "r.html"
    assert main(["report", str(EXAMPLES), "-q", "--sensitivity-runs", "50", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ovm: ") and "Traceback" not in err
    assert not out.exists()
    assert not _left()


def test_an_analysis_that_fails_midway_fails_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise ArithmeticError("a batch failed")

    monkeypatch.setattr(sensitivity_module, "_evaluate", broken)
    out = tmp_path / "r.html"
    with pytest.raises(ArithmeticError, match="a batch failed"):
        main(["report", str(EXAMPLES), "-q", "-o", str(out)])
    assert not out.exists()
    assert not _left()


def test_the_analysis_runs_beside_the_report_only_where_two_threads_may_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluate = sensitivity_module._evaluate
    seen: set[str] = set()

    def noted(*args: object, **kwargs: object) -> object:
        seen.add(threading.current_thread().name)
        return evaluate(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sensitivity_module, "_evaluate", noted)
    made = {}
    for threads, where in (("1", "MainThread"), ("2", "ovm sensitivity")):
        seen.clear()
        monkeypatch.setenv("OVM_THREADS", threads)
        out = tmp_path / f"r{threads}.json"
        args = ["report", str(EXAMPLES), "-q", "--sensitivity-runs", "40", "-o", str(out)]
        assert main(args) == 0
        assert seen == {where}
        made[threads] = out.read_bytes()
    assert made["1"] == made["2"]
    assert not _left()
