"""How the TUI copes with a big account: 100,000 resources over 20 regions.

    python benchmarks/ui_bench.py                 # 100,000 resources, 20 regions
    python benchmarks/ui_bench.py --resources 20000

Writes a synthetic snapshot (awsexplorer.snapshot, analysed like a real scan) with one type
holding 10,000 resources, then, in a child process so its peak memory is its own, opens it in
the app (`cli.make_app(AppOptions(snapshot=...))` under `App.run_test`, 120x40, headless) and
measures: time to open and paint the first frame (reading the file first, as the CLI does),
time to expand the 10,000-resource type, the latency of every key press while scrolling, and
peak memory. Targets: open under 2 s, every key under 100 ms, under 600 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

ACCOUNT_ID = "123456789012"
REGIONS = (*benchlib.DEFAULT_REGIONS, "af-south-1", "ap-east-1", "me-south-1")
BIG_REGION, BIG_TYPE, BIG_COUNT = "us-east-1", "ec2:instance", 10_000
TYPES = (
    "ec2:instance",
    "ec2:volume",
    "ec2:network-interface",
    "ec2:security-group",
    "ec2:subnet",
    "ec2:route-table",
    "ec2:vpc",
    "ec2:elastic-ip",
    "sqs:queue",
    "lambda:function",
    "rds:db",
    "dynamodb:table",
)
TARGET_OPEN_S, TARGET_KEY_MS, TARGET_MB = 2.0, 100.0, 600.0


def synthetic_result(total: int) -> Any:
    """A ScanResult shaped like a large estate: realistic fields, VPC/subnet placement, tags."""
    from awsexplorer.model import Account, RegionScan, RegionStatus, Resource, ScanResult

    def tags(kind: str, n: int) -> dict[str, str]:
        # Well kept, as big estates tend to be: one resource in ten lacks an owner tag.
        found = {"Name": f"{kind}-{n}", "project": f"p{n % 12}", "environment": "prod"}
        if n % 10:
            found["owner"] = f"team-{n % 7}"
        return found

    def resource(region: str, rtype: str, n: int) -> Resource:
        service, kind = rtype.split(":")
        rid = f"{kind[:3]}-{n:08x}"
        vpc = f"vpc-{n % 50:04x}"
        return Resource(
            arn=f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{kind}/{rid}",
            type=rtype,
            id=rid,
            name=f"{kind}-{n}",
            region=region,
            vpc_id=vpc if service == "ec2" else None,
            subnet_id=f"subnet-{n % 200:04x}" if rtype == "ec2:instance" else None,
            tags=tags(kind, n),
            attributes={
                "State": {"Name": "running"},
                "InstanceType": "m5.large",
                "LaunchTime": "2024-03-01T12:00:00Z",
                "PrivateIpAddress": f"10.{n % 250}.{n // 250 % 250}.{n % 200}",
                "Encrypted": n % 3 != 0,
            },
        )

    resources = [resource(BIG_REGION, BIG_TYPE, n) for n in range(BIG_COUNT)]
    combos = [(r, t) for r in REGIONS for t in TYPES if (r, t) != (BIG_REGION, BIG_TYPE)]
    n = BIG_COUNT
    while len(resources) < total:
        region, rtype = combos[n % len(combos)]
        resources.append(resource(region, rtype, n))
        n += 1
    return ScanResult(
        account=Account(ACCOUNT_ID, "big-estate", "aws", f"arn:aws:iam::{ACCOUNT_ID}:user/bench"),
        started_at="2026-01-01T00:00:00Z",
        finished_at="2026-01-01T00:01:00Z",
        regions=[RegionScan(r, RegionStatus.OK) for r in ("global", *REGIONS)],
        resources=resources,
    )


async def drive(path: Path, presses: int) -> dict[str, Any]:
    """In the child: open the snapshot in the app and time what a user does first."""
    started = time.perf_counter()
    from awsexplorer import snapshot
    from awsexplorer.cli import make_app
    from awsexplorer.config import AppOptions
    from awsexplorer.ui.state import NodeRef
    from awsexplorer.ui.widgets.resource_tree import ResourceTree

    # As `awsexplorer --snapshot FILE` does (cli.app.run_tui): read the file before the app starts,
    # so a damaged file fails before the screen is taken, then hand the result to the app.
    loaded = snapshot.read(path)
    figures: dict[str, Any] = {"read_s": time.perf_counter() - started}
    app = make_app(AppOptions(snapshot=path, loaded=loaded))
    del loaded  # the app's options keep it, as in the CLI
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.screen.query_one(ResourceTree)
        while not tree.root.children:  # the snapshot is read and the regions are in the tree
            await pilot.pause(0.01)
            if time.perf_counter() - started > 60:
                raise SystemExit("the tree never filled")
        await pilot.pause()  # one full refresh: the first frame with the account in it
        figures["open_s"] = time.perf_counter() - started
        figures["regions_shown"] = len(tree.root.children)

        ref = NodeRef("type", region=BIG_REGION, service=BIG_TYPE.split(":")[0], type=BIG_TYPE)
        region_node = tree.node_for(NodeRef("region", region=BIG_REGION))
        assert region_node is not None, "no us-east-1 node"
        region_node.expand()
        service_node = tree.node_for(NodeRef("service", region=BIG_REGION, service="ec2"))
        assert service_node is not None
        service_node.expand()
        await pilot.pause()
        node = tree.node_for(ref)
        assert node is not None, "no node for the 10,000-resource type"
        tree.focus()
        tree.move_cursor(node)
        await pilot.pause()
        t, c = time.perf_counter(), time.process_time()
        await pilot.press("l")  # expand the type under the cursor
        await pilot.pause()
        figures["expand_s"] = time.perf_counter() - t
        figures["expand_cpu_s"] = time.process_time() - c
        figures["leaves_shown"] = len(node.children)

        # Pilot settles after each key with idle waits (~60 ms on this machine even for a bare
        # Tree), so wall time per press is an upper bound; the CPU the process spends on the
        # key (handling, layout, render: all on one thread, no I/O headless) is the app's work.
        walls: list[float] = []
        cpus: list[float] = []
        keys = ["j"] * presses + ["pagedown"] * 10 + ["G", "g"] + ["k"] * 10 + ["enter"]
        for key in keys:
            t, c = time.perf_counter(), time.process_time()
            await pilot.press(key)
            await pilot.pause()  # until the screen has been refreshed for this key
            walls.append((time.perf_counter() - t) * 1000)
            cpus.append((time.process_time() - c) * 1000)
        figures["keys"] = len(keys)
        for name, values in (("wall", walls), ("cpu", cpus)):
            figures[f"{name}_p50_ms"] = statistics.median(values)
            figures[f"{name}_p95_ms"] = sorted(values)[int(len(values) * 0.95) - 1]
            figures[f"{name}_max_ms"] = max(values)
            figures[f"{name}_slowest"] = keys[values.index(max(values))]
        await pilot.press("q")
    return figures


def write_snapshot(path: Path, total: int) -> dict[str, Any]:
    """In a child: build, analyse and write the synthetic snapshot, and time reading it back."""
    from awsexplorer import snapshot
    from awsexplorer.checks import analyse

    t = time.perf_counter()
    result = synthetic_result(total)
    t_analyse = time.perf_counter()
    result = analyse(result)
    analysed = time.perf_counter() - t_analyse
    snapshot.write(result, path)
    facts = {
        "resources": len(result.resources),
        "findings": len(result.findings),
        "size_mb": path.stat().st_size / 1e6,
        "built_s": time.perf_counter() - t,
        "analyse_s": analysed,
    }
    del result
    t = time.perf_counter()
    snapshot.read(path)
    facts["read_s"] = time.perf_counter() - t
    return facts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=200, help="j presses while scrolling")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(drive(args.child, args.presses))))
        return 0
    if args.write:
        print(json.dumps(write_snapshot(args.write, args.resources)))
        return 0

    benchlib.print_machine()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.json"
        # Built in a child of its own, so this process stays small: Linux carries a process's
        # peak RSS across fork and exec, so a parent holding the 100k-resource estate would
        # lend its own peak to the app's child and wait4 would report that, not the app's.
        argv = [benchlib.PYTHON, __file__, "--write", str(path), "--resources", str(args.resources)]
        run = benchlib.run_child(argv, timeout=600)
        if run.returncode != 0:
            print(run.stderr[-4000:])
            return 1
        facts = json.loads(run.stdout.strip().splitlines()[-1])
        print(
            f"snapshot: {facts['resources']:,} resources in {len(REGIONS)} regions, "
            f"{facts['findings']:,} findings, {facts['size_mb']:.0f} MB "
            f"(built in {facts['built_s']:.1f} s; analyse() took {facts['analyse_s']:.1f} s)"
        )
        print(f"snapshot.read alone: {facts['read_s']:.2f} s")

        argv = [benchlib.PYTHON, __file__, "--child", str(path), "--presses", str(args.presses)]
        run = benchlib.run_child(argv, env=benchlib.dummy_aws_env(), timeout=600)
        if run.returncode != 0:
            print(run.stderr[-4000:])
            return 1
        figures = json.loads(run.stdout.strip().splitlines()[-1])

    print()
    print(
        f"open and paint the first frame: {figures['open_s']:.2f} s "
        f"({figures['regions_shown']} top-level nodes; "
        f"reading the file {figures['read_s']:.2f} s of it)"
    )
    print(
        f"expand {BIG_TYPE} in {BIG_REGION} ({BIG_COUNT:,} resources): "
        f"{1000 * figures['expand_s']:.0f} ms wall, {1000 * figures['expand_cpu_s']:.0f} ms CPU "
        f"({figures['leaves_shown']} leaves built)"
    )
    for name, label in (("cpu", "work (CPU) per key"), ("wall", "wall per key under Pilot")):
        print(
            f"{figures['keys']} key presses while scrolling, {label}: "
            f"p50 {figures[f'{name}_p50_ms']:.1f} ms, p95 {figures[f'{name}_p95_ms']:.1f} ms, "
            f"max {figures[f'{name}_max_ms']:.1f} ms ({figures[f'{name}_slowest']!r})"
        )
    print(f"peak memory of the app process: {run.peak_mb:.0f} MB")
    print()
    print("targets:")
    print(
        f"  open under {TARGET_OPEN_S:.0f} s: {benchlib.verdict(figures['open_s'] < TARGET_OPEN_S)}"
    )
    worst = max(figures["cpu_max_ms"], 1000 * figures["expand_cpu_s"])
    print(
        f"  every key press under {TARGET_KEY_MS:.0f} ms of work (expand included): "
        f"{benchlib.verdict(worst < TARGET_KEY_MS)} (worst {worst:.0f} ms)"
    )
    print(f"  under {TARGET_MB:.0f} MB: {benchlib.verdict(run.peak_mb < TARGET_MB)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
