"""Cost Explorer (only with --cost): the last 30 days' spend, by region and by service, from one
GetCostAndUsage request (AWS bills each request USD 0.01; a further page, rare at monthly
granularity, is another request). Stored as one `ce:region-spend` record per scanned region
(and "global" when AWS bills something there), so the snapshot keeps it, the tree shows it
beside the region, and a finding can point at it. Without --cost this collector never runs
(`opt_in`), and nothing is sent to Cost Explorer."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from awsexplorer.model import GLOBAL_REGION, Resource, kinds
from awsexplorer.model.calls import CE_GET_COST_AND_USAGE
from awsexplorer.scan.collectors.base import CollectContext, Scope, collector

DAYS = 30
METRIC = "UnblendedCost"
SPEND_ID = "last-30-days"
# Cost Explorer's REGION values for spend that belongs to no region.
_GLOBAL_VALUES = frozenset({"global", "NoRegion", ""})


def period(now: datetime) -> tuple[str, str]:
    """[start, end) of the last DAYS days, as Cost Explorer wants them (end exclusive)."""
    end = now.astimezone(UTC).date()
    return (end - timedelta(days=DAYS)).isoformat(), end.isoformat()


def spend_by_region(pages: list[dict[str, Any]]) -> tuple[dict[str, dict[str, float]], str]:
    """{region: {service: amount}} summed over the periods of every page, and the unit."""
    found: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    unit = "USD"
    for page in pages:
        for period_result in page.get("ResultsByTime") or []:
            for group in period_result.get("Groups") or []:
                keys = [str(k) for k in group.get("Keys") or []]
                if len(keys) != 2:
                    continue
                metric = (group.get("Metrics") or {}).get(METRIC) or {}
                try:
                    amount = float(metric.get("Amount") or 0)
                except (TypeError, ValueError):
                    continue
                unit = str(metric.get("Unit") or unit)
                region = GLOBAL_REGION if keys[0] in _GLOBAL_VALUES else keys[0]
                found[region][keys[1]] += amount
    return {r: dict(s) for r, s in found.items()}, unit


def _record(
    ctx: CollectContext, region: str, services: dict[str, float], unit: str, when: tuple[str, str]
) -> Resource:
    listed = sorted(services.items(), key=lambda pair: (-pair[1], pair[0]))
    return Resource(
        arn=ctx.arn("ce", f"region-spend/{SPEND_ID}", region=region),
        type=kinds.REGION_SPEND,
        id=SPEND_ID,
        name=f"spend, last {DAYS} days",
        region=region,
        attributes={
            "total": round(sum(services.values()), 2),
            "unit": unit,
            "start": when[0],
            "end": when[1],
            "services": [{"service": name, "amount": round(amount, 2)} for name, amount in listed],
        },
    )


@collector(
    service="ce",
    scope=Scope.GLOBAL,
    calls=[CE_GET_COST_AND_USAGE],
    types=[kinds.REGION_SPEND],
    opt_in="cost",
)
async def collect_spend(ctx: CollectContext) -> list[Resource]:
    when = period(datetime.now(UTC))
    params: dict[str, Any] = {
        "TimePeriod": {"Start": when[0], "End": when[1]},
        "Granularity": "MONTHLY",
        "Metrics": [METRIC],
        "GroupBy": [
            {"Type": "DIMENSION", "Key": "REGION"},
            {"Type": "DIMENSION", "Key": "SERVICE"},
        ],
    }
    pages = [await ctx.call(CE_GET_COST_AND_USAGE, **params)]
    while pages[-1].get("NextPageToken"):
        pages.append(
            await ctx.call(
                CE_GET_COST_AND_USAGE, **params, NextPageToken=pages[-1]["NextPageToken"]
            )
        )
    by_region, unit = spend_by_region(pages)
    regions = set(ctx.scanned_regions)
    if by_region.get(GLOBAL_REGION):
        regions.add(GLOBAL_REGION)
    return [_record(ctx, r, by_region.get(r, {}), unit, when) for r in sorted(regions)]
