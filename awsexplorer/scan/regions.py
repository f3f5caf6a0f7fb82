"""Which regions to scan, and which services exist in which region."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from botocore.loaders import create_loader

ENABLED_OPT_IN_STATUSES = frozenset({"opt-in-not-required", "opted-in"})


@dataclass(frozen=True, slots=True)
class RegionPlan:
    enabled: list[str]  # regions to scan
    not_enabled: list[str]  # in the partition, but not enabled for this account


@lru_cache(maxsize=1)
def _partitions() -> list[tuple[str, re.Pattern[str], frozenset[str]]]:
    """(partition, region regex, known regions) from botocore's partition data (the endpoint
    rule sets'): 4 ms to read, where its endpoints.json took 28 ms, and the client's endpoint
    resolver reads that one again for itself. Its `aws-global`-like names are not regions."""
    data = create_loader().load_data("partitions")
    return [
        (
            p["id"],
            re.compile(p["regionRegex"]),
            frozenset(r for r in p.get("regions", {}) if not r.endswith("-global")),
        )
        for p in data["partitions"]
    ]


def partition_of(region: str) -> str:
    for name, _, known in _partitions():
        if region in known:
            return name
    for name, regex, _ in _partitions():
        if regex.match(region):
            return name
    return "aws"


def is_known_region(region: str) -> bool:
    """Whether botocore's endpoint data names this region (a newer one may not be there yet)."""
    return any(region in known for _, _, known in _partitions())


def known_regions(partition: str) -> list[str]:
    for name, _, known in _partitions():
        if name == partition:
            return sorted(known)
    return []


def plan(described: list[dict[str, str]], partition: str) -> RegionPlan:
    """Split DescribeRegions(AllRegions=True) output into regions to scan and the rest.

    Regions of another partition (moto and some proxies list them all) are dropped: the
    caller's credentials cannot reach them.
    """
    enabled: list[str] = []
    not_enabled: list[str] = []
    for region in described:
        name = region["RegionName"]
        if partition_of(name) != partition:
            continue
        status = region.get("OptInStatus", "opt-in-not-required")
        (enabled if status in ENABLED_OPT_IN_STATUSES else not_enabled).append(name)
    return RegionPlan(sorted(enabled), sorted(not_enabled))


def narrow(plan_: RegionPlan, requested: tuple[str, ...]) -> RegionPlan:
    """Keep only the requested regions; a requested one that is not enabled stays not-enabled."""
    if not requested:
        return plan_
    wanted = set(requested)
    return RegionPlan(
        [r for r in plan_.enabled if r in wanted],
        [r for r in plan_.not_enabled if r in wanted],
    )


def unknown_regions(requested: tuple[str, ...], described: list[str]) -> list[str]:
    known = set(described)
    return [r for r in requested if r not in known]
