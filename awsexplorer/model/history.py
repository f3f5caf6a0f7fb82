"""CloudTrail history, pure: what to look up for a resource, and LookupEvents items as rows.

The scanner's side (scan/history.py) sends `cloudtrail:LookupEvents` and hands each item of a
response's `Events` to `parse_event`; everything a person sees of an event is decided here:
who did it (from `userIdentity`), with what (console, CLI, SDK, an AWS service), whether it
only read, and the JSON contract of `awsexplorer history --format json` (`HistoryEvent.to_dict`,
documented in docs/history.md).

Every string here comes from CloudTrail, so from whoever called AWS: a user agent, a session name
or a resource name is hostile. This module keeps them as data; presenters make them inert.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from awsexplorer.model import kinds
from awsexplorer.model.resource import GLOBAL_REGION

# CloudTrail's event history keeps 90 days.
LOOKBACK_DAYS = 90
MAX_HOURS = LOOKBACK_DAYS * 24
# `:changes` without an argument.
DEFAULT_CHANGES_HOURS = 24

# Global services record their events in us-east-1 (IAM, STS's global endpoint, Route 53,
# CloudFront, Organizations, WAF classic, Global Accelerator, Shield): their history is asked
# there, whatever region the scan attributes the resource to.
GLOBAL_SERVICE_REGION = "us-east-1"
GLOBAL_SERVICES = frozenset(
    {
        "iam",
        "sts",
        "route53",
        "route53domains",
        "cloudfront",
        "organizations",
        "waf",
        "globalaccelerator",
        "shield",
    }
)

# Which ResourceName values a resource is looked up by (LookupEvents takes one per call).
#
# CloudTrail names most resources by the identifier their API uses, which is our Resource.id:
# instance, volume, security group, subnet, VPC, gateway, interface and address ids; bucket,
# function, table, queue, trail, alarm, database, user, role and group names.
# It names these by ARN (in `resources` of the event), so they are looked up by ARN as well:
ARN_RECORDED_SERVICES = frozenset(
    {"elasticloadbalancing", "sns", "iam", "lambda", "kms", "sqs", "dynamodb", "rds"}
)
# A Name tag is never recorded by CloudTrail: it is never looked up (it would also match other
# resources that happen to carry the same name).
#
# Account-wide settings our scan shows as resources have no name CloudTrail would record:
NO_RESOURCE_NAME = frozenset(
    {kinds.EBS_DEFAULTS, kinds.ACCOUNT_PUBLIC_ACCESS_BLOCK, kinds.ROOT, kinds.BUDGET}
)

# When CloudTrail's own readOnly flag is missing (rare, some console events), the operation's
# name decides, as the read-only guard's does.
_READ_PREFIXES = ("Describe", "List", "Get", "Lookup", "Search", "BatchGet", "Head")

AGENT_KINDS = ("console", "cli", "sdk", "service", "other")


@dataclass(frozen=True, slots=True)
class HistoryTarget:
    """Where and by what to ask CloudTrail about one resource."""

    region: str  # the region whose CloudTrail is asked
    names: tuple[str, ...]  # ResourceName values, each looked up on its own
    label: str  # what the person asked about, for titles and messages
    reason: str = ""  # why nothing can be looked up (names empty)


def history_region(region: str, service: str = "") -> str:
    """The region to ask about a resource of `service` that the scan put in `region`."""
    if region in ("", GLOBAL_REGION) or service in GLOBAL_SERVICES:
        return GLOBAL_SERVICE_REGION
    return region


def target_for(resource_type: str, resource_id: str, arn: str, region: str) -> HistoryTarget:
    """The lookups for a scanned resource: its id, and its ARN where CloudTrail records ARNs."""
    service = resource_type.split(":", 1)[0]
    label = f"{resource_type} {resource_id}"
    where = history_region(region, service)
    if resource_type in NO_RESOURCE_NAME:
        return HistoryTarget(
            where,
            (),
            label,
            "CloudTrail names no resource for this account-wide setting; "
            ":changes lists every change in a region",
        )
    names = [resource_id]
    if arn and service in ARN_RECORDED_SERVICES:
        names.append(arn)
    return HistoryTarget(where, tuple(dict.fromkeys(n for n in names if n)), label)


def target_for_ref(ref: str, region: str | None) -> HistoryTarget:
    """The lookups for what a person typed (`awsexplorer history REF`): an ARN is asked in its
    own region (a global service's in us-east-1) by itself and by its resource id; anything
    else is a ResourceName, asked in `region`."""
    ref = ref.strip()
    parts = ref.split(":", 5)
    if ref.startswith("arn:") and len(parts) == 6:
        service, arn_region, resource = parts[2], parts[3], parts[5]
        tail = resource.rsplit("/", 1)[-1] if "/" in resource else resource.rsplit(":", 1)[-1]
        where = region or history_region(arn_region, service)
        if service in GLOBAL_SERVICES:
            where = GLOBAL_SERVICE_REGION
        names = tuple(dict.fromkeys(n for n in (tail, ref) if n))
        return HistoryTarget(where, names, ref)
    return HistoryTarget(region or GLOBAL_SERVICE_REGION, (ref,) if ref else (), ref)


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One CloudTrail event as a row."""

    time: datetime  # aware, UTC
    event_name: str
    event_source: str
    user: str  # `alice`, `role/Admin (session bob)`, `root`, `service ec2.amazonaws.com`
    source_ip: str
    user_agent: str  # as recorded
    agent_kind: str  # one of AGENT_KINDS
    error_code: str | None
    read_only: bool
    event_id: str
    region: str
    resources: tuple[tuple[str, str], ...] = ()  # (type, name) as CloudTrail lists them
    # The whole CloudTrailEvent document (parsed), for the event's detail.
    detail: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `awsexplorer history --format json` (docs/history.md)."""
        return {
            "time": iso(self.time),
            "event_name": self.event_name,
            "event_source": self.event_source,
            "user": self.user,
            "source_ip": self.source_ip,
            "user_agent": self.user_agent,
            "error_code": self.error_code,
            "read_only": self.read_only,
            "event_id": self.event_id,
            "region": self.region,
            "resources": [{"type": t, "name": n} for t, n in self.resources],
        }

    def document(self) -> dict[str, Any]:
        """What Enter shows: the CloudTrailEvent document, or the row when there was none."""
        return self.detail or self.to_dict()

    def touches(self) -> list[str]:
        """The names of the resources this event lists."""
        return [name for _, name in self.resources if name]


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _time(value: Any) -> datetime:
    """EventTime as botocore parses it (datetime), or as epoch seconds or ISO text."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    text = _text(value).strip()
    if text:
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except ValueError:
            pass
    return datetime.fromtimestamp(0, UTC)


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower()
    if text in ("true", "false"):
        return text == "true"
    return None


def who(identity: Any, username: str = "") -> str:
    """The person or thing behind an event, from its `userIdentity`: a user's name, a role with
    its session name, the root user, an AWS service; else CloudTrail's Username."""
    if not isinstance(identity, dict):
        return username or "?"
    kind = _text(identity.get("type"))
    arn = _text(identity.get("arn"))
    context = identity.get("sessionContext")
    issuer = context.get("sessionIssuer") if isinstance(context, dict) else None
    issuer = issuer if isinstance(issuer, dict) else {}
    if kind == "Root":
        return "root"
    if kind == "IAMUser":
        return _text(identity.get("userName")) or arn.rsplit("/", 1)[-1] or username or "?"
    if kind == "AssumedRole":
        role = _text(issuer.get("userName")) or (arn.split("/")[1] if arn.count("/") >= 2 else "")
        session = arn.rsplit("/", 1)[-1] if arn.count("/") >= 2 else ""
        text = f"role/{role}" if role else "role"
        return f"{text} (session {session})" if session else text
    if kind == "AWSService":
        return f"service {_text(identity.get('invokedBy')) or '?'}"
    if kind == "FederatedUser":
        name = _text(issuer.get("userName")) or arn.rsplit("/", 1)[-1]
        return f"federated {name}" if name else "federated"
    if kind == "AWSAccount":
        return f"account {_text(identity.get('accountId')) or '?'}"
    if kind in ("IdentityCenterUser", "SAMLUser", "WebIdentityUser"):
        return _text(identity.get("userName")) or username or kind
    return username or _text(identity.get("principalId")) or kind or "?"


def agent_kind(user_agent: str, identity: Any = None, source_ip: str = "") -> str:
    """console, cli, sdk, service or other: what made the call."""
    ua = user_agent.strip()
    low = ua.lower()
    kind = _text(identity.get("type")) if isinstance(identity, dict) else ""
    context = identity.get("sessionContext") if isinstance(identity, dict) else None
    from_console = (
        _flag(context.get("attributes", {}).get("sessionCredentialFromConsole"))
        if isinstance(context, dict) and isinstance(context.get("attributes"), dict)
        else None
    )
    if kind == "AWSService" or (low.endswith(".amazonaws.com") and "console" not in low):
        return "service"
    if low.startswith("aws internal") or source_ip.lower().endswith(".amazonaws.com"):
        return "service"
    if "console.amazonaws.com" in low or "signin.amazonaws.com" in low or from_console:
        return "console"
    if low.startswith("mozilla/"):
        return "console"
    if "aws-cli/" in low or low.startswith("aws-shell") or "awscli" in low:
        return "cli"
    sdk_marks = ("boto3/", "botocore/", "aws-sdk", "terraform/", "pulumi", "aws-cdk", "aiobotocore")
    if any(mark in low for mark in sdk_marks) or low.startswith(("aws-internal/", "apn/")):
        return "sdk"
    return "other"


def parse_event(item: dict[str, Any], region: str = "") -> HistoryEvent:
    """One item of a LookupEvents response's `Events` as a row. Never raises on odd input: a
    CloudTrailEvent that is not JSON leaves the fields CloudTrail's envelope holds."""
    raw = item.get("CloudTrailEvent")
    detail: dict[str, Any] = {}
    if isinstance(raw, str):
        try:
            loaded = json.loads(raw)
        except ValueError:
            loaded = None
        detail = loaded if isinstance(loaded, dict) else {}
    elif isinstance(raw, dict):
        detail = raw
    identity = detail.get("userIdentity")
    user_agent = _text(detail.get("userAgent"))
    source_ip = _text(detail.get("sourceIPAddress"))
    name = _text(item.get("EventName") or detail.get("eventName"))
    read_only = _flag(detail.get("readOnly"))
    if read_only is None:
        read_only = _flag(item.get("ReadOnly"))
    if read_only is None:
        read_only = name.startswith(_READ_PREFIXES)
    resources = []
    for entry in item.get("Resources") or []:
        if isinstance(entry, dict):
            resources.append((_text(entry.get("ResourceType")), _text(entry.get("ResourceName"))))
    error = detail.get("errorCode")
    return HistoryEvent(
        time=_time(item.get("EventTime") or detail.get("eventTime")),
        event_name=name,
        event_source=_text(item.get("EventSource") or detail.get("eventSource")),
        user=who(identity, _text(item.get("Username"))),
        source_ip=source_ip,
        user_agent=user_agent,
        agent_kind=agent_kind(user_agent, identity, source_ip),
        error_code=_text(error) if error else None,
        read_only=read_only,
        event_id=_text(item.get("EventId") or detail.get("eventID")),
        region=_text(detail.get("awsRegion")) or region,
        resources=tuple(resources),
        detail=detail,
    )


def shown(events: Iterable[HistoryEvent], include_reads: bool) -> list[HistoryEvent]:
    """Newest first, each event once, reads left out unless asked for."""
    seen: set[str] = set()
    kept: list[HistoryEvent] = []
    for event in sorted(events, key=lambda e: e.time, reverse=True):
        key = event.event_id or f"{iso(event.time)} {event.event_name}"
        if key in seen or (event.read_only and not include_reads):
            continue
        seen.add(key)
        kept.append(event)
    return kept


def window(hours: float, now: datetime) -> tuple[datetime, datetime]:
    """(start, end) of the last `hours`, never further back than CloudTrail keeps."""
    hours = min(max(hours, 0.0), float(MAX_HOURS))
    return now - timedelta(hours=hours), now


# `t` on a resource marked against a baseline asks from this long before the old scan finished:
# a scan reads each resource some time before it finishes, so a change made while the old scan
# was still running (after it read the resource) shows in the diff but happened just before the
# old scan's finish. Five minutes covers a scan of that length; a longer scan's earliest changes
# can still be missed, which the title does not hide (it names the scans' finishing times).
BETWEEN_SCANS_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """An explicit [start, end] to ask CloudTrail about, and how to say it to a person."""

    start: datetime  # aware, UTC: StartTime
    end: datetime  # aware, UTC: EndTime
    label: str  # "between the two scans (2024-05-01 10:00 → 2024-05-03 09:12 UTC)"


def _moment(value: datetime | str | None) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = (value or "").strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _minute(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M}"


def between_scans(
    old_finished_at: datetime | str | None,
    new_finished_at: datetime | str | None,
    now: datetime,
    margin: timedelta = BETWEEN_SCANS_MARGIN,
) -> TimeWindow | None:
    """The window between a baseline's scan and this one: from `margin` before the earlier
    finish to the later finish (a baseline newer than the scan is the same window, reversed).

    None when either scan has no finishing time (the caller then asks the usual last 90 days).
    The start is never further back than CloudTrail keeps (`now` - 90 days); when even the
    later scan finished before that, there is nothing to ask: ValueError, for a person."""
    old, new = _moment(old_finished_at), _moment(new_finished_at)
    if old is None or new is None:
        return None
    earlier, later = min(old, new), max(old, new)
    oldest = now - timedelta(days=LOOKBACK_DAYS)
    if later <= oldest:
        raise ValueError(
            f"both scans finished more than {LOOKBACK_DAYS} days ago "
            f"({_minute(earlier)} → {_minute(later)} UTC) and CloudTrail keeps {LOOKBACK_DAYS} "
            "days of history"
        )
    start = max(earlier - margin, oldest)
    label = f"between the two scans ({_minute(old)} → {_minute(new)} UTC)"
    return TimeWindow(start.astimezone(UTC), later.astimezone(UTC), label)


def age(moment: datetime, reference: datetime) -> str:
    """How long before `reference`: 45s, 12m, 5h, 3d (after it: +12m)."""
    seconds = int((reference - moment).total_seconds())
    sign = "+" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < 60:
        text = f"{seconds}s"
    elif seconds < 3600:
        text = f"{seconds // 60}m"
    elif seconds < 86400 * 2:
        text = f"{seconds // 3600}h"
    else:
        text = f"{seconds // 86400}d"
    return sign + text


def parse_hours(text: str, default: float = DEFAULT_CHANGES_HOURS) -> float:
    """`:changes 48` / `--hours 48`: a number of hours within CloudTrail's 90 days."""
    text = text.strip().lower().removesuffix("h")
    if not text:
        return float(default)
    try:
        hours = float(text)
    except ValueError:
        raise ValueError(f"not a number of hours: {text!r}") from None
    if not 0 < hours <= MAX_HOURS:
        raise ValueError(f"{hours:g} hours: give more than 0 and at most {MAX_HOURS} (90 days)")
    return hours


def linked(event: HistoryEvent, by_name: dict[str, str]) -> str | None:
    """The ARN of the first resource this event touched that the scan holds (`by_name`: id, name
    or ARN -> ARN), else None."""
    for name in event.touches():
        arn = by_name.get(name)
        if arn:
            return arn
    return None
