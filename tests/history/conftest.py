"""The CloudTrail stub for the history tests (moto has no LookupEvents): see cloudtrail_stub.py."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cloudtrail_stub import CloudTrailStub, serve


@pytest.fixture
def cloudtrail() -> Iterator[CloudTrailStub]:
    stub = CloudTrailStub()
    server, thread = serve(stub)
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
