"""Data: databases, buckets, volumes, function secrets and queues.

Reads the collectors' normalised attributes (rds: `publicly_accessible`, `multi_az`, ...;
s3: `public_access_blocked`, `versioning`, `has_lifecycle_rules`; sqs: `redrive_policy`,
`is_dead_letter_queue`; lambda: `environment`, `kms_key_arn`) and the topology's subnet
`public` flag.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from awsexplorer.checks.api import (
    CheckContext,
    Outcome,
    flag,
    label,
    unknown,
)
from awsexplorer.checks.registry import check
from awsexplorer.model import Resource, Severity, kinds
from awsexplorer.model.calls import (
    EC2_DESCRIBE_ROUTE_TABLES,
    EC2_DESCRIBE_SUBNETS,
    EC2_DESCRIBE_VOLUMES,
    EC2_GET_EBS_ENCRYPTION_BY_DEFAULT,
    LAMBDA_LIST_FUNCTIONS,
    RDS_DESCRIBE_DB_INSTANCES,
    S3_LIST_BUCKETS,
    SQS_LIST_QUEUES,
)

DB_INSTANCES = RDS_DESCRIBE_DB_INSTANCES
BPA_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def databases(ctx: CheckContext) -> list[Resource]:
    return ctx.of_type(kinds.DATABASE)


def engine_text(db: Resource) -> str:
    engine = db.attributes.get("engine")
    return f"{db.id} ({engine})" if engine else db.id


def is_aurora(db: Resource) -> bool:
    # Aurora keeps storage, backups and failover at the cluster, not the instance.
    return str(db.attributes.get("engine") or "").startswith("aurora")


@check(
    id="rds-publicly-accessible",
    title="Database publicly accessible",
    severity=Severity.HIGH,
    types=[kinds.DATABASE],
    remediation=(
        "`aws rds modify-db-instance --db-instance-identifier DB --no-publicly-accessible "
        "--apply-immediately`; reach it from inside the VPC (bastion, SSM, VPN)."
    ),
    inputs=[DB_INSTANCES],
    placeholders={"DB": "id"},
)
def rds_publicly_accessible(ctx: CheckContext) -> Iterator[Outcome]:
    """A publicly accessible instance gets a public IP and a DNS name that resolves to it: only
    its security group stands between the database and the internet. The message says whether
    the endpoint is actually reachable today (its subnets' routes and network ACLs, its security
    groups: docs/exposure.md), with the path or the hop that blocks it."""
    for db in databases(ctx):
        public = db.attributes.get("publicly_accessible")
        if public is None:
            yield unknown(db, "PubliclyAccessible not read")
        elif public:
            endpoint = db.attributes.get("endpoint")
            where = f" at {endpoint}:{db.attributes.get('port')}" if endpoint else ""
            yield flag(
                db, f"database {engine_text(db)} is publicly accessible{where}; {reach(ctx, db)}"
            )


def reach(ctx: CheckContext, db: Resource) -> str:
    """Whether the internet reaches the database's endpoint, from the one exposure result."""
    from awsexplorer.model.exposure import hop_text, path_text

    own = [v for v in ctx.exposure.about(db.arn) if v.arn == db.arn and v.via is None]
    reachable = [v for v in own if v.reachable]
    if reachable:
        return f"reachable from the internet on {reachable[0].port_text}: {path_text(reachable[0])}"
    blocked = next((v.blocking for v in own if v.blocking is not None), None)
    if blocked is not None:
        return f"not reachable today: blocked by {hop_text(blocked)}"
    notes = ctx.exposure.notes.get(db.arn)
    if notes:
        return f"whether it is reachable is not known: {notes[0]}"
    return "not reachable today: no security group of it admits the internet"


@check(
    id="rds-in-public-subnet",
    title="Database in a public subnet",
    severity=Severity.HIGH,
    types=[kinds.DATABASE, kinds.SUBNET],
    remediation=(
        "Create a DB subnet group of private subnets only (`aws rds create-db-subnet-group "
        "--db-subnet-group-name private-db --subnet-ids ...`) and move the instance to it "
        "(`aws rds modify-db-instance --db-instance-identifier DB --db-subnet-group-name "
        "private-db`, which needs a maintenance window or a new instance in a new VPC)."
    ),
    inputs=[DB_INSTANCES, EC2_DESCRIBE_SUBNETS, EC2_DESCRIBE_ROUTE_TABLES],
    placeholders={"DB": "id"},
)
def rds_in_public_subnet(ctx: CheckContext) -> Iterator[Outcome]:
    """Any subnet of the DB subnet group is public by its route table (a route to an internet
    gateway): the database can be placed there, one setting away from the internet."""
    subnets = {(s.region, s.id): s for s in ctx.of_type(kinds.SUBNET)}
    for db in databases(ctx):
        public: list[str] = []
        for subnet_id in db.attributes.get("subnet_ids") or []:
            subnet = subnets.get((db.region, subnet_id))
            verdict = subnet.attributes.get("public") if subnet else None
            if verdict is None:
                yield unknown(db, f"whether {subnet_id} is public is not known")
            elif verdict and subnet is not None:
                # "0.0.0.0/0 -> igw-0abc in rtb-0def (...)": the route is what a reader needs.
                route = str(subnet.attributes.get("public_reason") or "").split(" in ", 1)[0]
                public.append(f"{label(subnet)}: {route}" if route else label(subnet))
        if public:
            group = db.attributes.get("subnet_group") or "its DB subnet group"
            plural = "s" if len(public) > 1 else ""
            yield flag(
                db,
                f"database {db.id}'s subnet group {group} includes public subnet{plural} "
                + "; ".join(public),
            )


@check(
    id="rds-single-az",
    title="Database in a single availability zone",
    severity=Severity.MEDIUM,
    types=[kinds.DATABASE],
    remediation=(
        "`aws rds modify-db-instance --db-instance-identifier DB --multi-az "
        "--apply-immediately` (a standby in a second AZ; roughly doubles the instance cost)."
    ),
    inputs=[DB_INSTANCES],
    placeholders={"DB": "id"},
)
def rds_single_az(ctx: CheckContext) -> Iterator[Outcome]:
    """A single-AZ instance has no standby: an AZ outage or a host failure is downtime until a
    restore. Aurora instances and members of a Multi-AZ DB cluster (the kind with two readable
    standbys) are skipped: failover is the cluster's."""
    for db in databases(ctx):
        if is_aurora(db):
            continue
        cluster_id = db.attributes.get("cluster_id")
        if cluster_id:
            cluster = db.attributes.get("cluster")
            if cluster is None and "cluster" in db.attributes:
                yield unknown(db, f"DB cluster {cluster_id} not read")
                continue
            if isinstance(cluster, dict) and cluster.get("multi_az"):
                continue
        multi_az = db.attributes.get("multi_az")
        if multi_az is None:
            yield unknown(db, "MultiAZ not read")
        elif not multi_az:
            zone = db.attributes.get("availability_zone")
            where = f" ({zone})" if zone else ""
            yield flag(db, f"database {engine_text(db)} runs in a single AZ{where}, no standby")


@check(
    id="rds-backups-disabled",
    title="Database backups disabled",
    severity=Severity.HIGH,
    types=[kinds.DATABASE],
    remediation=(
        "`aws rds modify-db-instance --db-instance-identifier DB --backup-retention-period 7 "
        "--apply-immediately`"
    ),
    inputs=[DB_INSTANCES],
    placeholders={"DB": "id"},
)
def rds_backups_disabled(ctx: CheckContext) -> Iterator[Outcome]:
    """A backup retention period of 0 turns off automated backups and point-in-time recovery."""
    for db in databases(ctx):
        if is_aurora(db):
            continue
        retention = db.attributes.get("backup_retention_period")
        if retention is None:
            yield unknown(db, "BackupRetentionPeriod not read")
        elif retention == 0:
            yield flag(db, f"database {engine_text(db)} has automated backups off (retention 0)")


@check(
    id="rds-storage-unencrypted",
    title="Database storage unencrypted",
    severity=Severity.MEDIUM,
    types=[kinds.DATABASE],
    remediation=(
        "Encryption cannot be turned on in place: snapshot the instance (`aws rds "
        "create-db-snapshot`), copy the snapshot with `aws rds copy-db-snapshot --kms-key-id "
        "KEY`, restore from the copy, then switch over."
    ),
    inputs=[DB_INSTANCES],
)
def rds_storage_unencrypted(ctx: CheckContext) -> Iterator[Outcome]:
    """Unencrypted storage, snapshots and replicas: a shared or leaked snapshot is readable."""
    for db in databases(ctx):
        encrypted = db.attributes.get("storage_encrypted")
        if encrypted is None:
            yield unknown(db, "StorageEncrypted not read")
        elif not encrypted:
            yield flag(db, f"database {engine_text(db)} has unencrypted storage")


def bpa_gaps(setting: dict[str, bool] | None, where: str) -> str:
    if setting is None:
        return f"{where}: not read"
    if not setting:
        return f"{where}: not set"
    off = [name for name in BPA_FLAGS if not setting.get(name)]
    return f"{where}: {', '.join(off)} off" if off else f"{where}: all on"


@check(
    id="s3-public-access-not-blocked",
    title="S3 Block Public Access not fully on",
    severity=Severity.HIGH,
    types=[kinds.BUCKET, kinds.ACCOUNT_PUBLIC_ACCESS_BLOCK],
    remediation=(
        "Turn on all four settings for the account (`aws s3control put-public-access-block "
        "--account-id ACCOUNT --public-access-block-configuration BlockPublicAcls=true,"
        "IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`) or for the "
        "bucket (`aws s3api put-public-access-block --bucket BUCKET "
        "--public-access-block-configuration ...`)."
    ),
    inputs=[S3_LIST_BUCKETS],
)
def s3_public_access_not_blocked(ctx: CheckContext) -> Iterator[Outcome]:
    """Neither the account-level nor the bucket-level Block Public Access has all four
    settings on: one ACL or bucket-policy change can publish the data."""
    for bucket in ctx.of_type(kinds.BUCKET):
        attrs = bucket.attributes
        blocked = attrs.get("public_access_blocked")
        if blocked is None:
            yield unknown(bucket, "Block Public Access not read")
        elif not blocked:
            detail = "; ".join(
                (
                    bpa_gaps(attrs.get("public_access_block"), "bucket"),
                    bpa_gaps(attrs.get("account_public_access_block"), "account"),
                )
            )
            public = " (its bucket policy is public)" if attrs.get("policy_is_public") else ""
            yield flag(
                bucket,
                f"bucket {bucket.id} is not fully blocked from public access{public}: {detail}",
            )


@check(
    id="s3-versioning-without-lifecycle",
    title="Versioned bucket without lifecycle rule",
    severity=Severity.LOW,
    types=[kinds.BUCKET],
    remediation=(
        "Expire old versions: `aws s3api put-bucket-lifecycle-configuration --bucket BUCKET "
        '--lifecycle-configuration \'{"Rules":[{"ID":"expire-old-versions","Status":'
        '"Enabled","Filter":{},"NoncurrentVersionExpiration":{"NoncurrentDays":90}}]}\'`'
    ),
    inputs=[S3_LIST_BUCKETS],
    placeholders={"BUCKET": "id"},
)
def s3_versioning_without_lifecycle(ctx: CheckContext) -> Iterator[Outcome]:
    """Versioning on and no enabled lifecycle rule: every overwritten or deleted object's old
    versions are kept, and billed, forever."""
    for bucket in ctx.of_type(kinds.BUCKET):
        attrs = bucket.attributes
        versioning = attrs.get("versioning")
        if versioning is None:
            yield unknown(bucket, "versioning not read")
            continue
        if versioning != "Enabled":
            continue
        enabled_rules = attrs.get("lifecycle_rules_enabled", attrs.get("lifecycle_rules"))
        if attrs.get("has_lifecycle_rules") is None or enabled_rules is None:
            yield unknown(bucket, "lifecycle rules not read")
        elif not enabled_rules:
            yield flag(
                bucket,
                f"bucket {bucket.id} keeps every version: versioning on, no enabled lifecycle rule",
            )


@check(
    id="ec2-ebs-unencrypted",
    title="EBS volume unencrypted",
    severity=Severity.MEDIUM,
    types=[kinds.VOLUME],
    remediation=(
        "Copy a snapshot with encryption (`aws ec2 copy-snapshot --encrypted ...`), create a "
        "volume from it and swap it in; stop new ones with `aws ec2 "
        "enable-ebs-encryption-by-default --region REGION`."
    ),
    inputs=[EC2_DESCRIBE_VOLUMES],
    placeholders={"REGION": "region"},
)
def ec2_ebs_unencrypted(ctx: CheckContext) -> Iterator[Outcome]:
    """Unencrypted volumes and their snapshots are readable by whoever gets a copy."""
    for volume in ctx.of_type(kinds.VOLUME):
        encrypted = volume.attributes.get("encrypted")
        if encrypted is None:
            yield unknown(volume, "Encrypted not read")
        elif not encrypted:
            size = volume.attributes.get("size_gib")
            attached = ", ".join(volume.attributes.get("attached_to") or []) or "nothing"
            details = [volume.name] if volume.name != volume.id else []
            details += [f"{size} GiB"] if size else []
            details.append(f"attached to {attached}")
            yield flag(volume, f"volume {volume.id} ({', '.join(details)}) is not encrypted")


@check(
    id="ec2-ebs-encryption-by-default-off",
    title="EBS encryption by default off",
    severity=Severity.LOW,
    types=[kinds.EBS_DEFAULTS],
    remediation=(
        "`aws ec2 enable-ebs-encryption-by-default --region REGION` (new volumes only; "
        "existing ones keep their state)."
    ),
    inputs=[EC2_GET_EBS_ENCRYPTION_BY_DEFAULT],
    placeholders={"REGION": "region"},
)
def ec2_ebs_encryption_by_default_off(ctx: CheckContext) -> Iterator[Outcome]:
    """With the account setting off, every new volume in the region is unencrypted unless each
    launch asks otherwise. Reported only for regions that run instances or hold volumes, where
    the next launch can go wrong; the setting is shown for every region in the tree."""
    used = {r.region for r in ctx.of_type(kinds.INSTANCE, kinds.VOLUME)}
    for setting in ctx.of_type(kinds.EBS_DEFAULTS):
        if setting.region not in used:
            continue
        enabled = setting.attributes.get("encryption_by_default")
        if enabled is None:
            yield unknown(setting, f"encryption by default not read in {setting.region}")
        elif not enabled:
            yield flag(
                setting,
                f"EBS encryption by default is off in {setting.region}: new volumes there "
                "are unencrypted unless each launch asks",
            )


def secret_variables(function: Resource) -> list[dict[str, Any]]:
    return [v for v in function.attributes.get("environment") or [] if v.get("looks_secret")]


def secret_text(variable: dict[str, Any]) -> str:
    why = {"name": "its name", "value": "its value"}.get(str(variable.get("reason")), "")
    return f"{variable.get('name')}" + (f" (by {why})" if why else "")


@check(
    id="lambda-env-plaintext-secret",
    title="Lambda secret in plain environment variable",
    severity=Severity.HIGH,
    types=[kinds.FUNCTION],
    remediation=(
        "Move the secret to Secrets Manager or SSM Parameter Store and read it at start-up; "
        "at the least, encrypt the variables with a customer KMS key (`aws lambda "
        "update-function-configuration --function-name FN --kms-key-arn KEY`)."
    ),
    inputs=[LAMBDA_LIST_FUNCTIONS],
    placeholders={"FN": "id"},
)
def lambda_env_plaintext_secret(ctx: CheckContext) -> Iterator[Outcome]:
    """An environment variable that looks like a credential, and no customer KMS key: anyone
    with lambda:GetFunctionConfiguration reads it. Names the variable, never its value."""
    for function in ctx.of_type(kinds.FUNCTION):
        if function.attributes.get("environment") is None:
            yield unknown(function, "environment not read")
            continue
        if function.attributes.get("kms_key_arn"):
            continue
        secrets = secret_variables(function)
        if secrets:
            names = ", ".join(secret_text(v) for v in secrets)
            yield flag(
                function,
                f"function {function.id} has credential-like environment variable(s) {names} "
                "with no customer KMS key",
            )


def dead_letter_targets(ctx: CheckContext) -> set[str]:
    """ARNs that some queue redrives into (also computed by the collector, per region)."""
    targets = set()
    for queue in ctx.of_type(kinds.QUEUE):
        policy = queue.attributes.get("redrive_policy")
        if isinstance(policy, dict) and policy.get("deadLetterTargetArn"):
            targets.add(str(policy["deadLetterTargetArn"]))
    return targets


@check(
    id="sqs-no-dead-letter-queue",
    title="SQS queue without dead-letter queue",
    severity=Severity.LOW,
    types=[kinds.QUEUE],
    remediation=(
        "`aws sqs set-queue-attributes --queue-url URL --attributes "
        '\'{"RedrivePolicy":"{\\"deadLetterTargetArn\\":\\"DLQ_ARN\\",'
        '\\"maxReceiveCount\\":\\"5\\"}"}\'`'
    ),
    inputs=[SQS_LIST_QUEUES],
    placeholders={"URL": "attributes.url"},
)
def sqs_no_dead_letter_queue(ctx: CheckContext) -> Iterator[Outcome]:
    """A message that always fails is retried until it expires, burning consumer time, and
    is then lost without a trace. Queues that are themselves a dead-letter queue are skipped."""
    targets = dead_letter_targets(ctx)
    for queue in ctx.of_type(kinds.QUEUE):
        attrs = queue.attributes
        if attrs.get("attributes_unknown"):
            yield unknown(queue, "queue attributes not read")
            continue
        if attrs.get("is_dead_letter_queue") or queue.arn in targets:
            continue
        if not attrs.get("redrive_policy"):
            yield flag(queue, f"queue {queue.id} has no dead-letter queue (no redrive policy)")
