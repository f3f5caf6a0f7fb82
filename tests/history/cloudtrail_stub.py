"""A local stand-in for CloudTrail's LookupEvents, on 127.0.0.1 (moto has no LookupEvents).

It speaks the service's own protocol (JSON 1.1: POST /, `X-Amz-Target: ...LookupEvents`), so
the request goes through the same aiobotocore client, guard, retry handler and parser as a real
call (only the endpoint_url differs). It serves recorded LookupEvents responses: the events are
shaped as CloudTrail returns them (EventId, EventName, ReadOnly as text, EventTime in epoch
seconds, Resources, CloudTrailEvent as a JSON string), only those within the request's
StartTime/EndTime (as CloudTrail does), split into pages of `page_size` with a NextToken, and
it can answer the first N requests with CloudTrail's throttling error (HTTP 400,
`ThrottlingException`, "Rate exceeded"). Every request is recorded: its region and signing key
(from the signature's credential scope), target, lookup attribute, token, StartTime and EndTime
(epoch seconds, as botocore sends them), and arrival time. It also answers STS AssumeRole (a
member account's CloudTrail is read through its role), with a key that names the account.

"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_SCOPE = re.compile(r"Credential=([^/]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")


@dataclass
class Seen:
    region: str
    service: str
    target: str
    attributes: list[dict[str, str]]
    token: str | None
    at: float
    throttled: bool = False
    start: float | None = None
    end: float | None = None
    access_key: str = ""  # who signed it: "ASIA<account>" for a role assumed here (assume_role)


@dataclass
class CloudTrailStub:
    events: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 2
    throttle_first: int = 0
    requests: list[Seen] = field(default_factory=list)
    url: str = ""

    def matching(self, attributes: list[dict[str, str]]) -> list[dict[str, Any]]:
        if not attributes:
            return list(self.events)
        (attribute,) = attributes  # CloudTrail takes one; the client is told so too
        key, value = attribute["AttributeKey"], attribute["AttributeValue"]
        if key == "ResourceName":
            return [
                e for e in self.events if any(r["ResourceName"] == value for r in e["Resources"])
            ]
        if key == "ReadOnly":
            return [e for e in self.events if e["ReadOnly"] == value]
        if key == "EventName":
            return [e for e in self.events if e["EventName"] == value]
        raise AssertionError(f"the stub does not serve {key}")

    def answer(self, headers: Any, body: bytes) -> tuple[int, dict[str, Any]]:
        scope = _SCOPE.search(headers.get("Authorization", ""))
        request = json.loads(body or b"{}")
        seen = Seen(
            access_key=scope.group(1) if scope else "",
            region=scope.group(2) if scope else "?",
            service=scope.group(3) if scope else "?",
            target=headers.get("X-Amz-Target", ""),
            attributes=request.get("LookupAttributes") or [],
            token=request.get("NextToken"),
            at=time.monotonic(),
            start=request.get("StartTime"),
            end=request.get("EndTime"),
        )
        self.requests.append(seen)
        if not seen.target.endswith(".LookupEvents"):
            return 400, {"__type": "UnknownOperationException", "message": seen.target}
        if len(self.requests) <= self.throttle_first:
            seen.throttled = True
            return 400, {"__type": "ThrottlingException", "message": "Rate exceeded"}
        found = sorted(
            (
                e
                for e in self.matching(seen.attributes)
                if (seen.start is None or e["EventTime"] >= seen.start)
                and (seen.end is None or e["EventTime"] <= seen.end)
            ),
            key=lambda e: -e["EventTime"],
        )
        start = int(seen.token or 0)
        page = found[start : start + self.page_size]
        reply: dict[str, Any] = {"Events": page}
        if start + self.page_size < len(found):
            reply["NextToken"] = str(start + self.page_size)
        return 200, reply


ASSUMED = """<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<AssumeRoleResult><Credentials><AccessKeyId>ASIA{account}</AccessKeyId>
<SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>
<Expiration>{expiration}</Expiration></Credentials>
<AssumedRoleUser><AssumedRoleId>AROA:{session}</AssumedRoleId>
<Arn>arn:aws:sts::{account}:assumed-role/{role}/{session}</Arn></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata>
</AssumeRoleResponse>"""


def assume_role(body: bytes) -> bytes:
    """STS AssumeRole (query protocol), as STS answers it: credentials whose key names the
    role's account (ASIA<account>), so a test sees whose credentials signed a later request."""
    from urllib.parse import parse_qs

    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    arn = form["RoleArn"]
    expiration = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    return ASSUMED.format(
        account=arn.split(":")[4],
        role=arn.rsplit("/", 1)[-1],
        session=form["RoleSessionName"],
        expiration=expiration,
    ).encode()


IDENTITY = """<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult><Arn>arn:aws:iam::{account}:user/tester</Arn><UserId>AIDA</UserId>
<Account>{account}</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></GetCallerIdentityResponse>"""


def caller_identity(headers: Any) -> bytes:
    """STS GetCallerIdentity: the account a key names (ASIA<account>, from assume_role), else
    moto's 123456789012 (the tests' `testing` key)."""
    scope = _SCOPE.search(headers.get("Authorization", ""))
    key = scope.group(1) if scope else ""
    account = key[4:] if key.startswith("ASIA") and key[4:].isdigit() else "123456789012"
    return IDENTITY.format(account=account).encode()


def serve(stub: CloudTrailStub) -> tuple[ThreadingHTTPServer, threading.Thread]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if body.startswith(b"Action=GetCallerIdentity"):
                self._xml(caller_identity(self.headers))
                return
            if body.startswith(b"Action=AssumeRole"):
                self._xml(assume_role(body))
                return
            status, reply = stub.answer(self.headers, body)
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", "stub")
            self.end_headers()
            self.wfile.write(data)

        def _xml(self, data: bytes) -> None:
            """An STS answer (query protocol: XML)."""
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    return server, thread


def event(
    event_id: str,
    name: str,
    epoch: float,
    *,
    resource: tuple[str, str] = ("AWS::EC2::Instance", "i-0123"),
    read_only: bool = False,
    identity: dict[str, Any] | None = None,
    user_agent: str = "aws-cli/2.15.0 Python/3.11.6 Linux/6.1",
    source_ip: str = "198.51.100.7",
    region: str = "eu-west-1",
    error_code: str | None = None,
    source: str = "ec2.amazonaws.com",
) -> dict[str, Any]:
    """One LookupEvents item, as CloudTrail returns it."""
    identity = identity or {
        "type": "AssumedRole",
        "principalId": "AROAEXAMPLE:alice@example.com",
        "arn": "arn:aws:sts::123456789012:assumed-role/Admin/alice@example.com",
        "accountId": "123456789012",
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "arn": "arn:aws:iam::123456789012:role/Admin",
                "userName": "Admin",
            }
        },
    }
    document: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": identity,
        "eventTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch)),
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": source_ip,
        "userAgent": user_agent,
        "readOnly": read_only,
        "eventID": event_id,
        "requestParameters": {"instancesSet": {"items": [{"instanceId": resource[1]}]}},
    }
    if error_code:
        document["errorCode"] = error_code
        document["errorMessage"] = "You are not authorized to perform this operation."
    return {
        "EventId": event_id,
        "EventName": name,
        "ReadOnly": "true" if read_only else "false",
        "EventTime": epoch,
        "EventSource": source,
        "Username": "alice@example.com",
        "Resources": [{"ResourceType": resource[0], "ResourceName": resource[1]}],
        "CloudTrailEvent": json.dumps(document),
    }
