"""benchmarks/latency_proxy.py: every request waits its delay, reaches the server intact, is
answered intact and is counted and recorded. In-process, against a small local upstream (a raw
asyncio server, so that each way of framing an answer can be served on purpose). Never timed:
the delays are only checked as lower bounds."""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from latency_proxy import LatencyProxy, describe, load_matrix

SIGNED = "AWS4-HMAC-SHA256 Credential=AKID/20261202/{region}/{service}/aws4_request, X=y"


class Upstream:
    """Answers every request by echoing what it got: framed by Content-Length, or chunked
    (path /chunked), or by closing the connection (path /close)."""

    def __init__(self) -> None:
        self.connections = 0
        self.seen: list[tuple[str, str, dict[str, str], bytes]] = []

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    return
                lines = head[:-4].decode().split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = dict(line.split(": ", 1) for line in lines[1:])
                body = await reader.readexactly(int(headers.get("Content-Length", "0")))
                self.seen.append((method, target, headers, body))
                payload = json.dumps({"target": target, "body": body.decode()}).encode()
                if target.startswith("/chunked"):
                    half = len(payload) // 2
                    chunks = [payload[:half], payload[half:]]
                    framed = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
                    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + framed)
                elif target.startswith("/close"):
                    writer.write(b"HTTP/1.1 404 NOT FOUND\r\nX-Kind: close\r\n\r\n" + payload)
                    await writer.drain()
                    return
                else:
                    writer.write(
                        b"HTTP/1.1 200 OK\r\nX-Kind: length\r\nContent-Length: %d\r\n\r\n%s"
                        % (len(payload), payload)
                    )
                await writer.drain()
        finally:
            writer.close()


@pytest.fixture
async def proxied() -> AsyncIterator[tuple[str, Upstream, LatencyProxy]]:
    upstream = Upstream()
    server = await asyncio.start_server(upstream.serve, "127.0.0.1", 0)
    up_port = server.sockets[0].getsockname()[1]
    proxy = LatencyProxy(
        f"http://127.0.0.1:{up_port}", 0.05, record=True, matrix={"ap-southeast-2": 0.2}
    )
    front = await asyncio.start_server(proxy.serve, "127.0.0.1", 0)
    port = front.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", upstream, proxy
    finally:
        front.close()
        server.close()


async def _timed(session: ClientSession, method: str, url: str, **kw: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    async with session.request(method, url, **kw) as response:
        body = await response.read()
        return (response.status, dict(response.headers), body), time.perf_counter() - start


@pytest.mark.moto  # a local stub server on 127.0.0.1
async def test_requests_wait_their_delay_and_pass_through_intact(
    proxied: tuple[str, Upstream, LatencyProxy],
) -> None:
    url, upstream, proxy = proxied
    query = b"Action=DescribeVpcs&Version=2016-11-15"
    async with ClientSession() as session:
        far = {"Authorization": SIGNED.format(region="ap-southeast-2", service="ec2")}
        (status, headers, body), took = await _timed(
            session, "POST", f"{url}/?x=1", data=query, headers=far
        )
        assert status == 200 and headers["X-Kind"] == "length"
        assert json.loads(body) == {"target": "/?x=1", "body": query.decode()}
        assert took >= 0.2  # the matrix's round trip for the region it is signed for

        near = {"Authorization": SIGNED.format(region="eu-west-1", service="sqs")}
        (status, _, body), took = await _timed(session, "GET", f"{url}/chunked", headers=near)
        assert status == 200 and json.loads(body)["target"] == "/chunked"
        assert took >= 0.05  # not in the matrix: the default delay

        (status, headers, body), _ = await _timed(session, "GET", f"{url}/close/me")
        assert status == 404 and headers["X-Kind"] == "close"
        assert json.loads(body)["target"] == "/close/me"

        # The server saw each request once, with its own headers and a Host of its own.
        assert [s[1] for s in upstream.seen] == ["/?x=1", "/chunked", "/close/me"]
        assert upstream.seen[0][2]["Authorization"] == far["Authorization"]
        assert upstream.seen[0][2]["Host"].startswith("127.0.0.1:")

        # Counted, and recorded in full for replay.
        async with session.get(f"{url}/__proxy__/stats") as response:
            stats = await response.json()
        assert stats["requests"] == 3
        assert stats["by_operation"]["ec2:DescribeVpcs"] == 1
        async with session.get(f"{url}/__proxy__/log") as response:
            log = (await response.json())["requests"]
        first = log[0]
        assert (first["service"], first["region"], first["operation"]) == (
            "ec2",
            "ap-southeast-2",
            "DescribeVpcs",
        )
        assert first["delay"] == 0.2 and first["end"] - first["start"] >= 0.2
        assert base64.b64decode(first["body"]) == query and first["method"] == "POST"
        assert first["headers"]["Authorization"] == far["Authorization"]

        async with session.post(f"{url}/__proxy__/reset") as response:
            assert (await response.json()) == {"ok": True}
        assert proxy.count == 0 and proxy.log == []


@pytest.mark.moto  # a local stub server on 127.0.0.1
async def test_connections_to_the_server_are_kept_alive(
    proxied: tuple[str, Upstream, LatencyProxy],
) -> None:
    url, upstream, _ = proxied
    async with ClientSession() as session:
        for _ in range(5):
            (status, _, _), _ = await _timed(session, "GET", f"{url}/one")
            assert status == 200
    assert len(upstream.seen) == 5
    assert upstream.connections == 1  # one after the other: the same connection each time


@pytest.mark.moto  # a local stub server on 127.0.0.1
async def test_concurrent_requests_overlap_their_delays(
    proxied: tuple[str, Upstream, LatencyProxy],
) -> None:
    url, _, proxy = proxied
    async with ClientSession() as session:
        answers = await asyncio.gather(*(_timed(session, "GET", f"{url}/n{i}") for i in range(20)))
    assert sorted(json.loads(a[0][2])["target"] for a in answers) == sorted(
        f"/n{i}" for i in range(20)
    )
    assert proxy.count == 20 and proxy.peak_in_flight > 1


def test_describe_reads_the_signed_region_and_operation() -> None:
    json_headers = {
        "Authorization": SIGNED.format(region="us-west-2", service="logs"),
        "X-Amz-Target": "Logs_20140328.DescribeLogGroups",
    }
    assert describe("POST", "/", json_headers, b"{}") == ("logs", "us-west-2", "DescribeLogGroups")
    query = {"Authorization": SIGNED.format(region="eu-west-1", service="ec2")}
    assert describe("POST", "/", query, b"Version=1&Action=Describe%5FX") == (
        "ec2",
        "eu-west-1",
        "Describe_X",
    )
    assert describe("GET", "/2015-03-31/functions?x", {}, b"") == (
        "?",
        "?",
        "GET /2015-03-31/functions",
    )


def test_the_matrix_file_is_in_seconds() -> None:
    regions, default = load_matrix(
        Path(__file__).resolve().parents[2] / "benchmarks" / "latency_matrix.json"
    )
    assert default == 0.1 and regions["eu-west-1"] == 0.002 and regions["ap-southeast-2"] == 0.26
