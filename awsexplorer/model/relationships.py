"""What uses what: one relationship index over a snapshot's resources, both directions.

Every edge reads "SOURCE uses TARGET" and carries a kind naming what the target is to the source:
an instance uses its security group (`security-group`), a function uses its role (`role`), a
queue its dead-letter queue (`dead-letter`), a load balancer the target group its listener
forwards to (`target-group`). `uses(arn)` lists a resource's edges out, `used_by(arn)` its edges
in; a security group's `used_by` is "what breaks if it goes". docs/relationships.md lists every
kind and where it comes from.

Read from the normalised fields of the records (model/kinds.py: `subnet_ids`,
`security_groups`, `role`, `kms_key_id`, `links`...), never the raw API's, except through the
parsers that own an AWS document: route tables (model/routing.py) and security group rules
(model/exposure.py). A reference resolves to the resource the snapshot holds (by ARN, by id in
its region, by name); one the snapshot does not hold is kept only when it is an ARN (a key of
another account is still a key), never guessed. Pure: no I/O.
"""

from __future__ import annotations

import gc
import heapq
import re
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import groupby, islice, repeat
from operator import attrgetter, itemgetter, ne
from typing import Any, NamedTuple

from awsexplorer.model import kinds as k
from awsexplorer.model.arn_numbers import MASK as ARN_MASK
from awsexplorer.model.arn_numbers import PIECE as ARN_PIECE
from awsexplorer.model.arn_numbers import ArnNumbers
from awsexplorer.model.exposure import _sg_rules as security_group_rules
from awsexplorer.model.ownership import MANAGED_BY
from awsexplorer.model.pacing import paced
from awsexplorer.model.principals import trusted_principals
from awsexplorer.model.resource import Resource, read_only
from awsexplorer.model.routing import LOCAL, RouteTable, RoutingIndex
from awsexplorer.model.sharing import shared_from
from awsexplorer.model.whois import _Owners as InterfaceOwners

# -- edge kinds (SOURCE uses TARGET: what TARGET is to SOURCE) ----------------------------------
SECURITY_GROUP = "security-group"
RULE_REFERENCES = "rule-references"  # a group's inbound rule names another group
OUTBOUND_RULE_REFERENCES = "outbound-rule-references"  # a group's outbound rule names one
SUBNET = "subnet"
VPC = "vpc"
ROUTE_TABLE = "route-table"  # a subnet's governing route table (explicit or the VPC's main)
ROUTE_TARGET = "route-target"  # a route table sends traffic to (igw, nat, tgw, pcx, vpce, eni)
NETWORK_INTERFACE = "network-interface"
VOLUME = "volume"
ROLE = "role"
EXECUTION_ROLE = "execution-role"
INSTANCE_PROFILE = "instance-profile"  # an instance uses its profile; the profile holds a role
CAN_ASSUME = "can-assume"  # a principal the role's trust policy lets assume it
KMS_KEY = "kms-key"
TARGET_GROUP = "target-group"
TARGET = "target"
INSTANCE = "instance"  # an Auto Scaling group's instances
LAUNCH_TEMPLATE = "launch-template"  # an Auto Scaling group launches from it
CERTIFICATE = "certificate"
WEB_ACL = "web-acl"
STACK_RESOURCE = "stack-resource"  # a CloudFormation stack uses the resources it manages
DEAD_LETTER = "dead-letter"
SUBSCRIPTION = "subscription"  # a topic uses its subscriptions (each links to its endpoint)
CLUSTER = "cluster"
TASK_DEFINITION = "task-definition"
SECRET = "secret"
DB_CLUSTER = "db-cluster"
SNAPSHOT_OF = "snapshot-of"
SNAPSHOT = "snapshot"
REPLICATION_GROUP = "replication-group"
TRANSIT_GATEWAY = "transit-gateway"
VPN_GATEWAY = "vpn-gateway"
CUSTOMER_GATEWAY = "customer-gateway"
ALIAS = "alias"  # a Route 53 record names it (alias or CNAME), inside the account
ORIGIN = "origin"  # a CloudFront origin
LOG_BUCKET = "log-bucket"
ALARM_ACTION = "alarm-action"
SHARED_FROM = "shared-from"  # a participant's copy of a shared VPC, subnet, TGW -> the owner's
# The `links` attribute's kinds (collectors write them; INT adds more) are edge kinds as written:
# integration, invokes, source, on-failure, reads-from, delivers-to, rotated-by, ...

STACK_ID_TAG = "aws:cloudformation:stack-id"

# CloudFront and Route 53 name things by DNS: these suffixes name a service's endpoint.
_BUCKET_SUFFIXES = (".s3.amazonaws.com", ".s3-website")


class Edge(NamedTuple):
    """One relationship: `source` uses `target`; `kind` says what the target is to it. (A
    tuple: 100,000 resources hold a few hundred thousand of them.)"""

    source: str
    target: str
    kind: str

    def other(self, arn: str) -> str:
        return self.target if self.source == arn else self.source


def _strs(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if isinstance(v, str | int) and str(v)]
    return []


def _arn(value: str) -> str | None:
    """A reference nobody holds is kept only when it is an ARN."""
    return value if value.startswith("arn:") else None


def _host(value: str) -> str:
    """A DNS name as Route 53 and CloudFront write it, compared plainly."""
    host = value.strip().lower().rstrip(".")
    host = host.removeprefix("https://").removeprefix("http://").split("/", 1)[0]
    return host.removeprefix("dualstack.")


# An edge while building: one 64-bit integer, (source id << 40) | (target id << 16) | kind id,
# so that the build appends to one array and the seal sorts and deduplicates in C.
_NODE_BITS, _KIND_BITS = 24, 16
_MAX_NODES = 1 << _NODE_BITS
_NODE_MASK = _MAX_NODES - 1
_KIND_MASK = (1 << _KIND_BITS) - 1
_SOURCE_SHIFT = _NODE_BITS + _KIND_BITS


_ARN = attrgetter("arn")
_ACCOUNT = attrgetter("account_id")
# An id AWS generates: a prefix and hex digits (vpc-0a1b..., subnet-..., sg-..., pcx-...).
_GENERATED_ID = re.compile(r"[a-z]+(?:-[a-z]+)*-[0-9a-f]{8,17}")
_FIRST = itemgetter(0)


def _span(keys: array[int], at: int) -> array[int]:
    """The keys of node `at`'s edges in one direction's sorted keys (its id in the high bits)."""
    low = at << _SOURCE_SHIFT
    start = bisect_left(keys, low)
    return keys[start : bisect_left(keys, low + (1 << _SOURCE_SHIFT), start)]


class _Held(Mapping[str, Resource]):
    """The held resources by ARN, read through the index's ARN -> id map (no second dict of
    100,000 ARNs): ids below `len(held)` are the snapshot's resources."""

    __slots__ = ("_held", "_node")

    def __init__(self, held: list[Resource], node: ArnNumbers) -> None:
        self._held, self._node = held, node

    def __getitem__(self, arn: str) -> Resource:
        at = self._node[arn]
        if at >= len(self._held):
            raise KeyError(arn)
        return self._held[at]

    def get(self, arn: str, default: Any = None) -> Any:
        at = self._node.get(arn)
        return self._held[at] if at is not None and at < len(self._held) else default

    def __contains__(self, arn: object) -> bool:
        at = self._node.get(arn) if isinstance(arn, str) else None
        return at is not None and at < len(self._held)

    def __len__(self) -> int:
        return len(self._held)

    def __iter__(self) -> Iterator[str]:
        return (resource.arn for resource in self._held)

    def values(self) -> list[Resource]:  # type: ignore[override]
        return self._held


class _ScopedIds:
    """One region's ids as `RelationIndex.ref` reads them in the account being built
    (RelationIndex._scoped): `get` only, what add_ids and the edges loop ask of a region."""

    def __init__(self, index: RelationIndex, region: str, ids: dict[str, str]) -> None:
        self.index, self.region, self.ids = index, region, ids

    def get(self, value: str) -> str | None:
        found = self.ids.get(value)
        return None if found is None else self.index._scoped(self.region, value, found)


# A region's ids: id -> ARN, or read in one account (_ScopedIds).
_RegionIds = dict[str, str] | _ScopedIds


class RelationIndex:
    """The edges of one snapshot, both directions. Build once (`build`), then ask."""

    def __init__(
        self, resources: Iterable[Resource], pause: Callable[[], None] | None = None
    ) -> None:
        # Every ARN an edge names gets a small integer: the held resources first, in order
        # (`_held`), then the ARNs the snapshot does not hold. The edges are two sorted arrays
        # of 64-bit keys, (source id, target id, kind id) packed (`_out`), and the same with
        # the target's id high (`_in`): a resource's edges either way are one bisection away.
        # 100,000 resources hold a few hundred thousand edges: a tuple of (kind, ARN) pairs per
        # resource was +28 % of the estate's memory, an Edge object each +96 %.
        held = list(resources)
        node = _numbered(held, pause)
        if len(node) < len(held):  # an ARN twice: the last one is the one held
            held = [held[at] for at in sorted(node.numbers())]
            node = _numbered(held, pause)
        self._held = held
        self._node = node
        # Its dicts, looked in directly on the hot paths (add, add_ids): with a method call
        # per look the build took 6 % longer (0.68 s against 0.64 s, relationships_bench).
        self._shards = node.shards
        self._arns: list[str] = _arns_of(held, pause)
        self.resources: Mapping[str, Resource] = _Held(held, node)
        self._ids: dict[str, dict[str, str]] = {}  # region -> id -> ARN
        # name -> ARN, or the ARNs when several resources share it: made on the first look-up
        # by name (`related` by name; ids and ARNs need none of it)
        self._names: dict[str, str | list[str]] | None = None
        self._kinds: list[str] = []
        self._kind: dict[str, int] = {}
        self._building: array[int] | None = array("Q")
        self._out = self._in = array("Q")
        self._count = 0
        # Several accounts (a merged snapshot): a reference is read in the account of the
        # resource that makes it (`_scope`, set by each account's _Builder); an id two accounts
        # both hold keeps all its ARNs in `_clashes`. Accounts made from one template share
        # names, aliases and addresses, which must not link one account to another.
        self._multi = _several_accounts(held)
        self._scope: str | None = None
        self._clashes: dict[tuple[str, str], dict[str | None, str]] = {}
        ids = self._ids
        multi, clashes = self._multi, self._clashes
        for resource in _paced(held, pause):
            region = ids.get(resource.region)
            if region is None:
                region = ids[resource.region] = {}
            if multi:
                before = region.get(resource.id)
                if before is not None:
                    clash = clashes.get((resource.region, resource.id))
                    if clash is None:
                        clash = {self._account_of(before): before}
                        if resource.account_id in clash:  # one account's: the last, as ever
                            clash = None
                        else:
                            clashes[(resource.region, resource.id)] = clash
                    if clash is not None:
                        clash[resource.account_id] = resource.arn
            region[resource.id] = resource.arn

    # -- asking ---------------------------------------------------------------------------------

    def uses(self, arn: str) -> list[Edge]:
        return [Edge(arn, other, kind) for kind, other in self.pairs(arn)]

    def used_by(self, arn: str) -> list[Edge]:
        return [Edge(other, arn, kind) for kind, other in self.pairs(arn, used_by=True)]

    @property
    def edge_count(self) -> int:
        return self._count

    def edges(self) -> Iterator[Edge]:
        for arn in self._arns:
            yield from self.uses(arn)

    def get(self, arn: str) -> Resource | None:
        return self.resources.get(arn)

    def _named(self, name: str) -> list[str]:
        if self._names is None:
            names: dict[str, str | list[str]] = {}
            for resource in self._held:
                arn = resource.arn
                other = names.get(resource.name)
                if other is None:
                    names[resource.name] = arn
                elif isinstance(other, list):
                    other.append(arn)
                else:
                    names[resource.name] = [other, arn]
            self._names = names
        found = self._names.get(name)
        if found is None:
            return []
        return found if isinstance(found, list) else [found]

    def find(self, ref: str) -> list[Resource]:
        """The resources a REF names: an ARN, else an id (in any region), else a name."""
        exact = self.resources.get(ref)
        if exact is not None:
            return [exact]
        found = [
            arn
            for region, ids in self._ids.items()
            if ref in ids
            for arn in self._clashes.get((region, ref), {None: ids[ref]}).values()
        ]
        if not found:  # a name equal to its id was found above as an id
            found = self._named(ref)
        return [self.resources[arn] for arn in found]

    def pairs(self, arn: str, used_by: bool = False) -> list[tuple[str, str]]:
        """(kind, the other end's ARN) of the edges out of `arn` (or into it), unsorted: what
        `answer` and the lists read, without making an Edge of each."""
        at = self._node.get(arn)
        if at is None:
            return []
        keys = _span(self._in if used_by else self._out, at)
        if not keys:
            return []
        kinds, arns = self._kinds, self._arns
        mask, bits = _NODE_MASK, _KIND_BITS
        return [(kinds[key & _KIND_MASK], arns[(key >> bits) & mask]) for key in keys]

    # -- building -------------------------------------------------------------------------------

    def _intern(self, arn: str) -> int:
        """The id of an ARN the snapshot does not hold (an edge names it)."""
        at = self._node[arn] = len(self._arns)
        if at >= _MAX_NODES:
            raise ValueError(f"more than {_MAX_NODES:,} resources in one relationship index")
        self._arns.append(arn)
        return at

    def _kind_id(self, kind: str) -> int:
        at = self._kind.get(kind)
        if at is None:
            at = self._kind[kind] = len(self._kinds)
            if at > _KIND_MASK:
                raise ValueError("too many relationship kinds")
            self._kinds.append(kind)
        return at

    def add(self, source: str, target: str | None, kind: str) -> None:
        """One edge, once: a second (source, target, kind) is not kept (the seal drops it)."""
        if not target or not source or target == source:
            return
        shards = self._shards
        at = shards[hash(source) & ARN_MASK].get(source)
        if at is None:
            at = self._intern(source)
        other = shards[hash(target) & ARN_MASK].get(target)
        if other is None:
            other = self._intern(target)
        kind_id = self._kind.get(kind)
        if kind_id is None:
            kind_id = self._kind_id(kind)
        assert self._building is not None, "the index is sealed"
        self._building.append((at << _SOURCE_SHIFT) | (other << _KIND_BITS) | kind_id)

    def seal(self, pause: Callable[[], None] | None = None) -> None:
        """Built: the edges, deduplicated, become the two directions' arrays. `pause`: as
        build's (the sorts then give the interpreter up as they go: _sorted)."""
        building, self._building = self._building, None
        if building is None:
            return
        # Mostly in order already (a resource's edges are added while it is read): sorting
        # first and dropping the (adjacent) repeats is several times faster than a set.
        self._out = _array_of(map(_FIRST, groupby(_sorted(building, pause))), pause)
        del building
        self._count = len(self._out)
        self._in = _array_of(_sorted(_flipped(self._out, pause), pause), pause)

    def add_ids(self, source: str, here: _RegionIds, values: list[Any], kind: str) -> None:
        """`add` for each id of a list (security groups, subnets), resolved in `here` (the
        source's region). The hot path at 100,000 resources: `add` inlined."""
        shards = self._shards
        at = shards[hash(source) & ARN_MASK].get(source)
        if at is None:
            at = self._intern(source)
        building = self._building
        assert building is not None, "the index is sealed"
        append = building.append
        kind_id = self._kind.get(kind)
        if kind_id is None:
            kind_id = self._kind_id(kind)
        base = (at << _SOURCE_SHIFT) | kind_id
        bits = _KIND_BITS
        for value in values:
            if isinstance(value, str):
                target = here.get(value) or _arn(value)
                if target and target != source:
                    other = shards[hash(target) & ARN_MASK].get(target)
                    if other is None:
                        other = self._intern(target)
                    append(base | (other << bits))

    def ref(self, region: str, value: Any) -> str | None:
        """The ARN a reference names: a held resource's, or the reference itself if it is an
        ARN; None for an id or name the snapshot does not hold."""
        if not isinstance(value, str) or not value:
            return None
        if value.startswith("arn:"):
            return value
        ids = self._ids.get(region)
        found = ids.get(value) if ids is not None else None
        if found is None or not self._multi:
            return found
        return self._scoped(region, value, found)

    def _account_of(self, arn: str) -> str | None:
        return self._held[self._node[arn]].account_id

    def _scoped(self, region: str, value: str, found: str) -> str | None:
        """Of the resources an id or name names in `region`, the one of the account being
        built (`_scope`); another account's only for an id AWS generates (vpc-..., unique
        across accounts: a peering or a shared VPC's subnet), when one account holds it."""
        scope = self._scope
        if scope is None:
            return found
        clash = self._clashes.get((region, value))
        if clash is not None:
            return clash.get(scope)
        if self._account_of(found) == scope or _GENERATED_ID.fullmatch(value):
            return found
        return None

    def scoped_ids(self, region: str) -> _RegionIds:
        """The ids of `region` as `ref` reads them (add_ids' `here`)."""
        ids = self._ids.get(region) or {}
        return _ScopedIds(self, region, ids) if self._multi else ids

    def by_name(self, rtype: str, name: str, region: str | None = None) -> str | None:
        for arn in self._named(name):
            resource = self.resources[arn]
            if resource.type == rtype and (region is None or resource.region == region):
                return arn
        return None


# What names a resource across accounts, shared by every account's _Builder: endpoint host ->
# ARN, listener ARN -> load balancer ARN, bucket name -> ARN.
_Shared = tuple[dict[str, str], dict[str, str], dict[str, str]]


class _Builder:
    """Fills a RelationIndex with the edges of one account's resources (`held`; every resource
    of a snapshot of one account): one pass for the look-ups (`collect`), one per resource for
    its edges (`edges`). Names, aliases, addresses and profiles are looked up in that account
    only; DNS names, bucket names and listener ARNs name one resource across accounts
    (`shared`: one set of them for every account's builder)."""

    def __init__(
        self,
        index: RelationIndex,
        pause: Callable[[], None] | None = None,
        held: list[Resource] | None = None,
        shared: _Shared | None = None,
        account: str | None = None,
    ) -> None:
        self.index = index
        self.pause = pause
        self.held = index._held if held is None else held
        self.account = account
        self.dns, self.listeners, self.buckets = shared if shared is not None else ({}, {}, {})
        self.kms: dict[tuple[str, str], str] = {}  # (region, key id | alias name) -> key ARN
        self.profiles: dict[str, list[str]] = defaultdict(list)  # profile name -> role ARNs
        self.private_ips: dict[tuple[str, str], str] = {}  # (region, ip) -> ENI or instance
        self.api_ids: dict[tuple[str, str], str] = {}  # (region, API id) -> API ARN
        self.stacks: dict[tuple[str, str], str] = {}  # (region, stack name) -> stack ARN
        self.stack_names: dict[str, list[str]] = defaultdict(list)  # name -> stack ARNs
        self.secrets: dict[tuple[str, str], str] = {}  # (region, secret name) -> secret ARN
        self.route_tables: list[Resource] = []
        self.subnets: list[Resource] = []
        self.security_groups: list[Resource] = []
        self.service_interfaces: list[Resource] = []  # a function's or a database's, unattached

    def collect(self) -> None:
        wanted = _COLLECTED
        for resource in _paced(self.held, self.pause):
            rtype = resource.type
            if rtype not in wanted:
                if rtype.startswith("cloudformation:") and ":stack/" in resource.arn:
                    self.stacks[(resource.region, resource.id)] = resource.arn
                    self.stack_names[resource.id].append(resource.arn)
                continue
            held = resource  # kept by the lists below; read through a copy parsed for now
            resource = read_only(resource)
            attrs = resource.attributes
            if rtype == k.KMS_KEY_TYPE:
                self.kms[(resource.region, resource.id)] = resource.arn
                for alias in _strs(attrs.get("aliases")):
                    self.kms[(resource.region, alias)] = resource.arn
            elif rtype == k.IAM_ROLE:
                for profile in _strs(attrs.get("instance_profiles")):
                    self.profiles[profile].append(resource.arn)
            elif rtype == k.LOAD_BALANCER:
                if attrs.get("dns_name"):
                    self.dns[_host(str(attrs["dns_name"]))] = resource.arn
                for listener in attrs.get("listeners") or []:
                    if isinstance(listener, Mapping) and listener.get("arn"):
                        self.listeners[str(listener["arn"])] = resource.arn
            elif rtype == k.DISTRIBUTION:
                if attrs.get("domain_name"):
                    self.dns[_host(str(attrs["domain_name"]))] = resource.arn
            elif rtype in (k.REST_API, k.HTTP_API):
                self.api_ids[(resource.region, resource.id)] = resource.arn
                host = f"{resource.id}.execute-api.{resource.region}.amazonaws.com"
                self.dns[host.lower()] = resource.arn
            elif rtype == k.SECRET:
                self.secrets[(resource.region, resource.id)] = resource.arn
            elif rtype == k.BUCKET:
                self.buckets[resource.id.lower()] = resource.arn
            elif rtype in (k.NETWORK_INTERFACE, k.INSTANCE):
                ip = attrs.get("private_ip")
                if isinstance(ip, str) and ip:
                    key = (resource.region, ip)
                    if rtype == k.INSTANCE or key not in self.private_ips:
                        self.private_ips[key] = resource.arn
            elif rtype == k.ROUTE_TABLE:
                self.route_tables.append(held)
            elif rtype == k.SUBNET:
                self.subnets.append(held)
            elif rtype == k.SECURITY_GROUP:
                self.security_groups.append(held)

    # -- resolvers --------------------------------------------------------------------------

    def key(self, region: str, value: Any) -> str | None:
        """A KMS key named by ARN, id, alias name or alias ARN."""
        if not isinstance(value, str) or not value:
            return None
        if value in self.index.resources:
            return value
        if value.startswith("arn:") and ":kms:" in value:
            parts = value.split(":", 5)
            if len(parts) == 6:
                name = parts[5].removeprefix("key/")
                found = self.kms.get((parts[3], name))
                if found:
                    return found
            return value
        return self.kms.get((region, value)) or self.kms.get((region, f"alias/{value}"))

    def function(self, region: str, value: Any) -> str | None:
        """A Lambda function by ARN (a qualified one: the function), name or id."""
        found = self.index.ref(region, value)
        if found and found not in self.index.resources and ":function:" in found:
            base = ":".join(found.split(":")[:7])
            return base if base in self.index.resources else found
        return found

    def host(self, value: Any) -> str | None:
        """What a DNS name points at inside the account (a load balancer, a distribution, an
        API, a bucket's endpoint)."""
        if not isinstance(value, str) or not value:
            return None
        host = _host(value)
        found = self.dns.get(host)
        if found:
            return found
        for suffix in _BUCKET_SUFFIXES:
            if suffix in host:
                return self.buckets.get(host.split(suffix, 1)[0])
        if ".s3." in host:
            return self.buckets.get(host.split(".s3.", 1)[0])
        return None

    def protected(self, value: str) -> str | None:
        """What a WAF ACL's ARN list names: an API stage ARN is its API's."""
        if ":apigateway:" in value and "/restapis/" in value:
            region = value.split(":")[3]
            api = value.split("/restapis/", 1)[1].split("/", 1)[0]
            return self.api_ids.get((region, api)) or value
        return self.index.ref("", value)

    # -- edges ------------------------------------------------------------------------------

    def edges(self) -> None:
        """Every resource's edges (after `collect`). The loop is the hot path at 100,000
        resources: the common fields are read once each, and a field a resource does not have
        costs one dict get."""
        index = self.index
        index._scope = self.account
        add, add_ids = index.add, index.add_ids
        ids = {region: index.scoped_ids(region) for region in index._ids}
        per_types = _PER_TYPE
        in_vpc = _IN_VPC
        for resource in _paced(self.held, self.pause):
            # A lazily read resource is parsed for its edges and dropped, not kept: the index
            # reads all of them, and keeping 1,000,000 parsed would undo the lazy read.
            resource = read_only(resource)
            arn, region, attrs = resource.arn, resource.region, resource.attributes
            rtype = resource.type
            here = ids.get(region) or {}
            get = attrs.get
            groups = get(k.SECURITY_GROUPS)
            if groups and isinstance(groups, list):
                add_ids(arn, here, groups, SECURITY_GROUP)
            subnets = get(k.SUBNETS)
            if not subnets and resource.subnet_id and rtype != k.SUBNET:
                subnets = [resource.subnet_id]
            if subnets and isinstance(subnets, list):
                add_ids(arn, here, subnets, SUBNET)
            if resource.vpc_id and rtype in in_vpc:
                add(arn, here.get(resource.vpc_id), VPC)
            if get(k.KMS_KEY) or get("encryption"):
                self.kms_edges(resource)
            if get(k.ROLE) or get("execution_role"):
                self.role_edges(resource)
            links = get(k.LINKS)
            if links:
                for link in links:
                    if isinstance(link, dict) and link.get("kind") and link.get("arn"):
                        target = self.link_target(region, str(link["arn"]))
                        add(arn, target, str(link["kind"]))
            topic = get("topic_arn")  # an SNS subscription: its topic delivers through it
            if topic and isinstance(topic, str):
                add(index.ref(region, topic) or topic, arn, SUBSCRIPTION)
            dead_letter = get("dead_letter_target")
            if dead_letter:
                add(arn, index.ref(region, dead_letter), DEAD_LETTER)
            if get(MANAGED_BY):
                self.stack_edge(resource)
            per_type = per_types.get(rtype)
            if per_type is not None:
                per_type(self, resource)
        self.route_edges()
        self.rule_edges()
        self.service_interface_edges()

    def link_target(self, region: str, value: str) -> str | None:
        if value in self.listeners:
            return self.listeners[value]
        if ":dynamodb:" in value and "/stream/" in value:  # a table's stream is the table's
            table = value.split("/stream/", 1)[0]
            if table in self.index.resources:
                return table
        if ":function:" in value:
            return self.function(region, value)
        return self.index.ref(region, value)

    def stack_edge(self, resource: Resource) -> None:
        """The stack that manages it: the stack of that name held in its region, else its
        stack-id tag (an ARN), else the only stack of that name (an IAM role is global)."""
        name = resource.attributes.get(MANAGED_BY)
        if not isinstance(name, str) or not name:
            return
        named = self.stack_names.get(name, [])
        stack = (
            self.stacks.get((resource.region, name))
            or resource.tags.get(STACK_ID_TAG)
            or (named[0] if len(named) == 1 else None)
        )
        if stack:
            self.index.add(stack, resource.arn, STACK_RESOURCE)

    def kms_edges(self, resource: Resource) -> None:
        attrs = resource.attributes
        keys = [attrs.get(k.KMS_KEY)]
        encryption = attrs.get("encryption")
        if isinstance(encryption, dict):
            keys += [encryption.get("kms_key_id"), encryption.get("kms_key_arn")]
        for value in keys:
            self.index.add(resource.arn, self.key(resource.region, value), KMS_KEY)

    def role_edges(self, resource: Resource) -> None:
        attrs = resource.attributes
        role = attrs.get(k.ROLE)
        if isinstance(role, str) and role:
            if ":instance-profile/" in role:
                self.index.add(resource.arn, role, INSTANCE_PROFILE)
                for found in self.profiles.get(role.rsplit("/", 1)[-1], ()):
                    self.index.add(resource.arn, found, ROLE)
                    self.index.add(role, found, ROLE)
            else:
                self.index.add(resource.arn, self.index.ref(resource.region, role), ROLE)
        execution = attrs.get("execution_role")
        if isinstance(execution, str) and execution:
            self.index.add(resource.arn, self.index.ref(resource.region, execution), EXECUTION_ROLE)

    def route_edges(self) -> None:
        tables = [read_only(table) for table in self.route_tables]
        routing = RoutingIndex(tables)
        for subnet in self.subnets:
            table, _association = routing.table_for(read_only(subnet))
            if table is not None:
                self.index.add(subnet.arn, table.resource.arn, ROUTE_TABLE)
        for resource in tables:
            table = RouteTable.from_resource(resource)
            for route in table.routes:
                if route.kind != LOCAL:
                    target = self.index.ref(resource.region, route.target)
                    self.index.add(resource.arn, target, ROUTE_TARGET)

    def rule_edges(self) -> None:
        add, ref = self.index.add, self.index.ref
        for held in self.security_groups:
            group = read_only(held)
            for rule in security_group_rules(group):
                for other in rule.groups:
                    add(group.arn, ref(group.region, other), RULE_REFERENCES)
            for rule in security_group_rules(group, egress=True):
                for other in rule.groups:
                    add(group.arn, ref(group.region, other), OUTBOUND_RULE_REFERENCES)

    def service_interface_edges(self) -> None:
        """A Lambda function's or an RDS database's interfaces (requester-managed: AWS names
        no attachment) are theirs: found as `whois` finds them, by the function's name in the
        description, or RDS's by subnet and security groups (model/whois.py)."""
        if not self.service_interfaces:
            return
        wanted = (k.FUNCTION, k.DATABASE, k.DB_CLUSTER)
        by_type: dict[str, list[Resource]] = {rtype: [] for rtype in wanted}
        for resource in self.held:
            found = by_type.get(resource.type)
            if found is not None:
                found.append(resource)
        owners = InterfaceOwners(by_type)
        held = self.index.resources
        for interface in self.service_interfaces:
            for owner, _region in owners.of_interface(interface):
                if owner in held and held[owner].type in wanted:
                    self.index.add(owner, interface.arn, NETWORK_INTERFACE)


# The types `_Builder.collect` reads for its look-ups.
_COLLECTED = frozenset(
    {
        k.KMS_KEY_TYPE,
        k.IAM_ROLE,
        k.LOAD_BALANCER,
        k.DISTRIBUTION,
        k.REST_API,
        k.HTTP_API,
        k.SECRET,
        k.BUCKET,
        k.NETWORK_INTERFACE,
        k.INSTANCE,
        k.ROUTE_TABLE,
        k.SUBNET,
        k.SECURITY_GROUP,
    }
)

# -- per-type edges -----------------------------------------------------------------------------
# Types whose vpc_id is their VPC's plumbing or an attachment to it (an instance's VPC is read
# through its subnet, not repeated here).
_IN_VPC = frozenset(
    {
        k.SUBNET,
        k.SECURITY_GROUP,
        k.ROUTE_TABLE,
        k.NETWORK_ACL,
        k.INTERNET_GATEWAY,
        k.EGRESS_ONLY_INTERNET_GATEWAY,
        k.NAT_GATEWAY,
        k.VPN_GATEWAY,
        k.VPC_ENDPOINT,
        k.TRANSIT_GATEWAY_ATTACHMENT,
    }
)


def _volume(b: _Builder, r: Resource) -> None:
    for instance in _strs(r.attributes.get("attached_to")):
        b.index.add(b.index.ref(r.region, instance) or "", r.arn, VOLUME)


_LAMBDA_INTERFACE = "AWS Lambda VPC ENI-"
_RDS_INTERFACE = "RDSNetworkInterface"


def _interface(b: _Builder, r: Resource) -> None:
    owner = r.attributes.get("attached_to")
    if owner:
        b.index.add(b.index.ref(r.region, owner) or "", r.arn, NETWORK_INTERFACE)
        return
    description = r.attributes.get("description")
    if r.attributes.get("interface_type") == "lambda" or (
        isinstance(description, str)
        and (description.startswith(_LAMBDA_INTERFACE) or description == _RDS_INTERFACE)
    ):
        b.service_interfaces.append(r)


def _peering(b: _Builder, r: Resource) -> None:
    for side in ("requester", "accepter"):
        vpc = r.attributes.get(f"{side}_vpc_id")
        region = str(r.attributes.get(f"{side}_region") or r.region)
        b.index.add(r.arn, b.index.ref(region, vpc), VPC)


def _load_balancer(b: _Builder, r: Resource) -> None:
    for listener in r.attributes.get("listeners") or []:
        if not isinstance(listener, Mapping):
            continue
        for group in _strs(listener.get("target_group_arns")):
            b.index.add(r.arn, b.index.ref(r.region, group), TARGET_GROUP)
        for cert in _strs(listener.get("certificates")):
            b.index.add(r.arn, b.index.ref(r.region, cert), CERTIFICATE)
    for instance in _strs(r.attributes.get("instances")):  # a classic load balancer's
        b.index.add(r.arn, b.index.ref(r.region, instance), TARGET)


def _target_group(b: _Builder, r: Resource) -> None:
    for lb in _strs(r.attributes.get("load_balancers")):
        b.index.add(b.index.ref(r.region, lb) or "", r.arn, TARGET_GROUP)
    target_type = str(r.attributes.get("target_type") or "instance")
    for target in r.attributes.get("targets") or []:
        if not isinstance(target, Mapping) or not target.get("id"):
            continue
        value = str(target["id"])
        if target_type == "ip":
            found = b.private_ips.get((r.region, value))
        elif target_type == "lambda":
            found = b.function(r.region, value)
        else:
            found = b.index.ref(r.region, value)
        b.index.add(r.arn, found, TARGET)


def _auto_scaling(b: _Builder, r: Resource) -> None:
    for instance in r.attributes.get("instances") or []:
        value = instance.get("id") if isinstance(instance, Mapping) else instance
        b.index.add(r.arn, b.index.ref(r.region, value), INSTANCE)
    for group in _strs(r.attributes.get("target_groups")):
        b.index.add(r.arn, b.index.ref(r.region, group), TARGET_GROUP)
    template = r.attributes.get("launch_template")
    if isinstance(template, dict):
        b.index.add(r.arn, b.index.ref(r.region, template.get("id")), LAUNCH_TEMPLATE)
    for name in _strs(r.attributes.get("load_balancers")):  # classic load balancers, by name
        b.index.add(r.arn, b.index.by_name(k.LOAD_BALANCER, name, r.region), TARGET_GROUP)


def _ecs_service(b: _Builder, r: Resource) -> None:
    b.index.add(r.arn, b.index.ref(r.region, r.attributes.get("cluster")), CLUSTER)
    b.index.add(r.arn, b.index.ref(r.region, r.attributes.get("task_definition")), TASK_DEFINITION)
    for lb in r.attributes.get("load_balancers") or []:
        if isinstance(lb, Mapping):
            b.index.add(r.arn, b.index.ref(r.region, lb.get("target_group_arn")), TARGET_GROUP)


def _task_definition(b: _Builder, r: Resource) -> None:
    for secret in r.attributes.get("secrets") or []:
        if isinstance(secret, Mapping) and secret.get("value_from"):
            value = str(secret["value_from"])
            found = b.index.ref(r.region, value)
            if ":secretsmanager:" in value:  # ARN[:json-key:stage:version], or without "-xxxxxx"
                value = ":".join(value.split(":")[:7])
                name = value.rsplit(":", 1)[-1]
                held = value if value in b.index.resources else b.secrets.get((r.region, name))
                found = held or value
            b.index.add(r.arn, found, SECRET)


def _nodegroup(b: _Builder, r: Resource) -> None:
    cluster = r.attributes.get("cluster")
    if isinstance(cluster, str):
        b.index.add(r.arn, b.index.by_name(k.EKS_CLUSTER, cluster, r.region), CLUSTER)


def _database(b: _Builder, r: Resource) -> None:
    cluster = r.attributes.get("cluster_id")
    if isinstance(cluster, str) and cluster:
        found = b.index.ref(r.region, cluster) or b.index.by_name(k.DB_CLUSTER, cluster, r.region)
        b.index.add(r.arn, found, DB_CLUSTER)


def _db_snapshot(b: _Builder, r: Resource) -> None:
    source = r.attributes.get("source")
    if isinstance(source, str) and source:
        rtype = k.DATABASE if r.type == k.DB_SNAPSHOT else k.DB_CLUSTER
        found = b.index.ref(r.region, source) or b.index.by_name(rtype, source, r.region)
        b.index.add(r.arn, found, SNAPSHOT_OF)


def _ebs_snapshot(b: _Builder, r: Resource) -> None:
    b.index.add(r.arn, b.index.ref(r.region, r.attributes.get("volume_id")), SNAPSHOT_OF)


def _image(b: _Builder, r: Resource) -> None:
    for snapshot in _strs(r.attributes.get("snapshot_ids")):
        b.index.add(r.arn, b.index.ref(r.region, snapshot), SNAPSHOT)


def _cache_cluster(b: _Builder, r: Resource) -> None:
    group = r.attributes.get("replication_group")
    b.index.add(r.arn, b.index.ref(r.region, group), REPLICATION_GROUP)


def _vpn(b: _Builder, r: Resource) -> None:
    for field, kind in (
        ("customer_gateway_id", CUSTOMER_GATEWAY),
        ("vpn_gateway_id", VPN_GATEWAY),
        ("transit_gateway_id", TRANSIT_GATEWAY),
    ):
        b.index.add(r.arn, b.index.ref(r.region, r.attributes.get(field)), kind)


def _tgw_attachment(b: _Builder, r: Resource) -> None:
    b.index.add(
        r.arn, b.index.ref(r.region, r.attributes.get("transit_gateway_id")), TRANSIT_GATEWAY
    )


def _zone(b: _Builder, r: Resource) -> None:
    for vpc in r.attributes.get("vpcs") or []:
        if isinstance(vpc, Mapping):
            region = str(vpc.get("region") or r.region)
            b.index.add(r.arn, b.index.ref(region, vpc.get("vpc_id")), VPC)
    for record in r.attributes.get("records") or []:
        if not isinstance(record, Mapping):
            continue
        names = _strs(record.get("alias_target"))
        if record.get("type") == "CNAME":
            names += _strs(record.get("values"))
        for name in names:
            b.index.add(r.arn, b.host(name), ALIAS)


def _distribution(b: _Builder, r: Resource) -> None:
    for origin in r.attributes.get("origins") or []:
        if isinstance(origin, Mapping):
            b.index.add(r.arn, b.host(origin.get("domain_name")), ORIGIN)
    b.index.add(r.arn, b.index.ref(r.region, r.attributes.get("certificate")), CERTIFICATE)
    acl = r.attributes.get("web_acl_id")
    if isinstance(acl, str) and acl.startswith("arn:"):
        b.index.add(r.arn, b.index.ref(r.region, acl), WEB_ACL)


def _rest_api(b: _Builder, r: Resource) -> None:
    for stage in r.attributes.get("stages") or []:
        if isinstance(stage, Mapping):
            b.index.add(r.arn, b.index.ref(r.region, stage.get("web_acl_arn")), WEB_ACL)


def _web_acl(b: _Builder, r: Resource) -> None:
    for protected in _strs(r.attributes.get("protects")):
        b.index.add(b.protected(protected) or "", r.arn, WEB_ACL)


def _certificate(b: _Builder, r: Resource) -> None:
    for user in _strs(r.attributes.get("in_use_by")):
        b.index.add(b.index.ref(r.region, user) or "", r.arn, CERTIFICATE)


def _role(b: _Builder, r: Resource) -> None:
    for principal in trusted_principals(r.attributes.get("trust_policy")):
        b.index.add(b.index.ref(r.region, principal) or principal, r.arn, CAN_ASSUME)


def _trail(b: _Builder, r: Resource) -> None:
    bucket = r.attributes.get("s3_bucket")
    if isinstance(bucket, str) and bucket:
        b.index.add(r.arn, b.buckets.get(bucket.lower()), LOG_BUCKET)


def _alarm(b: _Builder, r: Resource) -> None:
    for action in _strs(r.attributes.get("alarm_actions")):
        b.index.add(r.arn, b.index.ref(r.region, action), ALARM_ACTION)


def _shared_copy(b: _Builder, r: Resource) -> None:
    """A participant's copy of a VPC or subnet shared with its account -> the owner's copy,
    when the owner was scanned too: what uses the subnet in the participant's account is then
    one step from the owner's (model/sharing)."""
    owner = shared_from(r)
    if owner is not None:
        copies = b.index._clashes.get((r.region, r.id))
        if copies is not None:
            b.index.add(r.arn, copies.get(owner), SHARED_FROM)


_PER_TYPE: dict[str, Any] = {
    k.VPC: _shared_copy,
    k.SUBNET: _shared_copy,
    k.TRANSIT_GATEWAY: _shared_copy,
    k.VOLUME: _volume,
    k.NETWORK_INTERFACE: _interface,
    k.VPC_PEERING_CONNECTION: _peering,
    k.LOAD_BALANCER: _load_balancer,
    k.TARGET_GROUP: _target_group,
    k.AUTOSCALING_GROUP: _auto_scaling,
    k.ECS_SERVICE: _ecs_service,
    k.ECS_TASK_DEFINITION: _task_definition,
    k.EKS_NODEGROUP: _nodegroup,
    k.DATABASE: _database,
    k.DB_SNAPSHOT: _db_snapshot,
    k.DB_CLUSTER_SNAPSHOT: _db_snapshot,
    k.EBS_SNAPSHOT: _ebs_snapshot,
    k.MACHINE_IMAGE: _image,
    k.CACHE_CLUSTER: _cache_cluster,
    k.VPN_CONNECTION: _vpn,
    k.TRANSIT_GATEWAY_ATTACHMENT: _tgw_attachment,
    k.HOSTED_ZONE: _zone,
    k.DISTRIBUTION: _distribution,
    k.REST_API: _rest_api,
    k.WEB_ACL: _web_acl,
    k.CERTIFICATE: _certificate,
    k.IAM_ROLE: _role,
    k.TRAIL: _trail,
    k.ALARM: _alarm,
}


# Resources between two calls of a build's `pause` (~10 ms of work at 1,000,000 resources).
PACE = 256


def _paced(items: list[Resource], pause: Callable[[], None] | None) -> Iterator[Resource]:
    return paced(items, pause, PACE)


def _numbered(held: list[Resource], pause: Callable[[], None] | None) -> ArnNumbers:
    """ARN -> position in `held` (the last of an ARN given twice), made at C speed a few
    thousand at a time, `pause()` between, in dicts that never grow in one long step (one dict
    of 1,000,000 held the interpreter 44-52 ms as it grew past 700,000)."""
    node = ArnNumbers()
    node.add_all(held, 0, pause)
    return node


def _arns_of(held: list[Resource], pause: Callable[[], None] | None) -> list[str]:
    """Their ARNs, at C speed a piece at a time (at 1,000,000 the resources are spread over
    gigabytes: each look is a cache miss or more)."""
    arns: list[str] = []
    for start in range(0, len(held), ARN_PIECE):
        if pause is not None:
            pause()
        arns += map(_ARN, held[start : start + ARN_PIECE])
    return arns


def _several_accounts(held: list[Resource]) -> bool:
    """Do these resources belong to more than one account? At C speed, a piece at a time (a
    set of 1,000,000 accounts was one call: the UI waited for it), and done at the first
    other account (a merged snapshot's second account)."""
    if not held:
        return False
    first = held[0].account_id
    for start in range(0, len(held), SORT_PIECE):
        if any(map(ne, map(_ACCOUNT, held[start : start + SORT_PIECE]), repeat(first))):
            return True
    return False


# Keys one sort takes at a time in a build given `pause` (~20 ms of the interpreter each).
SORT_PIECE = 1 << 16


def _flipped(keys: array[int], pause: Callable[[], None] | None) -> array[int]:
    """Each edge's key with its target's id high and its source's below (`_in`'s order), a
    SORT_PIECE at a time."""
    shift, node_mask, kind_mask, bits = _SOURCE_SHIFT, _NODE_MASK, _KIND_MASK, _KIND_BITS
    flipped = array("Q")
    for start in range(0, len(keys), SORT_PIECE):
        if pause is not None:
            pause()
        flipped.extend(
            [
                (((key >> bits) & node_mask) << shift)
                | ((key >> shift) << bits)
                | (key & kind_mask)
                for key in keys[start : start + SORT_PIECE]
            ]
        )
    return flipped


def _array_of(keys: Iterator[int], pause: Callable[[], None] | None) -> array[int]:
    """An array of these keys, filled a SORT_PIECE at a time: one array of 1,370,000 made from
    a list, and the list's ints freed, each held the interpreter 30-70 ms."""
    out = array("Q")
    while piece := list(islice(keys, SORT_PIECE)):
        if pause is not None:
            pause()
        out.extend(piece)
    return out


def _sorted(keys: Sequence[int], pause: Callable[[], None] | None) -> Iterator[int]:
    """`keys` in order. Given `pause`, sorted SORT_PIECE at a time (`pause()` between) and
    merged by heapq.merge, which runs as Python, so the interpreter is shared out as it goes
    (and `pause()` called every SORT_PIECE keys): one sort of 2,105,000 edges' keys held it
    0.85 s, during which no key press was handled (benchmarks/README.md, session 10)."""
    if pause is None or len(keys) <= SORT_PIECE:
        return iter(sorted(keys))
    # Iterators, not the sorted lists: an exhausted one lets its list go, a piece's ints freed
    # in a millisecond or two. The merge keeps what it was given to its end, and all the
    # pieces' ints freed at once held the interpreter tens of milliseconds.
    runs = []
    for start in range(0, len(keys), SORT_PIECE):
        pause()
        runs.append(iter(sorted(keys[start : start + SORT_PIECE])))
    return _paused(heapq.merge(*runs), pause)


def _paused(keys: Iterator[int], pause: Callable[[], None]) -> Iterator[int]:
    for n, key in enumerate(keys):
        if not n % SORT_PIECE:
            pause()
        yield key


def build(resources: Iterable[Resource], pause: Callable[[], None] | None = None) -> RelationIndex:
    """The relationship index of these resources (every edge, both directions). `pause`, if
    given, is called every PACE resources of the long passes: a caller on a worker thread
    lets the user's key presses have the interpreter there (it may sleep; it must not
    change the resources)."""
    # Hundreds of thousands of small lists and tuples, none of them in a cycle: the cyclic
    # collector would only walk the whole heap again and again while they are made.
    collecting = gc.isenabled()
    gc.disable()
    try:
        index = RelationIndex(resources, pause)
        builders = [_Builder(index, pause)]
        if index._multi:  # one builder per account, in the order the accounts come
            accounts: dict[str | None, list[Resource]] = {}
            for resource in _paced(index._held, pause):
                held = accounts.get(resource.account_id)
                if held is None:
                    held = accounts[resource.account_id] = []
                held.append(resource)
            shared: _Shared = ({}, {}, {})
            builders = [
                _Builder(index, pause, held, shared, account) for account, held in accounts.items()
            ]
            del accounts
        for builder in builders:  # every account's look-ups first: a DNS name may cross
            builder.collect()
        del builder  # (there is always one) let go below, with the others
        # Each builder let go once its edges are in, so its look-ups are freed one account at a
        # time: 50 accounts' freed at the end were one long stretch (36-47 ms) of the interpreter.
        builders.reverse()
        while builders:
            builders.pop().edges()
            if pause is not None:
                pause()
        index._scope = None
        index.seal(pause)
    finally:
        if collecting:
            gc.enable()
    return index


def grouped(edges: Iterable[Edge], arn: str) -> dict[str, list[str]]:
    """The other ends of these edges by kind, kinds and ARNs sorted (for display and JSON)."""
    found: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        found[edge.kind].append(edge.other(arn))
    return {kind: sorted(found[kind]) for kind in sorted(found)}


def answer(index: RelationIndex, resource: Resource) -> dict[str, Any]:
    """`awsexplorer related`'s JSON (docs/relationships.md): sorted by kind, then ARN."""
    arn = resource.arn
    return {
        "resource": arn,
        "uses": [{"kind": kind, "arn": other} for kind, other in sorted(index.pairs(arn))],
        "used_by": [
            {"kind": kind, "arn": other} for kind, other in sorted(index.pairs(arn, used_by=True))
        ],
    }
