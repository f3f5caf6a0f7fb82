"""RDS DB snapshots and DB cluster snapshots the account owns, and whether each is public.

List first (one call each in a region with none). Only a manual snapshot can be shared, so the
restore attribute (`all` = anyone may restore it) is read for manual snapshots alone; an
automated one is never public. `public` is None when the attribute could not be read.
"""

from __future__ import annotations

import asyncio
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


def _snapshot(
    ctx: CollectContext,
    item: dict[str, Any],
    *,
    rtype: str,
    rid: str,
    arn: str | None,
    source: str | None,
    encrypted: bool,
    public: bool | None,
) -> Resource:
    tags = tags_of(item, "TagList")
    attributes = attributes_of(item, drop=("TagList",))
    attributes.update(
        {
            "status": item.get("Status"),
            "source": source,
            "snapshot_type": item.get("SnapshotType"),
            "engine": item.get("Engine"),
            "encrypted": encrypted,
            "kms_key_id": item.get("KmsKeyId"),
            "created": json_safe(item.get("SnapshotCreateTime")),
            "public": public,
        }
    )
    return Resource(
        arn=arn or ctx.arn("rds", f"{rtype}:{rid}"),
        type=f"rds:{rtype}",
        id=rid,
        name=display_name(tags, rid, rid),
        region=ctx.region,
        vpc_id=item.get("VpcId") or None,
        tags=tags,
        attributes=attributes,
    )


@collector(
    service="rds",
    calls=[RDS_DESCRIBE_DB_SNAPSHOTS, RDS_DESCRIBE_DB_SNAPSHOT_ATTRIBUTES],
    types=[kinds.DB_SNAPSHOT],
)
async def collect_db_snapshots(ctx: CollectContext) -> list[Resource]:
    # Without SnapshotType: manual and automated, the account's own (shared-with-us excluded).
    snapshots = await ctx.paginate_all(RDS_DESCRIBE_DB_SNAPSHOTS, "DBSnapshots")
    shared = await asyncio.gather(
        *(
            _public(
                ctx,
                s,
                RDS_DESCRIBE_DB_SNAPSHOT_ATTRIBUTES,
                "DBSnapshotAttributesResult",
                DBSnapshotIdentifier=str(s["DBSnapshotIdentifier"]),
            )
            for s in snapshots
        )
    )
    return [
        _snapshot(
            ctx,
            s,
            rtype="snapshot",
            rid=str(s["DBSnapshotIdentifier"]),
            arn=s.get("DBSnapshotArn"),
            source=s.get("DBInstanceIdentifier"),
            encrypted=bool(s.get("Encrypted")),
            public=public,
        )
        for s, public in zip(snapshots, shared, strict=True)
    ]


@collector(
    service="rds",
    calls=[RDS_DESCRIBE_DB_CLUSTER_SNAPSHOTS, RDS_DESCRIBE_DB_CLUSTER_SNAPSHOT_ATTRIBUTES],
    types=[kinds.DB_CLUSTER_SNAPSHOT],
)
async def collect_db_cluster_snapshots(ctx: CollectContext) -> list[Resource]:
    snapshots = await ctx.paginate_all(RDS_DESCRIBE_DB_CLUSTER_SNAPSHOTS, "DBClusterSnapshots")
    shared = await asyncio.gather(
        *(
            _public(
                ctx,
                s,
                RDS_DESCRIBE_DB_CLUSTER_SNAPSHOT_ATTRIBUTES,
                "DBClusterSnapshotAttributesResult",
                DBClusterSnapshotIdentifier=str(s["DBClusterSnapshotIdentifier"]),
            )
            for s in snapshots
        )
    )
    return [
        _snapshot(
            ctx,
            s,
            rtype="cluster-snapshot",
            rid=str(s["DBClusterSnapshotIdentifier"]),
            arn=s.get("DBClusterSnapshotArn"),
            source=s.get("DBClusterIdentifier"),
            encrypted=bool(s.get("StorageEncrypted")),
            public=public,
        )
        for s, public in zip(snapshots, shared, strict=True)
    ]
