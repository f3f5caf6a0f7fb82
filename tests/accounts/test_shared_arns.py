"""Two accounts' resources under one ARN: the TUI's state is keyed by ARN, so it shows each ARN
once, and says so (which ARN, which accounts) rather than counting fewer than were scanned in
silence. Real ARNs name their account; the demo's Access Analyzer stand-in once did not."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from awsexplorer import snapshot
from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions
from awsexplorer.model import ScanResult
from awsexplorer.model.accounts import merge
from awsexplorer.ui.state import ExplorerState
from tests.accounts.test_snapshot_v2 import one_account, vpc

pytestmark = pytest.mark.ui

PROD, STAGING = "111111111111", "222222222222"
SHARED = f"arn:aws:ec2:eu-west-1:{PROD}:vpc/vpc-same"


def two_accounts_sharing_an_arn() -> ScanResult:
    prod = one_account(PROD, "acme-prod", "none")
    staging = one_account(STAGING, "acme-staging", "set")
    prod.resources.append(vpc(PROD, "vpc-same"))
    staging.resources.append(replace(vpc(STAGING, "vpc-same"), arn=SHARED))
    return merge([prod, staging])


def test_the_state_names_each_arn_found_in_two_accounts() -> None:
    merged = two_accounts_sharing_an_arn()
    state = ExplorerState()
    state.load(merged)
    assert state.shared_arns == {SHARED: {PROD, STAGING}}
    assert state.resource_total == 5  # 6 scanned, one ARN twice

    alone = ExplorerState()
    alone.load(merge([one_account(PROD, "acme-prod", "none")]))
    assert alone.shared_arns == {}


@pytest.mark.parametrize("partial", [True, False])
def test_a_rescan_forgets_the_arns_it_replaces(partial: bool) -> None:
    """A rescan of the region (or a new full scan) drops that region's resources and reads
    them anew: the ARN it names in two accounts must go with them, or the app would name an
    ARN no longer shown."""
    from awsexplorer.scan.events import ScanStarted

    merged = two_accounts_sharing_an_arn()
    state = ExplorerState()
    state.load(merged)
    assert SHARED in state.shared_arns
    state.partial_rescan = partial
    state.apply(ScanStarted(merged.account, ["eu-west-1"], [], None))
    assert state.shared_arns == {}


async def test_the_app_says_an_arn_is_in_two_accounts(tmp_path: Path) -> None:
    path = tmp_path / "shared.json"
    snapshot.write(two_accounts_sharing_an_arn(), path)
    async with make_app(AppOptions(snapshot=path)).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        said = [n.message for n in pilot.app._notifications]
        shared = [m for m in said if "more than one account" in m]
        assert len(shared) == 1, said
        assert SHARED in shared[0] and f"{PROD}, {STAGING}" in shared[0]
        assert shared[0].startswith("1 ARN is in more than one account")
