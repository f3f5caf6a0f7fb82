"""Customer-managed prefix lists with their entries. One paged DescribeManagedPrefixLists per
region; the entries only for the account's own lists (AWS's own, such as the S3 and DynamoDB
service lists, are left out). The entries are written as `Entries: [{Cidr, Description}]`,
the shape model/exposure.py resolves security group rules with (docs/exposure.md), and as
`entries` (the CIDRs) for the detail pane; `entries` is None when they could not be read."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    EC2_DESCRIBE_MANAGED_PREFIX_LISTS,
    EC2_GET_MANAGED_PREFIX_LIST_ENTRIES,
)
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CollectContext,
    attributes_of,
    collector,
    display_name,
    json_safe,
    tags_of,
)


async def _entries(ctx: CollectContext, prefix_list_id: str) -> list[dict[str, Any]] | None:
    try:
        return await ctx.paginate_all(
            EC2_GET_MANAGED_PREFIX_LIST_ENTRIES, "Entries", PrefixListId=prefix_list_id
        )
    except CallFailure as failure:
        ctx.record(failure)
        return None


def _prefix_list(
    ctx: CollectContext, item: dict[str, Any], entries: list[dict[str, Any]] | None
) -> Resource:
    pl_id = str(item["PrefixListId"])
    tags = tags_of(item)
    attributes = attributes_of(item)
    if entries is not None:
        attributes["Entries"] = json_safe(entries)
    attributes.update(
        {
            "prefix_list_name": item.get("PrefixListName"),
            "address_family": item.get("AddressFamily"),
            "max_entries": item.get("MaxEntries"),
            "version": item.get("Version"),
            "state": item.get("State"),
            "entries": None
            if entries is None
            else [str(e["Cidr"]) for e in entries if e.get("Cidr")],
        }
    )
    return Resource(
        arn=str(item.get("PrefixListArn") or ctx.arn("ec2", f"prefix-list/{pl_id}")),
        type=kinds.PREFIX_LIST,
        id=pl_id,
        name=display_name(tags, item.get("PrefixListName"), pl_id),
        region=ctx.region,
        tags=tags,
        attributes=attributes,
    )


@collector(
    service="ec2",
    calls=[EC2_DESCRIBE_MANAGED_PREFIX_LISTS, EC2_GET_MANAGED_PREFIX_LIST_ENTRIES],
    types=[kinds.PREFIX_LIST],
)
async def collect_prefix_lists(ctx: CollectContext) -> list[Resource]:
    listed = await ctx.paginate_all(EC2_DESCRIBE_MANAGED_PREFIX_LISTS, "PrefixLists")
    own = [p for p in listed if p.get("PrefixListId") and p.get("OwnerId") == ctx.account.id]
    return [_prefix_list(ctx, p, await _entries(ctx, str(p["PrefixListId"]))) for p in own]
