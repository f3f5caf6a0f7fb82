"""Shared fixtures: a real moto server on 127.0.0.1, reset between tests.

Tests never reach anything but 127.0.0.1: the AWS environment is scrubbed so that a developer's
own credentials, profile or endpoint can never leak into a test.
"""

from __future__ import annotations

import asyncio
import os
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from awsexplorer.model import ScanResult
from awsexplorer.scan.config import ScanConfig
from awsexplorer.scan.events import ScanEvent

TEST_KEY = "testing"


@pytest.fixture(autouse=True)
def _isolated_aws_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name, raising=False)
    home = tmp_path_factory.mktemp("aws-home")
    # Empty config files: no profile of the developer's can be picked up.
    (home / "config").write_text("")
    (home / "credentials").write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
    # No instance-metadata lookups from a test (they would leave 127.0.0.1).
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # Nor the developer's own awsexplorer settings file.
    monkeypatch.delenv("AWSEXPLORER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg"))


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto_url(moto_server: str) -> Iterator[str]:
    """The moto server, emptied before the test."""
    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).close()
    yield moto_server


@pytest.fixture
def aws(moto_url: str) -> Callable[..., Any]:
    """boto3 clients on the moto server, for seeding: aws("ec2", "eu-west-1")."""

    def client(service: str, region: str = "us-east-1") -> Any:
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=moto_url,
            aws_access_key_id=TEST_KEY,
            aws_secret_access_key=TEST_KEY,
        )

    return client


@pytest.fixture
def scan_config(moto_url: str) -> Callable[..., ScanConfig]:
    def make(**overrides: Any) -> ScanConfig:
        settings: dict[str, Any] = {
            "endpoint_url": moto_url,
            "access_key": TEST_KEY,
            "secret_key": TEST_KEY,
            "home_region": "us-east-1",
            "max_attempts": 2,
            "read_timeout": 20,
        }
        settings.update(overrides)
        return ScanConfig(**settings)

    return make


@pytest.fixture
def run_scan() -> Callable[..., tuple[ScanResult, list[ScanEvent]]]:
    """Run a scan synchronously; returns the result and every event it emitted."""
    from awsexplorer.scan.runner import scan

    def run(config: ScanConfig) -> tuple[ScanResult, list[ScanEvent]]:
        events: list[ScanEvent] = []
        result = asyncio.run(scan(config, events.append))
        return result, events

    return run
