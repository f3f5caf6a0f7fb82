"""One account's regions dealt over worker processes (issue 18, "use every core").

A scan with `processes` > 1 runs the global collectors and a share of the regions in this
process and the other regions in worker processes (each the ordinary async scanner), merging
their events here. It must give the result of a scan in one process: the same resources,
findings, region statuses and errors, IAM and S3 read once; progress per collector, as it
happens; and the read-only guard on every worker's clients.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from awsexplorer import snapshot
from awsexplorer.checks import analyse
from awsexplorer.model import GLOBAL_REGION, Resource, ScanResult
from awsexplorer.scan import runner
from awsexplorer.scan.collectors.base import CollectContext, Collector, Scope
from awsexplorer.scan.events import (
    RegionProgress,
    ResourcesFound,
    ScanEvent,
    ScanFinished,
    ScanStarted,
)
from awsexplorer.scan.guard import ReadOnlyViolation
from awsexplorer.scan.runner import Scanner, deal_regions, region_processes, share_config
from tests.scan.seeding import scan_config, seeding

# The fault proxy lives with the resilience tests; the test directory is not on sys.path.
_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
from resilience.fault_proxy import Fault, FaultProxy, Rule  # noqa: E402

REGIONS = ("eu-west-1", "us-west-2", "ap-southeast-2", "sa-east-1")
# Scanned in the plan's (sorted) order and dealt over 3 processes: this one scans
# ap-southeast-2 and us-west-2, the workers eu-west-1 and sa-east-1. A worker's region refuses
# us as a whole (failed), another's denies one call (partial), and so does one of this
# process's: the merged statuses and errors must be one process's.
REFUSED, DENIED_IN_WORKER, DENIED_HERE = "sa-east-1", "eu-west-1", "us-west-2"


def _seed(client: Any) -> None:
    for n, region in enumerate(REGIONS[:3]):
        ec2 = client("ec2", region)
        vpc = ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"]
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.1.0/24")
        group = ec2.create_security_group(GroupName=f"open-{n}", Description="d", VpcId=vpc)
        ec2.authorize_security_group_ingress(
            GroupId=group["GroupId"],
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 22,
                    "ToPort": 22,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                }
            ],
        )
        client("sqs", region).create_queue(QueueName=f"jobs-{n}")
        client("s3", region).create_bucket(
            Bucket=f"pool-bucket-{n}",
            **(
                {"CreateBucketConfiguration": {"LocationConstraint": region}}
                if region != "us-east-1"
                else {}
            ),
        )
    iam = client("iam")
    for name in ("alice", "bob"):
        iam.create_user(UserName=name)


def _scan(
    endpoint: str, processes: int
) -> tuple[ScanResult, list[ScanEvent], Scanner, dict[str, Any]]:
    events: list[ScanEvent] = []
    scanner = Scanner(scan_config(endpoint, REGIONS), events.append, processes=processes)
    done = asyncio.run(scanner.run())
    document = snapshot.to_dict(analyse(done))
    for key in ("started_at", "finished_at"):
        document.pop(key)
    return done, events, scanner, document


@pytest.fixture(scope="module")
def scans(moto_server: str) -> Iterator[dict[int, Any]]:
    """The seeded account scanned in one process, then with its regions over three, through a
    proxy that refuses one region and denies two calls."""
    with seeding(moto_server) as client:
        _seed(client)
        proxy = FaultProxy(moto_server).start()
        try:
            proxy.add(Rule(Fault.ERROR, region=REFUSED, code="AuthFailure", status=401))
            for region in (DENIED_IN_WORKER, DENIED_HERE):
                proxy.add(
                    Rule(
                        Fault.ERROR,
                        service="ec2",
                        region=region,
                        operation="DescribeSubnets",
                        code="UnauthorizedOperation",
                        status=403,
                    )
                )
            yield {n: _scan(proxy.url, n) for n in (1, 3)}
        finally:
            proxy.stop()


def test_same_result_as_one_process(scans: dict[int, Any]) -> None:
    one, many = scans[1][3], scans[3][3]
    assert one["resources"], "the seed was not found"
    assert {r["region"] for r in one["resources"]} >= {GLOBAL_REGION, *REGIONS[:3]}
    assert one["findings"], "the open security groups were not judged"
    status = {r["name"]: r["status"] for r in one["accounts"][0]["regions"]}
    assert status[REFUSED] == "failed"
    assert status[DENIED_IN_WORKER] == status[DENIED_HERE] == "partial"
    # Resources (sorted as a snapshot sorts them), findings, regions with their status and
    # errors, checks: all the same, but for which calls of the refused region had gone out
    # before its first refusal came back (as many as were in flight: timing, in one process
    # too), and the checks' reasons that list them.
    assert _comparable(many) == _comparable(one)
    for document in (one, many):
        (refused,) = [r for r in document["accounts"][0]["regions"] if r["name"] == REFUSED]
        assert refused["errors"] and {e["code"] for e in refused["errors"]} == {"AuthFailure"}


def _comparable(document: dict[str, Any]) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(document))
    for account in copy["accounts"]:
        for region in account["regions"]:
            if region["name"] == REFUSED:
                region["errors"] = "refused"
    for check in copy["checks"]:
        if REFUSED in (check.get("reason") or ""):
            check["reason"] = "refused"
    return copy


def test_global_resources_read_once(scans: dict[int, Any]) -> None:
    result: ScanResult = scans[3][0]
    keys = Counter((r.type, r.region, r.id) for r in result.resources)
    assert [k for k, n in keys.items() if n > 1] == []
    users = sorted(r.name for r in result.resources if r.type == "iam:user")
    assert users == ["alice", "bob"]
    buckets = sorted(r.name for r in result.resources if r.type == "s3:bucket")
    assert buckets == ["pool-bucket-0", "pool-bucket-1", "pool-bucket-2"]
    # The same calls were sent, the workers' included (each (caller, client, operation)).
    assert scans[3][2].calls_sent == scans[1][2].calls_sent


def test_events_arrive_per_collector_as_in_one_process(scans: dict[int, Any]) -> None:
    events: list[ScanEvent] = scans[3][1]
    assert isinstance(events[0], ScanStarted)
    assert isinstance(events[-1], ScanFinished)
    assert sum(isinstance(e, ScanFinished) for e in events) == 1
    assert events[0].regions == [GLOBAL_REGION, *sorted(REGIONS)]
    # Every region's progress, collector by collector (0 of N ... N of N), as in one process:
    # the workers' progress comes back as it happens, not in one lump at the end.
    progress = {(e.region, e.done, e.total) for e in events if isinstance(e, RegionProgress)}
    totals = {e.region: e.total for e in events if isinstance(e, RegionProgress)}
    assert set(totals) == {GLOBAL_REGION, *REGIONS}
    assert progress == {(r, k, t) for r, t in totals.items() for k in range(t + 1)}
    one_totals = {e.region: e.total for e in scans[1][1] if isinstance(e, RegionProgress)}
    assert totals == one_totals
    # Every resource of the result was announced once, before the end.
    found = [r for e in events if isinstance(e, ResourcesFound) for r in e.resources]
    result = scans[3][0]
    assert sorted((r.type, r.region, r.id) for r in found) == sorted(
        (r.type, r.region, r.id) for r in result.resources
    )
    # The result's regions are all finished.
    assert all(r.status.value != "scanning" for r in result.regions)


def _writer(parent: int) -> Collector:
    async def try_to_write(ctx: CollectContext) -> list[Resource]:
        ec2 = await ctx.pool.get("ec2", ctx.client_region)
        try:
            await ec2.create_vpc(CidrBlock="10.99.0.0/16")
            outcome = "sent"
        except ReadOnlyViolation:
            outcome = "refused"
        where = "parent" if os.getpid() == parent else "worker"
        name = f"{outcome} in {where}"
        return [Resource(f"arn:test:{ctx.region}", "test:probe", ctx.region, name, ctx.region)]

    return Collector("pool_writer", "ec2", Scope.REGIONAL, (), ("test:probe",), try_to_write)


def test_the_read_only_guard_holds_in_workers(
    moto_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A collector that tries to create a VPC, in every region: refused everywhere, in this
    process and in the workers (forked, they run the same collectors), and nothing created."""
    writer = _writer(os.getpid())
    monkeypatch.setattr(runner, "all_collectors", lambda: [writer])
    with seeding(moto_server) as client:
        config = scan_config(moto_server, REGIONS)
        result = asyncio.run(runner.scan(config, processes=2))
        probes = {r.region: r.name for r in result.resources if r.type == "test:probe"}
        vpcs = [
            v
            for region in REGIONS
            for v in client("ec2", region).describe_vpcs()["Vpcs"]
            if v["CidrBlock"] == "10.99.0.0/16"
        ]
    if multiprocessing.get_start_method() == "fork":
        shares = deal_regions(sorted(REGIONS), 2)  # the plan's order
        assert probes == {
            **{r: "refused in parent" for r in shares[0]},
            **{r: "refused in worker" for r in shares[1]},
        }
    else:  # a worker started afresh runs the real collectors, not this test's
        assert set(probes.values()) == {"refused in parent"}
    assert vpcs == []


def test_processes_and_shares() -> None:
    assert region_processes(1, 4) == 1  # never more processes than regions
    assert region_processes(17, 2) == 2
    assert region_processes(17, 0) == 1
    assert region_processes(17, None) == runner.DEFAULT_REGION_PROCESSES == 1  # measured
    assert deal_regions(["a", "b", "c", "d", "e"], 2) == [["a", "c", "e"], ["b", "d"]]
    assert deal_regions([], 3) == [[]]
    config = scan_config("http://127.0.0.1:1", ())
    assert share_config(config, 2).max_in_flight == config.max_in_flight // 2
    assert share_config(config, 1000).max_in_flight == runner.MIN_SHARE_IN_FLIGHT
    # Workers find collectors by name in the registry and make credentials from config: a
    # scan given its own collectors or session stays in one process.
    assert Scanner(config, processes=3)._processes == 3
    assert Scanner(config, collectors=[], processes=3)._processes == 1


def test_worker_events_arrive_while_this_process_still_scans(
    moto_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TUI paints results as they come: a worker's region is shown done while this
    process is still scanning, not at the end. A global collector (global collectors run in
    this process) waits, up to 60 s, until the listener has heard the worker's region finish:
    were the workers' events applied only once this process's own jobs are done (with the
    result), it would wait in vain."""
    (vpcs,) = [c for c in runner.all_collectors() if "ec2:vpc" in c.types]
    events: list[ScanEvent] = []
    heard = threading.Event()

    def listen(event: ScanEvent) -> None:
        events.append(event)
        if (
            isinstance(event, RegionProgress)
            and event.region == "us-west-2"
            and event.done == event.total
        ):
            heard.set()

    async def waits(ctx: CollectContext) -> list[Resource]:
        deadline = time.monotonic() + 60
        while not heard.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        outcome = "heard" if heard.is_set() else "not heard"
        return [Resource("arn:test:wait", "test:wait", "wait", outcome, GLOBAL_REGION)]

    waiter = Collector("pool_wait", "iam", Scope.GLOBAL, (), ("test:wait",), waits)
    monkeypatch.setattr(runner, "all_collectors", lambda: [vpcs, waiter])
    with seeding(moto_server) as client:
        client("ec2", "us-west-2").create_vpc(CidrBlock="10.7.0.0/16")
        config = scan_config(moto_server, ("eu-west-1", "us-west-2"))
        result = asyncio.run(runner.scan(config, listen, processes=2))
    # eu-west-1 is this process's (with the global collectors), us-west-2 the worker's.
    assert deal_regions(["eu-west-1", "us-west-2"], 2) == [["eu-west-1"], ["us-west-2"]]
    assert [r.name for r in result.resources if r.type == "test:wait"] == ["heard"]

    def finished(region: str) -> int:
        return next(
            n
            for n, e in enumerate(events)
            if isinstance(e, RegionProgress) and e.region == region and e.done == e.total
        )

    assert finished("us-west-2") < finished(GLOBAL_REGION)
    found = [
        n
        for n, e in enumerate(events)
        if isinstance(e, ResourcesFound)
        and e.region == "us-west-2"
        and any(r.type == "ec2:vpc" for r in e.resources)
    ]
    assert found and found[0] < finished(GLOBAL_REGION)


def test_the_tui_runner_takes_a_scan_over_processes(moto_server: str) -> None:
    """ui/scanning.run_scan (the TUI's worker thread) with the regions over two processes:
    the same resources as one process, and the events handed over before the end."""
    from awsexplorer.ui.scanning import run_scan

    with seeding(moto_server) as client:
        _seed(client)
        config = scan_config(moto_server, REGIONS[:3])
        results = {}
        for processes in (1, 2):
            events: list[Any] = []

            async def scan(c: Any, on_event: Any, n: int = processes) -> ScanResult:
                return await runner.scan(c, on_event, processes=n)

            result = run_scan(lambda: config, events.append, lambda: False, scan)
            assert result is not None
            assert isinstance(events[0], ScanStarted) and isinstance(events[-1], ScanFinished)
            assert sum(isinstance(e, ResourcesFound) for e in events) > 10
            results[processes] = sorted((r.type, r.region, r.id) for r in result.resources)
    assert results[2] == results[1]


def test_a_result_a_worker_cannot_send_fails_the_scan_not_silently(
    moto_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resource that cannot cross to the parent (here: a function in its attributes) ends
    the scan with the reason, never a merged result that silently lacks it."""
    parent = os.getpid()

    async def odd(ctx: CollectContext) -> list[Resource]:
        resource = Resource(f"arn:test:{ctx.region}", "test:odd", ctx.region, "odd", ctx.region)
        if os.getpid() != parent:
            resource.attributes["unsendable"] = lambda: None
        return [resource]

    collector = Collector("pool_odd", "ec2", Scope.REGIONAL, (), ("test:odd",), odd)
    monkeypatch.setattr(runner, "all_collectors", lambda: [collector])
    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the workers run this test's collector only when forked")
    with seeding(moto_server):
        config = scan_config(moto_server, ("eu-west-1", "us-west-2"))
        with pytest.raises(Exception, match="pickle"):
            asyncio.run(runner.scan(config, processes=2))
