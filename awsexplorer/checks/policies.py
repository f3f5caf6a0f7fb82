"""Policies: who else may use the account's data — public snapshots and images, resource-based
policies open to anyone or to other accounts, public function URLs, buckets that accept plain
HTTP, and the audit trail's bucket kept forever.

Reads the collectors' normalised attributes: `public` on EBS snapshots, AMIs and RDS snapshots
(None: the sharing attribute was not read); `policy` (the parsed resource policy, None: none) on
buckets, queues, topics, KMS keys, functions, ECR repositories and secrets; `url_auth_type` on
functions; the lifecycle counts on buckets and `s3_bucket` on trails. Policy documents are read
with the one evaluator (model/policy.py): Principal, NotPrincipal, Action, Condition normalised
as AWS reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from awsexplorer.checks.api import CheckContext, Outcome, flag, label, unknown
from awsexplorer.checks.registry import check
from awsexplorer.model import Resource, Severity, kinds
from awsexplorer.model.calls import (
    CLOUDTRAIL_DESCRIBE_TRAILS,
    EC2_DESCRIBE_IMAGE_ATTRIBUTE,
    EC2_DESCRIBE_IMAGES,
    EC2_DESCRIBE_SNAPSHOT_ATTRIBUTE,
    EC2_DESCRIBE_SNAPSHOTS,
    ECR_DESCRIBE_REPOSITORIES,
    ECR_GET_REPOSITORY_POLICY,
    KMS_DESCRIBE_KEY,
    KMS_GET_KEY_POLICY,
    KMS_LIST_KEYS,
    LAMBDA_GET_FUNCTION_URL_CONFIG,
    LAMBDA_GET_POLICY,
    LAMBDA_LIST_FUNCTIONS,
    RDS_DESCRIBE_DB_CLUSTER_SNAPSHOT_ATTRIBUTES,
    RDS_DESCRIBE_DB_CLUSTER_SNAPSHOTS,
    RDS_DESCRIBE_DB_SNAPSHOT_ATTRIBUTES,
    RDS_DESCRIBE_DB_SNAPSHOTS,
    S3_GET_BUCKET_LIFECYCLE_CONFIGURATION,
    S3_GET_BUCKET_POLICY,
    S3_GET_BUCKET_POLICY_STATUS,
    S3_LIST_BUCKETS,
    SECRETSMANAGER_GET_RESOURCE_POLICY,
    SECRETSMANAGER_LIST_SECRETS,
    SNS_GET_TOPIC_ATTRIBUTES,
    SNS_LIST_TOPICS,
    SQS_GET_QUEUE_ATTRIBUTES,
    SQS_LIST_QUEUES,
)
from awsexplorer.model.policy import Statement, action_matches, as_list, normalise

# -- public snapshots and images ----------------------------------------------------------------


@check(
    id="ec2-snapshot-public",
    title="EBS snapshot public",
    severity=Severity.CRITICAL,
    types=[kinds.EBS_SNAPSHOT],
    remediation=(
        "`aws ec2 modify-snapshot-attribute --snapshot-id SNAPSHOT --attribute "
        "createVolumePermission --operation-type remove --group-names all`; share with named "
        "accounts instead (`--user-ids`), and block it account-wide with `aws ec2 "
        "enable-snapshot-block-public-access --state block-all-sharing`."
    ),
    inputs=[EC2_DESCRIBE_SNAPSHOTS, EC2_DESCRIBE_SNAPSHOT_ATTRIBUTE],
    placeholders={"SNAPSHOT": "id"},
)
def ec2_snapshot_public(ctx: CheckContext) -> Iterator[Outcome]:
    """Anyone with an AWS account can create a volume from a public snapshot and read every
    block of the disk it was taken from, deleted files included."""
    for snapshot in ctx.of_type(kinds.EBS_SNAPSHOT):
        public = snapshot.attributes.get("public")
        if public is None:
            yield unknown(snapshot, "createVolumePermission not read")
        elif public:
            attrs = snapshot.attributes
            source = f" of volume {attrs['volume_id']}" if attrs.get("volume_id") else ""
            facts = [f"{attrs['size_gib']} GiB"] if attrs.get("size_gib") else []
            facts += [] if attrs.get("encrypted") else ["unencrypted"]
            details = f" [{', '.join(facts)}]" if facts else ""
            yield flag(
                snapshot,
                f"EBS snapshot {label(snapshot)}{source}{details} can be made into a volume "
                "by anyone (createVolumePermission group all)",
            )


@check(
    id="rds-snapshot-public",
    title="RDS snapshot public",
    severity=Severity.CRITICAL,
    types=[kinds.DB_SNAPSHOT, kinds.DB_CLUSTER_SNAPSHOT],
    remediation=(
        "`aws rds modify-db-snapshot-attribute --db-snapshot-identifier SNAPSHOT "
        "--attribute-name restore --values-to-remove all` (a cluster snapshot: `aws rds "
        "modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier "
        "CLUSTER_SNAPSHOT --attribute-name restore --values-to-remove all`)."
    ),
    inputs=[
        RDS_DESCRIBE_DB_SNAPSHOTS,
        RDS_DESCRIBE_DB_SNAPSHOT_ATTRIBUTES,
        RDS_DESCRIBE_DB_CLUSTER_SNAPSHOTS,
        RDS_DESCRIBE_DB_CLUSTER_SNAPSHOT_ATTRIBUTES,
    ],
    placeholders={
        "SNAPSHOT": f"id@{kinds.DB_SNAPSHOT}",
        "CLUSTER_SNAPSHOT": f"id@{kinds.DB_CLUSTER_SNAPSHOT}",
    },
)
def rds_snapshot_public(ctx: CheckContext) -> Iterator[Outcome]:
    """A manual DB or cluster snapshot whose `restore` attribute includes `all`: any AWS
    account can restore the database from it, with all its data."""
    for snapshot in ctx.of_type(kinds.DB_SNAPSHOT, kinds.DB_CLUSTER_SNAPSHOT):
        public = snapshot.attributes.get("public")
        if public is None:
            yield unknown(snapshot, "the restore attribute not read")
        elif public:
            attrs = snapshot.attributes
            what = (
                "DB cluster snapshot"
                if snapshot.type == kinds.DB_CLUSTER_SNAPSHOT
                else "DB snapshot"
            )
            source = f" of {attrs['source']}" if attrs.get("source") else ""
            facts = [str(attrs["engine"])] if attrs.get("engine") else []
            facts += [] if attrs.get("encrypted") else ["unencrypted"]
            details = f" ({', '.join(facts)})" if facts else ""
            yield flag(
                snapshot,
                f"{what} {snapshot.id}{source}{details} can be restored by any AWS account "
                "(restore attribute includes all)",
            )


@check(
    id="ec2-image-public",
    title="AMI public",
    severity=Severity.HIGH,
    types=[kinds.MACHINE_IMAGE],
    remediation=(
        "`aws ec2 modify-image-attribute --image-id AMI --launch-permission "
        '"Remove=[{Group=all}]"`; block it account-wide with `aws ec2 '
        "enable-image-block-public-access --image-block-public-access-state "
        "block-new-sharing`."
    ),
    inputs=[EC2_DESCRIBE_IMAGES, EC2_DESCRIBE_IMAGE_ATTRIBUTE],
    placeholders={"AMI": "id"},
)
def ec2_image_public(ctx: CheckContext) -> Iterator[Outcome]:
    """Anyone can launch a public AMI the account owns, and read its disks: whatever was
    baked in (keys, configuration, data) is published."""
    for image in ctx.of_type(kinds.MACHINE_IMAGE):
        public = image.attributes.get("public")
        if public is None:
            yield unknown(image, "launch permission not read")
        elif public:
            name = image.attributes.get("image_name")
            named = f" ({name})" if name and name != image.id else ""
            yield flag(image, f"AMI {image.id}{named} can be launched by anyone (public)")


# -- resource policies --------------------------------------------------------------------------

# Condition keys that narrow who may act (compared case-insensitively, as AWS does).
NARROWING_KEYS = frozenset(
    key.lower()
    for key in (
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:SourceOwner",
        "aws:PrincipalOrgID",
        "aws:PrincipalAccount",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceIp",
        # KMS's own form of aws:PrincipalAccount, in the key policies AWS itself writes
        # (Principal *, kms:CallerAccount and kms:ViaService).
        "kms:CallerAccount",
    )
)
# Condition keys whose value names an account that may act.
ACCOUNT_KEYS = frozenset(
    k.lower()
    for k in ("aws:SourceAccount", "aws:SourceOwner", "aws:PrincipalAccount", "kms:CallerAccount")
)
_ANYWHERE = frozenset({"*", "0.0.0.0/0", "::/0"})
_ACCOUNT_ID = re.compile(r"^(?:arn:aws[a-z-]*:(?:iam|sts)::)?([0-9]{12})(?::.*)?$")


@dataclass(frozen=True, slots=True)
class PolicyOwner:
    """How a resource type keeps its resource policy and what to call it in a message."""

    noun: str
    unread: tuple[str, ...]  # attributes that, when true, mean the policy was not read


POLICY_OWNERS: dict[str, PolicyOwner] = {
    kinds.BUCKET: PolicyOwner("bucket", ("policy_unknown",)),
    kinds.QUEUE: PolicyOwner("queue", ("attributes_unknown",)),
    kinds.TOPIC: PolicyOwner("topic", ("attributes_unknown",)),
    kinds.KMS_KEY_TYPE: PolicyOwner("KMS key", ()),
    kinds.FUNCTION: PolicyOwner("function", ()),
    kinds.ECR_REPOSITORY: PolicyOwner("repository", ()),
    kinds.SECRET: PolicyOwner("secret", ()),
}
POLICY_INPUTS = (
    S3_LIST_BUCKETS,
    S3_GET_BUCKET_POLICY_STATUS,
    S3_GET_BUCKET_POLICY,
    SQS_LIST_QUEUES,
    SQS_GET_QUEUE_ATTRIBUTES,
    SNS_LIST_TOPICS,
    SNS_GET_TOPIC_ATTRIBUTES,
    KMS_LIST_KEYS,
    KMS_DESCRIBE_KEY,
    KMS_GET_KEY_POLICY,
    LAMBDA_LIST_FUNCTIONS,
    LAMBDA_GET_POLICY,
    ECR_DESCRIBE_REPOSITORIES,
    ECR_GET_REPOSITORY_POLICY,
    SECRETSMANAGER_LIST_SECRETS,
    SECRETSMANAGER_GET_RESOURCE_POLICY,
)
POLICY_REMEDIATION_COMMANDS = (
    "bucket: `aws s3api put-bucket-policy --bucket BUCKET --policy file://policy.json`; "
    "queue: `aws sqs set-queue-attributes --queue-url QUEUE_URL --attributes "
    "file://policy-attributes.json`; topic: `aws sns set-topic-attributes --topic-arn "
    "TOPIC_ARN --attribute-name Policy --attribute-value file://policy.json`; KMS key: `aws kms "
    "put-key-policy --key-id KEY_ID --policy-name default --policy file://policy.json`; "
    "function: `aws lambda remove-permission --function-name FUNCTION --statement-id SID`; "
    "repository: `aws ecr set-repository-policy --repository-name REPOSITORY --policy-text "
    "file://policy.json`; secret: `aws secretsmanager put-resource-policy --secret-id SECRET "
    "--resource-policy file://policy.json`."
)
POLICY_PLACEHOLDERS = {
    "BUCKET": f"id@{kinds.BUCKET}",
    "QUEUE_URL": f"attributes.url@{kinds.QUEUE}",
    "TOPIC_ARN": f"arn@{kinds.TOPIC}",
    "KEY_ID": f"id@{kinds.KMS_KEY_TYPE}",
    "FUNCTION": f"id@{kinds.FUNCTION}",
    "REPOSITORY": f"id@{kinds.ECR_REPOSITORY}",
    "SECRET": f"arn@{kinds.SECRET}",
}


UNREAD = object()  # marker: the resource's policy could not be read


def policy_holders(ctx: CheckContext) -> Iterator[tuple[Resource, PolicyOwner, Any]]:
    """Every resource that may carry a resource policy, with the policy (None: none); a
    resource whose policy could not be read comes with the marker UNREAD."""
    for resource in ctx.of_type(*POLICY_OWNERS):
        owner = POLICY_OWNERS[resource.type]
        attrs = resource.attributes
        if resource.type == kinds.KMS_KEY_TYPE and attrs.get("aws_managed"):
            continue  # AWS writes and owns these policies; they are not read
        if any(attrs.get(marker) for marker in owner.unread):
            yield resource, owner, UNREAD
        elif resource.type == kinds.KMS_KEY_TYPE and attrs.get("policy") is None:
            yield resource, owner, UNREAD  # every customer key has a policy: it was not read
        else:
            yield resource, owner, attrs.get("policy")


def _condition_tests(statement: Statement) -> Iterator[tuple[str, str, list[str]]]:
    """(operator, key lower-cased, values) for every test in the statement's Condition."""
    for operator, tests in (statement.condition or {}).items():
        if isinstance(tests, dict):
            for key, values in tests.items():
                yield str(operator), str(key).lower(), [str(v) for v in as_list(values)]


def narrows_who(statement: Statement) -> bool:
    """Whether a condition limits who may act: a narrowing key (source ARN, account, owner,
    organization, VPC, endpoint, address) tested positively against a real value. A negated
    operator (StringNotEquals), an ...IfExists test (passes when the key is absent) or a value
    of `*` or 0.0.0.0/0 narrows nothing."""
    for operator, key, values in _condition_tests(statement):
        op = operator.lower()
        if key not in NARROWING_KEYS or "not" in op or op.endswith("ifexists"):
            continue
        if values and not all(v.strip() in _ANYWHERE for v in values):
            return True
    return False


def is_everyone(statement: Statement) -> bool:
    """The policy evaluator's answer (model/policy.Statement.everyone): "*" in any of its forms,
    an account wildcard (arn:aws:iam::*:root), or everyone but a NotPrincipal."""
    return statement.everyone


def actions_text(statement: Statement) -> str:
    shown = ", ".join(statement.actions) or "(no action)"
    return f"every action except {shown}" if statement.not_action else shown


def _url_only(statement: Statement) -> bool:
    # A function URL's own permission (lambda:InvokeFunctionUrl): lambda-url-public says it.
    return (
        not statement.not_action
        and bool(statement.actions)
        and all(a.lower() == "lambda:invokefunctionurl" for a in statement.actions)
    )


def _allows(document: Any, source: str) -> list[Statement]:
    return [s for s in normalise(document, source) if s.allow]


def _unreadable_text(document: Any) -> bool:
    return isinstance(document, dict) and "unparsed" in document


@check(
    id="resource-policy-public",
    title="Resource policy open to anyone",
    severity=Severity.CRITICAL,
    types=list(POLICY_OWNERS),
    remediation=(
        'Remove the statement that allows Principal "*", or add a condition that names who '
        "may act (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, aws:SourceVpce...), "
        "then put the policy back: " + POLICY_REMEDIATION_COMMANDS
    ),
    inputs=POLICY_INPUTS,
    placeholders=POLICY_PLACEHOLDERS,
)
def resource_policy_public(ctx: CheckContext) -> Iterator[Outcome]:
    """A bucket, queue, topic, KMS key, function, ECR repository or secret whose resource
    policy allows Principal "*" (or {"AWS": "*"}, alone or in a list, an account wildcard such
    as arn:aws:iam::*:root, or everyone but a NotPrincipal) to act, with
    no condition narrowing who: anyone with an AWS account, or anyone at all. A condition on
    aws:SourceArn, aws:SourceAccount, aws:SourceOwner, aws:PrincipalOrgID, aws:PrincipalAccount,
    aws:SourceVpc(e) or aws:SourceIp (or, in a key policy, kms:CallerAccount) narrows it, the
    usual way a service is let in; a negated test, an ...IfExists test or a value of * or
    0.0.0.0/0 does not. A function URL's own permission is lambda-url-public's finding."""
    for resource, owner, document in policy_holders(ctx):
        if document is UNREAD:
            yield unknown(resource, "its resource policy was not read")
            continue
        if _unreadable_text(document):
            yield unknown(resource, "its resource policy is not valid JSON")
            continue
        open_statements = [
            s
            for s in _allows(document, resource.id)
            if is_everyone(s) and not narrows_who(s) and not _url_only(s)
        ]
        if not open_statements:
            continue
        parts = []
        for statement in open_statements:
            sid = f" (statement {statement.sid})" if statement.sid else ""
            condition = statement.condition_text()
            unless = f", under {condition} which does not narrow who" if condition else ""
            parts.append(f"{actions_text(statement)}{sid}{unless}")
        named = sorted({p for s in open_statements for p in s.anyone()})
        who = (
            "everyone but a NotPrincipal"
            if any(s.not_principal for s in open_statements)
            else f"anyone (Principal {', '.join(named)})"
        )
        yield flag(
            resource,
            f"{owner.noun} {label(resource)}'s resource policy allows {who} to " + "; ".join(parts),
        )


def granted_accounts(statement: Statement) -> set[str]:
    """The account ids an Allow statement names: in its AWS principals, and, when it is open
    to everyone, in a condition on aws:SourceAccount, aws:SourceOwner or aws:PrincipalAccount."""
    found = set()
    if not statement.not_principal:
        for kind, value in statement.principals:
            match = _ACCOUNT_ID.match(value.strip()) if kind == "AWS" else None
            if match:
                found.add(match.group(1))
    if is_everyone(statement):
        for operator, key, values in _condition_tests(statement):
            if key in ACCOUNT_KEYS and "not" not in operator.lower():
                found.update(v.strip() for v in values if re.fullmatch(r"[0-9]{12}", v.strip()))
    return found


@check(
    id="resource-policy-cross-account",
    title="Resource policy grants another account",
    severity=Severity.MEDIUM,
    types=list(POLICY_OWNERS),
    remediation=(
        "Confirm each named account should have this access (a partner, a CI account, an "
        "organization member); remove the ones that should not and put the policy back: "
        + POLICY_REMEDIATION_COMMANDS
    ),
    inputs=POLICY_INPUTS,
    placeholders=POLICY_PLACEHOLDERS,
)
def resource_policy_cross_account(ctx: CheckContext) -> Iterator[Outcome]:
    """A resource policy that grants an account other than the scanned one: that account's
    administrators decide which of their users and roles use the grant, and nothing in this
    account shows who they are."""
    for resource, owner, document in policy_holders(ctx):
        if document is UNREAD:
            yield unknown(resource, "its resource policy was not read")
            continue
        if _unreadable_text(document):
            yield unknown(resource, "its resource policy is not valid JSON")
            continue
        grants: dict[str, set[str]] = {}
        for statement in _allows(document, resource.id):
            for account in granted_accounts(statement) - {ctx.account.id}:
                grants.setdefault(account, set()).update(
                    [actions_text(statement)] if statement.actions else []
                )
        if not grants:
            continue
        listed = "; ".join(
            f"{account} ({', '.join(sorted(actions))})"
            for account, actions in sorted(grants.items())
        )
        plural = "s" if len(grants) > 1 else ""
        yield flag(
            resource,
            f"{owner.noun} {label(resource)}'s resource policy grants account{plural} {listed}",
        )


# -- function URLs ------------------------------------------------------------------------------


@check(
    id="lambda-url-public",
    title="Lambda function URL without authentication",
    severity=Severity.HIGH,
    types=[kinds.FUNCTION],
    remediation=(
        "Require IAM authentication: `aws lambda update-function-url-config --function-name "
        "FN --auth-type AWS_IAM`; or remove the URL (`aws lambda delete-function-url-config "
        "--function-name FN`) and put the function behind API Gateway with an authorizer."
    ),
    inputs=[LAMBDA_LIST_FUNCTIONS, LAMBDA_GET_FUNCTION_URL_CONFIG],
    placeholders={"FN": "id"},
)
def lambda_url_public(ctx: CheckContext) -> Iterator[Outcome]:
    """A function URL with auth type NONE: anyone on the internet who finds the URL can invoke
    the function, as often as they like, on the account's bill."""
    for function in ctx.of_type(kinds.FUNCTION):
        if function.attributes.get("url_auth_type") == "NONE":
            url = function.attributes.get("url")
            at = f" at {url}" if url else ""
            yield flag(
                function,
                f"function {function.id} has a function URL{at} with auth type NONE: anyone "
                "can invoke it",
            )


# -- TLS and the trail's bucket -----------------------------------------------------------------


def denies_plain_http(statement: Statement) -> bool:
    """A Deny to everyone when aws:SecureTransport is false, on reads and writes."""
    if statement.allow or not is_everyone(statement) or statement.not_action:
        return False
    insecure = any(
        key == "aws:securetransport"
        and operator.lower() in ("bool", "boolifexists")
        and any(v.strip().lower() == "false" for v in values)
        for operator, key, values in _condition_tests(statement)
    )
    return insecure and all(
        any(action_matches(pattern, needed) for pattern in statement.actions)
        for needed in ("s3:GetObject", "s3:PutObject")
    )


@check(
    id="s3-tls-not-enforced",
    title="S3 bucket accepts plain HTTP",
    severity=Severity.MEDIUM,
    types=[kinds.BUCKET],
    remediation=(
        "Add a statement to the bucket policy: "
        '{"Sid":"DenyPlainHttp","Effect":"Deny","Principal":"*","Action":"s3:*",'
        '"Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],'
        '"Condition":{"Bool":{"aws:SecureTransport":"false"}}} '
        "with `aws s3api put-bucket-policy --bucket BUCKET --policy file://policy.json` "
        "(keep the statements it already has)."
    ),
    inputs=[S3_LIST_BUCKETS, S3_GET_BUCKET_POLICY_STATUS, S3_GET_BUCKET_POLICY],
    placeholders={"BUCKET": "id"},
)
def s3_tls_not_enforced(ctx: CheckContext) -> Iterator[Outcome]:
    """No bucket-policy statement denies requests whose aws:SecureTransport is false: S3 then
    serves and accepts objects over plain HTTP, readable and changeable on the way. A Deny that
    covers only some actions (not both s3:GetObject and s3:PutObject) does not count."""
    for bucket in ctx.of_type(kinds.BUCKET):
        attrs = bucket.attributes
        if attrs.get("policy_unknown") or attrs.get("has_policy") is None:
            yield unknown(bucket, "bucket policy not read")
            continue
        document = attrs.get("policy")
        if attrs.get("has_policy") and document is None:
            yield unknown(bucket, "its bucket policy is not valid JSON")
        elif not attrs.get("has_policy"):
            yield flag(
                bucket,
                f"bucket {bucket.id} has no bucket policy, so nothing denies plain HTTP "
                "(aws:SecureTransport false)",
            )
        elif not any(denies_plain_http(s) for s in normalise(document, bucket.id)):
            yield flag(
                bucket,
                f"bucket {bucket.id}'s policy has no Deny for aws:SecureTransport false on "
                "s3:GetObject and s3:PutObject: plain HTTP is accepted",
            )


def _trail_buckets(ctx: CheckContext) -> dict[str, list[str]]:
    buckets: dict[str, list[str]] = {}
    for trail in ctx.of_type(kinds.TRAIL):
        name = trail.attributes.get("s3_bucket")
        if name:
            buckets.setdefault(str(name), []).append(trail.id)
    return buckets


def _trails_text(trails: Iterable[str]) -> str:
    names = sorted(set(trails))
    return ("trail " if len(names) == 1 else "trails ") + ", ".join(names)


@check(
    id="cloudtrail-bucket-no-lifecycle",
    title="CloudTrail bucket without lifecycle rule",
    severity=Severity.LOW,
    types=[kinds.TRAIL, kinds.BUCKET],
    remediation=(
        "Move old logs to a cheaper class and expire them when the retention you need is "
        "over: `aws s3api put-bucket-lifecycle-configuration --bucket BUCKET "
        '--lifecycle-configuration \'{"Rules":[{"ID":"trail-logs","Status":"Enabled",'
        '"Filter":{},"Transitions":[{"Days":90,"StorageClass":"GLACIER"}],'
        '"Expiration":{"Days":2555}}]}\'`'
    ),
    inputs=[CLOUDTRAIL_DESCRIBE_TRAILS, S3_LIST_BUCKETS, S3_GET_BUCKET_LIFECYCLE_CONFIGURATION],
    placeholders={"BUCKET": "id"},
)
def cloudtrail_bucket_no_lifecycle(ctx: CheckContext) -> Iterator[Outcome]:
    """A trail's S3 bucket with no enabled lifecycle rule: every log file is kept, and billed,
    forever. One finding per bucket, naming the trails that write to it. A bucket that is not
    in this account's scan (another account's, or outside the regions scanned) is not judged."""
    buckets = {b.id: b for b in ctx.of_type(kinds.BUCKET)}
    for name, trails in sorted(_trail_buckets(ctx).items()):
        bucket = buckets.get(name)
        if bucket is None:
            trail = next(t for t in ctx.of_type(kinds.TRAIL) if t.id == trails[0])
            yield unknown(
                trail, f"its bucket {name} is not in the scan (another account's, or not read)"
            )
            continue
        enabled = bucket.attributes.get(
            "lifecycle_rules_enabled", bucket.attributes.get("lifecycle_rules")
        )
        if bucket.attributes.get("has_lifecycle_rules") is None or enabled is None:
            yield unknown(bucket, "lifecycle rules not read")
        elif not enabled:
            yield flag(
                bucket,
                f"bucket {bucket.id}, where {_trails_text(trails)} delivers logs, has no "
                "enabled lifecycle rule: the logs are kept and billed forever",
            )
