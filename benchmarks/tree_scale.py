"""How the main screen copes with a large account: load, build the tree, expand, filter, jump.

    python benchmarks/tree_scale.py [--resources 100000]

A synthetic account (no AWS) of N instances and volumes over 17 regions, 5% with a finding,
driven headless with Pilot at 80x24. Prints the time of each step.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from awsexplorer import snapshot
from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions
from awsexplorer.model import (
    Account,
    Finding,
    RegionScan,
    RegionStatus,
    Resource,
    ScanResult,
    Severity,
)
from awsexplorer.ui.app import AwsExplorerApp

REGIONS = [
    f"{area}-{n}" for area in ("eu-west", "us-east", "us-west", "ap-south") for n in (1, 2, 3, 4)
]
TYPES = ["instance", "volume", "network-interface", "security-group", "subnet"]


def synthetic(count: int) -> ScanResult:
    resources: list[Resource] = []
    findings: list[Finding] = []
    for n in range(count):
        region = REGIONS[n % len(REGIONS)]
        rtype = TYPES[(n // len(REGIONS)) % len(TYPES)]
        rid = f"{rtype[:3]}-{n:012x}"
        arn = f"arn:aws:ec2:{region}:123456789012:{rtype}/{rid}"
        resources.append(
            Resource(arn, f"ec2:{rtype}", rid, f"node-{n}", region, tags={"Name": f"node-{n}"})
        )
        if n % 20 == 0:
            findings.append(Finding("x.check", Severity.MEDIUM, arn, region, "m", "r"))
    regions = [RegionScan(r, RegionStatus.OK) for r in REGIONS]
    account = Account("123456789012", None, "aws", "arn:aws:iam::123456789012:user/x")
    return ScanResult(
        account, "2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z", regions, resources, findings
    )


async def run(count: int) -> None:
    path = Path(tempfile.mkdtemp()) / "big.json"
    snapshot.write(synthetic(count), path)
    print(f"{count} resources, snapshot {path.stat().st_size / 1e6:.1f} MB")
    app = make_app(AppOptions(snapshot=path))
    assert isinstance(app, AwsExplorerApp)
    started = time.perf_counter()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        print(f"open (read + tree): {time.perf_counter() - started:.2f} s")
        tree = app.main.tree
        step = time.perf_counter()
        tree.reveal(app.state.resources_of("us-east-3", "ec2:volume")[-1].arn)
        await pilot.pause()
        size = app.state.count("us-east-3", "ec2:volume")
        print(f"expand a type of {size} and jump: {time.perf_counter() - step:.2f} s")
        step = time.perf_counter()
        await pilot.press("ctrl+z")
        await pilot.pause()
        print(f"attention only: {time.perf_counter() - step:.2f} s")
        step = time.perf_counter()
        await pilot.press("ctrl+z", "slash", *"node-4242", "enter")
        await pilot.pause()
        print(f"filter (typed, 9 keystrokes): {time.perf_counter() - step:.2f} s")
        step = time.perf_counter()
        found = app.state.search(f"node-{count - 1}")
        print(f"search: {time.perf_counter() - step:.3f} s ({len(found)} hits)")
        await pilot.press("q")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100_000)
    args = parser.parse_args()
    asyncio.run(run(args.resources))
    return 0


if __name__ == "__main__":
    sys.exit(main())
