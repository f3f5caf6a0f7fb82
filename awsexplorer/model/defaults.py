"""What AWS creates in every region by itself (the default VPC and its parts, account settings).

A region holding only these has nothing of the user's in it; views dim or fold such regions so
that the ones with real workloads stand out.
"""

from __future__ import annotations

from collections.abc import Iterable

from awsexplorer.model.resource import Resource

# Types that make up a default VPC's plumbing; an instance or function in it is the user's.
_DEFAULT_VPC_PARTS = frozenset(
    {
        "ec2:vpc",
        "ec2:subnet",
        "ec2:route-table",
        "ec2:network-acl",
        "ec2:internet-gateway",
        "ec2:security-group",
    }
)
# Per-region account settings recorded as resources.
_SETTINGS = frozenset({"ec2:ebs-defaults"})


def default_vpcs(resources: Iterable[Resource]) -> set[tuple[str, str]]:
    """(region, vpc id) of every default VPC."""
    return {
        (r.region, r.id)
        for r in resources
        if r.type == "ec2:vpc" and r.attributes.get("IsDefault") is True
    }


def is_aws_default(resource: Resource, defaults: set[tuple[str, str]]) -> bool:
    if resource.type in _SETTINGS:
        return True
    if resource.type not in _DEFAULT_VPC_PARTS or not resource.vpc_id:
        return False
    if (resource.region, resource.vpc_id) not in defaults:
        return False
    if resource.type == "ec2:security-group":
        return resource.attributes.get("GroupName") == "default"
    return True
