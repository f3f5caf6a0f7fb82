"""The crash log (`error_log_path()`, written when a worker fails unexpectedly) holds the
exception's text, which can quote a name from AWS or a snapshot: it is written inert, so `cat`ing
the log cannot act on the terminal (tests/hostile.py's corpus). Pilot on a saved small account;
the failing worker runs through the app's one worker-outcome handler."""

from __future__ import annotations

from pathlib import Path

import pytest

from awsexplorer import snapshot
from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions
from awsexplorer.ui import app as app_module
from awsexplorer.ui.screens.scan_error import ScanErrorScreen
from tests.hostile import CORPUS, ESCAPES, leaks

FIXTURE = Path(__file__).parent / "fixtures" / "small-account.json"


async def test_a_crash_quoting_hostile_names_is_logged_inert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "awsexplorer-error.log"
    monkeypatch.setattr(app_module, "error_log_path", lambda: log)
    saved = snapshot.write(snapshot.read(FIXTURE), tmp_path / "small.json")
    app = make_app(AppOptions(snapshot=saved))
    hostile = " | ".join(CORPUS.values())

    def fail() -> None:
        raise RuntimeError(f"no resource named {hostile}")

    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.run_worker(fail, name="scan", group="scan", thread=True, exit_on_error=False)
        for _ in range(20):
            await pilot.pause()
            if isinstance(app.screen, ScanErrorScreen):
                break
        assert isinstance(app.screen, ScanErrorScreen)
    written = log.read_text(encoding="utf-8")
    assert "RuntimeError" in written and "no resource named" in written
    assert leaks(written) == []
    assert "\x1b" not in written and "\x9b" not in written
    assert all(value not in written for value in ESCAPES.values())
