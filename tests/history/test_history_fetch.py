"""scan/history.py against a local CloudTrail stub on 127.0.0.1 (moto has no LookupEvents): the
stub serves recorded LookupEvents responses in CloudTrail's own JSON protocol, so each request
goes through the same guarded aiobotocore client, retry handler and parser as a real call; only
the endpoint_url differs. Pagination, throttling retried, the global-service region, the reads
filter, the session cache, the rate limiter's arithmetic (on a fake clock), and the guard."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from cloudtrail_stub import CloudTrailStub, event

from awsexplorer.config import ScanConfig
from awsexplorer.model.calls import CLOUDTRAIL_LOOKUP_EVENTS
from awsexplorer.model.history import shown, target_for
from awsexplorer.scan import guard
from awsexplorer.scan.history import HistoryError, RateLimiter, open_fetcher

pytestmark = pytest.mark.moto  # a server on 127.0.0.1 (the stub)


def _config(stub: CloudTrailStub) -> ScanConfig:
    return ScanConfig(
        endpoint_url=stub.url, access_key="testing", secret_key="testing", call_timeout=30
    )


def _fetch(stub: CloudTrailStub, region: str, names: tuple[str, ...], hours: float = 24) -> Any:
    async def go() -> tuple[list[list[Any]], list[list[Any]], Any]:
        async with open_fetcher(_config(stub)) as fetcher:
            first = [page async for page in fetcher.resource(region, names, hours)]
            sent = fetcher.requests
            again = [page async for page in fetcher.resource(region, names, hours)]
            assert fetcher.requests == sent  # the second look came from the session's cache
            return first, again, fetcher

    return asyncio.run(go())


def test_pages_are_followed_newest_first_after_a_throttle(cloudtrail: CloudTrailStub) -> None:
    now = time.time()
    cloudtrail.events = [
        event(
            f"e{i}",
            "StopInstances" if i % 2 else "DescribeInstances",
            now - 600 * i,
            read_only=not i % 2,
        )
        for i in range(5)
    ]
    cloudtrail.throttle_first = 1
    pages, again, fetcher = _fetch(cloudtrail, "eu-west-1", ("i-0123",))

    # Throttled once (HTTP 400 ThrottlingException), retried by botocore, then three pages.
    assert [r.throttled for r in cloudtrail.requests] == [True, False, False, False]
    assert [r.token for r in cloudtrail.requests] == [None, None, "2", "4"]
    assert [[e.event_id for e in page] for page in pages] == [["e0", "e1"], ["e2", "e3"], ["e4"]]
    assert again == pages
    assert {r.region for r in cloudtrail.requests} == {"eu-west-1"}
    assert all(
        r.attributes == [{"AttributeKey": "ResourceName", "AttributeValue": "i-0123"}]
        for r in cloudtrail.requests
    )
    # Reads are fetched and filtered here: mutating ones by default, all when asked.
    rows = [e for page in pages for e in page]
    assert [e.event_id for e in shown(rows, include_reads=False)] == ["e1", "e3"]
    assert [e.event_id for e in shown(rows, include_reads=True)] == [f"e{i}" for i in range(5)]
    # Four requests left (one retried), each waiting its turn at the limiter.
    assert fetcher.requests == 3 and fetcher.limiter.waited > 0


def test_an_iam_roles_history_is_asked_in_us_east_1(cloudtrail: CloudTrailStub) -> None:
    now = time.time()
    cloudtrail.events = [
        event(
            "r1",
            "AttachRolePolicy",
            now - 60,
            resource=("AWS::IAM::Role", "deploy"),
            source="iam.amazonaws.com",
            region="us-east-1",
        ),
        event(
            "r2",
            "UpdateAssumeRolePolicy",
            now - 30,
            resource=("AWS::IAM::Role", "arn:aws:iam::123456789012:role/deploy"),
            source="iam.amazonaws.com",
            region="us-east-1",
        ),
    ]
    target = target_for("iam:role", "deploy", "arn:aws:iam::123456789012:role/deploy", "global")
    pages, _, _ = _fetch(cloudtrail, target.region, target.names)
    assert {r.region for r in cloudtrail.requests} == {"us-east-1"}
    assert [r.attributes[0]["AttributeValue"] for r in cloudtrail.requests] == list(target.names)
    rows = shown([e for page in pages for e in page], include_reads=False)
    assert [e.event_id for e in rows] == ["r2", "r1"]


def test_changes_asks_cloudtrail_for_mutating_events_only(cloudtrail: CloudTrailStub) -> None:
    now = time.time()
    cloudtrail.events = [
        event("w", "DeleteQueue", now - 5, resource=("AWS::SQS::Queue", "jobs")),
        event("r", "DescribeInstances", now - 4, read_only=True),
    ]

    async def go() -> list[str]:
        async with open_fetcher(_config(cloudtrail)) as fetcher:
            return [e.event_id async for page in fetcher.changes("eu-west-1", 24) for e in page]

    assert asyncio.run(go()) == ["w"]
    assert cloudtrail.requests[0].attributes == [
        {"AttributeKey": "ReadOnly", "AttributeValue": "false"}
    ]


def test_a_refusal_is_one_message_with_the_fix(cloudtrail: CloudTrailStub) -> None:
    def denied(headers: Any, body: bytes) -> tuple[int, dict[str, Any]]:
        return 400, {"__type": "AccessDeniedException", "message": "not <b>allowed</b>"}

    cloudtrail.answer = denied  # type: ignore[method-assign]
    with pytest.raises(HistoryError) as caught:
        _fetch(cloudtrail, "eu-west-1", ("i-0123",))
    assert "AccessDeniedException" in caught.value.message
    assert "cloudtrail:LookupEvents" in caught.value.hint


def test_lookup_events_is_declared_and_allowed_by_the_guard() -> None:
    assert CLOUDTRAIL_LOOKUP_EVENTS.action == "cloudtrail:LookupEvents"
    assert guard.is_allowed("cloudtrail", "LookupEvents")


def test_the_limiter_keeps_under_two_requests_per_second_per_key() -> None:
    clock = [0.0]

    async def sleep(seconds: float) -> None:
        clock[0] += seconds

    limiter = RateLimiter(2, 1.0, margin=0.2, clock=lambda: clock[0], sleep=sleep)
    starts: dict[str, list[float]] = {"eu-west-1": [], "us-east-1": []}

    async def go() -> None:
        for _ in range(7):
            for key in ("eu-west-1", "eu-west-1", "us-east-1"):
                await limiter.wait(key)
                starts[key].append(clock[0])

    asyncio.run(go())
    for times in starts.values():
        # Any three consecutive starts span more than a second: never 3 in one second.
        assert all(b - a >= 1.2 for a, b in zip(times, times[2:], strict=False)), times
    assert len(starts["eu-west-1"]) == 14
