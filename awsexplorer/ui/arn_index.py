"""The explorer state's resources by ARN, in the order they came, in dicts that never grow in
one long step.

A state of 1,000,000 resources is loaded on a worker thread while the UI thread handles keys.
One dict of them all grew past 700,000 entries in one C call (the rehash of every entry) that
held the interpreter 80-150 ms, and a key pressed then waited as long. Here the ARNs are spread
over SHARDS dicts by their hash, each of ~16,000 at 1,000,000 (its growth ~1 ms), and the
resources are kept in one list in their order, which an ARN's dict points into.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator
from itertools import islice, repeat
from operator import and_, attrgetter, setitem
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from awsexplorer.model import Resource

SHARDS = 64
_MASK = SHARDS - 1
_ARN = attrgetter("arn")
# Positions are set in pieces of this many, one C call each: 4-9 ms at 1,000,000 resources
# (their objects spread over 1.8 GB: a cache miss or more per look), 10-37 ms at 20,000.
_PIECE = 5_000


class ArnIndex:
    """Resources by ARN, in the order they were first added, like a dict of them (`get`, `in`,
    `[arn] = r`, `pop`, `values`, `len`): a resource that replaces another takes its place.

    Position 0 of the list is None, and so is a removed resource's place: a position found
    by `dict.get(arn, 0)` is always an index of the list, so `get_many` runs at C speed. A
    Resource is always true (no __bool__ or __len__), so the list is walked without the holes
    by `filter(None, ...)`, at C speed too."""

    __slots__ = ("_holes", "_items", "_shards")

    def __init__(self) -> None:
        self._shards: list[dict[str, int]] = [{} for _ in range(SHARDS)]
        self._items: list[Resource | None] = [None]
        self._holes = 0

    @classmethod
    def of(
        cls, resources: list[Resource], pause: Callable[[], None] | None = None
    ) -> ArnIndex | None:
        """The index of these resources, when no ARN comes twice (None otherwise): their
        positions set a piece at a time, so no call holds the interpreter for long, with
        `pause()` between pieces (when given)."""
        index = cls()
        shards = index._shards
        pick = shards.__getitem__
        index._items += resources
        for start in range(0, len(resources), _PIECE):
            if pause is not None:
                pause()
            arns = list(map(_ARN, resources[start : start + _PIECE]))
            dicts = map(pick, map(and_, map(hash, arns), repeat(_MASK)))
            positions = range(start + 1, start + 1 + len(arns))
            deque(map(setitem, dicts, arns, positions), maxlen=0)
        if sum(map(len, shards)) != len(resources):
            return None
        return index

    def _shard(self, arn: str) -> dict[str, int]:
        return self._shards[hash(arn) & _MASK]

    def get(self, arn: str, default: Resource | None = None) -> Resource | None:
        position = self._shard(arn).get(arn)
        return default if position is None else self._items[position]

    def get_many(self, arns: Iterable[str]) -> Iterator[Resource | None]:
        """The resource of each ARN (None where there is none), at C speed."""
        arns = list(arns)
        dicts = map(self._shards.__getitem__, map(and_, map(hash, arns), repeat(_MASK)))
        return map(self._items.__getitem__, map(dict.get, dicts, arns, repeat(0)))

    def __contains__(self, arn: object) -> bool:
        return isinstance(arn, str) and arn in self._shard(arn)

    def __setitem__(self, arn: str, resource: Resource) -> None:
        shard = self._shard(arn)
        position = shard.get(arn)
        if position is None:
            shard[arn] = len(self._items)
            self._items.append(resource)
        else:
            self._items[position] = resource

    def pop(self, arn: str, default: Resource | None = None) -> Resource | None:
        position = self._shard(arn).pop(arn, None)
        if position is None:
            return default
        resource, self._items[position] = self._items[position], None
        self._holes += 1
        if self._holes > 1024 and self._holes * 2 > len(self._items):
            self._compact()
        return resource

    def _compact(self) -> None:
        """Drop the holes (a new list: a walk of the old one on another thread goes on)."""
        kept = list(filter(None, self._items))
        self._items = [None, *kept]
        self._holes = 0
        for position, resource in enumerate(kept, 1):
            self._shard(resource.arn)[resource.arn] = position

    def __len__(self) -> int:
        return len(self._items) - 1 - self._holes

    def __bool__(self) -> bool:
        return len(self) > 0

    def values(self) -> Resources:
        """Every resource, in order: a view, as a dict's values are."""
        return Resources(self)

    def walk(self) -> Iterator[Resource]:
        items = self._items
        if self._holes:
            return filter(None, islice(items, 1, None))
        return islice(items, 1, None)  # type: ignore[arg-type]


class Resources(Collection["Resource"]):
    """An ArnIndex's resources in order, seen live (as a dict's values view): `list()` of it is
    one C call, so a scan adding resources meanwhile is seen before or after, never half."""

    __slots__ = ("_index",)

    def __init__(self, index: ArnIndex) -> None:
        self._index = index

    def __iter__(self) -> Iterator[Resource]:
        return self._index.walk()

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, resource: object) -> bool:
        arn = getattr(resource, "arn", None)
        return isinstance(arn, str) and self._index.get(arn) is resource
