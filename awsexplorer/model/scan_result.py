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
    account_id: str | None = None  # set when the scan holds several accounts

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
        data: dict[str, Any] = {
            "id": self.id,
            "alias": self.alias,
            "partition": self.partition,
            "caller_arn": self.caller_arn,
        }
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Account:
        return cls(
            id=str(data["id"]),
            alias=data.get("alias"),
            partition=str(data.get("partition") or "aws"),
            caller_arn=str(data.get("caller_arn") or ""),
        )


class AccountStatus(StrEnum):
    """How completely one account was read (the snapshot's words)."""

    OK = "ok"  # every scanned region was read in full
    PARTIAL = "partial"  # some calls or regions failed; what could be read is there
    FAILED = "failed"  # nothing could be read: no credentials, a role that cannot be assumed


@dataclass(slots=True)
class AccountScan:
    """One account of a scan: who it is, where it sits in the Organization, how it went.

    `name` and `ou_path` come from AWS Organizations (None when the scan did not list it);
    `reason` says why a failed or partial account is so, with the fix (one line)."""

    id: str
    alias: str | None = None
    name: str | None = None
    ou_path: str | None = None
    status: AccountStatus = AccountStatus.OK
    reason: str | None = None
    regions: list[RegionScan] = field(default_factory=list)
    partition: str = "aws"
    caller_arn: str = ""
    profile: str | None = None
    # Whether each check could be evaluated in this account (kept when the scan holds several
    # accounts; the result's own `checks` merge them).
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def label(self) -> str:
        """What a person calls it: the alias, else the Organization's name, else the id."""
        return self.alias or self.name or self.id

    @property
    def account(self) -> Account:
        return Account(self.id, self.alias, self.partition, self.caller_arn)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "alias": self.alias,
            "name": self.name,
            "ou_path": self.ou_path,
            "status": self.status.value,
            "reason": self.reason,
            "partition": self.partition,
            "caller_arn": self.caller_arn,
            "profile": self.profile,
            "regions": [
                r.to_dict()
                for r in sorted(self.regions, key=lambda r: r.name)
                if r.status not in (RegionStatus.PENDING, RegionStatus.SCANNING)
            ],
        }
        if self.checks:
            data["checks"] = [c.to_dict() for c in sorted(self.checks, key=lambda c: c.id)]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AccountScan:
        return cls(
            id=str(data["id"]),
            alias=data.get("alias"),
            name=data.get("name"),
            ou_path=data.get("ou_path"),
            status=AccountStatus(data.get("status") or "ok"),
            reason=data.get("reason"),
            regions=[RegionScan.from_dict(r) for r in data.get("regions") or []],
            partition=str(data.get("partition") or "aws"),
            caller_arn=str(data.get("caller_arn") or ""),
            profile=data.get("profile"),
            checks=[CheckResult.from_dict(c) for c in data.get("checks") or []],
        )


def account_status(regions: list[RegionScan]) -> AccountStatus:
    """ok when every scanned region was read in full, else partial (failed is set by whoever
    could not reach the account at all)."""
    if all(r.status in (RegionStatus.OK, RegionStatus.NOT_ENABLED) for r in regions):
        return AccountStatus.OK
    return AccountStatus.PARTIAL


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
    # Every account of the scan (snapshot version 2). Empty for a result built from one account
    # (a scan in progress, a test): `account_scans()` then derives the one from `account` and
    # `regions`. With several, `account` is the first and `regions` the merged view of all
    # (model/accounts.py).
    accounts: list[AccountScan] = field(default_factory=list)

    def account_scans(self) -> list[AccountScan]:
        if self.accounts:
            return self.accounts
        account = self.account
        if not account.id:
            return []  # a shard that drew no account (see model/accounts.py: empty_shard)
        return [
            AccountScan(
                id=account.id,
                alias=account.alias,
                status=account_status(self.regions),
                regions=self.regions,
                partition=account.partition,
                caller_arn=account.caller_arn,
                profile=self.profile,
            )
        ]

    @property
    def multi_account(self) -> bool:
        return len(self.accounts) > 1

    @property
    def errors(self) -> list[CallError]:
        return [e for r in self.regions for e in r.errors]

    @property
    def complete(self) -> bool:
        """True when every scanned region of every account was read in full."""
        return all(
            r.status in (RegionStatus.OK, RegionStatus.NOT_ENABLED) for r in self.regions
        ) and all(a.status is AccountStatus.OK for a in self.accounts)

    def region(self, name: str) -> RegionScan | None:
        return next((r for r in self.regions if r.name == name), None)

    @property
    def scanned_regions(self) -> list[str]:
        return [
            r.name
            for r in self.regions
            if r.status is not RegionStatus.NOT_ENABLED and r.name != GLOBAL_REGION
        ]
