"""One analysis, one answer: :func:`analyse` runs the whole pipeline once and returns a Run.

``load -> score -> cohort step (family 7, normalisation) -> compare -> sensitivity (optional)
-> recommendations``. Every command and every writer reads a :class:`Run`, so a mission's
overall, a rank, an interval or a best performer exists in one place and every output shows
that value.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import polars as pl

from ovm.comparison.cohort import Comparison, cohort_scores, compare
from ovm.comparison.ranking import RankEntry
from ovm.data.followup import FollowUp, follow_up
from ovm.data.observations import Observations
from ovm.data.workspace import Workspace, load_workspace
from ovm.errors import RejectedDataWarning
from ovm.rubric.model import Rubric
from ovm.runtime import stage_done, worker_threads
from ovm.scoring.engine import IndicatorReplicates, score, score_with_replicates
from ovm.scoring.results import NodeScore, NodeStatus, Scorecard, ScoreSet
from ovm.settings import SensitivitySettings, Settings

if TYPE_CHECKING:
    # Drafting recommendations and the sensitivity analysis are imported where they run:
    # scoring and comparing a workspace need neither.
    from ovm.comparison.recommend import ChangeProblem, Recommendation
    from ovm.comparison.sensitivity import Sensitivity

Progress = Callable[[int, int], None]
T = TypeVar("T")


class ForkedError(Exception):
    """What went wrong in a child process, as its traceback said it: the cause of the error
    it raised, raised again where its result is waited for."""


_STALLED = 120.0
"""Seconds, while its result is waited for, after which a child that has used no CPU at all
since is taken as hung (:class:`_Forked`)."""


class _Forked(Generic[T]):
    """``work`` done in a child process forked from this one, while this one goes on;
    :meth:`result` waits for it.

    The child starts with a copy of everything this process holds, at the cost of its page
    tables (no input is sent), and sends back the pickled result or the error raised with its
    traceback; it ends without the interpreter's teardown (``os._exit``), so nothing the
    parent holds is flushed, closed or finalised twice. Polars is unusable in it
    (:func:`_without_polars`). A child still running when its parent no longer waits for it
    (an error on the parent's side, or Ctrl-C while it waits) is killed.

    A child killed (by a signal: the system's out-of-memory killer, most likely, as the parent
    went on beside it; or here, as hung) has its work done again here, where it would have
    been done without a child: its memory is free again, and the work is deterministic. The
    parent never waits for ever: a child that uses no CPU for :data:`_STALLED` seconds of the
    wait is hung (on a lock a thread of this process held when it forked: the thread is not
    in the child to release it), and one that has used more than ``cpu_limit`` seconds of CPU
    is spinning. Both are killed, and the work done here. The child's CPU time, not the
    time waited, decides: a healthy child on a busy machine is slow, but never stops using
    CPU for minutes, nor uses more of it than its work takes."""

    def __init__(self, work: Callable[[], T], cpu_limit: float | None = None) -> None:
        # What this process has written and not flushed would be written by both.
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        read, write = os.pipe()
        try:
            with warnings.catch_warnings():
                # Python 3.12 warns of fork() in a process with threads, whose locks the child
                # inherits as they were. The child runs NumPy and Python only (Polars fails
                # there); the threads of Polars and of the engine's pools are idle between the
                # stages of a run.
                warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*fork")
                parent, pid = os.getpid(), os.fork()
        except BaseException:
            os.close(read)
            os.close(write)
            raise
        if pid == 0:  # pragma: no cover - the child; its result is what the tests read
            os.close(read)
            _child(work, write, parent)
        os.close(write)
        self._pid: int | None = pid
        self._read = read
        self._work = work
        self._cpu_limit = cpu_limit
        self._done: tuple[T] | None = None
        self._failed: BaseException | None = None
        import weakref

        self._reaper = weakref.finalize(self, _reap, pid, read)

    @property
    def running(self) -> bool:
        """Whether its result has not been waited for yet."""
        return self._done is None and self._failed is None

    def result(self) -> T:
        """The child's result, waiting for it; raises the error the child raised (its
        traceback the cause: :class:`ForkedError`)."""
        if self._done is not None:
            return self._done[0]
        if self._failed is not None:
            raise self._failed
        if self._pid is None:
            return self._here()
        try:
            data, status = self._wait()
        except BaseException:
            # Ctrl-C, or an error of this process while it waits: the child ends with the
            # wait. What it had sent is lost with it; asked again, the work is done here.
            self._kill()
            raise
        if data is None or os.WIFSIGNALED(status):
            # Killed, perhaps while it wrote: what it sent may be cut short.
            return self._here()
        if not data:
            self._failed = ForkedError(
                f"the child process ended without a result ({_ended(status)})"
            )
            raise self._failed
        import pickle

        # The outer tuple holds a flag, bytes and a string, which always load when whole; what
        # the child pickled inside may not (an error whose class takes other arguments than
        # it keeps).
        try:
            ok, inner, trace = pickle.loads(data)
        except Exception as exc:  # a child that ended by itself sends its envelope whole
            self._failed = ForkedError(f"the child's result is not whole ({_ended(status)})")
            raise self._failed from exc
        if ok:
            try:
                done: T = pickle.loads(inner)
            except Exception as exc:  # a programming error: the result's class
                self._failed = ForkedError(f"the child's result does not load: {exc!r}")
                raise self._failed from exc
            self._done = (done,)
            return done
        try:
            error = pickle.loads(inner) if inner is not None else None
        except Exception:  # what is left of the error is its traceback
            error = None
        if not isinstance(error, BaseException):
            self._failed = ForkedError(trace)
            raise self._failed
        self._failed = error
        raise error from ForkedError(trace)

    def _wait(self) -> tuple[bytes | None, int]:
        """What the child sent and how it ended, once it has closed its end of the pipe; None
        when it was killed here as hung or spinning."""
        import select

        assert self._pid is not None
        chunks = []
        poller = select.poll()
        poller.register(self._read, select.POLLIN)
        # Looked at a few times within the window, so that a hung child is killed soon after.
        # The window is counted in looks, not on the clock: a process group stopped (Ctrl-Z)
        # and continued wakes the parent after its child's CPU time stood still for as long.
        step = min(5.0, _STALLED / 4)
        used, still = _cpu_seconds(self._pid), 0
        while True:
            if poller.poll(int(step * 1000)):
                chunk = os.read(self._read, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
                continue
            now = _cpu_seconds(self._pid)
            # No reading (a /proc that cannot be read) is no sign of a hung child.
            if now is None or now != used:
                used, still = now, 0
            else:
                still += 1
                if still * step > _STALLED:
                    self._kill()
                    return None, 0
            if self._cpu_limit is not None and now is not None and now > self._cpu_limit:
                self._kill()
                return None, 0
        # The child has closed its end: it is ending. Reaped here, not killed; the reaper is let
        # go once it is reaped, so that Ctrl-C meanwhile leaves no zombie behind.
        _, status = os.waitpid(self._pid, 0)
        self._reaper.detach()
        os.close(self._read)
        self._pid = None
        return b"".join(chunks), status

    def _kill(self) -> None:
        self._reaper()
        self._pid = None

    def _here(self) -> T:
        done = self._work()
        self._done = (done,)
        return done


def _forked(work: Callable[[], T], cpu_limit: float | None = None) -> _Forked[T] | None:
    """``work`` started in a child process (:class:`_Forked`), or None when the system makes
    none now (too many processes, too little memory to account for a copy): the caller does
    it itself."""
    try:
        return _Forked(work, cpu_limit)
    except OSError:
        return None


def _child(  # pragma: no cover - in the child
    work: Callable[[], T], write: int, parent: int
) -> None:
    """The forked child of ``parent``: do ``work``, write its pickled result (or its error) to
    ``write``, and end the process."""
    status = 0
    try:
        import pickle

        try:
            _with_parent(parent)
            _without_polars()
            sent: tuple[bool, bytes | None, str] = (
                True,
                pickle.dumps(work(), pickle.HIGHEST_PROTOCOL),
                "",
            )
        except BaseException as exc:  # every error goes to the parent
            import traceback

            trace = "".join(traceback.format_exception(exc))
            try:
                error: bytes | None = pickle.dumps(exc, pickle.HIGHEST_PROTOCOL)
            except Exception:  # an error that cannot be pickled: its text
                error = None
            sent = (False, error, trace)
        payload = pickle.dumps(sent, pickle.HIGHEST_PROTOCOL)
        with open(write, "wb") as pipe:
            pipe.write(payload)
    except BaseException:  # the parent reads no result and says so
        status = 1
    finally:
        os._exit(status)


def _with_parent(parent: int) -> None:  # pragma: no cover - in the child
    """End this process, a forked child, when its parent ends, however it ends.

    A parent that ends before it waits for the child (``ovm report`` stopped by an error, as
    the program ends with ``os._exit``, without the interpreter's teardown and the finalizer
    that kills the child; or killed) would leave the child working for nobody, and holding
    the standard streams it shares: whatever reads them waits for the child too. The system
    kills the child when the thread that forked it ends (``PR_SET_PDEATHSIG``): a child made
    from another thread than the main one and outlived by its result has its work done by
    whoever waits for it (a child killed by a signal)."""
    import ctypes
    import signal

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:  # ended before it was asked
        os._exit(1)


class PolarsInChildError(RuntimeError):
    """Polars used in a forked child process, where its work would wait for ever."""


_POLARS_KEPT = frozenset(
    {"__class__", "__dict__", "__doc__", "__module__", "__weakref__", "__slots__"}
    | {"__annotations__", "__init_subclass__", "__class_getitem__", "__subclasshook__"}
)


def _without_polars() -> None:
    """Make Polars raise :class:`PolarsInChildError` in this process, a forked child: the
    functions of its module (``pl.name``, as ovm calls them), and the methods and properties
    of its frames, series and expressions, their constructors among them. Whatever reaches
    Polars' work goes through one of them.

    Polars does its work on a pool of threads, which a forked child does not have (only the
    thread that forked is copied): the child would wait for them for ever. The child's own
    copy of the classes is changed, never the parent's; nothing is looked at per call."""
    import functools

    polars = sys.modules.get("polars")
    if polars is None:
        return

    def refused(name: str) -> Callable[..., Any]:
        def use(*args: object, **kwargs: object) -> Any:
            raise PolarsInChildError(
                f"polars ({name}) used in a process forked from ovm's: Polars' threads are not "
                "in a forked process, and its work would wait for them for ever"
            )

        return use

    for name, value in list(vars(polars).items()):
        if callable(value) and not isinstance(value, type) and not name.startswith("_"):
            setattr(polars, name, refused(f"pl.{name}"))
    for cls in (polars.DataFrame, polars.LazyFrame, polars.Series, polars.Expr):
        seen = set(_POLARS_KEPT)
        for klass in cls.__mro__:
            if not klass.__module__.startswith("polars"):
                continue
            for name, attr in list(vars(klass).items()):
                if name in seen:
                    continue
                seen.add(name)
                where = f"{cls.__name__}.{name}"
                if isinstance(attr, property | functools.cached_property):
                    setattr(cls, name, property(refused(where)))
                elif callable(attr) or isinstance(attr, staticmethod | classmethod):
                    setattr(cls, name, refused(where))


def _cpu_seconds(pid: int) -> float | None:
    """The CPU time, user and system, a process has used so far (None once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # utime and stime, the 14th and 15th fields (the 12th and 13th after the name).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _reap(pid: int, read: int) -> None:
    """End a child whose result nobody waits for any more, and its pipe."""
    import contextlib
    import signal

    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)
    with contextlib.suppress(OSError):
        os.close(read)


def _ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def can_fork() -> bool:
    """Whether work can be done in a forked child process here: on Linux. macOS's system
    libraries are not safe in a child forked without ``exec``; Windows has no fork."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


class UnknownMissionError(KeyError):
    """Mission ids that are not in the run's cohort; ``known`` lists the cohort's ids."""

    def __init__(self, missions: tuple[str, ...], known: tuple[str, ...]) -> None:
        # str() of each: an exception's constructor must not fail on what it reports.
        super().__init__(", ".join(map(str, missions)))
        self.missions = missions
        self.known = known

    def __str__(self) -> str:
        names = ", ".join(map(repr, self.missions))
        return f"no mission {names} in the workspace (missions: {', '.join(self.known)})"


SensitivitySkipped = Literal["no_overall", "too_few_scored", "comparison_settings"]
"""Why a sensitivity analysis asked for was not run (:attr:`Run.sensitivity_skipped`)."""


def _no_sensitivity(
    rubric: Rubric, comparison: Comparison, settings: SensitivitySettings | None = None
) -> SensitivitySkipped | None:
    """Why the sensitivity analysis cannot run on this cohort, or None when it can."""
    from ovm.comparison.sensitivity import unsupported

    # A rubric the analysis cannot model gets no rank intervals rather than wrong ones.
    if unsupported(rubric) is not None:
        return "no_overall"
    # Around a comparison that imputes, or aggregates some groups otherwise, the runs' rank
    # intervals would contradict the ranks beside them.
    if unmodelled(comparison, settings):
        return "comparison_settings"
    scored = sum(1 for c in comparison.scores.scorecards if c.overall.status == "scored")
    return "too_few_scored" if scored < 2 else None


def unmodelled(
    comparison: Comparison, settings: SensitivitySettings | None = None
) -> tuple[str, ...]:
    """The comparison's options (``imputation``, ``aggregation``) a sensitivity analysis run
    with ``settings`` around it cannot reproduce, once its normalisation and a whole-tree
    aggregation are taken as the runs' nominal ones (:meth:`SensitivitySettings.around`)."""
    given = settings or SensitivitySettings()
    return given.around(comparison.settings).unmodelled(comparison.settings)


@dataclass(frozen=True)
class Run:
    """The result of one analysis: every number every output shows.

    ``scores`` are the scorecards after the cohort step (what ``ovm score`` writes, what the
    reports show); ``comparison`` holds them with the rankings, best practices, trends and
    cohort findings; ``sensitivity`` is None unless the settings asked for it. ``alone`` keeps
    each mission scored on its own, before the cohort step (the input of the sensitivity
    analysis; family 7 is pending there).
    """

    rubric: Rubric
    observations: Observations
    settings: Settings
    alone: ScoreSet
    comparison: Comparison
    sensitivity: Sensitivity | None = None
    workspace: Workspace | None = None
    _advice: dict[tuple[str, str], tuple[Recommendation, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _apart: _Forked[Sensitivity] | None = field(default=None, repr=False, compare=False)

    @property
    def apart(self) -> bool:
        """Whether the run's sensitivity analysis was started apart and its result is not
        held yet: :meth:`finished` gives it, from the child, or done in this process where the
        child was lost (killed, or ended by Ctrl-C while it was waited for)."""
        return self._apart is not None and self._apart.running

    def finished(self) -> Run:
        """The run with its sensitivity analysis: this one, or, when the analysis runs apart
        (``analyse(..., sensitivity_apart=True)``), a copy of it holding its result, once
        the analysis has ended. Raises what the analysis raised."""
        if self._apart is None:
            return self
        return replace(self, sensitivity=self._apart.result(), _apart=None)

    @property
    def scores(self) -> ScoreSet:
        """Every mission's scorecard after the cohort step."""
        return self.comparison.scores

    @property
    def sensitivity_skipped(self) -> SensitivitySkipped | None:
        """Why the sensitivity analysis the settings asked for was not run: ``no_overall`` (the
        rubric's headline is ``none``: no overall to rank), ``comparison_settings`` (the
        comparison imputes, or aggregates some groups otherwise: :func:`unmodelled` names
        which) or ``too_few_scored`` (fewer than two missions have an overall score). None
        when it ran or was not asked for."""
        if (
            self.settings.sensitivity is None
            or self.sensitivity is not None
            or self._apart is not None
        ):
            return None
        return _no_sensitivity(self.rubric, self.comparison, self.settings.sensitivity)

    @property
    def missions(self) -> tuple[str, ...]:
        """The ids of the cohort's missions, sorted."""
        return tuple(c.mission.id for c in self.scores.scorecards)

    def scorecard(self, mission: str) -> Scorecard:
        """A mission's scorecard; :class:`UnknownMissionError` if it is not in the cohort, a
        TypeError (:class:`~ovm.scoring.results.IdTypeError`) if ``mission`` is not an id
        (a :class:`MissionInfo`: pass its ``.id``)."""
        try:
            return self.scores.scorecard(mission)
        except KeyError:
            raise UnknownMissionError((mission,), self.missions) from None

    def rank(self, mission: str, node: str = "overall") -> RankEntry:
        """A mission's entry in the ranking of a node; a KeyError that names the closest ranked
        node for a node the comparison does not rank; errors about ``mission`` as
        :meth:`scorecard`."""
        from ovm.scoring.results import NotHeldError

        self.scorecard(mission)
        ranking = self.comparison.rankings.get(node)
        if ranking is None:
            raise NotHeldError("ranked node", node, self.comparison.rankings)
        found = next((e for e in ranking if e.mission == mission), None)
        if found is None:
            raise NotHeldError("mission", mission, [e.mission for e in ranking])
        return found

    def recommendations(self, mission: str, lang: str = "en") -> tuple[Recommendation, ...]:
        """The recommendations drafted for a mission, most important first, in ``lang``."""
        from ovm.comparison.recommend import recommend

        key = (mission, lang)
        if key not in self._advice:
            card = self.scorecard(mission)
            record = self.observations.mission(mission)
            self._advice[key] = recommend(
                self.rubric, card, self.comparison, mission=record, lang=lang
            )
        return self._advice[key]

    def title(self, lang: str = "en") -> str | None:
        """The workspace's title in ``lang`` (None for a run made without a workspace)."""
        return self.workspace.title(lang) if self.workspace is not None else None

    def to_polars(self, table: Literal["scores", "rankings"] = "scores") -> pl.DataFrame:
        """The run's scores (one row per mission per node, the numbers as computed) or its
        rankings (one row per ranked node per mission, best first) as a Polars DataFrame."""
        from ovm.reporting.frames import ranking_frame, score_frame

        if table == "scores":
            return score_frame(self.scores)
        if table == "rankings":
            return ranking_frame(self.comparison)
        raise ValueError(f"unknown table {table!r}; use 'scores' or 'rankings'")

    def follow_up(self, mission: str) -> FollowUp:
        """The follow-up of the recommendations of the mission's previous observed election."""
        self.scorecard(mission)
        return follow_up(self.observations.mission(mission), self.observations.missions)


def _cohort(observations: Observations, missions: tuple[str, ...] | None) -> Observations:
    if missions is None:
        return observations
    known = tuple(sorted(m.id for m in observations.missions))
    unknown = tuple(m for m in dict.fromkeys(missions) if m not in known)
    if unknown:
        raise UnknownMissionError(unknown, known)
    return observations.cohort(missions)


def _scoring(settings: Settings, progress: Progress | None) -> dict[str, Any]:
    """The options every scoring of a run takes from its settings."""
    return {
        "seed": settings.seed,
        "bootstrap": settings.bootstrap,
        "confidence": settings.confidence,
        "min_places": settings.min_places,
        "progress": progress,
    }


def _score_alone(
    rubric: Rubric, cohort: Observations, settings: Settings, progress: Progress | None
) -> ScoreSet:
    return score(rubric, cohort, **_scoring(settings, progress))


def cohort_scores_of(
    workspace: Workspace, settings: Settings, *, progress: Progress | None = None
) -> ScoreSet:
    """Every mission's scorecard after the cohort step: the :attr:`Run.scores` that
    :func:`analyse` gives with the same settings, made by the same code, without comparing
    (no rankings, best practices or sensitivity analysis). For a writer that shows the
    scorecards alone."""
    rubric = workspace.rubric
    cohort = _cohort(workspace.observations, settings.missions)
    alone = _score_alone(rubric, cohort, settings, progress)
    stage_done()
    scores = cohort_scores(alone, rubric, settings.comparison, observations=cohort)
    stage_done()
    return scores


def _room_apart(runs: int, choices: int, missions: int, nodes: int) -> bool:
    """Whether the machine has the memory to run the sensitivity analysis apart, in a child
    process while this one makes the report's page.

    Apart, the memory in use beyond what this process holds when it forks is the analysis'
    own (:func:`~ovm.comparison.sensitivity.memory_needed`, which the analysis in this process
    needs too), the pages of this process the child writes to (Python writes to an object's
    page as it merely reads the object: its reference count) and what this process allocates
    as it makes the page meanwhile. Here, the page is made once the analysis has ended and
    freed its memory, and nothing is copied: a machine short of the memory for both at once
    gets the analysis here, where it fits (the analysis refuses what does not fit there).

    The two are measured (``ovm report -o r.html``, 300 runs: each process' peak private
    memory and peak resident set beyond the fork, from /proc): at 2,000 missions of 45 nodes
    the child grows by 405 MiB, the analysis' 76 of them, and the parent by 131 MiB; at
    2,000 missions of 13 nodes, by 242 (76) and 65 MiB; at 800 of 45, by 201 (31) and 49; at
    200 of 45, by 78 (8) and 13 MiB; at 50, by 30 (2) and 2 MiB. Counted here, rounded up
    above each of those: 64 MiB, 64 KiB a mission and 4 KiB a mission's node, beside the
    analysis' own; with the same quarter of the available memory left free that the
    analysis leaves."""
    from ovm.comparison.sensitivity import memory_available, memory_needed

    beside = 64 * 2**20 + missions * 64 * 2**10 + missions * nodes * 4 * 2**10
    need = memory_needed(runs, choices, missions, nodes) + beside
    return need <= memory_available() * 3 // 4


def _cpu_limit(runs: int, choices: int, missions: int, nodes: int) -> float:
    """The seconds of CPU after which the child running the sensitivity analysis apart is
    taken as spinning (:class:`_Forked`): ten minutes, and a thousand times what the
    analysis takes. Measured: 300 runs of 5 choices over 200 and 2,000 missions of 45 nodes
    (19 and 189 million evaluation-mission-nodes) take 0.25-0.3 and 3.9 s of CPU, about
    2e-8 s each. A slow machine does not reach it (the CPU time of a given work varies far
    less than its wall time); a loop that never ends does, and the work is then done in this
    process."""
    return 600.0 + 2e-5 * runs * (choices + 2) * missions * nodes


def analyse_observations(
    rubric: Rubric,
    observations: Observations,
    settings: Settings | None = None,
    *,
    workspace: Workspace | None = None,
    progress: Progress | None = None,
    sensitivity_progress: Progress | None = None,
    sensitivity_apart: bool = False,
) -> Run:
    """Score, run the cohort step, compare and (if asked) the sensitivity analysis, once.

    Raises :class:`UnknownMissionError` when ``settings.missions`` names a mission that is not
    in ``observations``, ValueError for comparison settings that do not fit the rubric.
    ``sensitivity_apart``: where processes can be forked (Linux) and the run may use more
    than one core (:func:`~ovm.runtime.worker_threads`: ``OVM_THREADS=1`` asks for one), the
    sensitivity analysis runs in a child process while the caller goes on with the Run, whose
    ``sensitivity`` is then None until :meth:`Run.finished` gives it (the same result, bit
    for bit); elsewhere it runs here, as without it: on one core the child would only add
    the cost of its making.
    """
    settings = settings or Settings()
    cohort = _cohort(observations, settings.missions)
    # The sensitivity analysis varies sampling with this run's replicates, never a second run's.
    keep = settings.sensitivity is not None and "sampling" in settings.sensitivity.choices
    replicates: IndicatorReplicates | None = None
    if keep:
        alone, replicates = score_with_replicates(rubric, cohort, **_scoring(settings, progress))
    else:
        alone = _score_alone(rubric, cohort, settings, progress)
    stage_done()
    comparison = compare(alone, rubric, settings.comparison, observations=cohort)
    stage_done()
    sens = None
    # The analysis running in a child process, whose result Run.finished() waits for.
    apart: _Forked[Sensitivity] | None = None
    if (
        settings.sensitivity is not None
        and _no_sensitivity(rubric, comparison, settings.sensitivity) is None
    ):
        from ovm.comparison.sensitivity import check_size, sensitivity

        # The runs vary the methodology around the ranking this comparison shows.
        around = settings.sensitivity.around(comparison.settings)

        def analysis() -> Sensitivity:
            return sensitivity(
                alone,
                rubric,
                around,
                seed=settings.seed,
                comparison=comparison,
                observations=cohort,
                progress=sensitivity_progress,
                replicates=replicates,
            )

        if sensitivity_apart and can_fork() and worker_threads() > 1:
            from ovm.comparison.sensitivity import size

            # Refused here, as the analysis would refuse it, before a child is made for it.
            check_size(alone, rubric, around)
            measured = size(alone, rubric, around)
            if _room_apart(*measured):
                apart = _forked(analysis, _cpu_limit(*measured))
        if apart is None:
            sens = analysis()
        stage_done()
    return Run(
        rubric=rubric,
        observations=cohort,
        settings=settings,
        alone=alone,
        comparison=comparison,
        sensitivity=sens,
        workspace=workspace,
        _apart=apart,
    )


def analyse(
    workspace: Workspace | str | Path,
    settings: Settings | None = None,
    *,
    progress: Progress | None = None,
    sensitivity_progress: Progress | None = None,
    sensitivity_apart: bool = False,
) -> Run:
    """Analyse a workspace (a loaded one, or its folder): the one entry point of the pipeline.

    Without ``settings``, the workspace's own (``settings:`` of ``ovm.yaml``) are used. Rows or
    cells of its data that were rejected are left out, with a :class:`RejectedDataWarning`
    (``Workspace.observations.report`` lists each with its reasons). ``sensitivity_apart``
    as :func:`analyse_observations` takes it.
    """
    ws = workspace if isinstance(workspace, Workspace) else load_workspace(workspace)
    if settings is None:
        base = ws.settings
        settings = Settings(seed=base.seed, bootstrap=base.bootstrap, confidence=base.confidence)
    report = ws.observations.report
    if settings.missions is not None:
        # The rows of the missions left out are not this run's (Observations.cohort).
        report = ws.observations.cohort(settings.missions).report
    if report.rejected or report.cells_rejected:
        # What the command line stops on (unless --allow-rejected) is never lost in silence.
        warnings.warn(
            RejectedDataWarning(len(report.rejected), report.cells_rejected), stacklevel=2
        )
    return analyse_observations(
        ws.rubric,
        ws.observations,
        settings,
        workspace=ws,
        progress=progress,
        sensitivity_progress=sensitivity_progress,
        sensitivity_apart=sensitivity_apart,
    )


# --- what if ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """How one node of a mission moves when some of its inputs change."""

    node: str
    before: float | None
    after: float | None
    status_before: NodeStatus
    status_after: NodeStatus

    @property
    def delta(self) -> float | None:
        """The change of the score, when the node is scored before and after."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class WhatIf:
    """A mission's scores in a run, and in the same run with some inputs changed."""

    mission: str
    changes: Mapping[str, str]
    before: Scorecard
    after: Scorecard

    def moved(self) -> tuple[Change, ...]:
        """Every node whose score or status moves."""
        out = []
        for nb, na in zip(
            (self.before.overall, *self.before.nodes),
            (self.after.overall, *self.after.nodes),
            strict=True,
        ):
            if nb.score != na.score or nb.status != na.status:
                out.append(Change(nb.node, nb.score, na.score, nb.status, na.status))
        return tuple(out)


class WhatIfError(ValueError):
    """Changes that cannot be applied; ``problems`` lists each one (in English), ``codes`` the
    issue code of each, ``details`` each as a :class:`~ovm.comparison.recommend.ChangeProblem`
    that words it in any language (:meth:`texts`)."""

    def __init__(
        self, problems: Sequence[str | ChangeProblem], codes: list[str] | None = None
    ) -> None:
        from ovm.comparison.recommend import ChangeProblem

        given = list(codes) if codes is not None else []
        details = tuple(
            p
            if isinstance(p, ChangeProblem)
            else ChangeProblem(given[k] if k < len(given) else "invalid-value", p)
            for k, p in enumerate(problems)
        )
        super().__init__("; ".join(d.message for d in details))
        self.details = details
        self.problems = tuple(d.message for d in details)
        self.codes = tuple(d.code for d in details)

    def texts(self, lang: str = "en") -> tuple[str, ...]:
        """Each problem worded in ``lang``."""
        return tuple(d.text(lang) for d in self.details)


def whatif(run: Run, mission: str, changes: Mapping[str, str]) -> WhatIf:
    """The run again with a mission's variables or answers changed: the whole cohort step too.

    With no change, ``after`` is the run's own scorecard. Raises :class:`WhatIfError` listing
    every change that cannot be applied, :class:`UnknownMissionError` for an unknown mission.
    """
    before = run.scorecard(mission)
    if not changes:
        return WhatIf(mission, dict(changes), before, before)
    from ovm.comparison.recommend import apply_changes

    record = run.observations.mission(mission)
    changed, problems = apply_changes(run.rubric, record, changes)
    if problems:
        raise WhatIfError(problems)
    obs = run.observations
    others = tuple(changed if m.id == mission else m for m in obs.missions)
    altered = Observations(
        missions=others, sites=obs.sites, report=obs.report, simulated_sources=obs.simulated_sources
    )
    # The sensitivity analysis moves no score: leave it out of the rerun.
    settings = run.settings.model_copy(update={"sensitivity": None})
    again = analyse_observations(run.rubric, altered, settings, workspace=run.workspace)
    return WhatIf(mission, dict(changes), before, again.scorecard(mission))


def node_summary(ns: NodeScore) -> dict[str, object]:
    """The figures of a node every output must agree on: score, status, band, interval."""
    return {
        "node": ns.node,
        "score": ns.score,
        "status": ns.status,
        "band": ns.band,
        "interval": list(ns.interval) if ns.interval is not None else None,
    }
