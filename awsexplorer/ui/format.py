"""Formatting shared by every view: relative times, severity styles, short labels."""

from __future__ import annotations

from datetime import UTC, datetime

from awsexplorer.model import RegionStatus, Severity

SEVERITY_STYLE: dict[Severity, str] = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}

# One-character markers that survive NO_COLOR and 80 columns.
SEVERITY_MARK: dict[Severity, str] = {
    Severity.CRITICAL: "!!",
    Severity.HIGH: "!",
    Severity.MEDIUM: "▲",
    Severity.LOW: "·",
    Severity.INFO: "i",
}

REGION_STATUS_STYLE: dict[RegionStatus, str] = {
    RegionStatus.PENDING: "dim",
    RegionStatus.SCANNING: "yellow",
    RegionStatus.OK: "green",
    RegionStatus.PARTIAL: "bold yellow",
    RegionStatus.FAILED: "bold red",
    RegionStatus.NOT_ENABLED: "dim",
}


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


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
