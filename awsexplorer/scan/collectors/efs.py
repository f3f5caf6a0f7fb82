"""EFS file systems with their mount targets (subnet, address, security groups).

DescribeFileSystems carries the tags. Mount targets are read per file system, and each mount
target's security groups per mount target: only for what exists, so a region with no file
system costs one call.
"""

from __future__ import annotations

import asyncio
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    EFS_DESCRIBE_FILE_SYSTEMS,
    EFS_DESCRIBE_MOUNT_TARGET_SECURITY_GROUPS,
    EFS_DESCRIBE_MOUNT_TARGETS,
)
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CollectContext,
    attributes_of,
    collector,
    display_name,
    tags_of,
)


async def _mount_target(ctx: CollectContext, target: dict[str, Any]) -> dict[str, Any]:
    answer = await ctx.try_call(
        EFS_DESCRIBE_MOUNT_TARGET_SECURITY_GROUPS, MountTargetId=str(target["MountTargetId"])
    )
    return {
        "id": target.get("MountTargetId"),
        "subnet_id": target.get("SubnetId"),
        "ip_address": target.get("IpAddress"),
        "availability_zone": target.get("AvailabilityZoneName"),
        "vpc_id": target.get("VpcId"),
        "state": target.get("LifeCycleState"),
        # None: could not be read (recorded).
        "security_groups": (
            None if answer is None else [str(g) for g in answer.get("SecurityGroups") or []]
        ),
    }


async def _mount_targets(ctx: CollectContext, fs_id: str) -> list[dict[str, Any]] | None:
    try:
        targets = await ctx.paginate_all(
            EFS_DESCRIBE_MOUNT_TARGETS, "MountTargets", FileSystemId=fs_id
        )
    except CallFailure as failure:
        ctx.record(failure)
        return None
    return list(await asyncio.gather(*(_mount_target(ctx, t) for t in targets)))


def _file_system(
    ctx: CollectContext, fs: dict[str, Any], targets: list[dict[str, Any]] | None
) -> Resource:
    fs_id = str(fs["FileSystemId"])
    tags = tags_of(fs)
    subnet_ids = list(dict.fromkeys(str(t["subnet_id"]) for t in targets or [] if t["subnet_id"]))
    groups = list(dict.fromkeys(g for t in targets or [] for g in t.get("security_groups") or []))
    vpc_ids = {t["vpc_id"] for t in targets or [] if t.get("vpc_id")}
    attributes = attributes_of(fs)
    size = (fs.get("SizeInBytes") or {}).get("Value")
    attributes.update(
        {
            "state": fs.get("LifeCycleState"),
            "encrypted": bool(fs.get("Encrypted")),
            "kms_key_id": fs.get("KmsKeyId"),
            "size_bytes": size if isinstance(size, int) else None,
            "mount_targets": targets,
            "performance_mode": fs.get("PerformanceMode"),
            "throughput_mode": fs.get("ThroughputMode"),
            "subnet_ids": subnet_ids,
            "security_groups": groups,
        }
    )
    return Resource(
        arn=str(fs.get("FileSystemArn") or ctx.arn("elasticfilesystem", f"file-system/{fs_id}")),
        type=kinds.EFS_FILE_SYSTEM,
        id=fs_id,
        name=display_name(tags, fs.get("Name") or None, fs_id),
        region=ctx.region,
        vpc_id=next(iter(vpc_ids)) if len(vpc_ids) == 1 else None,
        subnet_id=subnet_ids[0] if subnet_ids else None,
        tags=tags,
        attributes=attributes,
    )


@collector(
    service="efs",
    calls=[
        EFS_DESCRIBE_FILE_SYSTEMS,
        EFS_DESCRIBE_MOUNT_TARGETS,
        EFS_DESCRIBE_MOUNT_TARGET_SECURITY_GROUPS,
    ],
    types=[kinds.EFS_FILE_SYSTEM],
)
async def collect_file_systems(ctx: CollectContext) -> list[Resource]:
    systems = await ctx.paginate_all(EFS_DESCRIBE_FILE_SYSTEMS, "FileSystems")
    targets = await asyncio.gather(
        *(
            _mount_targets(ctx, str(fs["FileSystemId"]))
            if fs.get("NumberOfMountTargets")
            else _none()
            for fs in systems
        )
    )
    return [_file_system(ctx, fs, t) for fs, t in zip(systems, targets, strict=True)]


async def _none() -> list[dict[str, Any]]:
    return []
