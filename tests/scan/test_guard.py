"""The read-only guard refuses mutating calls before a byte leaves the process."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from awsexplorer.config import ScanConfig
from awsexplorer.scan.guard import ReadOnlyViolation, is_allowed
from awsexplorer.scan.session import ClientPool, make_session


@pytest.mark.parametrize(
    ("service", "operation"),
    [
        ("ec2", "DescribeInstances"),
        ("iam", "GetAccountAuthorizationDetails"),
        ("iam", "GenerateCredentialReport"),
        ("s3", "ListBuckets"),
        ("s3", "HeadBucket"),
        ("ec2", "SearchTransitGatewayRoutes"),
        ("cloudtrail", "LookupEvents"),
    ],
)
def test_reads_are_allowed(service: str, operation: str) -> None:
    assert is_allowed(service, operation)


@pytest.mark.parametrize(
    ("service", "operation"),
    [
        ("ec2", "TerminateInstances"),
        ("ec2", "RunInstances"),
        ("ec2", "AuthorizeSecurityGroupIngress"),
        ("s3", "DeleteBucket"),
        ("s3", "PutBucketPolicy"),
        ("iam", "CreateAccessKey"),
        ("iam", "AttachRolePolicy"),
        # Reads that hand out data or secrets are refused too.
        ("s3", "GetObject"),
        ("secretsmanager", "GetSecretValue"),
        ("ssm", "GetParameter"),
        ("sts", "GetSessionToken"),
    ],
)
def test_writes_and_secret_reads_are_refused(service: str, operation: str) -> None:
    assert not is_allowed(service, operation)


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str]

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        self.server.requests.append(f"{self.command} {self.path} {body}")  # type: ignore[attr-defined]
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _record

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that records every request it receives."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", server.requests  # type: ignore[attr-defined]
    server.shutdown()


async def _call(endpoint: str, service: str, operation: str, **params: Any) -> None:
    config = ScanConfig(
        endpoint_url=endpoint, access_key="k", secret_key="s", max_attempts=1, read_timeout=5
    )
    async with ClientPool(make_session(config), config) as pool:
        client = await pool.get(service, "eu-west-1")
        await getattr(client, operation)(**params)


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        ("ec2", "terminate_instances", {"InstanceIds": ["i-0123456789abcdef0"]}),
        ("s3", "delete_bucket", {"Bucket": "precious-bucket"}),
        ("iam", "delete_user", {"UserName": "alice"}),
    ],
)
def test_mutating_call_never_reaches_the_server(
    recorder: tuple[str, list[str]], service: str, operation: str, params: dict[str, Any]
) -> None:
    endpoint, received = recorder
    with pytest.raises(ReadOnlyViolation, match="read-only"):
        asyncio.run(_call(endpoint, service, operation, **params))
    assert received == []


def test_recorder_does_see_allowed_calls(recorder: tuple[str, list[str]]) -> None:
    """Control: the recorder is reachable, so the empty list above means something."""
    endpoint, received = recorder
    with pytest.raises(Exception):  # noqa: B017 - the recorder answers 500
        asyncio.run(_call(endpoint, "ec2", "describe_instances"))
    assert any("DescribeInstances" in r for r in received)


def test_terminate_on_moto_leaves_the_instance_running(aws: Any, scan_config: Any) -> None:
    ec2 = aws("ec2", "eu-west-1")
    instance_id = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]

    async def attempt() -> None:
        config = scan_config()
        async with ClientPool(make_session(config), config) as pool:
            client = await pool.get("ec2", "eu-west-1")
            await client.terminate_instances(InstanceIds=[instance_id])

    with pytest.raises(ReadOnlyViolation):
        asyncio.run(attempt())
    state = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert state["State"]["Name"] == "running"
