"""Keeping Python's cyclic garbage collector out of the way of a big scan.

A 100,000-resource scan is a few hundred thousand long-lived dicts and objects. Left alone,
the collector walks all of them on every full collection: while a snapshot is parsed (the heap
grows, so full collections keep being triggered: 2.7 s to read one instead of 1.2 s) and then
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
def collector_paused() -> Iterator[None]:
    """No cyclic collection while a big, acyclic structure is built."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settle() -> None:
    """Stop the collector from walking what is alive now (the loaded scan) on every full pass.

    Frozen objects are still freed by reference counting when the UI drops them (a new scan
    replaces the old one); only a reference cycle among them would outlive it, and the scan
    data has none.
    """
    gc.freeze()
