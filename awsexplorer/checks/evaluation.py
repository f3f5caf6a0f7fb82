"""Running the catalogue over a scan: `evaluate` turns each check's outcomes into Findings and
a CheckResult; `analyse` is what happens after every scan (topology, then the checks).

A check is "not-evaluated" — neither passed nor failed — when any of its declared inputs (the
calls it reads, declared once in model/calls.py) failed in a scanned region, when a region it
needs refused us, or when it met resources it could not judge. Findings it could still
establish are reported all the same; the reason says what was not covered.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import groupby
from operator import itemgetter

from awsexplorer.checks.api import CheckContext, Flag, NotEvaluated, Unknown
from awsexplorer.checks.registry import Check, all_checks, check_ids
from awsexplorer.config import Settings
from awsexplorer.model import (
    GLOBAL_REGION,
    AccountStatus,
    CheckResult,
    CheckSettings,
    Finding,
    Resource,
    ScanResult,
    Severity,
)
from awsexplorer.model.accounts import merge_checks, split
from awsexplorer.model.activity import scan_time
from awsexplorer.model.exposure import Exposure, exposure_of
from awsexplorer.model.findings import CheckStatus
from awsexplorer.model.topology import enrich

log = logging.getLogger(__name__)


def _summarise(reasons: list[str], limit: int = 3) -> str:
    shown = "; ".join(reasons[:limit])
    more = len(reasons) - limit
    return shown + (f"; and {more} more" if more > 0 else "")


_CODE_SPAN = re.compile(r"`(aws [^`]*)`")


def _field(resource: Resource, field: str) -> str | None:
    """A resource field by name: `id`, `arn`, `region`, `vpc_id`, or `attributes.KEY`; with
    `@TYPE` after it, only for a resource of that type (None for any other)."""
    field, _, only = field.partition("@")
    if only and resource.type != only:
        return None
    if field.startswith("attributes."):
        value = resource.attributes.get(field.removeprefix("attributes."))
    else:
        value = getattr(resource, field, None)
    return str(value) if value else None


_REGION_FIELD = "region"  # the placeholders are upper case: no placeholder is called so


@functools.cache
def _template(remediation: str, tokens: tuple[str, ...], regional: bool) -> str:
    """The remediation as a str.format template: each of these placeholders, as a word of its
    own in an AWS CLI command (`aws ...`), a field, and `--region` added to a command that has
    one and says no region (`regional`). Made once per check and set of placeholders:
    personalise runs once per finding (200,000 at 1,000,000 resources)."""
    alternatives = "|".join(re.escape(token) for token in sorted(tokens, key=len, reverse=True))
    placeholder = re.compile(rf"(?<![\w-])({alternatives})(?![\w-])")

    def literal(text: str) -> str:
        return text.replace("{", "{{").replace("}", "}}")

    out = []
    for n, part in enumerate(_CODE_SPAN.split(remediation)):
        pieces = placeholder.split(part) if n % 2 else [part]
        if len(pieces) == 1:
            out.append(literal(f"`{part}`" if n % 2 else part))  # nothing of the resource in it
            continue
        command = "".join("{" + p + "}" if i % 2 else literal(p) for i, p in enumerate(pieces))
        if regional and "--region" not in part:
            command += " --region {" + _REGION_FIELD + "}"
        out.append(f"`{command}`")
    return "".join(out)


def personalise(item: Check, resource: Resource | None) -> str:
    """The remediation with the flagged resource filled into its AWS CLI commands, and the
    resource's region added to them, so a command can be pasted as it is. A command run in
    the wrong region is exactly the mistake this tool exists to prevent."""
    if resource is None or not item.placeholders:
        return item.remediation
    fields = {token: _field(resource, field) for token, field in item.placeholders}
    values = {token: value for token, value in fields.items() if value}
    if not values:
        return item.remediation
    template = _template(item.remediation, tuple(values), resource.region != GLOBAL_REGION)
    # The values are put in as literal text (a name from AWS may hold `{` or `\`), in one pass.
    return template.format_map({**values, _REGION_FIELD: resource.region})


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
            o.severity or item.severity,
            o.resource,
            o.region,
            o.message,
            personalise(item, ctx.inventory.get(o.resource)),
            o.scope,
            ctx.account.id,
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


def evaluate(
    result: ScanResult, settings: Settings | None = None, now: datetime | None = None
) -> tuple[list[Finding], list[CheckResult]]:
    """Run every enabled check over a scan, one account at a time (an account's trail does not
    cover another's), each finding with its account. Reads `result` and returns new lists; with
    several accounts it also stores each account's own check results in its `checks` (a failed
    account's checks are all not evaluated, with its reason), which the returned ones merge."""
    settings = settings or Settings()
    settings.check_ids_known(check_ids())
    if not result.multi_account:
        return _evaluate_one(result, settings, now)
    # The one exposure of the whole scan, looked up once and handed to every account's checks:
    # the look-up reads every resource (exposure_of's key), 85 ms at 1,000,000 resources,
    # which each of 50 accounts paid again.
    exposure = exposure_of(result.resources)
    per_account: list[list[Finding]] = []
    for account, part in split(result):
        if account.status is AccountStatus.FAILED:
            account.checks = [
                CheckResult(c.id, CheckStatus.NOT_EVALUATED, "the account could not be read")
                for c in all_checks()
            ]
            continue
        found, account.checks = _evaluate_one(part, settings, now, exposure)
        per_account.append(found)
    findings = in_finding_order(per_account)
    return findings, merge_checks([(a.id, a.checks) for a in result.accounts])


def _severity_check_account(finding: Finding) -> tuple[int, str, str]:
    return finding.severity.rank, finding.check, finding.account_id or ""


def in_finding_order(per_account: list[list[Finding]]) -> list[Finding]:
    """Each account's findings, in _evaluate_one's order, as one list in finding_order (worst
    first, then check, account, region, resource), the same list a sort of all of them gives,
    made of each account's runs of one severity and check, not by that sort: one sort of
    800,000 findings held the interpreter ~0.4 s, the UI thread waiting, at the end of a live
    scan of 50 accounts."""
    runs: dict[tuple[int, str], list[tuple[str, list[Finding]]]] = {}
    for found in per_account:
        for (rank, check, account), same in groupby(found, key=_severity_check_account):
            runs.setdefault((rank, check), []).append((account, list(same)))
    ordered: list[Finding] = []
    for key in sorted(runs):
        for _, run in sorted(runs[key], key=itemgetter(0)):  # stable: an account's runs in turn
            ordered += run
    return ordered


def _evaluate_one(
    result: ScanResult,
    settings: Settings,
    now: datetime | None,
    exposure: Exposure | None = None,
) -> tuple[list[Finding], list[CheckResult]]:
    ctx = CheckContext(result, settings, now or scan_time(result), exposure)
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
    settings = settings or Settings()
    result.findings, result.checks = evaluate(result, settings)
    result.settings = judged_with(settings)
    return result


def judged_with(settings: Settings) -> CheckSettings:
    """The record of `settings` a snapshot keeps next to the findings judged with them."""
    return CheckSettings(
        stale_days=settings.stale_days,
        required_tags=tuple(settings.required_tags),
        disabled_checks=tuple(sorted(settings.disabled_checks)),
    )


def _listed(values: Iterable[str]) -> str:
    return ",".join(values) or "none"


def setting_differences(settings: Settings, recorded: CheckSettings) -> list[str]:
    """What in the user's `settings` would judge differently from the `recorded` ones, one
    phrase each ("stale_days 30 (the scan used 90)"). Required tags are compared as the checks
    read them (case-insensitive, in any order); the recorded values come from a snapshot and
    are the caller's to make inert before showing."""
    differences = []
    if settings.stale_days != recorded.stale_days:
        differences.append(
            f"stale_days {settings.stale_days} (the scan used {recorded.stale_days})"
        )
    theirs = frozenset(t.strip().lower() for t in recorded.required_tags if t.strip())
    if settings.required_tag_keys != theirs:
        differences.append(
            f"required_tags {_listed(settings.required_tags)} "
            f"(the scan used {_listed(recorded.required_tags)})"
        )
    if settings.disabled_checks != frozenset(recorded.disabled_checks):
        differences.append(
            f"disabled_checks {_listed(sorted(settings.disabled_checks))} "
            f"(the scan used {_listed(recorded.disabled_checks)})"
        )
    return differences


def rejudge(result: ScanResult, settings: Settings) -> str | None:
    """One verdict per fact, judged with the user's settings: when a snapshot's findings were
    judged with other settings than `settings`, evaluate the checks again over its resources
    (as of the scan, as `findings --recheck` does), store the new findings, checks and settings
    in `result`, and return what differed ("re-judged with your settings: stale_days 30 (the
    scan used 90)"). None when the stored findings stand: the settings agree, or the snapshot
    does not say which it was judged with (written before they were recorded)."""
    if result.settings is None:
        return None
    differences = setting_differences(settings, result.settings)
    if not differences:
        return None
    result.findings, result.checks = evaluate(result, settings)
    result.settings = judged_with(settings)
    return "re-judged with your settings: " + "; ".join(differences)


def iter_by_severity(findings: Iterable[Finding]) -> Iterator[tuple[Severity, list[Finding]]]:
    """Findings grouped worst first, for the text outputs."""
    for severity in Severity:
        group = [f for f in findings if f.severity is severity]
        if group:
            yield severity, group
