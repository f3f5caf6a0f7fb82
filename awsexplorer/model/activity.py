"""When things were used, and what that means: the one place the activity verdicts are made.

A principal is "unused" (the IAM screen says dormant) and an access key is "unused" or "not
rotated" by the rules below, judged against the user's `stale_days` and one moment (the scan's
finish for the checks; the screen's clock for the IAM view, which is that same moment for a
snapshot). The checks (`checks/identity.py`) and the IAM view (`ui/views/iam.py`) both read these
verdicts, so `--stale-days 30` moves the findings and the screen together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from awsexplorer.model import kinds

if TYPE_CHECKING:
    from awsexplorer.model.scan_result import ScanResult

# What the credential report and GetAccessKeyLastUsed write where there is no value.
_NO_VALUE = frozenset({"", "n/a", "no_information", "not_supported", "none"})

SECONDS_PER_DAY = 86400


# -- time ---------------------------------------------------------------------------------------


def parse_time(value: Any) -> datetime | None:
    """A timestamp from the API (datetime) or the report / a snapshot (ISO text) as an aware UTC
    datetime; None for no value or one that is not a time."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        if text.lower() in _NO_VALUE:
            return None
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def days_between(value: Any, now: datetime) -> float | None:
    """Days from a timestamp to `now`; None when absent or unparseable."""
    when = parse_time(value)
    if when is None:
        return None
    return (now - when).total_seconds() / SECONDS_PER_DAY


def scan_time(result: ScanResult) -> datetime:
    """The moment a scan is judged at: its finish (so a snapshot re-read later says the same),
    else its start, else now."""
    return parse_time(result.finished_at) or parse_time(result.started_at) or datetime.now(UTC)


# -- principals ---------------------------------------------------------------------------------


class Use(StrEnum):
    """A user's or role's activity against the staleness window."""

    RECENT = "recent"  # used within the window, or created within it (too new to judge)
    IDLE = "idle"  # last used `stale_days` or more ago
    NEVER = "never"  # created before the window and never used
    UNKNOWN = "unknown"  # its last use could not be read
    NOT_APPLICABLE = "n/a"  # root and groups (never "used" themselves), service-linked roles

    @property
    def unused(self) -> bool:
        """Dormant: the `iam-principal-unused` finding and the IAM screen's yellow rows."""
        return self in (Use.IDLE, Use.NEVER)


@dataclass(frozen=True, slots=True)
class PrincipalUse:
    use: Use
    age_days: float | None  # since it was created
    idle_days: float | None  # since it was last used


def is_service_linked(resource_type: str, attributes: Mapping[str, Any]) -> bool:
    """AWS creates and deletes service-linked roles; their idleness is not the user's to fix."""
    if resource_type != kinds.IAM_ROLE:
        return False
    return str(attributes.get("path") or "").startswith("/aws-service-role/")


def principal_use(
    resource_type: str, attributes: Mapping[str, Any], stale_days: int, now: datetime
) -> PrincipalUse:
    """A user's or role's use against `stale_days` at `now`."""
    if resource_type not in (kinds.USER, kinds.IAM_ROLE) or is_service_linked(
        resource_type, attributes
    ):
        return PrincipalUse(Use.NOT_APPLICABLE, None, None)
    age = days_between(attributes.get("created"), now)
    last = attributes.get("last_used")
    idle = days_between(last, now)
    if age is None or age < stale_days:
        return PrincipalUse(Use.RECENT, age, idle)
    if attributes.get("last_used_known") is False:
        return PrincipalUse(Use.UNKNOWN, age, idle)
    if last is None:
        return PrincipalUse(Use.NEVER, age, None)
    if idle is not None and idle >= stale_days:
        return PrincipalUse(Use.IDLE, age, idle)
    return PrincipalUse(Use.RECENT, age, idle)


# -- access keys --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyUse:
    active: bool
    age_days: float | None  # since it was created; None when not known
    idle_days: float | None  # since it was last used; None when never (or not known)
    use: Use  # RECENT, IDLE, NEVER or UNKNOWN (neither creation nor last use known)
    not_rotated: bool | None  # active and older than `stale_days`; None when its age is unknown

    @property
    def unused(self) -> bool:
        return self.active and self.use.unused


def key_use(key: Mapping[str, Any], stale_days: int, now: datetime) -> KeyUse:
    """An access key ({id, status, created, last_used}) against `stale_days` at `now`."""
    active = str(key.get("status") or "Active").lower() == "active"
    age = days_between(key.get("created"), now)
    idle = days_between(key.get("last_used"), now)
    if idle is not None:
        use = Use.IDLE if idle >= stale_days else Use.RECENT
    elif age is None:
        use = Use.UNKNOWN
    else:
        use = Use.NEVER if age >= stale_days else Use.RECENT
    not_rotated = None if age is None else active and age > stale_days
    return KeyUse(active, age, idle, use, not_rotated)
