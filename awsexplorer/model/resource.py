"""One AWS resource, as every layer above the scanner sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# IAM and other account-wide resources live in this pseudo-region.
GLOBAL_REGION = "global"


@dataclass(slots=True, eq=False)
class Resource:
    """A scanned resource.

    `type` is `<service>:<resource-type>` as in the resource's ARN (`ec2:subnet`, `s3:bucket`).
    `id` is the resource's own identifier; `name` is its Name tag, else its natural name, else its
    id. `attributes` holds the API's fields made JSON-safe, plus what we derive (topology).

    A large snapshot is read into a subclass (snapshot.LineResource) that parses `tags` and
    `attributes` from its file line on first use; it equals, prints and serialises as the
    Resource with the same fields. `peek_tags` / `peek_attributes` read them without keeping
    what a first use would keep (for a pass over every resource that only reads).
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

    def peek_tags(self) -> dict[str, str]:
        """The tags, to read only: on a resource read lazily and not yet used, parsed and not
        kept (a change to what this returns is then lost; change `tags` instead)."""
        return self.tags

    def peek_attributes(self) -> dict[str, Any]:
        """The attributes, to read only (see peek_tags)."""
        return self.attributes

    def may_hold(self, name: str) -> bool:
        """False when `attributes` has no key `name` (a lazily read resource answers without
        parsing when its line cannot hold it); True when it may."""
        return name in self.attributes

    def peek(self) -> tuple[dict[str, str], dict[str, Any]]:
        """(peek_tags(), peek_attributes()), parsed once."""
        return self.tags, self.attributes

    def fields(self) -> tuple[Any, ...]:
        """The constructor's arguments in order, tags and attributes peeked: `Resource(*r.fields())`
        is a plain copy, and reading them keeps nothing parsed on a lazily read resource."""
        tags, attributes = self.peek()
        return (
            self.arn,
            self.type,
            self.id,
            self.name,
            self.region,
            self.vpc_id,
            self.subnet_id,
            tags,
            attributes,
            self.account_id,
        )

    def __eq__(self, other: object) -> bool:
        # As the dataclass's own, but any two Resources compare by their fields (a lazily read
        # one equals the Resource with the same fields), and peeked: comparing keeps nothing.
        if not isinstance(other, Resource):
            return NotImplemented
        return self.fields() == other.fields()

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass's eq made it

    def to_dict(self) -> dict[str, Any]:
        tags, attributes = self.peek()
        return {
            "arn": self.arn,
            "type": self.type,
            "id": self.id,
            "name": self.name,
            "region": self.region,
            "vpc_id": self.vpc_id,
            "subnet_id": self.subnet_id,
            "tags": dict(tags),
            "attributes": attributes,
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


def arn_account(arn: str) -> str:
    """The account an ARN names ("" when it names none, as S3's, or is not an ARN)."""
    parts = arn.split(":", 5)
    return parts[4] if arn.startswith("arn:") and len(parts) == 6 else ""


def read_only(resource: Resource) -> Resource:
    """`resource` for a pass that reads every resource once and keeps none of their fields (the
    relationship index, whois, exposure): itself when it is a plain Resource; a resource read
    lazily from a snapshot becomes a plain copy whose tags and attributes are parsed for this use
    and dropped with the copy, so a pass over 1,000,000 of them keeps no parsed fields."""
    return resource if type(resource) is Resource else Resource(*resource.fields())
