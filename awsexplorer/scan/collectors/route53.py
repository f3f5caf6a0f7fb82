"""Route 53 hosted zones (global): public or private, the VPCs a private zone is associated
with, and the records that can point at the account's own resources (aliases, and A, AAAA and
CNAME records), kept normalised on the zone and bounded.

List first: an account without a zone costs one ListHostedZones. Per zone: its records (paged,
stopped at the bound) and, for a private zone, GetHostedZone for its VPCs. Tags in batches of
ten zones (ListTagsForResources)."""

from __future__ import annotations

import asyncio
from typing import Any

from awsexplorer.model import GLOBAL_REGION, Resource
from awsexplorer.model.calls import (
    ROUTE53_GET_HOSTED_ZONE,
    ROUTE53_LIST_HOSTED_ZONES,
    ROUTE53_LIST_RESOURCE_RECORD_SETS,
    ROUTE53_LIST_TAGS_FOR_RESOURCES,
)
from awsexplorer.model.kinds import HOSTED_ZONE
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CollectContext,
    Scope,
    attributes_of,
    collector,
    display_name,
    tags_of,
)

# The records kept per zone; beyond it the zone says so (records_truncated) and its count.
RECORD_LIMIT = 200
# Record sets read per zone at most (Route 53 pages 300 at a time): a huge zone of TXT records
# must not cost hundreds of calls for the few addresses in it.
READ_LIMIT = 3000
POINTING_TYPES = frozenset({"A", "AAAA", "CNAME"})
_TAG_BATCH = 10  # ListTagsForResources takes at most 10 zones


def zone_id(raw: str) -> str:
    return raw.rsplit("/", 1)[-1]


def record_entry(record: dict[str, Any]) -> dict[str, Any] | None:
    """An alias, A, AAAA or CNAME record, normalised; None for any other record."""
    alias = record.get("AliasTarget")
    kind = str(record.get("Type") or "")
    if not alias and kind not in POINTING_TYPES:
        return None
    return {
        "name": record.get("Name"),
        "type": kind,
        "values": [str(v.get("Value")) for v in record.get("ResourceRecords") or []],
        "alias_target": (alias or {}).get("DNSName"),
        "alias_zone_id": (alias or {}).get("HostedZoneId"),
        "set_identifier": record.get("SetIdentifier"),
    }


async def _records(ctx: CollectContext, zone: str) -> tuple[list[dict[str, Any]], bool] | None:
    """(the pointing records, whether the list was cut short); None if the call failed."""
    kept: list[dict[str, Any]] = []
    read = 0
    try:
        async for record in ctx.paginate(
            ROUTE53_LIST_RESOURCE_RECORD_SETS, "ResourceRecordSets", HostedZoneId=zone
        ):
            read += 1
            entry = record_entry(record)
            if entry is not None:
                if len(kept) == RECORD_LIMIT:
                    return kept, True
                kept.append(entry)
            if read >= READ_LIMIT:
                return kept, True
    except CallFailure as failure:
        ctx.record(failure)
        return None
    return kept, False


async def _vpcs(ctx: CollectContext, zone: dict[str, Any]) -> list[dict[str, Any]] | None:
    if not (zone.get("Config") or {}).get("PrivateZone"):
        return []
    response = await ctx.try_call(ROUTE53_GET_HOSTED_ZONE, Id=zone_id(str(zone["Id"])))
    if response is None:
        return None
    return [
        {"vpc_id": v.get("VPCId"), "region": v.get("VPCRegion")} for v in response.get("VPCs") or []
    ]


async def _tags(ctx: CollectContext, ids: list[str]) -> dict[str, dict[str, str]] | None:
    try:
        responses = await asyncio.gather(
            *(
                ctx.call(
                    ROUTE53_LIST_TAGS_FOR_RESOURCES,
                    ResourceType="hostedzone",
                    ResourceIds=ids[i : i + _TAG_BATCH],
                )
                for i in range(0, len(ids), _TAG_BATCH)
            )
        )
    except CallFailure as failure:
        ctx.record(failure)
        return None
    return {
        str(s.get("ResourceId")): tags_of(s)
        for r in responses
        for s in r.get("ResourceTagSets") or []
    }


def _zone(
    ctx: CollectContext,
    zone: dict[str, Any],
    records: tuple[list[dict[str, Any]], bool] | None,
    vpcs: list[dict[str, Any]] | None,
    tags: dict[str, dict[str, str]] | None,
) -> Resource:
    zid = zone_id(str(zone["Id"]))
    name = str(zone.get("Name") or zid)
    count = zone.get("ResourceRecordSetCount")
    attributes = attributes_of(zone)
    attributes.update(
        {
            "zone_name": name,
            "private": bool((zone.get("Config") or {}).get("PrivateZone")),
            "vpcs": vpcs or [],
            "vpc_ids": [str(v["vpc_id"]) for v in vpcs or [] if v.get("vpc_id")],
            "record_count": count if isinstance(count, int) else None,
            "records": records[0] if records else [],
            "records_truncated": bool(records and records[1]),
        }
    )
    for unknown, value in (
        ("records_unknown", records),
        ("vpcs_unknown", vpcs),
        ("tags_unknown", tags),
    ):
        if value is None:
            attributes[unknown] = True
    resource_tags = dict((tags or {}).get(zid, {}))
    return Resource(
        arn=f"arn:{ctx.partition}:route53:::hostedzone/{zid}",
        type=HOSTED_ZONE,
        id=zid,
        name=display_name(resource_tags, name, zid),
        region=GLOBAL_REGION,
        tags=resource_tags,
        attributes=attributes,
    )


@collector(
    service="route53",
    scope=Scope.GLOBAL,
    calls=[
        ROUTE53_LIST_HOSTED_ZONES,
        ROUTE53_GET_HOSTED_ZONE,
        ROUTE53_LIST_RESOURCE_RECORD_SETS,
        ROUTE53_LIST_TAGS_FOR_RESOURCES,
    ],
    types=[HOSTED_ZONE],
)
async def collect_hosted_zones(ctx: CollectContext) -> list[Resource]:
    zones = await ctx.paginate_all(ROUTE53_LIST_HOSTED_ZONES, "HostedZones")
    if not zones:
        return []
    ids = [zone_id(str(z["Id"])) for z in zones]
    records, vpcs, tags = await asyncio.gather(
        asyncio.gather(*(_records(ctx, i) for i in ids)),
        asyncio.gather(*(_vpcs(ctx, z) for z in zones)),
        _tags(ctx, ids),
    )
    return [_zone(ctx, z, r, v, tags) for z, r, v in zip(zones, records, vpcs, strict=True)]
