"""GuardDuty: the region's detector, on or off. One ListDetectors per region; GetDetector only
for a detector that exists. A region without a detector gets one small record saying GuardDuty
is off there (`present` False), so the checks can tell "off" from "not read" (a failed list
call is recorded as an error and yields nothing)."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import GUARDDUTY_GET_DETECTOR, GUARDDUTY_LIST_DETECTORS
from awsexplorer.scan.collectors.base import CollectContext, collector, json_safe

OFF_ID = "guardduty-off"  # the record of a region without a detector


def _detector(ctx: CollectContext, detector_id: str, detail: dict[str, Any] | None) -> Resource:
    raw = json_safe(detail or {})
    status = raw.get("Status")
    tags = {str(k): str(v) for k, v in (raw.get("Tags") or {}).items()}
    raw.pop("Tags", None)
    return Resource(
        arn=ctx.arn("guardduty", f"detector/{detector_id}"),
        type=kinds.GUARDDUTY_DETECTOR,
        id=detector_id,
        name=tags.get("Name") or f"GuardDuty {detector_id}",
        region=ctx.region,
        tags=tags,
        attributes={
            **raw,
            "present": True,
            # None: GetDetector failed (recorded); the detector exists, its status is unknown.
            "enabled": None if detail is None else status == "ENABLED",
            "status": status,
            "finding_publishing_frequency": raw.get("FindingPublishingFrequency"),
            "service_role": raw.get("ServiceRole"),
            "created": raw.get("CreatedAt"),
        },
    )


def off_record(ctx: CollectContext) -> Resource:
    return Resource(
        arn=ctx.arn("guardduty", f"detector/{OFF_ID}"),
        type=kinds.GUARDDUTY_DETECTOR,
        id=OFF_ID,
        name="GuardDuty: no detector",
        region=ctx.region,
        attributes={
            "present": False,
            "enabled": False,
            "status": None,
            "finding_publishing_frequency": None,
            "service_role": None,
            "created": None,
        },
    )


@collector(
    service="guardduty",
    calls=[GUARDDUTY_LIST_DETECTORS, GUARDDUTY_GET_DETECTOR],
    types=[kinds.GUARDDUTY_DETECTOR],
)
async def collect_detectors(ctx: CollectContext) -> list[Resource]:
    ids = [str(i) for i in await ctx.paginate_all(GUARDDUTY_LIST_DETECTORS, "DetectorIds")]
    if not ids:
        return [off_record(ctx)]
    found = []
    for detector_id in ids:  # at most one per region
        detail = await ctx.try_call(GUARDDUTY_GET_DETECTOR, DetectorId=detector_id)
        found.append(_detector(ctx, detector_id, detail))
    return found
