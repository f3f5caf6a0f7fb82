"""Keeping Python's cyclic garbage collector out of the way of a big scan.

A 100,000-resource scan is a few hundred thousand long-lived dicts and objects. Left alone,
the collector walks all of them on every full collection: while a snapshot is parsed (the heap
grows, so full collections keep being triggered: 1.3 s to read one instead of 0.65 s) and then
every few key presses for as long as the app runs (a 200 ms stall on an arrow key). The scan
data holds no reference cycles (plain dicts, lists and slotted dataclasses, freed by reference
counting), so the collector finds nothing there: pause it while a scan is loaded, then move what
is loaded out of its sight with `gc.freeze()`.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Loads under way on any thread (a state is loaded on worker threads: a snapshot's parts, the
# accounts read so far, the checks' result), and whether the collector was on before the first:
# it comes back when the last one ends, not when one ends while another still loads.
_lock = threading.Lock()
_loading = 0
_was_enabled = False


@contextmanager
def loading_scan() -> Iterator[None]:
    """Load a scan with the collector paused, then freeze what is alive.

    Frozen objects are still freed by reference counting when the UI drops them (a new scan
    replaces the old one); only a cycle among them would outlive that, and scan data has none.
    No collection first: with the CLI the snapshot is already read, and a full pass over it
    would cost a third of a second; the few dead cycles of start-up that get frozen are kept.
    Safe on several threads at once (see _loading).
    """
    global _loading, _was_enabled
    with _lock:
        if _loading == 0:
            _was_enabled = gc.isenabled()
        _loading += 1
        gc.disable()
    try:
        yield
        gc.freeze()  # before the collector is back, or its first pass walks the whole scan
    finally:
        with _lock:
            _loading -= 1
            if _loading == 0 and _was_enabled:
                gc.enable()
