"""The findings screen's data: every warning, worst first, and the checks that could not run."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from awsexplorer.model import CheckResult, CheckStatus, ScanResult, Severity
from awsexplorer.model.accounts import account_names
from awsexplorer.ui.views.common import index_by_arn, label_for, matches


@dataclass(frozen=True, slots=True)
class FindingRow:
    severity: Severity
    check: str
    arn: str
    resource: str  # readable: "name (id)"
    resource_type: str | None
    region: str
    message: str
    remediation: str

    def matches(self, text: str) -> bool:
        return matches(
            text,
            self.severity.value,
            self.check,
            self.arn,
            self.resource,
            self.resource_type,
            self.region,
            self.message,
        )


@dataclass(frozen=True, slots=True)
class UncheckedRow:
    """A check whose input could not be read: neither passed nor failed."""

    check: str
    reason: str

    def matches(self, text: str) -> bool:
        return matches(text, self.check, self.reason, CheckStatus.NOT_EVALUATED.value)


@dataclass(frozen=True, slots=True)
class FindingsView:
    findings: list[FindingRow]
    unchecked: list[UncheckedRow]
    checks_run: bool  # False until the checks have been evaluated at least once

    def counts(self) -> Counter[Severity]:
        return Counter(row.severity for row in self.findings)

    def filtered(self, text: str = "", min_severity: Severity | None = None) -> FindingsView:
        """Rows matching every word of `text` and at least as severe as `min_severity`."""
        return FindingsView(
            findings=[
                row
                for row in self.findings
                if row.matches(text)
                and (min_severity is None or row.severity.rank <= min_severity.rank)
            ],
            unchecked=[row for row in self.unchecked if row.matches(text)],
            checks_run=self.checks_run,
        )

    def grouped(self) -> list[tuple[Severity, list[FindingRow]]]:
        """(severity, rows) for each severity that has rows, critical first."""
        return [
            (severity, rows)
            for severity in Severity
            if (rows := [r for r in self.findings if r.severity is severity])
        ]


def _unchecked(checks: list[CheckResult]) -> list[UncheckedRow]:
    return sorted(
        (
            UncheckedRow(check=c.id, reason=c.reason or "no reason recorded")
            for c in checks
            if not c.evaluated
        ),
        key=lambda row: row.check,
    )


def build_findings_view(result: ScanResult) -> FindingsView:
    index = index_by_arn(result.resources)
    # Several accounts: each warning's place names its account (alias or name), first.
    names = account_names(result)

    def where(account_id: str | None, region: str) -> str:
        return f"{names.get(account_id or '', account_id)} {region}" if names else region

    rows = [
        FindingRow(
            severity=f.severity,
            check=f.check,
            arn=f.resource,
            resource="account" if f.account_level else label_for(f.resource, index),
            resource_type=index[f.resource].type if f.resource in index else None,
            region=where(f.account_id, f.region),
            message=f.message,
            remediation=f.remediation,
        )
        for f in result.findings
    ]
    # Worst first; then by place so that one region's warnings sit together.
    rows.sort(key=lambda r: (r.severity.rank, r.region, r.resource.lower(), r.check, r.message))
    return FindingsView(
        findings=rows,
        unchecked=_unchecked(result.checks),
        checks_run=bool(result.checks) or bool(result.findings),
    )
