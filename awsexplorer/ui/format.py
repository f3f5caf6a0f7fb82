"""Formatting shared by every view: relative times, severity styles, short labels."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import TypeVar

from awsexplorer.model import RegionStatus, Severity

K = TypeVar("K")

# NO_COLOR: Textual turns every colour into a grey of the same luminance, so red on black becomes
# dark grey on black, unreadable. Under NO_COLOR we style by weight instead (bold, reverse,
# underline). Textual removes NO_COLOR from the environment when the app starts, so the app
# calls set_monochrome() with what it saw; the default is read at import.
_monochrome = "NO_COLOR" in os.environ


def set_monochrome(on: bool) -> None:
    global _monochrome
    _monochrome = on


def monochrome() -> bool:
    return _monochrome


def tone(colour: str, weight: str = "") -> str:
    """`colour` normally, `weight` (bold, reverse, underline or plain) under NO_COLOR."""
    return weight if _monochrome else colour


class ToneMap(Mapping[K, str]):
    """A style per key that follows NO_COLOR at lookup time (see tone)."""

    def __init__(self, colour: dict[K, str], weight: dict[K, str]) -> None:
        self._colour = colour
        self._weight = weight

    def __getitem__(self, key: K) -> str:
        return (self._weight if _monochrome else self._colour)[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._colour)

    def __len__(self) -> int:
        return len(self._colour)


SEVERITY_STYLE: Mapping[Severity, str] = ToneMap(
    {
        Severity.CRITICAL: "bold white on red",
        Severity.HIGH: "bold red",
        Severity.MEDIUM: "yellow",
        Severity.LOW: "cyan",
        Severity.INFO: "dim",
    },
    {
        Severity.CRITICAL: "bold reverse",
        Severity.HIGH: "bold",
        Severity.MEDIUM: "underline",
        Severity.LOW: "",
        Severity.INFO: "",
    },
)

# One-character markers that survive NO_COLOR and 80 columns.
SEVERITY_MARK: dict[Severity, str] = {
    Severity.CRITICAL: "!!",
    Severity.HIGH: "!",
    Severity.MEDIUM: "▲",
    Severity.LOW: "·",
    Severity.INFO: "i",
}

REGION_STATUS_STYLE: Mapping[RegionStatus, str] = ToneMap(
    {
        RegionStatus.PENDING: "dim",
        RegionStatus.SCANNING: "yellow",
        RegionStatus.OK: "green",
        RegionStatus.PARTIAL: "bold yellow",
        RegionStatus.FAILED: "bold red",
        RegionStatus.NOT_ENABLED: "dim",
    },
    {
        RegionStatus.PENDING: "",
        RegionStatus.SCANNING: "",
        RegionStatus.OK: "",
        RegionStatus.PARTIAL: "underline",
        RegionStatus.FAILED: "bold",
        RegionStatus.NOT_ENABLED: "",
    },
)


def parse_time(value: str | None) -> datetime | None:
    """model.activity.parse_time, imported when first needed (not for the first frame)."""
    from awsexplorer.model.activity import parse_time

    return parse_time(value)


def relative_time(value: str | None, now: datetime | None = None) -> str:
    """'3 days ago', 'never' (None), 'just now'. `now` is injectable for deterministic tests."""
    moment = parse_time(value)
    if moment is None:
        return "never"
    now = now or datetime.now(UTC)
    seconds = int((now - moment).total_seconds())
    if seconds < 0:
        return "in the future"
    for unit, size in (("year", 365 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"
