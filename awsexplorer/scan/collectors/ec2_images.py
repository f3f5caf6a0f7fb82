"""EBS snapshots and AMIs the account owns, and whether anyone may use each.

List first (OwnerIds/Owners = self: one call in a region with none), then one attribute call
per snapshot for its createVolumePermission; an AMI's Public flag comes with the list, its
launch permission is read only when that flag is absent. `public` is None when it could not be
read (recorded), never a guess.
"""

from __future__ import annotations

import asyncio
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    EC2_DESCRIBE_IMAGE_ATTRIBUTE,
    EC2_DESCRIBE_IMAGES,
    EC2_DESCRIBE_SNAPSHOT_ATTRIBUTE,
    EC2_DESCRIBE_SNAPSHOTS,
)
from awsexplorer.scan.collectors.base import (
    CollectContext,
    attributes_of,
    collector,
    display_name,
    json_safe,
    tags_of,
)


def _everyone(permissions: Any) -> bool:
    return any(isinstance(p, dict) and p.get("Group") == "all" for p in permissions or [])


def _owned(ctx: CollectContext, item: dict[str, Any], rtype: str, rid: str) -> Resource:
    tags = tags_of(item)
    return Resource(
        arn=ctx.arn("ec2", f"{rtype}/{rid}"),
        type=f"ec2:{rtype}",
        id=rid,
        name=display_name(tags, item.get("Name") or None, rid),
        region=ctx.region,
        tags=tags,
        attributes=attributes_of(item),
    )


async def _snapshot_public(ctx: CollectContext, snapshot_id: str) -> bool | None:
    answer = await ctx.try_call(
        EC2_DESCRIBE_SNAPSHOT_ATTRIBUTE, SnapshotId=snapshot_id, Attribute="createVolumePermission"
    )
    return None if answer is None else _everyone(answer.get("CreateVolumePermissions"))


@collector(
    service="ec2",
    calls=[EC2_DESCRIBE_SNAPSHOTS, EC2_DESCRIBE_SNAPSHOT_ATTRIBUTE],
    types=[kinds.EBS_SNAPSHOT],
)
async def collect_snapshots(ctx: CollectContext) -> list[Resource]:
    # OwnerIds=self is the account's own on AWS. The owner-id filter says the same, for moto,
    # which ignores OwnerIds (and would list every public AMI's snapshot); the owner is checked
    # once more below, so the attribute calls are only ever made for the account's own.
    listed = await ctx.paginate_all(
        EC2_DESCRIBE_SNAPSHOTS,
        "Snapshots",
        OwnerIds=["self"],
        Filters=[{"Name": "owner-id", "Values": [ctx.account.id]}],
    )
    snapshots = [s for s in listed if s.get("OwnerId") in (None, ctx.account.id)]
    shared = await asyncio.gather(*(_snapshot_public(ctx, str(s["SnapshotId"])) for s in snapshots))
    found = []
    for snapshot, public in zip(snapshots, shared, strict=True):
        resource = _owned(ctx, snapshot, "snapshot", str(snapshot["SnapshotId"]))
        resource.attributes.update(
            {
                "state": snapshot.get("State"),
                "volume_id": snapshot.get("VolumeId"),
                "size_gib": snapshot.get("VolumeSize"),
                "encrypted": bool(snapshot.get("Encrypted")),
                "kms_key_id": snapshot.get("KmsKeyId"),
                "started": json_safe(snapshot.get("StartTime")),
                "public": public,
            }
        )
        found.append(resource)
    return found


async def _image_public(ctx: CollectContext, image: dict[str, Any]) -> bool | None:
    if isinstance(image.get("Public"), bool):
        return bool(image["Public"])
    answer = await ctx.try_call(
        EC2_DESCRIBE_IMAGE_ATTRIBUTE, ImageId=str(image["ImageId"]), Attribute="launchPermission"
    )
    return None if answer is None else _everyone(answer.get("LaunchPermissions"))


@collector(
    service="ec2",
    calls=[EC2_DESCRIBE_IMAGES, EC2_DESCRIBE_IMAGE_ATTRIBUTE],
    types=[kinds.MACHINE_IMAGE],
)
async def collect_images(ctx: CollectContext) -> list[Resource]:
    images = await ctx.paginate_all(EC2_DESCRIBE_IMAGES, "Images", Owners=["self"])
    shared = await asyncio.gather(*(_image_public(ctx, image) for image in images))
    found = []
    for image, public in zip(images, shared, strict=True):
        resource = _owned(ctx, image, "image", str(image["ImageId"]))
        resource.attributes.update(
            {
                "state": image.get("State"),
                "image_name": image.get("Name"),
                "created": json_safe(image.get("CreationDate")),
                "snapshot_ids": [
                    str(m["Ebs"]["SnapshotId"])
                    for m in image.get("BlockDeviceMappings") or []
                    if isinstance(m.get("Ebs"), dict) and m["Ebs"].get("SnapshotId")
                ],
                "public": public,
            }
        )
        found.append(resource)
    return found
