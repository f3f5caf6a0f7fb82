"""A verification account for the checks catalog, unlike the demo: every pitfall of issue 5
seeded on a moto server, with a clean look-alike beside each (443-only and 10.0.0.0/8-only SSH
groups, a private multi-AZ encrypted database, a queue with a dead-letter queue, a versioned
bucket with a lifecycle rule, a role limited to one bucket, a key created yesterday...).

`seed(client)` needs the moto server to run in this process: IAM dates and root keys have no
API, so they are set on moto's backend. Used by test_checks_moto.py, and standalone:

    python tests/checks/verify_account.py      # prints the endpoint, serves until Ctrl-C
    awsexplorer scan --endpoint-url URL         # (AWS_ACCESS_KEY_ID=testing ...)

EXPECTED is what `awsexplorer scan` must report, as (check, region, name), and nothing else.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

ACCOUNT = "123456789012"
EU, US, AP = "eu-west-1", "us-east-1", "ap-northeast-1"
REGIONS = (EU, US, AP)
TAGS = {"project": "verify", "environment": "test", "owner": "checks-team"}
G = "global"

EXPECTED = {
    ("iam-root-mfa-disabled", G, "root"),
    ("iam-root-access-keys", G, "root"),
    ("iam-user-console-no-mfa", G, "carol"),
    ("iam-access-key-unused", G, "stale-svc"),
    ("iam-access-key-not-rotated", G, "stale-svc"),
    ("iam-principal-unused", G, "stale-svc"),
    ("iam-principal-unused", G, "ancient-role"),
    ("iam-admin-access", G, "ops-admins"),
    ("iam-service-wildcard", G, "etl-role"),
    ("iam-password-policy-weak", G, "root"),
    ("cloudtrail-multi-region-missing", G, "root"),
    ("ec2-sg-open-admin-port", EU, "ssh-world"),
    ("ec2-sg-open-admin-port", EU, "rdp-v6"),
    ("ec2-sg-open-admin-port", EU, "all-open"),
    ("ec2-sg-open-database-port", EU, "mongo-world"),
    ("ec2-sg-open-database-port", EU, "range-open"),
    ("ec2-vpc-cidr-small", EU, "tiny-vpc"),
    ("ec2-default-vpc-in-use", AP, "default-vpc"),
    ("ec2-vpc-flow-logs-disabled", EU, "tiny-vpc"),
    ("ec2-vpc-flow-logs-disabled", AP, "default-vpc"),
    ("ec2-subnet-ip-exhaustion", EU, "tiny-full"),
    ("rds-publicly-accessible", EU, "legacy-db"),
    ("rds-in-public-subnet", EU, "legacy-db"),
    ("rds-single-az", EU, "legacy-db"),
    ("rds-backups-disabled", EU, "legacy-db"),
    ("rds-storage-unencrypted", EU, "legacy-db"),
    ("s3-public-access-not-blocked", EU, "verify-open"),
    ("s3-versioning-without-lifecycle", EU, "verify-versions-forever"),
    ("ec2-ebs-unencrypted", EU, "orphan-plain"),
    ("ec2-instance-imdsv1", EU, "web-1"),
    ("ec2-ebs-encryption-by-default-off", AP, "EBS encryption by default"),
    ("lambda-env-plaintext-secret", EU, "leaky-fn"),
    ("sqs-no-dead-letter-queue", EU, "orphan-queue"),
    ("ec2-nat-gateway-cost", EU, "core-nat"),
    ("ec2-nat-gateway-cost", EU, "idle-nat"),
    # Issue 13's edge and wiring checks, true of this account: core-vpc's private subnets go
    # out through core-nat with no S3 gateway endpoint, and no alarm watches anything.
    ("ec2-nat-without-s3-endpoint", EU, "core-vpc"),
    ("monitoring-no-alarm", EU, "jobs-dlq"),
    ("monitoring-no-alarm", EU, "kms-fn"),
    ("monitoring-no-alarm", EU, "leaky-fn"),
    ("monitoring-no-alarm", EU, "plain-fn"),
    ("monitoring-no-alarm", EU, "legacy-db"),
    ("monitoring-no-alarm", EU, "orders-db"),
    ("ec2-volume-unattached", EU, "orphan-plain"),
    ("ec2-volume-unattached", EU, "orphan-encrypted"),
    ("ec2-eip-unattached", EU, "spare-eip"),
    ("billing-alarm-missing", G, "root"),
    ("tag-missing-required", EU, "untagged-box"),  # the instance and its volume
    ("tag-missing-required", EU, "scratch"),
    # Issue 13's policy checks, true of this account: no bucket denies plain HTTP, and the
    # trail's bucket keeps its logs forever.
    ("s3-tls-not-enforced", EU, "verify-locked"),
    ("s3-tls-not-enforced", EU, "verify-open"),
    ("s3-tls-not-enforced", EU, "verify-versions-forever"),
    ("s3-tls-not-enforced", EU, "verify-versions-managed"),
    ("s3-tls-not-enforced", US, "verify-trail-logs"),
    ("cloudtrail-bucket-no-lifecycle", US, "verify-trail-logs"),
    # Issue 13's guardrail checks, true of this account: no SSM agent reports for any running
    # instance, and the guardrails are off in every region that holds resources (one finding
    # per region, filed under the record of its missing GuardDuty detector).
    ("ec2-instance-unmanaged", AP, "forgotten"),
    ("ec2-instance-unmanaged", EU, "app-1"),
    ("ec2-instance-unmanaged", EU, "untagged-box"),
    ("ec2-instance-unmanaged", EU, "web-1"),
    ("guardrail-off", AP, "GuardDuty: no detector"),
    ("guardrail-off", EU, "GuardDuty: no detector"),
    ("guardrail-off", US, "GuardDuty: no detector"),
}

Client = Callable[..., Any]


def tags_list(name: str | None = None, tags: dict[str, str] | None = None) -> list[dict[str, str]]:
    t = dict(TAGS if tags is None else tags)
    if name:
        t["Name"] = name
    return [{"Key": k, "Value": v} for k, v in t.items()]


def spec(kind: str, name: str | None = None, tags: dict[str, str] | None = None) -> list[Any]:
    return [{"ResourceType": kind, "Tags": tags_list(name, tags)}]


def seed(c: Client) -> None:
    """Seed an empty moto server; `c(service, region)` gives a boto3 client on it."""
    # ---------------- IAM ----------------
    iam = c("iam")
    iam.update_account_password_policy(MinimumPasswordLength=10)  # weak: <14, no reuse prevention
    iam.create_user(UserName="carol")  # console, no MFA
    iam.create_login_profile(UserName="carol", Password="Sup3r-secret-pass!")
    iam.create_user(UserName="dave")  # console with MFA (look-alike)
    iam.create_login_profile(UserName="dave", Password="Sup3r-secret-pass!")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="dave-mfa")["VirtualMFADevice"][
        "SerialNumber"
    ]
    iam.enable_mfa_device(
        UserName="dave",
        SerialNumber=serial,
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    for name in ("stale-svc", "fresh-svc", "rotating-svc"):
        iam.create_user(UserName=name)
        iam.create_access_key(UserName=name)
    admin_doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    admin_arn = iam.create_policy(PolicyName="full-admin", PolicyDocument=json.dumps(admin_doc))[
        "Policy"
    ]["Arn"]
    iam.create_group(GroupName="ops-admins")
    iam.attach_group_policy(GroupName="ops-admins", PolicyArn=admin_arn)
    iam.add_user_to_group(GroupName="ops-admins", UserName="carol")
    iam.create_group(GroupName="readers")  # look-alike
    iam.put_group_policy(
        GroupName="readers",
        PolicyName="read",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": "*"}],
            }
        ),
    )
    iam.add_user_to_group(GroupName="readers", UserName="dave")
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    for role in ("etl-role", "bucket-reader", "ancient-role"):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)
    iam.put_role_policy(
        RoleName="etl-role",
        PolicyName="etl",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
            }
        ),
    )
    iam.put_role_policy(
        RoleName="bucket-reader",
        PolicyName="one-bucket",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["s3:GetObject", "s3:ListBucket"],
                        "Resource": ["arn:aws:s3:::verify-locked", "arn:aws:s3:::verify-locked/*"],
                    }
                ],
            }
        ),
    )
    role_arn = iam.get_role(RoleName="bucket-reader")["Role"]["Arn"]

    # ---------------- S3 ----------------
    s3 = c("s3", EU)
    all_on = {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    for bucket in (
        "verify-open",
        "verify-locked",
        "verify-versions-forever",
        "verify-versions-managed",
    ):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": EU})
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags_list()})
        if bucket != "verify-open":
            s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=all_on)
    for bucket in ("verify-versions-forever", "verify-versions-managed"):
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(
        Bucket="verify-versions-managed",
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "old-versions",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                }
            ]
        },
    )
    us3 = c("s3", US)
    us3.create_bucket(Bucket="verify-trail-logs")
    us3.put_public_access_block(Bucket="verify-trail-logs", PublicAccessBlockConfiguration=all_on)
    us3.put_bucket_tagging(Bucket="verify-trail-logs", Tagging={"TagSet": tags_list()})

    # ---------------- CloudTrail: a multi-region trail that is stopped + a single-region one ----
    ct = c("cloudtrail", US)
    ct.create_trail(Name="org-trail", S3BucketName="verify-trail-logs", IsMultiRegionTrail=True)
    ct.create_trail(Name="local-trail", S3BucketName="verify-trail-logs")
    ct.start_logging(Name="local-trail")  # org-trail never started: not logging

    # ---------------- CloudWatch: billing alarm in the wrong region, CPU alarm in us-east-1 ------
    c("cloudwatch", EU).put_metric_alarm(
        AlarmName="billing-in-wrong-region",
        Namespace="AWS/Billing",
        MetricName="EstimatedCharges",
        Statistic="Maximum",
        Period=21600,
        EvaluationPeriods=1,
        Threshold=100,
        ComparisonOperator="GreaterThanThreshold",
    )
    c("cloudwatch", US).put_metric_alarm(
        AlarmName="cpu-high",
        Namespace="AWS/EC2",
        MetricName="CPUUtilization",
        Statistic="Average",
        Period=300,
        EvaluationPeriods=1,
        Threshold=90,
        ComparisonOperator="GreaterThanThreshold",
    )

    # ---------------- EC2 eu-west-1: core VPC ----------------
    ec2 = c("ec2", EU)
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16", TagSpecifications=spec("vpc", "core-vpc"))[
        "Vpc"
    ]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    sub = {}
    for name, cidr, az in (
        ("core-public-a", "10.50.0.0/24", "eu-west-1a"),
        ("core-public-b", "10.50.1.0/24", "eu-west-1b"),
        ("core-private-a", "10.50.10.0/24", "eu-west-1a"),
        ("core-private-b", "10.50.11.0/24", "eu-west-1b"),
    ):
        sub[name] = ec2.create_subnet(
            VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az, TagSpecifications=spec("subnet", name)
        )["Subnet"]["SubnetId"]
    public_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    for name in ("core-public-a", "core-public-b"):
        ec2.associate_route_table(RouteTableId=public_rt, SubnetId=sub[name])
    nat_eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(
        SubnetId=sub["core-public-a"],
        AllocationId=nat_eip,
        TagSpecifications=spec("natgateway", "core-nat"),
    )["NatGateway"]["NatGatewayId"]
    private_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    for name in ("core-private-a", "core-private-b"):
        ec2.associate_route_table(RouteTableId=private_rt, SubnetId=sub[name])
    ec2.create_flow_logs(
        ResourceType="VPC",
        ResourceIds=[vpc],
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::verify-locked",
    )

    def group(name: str, *perms) -> str:
        gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        if perms:
            ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=list(perms))
        return gid

    world = [{"CidrIp": "0.0.0.0/0"}]
    group("ssh-world", {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": world})
    group(
        "rdp-v6",
        {
            "IpProtocol": "tcp",
            "FromPort": 3389,
            "ToPort": 3389,
            "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
        },
    )
    group("all-open", {"IpProtocol": "-1", "IpRanges": world})
    group("range-open", {"IpProtocol": "tcp", "FromPort": 1000, "ToPort": 2000, "IpRanges": world})
    group(
        "mongo-world", {"IpProtocol": "tcp", "FromPort": 27017, "ToPort": 27017, "IpRanges": world}
    )
    group("https-only", {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": world})
    group(
        "ssh-internal",
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
    )
    app_sg = group("app")
    group(
        "pg-from-app",
        {
            "IpProtocol": "tcp",
            "FromPort": 5432,
            "ToPort": 5432,
            "UserIdGroupPairs": [{"GroupId": app_sg}],
        },
    )

    encrypted_root = [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "Encrypted": True}}]

    def launch(
        name: str, subnet: str, region_client: Any = ec2, tags: dict | None = None, **extra
    ) -> str:
        return region_client.run_instances(
            ImageId="ami-12c6146b",
            MinCount=1,
            MaxCount=1,
            InstanceType="t3.micro",
            SubnetId=subnet,
            BlockDeviceMappings=encrypted_root,
            TagSpecifications=spec("instance", name, tags) + spec("volume", name, tags),
            **{"MetadataOptions": {"HttpTokens": "required"}, **extra},
        )["Instances"][0]["InstanceId"]

    # IMDSv1 pitfall; every other instance requires IMDSv2 (look-alikes).
    web = launch("web-1", sub["core-public-a"], MetadataOptions={"HttpTokens": "optional"})
    ec2.enable_ebs_encryption_by_default()  # look-alike: on in EU (off elsewhere: pitfall)
    launch("app-1", sub["core-private-a"])
    launch("untagged-box", sub["core-private-b"], tags={})  # tag pitfall (instance and volume)
    used_eip = ec2.allocate_address(Domain="vpc", TagSpecifications=spec("elastic-ip", "web-eip"))[
        "AllocationId"
    ]
    ec2.associate_address(AllocationId=used_eip, InstanceId=web)
    ec2.allocate_address(
        Domain="vpc", TagSpecifications=spec("elastic-ip", "spare-eip")
    )  # unattached
    ec2.create_volume(
        AvailabilityZone="eu-west-1a", Size=50, TagSpecifications=spec("volume", "orphan-plain")
    )  # unattached + unencrypted
    ec2.create_volume(
        AvailabilityZone="eu-west-1a",
        Size=20,
        Encrypted=True,
        TagSpecifications=spec("volume", "orphan-encrypted"),
    )  # unattached only

    # Tiny VPC: /24, no flow logs, a /28 subnet nearly full, an idle NAT gateway.
    tiny = ec2.create_vpc(CidrBlock="10.60.0.0/24", TagSpecifications=spec("vpc", "tiny-vpc"))[
        "Vpc"
    ]["VpcId"]
    tiny_sub = ec2.create_subnet(
        VpcId=tiny,
        CidrBlock="10.60.0.0/28",
        AvailabilityZone="eu-west-1a",
        TagSpecifications=spec("subnet", "tiny-full"),
    )["Subnet"]["SubnetId"]
    ec2.create_subnet(
        VpcId=tiny,
        CidrBlock="10.60.0.64/26",
        AvailabilityZone="eu-west-1b",
        TagSpecifications=spec("subnet", "tiny-roomy"),
    )
    for i in range(10):
        ec2.create_network_interface(SubnetId=tiny_sub, Description=f"filler-{i}")
    tiny_eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    tiny_igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=tiny_igw, VpcId=tiny)
    ec2.create_nat_gateway(
        SubnetId=tiny_sub, AllocationId=tiny_eip, TagSpecifications=spec("natgateway", "idle-nat")
    )

    # ---------------- ap-northeast-1: an instance in the default VPC ----------------
    ap = c("ec2", AP)
    default_subnet = ap.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])[
        "Subnets"
    ][0]
    launch("forgotten", default_subnet["SubnetId"], region_client=ap)

    # ---------------- RDS ----------------
    rds = c("rds", EU)
    rds.create_db_subnet_group(
        DBSubnetGroupName="public-dbs",
        DBSubnetGroupDescription="public",
        SubnetIds=[sub["core-public-a"], sub["core-public-b"]],
    )
    rds.create_db_subnet_group(
        DBSubnetGroupName="private-dbs",
        DBSubnetGroupDescription="private",
        SubnetIds=[sub["core-private-a"], sub["core-private-b"]],
    )
    rds.create_db_instance(
        DBInstanceIdentifier="legacy-db",
        Engine="mysql",
        DBInstanceClass="db.t3.micro",
        MasterUsername="admin",
        MasterUserPassword="password123",
        AllocatedStorage=20,
        DBSubnetGroupName="public-dbs",
        PubliclyAccessible=True,
        MultiAZ=False,
        StorageEncrypted=False,
        BackupRetentionPeriod=0,
        Tags=tags_list(),
    )
    rds.create_db_instance(
        DBInstanceIdentifier="orders-db",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="admin",
        MasterUserPassword="password123",
        AllocatedStorage=20,
        DBSubnetGroupName="private-dbs",
        PubliclyAccessible=False,
        MultiAZ=True,
        StorageEncrypted=True,
        BackupRetentionPeriod=7,
        Tags=tags_list(),
    )

    # ---------------- Lambda ----------------
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("handler.py", "def handler(e, c):\n    return 1\n")
    code = {"ZipFile": buf.getvalue()}
    lam = c("lambda", EU)
    kms_key = c("kms", EU).create_key(Description="lambda env")["KeyMetadata"]["Arn"]
    c("kms", EU).enable_key_rotation(KeyId=kms_key)  # (kms-key-rotation-disabled's look-alike)
    for name, env, kms in (
        ("leaky-fn", {"DB_PASSWORD": "hunter2-hunter2", "LOG_LEVEL": "info"}, None),
        ("kms-fn", {"API_TOKEN": "tok-123456789"}, kms_key),
        (
            "plain-fn",
            {
                "LOG_LEVEL": "debug",
                "SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x",
            },
            None,
        ),
    ):
        params = dict(
            FunctionName=name,
            Runtime="python3.12",
            Role=role_arn,
            Handler="handler.handler",
            Code=code,
            Environment={"Variables": env},
            Tags=TAGS,
        )
        if kms:
            params["KMSKeyArn"] = kms
        lam.create_function(**params)

    # ---------------- SQS ----------------
    sqs = c("sqs", EU)
    dlq = sqs.create_queue(QueueName="jobs-dlq", tags=TAGS)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sqs.create_queue(
        QueueName="jobs",
        tags=TAGS,
        Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})
        },
    )
    sqs.create_queue(QueueName="orphan-queue", tags=TAGS)

    # ---------------- DynamoDB ----------------
    ddb = c("dynamodb", EU)
    for name, tags in (("orders", tags_list()), ("scratch", [])):
        params = dict(
            TableName=name,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        if tags:
            params["Tags"] = tags
        ddb.create_table(**params)

    _backdate()


def _backdate() -> None:
    from moto.iam.models import AccessKeyLastUsed, iam_backends

    backend = iam_backends[ACCOUNT]["aws"]
    now = datetime.now(UTC).replace(tzinfo=None)
    backend.account_summary._account_access_keys_present = 1  # root has keys: pitfall
    users = backend.users
    users["stale-svc"].create_date = now - timedelta(days=200)
    users["stale-svc"].access_keys[0].create_date = now - timedelta(days=200)  # never used
    users["fresh-svc"].create_date = now - timedelta(days=1)
    users["fresh-svc"].access_keys[0].create_date = now - timedelta(days=1)  # yesterday, unused
    users["rotating-svc"].access_keys[0].create_date = now - timedelta(days=30)
    users["rotating-svc"].access_keys[0].last_used = AccessKeyLastUsed(
        now - timedelta(days=2), "s3", EU
    )
    users["carol"].password_last_used = now - timedelta(days=3)
    users["dave"].password_last_used = now - timedelta(days=1)
    for role in backend.roles.values():
        if role.name == "ancient-role":
            role.create_date = now - timedelta(days=400)  # never used
        elif role.name in ("etl-role", "bucket-reader"):
            role.create_date = now - timedelta(days=300)
            role.last_used = now - timedelta(hours=4)
            role.last_used_region = EU


def main() -> None:
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"

    def client(service: str, region: str = US) -> Any:
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    seed(client)
    print(url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
