"""Process-wide state the heavy passes set for their duration: the cyclic garbage collector and
the BLAS thread pool. Free of NumPy, so that the rubric's reader can use it."""

from __future__ import annotations

import gc
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

MAX_THREADS = 4
"""The most threads a pass uses: beyond a few, the work each thread does under the
interpreter lock between its products is what limits it."""

THREADS_CEILING = 32
"""The most threads ``OVM_THREADS`` may ask for: each thread keeps its own scratch buffers
(a mission's worth and a batch of several megabytes), so a larger number would only cost
memory."""


@contextmanager
def paused_gc(*, aged: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector, restoring its state after.

    Parsing a document and scoring a cohort each build hundreds of thousands of small objects
    that all stay alive; the collector would walk them again and again as they accumulate (it
    took two thirds of the time of a large rubric's parse and doubled that of the scoring
    passes). Reference counting still frees everything that is not a cycle.

    With ``aged``, the young objects join the oldest generation when the collector is
    enabled again, as if they had survived the younger ones' collections: the next young
    collection would otherwise walk every object made meanwhile (and the one after it
    again), over a second at 5,000 missions. The ageing is the process's, not the pause's
    alone: every object not yet in the oldest generation is aged, those the caller made
    before the pause or on other threads too. So the young generations are collected first
    (the caller's cyclic garbage is freed then, not kept until a full collection), and a pass
    that ages what it builds makes no reference cycles itself. Nothing is aged where the
    process keeps frozen objects of its own (``gc.freeze()``, which the ageing would undo) or
    where the collector was already paused.
    """
    enabled = gc.isenabled()
    ageing = enabled and aged and gc.get_freeze_count() == 0
    if ageing:
        # The caller's own young cyclic garbage is freed now, as its next young collection
        # would have freed it, rather than aged with what the pause makes and kept until a
        # full collection: the young generations hold a few thousand objects at most.
        gc.collect(1)
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if ageing and gc.get_freeze_count() == 0:
                # Frozen and unfrozen, every tracked object lands in the oldest generation
                # without being walked, and the young generations' counts start again.
                gc.freeze()
                gc.unfreeze()
            gc.enable()


_held = False


@contextmanager
def held_collector() -> Iterator[None]:
    """Hold the cyclic garbage collector for a whole run of a command: it runs only where
    :func:`stage_done` says a stage of the run has ended, restoring its state after.

    What a stage leaves alive (the observations, the scorecards, a report's context) lives
    until the process ends. Collected as it goes, each such object is walked by the
    collection of the youngest generation that finds it and again by the next one of the
    middle generation, thousands of collections in a large run. Held, the collector walks
    only what a rendered page leaves (:func:`stage_done`), and the peak memory of scoring
    5,000 missions stays within a few percent.
    """
    global _held
    enabled = gc.isenabled()
    gc.disable()
    _held = True
    try:
        yield
    finally:
        _held = False
        if enabled:
            gc.enable()


def stage_done(*, garbage: bool = False) -> None:
    """A stage of a run has ended: under :func:`held_collector`, what it made is set out of the
    collector's sight (``gc.freeze``) without being walked; otherwise nothing, the collector
    runs as it always does.

    The stages of an analysis (load, score, compare, sensitivity, a report's context) leave
    almost no cyclic garbage, the same few hundred objects (under 0.2 MB) for 19 missions or
    5,000, while collecting the young objects walks every object the stage made: 0.05 s of
    ``ovm report`` of 200 missions, seconds at 5,000 missions. ``garbage``: the stage leaves
    cycles worth freeing (a page rendered by Jinja: about 5,000 objects each), collected
    first.
    """
    if _held:
        if garbage:
            gc.collect(1)
        gc.freeze()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the BLAS (NumPy's matrix products) on one thread, restoring its pool after.

    The engine's products are many and middle-sized. Split over threads, each waits for the
    slowest: on a machine whose cores are busy with other work, two threads took three times
    the CPU and up to three times the wall time of one. One thread gives the same numbers (the
    products sum whole numbers, or are not split) in a time that does not depend on the load.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


BLAS_IDLE_VARIABLES = ("OPENBLAS_THREAD_TIMEOUT", "GOTO_THREAD_TIMEOUT")
"""The environment variables by which OpenBLAS is told how long its idle threads wait busily
for work (2 to the power of the value, in processor cycles) before they sleep."""

BLAS_IDLE_TIMEOUT = "20"
"""About a million cycles (under a millisecond) of busy waiting, against OpenBLAS' default of
2**28 (about a tenth of a second)."""


def idle_blas_threads() -> None:
    """Have OpenBLAS' pool threads sleep soon when they have no work, rather than spin.

    Called by the program before NumPy is imported (OpenBLAS reads the setting once, as it
    loads). Each of its threads but the first busily waits for work for about a tenth of a
    second as the pool starts and after each product split among them, on a core of its own
    when the machine is idle: a process that only scores a small workspace spent more time
    there than in the scoring. ovm's own products each run on one BLAS thread
    (:func:`one_blas_thread`), so they never wake the pool; a product split over the pool
    still is (a sleeping thread is woken in microseconds), and the numbers are the same. A
    value the user set for either variable is kept, and nothing changes once NumPy is loaded.
    """
    if "numpy" in sys.modules or any(name in os.environ for name in BLAS_IDLE_VARIABLES):
        return
    os.environ[BLAS_IDLE_VARIABLES[0]] = BLAS_IDLE_TIMEOUT


@contextmanager
def ordinary_pages() -> Iterator[None]:
    """Have NumPy leave its large arrays on ordinary memory pages, restoring its setting after.

    NumPy asks the kernel for transparent huge pages for every array of a few megabytes or
    more. The scoring passes make and free hundreds of megabytes of such arrays in a cohort of
    thousands of missions, and where memory is fragmented each huge page may first have to be
    compacted: 1 to 5 s of system time at 5,000 missions against 0.7 s on ordinary pages.
    The numbers computed are the same either way.
    """
    import numpy as np

    multiarray = getattr(getattr(np, "_core", None), "multiarray", None)
    setter = getattr(multiarray, "_set_madvise_hugepage", None)
    if setter is None:  # a NumPy without the setting: nothing to change
        yield
        return
    before = setter(False)
    try:
        yield
    finally:
        setter(before)


def worker_threads() -> int:
    """How many threads the engine's numeric passes may share their work among: the
    ``OVM_THREADS`` environment variable when it holds a whole number from 1 (in ASCII
    digits; above :data:`THREADS_CEILING` it counts as that), else the cores this process may
    run on, at most :data:`MAX_THREADS`. Any other value is ignored, with a ``RuntimeWarning``.

    The work is split into the same pieces whatever the number, and each piece is computed
    alike on any thread: the results do not depend on it.
    """
    given = os.environ.get("OVM_THREADS", "").strip()
    if given:
        asked = _asked_threads(given)
        if asked is not None:
            return asked
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not every platform tells which cores a process may use
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_THREADS))


def _asked_threads(given: str) -> int | None:
    """The thread count ``OVM_THREADS=given`` asks for, capped; None (with a warning) when it
    is not a whole number from 1."""
    # str.isdigit() also accepts superscripts and other digits that int() refuses.
    if given.isascii() and given.isdigit():
        digits = given.lstrip("0")
        if digits:
            # A long number is over the ceiling without int() (which refuses thousands of digits).
            return THREADS_CEILING if len(digits) > 6 else min(int(digits), THREADS_CEILING)
    # Warned from here (stacklevel 1): the default filter then shows it once per process,
    # not once per pass.
    from ovm.errors import WordedWarning

    shown = repr(given[:20])
    warnings.warn(
        WordedWarning(
            f"OVM_THREADS={shown} is not a whole number from 1; it is ignored",
            key="warning_threads",
            value=shown,
        ),
        stacklevel=1,
    )
    return None


def in_blocks(rows: int, block: int, work: Callable[[slice], None]) -> None:
    """``work`` over the rows ``[0, block)``, ``[block, 2 * block)``... up to ``rows``, by
    :func:`for_each`.

    The blocks depend on ``rows`` and ``block`` alone, and ``work`` is meant to write only its
    own rows: row-wise NumPy work (element by element, or along each row) gives the same
    numbers however the rows are shared out.
    """
    step = max(1, block)
    for_each([slice(start, min(start + step, rows)) for start in range(0, rows, step)], work)


def for_each(items: Sequence[T], work: Callable[[T], None]) -> None:
    """``work`` on each of ``items``, on :func:`worker_threads` threads (in this thread when
    one suffices). Which thread takes which item varies, so ``work`` must write only what is
    its item's own. The first exception raised is raised here."""
    threads = min(worker_threads(), len(items))
    if threads <= 1:
        for item in items:
            work(item)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(threads) as pool:
        for _ in pool.map(work, items):
            pass
