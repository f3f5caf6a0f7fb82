"""The critical path of a scan: per region, the costliest chain of calls waiting on each other.

A scan is traced in-process (scan_bench.py's `trace_scan`): every call a client sends becomes a
`TracedCall` naming the calls it waited for (its parents). Waiting is read from the asyncio
task structure, which is how the scanner expresses it: a call waits for every call sent before
it in the same task (a list before its describe, a page before the next page, the credential
report's generate before its poll), and a task started by `gather` inherits the calls its
starter had waited for. A deliberate pause (the credential report's back-off) is a node too,
costing its own seconds wherever it happens.

The pure part is here, with no I/O: `chains_by_region` walks that graph and, for each region,
returns the chain of calls that ends in the region and costs the most, each call costing the
round trip of the region it went to. The largest is the critical-path limit: no concurrency
finishes the scan sooner.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

WAIT = "(wait)"  # the region of a deliberate pause


@dataclass(frozen=True, slots=True)
class TracedCall:
    id: int
    parents: tuple[int, ...]  # the calls (or pauses) this one waited for
    region: str  # the region the request was signed for; WAIT for a pause
    service: str = ""
    operation: str = ""
    caller: str = ""  # the collector (or "runner") that made it
    seconds: float = 0.0  # a pause's length (calls cost their region's round trip instead)

    @property
    def label(self) -> str:
        if self.region == WAIT:
            return f"wait {self.seconds:.2f} s"
        return f"{self.service}:{self.operation}@{self.region}"


@dataclass(frozen=True, slots=True)
class Chain:
    region: str
    calls: tuple[TracedCall, ...]  # first call first
    seconds: float

    @property
    def depth(self) -> int:
        """Round trips on the chain (pauses not counted)."""
        return sum(1 for c in self.calls if c.region != WAIT)

    def describe(self) -> str:
        return " -> ".join(c.label for c in self.calls)


def chains_by_region(
    calls: Iterable[TracedCall], latency: Callable[[str], float]
) -> dict[str, Chain]:
    """For each region, the chain of dependent calls ending in a call to that region that takes
    the longest when each call costs `latency(region)` seconds and each pause its own length.

    Calls are given in the order they were sent, so every parent comes before its children
    (a parent that is missing, e.g. not traced, is ignored). Ties go to the chain seen first.
    """
    best: dict[int, tuple[float, TracedCall, int | None]] = {}  # id -> (cost, call, via)
    by_region: dict[str, int] = {}
    for call in calls:
        own = call.seconds if call.region == WAIT else latency(call.region)
        via: int | None = None
        before = 0.0
        for parent in call.parents:
            if parent in best and (via is None or best[parent][0] > before):
                via, before = parent, best[parent][0]
        cost = before + own
        best[call.id] = (cost, call, via)
        if call.region != WAIT:
            current = by_region.get(call.region)
            if current is None or cost > best[current][0]:
                by_region[call.region] = call.id
    chains: dict[str, Chain] = {}
    for region, last in by_region.items():
        path: list[TracedCall] = []
        node: int | None = last
        while node is not None:
            _, call, node = best[node]
            path.append(call)
        chains[region] = Chain(region, tuple(reversed(path)), best[last][0])
    return chains


def critical(chains: dict[str, Chain]) -> Chain | None:
    """The chain that takes longest of all: the critical-path limit."""
    return max(chains.values(), key=lambda c: c.seconds, default=None)


@dataclass(frozen=True, slots=True)
class Queue:
    """The calls of one service in one region, which the scan sends at most `bound` at a time
    (ScanConfig.per_service_region): however they depend on each other, they take at least
    ceil(calls / bound) round trips of that region."""

    service: str
    region: str
    calls: int
    seconds: float


def busiest(
    traced: Iterable[TracedCall], latency_of: Callable[[str], float], bound: int
) -> Queue | None:
    """The (service, region) whose calls, `bound` in flight at a time, take longest: a limit
    the critical path does not show (it counts waiting, not queueing)."""
    counts: dict[tuple[str, str], int] = {}
    for call in traced:
        if call.region != WAIT:
            key = (call.service, call.region)
            counts[key] = counts.get(key, 0) + 1
    queues = [
        Queue(service, region, n, -(-n // bound) * latency_of(region))
        for (service, region), n in counts.items()
    ]
    return max(queues, key=lambda q: (q.seconds, q.calls), default=None)


def flat(seconds: float) -> Callable[[str], float]:
    return lambda _region: seconds


def from_matrix(matrix: dict[str, float], default: float) -> Callable[[str], float]:
    return lambda region: matrix.get(region, default)


def table(chains: dict[str, Chain], order: Sequence[str] | None = None) -> list[str]:
    """One line per region, costliest first: seconds, round trips, the chain."""
    regions = list(order) if order is not None else list(chains)
    ranked = sorted((chains[r] for r in regions if r in chains), key=lambda c: -c.seconds)
    return [
        f"  {c.region:<16}{c.seconds:6.2f} s {c.depth:3d} calls  {c.describe()}" for c in ranked
    ]
