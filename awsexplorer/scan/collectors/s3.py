"""S3 buckets: listed once for the account, each attributed to its own region, with the
settings that decide whether its data is exposed or kept: Block Public Access (bucket and
account), versioning, lifecycle rules, default encryption, policy status and the policy itself
(read only when the status says there is one).

Convention for every detail: a value means we read it, `{}`/False/0 means "none set" (AWS
answers with a NoSuch... error code, which is a fact, not an error), and None means we could
not read it (denied, throttled, ...; the error is recorded)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from awsexplorer.model import GLOBAL_REGION, Resource, kinds
from awsexplorer.model.calls import (
    S3_GET_BUCKET_ENCRYPTION,
    S3_GET_BUCKET_LIFECYCLE_CONFIGURATION,
    S3_GET_BUCKET_LOCATION,
    S3_GET_BUCKET_NOTIFICATION_CONFIGURATION,
    S3_GET_BUCKET_POLICY,
    S3_GET_BUCKET_POLICY_STATUS,
    S3_GET_BUCKET_TAGGING,
    S3_GET_BUCKET_VERSIONING,
    S3_GET_PUBLIC_ACCESS_BLOCK,
    S3_LIST_BUCKETS,
    S3CONTROL_GET_PUBLIC_ACCESS_BLOCK,
    Call,
)
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CollectContext,
    Scope,
    attributes_of,
    collector,
    tags_of,
)

BPA_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
ACCOUNT_BPA_TYPE = kinds.ACCOUNT_PUBLIC_ACCESS_BLOCK
ACCOUNT_BPA_ID = "account-public-access-block"

_NO_BPA = "NoSuchPublicAccessBlockConfiguration"
_NO_LIFECYCLE = "NoSuchLifecycleConfiguration"
_NO_ENCRYPTION = "ServerSideEncryptionConfigurationNotFoundError"
_NO_POLICY = "NoSuchBucketPolicy"

_NONE_SET = object()  # marker: AWS says the configuration does not exist


def bucket_region(location: str | None) -> str:
    """GetBucketLocation's answer as a region: empty means us-east-1, 'EU' is eu-west-1."""
    if not location:
        return "us-east-1"
    if location == "EU":
        return "eu-west-1"
    return location


async def _read(
    ctx: CollectContext,
    call: Call,
    *,
    region: str,
    none_set: tuple[str, ...] = (),
    record_in: str | None = None,
    **params: Any,
) -> Any:
    """The response; _NONE_SET when AWS says nothing is configured; None when the call failed
    (recorded against `record_in`, by default the region called)."""
    try:
        return await ctx.call(call, region=region, **params)
    except CallFailure as failure:
        if failure.code in none_set:
            return _NONE_SET
        ctx.record(failure, region=record_in or region)
        return None


def public_access_block(response: Any) -> dict[str, bool] | None:
    """The four flags; {} when none is set; None when unknown."""
    if response is None:
        return None
    if response is _NONE_SET:
        return {}
    config = response.get("PublicAccessBlockConfiguration") or {}
    return {flag: bool(config.get(flag)) for flag in BPA_FLAGS}


def effective_public_access_blocked(
    bucket: dict[str, bool] | None, account: dict[str, bool] | None
) -> bool | None:
    """Whether all four protections apply, from the bucket's or the account's setting (AWS
    applies the most restrictive of the two). None when it cannot be told."""
    verdicts: list[bool | None] = []
    for flag in BPA_FLAGS:
        values = [
            setting.get(flag, False) if setting is not None else None
            for setting in (bucket, account)
        ]
        if True in values:
            verdicts.append(True)
        elif None in values:
            verdicts.append(None)
        else:
            verdicts.append(False)
    if False in verdicts:
        return False
    if None in verdicts:
        return None
    return True


def _versioning(response: Any) -> dict[str, Any]:
    if response is None:
        return {"versioning": None, "mfa_delete": None}
    # A bucket that never had versioning answers without a Status.
    return {
        "versioning": response.get("Status") or "Disabled",
        "mfa_delete": response.get("MFADelete") == "Enabled",
    }


def _lifecycle(response: Any) -> dict[str, Any]:
    if response is None:
        return {"lifecycle_rules": None, "has_lifecycle_rules": None}
    rules = [] if response is _NONE_SET else response.get("Rules") or []
    return {
        "lifecycle_rules": len(rules),
        "lifecycle_rules_enabled": sum(1 for r in rules if r.get("Status") == "Enabled"),
        "has_lifecycle_rules": bool(rules),
    }


def _encryption(response: Any) -> dict[str, Any] | None:
    if response is None:
        return None
    if response is _NONE_SET:
        return {"enabled": False, "type": None, "kms_key_id": None, "bucket_key_enabled": False}
    rules = (response.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
    default = (rules[0] if rules else {}).get("ApplyServerSideEncryptionByDefault") or {}
    return {
        "enabled": bool(default.get("SSEAlgorithm")),
        "type": default.get("SSEAlgorithm"),
        "kms_key_id": default.get("KMSMasterKeyID"),
        "bucket_key_enabled": bool(rules and rules[0].get("BucketKeyEnabled")),
    }


def _policy_status(response: Any) -> dict[str, Any]:
    if response is None:
        return {"has_policy": None, "policy_is_public": None}
    if response is _NONE_SET:
        return {"has_policy": False, "policy_is_public": False}
    return {
        "has_policy": True,
        "policy_is_public": bool((response.get("PolicyStatus") or {}).get("IsPublic")),
    }


def _policy_document(response: Any) -> dict[str, Any]:
    """The bucket policy as attributes: `policy` the parsed document (None: no policy, or one
    that is not JSON), `policy_unknown` when it could not be read (the error is recorded)."""
    if response is None:
        return {"policy": None, "policy_unknown": True}
    if response is _NONE_SET:
        return {"policy": None}
    try:
        parsed = json.loads(str(response.get("Policy") or ""))
    except ValueError:
        parsed = None
    return {"policy": parsed if isinstance(parsed, dict) else None}


_NOTIFIED = (
    ("LambdaFunctionConfigurations", "LambdaFunctionArn"),
    ("QueueConfigurations", "QueueArn"),
    ("TopicConfigurations", "TopicArn"),
)


def notifications(response: Any) -> dict[str, Any]:
    """Event notifications as links to the functions, queues and topics notified (kind
    s3-notification), with the events each gets; `notifications` None when unread."""
    if response is None or response is _NONE_SET:
        return {"notifications": None if response is None else [], "links": []}
    found: list[dict[str, Any]] = []
    for key, arn_key in _NOTIFIED:
        for item in response.get(key) or []:
            if item.get(arn_key):
                found.append({"arn": str(item[arn_key]), "events": list(item.get("Events") or [])})
    links: list[dict[str, str]] = []
    for item in found:
        link = {"kind": kinds.S3_NOTIFICATION_LINK, "arn": item["arn"]}
        if link not in links:
            links.append(link)
    return {
        "notifications": found,
        "eventbridge_notifications": "EventBridgeConfiguration" in response,
        "links": links,
    }


async def _region_of(ctx: CollectContext, bucket: dict[str, Any]) -> str | None:
    # Newer ListBuckets responses carry the region: no call per bucket needed.
    if bucket.get("BucketRegion"):
        return str(bucket["BucketRegion"])
    response = await ctx.try_call(S3_GET_BUCKET_LOCATION, Bucket=bucket["Name"])
    if response is None:
        return None
    return bucket_region(response.get("LocationConstraint"))


async def _bucket(
    ctx: CollectContext, bucket: dict[str, Any], account_bpa: dict[str, bool] | None
) -> Resource | None:
    name = str(bucket["Name"])
    region = await _region_of(ctx, bucket)
    if region is None:
        region = ctx.client_region  # unknown; the error is recorded, the bucket still shown
    if ctx.scanned_regions and region not in ctx.scanned_regions:
        return None  # outside the regions asked for (--region)
    # Every per-bucket call goes to the bucket's own region (no redirects), all at once; the
    # context bounds how many are in flight per region.
    tagging, bpa, versioning, lifecycle, encryption, policy, notified = await asyncio.gather(
        _read(ctx, S3_GET_BUCKET_TAGGING, region=region, none_set=("NoSuchTagSet",), Bucket=name),
        _read(ctx, S3_GET_PUBLIC_ACCESS_BLOCK, region=region, none_set=(_NO_BPA,), Bucket=name),
        _read(ctx, S3_GET_BUCKET_VERSIONING, region=region, Bucket=name),
        _read(
            ctx,
            S3_GET_BUCKET_LIFECYCLE_CONFIGURATION,
            region=region,
            none_set=(_NO_LIFECYCLE,),
            Bucket=name,
        ),
        _read(
            ctx,
            S3_GET_BUCKET_ENCRYPTION,
            region=region,
            none_set=(_NO_ENCRYPTION,),
            Bucket=name,
        ),
        _read(
            ctx,
            S3_GET_BUCKET_POLICY_STATUS,
            region=region,
            none_set=(_NO_POLICY,),
            Bucket=name,
        ),
        _read(ctx, S3_GET_BUCKET_NOTIFICATION_CONFIGURATION, region=region, Bucket=name),
    )
    # The policy itself only when the status says there is one (or could not say).
    document = (
        _NONE_SET
        if policy is _NONE_SET
        else await _read(
            ctx, S3_GET_BUCKET_POLICY, region=region, none_set=(_NO_POLICY,), Bucket=name
        )
    )
    bucket_bpa = public_access_block(bpa)
    attributes = attributes_of(bucket)
    attributes.update(
        {
            "public_access_block": bucket_bpa,
            "account_public_access_block": account_bpa,
            "public_access_blocked": effective_public_access_blocked(bucket_bpa, account_bpa),
            **_versioning(versioning),
            **_lifecycle(lifecycle),
            "default_encryption": _encryption(encryption),
            **_policy_status(policy),
            **notifications(notified),
            **_policy_document(document),
        }
    )
    if tagging is None:
        attributes["tags_unknown"] = True
    return Resource(
        arn=f"arn:{ctx.partition}:s3:::{name}",
        type=kinds.BUCKET,
        id=name,
        name=name,
        region=region,
        tags=tags_of(tagging, "TagSet") if isinstance(tagging, dict) else {},
        attributes=attributes,
    )


def _account_bpa_resource(ctx: CollectContext, account_bpa: dict[str, bool] | None) -> Resource:
    return Resource(
        arn=f"arn:{ctx.partition}:s3::{ctx.account.id}:{ACCOUNT_BPA_ID}",
        type=ACCOUNT_BPA_TYPE,
        id=ACCOUNT_BPA_ID,
        name="S3 account Block Public Access",
        region=GLOBAL_REGION,
        attributes={
            "public_access_block": account_bpa,
            "all_blocked": None
            if account_bpa is None
            else bool(account_bpa) and all(account_bpa.values()),
        },
    )


@collector(
    service="s3",
    scope=Scope.GLOBAL,
    calls=[
        S3_LIST_BUCKETS,
        S3_GET_BUCKET_LOCATION,
        S3_GET_BUCKET_TAGGING,
        S3_GET_PUBLIC_ACCESS_BLOCK,
        S3_GET_BUCKET_VERSIONING,
        S3_GET_BUCKET_LIFECYCLE_CONFIGURATION,
        S3_GET_BUCKET_ENCRYPTION,
        S3_GET_BUCKET_POLICY_STATUS,
        S3_GET_BUCKET_POLICY,
        S3_GET_BUCKET_NOTIFICATION_CONFIGURATION,
        S3CONTROL_GET_PUBLIC_ACCESS_BLOCK,
    ],
    types=[kinds.BUCKET, ACCOUNT_BPA_TYPE],
)
async def collect_buckets(ctx: CollectContext) -> list[Resource]:
    # The account-level setting is read once and applies to every bucket. It is recorded twice
    # on purpose: as its own resource (the account has it even with no bucket, and a finding
    # needs something to point at), and on every bucket, so that the bucket's effective
    # protection can be judged from the bucket alone.
    buckets, account_response = await asyncio.gather(
        ctx.paginate_all(S3_LIST_BUCKETS, "Buckets"),
        _read(
            ctx,
            S3CONTROL_GET_PUBLIC_ACCESS_BLOCK,
            region=ctx.client_region,
            none_set=(_NO_BPA,),
            record_in=ctx.region,  # an account-wide setting: its errors go under "global"
            AccountId=ctx.account.id,
        ),
    )
    account_bpa = public_access_block(account_response)
    found = await asyncio.gather(*(_bucket(ctx, b, account_bpa) for b in buckets))
    return [_account_bpa_resource(ctx, account_bpa)] + [r for r in found if r is not None]
