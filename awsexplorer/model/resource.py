"""One AWS resource, as every layer above the scanner sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# IAM and other account-wide resources live in this pseudo-region.
GLOBAL_REGION = "global"


@dataclass(slots=True)
class Resource:
    """A scanned resource.

    `type` is `<service>:<resource-type>` as in the resource's ARN (`ec2:subnet`, `s3:bucket`).
    `id` is the resource's own identifier; `name` is its Name tag, else its natural name, else its
    id. `attributes` holds the API's fields made JSON-safe, plus what we derive (topology).
    """

    arn: str
    type: str
    id: str
    name: str
    region: str
    vpc_id: str | None = None
    subnet_id: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)
    # The AWS account the resource belongs to (set by the scanner; read from a snapshot, where a
    # version 1 file's single account fills it in). None only for a resource built by hand.
    account_id: str | None = None

    @property
    def service(self) -> str:
        return self.type.split(":", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "type": self.type,
            "id": self.id,
            "name": self.name,
            "region": self.region,
            "vpc_id": self.vpc_id,
            "subnet_id": self.subnet_id,
            "tags": dict(self.tags),
            "attributes": self.attributes,
            "account_id": self.account_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Resource:
        return cls(
            arn=str(data["arn"]),
            type=str(data["type"]),
            id=str(data["id"]),
            name=str(data.get("name") or data["id"]),
            region=str(data["region"]),
            vpc_id=data.get("vpc_id"),
            subnet_id=data.get("subnet_id"),
            tags={str(k): str(v) for k, v in (data.get("tags") or {}).items()},
            attributes=dict(data.get("attributes") or {}),
            account_id=data.get("account_id"),
        )
