"""Long passes over many resources that let a caller's `pause` run between pieces of them (the
UI's workers sleep there while keys are pressed: ui/key_order.py give_way_to_keys)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

_T = TypeVar("_T")


def paced(items: Sequence[_T], pause: Callable[[], None] | None, pace: int) -> Iterator[_T]:
    """`items`, with `pause()` called before every `pace` of them (when given)."""
    if pause is None:
        yield from items
        return
    for start in range(0, len(items), pace):
        pause()
        yield from items[start : start + pace]
