"""A dead or half-working endpoint: retries are announced as they go out, every call has one
deadline for all its attempts, and a call that reaches it is a recorded failure, never silence.

Two kinds of silence, both on 127.0.0.1: a TCP server that accepts connections and never writes
a byte (the whole endpoint dead), and the resilience suite's fault proxy in front of moto holding
some requests unanswered (a dead region, or one API of a region). Timeouts are small (a call
timeout of 2 s, a read timeout of 0.5 s); elapsed times are checked only against generous bounds.
"""

from __future__ import annotations

import asyncio
import re
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from awsexplorer.cli import main
from awsexplorer.config import ScanConfig
from awsexplorer.model import CallError, RegionStatus, ScanResult
from awsexplorer.scan.collectors import all_collectors
from awsexplorer.scan.events import CallFailed, CallRetrying, RegionProgress, ScanEvent
from awsexplorer.scan.runner import Scanner
from awsexplorer.ui.labels import region_label
from awsexplorer.ui.state import ExplorerState

# The fault proxy lives with the resilience tests; the test directory is not on sys.path.
_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
from resilience.fault_proxy import Fault, FaultProxy, Rule  # noqa: E402

pytestmark = pytest.mark.timeout(120)

REGIONS = ("us-east-1", "eu-west-1")
SHORT = {"call_timeout": 2.0, "read_timeout": 0.5, "connect_timeout": 1.0, "max_attempts": 6}
# Collectors over several services (EC2 with more calls than one (service, region) may have in
# flight at once, SQS, Lambda, S3 global): the rest add time, not coverage.
COLLECTORS = (
    "ec2.vpcs",
    "ec2.subnets",
    "ec2.security_groups",
    "ec2.instances",
    "ec2.route_tables",
    "ec2.volumes",
    "ec2.network_acls",
    "ec2.nat_gateways",
    "ec2.elastic_ips",
    "ec2.internet_gateways",
    "sqs.queues",
    "lambda.functions",
    "s3.buckets",
)


class SilentServer:
    """Accepts TCP connections on 127.0.0.1 and never answers (nor closes them)."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self.accepted = 0
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, name="silent-server", daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            self._held.append(conn)
            self.accepted += 1

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(5)
        for conn in self._held:
            conn.close()
        self._sock.close()


@pytest.fixture
def seeded(aws: Callable[..., Any]) -> None:
    for region in REGIONS:
        ec2 = aws("ec2", region)
        vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")
        aws("sqs", region).create_queue(QueueName=f"jobs-{region}")


@pytest.fixture
def proxy(moto_url: str, seeded: None) -> Iterator[FaultProxy]:
    proxy = FaultProxy(moto_url).start()
    yield proxy
    proxy.stop()


def scan(config: ScanConfig) -> tuple[ScanResult, list[ScanEvent], float]:
    chosen = [c for c in all_collectors() if c.name in COLLECTORS]
    assert len(chosen) == len(COLLECTORS), "a collector was renamed: update COLLECTORS"
    events: list[ScanEvent] = []
    started = time.monotonic()
    # Bounded, so a scan that hangs fails the test instead of stalling the suite.
    result = asyncio.run(asyncio.wait_for(Scanner(config, events.append, chosen).run(), 90))
    return result, events, time.monotonic() - started


def config_for(url: str, **overrides: Any) -> ScanConfig:
    settings: dict[str, Any] = {
        "endpoint_url": url,
        "access_key": "testing",
        "secret_key": "testing",
        "home_region": "us-east-1",
        "regions": REGIONS,
        **SHORT,
    }
    settings.update(overrides)
    return ScanConfig(**settings)


def errors_of(result: ScanResult, region: str) -> list[CallError]:
    return [e for r in result.regions if r.name == region for e in r.errors]


def status_of(result: ScanResult, region: str) -> RegionStatus:
    return next(r.status for r in result.regions if r.name == region)


def names(result: ScanResult, region: str, type_: str) -> set[str]:
    return {r.name for r in result.resources if r.region == region and r.type == type_}


def test_a_dead_region_is_retried_aloud_then_recorded_within_its_deadline(
    proxy: FaultProxy,
) -> None:
    proxy.add(Rule(Fault.HANG, region="eu-west-1"))

    # Roomier than SHORT: the healthy region must not time out on a busy machine.
    result, events, elapsed = scan(config_for(proxy.url, call_timeout=5.0, read_timeout=1.5))

    # Retries were announced as they went out, for the dead region, with the reason.
    retries = [e for e in events if isinstance(e, CallRetrying) and e.region == "eu-west-1"]
    assert retries, "no retry was announced"
    assert all(e.attempt >= 2 and e.max_attempts == 6 for e in retries)
    assert {e.reason for e in retries} == {"ReadTimeoutError"}
    # Each retry comes before the failure of its call.
    failed_at = {
        (e.error.service, e.error.operation): i
        for i, e in enumerate(events)
        if isinstance(e, CallFailed)
    }
    for i, retry in enumerate(events):
        if isinstance(retry, CallRetrying) and retry.region == "eu-west-1":
            assert failed_at[(retry.service, retry.operation)] > i

    # Every call there is a recorded failure: the ones sent reached the deadline, and the EC2
    # calls queued behind them were not sent once EC2 there had answered nothing.
    errors = errors_of(result, "eu-west-1")
    codes = {e.code for e in errors}
    assert codes == {"DeadlineExceeded", "EndpointUnresponsive"}, errors
    deadline = [e for e in errors if e.code == "DeadlineExceeded"]
    assert {e.service for e in deadline} >= {"ec2", "sqs", "lambda"}
    for error in deadline:
        assert "no answer within 5 s" in error.message
        assert "--call-timeout SECONDS" in error.message
    assert all(e.service == "ec2" for e in errors if e.code == "EndpointUnresponsive")
    assert status_of(result, "eu-west-1") is RegionStatus.PARTIAL
    assert not names(result, "eu-west-1", "sqs:queue")

    # The other region and the global services are complete.
    assert errors_of(result, "us-east-1") == [] and errors_of(result, "global") == []
    assert status_of(result, "us-east-1") is RegionStatus.OK
    assert names(result, "us-east-1", "sqs:queue") == {"jobs-us-east-1"}
    assert len(names(result, "us-east-1", "ec2:subnet")) >= 1

    # A deadline per call, not per attempt: seconds, not read_timeout x max_attempts per call
    # in rounds of eight (no tight timing: this only proves the scan ended).
    assert elapsed < 60


def test_one_silent_api_in_a_half_working_region_costs_one_deadline(
    proxy: FaultProxy,
) -> None:
    rule = proxy.add(Rule(Fault.HANG, service="ec2", region="eu-west-1", operation="DescribeVpcs"))

    result, events, elapsed = scan(config_for(proxy.url, call_timeout=5.0, read_timeout=1.5))

    retried = {(e.region, e.operation) for e in events if isinstance(e, CallRetrying)}
    assert ("eu-west-1", "DescribeVpcs") in retried
    assert len(proxy.calls_like(rule)) >= 2  # tried again before the deadline
    errors = errors_of(result, "eu-west-1")
    assert [(e.service, e.operation, e.code) for e in errors] == [
        ("ec2", "DescribeVpcs", "DeadlineExceeded")
    ]
    assert "5 s" in errors[0].message and "--call-timeout" in errors[0].message
    # EC2 there answered its other calls: nothing else was given up on.
    assert names(result, "eu-west-1", "sqs:queue") == {"jobs-eu-west-1"}
    assert len(names(result, "eu-west-1", "ec2:subnet")) >= 1
    assert not [r for r in result.resources if r.type == "ec2:vpc" and r.region == "eu-west-1"]
    assert [r for r in result.resources if r.type == "ec2:vpc" and r.region == "us-east-1"]
    assert errors_of(result, "us-east-1") == []
    assert elapsed < 60


def test_an_endpoint_that_never_answers_is_a_clear_error_from_the_cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with SilentServer() as server:
        started = time.monotonic()
        # Roomy enough for the first call's set-up on a busy machine to leave time for a retry.
        code = main(["scan", "--endpoint-url", server.url, "--call-timeout", "6"])
        elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert server.accepted >= 1  # it was reached (a retry may still be queued when time is up)
    assert code == 2
    # One line per retry, as it went out...
    retry_lines = [line for line in err.splitlines() if line.startswith("retrying ")]
    assert retry_lines, err
    # The alias and the regions are asked for with the identity (#18), so their retries may
    # be announced too, in any order; the identity's is among them.
    assert (
        "retrying sts:GetCallerIdentity in global (attempt 2 of 6, after ReadTimeoutError)"
        in retry_lines
    ), retry_lines
    startup = ("sts:GetCallerIdentity", "iam:ListAccountAliases", "ec2:DescribeRegions")
    assert all(line.split()[1] in startup for line in retry_lines), retry_lines
    # ...then the failure, naming the deadline and the flag that changes it.
    assert "no answer within 6 s" in err and "--call-timeout SECONDS" in err
    assert elapsed < 60


def test_the_cli_prints_each_retry_and_exits_partial(
    proxy: FaultProxy, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    proxy.add(Rule(Fault.HANG, service="sqs", region="eu-west-1"))

    code = main(
        ["scan", "--endpoint-url", proxy.url, "--region", ",".join(REGIONS), "--call-timeout", "4"]
    )

    captured = capsys.readouterr()
    assert code == 3
    retry_lines = [line for line in captured.err.splitlines() if line.startswith("retrying ")]
    assert retry_lines, captured.err
    # (A busy machine may make moto slow enough for other calls to be retried too.)
    wanted = "retrying sqs:ListQueues in eu-west-1 (attempt 2 of 6, after ReadTimeoutError)"
    assert wanted in retry_lines
    pattern = re.compile(r"retrying \w+:\w+ in [a-z0-9-]+ \(attempt \d of 6, after [\w ]+\)")
    assert all(pattern.fullmatch(line) for line in retry_lines), retry_lines
    assert "DeadlineExceeded" in captured.out


def test_the_region_label_says_retrying_until_the_region_moves_on() -> None:
    state = ExplorerState()
    state.apply(RegionProgress("eu-west-1", RegionStatus.SCANNING, 3, 14, 0))
    assert "retrying" not in region_label(state.regions["eu-west-1"], 0, Counter()).plain

    changed = state.apply(
        CallRetrying("eu-west-1", "ec2", "DescribeVpcs", 2, 6, "ReadTimeoutError")
    )

    assert changed == {"eu-west-1"}
    label = region_label(state.regions["eu-west-1"], 0, Counter()).plain
    assert label == "eu-west-1  scanning 3/14  retrying"
    state.apply(RegionProgress("eu-west-1", RegionStatus.SCANNING, 4, 14, 0))
    assert "retrying" not in region_label(state.regions["eu-west-1"], 0, Counter()).plain
