"""The explorer state's resources by ARN, in the order they came, by way of dicts that never
grow in one long step (model/arn_numbers.py).

A state of 1,000,000 resources is loaded on a worker thread while the UI thread handles keys:
one dict of them all held the interpreter 80-150 ms as it grew. Here the resources are kept in
one list in their order, and an ArnNumbers gives each ARN's position in it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING

from awsexplorer.model.arn_numbers import ArnNumbers

if TYPE_CHECKING:
    from awsexplorer.model import Resource


class ArnIndex:
    """Resources by ARN, in the order they were first added, like a dict of them (`get`, `in`,
    `[arn] = r`, `pop`, `values`, `len`): a resource that replaces another takes its place.

    Position 0 of the list is None, and so is a removed resource's place: a position found
    with 0 for none is always an index of the list, so `get_many` runs at C speed. A
    Resource is always true (no __bool__ or __len__), so the list is walked without the holes
    by `filter(None, ...)`, at C speed too."""

    __slots__ = ("_holes", "_items", "_positions")

    def __init__(self) -> None:
        self._positions = ArnNumbers()
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
        index._items += resources
        index._positions.add_all(resources, 1, pause)
        if len(index._positions) != len(resources):
            return None
        return index

    def get(self, arn: str, default: Resource | None = None) -> Resource | None:
        position = self._positions.get(arn)
        return default if position is None else self._items[position]

    def get_many(self, arns: Iterable[str]) -> Iterator[Resource | None]:
        """The resource of each ARN (None where there is none), at C speed."""
        return map(self._items.__getitem__, self._positions.get_many(list(arns), 0))

    def __contains__(self, arn: object) -> bool:
        return arn in self._positions

    def __setitem__(self, arn: str, resource: Resource) -> None:
        shard = self._positions.shard(arn)
        position = shard.get(arn)
        if position is None:
            shard[arn] = len(self._items)
            self._items.append(resource)
        else:
            self._items[position] = resource

    def pop(self, arn: str, default: Resource | None = None) -> Resource | None:
        position = self._positions.pop(arn)
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
        positions = ArnNumbers()
        positions.add_all(kept, 1)
        # Made first, then both swapped in: the new list and its positions change together.
        self._items, self._positions, self._holes = [None, *kept], positions, 0

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
