"""RDS DB snapshots and DB cluster snapshots the account owns, and whether each is public.

List first (one call each in a region with none). Only a manual snapshot can be shared, so the
restore attribute (`all` = anyone may restore it) is read for manual snapshots alone; an
automated one is never public. `public` is None when the attribute could not be read.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    RDS_DESCRIBE_DB_CLUSTER_SNAPSHOT_ATTRIBUTES,
    RDS_DESCRIBE_DB_CLUSTER_SNAPSHOTS,
    RDS_DESCRIBE_DB_SNAPSHOT_ATTRIBUTES,
    RDS_DESCRIBE_DB_SNAPSHOTS,
    Call,
)
from awsexplorer.scan.collectors.base import (
    CollectContext,
    attributes_of,
    collector,
    display_name,
    json_safe,
    tags_of,
)

_SHAREABLE = frozenset({"manual"})


def _restorable_by_all(result: dict[str, Any] | None) -> bool:
    attributes = (result or {}).get("DBSnapshotAttributes") or (result or {}).get(
        "DBClusterSnapshotAttributes"
    )
    return any(
        a.get("AttributeName") == "restore" and "all" in (a.get("AttributeValues") or [])
        for a in attributes or []
        if isinstance(a, dict)
    )


async def _public(
    ctx: CollectContext, snapshot: dict[str, Any], call: Call, result_key: str, **params: Any
) -> bool | None:
    if snapshot.get("SnapshotType") not in _SHAREABLE:
        return False
    answer = await ctx.try_call(call, **params)
    return None if answer is None else _restorable_by_all(answer.get(result_key))


@dataclass(frozen=True)
class _Flavour:
    """What differs between a DB snapshot and a DB cluster snapshot: the calls and the names of
    the same fields in their answers."""

    rtype: str
    list_call: Call
    list_key: str
    attributes_call: Call
    result_key: str
    id_key: str
    arn_key: str
    source_key: str
    encrypted_key: str


_DB = _Flavour(
    rtype="snapshot",
    list_call=RDS_DESCRIBE_DB_SNAPSHOTS,
    list_key="DBSnapshots",
    attributes_call=RDS_DESCRIBE_DB_SNAPSHOT_ATTRIBUTES,
    result_key="DBSnapshotAttributesResult",
    id_key="DBSnapshotIdentifier",
    arn_key="DBSnapshotArn",
    source_key="DBInstanceIdentifier",
    encrypted_key="Encrypted",
)
_CLUSTER = _Flavour(
    rtype="cluster-snapshot",
    list_call=RDS_DESCRIBE_DB_CLUSTER_SNAPSHOTS,
    list_key="DBClusterSnapshots",
    attributes_call=RDS_DESCRIBE_DB_CLUSTER_SNAPSHOT_ATTRIBUTES,
    result_key="DBClusterSnapshotAttributesResult",
    id_key="DBClusterSnapshotIdentifier",
    arn_key="DBClusterSnapshotArn",
    source_key="DBClusterIdentifier",
    encrypted_key="StorageEncrypted",
)


def _snapshot(
    ctx: CollectContext, flavour: _Flavour, item: dict[str, Any], public: bool | None
) -> Resource:
    rid = str(item[flavour.id_key])
    tags = tags_of(item, "TagList")
    attributes = attributes_of(item, drop=("TagList",))
    attributes.update(
        {
            "status": item.get("Status"),
            "source": item.get(flavour.source_key),
            "snapshot_type": item.get("SnapshotType"),
            "engine": item.get("Engine"),
            "encrypted": bool(item.get(flavour.encrypted_key)),
            "kms_key_id": item.get("KmsKeyId"),
            "created": json_safe(item.get("SnapshotCreateTime")),
            "public": public,
        }
    )
    return Resource(
        arn=item.get(flavour.arn_key) or ctx.arn("rds", f"{flavour.rtype}:{rid}"),
        type=f"rds:{flavour.rtype}",
        id=rid,
        name=display_name(tags, rid, rid),
        region=ctx.region,
        vpc_id=item.get("VpcId") or None,
        tags=tags,
        attributes=attributes,
    )


async def _collect(ctx: CollectContext, flavour: _Flavour) -> list[Resource]:
    # Without SnapshotType: manual and automated, the account's own (shared-with-us excluded).
    snapshots = await ctx.paginate_all(flavour.list_call, flavour.list_key)
    shared = await asyncio.gather(
        *(
            _public(
                ctx,
                s,
                flavour.attributes_call,
                flavour.result_key,
                **{flavour.id_key: str(s[flavour.id_key])},
            )
            for s in snapshots
        )
    )
    return [_snapshot(ctx, flavour, s, public) for s, public in zip(snapshots, shared, strict=True)]


@collector(
    service="rds",
    calls=[RDS_DESCRIBE_DB_SNAPSHOTS, RDS_DESCRIBE_DB_SNAPSHOT_ATTRIBUTES],
    types=[kinds.DB_SNAPSHOT],
)
async def collect_db_snapshots(ctx: CollectContext) -> list[Resource]:
    return await _collect(ctx, _DB)


@collector(
    service="rds",
    calls=[RDS_DESCRIBE_DB_CLUSTER_SNAPSHOTS, RDS_DESCRIBE_DB_CLUSTER_SNAPSHOT_ATTRIBUTES],
    types=[kinds.DB_CLUSTER_SNAPSHOT],
)
async def collect_db_cluster_snapshots(ctx: CollectContext) -> list[Resource]:
    return await _collect(ctx, _CLUSTER)
