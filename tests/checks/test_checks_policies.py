"""Issue 13's policy checks (checks/policies.py): public snapshots and images, resource policies
open to anyone or to another account, public function URLs, buckets that accept plain HTTP, and
trail buckets kept forever.

Each is seeded on a moto server beside a clean look-alike that must NOT be flagged, scanned by
the real collectors, then judged. The "could not be read" cases are literal fixtures (no moto
call fails on demand), said so where they are.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from check_fixtures import ACCOUNT_ID, error, resource, run, scan

from awsexplorer.checks.evaluation import personalise
from awsexplorer.checks.registry import REGISTRY
from awsexplorer.model import ScanResult, kinds

EU = "eu-west-1"
US = "us-east-1"
PARTNER = "111122223333"
OTHER = "444455556666"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal: Any, action: Any, resource_: str = "*", **extra: Any) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": principal,
        "Action": action,
        "Resource": resource_,
        **extra,
    }


def deny_http(bucket: str, action: Any = "s3:*") -> dict[str, Any]:
    return {
        "Sid": "DenyPlainHttp",
        "Effect": "Deny",
        "Principal": "*",
        "Action": action,
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


def _bucket(aws: Callable[..., Any], name: str, *statements: dict[str, Any]) -> None:
    s3 = aws("s3", EU)
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": EU})
    if statements:
        s3.put_bucket_policy(Bucket=name, Policy=doc(*statements))


def seed_sharing(aws: Callable[..., Any]) -> None:
    ec2 = aws("ec2", EU)
    volume = ec2.create_volume(AvailabilityZone=f"{EU}a", Size=8)["VolumeId"]
    public = ec2.create_snapshot(VolumeId=volume, Description="public-snap")["SnapshotId"]
    ec2.create_tags(Resources=[public], Tags=[{"Key": "Name", "Value": "public-snap"}])
    ec2.modify_snapshot_attribute(
        SnapshotId=public,
        Attribute="createVolumePermission",
        OperationType="add",
        GroupNames=["all"],
    )
    # Look-alike: shared with one named account, not with everyone.
    shared = ec2.create_snapshot(VolumeId=volume, Description="shared-snap")["SnapshotId"]
    ec2.create_tags(Resources=[shared], Tags=[{"Key": "Name", "Value": "shared-snap"}])
    ec2.modify_snapshot_attribute(
        SnapshotId=shared,
        Attribute="createVolumePermission",
        OperationType="add",
        UserIds=[PARTNER],
    )
    for name in ("public-image", "private-image"):
        image = ec2.register_image(
            Name=name,
            RootDeviceName="/dev/xvda",
            BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": shared}}],
        )["ImageId"]
        ec2.create_tags(Resources=[image], Tags=[{"Key": "Name", "Value": name}])
        if name == "public-image":
            ec2.modify_image_attribute(ImageId=image, LaunchPermission={"Add": [{"Group": "all"}]})
    rds = aws("rds", EU)
    rds.create_db_instance(
        DBInstanceIdentifier="db1",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        AllocatedStorage=20,
        MasterUsername="admin1",
        MasterUserPassword="Sup3r-secret-pass",
    )
    for name in ("db1-public-export", "db1-private-export"):
        rds.create_db_snapshot(DBInstanceIdentifier="db1", DBSnapshotIdentifier=name)
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="db1-public-export", AttributeName="restore", ValuesToAdd=["all"]
    )
    # Look-alike: restorable by one named account only.
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="db1-private-export", AttributeName="restore", ValuesToAdd=[PARTNER]
    )
    rds.create_db_cluster(
        DBClusterIdentifier="aurora1",
        Engine="aurora-postgresql",
        MasterUsername="admin1",
        MasterUserPassword="Sup3r-secret-pass",
    )
    for name in ("aurora1-public", "aurora1-private"):
        rds.create_db_cluster_snapshot(
            DBClusterIdentifier="aurora1", DBClusterSnapshotIdentifier=name
        )
    rds.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="aurora1-public", AttributeName="restore", ValuesToAdd=["all"]
    )


def test_public_snapshots_and_images_on_moto(
    aws: Callable[..., Any], scan_config: Callable[..., Any], run_scan: Callable[..., Any]
) -> None:
    seed_sharing(aws)
    result, _ = run_scan(scan_config(regions=(EU,)))

    snapshots = found("ec2-snapshot-public", result, by="name")
    assert list(snapshots) == ["public-snap"]
    assert snapshots["public-snap"].endswith(
        "(public-snap) of volume "
        + next(r.attributes["volume_id"] for r in result.resources if r.name == "public-snap")
        + " [8 GiB, unencrypted] can be made into a volume by anyone "
        "(createVolumePermission group all)"
    )
    images = found("ec2-image-public", result, by="name")
    assert list(images) == ["public-image"]
    assert images["public-image"].endswith("(public-image) can be launched by anyone (public)")

    rds = found("rds-snapshot-public", result)
    assert sorted(rds) == ["aurora1-public", "db1-public-export"]
    assert rds["db1-public-export"] == (
        "DB snapshot db1-public-export of db1 (postgres, unencrypted) can be restored by any "
        "AWS account (restore attribute includes all)"
    )
    assert rds["aurora1-public"].startswith("DB cluster snapshot aurora1-public of aurora1")

    # The remediation names the snapshot, in its region; a cluster snapshot gets its own command.
    findings, _ = run("rds-snapshot-public", result)
    by_id = {f.resource.rsplit(":", 1)[-1]: f.remediation for f in findings}
    assert (
        "`aws rds modify-db-snapshot-attribute --db-snapshot-identifier db1-public-export "
        "--attribute-name restore --values-to-remove all --region eu-west-1`"
    ) in by_id["db1-public-export"]
    assert "--db-cluster-snapshot-identifier aurora1-public " in by_id["aurora1-public"]
    assert "db1-public-export" not in by_id["aurora1-public"]


def seed_policies(aws: Callable[..., Any]) -> dict[str, str]:
    """Every policy-carrying type, each open one beside a narrowed or own-account look-alike."""
    # Buckets.
    _bucket(aws, "open-bucket", allow("*", "s3:GetObject", "arn:aws:s3:::open-bucket/*"))
    _bucket(
        aws,
        "vpce-bucket",  # look-alike: Principal * but only through one VPC endpoint; TLS enforced
        deny_http("vpce-bucket"),
        allow(
            "*",
            "s3:GetObject",
            "arn:aws:s3:::vpce-bucket/*",
            Condition={"StringEquals": {"aws:SourceVpce": "vpce-0abc1234"}},
        ),
    )
    _bucket(
        aws,
        "partner-bucket",
        deny_http("partner-bucket"),
        allow(
            {"AWS": f"arn:aws:iam::{PARTNER}:root"}, "s3:GetObject", "arn:aws:s3:::partner-bucket/*"
        ),
        allow({"AWS": f"arn:aws:iam::{ACCOUNT_ID}:role/reader"}, "s3:ListBucket"),
    )
    _bucket(aws, "plain-bucket")  # no policy at all
    _bucket(aws, "half-tls-bucket", deny_http("half-tls-bucket", "s3:PutObject"))
    _bucket(
        aws,
        "ifexists-bucket",  # a condition that passes when the key is absent narrows nothing
        deny_http("ifexists-bucket"),
        allow(
            {"AWS": "*"},
            ["s3:GetObject", "s3:PutObject"],
            "arn:aws:s3:::ifexists-bucket/*",
            Condition={"StringEqualsIfExists": {"aws:SourceVpce": "vpce-0abc1234"}},
        ),
    )

    # Queues, topics.
    sqs = aws("sqs", EU)
    sns = aws("sns", EU)
    topic = sns.create_topic(Name="orders-events")["TopicArn"]  # moto's default policy: own
    open_topic = sns.create_topic(Name="open-topic")["TopicArn"]
    sns.set_topic_attributes(
        TopicArn=open_topic,
        AttributeName="Policy",
        AttributeValue=doc(allow({"AWS": "*"}, ["SNS:Publish", "SNS:Subscribe"], open_topic)),
    )
    for name, statement in (
        ("open-queue", allow("*", "sqs:SendMessage")),
        (
            "fed-by-topic",  # look-alike: the usual SNS -> SQS grant, narrowed by aws:SourceArn
            allow(
                {"Service": "sns.amazonaws.com"},
                "sqs:SendMessage",
                Condition={"ArnEquals": {"aws:SourceArn": topic}},
            ),
        ),
        (
            "fed-by-anyone-in-topic",  # look-alike: Principal * narrowed by aws:SourceArn
            allow("*", "sqs:SendMessage", Condition={"ArnEquals": {"aws:SourceArn": topic}}),
        ),
        ("partner-queue", allow({"AWS": OTHER}, ["sqs:SendMessage", "sqs:ReceiveMessage"])),
    ):
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": doc(statement)})

    # KMS keys: the default policy (own account) is the look-alike.
    kms = aws("kms", EU)
    own = kms.create_key(Description="own")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/own", TargetKeyId=own)
    shared = kms.create_key(
        Description="shared",
        Policy=doc(
            allow({"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "kms:*"),
            allow({"AWS": f"arn:aws:iam::{PARTNER}:role/decrypter"}, "kms:Decrypt"),
        ),
    )["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/shared", TargetKeyId=shared)

    # Functions: a public invoke grant; an S3 trigger narrowed by its source (look-alike).
    lam = aws("lambda", EU)
    aws("iam").create_role(
        RoleName="fn",
        AssumeRolePolicyDocument=doc(
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ),
    )
    for name in ("open-fn", "s3-fn", "url-open", "url-iam"):
        lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=f"arn:aws:iam::{ACCOUNT_ID}:role/fn",
            Handler="app.handler",
            Code={"ZipFile": _zip()},
        )
    lam.add_permission(
        FunctionName="open-fn", StatementId="anyone", Action="lambda:InvokeFunction", Principal="*"
    )
    lam.add_permission(
        FunctionName="s3-fn",
        StatementId="from-bucket",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn="arn:aws:s3:::open-bucket",
        SourceAccount=ACCOUNT_ID,
    )
    lam.create_function_url_config(FunctionName="url-open", AuthType="NONE")
    lam.add_permission(
        FunctionName="url-open",
        StatementId="public-url",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    lam.create_function_url_config(FunctionName="url-iam", AuthType="AWS_IAM")

    # ECR repositories.
    ecr = aws("ecr", EU)
    for name, statement in (
        ("open-repo", allow({"AWS": "*"}, ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"])),
        (
            "org-repo",  # look-alike: everyone in the organization, and only them
            allow(
                "*",
                "ecr:BatchGetImage",
                Condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}},
            ),
        ),
    ):
        ecr.create_repository(repositoryName=name)
        ecr.set_repository_policy(repositoryName=name, policyText=doc(statement))

    # Secrets.
    secrets = aws("secretsmanager", EU)
    open_secret = secrets.create_secret(Name="open-secret", SecretString="placeholder")["ARN"]
    secrets.put_resource_policy(
        SecretId=open_secret,
        ResourcePolicy=doc(allow("*", "secretsmanager:GetSecretValue")),
    )
    secrets.create_secret(Name="private-secret", SecretString="placeholder")
    return {"own": own, "shared": shared}


def found(check_id: str, result: ScanResult, by: str = "id") -> dict[str, str]:
    findings, outcome = run(check_id, result)
    assert outcome.status == "evaluated", outcome
    names = {r.arn: getattr(r, by) for r in result.resources}
    return {names[f.resource]: f.message for f in findings}


def test_policy_checks_on_one_moto_account(
    aws: Callable[..., Any], scan_config: Callable[..., Any], run_scan: Callable[..., Any]
) -> None:
    """One seeded account, one scan (a scan takes a while on a busy machine), four checks."""
    keys = seed_policies(aws)
    result, _ = run_scan(scan_config(regions=(EU,)))
    policy_scan = (result, keys)
    the_collectors_read_every_resource_policy(policy_scan)
    resource_policy_public(policy_scan)
    resource_policy_cross_account(policy_scan)
    lambda_url_public(policy_scan)
    s3_tls_not_enforced(policy_scan)


def the_collectors_read_every_resource_policy(
    policy_scan: tuple[ScanResult, dict[str, str]],
) -> None:
    result, _ = policy_scan
    bucket = next(r for r in result.resources if r.id == "open-bucket")
    assert bucket.attributes["policy"]["Statement"][0]["Principal"] == "*"
    assert "policy_unknown" not in bucket.attributes
    plain = next(r for r in result.resources if r.id == "plain-bucket")
    assert plain.attributes["policy"] is None and plain.attributes["has_policy"] is False


def resource_policy_public(policy_scan: tuple[ScanResult, dict[str, str]]) -> None:
    result, _ = policy_scan
    public = found("resource-policy-public", result)
    assert sorted(public) == [
        "ifexists-bucket",
        "open-bucket",
        "open-fn",
        "open-queue",
        "open-repo",
        "open-secret",
        "open-topic",
    ]
    # Look-alikes not flagged: narrowed by aws:SourceVpce / aws:SourceArn / aws:PrincipalOrgID,
    # a service principal, the default topic and key policies, a function URL's own grant
    # (lambda-url-public's finding), and the TLS Deny statements (Principal * but Deny).
    assert public["open-bucket"] == (
        "bucket open-bucket's resource policy allows anyone (Principal *) to s3:GetObject"
    )
    assert public["open-topic"].endswith("to SNS:Publish, SNS:Subscribe")
    assert public["open-secret"] == (
        "secret open-secret's resource policy allows anyone (Principal *) to "
        "secretsmanager:GetSecretValue"
    )
    assert public["open-fn"] == (
        "function open-fn's resource policy allows anyone (Principal *) to "
        "lambda:InvokeFunction (statement anyone)"
    )
    assert public["ifexists-bucket"].endswith(
        "s3:GetObject, s3:PutObject, under StringEqualsIfExists aws:SourceVpce=vpce-0abc1234 "
        "which does not narrow who"
    )

    # Each finding's remediation fills in its own service's command only, in its region.
    findings, _ = run("resource-policy-public", result)
    remedies = {f.resource: f.remediation for f in findings}
    arn = {r.id: r.arn for r in result.resources}
    bucket_fix = remedies[arn["open-bucket"]]
    assert (
        "`aws s3api put-bucket-policy --bucket open-bucket --policy file://policy.json "
        "--region eu-west-1`" in bucket_fix
    )
    assert "--function-name FUNCTION --statement-id SID`" in bucket_fix  # left generic
    queue_url = next(r.attributes["url"] for r in result.resources if r.id == "open-queue")
    assert f"--queue-url {queue_url} " in remedies[arn["open-queue"]]
    assert "--bucket BUCKET" in remedies[arn["open-queue"]]
    assert f"--secret-id {arn['open-secret']} " in remedies[arn["open-secret"]]
    assert (
        "--function-name open-fn --statement-id SID --region eu-west-1`" in remedies[arn["open-fn"]]
    )


def resource_policy_cross_account(
    policy_scan: tuple[ScanResult, dict[str, str]],
) -> None:
    result, keys = policy_scan
    cross = found("resource-policy-cross-account", result)
    assert set(cross) == {"partner-bucket", "partner-queue", keys["shared"]}
    assert cross["partner-bucket"] == (
        f"bucket partner-bucket's resource policy grants account {PARTNER} (s3:GetObject)"
    )
    assert cross["partner-queue"].endswith(
        f"grants account {OTHER} (sqs:SendMessage, sqs:ReceiveMessage)"
    )
    assert cross[keys["shared"]].startswith(f"KMS key {keys['shared']} (alias/shared)'s")
    assert cross[keys["shared"]].endswith(f"grants account {PARTNER} (kms:Decrypt)")
    # Look-alikes: the own account's root and roles (partner-bucket's second statement, the
    # default key policy of alias/own), an S3 trigger's aws:SourceAccount naming this account.
    assert keys["own"] not in cross and "s3-fn" not in cross


def lambda_url_public(policy_scan: tuple[ScanResult, dict[str, str]]) -> None:
    result, _ = policy_scan
    urls = found("lambda-url-public", result)
    assert list(urls) == ["url-open"]  # look-alike: url-iam (AWS_IAM), and functions without
    assert urls["url-open"].startswith("function url-open has a function URL at ")
    assert urls["url-open"].endswith("with auth type NONE: anyone can invoke it")


def s3_tls_not_enforced(policy_scan: tuple[ScanResult, dict[str, str]]) -> None:
    result, _ = policy_scan
    tls = found("s3-tls-not-enforced", result)
    assert sorted(tls) == ["half-tls-bucket", "open-bucket", "plain-bucket"]
    assert tls["plain-bucket"] == (
        "bucket plain-bucket has no bucket policy, so nothing denies plain HTTP "
        "(aws:SecureTransport false)"
    )
    assert tls["half-tls-bucket"] == (
        "bucket half-tls-bucket's policy has no Deny for aws:SecureTransport false on "
        "s3:GetObject and s3:PutObject: plain HTTP is accepted"
    )
    # Look-alikes: vpce-bucket, partner-bucket and ifexists-bucket deny s3:* over plain HTTP.


def test_cloudtrail_bucket_no_lifecycle_on_moto(
    aws: Callable[..., Any], scan_config: Callable[..., Any], run_scan: Callable[..., Any]
) -> None:
    s3 = aws("s3", US)
    for name in ("trail-logs", "trail-logs-kept"):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_lifecycle_configuration(
        Bucket="trail-logs-kept",
        LifecycleConfiguration={
            "Rules": [
                {"ID": "expire", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 365}}
            ]
        },
    )
    trails = aws("cloudtrail", US)
    trails.create_trail(Name="audit", S3BucketName="trail-logs")
    trails.create_trail(Name="data-events", S3BucketName="trail-logs")
    trails.create_trail(Name="audit-kept", S3BucketName="trail-logs-kept")
    result, _ = run_scan(scan_config(regions=(US,)))

    kept = found("cloudtrail-bucket-no-lifecycle", result)
    assert kept == {
        "trail-logs": "bucket trail-logs, where trails audit, data-events delivers logs, has no "
        "enabled lifecycle rule: the logs are kept and billed forever"
    }
    findings, _ = run("cloudtrail-bucket-no-lifecycle", result)
    assert "--bucket trail-logs --lifecycle-configuration" in findings[0].remediation


# -- not evaluated, never passed (literal fixtures: moto cannot be made to refuse one call) -----


def test_unread_sharing_and_policies_are_not_evaluated() -> None:
    snapshot = resource(kinds.EBS_SNAPSHOT, "snap-0abc", public=None)
    findings, outcome = run("ec2-snapshot-public", scan(snapshot))
    assert findings == [] and outcome.status == "not-evaluated"
    assert "snap-0abc: createVolumePermission not read" in str(outcome.reason)

    bucket = resource(kinds.BUCKET, "b1", has_policy=None, policy=None, policy_unknown=True)
    for check_id in ("s3-tls-not-enforced", "resource-policy-public"):
        findings, outcome = run(check_id, scan(bucket))
        assert findings == [] and outcome.status == "not-evaluated", check_id

    garbled = resource(kinds.BUCKET, "b2", has_policy=True, policy=None)
    findings, outcome = run("s3-tls-not-enforced", scan(garbled))
    assert findings == [] and "b2: its bucket policy is not valid JSON" in str(outcome.reason)

    failed = scan(
        resource(kinds.FUNCTION, "fn1", url_auth_type=None),
        errors=(error(EU, "lambda", "GetFunctionUrlConfig"),),
    )
    findings, outcome = run("lambda-url-public", failed)
    assert findings == [] and outcome.status == "not-evaluated"
    assert "lambda:GetFunctionUrlConfig failed in eu-west-1 (AccessDenied)" in str(outcome.reason)

    # A trail writing to a bucket outside the scan (another account's) cannot be judged.
    trail = resource(kinds.TRAIL, "org-trail", s3_bucket="central-logs")
    _, outcome = run("cloudtrail-bucket-no-lifecycle", scan(trail))
    assert outcome.status == "not-evaluated" and "central-logs" in str(outcome.reason)


def test_narrowing_conditions_and_negations() -> None:
    """Literal documents: a negated operator or a wildcard value narrows nothing; NotPrincipal
    with Allow is everyone but a few; the own account is never 'another'."""

    def bucket(name: str, *statements: dict[str, Any]) -> Any:
        return resource(
            kinds.BUCKET,
            name,
            has_policy=True,
            policy=json.loads(doc(*statements)),
        )

    result = scan(
        bucket(
            "negated",
            allow("*", "s3:GetObject", Condition={"StringNotEquals": {"aws:SourceAccount": OTHER}}),
        ),
        bucket(
            "wildcard", allow("*", "s3:GetObject", Condition={"StringLike": {"aws:SourceArn": "*"}})
        ),
        bucket(
            "anywhere",
            allow("*", "s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
        ),
        bucket(
            "office",
            allow("*", "s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
        ),
        bucket(
            "not-principal",
            {
                "Effect": "Allow",
                "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
                "Action": "s3:*",
            },
        ),
        bucket(
            "partner-by-condition",
            allow("*", "s3:PutObject", Condition={"StringEquals": {"AWS:SourceAccount": PARTNER}}),
        ),
        bucket(
            "own-by-condition",
            allow(
                "*", "s3:PutObject", Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}
            ),
        ),
    )
    key = resource(
        kinds.KMS_KEY_TYPE,
        "k-via-service",
        aws_managed=False,
        policy=json.loads(
            doc(
                allow(
                    {"AWS": "*"},
                    ["kms:Decrypt", "kms:GenerateDataKey*"],
                    Condition={
                        "StringEquals": {
                            "kms:CallerAccount": ACCOUNT_ID,
                            "kms:ViaService": "s3.eu-west-1.amazonaws.com",
                        }
                    },
                )
            )
        ),
    )
    result.resources.append(key)
    findings, outcome = run("resource-policy-public", result)
    assert outcome.status == "evaluated"
    flagged = {f.resource.rsplit("/", 1)[-1]: f.message for f in findings}
    assert "k-via-service" not in flagged  # narrowed to this account by kms:CallerAccount
    assert sorted(flagged) == ["anywhere", "negated", "not-principal", "wildcard"]
    assert "everyone but a NotPrincipal" in flagged["not-principal"]
    findings, _ = run("resource-policy-cross-account", result)
    assert [f.resource.rsplit("/", 1)[-1] for f in findings] == ["partner-by-condition"]


def test_typed_placeholders_fill_only_their_type() -> None:
    item = REGISTRY["resource-policy-public"]
    secret = resource(kinds.SECRET, "s1", url="not-a-queue")
    text = personalise(item, secret)
    assert f"--secret-id {secret.arn} " in text
    assert "--queue-url QUEUE_URL " in text  # a secret's `url` never fills the queue's command


def test_wildcard_account_and_listed_everyone_principals_are_public() -> None:
    """Literal documents, the principal shapes that mean anyone: an AWS principal whose account
    is a wildcard (arn:aws:iam::*:root, arn:aws:iam::*:*), "*" inside an AWS list beside a real
    account, and a Principal given as a list of "*" or of {"AWS": "*"}. A named account's root
    and a service principal stay not public."""

    def bucket(name: str, principal: Any) -> Any:
        return resource(
            kinds.BUCKET,
            name,
            has_policy=True,
            policy=json.loads(doc(allow(principal, "s3:GetObject", f"arn:aws:s3:::{name}/*"))),
        )

    result = scan(
        bucket("any-root", {"AWS": "arn:aws:iam::*:root"}),
        bucket("any-anything", {"AWS": "arn:aws:iam::*:*"}),
        bucket("any-role", {"AWS": ["arn:aws:iam::*:role/reader"]}),
        bucket("star-in-list", {"AWS": [f"arn:aws:iam::{PARTNER}:root", "*"]}),
        bucket("listed-star", ["*"]),
        bucket("listed-aws-star", [{"AWS": "*"}]),
        bucket("named-root", {"AWS": f"arn:aws:iam::{PARTNER}:root"}),
        bucket("service", {"Service": "cloudfront.amazonaws.com"}),
    )
    findings, outcome = run("resource-policy-public", result)
    assert outcome.status == "evaluated"
    flagged = {f.resource.rsplit("/", 1)[-1]: f.message for f in findings}
    assert sorted(flagged) == [
        "any-anything",
        "any-role",
        "any-root",
        "listed-aws-star",
        "listed-star",
        "star-in-list",
    ]
    assert "Principal arn:aws:iam::*:root" in flagged["any-root"]
    assert "Principal *" in flagged["star-in-list"]


def test_values_go_into_the_commands_literally_and_once() -> None:
    """A value from AWS is text, never a template: braces and backslashes stay as they are, and
    a value holding another placeholder's word (REGION) is not filled in again."""
    item = REGISTRY["ec2-nat-without-s3-endpoint"]
    vpc = resource(kinds.VPC, "vpc-{0}\\1 REGION {region}")
    text = personalise(item, vpc)
    assert "--vpc-id vpc-{0}\\1 REGION {region} --vpc-endpoint-type" in text
    assert "com.amazonaws.eu-west-1.s3" in text
    assert text.count("--region eu-west-1") == 1
    assert "in the VPC's own region REGION." in text  # outside a command: left as written
