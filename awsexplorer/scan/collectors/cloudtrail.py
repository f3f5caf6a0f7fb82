"""CloudTrail trails, each reported once, in its home region, with its logging status.

DescribeTrails in any region also returns the multi-region and organization trails whose home
is elsewhere ("shadow trails"). Each region keeps only the trails whose home it is. A trail
whose home region is outside the scan (--region) is still reported, once, by the first scanned
region: it records the scanned regions too, and without it "is there a multi-region trail?"
would be answered wrongly."""

from __future__ import annotations

import asyncio
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    CLOUDTRAIL_DESCRIBE_TRAILS,
    CLOUDTRAIL_GET_TRAIL_STATUS,
)
from awsexplorer.scan.collectors.base import (
    CollectContext,
    attributes_of,
    collector,
    display_name,
)


def _reported_here(ctx: CollectContext, trail: dict[str, Any]) -> bool:
    home = trail.get("HomeRegion") or ctx.region
    if home == ctx.region:
        return True
    if ctx.scanned_regions and home not in ctx.scanned_regions:
        return ctx.region == min(ctx.scanned_regions)
    return False


async def _status(ctx: CollectContext, trail: dict[str, Any]) -> dict[str, Any] | None:
    # Per trail by design (no batch variant); asked of the trail's home region.
    return await ctx.try_call(
        CLOUDTRAIL_GET_TRAIL_STATUS,
        region=trail.get("HomeRegion") or ctx.client_region,
        Name=trail.get("TrailARN") or trail["Name"],
    )


def _trail(ctx: CollectContext, trail: dict[str, Any], status: dict[str, Any] | None) -> Resource:
    name = str(trail["Name"])
    home = str(trail.get("HomeRegion") or ctx.region)
    attributes = attributes_of(trail)
    attributes.update(
        {
            "multi_region": bool(trail.get("IsMultiRegionTrail")),
            "organization_trail": bool(trail.get("IsOrganizationTrail")),
            "home_region": home,
            "s3_bucket": trail.get("S3BucketName"),
            "kms_key_id": trail.get("KmsKeyId"),
            "log_file_validation": bool(trail.get("LogFileValidationEnabled")),
            # None: GetTrailStatus failed (the error is recorded).
            "is_logging": None if status is None else bool(status.get("IsLogging")),
            "status": None if status is None else attributes_of(status),
        }
    )
    return Resource(
        arn=str(trail.get("TrailARN") or ctx.arn("cloudtrail", f"trail/{name}", home)),
        type=kinds.TRAIL,
        id=name,
        name=display_name({}, name, name),
        region=home,
        attributes=attributes,
    )


@collector(
    service="cloudtrail",
    calls=[CLOUDTRAIL_DESCRIBE_TRAILS, CLOUDTRAIL_GET_TRAIL_STATUS],
    types=[kinds.TRAIL],
)
async def collect_trails(ctx: CollectContext) -> list[Resource]:
    # DescribeTrails does not page: it returns every trail at once.
    response = await ctx.call(CLOUDTRAIL_DESCRIBE_TRAILS, includeShadowTrails=True)
    trails = [t for t in response.get("trailList") or [] if _reported_here(ctx, t)]
    statuses = await asyncio.gather(*(_status(ctx, t) for t in trails))
    return [_trail(ctx, t, s) for t, s in zip(trails, statuses, strict=True)]
