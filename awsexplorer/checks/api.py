"""What a check is written with: the context it reads and the outcomes it yields.

A check takes a CheckContext (the scanned resources, the account, the settings, the scan time)
and yields `Flag`s (a finding on one resource) and `Unknown`s (a resource whose deciding fact
could not be read). It may raise `NotEvaluated` when its whole input is missing. It never does
I/O. The catalogue (registry.py) holds the checks; evaluation.py runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from operator import attrgetter

from awsexplorer.config import Settings
from awsexplorer.model import (
    GLOBAL_REGION,
    CallError,
    RegionStatus,
    Resource,
    ScanResult,
    Severity,
)
from awsexplorer.model.activity import days_between
from awsexplorer.model.calls import Call
from awsexplorer.model.exposure import Exposure, exposure_of
from awsexplorer.model.findings import Scope
from awsexplorer.model.inventory import Inventory

# Services whose calls are made once for the account, not per region: a region that refused
# us does not make their data unreadable.
GLOBAL_SERVICES = frozenset({"iam", "budgets", "s3", "s3control", "sts", "organizations"})


@dataclass(frozen=True, slots=True)
class Flag:
    """A check failed on this resource, with the exact fact."""

    resource: str  # ARN
    region: str
    message: str
    scope: Scope = Scope.RESOURCE  # ACCOUNT: about the whole account (ctx.account_flag)
    # This finding's severity when it differs from the check's (a NAT gateway in use is a low
    # cost note, an idle one the check's own severity); None: the check's.
    severity: Severity | None = None


@dataclass(frozen=True, slots=True)
class Unknown:
    """A resource the check could not judge: its deciding attribute was not read."""

    resource: str  # ARN
    reason: str


Outcome = Flag | Unknown


class NotEvaluated(Exception):
    """Raised by a check whose whole input is missing; the message is the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def flag(resource: Resource, message: str, severity: Severity | None = None) -> Flag:
    return Flag(resource.arn, resource.region, message, severity=severity)


def unknown(resource: Resource, reason: str) -> Unknown:
    return Unknown(resource.arn, f"{resource.id}: {reason}")


def label(resource: Resource) -> str:
    """How a message names a resource: its id, with its Name when that says more."""
    if resource.name and resource.name != resource.id:
        return f"{resource.id} ({resource.name})"
    return resource.id


_PLACE_ORDER = attrgetter("region", "type", "id")


class CheckContext:
    """What a check may read. Built once per evaluation; checks must not modify it."""

    def __init__(
        self,
        result: ScanResult,
        settings: Settings,
        now: datetime,
        exposure: Exposure | None = None,
    ) -> None:
        self.result = result
        # Several accounts: every account's context reads the one exposure of the whole scan
        # (computed once, and the one the UI shows), not one of its own resources each.
        self._exposure = exposure
        self.account = result.account
        self.inventory = Inventory(result.resources)
        self._of_type: dict[tuple[str, ...], list[Resource]] = {}
        self.settings = settings
        self.now = now
        self.scanned_regions = frozenset(result.scanned_regions)
        self.failed_regions = {
            r.name: r.reason or "the region refused the scan"
            for r in result.regions
            if r.status is RegionStatus.FAILED
        }

    @cached_property
    def exposure(self) -> Exposure:
        """What the internet can reach (model/exposure.py): the one result the UI and the
        `exposure` command show too (`exposure_of` computes it once per set of resources;
        looked up once per context: the look-up itself reads every resource)."""
        if self._exposure is not None:
            return self._exposure
        return exposure_of(self.result.resources)

    def of_type(self, *types: str) -> list[Resource]:
        """These types' resources, by region, type and id: a new list (checks may keep it),
        sorted once per set of types (a dozen checks read the instances, each sorting them by
        a key made in Python per resource)."""
        ordered = self._of_type.get(types)
        if ordered is None:
            found = [r for t in types for r in self.inventory.of_type(t)]
            ordered = self._of_type[types] = sorted(found, key=_PLACE_ORDER)
        return list(ordered)

    def account_flag(self, message: str) -> Flag:
        """A finding about the whole account: filed under the root ARN, scope ACCOUNT."""
        return Flag(self.account.root_arn, GLOBAL_REGION, message, Scope.ACCOUNT)

    def root_flag(self, message: str) -> Flag:
        """A finding about the root user itself (its MFA, its keys): on the root ARN."""
        return Flag(self.account.root_arn, GLOBAL_REGION, message)

    def errors(self, call: Call, region: str | None = None) -> list[CallError]:
        """The recorded failures of one call: errors carry the botocore client name and the API
        operation name, as a Call does."""
        return [
            e
            for e in self.result.errors
            if e.service == call.client
            and e.operation == call.operation
            and (region is None or e.region == region)
        ]

    def unreadable(self, inputs: Iterable[Call], region: str | None = None) -> list[str]:
        """Why these inputs could not be read (optionally in one region): one line per cause."""
        reasons: list[str] = []
        for call in inputs:
            for e in self.errors(call, region):
                reasons.append(f"{call} failed in {e.region} ({e.code})")
            if call.client in GLOBAL_SERVICES:
                continue
            for name, why in sorted(self.failed_regions.items()):
                if region is None or name == region:
                    reasons.append(f"{name} could not be scanned ({why})")
        return sorted(dict.fromkeys(reasons))

    def days_since(self, timestamp: str | None) -> float | None:
        """Days from an ISO-8601 timestamp to the scan time; None when absent or unparseable."""
        return days_between(timestamp, self.now)


CheckFunc = Callable[[CheckContext], Iterable[Outcome]]
