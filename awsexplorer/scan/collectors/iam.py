"""IAM: the root account, users, roles and groups, with their policies and when each was last used.

Account-wide calls only, where AWS has one: GetAccountAuthorizationDetails (every principal, its
policies, group memberships, trust policies and role last-used), the credential report (console
and access-key use), GetAccountSummary (root MFA and keys), the password policy and the virtual
MFA devices. Per-user calls are made only where no account-wide call exists (access key ids), or
when the credential report is denied (the fallback).
"""

from __future__ import annotations

import asyncio
import csv
import time
from dataclasses import dataclass, field
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    IAM_GENERATE_CREDENTIAL_REPORT,
    IAM_GET_ACCESS_KEY_LAST_USED,
    IAM_GET_ACCOUNT_AUTHORIZATION_DETAILS,
    IAM_GET_ACCOUNT_PASSWORD_POLICY,
    IAM_GET_ACCOUNT_SUMMARY,
    IAM_GET_CREDENTIAL_REPORT,
    IAM_GET_LOGIN_PROFILE,
    IAM_LIST_ACCESS_KEYS,
    IAM_LIST_MFA_DEVICES,
    IAM_LIST_USERS,
    IAM_LIST_VIRTUAL_MFA_DEVICES,
)
from awsexplorer.model.principals import (
    ROOT_ROW,
    Activity,
    ReportKey,
    ReportRow,
    activity,
    iso_utc,
    latest,
    parse_credential_report,
    policy_document,
    text_or_none,
)
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CollectContext,
    Scope,
    attributes_of,
    collector,
    display_name,
    tags_of,
)

# Error codes meaning "you may not", as opposed to "something broke".
DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})

# Polling GenerateCredentialReport: first wait, longest wait, and when to give up (seconds).
REPORT_FIRST_DELAY = 0.5
REPORT_MAX_DELAY = 4.0
REPORT_TIMEOUT = 30.0

# GetAccountAuthorizationDetails fields we turn into our own attributes (not copied raw).
_DETAIL_FIELDS = (
    "UserPolicyList",
    "GroupPolicyList",
    "RolePolicyList",
    "AttachedManagedPolicies",
    "AssumeRolePolicyDocument",
    "RoleLastUsed",
    "GroupList",
    "InstanceProfileList",
    "Tags",
    "CreateDate",
)


# -- what the account-wide calls return ---------------------------------------------------------


@dataclass(slots=True)
class Details:
    """GetAccountAuthorizationDetails, all pages merged."""

    users: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    roles: list[dict[str, Any]] = field(default_factory=list)
    policies: dict[str, dict[str, Any] | None] = field(default_factory=dict)  # arn -> document


@dataclass(slots=True)
class Report:
    """The credential report, or why there is none: ok | denied | timeout | failed."""

    status: str
    rows: dict[str, ReportRow] = field(default_factory=dict)
    generated: str | None = None


@dataclass(slots=True)
class UserAccess:
    """How a user can sign in and when it did: from the report, or from the per-user fallback."""

    console_access: bool | None = None
    mfa_enabled: bool | None = None
    password_last_used: str | None = None
    access_keys: list[dict[str, Any]] | None = None  # None: could not be read
    known: bool = False  # False: last use could not be read (not "never")


# -- GetAccountAuthorizationDetails -------------------------------------------------------------


def _default_document(policy: dict[str, Any]) -> dict[str, Any] | None:
    for version in policy.get("PolicyVersionList") or []:
        if version.get("IsDefaultVersion"):
            return policy_document(version.get("Document"))
    return None


async def get_authorization_details(ctx: CollectContext) -> Details | None:
    """Every page of GetAccountAuthorizationDetails. A page holds four lists, so this follows
    the Marker itself (CollectContext.paginate yields one list); each page is a bounded call."""
    details = Details()
    params: dict[str, Any] = {}
    try:
        while True:
            page = await ctx.call(IAM_GET_ACCOUNT_AUTHORIZATION_DETAILS, **params)
            details.users += page.get("UserDetailList") or []
            details.groups += page.get("GroupDetailList") or []
            details.roles += page.get("RoleDetailList") or []
            for policy in page.get("Policies") or []:
                details.policies[str(policy.get("Arn"))] = _default_document(policy)
            if not page.get("IsTruncated") or not page.get("Marker"):
                return details
            params = {"Marker": page["Marker"]}
    except CallFailure as failure:
        ctx.record(failure)
        return None


# -- the credential report ----------------------------------------------------------------------


async def generate_report(ctx: CollectContext) -> str:
    """Ask for a fresh report and wait, backing off, until AWS says COMPLETE.
    Returns "ok", or the reason there is no report ("denied", "timeout", "failed")."""
    deadline = time.monotonic() + REPORT_TIMEOUT
    delay = REPORT_FIRST_DELAY
    while True:
        try:
            response = await ctx.call(IAM_GENERATE_CREDENTIAL_REPORT)
        except CallFailure as failure:
            ctx.record(failure)
            return "denied" if failure.code in DENIED_CODES else "failed"
        if str(response.get("State", "")).upper() == "COMPLETE":
            return "ok"
        if time.monotonic() + delay > deadline:
            message = f"the credential report was not ready after {REPORT_TIMEOUT:g} s"
            ctx.record(CallFailure.of(IAM_GENERATE_CREDENTIAL_REPORT, TimeoutError(message)))
            return "timeout"
        await asyncio.sleep(delay)
        delay = min(delay * 2, REPORT_MAX_DELAY)


async def get_report(ctx: CollectContext) -> Report:
    try:
        response = await ctx.call(IAM_GET_CREDENTIAL_REPORT)
    except CallFailure as failure:
        ctx.record(failure)
        return Report("denied" if failure.code in DENIED_CODES else "failed")
    rows, skipped = read_credential_report(response.get("Content") or b"")
    if skipped:
        ctx.record(CallFailure.of(IAM_GET_CREDENTIAL_REPORT, MalformedReportRows(skipped)))
    return Report("ok", rows, iso_utc(response.get("GeneratedTime")))


class MalformedReportRows(Exception):
    """Lines of the credential report that are not one well-formed row each; the users they
    stood for are read with the per-user calls instead."""

    def __init__(self, skipped: list[tuple[int, str]]) -> None:
        shown = "; ".join(f"line {number}: {why}" for number, why in skipped[:5])
        more = f"; {len(skipped) - 5} more" if len(skipped) > 5 else ""
        super().__init__(
            f"skipped {len(skipped)} malformed line{'s' if len(skipped) != 1 else ''} of the "
            f"credential report ({shown}{more}); the other rows are used, and users without a "
            "row are read with per-user calls"
        )


def read_credential_report(
    content: bytes | str,
) -> tuple[dict[str, ReportRow], list[tuple[int, str]]]:
    """The report's rows, each line checked on its own first, so that one bad line (a name with a
    newline, a carriage return or a stray quote, which moto allows) cannot swallow the rows after
    it or stop the whole parse. Returns the rows and the skipped lines (number, reason); the
    reasons never quote the line (its text is whatever someone named a user)."""
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        return {}, []
    header_line = lines[0].removesuffix("\r")
    header = next(csv.reader([header_line]), [])
    try:
        user_at, arn_at = header.index("user"), header.index("arn")
    except ValueError:
        return {}, [(1, "the header names no user and arn columns")]
    good = [header_line]
    skipped: list[tuple[int, str]] = []
    for number, raw in enumerate(lines[1:], start=2):
        line = raw.removesuffix("\r")
        try:
            fields = next(csv.reader([line]), [])
        except csv.Error:
            skipped.append((number, "not valid CSV"))
            continue
        if len(fields) != len(header):
            skipped.append((number, f"{len(fields)} fields, the header has {len(header)}"))
            continue
        user, arn = fields[user_at], fields[arn_at]
        if not user or not (arn.endswith(("/" + user, ":root")) and arn.startswith("arn:")):
            skipped.append((number, "its ARN does not name its user"))
            continue
        good.append(line)
    return parse_credential_report("\n".join(good) + "\n"), skipped


async def credential_report(ctx: CollectContext) -> Report:
    status = await generate_report(ctx)
    if status != "ok":
        return Report(status)
    return await get_report(ctx)


# -- account summary, password policy, MFA devices ----------------------------------------------


async def get_account_summary(ctx: CollectContext) -> dict[str, Any] | None:
    response = await ctx.try_call(IAM_GET_ACCOUNT_SUMMARY)
    return None if response is None else dict(response.get("SummaryMap") or {})


async def get_password_policy(ctx: CollectContext) -> tuple[str, dict[str, Any] | None]:
    """("set", policy), ("none", None) when none is set (a fact), ("unknown", None) on error."""
    try:
        response = await ctx.call(IAM_GET_ACCOUNT_PASSWORD_POLICY)
    except CallFailure as failure:
        if failure.code == "NoSuchEntity":
            return "none", None
        ctx.record(failure)
        return "unknown", None
    return "set", attributes_of(response.get("PasswordPolicy") or {})


async def list_virtual_mfa_devices(ctx: CollectContext) -> list[dict[str, Any]] | None:
    try:
        return await ctx.paginate_all(
            IAM_LIST_VIRTUAL_MFA_DEVICES, "VirtualMFADevices", AssignmentStatus="Assigned"
        )
    except CallFailure as failure:
        ctx.record(failure)
        return None


# -- access keys: ids (per user: no account-wide call has them) and last use --------------------


async def list_access_keys(ctx: CollectContext, user: str) -> list[dict[str, Any]] | None:
    try:
        return await ctx.paginate_all(IAM_LIST_ACCESS_KEYS, "AccessKeyMetadata", UserName=user)
    except CallFailure as failure:
        ctx.record(failure)
        return None


async def get_access_key_last_used(ctx: CollectContext, key_id: str) -> dict[str, Any] | None:
    response = await ctx.try_call(IAM_GET_ACCESS_KEY_LAST_USED, AccessKeyId=key_id)
    return None if response is None else dict(response.get("AccessKeyLastUsed") or {})


def _key_entry(
    key_id: str | None, status: str | None, created: Any, used: ReportKey | None
) -> dict[str, Any]:
    return {
        "id": key_id,
        "status": status,
        "created": iso_utc(created),
        "last_used": used.last_used if used else None,
        "last_used_service": used.last_used_service if used else None,
        "last_used_region": used.last_used_region if used else None,
    }


def merge_keys(listed: list[dict[str, Any]] | None, slots: list[ReportKey]) -> list[dict[str, Any]]:
    """The report's key slots joined to ListAccessKeys' ids: a slot's last_rotated is its key's
    creation time; by age when the times do not line up. Without the list, ids stay unknown."""
    if listed is None:
        return [
            _key_entry(None, "Active" if s.active else "Inactive", s.last_rotated, s) for s in slots
        ]
    ordered = sorted(listed, key=lambda k: iso_utc(k.get("CreateDate")) or "")
    free = list(slots)
    entries = []
    for position, key in enumerate(ordered):
        created = iso_utc(key.get("CreateDate"))
        match = next((s for s in free if s.last_rotated == created), None)
        if match is None and position < len(slots) and slots[position] in free:
            match = slots[position]
        if match is not None:
            free.remove(match)
        entries.append(_key_entry(key.get("AccessKeyId"), key.get("Status"), created, match))
    return entries


async def fill_key_usage(ctx: CollectContext, key: dict[str, Any]) -> None:
    """Ask GetAccessKeyLastUsed for a key the report saw used but without region or service
    (older reports, some emulators), or for every key in the fallback."""
    if not key.get("id"):
        return
    used = await get_access_key_last_used(ctx, str(key["id"]))
    if not used:
        return
    key["last_used"] = iso_utc(used.get("LastUsedDate")) or key.get("last_used")
    key["last_used_service"] = text_or_none(used.get("ServiceName")) or key["last_used_service"]
    key["last_used_region"] = text_or_none(used.get("Region")) or key["last_used_region"]


def _needs_usage(key: dict[str, Any]) -> bool:
    return bool(key["last_used"]) and not (key["last_used_region"] and key["last_used_service"])


async def keys_from_report(ctx: CollectContext, row: ReportRow) -> list[dict[str, Any]]:
    if not row.keys:
        return []  # the report says this user has no keys: no call needed
    keys = merge_keys(await list_access_keys(ctx, row.user), row.keys)
    await asyncio.gather(*(fill_key_usage(ctx, k) for k in keys if _needs_usage(k)))
    return keys


async def access_from_report(ctx: CollectContext, row: ReportRow) -> UserAccess:
    return UserAccess(
        console_access=row.password_enabled,
        mfa_enabled=row.mfa_active,
        password_last_used=row.password_last_used,
        access_keys=await keys_from_report(ctx, row),
        known=True,
    )


# -- the fallback when the report is denied: per-user calls -------------------------------------


async def list_password_last_used(ctx: CollectContext) -> dict[str, str | None] | None:
    try:
        users = await ctx.paginate_all(IAM_LIST_USERS, "Users")
    except CallFailure as failure:
        ctx.record(failure)
        return None
    return {str(u["UserName"]): iso_utc(u.get("PasswordLastUsed")) for u in users}


async def get_login_profile(ctx: CollectContext, user: str) -> bool | None:
    """Whether the user has a console password (NoSuchEntity: no, a fact)."""
    try:
        await ctx.call(IAM_GET_LOGIN_PROFILE, UserName=user)
    except CallFailure as failure:
        if failure.code == "NoSuchEntity":
            return False
        ctx.record(failure)
        return None
    return True


async def list_mfa_devices(ctx: CollectContext, user: str) -> bool | None:
    try:
        devices = await ctx.paginate_all(IAM_LIST_MFA_DEVICES, "MFADevices", UserName=user)
    except CallFailure as failure:
        ctx.record(failure)
        return None
    return bool(devices)


async def keys_without_report(ctx: CollectContext, user: str) -> list[dict[str, Any]] | None:
    listed = await list_access_keys(ctx, user)
    if listed is None:
        return None
    keys = [
        _key_entry(k.get("AccessKeyId"), k.get("Status"), k.get("CreateDate"), None) for k in listed
    ]
    await asyncio.gather(*(fill_key_usage(ctx, k) for k in keys))
    return keys


async def access_without_report(
    ctx: CollectContext, user: str, password_used: dict[str, str | None] | None
) -> UserAccess:
    console, mfa, keys = await asyncio.gather(
        get_login_profile(ctx, user), list_mfa_devices(ctx, user), keys_without_report(ctx, user)
    )
    return UserAccess(
        console_access=console,
        mfa_enabled=mfa,
        password_last_used=(password_used or {}).get(user),
        access_keys=keys,
        known=password_used is not None and keys is not None,
    )


async def user_access(
    ctx: CollectContext, users: list[str], report: Report
) -> dict[str, UserAccess]:
    """Every user's sign-in facts: from the report; per user when the report is denied, or for
    users created after it was generated (AWS reuses a report for up to four hours)."""
    if report.status not in ("ok", "denied"):
        return {}  # the failure is recorded; last use stays unknown, not "never"
    rows = [report.rows[u] for u in users if u in report.rows]
    found = await asyncio.gather(*(access_from_report(ctx, r) for r in rows))
    access = {r.user: a for r, a in zip(rows, found, strict=True)}
    missing = [u for u in users if u not in access]
    if missing:
        password_used = await list_password_last_used(ctx)
        found = await asyncio.gather(
            *(access_without_report(ctx, u, password_used) for u in missing)
        )
        access.update(zip(missing, found, strict=True))
    return access


# -- building the resources ---------------------------------------------------------------------


def _attached(detail: dict[str, Any], details: Details) -> list[dict[str, Any]]:
    return [
        {
            "name": p.get("PolicyName"),
            "arn": p.get("PolicyArn"),
            "document": details.policies.get(str(p.get("PolicyArn"))),
        }
        for p in detail.get("AttachedManagedPolicies") or []
    ]


def _boundary(detail: dict[str, Any], details: Details | None) -> dict[str, Any] | None:
    # The permission boundary with its document (in Policies when it is a managed policy read;
    # None without the authorization details: the boundary is known, its document is not).
    arn = (detail.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    if not arn:
        return None
    return {"arn": arn, "document": details.policies.get(str(arn)) if details else None}


def _inline(detail: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [
        {"name": p.get("PolicyName"), "document": policy_document(p.get("PolicyDocument"))}
        for p in detail.get(key) or []
    ]


def _principal(
    ctx: CollectContext, rtype: str, name: str, arn: str, raw: dict[str, Any], extra: dict[str, Any]
) -> Resource:
    tags = tags_of(raw)
    attributes = attributes_of(raw, drop=_DETAIL_FIELDS)
    attributes.update(extra)
    return Resource(
        arn=arn,
        type=rtype,
        id=name,
        name=display_name(tags, name, name),
        region=ctx.region,
        tags=tags,
        attributes=attributes,
    )


def _last_used(found: Activity | None, known: bool) -> dict[str, Any]:
    return {
        "last_used": found.when if found else None,
        "last_used_detail": found.to_dict() if found else None,
        "last_used_known": known,
    }


def user_activity(access: UserAccess) -> Activity | None:
    console = activity(access.password_last_used, "console")
    keys = [
        activity(
            k["last_used"],
            "access-key",
            key_id=k["id"],
            service=k["last_used_service"],
            region=k["last_used_region"],
        )
        for k in access.access_keys or []
    ]
    return latest([console, *keys])


def user_resource(
    ctx: CollectContext, detail: dict[str, Any], access: UserAccess, details: Details | None
) -> Resource:
    name = str(detail["UserName"])
    extra = {
        "created": iso_utc(detail.get("CreateDate")),
        "console_access": access.console_access,
        "mfa_enabled": access.mfa_enabled,
        "access_keys": access.access_keys,
        "groups": [str(g) for g in detail.get("GroupList") or []] if details else None,
        "attached_policies": _attached(detail, details) if details else None,
        "inline_policies": _inline(detail, "UserPolicyList") if details else None,
        "permissions_boundary": _boundary(detail, details),
        **_last_used(user_activity(access), access.known),
    }
    return _principal(ctx, kinds.USER, name, str(detail["Arn"]), detail, extra)


def role_resource(ctx: CollectContext, detail: dict[str, Any], details: Details) -> Resource:
    name = str(detail["RoleName"])
    used = detail.get("RoleLastUsed") or {}
    region = text_or_none(used.get("Region"))
    extra = {
        "created": iso_utc(detail.get("CreateDate")),
        "path": detail.get("Path"),
        "trust_policy": policy_document(detail.get("AssumeRolePolicyDocument")),
        "last_used_region": region,
        "instance_profiles": [
            p.get("InstanceProfileName") for p in detail.get("InstanceProfileList") or []
        ],
        "attached_policies": _attached(detail, details),
        "inline_policies": _inline(detail, "RolePolicyList"),
        "permissions_boundary": _boundary(detail, details),
        **_last_used(activity(used.get("LastUsedDate"), "role", region=region), True),
    }
    return _principal(ctx, kinds.IAM_ROLE, name, str(detail["Arn"]), detail, extra)


def group_resource(
    ctx: CollectContext, detail: dict[str, Any], details: Details, users: list[Resource]
) -> Resource:
    """A group is never used itself: its last use is its most recent member's."""
    name = str(detail["GroupName"])
    members = [u for u in users if name in (u.attributes.get("groups") or [])]
    uses = [_member_activity(u) for u in members]
    extra = {
        "created": iso_utc(detail.get("CreateDate")),
        "members": sorted(u.id for u in members),
        "attached_policies": _attached(detail, details),
        "inline_policies": _inline(detail, "GroupPolicyList"),
        **_last_used(latest(uses), all(u.attributes.get("last_used_known") for u in members)),
    }
    return _principal(ctx, kinds.GROUP, name, str(detail["Arn"]), detail, extra)


def _member_activity(user: Resource) -> Activity | None:
    detail = user.attributes.get("last_used_detail")
    if not detail:
        return None
    return Activity(
        detail["when"],
        "member",
        key_id=detail.get("key_id"),
        service=detail.get("service"),
        region=detail.get("region"),
        member=user.id,
    )


def users_from_report(report: Report) -> list[dict[str, Any]]:
    """Without GetAccountAuthorizationDetails, the report still names every user."""
    return [
        {"UserName": r.user, "Arn": r.arn, "CreateDate": r.created}
        for name, r in report.rows.items()
        if name != ROOT_ROW
    ]


# -- the root account ---------------------------------------------------------------------------


def _root_mfa(
    summary: dict[str, Any] | None, row: ReportRow | None, devices: list[dict[str, Any]] | None
) -> tuple[bool | None, str | None]:
    """Whether root has MFA, and which kind: a virtual device assigned to root, else hardware."""
    enabled = bool(summary["AccountMFAEnabled"]) if summary else (row.mfa_active if row else None)
    if not enabled:
        return enabled, None
    if devices is None:
        return True, None
    virtual = any(str((d.get("User") or {}).get("Arn", "")).endswith(":root") for d in devices)
    return True, "virtual" if virtual else "hardware"


def _root_keys(summary: dict[str, Any] | None, row: ReportRow | None) -> bool | None:
    if summary is not None:
        return bool(summary.get("AccountAccessKeysPresent"))
    return any(k.active for k in row.keys) if row else None


def root_resource(
    ctx: CollectContext,
    summary: dict[str, Any] | None,
    report: Report,
    password_policy: tuple[str, dict[str, Any] | None],
    devices: list[dict[str, Any]] | None,
) -> Resource:
    row = report.rows.get(ROOT_ROW)
    keys = merge_keys(None, row.keys) if row else None
    access = UserAccess(
        password_last_used=row.password_last_used if row else None, access_keys=keys
    )
    mfa_enabled, mfa_type = _root_mfa(summary, row, devices)
    attributes = {
        "created": row.created if row else None,
        "mfa_enabled": mfa_enabled,
        "mfa_type": mfa_type,
        "access_keys_present": _root_keys(summary, row),
        "access_keys": keys,
        "password_policy": password_policy[1],
        "password_policy_status": password_policy[0],
        "credential_report_status": report.status,
        "credential_report_generated": report.generated,
        "account_summary": summary,
        **_last_used(user_activity(access), row is not None),
    }
    return Resource(
        arn=f"arn:{ctx.partition}:iam::{ctx.account.id}:root",
        type=kinds.ROOT,
        id="root",
        name="root",
        region=ctx.region,
        attributes=attributes,
    )


# -- the collector ------------------------------------------------------------------------------


async def principals(
    ctx: CollectContext, details: Details | None, report: Report
) -> list[Resource]:
    user_details = details.users if details else users_from_report(report)
    names = [str(u["UserName"]) for u in user_details]
    access = await user_access(ctx, names, report)
    users = [
        user_resource(ctx, u, access.get(str(u["UserName"]), UserAccess()), details)
        for u in user_details
    ]
    if details is None:
        return users
    roles = [role_resource(ctx, r, details) for r in details.roles]
    groups = [group_resource(ctx, g, details, users) for g in details.groups]
    return [*users, *roles, *groups]


@collector(
    service="iam",
    scope=Scope.GLOBAL,
    calls=[
        IAM_GET_ACCOUNT_AUTHORIZATION_DETAILS,
        IAM_GENERATE_CREDENTIAL_REPORT,
        IAM_GET_CREDENTIAL_REPORT,
        IAM_GET_ACCOUNT_SUMMARY,
        IAM_GET_ACCOUNT_PASSWORD_POLICY,
        IAM_LIST_VIRTUAL_MFA_DEVICES,
        IAM_LIST_ACCESS_KEYS,
        IAM_GET_ACCESS_KEY_LAST_USED,
        # Only when the credential report is denied:
        IAM_LIST_USERS,
        IAM_GET_LOGIN_PROFILE,
        IAM_LIST_MFA_DEVICES,
    ],
    types=[kinds.ROOT, kinds.USER, kinds.IAM_ROLE, kinds.GROUP],
)
async def collect_principals(ctx: CollectContext) -> list[Resource]:
    details, report, summary, password_policy, devices = await asyncio.gather(
        get_authorization_details(ctx),
        credential_report(ctx),
        get_account_summary(ctx),
        get_password_policy(ctx),
        list_virtual_mfa_devices(ctx),
    )
    root = root_resource(ctx, summary, report, password_policy, devices)
    return [root, *await principals(ctx, details, report)]
