"""Whose address is this? An IP address, a CIDR or a DNS name -> its owner(s), in any region.

Pure: built once from a snapshot's resources (`WhoisIndex.build`), then asked (`answer`). It
reads the records' normalised fields only (model/kinds.py), never a raw API field.

- An IPv4/IPv6 address (private, public or Elastic IP) is held by a network interface; the answer
  is what the interface belongs to: the instance it is attached to, else the service AWS names in
  its description and interface type (NAT gateway, load balancer, VPC endpoint, Lambda function,
  EFS mount target, ElastiCache, OpenSearch, EKS, transit gateway attachment) or, where AWS names
  no resource (RDS, Redshift, ECS tasks), the resources of that service whose subnets and security
  groups match the interface's. `via` is the interface's id. Addresses some resources hold
  without an interface in the snapshot (an instance's, a NAT gateway's, an EFS mount target's, an
  unassociated Elastic IP, a customer gateway's) answer with `via` None.
- A DNS name is matched against the names the account's resources answer to (load balancers,
  CloudFront distributions and their aliases, API Gateway endpoints, RDS/Aurora, ElastiCache,
  OpenSearch, Redshift and EKS endpoints, S3 bucket hosts) and against Route 53 records, whose
  aliases, CNAMEs and A/AAAA values are followed inside the account (`via` is the record's id,
  `<zone id>/<record name>/<type>`).
- A CIDR gives every resource address inside it, and the VPCs and subnets that overlap it.
- An address nobody holds gives the VPCs and subnets whose CIDR contains it (kind `contains`);
  outside every VPC of the account, nothing.

docs/whois.md is the contract of the answers (`Owner.to_dict`).
"""

from __future__ import annotations

import gc
import ipaddress
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from awsexplorer.model import kinds
from awsexplorer.model.resource import GLOBAL_REGION, Resource
from awsexplorer.model.sharing import one_copy_each

# The kinds of answer (the `kind` of an Owner): how the address or name leads to its owner.
PRIVATE_IP = "private-ip"
PUBLIC_IP = "public-ip"
ELASTIC_IP = "elastic-ip"
IPV6 = "ipv6"
DNS_NAME = "dns-name"
RECORD = "route53-record"
CONTAINS = "contains"  # a VPC or subnet whose CIDR holds the address (or the whole CIDR asked)
OVERLAPS = "overlaps"  # a VPC or subnet that shares some addresses with the CIDR asked
KIND_ORDER = (ELASTIC_IP, PUBLIC_IP, PRIVATE_IP, IPV6, DNS_NAME, RECORD, CONTAINS, OVERLAPS)

MAX_CHAIN = 8  # Route 53 hops followed at most (a CNAME loop stops here)
# A wide CIDR asked of a huge account: the first this many addresses, in address order, and the
# first this many VPCs and subnets (`WhoisIndex.cut` says whether an answer was cut).
MAX_ANSWERS = 1000
# VPC and subnet ranges are looked up by the block of this size they fall in (AWS allows VPC
# blocks of /16 to /28, and IPv6 /56 blocks); a wider range is checked for every question.
_BUCKET_BITS = {4: 32 - 16, 6: 128 - 56}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class NotAnAddress(ValueError):
    """The text is neither an IP address, a CIDR nor a DNS name (the message says so)."""


@dataclass(frozen=True, slots=True)
class Owner:
    """One answer: `address` (the owner's address or name that matched, or the CIDR of a VPC or
    subnet for `contains`/`overlaps`) is held by `arn` in `region`, through `via` (a network
    interface id, a Route 53 record id, or None)."""

    address: str
    arn: str
    via: str | None
    kind: str
    region: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "arn": self.arn,
            "via": self.via,
            "kind": self.kind,
            "region": self.region,
        }


@dataclass(frozen=True, slots=True)
class Query:
    text: str  # what was asked, normalised (an address, a CIDR, a lower-case name)
    address: Address | None = None
    network: Network | None = None
    name: str | None = None


_LABEL = re.compile(r"^(?:\*|[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)$")


def parse(text: str) -> Query:
    """An IP address, a CIDR or a DNS name; NotAnAddress with the reason for anything else."""
    value = text.strip()
    if not value:
        raise NotAnAddress("nothing to look up: give an IP address, a CIDR or a DNS name")
    if "/" in value and "://" not in value:
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError as error:
            raise NotAnAddress(f"{value!r} is not a CIDR ({error})") from None
        if network.num_addresses == 1:
            return Query(str(network.network_address), address=network.network_address)
        return Query(str(network), network=network)
    bare = value[1:-1] if value.startswith("[") and value.endswith("]") else value
    try:
        address = ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        pass
    else:
        return Query(str(address), address=address)
    name = normal_name(value)
    labels = name.split(".")
    if (
        len(name) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise NotAnAddress(
            f"{value[:80]!r} is not an IP address, a CIDR or a DNS name "
            "(e.g. 10.0.1.5, 10.0.0.0/16, 2600:1f18::1, api.example.com)"
        )
    return Query(name, name=name)


def normal_name(value: str) -> str:
    """A DNS name as the index keys it: lower case, no trailing dot, no scheme, port or path;
    Route 53's \\052 is the `*` of a wildcard record."""
    name = value.strip().lower()
    if "://" in name:
        name = name.split("://", 1)[1]
    name = name.split("/", 1)[0].split("?", 1)[0]
    if name.count(":") == 1:  # host:port
        name = name.split(":", 1)[0]
    name = name.replace("\\052", "*").rstrip(".")
    return name.removeprefix("dualstack.")


def _ip(value: object) -> Address | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _ipv4_int(value: str) -> int | None:
    """A dotted-quad IPv4 address as an int, fast (ipaddress takes ~10x longer); None when it is
    not one in canonical form (then ipaddress decides)."""
    parts = value.split(".")
    if len(parts) != 4 or not value.replace(".", "").isdigit():
        return None
    a, b, c, d = (int(part) for part in parts)
    if max(a, b, c, d) > 255 or f"{a}.{b}.{c}.{d}" != value:  # leading zeros: not canonical
        return None
    return (a << 24) | (b << 16) | (c << 8) | d


def _net(value: object) -> Network | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None


def _strs(value: object) -> list[str]:
    if type(value) is not list:
        return []
    if all(type(v) is str and v for v in value):  # as the collector writes them: no copy
        return value
    return [str(v) for v in value if isinstance(v, str) and v]


def _account(resource: Resource) -> str | None:
    return getattr(resource, "account_id", None)


# What an interface's description names (AWS's own wording), most specific first.
_NAT = re.compile(r"\b(nat-[0-9a-f]+)\b")
_VPCE = re.compile(r"\b(vpce-[0-9a-f]+)\b")
_TGW_ATTACHMENT = re.compile(r"\b(tgw-attach-[0-9a-f]+)\b")
_EFS = re.compile(r"\bEFS mount target for (fs-[0-9a-f]+)")
_ELB = re.compile(r"^ELB (\S+)$")
_LAMBDA = "AWS Lambda VPC ENI-"
_BY_DESCRIPTION_PREFIX = (
    ("ElastiCache ", kinds.CACHE_CLUSTER),
    ("ES ", kinds.SEARCH_DOMAIN),
    ("Amazon EKS ", kinds.EKS_CLUSTER),
)
# Services whose interfaces name no resource: matched by subnet and security groups.
_RDS_TYPES = (kinds.DATABASE, kinds.DB_CLUSTER)
_BY_PLACEMENT: dict[str, tuple[str, ...]] = {
    "RDSNetworkInterface": _RDS_TYPES,
    "RedshiftNetworkInterface": (kinds.REDSHIFT_CLUSTER,),
}
_ECS_DESCRIPTION = re.compile(r"^arn:aws[\w-]*:ecs:")
_SERVICE_INTERFACE_TYPES: dict[str, tuple[str, ...]] = {
    "lambda": (kinds.FUNCTION,),
    "nat_gateway": (kinds.NAT_GATEWAY,),
}


@dataclass(frozen=True, slots=True)
class _Held:
    """An address or name held: by `arn` (in `region` of `account`), through `via`, as `kind`."""

    arn: str
    region: str
    via: str | None
    kind: str
    account: str | None = None


@dataclass(frozen=True, slots=True)
class _Record:
    zone_arn: str
    record_id: str
    targets: tuple[str, ...]  # alias target or values: names or addresses
    s3_website: bool  # an alias to an S3 website endpoint: the bucket named as the record
    account: str | None = None  # the zone's: what the record leads to is read in it


@dataclass(frozen=True, slots=True)
class _Range:
    version: int
    first: int
    last: int
    cidr: str
    arn: str
    region: str


class WhoisIndex:
    """Addresses and names -> owners, for one snapshot. Build once, then `answer` many times."""

    def __init__(self) -> None:
        # (IP version, address as int) -> holders; sorted keys for CIDR ranges.
        self._ips: dict[tuple[int, int], list[_Held]] = defaultdict(list)
        self._ip_text: dict[tuple[int, int], str] = {}
        self._keys: dict[str, tuple[int, int]] = {}  # text -> key, while building
        self._sorted: list[tuple[int, int]] = []
        self._names: dict[str, list[_Held]] = defaultdict(list)
        self._records: dict[str, list[_Record]] = defaultdict(list)
        self._buckets: dict[str, _Held] = {}
        self._ranges: list[_Range] = []
        self._buckets_of_ranges: dict[tuple[int, int], list[_Range]] = defaultdict(list)
        self._wide_ranges: list[_Range] = []
        self._orphans: set[str] = set()  # interfaces that named no owner (their own owner)

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def build(cls, resources: Iterable[Resource]) -> WhoisIndex:
        # Tens of thousands of small lists and tuples, none in a cycle: the cyclic collector
        # would only walk the whole heap (the snapshot) again and again while they are made.
        collecting = gc.isenabled()
        gc.disable()
        try:
            index = cls()
            index._build(list(resources))
        finally:
            if collecting:
                gc.enable()
        return index

    def _build(self, resources: list[Resource]) -> None:
        by_type: dict[str, list[Resource]] = defaultdict(list)
        for resource in resources:
            by_type[resource.type].append(resource)
        owners = _Owners(by_type)
        eips = {
            ip: r
            for r in by_type.get(kinds.ELASTIC_IP, [])
            if (ip := r.peek_attributes().get(kinds.PUBLIC_IP)) and isinstance(ip, str)
        }
        # 1. Network interfaces: every address they hold, owned by what they belong to.
        through_interface: set[str] = set()  # owners given their private addresses so
        for eni in by_type.get(kinds.NETWORK_INTERFACE, []):
            attrs = eni.peek_attributes()
            found = owners.of_interface(eni)
            if not found:
                found = [(eni.arn, eni.region)]
                self._orphans.add(eni.arn)
            private = _strs(attrs.get("private_ips")) or _strs([attrs.get("private_ip")])
            public = _strs(attrs.get("public_ips")) or _strs([attrs.get(kinds.PUBLIC_IP)])
            account = _account(eni)  # the owners found are the interface's account's
            for arn, region in found:
                if private:
                    through_interface.add(arn)
                for ip in private:
                    self._hold(ip, _Held(arn, region, eni.id, PRIVATE_IP, account))
                for ip in public:
                    kind = ELASTIC_IP if ip in eips else PUBLIC_IP
                    self._hold(ip, _Held(arn, region, eni.id, kind, account))
                for ip in _strs(attrs.get("ipv6_addresses")):
                    self._hold(ip, _Held(arn, region, eni.id, IPV6, account))
        # 2. Addresses resources record themselves (kept where no interface gave the same owner).
        for eip in eips.values():
            self._elastic_ip(eip, owners)
        for instance in by_type.get(kinds.INSTANCE, []):
            a = instance.peek_attributes()
            fields: tuple[tuple[str, str], ...] = (
                ("private_ip", PRIVATE_IP),
                (kinds.PUBLIC_IP, PUBLIC_IP),
            )
            if instance.arn in through_interface:  # its interfaces listed its private ones
                fields = fields[1:]
            for key, kind in fields:
                ip = a.get(key)
                if isinstance(ip, str) and ip:
                    kind = ELASTIC_IP if ip in eips else kind
                    held = _Held(instance.arn, instance.region, None, kind, _account(instance))
                    self._hold_once(ip, held)
        for nat in by_type.get(kinds.NAT_GATEWAY, []):
            for ip in _strs(nat.peek_attributes().get("public_ips")):
                kind = ELASTIC_IP if ip in eips else PUBLIC_IP
                self._hold_once(ip, _Held(nat.arn, nat.region, None, kind, _account(nat)))
            for ip in _strs(nat.peek_attributes().get("private_ips")):
                self._hold_once(ip, _Held(nat.arn, nat.region, None, PRIVATE_IP, _account(nat)))
        for fs in by_type.get(kinds.EFS_FILE_SYSTEM, []):
            for target in fs.peek_attributes().get("mount_targets") or []:
                if isinstance(target, Mapping) and isinstance(target.get("ip_address"), str):
                    held = _Held(fs.arn, fs.region, None, PRIVATE_IP, _account(fs))
                    self._hold_once(str(target["ip_address"]), held)
        for gateway in by_type.get(kinds.CUSTOMER_GATEWAY, []):
            ip = gateway.peek_attributes().get("ip_address")
            if isinstance(ip, str) and ip:
                held = _Held(gateway.arn, gateway.region, None, PUBLIC_IP, _account(gateway))
                self._hold_once(ip, held)
        self._sorted = sorted(self._ips)
        self._keys = {}
        # 3. Names.
        self._index_names(by_type)
        # 4. Address space: VPCs and subnets, a shared one once (the owner's copy, if scanned).
        networks, _ = one_copy_each([*by_type.get(kinds.VPC, []), *by_type.get(kinds.SUBNET, [])])
        for resource in networks.values():
            a = resource.peek_attributes()
            blocks = _strs(a.get("cidrs")) or _strs([a.get("cidr")])
            for block in dict.fromkeys(blocks + _strs(a.get("ipv6_cidrs"))):
                network = _net(block)
                if network is not None:
                    self._ranges.append(
                        _Range(
                            network.version,
                            int(network.network_address),
                            int(network.broadcast_address),
                            str(network),
                            resource.arn,
                            resource.region,
                        )
                    )
        # A VPC before its subnets, in address order, then by region and ARN.
        self._ranges.sort(key=lambda r: (r.version, r.first, r.first - r.last, r.region, r.arn))
        for r in self._ranges:
            shift = _BUCKET_BITS[r.version]
            if r.first >> shift == r.last >> shift:
                self._buckets_of_ranges[(r.version, r.first >> shift)].append(r)
            else:
                self._wide_ranges.append(r)

    def _key(self, text: str) -> tuple[int, int] | None:
        if type(text) is not str:
            return None
        known = self._keys.get(text)
        if known is not None:
            return known
        number = _ipv4_int(text) if text.isascii() else None
        if number is not None:
            key, canonical = (4, number), text
        else:
            address = _ip(text)
            if address is None:
                return None
            key, canonical = (address.version, int(address)), str(address)
        self._ip_text.setdefault(key, canonical)
        self._keys[text] = key
        return key

    def _hold(self, text: str, held: _Held) -> None:
        key = self._key(text)
        if key is not None:
            self._ips[key].append(held)  # a repeat is dropped when answering (_unique)

    def _hold_once(self, text: str, held: _Held) -> None:
        """Held unless an interface already gave this address to the same owner. An interface
        that named no owner gives way to the resource of its account recording its address (an
        EFS mount target's, a NAT gateway's): that resource, through the interface. Another
        account's holders stay: accounts made from one template hold the same private ones."""
        key = self._key(text)
        if key is None:
            return
        holders = self._ips[key]
        if any(h.arn == held.arn for h in holders):
            return
        mine = [h for h in holders if h.account == held.account]
        if mine and all(h.arn in self._orphans for h in mine):
            kept = [h for h in holders if h.account != held.account]
            holders[:] = [*kept, _Held(held.arn, held.region, mine[0].via, held.kind, held.account)]
            return
        holders.append(held)

    def _elastic_ip(self, eip: Resource, owners: _Owners) -> None:
        a = eip.peek_attributes()
        ip = str(a.get(kinds.PUBLIC_IP))
        key = self._key(ip)
        if key is None or self._ips.get(key):
            return  # its interface answered already
        eni_id = a.get("network_interface_id")
        instance_id = a.get("instance_id")
        target = None
        if isinstance(instance_id, str) and instance_id:
            target = owners.find(eip, kinds.INSTANCE, instance_id)
        if target is None and isinstance(eni_id, str) and eni_id:
            target = owners.find(eip, kinds.NETWORK_INTERFACE, eni_id)
        arn, region = target if target is not None else (eip.arn, eip.region)
        via = eni_id if isinstance(eni_id, str) and eni_id else None
        self._hold(ip, _Held(arn, region, via, ELASTIC_IP, _account(eip)))

    def _name(self, value: object, resource: Resource) -> None:
        if isinstance(value, str) and value:
            held = _Held(resource.arn, resource.region, None, DNS_NAME, _account(resource))
            bucket = self._names[normal_name(value)]
            if held not in bucket:
                bucket.append(held)

    def _index_names(self, by_type: Mapping[str, list[Resource]]) -> None:
        for lb in by_type.get(kinds.LOAD_BALANCER, []):
            self._name(lb.peek_attributes().get("dns_name"), lb)
        for distribution in by_type.get(kinds.DISTRIBUTION, []):
            self._name(distribution.peek_attributes().get("domain_name"), distribution)
            for other_name in _strs(distribution.peek_attributes().get("aliases")):
                self._name(other_name, distribution)
        for api in by_type.get(kinds.REST_API, []):
            region = api.region if api.region != GLOBAL_REGION else "us-east-1"
            self._name(f"{api.id}.execute-api.{region}.amazonaws.com", api)
        for api in by_type.get(kinds.HTTP_API, []):
            self._name(api.peek_attributes().get("endpoint"), api)
        for rtype, fields in (
            (kinds.DATABASE, ("endpoint",)),
            (kinds.DB_CLUSTER, ("endpoint", "reader_endpoint")),
            (kinds.CACHE_REPLICATION_GROUP, ("primary_endpoint",)),
            (kinds.SEARCH_DOMAIN, ("endpoint",)),
            (kinds.REDSHIFT_CLUSTER, ("endpoint",)),
            (kinds.EKS_CLUSTER, ("endpoint",)),
        ):
            for resource in by_type.get(rtype, []):
                for name in fields:
                    self._name(resource.peek_attributes().get(name), resource)
        for bucket in by_type.get(kinds.BUCKET, []):
            name, region = bucket.name.lower(), bucket.region
            held = _Held(bucket.arn, region, None, DNS_NAME, _account(bucket))
            self._buckets[name] = held
            for host in (
                f"{name}.s3.amazonaws.com",
                f"{name}.s3.{region}.amazonaws.com",
                f"{name}.s3-website-{region}.amazonaws.com",
                f"{name}.s3-website.{region}.amazonaws.com",
            ):
                self._names[host].append(held)
        for zone in by_type.get(kinds.HOSTED_ZONE, []):
            for record in zone.peek_attributes().get("records") or []:
                if not isinstance(record, Mapping) or not isinstance(record.get("name"), str):
                    continue
                name = normal_name(str(record["name"]))
                rtype = str(record.get("type") or "")
                record_id = f"{zone.id}/{name}/{rtype}"
                if record.get("set_identifier"):
                    record_id += f"/{record['set_identifier']}"
                alias = record.get("alias_target")
                targets = (
                    (normal_name(alias),)
                    if isinstance(alias, str) and alias
                    else tuple(_strs(record.get("values")))
                )
                s3_website = bool(isinstance(alias, str) and alias.lower().startswith("s3-website"))
                self._records[name].append(
                    _Record(zone.arn, record_id, targets, s3_website, _account(zone))
                )

    # -- answering --------------------------------------------------------------------------

    def answer(self, text: str) -> list[Owner]:
        """Every owner of an address, CIDR or name (NotAnAddress when it is none of these)."""
        return self.lookup(parse(text))

    def lookup(self, query: Query) -> list[Owner]:
        if query.address is not None:
            found = self._address(query.address)
        elif query.network is not None:
            found = self._network(query.network)
        else:
            found = self._dns(query.name or query.text)
        return _sorted(found)

    def _address(self, address: Address) -> list[Owner]:
        key = (address.version, int(address))
        holders = self._ips.get(key)
        text = str(address)
        if holders:
            return [Owner(text, h.arn, h.via, h.kind, h.region) for h in _by_place(holders)]
        value = int(address)
        return [
            Owner(r.cidr, r.arn, None, CONTAINS, r.region)
            for r in self._ranges_near(address.version, value, value)
            if r.version == address.version and r.first <= value <= r.last
        ]

    def _ranges_near(self, version: int, first: int, last: int) -> list[_Range]:
        """The ranges that may overlap [first, last], in the order of self._ranges."""
        shift = _BUCKET_BITS[version]
        if first >> shift != last >> shift:
            return self._ranges  # wider than a bucket: every range
        bucket = self._buckets_of_ranges.get((version, first >> shift), [])
        if not self._wide_ranges:
            return bucket
        order = {id(r): n for n, r in enumerate(self._ranges)}
        return sorted([*self._wide_ranges, *bucket], key=lambda r: order[id(r)])

    def cut(self, owners: list[Owner]) -> bool:
        """Whether a CIDR's answer was cut at MAX_ANSWERS addresses or networks."""
        held = len({o.address for o in owners if o.kind not in (CONTAINS, OVERLAPS)})
        networks = sum(1 for o in owners if o.kind in (CONTAINS, OVERLAPS))
        return held >= MAX_ANSWERS or networks >= MAX_ANSWERS

    def _network(self, network: Network) -> list[Owner]:
        first, last = int(network.network_address), int(network.broadcast_address)
        low = bisect_left(self._sorted, (network.version, first))
        high = bisect_right(self._sorted, (network.version, last))
        found: list[Owner] = []
        for key in self._sorted[low : min(high, low + MAX_ANSWERS)]:
            text = self._ip_text[key]
            found.extend(
                Owner(text, h.arn, h.via, h.kind, h.region) for h in _by_place(self._ips[key])
            )
        networks = 0
        for r in self._ranges_near(network.version, first, last):
            if r.version != network.version or r.last < first or r.first > last:
                continue
            kind = CONTAINS if r.first <= first and last <= r.last else OVERLAPS
            found.append(Owner(r.cidr, r.arn, None, kind, r.region))
            networks += 1
            if networks >= MAX_ANSWERS:
                break
        return found

    def _dns(self, name: str) -> list[Owner]:
        found: list[Owner] = [
            Owner(name, h.arn, h.via, h.kind, h.region)
            for h in _by_place(self._names.get(name, []))
        ]
        for record_name in self._record_names(name):
            for record in self._records[record_name]:
                owners = self._follow(record_name, record, {name}, 0)
                if not owners:  # pointing outside the account: the zone holds the record
                    owners = [(record.zone_arn, GLOBAL_REGION)]
                found.extend(Owner(name, arn, record.record_id, RECORD, r) for arn, r in owners)
        return _unique(found)

    def _record_names(self, name: str) -> list[str]:
        if name in self._records:
            return [name]
        labels = name.split(".")
        for i in range(1, len(labels) - 1):  # the closest wildcard
            wildcard = "*." + ".".join(labels[i:])
            if wildcard in self._records:
                return [wildcard]
        return []

    def _follow(
        self, name: str, record: _Record, seen: set[str], depth: int
    ) -> list[tuple[str, str]]:
        """The owners a record leads to inside the account, as (arn, region): the zone's
        account's holders of a private address and records of a name (accounts made from one
        template hold the same private zones and addresses); any scanned account's holder of a
        public address or a resource's DNS name (AWS gives each to one)."""
        if depth >= MAX_CHAIN:
            return []
        owners: list[tuple[str, str]] = []
        if record.s3_website:
            bucket = self._buckets.get(name)
            if bucket is not None:
                owners.append((bucket.arn, bucket.region))
        for target in record.targets:
            address = _ip(target)
            if address is not None:
                holders = self._ips.get((address.version, int(address)), [])
                owners.extend(
                    (h.arn, h.region)
                    for h in holders
                    if h.account == record.account or address.is_global
                )
                continue
            target_name = normal_name(target)
            if target_name in seen:
                continue
            seen.add(target_name)
            owners.extend((h.arn, h.region) for h in self._names.get(target_name, []))
            for next_name in self._record_names(target_name):
                for next_record in self._records[next_name]:
                    if next_record.account == record.account:
                        owners.extend(self._follow(next_name, next_record, seen, depth + 1))
        return list(dict.fromkeys(owners))

    # -- facts ------------------------------------------------------------------------------

    @property
    def address_count(self) -> int:
        return len(self._ips)

    @property
    def name_count(self) -> int:
        return len(self._names) + len(self._records)


def _unique(found: list[Owner]) -> list[Owner]:
    return list(dict.fromkeys(found))


_KIND_RANK = {kind: i for i, kind in enumerate(KIND_ORDER)}


def _sorted(found: list[Owner]) -> list[Owner]:
    """By kind; within a kind as found (the lookups give addresses in numeric order, a VPC
    before its subnets, names by region and ARN): a stable sort."""
    return sorted(_unique(found), key=lambda o: _KIND_RANK.get(o.kind, len(KIND_ORDER)))


def _by_place(holders: list[_Held]) -> list[_Held]:
    return sorted(holders, key=lambda h: (h.region, h.arn)) if len(holders) > 1 else holders


class _Owners:
    """What a network interface belongs to, from the other resources of the snapshot."""

    def __init__(self, by_type: Mapping[str, list[Resource]]) -> None:
        self._by_type = by_type
        # (account, region, type) -> {id or name: (arn, region)}
        self._ids: dict[tuple[str | None, str, str], dict[str, tuple[str, str]]] = defaultdict(dict)
        for rtype in (
            kinds.INSTANCE,
            kinds.NAT_GATEWAY,
            kinds.VPC_ENDPOINT,
            kinds.TRANSIT_GATEWAY_ATTACHMENT,
            kinds.EFS_FILE_SYSTEM,
            kinds.FUNCTION,
            kinds.CACHE_CLUSTER,
            kinds.SEARCH_DOMAIN,
            kinds.EKS_CLUSTER,
        ):
            for r in by_type.get(rtype, []):
                table = self._ids[(_account(r), r.region, rtype)]
                table.setdefault(r.name, (r.arn, r.region))
                table[r.id] = (r.arn, r.region)
        # A load balancer by what follows "loadbalancer/" in its ARN: app/NAME/ID, net/..., NAME.
        for lb in by_type.get(kinds.LOAD_BALANCER, []):
            suffix = lb.arn.split(":loadbalancer/", 1)[-1]
            self._ids[(_account(lb), lb.region, kinds.LOAD_BALANCER)][suffix] = (lb.arn, lb.region)
        self._interfaces_loaded = False
        # Interfaces their owner names (a NAT gateway lists its own).
        self._interfaces: dict[tuple[str | None, str, str], tuple[str, str]] = {}
        for nat in by_type.get(kinds.NAT_GATEWAY, []):
            for eni_id in _strs(nat.peek_attributes().get("network_interface_ids")):
                self._interfaces[(_account(nat), nat.region, eni_id)] = (nat.arn, nat.region)
        # Functions by name, longest first, for "AWS Lambda VPC ENI-<name>-<uuid>".
        self._function_names: dict[tuple[str | None, str], list[str]] = defaultdict(list)
        for fn in by_type.get(kinds.FUNCTION, []):
            self._function_names[(_account(fn), fn.region)].append(fn.name)
        for names in self._function_names.values():
            names.sort(key=len, reverse=True)

    def find(self, near: Resource, rtype: str, key: str) -> tuple[str, str] | None:
        if rtype == kinds.NETWORK_INTERFACE and not self._interfaces_loaded:
            self._interfaces_loaded = True  # rarely needed: an Elastic IP's lost interface
            for r in self._by_type.get(rtype, []):
                self._ids[(_account(r), r.region, rtype)][r.id] = (r.arn, r.region)
        return self._ids.get((_account(near), near.region, rtype), {}).get(key)

    def of_interface(self, eni: Resource) -> list[tuple[str, str]]:
        a = eni.peek_attributes()
        attached = a.get("attached_to")
        if isinstance(attached, str) and attached:
            found = self.find(eni, kinds.INSTANCE, attached)
            if found is not None:
                return [found]
        listed = self._interfaces.get((_account(eni), eni.region, eni.id))
        if listed is not None:
            return [listed]
        description = str(a.get("description") or "")
        interface_type = str(a.get("interface_type") or "")
        named = self._named(eni, description)
        if named is not None:
            return [named]
        placed = _BY_PLACEMENT.get(description)
        if placed is None and _ECS_DESCRIPTION.match(description):
            placed = (kinds.ECS_SERVICE,)
        if placed is None:
            placed = _SERVICE_INTERFACE_TYPES.get(interface_type)
        if placed is not None:
            return self._by_placement(eni, placed)
        return []

    def _named(self, eni: Resource, description: str) -> tuple[str, str] | None:
        for pattern, rtype in (
            (_NAT, kinds.NAT_GATEWAY),
            (_VPCE, kinds.VPC_ENDPOINT),
            (_TGW_ATTACHMENT, kinds.TRANSIT_GATEWAY_ATTACHMENT),
            (_EFS, kinds.EFS_FILE_SYSTEM),
            (_ELB, kinds.LOAD_BALANCER),
        ):
            match = pattern.search(description)
            if match is not None:
                found = self.find(eni, rtype, match.group(1))
                if found is not None:
                    return found
        if description.startswith(_LAMBDA):
            rest = description[len(_LAMBDA) :]
            for name in self._function_names.get((_account(eni), eni.region), []):
                if rest.startswith(name + "-") or rest == name:
                    return self.find(eni, kinds.FUNCTION, name)
        for prefix, rtype in _BY_DESCRIPTION_PREFIX:
            if description.startswith(prefix):
                word = description[len(prefix) :].strip()
                found = self.find(eni, rtype, word)
                if found is None and rtype == kinds.CACHE_CLUSTER:
                    found = self.find(eni, rtype, word.rsplit("-", 1)[0])
                if found is not None:
                    return found
        return None

    def _by_placement(self, eni: Resource, types: tuple[str, ...]) -> list[tuple[str, str]]:
        """The resources of these types in the interface's subnet with its security groups
        (all of them when none shares every group: the candidates, not a guess among them)."""
        subnet = eni.subnet_id
        groups = set(_strs(eni.peek_attributes().get(kinds.SECURITY_GROUPS)))
        for rtype in types:  # the first type with a candidate (RDS: instances, then clusters)
            same: list[tuple[str, str]] = []
            near: list[tuple[str, str]] = []
            for r in self._by_type.get(rtype, []):
                if r.region != eni.region or _account(r) != _account(eni):
                    continue
                subnets = _strs(r.peek_attributes().get(kinds.SUBNETS))
                if subnet is None or subnet not in subnets:
                    continue
                theirs = set(_strs(r.peek_attributes().get(kinds.SECURITY_GROUPS)))
                if theirs == groups:
                    same.append((r.arn, r.region))
                elif theirs & groups:
                    near.append((r.arn, r.region))
            if same or near:
                return same or near
        return []


def build(resources: Iterable[Resource]) -> WhoisIndex:
    return WhoisIndex.build(resources)
