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
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from aiohttp import ClientSession, ClientTimeout, TCPConnector, web

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


def describe(method: str, path: str, headers: Any, body: bytes) -> tuple[str, str, str]:
    """(service, region, operation) of a signed AWS request, from its headers and body."""
    service, region = "?", "?"
    match = SCOPE.search(headers.get("Authorization", ""))
    if match:
        region, service = match.group(1), match.group(2)
    target = headers.get("X-Amz-Target")
    if target:
        return service, region, target.rsplit(".", 1)[-1]
    if body and b"Action=" in body:
        action = parse_qs(body.decode(errors="replace")).get("Action", ["?"])[0]
        return service, region, action
    return service, region, f"{method} {path.split('?', 1)[0]}"


def load_matrix(path: Path) -> tuple[dict[str, float], float]:
    """(seconds per region, default seconds) from a latency matrix file (milliseconds)."""
    data = json.loads(path.read_text())
    regions = {str(name): float(ms) / 1000 for name, ms in data["regions"].items()}
    return regions, float(data["default_ms"]) / 1000


class LatencyProxy:
    def __init__(
        self,
        upstream: str,
        delay: float,
        record: bool,
        matrix: dict[str, float] | None = None,
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.delay = delay  # the flat delay, or the default of a matrix
        self.matrix = matrix or {}
        self.record = record
        self.session: ClientSession | None = None
        self.reset()

    def reset(self) -> None:
        self.count = 0
        self.by_operation: Counter[str] = Counter()
        self.log: list[dict[str, Any]] = []
        self.in_flight = 0
        self.peak_in_flight = 0

    async def start(self, _app: web.Application) -> None:
        self.session = ClientSession(
            connector=TCPConnector(limit=0, force_close=False),
            timeout=ClientTimeout(total=120),
            auto_decompress=False,
        )

    async def stop(self, _app: web.Application) -> None:
        if self.session is not None:
            await self.session.close()

    async def admin(self, request: web.Request) -> web.Response:
        what = request.match_info["what"]
        if what == "reset":
            self.reset()
            return web.json_response({"ok": True})
        if what == "log":
            return web.json_response({"requests": self.log})
        return web.json_response(
            {
                "requests": self.count,
                "peak_in_flight": self.peak_in_flight,
                "by_operation": dict(self.by_operation.most_common()),
            }
        )

    async def forward(self, request: web.Request) -> web.StreamResponse:
        assert self.session is not None
        body = await request.read()
        service, region, operation = describe(request.method, request.path, request.headers, body)
        delay = self.matrix.get(region, self.delay)
        started = time.time()
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            await asyncio.sleep(delay)
            headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
            async with self.session.request(
                request.method,
                f"{self.upstream}{request.path_qs}",
                headers=headers,
                data=body,
                allow_redirects=False,
            ) as upstream:
                payload = await upstream.read()
                out_headers = {
                    k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP
                }
                status = upstream.status
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
            entry["method"] = request.method
            entry["path"] = request.path_qs
            entry["headers"] = headers
            entry["body"] = base64.b64encode(body).decode()
        self.log.append(entry)
        return web.Response(status=status, headers=out_headers, body=payload)


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
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.on_startup.append(proxy.start)
    app.on_cleanup.append(proxy.stop)
    app.router.add_route("*", "/__proxy__/{what}", proxy.admin)
    app.router.add_route("*", "/{tail:.*}", proxy.forward)
    # Only ever on the loopback interface.
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None, backlog=1024)


if __name__ == "__main__":
    main()
