"""Fixtures for the resilience tests: one seeded account, its fault-free scan, and the proxy.

The account is seeded once per module on the shared moto server (tests/scan/seeding.py's `seeding`:
the environment scrub, a moto reset and the client factory), and scanned once without faults:
every faulty scan is compared with that one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from awsexplorer.config import ScanConfig
from awsexplorer.model import ScanResult
from awsexplorer.scan.collectors import all_collectors
from awsexplorer.scan.collectors.base import Collector
from awsexplorer.scan.runner import Scanner
from resilience.fault_proxy import FaultProxy
from tests.scan.seeding import Client, scan_config, seeding

REGIONS = ("us-east-1", "eu-west-1")
# Small timeouts and few attempts: a fault must cost seconds, never minutes.
FAST = {"max_attempts": 4, "connect_timeout": 2.0, "read_timeout": 2.0}
# The collectors these tests exercise: every protocol (EC2, query, JSON, REST-JSON, REST-XML),
# global and regional, paged and not. The rest add time, not coverage of fault handling.
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
    "sqs.queues",
    "lambda.functions",
    "s3.buckets",
)


def collectors() -> list[Collector]:
    chosen = [c for c in all_collectors() if c.name in COLLECTORS]
    assert len(chosen) == len(COLLECTORS), "a collector was renamed: update COLLECTORS"
    return chosen


def run_scan(config: ScanConfig, timeout: float = 45.0) -> ScanResult:
    """One scan, bounded: a scan that hangs fails the test instead of stalling the suite."""
    return asyncio.run(asyncio.wait_for(Scanner(config, None, collectors()).run(), timeout))


@dataclass(frozen=True)
class Account:
    moto_url: str
    baseline: ScanResult  # the fault-free scan


def _seed(client: Client) -> None:
    iam = client("iam", "us-east-1")
    iam.create_user(UserName="alice")
    for region in REGIONS:
        ec2 = client("ec2", region)
        vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
        group = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)
        ec2.run_instances(
            ImageId="ami-12c6146b",
            MinCount=1,
            MaxCount=1,
            SubnetId=subnet,
            SecurityGroupIds=[group["GroupId"]],
        )
        client("sqs", region).create_queue(QueueName=f"jobs-{region}")
        s3 = client("s3", region)
        bucket: dict[str, Any] = {"Bucket": f"data-{region}"}
        if region != "us-east-1":
            bucket["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**bucket)


@pytest.fixture(scope="module")
def account(moto_server: str) -> Iterator[Account]:
    with seeding(moto_server) as client:
        _seed(client)
        baseline = run_scan(config_for(moto_server))
    assert baseline.complete, [e for r in baseline.regions for e in r.errors]
    yield Account(moto_server, baseline)


def config_for(url: str, **overrides: Any) -> ScanConfig:
    return scan_config(url, REGIONS, **{**FAST, **overrides})


@pytest.fixture
def proxy(account: Account) -> Iterator[FaultProxy]:
    proxy = FaultProxy(account.moto_url).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def scan_through(proxy: FaultProxy) -> Callable[..., ScanResult]:
    """Scan the account through the proxy with the given ScanConfig overrides."""

    def run(**overrides: Any) -> ScanResult:
        return run_scan(config_for(proxy.url, **overrides))

    return run
