"""Requests that cannot return anything are not sent (#18), and only where that is proven.

- DescribeVpnConnections needs a customer gateway in the region: CustomerGatewayId is required
  by CreateVpnConnection, whatever the connection attaches to. "No virtual private gateway and
  no transit gateway" would not do: a connection can be attached to neither (a Cloud WAN
  attachment, or one not associated yet), and is still listed (the second test).
- DescribeReplicationGroups needs a cache cluster: a replication group is made of cache
  clusters, which DescribeCacheClusters lists.
- The lists that prove it are read once for both collectors, and when they cannot be read the
  skipped call is sent as before (the last test).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import botocore.exceptions

from awsexplorer.model import ScanResult, kinds
from awsexplorer.scan.collectors import all_collectors
from awsexplorer.scan.runner import Scanner
from awsexplorer.scan.session import make_session

REGION = "eu-west-3"
CHOSEN = (
    "ec2.vpn_connections",
    "ec2.customer_gateways",
    "elasticache.cache_clusters",
    "elasticache.replication_groups",
)


def _scan(scan_config: Any, fail: str | None = None) -> tuple[ScanResult, Counter[str], Scanner]:
    config = scan_config(regions=[REGION])
    session = make_session(config)
    sent: Counter[str] = Counter()

    def count(model: Any = None, **_: Any) -> None:
        sent[model.name] += 1
        if model.name == fail:
            raise botocore.exceptions.ClientError(
                {"Error": {"Code": "UnauthorizedOperation", "Message": "denied"}}, model.name
            )

    session.register("before-call", count)
    chosen = [c for c in all_collectors() if c.name in CHOSEN]
    assert sorted(c.name for c in chosen) == sorted(CHOSEN)
    scanner = Scanner(config, collectors=chosen, session=session)
    return asyncio.run(scanner.run()), sent, scanner


def _ids(result: ScanResult, rtype: str) -> list[str]:
    return sorted(r.id for r in result.resources if r.type == rtype and r.region == REGION)


def test_no_customer_gateway_and_no_cache_cluster_skip_their_dependent_calls(
    scan_config: Any,
) -> None:
    result, sent, scanner = _scan(scan_config)

    assert sent["DescribeVpnConnections"] == 0
    assert sent["DescribeReplicationGroups"] == 0
    # The lists that prove it, once each for both collectors, both recorded as readers.
    assert sent["DescribeCustomerGateways"] == 1
    assert sent["DescribeCacheClusters"] == 1
    readers = {c[0] for c in scanner.calls_sent if c[2] == "DescribeCustomerGateways"}
    assert readers == {"ec2.vpn_connections", "ec2.customer_gateways"}
    readers = {c[0] for c in scanner.calls_sent if c[2] == "DescribeCacheClusters"}
    assert readers == {"elasticache.cache_clusters", "elasticache.replication_groups"}
    assert not [e for r in result.regions for e in r.errors]


def test_a_vpn_connection_on_no_gateway_and_a_replication_group_are_still_found(
    scan_config: Any, aws: Any
) -> None:
    ec2 = aws("ec2", REGION)
    cgw = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="203.0.113.7", BgpAsn=65000)[
        "CustomerGateway"
    ]["CustomerGatewayId"]
    # Attached to neither a virtual private gateway nor a transit gateway.
    vpn = ec2.create_vpn_connection(CustomerGatewayId=cgw, Type="ipsec.1")["VpnConnection"][
        "VpnConnectionId"
    ]
    assert not ec2.describe_vpn_gateways()["VpnGateways"]
    assert not ec2.describe_transit_gateways()["TransitGateways"]
    cache = aws("elasticache", REGION)
    cache.create_replication_group(
        ReplicationGroupId="carts",
        ReplicationGroupDescription="carts",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheClusters=1,
    )
    # AWS lists a group's member clusters in DescribeCacheClusters (that is what its
    # ShowCacheClustersNotInReplicationGroups flag leaves out); moto 5 does not. A member
    # added to the group with CreateCacheCluster(ReplicationGroupId=...), AWS's call for
    # adding a replica, stands for them.
    cache.create_cache_cluster(
        CacheClusterId="carts-002",
        ReplicationGroupId="carts",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheNodes=1,
    )

    result, sent, _ = _scan(scan_config)

    assert _ids(result, kinds.VPN_CONNECTION) == [vpn]
    assert _ids(result, kinds.CUSTOMER_GATEWAY) == [cgw]
    assert _ids(result, kinds.CACHE_REPLICATION_GROUP) == ["carts"]
    assert _ids(result, kinds.CACHE_CLUSTER) == ["carts-002"]
    assert sent["DescribeCustomerGateways"] == 1
    assert sent["DescribeCacheClusters"] == 1
    assert sent["DescribeVpnConnections"] == 1
    assert sent["DescribeReplicationGroups"] == 1


def test_when_the_proving_list_fails_the_call_is_sent_and_the_failure_shown(
    scan_config: Any,
) -> None:
    for fail, skipped in (
        ("DescribeCustomerGateways", "DescribeVpnConnections"),
        ("DescribeCacheClusters", "DescribeReplicationGroups"),
    ):
        result, sent, _ = _scan(scan_config, fail=fail)
        assert sent[skipped] == 1, (fail, sent)
        errors = [(e.operation, e.code) for r in result.regions for e in r.errors]
        # Shown once (by the collector whose list it is), not once per reader.
        assert errors == [(fail, "UnauthorizedOperation")], errors
