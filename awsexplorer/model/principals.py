"""IAM principals as plain data: last-used arithmetic, the credential report, policy documents.

Pure: no I/O, nothing else of ours imported. The IAM collector uses these to build resources;
the checks and the UI use them to read the documents the collector stored in `attributes`.

Attribute contract of the IAM resources (all timestamps ISO-8601 UTC, `null` meaning "never"):
  every principal: last_used, last_used_detail, last_used_known, created,
                   attached_policies [{name, arn, document}], inline_policies [{name, document}]
                   (`None` instead of a list when the policies could not be read)
  iam:user:        console_access, mfa_enabled, access_keys, groups
  iam:role:        last_used_region, trust_policy
  iam:group:       members
  iam:root:        mfa_enabled, access_keys_present, password_policy, password_policy_status,
                   credential_report_generated, credential_report_status
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from awsexplorer.model import kinds
from awsexplorer.model.activity import parse_time
from awsexplorer.model.policy import AdminAnswer, PolicySet, document_of, normalise

ROOT_ROW = "<root_account>"

# What the credential report and GetAccessKeyLastUsed write where there is no value
# (`parse_time`, in model/activity.py, reads them as no time).
_NO_VALUE = frozenset({"", "n/a", "no_information", "not_supported", "none"})


# -- time ---------------------------------------------------------------------------------------


def iso_utc(value: Any) -> str | None:
    """ISO-8601 UTC to the second ("2024-03-04T05:06:07Z"), or None for no value."""
    moment = parse_time(value)
    if moment is None:
        return None
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def text_or_none(value: Any) -> str | None:
    """The report's "N/A" / "not_supported" placeholders as None."""
    if value is None or str(value).strip().lower() in _NO_VALUE:
        return None
    return str(value)


def flag(value: Any) -> bool | None:
    """The report's "true"/"false" as a bool; "not_supported" and friends as None."""
    text = str(value).strip().lower() if value is not None else ""
    if text == "true":
        return True
    if text == "false":
        return False
    return None


# -- activity -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Activity:
    """One use of a principal: when, and what was used."""

    when: str  # ISO-8601 UTC
    kind: str  # "console" | "access-key" | "role" | "member"
    key_id: str | None = None
    service: str | None = None
    region: str | None = None
    member: str | None = None  # for a group: the user whose activity this is

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "when": self.when}
        for name in ("key_id", "service", "region", "member"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        return data


def activity(when: Any, kind: str, **detail: str | None) -> Activity | None:
    """An Activity, or None when `when` holds no date (never used)."""
    stamp = iso_utc(when)
    if stamp is None:
        return None
    return Activity(stamp, kind, **{k: text_or_none(v) for k, v in detail.items()})


def latest(activities: Iterable[Activity | None]) -> Activity | None:
    """The most recent of several uses; None when there were none."""
    found = [a for a in activities if a is not None]
    if not found:
        return None
    return max(found, key=lambda a: parse_time(a.when) or datetime.min.replace(tzinfo=UTC))


# -- the credential report ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportKey:
    slot: int  # 1 or 2, as the report numbers them
    active: bool
    last_rotated: str | None
    last_used: str | None
    last_used_region: str | None
    last_used_service: str | None


@dataclass(frozen=True, slots=True)
class ReportRow:
    user: str
    arn: str
    created: str | None
    password_enabled: bool | None  # None for the root row ("not_supported")
    password_last_used: str | None
    password_last_changed: str | None
    mfa_active: bool | None
    keys: list[ReportKey] = field(default_factory=list)


def _report_key(row: dict[str, str], slot: int) -> ReportKey | None:
    prefix = f"access_key_{slot}_"
    last_rotated = iso_utc(row.get(prefix + "last_rotated"))
    active = flag(row.get(prefix + "active"))
    if last_rotated is None and not active:
        return None  # no such key
    return ReportKey(
        slot=slot,
        active=bool(active),
        last_rotated=last_rotated,
        last_used=iso_utc(row.get(prefix + "last_used_date")),
        last_used_region=text_or_none(row.get(prefix + "last_used_region")),
        last_used_service=text_or_none(row.get(prefix + "last_used_service")),
    )


def parse_credential_report(content: bytes | str) -> dict[str, ReportRow]:
    """GetCredentialReport's CSV, by user name (the root account under ROOT_ROW)."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    rows: dict[str, ReportRow] = {}
    for row in csv.DictReader(io.StringIO(text)):
        name = row.get("user") or ""
        if not name:
            continue
        keys = [_report_key(row, slot) for slot in (1, 2)]
        rows[name] = ReportRow(
            user=name,
            arn=row.get("arn") or "",
            created=iso_utc(row.get("user_creation_time")),
            password_enabled=flag(row.get("password_enabled")),
            password_last_used=iso_utc(row.get("password_last_used")),
            password_last_changed=iso_utc(row.get("password_last_changed")),
            mfa_active=flag(row.get("mfa_active")),
            keys=[k for k in keys if k is not None],
        )
    return rows


# -- policy documents ---------------------------------------------------------------------------
# Read by the one evaluator, awsexplorer/model/policy.py; these are the principal-level views.


def policy_document(value: Any) -> dict[str, Any] | None:
    """A policy document as a dict, whether the API gave a dict, JSON or URL-encoded JSON."""
    return document_of(value)


# -- principals' documents ----------------------------------------------------------------------


# AWS's own AdministratorAccess is "Allow * on *" by definition: known even when its document
# was not read.
ADMINISTRATOR_ACCESS_ARN_SUFFIX = ":iam::aws:policy/AdministratorAccess"
ADMINISTRATOR_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def known_document(entry: dict[str, Any]) -> dict[str, Any] | None:
    """A held policy's document; AWS's AdministratorAccess by its ARN when it was not read."""
    doc = policy_document(entry.get("document"))
    arn = str(entry.get("arn") or "")
    if doc is None and arn.startswith("arn:aws") and arn.endswith(ADMINISTRATOR_ACCESS_ARN_SUFFIX):
        return ADMINISTRATOR_ACCESS
    return doc


def documents(attributes: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every policy document a principal holds itself, as (policy name, document)."""
    found: list[tuple[str, dict[str, Any]]] = []
    for key in ("attached_policies", "inline_policies"):
        for entry in attributes.get(key) or []:
            doc = known_document(entry)
            if doc is not None:
                found.append((str(entry.get("name") or entry.get("arn") or "?"), doc))
    return found


def effective_documents(
    user_attributes: dict[str, Any], groups: dict[str, dict[str, Any]]
) -> list[tuple[str, dict[str, Any]]]:
    """A user's own documents plus those of its groups (`groups`: group name -> attributes),
    so that admin-through-a-group is found. Group documents are named "group/<name>: <policy>"."""
    found = documents(user_attributes)
    for group in user_attributes.get("groups") or []:
        for name, doc in documents(groups.get(group) or {}):
            found.append((f"group/{group}: {name}", doc))
    return found


def boundary(attributes: dict[str, Any]) -> tuple[str, str | None, dict[str, Any] | None] | None:
    """A user's or role's permission boundary as (name, arn, document), None when it has none;
    the document is None when it could not be read."""
    found = attributes.get("permissions_boundary")
    if not isinstance(found, dict):
        return None
    arn = str(found.get("arn") or "") or None
    name = (arn or "?").rsplit("/", 1)[-1]
    return name, arn, policy_document(found.get("document"))


def policy_set(
    user_attributes: dict[str, Any], groups: dict[str, dict[str, Any]] | None = None
) -> PolicySet:
    """The policies that decide what a principal may do: its own, its groups' (when `groups`,
    group name -> attributes, is given) and its permission boundary, for the evaluator. A
    boundary whose document was not read is left out (it can only limit, never grant)."""
    found = (
        effective_documents(user_attributes, groups)
        if groups is not None
        else documents(user_attributes)
    )
    limit = boundary(user_attributes)
    bounds = [(f"boundary {limit[0]}", limit[2])] if limit and limit[2] is not None else None
    return PolicySet(found, bounds)


def admin_answer(
    attributes: dict[str, Any], groups: dict[str, dict[str, Any]] | None = None
) -> AdminAnswer:
    """Is this principal admin-equivalent (see PolicySet.admin)? The one definition of "admin"
    the checks and the IAM view share."""
    return policy_set(attributes, groups).admin()


# -- each principal's verdict, computed once per scan -------------------------------------------
# The iam-admin-access and iam-service-wildcard checks and the IAM view read these (issue 11: a
# verdict is computed once and every view shows it).

USER, GROUP, ROLE = kinds.USER, kinds.GROUP, kinds.IAM_ROLE


def held_policies(attributes: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Attached and inline policies as [{name, arn?, document, kind}], None when not read."""
    attached = attributes.get("attached_policies")
    inline = attributes.get("inline_policies")
    if attached is None or inline is None:
        return None
    return [{**p, "kind": "attached"} for p in attached] + [{**p, "kind": "inline"} for p in inline]


def policy_label(policy: dict[str, Any]) -> str:
    return f"{policy.get('name')} ({policy['kind']})"


def own(labels: Iterable[str]) -> list[str]:
    """The labels of a principal's own policies (not its groups')."""
    return [label for label in labels if not label.startswith("group/")]


@dataclass(frozen=True, slots=True)
class PrincipalPolicies:
    """The evaluator's view of one user, group or role: its own policies (labelled "name
    (kind)"), a user's groups' ("group/G: name (kind)") and its permission boundary."""

    policies: list[dict[str, Any]] | None  # held_policies(); None when they were not read
    policy_set: PolicySet | None  # of what was read; None when neither list was read
    unread: tuple[str, ...]  # labels of the documents that could not be read
    admin: AdminAnswer | None  # policy_set's; None when neither list was read

    @property
    def granting(self) -> list[str]:
        """Its own policies that make it admin (empty when it is not, or only via a group)."""
        return own(self.admin.answer.sources) if self.admin and self.admin.is_admin else []


def principal_policies(
    resource_type: str,
    attributes: dict[str, Any],
    groups: dict[str, dict[str, Any]],
) -> PrincipalPolicies:
    """A principal's policies for the evaluator (`groups`: group name -> attributes, read for a
    user's memberships) and its admin answer."""
    policies = held_policies(attributes)
    if policies is None:
        attached = attributes.get("attached_policies")
        inline = attributes.get("inline_policies")
        if attached is None and inline is None:
            return PrincipalPolicies(None, None, (), None)
        # One list read: answered from it (the IAM view shows it), though the checks call the
        # principal's policies not read.
        readable = held_policies(
            {"attached_policies": attached or [], "inline_policies": inline or []}
        )
    else:
        readable = policies
    held = [(policy_label(p), known_document(p)) for p in readable or []]
    unread = [label for label, doc in held if doc is None]
    found: list[tuple[str, Any]] = [(label, doc) for label, doc in held if doc is not None]
    if resource_type == USER:
        for name in attributes.get("groups") or []:
            group = groups.get(name)
            for policy in (held_policies(group) or []) if group is not None else []:
                doc = known_document(policy)
                if doc is not None:
                    found.append((f"group/{name}: {policy_label(policy)}", doc))
    limit = boundary(attributes)
    bounds = None
    if limit is not None:
        if limit[2] is None:
            unread.append(f"permission boundary {limit[0]}")
        else:
            bounds = [(f"permission boundary {limit[0]}", limit[2])]
    found_set = PolicySet(found, bounds)
    return PrincipalPolicies(policies, found_set, tuple(unread), found_set.admin())


# The last few scans' answers, keyed by the identity of their IAM principals (and of the
# attributes read); the entries hold those objects, so an id is not reused while it is kept.
_ANSWERS: list[tuple[tuple[int, ...], list[Any], dict[str, PrincipalPolicies]]] = []
_KEEP = 2
# The attributes the answers read: replacing one (not editing it in place) is a new scan.
_READ = ("attached_policies", "inline_policies", "groups", "permissions_boundary")


def admin_answers(resources: Iterable[Any]) -> dict[str, PrincipalPolicies]:
    """Every IAM user's, group's and role's policies and admin answer, by ARN: computed once
    per scan (memoised on the resources), read by the checks and the IAM view alike."""
    first: dict[str, Any] = {}
    for r in resources:
        if r.type in (USER, GROUP, ROLE):
            first.setdefault(r.arn, r)  # a resource reached by two paths counts once
    principals = list(first.values())
    held = [o for r in principals for o in (r, r.attributes, *(r.attributes.get(k) for k in _READ))]
    key = tuple(id(o) for o in held)
    for found_key, _, answers in _ANSWERS:
        if found_key == key:
            return answers
    groups = {r.id: r.attributes for r in principals if r.type == GROUP}
    answers = {r.arn: principal_policies(r.type, r.attributes, groups) for r in principals}
    _ANSWERS.insert(0, (key, held, answers))
    del _ANSWERS[_KEEP:]
    return answers


def trusted_principals(trust_policy: Any) -> list[str]:
    """Who may assume a role: every AWS, Service and Federated principal its Allow statements
    name ("*" for anyone)."""
    found: set[str] = set()
    for statement in normalise(trust_policy):
        if statement.allow and not statement.not_principal:
            found.update(value for _, value in statement.principals)
    return sorted(found)
