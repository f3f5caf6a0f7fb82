"""Data checks on literal fixtures: RDS, S3, EBS, Lambda secrets, SQS dead-letter queues."""

from __future__ import annotations

from typing import Any

from check_fixtures import error, flagged, messages, resource, run, scan

from awsexplorer.model.kinds import complete

ALL_ON = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def db(did: str, **attrs: Any) -> Any:
    base = {
        "engine": "postgres",
        "publicly_accessible": False,
        "multi_az": True,
        "backup_retention_period": 7,
        "storage_encrypted": True,
        "subnet_group": "private-db",
        "subnet_ids": ["subnet-priv-a", "subnet-priv-b"],
        "endpoint": f"{did}.abc.eu-west-1.rds.amazonaws.com",
        "port": 5432,
        "availability_zone": "eu-west-1a",
    }
    base.update(attrs)
    return resource("rds:db", did, vpc_id="vpc-1", **base)


def subnet(sid: str, public: bool | None) -> Any:
    reason = "0.0.0.0/0 -> igw-1 in rtb-pub (explicit association)" if public else "private"
    return resource(
        "ec2:subnet", sid, vpc_id="vpc-1", subnet_id=sid, public=public, public_reason=reason
    )


SUBNETS = (
    subnet("subnet-priv-a", False),
    subnet("subnet-priv-b", False),
    subnet("subnet-pub-a", True),
)


def test_clean_private_multi_az_encrypted_database_is_not_flagged() -> None:
    result = scan(db("clean"), *SUBNETS)
    for check_id in (
        "rds-publicly-accessible",
        "rds-in-public-subnet",
        "rds-single-az",
        "rds-backups-disabled",
        "rds-storage-unencrypted",
    ):
        assert flagged(check_id, result) == [], check_id


def test_each_rds_pitfall_on_its_database() -> None:
    result = scan(
        db("public", publicly_accessible=True),
        db("in-public", subnet_ids=["subnet-priv-a", "subnet-pub-a"]),
        db("single", multi_az=False),
        db("nobackup", backup_retention_period=0),
        db("plain", storage_encrypted=False),
        db("aurora-node", engine="aurora-postgresql", multi_az=False),
        *SUBNETS,
    )
    assert flagged("rds-publicly-accessible", result) == ["public"]
    assert flagged("rds-in-public-subnet", result) == ["in-public"]
    assert flagged("rds-single-az", result) == ["single"]
    assert flagged("rds-backups-disabled", result) == ["nobackup"]
    assert flagged("rds-storage-unencrypted", result) == ["plain"]
    assert (
        "public.abc.eu-west-1.rds.amazonaws.com:5432"
        in messages("rds-publicly-accessible", result)[0]
    )
    assert "subnet-pub-a: 0.0.0.0/0 -> igw-1" in messages("rds-in-public-subnet", result)[0]


def test_rds_subnet_of_unknown_classification_is_not_evaluated() -> None:
    result = scan(db("d", subnet_ids=["subnet-missing"]))
    _, outcome = run("rds-in-public-subnet", result)
    assert outcome.status == "not-evaluated"
    assert "subnet-missing" in (outcome.reason or "")


def test_rds_describe_denied_is_not_evaluated() -> None:
    result = scan(errors=(error("eu-west-1", "rds", "DescribeDBInstances"),))
    assert run("rds-publicly-accessible", result)[1].status == "not-evaluated"


def bucket(name: str, **attrs: Any) -> Any:
    base: dict[str, Any] = {
        "public_access_block": dict(ALL_ON),
        "account_public_access_block": {},
        "public_access_blocked": True,
        "versioning": "Disabled",
        "lifecycle_rules": 0,
        "lifecycle_rules_enabled": 0,
        "has_lifecycle_rules": False,
    }
    base.update(attrs)
    return resource("s3:bucket", name, **base)


def test_s3_public_access() -> None:
    half = {**ALL_ON, "BlockPublicPolicy": False, "RestrictPublicBuckets": False}
    result = scan(
        bucket("blocked"),
        bucket("open", public_access_block={}, public_access_blocked=False),
        bucket("half", public_access_block=half, public_access_blocked=False),
        bucket("by-account", public_access_block={}, account_public_access_block=dict(ALL_ON)),
    )
    assert flagged("s3-public-access-not-blocked", result) == ["half", "open"]
    text = messages("s3-public-access-not-blocked", result)
    assert "bucket: BlockPublicPolicy, RestrictPublicBuckets off; account: not set" in text[0]
    unknown = scan(bucket("x", public_access_blocked=None, public_access_block=None))
    assert run("s3-public-access-not-blocked", unknown)[1].status == "not-evaluated"


def test_s3_versioning_without_lifecycle() -> None:
    result = scan(
        bucket("forever", versioning="Enabled"),
        bucket(
            "managed",
            versioning="Enabled",
            lifecycle_rules=1,
            lifecycle_rules_enabled=1,
            has_lifecycle_rules=True,
        ),
        bucket(
            "disabled-rule",
            versioning="Enabled",
            lifecycle_rules=1,
            lifecycle_rules_enabled=0,
            has_lifecycle_rules=True,
        ),
        bucket("unversioned"),
        bucket("suspended", versioning="Suspended"),
    )
    assert flagged("s3-versioning-without-lifecycle", result) == ["disabled-rule", "forever"]


def test_ebs_unencrypted_from_the_normalised_field_or_an_old_snapshots_raw_one() -> None:
    result = scan(
        resource("ec2:volume", "vol-plain", encrypted=False, size_gib=8, attached_to=["i-1"]),
        complete(resource("ec2:volume", "vol-raw", Encrypted=False)),  # read as snapshot.read does
        resource("ec2:volume", "vol-safe", encrypted=True),
    )
    assert flagged("ec2-ebs-unencrypted", result) == ["vol-plain", "vol-raw"]
    assert messages("ec2-ebs-unencrypted", result)[0] == (
        "volume vol-plain (8 GiB, attached to i-1) is not encrypted"
    )


def function(name: str, env: list[dict[str, Any]] | None, kms: str | None = None) -> Any:
    return resource("lambda:function", name, environment=env, kms_key_arn=kms)


SECRET = {"name": "DB_PASSWORD", "looks_secret": True, "reason": "name"}
PLAIN = {"name": "LOG_LEVEL", "looks_secret": False, "reason": None}


def test_lambda_secret_names_the_variable_never_a_value() -> None:
    kms = "arn:aws:kms:eu-west-1:123456789012:key/abc"
    result = scan(
        function("leaky", [SECRET, PLAIN]),
        function("encrypted", [SECRET], kms),
        function("tidy", [PLAIN]),
        function("none", []),
    )
    assert flagged("lambda-env-plaintext-secret", result) == ["leaky"]
    message = messages("lambda-env-plaintext-secret", result)[0]
    assert "DB_PASSWORD (by its name)" in message and "LOG_LEVEL" not in message
    assert run("lambda-env-plaintext-secret", scan(function("x", None)))[1].status == (
        "not-evaluated"
    )


def queue(name: str, **attrs: Any) -> Any:
    base: dict[str, Any] = {"redrive_policy": None, "is_dead_letter_queue": False}
    base.update(attrs)
    return resource("sqs:queue", name, **base)


def test_queue_without_dlq_and_a_queue_that_is_another_queues_dlq() -> None:
    dlq = queue("orders-dlq")
    result = scan(
        queue("orders", redrive_policy={"deadLetterTargetArn": dlq.arn, "maxReceiveCount": 5}),
        dlq,  # is_dead_letter_queue not set by the collector here: found from the redrive policy
        queue("marked-dlq", is_dead_letter_queue=True),
        queue("lonely"),
    )
    assert flagged("sqs-no-dead-letter-queue", result) == ["lonely"]
    unreadable = scan(queue("x", attributes_unknown=True))
    assert run("sqs-no-dead-letter-queue", unreadable)[1].status == "not-evaluated"


# -- EBS encryption by default -------------------------------------------------------------------


def test_encryption_by_default_off_only_where_volumes_or_instances_live() -> None:
    def setting(region: str, enabled: bool | None) -> Any:
        return resource(
            "ec2:ebs-defaults", "ebs-encryption-by-default", region, encryption_by_default=enabled
        )

    result = scan(
        setting("eu-west-1", False),
        setting("us-east-1", False),  # nothing runs there: not reported
        resource("ec2:volume", "vol-1", "eu-west-1", state="in-use", encrypted=True),
    )
    findings, outcome = run("ec2-ebs-encryption-by-default-off", result)
    assert outcome.status == "evaluated"
    assert [f.region for f in findings] == ["eu-west-1"]
    assert "enable-ebs-encryption-by-default --region eu-west-1" in findings[0].remediation
    unknown_result = scan(
        setting("eu-west-1", None), resource("ec2:volume", "vol-1", "eu-west-1", encrypted=True)
    )
    assert run("ec2-ebs-encryption-by-default-off", unknown_result)[1].status == "not-evaluated"
