"""Several accounts in one ScanResult: split it into one result per account, merge results
(shards, several profiles, an Organization) into one. Pure: no I/O.

A merged result lists every account in `accounts` (sorted by id), carries every resource and
finding with its `account_id`, has the first account as `account`, and `regions` as the merged
view of all accounts' regions (worst status per region, every error with its account).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import groupby
from operator import attrgetter

from awsexplorer.model import kinds
from awsexplorer.model.findings import CheckResult, CheckStatus, Finding
from awsexplorer.model.resource import Resource
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
from awsexplorer.model.sharing import NETWORKS, SHAREABLE, owner_account, shared_from


class AccountsOverlap(ValueError):
    """Two parts of a merge hold the same account."""

    def __init__(self, account_id: str, first: str, second: str) -> None:
        super().__init__(f"account {account_id} is in both {first} and {second}")
        self.account_id = account_id


def finding_order(f: Finding) -> tuple[int, str, str, str, str, str]:
    return (f.severity.rank, f.check, f.account_id or "", f.region, f.resource, f.message)


_ACCOUNT_ID = attrgetter("account_id")


def split(result: ScanResult) -> list[tuple[AccountScan, ScanResult]]:
    """One (account, single-account result) per account, its own resources, findings and
    regions; a resource or finding without an account id belongs to the first account."""
    accounts = result.account_scans()
    if len(accounts) == 1:
        return [(accounts[0], result)]
    first = accounts[0].id
    resources: dict[str, list[Resource]] = {a.id: [] for a in accounts}
    findings: dict[str, list[Finding]] = {a.id: [] for a in accounts}
    # By runs of one account, cut at C speed (a merged snapshot lists each account's
    # resources together): Python once per run, not once per resource (1,000,000 of them).
    for account_id, run in groupby(result.resources, _ACCOUNT_ID):
        resources.setdefault(account_id or first, []).extend(run)
    for account_id, found in groupby(result.findings, _ACCOUNT_ID):
        findings.setdefault(account_id or first, []).extend(found)
    return [
        (
            account,
            ScanResult(
                account=account.account,
                started_at=result.started_at,
                finished_at=result.finished_at,
                regions=account.regions,
                resources=resources[account.id],
                findings=findings[account.id],
                checks=result.checks,
                profile=account.profile,
                settings=result.settings,
                accounts=[account],
            ),
        )
        for account in accounts
    ]


_MERGED_RANK = {
    RegionStatus.FAILED: 0,
    RegionStatus.PARTIAL: 1,
    RegionStatus.SCANNING: 2,
    RegionStatus.PENDING: 3,
    RegionStatus.OK: 4,
    RegionStatus.NOT_ENABLED: 5,
}


def merged_regions(accounts: Sequence[AccountScan]) -> list[RegionScan]:
    """Each region once, across accounts: its errors (each with its account), its status the
    worst but for a region failed in some accounts and read in others (partial), and the reason
    naming the accounts it concerns."""
    by_name: dict[str, list[tuple[AccountScan, RegionScan]]] = {}
    for account in accounts:
        for region in account.regions:
            by_name.setdefault(region.name, []).append((account, region))
    merged = []
    for name in sorted(by_name):
        entries = by_name[name]
        statuses = {r.status for _, r in entries}
        status = min(statuses, key=_MERGED_RANK.__getitem__)
        if status is RegionStatus.FAILED and statuses - {RegionStatus.FAILED}:
            status = RegionStatus.PARTIAL
        errors = [
            e if e.account_id else replace(e, account_id=account.id)
            for account, region in entries
            for e in region.errors
        ]
        reasons = [f"{account.id}: {r.reason}" for account, r in entries if r.reason]
        reason = None
        if reasons and status in (RegionStatus.FAILED, RegionStatus.PARTIAL):
            reason = "; ".join(reasons)
        elif reasons and status is RegionStatus.NOT_ENABLED:
            reason = entries[0][1].reason
        merged.append(RegionScan(name, status, errors, reason))
    return merged


def merge_checks(parts: Sequence[tuple[str, Sequence[CheckResult]]]) -> list[CheckResult]:
    """A check is evaluated when it was evaluated in every account; otherwise the reasons,
    each with its account (in the order of `parts`)."""
    order: list[str] = []
    reasons: dict[str, list[str]] = {}
    for account_id, checks in parts:
        for check in checks:
            if check.id not in reasons:
                order.append(check.id)
                reasons[check.id] = []
            if not check.evaluated:
                reasons[check.id].append(f"{account_id}: {check.reason or 'not evaluated'}")
    merged = []
    for check_id in sorted(order):
        why = reasons[check_id]
        if why:
            merged.append(CheckResult(check_id, CheckStatus.NOT_EVALUATED, "; ".join(why)))
        else:
            merged.append(CheckResult(check_id, CheckStatus.EVALUATED))
    return merged


def _same_settings(parts: Sequence[ScanResult]) -> CheckSettings | None:
    settings = {p.settings for p in parts}
    return parts[0].settings if len(settings) == 1 else None


def empty_shard(started_at: str, finished_at: str | None = None) -> ScanResult:
    """The result of a shard that drew no account (more shards than accounts): no accounts, no
    resources; merged with the others, it adds nothing."""
    return ScanResult(
        account=Account("", None, "aws", ""),
        started_at=started_at,
        finished_at=finished_at or started_at,
        regions=[],
    )


def merge(parts: Sequence[ScanResult], names: Sequence[str] | None = None) -> ScanResult:
    """One result of several (shards, profiles, member accounts). Raises AccountsOverlap when
    an account is in two parts (`names` name the parts in the message). Findings and checks
    are kept as each part judged them; settings are kept when all parts agree, else None."""
    if not parts:
        raise ValueError("nothing to merge")
    names = list(names) if names is not None else [f"part {n + 1}" for n in range(len(parts))]
    seen: dict[str, str] = {}
    accounts: list[AccountScan] = []
    resources: list[Resource] = []
    findings: list[Finding] = []
    for part, name in zip(parts, names, strict=True):
        part_accounts = part.account_scans()
        if not part_accounts:
            continue  # an empty shard
        if len(part_accounts) == 1:
            only = part_accounts[0]
            part_accounts = [replace(only, checks=list(part.checks), regions=list(only.regions))]
        for account in part_accounts:
            if account.id in seen:
                raise AccountsOverlap(account.id, seen[account.id], name)
            seen[account.id] = name
            accounts.append(account)
        default = part_accounts[0].id
        for resource in part.resources:
            if resource.account_id is None:
                resource.account_id = default
            resources.append(resource)
        findings += (f if f.account_id else replace(f, account_id=default) for f in part.findings)
    if not accounts:
        return empty_shard(min(p.started_at for p in parts), _latest(p.finished_at for p in parts))
    return assemble(
        accounts,
        resources,
        findings,
        started_at=min(p.started_at for p in parts),
        finished_at=_latest(p.finished_at for p in parts),
        settings=_same_settings(parts),
        profile=parts[0].profile if len({p.profile for p in parts}) == 1 else None,
    )


def shared_across(parts: Sequence[ScanResult]) -> list[str]:
    """The accounts whose VPCs or subnets another part holds copies of (VPC sharing, owner and
    participant scanned apart: shards, one file per account). What each part derived alone (a
    shared subnet's classification, the placement and exposure of what the participant put in
    it, the findings on them) must then be derived again over the merged accounts to be what
    one scan of them all gives. Reads only the VPCs and subnets."""
    home = {account.id: n for n, part in enumerate(parts) for account in part.account_scans()}
    owners: set[str] = set()
    for n, part in enumerate(parts):
        for resource in part.resources:
            if resource.type in NETWORKS:
                owner = shared_from(resource)
                if owner is not None and home.get(owner, n) != n:
                    owners.add(owner)
    return sorted(owners)


def _latest(values: Iterable[str | None]) -> str | None:
    values = list(values)
    return None if any(v is None for v in values) else max(v for v in values if v)


def assemble(
    accounts: list[AccountScan],
    resources: list[Resource],
    findings: list[Finding],
    *,
    started_at: str,
    finished_at: str | None,
    settings: CheckSettings | None = None,
    profile: str | None = None,
) -> ScanResult:
    """The ScanResult of several accounts, in the one shape every reader expects: accounts
    sorted by id, each account's checks merged into the result's."""
    accounts = sorted(accounts, key=lambda a: a.id)
    if len(accounts) == 1:
        checks = list(accounts[0].checks)
        accounts = [replace(accounts[0], checks=[])]
    else:
        checks = merge_checks([(a.id, a.checks) for a in accounts if a.checks])
    for account in accounts:
        account.regions = [
            RegionScan(
                r.name,
                r.status,
                [e if e.account_id else replace(e, account_id=account.id) for e in r.errors],
                r.reason,
            )
            for r in account.regions
        ]
    return ScanResult(
        account=accounts[0].account,
        started_at=started_at,
        finished_at=finished_at,
        regions=accounts[0].regions if len(accounts) == 1 else merged_regions(accounts),
        resources=resources,
        findings=sorted(findings, key=finding_order),
        checks=checks,
        profile=profile,
        settings=settings,
        accounts=accounts,
    )


def failed_account(
    account_id: str,
    reason: str,
    *,
    alias: str | None = None,
    name: str | None = None,
    ou_path: str | None = None,
    profile: str | None = None,
) -> AccountScan:
    """An account that could not be read at all: no regions, its one-line reason and fix."""
    return AccountScan(
        id=account_id,
        alias=alias,
        name=name,
        ou_path=ou_path,
        status=AccountStatus.FAILED,
        reason=reason,
        profile=profile,
    )


def with_account(errors: Iterable[CallError], account_id: str) -> list[CallError]:
    return [e if e.account_id else replace(e, account_id=account_id) for e in errors]


def find_account(accounts: Iterable[AccountScan], wanted: str) -> AccountScan | None:
    """The account `wanted` names: its id, else its alias or Organization name (any case)."""
    accounts = list(accounts)
    key = wanted.strip()
    exact = next((a for a in accounts if a.id == key), None)
    if exact is not None:
        return exact
    folded = key.casefold()
    return next(
        (a for a in accounts if folded in {(a.alias or "").casefold(), (a.name or "").casefold()}),
        None,
    )


# -- production accounts ------------------------------------------------------------------------

# `prod` as a part of a name, any case: "acme-prod", "Prod EU", "production", "prod2"; not
# "product", "nonprod", "non-prod", "preprod" or "pre-prod". A part is delimited by anything but
# a letter (a camelCase "AcmeProd" is not split: set the pattern for such names).
DEFAULT_PRODUCTION_PATTERN = (
    r"(?<![a-z])(?<!non-)(?<!non_)(?<!pre-)(?<!pre_)prod(?:uction)?(?![a-z])"
)
PRODUCTION_MARK = "PROD"


class BadProductionPattern(ValueError):
    """The production pattern is not a regular expression; the message is one line with the fix."""


def production_pattern(text: str | None = None) -> re.Pattern[str]:
    """The compiled pattern (case-insensitive); None or "" is the default one."""
    source = text or DEFAULT_PRODUCTION_PATTERN
    try:
        return re.compile(source, re.IGNORECASE)
    except re.error as exc:
        raise BadProductionPattern(
            f"production pattern {source!r} is not a regular expression ({exc}); write a Python "
            "regular expression, e.g. 'prod|live' (matched case-insensitively against each "
            "account's alias and name)"
        ) from None


def is_production(account: AccountScan, pattern: re.Pattern[str] | None = None) -> bool:
    """The one verdict: the account's alias or Organization name matches the pattern (never
    its id: twelve digits say nothing about what runs there)."""
    pattern = pattern or production_pattern()
    return any(pattern.search(value) for value in (account.alias, account.name) if value)


def production_ids(
    accounts: Iterable[AccountScan], pattern: str | re.Pattern[str] | None = None
) -> frozenset[str]:
    """The ids of the production accounts among `accounts`."""
    compiled = pattern if isinstance(pattern, re.Pattern) else production_pattern(pattern)
    return frozenset(a.id for a in accounts if is_production(a, compiled))


# -- cross-account links ------------------------------------------------------------------------

_ACCOUNT_IN_ARN = re.compile(r"^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):")
_BARE_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass(frozen=True, slots=True)
class AccountLink:
    """Another account a resource names: `via` says how (a VPC peering's accepter, a role's
    trust policy, ...); `target` is the peer resource's ARN when the scan holds it; `scanned`
    whether the account is in the scan at all (`label` its alias or name then)."""

    account_id: str
    via: str
    scanned: bool
    label: str | None = None
    target: str | None = None
    principal: str | None = None


def _principal_account(value: str) -> str | None:
    match = _ACCOUNT_IN_ARN.match(value)
    if match:
        return match.group(1)
    return value if _BARE_ACCOUNT.match(value) else None


# What CrossAccountIndex reads of a scan (a caller may hand it only these): the resources it
# finds by id (a peer VPC, a shared subnet's owner's copy, a transit gateway) and principals.
_BY_ID = (kinds.VPC, kinds.SUBNET, kinds.TRANSIT_GATEWAY)
_PRINCIPALS = (kinds.IAM_ROLE, kinds.USER)
INDEXED_TYPES = frozenset(_BY_ID + _PRINCIPALS)


class CrossAccountIndex:
    """Which other accounts each resource names, across a scan of several accounts. Built once
    per scan (an index of VPCs, transit gateways and principals by id); `links(resource)` is
    pure and cheap. With one account every answer is empty."""

    def __init__(self, accounts: Sequence[AccountScan], resources: Iterable[Resource]) -> None:
        self.accounts = {a.id: a for a in accounts}
        self._by_id: dict[tuple[str, str, str], str] = {}  # (account, type, id) -> arn
        self._tgw_owner: dict[str, str] = {}  # transit gateway id -> its account
        self._arns: set[str] = set()
        if len(self.accounts) < 2:
            return
        for resource in resources:
            account = resource.account_id or ""
            if resource.type in _BY_ID:
                self._by_id[(account, resource.type, resource.id)] = resource.arn
                if resource.type == kinds.TRANSIT_GATEWAY:  # a shared one's copy names it
                    self._tgw_owner[resource.id] = owner_account(resource) or account
            elif resource.type in _PRINCIPALS:
                self._arns.add(resource.arn)

    def _link(
        self, own: str, account_id: str | None, via: str, target: str | None = None, **kw: str
    ) -> AccountLink | None:
        if not account_id or account_id == own:
            return None
        scanned = self.accounts.get(account_id)
        return AccountLink(
            account_id,
            via,
            scanned is not None,
            scanned.label if scanned is not None and scanned.label != account_id else None,
            target if scanned is not None else None,
            kw.get("principal"),
        )

    def links(self, resource: Resource) -> list[AccountLink]:
        if len(self.accounts) < 2:
            return []
        own = resource.account_id or ""
        attrs = resource.peek_attributes()
        found: list[AccountLink | None] = []
        if resource.type == kinds.VPC_PEERING_CONNECTION:
            for side in ("requester", "accepter"):
                owner = attrs.get(f"{side}_owner_id")
                vpc = attrs.get(f"{side}_vpc_id")
                target = self._by_id.get((str(owner), kinds.VPC, str(vpc))) if owner else None
                found.append(self._link(own, owner, f"VPC peering {side}", target))
        elif resource.type == kinds.TRANSIT_GATEWAY_ATTACHMENT:
            tgw = str(attrs.get("transit_gateway_id") or "")
            owner = self._tgw_owner.get(tgw)
            target = self._by_id.get((owner or "", kinds.TRANSIT_GATEWAY, tgw))
            found.append(self._link(own, owner, "transit gateway owner", target))
            found.append(self._link(own, attrs.get("vpc_owner_id"), "attached VPC owner"))
        elif resource.type in SHAREABLE:
            owner = shared_from(resource)  # a copy of a VPC, subnet or gateway shared with it
            if owner is not None:
                target = self._by_id.get((owner, resource.type, resource.id))
                via = (
                    "shared transit gateway owner"
                    if resource.type == kinds.TRANSIT_GATEWAY
                    else "VPC sharing owner"
                )
                found.append(self._link(own, owner, via, target))
        for key, via in (("trust_policy", "role trust policy"), ("policy", "resource policy")):
            document = attrs.get(key)
            if not isinstance(document, dict):
                continue
            # Here, not at the top: the TUI's header imports this module for its PROD marker,
            # and the policy model is ~1 % of the first frame (FRAME's measure).
            from awsexplorer.model.policy import normalise

            for statement in normalise(document):
                if not statement.allow:
                    continue
                for kind, principal in statement.principals:
                    if kind != "AWS":
                        continue
                    account_id = _principal_account(principal)
                    target = principal if principal in self._arns else None
                    found.append(self._link(own, account_id, via, target, principal=principal))
        unique: dict[tuple[str, str, str | None, str | None], AccountLink] = {}
        for link in found:
            if link is not None:
                unique.setdefault((link.account_id, link.via, link.target, link.principal), link)
        return sorted(unique.values(), key=lambda k: (not k.scanned, k.account_id, k.via))


def names_of_accounts(scans: Sequence[AccountScan]) -> dict[str, str]:
    """Account id -> the tree's name for it (alias, else the Organization's name, else the id),
    with the id too where two accounts share one; short enough for a column at 80 columns
    (details give the id). Empty for fewer than two accounts."""
    if len(scans) < 2:
        return {}
    labels = [a.label for a in scans]
    return {
        a.id: a.label if labels.count(a.label) == 1 or a.label == a.id else f"{a.label} {a.id}"
        for a in scans
    }


def account_names(result: ScanResult) -> dict[str, str]:
    """names_of_accounts for a result: empty when it holds one account (one account's views
    and outputs keep their shape)."""
    return names_of_accounts(result.account_scans()) if result.multi_account else {}
