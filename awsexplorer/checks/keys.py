"""Keys, secrets and certificates: what wears out or leaks with time — KMS keys and secrets
never rotated, secrets nobody reads, certificates about to expire — and the credentials and
control planes left in the open: a public EKS API endpoint, a password in an ECS task
definition's plain environment.

Reads the collectors' normalised attributes: kms `aws_managed`, `key_spec`, `key_usage`,
`origin`, `state`, `rotation_enabled`; secretsmanager `rotation_enabled`, `last_rotated`,
`last_accessed`, `created`; acm `not_after`, `in_use_by`, `status`; eks `endpoint_public`,
`public_cidrs`; ecs task definitions' `environment` (names and the collector's verdict; the
values are dropped by the collector and never reach a check).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from awsexplorer.checks.api import CheckContext, Outcome, flag, label, unknown
from awsexplorer.checks.registry import check
from awsexplorer.model import Resource, Severity, kinds
from awsexplorer.model.calls import (
    ACM_DESCRIBE_CERTIFICATE,
    ACM_LIST_CERTIFICATES,
    ECS_DESCRIBE_TASK_DEFINITION,
    ECS_LIST_TASK_DEFINITION_FAMILIES,
    EKS_DESCRIBE_CLUSTER,
    EKS_LIST_CLUSTERS,
    KMS_DESCRIBE_KEY,
    KMS_GET_KEY_ROTATION_STATUS,
    KMS_LIST_KEYS,
    SECRETSMANAGER_LIST_SECRETS,
)

EXPIRY_WINDOW_DAYS = 30
_WHOLE_INTERNET = frozenset({"0.0.0.0/0", "::/0"})


def _days(value: float) -> str:
    whole = int(value)
    return f"{whole} day{'s' if whole != 1 else ''}"


def _date(timestamp: Any) -> str:
    return str(timestamp)[:10]


# -- KMS ----------------------------------------------------------------------------------------


@check(
    id="kms-key-rotation-disabled",
    title="KMS key without automatic rotation",
    severity=Severity.MEDIUM,
    types=[kinds.KMS_KEY_TYPE],
    remediation="`aws kms enable-key-rotation --key-id KEY` (yearly by default; new key "
    "material, same key id and ARN, old ciphertext still decrypts).",
    inputs=[KMS_LIST_KEYS, KMS_DESCRIBE_KEY, KMS_GET_KEY_ROTATION_STATUS],
    placeholders={"KEY": "id"},
)
def kms_key_rotation_disabled(ctx: CheckContext) -> Iterator[Outcome]:
    """A customer-managed symmetric encryption key, enabled, whose key material never changes:
    everything it ever encrypted stays readable with the one secret. AWS-managed keys rotate by
    themselves; asymmetric, HMAC and imported-material keys cannot rotate automatically and are
    skipped, as are disabled keys and keys pending deletion."""
    for key in ctx.of_type(kinds.KMS_KEY_TYPE):
        attrs = key.attributes
        if attrs.get("aws_managed"):
            continue
        if attrs.get("key_spec") is None:
            yield unknown(key, "its metadata (DescribeKey) not read")
            continue
        if (
            attrs.get("key_spec") != "SYMMETRIC_DEFAULT"
            or attrs.get("key_usage") not in (None, "ENCRYPT_DECRYPT")
            or attrs.get("origin") not in (None, "AWS_KMS")
            or attrs.get("state") not in (None, "Enabled")
        ):
            continue
        rotation = attrs.get("rotation_enabled")
        if rotation is None:
            yield unknown(key, "its rotation status not read")
        elif not rotation:
            about = [", ".join(attrs.get("aliases") or []), str(attrs.get("description") or "")]
            named = ": ".join(part for part in about if part)
            yield flag(
                key,
                f"KMS key {key.id}{f' ({named})' if named else ''} has automatic key rotation off",
            )


# -- Secrets Manager ----------------------------------------------------------------------------


@check(
    id="secret-rotation-disabled",
    title="Secret without rotation",
    severity=Severity.MEDIUM,
    types=[kinds.SECRET],
    remediation=(
        "Turn on rotation with a rotation function (for RDS, Redshift and DocumentDB "
        "credentials AWS provides one): `aws secretsmanager rotate-secret --secret-id SECRET "
        "--rotation-lambda-arn FUNCTION_ARN --rotation-rules AutomaticallyAfterDays=30`."
    ),
    inputs=[SECRETSMANAGER_LIST_SECRETS],
    placeholders={"SECRET": "arn"},
)
def secret_rotation_disabled(ctx: CheckContext) -> Iterator[Outcome]:
    """A secret that is never rotated stays valid for as long as it exists: a copy that leaked
    (a log, a laptop, a former colleague) keeps working."""
    for secret in ctx.of_type(kinds.SECRET):
        attrs = secret.attributes
        if attrs.get("rotation_enabled"):
            continue
        changed = attrs.get("last_rotated") or attrs.get("last_changed")
        since = f" (value last changed {_date(changed)})" if changed else ""
        yield flag(secret, f"secret {label(secret)} has rotation off{since}")


@check(
    id="secret-unused",
    title="Secret not accessed recently",
    severity=Severity.LOW,
    types=[kinds.SECRET],
    remediation=(
        "Confirm nothing reads it any more (CloudTrail GetSecretValue events), then delete it "
        "with a recovery window: `aws secretsmanager delete-secret --secret-id SECRET "
        "--recovery-window-in-days 30`."
    ),
    inputs=[SECRETSMANAGER_LIST_SECRETS],
    placeholders={"SECRET": "arn"},
)
def secret_unused(ctx: CheckContext) -> Iterator[Outcome]:
    """A secret nobody has read in `stale_days` (the setting): a credential still valid for
    something no longer running, billed every month. A secret never read is judged from its
    creation date; one created within the window is too new to judge. Secrets Manager records
    the last access to the day."""
    stale = ctx.settings.stale_days
    for secret in ctx.of_type(kinds.SECRET):
        attrs = secret.attributes
        accessed = ctx.days_since(attrs.get("last_accessed"))
        if accessed is not None:
            if accessed >= stale:
                yield flag(
                    secret,
                    f"secret {label(secret)} was last accessed on "
                    f"{_date(attrs['last_accessed'])}, {_days(accessed)} ago "
                    f"(stale after {stale} days)",
                )
            continue
        created = ctx.days_since(attrs.get("created"))
        if created is None:
            yield unknown(secret, "neither its last access nor its creation date was read")
        elif created >= stale:
            yield flag(
                secret,
                f"secret {label(secret)} has never been accessed since it was created on "
                f"{_date(attrs['created'])}, {_days(created)} ago (stale after {stale} days)",
            )


# -- ACM ----------------------------------------------------------------------------------------


@check(
    id="acm-certificate-expiring",
    title="Certificate in use expiring",
    severity=Severity.HIGH,
    types=[kinds.CERTIFICATE],
    remediation=(
        "An imported certificate: get a new one from its issuer and re-import it in place "
        "(`aws acm import-certificate --certificate-arn CERT --certificate fileb://cert.pem "
        "--private-key fileb://key.pem --certificate-chain fileb://chain.pem`); one ACM issued: "
        "ACM renews it only while its validation records resolve, see `aws acm "
        "describe-certificate --certificate-arn CERT` (DomainValidationOptions)."
    ),
    inputs=[ACM_LIST_CERTIFICATES, ACM_DESCRIBE_CERTIFICATE],
    placeholders={"CERT": "arn"},
)
def acm_certificate_expiring(ctx: CheckContext) -> Iterator[Outcome]:
    """A certificate that a load balancer, CloudFront distribution or API uses and that
    expires within 30 days (high), or has expired (critical): browsers and clients refuse the
    connection from that moment. Certificates nothing uses are not reported."""
    for cert in ctx.of_type(kinds.CERTIFICATE):
        attrs = cert.attributes
        if attrs.get("detail_unknown"):
            yield unknown(cert, "DescribeCertificate not read (expiry and users unknown)")
            continue
        users = [str(u) for u in attrs.get("in_use_by") or []]
        if not users:
            continue
        elapsed = ctx.days_since(attrs.get("not_after"))
        if elapsed is None:
            yield unknown(cert, "its expiry date not read")
            continue
        left = -elapsed
        used = f"used by {', '.join(users[:3])}" + (
            f" and {len(users) - 3} more" if len(users) > 3 else ""
        )
        name = attrs.get("domain_name") or cert.name
        kind = " (imported)" if attrs.get("certificate_type") == "IMPORTED" else ""
        if left < 0:
            yield flag(
                cert,
                f"certificate {name}{kind} expired on {_date(attrs['not_after'])}, "
                f"{_days(-left)} ago, and is still {used}",
                severity=Severity.CRITICAL,
            )
        elif left <= EXPIRY_WINDOW_DAYS:
            yield flag(
                cert,
                f"certificate {name}{kind} expires on {_date(attrs['not_after'])}, in "
                f"{_days(left)}, and is {used}",
            )


# -- EKS ----------------------------------------------------------------------------------------


@check(
    id="eks-endpoint-public",
    title="EKS API endpoint public to the internet",
    severity=Severity.HIGH,
    types=[kinds.EKS_CLUSTER],
    remediation=(
        "Make the endpoint private (`aws eks update-cluster-config --name CLUSTER "
        "--resources-vpc-config endpointPrivateAccess=true,endpointPublicAccess=false`) or "
        "limit it to your addresses (`aws eks update-cluster-config --name CLUSTER "
        "--resources-vpc-config publicAccessCidrs=203.0.113.0/24`)."
    ),
    inputs=[EKS_LIST_CLUSTERS, EKS_DESCRIBE_CLUSTER],
    placeholders={"CLUSTER": "id"},
)
def eks_endpoint_public(ctx: CheckContext) -> Iterator[Outcome]:
    """The cluster's Kubernetes API answers anyone on the internet (public access from
    0.0.0.0/0): only authentication stands between the internet and the control plane, and a
    leaked kubeconfig token works from anywhere."""
    for cluster in ctx.of_type(kinds.EKS_CLUSTER):
        attrs = cluster.attributes
        public = attrs.get("endpoint_public")
        if public is None:
            yield unknown(cluster, "endpoint access not read")
            continue
        if not public:
            continue
        # AWS answers 0.0.0.0/0 when no CIDR was given: the whole internet.
        cidrs = [str(c) for c in attrs.get("public_cidrs") or []] or ["0.0.0.0/0"]
        open_to = sorted(set(cidrs) & _WHOLE_INTERNET)
        if open_to:
            private = "" if attrs.get("endpoint_private") else ", and private access is off"
            yield flag(
                cluster,
                f"EKS cluster {cluster.id}'s API endpoint is public to {', '.join(open_to)}"
                f"{private}",
            )


# -- ECS ----------------------------------------------------------------------------------------


def _plain_by_name(definition: Resource) -> list[dict[str, Any]]:
    return [
        v
        for v in definition.attributes.get("environment") or []
        if v.get("looks_secret") and v.get("reason") == "name"
    ]


@check(
    id="ecs-task-env-plaintext-secret",
    title="ECS task definition secret in plain environment",
    severity=Severity.HIGH,
    types=[kinds.ECS_TASK_DEFINITION],
    remediation=(
        "Store the value in Secrets Manager or SSM Parameter Store and pass it in the "
        'container\'s `secrets` ({"name": "DB_PASSWORD", "valueFrom": "<secret ARN>"}) instead '
        "of `environment`, register a new revision (`aws ecs register-task-definition "
        "--cli-input-json file://task-definition.json`), then deregister the old ones: `aws ecs "
        "deregister-task-definition --task-definition TASKDEF` (every revision keeps the value)."
    ),
    inputs=[ECS_LIST_TASK_DEFINITION_FAMILIES, ECS_DESCRIBE_TASK_DEFINITION],
    placeholders={"TASKDEF": "id"},
)
def ecs_task_env_plaintext_secret(ctx: CheckContext) -> Iterator[Outcome]:
    """A container environment variable whose NAME says it holds a credential (PASSWORD,
    SECRET, TOKEN, API_KEY...) passed as plain `environment`: anyone allowed
    ecs:DescribeTaskDefinition reads it, in every revision, forever. Judged by the name alone;
    the value is never read by the check nor stored by the scan."""
    for definition in ctx.of_type(kinds.ECS_TASK_DEFINITION):
        if definition.attributes.get("environment") is None:
            yield unknown(definition, "container environment not read")
            continue
        plain = _plain_by_name(definition)
        if not plain:
            continue
        names = ", ".join(
            f"{v.get('name')} (container {v.get('container')})"
            if v.get("container")
            else str(v.get("name"))
            for v in plain
        )
        yield flag(
            definition,
            f"task definition {definition.id} passes credential-like variable(s) {names} as "
            "plain environment instead of secrets",
        )
