"""Identity: the root account, users, roles, groups, their keys and policies, and CloudTrail.

Reads the IAM resources' attributes (see awsexplorer/model/principals.py for the contract).
An attribute that is None was not read (a denied call), which is "unknown", never "no".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from awsexplorer.checks.api import (
    CheckContext,
    NotEvaluated,
    Outcome,
    flag,
    unknown,
)
from awsexplorer.checks.registry import check
from awsexplorer.model import Resource, Severity, kinds
from awsexplorer.model.activity import Use, key_use, principal_use
from awsexplorer.model.activity import is_service_linked as _service_linked
from awsexplorer.model.calls import (
    CLOUDTRAIL_DESCRIBE_TRAILS,
    CLOUDTRAIL_GET_TRAIL_STATUS,
    IAM_GENERATE_CREDENTIAL_REPORT,
    IAM_GET_ACCOUNT_AUTHORIZATION_DETAILS,
    IAM_GET_ACCOUNT_PASSWORD_POLICY,
    IAM_GET_ACCOUNT_SUMMARY,
    IAM_GET_CREDENTIAL_REPORT,
    IAM_GET_LOGIN_PROFILE,
    IAM_LIST_ACCESS_KEYS,
    Call,
)
from awsexplorer.model.policy import catalogue
from awsexplorer.model.principals import (
    admin_answers,
    policy_label,
    trusted_principals,
)

ROOT_INPUTS = (
    IAM_GET_ACCOUNT_SUMMARY,
    IAM_GENERATE_CREDENTIAL_REPORT,
    IAM_GET_CREDENTIAL_REPORT,
)
DETAILS = IAM_GET_ACCOUNT_AUTHORIZATION_DETAILS
REPORT_INPUTS = (*ROOT_INPUTS[1:], IAM_LIST_ACCESS_KEYS, IAM_GET_LOGIN_PROFILE)
# An Allow naming more whole services than this is said as "every service except ...".
MANY_SERVICES = 12


def iam_root(ctx: CheckContext) -> Resource:
    """The iam:root resource, or NotEvaluated: without it IAM was not read at all."""
    roots = ctx.of_type(kinds.ROOT)
    if not roots:
        why = "; ".join(ctx.unreadable([DETAILS, *ROOT_INPUTS])) or "IAM was not scanned"
        raise NotEvaluated(f"no IAM data in the scan ({why})")
    return roots[0]


def iam_users(ctx: CheckContext) -> list[Resource]:
    """Every IAM user, or NotEvaluated when neither source that lists them could be read
    (GetAccountAuthorizationDetails, and the credential report as the fallback)."""
    root = iam_root(ctx)
    details_failed = bool(ctx.errors(DETAILS))
    report_ok = root.attributes.get("credential_report_status") == "ok"
    if details_failed and not report_ok:
        raise NotEvaluated(f"IAM users could not be listed ({why_unknown(ctx, (DETAILS,))})")
    return ctx.of_type(kinds.USER)


def why_unknown(ctx: CheckContext, inputs: tuple[Call, ...]) -> str:
    return "; ".join(ctx.unreadable(inputs)) or "not in the scan"


def days(value: float) -> str:
    return f"{int(value)} day{'s' if int(value) != 1 else ''}"


def date_of(timestamp: str) -> str:
    return timestamp[:10]


def is_service_linked(role: Resource) -> bool:
    # Created and owned by an AWS service; its policies are AWS's to change, not ours.
    return _service_linked(role.type, role.attributes)


@check(
    id="iam-root-mfa-disabled",
    title="Root account without MFA",
    severity=Severity.CRITICAL,
    types=[kinds.ROOT],
    remediation=(
        "Sign in as root and assign an MFA device (a hardware key or an authenticator app, "
        "not SMS): IAM console > Security credentials > Multi-factor authentication. Root MFA "
        "cannot be enabled from the CLI without root credentials."
    ),
    inputs=ROOT_INPUTS,
    judges_inputs=True,
)
def iam_root_mfa_disabled(ctx: CheckContext) -> Iterator[Outcome]:
    """The root user can do anything, bypassing IAM policies; a password alone protects it."""
    root = iam_root(ctx)
    enabled = root.attributes.get("mfa_enabled")
    if enabled is None:
        yield unknown(root, f"MFA status not read ({why_unknown(ctx, ROOT_INPUTS)})")
    elif not enabled:
        yield ctx.root_flag(f"the root user of account {ctx.account.id} has no MFA device")


@check(
    id="iam-root-access-keys",
    title="Root account has access keys",
    severity=Severity.CRITICAL,
    types=[kinds.ROOT],
    remediation=(
        "Delete the root access keys (IAM console, signed in as root > Security credentials > "
        "Access keys) and use an IAM role or user for programmatic access instead."
    ),
    inputs=ROOT_INPUTS,
    judges_inputs=True,
)
def iam_root_access_keys(ctx: CheckContext) -> Iterator[Outcome]:
    """Root keys are long-lived credentials that can never be limited by a policy."""
    root = iam_root(ctx)
    present = root.attributes.get("access_keys_present")
    if present is None:
        yield unknown(root, f"root access keys not read ({why_unknown(ctx, ROOT_INPUTS)})")
    elif present:
        active = [
            k for k in root.attributes.get("access_keys") or [] if k.get("status") == "Active"
        ]
        detail = f" ({len(active)} active)" if active else ""
        yield ctx.root_flag(f"the root user of account {ctx.account.id} has access keys{detail}")


@check(
    id="iam-user-console-no-mfa",
    title="Console user without MFA",
    severity=Severity.HIGH,
    types=[kinds.USER],
    remediation=(
        "Require MFA for the user: `aws iam create-virtual-mfa-device` then `aws iam "
        "enable-mfa-device --user-name USER ...`, or remove the console password with `aws iam "
        "delete-login-profile --user-name USER` if the user does not need the console."
    ),
    inputs=REPORT_INPUTS,
    judges_inputs=True,
    placeholders={"USER": "id"},
)
def iam_user_console_no_mfa(ctx: CheckContext) -> Iterator[Outcome]:
    """A console password without a second factor is one phished password from a breach."""
    for user in iam_users(ctx):
        console = user.attributes.get("console_access")
        mfa = user.attributes.get("mfa_enabled")
        if console is False or mfa is True:
            continue
        if console is None or mfa is None:
            yield unknown(user, f"console/MFA not read ({why_unknown(ctx, REPORT_INPUTS)})")
            continue
        yield flag(user, f"user {user.id} can sign in to the console with no MFA device")


def active_keys(user: Resource) -> list[dict[str, Any]]:
    return [k for k in user.attributes.get("access_keys") or [] if k.get("status") == "Active"]


def key_label(key: dict[str, Any]) -> str:
    if key.get("id"):
        return str(key["id"])
    return f"key created {date_of(str(key.get('created') or '?'))}"


@check(
    id="iam-access-key-unused",
    title="Active access key unused",
    severity=Severity.MEDIUM,
    types=[kinds.USER],
    remediation=(
        "Deactivate the key, then delete it once nothing breaks: `aws iam update-access-key "
        "--user-name USER --access-key-id KEY --status Inactive`, then `aws iam "
        "delete-access-key --user-name USER --access-key-id KEY`."
    ),
    inputs=REPORT_INPUTS,
    judges_inputs=True,
    placeholders={"USER": "id"},
)
def iam_access_key_unused(ctx: CheckContext) -> Iterator[Outcome]:
    """An active key nobody uses is a credential that can only leak. A key created within the
    staleness window and not used yet is new, not stale."""
    stale = ctx.settings.stale_days
    for user in iam_users(ctx):
        if user.attributes.get("access_keys") is None:
            yield unknown(user, f"access keys not read ({why_unknown(ctx, REPORT_INPUTS)})")
            continue
        for key in active_keys(user):
            verdict = key_use(key, stale, ctx.now)
            name = key_label(key)
            if verdict.use is Use.IDLE and verdict.idle_days is not None:
                when = date_of(str(key["last_used"]))
                yield flag(
                    user,
                    f"user {user.id}'s key {name} was last used {when}, "
                    f"{days(verdict.idle_days)} ago",
                )
            elif verdict.use is Use.UNKNOWN:
                yield unknown(user, f"key {name}: neither creation nor last use known")
            elif verdict.use is Use.NEVER and verdict.age_days is not None:
                yield flag(
                    user,
                    f"user {user.id}'s key {name} was never used ({days(verdict.age_days)} old)",
                )


@check(
    id="iam-access-key-not-rotated",
    title="Active access key not rotated",
    severity=Severity.MEDIUM,
    types=[kinds.USER],
    remediation=(
        "Rotate: `aws iam create-access-key --user-name USER`, move the consumers to the new "
        "key, then `aws iam update-access-key --user-name USER --access-key-id OLD --status "
        "Inactive` and `aws iam delete-access-key --user-name USER --access-key-id OLD`. "
        "Better: replace long-lived keys with roles (instance profiles, IAM Identity Center)."
    ),
    inputs=REPORT_INPUTS,
    judges_inputs=True,
    placeholders={"USER": "id"},
)
def iam_access_key_not_rotated(ctx: CheckContext) -> Iterator[Outcome]:
    """The older a key, the more places it has been copied to."""
    stale = ctx.settings.stale_days
    for user in iam_users(ctx):
        if user.attributes.get("access_keys") is None:
            yield unknown(user, f"access keys not read ({why_unknown(ctx, REPORT_INPUTS)})")
            continue
        for key in active_keys(user):
            verdict = key_use(key, stale, ctx.now)
            age = verdict.age_days
            if age is None:
                yield unknown(user, f"key {key_label(key)}: creation date not known")
            elif verdict.not_rotated:
                created = date_of(str(key["created"]))
                yield flag(
                    user,
                    f"user {user.id}'s active key {key_label(key)} was created {created}, "
                    f"{days(age)} ago (limit {stale})",
                )


@check(
    id="iam-principal-unused",
    title="User or role unused",
    severity=Severity.LOW,
    types=[kinds.USER, kinds.IAM_ROLE],
    remediation=(
        "Confirm with its owner, then remove it: `aws iam delete-user --user-name USER` (after "
        "deleting its keys, password and memberships) or `aws iam delete-role --role-name ROLE` "
        "(after detaching its policies). Service-linked roles are skipped."
    ),
    inputs=(DETAILS,),
)
def iam_principal_unused(ctx: CheckContext) -> Iterator[Outcome]:
    """Temporary access that never expired: a contractor's user, a role for a finished
    project. Created before the staleness window and no recorded activity within it."""
    iam_root(ctx)
    stale = ctx.settings.stale_days
    for principal in ctx.of_type(kinds.USER, kinds.IAM_ROLE):
        verdict = principal_use(principal.type, principal.attributes, stale, ctx.now)
        kind = principal.type.split(":")[1]
        if verdict.use is Use.UNKNOWN:
            yield unknown(principal, f"last use not read ({why_unknown(ctx, REPORT_INPUTS)})")
        elif verdict.use is Use.NEVER and verdict.age_days is not None:
            yield flag(
                principal,
                f"{kind} {principal.id} was created {days(verdict.age_days)} ago "
                "and has never been used",
            )
        elif verdict.use is Use.IDLE and verdict.idle_days is not None:
            last = principal.attributes.get("last_used")
            yield flag(
                principal,
                f"{kind} {principal.id} was last used {date_of(str(last))}, "
                f"{days(verdict.idle_days)} ago",
            )


def holder_text(principal: Resource) -> str:
    kind = principal.type.split(":")[1]
    if principal.type == kinds.GROUP:
        members = principal.attributes.get("members") or []
        who = ", ".join(members) if members else "no members"
        return f"group {principal.id} (members: {who})"
    if principal.type == kinds.IAM_ROLE:
        trusted = trusted_principals(principal.attributes.get("trust_policy"))
        return f"role {principal.id}" + (f" (assumable by {', '.join(trusted)})" if trusted else "")
    return f"{kind} {principal.id}"


@check(
    id="iam-admin-access",
    title="Administrator access granted",
    severity=Severity.HIGH,
    types=[kinds.USER, kinds.GROUP, kinds.IAM_ROLE],
    remediation=(
        "Replace it with a policy limited to the actions and resources the principal needs "
        "(IAM Access Analyzer can generate one from CloudTrail activity): `aws iam "
        "detach-user-policy|detach-group-policy|detach-role-policy --policy-arn "
        "arn:aws:iam::aws:policy/AdministratorAccess ...` or `aws iam delete-role-policy ...`."
    ),
    inputs=(DETAILS,),
)
def iam_admin_access(ctx: CheckContext) -> Iterator[Outcome]:
    """Every action on every resource (AdministratorAccess, `*` on `*`), or admin in all but
    name (an Allow NotAction that leaves IAM and nearly every service), as the policy evaluator
    reads it: explicit Denies, permission boundaries and a member's group policies applied.
    Reported on the user, group or role whose own policy grants it; members of an admin group
    are named on the group."""
    iam_root(ctx)
    answers = admin_answers(ctx.result.resources)
    for principal in ctx.of_type(kinds.USER, kinds.GROUP, kinds.IAM_ROLE):
        found = answers[principal.arn]
        if found.policies is None or found.admin is None:
            yield unknown(principal, "policies not read")
            continue
        answer, unread, granting = found.admin, found.unread, found.granting
        if granting:
            what = "full admin"
            if answer.missing:
                left_out = ", ".join(f"{s}:*" for s in answer.missing)
                what = f"admin in all but name (every service but {left_out})"
            yield flag(
                principal,
                f"{holder_text(principal)} has {what} via {', '.join(granting)}"
                + answer.answer.qualifiers(),
            )
        elif unread:
            yield unknown(principal, f"policy {unread[0]} document not read")


@check(
    id="iam-service-wildcard",
    title="Whole service allowed on every resource",
    severity=Severity.MEDIUM,
    types=[kinds.USER, kinds.IAM_ROLE],
    remediation=(
        "Narrow the policy to the actions and resources needed (e.g. s3:GetObject on "
        "arn:aws:s3:::my-bucket/*); IAM Access Analyzer's policy generation drafts one from "
        "CloudTrail activity. Update it with `aws iam put-role-policy` / `aws iam "
        "create-policy-version --set-as-default`, or detach the managed policy."
    ),
    inputs=(DETAILS,),
)
def iam_service_wildcard(ctx: CheckContext) -> Iterator[Outcome]:
    """The over-permissioned service role: `s3:*` or `dynamodb:*` on Resource `*` when the
    workload needs one bucket or table, however it is spelled (`kms:**`, an Allow NotAction),
    explicit Denies and the permission boundary applied. Policies that make the principal an
    admin are `iam-admin-access`'s. Service-linked roles are skipped (AWS owns them)."""
    iam_root(ctx)
    answers = admin_answers(ctx.result.resources)
    for principal in ctx.of_type(kinds.USER, kinds.IAM_ROLE):
        if principal.type == kinds.IAM_ROLE and is_service_linked(principal):
            continue
        found = answers[principal.arn]
        policies, policy_set = found.policies, found.policy_set
        if policies is None or policy_set is None:
            yield unknown(principal, "policies not read")
            continue
        admin = set(found.granting)
        grants = []
        for policy in policies:
            label = policy_label(policy)
            if label in admin:
                continue
            services = policy_set.granting_only(label).services_on_everything()
            if services:
                grants.append(f"{service_text(services)} (policy {policy.get('name')})")
        if grants:
            kind = principal.type.split(":")[1]
            yield flag(
                principal, f"{kind} {principal.id} allows {'; '.join(grants)} on every resource"
            )


def service_text(services: dict[str, Any]) -> str:
    """ "s3:*, kms:* (less what policy P denies), only if ..." or, for a long list,
    "every service except iam:*, organizations:*"."""
    if len(services) > MANY_SERVICES:
        left = sorted(set(catalogue()) - set(services))
        return "every service" + (f" except {', '.join(f'{s}:*' for s in left)}" if left else "")
    parts = []
    for service, answer in sorted(services.items()):
        less = f" (less what {', '.join(answer.denied_by)} denies)" if answer.denied_by else ""
        parts.append(f"{service}:*{less}{answer.qualifiers()}")
    return ", ".join(parts)


MIN_PASSWORD_LENGTH = 14


def password_policy_gaps(policy: dict[str, Any]) -> list[str]:
    gaps = []
    length = policy.get("MinimumPasswordLength")
    if not isinstance(length, int) or length < MIN_PASSWORD_LENGTH:
        gaps.append(f"minimum length {length} (under {MIN_PASSWORD_LENGTH})")
    if not policy.get("PasswordReusePrevention"):
        gaps.append("no password reuse prevention")
    return gaps


@check(
    id="iam-password-policy-weak",
    title="Weak or missing password policy",
    severity=Severity.MEDIUM,
    types=[kinds.ROOT],
    remediation=(
        "`aws iam update-account-password-policy --minimum-password-length 14 "
        "--password-reuse-prevention 24 --require-symbols --require-numbers "
        "--require-uppercase-characters --require-lowercase-characters`"
    ),
    inputs=(IAM_GET_ACCOUNT_PASSWORD_POLICY,),
)
def iam_password_policy_weak(ctx: CheckContext) -> Iterator[Outcome]:
    """No account password policy, a minimum length under 14, or no reuse prevention."""
    root = iam_root(ctx)
    status = root.attributes.get("password_policy_status")
    policy = root.attributes.get("password_policy")
    if status == "none":
        yield ctx.account_flag(f"account {ctx.account.id} has no IAM password policy")
    elif status == "set" and isinstance(policy, dict):
        gaps = password_policy_gaps(policy)
        if gaps:
            yield ctx.account_flag(f"account {ctx.account.id}'s password policy: {'; '.join(gaps)}")
    else:
        yield unknown(root, "password policy not read")


TRAIL_INPUTS = (CLOUDTRAIL_DESCRIBE_TRAILS, CLOUDTRAIL_GET_TRAIL_STATUS)


def trail_state(trail: Resource) -> str:
    scope = "multi-region" if trail.attributes.get("multi_region") else "single-region"
    logging = trail.attributes.get("is_logging")
    state = {True: "logging", False: "not logging", None: "logging status unknown"}[logging]
    return f"{trail.id} ({scope}, {state})"


@check(
    id="cloudtrail-multi-region-missing",
    title="No multi-region CloudTrail trail logging",
    severity=Severity.HIGH,
    types=[kinds.TRAIL],
    remediation=(
        "`aws cloudtrail create-trail --name org-trail --s3-bucket-name BUCKET "
        "--is-multi-region-trail` then `aws cloudtrail start-logging --name org-trail` (or "
        "`aws cloudtrail update-trail --name TRAIL --is-multi-region-trail` for an existing one)."
    ),
    inputs=TRAIL_INPUTS,
    judges_inputs=True,
)
def cloudtrail_multi_region_missing(ctx: CheckContext) -> Iterator[Outcome]:
    """Without a trail recording every region, who-did-what in a region nobody watches (root
    use, a stray instance) is lost. One logging multi-region trail anywhere is enough."""
    trails = ctx.of_type(kinds.TRAIL)
    good = [
        t for t in trails if t.attributes.get("multi_region") and t.attributes.get("is_logging")
    ]
    if good:
        return
    undecided = [
        t.id
        for t in trails
        if t.attributes.get("multi_region") and t.attributes.get("is_logging") is None
    ]
    problems = ctx.unreadable(TRAIL_INPUTS)
    if problems or undecided:
        if undecided:
            problems.append(f"logging status of {', '.join(undecided)} unknown")
        raise NotEvaluated("; ".join(problems))
    seen = "; ".join(trail_state(t) for t in trails)
    if not seen:
        # A multi-region trail shows in every region's DescribeTrails, so its absence is
        # certain even from a narrowed scan; other trails may live in regions not scanned.
        scanned = sorted(ctx.scanned_regions)
        seen = (
            f"no trail in the scanned region {scanned[0]}"
            if len(scanned) == 1
            else f"no trail in any of the {len(scanned)} scanned regions"
        )
    yield ctx.account_flag(
        f"account {ctx.account.id} has no multi-region trail that is logging ({seen})"
    )
