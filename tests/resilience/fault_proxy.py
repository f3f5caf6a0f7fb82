"""A fault-injecting reverse proxy on 127.0.0.1, in front of the moto server.

Each request is identified the way AWS sees it: the service and region from the SigV4
credential scope in the Authorization header, the operation from X-Amz-Target (JSON protocols),
the Action form field (query protocols: EC2, IAM, RDS, SNS, ...) or the method and path (REST:
S3, Lambda). Rules say which requests to spoil and how; the first matching rule with fires left
applies. Errors are rendered in the protocol the client expects, so botocore parses the code
exactly as it would from AWS.

It runs an aiohttp server on its own event loop in a background thread, so the scanner under
test (asyncio.run in the test's thread) and the proxy never share a loop.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import struct
import threading
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs

from aiohttp import ClientSession, ClientTimeout, TCPConnector, web

_SCOPE = re.compile(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/")
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length", "te"}
)


class Fault(StrEnum):
    ERROR = "error"  # an AWS error response with `code` and `status`, in the client's protocol
    STATUS = "status"  # a bare HTTP status with no AWS error body (a load balancer's 503)
    RESET = "reset"  # the connection is reset (RST) before any response
    SLOW = "slow"  # the real answer, but only after `delay` seconds
    HANG = "hang"  # the request is read and never answered; the connection stays open


@dataclass
class Rule:
    fault: Fault
    service: str | None = None  # the signing name: ec2, sqs, s3, monitoring, tagging, ...
    region: str | None = None
    operation: str | None = None  # DescribeVpcs, ListQueues; REST calls: "GET /path"
    code: str = ""
    status: int = 400
    delay: float = 0.0
    times: int | None = None  # fire this many times, then let requests through; None: always
    fired: int = 0

    def matches(self, call: Call) -> bool:
        if self.times is not None and self.fired >= self.times:
            return False
        return (
            (self.service is None or self.service == call.service)
            and (self.region is None or self.region == call.region)
            and (self.operation is None or self.operation == call.operation)
        )


@dataclass
class Call:
    method: str
    path: str
    service: str
    region: str
    operation: str
    protocol: str  # json | rest-json | query | ec2 | rest-xml
    fault: Fault | None = None
    code: str | None = None
    status: int | None = None


def identify(method: str, path: str, headers: Any, body: bytes) -> Call:
    service, region = "?", "?"
    match = _SCOPE.search(headers.get("Authorization", ""))
    if match:
        region, service = match.group(1), match.group(2)
    target = headers.get("X-Amz-Target")
    if target:
        return Call(method, path, service, region, target.rsplit(".", 1)[-1], "json")
    if body and b"Action=" in body:
        action = parse_qs(body.decode(errors="replace")).get("Action", ["?"])[0]
        return Call(method, path, service, region, action, "ec2" if service == "ec2" else "query")
    protocol = "rest-xml" if service == "s3" else "rest-json"
    return Call(method, path, service, region, f"{method} {path.split('?', 1)[0]}", protocol)


def error_body(protocol: str, code: str, message: str) -> tuple[dict[str, str], bytes]:
    """An AWS error response as the protocol's parser expects it."""
    if protocol == "json":
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-ErrorType": code}
        return headers, json.dumps({"__type": code, "message": message}).encode()
    if protocol == "rest-json":
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code}
        return headers, json.dumps({"Type": "User", "message": message}).encode()
    if protocol == "ec2":
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error>'
            f"<Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            "<RequestID>fault-proxy</RequestID></Response>"
        )
    elif protocol == "query":
        xml = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>fault-proxy</RequestId></ErrorResponse>"
        )
    else:  # rest-xml (S3)
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?><Error>'
            f"<Code>{code}</Code><Message>{message}</Message>"
            "<RequestId>fault-proxy</RequestId></Error>"
        )
    return {"Content-Type": "text/xml"}, xml.encode()


# What "these credentials are not valid in this region" looks like in each protocol.
REGION_REFUSAL = {
    "ec2": ("AuthFailure", 401),
    "json": ("UnrecognizedClientException", 400),
    "rest-json": ("UnrecognizedClientException", 403),
    "query": ("InvalidClientTokenId", 403),
    "rest-xml": ("InvalidAccessKeyId", 403),
}


@dataclass
class FaultProxy:
    upstream: str
    rules: list[Rule] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    refuse_regions: set[str] = field(default_factory=set)  # AuthFailure for whole regions
    url: str = ""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None

    # -- configuration (from the test's thread) ---------------------------------------------

    def add(self, rule: Rule) -> Rule:
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()
            self.calls.clear()
            self.refuse_regions.clear()

    def calls_like(self, rule: Rule) -> list[Call]:
        """The requests a rule is about (its service, region and operation), faulted or not."""
        with self._lock:
            return [
                c
                for c in self.calls
                if (rule.service is None or c.service == rule.service)
                and (rule.region is None or c.region == rule.region)
                and (rule.operation is None or c.operation == rule.operation)
            ]

    # -- serving ------------------------------------------------------------------------------

    def _choose(self, call: Call) -> tuple[Fault | None, Rule | None]:
        with self._lock:
            self.calls.append(call)
            if call.region in self.refuse_regions:
                call.code, call.status = REGION_REFUSAL[call.protocol]
                call.fault = Fault.ERROR
                return Fault.ERROR, None
            for rule in self.rules:
                if rule.matches(call):
                    rule.fired += 1
                    call.fault, call.code, call.status = rule.fault, rule.code, rule.status
                    return rule.fault, rule
        return None, None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        call = identify(request.method, request.path_qs, request.headers, body)
        fault, rule = self._choose(call)
        if fault is Fault.ERROR:
            assert call.code and call.status
            headers, payload = error_body(call.protocol, call.code, f"injected {call.code}")
            return web.Response(status=call.status, headers=headers, body=payload)
        if fault is Fault.STATUS:
            assert rule is not None
            # What a load balancer in front of an API sends: a bare status, an HTML page for 5xx.
            page = f"<html><body><b>Http/1.1 {rule.status}</b></body></html>"
            return web.Response(
                status=rule.status,
                text=page if rule.status >= 500 else "",
                content_type="text/html",
            )
        if fault is Fault.RESET:
            transport = request.transport
            if transport is not None:
                sock = transport.get_extra_info("socket")
                if sock is not None:  # linger 0: close() sends RST, not FIN
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                transport.abort()
            raise asyncio.CancelledError  # nothing more is written on this connection
        if fault is Fault.HANG:
            await asyncio.Event().wait()  # until the client gives up (or the proxy stops)
        if fault is Fault.SLOW:
            assert rule is not None
            await asyncio.sleep(rule.delay)
        return await self._forward(request, body)

    async def _forward(self, request: web.Request, body: bytes) -> web.Response:
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        async with self._session.request(
            request.method,
            f"{self.upstream}{request.path_qs}",
            headers=headers,
            data=body,
            allow_redirects=False,
        ) as upstream:
            payload = await upstream.read()
            out = {k: v for k, v in upstream.headers.items() if k.lower() not in _HOP_BY_HOP}
            return web.Response(status=upstream.status, headers=out, body=payload)

    async def _start(self) -> None:
        self._session = ClientSession(
            connector=TCPConnector(limit=0),
            timeout=ClientTimeout(total=60),
            auto_decompress=False,
        )
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # A slow handler still sleeping must not hold up the test's teardown.
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    def start(self) -> FaultProxy:
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        def serve() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._start())
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._stop())
            self._loop.close()

        self._thread = threading.Thread(target=serve, name="fault-proxy", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fault proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
