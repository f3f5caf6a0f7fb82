"""S3 buckets of the demo account, in three regions."""

from __future__ import annotations

import json

from awsexplorer.demo._aws import PRODUCTION, SHARED, STAGING, Aws, tags

ALL_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}

ASSETS_BUCKET = "acme-prod-assets"
DB_EXPORTS_BUCKET = "acme-prod-db-exports"
FLOW_LOGS_BUCKET = "acme-vpc-flow-logs"
TRAIL_BUCKET = "acme-cloudtrail-logs"
BILLING_BUCKET = "acme-billing-reports"
STAGING_UPLOADS_BUCKET = "acme-staging-uploads"


def _bucket(
    aws: Aws,
    name: str,
    region: str,
    *,
    bucket_tags: dict[str, str] | None,
    block_public_access: bool = True,
    versioned: bool = False,
    expire_old_versions: bool = False,
    expire_after_days: int | None = None,
) -> None:
    s3 = aws("s3", region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    if block_public_access:
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=ALL_BLOCKED)
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    rules = []
    if expire_old_versions:
        rules.append(
            {
                "ID": "expire-old-versions",
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
            }
        )
    if expire_after_days:
        rules.append(
            {
                "ID": f"expire-after-{expire_after_days}-days",
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "Expiration": {"Days": expire_after_days},
            }
        )
    if rules:
        s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": rules})
    if bucket_tags:
        s3.put_bucket_tagging(
            Bucket=name,
            Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in bucket_tags.items()]},
        )


def _allow_cloudtrail(aws: Aws, account_id: str) -> None:
    """The bucket policy CloudTrail needs to deliver into the trail bucket."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "CloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": f"arn:aws:s3:::{TRAIL_BUCKET}",
            },
            {
                "Sid": "CloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{TRAIL_BUCKET}/AWSLogs/{account_id}/*",
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
            },
        ],
    }
    aws("s3", SHARED).put_bucket_policy(Bucket=TRAIL_BUCKET, Policy=json.dumps(policy))


def build_storage(aws: Aws, account_id: str) -> None:
    # Look-alike: versioned, with a lifecycle rule that expires old versions, fully blocked.
    _bucket(
        aws,
        ASSETS_BUCKET,
        PRODUCTION,
        bucket_tags=tags(environment="production"),
        versioned=True,
        expire_old_versions=True,
    )
    # Pitfall: versioned and no lifecycle rule, so every old version is kept and billed.
    _bucket(
        aws,
        DB_EXPORTS_BUCKET,
        PRODUCTION,
        bucket_tags=tags(environment="production", owner="data-team"),
        versioned=True,
    )
    _bucket(
        aws,
        FLOW_LOGS_BUCKET,
        PRODUCTION,
        bucket_tags=tags(environment="shared", project="network"),
        expire_after_days=90,
    )
    _bucket(
        aws,
        TRAIL_BUCKET,
        SHARED,
        bucket_tags=tags(environment="shared", project="audit", owner="security-team"),
        expire_after_days=365,
    )
    _allow_cloudtrail(aws, account_id)
    # Pitfall: no tags at all (someone created it by hand in the console).
    _bucket(aws, BILLING_BUCKET, SHARED, bucket_tags=None)
    # Pitfall: Block Public Access never turned on.
    _bucket(
        aws,
        STAGING_UPLOADS_BUCKET,
        STAGING,
        bucket_tags=tags(environment="staging"),
        block_public_access=False,
    )
