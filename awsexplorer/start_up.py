"""The cyclic garbage collector sleeps through start-up (issue 18).

Importing Textual and our modules and building the first screen makes ~100,000 long-lived
objects and only a few hundred dead cycles, and the collector's ~100 passes over them were ~6 %
of the CPU to the TUI's first frame. The command line pauses it (`pause`, cli.main) and the TUI
resumes it once its first frame is painted (`resume`, ui/screens/main.py); any other command
resumes it before it runs, and cli.main on leaving. Outside cli.main (the tests' apps) nothing
was paused and `resume` does nothing. (See also ui/heap.py: a scan is loaded with it paused.)

Kept out of awsexplorer.ui: `--help` loads nothing of the UI (tests/test_cli.py).
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Pause the collector until `resume`, if it is on (a caller that turned it off keeps it
    off)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Turn the collector back on if `pause` paused it; once. The dead cycles of start-up are
    collected then, unless a scan's ui/heap.loading_scan froze them first (then kept, as it
    says: ~1,000 small objects)."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()
