"""Policies, keys and certificates of the demo account (issue 13), each pitfall beside its
look-alike. Run last: it writes policies onto buckets, queues and functions the other builders
made, and backdates a secret they created.

Already seeded by data_plane.py and containers.py (and reported): ec2-snapshot-public
`old-reporting-data-final`, rds-snapshot-public `reporting-db-export`, ec2-image-public
`staging-web-image`, resource-policy-public secret `prod/partner-api-key`,
kms-key-rotation-disabled `alias/reporting`, eks-endpoint-public `staging-eks`,
ecs-task-env-plaintext-secret `orders-api`.

Added here:
- s3-tls-not-enforced: bucket `acme-staging-uploads` (no bucket policy). Look-alikes: every other
  bucket denies requests whose aws:SecureTransport is false (the statement is added to the
  policy a bucket already has, as for the trail bucket).
- resource-policy-cross-account: bucket `acme-prod-db-exports` lets the analytics account
  210987654321 read its objects. Look-alike: `acme-prod-assets` grants only this account's
  role `app-assets-reader`.
- resource-policy-public look-alike: queue `orders-queue` lets anyone send only when the
  sender is topic `orders-events` (aws:SourceArn), the policy an SNS subscription needs.
- lambda-url-public: function `thumbnail-resizer` has a function URL with auth type NONE (and
  the public invoke permission that goes with it: lambda-url-public's finding, not
  resource-policy-public's). Look-alike: `orders-api`'s URL requires AWS_IAM.
- cloudtrail-bucket-no-lifecycle: trail `prod-data-events` (eu-west-1, single-region) delivers
  to `acme-prod-trail-logs`, no lifecycle rule. Look-alike: `management-events` delivers to
  `acme-cloudtrail-logs`, which expires logs after 365 days.
- secret-rotation-disabled look-alike: `prod/orders-db` rotates every 30 days (moto turns
  rotation on from the rules alone); `prod/partner-api-key` and `load-test/api-token` do not.
- secret-unused: `load-test/api-token` (ap-southeast-2), created 200 days ago and never read
  (its creation date is set on moto's backend in this process, as activity.py does for IAM;
  moto never reports LastAccessedDate). Look-alikes: the production secrets, created today.
- acm-certificate-expiring: imported certificate `billing.acme-demo.example` (us-east-1) on the
  HTTPS listener of classic load balancer `billing-api-internal`, expiring 21 days after the
  seed. Look-alikes: `billing-admin.acme-demo.example` on the same load balancer, a year left;
  `api.acme-demo.example` and `promo.acme-demo.example` (edges.py), which nothing uses.

Certificates are self-signed for the demo's documentation domain; no key leaves moto.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from awsexplorer.demo._aws import FAR_AWAY, PRODUCTION, SHARED, Aws, tag_list, tags
from awsexplorer.demo.network import Network
from awsexplorer.demo.storage import (
    ASSETS_BUCKET,
    BILLING_BUCKET,
    DB_EXPORTS_BUCKET,
    FLOW_LOGS_BUCKET,
    TRAIL_BUCKET,
    _bucket,
)

log = logging.getLogger(__name__)

ACCOUNT = "123456789012"
ANALYTICS_ACCOUNT = "210987654321"
DATA_TRAIL = "prod-data-events"
DATA_TRAIL_BUCKET = "acme-prod-trail-logs"
BILLING_ELB = "billing-api-internal"
EXPIRING_DOMAIN = "billing.acme-demo.example"
FRESH_DOMAIN = "billing-admin.acme-demo.example"
UNUSED_SECRET = "load-test/api-token"
UNUSED_SECRET_AGE_DAYS = 200

# Buckets in the region each was made in (storage.py); acme-staging-uploads is left without.
_TLS_BUCKETS = {
    ASSETS_BUCKET: PRODUCTION,
    DB_EXPORTS_BUCKET: PRODUCTION,
    FLOW_LOGS_BUCKET: PRODUCTION,
    TRAIL_BUCKET: SHARED,
    BILLING_BUCKET: SHARED,
    DATA_TRAIL_BUCKET: PRODUCTION,
}


def _statement(sid: str, effect: str, principal: Any, action: Any, resource: Any) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": effect,
        "Principal": principal,
        "Action": action,
        "Resource": resource,
    }


def _add_statements(aws: Aws, bucket: str, region: str, *statements: dict[str, Any]) -> None:
    """Add statements to the bucket's policy, keeping the ones it has."""
    s3 = aws("s3", region)
    try:
        policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    except s3.exceptions.ClientError:
        policy = {"Version": "2012-10-17", "Statement": []}
    policy["Statement"] = [*policy["Statement"], *statements]
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))


def _deny_plain_http(bucket: str) -> dict[str, Any]:
    statement = _statement(
        "DenyPlainHttp",
        "Deny",
        "*",
        "s3:*",
        [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
    )
    statement["Condition"] = {"Bool": {"aws:SecureTransport": "false"}}
    return statement


def _bucket_policies(aws: Aws) -> None:
    _add_statements(
        aws,
        DB_EXPORTS_BUCKET,
        PRODUCTION,
        # Pitfall: the analytics team's account reads every export.
        _statement(
            "AnalyticsReadsExports",
            "Allow",
            {"AWS": f"arn:aws:iam::{ANALYTICS_ACCOUNT}:root"},
            ["s3:GetObject", "s3:ListBucket"],
            [f"arn:aws:s3:::{DB_EXPORTS_BUCKET}", f"arn:aws:s3:::{DB_EXPORTS_BUCKET}/*"],
        ),
    )
    _add_statements(
        aws,
        ASSETS_BUCKET,
        PRODUCTION,
        # Look-alike: a role of this account.
        _statement(
            "AssetsReader",
            "Allow",
            {"AWS": f"arn:aws:iam::{ACCOUNT}:role/app-assets-reader"},
            "s3:GetObject",
            f"arn:aws:s3:::{ASSETS_BUCKET}/*",
        ),
    )
    for bucket, region in _TLS_BUCKETS.items():
        _add_statements(aws, bucket, region, _deny_plain_http(bucket))


def _data_trail(aws: Aws) -> None:
    """Pitfall: a second trail whose bucket keeps every log file forever."""
    _bucket(
        aws,
        DATA_TRAIL_BUCKET,
        PRODUCTION,
        bucket_tags=tags(environment="production", project="audit", owner="security-team"),
    )
    _add_statements(
        aws,
        DATA_TRAIL_BUCKET,
        PRODUCTION,
        _statement(
            "CloudTrailAclCheck",
            "Allow",
            {"Service": "cloudtrail.amazonaws.com"},
            "s3:GetBucketAcl",
            f"arn:aws:s3:::{DATA_TRAIL_BUCKET}",
        ),
        _statement(
            "CloudTrailWrite",
            "Allow",
            {"Service": "cloudtrail.amazonaws.com"},
            "s3:PutObject",
            f"arn:aws:s3:::{DATA_TRAIL_BUCKET}/AWSLogs/{ACCOUNT}/*",
        ),
    )
    trails = aws("cloudtrail", PRODUCTION)
    trails.create_trail(
        Name=DATA_TRAIL,
        S3BucketName=DATA_TRAIL_BUCKET,
        IsMultiRegionTrail=False,
        TagsList=tag_list(tags(environment="production", project="audit", owner="security-team")),
    )
    trails.start_logging(Name=DATA_TRAIL)


def _queue_policy(aws: Aws) -> None:
    """Look-alike: Principal *, narrowed to the topic that feeds the queue."""
    sqs = aws("sqs", PRODUCTION)
    url = sqs.get_queue_url(QueueName="orders-queue")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    statement = _statement("FromOrdersEvents", "Allow", "*", "sqs:SendMessage", arn)
    topic = f"arn:aws:sns:{PRODUCTION}:{ACCOUNT}:orders-events"
    statement["Condition"] = {"ArnEquals": {"aws:SourceArn": topic}}
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})


def _function_urls(aws: Aws) -> None:
    lambda_ = aws("lambda", PRODUCTION)
    # Pitfall: a URL made "to test quickly", open to anyone.
    lambda_.create_function_url_config(FunctionName="thumbnail-resizer", AuthType="NONE")
    lambda_.add_permission(
        FunctionName="thumbnail-resizer",
        StatementId="FunctionURLAllowPublicAccess",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    # Look-alike: callers sign their requests (SigV4).
    lambda_.create_function_url_config(FunctionName="orders-api", AuthType="AWS_IAM")


def _secrets(aws: Aws) -> None:
    aws("secretsmanager", PRODUCTION).rotate_secret(
        SecretId="prod/orders-db", RotationRules={"AutomaticallyAfterDays": 30}
    )
    try:
        from moto.secretsmanager.models import FakeSecret, secretsmanager_backends

        secret = secretsmanager_backends[ACCOUNT][FAR_AWAY].secrets[UNUSED_SECRET]
        if isinstance(secret, FakeSecret):
            secret.created_date = int(time.time()) - UNUSED_SECRET_AGE_DAYS * 86400
    except (ImportError, KeyError, AttributeError):  # another moto: the secret is just newer
        log.debug("could not backdate secret %s", UNUSED_SECRET)


def _certificate(domain: str, days: int) -> tuple[bytes, bytes]:
    """A self-signed certificate for `domain`, valid from an hour ago for `days` days."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), private


def _certificates(aws: Aws, network: Network) -> None:
    acm = aws("acm", SHARED)
    arns = {}
    for domain, days in ((EXPIRING_DOMAIN, 21), (FRESH_DOMAIN, 365)):
        cert, key = _certificate(domain, days)
        arns[domain] = acm.import_certificate(
            Certificate=cert, PrivateKey=key, Tags=tag_list(tags(environment="shared"))
        )["CertificateArn"]
    # A classic load balancer's HTTPS listener: what moto records as a certificate's user.
    aws("elb", SHARED).create_load_balancer(
        LoadBalancerName=BILLING_ELB,
        Scheme="internal",
        Subnets=[network.subnets["shared-private-a"], network.subnets["shared-private-b"]],
        Listeners=[
            {
                "Protocol": "HTTPS",
                "LoadBalancerPort": port,
                "InstanceProtocol": "HTTP",
                "InstancePort": 8080,
                "SSLCertificateId": arns[domain],
            }
            for port, domain in ((443, EXPIRING_DOMAIN), (8443, FRESH_DOMAIN))
        ],
        Tags=tag_list(tags(environment="shared", project="billing")),
    )


def build_mistakes_policies(aws: Aws, network: Network) -> None:
    _data_trail(aws)
    _bucket_policies(aws)
    _queue_policy(aws)
    _function_urls(aws)
    _secrets(aws)
    _certificates(aws, network)
