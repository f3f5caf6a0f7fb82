"""Exposure: what the internet can really reach, on which protocol and ports, by which path.

For every network interface (ENI) and instance with a public IPv4 address or a global IPv6
address, every publicly accessible RDS database and every internet-facing load balancer (and,
through it, its targets), `analyse(resources)` works out, per IP version, each (protocol, port
range) the internet can reach, and for the ports a security group opens to the internet but that
are not reachable, the first hop that blocks them. Every verdict keeps its path, one hop per
layer, in the order a packet meets them:

    address -> route -> nacl-in -> security-group -> nacl-out [-> listener -> target-group ...]

- **address**: a public IPv4 (public IP or Elastic IP) or a global IPv6 address on the interface;
- **route**: the subnet's route table (explicit association, else the VPC's main table, found by
  `routing.RoutingIndex`) must send the whole internet (0.0.0.0/0 or ::/0, or routes that add up
  to it such as 0.0.0.0/1 + 128.0.0.0/1) to an internet gateway; an egress-only internet gateway
  gives no inbound path;
- **nacl-in**: the subnet's network ACL (explicit association, else the VPC's default ACL),
  inbound rules in rule-number order, first match wins; only rules whose CIDR holds the whole
  source (0.0.0.0/0 or ::/0 for the internet) decide for it;
- **security-group**: stateful; the union of the interface's groups' inbound rules whose source
  holds the whole internet (0.0.0.0/0, ::/0, or a managed prefix list whose entries the snapshot
  holds; an unresolved prefix list is said as such, never guessed);
- **nacl-out**: network ACLs are stateless, so the outbound rules must let the reply out to the
  client's ephemeral ports 1024-65535 (for ICMP: ICMP out).

Load balancers (internet-facing application, network and classic ones) are read from a
normalised shape the collector does not produce yet (docs/exposure.md): the LB's `listeners`
and `elasticloadbalancing:targetgroup` resources with `targets`. A target is reachable *through*
the LB on the target port when the listener is reachable, the target's security group admits
the LB (its security group, or a CIDR holding its subnets) and the target subnet's NACL lets the
LB's traffic in and the replies out.

Pure: the standard library and awsexplorer.model only. docs/exposure.md is the contract.
"""

from __future__ import annotations

import gc
import ipaddress
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, pairwise
from typing import Any, TypeVar

from awsexplorer.model.kinds import (
    DATABASE,
    FUNCTION,
    INSTANCE,
    LOAD_BALANCER,
    NETWORK_ACL,
    NETWORK_INTERFACE,
    PREFIX_LIST,
    PUBLIC_IP,
    ROUTE_TABLE,
    SECURITY_GROUP,
    SECURITY_GROUPS,
    SUBNET,
    SUBNETS,
    TARGET_GROUP,
)
from awsexplorer.model.pacing import paced
from awsexplorer.model.resource import Resource, arn_account
from awsexplorer.model.routing import EIGW, IGW, Key, RouteTable, RoutingIndex

# Layers, in the order a packet from the internet meets them.
ADDRESS = "address"
ROUTE = "route"
NACL_IN = "nacl-in"
SG = "security-group"
NACL_OUT = "nacl-out"
LISTENER = "listener"
TARGET = "target-group"
LAYERS = (ADDRESS, ROUTE, NACL_IN, SG, NACL_OUT, LISTENER, TARGET)

ALLOW, DENY, NONE = "allow", "deny", "none"

TCP, UDP, ICMP, ICMPV6, ALL = "tcp", "udp", "icmp", "icmpv6", "all"
_PROTOCOL_NAMES = {"-1": ALL, "6": TCP, "17": UDP, "1": ICMP, "58": ICMPV6}
FULL = (0, 65535)
NO_PORTS = (-1, -1)  # ICMP and other protocols without ports
EPHEMERAL = (1024, 65535)

ADMIN_PORTS = frozenset({22, 23, 3389, 5985, 5986, 5900})
DATABASE_PORTS = frozenset(
    {1433, 1521, 3306, 5432, 5439, 6379, 9042, 9200, 9300, 11211, 27017, 27018, 50000}
)

_INTERNET = {4: ipaddress.ip_network("0.0.0.0/0"), 6: ipaddress.ip_network("::/0")}
_NOT_SERVING = frozenset(
    {
        "nat_gateway",  # answers only connections it opened
        "network_load_balancer",  # analysed as the load balancer itself
        "gateway_load_balancer",
        "gateway_load_balancer_endpoint",
        "vpc_endpoint",
    }
)

Ports = tuple[int, int]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class Hop:
    """One layer of a path and the rule that decided it there."""

    layer: str  # one of LAYERS
    id: str | None  # the table, ACL, group, interface, listener or target group
    rule: str  # the deciding rule, said plainly
    verdict: str  # ALLOW | DENY | NONE

    def to_dict(self) -> dict[str, Any]:
        return {"layer": self.layer, "id": self.id, "rule": self.rule, "verdict": self.verdict}


@dataclass(slots=True)  # not frozen: built 100,000s of times, frozen init costs 2x
class Verdict:
    """Can the internet reach `protocol` `ports` on this resource over IPv`ip_version`?"""

    arn: str
    resource_id: str
    resource_type: str
    name: str
    region: str
    protocol: str
    ports: Ports  # (-1, -1) for ICMP
    ip_version: int
    address: str | None  # the public address or DNS name the internet uses
    via: str | None  # the load balancer's ARN when reached through one
    reachable: bool
    path: tuple[Hop, ...]
    interface: str | None = None  # the ENI, when the resource has several
    # The security groups of the interface the verdict is about (not in the JSON contract):
    # what the checks read to say whether a group's open rule is reachable.
    groups: tuple[str, ...] = ()

    @property
    def account_id(self) -> str:
        """The account in the resource's ARN ("" when the ARN names none)."""
        return arn_account(self.arn)

    @property
    def blocking(self) -> Hop | None:
        """The first hop that blocks (the path's last), or None when reachable."""
        return None if self.reachable or not self.path else self.path[-1]

    @property
    def port_text(self) -> str:
        if self.ports == NO_PORTS:
            return self.protocol
        low, high = self.ports
        return f"{self.protocol}/{low}" if low == high else f"{self.protocol}/{low}-{high}"

    def covers(self, port: int) -> bool:
        return self.ports[0] <= port <= self.ports[1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "id": self.resource_id,
            "type": self.resource_type,
            "name": self.name,
            "region": self.region,
            "protocol": self.protocol,
            "ports": list(self.ports),
            "ip_version": self.ip_version,
            "address": self.address,
            "via": self.via,
            "interface": self.interface,
            "reachable": self.reachable,
            "path": [hop.to_dict() for hop in self.path],
        }


def hop_text(hop: Hop) -> str:
    """One hop in words: "acl-0abc rule 90 deny all traffic from 0.0.0.0/0", "rtb-1: 0.0.0.0/0
    -> igw-1 (main route table)". Raw snapshot strings: make them inert before showing."""
    if hop.id is None:
        return hop.rule
    return f"{hop.id}{' ' if hop.rule.startswith('rule ') else ': '}{hop.rule}"


def path_text(verdict: Verdict) -> str:
    """The whole path, hop by hop, as one line ("; " between hops)."""
    return "; ".join(hop_text(h) for h in verdict.path)


def risk_rank(verdict: Verdict) -> int:
    """0: an admin port in the range, 1: a database port, 2: anything else."""
    low, high = verdict.ports
    if verdict.protocol not in (TCP, UDP):
        return 2
    if any(low <= p <= high for p in ADMIN_PORTS):
        return 0
    if any(low <= p <= high for p in DATABASE_PORTS):
        return 1
    return 2


def sort_key(verdict: Verdict) -> tuple[Any, ...]:
    return (
        not verdict.reachable,
        risk_rank(verdict),
        verdict.ports,
        verdict.protocol,
        verdict.region,
        verdict.resource_id,
        verdict.ip_version,
        verdict.via or "",
    )


Pieces = list[tuple[str, Ports, tuple[Hop, ...], bool]]


class _Batch:
    """The verdicts of one interface, kept unbuilt: its public addresses, and per IP version
    the `pieces` (protocol, ports, hops after the address hop, reachable) that every interface
    with the same placement (subnet, groups, which addresses it has) shares, as one tuple.
    100,000 ENIs cost a small record each; a Verdict (and its address hop) is built only when
    asked for."""

    __slots__ = ("addresses", "groups", "hop_id", "interface", "live", "owner", "placement")

    def __init__(
        self,
        owner: Resource,
        interface: str | None,
        hop_id: str,
        groups: tuple[str, ...],
        addresses: tuple[str | None, str | None],  # IPv4, IPv6
        placement: tuple[tuple[int, Pieces], ...],
        live: bool,
    ) -> None:
        self.owner = owner
        self.interface = interface
        self.hop_id = hop_id
        self.groups = groups
        self.addresses = addresses
        self.placement = placement
        self.live = live  # some piece is reachable

    def head(self, version: int, address: str | None) -> Hop:
        """The address hop."""
        if not address:
            return Hop(ADDRESS, self.hop_id, _NO_ADDRESS[version], NONE)
        if self.owner.type == DATABASE:
            word = "publicly accessible endpoint"
        else:
            word = "public IPv4" if version == 4 else "global IPv6"
        return Hop(ADDRESS, self.hop_id, f"{word} {address}", ALLOW)

    def build(
        self, only_reachable: bool = False, wanted: Callable[[str, Ports], bool] | None = None
    ) -> list[Verdict]:
        owner = self.owner
        out: list[Verdict] = []
        for version, all_pieces in self.placement:
            pieces = all_pieces
            if wanted is not None:
                pieces = [p for p in all_pieces if wanted(p[0], p[1])]
                if not pieces:
                    continue
            address = self.addresses[0 if version == 4 else 1]
            head = self.head(version, address)
            out.extend(
                Verdict(
                    owner.arn,
                    owner.id,
                    owner.type,
                    owner.name,
                    owner.region,
                    protocol,
                    ports,
                    version,
                    address,
                    None,
                    ok,
                    (head, *hops),
                    self.interface,
                    self.groups,
                )
                for protocol, ports, hops, ok in pieces
                if ok or not only_reachable
            )
        return out


class Exposure:
    """Every verdict, reachable or not, and what the snapshot could not tell (per ARN).

    Built once per snapshot (`analyse`) and read by every view: the CLI, the checks, the
    detail pane, `:exposed` and the path view. Verdicts are built on demand."""

    __slots__ = ("_all", "_by_arn", "_by_group", "_items", "_reachable", "notes")

    def __init__(self, verdicts: Iterable[Verdict] = ()) -> None:
        self._items: list[Verdict | _Batch] = list(verdicts)
        self.notes: dict[str, list[str]] = {}
        self._all: list[Verdict] | None = None
        self._reachable: list[Verdict] | None = None
        self._by_arn: dict[str, list[Verdict | _Batch]] | None = None
        self._by_group: dict[tuple[str, str], list[Verdict | _Batch]] | None = None

    def add(self, item: Verdict | _Batch) -> None:
        self._items.append(item)
        self._all = self._reachable = None
        self._by_arn = self._by_group = None

    @staticmethod
    def _built(items: Iterable[Verdict | _Batch], only_reachable: bool = False) -> list[Verdict]:
        out: list[Verdict] = []
        for item in items:
            if isinstance(item, Verdict):
                if item.reachable or not only_reachable:
                    out.append(item)
            elif not only_reachable or item.live:
                out.extend(item.build(only_reachable))
        return out

    @property
    def verdicts(self) -> list[Verdict]:
        """Every verdict, in the order the analysis found them (built on first use)."""
        if self._all is None:
            with _collector_paused():
                self._all = self._built(self._items)
        return self._all

    def reachable(self) -> list[Verdict]:
        """Every reachable verdict, admin and database ports first."""
        if self._reachable is None:
            with _collector_paused():
                self._reachable = sorted(self._built(self._items, True), key=sort_key)
        return list(self._reachable)

    def about(self, arn: str) -> list[Verdict]:
        """The resource's own verdicts, those through it (a load balancer) and those reaching
        it through a load balancer: reachable first."""
        if self._by_arn is None:
            index: dict[str, list[Verdict | _Batch]] = {}
            for item in self._items:
                if isinstance(item, Verdict):
                    index.setdefault(item.arn, []).append(item)
                    if item.via and item.via != item.arn:
                        index.setdefault(item.via, []).append(item)
                else:
                    index.setdefault(item.owner.arn, []).append(item)
            self._by_arn = index
        return sorted(self._built(self._by_arn.get(arn, ())), key=sort_key)

    def blocked_at(self, layer: str) -> list[Verdict]:
        """The unreachable verdicts whose blocking hop is at `layer` (NACL_OUT: the replies
        cannot leave), building only those."""
        out: list[Verdict] = []
        for item in self._items:
            if isinstance(item, Verdict):
                hop = item.blocking
                if hop is not None and hop.layer == layer:
                    out.append(item)
                continue
            for version, pieces in item.placement:
                if not item.addresses[0 if version == 4 else 1]:
                    continue  # blocked at the address
                if any(not ok and hops and hops[-1].layer == layer for *_, hops, ok in pieces):
                    out.extend(
                        v
                        for v in item.build()
                        if v.ip_version == version
                        and v.blocking is not None
                        and v.blocking.layer == layer
                    )
        return sorted(out, key=sort_key)

    def through_group(
        self, region: str, group_id: str, wanted: Callable[[str, Ports], bool] | None = None
    ) -> list[Verdict]:
        """The direct verdicts (not through a load balancer) of every interface carrying the
        security group: what its inbound rules let the internet reach, or not; only those
        whose (protocol, ports) are `wanted`, when given (built only for those)."""
        if self._by_group is None:
            index: dict[tuple[str, str], list[Verdict | _Batch]] = {}
            for item in self._items:
                if isinstance(item, Verdict):
                    if item.via is not None:
                        continue
                    where = item.region
                else:
                    where = item.owner.region
                for group in item.groups:
                    index.setdefault((where, group), []).append(item)
            self._by_group = index
        found: list[Verdict] = []
        for item in self._by_group.get((region, group_id), ()):
            if isinstance(item, _Batch):
                found.extend(item.build(wanted=wanted))
            elif wanted is None or wanted(item.protocol, item.ports):
                found.append(item)
        return sorted(found, key=sort_key)

    def note(self, arn: str, text: str) -> None:
        found = self.notes.setdefault(arn, [])
        if text not in found:
            found.append(text)


# --------------------------------------------------------------------------------------------
# Small helpers: protocols, networks, port intervals


def protocol_name(value: Any) -> str:
    text = str(value).lower() if value is not None else "-1"
    return _PROTOCOL_NAMES.get(text, text)


def _full(protocol: str) -> Ports:
    return FULL if protocol in (TCP, UDP) else NO_PORTS


def _icmp(version: int) -> str:
    return ICMP if version == 4 else ICMPV6


@lru_cache(maxsize=4096)
def _network(cidr: str) -> Network | None:
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None


def _holds(cidr: str | None, sources: tuple[Network, ...]) -> bool:
    """The rule's CIDR holds every source network (same IP version)."""
    if not cidr:
        return False
    net = _network(cidr)
    if net is None:
        return False
    if len(sources) == 1 and sources[0].prefixlen == 0:  # the whole internet: only a /0 holds it
        return net.prefixlen == 0 and net.version == sources[0].version
    return all(s.version == net.version and s.subnet_of(net) for s in sources)  # type: ignore[arg-type]


def _ports_text(protocol: str, ports: Ports) -> str:
    if protocol == ALL:
        return "all traffic"
    if ports in (NO_PORTS, FULL):
        return protocol if ports == NO_PORTS else f"{protocol} all ports"
    low, high = ports
    return f"{protocol} {low}" if low == high else f"{protocol} {low}-{high}"


def _subtract(spans: list[Ports], cut: Ports) -> list[Ports]:
    out: list[Ports] = []
    for low, high in spans:
        if cut[1] < low or cut[0] > high:
            out.append((low, high))
            continue
        if low < cut[0]:
            out.append((low, cut[0] - 1))
        if cut[1] < high:
            out.append((cut[1] + 1, high))
    return out


def _intersect(a: Ports, b: Ports) -> Ports | None:
    low, high = max(a[0], b[0]), min(a[1], b[1])
    return (low, high) if low <= high else None


# --------------------------------------------------------------------------------------------
# Network ACLs


@dataclass(frozen=True, slots=True)
class AclRule:
    number: int
    egress: bool
    action: str  # allow | deny
    protocol: str  # tcp, udp, icmp, icmpv6, all, or the number
    ports: Ports
    cidr: str
    version: int

    def matches(self, protocol: str) -> bool:
        return self.protocol in (ALL, protocol)

    def describe(self) -> str:
        number = "*" if self.number >= 32767 else str(self.number)
        direction = "to" if self.egress else "from"
        what = "all traffic" if self.protocol == ALL else _ports_text(self.protocol, self.ports)
        return f"rule {number} {self.action} {what} {direction} {self.cidr}"


def _acl_rules(attrs: dict[str, Any]) -> tuple[AclRule, ...]:
    rules = []
    for entry in attrs.get("Entries") or []:
        if not isinstance(entry, dict):
            continue
        cidr = entry.get("CidrBlock") or entry.get("Ipv6CidrBlock")
        if not cidr:
            continue
        protocol = protocol_name(entry.get("Protocol"))
        span = entry.get("PortRange") or {}
        if protocol in (TCP, UDP) and span.get("From") is not None:
            ports = (int(span["From"]), int(span.get("To", span["From"])))
        else:
            ports = _full(protocol)
        rules.append(
            AclRule(
                number=int(entry.get("RuleNumber") or 0),
                egress=bool(entry.get("Egress")),
                action=str(entry.get("RuleAction") or "deny").lower(),
                protocol=protocol,
                ports=ports,
                cidr=str(cidr),
                version=6 if ":" in str(cidr) else 4,
            )
        )
    return tuple(sorted(rules, key=lambda r: r.number))


@dataclass(frozen=True, slots=True)
class NetworkAcl:
    id: str
    rules: tuple[AclRule, ...]

    def decide(
        self, egress: bool, protocol: str, span: Ports, sources: tuple[Network, ...]
    ) -> list[tuple[Ports, AclRule | None]]:
        """First match wins over `span`: each piece of it with the rule that decides it (None:
        no rule matched, the implicit deny)."""
        remaining = [span]
        decided: list[tuple[Ports, AclRule | None]] = []
        version = sources[0].version
        for rule in self.rules:
            if not remaining:
                break
            if rule.egress != egress or rule.version != version or not rule.matches(protocol):
                continue
            if not _holds(rule.cidr, sources):
                continue
            for piece in remaining:
                hit = _intersect(piece, rule.ports if rule.protocol != ALL else piece)
                if hit is not None:
                    decided.append((hit, rule))
            cut = rule.ports if rule.protocol != ALL else (min(span[0], -1), max(span[1], 65535))
            remaining = _subtract(remaining, cut)
        decided.extend((piece, None) for piece in remaining)
        return sorted(decided, key=lambda d: d[0])


def _acl_hop(acl: NetworkAcl, layer: str, rule: AclRule | None, version: int) -> Hop:
    if rule is None:
        internet = "0.0.0.0/0" if version == 4 else "::/0"
        return Hop(layer, acl.id, f"no rule matches {internet}: the implicit deny", DENY)
    return Hop(layer, acl.id, rule.describe(), ALLOW if rule.action == "allow" else DENY)


def _return_hop(acl: NetworkAcl, protocol: str, sources: tuple[Network, ...]) -> Hop:
    """nacl-out: can the reply leave for the client's ephemeral ports (ICMP: any ICMP)?"""
    version = sources[0].version
    span = EPHEMERAL if protocol in (TCP, UDP) else NO_PORTS
    pieces = acl.decide(True, protocol, span, sources)
    blocked = [(p, r) for p, r in pieces if r is None or r.action != "allow"]
    if blocked:
        piece, rule = blocked[0]
        hop = _acl_hop(acl, NACL_OUT, rule, version)
        what = "return traffic" if span == NO_PORTS else "return traffic to the client's ports "
        where = "" if span == NO_PORTS else _span(piece)
        return Hop(NACL_OUT, acl.id, f"{hop.rule}: blocks {what}{where}", DENY)
    rules = list(dict.fromkeys(r for _, r in pieces if r is not None))
    said = "; ".join(r.describe() for r in rules[:3])
    return Hop(NACL_OUT, acl.id, said, ALLOW)


def _no_acl(subnet_id: str) -> Hop:
    return Hop(NACL_IN, None, f"no network ACL for {subnet_id} in the snapshot", NONE)


def _unresolved(group: str, prefix_list: str, protocol: str, ports: Ports) -> Hop:
    return Hop(
        SG,
        group,
        f"{_ports_text(protocol, ports)} from {prefix_list}: unresolved prefix list "
        f"{prefix_list} (its entries are not in the snapshot)",
        NONE,
    )


def _span(ports: Ports) -> str:
    return str(ports[0]) if ports[0] == ports[1] else f"{ports[0]}-{ports[1]}"


# --------------------------------------------------------------------------------------------
# Security groups


@dataclass(frozen=True, slots=True)
class SgRule:
    group: str
    protocol: str
    ports: Ports
    cidrs: tuple[str, ...]
    groups: tuple[str, ...]  # referenced security groups
    prefix_lists: tuple[str, ...]


def _sg_rules(resource: Resource, egress: bool = False) -> tuple[SgRule, ...]:
    """A security group's inbound rules (its outbound ones with `egress`), parsed once here."""
    rules = []
    field = "IpPermissionsEgress" if egress else "IpPermissions"
    for perm in resource.peek_attributes().get(field) or []:
        if not isinstance(perm, dict):
            continue
        protocol = protocol_name(perm.get("IpProtocol"))
        if protocol in (TCP, UDP) and perm.get("FromPort") is not None:
            to_port = perm.get("ToPort")
            low = int(perm["FromPort"])
            high = low if to_port is None else int(to_port)
            ports = FULL if (low, high) == (-1, -1) else (low, high)
        else:
            ports = _full(protocol)
        cidrs = [str(r.get("CidrIp")) for r in perm.get("IpRanges") or [] if r.get("CidrIp")]
        cidrs += [str(r.get("CidrIpv6")) for r in perm.get("Ipv6Ranges") or [] if r.get("CidrIpv6")]
        rules.append(
            SgRule(
                group=resource.id,
                protocol=protocol,
                ports=ports,
                cidrs=tuple(cidrs),
                groups=tuple(
                    str(p["GroupId"])
                    for p in perm.get("UserIdGroupPairs") or []
                    if p.get("GroupId")
                ),
                prefix_lists=tuple(
                    str(p["PrefixListId"])
                    for p in perm.get("PrefixListIds") or []
                    if p.get("PrefixListId")
                ),
            )
        )
    return tuple(rules)


@dataclass(frozen=True, slots=True)
class Source:
    """Who sends the traffic: networks (the internet, a load balancer's subnets) and the
    security groups it carries (a load balancer's)."""

    networks: tuple[Network, ...]
    groups: frozenset[str] = frozenset()
    label: str = ""  # "the load balancer's group", for rule texts

    @property
    def version(self) -> int:
        return self.networks[0].version


_INTERNET_SOURCE = {4: Source((_INTERNET[4],)), 6: Source((_INTERNET[6],))}
_NO_ADDRESS = {4: "no public IPv4 address", 6: "no global IPv6 address"}


def _expand(protocol: str, ports: Ports, version: int) -> list[tuple[str, Ports]]:
    if protocol == ALL:
        return [(TCP, FULL), (UDP, FULL), (_icmp(version), NO_PORTS)]
    if protocol in (ICMP, ICMPV6) and protocol != _icmp(version):
        return []  # ICMP rules are IPv4's, ICMPv6 rules IPv6's
    return [(protocol, ports)]


# --------------------------------------------------------------------------------------------
# The analysis


@dataclass(slots=True)  # not frozen: one per ENI, a frozen init costs 2x
class Interface:
    """One network attachment: where it sits, its groups and public addresses."""

    owner: Resource  # the instance, ENI, database or load balancer the verdicts are about
    id: str | None  # the ENI id when known
    subnet_ids: tuple[str, ...]
    groups: tuple[str, ...]
    addresses: dict[int, str | None]  # IP version -> public address (None: none)
    only: tuple[tuple[str, Ports], ...] | None = None  # RDS: only its port is served


# At most so many entries in one C call where another thread (the UI) may be waiting: a dict of
# more is emptied an entry at a time (release), exposure_of's key made so many at a time.
_PIECE = 20_000


_PACE = 2_048  # resources between two calls of the analysis's `pause`
_T = TypeVar("_T")


def _paced(items: Sequence[_T], pause: Callable[[], None] | None) -> Iterator[_T]:
    return paced(items, pause, _PACE)


class _Analyser:
    def __init__(self, resources: Sequence[Resource], pause: Callable[[], None] | None) -> None:
        self.resources = resources
        self.pause = pause
        self.subnets: dict[Key, Resource] = {}
        self.acl_by_subnet: dict[Key, NetworkAcl] = {}
        self.default_acl: dict[Key, NetworkAcl] = {}
        self.sg_rules: dict[Key, tuple[SgRule, ...]] = {}
        self.prefix_lists: dict[Key, tuple[str, ...]] = {}
        self.by_id: dict[Key, Resource] = {}
        # (account, region, ip): accounts made from one template share private addresses.
        self._eni_by_ip: dict[tuple[str | None, str, str], Resource] | None = None
        self.target_groups: dict[str, Resource] = {}
        self.enis_of: dict[Key, list[Resource]] = {}
        self.result = Exposure()
        self._direct_cache: dict[
            tuple[Any, ...], tuple[list[tuple[str, Ports, tuple[Hop, ...], bool]], bool]
        ] = {}
        self._route_cache: dict[tuple[str, str, int], Hop] = {}
        self._opened_cache: dict[tuple[Any, ...], Any] = {}
        # Keyed by id(): every NetworkAcl lives in acl_by_subnet/default_acl for the analysis.
        self._acl_cache: dict[tuple[Any, ...], Any] = {}
        self._table_cache: dict[tuple[str, str, str, int], Hop] = {}
        self._placement_cache: dict[
            tuple[Any, ...], tuple[tuple[tuple[int, Pieces], ...], bool]
        ] = {}
        self._blocked_cache: dict[
            tuple[Any, ...], list[tuple[str, Ports, tuple[Hop, ...], bool]]
        ] = {}
        # One pass to bucket by type, then each type its own tight loop.
        by_type: dict[str, list[Resource]] = {}
        for r in _paced(resources, pause):
            found = by_type.get(r.type)
            if found is None:
                by_type[r.type] = [r]
            else:
                found.append(r)
        self.by_type = by_type
        # Every pass paced: one left unpaced held the worker 0.3-0.9 s past a pause at
        # 1,000,000 resources (the route tables alone 0.45 s).
        self.routing = RoutingIndex(_paced(by_type.get(ROUTE_TABLE, ()), pause))
        for r in _paced(by_type.get(SUBNET, ()), pause):
            self.subnets[(r.region, r.id)] = r
        for r in _paced(by_type.get(NETWORK_ACL, ()), pause):
            acl = NetworkAcl(r.id, _acl_rules(r.peek_attributes()))
            for assoc in r.peek_attributes().get("Associations") or []:
                if isinstance(assoc, dict) and assoc.get("SubnetId"):
                    self.acl_by_subnet[(r.region, str(assoc["SubnetId"]))] = acl
            vpc = r.peek_attributes().get("VpcId") or r.vpc_id
            if r.peek_attributes().get("IsDefault") and vpc:
                self.default_acl[(r.region, str(vpc))] = acl
        for r in _paced(by_type.get(SECURITY_GROUP, ()), pause):
            self.sg_rules[(r.region, r.id)] = _sg_rules(r)
        for r in _paced(by_type.get(PREFIX_LIST, ()), pause):
            self.prefix_lists[(r.region, r.id)] = tuple(
                str(e.get("Cidr"))
                for e in r.peek_attributes().get("Entries") or []
                if e.get("Cidr")
            )
        for r in _paced(by_type.get(TARGET_GROUP, ()), pause):
            self.target_groups[r.arn] = r
        by_id = self.by_id
        enis_of = self.enis_of
        # Not in by_id: nothing looks one up by id.
        for r in _paced(by_type.get(NETWORK_INTERFACE, ()), pause):
            owner = r.peek_attributes().get("attached_to")
            if owner:
                enis_of.setdefault((r.region, str(owner)), []).append(r)
        for t in (INSTANCE, FUNCTION):
            for r in _paced(by_type.get(t, ()), pause):
                by_id[(r.region, r.id)] = r

    def eni_by_ip(self) -> dict[tuple[str | None, str, str], Resource]:
        """ENIs by account, region and private address (IP targets), indexed on first use."""
        if self._eni_by_ip is None:
            self._eni_by_ip = {
                (r.account_id, r.region, ip): r
                for r in _paced(self.by_type.get(NETWORK_INTERFACE, ()), self.pause)
                for ip in _private_ips(r.peek_attributes())
            }
        return self._eni_by_ip

    # -- per subnet -------------------------------------------------------------------------

    def acl(self, region: str, subnet_id: str) -> NetworkAcl | None:
        found = self.acl_by_subnet.get((region, subnet_id))
        if found is not None:
            return found
        subnet = self.subnets.get((region, subnet_id))
        vpc = (subnet.peek_attributes().get("VpcId") or subnet.vpc_id) if subnet else None
        return self.default_acl.get((region, str(vpc))) if vpc else None

    def route_hop(self, region: str, subnet_id: str, version: int) -> Hop:
        key = (region, subnet_id, version)
        hop = self._route_cache.get(key)
        if hop is None:
            hop = self._route_cache[key] = self._route_hop(region, subnet_id, version)
        return hop

    def _route_hop(self, region: str, subnet_id: str, version: int) -> Hop:
        subnet = self.subnets.get((region, subnet_id))
        if subnet is None:
            return Hop(ROUTE, None, f"{subnet_id} is not in the snapshot", NONE)
        table, association = self.routing.table_for(subnet)
        if table is None:
            return Hop(ROUTE, None, f"no route table known for {subnet_id}", NONE)
        key = (region, table.id, association or "main", version)
        hop = self._table_cache.get(key)
        if hop is None:
            hop = self._table_cache[key] = internet_route(table, association or "main", version)
        return hop

    # -- per interface ----------------------------------------------------------------------

    def direct(
        self, region: str, subnet_id: str, groups: tuple[str, ...], version: int
    ) -> tuple[list[tuple[str, Ports, tuple[Hop, ...], bool]], bool]:
        """Each (protocol, ports) the groups open to the internet, with its path after the
        address hop (route, nacl-in, security-group, nacl-out) and whether every hop allows;
        and whether any piece is reachable. Cached per placement."""
        key = (region, subnet_id, groups, version)
        found = self._direct_cache.get(key)
        if found is None:
            source = _INTERNET_SOURCE[version]
            pieces = [
                (protocol, ports, hops, all(h.verdict == ALLOW for h in hops))
                for protocol, ports, hops in self.leg(region, subnet_id, groups, source)
            ]
            found = self._direct_cache[key] = (pieces, any(p[3] for p in pieces))
        return found

    def leg(
        self, region: str, subnet_id: str, groups: tuple[str, ...], source: Source
    ) -> list[tuple[str, Ports, tuple[Hop, ...]]]:
        """route -> nacl-in -> security-group -> nacl-out for traffic from the internet
        (`source`) to an interface in `subnet_id` with `groups`: every piece the groups open."""
        version = source.version
        opened, unresolved = self.opened(region, groups, source)
        if not opened and not unresolved:
            return []
        route = self.route_hop(region, subnet_id, version)
        out: list[tuple[str, Ports, tuple[Hop, ...]]] = []
        acl = self.acl(region, subnet_id)
        for protocol, ports, sg_hop in opened:
            if route.verdict != ALLOW:
                out.append((protocol, ports, (route,)))
                continue
            if acl is None:
                out.append((protocol, ports, (route, _no_acl(subnet_id))))
                continue
            back, pieces = self.acl_pieces(acl, protocol, ports, source)
            for piece, rule in pieces:
                hop = _acl_hop(acl, NACL_IN, rule, version)
                if hop.verdict != ALLOW:
                    out.append((protocol, piece, (route, hop)))
                else:
                    out.append((protocol, piece, (route, hop, sg_hop, back)))
        for group, prefix_list, protocol, ports in unresolved:
            out.append((protocol, ports, (route, _unresolved(group, prefix_list, protocol, ports))))
        return out

    def acl_pieces(
        self, acl: NetworkAcl, protocol: str, ports: Ports, source: Source
    ) -> tuple[Hop, list[tuple[Ports, AclRule | None]]]:
        """The ACL's return hop and inbound decision for the internet, cached per ACL (every
        subnet of a VPC usually shares one)."""
        internet = source is _INTERNET_SOURCE[4] or source is _INTERNET_SOURCE[6]
        if not internet:
            return (
                _return_hop(acl, protocol, source.networks),
                acl.decide(False, protocol, ports, source.networks),
            )
        key = (id(acl), protocol, ports, source.version)
        found = self._acl_cache.get(key)
        if found is None:
            found = self._acl_cache[key] = (
                _return_hop(acl, protocol, source.networks),
                acl.decide(False, protocol, ports, source.networks),
            )
        return found

    def probe(
        self,
        region: str,
        subnet_id: str,
        groups: tuple[str, ...],
        source: Source,
        protocol: str,
        port: int,
        *,
        check_route: bool = True,
        same_subnet: bool = False,
        no_groups: bool = False,
    ) -> tuple[Hop, ...]:
        """The path for one (protocol, port), up to the first hop that blocks it."""
        hops: list[Hop] = []
        if check_route:
            route = self.route_hop(region, subnet_id, source.version)
            hops.append(route)
            if route.verdict != ALLOW:
                return tuple(hops)
        ports = (port, port) if protocol in (TCP, UDP) else NO_PORTS
        acl = None
        if same_subnet:
            hops.append(Hop(NACL_IN, None, "same subnet: no network ACL between them", ALLOW))
        else:
            acl = self.acl(region, subnet_id)
            if acl is None:
                return (*hops, _no_acl(subnet_id))
            _, rule = acl.decide(False, protocol, ports, source.networks)[0]
            hop = _acl_hop(acl, NACL_IN, rule, source.version)
            hops.append(hop)
            if hop.verdict != ALLOW:
                return tuple(hops)
        if no_groups:
            hops.append(Hop(SG, None, "no security group on this load balancer", ALLOW))
        else:
            opened, unresolved = self.opened(region, groups, source)
            sg_hop = next(
                (h for p, span, h in opened if p == protocol and span[0] <= port <= span[1]),
                None,
            )
            if sg_hop is None:
                sg_hop = next(
                    (
                        _unresolved(g, pl, p, span)
                        for g, pl, p, span in unresolved
                        if p == protocol and span[0] <= port <= span[1]
                    ),
                    None,
                )
            if sg_hop is None:
                who = source.label or "the internet"
                sg_hop = Hop(
                    SG,
                    ", ".join(groups) or None,
                    f"no inbound rule admits {who} on {_ports_text(protocol, ports)}",
                    NONE,
                )
            hops.append(sg_hop)
            if sg_hop.verdict != ALLOW:
                return tuple(hops)
        if acl is not None:
            hops.append(_return_hop(acl, protocol, source.networks))
        return tuple(hops)

    def opened(
        self, region: str, groups: tuple[str, ...], source: Source
    ) -> tuple[list[tuple[str, Ports, Hop]], list[tuple[str, str, str, Ports]]]:
        """The union of the groups' inbound rules that admit `source`: disjoint (protocol,
        ports) pieces, each with the first rule that opens it; and the rules whose prefix list
        the snapshot cannot resolve."""
        internet = source is _INTERNET_SOURCE[4] or source is _INTERNET_SOURCE[6]
        key = (region, groups, source.version if internet else source)
        cached = self._opened_cache.get(key)
        if cached is None:
            cached = self._opened_cache[key] = self._opened(region, groups, source)
        return cached

    def _opened(
        self, region: str, groups: tuple[str, ...], source: Source
    ) -> tuple[list[tuple[str, Ports, Hop]], list[tuple[str, str, str, Ports]]]:
        version = source.version
        spans: list[tuple[str, Ports, Hop]] = []
        unresolved: list[tuple[str, str, str, Ports]] = []
        for group in groups:
            for rule in self.sg_rules.get((region, group), ()):
                said = self._admits(region, rule, source)
                for prefix_list in said[1]:
                    for protocol, ports in _expand(rule.protocol, rule.ports, version):
                        unresolved.append((group, prefix_list, protocol, ports))
                if said[0] is None:
                    continue
                for protocol, ports in _expand(rule.protocol, rule.ports, version):
                    text = f"{_ports_text(rule.protocol, rule.ports)} from {said[0]}"
                    spans.append((protocol, ports, Hop(SG, group, text, ALLOW)))
        return _disjoint(spans), unresolved

    def _admits(self, region: str, rule: SgRule, source: Source) -> tuple[str | None, list[str]]:
        """(what in the rule admits the source, or None; prefix lists it cannot resolve)."""
        for group in rule.groups:
            if group in source.groups:
                return f"{group} ({source.label or 'the source group'})", []
        for cidr in rule.cidrs:
            if _holds(cidr, source.networks):
                return cidr, []
        unresolved = []
        for prefix_list in rule.prefix_lists:
            entries = self.prefix_lists.get((region, prefix_list))
            if entries is None:
                unresolved.append(prefix_list)
                continue
            for cidr in entries:
                if _holds(cidr, source.networks):
                    return f"{prefix_list} ({cidr})", []
        return None, unresolved

    # -- the endpoints ----------------------------------------------------------------------

    def interfaces(self) -> Iterable[Interface]:
        # By type (ENIs, instances, databases): a verdict's order is not a contract (every
        # reader sorts), and the types are already bucketed.
        pause = self.pause
        for r in _paced(self.by_type.get(NETWORK_INTERFACE, ()), pause):
            attrs = r.peek_attributes()
            listed = attrs.get(SECURITY_GROUPS)
            if isinstance(listed, list) and listed:
                groups = tuple(map(str, listed))
            else:
                groups = tuple(_groups(attrs))
            if not groups or attrs.get("InterfaceType") in _NOT_SERVING:
                continue  # no group opens anything; or it serves nothing itself
            description = attrs.get("Description")
            if description and str(description).startswith("ELB "):
                continue  # a load balancer's node: analysed as the load balancer
            owner_id = attrs.get("attached_to")
            owner = self.by_id.get((r.region, str(owner_id))) if owner_id else None
            if owner is None or owner.type != INSTANCE:
                owner = r
            ipv4 = _public_ipv4(attrs)
            ipv6 = _global_ipv6(attrs) if attrs.get("Ipv6Addresses") else None
            if r.subnet_id and not attrs.get(SUBNETS):  # the common case: one subnet
                self.add_placed(owner, r.id, r.subnet_id, groups, ipv4, ipv6)
                continue
            subnets = _subnets(r)
            if len(subnets) == 1:
                self.add_placed(owner, r.id, subnets[0], groups, ipv4, ipv6)
                continue
            yield Interface(
                owner=owner,
                id=r.id,
                subnet_ids=tuple(subnets),
                groups=groups,
                addresses={4: ipv4, 6: ipv6},
            )
        for r in _paced(self.by_type.get(INSTANCE, ()), pause):
            if (r.region, r.id) in self.enis_of:
                continue  # its ENIs are in the snapshot and speak for it
            yield from (i for i in _instance_interfaces(r) if i.groups)
        for r in _paced(self.by_type.get(DATABASE, ()), pause):
            attrs = r.peek_attributes()
            if not (attrs.get("publicly_accessible") or attrs.get("PubliclyAccessible")):
                continue
            port = attrs.get("port") or (attrs.get("Endpoint") or {}).get("Port")
            if port is None:
                self.result.note(r.arn, "the database's port is not in the snapshot")
                continue
            yield Interface(
                owner=r,
                id=None,
                subnet_ids=tuple(_subnets(r)),
                groups=tuple(_groups(attrs)),
                addresses={4: attrs.get("endpoint") or None, 6: None},
                only=((TCP, (int(port), int(port))),),
            )

    def run(self) -> Exposure:
        for interface in self.interfaces():  # paced inside: most are placed there
            self.add_direct(interface)
        for r in _paced(self.by_type.get(LOAD_BALANCER, ()), self.pause):
            self.add_load_balancer(r)
        return self.result

    def release(self) -> None:
        """Its indexes emptied an entry at a time, in Python, where another thread (the UI)
        gets its turn: freed at once, their keys at 1,000,000 resources (581,550 in by_id
        alone) held the interpreter 268 ms. The result shares none of them."""
        for value in vars(self).values():
            if isinstance(value, dict) and len(value) > _PIECE:
                pop = value.popitem
                for _ in range(len(value)):
                    pop()

    def blocked_pieces(
        self, region: str, groups: tuple[str, ...], version: int, only: Any
    ) -> list[tuple[str, Ports, tuple[Hop, ...], bool]]:
        """Every piece the groups open, unreachable (no address): cached per group set."""
        key = (region, groups, version, only)
        found = self._blocked_cache.get(key)
        if found is None:
            opened, unresolved = self.opened(region, groups, _INTERNET_SOURCE[version])
            pieces = [(p, span) for p, span, _ in opened]
            pieces += [(p, span) for _, _, p, span in unresolved]
            found = self._blocked_cache[key] = [
                (protocol_, ports_, (), False)
                for protocol, ports in dict.fromkeys(pieces)
                for protocol_, ports_ in _served_by(only, protocol, ports)
            ]
        return found

    def add_direct(self, interface: Interface) -> None:
        owner = interface.owner
        if len(interface.subnet_ids) == 1 and interface.only is None:
            self.add_placed(
                owner,
                interface.id,
                interface.subnet_ids[0],
                interface.groups,
                interface.addresses.get(4),
                interface.addresses.get(6),
            )
            return
        region = owner.region
        hop_id = interface.id or owner.id
        groups = interface.groups
        for version in (4, 6):
            address = interface.addresses.get(version)
            if not address:
                # No address: one verdict per piece the groups open, blocked at the first hop.
                pieces = self.blocked_pieces(region, groups, version, interface.only)
                if pieces:
                    batch = _Batch(
                        owner,
                        interface.id,
                        hop_id,
                        groups,
                        (None, None),
                        ((version, pieces),),
                        False,
                    )
                    self.result._items.append(batch)
                continue
            word = "public IPv4" if version == 4 else "global IPv6"
            if owner.type == DATABASE:
                word = "publicly accessible endpoint"
            address_hop = Hop(ADDRESS, hop_id, f"{word} {address}", ALLOW)
            # A database sits in one of its subnets; reachable when any of them lets it through.
            best: dict[tuple[str, Ports], tuple[tuple[Hop, ...], bool]] = {}
            for subnet_id in interface.subnet_ids:
                for protocol, ports, hops, ok in self.direct(
                    region, subnet_id, interface.groups, version
                )[0]:
                    for key in _served(interface, protocol, ports):
                        if key not in best or (ok and not best[key][1]):
                            best[key] = ((address_hop, *hops), ok)
            for (protocol, ports), (path, ok) in best.items():
                self._emit(
                    owner,
                    interface.id,
                    protocol,
                    ports,
                    version,
                    address,
                    None,
                    path,
                    ok,
                    interface.groups,
                )

    def add_placed(
        self,
        owner: Resource,
        interface: str | None,
        subnet_id: str,
        groups: tuple[str, ...],
        ipv4: str | None,
        ipv6: str | None,
    ) -> None:
        """The common case: one subnet, every port the groups open, both IP versions in one
        record whose pieces are shared per placement."""
        key = (owner.region, subnet_id, groups, not ipv4, not ipv6)
        found = self._placement_cache.get(key)
        if found is None:
            region = owner.region
            placement: list[tuple[int, Pieces]] = []
            live = False
            for version, address in ((4, ipv4), (6, ipv6)):
                if address:
                    pieces, ok = self.direct(region, subnet_id, groups, version)
                    live = live or ok
                else:
                    pieces = self.blocked_pieces(region, groups, version, None)
                if pieces:
                    placement.append((version, pieces))
            found = self._placement_cache[key] = (tuple(placement), live)
        if found[0]:
            self.result._items.append(
                _Batch(owner, interface, interface or owner.id, groups, (ipv4, ipv6), *found)
            )

    def _emit(
        self,
        owner: Resource,
        interface: str | None,
        protocol: str,
        ports: Ports,
        version: int,
        address: str | None,
        via: str | None,
        path: tuple[Hop, ...],
        reachable: bool | None = None,
        groups: tuple[str, ...] = (),
    ) -> None:
        self.result.add(
            Verdict(
                arn=owner.arn,
                resource_id=owner.id,
                resource_type=owner.type,
                name=owner.name,
                region=owner.region,
                protocol=protocol,
                ports=ports,
                ip_version=version,
                address=address,
                via=via,
                reachable=_reaches(path) if reachable is None else reachable,
                path=path,
                interface=interface,
                groups=groups,
            )
        )

    # -- load balancers ---------------------------------------------------------------------

    def add_load_balancer(self, lb: Resource) -> None:
        attrs = lb.peek_attributes()
        scheme = attrs.get("scheme") or attrs.get("Scheme")
        if scheme != "internet-facing":
            return
        lb_type = str(attrs.get("type") or attrs.get("Type") or "")
        if lb_type == "gateway":
            return  # a gateway load balancer takes no traffic from the internet itself
        listeners = attrs.get("listeners")
        if not isinstance(listeners, list):
            self.result.note(lb.arn, "its listeners are not in the snapshot")
            return
        subnets = _subnets(lb)
        groups = tuple(_groups(attrs))
        dns = attrs.get("dns_name") or attrs.get("DNSName") or None
        versions = [4]
        if str(attrs.get("IpAddressType") or attrs.get("ip_address_type") or "").startswith(
            "dualstack"
        ):
            versions.append(6)
        for version in versions:
            for listener in listeners:
                if isinstance(listener, dict):
                    self._listener(lb, lb_type, listener, subnets, groups, dns, version)

    def _listener(
        self,
        lb: Resource,
        lb_type: str,
        listener: dict[str, Any],
        subnets: list[str],
        groups: tuple[str, ...],
        dns: str | None,
        version: int,
    ) -> None:
        port = int(listener.get("port") or 0)
        said = str(listener.get("protocol") or "TCP").upper()
        listener_id = str(listener.get("arn") or f"{lb.id}:{said}:{port}")
        address_hop = Hop(ADDRESS, lb.id, f"internet-facing, DNS name {dns}", ALLOW)
        listener_hop = Hop(LISTENER, listener_id, f"{said} {port}", ALLOW)
        transports = [TCP, UDP] if said == "TCP_UDP" else [UDP] if said == "UDP" else [TCP]
        internet = Source((_INTERNET[version],))
        for transport in transports:
            # Reachable through any of the LB's subnets (a node per zone answers the name).
            best: tuple[Hop, ...] | None = None
            for subnet_id in subnets:
                hops = self.probe(
                    lb.region, subnet_id, groups, internet, transport, port, no_groups=not groups
                )
                path = (address_hop, *hops)
                if _reaches(path):
                    path = (*path, listener_hop)
                if best is None or (_reaches(path) and not _reaches(best)):
                    best = path
            if best is None:
                best = (address_hop, Hop(ROUTE, None, "the load balancer has no subnets", NONE))
            self._emit(lb, None, transport, (port, port), version, dns, None, best, groups=groups)
            if _reaches(best):
                self._targets(lb, lb_type, listener, transport, subnets, groups, dns, best)

    def _targets(
        self,
        lb: Resource,
        lb_type: str,
        listener: dict[str, Any],
        transport: str,
        subnets: list[str],
        groups: tuple[str, ...],
        dns: str | None,
        lb_path: tuple[Hop, ...],
    ) -> None:
        forwards: list[tuple[str, str, str, int | None]] = []  # (tg, kind, target, port)
        if lb_type == "classic":
            port = listener.get("instance_port") or listener.get("port")
            for instance in lb.peek_attributes().get("instances") or []:
                forwards.append((lb.id, "instance", str(instance), int(port) if port else None))
        for tg_arn in listener.get("target_group_arns") or []:
            tg = self.target_groups.get(str(tg_arn))
            if tg is None:
                self.result.note(lb.arn, f"target group {tg_arn} is not in the snapshot")
                continue
            kind = str(tg.peek_attributes().get("target_type") or "instance")
            for target in tg.peek_attributes().get("targets") or []:
                if not isinstance(target, dict) or not target.get("id"):
                    continue
                port = target.get("port") or tg.peek_attributes().get("port")
                forwards.append((tg.id, kind, str(target["id"]), int(port) if port else None))
        nets = []
        for subnet_id in subnets:
            subnet = self.subnets.get((lb.region, subnet_id))
            net = _network(str(subnet.peek_attributes().get("CidrBlock") or "")) if subnet else None
            if net is not None:
                nets.append(net)
        # The client's address reaches an NLB's instance targets (client IP preservation);
        # an ALB, a classic LB and NLB IP targets connect from the LB's own subnets.
        label = f"the load balancer {lb.id}"
        from_lb = Source(tuple(nets) or (_INTERNET[4],), frozenset(groups), label)
        from_client = Source((_INTERNET[4],), frozenset(groups), label)
        for tg_id, kind, target_id, port in forwards:
            source = from_client if lb_type == "network" and kind == "instance" else from_lb
            self._target(lb, transport, tg_id, kind, target_id, port, source, dns, lb_path)

    def _target(
        self,
        lb: Resource,
        transport: str,
        tg_id: str,
        kind: str,
        target_id: str,
        port: int | None,
        source: Source,
        dns: str | None,
        lb_path: tuple[Hop, ...],
    ) -> None:
        if kind == "lambda":
            function = _by_arn_or_id(self.by_type.get(FUNCTION, []), target_id, lb.account_id)
            invoked = function or _stand_in(lb.region, target_id, FUNCTION)
            hop = Hop(TARGET, tg_id, f"invokes {target_id}", ALLOW)
            self._emit(invoked, None, transport, NO_PORTS, 4, dns, lb.arn, (*lb_path, hop))
            return
        owner: Resource | None
        if kind == "ip":
            # A private address: the load balancer's own account's interface holding it.
            eni = self.eni_by_ip().get((lb.account_id, lb.region, target_id))
            owner_id = eni.peek_attributes().get("attached_to") if eni else None
            owner = self.by_id.get((lb.region, str(owner_id))) if owner_id else None
            owner = owner or eni
            places = [_interface_of(eni)] if eni else []
        else:
            owner = self.by_id.get((lb.region, target_id))
            places = self._placements(owner) if owner else []
        if owner is None or port is None or not places:
            why = "no port" if owner is not None and places else "not in the snapshot"
            hop = Hop(TARGET, tg_id, f"forwards to {target_id}: {why}", NONE)
            shown = owner or _stand_in(lb.region, target_id, INSTANCE)
            ports = (port or 0, port or 0)
            self._emit(shown, None, transport, ports, 4, dns, lb.arn, (*lb_path, hop))
            return
        tg_hop = Hop(TARGET, tg_id, f"forwards to {target_id} {transport} {port}", ALLOW)
        lb_subnets = set(_subnets(lb))
        best: tuple[Hop, ...] | None = None
        chosen = None
        for interface_id, subnet_id, groups in places:
            hops = self.probe(
                lb.region,
                subnet_id,
                groups,
                source,
                transport,
                port,
                check_route=False,
                same_subnet=subnet_id in lb_subnets,
            )
            path = (*lb_path, tg_hop, *hops)
            if best is None or (_reaches(path) and not _reaches(best)):
                best, chosen = path, interface_id
        assert best is not None
        self._emit(owner, chosen, transport, (port, port), 4, dns, lb.arn, best)

    def _placements(self, owner: Resource) -> list[tuple[str | None, str, tuple[str, ...]]]:
        enis = self.enis_of.get((owner.region, owner.id))
        if enis:
            return [
                (e.id, s, tuple(_groups(e.peek_attributes())))
                for e in enis
                for s in _subnets(e)[:1]
            ]
        return [
            (i.id, i.subnet_ids[0], i.groups) for i in _instance_interfaces(owner) if i.subnet_ids
        ]


# --------------------------------------------------------------------------------------------
# Route to the internet


def internet_route(table: RouteTable, association: str, version: int) -> Hop:
    """Does the table send the whole internet (of this IP version) to an internet gateway?"""
    where = "explicit association" if association == "explicit" else "main route table"
    default = "0.0.0.0/0" if version == 4 else "::/0"
    for route in table.routes:  # the common case, without parsing a network
        if route.destination == default and route.kind == IGW and route.active:
            return Hop(ROUTE, table.id, f"{default} -> {route.target} ({where})", ALLOW)
    internet = _INTERNET[version]
    to_igw: dict[str, list[Network]] = {}
    eigw = []
    partial = []
    for route in table.routes:
        net = None if route.is_prefix_list else _network(route.destination)
        if net is None or net.version != version:
            continue
        if route.kind == IGW and route.active:
            to_igw.setdefault(route.target, []).append(net)
        elif route.kind == EIGW and route.active:
            eigw.append(route)
        elif route.kind == IGW:
            partial.append(f"{route.describe()} is {route.state}")
    nets = [n for found in to_igw.values() for n in found]
    if nets and list(ipaddress.collapse_addresses(nets)) == [internet]:  # type: ignore[type-var]
        target = next(iter(to_igw))
        shown = ", ".join(str(n) for n in sorted(nets, key=lambda n: n.network_address))
        targets = ", ".join(to_igw)
        return Hop(
            ROUTE, table.id, f"{shown} -> {targets if len(to_igw) > 1 else target} ({where})", ALLOW
        )
    if eigw:
        route = eigw[0]
        return Hop(
            ROUTE,
            table.id,
            f"{route.describe()} ({where}): an egress-only gateway, no inbound path",
            DENY,
        )
    if nets:
        shown = ", ".join(str(n) for n in nets[:3])
        return Hop(
            ROUTE,
            table.id,
            f"only {shown} -> {next(iter(to_igw))} ({where}): not the whole internet",
            NONE,
        )
    note = f" ({partial[0]})" if partial else ""
    return Hop(
        ROUTE, table.id, f"no route from {internet} to an internet gateway{note} ({where})", NONE
    )


# --------------------------------------------------------------------------------------------
# Attribute readers (normalised fields first, the raw API's as a fallback)


def _subnets(resource: Resource) -> list[str]:
    listed = resource.peek_attributes().get(SUBNETS)
    if isinstance(listed, list) and listed:
        return [str(s) for s in listed]
    subnet = resource.subnet_id or resource.peek_attributes().get("SubnetId")
    if subnet:
        return [str(subnet)]
    zones = resource.peek_attributes().get("AvailabilityZones") or []
    return [str(z["SubnetId"]) for z in zones if isinstance(z, dict) and z.get("SubnetId")]


def _groups(attrs: dict[str, Any]) -> list[str]:
    listed = attrs.get(SECURITY_GROUPS)
    if isinstance(listed, list) and listed:
        return [str(g) for g in listed]
    return [
        str(g["GroupId"])
        for g in attrs.get("Groups") or []
        if isinstance(g, dict) and g.get("GroupId")
    ]


def _public_ipv4(attrs: dict[str, Any]) -> str | None:
    found = attrs.get(PUBLIC_IP) or (attrs.get("Association") or {}).get("PublicIp")
    return str(found) if found else None


def _global_ipv6(attrs: dict[str, Any]) -> str | None:
    for entry in attrs.get("Ipv6Addresses") or []:
        text = entry.get("Ipv6Address") if isinstance(entry, dict) else None
        if not text:
            continue
        try:
            if ipaddress.ip_address(str(text)).is_global:
                return str(text)
        except ValueError:
            continue
    return None


def _private_ips(attrs: dict[str, Any]) -> list[str]:
    found = [
        str(p["PrivateIpAddress"])
        for p in attrs.get("PrivateIpAddresses") or []
        if isinstance(p, dict) and p.get("PrivateIpAddress")
    ]
    main = attrs.get("PrivateIpAddress") or attrs.get("private_ip")
    if main and str(main) not in found:
        found.insert(0, str(main))
    return found


def _instance_interfaces(instance: Resource) -> list[Interface]:
    attrs = instance.peek_attributes()
    raw = [n for n in attrs.get("NetworkInterfaces") or [] if isinstance(n, dict)]
    if not raw:
        return [
            Interface(
                owner=instance,
                id=None,
                subnet_ids=tuple(_subnets(instance)),
                groups=tuple(_groups(attrs)),
                addresses={4: _public_ipv4(attrs), 6: _global_ipv6(attrs)},
            )
        ]
    return [
        Interface(
            owner=instance,
            id=str(n.get("NetworkInterfaceId") or "") or None,
            subnet_ids=(str(n["SubnetId"]),) if n.get("SubnetId") else tuple(_subnets(instance)),
            groups=tuple(_groups(n)) or tuple(_groups(attrs)),
            addresses={4: _public_ipv4(n), 6: _global_ipv6(n)},
        )
        for n in raw
    ]


def _interface_of(eni: Resource) -> tuple[str | None, str, tuple[str, ...]]:
    subnets = _subnets(eni)
    return (eni.id, subnets[0] if subnets else "", tuple(_groups(eni.peek_attributes())))


def _by_arn_or_id(resources: Sequence[Resource], ref: str, account: str | None) -> Resource | None:
    """The function `ref` names: by ARN, or by name in `account` (the referrer's: accounts made
    from one template hold functions of the same name)."""
    return next(
        (
            r
            for r in resources
            if r.type == FUNCTION and (ref == r.arn or (ref == r.id and r.account_id == account))
        ),
        None,
    )


def _stand_in(region: str, ref: str, rtype: str) -> Resource:
    """A target the snapshot does not hold: named by what the target group says."""
    return Resource(arn=ref, type=rtype, id=ref, name=ref, region=region)


# --------------------------------------------------------------------------------------------
# Pieces and paths


def _disjoint(spans: list[tuple[str, Ports, Hop]]) -> list[tuple[str, Ports, Hop]]:
    """Overlapping (protocol, ports) spans made disjoint; each piece keeps the first span's
    hop that covers it; neighbours with the same hop merged."""
    out: list[tuple[str, Ports, Hop]] = []
    by_protocol: dict[str, list[tuple[Ports, Hop]]] = {}
    for protocol, ports, hop in spans:
        by_protocol.setdefault(protocol, []).append((ports, hop))
    for protocol, items in by_protocol.items():
        if len(items) == 1:
            out.append((protocol, items[0][0], items[0][1]))
            continue
        cuts = sorted({p[0] for p, _ in items} | {p[1] + 1 for p, _ in items})
        pieces: list[tuple[Ports, Hop]] = []
        for low, nxt in pairwise(cuts):
            piece = (low, nxt - 1)
            covering = next((h for p, h in items if p[0] <= low and piece[1] <= p[1]), None)
            if covering is None:
                continue
            if pieces and pieces[-1][1] == covering and pieces[-1][0][1] + 1 == low:
                pieces[-1] = ((pieces[-1][0][0], piece[1]), covering)
            else:
                pieces.append((piece, covering))
        out.extend((protocol, p, h) for p, h in pieces)
    return out


def _served(interface: Interface, protocol: str, ports: Ports) -> list[tuple[str, Ports]]:
    return _served_by(interface.only, protocol, ports)


def _served_by(
    only: tuple[tuple[str, Ports], ...] | None, protocol: str, ports: Ports
) -> list[tuple[str, Ports]]:
    if only is None:
        return [(protocol, ports)]
    found = []
    for served_protocol, served in only:
        if served_protocol == protocol:
            hit = _intersect(ports, served)
            if hit is not None:
                found.append((protocol, hit))
    return found


def _reaches(path: Sequence[Hop]) -> bool:
    return (
        bool(path)
        and all(h.verdict == ALLOW for h in path)
        and any(h.layer == ADDRESS for h in path)
    )


_memo_lock = threading.Lock()
_memo: list[tuple[list[Resource], tuple[int, ...], Exposure]] = []
_MEMO_SIZE = 2  # the scan on screen, and a baseline or the one being analysed


def exposure_of(resources: Sequence[Resource], pause: Callable[[], None] | None = None) -> Exposure:
    """The exposure of these resources, computed once: every reader (the checks, the detail
    pane, `:exposed`, the path view, `awsexplorer exposure`) asks here, so all show the same
    verdicts and none recomputes them. Remembered by the identity of the resource objects (the
    same objects in the same order: the UI's state and the scan it analysed share them), which
    are kept referenced so an id cannot be reused; resources are not changed after analysis.
    Thread-safe: the UI's analysis worker computes it, the UI thread reads it.

    `pause`: called every so many resources (the UI's worker sleeps there while keys are
    pressed, as the relationship index does). The analysis runs outside the lock, so a caller
    with a small estate is never held behind a big one; two threads asking for the same
    resources at once may both compute, and both get the first result kept."""
    # Made a piece at a time (the generator between pieces is where another thread gets its
    # turn): in one C call, the key of 1,000,000 resources held the interpreter 85-99 ms.
    pieces = range(0, len(resources), _PIECE)
    key = tuple(chain.from_iterable(map(id, resources[n : n + _PIECE]) for n in pieces))
    with _memo_lock:
        for _kept, kept_key, found in _memo:
            if kept_key == key:
                return found
    computed = analyse(resources, pause)
    with _memo_lock:
        for _kept, kept_key, found in _memo:
            if kept_key == key:
                return found  # another thread's, kept first: every reader shares one
        _memo.insert(0, (list(resources), key, computed))
        del _memo[_MEMO_SIZE:]
        return computed


_gc_lock = threading.Lock()
_gc_state = {"holds": 0, "was_enabled": False}  # analyses running with the collector paused


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The analysis makes ~100,000 small acyclic records on a big estate; the cyclic
    collector, run every few hundred allocations, would walk the whole heap (every resource)
    again and again: ~45 % of the time on the 100,000-resource benchmark. Paused while it
    runs (reference counting frees everything as usual), restored after the last analysis
    running in any thread ends."""
    with _gc_lock:
        if _gc_state["holds"] == 0:
            _gc_state["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_state["holds"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["holds"] -= 1
            if _gc_state["holds"] == 0 and _gc_state["was_enabled"]:
                gc.enable()


def analyse(resources: Iterable[Resource], pause: Callable[[], None] | None = None) -> Exposure:
    """Every verdict for the snapshot's resources. Pure; linear in resources (placements are
    evaluated once per subnet, group set and IP version). `pause`: as exposure_of's."""
    with _collector_paused():
        analyser = _Analyser(list(resources), pause)
        try:
            return analyser.run()
        finally:
            analyser.release()
