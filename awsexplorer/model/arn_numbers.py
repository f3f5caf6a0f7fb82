"""ARN -> a number (a position in a list), in dicts that never grow in one long step.

A big index is built on a worker thread while the UI thread handles keys. One dict of
1,000,000 ARNs grows past 700,000 entries in one C call (a new table and a rehash of every
entry) that held the interpreter 36-150 ms, and a key pressed then waited as long. Here the
ARNs are spread over SHARDS dicts by their hash, each ~16,000 at 1,000,000 (its growth ~1 ms).
Used by the explorer state's resources by ARN and the relationship index's node numbers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, repeat
from operator import and_, attrgetter, setitem
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from awsexplorer.model.resource import Resource

SHARDS = 64
MASK = SHARDS - 1  # an ARN's dict: shards[hash(arn) & MASK]
_ARN = attrgetter("arn")
# Numbers are set in pieces of this many, one C call each: 4-9 ms at 1,000,000 resources
# (their objects spread over 1.8 GB: a cache miss or more per look), 10-37 ms at 20,000.
PIECE = 5_000


class ArnNumbers:
    """Like a dict of ARN -> int (`get`, `[arn]`, `[arn] = n`, `pop`, `in`, `len`), spread
    over SHARDS dicts. Iteration order is not kept: the lists the numbers point into keep it."""

    __slots__ = ("_shards",)

    def __init__(self) -> None:
        self._shards: list[dict[str, int]] = [{} for _ in range(SHARDS)]

    def add_all(
        self,
        resources: Sequence[Resource],
        first: int = 0,
        pause: Callable[[], None] | None = None,
    ) -> None:
        """The ARN of `resources[i]` -> `first + i`, at C speed a PIECE at a time, `pause()`
        before each piece (when given). An ARN given twice keeps its last number."""
        pick = self._shards.__getitem__
        for start in range(0, len(resources), PIECE):
            if pause is not None:
                pause()
            piece = list(map(_ARN, resources[start : start + PIECE]))
            dicts = map(pick, map(and_, map(hash, piece), repeat(MASK)))
            numbers = range(first + start, first + start + len(piece))
            deque(map(setitem, dicts, piece, numbers), maxlen=0)

    def shard(self, arn: str) -> dict[str, int]:
        """The dict that holds `arn`."""
        return self._shards[hash(arn) & MASK]

    @property
    def shards(self) -> list[dict[str, int]]:
        """The dicts, for a hot loop that looks ARNs up itself (`shards[hash(arn) & MASK]`):
        with a method call per look the relationship index's build took 6 % longer."""
        return self._shards

    def get(self, arn: str, default: int | None = None) -> int | None:
        return self._shards[hash(arn) & MASK].get(arn, default)

    def get_many(self, arns: list[str], default: int) -> Iterator[int]:
        """The number of each ARN (`default` where there is none), at C speed."""
        dicts = map(self._shards.__getitem__, map(and_, map(hash, arns), repeat(MASK)))
        return map(dict.get, dicts, arns, repeat(default))

    def __getitem__(self, arn: str) -> int:
        return self._shards[hash(arn) & MASK][arn]

    def __setitem__(self, arn: str, number: int) -> None:
        self._shards[hash(arn) & MASK][arn] = number

    def pop(self, arn: str, default: int | None = None) -> int | None:
        return self._shards[hash(arn) & MASK].pop(arn, default)

    def __contains__(self, arn: object) -> bool:
        return isinstance(arn, str) and arn in self._shards[hash(arn) & MASK]

    def __len__(self) -> int:
        return sum(map(len, self._shards))

    def numbers(self) -> Iterable[int]:
        """Every number held, in no particular order."""
        return chain.from_iterable(shard.values() for shard in self._shards)
