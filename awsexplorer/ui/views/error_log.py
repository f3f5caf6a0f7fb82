"""The error log's data: every account and region that could not be read in full, and every
failed call, each with the account it concerns when the scan holds several."""

from __future__ import annotations

from dataclasses import dataclass

from awsexplorer.model import AccountScan, AccountStatus, CallError, RegionStatus, ScanResult
from awsexplorer.model.accounts import account_names

# The regions worth a line in the error log, worst first.
_TROUBLE = (RegionStatus.FAILED, RegionStatus.PARTIAL)


@dataclass(frozen=True, slots=True)
class RegionTrouble:
    region: str  # "" for an account none of whose regions could be read (a refused role)
    status: RegionStatus
    reason: str  # why it failed, or how many calls failed in a partial region
    error_count: int
    account: str | None = None  # the account's name (account_names), when the scan holds several
    account_id: str | None = None

    @property
    def where(self) -> str:
        return " ".join(part for part in (self.account, self.region) if part)


@dataclass(frozen=True, slots=True)
class ErrorLogView:
    regions: list[RegionTrouble]
    errors: list[CallError]
    not_enabled: list[str]  # opt-in regions not scanned: not errors, but worth saying
    in_progress: list[str]  # regions still pending or scanning
    # Account id -> its name (account_names), when the scan holds several accounts (else empty).
    accounts: dict[str, str]

    @property
    def clean(self) -> bool:
        return not self.regions and not self.errors

    @property
    def names_accounts(self) -> bool:
        """Whether its places name accounts: several accounts, or one none of whose regions
        could be read (its line is the account, not a region)."""
        return bool(self.accounts) or any(not t.region for t in self.regions)

    def where(self, error: CallError) -> str:
        """The call's place: its region, after its account when the scan holds several."""
        account = self.accounts.get(error.account_id or "")
        return f"{account} {error.region}" if account else error.region


def _reason(status: RegionStatus, reason: str | None, errors: list[CallError]) -> str:
    if reason:
        return reason
    if status is RegionStatus.FAILED and errors:
        first = errors[0]
        return f"{first.code}: {first.message}" if first.message else first.code
    if errors:
        return f"{len(errors)} call{'s' if len(errors) != 1 else ''} failed"
    return "no reason recorded"


def _troubles(account: AccountScan, name: str | None) -> list[RegionTrouble]:
    """The account's regions not read in full; an account none of whose regions could be
    read (no credentials, a role refused) is one line of its own, with the account's reason."""
    troubles = [
        RegionTrouble(
            r.name, r.status, _reason(r.status, r.reason, r.errors), len(r.errors), name, account.id
        )
        for r in account.regions
        if r.status in _TROUBLE
    ]
    troubles.sort(key=lambda t: (_TROUBLE.index(t.status), t.region))
    if not troubles and account.status is AccountStatus.FAILED:
        reason = account.reason or "no reason recorded"
        troubles.append(
            RegionTrouble("", RegionStatus.FAILED, reason, 0, name or account.label, account.id)
        )
    return troubles


def build_error_log(result: ScanResult) -> ErrorLogView:
    names = account_names(result)
    troubles = [t for a in result.account_scans() for t in _troubles(a, names.get(a.id))]
    if names:  # failed accounts first, then each account's regions, worst first
        troubles.sort(key=lambda t: (bool(t.region), _TROUBLE.index(t.status), t.where))
    errors = sorted(
        result.errors,
        key=lambda e: (
            names.get(e.account_id or "", ""),
            e.region,
            e.service,
            e.operation,
            e.code,
            e.message,
        ),
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
        accounts=names,
    )
