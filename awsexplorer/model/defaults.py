"""What AWS creates in every region by itself (the default VPC and its parts, account settings).

A region holding only these has nothing of the user's in it; views dim or fold such regions so
that the ones with real workloads stand out. Which types take part is each type's record
(`Kind.default_role`, model/kinds.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from awsexplorer.model.kinds import SECURITY_GROUP, VPC, DefaultRole, kind_of
from awsexplorer.model.resource import Resource


def default_vpcs(resources: Iterable[Resource]) -> set[tuple[str, str]]:
    """(region, vpc id) of every default VPC."""
    return {
        (r.region, r.id)
        for r in resources
        if r.type == VPC and r.attributes.get("is_default") is True
    }


def is_aws_default(resource: Resource, defaults: set[tuple[str, str]]) -> bool:
    role = kind_of(resource.type).default_role
    if role is DefaultRole.SETTING:
        return True
    if role is not DefaultRole.VPC_PLUMBING or not resource.vpc_id:
        return False
    if (resource.region, resource.vpc_id) not in defaults:
        return False
    if resource.type == SECURITY_GROUP:  # only the group AWS makes; one you add is yours
        return resource.attributes.get("group_name") == "default"
    return True


def only_aws_defaults(resources: Iterable[Resource]) -> bool:
    """True when there is something and all of it is AWS's own (the default VPC's plumbing,
    account settings): the one rule behind a folded region (tree, `scan` text) and an idle
    default VPC (the VPC view). Pass everything of one region, or one VPC with its contents.
    """
    found = list(resources)
    defaults = default_vpcs(found)
    return bool(found) and all(is_aws_default(r, defaults) for r in found)


def regions_with_only_defaults(resources: Iterable[Resource]) -> set[str]:
    """The regions whose resources are all AWS defaults (a region with none is not one)."""
    by_region: dict[str, list[Resource]] = defaultdict(list)
    for resource in resources:
        by_region[resource.region].append(resource)
    return {name for name, found in by_region.items() if only_aws_defaults(found)}
