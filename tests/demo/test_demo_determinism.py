"""Same seed, same account: every generated id is identical after the demo is seeded again."""

from __future__ import annotations

import urllib.request
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from awsexplorer.demo import demo_config
from awsexplorer.demo._aws import DEMO_REGIONS, PRODUCTION


def _client(endpoint: str, service: str, region: str = "us-east-1") -> Any:
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id="demo",
        aws_secret_access_key="demo",
    )


def _ec2_ids(ec2: Any) -> list[str]:
    ids = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
    ids += [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]]
    ids += [g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]]
    ids += [t["RouteTableId"] for t in ec2.describe_route_tables()["RouteTables"]]
    ids += [g["InternetGatewayId"] for g in ec2.describe_internet_gateways()["InternetGateways"]]
    ids += [n["NatGatewayId"] for n in ec2.describe_nat_gateways()["NatGateways"]]
    ids += [v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]]
    ids += [f"{a['AllocationId']} {a['PublicIp']}" for a in ec2.describe_addresses()["Addresses"]]
    ids += [
        f"{n['NetworkInterfaceId']} {n['MacAddress']} {n['PrivateIpAddress']}"
        for n in ec2.describe_network_interfaces()["NetworkInterfaces"]
    ]
    for reservation in ec2.describe_instances()["Reservations"]:
        for i in reservation["Instances"]:
            ids.append(f"{i['InstanceId']} {i['PrivateIpAddress']} {i.get('PublicIpAddress')}")
    return sorted(ids)


def _fingerprint(endpoint: str) -> dict[str, list[str]]:
    """Every id the demo's resources got from moto's generator, by region or service."""
    result = {region: _ec2_ids(_client(endpoint, "ec2", region)) for region in DEMO_REGIONS}
    # The default VPC of every enabled region, created by the seed in a fixed order.
    regions = _client(endpoint, "ec2").describe_regions(
        Filters=[{"Name": "opt-in-status", "Values": ["opt-in-not-required", "opted-in"]}]
    )["Regions"]
    result["default-vpcs"] = sorted(
        v["VpcId"]
        for r in regions
        for v in _client(endpoint, "ec2", r["RegionName"]).describe_vpcs(
            Filters=[{"Name": "is-default", "Values": ["true"]}]
        )["Vpcs"]
    )
    iam = _client(endpoint, "iam")
    details = iam.get_account_authorization_details()
    result["iam"] = sorted(
        [u["UserId"] for u in details["UserDetailList"]]
        + [r["RoleId"] for r in details["RoleDetailList"]]
        + [g["GroupId"] for g in details["GroupDetailList"]]
        + [
            k["AccessKeyId"]
            for u in details["UserDetailList"]
            for k in iam.list_access_keys(UserName=u["UserName"])["AccessKeyMetadata"]
        ]
    )
    rds = _client(endpoint, "rds", PRODUCTION).describe_db_instances()["DBInstances"]
    result["rds"] = sorted(d["DbiResourceId"] for d in rds)
    lbs = _client(endpoint, "elbv2", PRODUCTION).describe_load_balancers()["LoadBalancers"]
    result["elbv2"] = sorted(f"{lb['LoadBalancerArn']} {lb['DNSName']}" for lb in lbs)
    return result


def _reset(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=30).close()


def test_two_seeds_hold_identical_ids() -> None:
    """The demo as this process first seeded it (by this test, or by an earlier reader of the
    demo: the demo's readers share a worker, conftest.py), then wiped and seeded again: the same
    ids. One seed of the test's own, not two (a seed costs ~15 CPU s)."""
    first = demo_config().endpoint_url
    assert first is not None
    expected = _fingerprint(first)
    assert len(expected["default-vpcs"]) >= 16 and all(expected.values())

    # A second server in the process, as a test's own moto server: moto's backends are per
    # process, so its reset empties the demo too (what the shared conftest server does to it).
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        second = f"http://{host}:{port}"
        assert second != first
        _reset(second)
        assert _client(first, "iam").list_account_aliases()["AccountAliases"] == []
        # demo_config() notices and seeds again, on the same server.
        assert demo_config().endpoint_url == first
        assert _client(first, "iam").list_account_aliases()["AccountAliases"] == ["acme-demo"]
        assert _fingerprint(first) == expected
        # The same backends through the other server's port: no id depends on the endpoint.
        assert _fingerprint(second) == expected
    finally:
        server.stop()
