"""VPC topology: VPC -> availability zone -> subnet -> the resources placed in it, plus gateways.

Two entry points, both pure (no I/O) and linear in the number of resources:

- `enrich(resources)` writes the derived facts into the resources themselves, so the snapshot
  and every view carry them: each subnet's classification (public or private, why, egress path,
  sizes) and each networked resource's placement (vpc_id, subnet_id, subnet_ids, subnet_public,
  internet_facing). `checks.analyse()` calls it after every scan, before the checks.
- `build_topology(resources)` returns the tree the UI renders (`VpcTopology` and friends).

docs/topology.md describes the rules and the data shapes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from awsexplorer.model.kinds import (
    DATABASE,
    EGRESS_ONLY_INTERNET_GATEWAY,
    INTERNET_GATEWAY,
    LOAD_BALANCER,
    NAT_GATEWAY,
    PUBLIC_IP,
    ROUTE_TABLE,
    STATE,
    SUBNET,
    SUBNETS,
    TRANSIT_GATEWAY_ATTACHMENT,
    VPC,
    VPC_ENDPOINT,
    VPC_PEERING_CONNECTION,
    VPN_GATEWAY,
    kind_of,
)
from awsexplorer.model.resource import Resource
from awsexplorer.model.routing import (
    EIGW,
    ENDPOINT,
    IGW,
    NAT,
    PEERING,
    TGW,
    VGW,
    Key,
    RouteTable,
    RoutingIndex,
    SubnetClassification,
    subnet_facts,
    subnet_vpc_id,
)
from awsexplorer.model.sharing import one_copy_each, shared_from

# Resource type -> gateway kind (the same words as a subnet's `egress`).
GATEWAY_KINDS: dict[str, str] = {
    INTERNET_GATEWAY: IGW,
    EGRESS_ONLY_INTERNET_GATEWAY: EIGW,
    NAT_GATEWAY: NAT,
    VPN_GATEWAY: VGW,
    TRANSIT_GATEWAY_ATTACHMENT: TGW,
    VPC_PEERING_CONNECTION: PEERING,
    VPC_ENDPOINT: ENDPOINT,
}


# --------------------------------------------------------------------------------------------
# Placement: which subnets a resource sits in.


def placed_subnet_ids(resource: Resource) -> list[str]:
    """Every subnet the resource sits in, its primary `subnet_id` first; [] when not networked."""
    if resource.type == SUBNET:
        return []
    listed = resource.attributes.get(SUBNETS)  # the record's placement field (model/kinds.py)
    if not listed:  # the common, fast case
        return [resource.subnet_id] if resource.subnet_id else []
    ids = [str(s) for s in listed] if isinstance(listed, list) else []
    if resource.subnet_id:
        ids = [resource.subnet_id, *(s for s in ids if s != resource.subnet_id)]
    return list(dict.fromkeys(ids))  # de-duplicated, order kept


def _any_public(flags: Sequence[bool | None]) -> bool | None:
    """True if any subnet is public; False only when every subnet is known to be private."""
    if any(f is True for f in flags):
        return True
    if flags and all(f is False for f in flags):
        return False
    return None


def _internet_facing(resource: Resource, subnet_public: bool | None) -> bool | None:
    """Reachable from the internet: an internet address in a public subnet."""
    attrs = resource.attributes
    if not kind_of(resource.type).can_be_internet_facing:
        # NAT gateways only initiate; functions, endpoints and attachments have no public address.
        return False
    if resource.type == DATABASE:
        exposed = bool(attrs.get("publicly_accessible"))
    elif resource.type == LOAD_BALANCER:
        exposed = attrs.get("scheme") == "internet-facing"
    else:  # an instance or a network interface: its public address
        if attrs.get("interface_type") == "nat_gateway":
            return False  # a NAT gateway's address only answers connections it opened itself
        exposed = bool(attrs.get(PUBLIC_IP))
    if not exposed:
        return False
    return subnet_public  # None when the subnet could not be classified


# --------------------------------------------------------------------------------------------
# enrich()


def enrich(resources: list[Resource]) -> list[Resource]:
    """Write subnet classifications and resource placement into `resources` (in place).

    Idempotent; returns the same list. O(resources + routes).
    """
    routing = RoutingIndex(resources)
    subnets: dict[Key, Resource] = {}
    public: dict[Key, bool | None] = {}
    for resource in resources:
        if resource.type != SUBNET:
            continue
        key = (resource.region, resource.id)
        subnets[key] = resource
        if resource.vpc_id is None:
            resource.vpc_id = subnet_vpc_id(resource)
        resource.subnet_id = resource.id
        classification = routing.classify(resource)
        resource.attributes.update(subnet_facts(resource))
        resource.attributes.update(classification.attributes())
        public[key] = classification.public
    for resource in resources:
        ids = placed_subnet_ids(resource)
        if not ids:
            if "internet_facing" in kind_of(resource.type).fields:
                # A networked type outside any VPC (a Lambda without VpcConfig): no placement.
                resource.attributes.setdefault(SUBNETS, [])
                resource.attributes.setdefault("subnet_public", None)
                resource.attributes.setdefault("internet_facing", None)
            continue
        region = resource.region
        resource.subnet_id = ids[0]
        if resource.vpc_id is None:
            for subnet_id in ids:
                known = subnets.get((region, subnet_id))
                if known is not None and known.vpc_id:
                    resource.vpc_id = known.vpc_id
                    break
        if len(ids) == 1:
            subnet_public = public.get((region, ids[0]))
        else:
            subnet_public = _any_public([public.get((region, i)) for i in ids])
        attrs = resource.attributes
        attrs[SUBNETS] = ids
        attrs["subnet_public"] = subnet_public
        attrs["internet_facing"] = _internet_facing(resource, subnet_public)
    return resources


# --------------------------------------------------------------------------------------------
# The tree the UI renders.


@dataclass(slots=True)
class Gateway:
    """A way in or out of a VPC."""

    kind: str  # igw | eigw | nat | vgw | tgw | peering | endpoint
    resource: Resource
    state: str | None
    subnet_ids: list[str]  # NAT gateways, interface/GWLB endpoints, TGW attachments
    detail: str  # one line: endpoint service, peer VPC, transit gateway id, public IP...

    @property
    def id(self) -> str:
        return self.resource.id

    @property
    def name(self) -> str:
        return self.resource.name


@dataclass(slots=True)
class SubnetNode:
    resource: Resource
    classification: SubnetClassification
    resources: list[Resource] = field(default_factory=list)  # sorted by (type, name, id)
    # The scanned accounts it is shared with (VPC sharing), whose resources are placed here too.
    shared_with: list[str] = field(default_factory=list)

    @property
    def shared_from(self) -> str | None:
        """The owner's account when only a participant's copy was scanned."""
        return shared_from(self.resource)

    @property
    def id(self) -> str:
        return self.resource.id

    @property
    def name(self) -> str:
        return self.resource.name

    @property
    def public(self) -> bool | None:
        return self.classification.public

    @property
    def public_reason(self) -> str:
        return self.classification.public_reason

    @property
    def egress(self) -> str | None:
        return self.classification.egress

    @property
    def cidr(self) -> str | None:
        return self.resource.attributes.get("cidr")

    @property
    def availability_zone(self) -> str | None:
        return self.resource.attributes.get("availability_zone")


@dataclass(slots=True)
class AzGroup:
    name: str  # "eu-west-1a"; "unknown" when the subnet did not say
    zone_id: str | None  # "euw1-az3": the same physical zone across accounts
    subnets: list[SubnetNode] = field(default_factory=list)  # sorted by CIDR


@dataclass(slots=True)
class VpcTopology:
    vpc_id: str
    region: str
    vpc: Resource | None  # None when the VPC itself was not in the scan
    azs: list[AzGroup] = field(default_factory=list)  # sorted by name
    gateways: list[Gateway] = field(default_factory=list)  # sorted by (kind, id)
    route_tables: list[RouteTable] = field(default_factory=list)  # sorted by id
    # In the VPC but in no known subnet: security groups, network ACLs, and anything whose
    # subnet was not in the scan. (Route tables are in `route_tables`, gateways in `gateways`.)
    other_resources: list[Resource] = field(default_factory=list)
    shared_with: list[str] = field(default_factory=list)  # as SubnetNode's

    @property
    def shared_from(self) -> str | None:
        return shared_from(self.vpc) if self.vpc is not None else None

    @property
    def name(self) -> str:
        return self.vpc.name if self.vpc is not None else self.vpc_id

    @property
    def cidr(self) -> str | None:
        return self.vpc.attributes.get("cidr") if self.vpc is not None else None

    @property
    def is_default(self) -> bool:
        return bool(self.vpc is not None and self.vpc.attributes.get("is_default"))

    @property
    def subnets(self) -> list[SubnetNode]:
        return [s for az in self.azs for s in az.subnets]

    def gateways_of(self, kind: str) -> list[Gateway]:
        return [g for g in self.gateways if g.kind == kind]


def _gateway_vpcs(resource: Resource) -> list[Key]:
    """The VPCs a gateway serves; a peering connection serves both of its sides."""
    if resource.type == VPC_PEERING_CONNECTION:
        keys = []
        for side in ("requester", "accepter"):
            vpc_id = resource.attributes.get(f"{side}_vpc_id")
            if vpc_id:
                region = resource.attributes.get(f"{side}_region") or resource.region
                keys.append((str(region), str(vpc_id)))
        return keys
    return [(resource.region, resource.vpc_id)] if resource.vpc_id else []


def _gateway_detail(resource: Resource) -> str:
    attrs = resource.attributes
    if resource.type == VPC_ENDPOINT:
        kind = attrs.get("endpoint_type") or "endpoint"
        return f"{kind} {attrs.get('service_name') or ''}".strip()
    if resource.type == TRANSIT_GATEWAY_ATTACHMENT:
        return f"attached to {attrs.get('transit_gateway_id') or 'a transit gateway'}"
    if resource.type == VPC_PEERING_CONNECTION:
        return f"{attrs.get('requester_vpc_id')} <-> {attrs.get('accepter_vpc_id')}"
    if resource.type == NAT_GATEWAY:
        ips = [str(ip) for ip in attrs.get("public_ips") or []]
        kind = attrs.get("connectivity") or "public"
        return f"{kind} NAT" + (f" {', '.join(ips)}" if ips else "")
    return ""


def _gateway_state(resource: Resource) -> str | None:
    """The normalised state (an internet gateway's: its attachment's; a peering's: its status)."""
    state = resource.attributes.get(STATE)
    return state if isinstance(state, str) else None


def _sort_key(resource: Resource) -> tuple[str, str, str]:
    return (resource.type, resource.name, resource.id)


def _cidr_key(node: SubnetNode) -> tuple[int, ...]:
    cidr = node.cidr or ""
    address, _, prefix = cidr.partition("/")
    parts = address.split(".")
    if len(parts) == 4 and all(p.isdigit() for p in parts):
        return (*(int(p) for p in parts), int(prefix) if prefix.isdigit() else 0)
    return (999,)


def build_topology(resources: Iterable[Resource]) -> list[VpcTopology]:
    """Every VPC in the scan as a tree, sorted by (region, name, id). Does not modify anything."""
    resources = list(resources)
    routing = RoutingIndex(resources)
    vpcs: dict[Key, VpcTopology] = {}

    def vpc(key: Key) -> VpcTopology:
        node = vpcs.get(key)
        if node is None:
            node = vpcs[key] = VpcTopology(vpc_id=key[1], region=key[0], vpc=None)
        return node

    # A shared VPC or subnet is listed by its owner and by each participant scanned (VPC
    # sharing): one node each, the owner's copy when it is there, the participants noted.
    chosen, participants = one_copy_each(resources)

    subnets: dict[Key, SubnetNode] = {}
    azs: dict[tuple[Key, str], AzGroup] = {}
    for key, resource in chosen.items():
        if resource.type == VPC:
            topology = vpc(key)
            topology.vpc = resource
            topology.shared_with = participants.get(key, [])
        else:
            vpc_id = subnet_vpc_id(resource) or "unknown"
            node = SubnetNode(resource, routing.classify(resource))
            node.shared_with = participants.get(key, [])
            subnets[key] = node
            zone = node.availability_zone or "unknown"
            group_key = ((resource.region, vpc_id), zone)
            group = azs.get(group_key)
            if group is None:
                group = azs[group_key] = AzGroup(
                    zone, resource.attributes.get("availability_zone_id")
                )
                vpc((resource.region, vpc_id)).azs.append(group)
            group.subnets.append(node)

    for table in routing.tables.values():
        if table.vpc_id:
            vpc((table.resource.region, table.vpc_id)).route_tables.append(table)

    seen_gateways: set[tuple[Key, str]] = set()
    for resource in resources:
        if resource.type in (VPC, SUBNET):
            continue
        kind = GATEWAY_KINDS.get(resource.type)
        if kind is not None:
            for key in _gateway_vpcs(resource):
                if (key, resource.id) in seen_gateways:
                    continue  # a cross-region peering is listed in both regions
                seen_gateways.add((key, resource.id))
                vpc(key).gateways.append(
                    Gateway(
                        kind,
                        resource,
                        _gateway_state(resource),
                        placed_subnet_ids(resource),
                        _gateway_detail(resource),
                    )
                )
        placed = [
            subnets[(resource.region, i)]
            for i in placed_subnet_ids(resource)
            if (resource.region, i) in subnets
        ]
        for node in placed:
            node.resources.append(resource)
        if not placed and kind is None and resource.type != ROUTE_TABLE and resource.vpc_id:
            vpc((resource.region, resource.vpc_id)).other_resources.append(resource)

    for topology in vpcs.values():
        topology.azs.sort(key=lambda a: a.name)
        for group in topology.azs:
            group.subnets.sort(key=_cidr_key)
            for subnet in group.subnets:
                subnet.resources.sort(key=_sort_key)
        topology.gateways.sort(key=lambda g: (g.kind, g.id))
        topology.route_tables.sort(key=lambda t: t.id)
        topology.other_resources.sort(key=_sort_key)
    return sorted(vpcs.values(), key=lambda v: (v.region, v.name, v.vpc_id))


def summary(topology: VpcTopology) -> dict[str, Any]:
    """Counts a one-line view can show: subnets public/private/unknown, gateways by kind."""
    counts = {"public": 0, "private": 0, "unknown": 0}
    for subnet in topology.subnets:
        label = "unknown" if subnet.public is None else "public" if subnet.public else "private"
        counts[label] += 1
    gateways: dict[str, int] = {}
    for gateway in topology.gateways:
        gateways[gateway.kind] = gateways.get(gateway.kind, 0) + 1
    return {"subnets": counts, "gateways": gateways}
