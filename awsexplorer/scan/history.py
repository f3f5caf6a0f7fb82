"""CloudTrail history: `cloudtrail:LookupEvents`, streamed page by page, politely.

- One lookup attribute per call (LookupEvents takes one): a resource is asked about by each of
  its ResourceName values in turn (model/history.target_for says which); read-only events are
  fetched too and filtered on our side, so showing them costs no second fetch. `:changes` asks
  with `ReadOnly=false`, the one attribute that filters on CloudTrail's side.
- CloudTrail allows 2 LookupEvents requests per second per account and region: `RateLimiter`
  spaces every request (retries included: it waits in the client's `before-send` hook, which
  each attempt passes) to stay under that. A fetcher is one session, so one account.
- Throttling is retried by botocore's retry handler (`ThrottlingException` is one of its
  throttling codes; a bare HTTP 429 by session.retry_bare_throttling), with back-off, within the
  call's deadline (--call-timeout).
- `stream` is an async iterator of pages: the first page is yielded as soon as it arrives, and
  `NextToken` is followed until CloudTrail has no more.
- A completed lookup is cached for the fetcher's life (a session): asking again, or toggling the
  reads, replays it without a request. The cache key holds what was asked: the last N hours, or
  an explicit (start, end) window (`between=`, `t` on a resource marked against a baseline).

The UI reaches this through `HistoryService`: one asyncio loop in a daemon thread holding one
fetcher for the app's session, driven from a Textual worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from awsexplorer.config import ScanConfig
from awsexplorer.errors import UserError
from awsexplorer.model.calls import CLOUDTRAIL_LOOKUP_EVENTS, STS_GET_CALLER_IDENTITY
from awsexplorer.model.history import HistoryEvent, parse_event, window
from awsexplorer.scan.collectors.base import CallFailure
from awsexplorer.scan.session import (
    CURRENT_CALL,
    CURRENT_CALLER,
    CallTrace,
    ClientPool,
    DeadlineExceeded,
    check_credentials,
    credential_failure,
    make_session,
)

if TYPE_CHECKING:
    from awsexplorer.scan.accounts import Target

# CloudTrail's quota for LookupEvents, per account and region.
REQUESTS_PER_SECOND = 2
# Kept under the quota with room to spare: a request spaced by our clock can reach CloudTrail
# later than the next one is started (a connection set up, a slow hop), which narrows the gap
# CloudTrail sees; measured on 127.0.0.1: the first request of a client arrives ~0.1 s late.
SAFETY_MARGIN = 0.2
PAGE_SIZE = 50  # LookupEvents' maximum

DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})


class RateLimiter:
    """At most `rate` request starts in any `per` seconds (plus a margin), per key.

    The clock and the sleep are injectable, so the arithmetic is tested without waiting.
    """

    def __init__(
        self,
        rate: int = REQUESTS_PER_SECOND,
        per: float = 1.0,
        *,
        margin: float = SAFETY_MARGIN,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.rate, self.per, self.margin = rate, per, margin
        self._clock, self._sleep = clock, sleep
        self._starts: dict[Any, list[float]] = {}
        self._locks: dict[Any, asyncio.Lock] = {}
        self.waited = 0.0  # seconds spent waiting, in all (for the record)

    async def wait(self, key: Any) -> None:
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            starts = self._starts.setdefault(key, [])
            now = self._clock()
            if len(starts) >= self.rate:
                ready = starts[-self.rate] + self.per + self.margin
                if ready > now:
                    self.waited += ready - now
                    await self._sleep(ready - now)
                    now = max(self._clock(), ready)
            starts.append(now)
            del starts[: -self.rate]


class HistoryError(Exception):
    """A lookup failed: a message and what to do about it, for a person."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def _explain(failure: CallFailure, region: str) -> HistoryError:
    if failure.code in DENIED_CODES:
        return HistoryError(
            f"Not allowed to read CloudTrail history in {region} ({failure.code}).",
            "These credentials need cloudtrail:LookupEvents (`awsexplorer permissions` "
            "prints the policy).",
        )
    if isinstance(failure.cause, DeadlineExceeded):
        return HistoryError(
            f"CloudTrail in {region} did not answer: {failure.message}.",
            "Try again, or wait longer with --call-timeout SECONDS.",
        )
    return HistoryError(
        f"CloudTrail LookupEvents failed in {region}: {failure.code}: {failure.message}",
        "Check the region and the network; --endpoint-url sends it elsewhere.",
    )


# What a lookup covers, and its cache key: the last N hours, or an explicit (start, end).
Span = float | tuple[datetime, datetime]


def _span(hours: float, between: tuple[datetime, datetime] | None) -> Span:
    if between is None:
        return hours
    start, end = between
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("a history window's start and end must be aware datetimes")
    if end < start:
        raise ValueError(f"a history window ends before it starts: {start} > {end}")
    return (start.astimezone(UTC), end.astimezone(UTC))


class HistoryFetcher:
    """LookupEvents through a guarded ClientPool, with the rate limit and the session's cache."""

    def __init__(
        self,
        pool: ClientPool,
        *,
        call_timeout: float | None = None,
        limiter: RateLimiter | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._pool = pool
        self._call_timeout = call_timeout
        self.limiter = limiter or RateLimiter()
        self._now = now
        self._cache: dict[tuple[str, str, str, Span], list[list[HistoryEvent]]] = {}
        self._limited: set[int] = set()
        self.requests = 0  # requests that left (first attempts; retries are botocore's)

    async def caller_account(self, region: str) -> str | None:
        """The account these credentials are of (sts:GetCallerIdentity), or None when it cannot
        be told: CloudTrail answers for that account only."""
        try:
            sts = await self._pool.get(STS_GET_CALLER_IDENTITY.client, region)
            identity = await getattr(sts, STS_GET_CALLER_IDENTITY.method)()
        except Exception:  # not told: the lookup itself says what is wrong, if anything
            return None
        account = identity.get("Account")
        return str(account) if account else None

    async def _client(self, region: str) -> Any:
        client = await self._pool.get(CLOUDTRAIL_LOOKUP_EVENTS.client, region)
        if id(client) not in self._limited:
            self._limited.add(id(client))
            limiter = self.limiter

            async def limit(**_: Any) -> None:
                await limiter.wait(region)  # one pool is one account: the region is the key

            event = f"before-send.{client.meta.service_model.service_id.hyphenize()}.LookupEvents"
            client.meta.events.register(event, limit)
        return client

    async def _page(self, region: str, params: dict[str, Any]) -> dict[str, Any]:
        call = CLOUDTRAIL_LOOKUP_EVENTS
        trace = CallTrace(region)
        token = CURRENT_CALL.set(trace)
        caller = CURRENT_CALLER.set("history")
        within = asyncio.timeout(self._call_timeout)
        try:
            client = await self._client(region)
            async with within:
                self.requests += 1
                response: dict[str, Any] = await getattr(client, call.method)(**params)
                return response
        except Exception as exc:
            cause: BaseException = exc
            if within.expired():
                cause = DeadlineExceeded(self._call_timeout or 0.0, trace)
            raise _explain(CallFailure.of(call, cause), region) from None
        finally:
            CURRENT_CALLER.reset(caller)
            CURRENT_CALL.reset(token)

    async def _pages(
        self, region: str, attribute: str, value: str, span: Span
    ) -> AsyncIterator[list[HistoryEvent]]:
        key = (region, attribute, value, span)
        cached = self._cache.get(key)
        if cached is not None:
            for page in cached:
                yield page
            return
        start, end = window(span, self._now()) if isinstance(span, (int, float)) else span
        params: dict[str, Any] = {
            "LookupAttributes": [{"AttributeKey": attribute, "AttributeValue": value}],
            "StartTime": start,
            "EndTime": end,
            "MaxResults": PAGE_SIZE,
        }
        pages: list[list[HistoryEvent]] = []
        seen_tokens: set[str] = set()
        while True:
            response = await self._page(region, params)
            page = [
                parse_event(item, region)
                for item in response.get("Events") or []
                if isinstance(item, dict)
            ]
            pages.append(page)
            yield page
            next_token = response.get("NextToken")
            if not next_token or next_token in seen_tokens:  # a repeated token would loop
                break
            seen_tokens.add(next_token)
            params["NextToken"] = next_token
        self._cache[key] = pages

    async def resource(
        self,
        region: str,
        names: tuple[str, ...],
        hours: float,
        *,
        between: tuple[datetime, datetime] | None = None,
    ) -> AsyncIterator[list[HistoryEvent]]:
        """Every event naming any of `names` in `region` over the last `hours` (or exactly
        `between` (start, end) when given), read ones included (filter with
        model/history.shown), page by page, each name in turn."""
        span = _span(hours, between)
        for name in names:
            async for page in self._pages(region, "ResourceName", name, span):
                yield page

    async def changes(
        self, region: str, hours: float, *, between: tuple[datetime, datetime] | None = None
    ) -> AsyncIterator[list[HistoryEvent]]:
        """Every mutating event in `region` over the last `hours` (or `between`), page by
        page."""
        async for page in self._pages(region, "ReadOnly", "false", _span(hours, between)):
            yield page


@contextlib.asynccontextmanager
async def open_fetcher(
    config: ScanConfig, target: Target | None = None
) -> AsyncIterator[HistoryFetcher]:
    """A fetcher on botocore's credential chain (the scanner's session and client pool). With
    `target` (one account of several: scan/accounts.reach), that account's CloudTrail, reached
    as the scan reached it: its profile, or its role assumed (scan/accounts.assumed_session)."""
    from awsexplorer.scan.accounts import AccountUnreachable, assumed_session

    if target is not None and target.role_arn:
        try:
            session = await assumed_session(config, target)
        except AccountUnreachable as exc:
            raise UserError(exc.reason) from None
        config = replace(config, profile=None)
    else:
        if target is not None:
            config = replace(config, profile=target.profile)
        session = make_session(config)
        await check_credentials(session, config)
    async with ClientPool(session, config) as pool:
        yield HistoryFetcher(pool, call_timeout=config.call_timeout)


def as_user_error(error: HistoryError, profile: str | None = None) -> UserError:
    return UserError(error.message, error.hint or None)


Pages = Callable[[HistoryFetcher], AsyncIterator[list[HistoryEvent]]]


class HistoryService:
    """The UI's CloudTrail: one event loop in a daemon thread, one fetcher on it for the app's
    whole session (its clients, its rate limit and its cache), driven from worker threads.

    `run(pages, on_page, cancelled)` blocks the calling worker thread while the pages stream,
    calling `on_page(events)` (on the service's thread) for each; it returns when the lookup is
    done, or as soon as `cancelled()` turns true (the lookup is then cancelled), and raises
    HistoryError or UserError for a person to read.
    """

    POLL = 0.1

    def __init__(self, config: ScanConfig) -> None:
        self._config = config
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="awsexplorer-history", daemon=True
        )
        self._thread.start()
        # One fetcher per account asked about ("" for the app's own credentials): CloudTrail
        # is per account, and so are its rate limit and the cache.
        self._fetchers: dict[str, HistoryFetcher] = {}
        self._stack = contextlib.AsyncExitStack()
        self._opening = asyncio.Lock()

    async def _get(self, target: Target | None) -> HistoryFetcher:
        key = target.key if target is not None else ""
        async with self._opening:
            if key not in self._fetchers:
                self._fetchers[key] = await self._stack.enter_async_context(
                    open_fetcher(self._config, target)
                )
            return self._fetchers[key]

    async def _consume(
        self,
        pages: Pages,
        on_page: Callable[[list[HistoryEvent]], None],
        target: Target | None = None,
    ) -> None:
        fetcher = await self._get(target)
        try:
            async for page in pages(fetcher):
                on_page(page)
        except HistoryError:
            raise
        except UserError:
            raise
        except Exception as exc:
            failure = credential_failure(exc, self._config.profile)
            if failure is not None:
                raise failure from None
            raise

    def run(
        self,
        pages: Pages,
        on_page: Callable[[list[HistoryEvent]], None],
        cancelled: Callable[[], bool],
        target: Target | None = None,
    ) -> bool:
        """True when every page came, False when cancelled first. `target`: the account whose
        CloudTrail to ask, when the app shows several (None: the app's own credentials)."""
        future = asyncio.run_coroutine_threadsafe(self._consume(pages, on_page, target), self._loop)
        while True:
            try:
                future.result(timeout=self.POLL)
                return True
            except TimeoutError:
                if cancelled():
                    future.cancel()
                    return False

    def close(self) -> None:
        async def shut() -> None:
            await self._stack.aclose()

        if self._loop.is_running():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(shut(), self._loop).result(timeout=5)
            self._loop.call_soon_threadsafe(self._loop.stop)
