"""What the scanner tells its listener as it goes. Plain dataclasses; no aiobotocore here.

Order: ScanStarted, then any number of RegionProgress / ResourcesFound / CallRetrying /
CallFailed, then ScanFinished (always, even when every region failed).

A scan with its regions over worker processes (scan/runner.py, `processes`) sends the workers'
events back to the parent, pickled, which applies and re-emits them: keep them plain, picklable
dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass

from awsexplorer.model import Account, CallError, RegionStatus, Resource, ScanResult


@dataclass(frozen=True, slots=True)
class ScanStarted:
    account: Account
    regions: list[str]  # the regions that will be scanned, "global" included
    not_enabled: list[str]  # opt-in regions this account has not enabled
    profile: str | None


@dataclass(frozen=True, slots=True)
class RegionProgress:
    region: str
    status: RegionStatus
    done: int  # collectors finished in this region
    total: int  # collectors to run in this region
    resources: int  # resources found so far in this region
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ResourcesFound:
    region: str
    collector: str
    resources: list[Resource]


@dataclass(frozen=True, slots=True)
class CallFailed:
    error: CallError


@dataclass(frozen=True, slots=True)
class CallRetrying:
    """A call failed in a way worth another try, and the next attempt is going out now."""

    region: str  # the region the call is attributed to ("global" for IAM, S3 listing, ...)
    service: str
    operation: str  # the API's name: DescribeVpcs
    attempt: int  # the attempt about to be sent: 2 for the first retry
    max_attempts: int
    reason: str  # why the previous attempt failed: ReadTimeoutError, HTTP 503, Throttling


@dataclass(frozen=True, slots=True)
class ScanFinished:
    result: ScanResult


ScanEvent = ScanStarted | RegionProgress | ResourcesFound | CallRetrying | CallFailed | ScanFinished


@dataclass(frozen=True, slots=True)
class AccountScanned:
    """A scan of several accounts (scan/accounts.scan_choice): one account is read (or failed:
    its result is a failed account with the reason). `done` of `total` accounts so far."""

    result: ScanResult
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class AccountRead:
    """A scan of several accounts (scan/accounts.scan_targets, in this process or a worker):
    one account is read, or has failed. Small, so a worker process sends it to the parent as
    soon as the account is done (the CLI prints a line for it); texts as AWS or the config gave
    them (not yet made inert)."""

    account_id: str
    name: str | None  # its alias, else its name in the Organization, else its profile
    status: str  # ok | partial | failed
    reason: str | None
    resources: int
    regions: int
    failed_regions: int


# What the TUI's worker hands the UI: one account's events, or whole accounts of several.
AnyScanEvent = ScanEvent | AccountScanned
