"""The index of which other accounts a resource names (accounts_view.account_links) is built by
the tree's worker once the first frame is shown, not on the UI thread by the first resource's
detail (~40 ms of that key at 1,000,000 resources); asked before the worker is done, it is
built in place as before, and a worker's index for a scan since replaced is dropped."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from awsexplorer import snapshot
from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions
from awsexplorer.model import Resource
from awsexplorer.model.accounts import CrossAccountIndex
from awsexplorer.model.kinds import complete
from awsexplorer.ui import accounts_view
from awsexplorer.ui.widgets import resource_tree

FIXTURE = Path(__file__).parents[1] / "accounts" / "fixtures" / "three-accounts.json"
PROD, STAGING = "123456789012", "222233334444"
PEERING = f"arn:aws:ec2:eu-west-1:{PROD}:vpc-peering-connection/pcx-0staging"


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """The three-accounts snapshot plus a peering from acme-prod to Staging's VPC."""
    result = snapshot.read(FIXTURE)
    result.resources.append(
        complete(
            Resource(
                arn=PEERING,
                type="ec2:vpc-peering-connection",
                id="pcx-0staging",
                name="pcx-0staging",
                region="eu-west-1",
                attributes={
                    "state": "active",
                    "requester_vpc_id": "vpc-0a1b2c3d4e5f60001",
                    "requester_owner_id": PROD,
                    "accepter_vpc_id": "vpc-0staging",
                    "accepter_owner_id": STAGING,
                },
                account_id=PROD,
            )
        )
    )
    return snapshot.write(result, tmp_path / "linked.json")


async def test_the_tree_builds_the_index_off_the_ui_thread(
    linked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built_on: list[str] = []

    class Recorded(CrossAccountIndex):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            built_on.append(threading.current_thread().name)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(resource_tree, "CrossAccountIndex", Recorded)
    monkeypatch.setattr(accounts_view, "CrossAccountIndex", Recorded)
    async with make_app(AppOptions(snapshot=linked)).run_test(size=(100, 30)) as pilot:
        state = pilot.app.state
        ui_thread = threading.current_thread().name
        started = time.monotonic()
        while accounts_view.links_input(state) is not None and time.monotonic() - started < 10:
            await pilot.pause(0.02)
        assert accounts_view.links_input(state) is None  # kept: nothing left to build
        assert len(built_on) == 1 and built_on[0] != ui_thread
        # The first resource with a link shows it from the worker's index: none built now.
        assert pilot.app.main.jump(PEERING)
        await pilot.pause()
        peering = state.get(PEERING)
        assert peering is not None
        links = accounts_view.account_links(state, peering)
        assert [(k.account_id, k.scanned) for k in links] == [(STAGING, True)]
        assert len(built_on) == 1
        # The same answers as an index built in place, for every resource.
        full = state.full
        assert full is not None
        fresh = CrossAccountIndex(full.account_scans(), full.resources)
        for resource in full.resources:
            assert accounts_view.account_links(state, resource) == fresh.links(resource)


async def test_asked_before_the_worker_it_is_built_in_place_and_a_late_one_is_dropped(
    linked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No worker: the tree never starts one, so the first detail builds the index itself.
    monkeypatch.setattr(resource_tree.ResourceTree, "_index_links", lambda self: None)
    async with make_app(AppOptions(snapshot=linked)).run_test(size=(100, 30)) as pilot:
        state = pilot.app.state
        await pilot.pause()
        wanted = accounts_view.links_input(state)
        assert wanted is not None
        full, accounts, named = wanted
        peering = state.get(PEERING)
        assert peering is not None
        assert [k.account_id for k in accounts_view.account_links(state, peering)] == [STAGING]
        assert accounts_view.links_input(state) is None
        # A worker finishing after that: its index is not kept (the one in place stays).
        late = CrossAccountIndex(accounts, named)
        assert not accounts_view.keep_links(state, full, late)
        # Nor one for a scan the state no longer holds.
        other = snapshot.read(linked)
        assert not accounts_view.keep_links(state, other, late)
