"""The process-wide state the heavy passes set for their duration, and put back after."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from ovm.runtime import held_collector, one_blas_thread, paused_gc, stage_done


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_and_left_as_it_was_found(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with paused_gc():
            assert not gc.isenabled()
            with paused_gc():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(RuntimeError), paused_gc():
            raise RuntimeError
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def _blas_threads() -> list[int]:
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


def test_products_run_on_one_blas_thread_and_the_pool_is_put_back() -> None:
    np.ones((2, 2)) @ np.ones((2, 2))  # the BLAS is loaded
    with threadpool_limits(limits=2, user_api="blas"):
        assert set(_blas_threads()) == {2}
        with one_blas_thread():
            assert set(_blas_threads()) == {1}
        assert set(_blas_threads()) == {2}


class _Node:
    me: object


def _cycle() -> weakref.ref[_Node]:
    """A weak reference to an object only a reference cycle keeps alive."""
    node = _Node()
    node.me = node
    return weakref.ref(node)


@pytest.mark.parametrize("enabled", [True, False])
def test_a_held_collector_sets_a_stage_aside_and_collects_a_pages_garbage(
    enabled: bool,
) -> None:
    was = gc.isenabled()
    frozen = gc.get_freeze_count()
    try:
        (gc.enable if enabled else gc.disable)()
        with held_collector():
            assert not gc.isenabled()
            ref = _cycle()
            # Allocations that would have set off automatic collections many times over.
            kept = [[i] for i in range(50_000)]
            assert ref() is not None
            # A stage's end sets what it made out of the collector's sight, walking nothing:
            # its cycles stay.
            stage_done()
            assert ref() is not None
            assert gc.get_freeze_count() >= frozen + len(kept)
            assert gc.get_count()[0] == 0
            # A stage that leaves garbage has its young objects collected first.
            page = _cycle()
            stage_done(garbage=True)
            assert (ref() is not None, page()) == (True, None)
            del kept
        assert gc.isenabled() is enabled
        # Not held, a stage's end changes nothing: the collector runs (or not) as it did.
        gc.unfreeze()
        gc.disable()
        ref = _cycle()
        stage_done(garbage=True)
        stage_done()
        assert ref() is not None
        assert gc.get_freeze_count() == 0
        gc.collect()
        assert ref() is None
    finally:
        gc.unfreeze()
        (gc.enable if was else gc.disable)()


def _young_and_old(obj: object) -> tuple[bool, bool]:
    """Whether ``obj`` is in the youngest generation, and whether in the oldest."""
    return (
        any(o is obj for o in gc.get_objects(generation=0)),
        any(o is obj for o in gc.get_objects(generation=2)),
    )


def test_an_aged_pause_puts_what_it_made_in_the_oldest_generation_without_collecting() -> None:
    was = gc.isenabled()
    try:
        gc.enable()
        with paused_gc(aged=True):
            made = _Node()
            ref = _cycle()
        # Aged, not walked: the cycle made meanwhile is still there, in the oldest generation.
        assert _young_and_old(made) == (False, True)
        assert ref() is not None
        assert gc.isenabled()
        assert gc.get_count()[0] < 100
        gc.collect()
        assert ref() is None
        # Without ``aged``, what was made stays young.
        with paused_gc():
            young = _Node()
        assert _young_and_old(young) == (True, False)
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("frozen", [True, False])
def test_an_aged_pause_leaves_frozen_objects_frozen_and_a_held_collector_alone(
    frozen: bool,
) -> None:
    was = gc.isenabled()
    try:
        if frozen:
            gc.enable()
            kept = _Node()
            gc.freeze()
            count = gc.get_freeze_count()
        else:
            gc.disable()
        with paused_gc(aged=True):
            made = _Node()
        if frozen:
            # Aged, the process's own frozen objects would have been thawed.
            assert gc.get_freeze_count() == count
            assert _young_and_old(kept) == (False, False)
            assert gc.isenabled()
        else:
            assert not gc.isenabled()
        assert _young_and_old(made) == (True, False)
    finally:
        gc.unfreeze()
        (gc.enable if was else gc.disable)()


def test_an_aged_pause_frees_the_callers_young_cyclic_garbage_instead_of_ageing_it() -> None:
    was = gc.isenabled()
    try:
        gc.enable()
        gc.collect()
        dropped = _cycle()
        with paused_gc(aged=True):
            made = _Node()
        # The caller's cycle was young garbage: freed as its next young collection would have,
        # not moved to the oldest generation to wait for a full collection.
        assert dropped() is None
        assert _young_and_old(made) == (False, True)
    finally:
        (gc.enable if was else gc.disable)()
