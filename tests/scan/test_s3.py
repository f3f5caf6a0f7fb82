"""S3 bucket details and account-level Block Public Access against a real moto server,
including the s3control host-prefix workaround for a local endpoint, and a denied call
telling "could not read" (None) apart from "none set"."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from awsexplorer.model import RegionStatus, Resource, ScanResult
from awsexplorer.scan import guard
from awsexplorer.scan.collectors.s3 import effective_public_access_blocked
from awsexplorer.scan.session import serve_host_prefix_locally

ACCOUNT = "123456789012"
ALL_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
NONE_SET_ENCRYPTION = {
    "enabled": False,
    "type": None,
    "kms_key_id": None,
    "bucket_key_enabled": False,
}


def _seed_buckets(aws: Callable[..., Any]) -> None:
    eu = aws("s3", "eu-west-1")
    eu.create_bucket(Bucket="locked", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    eu.put_public_access_block(Bucket="locked", PublicAccessBlockConfiguration=ALL_BLOCKED)
    eu.put_bucket_versioning(Bucket="locked", VersioningConfiguration={"Status": "Enabled"})
    eu.put_bucket_lifecycle_configuration(
        Bucket="locked",
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "expire",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "Expiration": {"Days": 30},
                }
            ]
        },
    )
    eu.put_bucket_encryption(
        Bucket="locked",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": "alias/data",
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    eu.put_bucket_tagging(Bucket="locked", Tagging={"TagSet": [{"Key": "team", "Value": "data"}]})
    us = aws("s3", "us-east-1")
    us.create_bucket(Bucket="open")
    us.put_bucket_policy(
        Bucket="open",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::open/*",
                    }
                ],
            }
        ),
    )
    us.put_bucket_versioning(Bucket="open", VersioningConfiguration={"Status": "Suspended"})


def _set_account_bpa(aws: Callable[..., Any], moto_url: str, config: dict[str, bool]) -> None:
    s3control = aws("s3control", "us-east-1")
    # The same workaround the scanner uses: s3control's host carries the account id.
    s3control.meta.events.register("before-call.s3-control", serve_host_prefix_locally(moto_url))
    s3control.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=config)


def _bucket(result: ScanResult, name: str) -> Resource:
    (bucket,) = [r for r in result.resources if r.type == "s3:bucket" and r.id == name]
    return bucket


def _account_bpa(result: ScanResult) -> Resource:
    (setting,) = [r for r in result.resources if r.type == "s3:account-public-access-block"]
    return setting


def test_bucket_details_in_their_regions(
    aws: Callable[..., Any],
    moto_url: str,
    scan_config: Callable[..., Any],
    run_scan: Callable[..., Any],
) -> None:
    _seed_buckets(aws)
    partial = {**ALL_BLOCKED, "RestrictPublicBuckets": False, "BlockPublicPolicy": False}
    _set_account_bpa(aws, moto_url, partial)
    result, _ = run_scan(scan_config(regions=("eu-west-1", "us-east-1")))
    assert [e for r in result.regions for e in r.errors] == []

    locked = _bucket(result, "locked")
    assert locked.region == "eu-west-1"
    assert locked.arn == "arn:aws:s3:::locked"
    assert locked.tags == {"team": "data"}
    a = locked.attributes
    assert a["public_access_block"] == ALL_BLOCKED
    assert a["account_public_access_block"] == partial
    assert a["public_access_blocked"] is True
    assert a["versioning"] == "Enabled"
    assert a["lifecycle_rules"] == 1
    assert a["has_lifecycle_rules"] is True
    assert a["default_encryption"] == {
        "enabled": True,
        "type": "aws:kms",
        "kms_key_id": "alias/data",
        "bucket_key_enabled": True,
    }
    assert a["has_policy"] is False
    assert a["policy_is_public"] is False
    assert a["Name"] == "locked"  # ListBuckets' raw fields kept

    # Nothing set on the bucket: "none set" ({} / False / 0), never None (unknown).
    open_ = _bucket(result, "open")
    assert open_.region == "us-east-1"
    b = open_.attributes
    assert b["public_access_block"] == {}
    assert b["public_access_blocked"] is False  # the account blocks only half
    assert b["versioning"] == "Suspended"
    assert b["lifecycle_rules"] == 0
    assert b["has_lifecycle_rules"] is False
    assert b["default_encryption"] == NONE_SET_ENCRYPTION
    assert b["has_policy"] is True
    assert b["policy_is_public"] is True

    setting = _account_bpa(result)
    assert setting.region == "global"
    assert setting.attributes == {"public_access_block": partial, "all_blocked": False}


def test_account_block_public_access_covers_every_bucket(
    aws: Callable[..., Any],
    moto_url: str,
    scan_config: Callable[..., Any],
    run_scan: Callable[..., Any],
) -> None:
    aws("s3", "us-east-1").create_bucket(Bucket="bare")
    _set_account_bpa(aws, moto_url, ALL_BLOCKED)
    result, _ = run_scan(scan_config(regions=("us-east-1",)))
    bare = _bucket(result, "bare")
    assert bare.attributes["public_access_block"] == {}
    assert bare.attributes["account_public_access_block"] == ALL_BLOCKED
    assert bare.attributes["public_access_blocked"] is True
    assert bare.attributes["versioning"] == "Disabled"
    assert _account_bpa(result).attributes["all_blocked"] is True


def test_no_account_setting_is_none_set_not_unknown(
    aws: Callable[..., Any], scan_config: Callable[..., Any], run_scan: Callable[..., Any]
) -> None:
    aws("s3", "us-east-1").create_bucket(Bucket="bare")
    result, _ = run_scan(scan_config(regions=("us-east-1",)))
    assert _account_bpa(result).attributes == {"public_access_block": {}, "all_blocked": False}
    assert _bucket(result, "bare").attributes["public_access_blocked"] is False
    assert result.complete


def _deny(*operations: tuple[str, str]) -> Callable[..., Any]:
    """A before-call handler answering AccessDenied for these (service, operation) pairs
    without sending anything: what an IAM policy lacking the action would do."""

    def handler(model: Any, **_: Any) -> Any:
        if (model.service_model.service_name, model.name) not in operations:
            return None
        body = {
            "Error": {"Code": "AccessDenied", "Message": f"not authorized to {model.name}"},
            "ResponseMetadata": {"HTTPStatusCode": 403},
        }
        return AWSResponse("https://denied.invalid", 403, {}, None), body

    return handler


def test_denied_reads_are_recorded_and_shown_as_unknown(
    aws: Callable[..., Any],
    moto_url: str,
    scan_config: Callable[..., Any],
    run_scan: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _seed_buckets(aws)
    _set_account_bpa(aws, moto_url, ALL_BLOCKED)
    denied = _deny(("s3", "GetBucketVersioning"), ("s3control", "GetPublicAccessBlock"))
    install = guard.install

    def install_with_denial(client: Any) -> Any:
        client.meta.events.register("before-call", denied)
        return install(client)

    # Every client the scanner creates goes through guard.install: hook the denial in there.
    monkeypatch.setattr(guard, "install", install_with_denial)
    result, _ = run_scan(scan_config(regions=("eu-west-1", "us-east-1")))

    errors = {(r.name, e.service, e.operation, e.code) for r in result.regions for e in r.errors}
    assert errors == {
        ("global", "s3control", "GetPublicAccessBlock", "AccessDenied"),
        ("eu-west-1", "s3", "GetBucketVersioning", "AccessDenied"),
        ("us-east-1", "s3", "GetBucketVersioning", "AccessDenied"),
    }
    assert not result.complete
    statuses = {r.name: r.status for r in result.regions}
    assert statuses["eu-west-1"] is RegionStatus.PARTIAL

    assert _account_bpa(result).attributes == {"public_access_block": None, "all_blocked": None}
    locked = _bucket(result, "locked").attributes
    assert locked["versioning"] is None  # unknown, not "Disabled"
    assert locked["account_public_access_block"] is None
    assert locked["public_access_blocked"] is True  # the bucket's own setting suffices
    assert locked["has_lifecycle_rules"] is True  # the other details are still read
    open_ = _bucket(result, "open").attributes
    assert open_["public_access_blocked"] is None  # none on the bucket, account unknown
    assert open_["policy_is_public"] is True


@pytest.mark.parametrize(
    ("bucket", "account", "expected"),
    [
        (ALL_BLOCKED, None, True),
        ({}, ALL_BLOCKED, True),
        ({}, {}, False),
        ({}, None, None),
        (None, None, None),
        ({**ALL_BLOCKED, "BlockPublicPolicy": False}, {}, False),
        ({**ALL_BLOCKED, "BlockPublicPolicy": False}, None, None),
        (
            {**ALL_BLOCKED, "BlockPublicPolicy": False},
            {**ALL_BLOCKED, "IgnorePublicAcls": False},
            True,
        ),
    ],
)
def test_effective_public_access_blocked(
    bucket: dict[str, bool] | None, account: dict[str, bool] | None, expected: bool | None
) -> None:
    assert effective_public_access_blocked(bucket, account) is expected
