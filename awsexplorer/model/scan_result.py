"""The outcome of one scan: who, where, what was found and what could not be read."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from awsexplorer.model.findings import CheckResult, Finding
from awsexplorer.model.resource import GLOBAL_REGION, Resource


class RegionStatus(StrEnum):
    PENDING = "pending"  # only while a scan runs; never written to a snapshot
    SCANNING = "scanning"  # likewise
    OK = "ok"
    PARTIAL = "partial"  # some calls failed; what could be read is there
    FAILED = "failed"  # the region refused us as a whole (AuthFailure, OptInRequired, ...)
    NOT_ENABLED = "not-enabled"  # an opt-in region this account has not enabled: not scanned


@dataclass(frozen=True, slots=True)
class CallError:
    """One AWS call that failed, with the error AWS gave."""

    region: str
    service: str
    operation: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {
            "service": self.service,
            "operation": self.operation,
            "code": self.code,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, region: str, data: dict[str, Any]) -> CallError:
        return cls(
            region=region,
            service=str(data["service"]),
            operation=str(data["operation"]),
            code=str(data["code"]),
            message=str(data.get("message", "")),
        )


@dataclass(slots=True)
class RegionScan:
    name: str
    status: RegionStatus
    errors: list[CallError] = field(default_factory=list)
    reason: str | None = None  # why a region is failed or not enabled

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "status": self.status.value,
            "errors": [e.to_dict() for e in self.errors],
        }
        if self.reason is not None:
            data["reason"] = self.reason
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RegionScan:
        name = str(data["name"])
        return cls(
            name=name,
            status=RegionStatus(data["status"]),
            errors=[CallError.from_dict(name, e) for e in data.get("errors") or []],
            reason=data.get("reason"),
        )


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    alias: str | None
    partition: str
    caller_arn: str

    @property
    def root_arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.id}:root"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "alias": self.alias,
            "partition": self.partition,
            "caller_arn": self.caller_arn,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Account:
        return cls(
            id=str(data["id"]),
            alias=data.get("alias"),
            partition=str(data.get("partition") or "aws"),
            caller_arn=str(data.get("caller_arn") or ""),
        )


@dataclass(frozen=True, slots=True)
class CheckSettings:
    """The settings a scan's findings were judged with (the checks' `stale_days`, required tags
    and disabled checks), recorded in the snapshot so that a reader can tell whether the stored
    verdicts are the ones its own settings would give. Plain data: config.Settings is the
    user's side, checks/evaluation.py converts between the two."""

    stale_days: int
    required_tags: tuple[str, ...] = ()
    disabled_checks: tuple[str, ...] = ()  # sorted

    def to_dict(self) -> dict[str, Any]:
        return {
            "stale_days": self.stale_days,
            "required_tags": list(self.required_tags),
            "disabled_checks": sorted(self.disabled_checks),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckSettings:
        return cls(
            stale_days=int(data["stale_days"]),
            required_tags=tuple(str(t) for t in data.get("required_tags") or ()),
            disabled_checks=tuple(sorted(str(c) for c in data.get("disabled_checks") or ())),
        )


@dataclass(slots=True)
class ScanResult:
    account: Account
    started_at: str
    finished_at: str | None
    regions: list[RegionScan]
    resources: list[Resource] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    profile: str | None = None
    # The settings `findings` were judged with; None for a snapshot written before they were
    # recorded (docs/snapshot-format.md, `settings`).
    settings: CheckSettings | None = None

    @property
    def errors(self) -> list[CallError]:
        return [e for r in self.regions for e in r.errors]

    @property
    def complete(self) -> bool:
        """True when every scanned region was read in full."""
        return all(r.status in (RegionStatus.OK, RegionStatus.NOT_ENABLED) for r in self.regions)

    def region(self, name: str) -> RegionScan | None:
        return next((r for r in self.regions if r.name == name), None)

    @property
    def scanned_regions(self) -> list[str]:
        return [
            r.name
            for r in self.regions
            if r.status is not RegionStatus.NOT_ENABLED and r.name != GLOBAL_REGION
        ]
