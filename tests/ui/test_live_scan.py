"""The app scanning a real (moto) account in its worker: regions fill in, then the checks run."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions, ScanConfig
from awsexplorer.model import RegionStatus
from awsexplorer.scan.events import ScanEvent, ScanStarted
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.state import NodeRef

SIZE = (80, 24)
REGIONS = ("eu-west-1", "ap-southeast-2")


async def wait_for(pilot: Pilot[int], condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the scan"
        await pilot.pause(0.05)


def seed(aws: Callable[..., Any]) -> str:
    ec2 = aws("ec2", "eu-west-1")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")
    far = aws("ec2", "ap-southeast-2").run_instances(
        ImageId="ami-12c6146b",
        MinCount=1,
        MaxCount=1,
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "far-away"}]}
        ],
    )
    return str(far["Instances"][0]["InstanceId"])


async def test_regions_fill_in_then_the_tree_finds_a_far_instance(
    aws: Callable[..., Any], scan_config: Callable[..., ScanConfig]
) -> None:
    instance_id = seed(aws)
    app = make_app(AppOptions(config=scan_config(regions=REGIONS)))
    assert isinstance(app, AwsExplorerApp)
    seen: list[dict[str, RegionStatus]] = []
    async with app.run_test(size=SIZE) as pilot:
        main = app.main
        original = main.refresh_regions

        def spy(regions: set[str]) -> None:
            seen.append({n: v.status for n, v in app.state.regions.items()})
            original(regions)

        main.refresh_regions = spy  # type: ignore[method-assign]
        started: list[ScanStarted] = []
        apply = app.state.apply

        def record(event: ScanEvent) -> set[str]:
            if isinstance(event, ScanStarted):
                started.append(event)
            return apply(event)

        app.state.apply = record  # type: ignore[method-assign]
        assert app.state.scanning  # the first frame is up before any AWS call returned
        await wait_for(pilot, lambda: not app.busy and app.state.finished_at is not None)
        await pilot.pause()

        # Regions were shown pending/scanning before they were done: results streamed in.
        assert any(
            RegionStatus.PENDING in s.values() or RegionStatus.SCANNING in s.values() for s in seen
        )
        assert app.state.regions["eu-west-1"].status in (RegionStatus.OK, RegionStatus.PARTIAL)
        assert app.state.count("eu-west-1", "ec2:subnet") >= 1
        region_labels = [str(n.label) for n in main.tree.root.children]
        assert any(label.startswith("ap-southeast-2  ") for label in region_labels)
        assert not any("scanning" in label for label in region_labels)

        await pilot.press("colon", *"far-away", "enter")
        await pilot.pause()
        ref = main.tree.cursor_node.data
        assert ref == NodeRef(
            "resource",
            region="ap-southeast-2",
            type="ec2:instance",
            arn=f"arn:aws:ec2:ap-southeast-2:123456789012:instance/{instance_id}",
        )

        # `r` on a region rescans only that region (and global), keeping the others.
        before = app.state.count("eu-west-1")
        mark = len(seen)
        await pilot.press("r")
        await pilot.pause()
        await wait_for(pilot, lambda: not app.busy and app.state.finished_at is not None)
        assert [e.regions for e in started] == [
            ["global", *sorted(REGIONS)],
            ["global", "ap-southeast-2"],
        ]
        assert all(s["eu-west-1"] is not RegionStatus.PENDING for s in seen[mark:])
        assert app.state.count("eu-west-1") == before
        assert app.state.count("ap-southeast-2", "ec2:instance") == 1


async def test_quitting_mid_scan_stops_the_worker(scan_config: Callable[..., ScanConfig]) -> None:
    app = make_app(AppOptions(config=scan_config(regions=REGIONS)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
    assert app.return_value == 0
    assert all(w.is_cancelled or w.is_finished for w in app.workers)
