"""The IAM screen's data: root, users, roles and groups, when each was last used, and by what.

Reads the attributes the IAM collector writes (see awsexplorer/model/principals.py for the
contract) and the findings. It judges nothing itself: dormant and stale keys are the verdicts of
awsexplorer/model/activity.py with the user's `stale_days` (as the checks use them), admin rights
come from the `iam-admin-access` finding, or, when the checks have not run yet, from the answers
that check reads (awsexplorer/model/principals.admin_answers: computed once per scan).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from awsexplorer.config import DEFAULT_STALE_DAYS
from awsexplorer.model import Resource, ScanResult, Severity, kinds
from awsexplorer.model.accounts import account_names
from awsexplorer.model.activity import key_use, parse_time, principal_use
from awsexplorer.model.findings import worst_by_resource
from awsexplorer.model.principals import admin_answers
from awsexplorer.ui.format import relative_time

ADMIN_CHECK = "iam-admin-access"

KIND_ORDER = {kinds.ROOT: 0, kinds.USER: 1, kinds.IAM_ROLE: 2, kinds.GROUP: 3}
KIND_LABEL = {kinds.ROOT: "root", kinds.USER: "user", kinds.IAM_ROLE: "role", kinds.GROUP: "group"}

NOT_APPLICABLE = "-"
UNKNOWN = "?"


class Admin(StrEnum):
    YES = "yes"  # holds admin rights itself
    GROUP = "group"  # a user in a group that holds them
    NO = "no"
    UNKNOWN = UNKNOWN  # its policies could not be read
    NOT_APPLICABLE = NOT_APPLICABLE  # root: always all-powerful, not news


@dataclass(frozen=True, slots=True)
class AccessKey:
    id: str | None  # None when only the credential report's slot is known
    active: bool
    age_days: int | None
    last_used: str  # relative: "3 days ago", "never"
    stale: bool  # active and older than `stale_days` (the iam-access-key-not-rotated verdict)

    @property
    def label(self) -> str:
        if not self.active:
            return "off"
        return f"{self.age_days}d" if self.age_days is not None else UNKNOWN


@dataclass(frozen=True, slots=True)
class PrincipalRow:
    arn: str
    name: str
    kind: str  # root | user | role | group
    kind_rank: int
    last_used_at: datetime | None
    last_used: str  # "3 days ago", "never", or "unknown" when it could not be read
    where: str  # what was used, and in which region: "s3 eu-west-1 (key …WXYZ)"
    mfa: str  # yes | no | ? | -
    console: bool | None  # has a console password (users); None when not known or n/a
    keys: tuple[AccessKey, ...]
    keys_text: str  # "412d 3d", "off", "none", "?" (not readable), "-" (roles, groups)
    admin: Admin
    warnings: int
    worst: Severity | None
    dormant: bool  # a user or role unused for `stale_days` (the iam-principal-unused verdict)
    stale_days: int = DEFAULT_STALE_DAYS  # the threshold both verdicts used
    account: str = ""  # its account's name when the scan holds several (account_names)

    @property
    def stale_keys(self) -> int:
        return sum(1 for k in self.keys if k.stale)


class SortColumn(StrEnum):
    NAME = "name"
    KIND = "kind"
    LAST_USED = "last used"
    MFA = "mfa"
    ADMIN = "admin"
    WARNINGS = "warnings"
    KEYS = "keys"
    WHERE = "where"
    ACCOUNT = "account"  # a column when the scan holds several accounts


def _by_last_use(row: PrincipalRow) -> float:
    # Never used sorts as the oldest: the ones to look at come first.
    return row.last_used_at.timestamp() if row.last_used_at else float("-inf")


_SORT_KEYS: dict[SortColumn, Callable[[PrincipalRow], Any]] = {
    SortColumn.NAME: lambda r: (r.name.lower(), r.kind_rank, r.account.lower()),
    SortColumn.KIND: lambda r: (r.kind_rank, r.name.lower(), r.account.lower()),
    SortColumn.LAST_USED: lambda r: (_by_last_use(r), r.kind_rank, r.name.lower()),
    SortColumn.WHERE: lambda r: (r.where == "", r.where.lower(), r.name.lower()),
    SortColumn.ACCOUNT: lambda r: (r.account.lower(), r.kind_rank, r.name.lower()),
    SortColumn.MFA: lambda r: (["no", "?", "yes", "-"].index(r.mfa), r.name.lower()),
    SortColumn.KEYS: lambda r: (
        -max((k.age_days or 0 for k in r.keys if k.active), default=-1),
        r.name.lower(),
    ),
    SortColumn.ADMIN: lambda r: (list(Admin).index(r.admin), r.name.lower()),
    SortColumn.WARNINGS: lambda r: (-r.warnings, r.worst.rank if r.worst else 99, r.name.lower()),
}


def sort_rows(
    rows: list[PrincipalRow], column: SortColumn, reverse: bool = False
) -> list[PrincipalRow]:
    """Rows in the column's natural order (most telling first), or its reverse."""
    return sorted(rows, key=_SORT_KEYS[column], reverse=reverse)


def _short_key(key_id: Any) -> str:
    return f"key …{str(key_id)[-4:]}" if key_id else "key"


def describe_use(detail: Any, fallback_region: str | None = None) -> str:
    """`last_used_detail` ({kind, when, key_id, service, region, member}) in a few words:
    "console", "s3 eu-west-1 (key …WXYZ)", "eu-west-1" (a role), "alice: console" (a group)."""
    if not isinstance(detail, dict):
        return str(detail or fallback_region or "")
    region = detail.get("region") or fallback_region
    place = " ".join(str(p) for p in (detail.get("service"), region) if p)
    if detail.get("kind") == "console":
        what = "console"
    elif detail.get("key_id") or detail.get("kind") == "access-key":
        what = _short_key(detail.get("key_id"))
    else:
        what = ""  # a role: the region says it all
    text = f"{place} ({what})" if place and what else place or what
    member = detail.get("member")
    if member:
        return f"{member}: {text}" if text else f"by {member}"
    return text


def _keys(raw: Any, now: datetime, stale_days: int) -> tuple[AccessKey, ...]:
    keys = []
    for entry in raw or []:
        if not isinstance(entry, dict):
            continue
        verdict = key_use(entry, stale_days, now)
        age = verdict.age_days
        keys.append(
            AccessKey(
                id=entry.get("id"),
                active=verdict.active,
                age_days=max(int(age), 0) if age is not None else None,
                last_used=relative_time(entry.get("last_used"), now),
                stale=bool(verdict.not_rotated),
            )
        )
    return tuple(keys)


def _keys_text(kind: str, attrs: dict[str, Any], keys: tuple[AccessKey, ...]) -> str:
    if kind not in ("root", "user"):
        return NOT_APPLICABLE
    if keys:
        return " ".join(k.label for k in keys)
    if attrs.get("access_keys") is None:
        # Root's keys may still be known as a yes/no from the account summary.
        present = attrs.get("access_keys_present")
        return UNKNOWN if present is None else ("present" if present else "none")
    return "none"


def _mfa(kind: str, attrs: dict[str, Any]) -> str:
    if kind not in ("root", "user"):
        return NOT_APPLICABLE
    value = attrs.get("mfa_enabled")
    if value is None:
        return UNKNOWN
    return "yes" if value else "no"


def build_iam_rows(
    result: ScanResult, now: datetime | None = None, stale_days: int = DEFAULT_STALE_DAYS
) -> list[PrincipalRow]:
    """One row per principal, by kind then name; dormant and stale keys judged at `now` against
    `stale_days` (the user's setting, as the checks use it)."""
    now = now or datetime.now(UTC)
    principals = [r for r in result.resources if r.type in KIND_ORDER]
    # Account-level warnings are filed under the root ARN but are not the root user's.
    own = [f for f in result.findings if not f.account_level]
    warnings: Counter[str] = Counter(f.resource for f in own)
    worst = worst_by_resource(own)
    flagged = {f.resource for f in result.findings if f.check == ADMIN_CHECK}
    answers = admin_answers(result.resources)
    names = account_names(result)

    def admin_of(resource: Resource) -> Admin:
        # The iam-admin-access verdict: admin through its own policies (flagged), through its
        # groups' only, or not; unknown when its policies could not be read.
        if resource.type == kinds.ROOT:
            return Admin.NOT_APPLICABLE
        found = answers.get(resource.arn)
        if resource.arn in flagged or (found is not None and found.granting):
            return Admin.YES
        if found is None or found.admin is None:
            return Admin.UNKNOWN
        return Admin.GROUP if found.admin.is_admin else Admin.NO

    rows = []
    for r in principals:
        kind = KIND_LABEL[r.type]
        attrs = r.attributes
        known = attrs.get("last_used_known", True) is not False
        last_used_at = parse_time(attrs.get("last_used"))
        admin = admin_of(r)
        if kind == "group" and not last_used_at:
            members = attrs.get("members") or []
            where = f"{len(members)} member{'s' if len(members) != 1 else ''}"
        else:
            where = describe_use(attrs.get("last_used_detail"), attrs.get("last_used_region"))
        if last_used_at is None and not known:
            last_used = "unknown"
        else:
            last_used = relative_time(attrs.get("last_used"), now)
        keys = _keys(attrs.get("access_keys"), now, stale_days) if kind in ("root", "user") else ()
        rows.append(
            PrincipalRow(
                arn=r.arn,
                name=r.name,
                kind=kind,
                kind_rank=KIND_ORDER[r.type],
                last_used_at=last_used_at,
                last_used=last_used,
                where=where,
                mfa=_mfa(kind, attrs),
                console=attrs.get("console_access") if kind == "user" else None,
                keys=keys,
                keys_text=_keys_text(kind, attrs, keys),
                admin=admin,
                warnings=warnings.get(r.arn, 0),
                worst=worst.get(r.arn),
                dormant=principal_use(r.type, attrs, stale_days, now).use.unused,
                stale_days=stale_days,
                account=names.get(r.account_id or "", ""),
            )
        )
    return sort_rows(rows, SortColumn.KIND)
