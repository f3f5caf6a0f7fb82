"""Warnings produced by the checks, and whether each check could be evaluated."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
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
        return list(Severity).index(self)


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    severity: Severity
    resource: str  # the ARN the warning concerns
    region: str
    message: str
    remediation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity.value,
            "resource": self.resource,
            "region": self.region,
            "message": self.message,
            "remediation": self.remediation,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(
            check=str(data["check"]),
            severity=Severity(data["severity"]),
            resource=str(data["resource"]),
            region=str(data["region"]),
            message=str(data["message"]),
            remediation=str(data.get("remediation", "")),
        )


@dataclass(frozen=True, slots=True)
class CheckResult:
    """`evaluated`, or `not-evaluated` with the reason (its input could not be read)."""

    id: str
    status: str
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "status": self.status}
        if self.reason is not None:
            data["reason"] = self.reason
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        return cls(id=str(data["id"]), status=str(data["status"]), reason=data.get("reason"))
