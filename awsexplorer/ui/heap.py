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
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def loading_scan() -> Iterator[None]:
    """Load a scan with the collector paused, then freeze what is alive.

    Frozen objects are still freed by reference counting when the UI drops them (a new scan
    replaces the old one); only a cycle among them would outlive that, and scan data has none.
    No collection first: with the CLI the snapshot is already read, and a full pass over it
    would cost a third of a second; the few dead cycles of start-up that get frozen are kept.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()  # before the collector is back, or its first pass walks the whole scan
    finally:
        if was_enabled:
            gc.enable()
