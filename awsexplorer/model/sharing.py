"""VPC sharing: a VPC or subnet that one account owns and shares with others (AWS RAM); a
transit gateway shared the same way is a copy in the same sense (`SHAREABLE`).

A participant account's DescribeVpcs and DescribeSubnets list the VPCs and subnets shared with
it, each with the owner's account in `OwnerId`. The owner manages them (CIDRs, route tables,
flow logs), and a participant cannot even read the owner's flow logs or route tables. So the
copy a participant's scan holds is the owner's network seen from outside:

- the checks that judge a VPC or subnet (its flow logs, its size, its free addresses) judge the
  owner's copy only; the participant's would be a duplicate it cannot act on, or, for flow
  logs, false (they are there, in the owner's account);
- the topology and whois show a VPC or subnet once (`one_copy_each`), the owner's copy when
  the owner was scanned too, with every account's resources placed in it.

`shared_from` is the one place that says whether a resource is such a copy.
"""

from __future__ import annotations

from collections.abc import Iterable

from awsexplorer.model.kinds import SUBNET, TRANSIT_GATEWAY, VPC
from awsexplorer.model.resource import Resource

OWNER_ID = "owner_id"  # the record field (model/kinds.py): OwnerId, the owning account
NETWORKS = frozenset({VPC, SUBNET})  # what the topology, whois and the subnets' verdicts read
SHAREABLE = NETWORKS | {TRANSIT_GATEWAY}


def owner_account(resource: Resource) -> str | None:
    """The account that owns a VPC, subnet or transit gateway, as AWS said (None for other
    types, or unsaid)."""
    if resource.type not in SHAREABLE:
        return None
    owner = resource.peek_attributes().get(OWNER_ID)
    return owner if isinstance(owner, str) and owner else None


def shared_from(resource: Resource) -> str | None:
    """The owner's account when `resource` is a participant's copy of a VPC, subnet or transit
    gateway shared with its account; None when the account owns it, or either is unknown."""
    owner = owner_account(resource)
    if owner is None or not resource.account_id or owner == resource.account_id:
        return None
    return owner


def owned(resources: list[Resource]) -> list[Resource]:
    """`resources` without the participants' copies of shared VPCs and subnets."""
    return [r for r in resources if shared_from(r) is None]


def one_copy_each(
    resources: Iterable[Resource],
) -> tuple[dict[tuple[str, str], Resource], dict[tuple[str, str], list[str]]]:
    """The VPCs and subnets among `resources` by (region, id), one copy each: the owner's when
    it is there, else the first listed; and, by the same key, the accounts of the participants'
    copies listed beside another (sorted). AWS ids are unique across accounts, so only a key
    listed twice is looked into: a lazily read snapshot's lines are not parsed for the rest."""
    chosen: dict[tuple[str, str], Resource] = {}
    copies: dict[tuple[str, str], list[Resource]] = {}
    for resource in resources:
        if resource.type not in NETWORKS:
            continue
        key = (resource.region, resource.id)
        known = chosen.get(key)
        if known is None:
            chosen[key] = resource
        else:
            copies.setdefault(key, [known]).append(resource)
    participants: dict[tuple[str, str], list[str]] = {}
    for key, listed in copies.items():
        owners = [r for r in listed if shared_from(r) is None]
        if owners:
            chosen[key] = owners[0]
        accounts = {r.account_id for r in listed if shared_from(r) is not None and r.account_id}
        participants[key] = sorted(accounts)
    return chosen, participants
