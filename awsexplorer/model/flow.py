"""Request and event paths through a resource, both ways, from the relationship index.

`flow(index, arn, findings)` follows the wiring edges (model/relationships.py) upstream (who
sends requests or events to the resource: a Route 53 record, a distribution, an API, a queue's
event source mapping...) and downstream (where it sends them: target groups, functions, queues,
dead-letter queues...), as trees of hops. A hop carries inline the warnings its resource's
findings hold about failure handling, and the ones the flow itself sees (an API Gateway
integration that gives up before the function it calls may finish). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from awsexplorer.model.findings import Finding
from awsexplorer.model.kinds import FUNCTION, INTEGRATION_LINK, LINKS
from awsexplorer.model.relationships import Edge, RelationIndex

# Edges that carry requests or events from their source to their target.
FORWARD = frozenset(
    {
        "alias",
        "origin",
        INTEGRATION_LINK,
        "target-group",
        "target",
        "invokes",
        "subscription",
        "sns-subscription",
        "eventbridge-target",
        "s3-notification",
        "task",
        "delivers-to",
        "dead-letter",
        "on-failure",
        "on-success",
        "alarm-action",
    }
)
# Edges whose target feeds their source (an event source mapping reads its queue or stream).
BACKWARD = frozenset({"source", "reads-from"})
# A finding of one of these checks is a failure-mode warning worth showing on a hop.
_FAILURE_WORDS = ("dead-letter", "dlq", "failure", "error-handling", "timeout", "retry", "redrive")

MAX_DEPTH = 6
MAX_CHILDREN = 25


@dataclass(slots=True)
class Hop:
    """One resource on a path: reached over an edge of `kind` from its parent hop."""

    arn: str
    kind: str  # the edge kind that leads here ("" for the resource itself)
    warnings: list[str] = field(default_factory=list)
    children: list[Hop] = field(default_factory=list)
    cycle: bool = False  # already on this path: not followed again
    more: int = 0  # children not shown (MAX_CHILDREN)


@dataclass(slots=True)
class Flow:
    resource: str
    upstream: list[Hop]  # who sends to it (each hop's children: who sends to that hop)
    downstream: list[Hop]  # where it sends (each hop's children: where that hop sends)

    @property
    def empty(self) -> bool:
        return not self.upstream and not self.downstream


def _senders(index: RelationIndex, arn: str) -> list[tuple[str, str]]:
    """(kind, ARN) of what sends to `arn`."""
    found = [(e.kind, e.source) for e in index.used_by(arn) if e.kind in FORWARD]
    found += [(e.kind, e.target) for e in index.uses(arn) if e.kind in BACKWARD]
    return sorted(set(found))


def _receivers(index: RelationIndex, arn: str) -> list[tuple[str, str]]:
    """(kind, ARN) of what `arn` sends to."""
    found = [(e.kind, e.target) for e in index.uses(arn) if e.kind in FORWARD]
    found += [(e.kind, e.source) for e in index.used_by(arn) if e.kind in BACKWARD]
    return sorted(set(found))


def failure_warnings(findings: Iterable[Finding]) -> list[str]:
    """The messages of findings about failure handling (no DLQ, no on-failure destination)."""
    return [f.message for f in findings if any(word in f.check.lower() for word in _FAILURE_WORDS)]


def _timeout_warning(index: RelationIndex, sender: str, receiver: str, kind: str) -> str | None:
    """An API Gateway integration that gives up before the function it calls may finish."""
    if kind != INTEGRATION_LINK:
        return None
    api, function = index.get(sender), index.get(receiver)
    if api is None or function is None or function.type != FUNCTION:
        return None
    limit = function.attributes.get("timeout")
    for link in api.attributes.get(LINKS) or []:
        if not isinstance(link, Mapping) or link.get("arn") not in (receiver, function.id):
            continue
        waits = link.get("timeout_ms")
        if isinstance(waits, int) and isinstance(limit, int) and waits < limit * 1000:
            return (
                f"the API gives up after {waits / 1000:g} s; the function may run {limit} s "
                "(callers see a 504 while it keeps running)"
            )
    return None


def flow(
    index: RelationIndex,
    arn: str,
    findings_for: Callable[[str], Iterable[Finding]] = lambda arn: (),
    max_depth: int = MAX_DEPTH,
) -> Flow:
    """The paths through `arn`: upstream and downstream trees, cycles cut, depth bounded."""

    def walk(
        at: str,
        step: Callable[[RelationIndex, str], list[tuple[str, str]]],
        path: frozenset[str],
        depth: int,
        downstream: bool,
    ) -> list[Hop]:
        hops: list[Hop] = []
        found = step(index, at)
        for kind, other in found[:MAX_CHILDREN]:
            hop = Hop(other, kind, failure_warnings(findings_for(other)))
            sender, receiver = (at, other) if downstream else (other, at)
            extra = _timeout_warning(index, sender, receiver, kind)
            if extra:
                hop.warnings.append(extra)
            if other in path:
                hop.cycle = True
            elif depth < max_depth:
                hop.children = walk(other, step, path | {other}, depth + 1, downstream)
            hops.append(hop)
        if len(found) > MAX_CHILDREN and hops:
            hops[-1].more = len(found) - MAX_CHILDREN
        return hops

    start = frozenset({arn})
    return Flow(
        resource=arn,
        upstream=walk(arn, _senders, start, 1, downstream=False),
        downstream=walk(arn, _receivers, start, 1, downstream=True),
    )


def lines(result: Flow) -> list[tuple[int, str, Hop]]:
    """The hops in display order with their depth and direction ("up" or "down")."""
    out: list[tuple[int, str, Hop]] = []

    def add(hops: list[Hop], depth: int, direction: str) -> None:
        for hop in hops:
            out.append((depth, direction, hop))
            add(hop.children, depth + 1, direction)

    add(result.upstream, 1, "up")
    add(result.downstream, 1, "down")
    return out


__all__ = ["BACKWARD", "FORWARD", "Edge", "Flow", "Hop", "flow", "lines"]
