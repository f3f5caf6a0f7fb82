"""The error log's data: every region that could not be read in full, and every failed call."""

from __future__ import annotations

from dataclasses import dataclass

from awsexplorer.model import CallError, RegionStatus, ScanResult

# The regions worth a line in the error log, worst first.
_TROUBLE = (RegionStatus.FAILED, RegionStatus.PARTIAL)


@dataclass(frozen=True, slots=True)
class RegionTrouble:
    region: str
    status: RegionStatus
    reason: str  # why it failed, or how many calls failed in a partial region
    error_count: int


@dataclass(frozen=True, slots=True)
class ErrorLogView:
    regions: list[RegionTrouble]
    errors: list[CallError]
    not_enabled: list[str]  # opt-in regions not scanned: not errors, but worth saying
    in_progress: list[str]  # regions still pending or scanning

    @property
    def clean(self) -> bool:
        return not self.regions and not self.errors


def _reason(status: RegionStatus, reason: str | None, errors: list[CallError]) -> str:
    if reason:
        return reason
    if status is RegionStatus.FAILED and errors:
        first = errors[0]
        return f"{first.code}: {first.message}" if first.message else first.code
    if errors:
        return f"{len(errors)} call{'s' if len(errors) != 1 else ''} failed"
    return "no reason recorded"


def build_error_log(result: ScanResult) -> ErrorLogView:
    troubles = [
        RegionTrouble(r.name, r.status, _reason(r.status, r.reason, r.errors), len(r.errors))
        for r in result.regions
        if r.status in _TROUBLE
    ]
    troubles.sort(key=lambda t: (_TROUBLE.index(t.status), t.region))
    errors = sorted(
        result.errors, key=lambda e: (e.region, e.service, e.operation, e.code, e.message)
    )
    return ErrorLogView(
        regions=troubles,
        errors=errors,
        not_enabled=sorted(r.name for r in result.regions if r.status is RegionStatus.NOT_ENABLED),
        in_progress=sorted(
            r.name
            for r in result.regions
            if r.status in (RegionStatus.PENDING, RegionStatus.SCANNING)
        ),
    )
