"""boto3 clients on the demo server, and the tag conventions of the demo account."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DEMO_KEY = "demo"

# The account's regions and what each is for: spread so that "where did my instance go?" shows.
PRODUCTION = "eu-west-1"
SHARED = "us-east-1"  # shared services, billing, the audit trail; also IAM's home
STAGING = "eu-central-1"
FAR_AWAY = "ap-southeast-2"  # nobody works here: only a forgotten instance
DEMO_REGIONS = (PRODUCTION, SHARED, STAGING, FAR_AWAY)

# A plausible AMI id. The seed does not load moto's public AMIs (see seed.py), so
# describe_images does not list it: like an instance whose image was since deregistered.
AMI_ID = "ami-12c6146b"


def elastic_ip(ec2: Any, name: str, environment: str, address: str) -> str:
    """An Elastic IP with a fixed address from 203.0.113.0/24, the range kept for
    documentation (moto would otherwise hand out 127.x addresses). Returns its AllocationId."""
    return str(
        ec2.allocate_address(
            Domain="vpc",
            Address=address,
            TagSpecifications=tag_spec("elastic-ip", tags(name, environment=environment)),
        )["AllocationId"]
    )


class Aws:
    """boto3 clients on one endpoint, cached per (service, region): `aws("ec2", PRODUCTION)`."""

    def __init__(self, endpoint_url: str, credentials: dict[str, str] | None = None) -> None:
        """`credentials`: boto3's three session keys (a member account's assumed role); the
        demo account's own when not given."""
        import boto3

        keys = credentials or {"aws_access_key_id": DEMO_KEY, "aws_secret_access_key": DEMO_KEY}
        self._session = boto3.session.Session(region_name=SHARED, **keys)
        self._endpoint_url = endpoint_url
        self._clients: dict[tuple[str, str], Any] = {}

    def __call__(self, service: str, region: str = SHARED) -> Any:
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = self._session.client(
                service, region_name=region, endpoint_url=self._endpoint_url
            )
        return self._clients[key]


def tags(
    name: str | None = None,
    *,
    environment: str,
    project: str = "orders",
    owner: str = "platform-team",
) -> dict[str, str]:
    """The tags every well-kept resource carries (project, environment, owner) and its Name."""
    result = {"project": project, "environment": environment, "owner": owner}
    if name:
        result["Name"] = name
    return result


def tag_list(values: dict[str, str]) -> list[dict[str, str]]:
    """EC2, RDS, ELB, IAM style: [{"Key": ..., "Value": ...}]."""
    return [{"Key": k, "Value": v} for k, v in values.items()]


def tag_spec(resource_type: str, values: dict[str, str]) -> list[dict[str, Any]]:
    """EC2 TagSpecifications for one resource type."""
    return [{"ResourceType": resource_type, "Tags": tag_list(values)}]


@contextmanager
def moto_setting(name: str, value: str) -> Iterator[None]:
    """One of moto's settings (environment variables its server, running in this process, reads
    when it creates something) set to `value` for the block, then as it was."""
    saved = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = saved
