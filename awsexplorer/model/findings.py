"""Warnings produced by the checks, and whether each check could be evaluated."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from itertools import repeat
from operator import itemgetter
from typing import Any


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most severe; sorts findings worst first."""
        return _RANKS[self]


# Looked up, not counted off the enum each time: every finding's sort key reads it (a listing of
# the members per call was a tenth of the checks' time at 100,000 resources).
_RANKS: dict[Severity, int] = {severity: n for n, severity in enumerate(Severity)}


class Scope(StrEnum):
    """What a finding is about: the resource it is filed under, or the account as a whole."""

    RESOURCE = "resource"
    ACCOUNT = "account"


# Before findings carried their scope (snapshots written without it), an account-wide finding was
# one filed under the root ARN by a check other than the root user's own (`iam-root-*`).
_ROOT_USER_CHECKS = "iam-root-"


def legacy_scope(check: str, resource: str) -> Scope:
    """The scope of a finding read from a snapshot that does not record it (derived here once)."""
    parts = resource.split(":")
    is_root = len(parts) >= 6 and parts[0] == "arn" and parts[2] == "iam" and parts[-1] == "root"
    if is_root and not check.startswith(_ROOT_USER_CHECKS):
        return Scope.ACCOUNT
    return Scope.RESOURCE


# A snapshot holds tens of thousands of findings; looking their words up here is several times
# cheaper than the enum's own call (an unknown word still goes through it, to be refused).
_SEVERITY_BY_WORD = {s.value: s for s in Severity}
_SCOPE_BY_WORD = {s.value: s for s in Scope}


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    severity: Severity
    resource: str  # the ARN the warning concerns (the root ARN for account-wide findings)
    region: str
    message: str
    remediation: str
    scope: Scope = Scope.RESOURCE  # set by the check registry
    # The account the finding is about (set by the evaluation, one account at a time).
    account_id: str | None = None

    @property
    def account_level(self) -> bool:
        return self.scope is Scope.ACCOUNT

    def to_dict(self) -> dict[str, Any]:
        data = {
            "check": self.check,
            "severity": self.severity.value,
            "resource": self.resource,
            "region": self.region,
            "message": self.message,
            "remediation": self.remediation,
            "scope": self.scope.value,
        }
        if self.account_id is not None:
            data["account_id"] = self.account_id
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(
            check=str(data["check"]),
            severity=_SEVERITY_BY_WORD.get(data["severity"]) or Severity(data["severity"]),
            resource=str(data["resource"]),
            region=str(data["region"]),
            message=str(data["message"]),
            remediation=_text_or_empty(data.get("remediation")),
            scope=(
                _SCOPE_BY_WORD.get(data["scope"]) or Scope(data["scope"])
                if "scope" in data
                else legacy_scope(str(data["check"]), str(data["resource"]))
            ),
            account_id=data.get("account_id"),
        )


def _text_or_empty(value: Any) -> str:
    """A remediation as read: absent or null is none ("", never the word "None")."""
    return "" if value is None else str(value)


# Each field of a Finding, written straight into its slot (frozen: no setattr).
_SLOTS = {name: Finding.__dict__[name] for name in Finding.__slots__}


def findings_from_dicts(items: list[dict[str, Any]]) -> list[Finding]:
    """[Finding.from_dict(item) for item in items], the same findings (and the same errors for
    a word that is not a severity or scope), made a field at a time over every finding at C
    speed instead of a call per finding (204,650 findings of the 1,000,000-resource benchmark:
    0.33-0.44 s instead of 0.69-0.71 s).
    """
    made = list(map(object.__new__, repeat(Finding, len(items))))

    def fill(name: str, values: Iterable[Any]) -> None:
        deque(map(_SLOTS[name].__set__, made, values), maxlen=0)

    get = dict.get
    fill("check", map(str, map(itemgetter("check"), items)))
    severities = list(map(itemgetter("severity"), items))
    found = list(map(_SEVERITY_BY_WORD.get, severities))
    if None in found:
        found = [s or Severity(word) for s, word in zip(found, severities, strict=True)]
    fill("severity", found)
    fill("resource", map(str, map(itemgetter("resource"), items)))
    fill("region", map(str, map(itemgetter("region"), items)))
    fill("message", map(str, map(itemgetter("message"), items)))
    fill("remediation", map(_text_or_empty, map(get, items, repeat("remediation"))))
    words = list(map(get, items, repeat("scope"), repeat(_NO_SCOPE)))
    scopes = list(map(_SCOPE_BY_WORD.get, words))
    if None in scopes:
        scopes = [
            scope
            or (
                legacy_scope(str(item["check"]), str(item["resource"]))
                if word is _NO_SCOPE
                else Scope(word)
            )
            for scope, word, item in zip(scopes, words, items, strict=True)
        ]
    fill("scope", scopes)
    fill("account_id", map(get, items, repeat("account_id")))
    return made


_NO_SCOPE = object()


class CheckStatus(StrEnum):
    """Whether a check ran; `not-evaluated` is neither passed nor failed (the snapshot's words)."""

    EVALUATED = "evaluated"
    NOT_EVALUATED = "not-evaluated"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """`evaluated`, or `not-evaluated` with the reason (its input could not be read)."""

    id: str
    status: CheckStatus
    reason: str | None = None

    def __post_init__(self) -> None:
        # a known word becomes the enum (what a snapshot holds), any other word is refused
        object.__setattr__(self, "status", CheckStatus(self.status))

    @property
    def evaluated(self) -> bool:
        return self.status is CheckStatus.EVALUATED

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "status": self.status.value}
        if self.reason is not None:
            data["reason"] = self.reason
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        return cls(
            id=str(data["id"]), status=CheckStatus(data["status"]), reason=data.get("reason")
        )


def worst_by_resource(findings: Iterable[Finding]) -> dict[str, Severity]:
    """The most severe finding's severity on each resource ARN: the one rule the tree, the VPC
    and IAM screens colour by."""
    worst: dict[str, Severity] = {}
    for finding in findings:
        current = worst.get(finding.resource)
        if current is None or finding.severity.rank < current.rank:
            worst[finding.resource] = finding.severity
    return worst
