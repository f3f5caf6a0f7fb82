"""Subnet routing: which route table governs a subnet, and is the subnet public or private.

AWS's own definition: a subnet is public when its route table has an active route to an internet
gateway (any destination, IPv4 or IPv6). Everything here works on the raw DescribeRouteTables and
DescribeSubnets fields the scanner keeps in `Resource.attributes`. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from awsexplorer.model.kinds import ROUTE_TABLE
from awsexplorer.model.resource import Resource
from awsexplorer.model.sharing import shared_from

# Egress kinds, in the vocabulary of the snapshot's `egress` attribute.
IGW = "igw"
NAT = "nat"
EIGW = "eigw"
TGW = "tgw"
VGW = "vgw"
PEERING = "peering"
ENDPOINT = "endpoint"
INSTANCE = "instance"  # a NAT instance or appliance reached through i-/eni-
OTHER = "other"  # carrier, local (Outposts) gateways, Cloud WAN core networks
NONE = "none"
LOCAL = "local"  # the VPC's own CIDR: never an egress path

EGRESS_KINDS = (IGW, NAT, EIGW, TGW, VGW, PEERING, ENDPOINT, INSTANCE, OTHER, NONE)

EXPLICIT = "explicit"
MAIN = "main"
_ASSOCIATION_TEXT = {EXPLICIT: "explicit association", MAIN: "main route table"}

# Route target fields in the order we read them; the first one set names the target.
_TARGET_FIELDS = (
    "GatewayId",
    "NatGatewayId",
    "EgressOnlyInternetGatewayId",
    "TransitGatewayId",
    "VpcPeeringConnectionId",
    "VpcEndpointId",
    "InstanceId",
    "NetworkInterfaceId",
    "CarrierGatewayId",
    "LocalGatewayId",
    "CoreNetworkArn",
    "OdbNetworkArn",
)
_KIND_BY_PREFIX = (
    ("igw-", IGW),
    ("eigw-", EIGW),
    ("nat-", NAT),
    ("tgw-", TGW),
    ("vgw-", VGW),
    ("pcx-", PEERING),
    ("vpce-", ENDPOINT),
    ("i-", INSTANCE),
    ("eni-", INSTANCE),
)
_UNRANKED = 1_000  # prefix-list destinations: width unknown, ranked after every CIDR


@dataclass(frozen=True, slots=True)
class Route:
    """One route of a route table, with its target's kind worked out."""

    destination: str  # a CIDR (IPv4 or IPv6) or a prefix-list id
    target: str  # igw-..., nat-..., "local", ...
    kind: str  # one of EGRESS_KINDS (never NONE) or LOCAL
    state: str  # "active", "blackhole", ...

    @property
    def active(self) -> bool:
        return self.state == "active"

    @property
    def is_prefix_list(self) -> bool:
        return "/" not in self.destination

    @property
    def rank(self) -> tuple[int, int]:
        """Widest destination first; IPv4 before IPv6 at equal width; prefix lists last."""
        if self.is_prefix_list:
            return (_UNRANKED, 2)
        prefix = self.destination.rsplit("/", 1)[1]
        width = int(prefix) if prefix.isdigit() else _UNRANKED
        return (width, 1 if ":" in self.destination else 0)

    def describe(self) -> str:
        return f"{self.destination} -> {self.target}"

    @classmethod
    def from_api(cls, route: dict[str, Any]) -> Route:
        destination = (
            route.get("DestinationCidrBlock")
            or route.get("DestinationIpv6CidrBlock")
            or route.get("DestinationPrefixListId")
            or "?"
        )
        target = next((str(route[f]) for f in _TARGET_FIELDS if route.get(f)), "?")
        return cls(
            str(destination), target, target_kind(target), str(route.get("State") or "active")
        )


def target_kind(target: str) -> str:
    if target == "local":
        return LOCAL
    for prefix, kind in _KIND_BY_PREFIX:
        if target.startswith(prefix):
            return kind
    return OTHER


@dataclass(frozen=True, slots=True)
class RouteTable:
    """A route table's routes and associations, parsed once."""

    resource: Resource
    vpc_id: str | None
    main: bool
    subnet_ids: tuple[str, ...]  # explicit subnet associations
    gateway_ids: tuple[str, ...]  # edge associations (ingress routing): never a subnet's table
    routes: tuple[Route, ...]

    @property
    def id(self) -> str:
        return self.resource.id

    @classmethod
    def from_resource(cls, resource: Resource) -> RouteTable:
        attrs = resource.peek_attributes()
        main = False
        subnets: list[str] = []
        gateways: list[str] = []
        for assoc in attrs.get("Associations") or []:
            state = (assoc.get("AssociationState") or {}).get("State") or "associated"
            if state != "associated":
                continue  # a disassociated or failed association governs nothing
            if assoc.get("Main"):
                main = True
            elif assoc.get("SubnetId"):
                subnets.append(str(assoc["SubnetId"]))
            elif assoc.get("GatewayId"):
                gateways.append(str(assoc["GatewayId"]))
        return cls(
            resource=resource,
            vpc_id=attrs.get("VpcId") or resource.vpc_id,
            main=main,
            subnet_ids=tuple(subnets),
            gateway_ids=tuple(gateways),
            routes=tuple(Route.from_api(r) for r in attrs.get("Routes") or []),
        )


@dataclass(frozen=True, slots=True)
class SubnetClassification:
    """Public or private, and why. `public` is None when no governing route table is known."""

    public: bool | None
    public_reason: str
    route_table_id: str | None
    route_table_association: str | None  # EXPLICIT | MAIN
    egress: str | None  # one of EGRESS_KINDS; None when unknown
    egress_route: str | None  # the deciding route, "0.0.0.0/0 -> nat-0123"

    def attributes(self) -> dict[str, Any]:
        return {
            "public": self.public,
            "public_reason": self.public_reason,
            "route_table_id": self.route_table_id,
            "route_table_association": self.route_table_association,
            "egress": self.egress,
            "egress_route": self.egress_route,
        }


def _widest(routes: Iterable[Route]) -> list[Route]:
    return sorted(routes, key=lambda r: (r.rank, r.destination))


def _joined(routes: list[Route], target: str) -> str:
    """Every destination that goes to `target`: "0.0.0.0/1, 128.0.0.0/1 -> igw-0abc"."""
    destinations = [r.destination for r in routes if r.target == target]
    shown = ", ".join(destinations[:3])
    if len(destinations) > 3:
        shown += f" (+{len(destinations) - 3} more)"
    return f"{shown} -> {target}"


def classify(
    table: RouteTable | None, association: str | None, vpc_id: str | None
) -> SubnetClassification:
    """Classify a subnet governed by `table` (found by `association`)."""
    if table is None:
        return SubnetClassification(
            public=None,
            public_reason=(
                "unknown: no route table associated with this subnet and no main route table "
                f"of {vpc_id or 'its VPC'} in the scan"
            ),
            route_table_id=None,
            route_table_association=None,
            egress=None,
            egress_route=None,
        )
    where = f"in {table.id} ({_ASSOCIATION_TEXT[association or MAIN]})"
    to_igw = _widest(r for r in table.routes if r.kind == IGW and r.active)
    if to_igw:
        deciding = _joined(to_igw, to_igw[0].target)
        return SubnetClassification(
            public=True,
            public_reason=f"{deciding} {where}",
            route_table_id=table.id,
            route_table_association=association,
            egress=IGW,
            egress_route=deciding,
        )
    dead = _widest(r for r in table.routes if r.kind == IGW and not r.active)
    note = ""
    if dead:
        note = f" ({dead[0].describe()} is {dead[0].state})"
    # The egress path: the widest active route that leaves the VPC. Prefix-list routes to a
    # gateway endpoint (S3, DynamoDB) only reach that AWS service, so they are not an egress path.
    leaving = _widest(
        r
        for r in table.routes
        if r.active and r.kind != LOCAL and not (r.is_prefix_list and r.kind == ENDPOINT)
    )
    if leaving:
        deciding = _joined(leaving, leaving[0].target)
        reason = f"no active route to an internet gateway{note}; {deciding} {where}"
        egress, egress_route = leaving[0].kind, deciding
    else:
        reason = f"no active route to an internet gateway{note}; no route leaves the VPC {where}"
        egress, egress_route = NONE, None
    return SubnetClassification(
        public=False,
        public_reason=reason,
        route_table_id=table.id,
        route_table_association=association,
        egress=egress,
        egress_route=egress_route,
    )


Key = tuple[str, str]  # (region, id): ids are only unique within a region and account


class RoutingIndex:
    """Route tables indexed for subnet look-ups: explicit by subnet, main by the table's own VPC."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self.tables: dict[Key, RouteTable] = {}
        self._explicit: dict[Key, RouteTable] = {}
        self._main: dict[Key, RouteTable] = {}
        for resource in resources:
            if resource.type != ROUTE_TABLE:
                continue
            table = RouteTable.from_resource(resource)
            self.tables[(resource.region, resource.id)] = table
            for subnet_id in table.subnet_ids:
                self._explicit[(resource.region, subnet_id)] = table
            if table.main and table.vpc_id:
                # Scoped to the table's own VPC: another VPC's main table can never leak in.
                self._main[(resource.region, table.vpc_id)] = table

    def table_for(self, subnet: Resource) -> tuple[RouteTable | None, str | None]:
        explicit = self._explicit.get((subnet.region, subnet.id))
        if explicit is not None:
            return explicit, EXPLICIT
        vpc_id = subnet_vpc_id(subnet)
        main = self._main.get((subnet.region, vpc_id)) if vpc_id else None
        return (main, MAIN) if main is not None else (None, None)

    def classify(self, subnet: Resource) -> SubnetClassification:
        table, association = self.table_for(subnet)
        found = classify(table, association, subnet_vpc_id(subnet))
        owner = shared_from(subnet) if table is None else None
        if owner is not None:
            # A participant cannot read the owner's route tables: say so, and what would tell.
            reason = (
                f"unknown: shared from account {owner} (VPC sharing), whose route tables this "
                f"account cannot read; scan {owner} too to classify it"
            )
            return replace(found, public_reason=reason)
        return found


def subnet_vpc_id(subnet: Resource) -> str | None:
    return subnet.peek_attributes().get("VpcId") or subnet.vpc_id


def usable_ips(cidr: str | None) -> int | None:
    """Addresses in an IPv4 CIDR minus the five AWS reserves (network, router, DNS, future,
    broadcast)."""
    if not cidr or "/" not in cidr or ":" in cidr:
        return None
    prefix = cidr.rsplit("/", 1)[1]
    if not prefix.isdigit() or not 0 <= int(prefix) <= 32:
        return None
    return max((1 << (32 - int(prefix))) - 5, 0)


def subnet_facts(subnet: Resource) -> dict[str, Any]:
    """The descriptive attributes every view shows for a subnet, named plainly."""
    attrs = subnet.peek_attributes()
    cidr = attrs.get("CidrBlock")
    return {
        "cidr": cidr,
        "ipv6_cidrs": [
            a["Ipv6CidrBlock"]
            for a in attrs.get("Ipv6CidrBlockAssociationSet") or []
            if a.get("Ipv6CidrBlock")
            and (a.get("Ipv6CidrBlockState") or {}).get("State", "associated") == "associated"
        ],
        "availability_zone": attrs.get("AvailabilityZone"),
        "available_ips": attrs.get("AvailableIpAddressCount"),
        "usable_ips": usable_ips(cidr),
        "auto_assign_public_ip": bool(attrs.get("MapPublicIpOnLaunch")),
    }
