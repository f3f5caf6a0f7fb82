"""Running the scanner off the UI thread. No Textual here.

The scan runs in a worker thread with its own asyncio loop (botocore's parsing then never blocks
the UI). Events go into an `EventBuffer`; the UI is woken once per batch and drains it, which
coalesces a flood of progress events into one repaint.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from awsexplorer.errors import UserError
from awsexplorer.model import ScanResult
from awsexplorer.scan.config import ScanConfig
from awsexplorer.scan.events import ScanEvent

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


def demo_scan_config(regions: tuple[str, ...]) -> ScanConfig:
    """Start and seed the embedded demo account (slow: call it in the worker, once)."""
    try:
        from awsexplorer.demo import demo_config
    except ImportError as exc:
        raise UserError(
            f"The demo account needs moto, which is not installed ({exc.name}).",
            "pip install 'awsexplorer[demo]'",
        ) from None
    return demo_config(regions)


def run_scan(
    config: ScanConfig,
    on_event: Callable[[ScanEvent], None],
    cancelled: Callable[[], bool],
) -> ScanResult | None:
    """Scan in a fresh event loop; None when cancelled (the user quit mid-scan)."""
    from awsexplorer.scan.runner import scan  # aiobotocore loads here, never at start-up

    async def watched() -> ScanResult | None:
        task = asyncio.create_task(scan(config, on_event))
        while not task.done():
            await asyncio.wait({task}, timeout=CANCEL_POLL_SECONDS)
            if cancelled() and not task.done():
                task.cancel()
        if task.cancelled():
            return None
        return task.result()

    return asyncio.run(watched())
