"""The demo account for these tests: demo_config()'s own server, seeded once per process.

moto keeps its data in per-process backends shared by every server in the process, so another
test resetting the shared conftest server would wipe the demo; demo_config() notices and seeds
it again, which is why each test asks for it rather than caching the endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest

from awsexplorer.demo import demo_config


@pytest.fixture
def demo_url() -> str:
    endpoint = demo_config().endpoint_url
    assert endpoint is not None
    return endpoint


@pytest.fixture
def demo_aws(demo_url: str) -> Callable[..., Any]:
    """boto3 clients on the demo server: demo_aws("ec2", "eu-west-1")."""

    def client(service: str, region: str = "us-east-1") -> Any:
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=demo_url,
            aws_access_key_id="demo",
            aws_secret_access_key="demo",
        )

    return client
