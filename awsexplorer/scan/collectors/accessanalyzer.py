"""IAM Access Analyzer: the region's analyzers (account or organization), active or not. One
paged ListAnalyzers per region. A region without an analyzer gets one small record saying
Access Analyzer is off there (`present` False), so the checks can tell "off" from "not read"."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import ACCESSANALYZER_LIST_ANALYZERS
from awsexplorer.scan.collectors.base import CollectContext, collector, json_safe

OFF_ID = "access-analyzer-off"  # the record of a region without an analyzer


def _analyzer(ctx: CollectContext, item: dict[str, Any]) -> Resource:
    raw = json_safe(item)
    name = str(item.get("name") or "")
    tags = {str(k): str(v) for k, v in (raw.pop("tags", None) or {}).items()}
    status = raw.get("status")
    return Resource(
        arn=str(item.get("arn") or ctx.arn("access-analyzer", f"analyzer/{name}")),
        type=kinds.ACCESS_ANALYZER,
        id=name,
        name=tags.get("Name") or name,
        region=ctx.region,
        tags=tags,
        attributes={
            **raw,
            "present": True,
            "enabled": status == "ACTIVE",
            "analyzer_type": raw.get("type"),
            "status": status,
            "status_reason": (raw.get("statusReason") or {}).get("code"),
            "created": raw.get("createdAt"),
            "last_analyzed": raw.get("lastResourceAnalyzedAt"),
        },
    )


def off_record(ctx: CollectContext) -> Resource:
    return Resource(
        arn=ctx.arn("access-analyzer", f"analyzer/{OFF_ID}"),
        type=kinds.ACCESS_ANALYZER,
        id=OFF_ID,
        name="IAM Access Analyzer: no analyzer",
        region=ctx.region,
        attributes={
            "present": False,
            "enabled": False,
            "analyzer_type": None,
            "status": None,
            "status_reason": None,
            "created": None,
            "last_analyzed": None,
        },
    )


@collector(
    service="accessanalyzer",
    calls=[ACCESSANALYZER_LIST_ANALYZERS],
    types=[kinds.ACCESS_ANALYZER],
)
async def collect_analyzers(ctx: CollectContext) -> list[Resource]:
    analyzers = await ctx.paginate_all(ACCESSANALYZER_LIST_ANALYZERS, "analyzers")
    if not analyzers:
        return [off_record(ctx)]
    return [_analyzer(ctx, a) for a in analyzers]
