"""The collector contract: one small async function per service area, registered with the AWS
calls it makes (model/calls.py: client, operation and IAM action in one) and the resource types
it yields."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from awsexplorer.model import Account, CallError, Resource
from awsexplorer.model.calls import Call

if TYPE_CHECKING:
    from awsexplorer.scan.session import ClientPool


class Scope(StrEnum):
    REGIONAL = "regional"  # runs once in every scanned region
    GLOBAL = "global"  # runs once per scan (IAM, S3 listing); its errors go under "global"


@dataclass(frozen=True, slots=True)
class Collector:
    name: str
    service: str  # botocore client name
    scope: Scope
    calls: tuple[Call, ...]  # every AWS call it may make
    types: tuple[str, ...]  # resource types it yields
    func: Callable[[CollectContext], Awaitable[list[Resource]]]
    # A ScanConfig flag that must be set for it to run (Cost Explorer: "cost", --cost); None:
    # it runs in every scan.
    opt_in: str | None = None

    @property
    def actions(self) -> tuple[str, ...]:
        """The IAM actions its calls need: its part of the least-privilege policy."""
        return tuple(dict.fromkeys(c.action for c in self.calls))


REGISTRY: dict[str, Collector] = {}


def collector(
    *,
    service: str,
    calls: Iterable[Call],
    types: Iterable[str],
    scope: Scope = Scope.REGIONAL,
    name: str | None = None,
    opt_in: str | None = None,
) -> Callable[
    [Callable[[CollectContext], Awaitable[list[Resource]]]],
    Callable[[CollectContext], Awaitable[list[Resource]]],
]:
    def register(
        func: Callable[[CollectContext], Awaitable[list[Resource]]],
    ) -> Callable[[CollectContext], Awaitable[list[Resource]]]:
        key = name or f"{service}.{func.__name__.removeprefix('collect_')}"
        if key in REGISTRY:
            raise ValueError(f"collector {key} registered twice")
        REGISTRY[key] = Collector(key, service, scope, tuple(calls), tuple(types), func, opt_in)
        return func

    return register


class CallLimiter:
    """Bounds the calls in flight: per (service, region), so one slow or throttled API never
    starves the others, and in total, so that the first burst (one call per collector and
    region, several hundred at once) does not swamp the client's CPU or the endpoint."""

    def __init__(self, per_service_region: int, total: int) -> None:
        self._per_service_region = per_service_region
        self._by_key: dict[tuple[str, str], asyncio.Semaphore] = {}
        self._total = asyncio.Semaphore(total)

    @contextlib.asynccontextmanager
    async def slot(self, service: str, region: str) -> AsyncIterator[None]:
        key = (service, region)
        own = self._by_key.get(key)
        if own is None:
            own = self._by_key[key] = asyncio.Semaphore(self._per_service_region)
        # The narrower bound first: a call waiting for its API holds no global slot.
        async with own, self._total:
            yield


class EndpointHealth:
    """Which (service, region) endpoints have answered, and which have gone silent.

    An endpoint that accepts connections and never answers would make every call there wait its
    whole deadline, in rounds of `per_service_region` (17 EC2 collectors: three rounds). Once a
    call to a (service, region) that has never answered reaches its deadline, the calls still to
    be sent there fail at once, recorded as EndpointUnresponsive. One answer, even an error,
    proves the endpoint alive: then every call gets its own full deadline.
    """

    def __init__(self) -> None:
        self._answered: set[tuple[str, str]] = set()
        self._silent: set[tuple[str, str]] = set()

    def answered(self, service: str, region: str) -> None:
        self._answered.add((service, region))

    def timed_out(self, service: str, region: str) -> None:
        if (service, region) not in self._answered:
            self._silent.add((service, region))

    def silent(self, service: str, region: str) -> bool:
        return (service, region) in self._silent


class RegionUnavailable(Exception):
    """The region refused us as a whole; the remaining calls there are not worth making."""


class CollectContext:
    """What a collector may use: guarded clients, bounded calls, paginators, error recording."""

    def __init__(
        self,
        *,
        pool: ClientPool,
        region: str,
        client_region: str,
        account: Account,
        limiter: CallLimiter,
        page_size: int | None = None,
        record_error: Callable[[CallError], None],
        region_failed: Callable[[str], bool],
        scanned_regions: frozenset[str],
        call_timeout: float | None = None,
        health: EndpointHealth | None = None,
    ) -> None:
        self.pool = pool
        self.region = region  # the region resources are attributed to ("global" for global)
        self.client_region = client_region  # the region the client talks to
        self.account = account
        self._limiter = limiter
        self._page_size = page_size
        self._record_error = record_error
        self._region_failed = region_failed
        self.scanned_regions = scanned_regions
        self._call_timeout = call_timeout  # every attempt of one call together; None: no limit
        self._health = health or EndpointHealth()
        # Paged reads two collectors of this region both need, sent once (paginate_all_once).
        self._once: dict[tuple[str, str, str, str], asyncio.Task[list[dict[str, Any]]]] = {}
        self._once_calls: dict[tuple[str, str, str, str], asyncio.Future[dict[str, Any]]] = {}

    @property
    def partition(self) -> str:
        return self.account.partition

    def arn(self, service: str, resource: str, region: str | None = None) -> str:
        region = self.region if region is None else region
        return f"arn:{self.partition}:{service}:{region}:{self.account.id}:{resource}"

    @property
    def region_refused(self) -> bool:
        """True once this region has refused us as a whole (AuthFailure, OptInRequired...)."""
        return self._region_failed(self.region)

    def _check_region(self, region: str) -> None:
        if self._region_failed(region):
            raise RegionUnavailable(region)

    async def call(self, call: Call, *, region: str | None = None, **params: Any) -> dict[str, Any]:
        """One API call, bounded per (service, region)."""
        service = call.client
        region = region or self.client_region
        self._check_region(self.region)
        try:
            client = await self.pool.get(service, region)
            async with self._limiter.slot(service, region):
                self._check_region(self.region)  # it may have refused us while we waited
                return await self._bounded(
                    service, region, lambda: getattr(client, call.method)(**params)
                )
        except RegionUnavailable:
            raise
        except Exception as exc:
            raise CallFailure.of(call, exc) from exc

    async def _bounded(
        self, service: str, region: str, start: Callable[[], Awaitable[dict[str, Any]]]
    ) -> dict[str, Any]:
        """One call, all its attempts within the call timeout; what it says about the endpoint
        goes into the health record."""
        from awsexplorer.scan.session import (
            CURRENT_CALL,
            CallTrace,
            DeadlineExceeded,
            EndpointUnresponsive,
            answered_by_endpoint,
        )

        if self._health.silent(service, region):
            raise EndpointUnresponsive(service, region, self._call_timeout or 0.0)
        trace = CallTrace(self.region)
        token = CURRENT_CALL.set(trace)
        within = asyncio.timeout(self._call_timeout)
        try:
            async with within:
                response = await start()
        except Exception as exc:
            if within.expired():
                self._health.timed_out(service, region)
                raise DeadlineExceeded(self._call_timeout or 0.0, trace) from None
            if answered_by_endpoint(exc):
                self._health.answered(service, region)
            raise
        finally:
            CURRENT_CALL.reset(token)
        self._health.answered(service, region)
        return response

    async def paginate(
        self,
        call: Call,
        result_key: str,
        *,
        region: str | None = None,
        **params: Any,
    ) -> AsyncIterator[dict[str, Any]]:
        """Every item of a paged call; each page is its own bounded request."""
        async for page in self.pages(call, region=region, **params):
            for item in page.get(result_key, []) or []:
                yield item

    async def pages(
        self, call: Call, *, region: str | None = None, **params: Any
    ) -> AsyncIterator[dict[str, Any]]:
        """Every page of a paged call (for a call whose pages hold more than one list)."""
        service = call.client
        region = region or self.client_region
        self._check_region(self.region)
        try:
            client = await self.pool.get(service, region)
            paginator = client.get_paginator(call.method)
            if self._page_size:
                page_size = _page_size_for(client, call.method, paginator, self._page_size)
                if page_size:
                    params.setdefault("PaginationConfig", {"PageSize": page_size})
            pages = paginator.paginate(**params).__aiter__()
        except Exception as exc:
            raise CallFailure.of(call, exc) from exc
        while True:
            async with self._limiter.slot(service, region):
                self._check_region(self.region)
                try:
                    page = await self._bounded(service, region, pages.__anext__)
                except StopAsyncIteration:
                    return
                except Exception as exc:
                    raise CallFailure.of(call, exc) from exc
            yield page

    async def paginate_all(
        self, call: Call, result_key: str, **params: Any
    ) -> list[dict[str, Any]]:
        return [item async for item in self.paginate(call, result_key, **params)]

    async def paginate_all_once(
        self, call: Call, result_key: str, **params: Any
    ) -> list[dict[str, Any]]:
        """paginate_all, sent once per region however many collectors of the region ask for
        the same call with the same parameters (EC2's flow logs: the VPC collector attaches
        them, the flow-log collector lists them). A failure reaches every asker."""
        from awsexplorer.scan.session import CURRENT_CALLER

        key = (call.client, call.operation, result_key, repr(sorted(params.items())))
        task = self._once.get(key)
        if task is None:
            task = asyncio.ensure_future(self.paginate_all(call, result_key, **params))
            self._once[key] = task
        else:
            # Sent on the first asker's behalf: this caller read it too (pool.sent records).
            sent = getattr(self.pool, "sent", None)
            if sent is not None:
                sent.add((CURRENT_CALLER.get(), call.client, call.operation))
        return list(await asyncio.shield(task))

    async def call_once(self, call: Call, **params: Any) -> dict[str, Any]:
        """call, sent once per region however many collectors of the region ask for the same
        call with the same parameters (a VPN connection collector reads the customer gateways
        the customer-gateway collector lists). A failure reaches every asker."""
        from awsexplorer.scan.session import CURRENT_CALLER

        key = (call.client, call.operation, "", repr(sorted(params.items())))
        task = self._once_calls.get(key)
        if task is None:
            task = asyncio.ensure_future(self.call(call, **params))
            self._once_calls[key] = task
        else:
            sent = getattr(self.pool, "sent", None)
            if sent is not None:
                sent.add((CURRENT_CALLER.get(), call.client, call.operation))
        return await asyncio.shield(task)

    def record(self, failure: CallFailure, region: str | None = None) -> None:
        """Record a failed call and carry on: for calls whose failure spoils only a detail."""
        self._record_error(failure.to_error(region or self.region))

    async def try_call(
        self,
        call: Call,
        *,
        region: str | None = None,
        ignore_codes: Iterable[str] = (),
        **params: Any,
    ) -> dict[str, Any] | None:
        """A call whose failure is recorded, not raised. Codes in `ignore_codes` mean "nothing
        set" (NoSuchTagSet, NoSuchLifecycleConfiguration, ...) and return None silently."""
        try:
            return await self.call(call, region=region, **params)
        except CallFailure as failure:
            if failure.code not in set(ignore_codes):
                self.record(failure, region=region)
            return None


class CallFailure(Exception):
    """An AWS call that failed, with enough to record it: service, operation and the cause."""

    def __init__(self, service: str, operation: str, cause: BaseException) -> None:
        from awsexplorer.scan.session import error_code, error_message

        self.service = service
        self.operation = operation_name(operation)
        self.cause = cause
        self.code = error_code(cause)
        self.message = error_message(cause)
        super().__init__(f"{service}:{self.operation} failed: {self.code}: {self.message}")

    @classmethod
    def of(cls, call: Call, cause: BaseException) -> CallFailure:
        """The failure of a declared call: recorded under its client and API operation name,
        the names a check's inputs match."""
        return cls(call.client, call.operation, cause)

    def to_error(self, region: str) -> CallError:
        return CallError(region, self.service, self.operation, self.code, self.message)


def _page_size_for(client: Any, method: str, paginator: Any, wanted: int) -> int | None:
    """`wanted`, raised to the operation's minimum (EC2 wants at least 5); None when the
    operation takes no page size at all."""
    limit_key = getattr(paginator, "_pagination_cfg", {}).get("limit_key")
    if not limit_key:
        return None
    model = client.meta.service_model.operation_model(api_name(client, method))
    member = model.input_shape.members.get(limit_key) if model.input_shape else None
    minimum = (member.metadata.get("min") if member is not None else None) or 1
    return max(wanted, int(minimum))


def api_name(client: Any, method: str) -> str:
    """The API's own operation name (DescribeDBInstances), from the client's model."""
    if client is not None:
        mapping = getattr(client.meta, "method_to_api_mapping", {})
        if method in mapping:
            return str(mapping[method])
    return operation_name(method)


def operation_name(snake: str) -> str:
    """describe_vpcs -> DescribeVpcs (the name AWS and IAM use)."""
    if "_" not in snake and snake[:1].isupper():
        return snake
    return "".join(part.capitalize() for part in snake.split("_"))


def json_safe(value: Any) -> Any:
    """API output made JSON-safe: datetimes as ISO-8601 UTC, Decimals as numbers, bytes dropped."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return None
    return value


def tags_of(item: dict[str, Any], key: str | None = None) -> dict[str, str]:
    """[{Key, Value}] (or a plain dict) as a dict. Looks in Tags, then TagSet (ENIs, S3)."""
    raw = item.get(key) if key else (item.get("Tags") or item.get("TagSet"))
    raw = raw or []
    if isinstance(raw, dict):
        return {str(k): str(v) for k, v in raw.items()}
    return {str(t.get("Key")): str(t.get("Value", "")) for t in raw if "Key" in t}


def attributes_of(item: dict[str, Any], drop: Iterable[str] = ("Tags", "TagSet")) -> dict[str, Any]:
    dropped = set(drop)
    return json_safe({k: v for k, v in item.items() if k not in dropped})


def display_name(tags: dict[str, str], natural: str | None, resource_id: str) -> str:
    return tags.get("Name") or natural or resource_id
