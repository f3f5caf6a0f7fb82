"""Look-ups over a scan's resources: by ARN, type and VPC.

Built once per evaluation of the checks, which read from it instead of re-scanning lists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from awsexplorer.model.resource import Resource


class Inventory:
    def __init__(self, resources: Iterable[Resource] = ()) -> None:
        self._by_arn: dict[str, Resource] = {}
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        self._by_vpc: dict[str, list[Resource]] = defaultdict(list)
        self.add(resources)

    def add(self, resources: Iterable[Resource]) -> None:
        for resource in resources:
            if resource.arn in self._by_arn:
                continue  # a resource reached by two paths is listed once
            self._by_arn[resource.arn] = resource
            self._by_type[resource.type].append(resource)
            if resource.vpc_id:
                self._by_vpc[resource.vpc_id].append(resource)

    def __len__(self) -> int:
        return len(self._by_arn)

    def __iter__(self) -> Iterator[Resource]:
        return iter(self._by_arn.values())

    def get(self, arn: str) -> Resource | None:
        return self._by_arn.get(arn)

    def of_type(self, resource_type: str, region: str | None = None) -> list[Resource]:
        found = self._by_type.get(resource_type, [])
        if region is None:
            return list(found)
        return [r for r in found if r.region == region]

    def in_vpc(self, vpc_id: str) -> list[Resource]:
        return list(self._by_vpc.get(vpc_id, ()))
