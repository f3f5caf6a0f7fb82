"""A large snapshot of several accounts is shown as it is read (issue 17; snapshot_opening): the
accounts read whole so far first, with the header saying so, then the whole, which the views
show exactly as when the file is read before the app starts; a damaged file gets the same
error screen. Forced on a small file (_PARALLEL_BYTES 0, many chunks, one thread as the
parallel read wants)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from awsexplorer import snapshot, snapshot_opening
from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions
from awsexplorer.ui import app as app_module
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.screens.scan_error import ScanErrorScreen
from awsexplorer.ui.widgets.account_header import AccountHeader

from ..test_lazy_read import _edited
from ..test_snapshot import _many
from .test_app import SIZE, detail_text, top_labels, wait_for

pytestmark = pytest.mark.ui  # through _seen_whole, which runs the app


@pytest.fixture
def forced(monkeypatch: Any) -> None:
    monkeypatch.setattr(snapshot, "_PARALLEL_BYTES", 0)
    monkeypatch.setattr(snapshot, "_CHUNK", 1000)  # many chunks: the accounts come one by one
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(app_module, "READ_SHOWN_EVERY", 0.0)


def _app(path: Path, **options: Any) -> AwsExplorerApp:
    app = make_app(AppOptions(snapshot=path, **options))
    assert isinstance(app, AwsExplorerApp)
    return app


async def _seen_whole(app: AwsExplorerApp) -> tuple[list[str], str]:
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: not app.state.scanning and bool(app.state.member_accounts))
        await pilot.pause()
        labels, detail = top_labels(app), detail_text(app)
        await pilot.press("q")
    return labels, detail


async def test_the_accounts_read_so_far_then_the_whole(tmp_path: Path, forced: None) -> None:
    path = snapshot.write(_many(accounts=9, per_account=40), tmp_path / "nine.json")
    opening = snapshot_opening.start(path)
    assert opening is not None
    app = _app(path, opening=opening)
    seen: list[tuple[Any, int, bool, str, int | None]] = []
    readings: list[bool] = []
    show = app._show_read

    def spy(*args: Any) -> Any:
        replaced = show(*args)
        header = app.main.query_one(AccountHeader).status_line().plain
        # Before the main screen is mounted its tree is built from the state when it is.
        accounts = [
            n for n in app.main.tree.root.children if n.data and n.data.kind == "member-account"
        ]
        shown = len(accounts) if app.main.is_mounted else None
        seen.append((args[2], app.state.resource_total, app.state.scanning, header, shown))
        readings.append(app.state.reading)  # what waits for the whole says "the snapshot"
        return replaced

    app._show_read = spy  # type: ignore[method-assign]
    labels, detail = await _seen_whole(app)

    parts = [s for s in seen if s[0] is not None]
    assert parts, "nothing was shown before the whole"
    for (done, total), resources, scanning, header, accounts in parts:
        assert 2 <= done < total == 9 and scanning
        assert resources == done * 40 and accounts in (done, None)
        assert f"Reading the snapshot: {done} of 9 accounts in so far…" in header
    so_far, resources, scanning, header, accounts = seen[-1]
    # On a busy machine the whole can come before the main screen is mounted (None): its
    # tree is then built from the state on mount, which the labels compared below show.
    assert so_far is None and not scanning and resources == 360 and accounts in (9, None)
    assert "Reading" not in header
    assert readings == [so_far is not None for so_far, *_ in seen]
    # The same answer as the file read before the app starts.
    assert (labels, detail) == await _seen_whole(_app(path, loaded=snapshot.read(path)))


async def test_a_damaged_file_gets_the_error_screen(tmp_path: Path, forced: None) -> None:
    path = _edited(tmp_path, '"attributes":{"CidrBlock"', '"attributes":{"CidrBlock":}')
    with pytest.raises(snapshot.SnapshotError) as expected:
        snapshot.read(path)
    opening = snapshot_opening.start(path)
    assert opening is not None
    app = _app(path, opening=opening)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ScanErrorScreen))
        screen = app.screen
        assert isinstance(screen, ScanErrorScreen)
        assert screen.message == expected.value.message
        await pilot.press("q")
    assert app.return_value == 2


async def test_quitting_while_it_is_read_stops_the_workers(tmp_path: Path, forced: None) -> None:
    path = snapshot.write(_many(accounts=6, per_account=60), tmp_path / "six.json")
    opening = snapshot_opening.start(path)
    assert opening is not None
    workers = [worker for worker, _ in opening.reading.workers]
    app = _app(path, opening=opening)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
    opening.close()  # as the CLI does once the app is gone
    assert app.return_value == 0
    assert not any(worker.is_alive() for worker in workers)


async def test_before_the_first_accounts_it_says_it_reads(
    tmp_path: Path, forced: None, monkeypatch: Any
) -> None:
    """Until the first accounts are in, the header and the tree say the file is read (not
    "connecting…", as a scan does)."""
    path = snapshot.write(_many(accounts=3, per_account=20), tmp_path / "three.json")
    opening = snapshot_opening.start(path)
    assert opening is not None
    monkeypatch.setattr(AwsExplorerApp, "_read_snapshot", lambda self, opening: None)
    app = _app(path, opening=opening)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        header = app.main.query_one(AccountHeader)
        assert header.band_text().plain == " AWS  reading…"
        assert header.status_line().plain.startswith(" Reading three.json (")
        assert str(app.main.tree.root.label) == "Account (reading…)"
        await pilot.press("q")
    opening.close()
