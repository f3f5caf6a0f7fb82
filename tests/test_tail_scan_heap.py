"""`scan` spaces the collector's full collections out while it runs and restores them after,
and leaves the interpreter's last collection nothing to walk at exit (cli/commands/scan.py,
_ScanHeap; issue 18)."""

from __future__ import annotations

import argparse
import atexit
import gc
import subprocess
import sys
import textwrap

import pytest

from awsexplorer.cli.commands import scan


def test_full_collections_spaced_out_during_the_command_then_restored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []

    def fake_run(args: argparse.Namespace) -> int:
        seen.append(gc.get_threshold())
        raise RuntimeError("the scan failed")

    monkeypatch.setattr(scan, "_run", fake_run)
    with pytest.raises(RuntimeError):
        scan.run(argparse.Namespace())
    young, middle, full = seen[0]
    assert (young, middle) == before[:2]
    assert full == max(before[2], scan.FULL_COLLECTION_EVERY) > 10
    assert gc.get_threshold() == before  # restored, even when the scan raised


def test_freeze_at_exit_registered_once(monkeypatch: pytest.MonkeyPatch) -> None:
    registered: list[object] = []
    monkeypatch.setattr(atexit, "register", registered.append)
    monkeypatch.setattr(
        atexit, "unregister", lambda f: registered.remove(f) if f in registered else None
    )
    monkeypatch.setattr(scan, "_run", lambda args: 0)
    for _ in range(3):
        assert scan.run(argparse.Namespace()) == 0
    assert registered == [gc.freeze]


def test_a_process_that_ran_the_command_exits_without_collecting() -> None:
    """In a child process: garbage cycles left at exit are not walked by the interpreter's
    final collection (gc.freeze ran first), and the process still flushes and exits 0."""
    code = textwrap.dedent(
        """
        import argparse, gc, sys
        from awsexplorer.cli.commands import scan
        scan._run = lambda args: 0
        assert scan.run(argparse.Namespace()) == 0
        class Node:
            def __init__(self):
                self.me = self
        keep = [Node() for _ in range(1000)]
        del keep
        def report():
            print("frozen", gc.get_freeze_count() >= 1000, flush=True)
        import atexit
        atexit.register(report)  # runs before the freeze (registered after it)
        def collected(phase, info):
            if phase == "stop":
                print("collected", info["collected"], flush=True)
        gc.callbacks.append(collected)
        print("done")
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert out.splitlines()[0] == "done"
    assert "frozen False" in out  # the freeze comes after the other handlers
    at_exit = [int(line.split()[1]) for line in out.split("frozen", 1)[1].splitlines()[1:]]
    assert at_exit and max(at_exit) < 1000  # the final collection left the 1,000 cycles be
