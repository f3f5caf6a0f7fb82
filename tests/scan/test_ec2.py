"""The EC2/VPC collectors against a real moto server: every type, in its right region."""

from __future__ import annotations

from collections import Counter
from typing import Any

from awsexplorer.model import Resource, ScanResult
from awsexplorer.scan.events import RegionProgress, ResourcesFound, ScanFinished, ScanStarted

AMI = "ami-12c6146b"


def _seed_network(ec2: Any, cidr_prefix: str) -> dict[str, str]:
    """A VPC with one of everything the collectors list. Returns the ids by type."""
    ids: dict[str, str] = {}
    vpc = ec2.create_vpc(CidrBlock=f"{cidr_prefix}.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "prod"}])
    ids["vpc"] = vpc
    az = ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{cidr_prefix}.1.0/24", AvailabilityZone=az)
    ids["subnet"] = subnet["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ids["internet-gateway"] = igw
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=rtb, SubnetId=ids["subnet"])
    ids["route-table"] = rtb
    eigw = ec2.create_egress_only_internet_gateway(VpcId=vpc)
    ids["egress-only-internet-gateway"] = eigw["EgressOnlyInternetGateway"][
        "EgressOnlyInternetGatewayId"
    ]
    nat_eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=ids["subnet"], AllocationId=nat_eip)
    ids["natgateway"] = nat["NatGateway"]["NatGatewayId"]
    sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    ids["security-group"] = sg
    ids["network-acl"] = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    other = ec2.create_vpc(CidrBlock="172.31.0.0/16")["Vpc"]["VpcId"]
    peering = ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=other)
    ids["vpc-peering-connection"] = peering["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    instance = ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        SubnetId=ids["subnet"],
        SecurityGroupIds=[sg],
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "bastion"}]}
        ],
    )["Instances"][0]
    ids["instance"] = instance["InstanceId"]
    ids["volume"] = ec2.create_volume(Size=8, AvailabilityZone=az)["VolumeId"]
    ids["elastic-ip"] = ec2.allocate_address(Domain="vpc")["AllocationId"]
    eni = ec2.create_network_interface(SubnetId=ids["subnet"], Description="spare")
    ids["network-interface"] = eni["NetworkInterface"]["NetworkInterfaceId"]
    ec2.create_flow_logs(  # moto checks that the destination bucket exists (created below)
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::flow-log-bucket",
    )
    return ids


def _find(result: ScanResult, rtype: str, rid: str) -> Resource:
    matches = [r for r in result.resources if r.type == f"ec2:{rtype}" and r.id == rid]
    assert len(matches) == 1, f"ec2:{rtype} {rid} found {len(matches)} times"
    return matches[0]


def test_every_ec2_type_is_found_in_its_own_region(
    aws: Any, scan_config: Any, run_scan: Any
) -> None:
    aws("s3").create_bucket(Bucket="flow-log-bucket")
    seeded = {
        "eu-west-1": _seed_network(aws("ec2", "eu-west-1"), "10.1"),
        "ap-southeast-2": _seed_network(aws("ec2", "ap-southeast-2"), "10.2"),
    }
    result, _ = run_scan(scan_config(regions=("eu-west-1", "ap-southeast-2", "us-east-1")))
    assert result.complete, result.errors
    for region, ids in seeded.items():
        for rtype, rid in ids.items():
            resource = _find(result, rtype, rid)
            assert resource.region == region
            assert resource.arn == f"arn:aws:ec2:{region}:123456789012:{rtype}/{rid}"
        instance = _find(result, "instance", ids["instance"])
        assert instance.name == "bastion"
        assert (instance.vpc_id, instance.subnet_id) == (ids["vpc"], ids["subnet"])
        assert instance.attributes["state"] == "running"
        assert instance.attributes["security_groups"] == [ids["security-group"]]
        vpc = _find(result, "vpc", ids["vpc"])
        assert vpc.name == "prod" and vpc.tags == {"Name": "prod"}
        assert [log["destination_type"] for log in vpc.attributes["flow_logs"]] == ["s3"]
        assert _find(result, "elastic-ip", ids["elastic-ip"]).attributes["associated"] is False
        assert _find(result, "natgateway", ids["natgateway"]).subnet_id == ids["subnet"]
    # nothing from one region leaked into another
    assert not any(r.region == "us-east-1" and r.type == "ec2:instance" for r in result.resources)


def test_paginated_calls_return_every_page(aws: Any, scan_config: Any, run_scan: Any) -> None:
    ec2 = aws("ec2", "eu-west-1")
    for _ in range(7):  # one reservation each: moto pages DescribeInstances by reservation
        ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)
    assert "NextToken" in ec2.describe_instances(MaxResults=5)  # two pages are needed
    result, _ = run_scan(scan_config(regions=("eu-west-1",), page_size=5))
    assert sum(r.type == "ec2:instance" for r in result.resources) == 7


def test_events_stream_in_order_and_add_up(aws: Any, scan_config: Any, run_scan: Any) -> None:
    aws("s3").create_bucket(Bucket="flow-log-bucket")
    _seed_network(aws("ec2", "eu-west-1"), "10.1")
    result, events = run_scan(scan_config(regions=("eu-west-1", "us-east-1")))
    assert isinstance(events[0], ScanStarted)
    assert isinstance(events[-1], ScanFinished) and events[-1].result is result
    assert events[0].regions[0] == "global"
    found = Counter()
    for event in events:
        if isinstance(event, ResourcesFound):
            found[event.region] += len(event.resources)
    assert found == Counter(r.region for r in result.resources)
    last = {e.region: e for e in events if isinstance(e, RegionProgress)}
    assert last["eu-west-1"].done == last["eu-west-1"].total > 0
    assert last["eu-west-1"].resources == found["eu-west-1"]
