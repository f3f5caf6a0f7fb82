"""The scan under throttling, server errors, resets, timeouts and partial access.

Each test spoils some requests at the proxy and compares the scan with the fault-free one:
everything that could be read is there, every failure is recorded with its service, region,
operation and code, retried calls succeed, the scan finishes within its timeouts, and the
proxy saw nothing but reads.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from awsexplorer.cli import main
from awsexplorer.model import CallError, RegionStatus, Resource, ScanResult
from awsexplorer.scan.guard import ReadOnlyViolation, is_allowed
from awsexplorer.scan.session import ClientPool, make_session
from resilience.conftest import REGIONS, Account, config_for
from resilience.fault_proxy import REGION_REFUSAL, Fault, FaultProxy, Rule

pytestmark = pytest.mark.timeout(60)

Lost = Callable[[Resource], bool]


def _nothing(_: Resource) -> bool:
    return False


def assert_everything_readable_is_there(
    baseline: ScanResult, result: ScanResult, may_be_lost: Lost = _nothing
) -> None:
    """Every resource of the fault-free scan is present unless the fault hid it; none invented."""
    got = {r.arn: r for r in result.resources}
    want = {r.arn: r for r in baseline.resources}
    missing = sorted(arn for arn, r in want.items() if arn not in got and not may_be_lost(r))
    assert not missing, f"lost although readable: {missing}"
    invented = sorted(set(got) - set(want))
    assert not invented, f"not in the fault-free scan: {invented}"
    for arn, resource in got.items():
        assert (resource.type, resource.region) == (want[arn].type, want[arn].region)


def assert_read_only(proxy: FaultProxy) -> None:
    """The proxy saw only reads, faults or not: the guard holds under all of it."""
    assert proxy.calls, "the proxy saw no traffic"
    for call in proxy.calls:
        if call.protocol in ("rest-xml", "rest-json"):
            assert call.method in ("GET", "HEAD"), call
        else:
            assert is_allowed(call.service, call.operation), call


def errors_of(result: ScanResult) -> list[CallError]:
    return [e for r in result.regions for e in r.errors]


def status_of(result: ScanResult, region: str) -> RegionStatus:
    return next(r.status for r in result.regions if r.name == region)


# -- transient faults: retried, and the scan is complete ------------------------------------


TRANSIENT = {
    # EC2's own throttling code, in EC2's XML error format.
    "ec2-RequestLimitExceeded": Rule(
        Fault.ERROR, "ec2", "us-east-1", "DescribeVpcs", "RequestLimitExceeded", 503
    ),
    # JSON protocol (SQS): ThrottlingException.
    "sqs-ThrottlingException": Rule(
        Fault.ERROR, "sqs", "eu-west-1", "ListQueues", "ThrottlingException"
    ),
    # Query protocol (IAM): Throttling.
    "iam-Throttling": Rule(Fault.ERROR, "iam", None, "ListAccountAliases", "Throttling"),
    # REST-JSON (Lambda): HTTP 429 with its code.
    "lambda-429-TooManyRequests": Rule(
        Fault.ERROR, "lambda", "eu-west-1", None, "TooManyRequestsException", 429
    ),
    # Bare HTTP statuses, as a load balancer in front of an API sends them.
    "http-429-bare": Rule(Fault.STATUS, "sqs", "us-east-1", "ListQueues", status=429),
    "http-503": Rule(Fault.STATUS, "ec2", "us-east-1", "DescribeInstances", status=503),
    "http-500": Rule(Fault.STATUS, "ec2", "eu-west-1", "DescribeRouteTables", status=500),
    "connection-reset": Rule(Fault.RESET, "ec2", "us-east-1", "DescribeSecurityGroups"),
}


@pytest.mark.parametrize("name", list(TRANSIENT))
def test_a_transient_fault_is_retried_and_the_scan_is_complete(
    account: Account,
    proxy: FaultProxy,
    scan_through: Callable[..., ScanResult],
    name: str,
) -> None:
    # Fails once, then answers (one retry keeps the test fast: standard mode backs off ~1 s).
    rule = proxy.add(replace(TRANSIENT[name], times=1))

    result = scan_through()

    assert rule.fired == 1
    tries = proxy.calls_like(rule)
    assert [c.fault is not None for c in tries] == [True, False], tries
    assert result.complete, errors_of(result)
    assert errors_of(result) == []
    assert_everything_readable_is_there(account.baseline, result)
    assert len(result.resources) == len(account.baseline.resources)
    assert_read_only(proxy)


def test_many_apis_throttled_at_once_all_recover(
    account: Account, proxy: FaultProxy, scan_through: Callable[..., ScanResult]
) -> None:
    # The first request of every (service, region) is throttled: the scan's burst at start-up.
    for service in ("ec2", "sqs", "s3", "iam", "lambda", "sts"):
        for region in REGIONS:
            code = "RequestLimitExceeded" if service == "ec2" else "Throttling"
            proxy.add(Rule(Fault.ERROR, service, region, code=code, times=1))

    result = scan_through()

    assert any(c.fault for c in proxy.calls)
    assert result.complete, errors_of(result)
    assert_everything_readable_is_there(account.baseline, result)
    assert len(result.resources) == len(account.baseline.resources)
    assert_read_only(proxy)


# -- persistent faults: recorded, the rest is there, the scan says partial -----------------


def test_persistent_throttling_is_recorded_and_the_rest_is_read(
    account: Account, proxy: FaultProxy, scan_through: Callable[..., ScanResult]
) -> None:
    rule = proxy.add(
        Rule(Fault.ERROR, "ec2", "eu-west-1", "DescribeInstances", "RequestLimitExceeded", 503)
    )

    result = scan_through(max_attempts=3)

    assert len(proxy.calls_like(rule)) == 3  # max_attempts counts every attempt, the first too
    assert CallError(
        "eu-west-1",
        "ec2",
        "DescribeInstances",
        "RequestLimitExceeded",
        "injected RequestLimitExceeded",
    ) in errors_of(result)
    assert status_of(result, "eu-west-1") is RegionStatus.PARTIAL
    assert status_of(result, "us-east-1") is RegionStatus.OK
    assert not result.complete
    assert_everything_readable_is_there(
        account.baseline,
        result,
        lambda r: r.type == "ec2:instance" and r.region == "eu-west-1",
    )
    assert_read_only(proxy)


def test_a_response_slower_than_the_read_timeout_is_recorded_not_waited_for(
    account: Account, proxy: FaultProxy, scan_through: Callable[..., ScanResult]
) -> None:
    rule = proxy.add(Rule(Fault.SLOW, "ec2", "us-east-1", "DescribeVolumes", delay=30.0))

    started = time.monotonic()
    result = scan_through(read_timeout=0.5, max_attempts=2)
    elapsed = time.monotonic() - started

    # Two attempts of 0.5 s and a back-off, not the 30 s the server would take for one.
    assert elapsed < 20.0
    assert len(proxy.calls_like(rule)) == 2
    failures = [e for e in errors_of(result) if e.operation == "DescribeVolumes"]
    assert [(e.region, e.service, e.code) for e in failures] == [
        ("us-east-1", "ec2", "ReadTimeoutError")
    ]
    assert status_of(result, "us-east-1") is RegionStatus.PARTIAL
    assert_everything_readable_is_there(
        account.baseline,
        result,
        lambda r: r.type == "ec2:volume" and r.region == "us-east-1",
    )
    assert_read_only(proxy)


def test_access_denied_for_one_service_in_one_region(
    account: Account, proxy: FaultProxy, scan_through: Callable[..., ScanResult]
) -> None:
    proxy.add(Rule(Fault.ERROR, "sqs", "eu-west-1", code="AccessDenied", status=400))

    result = scan_through()
    list_queues = Rule(Fault.ERROR, "sqs", "eu-west-1", "ListQueues")

    denied = [e for e in errors_of(result) if e.code == "AccessDenied"]
    assert denied, "the denial was not recorded"
    assert {(e.region, e.service) for e in denied} == {("eu-west-1", "sqs")}
    assert "ListQueues" in {e.operation for e in denied}
    assert len(proxy.calls_like(list_queues)) == 1  # not a retryable error
    assert status_of(result, "eu-west-1") is RegionStatus.PARTIAL
    assert status_of(result, "us-east-1") is RegionStatus.OK
    # The same service elsewhere, and every other service there, is read in full.
    assert any(r.type == "sqs:queue" and r.region == "us-east-1" for r in result.resources)
    assert_everything_readable_is_there(
        account.baseline,
        result,
        lambda r: r.service == "sqs" and r.region == "eu-west-1",
    )
    assert_read_only(proxy)


def test_auth_failure_for_a_whole_region_marks_it_failed(
    account: Account, proxy: FaultProxy, scan_through: Callable[..., ScanResult]
) -> None:
    proxy.refuse_regions.add("eu-west-1")

    result = scan_through()

    eu = next(r for r in result.regions if r.name == "eu-west-1")
    assert eu.status is RegionStatus.FAILED
    # The first refusal names the reason: AuthFailure from EC2, its peers from other services.
    assert eu.reason and eu.reason.split(":")[0] in {code for code, _ in REGION_REFUSAL.values()}
    assert {e.region for e in errors_of(result)} == {"eu-west-1"}
    assert status_of(result, "us-east-1") is RegionStatus.OK
    leaked = [r for r in result.resources if r.region == "eu-west-1" and r.service != "s3"]
    assert not leaked
    assert_everything_readable_is_there(account.baseline, result, lambda r: r.region == "eu-west-1")
    # Once refused, the region is not hammered: far fewer calls than a full region scan.
    full = len([c for c in proxy.calls if c.region == "us-east-1"])
    assert len([c for c in proxy.calls if c.region == "eu-west-1"]) < full
    assert_read_only(proxy)


def test_every_failure_is_recorded_with_service_region_operation_and_code(
    account: Account, proxy: FaultProxy, scan_through: Callable[..., ScanResult]
) -> None:
    faults = [
        Rule(Fault.ERROR, "ec2", "us-east-1", "DescribeNatGateways", "UnauthorizedOperation", 403),
        Rule(Fault.STATUS, "ec2", "eu-west-1", "DescribeNetworkAcls", status=500),
        Rule(Fault.RESET, "ec2", "eu-west-1", "DescribeAddresses"),
    ]
    for rule in faults:
        proxy.add(rule)

    result = scan_through(max_attempts=2)

    recorded = {(e.region, e.service, e.operation): e.code for e in errors_of(result)}
    assert recorded[("us-east-1", "ec2", "DescribeNatGateways")] == "UnauthorizedOperation"
    assert recorded[("eu-west-1", "ec2", "DescribeNetworkAcls")] == "500"  # no AWS code: the status
    assert recorded[("eu-west-1", "ec2", "DescribeAddresses")]  # the connection error's name
    assert len(recorded) == 3, recorded
    for error in errors_of(result):
        assert error.message, error
    assert_everything_readable_is_there(
        account.baseline,
        result,
        lambda r: (
            (r.region, r.type)
            in {
                ("us-east-1", "ec2:natgateway"),
                ("eu-west-1", "ec2:network-acl"),
                ("eu-west-1", "ec2:elastic-ip"),
            }
        ),
    )
    assert_read_only(proxy)


# -- the command line says "partial" ---------------------------------------------------------


def test_the_cli_exits_3_and_still_writes_the_snapshot(
    account: Account,
    proxy: FaultProxy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    proxy.add(Rule(Fault.ERROR, "sqs", "eu-west-1", code="AccessDenied", status=400))
    proxy.add(
        Rule(Fault.ERROR, "ec2", "us-east-1", "DescribeVpcs", "RequestLimitExceeded", times=1)
    )
    out = tmp_path / "scan.json"

    code = main(
        [
            "scan",
            "--endpoint-url",
            proxy.url,
            "--region",
            "us-east-1",
            "--region",
            "eu-west-1",
            "--output",
            str(out),
            "--format",
            "text",
        ]
    )

    assert code == 3
    assert "Traceback" not in capsys.readouterr().err
    document = json.loads(out.read_text())
    (scanned,) = document["accounts"]  # snapshot version 2: each account holds its regions
    regions = {r["name"]: r for r in scanned["regions"]}
    assert regions["eu-west-1"]["status"] == "partial"
    assert {e["service"] for e in regions["eu-west-1"]["errors"]} == {"sqs"}
    assert {e["code"] for e in regions["eu-west-1"]["errors"]} == {"AccessDenied"}
    assert regions["us-east-1"]["status"] == "ok"  # the throttled DescribeVpcs was retried
    assert len(document["resources"]) >= len(account.baseline.resources) - 1
    assert_read_only(proxy)


# -- the guard under faults ------------------------------------------------------------------


def test_the_guard_holds_when_the_network_misbehaves(account: Account, proxy: FaultProxy) -> None:
    proxy.add(Rule(Fault.RESET, times=1))
    proxy.add(Rule(Fault.STATUS, status=503, times=1))

    async def attempt() -> None:
        config = config_for(proxy.url)
        async with ClientPool(make_session(config), config) as pool:
            ec2 = await pool.get("ec2", "us-east-1")
            await ec2.describe_vpcs()  # a read gets through, after the reset and the 503
            with pytest.raises(ReadOnlyViolation):
                await ec2.terminate_instances(InstanceIds=["i-0123456789abcdef0"])
            s3 = await pool.get("s3", "us-east-1")
            with pytest.raises(ReadOnlyViolation):
                await s3.delete_bucket(Bucket="data-us-east-1")

    asyncio.run(asyncio.wait_for(attempt(), 30))

    operations = [c.operation for c in proxy.calls]
    assert operations == ["DescribeVpcs"] * 3
    assert_read_only(proxy)
