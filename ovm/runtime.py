"""Process-wide state the heavy passes set for their duration. Free of NumPy, so that the
rubric's reader can use it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector, restoring its state after.

    Parsing a document and scoring a cohort each build hundreds of thousands of small objects
    that all stay alive; the collector would walk them again and again as they accumulate (it
    took two thirds of the time of a large rubric's parse and doubled that of the scoring
    passes). Reference counting still frees everything that is not a cycle.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
