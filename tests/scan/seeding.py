"""The seed helper the scan modules share: a module-scoped fixture seeds the moto server once and
scans it once, before the per-test isolation of tests/conftest.py applies, so it must scrub the
environment and reset moto itself. `seeding(moto_server)` does both and yields a boto3 client
factory for the seed; `scan_config(moto_server, ...)` is the scan configuration those modules
use, and `regional_calls(scanner)` what a scan sent for regional collectors.
"""

from __future__ import annotations

import contextlib
import os
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from awsexplorer.config import ScanConfig
from awsexplorer.scan.collectors.base import REGISTRY, Scope
from awsexplorer.scan.runner import Scanner

KEY = "testing"

Client = Callable[..., Any]


@contextlib.contextmanager
def seeding(moto_server: str, reset_timeout: float = 120) -> Iterator[Client]:
    """No AWS_* variable, config or credentials file from the machine, no instance metadata, a
    reset moto; yields `client(service, region="us-east-1")` for seeding that server. The
    environment is restored when the block ends (the module's scan runs inside it)."""
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("AWS_"):
                mp.delenv(name)
        mp.setenv("AWS_CONFIG_FILE", os.devnull)
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
        reset = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
        urllib.request.urlopen(reset, timeout=reset_timeout).close()  # generous: a busy machine

        def client(service: str, region: str = "us-east-1") -> Any:
            return boto3.client(
                service,
                region_name=region,
                endpoint_url=moto_server,
                aws_access_key_id=KEY,
                aws_secret_access_key=KEY,
            )

        yield client


def scan_config(moto_server: str, regions: tuple[str, ...], **overrides: Any) -> ScanConfig:
    """A scan of `regions` on the moto server with the seed's credentials, us-east-1 as home."""
    settings: dict[str, Any] = {
        "endpoint_url": moto_server,
        "access_key": KEY,
        "secret_key": KEY,
        "home_region": "us-east-1",
        "regions": regions,
        "max_attempts": 2,
        "read_timeout": 20,
    }
    settings.update(overrides)
    return ScanConfig(**settings)


def regional_calls(scanner: Scanner) -> list[tuple[str, str]]:
    """The (client, operation) pairs a finished scan sent for regional collectors, sorted: what
    an empty region cost."""
    return sorted(
        (client, operation)
        for caller, client, operation in scanner.calls_sent
        if caller != "runner" and REGISTRY[caller].scope is Scope.REGIONAL
    )
