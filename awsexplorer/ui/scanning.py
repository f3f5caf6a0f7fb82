"""Running the scanner off the UI thread. No Textual here.

The scan runs in a worker thread with its own asyncio loop (botocore's parsing then never blocks
the UI). Events go into an `EventBuffer`; the UI is woken once per batch and drains it, which
coalesces a flood of progress events into one repaint.

The scan is runner.scan with its default processes: one process (runner.DEFAULT_REGION_PROCESSES,
measured not to pay on 2 cores). With the regions over worker processes the events still come
here as they happen (the parent re-emits each worker's; tests/scan/test_pool_regions.py runs
run_scan that way).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from awsexplorer.config import ScanConfig
from awsexplorer.errors import UserError
from awsexplorer.model import ScanResult
from awsexplorer.scan.events import AnyScanEvent as ScanEvent

CANCEL_POLL_SECONDS = 0.1


class EventBuffer:
    """Thread-safe hand-over of scan events from the worker to the UI."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[ScanEvent] = []

    def push(self, event: ScanEvent) -> bool:
        """Queue an event; True when the buffer was empty (the UI needs waking)."""
        with self._lock:
            self._events.append(event)
            return len(self._events) == 1

    def drain(self) -> list[ScanEvent]:
        with self._lock:
            events, self._events = self._events, []
        return events


def demo_scan_config(config: ScanConfig, organization: bool = False) -> ScanConfig:
    """Start and seed the embedded demo account (slow: call it in the worker, once); the
    demo's calls keep the user's regions and time limits (--call-timeout), as `scan --demo`.
    `organization`: --demo --org (the demo account's Organization, seeded too)."""
    try:
        from awsexplorer.demo import demo_config
    except ImportError as exc:
        raise UserError(
            f"The demo account needs moto, which is not installed ({exc.name}).",
            "pip install 'awsexplorer[demo]'",
        ) from None
    return demo_config(config.regions, like=config, organization=organization)


ScanFunction = Callable[[ScanConfig, Callable[[ScanEvent], None]], Coroutine[Any, Any, ScanResult]]


def run_scan(
    prepare: Callable[[], ScanConfig],
    on_event: Callable[[ScanEvent], None],
    cancelled: Callable[[], bool],
    scan: ScanFunction | None = None,
) -> ScanResult | None:
    """Prepare the config (the demo seeds its server here) and scan; None when cancelled.

    The work runs in a daemon thread of its own, and this function returns as soon as
    `cancelled()` turns true: a scan can hold its event loop for seconds at a time (botocore
    loads service models and parses responses synchronously), and quitting must not wait for
    that. A cancelled scan's later events are dropped. `scan` replaces the one-account
    scanner (the TUI's several accounts: scan/accounts.scan_choice).
    """
    outcome: dict[str, object] = {}
    finished = threading.Event()

    def forward(event: ScanEvent) -> None:
        if not cancelled():
            on_event(event)

    def work() -> None:
        try:
            config = prepare()
            if not cancelled():
                outcome["result"] = asyncio.run(
                    _scan_until_cancelled(config, forward, cancelled, scan)
                )
        except BaseException as exc:  # handed to the caller's thread, which reports it
            outcome["error"] = exc
        finally:
            finished.set()

    threading.Thread(target=work, name="awsexplorer-scan", daemon=True).start()
    while not finished.wait(CANCEL_POLL_SECONDS):
        if cancelled():
            return None
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    result = outcome.get("result")
    return result if isinstance(result, ScanResult) and not cancelled() else None


async def _scan_until_cancelled(
    config: ScanConfig,
    on_event: Callable[[ScanEvent], None],
    cancelled: Callable[[], bool],
    scan: ScanFunction | None = None,
) -> ScanResult | None:
    if scan is None:
        from awsexplorer.scan import runner  # aiobotocore loads here, never at start-up

        scan = runner.scan
    assert scan is not None
    task = asyncio.create_task(scan(config, on_event))
    while not task.done():
        await asyncio.wait({task}, timeout=CANCEL_POLL_SECONDS)
        if cancelled() and not task.done():
            task.cancel()
    if task.cancelled():
        return None
    return task.result()
