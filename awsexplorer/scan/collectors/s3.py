"""S3 buckets: listed once for the account, each attributed to its own region."""

from __future__ import annotations

import asyncio
from typing import Any

from awsexplorer.model import Resource
from awsexplorer.scan.collectors.base import (
    CollectContext,
    Scope,
    attributes_of,
    collector,
    tags_of,
)


def bucket_region(location: str | None) -> str:
    """GetBucketLocation's answer as a region: empty means us-east-1, 'EU' is eu-west-1."""
    if not location:
        return "us-east-1"
    if location == "EU":
        return "eu-west-1"
    return location


async def _region_of(ctx: CollectContext, bucket: dict[str, Any]) -> str | None:
    # Newer ListBuckets responses carry the region: no call per bucket needed.
    if bucket.get("BucketRegion"):
        return str(bucket["BucketRegion"])
    response = await ctx.try_call("s3", "get_bucket_location", Bucket=bucket["Name"])
    if response is None:
        return None
    return bucket_region(response.get("LocationConstraint"))


async def _bucket(ctx: CollectContext, bucket: dict[str, Any]) -> Resource | None:
    name = str(bucket["Name"])
    region = await _region_of(ctx, bucket)
    if region is None:
        region = ctx.client_region  # unknown; the error is recorded, the bucket still shown
    if ctx.scanned_regions and region not in ctx.scanned_regions:
        return None  # outside the regions asked for (--region)
    tagging = await ctx.try_call(
        "s3", "get_bucket_tagging", region=region, ignore_codes=("NoSuchTagSet",), Bucket=name
    )
    attributes = attributes_of(bucket)
    return Resource(
        arn=f"arn:{ctx.partition}:s3:::{name}",
        type="s3:bucket",
        id=name,
        name=name,
        region=region,
        tags=tags_of(tagging or {}, "TagSet"),
        attributes=attributes,
    )


@collector(
    service="s3",
    scope=Scope.GLOBAL,
    actions=["s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketTagging"],
    types=["s3:bucket"],
)
async def collect_buckets(ctx: CollectContext) -> list[Resource]:
    buckets = await ctx.paginate_all("s3", "list_buckets", "Buckets")
    found = await asyncio.gather(*(_bucket(ctx, b) for b in buckets))
    return [r for r in found if r is not None]
