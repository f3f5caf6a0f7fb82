"""Plain data: resources, regions, findings. No I/O; imports nothing else of ours."""

from awsexplorer.model.findings import CheckResult, CheckStatus, Finding, Severity
from awsexplorer.model.resource import GLOBAL_REGION, Resource
from awsexplorer.model.scan_result import (
    Account,
    AccountScan,
    AccountStatus,
    CallError,
    CheckSettings,
    RegionScan,
    RegionStatus,
    ScanResult,
)

__all__ = [
    "GLOBAL_REGION",
    "Account",
    "AccountScan",
    "AccountStatus",
    "CallError",
    "CheckResult",
    "CheckSettings",
    "CheckStatus",
    "Finding",
    "RegionScan",
    "RegionStatus",
    "Resource",
    "ScanResult",
    "Severity",
]
