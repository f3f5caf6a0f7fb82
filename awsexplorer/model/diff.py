"""What changed between two scans of one account: resources added, removed and changed (matched by
ARN), each change at attribute level with a summary a person reads, and findings new and resolved.

Pure: two ScanResults in, a ScanDiff out. The CLI (`awsexplorer diff`) and the UI (`--baseline`)
read the same ScanDiff.

- Resources are matched by ARN. A resource's comparable content is its name, tags, VPC, subnet and
  attributes; its type and region are part of its ARN.
- Values that move by themselves between two scans of an unchanged account (free IP counts,
  last-used dates, item counts...) are *volatile*: `VOLATILE` below is the one rule for them, and
  they count only with `include_volatile=True` (`--all`).
- A few types have a summariser of their own (`SUMMARISERS`, keyed by type): security group rules,
  route table routes and a subnet turning public or private read as what they mean. Every other
  attribute is compared generically (`path: old → new`).
- Findings are matched by check, resource and message; what is left over by check and resource
  (the message of one finding may carry a count that moved). Unmatched new ones are `new`,
  unmatched old ones `resolved`.

Summaries hold strings from the snapshots as they are: every output layer makes them inert.
"""

from __future__ import annotations

import functools
import gc
import json
import operator
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import translate
from itertools import filterfalse, repeat
from typing import Any

from awsexplorer.model import kinds
from awsexplorer.model.findings import Finding, Severity
from awsexplorer.model.kinds import ROUTE_TABLE, SECURITY_GROUP, SUBNET, USER
from awsexplorer.model.resource import Resource
from awsexplorer.model.routing import Route
from awsexplorer.model.scan_result import ScanResult

ARROW = "→"

# -- what is volatile: the one rule ------------------------------------------------------------
# (type, path pattern): `*` in the type matches any type; the path is the change's dotted path
# (`attributes.AvailableIpAddressCount`, `attributes.access_keys[0].last_used`), matched with
# fnmatch (a pattern matches the path itself and everything under it).
VOLATILE: tuple[tuple[str, str], ...] = (
    # Counters that move with use, not with configuration.
    (SUBNET, "attributes.AvailableIpAddressCount"),
    (SUBNET, "attributes.available_ips"),
    (kinds.DYNAMODB_TABLE, "attributes.ItemCount"),
    (kinds.DYNAMODB_TABLE, "attributes.TableSizeBytes"),
    (kinds.DYNAMODB_TABLE, "attributes.item_count"),
    (kinds.DYNAMODB_TABLE, "attributes.size_bytes"),
    (kinds.QUEUE, "attributes.ApproximateNumberOfMessages*"),
    (kinds.BUDGET, "attributes.CalculatedSpend"),
    (kinds.BUDGET, "attributes.LastUpdatedTime"),
    # When something was last used or delivered: a date every use moves.
    ("*", "attributes.*last_used*"),
    ("*", "attributes.*LastUsed*"),
    ("*", "attributes.*_age_days"),
    (USER, "attributes.access_keys*.last_used*"),
    (kinds.TRAIL, "attributes.Latest*"),
    (kinds.TRAIL, "attributes.status.Latest*"),
    (kinds.ALARM, "attributes.StateUpdatedTimestamp"),
    (kinds.ALARM, "attributes.StateReason*"),
    (kinds.ALARM, "attributes.StateTransitionedTimestamp"),
)


# Placement the topology derives from *other* resources (an instance's subnet turning public
# flips its `subnet_public`): shown with a resource's own changes, but on their own they do not
# make it changed (the subnet that moved is reported).
CONSEQUENTIAL: tuple[tuple[str, str], ...] = (
    ("*", "attributes.subnet_public"),
    ("*", "attributes.internet_facing"),
)


def _compile(rules: Iterable[tuple[str, str]]) -> dict[str, re.Pattern[str]]:
    by_type: dict[str, list[str]] = defaultdict(list)
    for rtype, pattern in rules:
        # The path itself, or anything under it (a key or an index).
        by_type[rtype].append(translate(pattern)[:-2] + r"(?:[.\[].*)?\Z")
    return {t: re.compile("|".join(f"(?:{p})" for p in ps), re.S) for t, ps in by_type.items()}


_VOLATILE = _compile(VOLATILE)


_CONSEQUENTIAL = _compile(CONSEQUENTIAL)


def _matches(rules: Mapping[str, re.Pattern[str]], resource_type: str, path: str) -> bool:
    anywhere = rules.get("*")
    if anywhere is not None and anywhere.match(path):
        return True
    own = rules.get(resource_type)
    return own is not None and own.match(path) is not None


def is_consequential(resource_type: str, path: str) -> bool:
    """Whether a change at `path` is derived from another resource's change (see CONSEQUENTIAL)."""
    return _matches(_CONSEQUENTIAL, resource_type, path)


def is_volatile(resource_type: str, path: str) -> bool:
    """Whether a change at `path` of a resource of this type moves by itself between scans."""
    return _matches(_VOLATILE, resource_type, path)


# -- the result --


@dataclass(frozen=True, slots=True)
class Change:
    path: str  # dotted, from the resource document: `attributes.state`, `tags.owner`
    old: Any
    new: Any
    summary: str  # what a person reads: `inbound tcp/22 from 0.0.0.0/0 added`
    # Read in a person's terms (a normalised field, tags, a summariser) rather than an AWS API
    # field copied as it came: the text output leads with these.
    readable: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "old": self.old, "new": self.new, "summary": self.summary}


@dataclass(frozen=True, slots=True)
class ResourceChange:
    old: Resource
    new: Resource
    changes: tuple[Change, ...]

    @property
    def arn(self) -> str:
        return self.new.arn

    def to_dict(self) -> dict[str, Any]:
        return {"arn": self.arn, "changes": [c.to_dict() for c in self.changes]}


@dataclass(slots=True)
class ScanDiff:
    added: list[Resource] = field(default_factory=list)
    removed: list[Resource] = field(default_factory=list)
    changed: list[ResourceChange] = field(default_factory=list)
    new_findings: list[Finding] = field(default_factory=list)
    resolved_findings: list[Finding] = field(default_factory=list)
    old_finished_at: str | None = None
    new_finished_at: str | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.changed
            or self.new_findings
            or self.resolved_findings
        )

    def worst_new(self) -> Severity | None:
        ranks = [f.severity for f in self.new_findings]
        return min(ranks, key=lambda s: s.rank) if ranks else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `awsexplorer diff --format json` (docs/diff.md)."""
        return {
            "added": [r.arn for r in self.added],
            "removed": [r.arn for r in self.removed],
            "changed": [c.to_dict() for c in self.changed],
            "findings": {
                "new": [f.to_dict() for f in self.new_findings],
                "resolved": [f.to_dict() for f in self.resolved_findings],
            },
        }


def label(resource: Resource) -> str:
    """`sg-0abc (web)`: the id, and the name when it says something more."""
    if resource.name and resource.name != resource.id:
        return f"{resource.id} ({resource.name})"
    return resource.id


# -- value formatting --

_SHORT = 60


def show(value: Any) -> str:
    """A value as a summary quotes it: scalars plainly, structures as compact JSON, cut short."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if value != "" else '""'
    elif isinstance(value, int | float):
        text = str(value)
    else:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def _name(path: str) -> str:
    """A path as a summary names it: without the `attributes.` every attribute has."""
    return path.removeprefix("attributes.")


# -- generic comparison --


def _is_api(path: str) -> bool:
    """An AWS API field copied as it came (PascalCase), as opposed to one of our own names."""
    if not path.startswith("attributes."):
        return False
    first = path[len("attributes.") :][:1]
    return first.isupper()


def _scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _walk(path: str, old: Any, new: Any, out: list[Change]) -> None:
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(old.keys() | new.keys(), key=str):
            if key in old and key in new and old[key] == new[key]:
                continue  # the common case: no path to build, no call
            sub = f"{path}.{key}"
            if key not in old:
                out.append(_change(sub, None, new[key], f"{_name(sub)} added: {show(new[key])}"))
            elif key not in new:
                out.append(
                    _change(sub, old[key], None, f"{_name(sub)} removed (was {show(old[key])})")
                )
            else:
                _walk(sub, old[key], new[key], out)
        return
    if isinstance(old, list) and isinstance(new, list):
        if all(_scalar(v) for v in old) and all(_scalar(v) for v in new):
            gone = [v for v in old if v not in new]
            came = [v for v in new if v not in old]
            parts = [f"{show(v)} added" for v in came] + [f"{show(v)} removed" for v in gone]
            summary = f"{_name(path)}: {', '.join(parts)}" if parts else f"{_name(path)}: reordered"
            out.append(_change(path, old, new, summary))
            return
        if len(old) == len(new):
            for index, (a, b) in enumerate(zip(old, new, strict=True)):
                _walk(f"{path}[{index}]", a, b, out)
            return
    out.append(_change(path, old, new, f"{_name(path)}: {show(old)} {ARROW} {show(new)}"))


def _change(path: str, old: Any, new: Any, summary: str) -> Change:
    return Change(path, old, new, summary, readable=not _is_api(path))


# -- per-type summarisers --
# Each reads the old and new attributes of one resource and returns its changes, with the
# top-level attribute keys it has accounted for (the generic comparison skips those).

Summariser = Callable[[Mapping[str, Any], Mapping[str, Any]], tuple[list[Change], set[str]]]


def _ports(perm: Mapping[str, Any]) -> str:
    protocol = str(perm.get("IpProtocol", "-1"))
    if protocol == "-1":
        return "all traffic"
    name = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}.get(protocol, protocol)
    low, high = perm.get("FromPort"), perm.get("ToPort")
    if name in ("icmp", "icmpv6"):
        return name if low in (None, -1) else f"{name} type {low}"
    if low in (None, -1) and high in (None, -1):
        return f"{name}/all"
    if low == 0 and high == 65535:
        return f"{name}/all"
    return f"{name}/{low}" if low == high else f"{name}/{low}-{high}"


def _rules(perms: Any) -> dict[str, Any]:
    """Each permission split into one rule per peer: `tcp/22 from 0.0.0.0/0` -> its entry."""
    rules: dict[str, Any] = {}
    for perm in perms or []:
        if not isinstance(perm, Mapping):
            continue
        ports = _ports(perm)
        peers: list[tuple[str, Any]] = []
        for item in perm.get("IpRanges") or []:
            peers.append((str(item.get("CidrIp")), item))
        for item in perm.get("Ipv6Ranges") or []:
            peers.append((str(item.get("CidrIpv6")), item))
        for item in perm.get("PrefixListIds") or []:
            peers.append((str(item.get("PrefixListId")), item))
        for item in perm.get("UserIdGroupPairs") or []:
            peers.append((str(item.get("GroupId") or item.get("GroupName")), item))
        for peer, item in peers:
            rules[f"{ports} {{dir}} {peer}"] = {
                "IpProtocol": perm.get("IpProtocol"),
                "FromPort": perm.get("FromPort"),
                "ToPort": perm.get("ToPort"),
                "peer": item,
            }
    return rules


def _security_group(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[list[Change], set[str]]:
    changes: list[Change] = []
    for key, direction, word in (
        ("IpPermissions", "inbound", "from"),
        ("IpPermissionsEgress", "outbound", "to"),
    ):
        if old.get(key) == new.get(key):
            continue
        before, after = _rules(old.get(key)), _rules(new.get(key))
        path = f"attributes.{key}"
        for rule in sorted(after.keys() - before.keys()):
            text = f"{direction} {rule.format(dir=word)} added"
            changes.append(Change(path, None, after[rule], text))
        for rule in sorted(before.keys() - after.keys()):
            text = f"{direction} {rule.format(dir=word)} removed"
            changes.append(Change(path, before[rule], None, text))
        for rule in sorted(before.keys() & after.keys()):
            if before[rule] != after[rule]:
                text = f"{direction} {rule.format(dir=word)} changed (description)"
                changes.append(Change(path, before[rule], after[rule], text))
    return changes, {"IpPermissions", "IpPermissionsEgress"}


def _routes(attrs: Mapping[str, Any]) -> dict[str, Route]:
    found: dict[str, Route] = {}
    for item in attrs.get("Routes") or []:
        if isinstance(item, dict):
            route = Route.from_api(item)
            found[route.destination] = route
    return found


def _route_table(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[list[Change], set[str]]:
    changes: list[Change] = []
    if old.get("Routes") != new.get("Routes"):
        before, after = _routes(old), _routes(new)
        path = "attributes.Routes"
        for dest in sorted(after.keys() - before.keys()):
            route = after[dest]
            text = f"route {dest} {ARROW} {route.target} added"
            changes.append(Change(path, None, {"destination": dest, "target": route.target}, text))
        for dest in sorted(before.keys() - after.keys()):
            route = before[dest]
            text = f"route {dest} {ARROW} {route.target} removed"
            changes.append(Change(path, {"destination": dest, "target": route.target}, None, text))
        for dest in sorted(before.keys() & after.keys()):
            a, b = before[dest], after[dest]
            if a.target != b.target:
                text = f"route {dest}: target {a.target} {ARROW} {b.target}"
            elif a.state != b.state:
                text = f"route {dest} {ARROW} {b.target}: {a.state} {ARROW} {b.state}"
            else:
                continue
            changes.append(
                Change(
                    path,
                    {"destination": dest, "target": a.target, "state": a.state},
                    {"destination": dest, "target": b.target, "state": b.state},
                    text,
                )
            )
    return changes, {"Routes"}


def _subnet(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[list[Change], set[str]]:
    """Public or private: one change, whose reason the diff completes from the route table's
    own changes (see _explain_subnets)."""
    was, now = old.get("public"), new.get("public")
    if was == now:
        return [], set()
    word = {True: "public", False: "private", None: "of unknown exposure"}[now]
    reason = new.get("public_reason") or ""
    summary = f"now {word}" + (f" ({reason})" if reason else "")
    # Its egress moved with it (`none -> igw`): part of the same story.
    return (
        [Change("attributes.public", was, now, summary)],
        {"public", "public_reason", "route_table_id", "route_table_association"}
        | {"egress", "egress_route"},
    )


SUMMARISERS: dict[str, Summariser] = {
    SECURITY_GROUP: _security_group,
    ROUTE_TABLE: _route_table,
    SUBNET: _subnet,
}


# -- one resource --


def _tag_changes(old: Mapping[str, str], new: Mapping[str, str]) -> list[Change]:
    changes = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        path = f"tags.{key}"
        if a is None:
            summary = f"tag {key} added: {show(b)}"
        elif b is None:
            summary = f"tag {key} removed (was {show(a)})"
        else:
            summary = f"tag {key}: {show(a)} {ARROW} {show(b)}"
        changes.append(Change(path, a, b, summary))
    return changes


def compare(old: Resource, new: Resource, *, include_volatile: bool = False) -> list[Change]:
    """The changes between two scans of one resource (same ARN)."""
    changes: list[Change] = []
    if old.name != new.name:
        changes.append(
            Change("name", old.name, new.name, f"name {show(old.name)} {ARROW} {show(new.name)}")
        )
    for key in ("vpc_id", "subnet_id"):
        a, b = getattr(old, key), getattr(new, key)
        if a != b:
            changes.append(Change(key, a, b, f"{key} {show(a)} {ARROW} {show(b)}"))
    if old.tags != new.tags:
        changes.extend(_tag_changes(old.tags, new.tags))
    if old.attributes != new.attributes:
        done: set[str] = set()
        summarise = SUMMARISERS.get(new.type)
        if summarise is not None:
            special, done = summarise(old.attributes, new.attributes)
            changes.extend(special)
        rest_old = {k: v for k, v in old.attributes.items() if k not in done}
        rest_new = {k: v for k, v in new.attributes.items() if k not in done}
        _walk("attributes", rest_old, rest_new, changes)
    if not include_volatile:
        changes = [c for c in changes if not is_volatile(new.type, c.path)]
        if all(is_consequential(new.type, c.path) for c in changes):
            return []
    return changes


# -- two scans --


def _finding_key(f: Finding) -> tuple[str, str]:
    return (f.check, f.resource)


def cancel_equal(old: list[Any], new: list[Any]) -> tuple[list[Any], list[Any]]:
    """`old` and `new` without the items they share (hashable): each item of `new`, in order,
    takes the last equal item of `old` left. What is left keeps its order. The first pass of the
    finding match, over Findings or over their snapshot lines alike (`awsexplorer diff`): a line
    is equal to another exactly when its finding is, so both give the same answer."""
    if old == new:  # nothing moved (compared at C speed)
        return [], []
    in_old, in_new = set(old), set(new)
    if len(in_old) == len(old) and len(in_new) == len(new):
        # No item twice: an item cancels exactly when the other side has it (at C speed; tens
        # of thousands of findings in a large scan).
        return list(filterfalse(in_new.__contains__, old)), list(
            filterfalse(in_old.__contains__, new)
        )
    pool: dict[Any, list[int]] = defaultdict(list)
    for index, item in enumerate(old):
        pool[item].append(index)
    taken: set[int] = set()
    left_new = []
    for item in new:
        bucket = pool.get(item)
        if bucket:
            taken.add(bucket.pop())
        else:
            left_new.append(item)
    if not taken:
        return list(old), left_new
    return [item for index, item in enumerate(old) if index not in taken], left_new


def _match_findings(old: list[Finding], new: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(new, resolved): equal findings matched first, then by check, resource and message, then
    by check and resource."""
    old, new = cancel_equal(old, new)
    pool: dict[tuple[str, str, str], list[Finding]] = defaultdict(list)
    for f in old:
        pool[(f.check, f.resource, f.message)].append(f)
    unmatched: list[Finding] = []
    for f in new:
        bucket = pool.get((f.check, f.resource, f.message))
        if bucket:
            bucket.pop()
        else:
            unmatched.append(f)
    loose: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for bucket in pool.values():
        for f in bucket:
            loose[_finding_key(f)].append(f)
    appeared: list[Finding] = []
    for f in unmatched:
        bucket = loose.get(_finding_key(f))
        if bucket:
            bucket.pop()
        else:
            appeared.append(f)
    resolved = [f for bucket in loose.values() for f in bucket]
    order = lambda f: (f.severity.rank, f.check, f.region, f.resource)  # noqa: E731
    return sorted(appeared, key=order), sorted(resolved, key=order)


_DEFAULT_ROUTES = ("route 0.0.0.0/0 ", "route ::/0 ")


def _explain_subnets(changed: list[ResourceChange], by_id: Mapping[str, ResourceChange]) -> None:
    """`subnet-9: now public (route 0.0.0.0/0 → igw-1 added to rtb-4)`: a subnet whose exposure
    moved names the route that moved it, when its route table's change is in the diff."""
    for index, item in enumerate(changed):
        if item.new.type != SUBNET:
            continue
        table_id = item.new.attributes.get("route_table_id") or item.old.attributes.get(
            "route_table_id"
        )
        table = by_id.get(f"{item.new.region}/{table_id}") if table_id else None
        old_table = item.old.attributes.get("route_table_id")
        new_changes = []
        for change in item.changes:
            if change.path != "attributes.public" or change.summary.startswith("now of unknown"):
                new_changes.append(change)
                continue
            moved = [
                c.summary
                for c in (table.changes if table else ())
                if c.path == "attributes.Routes" and c.summary.startswith(_DEFAULT_ROUTES)
            ]
            word = "public" if change.new else "private"
            if moved:
                reasons = [
                    f"{m} to {table_id}" if m.endswith(("added", "removed")) else m for m in moved
                ]
                summary = f"now {word} ({'; '.join(reasons)})"
            elif table_id and old_table and table_id != old_table:
                summary = f"now {word} (route table {old_table} {ARROW} {table_id})"
            else:
                summary = change.summary
            new_changes.append(Change(change.path, change.old, change.new, summary))
        changed[index] = ResourceChange(item.old, item.new, tuple(new_changes))


def _order(r: Resource) -> tuple[str, str, str]:
    return (r.region, r.type, r.id)


def diff(old: ScanResult, new: ScanResult, *, include_volatile: bool = False) -> ScanDiff:
    """Everything that changed from `old` to `new` (two scans of one account)."""
    return _paused(
        old,
        new,
        *differing({r.arn: r for r in old.resources}, {r.arn: r for r in new.resources}),
        _same,
        _itself,
        _itself,
        include_volatile,
    )


def diff_documents(
    old: ScanResult,
    new: ScanResult,
    old_resources: Iterable[Mapping[str, Any]],
    new_resources: Iterable[Mapping[str, Any]],
    build: Callable[[Mapping[str, Any]], Resource],
    *,
    include_volatile: bool = False,
) -> ScanDiff:
    """The same, from the snapshots' resource documents (`old` and `new` carry the rest): only
    the resources whose documents differ are built (`build`, as snapshot.read builds one), so
    two 100,000-resource snapshots are compared without building 200,000 objects."""
    return _paused(
        old,
        new,
        *differing(
            {str(r["arn"]): r for r in old_resources}, {str(r["arn"]): r for r in new_resources}
        ),
        operator.eq,
        build,
        build,
        include_volatile,
    )


Pair = tuple[Any, Any]


def differing(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[list[Pair], list[Any], list[Any]]:
    """(old, new) of each ARN in both whose items are not equal, in `after`'s order; the items
    only in `after`, in its order; those only in `before`, in its order."""
    pairs = []
    added = []
    for arn, now in after.items():
        was = before.get(arn, _ABSENT)
        if was is _ABSENT:
            added.append(now)
        elif was is not now and was != now:
            pairs.append((was, now))
    removed = [item for arn, item in before.items() if arn not in after]
    return pairs, added, removed


def diff_items(
    old: ScanResult,
    new: ScanResult,
    pairs: list[Pair],
    added: list[Any],
    removed: list[Any],
    parse_old: Callable[[list[bytes]], list[Mapping[str, Any]]],
    parse_new: Callable[[list[bytes]], list[Mapping[str, Any]]],
    build: Callable[[Mapping[str, Any]], Resource],
    *,
    include_volatile: bool = False,
) -> ScanDiff:
    """The same, from what differs between the snapshots' resources (`differing`, or
    snapshot.differing_lines): each item either its document or its snapshot line (bytes, one
    compact JSON object: snapshot.dumps). Two equal lines are the same resource, unparsed (the
    caller leaves them out); the lines here are parsed in one batch per file (`parse_old`,
    `parse_new`: lines in, documents out, in order) and compared as documents, as
    diff_documents does. So two 100,000-resource snapshots that differ in 1 % of their lines
    parse 1 % of them."""
    old_lines = [was for was, _ in pairs if type(was) is bytes]
    old_lines += [item for item in removed if type(item) is bytes]
    new_lines = [now for _, now in pairs if type(now) is bytes]
    new_lines += [item for item in added if type(item) is bytes]
    # Each line's document by the line object's id (the lines live as long as this call).
    parsed: dict[int, Any] = dict(zip(map(id, old_lines), parse_old(old_lines), strict=True))
    parsed.update(zip(map(id, new_lines), parse_new(new_lines), strict=True))

    def document(item: Any) -> Any:
        return parsed[id(item)] if type(item) is bytes else item

    def same(was: Any, now: Any) -> bool:
        if was == now:
            return True
        a, b = document(was), document(now)
        return bool(a == b) or (not include_volatile and moved_by_itself(a, b))

    return _paused(
        old,
        new,
        pairs,
        added,
        removed,
        same,
        lambda item: build(document(item)),
        lambda item: build(document(item)),
        include_volatile,
    )


_ABSENT = object()


def moved_by_itself(was: Mapping[str, Any], now: Mapping[str, Any]) -> bool:
    """Whether two documents of one resource differ only in attributes whose every change
    `compare` drops without `include_volatile` (VOLATILE, CONSEQUENTIAL: a rule that matches an
    attribute matches everything under it), so the pair is no change without building either.
    False whenever that is not certain (then `compare` decides): a different type or any other
    field, or an attribute a summariser reads. Normalised fields are filled as `complete` fills
    them on the built resource."""
    rtype = now.get("type")
    if type(rtype) is not str or was.get("type") != rtype:
        return False
    old_attrs, new_attrs = was.get("attributes"), now.get("attributes")
    if type(old_attrs) is not dict or type(new_attrs) is not dict:
        return False
    for key in was.keys() | now.keys():
        if key != "attributes" and was.get(key, _ABSENT) != now.get(key, _ABSENT):
            return False
    old_attrs, new_attrs = _completed(rtype, old_attrs), _completed(rtype, new_attrs)
    moved = [
        key
        for key in old_attrs.keys() | new_attrs.keys()
        if old_attrs.get(key, _ABSENT) != new_attrs.get(key, _ABSENT)
    ]
    return all(map(_drops_alone, repeat(rtype), moved))


@functools.lru_cache(maxsize=4096)
def _drops_alone(rtype: str, key: str) -> bool:
    """Whether `compare` drops every change under attribute `key` of this type without
    `include_volatile` (the same few pairs over and over: a large diff asks thousands of times)."""
    path = f"attributes.{key}"
    return is_volatile(rtype, path) or is_consequential(rtype, path)


def _completed(rtype: str, attrs: dict[str, Any]) -> dict[str, Any]:
    """The attributes as kinds.complete leaves them (on a copy)."""
    legacy = kinds.LEGACY.get(rtype)
    if not legacy:
        return attrs
    missing = legacy.keys() - attrs.keys()
    if not missing:
        return attrs
    attrs = dict(attrs)
    for name, rule in legacy.items():  # in the rules' order, as complete fills them
        if name in missing:
            value = rule(attrs)
            if value is not None:
                attrs[name] = value
    return attrs


def _same(a: Resource, b: Resource) -> bool:
    return (
        a.attributes == b.attributes
        and a.tags == b.tags
        and a.name == b.name
        and a.vpc_id == b.vpc_id
        and a.subnet_id == b.subnet_id
    )


def _itself(resource: Resource) -> Resource:
    return resource


def _paused(*args: Any) -> ScanDiff:
    """Two large scans are millions of acyclic objects; the cyclic garbage collector would walk
    them again and again while the diff allocates (most of its time at 100,000 resources) and
    find nothing, so it is paused, as snapshot.read pauses it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _diff(*args)
    finally:
        if was_enabled:
            gc.enable()


def _diff(
    old: ScanResult,
    new: ScanResult,
    pairs: list[Pair],
    added: list[Any],
    removed: list[Any],
    same: Callable[[Any, Any], bool],
    build_old: Callable[[Any], Resource],
    build_new: Callable[[Any], Resource],
    include_volatile: bool,
) -> ScanDiff:
    result = ScanDiff(old_finished_at=old.finished_at, new_finished_at=new.finished_at)
    result.added = sorted(map(build_new, added), key=_order)
    result.removed = sorted(map(build_old, removed), key=_order)
    for was, now in pairs:
        if same(was, now):
            continue
        was_built, now_built = build_old(was), build_new(now)
        changes = compare(was_built, now_built, include_volatile=include_volatile)
        if changes:
            result.changed.append(ResourceChange(was_built, now_built, tuple(changes)))
    result.changed.sort(key=lambda c: _order(c.new))
    tables = {f"{c.new.region}/{c.new.id}": c for c in result.changed if c.new.type == ROUTE_TABLE}
    _explain_subnets(result.changed, tables)
    result.new_findings, result.resolved_findings = _match_findings(old.findings, new.findings)
    return result


def changes_by_arn(scan_diff: ScanDiff) -> dict[str, str]:
    """Each resource the diff touches -> its marker: `+` added, `~` changed, `-` removed."""
    marks: dict[str, str] = {r.arn: "-" for r in scan_diff.removed}
    marks.update({c.arn: "~" for c in scan_diff.changed})
    marks.update({r.arn: "+" for r in scan_diff.added})
    return marks


def readable_lines(change: ResourceChange, *, limit: int = 6) -> list[str]:
    """What the text output and the detail pane say about one changed resource: its readable
    changes, then the AWS API fields that moved with them in one line (`--format json` and
    the detail pane's JSON carry each)."""
    readable = [c.summary for c in change.changes if c.readable]
    api = [c for c in change.changes if not c.readable]
    if not readable:
        return [c.summary for c in api]
    lines = readable
    if api:
        paths = sorted({_name(c.path).split("[", 1)[0] for c in api})
        shown = ", ".join(paths[:limit]) + (
            f", +{len(paths) - limit} more" if len(paths) > limit else ""
        )
        lines = [*readable, f"also {len(api)} AWS API field(s): {shown}"]
    return lines
