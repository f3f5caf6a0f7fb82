"""The checks registry: every check is a small pure function with its metadata beside it.

A check takes a CheckContext (the scanned resources, the account, the settings, the scan time)
and yields `Flag`s (a finding on one resource) and `Unknown`s (a resource whose deciding fact
could not be read). It may raise `NotEvaluated` when its whole input is missing. It never does
I/O. `evaluate` runs them all and turns the outcome into Findings and CheckResults.

A check is "not-evaluated" — neither passed nor failed — when any of its declared inputs (the
calls it reads, declared once in model/calls.py) failed in a scanned region, when a region it
needs refused us, or when it met resources it could not judge. Findings it could still
establish are reported all the same; the reason says what was not covered.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from awsexplorer.config import Settings, from_args
from awsexplorer.model import (
    GLOBAL_REGION,
    CallError,
    CheckResult,
    Finding,
    RegionStatus,
    Resource,
    ScanResult,
    Severity,
)
from awsexplorer.model.activity import days_between, scan_time
from awsexplorer.model.calls import Call
from awsexplorer.model.findings import CheckStatus, Scope
from awsexplorer.model.inventory import Inventory
from awsexplorer.model.topology import enrich

if TYPE_CHECKING:
    import argparse

log = logging.getLogger(__name__)


# Services whose calls are made once for the account, not per region: a region that refused
# us does not make their data unreadable.
GLOBAL_SERVICES = frozenset({"iam", "budgets", "s3", "s3control", "sts", "organizations"})

# The order the catalog is presented in (docs, --list-checks): one module per category.
CATEGORIES = ("identity", "network", "data", "cost", "hygiene")

_ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Flag:
    """A check failed on this resource, with the exact fact."""

    resource: str  # ARN
    region: str
    message: str
    scope: Scope = Scope.RESOURCE  # ACCOUNT: about the whole account (ctx.account_flag)


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


def flag(resource: Resource, message: str) -> Flag:
    return Flag(resource.arn, resource.region, message)


def unknown(resource: Resource, reason: str) -> Unknown:
    return Unknown(resource.arn, f"{resource.id}: {reason}")


def label(resource: Resource) -> str:
    """How a message names a resource: its id, with its Name when that says more."""
    if resource.name and resource.name != resource.id:
        return f"{resource.id} ({resource.name})"
    return resource.id


class CheckContext:
    """What a check may read. Built once per evaluation; checks must not modify it."""

    def __init__(self, result: ScanResult, settings: Settings, now: datetime) -> None:
        self.result = result
        self.account = result.account
        self.inventory = Inventory(result.resources)
        self.settings = settings
        self.now = now
        self.scanned_regions = frozenset(result.scanned_regions)
        self.failed_regions = {
            r.name: r.reason or "the region refused the scan"
            for r in result.regions
            if r.status is RegionStatus.FAILED
        }

    def of_type(self, *types: str) -> list[Resource]:
        found = [r for t in types for r in self.inventory.of_type(t)]
        return sorted(found, key=lambda r: (r.region, r.type, r.id))

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


@dataclass(frozen=True, slots=True)
class Check:
    id: str
    title: str
    severity: Severity
    types: tuple[str, ...]  # the resource types it looks at
    remediation: str  # what to do, with the AWS CLI command where one exists
    # The calls it reads (model/calls.py). A failure of any of them makes the check
    # not-evaluated, unless `judges_inputs`: then the check weighs failures itself (one good
    # CloudTrail trail found elsewhere outweighs a region whose DescribeTrails failed).
    inputs: tuple[Call, ...]
    judges_inputs: bool
    func: CheckFunc
    # Placeholders in the remediation's commands that name the flagged resource, and which of
    # its fields fills them in ("id" or "arn"): `--group-id SG` becomes `--group-id sg-0abc`.
    placeholders: tuple[tuple[str, str], ...] = ()

    @property
    def category(self) -> str:
        return self.func.__module__.rsplit(".", 1)[-1]

    @property
    def description(self) -> str:
        """The function's docstring: what is checked and why it matters."""
        return " ".join((self.func.__doc__ or "").split())


REGISTRY: dict[str, Check] = {}


def check(
    *,
    id: str,
    title: str,
    severity: Severity,
    types: Iterable[str],
    remediation: str,
    inputs: Iterable[Call] = (),
    judges_inputs: bool = False,
    placeholders: Mapping[str, str] | None = None,
) -> Callable[[CheckFunc], CheckFunc]:
    """Register a check with its metadata. The id is a public contract: never rename one."""

    def register(func: CheckFunc) -> CheckFunc:
        if id in REGISTRY:
            raise ValueError(f"check {id} registered twice")
        REGISTRY[id] = Check(
            id=id,
            title=title,
            severity=Severity(severity),
            types=tuple(types),
            remediation=" ".join(remediation.split()),
            inputs=tuple(inputs),
            judges_inputs=judges_inputs,
            func=func,
            placeholders=tuple((placeholders or {}).items()),
        )
        return func

    return register


def _import_all() -> None:
    # By name (one module per category), so the registry does not import its own package.
    for category in CATEGORIES:
        importlib.import_module(f"{__package__}.{category}")


def all_checks() -> list[Check]:
    """Every registered check, in catalog order (category, then declaration order)."""
    _import_all()
    order = {name: i for i, name in enumerate(CATEGORIES)}
    indexed = list(enumerate(REGISTRY.values()))
    indexed.sort(key=lambda pair: (order.get(pair[1].category, len(order)), pair[0]))
    return [c for _, c in indexed]


def metadata_problems(item: Check) -> list[str]:
    """What is wrong with a check's metadata (empty when it is valid); used by the tests."""
    problems = []
    if not _ID_PATTERN.match(item.id):
        problems.append(f"id {item.id!r} is not kebab-case")
    if item.func.__name__ != item.id.replace("-", "_"):
        problems.append(f"function {item.func.__name__} does not match id {item.id}")
    if not item.title.strip():
        problems.append("empty title")
    if not item.remediation.strip():
        problems.append("empty remediation")
    if not item.types or not all(":" in t for t in item.types):
        problems.append(f"resource types {item.types!r} are not <service>:<type>")
    if item.category not in CATEGORIES:
        problems.append(f"module {item.category} is not one of {CATEGORIES}")
    if not item.description:
        problems.append("no docstring (it becomes the catalog's description)")
    for token, field in item.placeholders:
        if f" {token}" not in item.remediation:
            problems.append(f"placeholder {token} does not appear in the remediation")
        if field not in _FIELDS and not field.startswith("attributes."):
            problems.append(f"placeholder {token} names an unknown field {field!r}")
    inputs: tuple[object, ...] = tuple(item.inputs)  # a check author's, checked at run time
    for call in inputs:
        if not isinstance(call, Call):
            problems.append(f"input {call!r} is not a declared Call (model/calls.py)")
    return problems


# -- evaluation -----------------------------------------------------------------------------


def _summarise(reasons: list[str], limit: int = 3) -> str:
    shown = "; ".join(reasons[:limit])
    more = len(reasons) - limit
    return shown + (f"; and {more} more" if more > 0 else "")


_FIELDS = frozenset({"id", "arn", "region", "vpc_id", "subnet_id", "name"})
_CODE_SPAN = re.compile(r"`(aws [^`]*)`")


def _field(resource: Resource, field: str) -> str | None:
    """A resource field by name: `id`, `arn`, `region`, `vpc_id`, or `attributes.KEY`."""
    if field.startswith("attributes."):
        value = resource.attributes.get(field.removeprefix("attributes."))
    else:
        value = getattr(resource, field, None)
    return str(value) if value else None


def personalise(item: Check, resource: Resource | None) -> str:
    """The remediation with the flagged resource filled into its AWS CLI commands, and the
    resource's region added to them, so a command can be pasted as it is. A command run in
    the wrong region is exactly the mistake this tool exists to prevent."""
    if resource is None or not item.placeholders:
        return item.remediation
    fields = {token: _field(resource, field) for token, field in item.placeholders}
    values = {token: value for token, value in fields.items() if value}

    def fill(match: re.Match[str]) -> str:
        command = match.group(1)
        filled = command
        for token, value in values.items():
            filled = re.sub(rf"(?<![\w-]){re.escape(token)}(?![\w-])", value, filled)
        if filled == command:
            return match.group(0)  # nothing of this resource in it: leave it generic
        if resource.region != GLOBAL_REGION and "--region" not in filled:
            filled = f"{filled} --region {resource.region}"
        return f"`{filled}`"

    return _CODE_SPAN.sub(fill, item.remediation)


def run_check(item: Check, ctx: CheckContext) -> tuple[list[Finding], CheckResult]:
    try:
        outcomes = list(item.func(ctx))
    except NotEvaluated as verdict:
        return [], CheckResult(item.id, CheckStatus.NOT_EVALUATED, verdict.reason)
    except Exception as exc:  # a bug in one check must not cost the user the others
        log.exception("check %s failed", item.id)
        reason = f"internal error in the check: {type(exc).__name__}: {exc}"
        return [], CheckResult(item.id, CheckStatus.NOT_EVALUATED, reason)
    findings = [
        Finding(
            item.id,
            item.severity,
            o.resource,
            o.region,
            o.message,
            personalise(item, ctx.inventory.get(o.resource)),
            o.scope,
        )
        for o in outcomes
        if isinstance(o, Flag)
    ]
    reasons = [] if item.judges_inputs else ctx.unreadable(item.inputs)
    reasons += sorted(o.reason for o in outcomes if isinstance(o, Unknown))
    if reasons:
        covered = " (findings shown are from what could be read)" if findings else ""
        return findings, CheckResult(
            item.id, CheckStatus.NOT_EVALUATED, _summarise(reasons) + covered
        )
    return findings, CheckResult(item.id, CheckStatus.EVALUATED)


def check_ids() -> list[str]:
    """Every check's id, in catalogue order."""
    return [c.id for c in all_checks()]


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The checks' settings from the command line and the config file, a disabled check id
    that names no check refused (with the nearest id as a hint)."""
    return from_args(args, known_checks=check_ids())


def evaluate(
    result: ScanResult, settings: Settings | None = None, now: datetime | None = None
) -> tuple[list[Finding], list[CheckResult]]:
    """Run every enabled check over a scan. Pure: reads `result`, returns new lists."""
    settings = settings or Settings()
    settings.check_ids_known(check_ids())
    ctx = CheckContext(result, settings, now or scan_time(result))
    findings: list[Finding] = []
    results: list[CheckResult] = []
    for item in all_checks():
        if not settings.enabled(item.id):
            results.append(CheckResult(item.id, CheckStatus.NOT_EVALUATED, "disabled in settings"))
            continue
        found, outcome = run_check(item, ctx)
        findings.extend(found)
        results.append(outcome)
    findings.sort(key=lambda f: (f.severity.rank, f.check, f.region, f.resource, f.message))
    return findings, results


def analyse(result: ScanResult, settings: Settings | None = None) -> ScanResult:
    """Everything derived from a finished scan, in order: the topology (subnet classification,
    placement) first, since the checks read `public`, `internet_facing`...; then the checks.
    Called by `scan` after a scan and by the UI when one finishes. Pure: no I/O.
    """
    enrich(result.resources)
    result.findings, result.checks = evaluate(result, settings)
    return result


def iter_by_severity(findings: Iterable[Finding]) -> Iterator[tuple[Severity, list[Finding]]]:
    """Findings grouped worst first, for the text outputs."""
    for severity in Severity:
        group = [f for f in findings if f.severity is severity]
        if group:
            yield severity, group
