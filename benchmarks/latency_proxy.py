"""A reverse proxy on 127.0.0.1 that adds a delay to every request and counts them.

It stands in for the round trip to AWS: a moto server answers in about a millisecond, AWS in
tens of milliseconds, and it is that wait a concurrent scanner overlaps. Run as its own process
so that its CPU does not share a GIL with the client being measured:

    python benchmarks/latency_proxy.py --upstream http://127.0.0.1:5000 --port 5001 --delay 0.05
    python benchmarks/latency_proxy.py --upstream ... --port 5001 --matrix latency_matrix.json

With --matrix, each request waits the round trip of the region it is signed for (read from its
credential scope, as AWS reads it), from a file of per-region round trips (latency_matrix.json:
from a bastion in eu-west-1); a request whose region cannot be read waits the file's default.

Admin endpoints (never forwarded): GET /__proxy__/stats, POST /__proxy__/reset,
GET /__proxy__/log (each request: time, service, region, operation, status; with --record also
the full request, for replaying it against the server to measure its throughput).

Why raw asyncio streams and not an HTTP framework: on the benchmark's 2-core machine the proxy's
CPU competes with the scanner and the server it measures, while a real network costs the client
no CPU at all. It does only what it simulates: frame each HTTP/1.1 request (Content-Length or
chunked), wait the delay, send it on a kept-alive connection to the server, frame the answer,
send it back, count and record it. (The aiohttp web server and client it replaced spent
2.2-2.8 ms of CPU per request where this spends 1.3-1.6 ms, measured side by side at load 31-39.)
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus, urlsplit

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
SCOPE = re.compile(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/")
ACTION = re.compile(rb"(?:^|&)Action=([^&]*)")
REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 404: "Not Found"}
LIMIT = 1 << 20  # the longest head we read (botocore's are a few KiB)


def describe(method: str, path: str, headers: Any, body: bytes) -> tuple[str, str, str]:
    """(service, region, operation) of a signed AWS request, from its headers and body
    (`headers`: any mapping with .get, looked up by the names botocore sends)."""
    service, region = "?", "?"
    match = SCOPE.search(headers.get("Authorization", ""))
    if match:
        region, service = match.group(1), match.group(2)
    target = headers.get("X-Amz-Target")
    if target:
        return service, region, target.rsplit(".", 1)[-1]
    if body and b"Action=" in body:
        found = ACTION.search(body)
        action = unquote_plus(found.group(1).decode(errors="replace")) if found else "?"
        return service, region, action
    return service, region, f"{method} {path.split('?', 1)[0]}"


def load_matrix(path: Path) -> tuple[dict[str, float], float]:
    """(seconds per region, default seconds) from a latency matrix file (milliseconds)."""
    data = json.loads(path.read_text())
    regions = {str(name): float(ms) / 1000 for name, ms in data["regions"].items()}
    return regions, float(data["default_ms"]) / 1000


class Headers(dict[str, str]):
    """Header name -> value as sent, with lookups that ignore case (the last value wins)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        super().__init__(pairs)
        self._lower = {k.lower(): v for k, v in pairs}

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return self._lower.get(key.lower(), default)


def parse_head(head: bytes) -> tuple[str, Headers]:
    """(first line, headers) of an HTTP/1.1 message head ending in CRLF CRLF."""
    lines = head[:-4].decode("latin-1").split("\r\n")
    pairs = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        pairs.append((name.strip(), value.strip()))
    return lines[0], Headers(pairs)


async def read_body(
    reader: asyncio.StreamReader, headers: Headers, request: bool = False
) -> tuple[bytes, bool]:
    """The body framed by the headers, and whether the message ended the connection (an
    answer with neither length nor chunks ends there; a request without either has no body)."""
    if headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers
                    pass
                return b"".join(chunks), False
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
    length = headers.get("Content-Length")
    if length is not None:
        return await reader.readexactly(int(length)), False
    if request:
        return b"", False
    return await reader.read(), True  # framed by the end of the connection


def serialize(
    first_line: str, headers: list[tuple[str, str]], body: bytes, length: str | None = None
) -> bytes:
    """A message with its body framed by Content-Length (`length`: a HEAD answer's own)."""
    size = len(body) if length is None else length
    lines = [first_line, *(f"{k}: {v}" for k, v in headers), f"Content-Length: {size}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class LatencyProxy:
    def __init__(
        self,
        upstream: str,
        delay: float,
        record: bool,
        matrix: dict[str, float] | None = None,
    ) -> None:
        parts = urlsplit(upstream)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.host_header = parts.netloc
        self.delay = delay  # the flat delay, or the default of a matrix
        self.matrix = matrix or {}
        self.record = record
        # Idle kept-alive connections to the server (one request at a time on each).
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.reset()

    def reset(self) -> None:
        self.count = 0
        self.by_operation: Counter[str] = Counter()
        self.log: list[dict[str, Any]] = []
        self.in_flight = 0
        self.peak_in_flight = 0

    def admin(self, method: str, what: str) -> tuple[int, Any]:
        if what == "reset" and method == "POST":
            self.reset()
            return 200, {"ok": True}
        if what == "log":
            return 200, {"requests": self.log}
        if what == "stats":
            return 200, {
                "requests": self.count,
                "peak_in_flight": self.peak_in_flight,
                "by_operation": dict(self.by_operation.most_common()),
            }
        return 404, {"error": what}

    async def upstream(
        self, method: str, target: str, headers: Headers, body: bytes
    ) -> tuple[int, str, list[tuple[str, str]], bytes, str | None]:
        """Send one request to the server on a kept-alive connection; its answer (status,
        reason, headers, body, and a HEAD answer's Content-Length)."""
        out = [(k, v) for k, v in headers.items() if k.lower() not in HOP_BY_HOP]
        message = serialize(f"{method} {target} HTTP/1.1", [("Host", self.host_header), *out], body)
        for attempt in (1, 2):
            fresh = not self._idle
            reader, writer = (
                await asyncio.open_connection(self.host, self.port, limit=LIMIT)
                if fresh
                else self._idle.pop()
            )
            try:
                writer.write(message)
                head = await reader.readuntil(b"\r\n\r\n")
            except (ConnectionError, asyncio.IncompleteReadError):
                writer.close()
                if fresh or attempt == 2:
                    raise
                continue  # the server closed an idle connection: once more on a new one
            status_line, answer = parse_head(head)
            version, status_text, *rest = status_line.split(" ", 2)
            status = int(status_text)
            if method == "HEAD" or status in (204, 304) or status < 200:
                payload, closed = b"", False
            else:
                payload, closed = await read_body(reader, answer)
            if closed or answer.get("Connection", "").lower() == "close" or version != "HTTP/1.1":
                writer.close()
            else:
                self._idle.append((reader, writer))
            reason = rest[0] if rest else REASONS.get(status, "")
            kept = [(k, v) for k, v in answer.items() if k.lower() not in HOP_BY_HOP]
            head_length = answer.get("Content-Length") if method == "HEAD" else None
            return status, reason, kept, payload, head_length
        raise AssertionError("unreachable")

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One client connection: its requests one after the other (HTTP/1.1 keep-alive)."""
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                request_line, headers = parse_head(head)
                method, target, _ = request_line.split(" ", 2)
                body, _ = await read_body(reader, headers, request=True)
                path = target.split("?", 1)[0]
                if path.startswith("/__proxy__/"):
                    status, doc = self.admin(method, path.rsplit("/", 1)[-1])
                    data = json.dumps(doc).encode()
                    writer.write(
                        serialize(
                            f"HTTP/1.1 {status} {REASONS.get(status, '')}",
                            [("Content-Type", "application/json")],
                            data,
                        )
                    )
                else:
                    writer.write(await self.forward(method, target, headers, body))
                await writer.drain()
                if headers.get("Connection", "").lower() == "close":
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()

    async def forward(self, method: str, target: str, headers: Headers, body: bytes) -> bytes:
        path = target.split("?", 1)[0]
        service, region, operation = describe(method, path, headers, body)
        delay = self.matrix.get(region, self.delay)
        started = time.time()
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            await asyncio.sleep(delay)
            status, reason, out_headers, payload, head_length = await self.upstream(
                method, target, headers, body
            )
        finally:
            self.in_flight -= 1
        self.count += 1
        self.by_operation[f"{service}:{operation}"] += 1
        entry: dict[str, Any] = {
            "start": started,
            "end": time.time(),
            "service": service,
            "region": region,
            "operation": operation,
            "status": status,
            "delay": delay,
        }
        if self.record:
            entry["method"] = method
            entry["path"] = target
            entry["headers"] = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP}
            entry["body"] = base64.b64encode(body).decode()
        self.log.append(entry)
        return serialize(f"HTTP/1.1 {status} {reason}", out_headers, payload, head_length)


async def run(proxy: LatencyProxy, port: int) -> None:
    # Only ever on the loopback interface.
    server = await asyncio.start_server(
        proxy.serve, "127.0.0.1", port, limit=LIMIT, backlog=1024, reuse_address=True
    )
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.05, help="seconds added to each request")
    parser.add_argument(
        "--matrix", type=Path, help="per-region round trips (JSON, ms); overrides --delay"
    )
    parser.add_argument("--record", action="store_true", help="keep full requests for replay")
    args = parser.parse_args()
    matrix, delay = load_matrix(args.matrix) if args.matrix else ({}, args.delay)
    proxy = LatencyProxy(args.upstream, delay, args.record, matrix)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(proxy, args.port))


if __name__ == "__main__":
    main()
