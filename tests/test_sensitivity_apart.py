"""A sensitivity analysis run apart (in a forked child process, while the caller makes the
report's context) gives the result it gives in the caller's process, raises what it raises
there, and is run in the caller's process where no process can be forked."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import ovm
import ovm.comparison.sensitivity as sensitivity_module
from ovm.cli.app import main
from ovm.pipeline import ForkedError, PolarsInChildError
from ovm.runtime import worker_threads
from ovm.settings import SensitivitySettings, Settings
from tests.examples_said import examples_warned

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

forks = pytest.mark.skipif(
    not (sys.platform.startswith("linux") and hasattr(os, "fork")) or worker_threads() < 2,
    reason="processes are forked on Linux only, for a run that may use two cores",
)


@pytest.fixture(scope="module")
def workspace() -> ovm.Workspace:
    return ovm.load_workspace(EXAMPLES)


def _settings() -> Settings:
    return Settings(
        seed=5,
        bootstrap=40,
        sensitivity=SensitivitySettings(runs=30, choices=("weights", "sampling", "aggregation")),
    )


@forks
def test_the_analysis_run_apart_is_the_one_run_here(workspace: ovm.Workspace) -> None:
    here = ovm.analyse(workspace, _settings())
    apart = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    assert here.sensitivity is not None
    # Running: none yet, and nothing said to be skipped.
    assert apart.sensitivity is None and apart.sensitivity_skipped is None
    done = apart.finished()
    assert done.sensitivity == here.sensitivity
    assert done.sensitivity.model_dump() == here.sensitivity.model_dump()
    # Waited for once; the run's other results are the same objects.
    assert apart.finished().sensitivity == here.sensitivity
    assert done.comparison is apart.comparison and here.finished() is here


def test_where_no_process_is_forked_the_analysis_runs_here(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    run = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    assert run.sensitivity is not None and run.finished() is run
    assert run.sensitivity == ovm.analyse(workspace, _settings()).sensitivity


def test_on_one_core_the_analysis_runs_here(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVM_THREADS", "1")
    run = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    assert run.sensitivity is not None and not run.apart and run.finished() is run


@forks
def test_where_the_system_makes_no_process_now_the_analysis_runs_here(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused() -> int:
        raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")

    before = len(os.listdir("/proc/self/fd"))
    monkeypatch.setattr(os, "fork", refused)
    run = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    assert run.sensitivity is not None and not run.apart
    # The pipe made for the child is closed.
    assert len(os.listdir("/proc/self/fd")) == before


@forks
def test_an_error_of_the_analysis_apart_is_raised_with_its_traceback(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        {}["no such key"]  # the programming error under test

    monkeypatch.setattr(sensitivity_module, "sensitivity", broken)
    run = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    with pytest.raises(KeyError, match="no such key") as raised:
        run.finished()
    cause = raised.value.__cause__
    assert isinstance(cause, ForkedError)
    # The child's own traceback, down to the line that raised.
    assert "in broken" in str(cause) and "Traceback (most recent call last)" in str(cause)
    # Asked again, the same error.
    with pytest.raises(KeyError, match="no such key"):
        run.finished()


@forks
def test_an_analysis_apart_that_ends_without_a_result_is_an_error(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def ends(*args: object, **kwargs: object) -> None:
        os._exit(3)

    monkeypatch.setattr(sensitivity_module, "sensitivity", ends)
    run = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    with pytest.raises(ForkedError, match=r"ended without a result.*exit status 3"):
        run.finished()


@forks
def test_an_analysis_apart_whose_process_is_killed_is_done_here(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The system's out-of-memory killer takes the child: the run's own process, whose memory
    # the child no longer holds, does the analysis, and it is the one done without a child.
    here = ovm.analyse(workspace, _settings()).sensitivity
    parent, analysis = os.getpid(), sensitivity_module.sensitivity

    def killed(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return analysis(*args, **kwargs)

    monkeypatch.setattr(sensitivity_module, "sensitivity", killed)
    run = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    done = run.finished().sensitivity
    assert done is not None and here is not None
    assert done.model_dump() == here.model_dump()


def _program(tmp_path: Path, argv: list[str], patch: str = "") -> subprocess.CompletedProcess[str]:
    """``ovm`` run as the program, in a process of its own, after ``patch`` (Python)."""
    code = f"import sys\n{patch}\nsys.argv = ['ovm', *sys.argv[1:]]\n"
    code += "from ovm.cli.app import program\nprogram()\n"
    env = {**os.environ, "OVM_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env, check=False
    )


@forks
def test_the_report_is_the_same_with_the_analysis_apart(tmp_path: Path) -> None:
    """ovm as the program runs the analysis apart (as its progress shows: drawn by another
    process, nothing in this one calls it); called from a program, in the process. The
    outputs are the same bytes."""
    spy = (
        "import ovm.cli.common as common\n"
        "drawn = common.progress_bar\n"
        "def bar(enabled, lang='en'):\n"
        "    pid = __import__('os').getpid()\n"
        "    return lambda done, total: print('drawn by', pid == __import__('os').getpid())\n"
        "common.progress_bar = bar\n"
    )
    for fmt in ("html", "json"):
        out, here = tmp_path / f"apart.{fmt}", tmp_path / f"here.{fmt}"
        argv = ["report", str(EXAMPLES), "--sensitivity-runs", "60", "-o"]
        done = _program(tmp_path, [*argv, str(out)], spy)
        assert done.returncode == 0, done.stderr
        assert "drawn by False" in done.stdout and "drawn by True" not in done.stdout
        assert main([*argv, str(here), "-q"]) == 0
        assert out.read_bytes() == here.read_bytes()
    assert b"rank_interval" in (tmp_path / "apart.json").read_bytes()


@forks
def test_an_analysis_apart_refused_as_too_large_is_a_usage_error(tmp_path: Path) -> None:
    """Refused in the child (the memory it finds there is short), the refusal is the usage
    error it is when refused before the child starts, in the language asked."""
    short = "import ovm.comparison.sensitivity as s\ns.memory_available = lambda: 100 * 2**20\n"
    out = tmp_path / "r.html"
    argv = ["report", str(EXAMPLES), "-q", "--sensitivity-runs", "100000", "-o", str(out)]
    argv += ["--lang", "es"]
    in_child = _program(tmp_path, argv, short + "s.check_size = lambda *args: None\n")
    assert (in_child.returncode, out.exists()) == (2, False)
    # The examples' two warnings are said as they are read, before the refusal.
    warned = f"{examples_warned(EXAMPLES, 'es')}\novm: "
    assert in_child.stderr.startswith(warned) and "Traceback" not in in_child.stderr
    assert "100.000" in in_child.stderr
    # Refused before the child starts: the same message.
    before = _program(tmp_path, argv, short)
    assert (before.returncode, before.stderr) == (2, in_child.stderr)


@forks
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_made_while_the_analysis_runs_is_the_page_made_after_it(
    workspace: ovm.Workspace, lang: str
) -> None:
    """The comparison's page is rendered while the analysis runs apart, but for its parts that
    show the analysis, rendered once it has ended and set in their places: the same bytes and
    the same context as the page made from the finished run."""
    from ovm.reporting import report

    here = ovm.analyse(workspace, _settings())
    whole = report.render_html(report.report_context(here, lang=lang, mission_reports=True))
    apart = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    assert apart.apart
    context, page = report.comparison_page(apart, lang=lang, mission_reports=True)
    assert not apart.apart
    assert page == whole and 'id="ranking"' in page and "\x00" not in page
    assert report.render_json(context) == report.render_json(
        report.report_context(here, lang=lang, mission_reports=True)
    )
    # The run waited for has its analysis shown as it is.
    assert report.comparison_page(here, lang=lang, mission_reports=True)[1] == whole


@forks
def test_a_part_showing_the_analysis_that_the_page_includes_more_than_once_leaves_it_whole(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ovm.reporting import report

    here = ovm.analyse(workspace, _settings())
    whole = report.render_html(report.report_context(here))
    # A family's section: included once a family, each time with its own section.
    monkeypatch.setattr(
        report, "SENSITIVITY_PARTS", (*report.SENSITIVITY_PARTS, "partials/family.html.j2")
    )
    apart = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    assert report.comparison_page(apart)[1] == whole


@forks
@pytest.mark.parametrize(("available", "apart"), [(80 * 2**20, False), (2**34, True)])
def test_the_analysis_runs_apart_only_where_the_memory_of_both_processes_fits(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch, available: int, apart: bool
) -> None:
    """Apart, the child's copies of the pages it writes and what the parent allocates for the
    page meanwhile come beside the analysis' own memory (at least 64 MiB). A machine with
    the memory for the analysis and not for those runs the analysis here, the same."""
    here = ovm.analyse(workspace, _settings()).sensitivity
    monkeypatch.setattr(sensitivity_module, "memory_available", lambda: available)
    run = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    assert run.apart is apart
    assert run.finished().sensitivity == here


class NeedsTwo(Exception):
    """An error that pickles and does not unpickle: its class takes two arguments and
    keeps one (``args``)."""

    def __init__(self, node: str, mission: str) -> None:
        super().__init__(f"{node} of {mission}")


@forks
def test_an_error_apart_that_does_not_load_here_is_raised_as_its_traceback(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise NeedsTwo("overall", "arg-2024")

    monkeypatch.setattr(sensitivity_module, "sensitivity", broken)
    run = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    with pytest.raises(ForkedError) as raised:
        run.finished()
    text = str(raised.value)
    assert "Traceback (most recent call last)" in text and "in broken" in text
    assert text.rstrip().endswith("NeedsTwo: overall of arg-2024")
    with pytest.raises(ForkedError):
        run.finished()


def _all_choices() -> Settings:
    return Settings(seed=5, bootstrap=40, sensitivity=SensitivitySettings(runs=30))


@forks
def test_the_analysis_apart_varying_every_choice_uses_no_polars(workspace: ovm.Workspace) -> None:
    """Polars fails in the child (its threads are not there): every choice the analysis
    varies is computed without it, and the result is the one computed here."""
    assert set(_all_choices().sensitivity.choices) == set(sensitivity_module.CHOICES)  # type: ignore[union-attr]
    here = ovm.analyse(workspace, _all_choices()).sensitivity
    apart = ovm.analyse(workspace, _all_choices(), sensitivity_apart=True)
    assert apart.apart
    done = apart.finished().sensitivity
    assert done is not None and here is not None
    assert done.model_dump() == here.model_dump()


@forks
def test_polars_used_in_the_analysis_apart_is_an_error(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import polars as pl

    def with_polars(*args: object, **kwargs: object) -> object:
        return pl.DataFrame({"share": [0.5, 0.25]}).sum()

    monkeypatch.setattr(sensitivity_module, "sensitivity", with_polars)
    run = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    with pytest.raises(PolarsInChildError, match=r"DataFrame.__init__.*forked") as raised:
        run.finished()
    assert isinstance(raised.value.__cause__, ForkedError)
    assert "in with_polars" in str(raised.value.__cause__)
    # Polars is whole in this process: only the child's copy of it was made to fail.
    assert pl.DataFrame({"share": [0.5, 0.25]}).sum().to_dicts() == [{"share": 0.75}]


def _children() -> set[int]:
    kids: set[int] = set()
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children", encoding="ascii") as fh:
            kids.update(int(pid) for pid in fh.read().split())
    return kids


@pytest.fixture
def bounded() -> Any:
    """A wait that never ends fails the test (after two minutes) instead of hanging it."""

    def expired(signum: int, frame: object) -> None:
        raise AssertionError("waited for the child for ever")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def terminal_ctrl_c() -> Any:
    """Ctrl-C heard and answered as in a terminal (a KeyboardInterrupt) for one test, whatever
    an earlier test left: a handler of its own, SIGINT ignored or blocked."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    mask = signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    yield
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    signal.signal(signal.SIGINT, previous)


def _in_child(monkeypatch: pytest.MonkeyPatch, stuck: Any) -> None:
    """The analysis as ``stuck`` in the child, as itself here."""
    parent, analysis = os.getpid(), sensitivity_module.sensitivity

    def child_stuck(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            stuck()
        return analysis(*args, **kwargs)

    monkeypatch.setattr(sensitivity_module, "sensitivity", child_stuck)


@forks
def test_an_analysis_apart_that_hangs_is_killed_and_done_here(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch, bounded: None
) -> None:
    """A child that uses no CPU while it is waited for (a lock no thread will release)
    is hung: killed once the window passes, its work done here."""
    import time

    import ovm.pipeline as pipeline

    here = ovm.analyse(workspace, _settings()).sensitivity
    monkeypatch.setattr(pipeline, "_STALLED", 1.0)
    _in_child(monkeypatch, lambda: time.sleep(3600))
    before = _children()
    run = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    assert run.apart and len(_children() - before) == 1
    done = run.finished().sensitivity
    assert done is not None and here is not None
    assert done.model_dump() == here.model_dump()
    assert _children() == before


@forks
def test_an_analysis_apart_that_spins_is_killed_and_done_here(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch, bounded: None
) -> None:
    """A child that uses more CPU than its work could take loops for ever: killed, its work
    done here."""
    import ovm.pipeline as pipeline

    def spins() -> None:
        while True:
            pass

    here = ovm.analyse(workspace, _settings()).sensitivity
    monkeypatch.setattr(pipeline, "_cpu_limit", lambda *size: 0.5)
    _in_child(monkeypatch, spins)
    before = _children()
    run = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    done = run.finished().sensitivity
    assert done is not None and here is not None
    assert done.model_dump() == here.model_dump()
    assert _children() == before


@forks
def test_ctrl_c_while_the_analysis_apart_is_waited_for_ends_the_child(
    workspace: ovm.Workspace,
    monkeypatch: pytest.MonkeyPatch,
    bounded: None,
    terminal_ctrl_c: None,
) -> None:
    import time

    here = ovm.analyse(workspace, _settings()).sensitivity
    _in_child(monkeypatch, lambda: time.sleep(3600))
    before = _children()
    run = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    assert len(_children() - before) == 1

    import threading

    # Ctrl-C, as the terminal sends it, to this process alone (the child sleeps on).
    threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
    with pytest.raises(KeyboardInterrupt):
        run.finished()
    assert _children() == before
    # Asked again, the work is done here.
    done = run.finished().sensitivity
    assert done is not None and here is not None
    assert done.model_dump() == here.model_dump()


@forks
@pytest.mark.parametrize(
    ("stop", "ended"),
    [("raise UsageError('stopped')", (2, "ovm: stopped\n")), ("os.kill(parent, 15)", (-15, ""))],
)
def test_a_report_that_stops_before_it_waits_for_the_analysis_ends_the_child(
    tmp_path: Path, stop: str, ended: tuple[int, str]
) -> None:
    import time

    """ovm as the program ends while the analysis runs apart, before it waits for it: with a
    usage error (at once, without the interpreter's teardown) or killed (SIGTERM, the
    out-of-memory killer). The child ends with it: whatever reads the standard streams they
    share is not kept waiting for a child working for nobody."""
    started = tmp_path / "child.pid"
    patch = (
        "import os, time\n"
        "import ovm.comparison.sensitivity as s, ovm.reporting.report as r\n"
        "from ovm.cli.common import UsageError\n"
        "parent, real = os.getpid(), s.sensitivity\n"
        "def slow(*args, **kwargs):\n"
        "    if os.getpid() != parent:\n"
        f"        open({str(started)!r}, 'w').write(str(os.getpid()))\n"
        "        time.sleep(300)\n"
        "    return real(*args, **kwargs)\n"
        "s.sensitivity = slow\n"
        "def page(*args, **kwargs):\n"
        f"    while not os.path.exists({str(started)!r}):\n"
        "        time.sleep(0.05)\n"
        f"    {stop}\n"
        "r.comparison_page = page\n"
    )
    code = f"import sys\n{patch}\nsys.argv = ['ovm', *sys.argv[1:]]\n"
    code += "from ovm.cli.app import program\nprogram()\n"
    argv = [
        "report",
        str(EXAMPLES),
        "-q",
        "--sensitivity-runs",
        "30",
        "-o",
        str(tmp_path / "r.html"),
    ]
    env = {**os.environ, "OVM_CACHE_DIR": str(tmp_path / "cache")}
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, *argv],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=120,  # the child's sleep holds the streams for 300 s
        )
    except subprocess.TimeoutExpired:
        os.kill(int(started.read_text()), signal.SIGKILL)
        raise
    # The examples' two warnings are said as they are read, before the page is made.
    assert (done.returncode, done.stderr) == (ended[0], f"{examples_warned(EXAMPLES)}\n{ended[1]}")
    # The streams are closed: the child is ending, if not gone. Gone, or a zombie its new
    # parent has not reaped yet, within the minute (a running child sleeps on for 300 s).
    child, state = int(started.read_text()), b"R"
    for _ in range(600):
        try:
            with open(f"/proc/{child}/stat", "rb") as fh:
                state = fh.read().rsplit(b")", 1)[1].split()[0]
        except FileNotFoundError:
            state = b"gone"
        if state in (b"gone", b"Z"):
            break
        time.sleep(0.1)
    assert state in (b"gone", b"Z")


def _torn(end: Any) -> Any:
    """A child that sends the start of its envelope alone, then ends with ``end()``."""
    import pickle

    def child(work: Any, write: int, parent: int) -> None:
        os.write(write, pickle.dumps((True, b"x" * 4096, ""))[:64])
        end()

    return child


@forks
def test_an_analysis_apart_killed_while_it_sends_its_result_is_done_here(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch, bounded: None
) -> None:
    # Killed mid-write (the out-of-memory killer while a large result fills the pipe): what
    # was sent is cut short, and the analysis is done here as for a child killed before.
    import ovm.pipeline as pipeline

    here = ovm.analyse(workspace, _settings()).sensitivity
    monkeypatch.setattr(pipeline, "_child", _torn(lambda: os.kill(os.getpid(), signal.SIGKILL)))
    run = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    done = run.finished().sensitivity
    assert done is not None and here is not None
    assert done.model_dump() == here.model_dump()


@forks
def test_an_analysis_apart_that_ends_with_half_a_result_is_an_error(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch, bounded: None
) -> None:
    import ovm.pipeline as pipeline

    monkeypatch.setattr(pipeline, "_child", _torn(lambda: os._exit(0)))
    run = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    with pytest.raises(ForkedError, match="not whole"):
        run.finished()


@forks
def test_an_analysis_apart_whose_cpu_time_cannot_be_read_is_not_taken_as_hung(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch, bounded: None
) -> None:
    """No reading of the child's CPU time (a /proc that cannot be read) is no sign of a hung
    child: it is waited for past the window, and its own result is the one given."""
    import time

    import ovm.pipeline as pipeline

    here = ovm.analyse(workspace, _settings()).sensitivity
    monkeypatch.setattr(pipeline, "_STALLED", 0.5)
    monkeypatch.setattr(pipeline, "_cpu_seconds", lambda pid: None)
    _in_child(monkeypatch, lambda: time.sleep(2.0))
    redone: list[bool] = []
    in_process = pipeline._Forked._here

    def here_again(self: Any) -> Any:
        redone.append(True)
        return in_process(self)

    monkeypatch.setattr(pipeline._Forked, "_here", here_again)
    run = ovm.analyse(workspace, _settings(), sensitivity_apart=True)
    done = run.finished().sensitivity
    assert done is not None and here is not None
    assert done.model_dump() == here.model_dump()
    assert redone == []
