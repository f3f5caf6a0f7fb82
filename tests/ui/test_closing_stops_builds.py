"""Quitting while the relationship index is being built stops the build at its next pause:
before, the process waited for the whole build (24 s after `q` on a 1,000,000-resource
snapshot). The build here is a stand-in that only pauses, for up to 30 s."""

from __future__ import annotations

import time
from typing import Any

import pytest

from awsexplorer.model import relationships
from awsexplorer.ui.key_order import Closing

from .test_app import SIZE, offline, wait_for


async def test_quitting_stops_the_relationship_build(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def slow_build(resources: Any, pause: Any = None) -> Any:
        seen.append("started")
        deadline = time.monotonic() + 30
        try:
            while time.monotonic() < deadline:
                pause()
                time.sleep(0.01)
        except Closing:
            seen.append("stopped")
            raise
        seen.append("ran to its end")
        raise AssertionError("not stopped")

    monkeypatch.setattr(relationships, "build", slow_build)
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: seen == ["started"])
        started = time.monotonic()
        await pilot.press("q")
    while len(seen) < 2 and time.monotonic() - started < 10:
        time.sleep(0.05)  # the build's thread, which the process's exit waits for
    assert seen == ["started", "stopped"]
    assert time.monotonic() - started < 5
