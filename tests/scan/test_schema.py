"""Collectors write what their record in model/kinds.py declares, checked per type on moto.

The seeded test runs first: resetting the shared moto server also empties the demo's backends
(one moto per process), which demo_config() then seeds again.

The demo account has one or more of nearly every type; the few it lacks (the rarer VPC gateways,
a budget) are seeded on the shared moto server. Between the two scans every record is produced,
and every resource of every type passes `schema_problems`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from awsexplorer.checks import analyse
from awsexplorer.model import ScanResult
from awsexplorer.model.kinds import REGISTRY, is_catch_all, schema_problems
from awsexplorer.scan.collectors import all_collectors
from awsexplorer.scan.runner import scan

ACCOUNT = "123456789012"
# The types the demo does not seed, seeded here instead.
NOT_IN_THE_DEMO = {
    "ec2:egress-only-internet-gateway",
    "ec2:vpc-peering-connection",
    "ec2:vpn-gateway",
}


def _problems(result: ScanResult) -> list[str]:
    return [p for r in result.resources for p in schema_problems(r)]


def test_every_record_has_a_collector_and_every_collector_type_a_record() -> None:
    collected = {t for c in all_collectors() for t in c.types}
    assert collected == set(REGISTRY)


def _seed_the_rest(aws: Callable[..., Any]) -> None:
    ec2 = aws("ec2", "us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    peer = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.3.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="endpoints", Description="x", VpcId=vpc)["GroupId"]
    ec2.create_egress_only_internet_gateway(VpcId=vpc)
    ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName="com.amazonaws.us-east-1.sqs",
        VpcEndpointType="Interface",
        SubnetIds=[subnet],
        SecurityGroupIds=[group],
    )
    ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=peer)
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpnGatewayId=vgw, VpcId=vpc)
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet])
    aws("budgets").create_budget(
        AccountId=ACCOUNT,
        Budget={
            "BudgetName": "monthly",
            "BudgetLimit": {"Amount": "100", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
    )


def test_the_types_the_demo_lacks_match_their_records(
    aws: Callable[..., Any], scan_config: Callable[..., Any]
) -> None:
    _seed_the_rest(aws)
    result = analyse(asyncio.run(scan(scan_config(regions=("us-east-1",)))))
    assert _problems(result) == []
    scanned = {r.type for r in result.resources}
    # (the demo has an S3 gateway endpoint; this seed's interface endpoint is read here too)
    assert scanned >= NOT_IN_THE_DEMO | {"ec2:vpc-endpoint"}, NOT_IN_THE_DEMO - scanned
    endpoint = next(r for r in result.resources if r.type == "ec2:vpc-endpoint")
    assert endpoint.attributes["service_name"] == "com.amazonaws.us-east-1.sqs"
    assert endpoint.attributes["endpoint_type"] == "Interface"
    assert len(endpoint.attributes["subnet_ids"]) == 1
    assert len(endpoint.attributes["security_groups"]) == 1


@pytest.mark.moto  # demo_config() starts and seeds its own moto server
def test_the_demo_scan_matches_every_record(demo_regions_scan: ScanResult) -> None:
    # the scan of demo_config(DEMO_REGIONS), shared with tests/checks/test_checks_demo.py
    result = analyse(demo_regions_scan)
    assert _problems(result) == []
    # Unknown types are allowed only from the catch-all (tagged, no collector; no record).
    scanned = {r.type for r in result.resources if not is_catch_all(r)}
    assert scanned <= set(REGISTRY)
    assert {r.type for r in result.resources if is_catch_all(r)}.isdisjoint(REGISTRY)
    assert set(REGISTRY) - scanned == NOT_IN_THE_DEMO
