"""Subnet classification, placement and the topology tree, on literal fixtures (no network).

The fixtures have the shapes the EC2 collectors keep in `attributes` (the raw API fields).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from awsexplorer.model import Resource, topology
from awsexplorer.model.kinds import complete
from awsexplorer.model.routing import usable_ips
from awsexplorer.model.topology import summary

# The resources here carry the raw API fields, as a snapshot written before the normalised
# fields existed: `complete` (what snapshot.read does) brings them up to their records first.


def enrich(resources: list[Resource]) -> list[Resource]:
    return topology.enrich([complete(r) for r in resources])


def build_topology(resources: list[Resource]) -> list[topology.VpcTopology]:
    return topology.build_topology([complete(r) for r in resources])


REGION = "eu-west-1"
ACCOUNT = "123456789012"


def _arn(rtype: str, rid: str, region: str = REGION) -> str:
    service, kind = rtype.split(":")
    return f"arn:aws:{service}:{region}:{ACCOUNT}:{kind}/{rid}"


def vpc(vpc_id: str, cidr: str = "10.0.0.0/16", region: str = REGION) -> Resource:
    attrs = {"VpcId": vpc_id, "CidrBlock": cidr, "IsDefault": False, "State": "available"}
    return Resource(
        _arn("ec2:vpc", vpc_id, region), "ec2:vpc", vpc_id, vpc_id, region, vpc_id, None, {}, attrs
    )


def subnet(
    subnet_id: str,
    vpc_id: str,
    cidr: str = "10.0.1.0/24",
    az: str = "eu-west-1a",
    *,
    map_public_ip: bool = False,
    region: str = REGION,
) -> Resource:
    attrs = {
        "SubnetId": subnet_id,
        "VpcId": vpc_id,
        "CidrBlock": cidr,
        "AvailabilityZone": az,
        "AvailabilityZoneId": "euw1-az" + az[-1],
        "AvailableIpAddressCount": 250,
        "MapPublicIpOnLaunch": map_public_ip,
        "Ipv6CidrBlockAssociationSet": [],
    }
    return Resource(
        _arn("ec2:subnet", subnet_id, region),
        "ec2:subnet",
        subnet_id,
        subnet_id,
        region,
        vpc_id,
        subnet_id,
        {},
        attrs,
    )


def route(destination: str, state: str = "active", **target: str) -> dict[str, Any]:
    if destination.startswith("pl-"):
        key = "DestinationPrefixListId"
    elif ":" in destination:
        key = "DestinationIpv6CidrBlock"
    else:
        key = "DestinationCidrBlock"
    return {key: destination, **target, "Origin": "CreateRoute", "State": state}


def route_table(
    rtb_id: str,
    vpc_id: str,
    routes: list[dict[str, Any]],
    *,
    main: bool = False,
    subnets: tuple[str, ...] = (),
    gateways: tuple[str, ...] = (),
    association_state: str = "associated",
    region: str = REGION,
) -> Resource:
    associations: list[dict[str, Any]] = []
    state = {"State": association_state}
    if main:
        associations.append({"Main": True, "RouteTableId": rtb_id, "AssociationState": state})
    for subnet_id in subnets:
        associations.append(
            {
                "Main": False,
                "RouteTableId": rtb_id,
                "SubnetId": subnet_id,
                "AssociationState": state,
            }
        )
    for gateway_id in gateways:
        associations.append(
            {
                "Main": False,
                "RouteTableId": rtb_id,
                "GatewayId": gateway_id,
                "AssociationState": state,
            }
        )
    local = {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}
    attrs = {
        "RouteTableId": rtb_id,
        "VpcId": vpc_id,
        "Associations": associations,
        "Routes": [local, *routes],
    }
    return Resource(
        _arn("ec2:route-table", rtb_id, region),
        "ec2:route-table",
        rtb_id,
        rtb_id,
        region,
        vpc_id,
        None,
        {},
        attrs,
    )


def resource(
    rtype: str,
    rid: str,
    *,
    vpc_id: str | None = None,
    subnet_id: str | None = None,
    region: str = REGION,
    **attrs: Any,
) -> Resource:
    return Resource(_arn(rtype, rid, region), rtype, rid, rid, region, vpc_id, subnet_id, {}, attrs)


def classify_one(*resources: Resource, subnet_id: str = "subnet-a") -> dict[str, Any]:
    enriched = enrich(list(resources))
    return next(r for r in enriched if r.id == subnet_id).attributes


# ------------------------------------------------------------------ which route table


def test_explicit_association_wins_over_the_main_table() -> None:
    attrs = classify_one(
        subnet("subnet-a", "vpc-1"),
        route_table("rtb-main", "vpc-1", [route("0.0.0.0/0", GatewayId="igw-1")], main=True),
        route_table(
            "rtb-app", "vpc-1", [route("0.0.0.0/0", NatGatewayId="nat-1")], subnets=("subnet-a",)
        ),
    )
    assert attrs["public"] is False
    assert attrs["route_table_id"] == "rtb-app"
    assert attrs["route_table_association"] == "explicit"
    assert attrs["egress"] == "nat"
    assert attrs["public_reason"] == (
        "no active route to an internet gateway; "
        "0.0.0.0/0 -> nat-1 in rtb-app (explicit association)"
    )


def test_without_explicit_association_the_vpc_main_table_governs() -> None:
    attrs = classify_one(
        subnet("subnet-a", "vpc-1"),
        route_table("rtb-main", "vpc-1", [route("0.0.0.0/0", GatewayId="igw-1")], main=True),
        route_table("rtb-other", "vpc-1", [], subnets=("subnet-b",)),
    )
    assert attrs["public"] is True
    assert attrs["route_table_id"] == "rtb-main"
    assert attrs["route_table_association"] == "main"
    assert attrs["egress"] == "igw"
    assert attrs["public_reason"] == "0.0.0.0/0 -> igw-1 in rtb-main (main route table)"


@pytest.mark.parametrize("order", [1, -1])
def test_another_vpcs_main_table_never_leaks(order: int) -> None:
    tables = [
        route_table("rtb-main-1", "vpc-1", [route("0.0.0.0/0", GatewayId="igw-1")], main=True),
        route_table("rtb-main-2", "vpc-2", [], main=True),
    ][::order]
    enriched = enrich(
        [
            *tables,
            subnet("subnet-in-1", "vpc-1"),
            subnet("subnet-in-2", "vpc-2"),
            subnet("subnet-in-3", "vpc-3"),  # its VPC's main table is not in the scan
        ]
    )
    by_id = {r.id: r.attributes for r in enriched}
    assert by_id["subnet-in-1"]["public"] is True
    assert by_id["subnet-in-2"]["public"] is False
    assert by_id["subnet-in-2"]["route_table_id"] == "rtb-main-2"
    assert by_id["subnet-in-2"]["egress"] == "none"
    # Unknown, not borrowed from another VPC.
    assert by_id["subnet-in-3"]["public"] is None
    assert by_id["subnet-in-3"]["route_table_id"] is None
    assert by_id["subnet-in-3"]["egress"] is None
    assert "vpc-3" in by_id["subnet-in-3"]["public_reason"]


def test_the_same_vpc_id_in_another_region_does_not_leak() -> None:
    enriched = enrich(
        [
            route_table(
                "rtb-us",
                "vpc-1",
                [route("0.0.0.0/0", GatewayId="igw-1")],
                main=True,
                region="us-east-1",
            ),
            route_table("rtb-eu", "vpc-1", [], main=True),
            subnet("subnet-a", "vpc-1"),
        ]
    )
    attrs = next(r for r in enriched if r.id == "subnet-a").attributes
    assert attrs["public"] is False
    assert attrs["route_table_id"] == "rtb-eu"


def test_gateway_route_table_is_not_a_subnet_table() -> None:
    # Ingress routing: an edge-associated table sends the subnet's traffic to a firewall.
    attrs = classify_one(
        subnet("subnet-a", "vpc-1"),
        route_table(
            "rtb-edge",
            "vpc-1",
            [route("10.0.1.0/24", GatewayId="vpce-fw")],
            gateways=("igw-1",),
        ),
        route_table("rtb-main", "vpc-1", [route("0.0.0.0/0", NatGatewayId="nat-1")], main=True),
    )
    assert attrs["route_table_id"] == "rtb-main"
    assert attrs["route_table_association"] == "main"
    assert attrs["public"] is False
    assert attrs["egress"] == "nat"


def test_a_disassociated_explicit_association_does_not_govern() -> None:
    attrs = classify_one(
        subnet("subnet-a", "vpc-1"),
        route_table(
            "rtb-old",
            "vpc-1",
            [route("0.0.0.0/0", GatewayId="igw-1")],
            subnets=("subnet-a",),
            association_state="disassociated",
        ),
        route_table("rtb-main", "vpc-1", [], main=True),
    )
    assert attrs["route_table_id"] == "rtb-main"
    assert attrs["public"] is False


# ------------------------------------------------------------------ public or private


def _one_table(*routes: dict[str, Any]) -> dict[str, Any]:
    return classify_one(
        subnet("subnet-a", "vpc-1"),
        route_table("rtb-1", "vpc-1", list(routes), subnets=("subnet-a",)),
    )


def test_ipv6_default_to_an_internet_gateway_is_public() -> None:
    attrs = _one_table(route("0.0.0.0/0", NatGatewayId="nat-1"), route("::/0", GatewayId="igw-1"))
    assert attrs["public"] is True
    assert attrs["egress"] == "igw"
    assert attrs["public_reason"] == "::/0 -> igw-1 in rtb-1 (explicit association)"


def test_egress_only_gateway_is_private() -> None:
    attrs = _one_table(route("::/0", EgressOnlyInternetGatewayId="eigw-1"))
    assert attrs["public"] is False
    assert attrs["egress"] == "eigw"
    assert "::/0 -> eigw-1 in rtb-1" in attrs["public_reason"]


def test_dual_stack_private_subnet_reports_the_ipv4_egress() -> None:
    attrs = _one_table(
        route("::/0", EgressOnlyInternetGatewayId="eigw-1"),
        route("0.0.0.0/0", NatGatewayId="nat-1"),
    )
    assert attrs["public"] is False
    assert attrs["egress"] == "nat"
    assert attrs["egress_route"] == "0.0.0.0/0 -> nat-1"


def test_nat_gateway_default_is_private() -> None:
    attrs = _one_table(route("0.0.0.0/0", NatGatewayId="nat-1"))
    assert attrs["public"] is False
    assert attrs["egress"] == "nat"
    assert attrs["public_reason"].startswith("no active route to an internet gateway;")


def test_blackhole_route_to_a_deleted_internet_gateway_is_private() -> None:
    attrs = _one_table(route("0.0.0.0/0", state="blackhole", GatewayId="igw-deleted"))
    assert attrs["public"] is False
    assert attrs["egress"] == "none"
    assert attrs["public_reason"] == (
        "no active route to an internet gateway (0.0.0.0/0 -> igw-deleted is blackhole); "
        "no route leaves the VPC in rtb-1 (explicit association)"
    )


def test_blackhole_igw_route_beside_an_active_nat_route() -> None:
    attrs = _one_table(
        route("0.0.0.0/0", state="blackhole", GatewayId="igw-deleted"),
        route("0.0.0.0/1", NatGatewayId="nat-1"),
        route("128.0.0.0/1", NatGatewayId="nat-1"),
    )
    assert attrs["public"] is False
    assert attrs["egress"] == "nat"
    assert "0.0.0.0/1, 128.0.0.0/1 -> nat-1" in attrs["public_reason"]


def test_split_default_route_to_an_internet_gateway_is_public() -> None:
    attrs = _one_table(
        route("128.0.0.0/1", GatewayId="igw-1"),
        route("0.0.0.0/1", GatewayId="igw-1"),
    )
    assert attrs["public"] is True
    assert attrs["public_reason"] == (
        "0.0.0.0/1, 128.0.0.0/1 -> igw-1 in rtb-1 (explicit association)"
    )


@pytest.mark.parametrize("destination", ["203.0.113.0/24", "pl-0abc"])
def test_any_destination_to_an_internet_gateway_is_public(destination: str) -> None:
    attrs = _one_table(route(destination, GatewayId="igw-1"))
    assert attrs["public"] is True
    assert attrs["public_reason"] == f"{destination} -> igw-1 in rtb-1 (explicit association)"


def test_vpc_without_an_internet_gateway_is_isolated() -> None:
    enriched = enrich(
        [
            vpc("vpc-1"),
            subnet("subnet-a", "vpc-1"),
            route_table("rtb-main", "vpc-1", [], main=True),
        ]
    )
    attrs = next(r for r in enriched if r.id == "subnet-a").attributes
    assert attrs["public"] is False
    assert attrs["egress"] == "none"
    assert attrs["egress_route"] is None
    assert attrs["public_reason"] == (
        "no active route to an internet gateway; no route leaves the VPC in rtb-main "
        "(main route table)"
    )


@pytest.mark.parametrize(
    ("target", "egress"),
    [
        ({"VpcPeeringConnectionId": "pcx-1"}, "peering"),
        ({"TransitGatewayId": "tgw-1"}, "tgw"),
        ({"GatewayId": "vgw-1"}, "vgw"),
        ({"InstanceId": "i-nat", "NetworkInterfaceId": "eni-nat"}, "instance"),
        ({"CarrierGatewayId": "cagw-1"}, "other"),
    ],
)
def test_default_route_to_other_targets_is_private(target: dict[str, str], egress: str) -> None:
    attrs = _one_table(route("0.0.0.0/0", **target))
    assert attrs["public"] is False
    assert attrs["egress"] == egress
    first = next(iter(target.values()))
    assert f"0.0.0.0/0 -> {first} in rtb-1 (explicit association)" in attrs["public_reason"]


@pytest.mark.parametrize("field", ["GatewayId", "VpcEndpointId"])
def test_firewall_endpoint_default_is_private_with_endpoint_egress(field: str) -> None:
    attrs = _one_table(route("0.0.0.0/0", **{field: "vpce-0fw"}))
    assert attrs["public"] is False
    assert attrs["egress"] == "endpoint"
    assert attrs["public_reason"] == (
        "no active route to an internet gateway; 0.0.0.0/0 -> vpce-0fw in rtb-1 "
        "(explicit association)"
    )


def test_gateway_endpoint_prefix_list_is_not_an_egress_path() -> None:
    attrs = _one_table(route("pl-s3", GatewayId="vpce-s3"))
    assert attrs["public"] is False
    assert attrs["egress"] == "none"


def test_widest_route_decides_the_egress() -> None:
    attrs = _one_table(
        route("10.8.0.0/16", TransitGatewayId="tgw-1"),
        route("0.0.0.0/0", NatGatewayId="nat-1"),
        route("10.1.0.0/16", VpcPeeringConnectionId="pcx-1"),
    )
    assert attrs["egress"] == "nat"


def test_map_public_ip_on_launch_is_recorded_but_never_makes_public() -> None:
    attrs = classify_one(
        subnet("subnet-a", "vpc-1", map_public_ip=True),
        route_table("rtb-1", "vpc-1", [route("0.0.0.0/0", NatGatewayId="nat-1")], main=True),
    )
    assert attrs["auto_assign_public_ip"] is True
    assert attrs["public"] is False


def test_subnet_facts() -> None:
    attrs = classify_one(
        subnet("subnet-a", "vpc-1", cidr="10.0.16.0/20", az="eu-west-1b"),
        route_table("rtb-1", "vpc-1", [], main=True),
    )
    assert attrs["cidr"] == "10.0.16.0/20"
    assert attrs["availability_zone"] == "eu-west-1b"
    assert attrs["available_ips"] == 250
    assert attrs["usable_ips"] == 4096 - 5
    assert attrs["auto_assign_public_ip"] is False


@pytest.mark.parametrize(
    ("cidr", "usable"),
    [
        ("10.0.0.0/24", 251),
        ("10.0.0.0/28", 11),
        ("10.0.0.0/16", 65531),
        (None, None),
        ("2600::/64", None),
    ],
)
def test_usable_ips_excludes_the_five_reserved_addresses(
    cidr: str | None, usable: int | None
) -> None:
    assert usable_ips(cidr) == usable


# ------------------------------------------------------------------ placement


def _network() -> list[Resource]:
    return [
        vpc("vpc-1"),
        subnet("subnet-pub", "vpc-1", "10.0.1.0/24", "eu-west-1a"),
        subnet("subnet-pub-b", "vpc-1", "10.0.2.0/24", "eu-west-1b"),
        subnet("subnet-priv", "vpc-1", "10.0.10.0/24", "eu-west-1a"),
        subnet("subnet-priv-b", "vpc-1", "10.0.11.0/24", "eu-west-1b"),
        route_table(
            "rtb-pub",
            "vpc-1",
            [route("0.0.0.0/0", GatewayId="igw-1")],
            subnets=("subnet-pub", "subnet-pub-b"),
        ),
        route_table("rtb-main", "vpc-1", [route("0.0.0.0/0", NatGatewayId="nat-1")], main=True),
    ]


def _placed(*extra: Resource) -> dict[str, Resource]:
    return {r.id: r for r in enrich([*_network(), *extra])}


def test_instance_with_public_ip_in_public_subnet_is_internet_facing() -> None:
    found = _placed(
        resource("ec2:instance", "i-web", subnet_id="subnet-pub", public_ip="203.0.113.7"),
        resource("ec2:instance", "i-app", subnet_id="subnet-priv", public_ip="203.0.113.8"),
        resource("ec2:instance", "i-internal", subnet_id="subnet-pub", public_ip=None),
    )
    web, app, internal = found["i-web"], found["i-app"], found["i-internal"]
    assert web.vpc_id == "vpc-1"  # filled from the subnet
    assert web.attributes["subnet_public"] is True
    assert web.attributes["internet_facing"] is True
    assert web.attributes["subnet_ids"] == ["subnet-pub"]
    assert app.attributes["subnet_public"] is False
    assert app.attributes["internet_facing"] is False
    assert internal.attributes["internet_facing"] is False


def test_network_interfaces_and_nat_gateways() -> None:
    found = _placed(
        resource(
            "ec2:network-interface",
            "eni-web",
            vpc_id="vpc-1",
            subnet_id="subnet-pub",
            public_ip="203.0.113.9",
            InterfaceType="interface",
        ),
        resource(
            "ec2:network-interface",
            "eni-nat",
            vpc_id="vpc-1",
            subnet_id="subnet-pub",
            public_ip="203.0.113.10",
            InterfaceType="nat_gateway",
        ),
        resource("ec2:natgateway", "nat-1", vpc_id="vpc-1", subnet_id="subnet-pub"),
    )
    assert found["eni-web"].attributes["internet_facing"] is True
    assert found["eni-nat"].attributes["internet_facing"] is False
    assert found["nat-1"].attributes["subnet_public"] is True
    assert found["nat-1"].attributes["internet_facing"] is False


def test_database_spanning_subnets_from_the_raw_api_fields() -> None:
    group = {
        "VpcId": "vpc-1",
        "Subnets": [{"SubnetIdentifier": "subnet-priv"}, {"SubnetIdentifier": "subnet-pub-b"}],
    }
    found = _placed(
        resource("rds:db", "public-db", DBSubnetGroup=group, PubliclyAccessible=True),
        resource(
            "rds:db",
            "private-db",
            DBSubnetGroup={"Subnets": [{"SubnetIdentifier": "subnet-priv"}]},
            PubliclyAccessible=True,
        ),
    )
    db = found["public-db"]
    assert db.vpc_id == "vpc-1"
    assert db.subnet_id == "subnet-priv"
    assert db.attributes["subnet_ids"] == ["subnet-priv", "subnet-pub-b"]
    assert db.attributes["subnet_public"] is True  # one of its subnets is public
    assert db.attributes["internet_facing"] is True
    assert found["private-db"].attributes["internet_facing"] is False


def test_collector_contract_subnet_ids_is_respected() -> None:
    found = _placed(
        resource(
            "elasticloadbalancing:loadbalancer",
            "alb-public",
            vpc_id="vpc-1",
            subnet_id="subnet-pub",
            subnet_ids=["subnet-pub", "subnet-pub-b"],
            Scheme="internet-facing",
        ),
        resource(
            "elasticloadbalancing:loadbalancer",
            "alb-misplaced",
            subnet_ids=["subnet-priv", "subnet-priv-b"],
            Scheme="internet-facing",
        ),
        resource(
            "elasticloadbalancing:loadbalancer",
            "alb-internal",
            subnet_ids=["subnet-pub"],
            Scheme="internal",
        ),
        resource(
            "lambda:function",
            "fn",
            VpcConfig={"VpcId": "vpc-1", "SubnetIds": ["subnet-priv", "subnet-priv-b"]},
        ),
    )
    assert found["alb-public"].attributes["internet_facing"] is True
    misplaced = found["alb-misplaced"]
    assert misplaced.subnet_id == "subnet-priv"
    assert misplaced.vpc_id == "vpc-1"
    assert misplaced.attributes["subnet_public"] is False
    assert misplaced.attributes["internet_facing"] is False  # private subnets: unreachable
    assert found["alb-internal"].attributes["internet_facing"] is False
    fn = found["fn"]
    assert (fn.vpc_id, fn.subnet_id) == ("vpc-1", "subnet-priv")
    assert fn.attributes["subnet_ids"] == ["subnet-priv", "subnet-priv-b"]
    assert fn.attributes["internet_facing"] is False


def test_unknown_subnet_gives_unknown_answers() -> None:
    found = _placed(
        resource("ec2:instance", "i-lost", subnet_id="subnet-gone", public_ip="203.0.113.7"),
        resource("lambda:function", "fn-no-vpc"),
        resource("s3:bucket", "bucket"),
    )
    lost = found["i-lost"]
    assert lost.vpc_id is None
    assert lost.attributes["subnet_public"] is None
    assert lost.attributes["internet_facing"] is None
    # A networked type outside any VPC gets its record's placement fields, unknown.
    assert found["fn-no-vpc"].attributes["subnet_public"] is None
    assert found["fn-no-vpc"].attributes["internet_facing"] is None
    assert "internet_facing" not in found["bucket"].attributes


def test_enrich_is_idempotent_and_json_safe() -> None:
    extra = resource("ec2:instance", "i-web", subnet_id="subnet-pub", public_ip="203.0.113.7")
    once = [r.to_dict() for r in enrich([*_network(), extra])]
    resources = [Resource.from_dict(json.loads(json.dumps(d))) for d in once]
    twice = [r.to_dict() for r in enrich(resources)]
    assert once == twice


# ------------------------------------------------------------------ the tree


def test_build_topology_tree() -> None:
    other_vpc = [
        vpc("vpc-2", "10.1.0.0/16"),
        subnet("subnet-x", "vpc-2", "10.1.0.0/24"),
        route_table("rtb-main-2", "vpc-2", [], main=True),
    ]
    gateways = [
        resource(
            "ec2:internet-gateway",
            "igw-1",
            vpc_id="vpc-1",
            Attachments=[{"VpcId": "vpc-1", "State": "available"}],
        ),
        resource("ec2:egress-only-internet-gateway", "eigw-1", vpc_id="vpc-1"),
        resource(
            "ec2:natgateway",
            "nat-1",
            vpc_id="vpc-1",
            subnet_id="subnet-pub",
            State="available",
            NatGatewayAddresses=[{"PublicIp": "203.0.113.1"}],
        ),
        resource("ec2:vpn-gateway", "vgw-1", vpc_id="vpc-1", State="available"),
        resource(
            "ec2:transit-gateway-attachment",
            "tgw-attach-1",
            vpc_id="vpc-1",
            TransitGatewayId="tgw-1",
            SubnetIds=["subnet-priv", "subnet-priv-b"],
            State="available",
        ),
        resource(
            "ec2:vpc-peering-connection",
            "pcx-1",
            vpc_id="vpc-1",
            RequesterVpcInfo={"VpcId": "vpc-1", "Region": REGION},
            AccepterVpcInfo={"VpcId": "vpc-2", "Region": REGION},
            Status={"Code": "active"},
        ),
        resource(
            "ec2:vpc-endpoint",
            "vpce-s3",
            vpc_id="vpc-1",
            VpcEndpointType="Gateway",
            ServiceName="com.amazonaws.eu-west-1.s3",
        ),
    ]
    members = [
        resource("ec2:instance", "i-web", subnet_id="subnet-pub", public_ip="203.0.113.7"),
        resource("ec2:security-group", "sg-1", vpc_id="vpc-1"),
    ]
    resources = [*_network(), *other_vpc, *gateways, *members]
    before = [r.to_dict() for r in resources]
    tree = build_topology(resources)
    assert [r.to_dict() for r in resources] == before  # build_topology changes nothing

    assert [(t.region, t.vpc_id) for t in tree] == [(REGION, "vpc-1"), (REGION, "vpc-2")]
    main = tree[0]
    assert main.cidr == "10.0.0.0/16"
    assert [az.name for az in main.azs] == ["eu-west-1a", "eu-west-1b"]
    # Sorted by address, not by text: 10.0.1 before 10.0.10.
    assert [s.id for s in main.azs[0].subnets] == ["subnet-pub", "subnet-priv"]
    assert main.azs[0].zone_id == "euw1-aza"
    pub = main.azs[0].subnets[0]
    assert pub.public is True and pub.egress == "igw"
    assert pub.public_reason == "0.0.0.0/0 -> igw-1 in rtb-pub (explicit association)"
    assert [r.id for r in pub.resources] == ["i-web", "nat-1"]
    priv_b = main.azs[1].subnets[1]
    assert priv_b.id == "subnet-priv-b" and priv_b.public is False
    assert [r.id for r in priv_b.resources] == ["tgw-attach-1"]

    assert [(g.kind, g.id) for g in main.gateways] == [
        ("eigw", "eigw-1"),
        ("endpoint", "vpce-s3"),
        ("igw", "igw-1"),
        ("nat", "nat-1"),
        ("peering", "pcx-1"),
        ("tgw", "tgw-attach-1"),
        ("vgw", "vgw-1"),
    ]
    nat = main.gateways_of("nat")[0]
    assert nat.subnet_ids == ["subnet-pub"]
    assert nat.detail == "public NAT 203.0.113.1"
    assert main.gateways_of("igw")[0].state == "available"
    assert main.gateways_of("peering")[0].state == "active"
    assert main.gateways_of("tgw")[0].detail == "attached to tgw-1"
    assert [t.id for t in main.route_tables] == ["rtb-main", "rtb-pub"]
    assert [r.id for r in main.other_resources] == ["sg-1"]
    assert summary(main) == {
        "subnets": {"public": 2, "private": 2, "unknown": 0},
        "gateways": {
            "eigw": 1,
            "endpoint": 1,
            "igw": 1,
            "nat": 1,
            "peering": 1,
            "tgw": 1,
            "vgw": 1,
        },
    }

    peer = tree[1]
    assert [g.id for g in peer.gateways] == ["pcx-1"]  # both sides of the peering see it
    assert peer.subnets[0].public is False


def test_subnets_of_a_vpc_missing_from_the_scan_still_form_a_tree() -> None:
    tree = build_topology([subnet("subnet-a", "vpc-9")])
    assert len(tree) == 1
    assert tree[0].vpc is None and tree[0].name == "vpc-9"
    assert tree[0].subnets[0].public is None


def test_topology_module_is_pure() -> None:
    code = (
        "import sys, awsexplorer.model.topology\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('aiobotocore', 'botocore', 'textual')"
        " or m.startswith(('awsexplorer.scan', 'awsexplorer.ui', 'awsexplorer.checks'))]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
