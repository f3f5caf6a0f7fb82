"""End to end on a moto server: subnets in every routing situation moto can build, across two
regions, scanned and analysed; each subnet's `public` and `public_reason` must be exact.

Moto never marks a VPC route `blackhole` (a route to a deleted gateway stays `active`), so that
case is covered by the literal fixtures in tests/model/test_topology.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from awsexplorer import snapshot
from awsexplorer.checks import analyse
from awsexplorer.model import Resource

AMI = "ami-12c6146b"

# subnet id -> (public, egress, exact public_reason)
Expected = dict[str, tuple[bool, str, str]]


def _subnet(ec2: Any, vpc: str, cidr: str, zone: int = 0) -> str:
    az = ec2.describe_availability_zones()["AvailabilityZones"][zone]["ZoneName"]
    return ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]


def _table(ec2: Any, vpc: str, subnet: str | None, *routes: dict[str, str]) -> str:
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    for route in routes:
        ec2.create_route(RouteTableId=rtb, **route)
    if subnet is not None:
        ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
    return rtb


def _main_table(ec2: Any, vpc: str) -> str:
    tables = ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"]
    return str(tables[0]["RouteTableId"])


NO_IGW = "no active route to an internet gateway; "


def seed_eu(ec2: Any) -> tuple[Expected, dict[str, str]]:
    """eu-west-1: one VPC with an internet gateway (its main table routes to it), one without."""
    expected: Expected = {}
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    main = _main_table(ec2, vpc)
    ec2.create_route(RouteTableId=main, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)

    on_main = _subnet(ec2, vpc, "10.0.0.0/24")  # left on the main table: public through it
    expected[on_main] = (True, "igw", f"0.0.0.0/0 -> {igw} in {main} (main route table)")

    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=on_main, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    private = _subnet(ec2, vpc, "10.0.10.0/24", zone=1)
    rtb = _table(ec2, vpc, private, {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat})
    expected[private] = (
        False,
        "nat",
        f"{NO_IGW}0.0.0.0/0 -> {nat} in {rtb} (explicit association)",
    )

    v6 = _subnet(ec2, vpc, "10.0.1.0/24")
    rtb = _table(ec2, vpc, v6, {"DestinationIpv6CidrBlock": "::/0", "GatewayId": igw})
    expected[v6] = (True, "igw", f"::/0 -> {igw} in {rtb} (explicit association)")

    eigw = ec2.create_egress_only_internet_gateway(VpcId=vpc)["EgressOnlyInternetGateway"][
        "EgressOnlyInternetGatewayId"
    ]
    egress_only = _subnet(ec2, vpc, "10.0.11.0/24", zone=1)
    rtb = _table(
        ec2,
        vpc,
        egress_only,
        {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": eigw},
    )
    expected[egress_only] = (
        False,
        "eigw",
        f"{NO_IGW}::/0 -> {eigw} in {rtb} (explicit association)",
    )

    split = _subnet(ec2, vpc, "10.0.2.0/24")
    rtb = _table(
        ec2,
        vpc,
        split,
        {"DestinationCidrBlock": "0.0.0.0/1", "GatewayId": igw},
        {"DestinationCidrBlock": "128.0.0.0/1", "GatewayId": igw},
    )
    expected[split] = (
        True,
        "igw",
        f"0.0.0.0/1, 128.0.0.0/1 -> {igw} in {rtb} (explicit association)",
    )

    # A firewall (Gateway Load Balancer) endpoint as the default route; and the gateway route
    # table that sends return traffic through it, associated with the IGW (not a subnet table).
    firewall = _subnet(ec2, vpc, "10.0.12.0/24")
    vpce = ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName="com.amazonaws.vpce.eu-west-1.vpce-svc-0firewall",
        VpcEndpointType="GatewayLoadBalancer",
        SubnetIds=[on_main],
    )["VpcEndpoint"]["VpcEndpointId"]
    rtb = _table(ec2, vpc, firewall, {"DestinationCidrBlock": "0.0.0.0/0", "VpcEndpointId": vpce})
    expected[firewall] = (
        False,
        "endpoint",
        f"{NO_IGW}0.0.0.0/0 -> {vpce} in {rtb} (explicit association)",
    )
    edge = _table(ec2, vpc, None, {"DestinationCidrBlock": "10.0.12.0/24", "VpcEndpointId": vpce})
    ec2.associate_route_table(RouteTableId=edge, GatewayId=igw)

    # A second VPC without an internet gateway: its main table is local only, and the first
    # VPC's main table (which routes to an IGW) must not be taken for it.
    isolated_vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    isolated_main = _main_table(ec2, isolated_vpc)
    isolated = _subnet(ec2, isolated_vpc, "10.1.0.0/24")
    expected[isolated] = (
        False,
        "none",
        f"{NO_IGW}no route leaves the VPC in {isolated_main} (main route table)",
    )
    pcx = ec2.create_vpc_peering_connection(VpcId=isolated_vpc, PeerVpcId=vpc)[
        "VpcPeeringConnection"
    ]["VpcPeeringConnectionId"]
    peered = _subnet(ec2, isolated_vpc, "10.1.1.0/24")
    rtb = _table(
        ec2,
        isolated_vpc,
        peered,
        {"DestinationCidrBlock": "0.0.0.0/0", "VpcPeeringConnectionId": pcx},
    )
    expected[peered] = (
        False,
        "peering",
        f"{NO_IGW}0.0.0.0/0 -> {pcx} in {rtb} (explicit association)",
    )
    return expected, {"vpc": vpc, "nat": nat, "public": on_main, "private": private}


def seed_us(ec2: Any) -> tuple[Expected, dict[str, str]]:
    """us-east-1: transit gateway, virtual private gateway, and a public subnet with instances."""
    expected: Expected = {}
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    main = _main_table(ec2, vpc)

    tgw_subnet = _subnet(ec2, vpc, "10.2.1.0/24")
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[tgw_subnet]
    )
    rtb = _table(
        ec2, vpc, tgw_subnet, {"DestinationCidrBlock": "0.0.0.0/0", "TransitGatewayId": tgw}
    )
    expected[tgw_subnet] = (
        False,
        "tgw",
        f"{NO_IGW}0.0.0.0/0 -> {tgw} in {rtb} (explicit association)",
    )

    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpnGatewayId=vgw, VpcId=vpc)
    vgw_subnet = _subnet(ec2, vpc, "10.2.2.0/24")
    rtb = _table(ec2, vpc, vgw_subnet, {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": vgw})
    expected[vgw_subnet] = (
        False,
        "vgw",
        f"{NO_IGW}0.0.0.0/0 -> {vgw} in {rtb} (explicit association)",
    )

    on_main = _subnet(ec2, vpc, "10.2.3.0/24")
    expected[on_main] = (
        False,
        "none",
        f"{NO_IGW}no route leaves the VPC in {main} (main route table)",
    )

    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public = _subnet(ec2, vpc, "10.2.4.0/24")
    rtb = _table(ec2, vpc, public, {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw})
    expected[public] = (True, "igw", f"0.0.0.0/0 -> {igw} in {rtb} (explicit association)")

    def instance(subnet: str, public_ip: bool) -> str:
        return str(
            ec2.run_instances(
                ImageId=AMI,
                MinCount=1,
                MaxCount=1,
                NetworkInterfaces=[
                    {"DeviceIndex": 0, "SubnetId": subnet, "AssociatePublicIpAddress": public_ip}
                ],
            )["Instances"][0]["InstanceId"]
        )

    return expected, {
        "vpc": vpc,
        "web": instance(public, True),
        "internal": instance(public, False),
        "app": instance(tgw_subnet, True),
    }


def _by_id(resources: list[Resource], rtype: str) -> dict[str, Resource]:
    return {r.id: r for r in resources if r.type == rtype}


def test_every_subnet_is_classified_with_the_deciding_route_and_table(
    aws: Callable[..., Any], scan_config: Any, run_scan: Any
) -> None:
    expected_eu, eu = seed_eu(aws("ec2", "eu-west-1"))
    expected_us, us = seed_us(aws("ec2", "us-east-1"))

    result, _ = run_scan(scan_config(regions=("eu-west-1", "us-east-1")))
    assert result.complete, result.errors
    result = analyse(result)
    # Through the snapshot, as `awsexplorer scan --output` writes it and the UI reads it.
    resources = snapshot.loads(snapshot.dumps(result)).resources

    subnets = _by_id(resources, "ec2:subnet")
    for subnet_id, (public, egress, reason) in {**expected_eu, **expected_us}.items():
        attrs = subnets[subnet_id].attributes
        assert (attrs["public"], attrs["egress"], attrs["public_reason"]) == (
            public,
            egress,
            reason,
        ), subnet_id
    # Every subnet, the default VPCs' too, is decided by a named table.
    for subnet in subnets.values():
        attrs = subnet.attributes
        assert isinstance(attrs["public"], bool), subnet.id
        assert attrs["route_table_association"] in ("explicit", "main")
        assert f"in {attrs['route_table_id']} (" in attrs["public_reason"]
        assert attrs["usable_ips"] == 2 ** (32 - int(attrs["cidr"].split("/")[1])) - 5
        assert attrs["available_ips"] == subnet.attributes["AvailableIpAddressCount"]
        assert attrs["availability_zone"] == subnet.attributes["AvailabilityZone"]
        # The owning account (VPC sharing: another's in a participant; model/sharing).
        assert attrs["owner_id"] == subnet.account_id == result.account.id
    for vpc in _by_id(resources, "ec2:vpc").values():
        assert vpc.attributes["owner_id"] == vpc.account_id == result.account.id

    instances = _by_id(resources, "ec2:instance")
    web, internal, app = instances[us["web"]], instances[us["internal"]], instances[us["app"]]
    assert web.vpc_id == us["vpc"]
    assert (web.attributes["subnet_public"], web.attributes["internet_facing"]) == (True, True)
    assert internal.attributes["internet_facing"] is False  # no public IP
    assert (app.attributes["subnet_public"], app.attributes["internet_facing"]) == (False, False)

    nat = _by_id(resources, "ec2:natgateway")[eu["nat"]]
    assert (nat.vpc_id, nat.subnet_id) == (eu["vpc"], eu["public"])
    assert nat.attributes["subnet_public"] is True
    for eni in _by_id(resources, "ec2:network-interface").values():
        assert eni.vpc_id == subnets[eni.subnet_id].vpc_id
        assert eni.attributes["subnet_public"] is subnets[eni.subnet_id].attributes["public"]
