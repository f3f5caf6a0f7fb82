"""The scan: identity, region discovery, then every (collector x region) at once.

Events stream out as results arrive so the UI can paint them. A failed call never aborts the
scan: it becomes a recorded error, and a region that refuses us as a whole is marked failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from aiobotocore.session import AioSession

from awsexplorer.config import ScanConfig
from awsexplorer.errors import UserError
from awsexplorer.model import (
    GLOBAL_REGION,
    Account,
    CallError,
    RegionScan,
    RegionStatus,
    Resource,
    ScanResult,
)
from awsexplorer.model.calls import (
    EC2_DESCRIBE_REGIONS,
    IAM_LIST_ACCOUNT_ALIASES,
    RUNNER_CALLS,
    STS_GET_CALLER_IDENTITY,
)
from awsexplorer.model.ownership import mark_ownership, mark_stack_resources
from awsexplorer.scan import regions as region_data
from awsexplorer.scan.collectors import all_collectors
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CallLimiter,
    CollectContext,
    Collector,
    EndpointHealth,
    RegionUnavailable,
    Scope,
)
from awsexplorer.scan.events import (
    CallFailed,
    CallRetrying,
    RegionProgress,
    ResourcesFound,
    ScanEvent,
    ScanFinished,
    ScanStarted,
)
from awsexplorer.scan.session import (
    CURRENT_CALL,
    CURRENT_CALLER,
    CallTrace,
    ClientPool,
    DeadlineExceeded,
    SentCall,
    check_credentials,
    credential_failure,
    home_region,
    make_session,
)

log = logging.getLogger(__name__)

# A region answering with one of these refused us as a whole (not enabled, or these
# credentials are not valid there): mark it failed and stop calling it.
REGION_FAILURE_CODES = frozenset(
    {"AuthFailure", "UnrecognizedClientException", "OptInRequired", "InvalidClientTokenId"}
)

EventSink = Callable[[ScanEvent], None]

# The calls the runner makes itself, outside any collector: identity, alias, region discovery
# (declared in model/calls.py as RUNNER_CALLS).
RUNNER_ACTIONS = tuple(dict.fromkeys(c.action for c in RUNNER_CALLS))


def slow_chains_first(jobs: list[tuple[Collector, str]]) -> list[tuple[Collector, str]]:
    """The order the (collector, region) jobs start in. A thousand jobs queue for the bounded
    call slots, so a job late in the list starts late whatever its depth, and a deep chain that
    starts late is the scan's last to finish. Start first the global collectors (IAM's
    credential report and per-user calls, S3's per-bucket calls: long chains on one endpoint),
    then the collectors that chain the most kinds of calls (list, describe, per item); the rest
    keep their order."""
    return sorted(jobs, key=lambda job: (job[1] != GLOBAL_REGION, -len(job[0].calls or ())))


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class _RegionState:
    def __init__(self, name: str, total: int) -> None:
        self.name = name
        self.total = total
        self.done = 0
        self.resources = 0
        self.errors: list[CallError] = []
        self.failed_reason: str | None = None

    @property
    def status(self) -> RegionStatus:
        if self.failed_reason:
            return RegionStatus.FAILED
        if self.done < self.total:
            return RegionStatus.SCANNING
        return RegionStatus.PARTIAL if self.errors else RegionStatus.OK


class Scanner:
    """Run one scan. `await Scanner(config, on_event).run()` returns the ScanResult."""

    def __init__(
        self,
        config: ScanConfig,
        on_event: EventSink | None = None,
        collectors: Iterable[Collector] | None = None,
        session: AioSession | None = None,
    ) -> None:
        self.config = config
        # Credentials already made (a role assumed in a member account, scan/accounts.py);
        # None: botocore's chain for config.profile.
        self._session = session
        self._emit = on_event or (lambda _event: None)
        self._collectors = list(collectors) if collectors is not None else all_collectors()
        self._states: dict[str, _RegionState] = {}
        self._resources: list[Resource] = []
        self._limiter = CallLimiter(config.per_service_region, config.max_in_flight)
        self._health = EndpointHealth()
        # Every (caller, client, operation) this scan sent: "runner" or a collector's name.
        self.calls_sent: set[SentCall] = set()

    # -- errors -----------------------------------------------------------------------------

    def _record(self, error: CallError) -> None:
        state = self._states.get(error.region)
        if state is None:  # e.g. a bucket in a region outside the scanned set
            state = self._states.setdefault(error.region, _RegionState(error.region, 0))
        state.errors.append(error)
        if error.code in REGION_FAILURE_CODES and error.region != GLOBAL_REGION:
            state.failed_reason = state.failed_reason or f"{error.code}: {error.message}"
        self._emit(CallFailed(error))

    def _region_failed(self, region: str) -> bool:
        state = self._states.get(region)
        return bool(state and state.failed_reason)

    # -- set-up -----------------------------------------------------------------------------

    def _context(
        self,
        pool: ClientPool,
        account: Account,
        region: str,
        client_region: str,
        scanned: frozenset[str],
        record_error: Callable[[CallError], None] | None = None,
    ) -> CollectContext:
        return CollectContext(
            pool=pool,
            region=region,
            client_region=client_region,
            account=account,
            limiter=self._limiter,
            page_size=self.config.page_size,
            record_error=record_error or self._record,
            region_failed=self._region_failed,
            scanned_regions=scanned,
            call_timeout=self.config.call_timeout,
            health=self._health,
        )

    def _retrying(self, region: str, service: str, operation: str, attempt: int, why: str) -> None:
        self._emit(CallRetrying(region, service, operation, attempt, self.config.max_attempts, why))

    async def _identify(self, pool: ClientPool, home: str) -> Account:
        within = asyncio.timeout(self.config.call_timeout)
        trace = CallTrace(GLOBAL_REGION)
        token = CURRENT_CALL.set(trace)
        try:
            sts = await pool.get(STS_GET_CALLER_IDENTITY.client, home)
            async with within:
                identity = await getattr(sts, STS_GET_CALLER_IDENTITY.method)()
        except Exception as exc:
            timed_out = within.expired()
            cause = DeadlineExceeded(self.config.call_timeout, trace) if timed_out else exc
            failure = credential_failure(cause, self.config.profile)
            if failure is not None:
                raise failure from None
            raise UserError(
                f"Could not identify the caller (sts:GetCallerIdentity): {cause}",
                "Check the credentials and the network, or try `awsexplorer --demo`.",
            ) from None
        finally:
            CURRENT_CALL.reset(token)
        caller_arn = str(identity["Arn"])
        return Account(
            id=str(identity["Account"]),
            alias=None,
            partition=caller_arn.split(":")[1] if caller_arn.startswith("arn:") else "aws",
            caller_arn=caller_arn,
        )

    async def _alias(self, ctx: CollectContext) -> str | None:
        try:
            response = await ctx.call(IAM_LIST_ACCOUNT_ALIASES)
        except CallFailure as failure:
            ctx.record(failure)
            return None
        aliases = response.get("AccountAliases") or []
        return str(aliases[0]) if aliases else None

    async def _describe_regions(self, ctx: CollectContext) -> list[dict[str, Any]] | None:
        """Every region's name and opt-in status, or None (recorded) when they cannot be read."""
        try:
            response = await ctx.call(EC2_DESCRIBE_REGIONS, AllRegions=True)
        except CallFailure as failure:
            ctx.record(failure)
            return None
        return list(response.get("Regions", []))

    def _plan_regions(
        self, described: list[dict[str, Any]] | None, partition: str
    ) -> region_data.RegionPlan:
        if described is None:
            # Without DescribeRegions we cannot tell enabled from not: try every region botocore
            # knows for the partition; the ones that refuse us are marked failed, not hidden.
            described = [{"RegionName": r} for r in region_data.known_regions(partition)]
        requested = self.config.regions
        names = [r["RegionName"] for r in described]
        unknown = region_data.unknown_regions(requested, names)
        if unknown:
            suggestions = [
                s for u in unknown for s in difflib.get_close_matches(u, names, n=1, cutoff=0.6)
            ]
            hint = (
                f"Did you mean {', '.join(suggestions)}?"
                if suggestions
                else ("Valid regions: " + ", ".join(sorted(names)) + ".")
            )
            raise UserError(f"Unknown region: {', '.join(unknown)}.", hint)
        full = region_data.plan(described, partition)
        plan = region_data.narrow(full, requested)
        if requested and not plan.enabled:
            raise UserError(
                f"None of the requested regions is enabled for this account: "
                f"{', '.join(requested)}.",
                "An opt-in region must be enabled first (AWS console: Account > AWS Regions). "
                f"Enabled: {', '.join(full.enabled)}.",
            )
        return plan

    def _applies(
        self, collector: Collector, region: str, session_regions: Callable[[str], set[str]]
    ) -> bool:
        if self.config.endpoint_url:
            return True  # a local endpoint serves every service everywhere
        if not region_data.is_known_region(region):
            return True  # a region newer than botocore's data: try, don't skip silently
        available = session_regions(collector.service)
        return not available or region in available

    # -- the scan ---------------------------------------------------------------------------

    async def run(self) -> ScanResult:
        started_at = utc_now()
        session = self._session or make_session(self.config)
        await check_credentials(session, self.config)
        home = home_region(session, self.config)
        async with ClientPool(session, self.config, self._retrying, self.calls_sent) as pool:
            self._states[GLOBAL_REGION] = _RegionState(GLOBAL_REGION, 0)
            # The alias and the regions are asked for with the identity, not after it: neither
            # call needs the account, and every collector waits for all three (one round trip
            # to the home region less on every chain). The account they see until then is a
            # placeholder in the home region's partition; the regions are planned in the
            # identity's partition. When the identity fails, that error is the one raised,
            # and the other two are cancelled.
            placeholder = Account("", None, region_data.partition_of(home), "")
            # Their failures are recorded (and shown) once the identity is known: with
            # credentials that do not work, the identity's error is the only one to show.
            held: list[CallError] = []
            global_ctx = self._context(
                pool, placeholder, GLOBAL_REGION, home, frozenset(), record_error=held.append
            )
            # The identity's client is made first and its request goes out first: building the
            # IAM and EC2 clients (EC2's model is large) must not delay it, its read timeout
            # runs from when it is sent. A failure here is _identify's to report.
            with contextlib.suppress(Exception):
                await pool.get(STS_GET_CALLER_IDENTITY.client, home)
            identity_task = asyncio.ensure_future(self._identify(pool, home))
            alias_task = asyncio.ensure_future(self._alias(global_ctx))
            regions_task = asyncio.ensure_future(self._describe_regions(global_ctx))
            try:
                account = await identity_task
            except BaseException:
                for task in (identity_task, alias_task, regions_task):
                    task.cancel()
                await asyncio.gather(
                    identity_task, alias_task, regions_task, return_exceptions=True
                )
                raise
            alias, described = await asyncio.gather(alias_task, regions_task)
            for error in held:
                self._record(error)
            plan = self._plan_regions(described, account.partition)
            account = Account(account.id, alias, account.partition, account.caller_arn)
            scanned = frozenset(plan.enabled)

            availability: dict[str, set[str]] = {}

            def service_regions(service: str) -> set[str]:
                if service not in availability:
                    availability[service] = set(
                        session.get_available_regions(service, partition_name=account.partition)
                    )
                return availability[service]

            jobs: list[tuple[Collector, str]] = []
            for collector in self._collectors:
                if collector.opt_in and not getattr(self.config, collector.opt_in, False):
                    continue  # asked for by name only (--cost)
                if collector.scope is Scope.GLOBAL:
                    jobs.append((collector, GLOBAL_REGION))
                    continue
                for region in plan.enabled:
                    if self._applies(collector, region, service_regions):
                        jobs.append((collector, region))
            jobs = slow_chains_first(jobs)
            totals = Counter(region for _, region in jobs)
            for region in plan.enabled:
                self._states[region] = _RegionState(region, totals[region])
            self._states[GLOBAL_REGION].total = totals[GLOBAL_REGION]

            self._emit(
                ScanStarted(
                    account=account,
                    regions=[GLOBAL_REGION, *plan.enabled],
                    not_enabled=plan.not_enabled,
                    profile=self.config.profile,
                )
            )
            for region in [GLOBAL_REGION, *plan.enabled]:
                self._progress(region)

            ctx_by_region = {
                region: self._context(
                    pool, account, region, home if region == GLOBAL_REGION else region, scanned
                )
                for region in [GLOBAL_REGION, *plan.enabled]
            }
            await self._start_and_wait(jobs, ctx_by_region)

        # Resources without the stack tag, named by a stack's resource list (ListStackResources).
        mark_stack_resources(self._resources)
        regions = [
            RegionScan(name, state.status, state.errors, state.failed_reason)
            for name, state in self._states.items()
        ]
        regions += [
            RegionScan(
                name, RegionStatus.NOT_ENABLED, [], "not enabled for this account (opt-in region)"
            )
            for name in plan.not_enabled
        ]
        result = ScanResult(
            account=account,
            started_at=started_at,
            finished_at=utc_now(),
            regions=sorted(regions, key=lambda r: (r.name != GLOBAL_REGION, r.name)),
            resources=self._resources,
            profile=self.config.profile,
        )
        self._emit(ScanFinished(result))
        return result

    async def _start_and_wait(
        self, jobs: list[tuple[Collector, str]], ctx_by_region: dict[str, CollectContext]
    ) -> None:
        """Start the jobs one loop turn apart, in order, then wait for them all.

        A task's first step runs until its first real wait, and for most jobs that step builds
        a client (a few ms of CPU each, ~700 in a 17-region scan). Gathered all at once, every
        first step runs in one loop turn before the loop polls a socket: the first collector
        request left only once all the clients were built (seconds of CPU), while the server
        and the network sat idle. One turn apart, the requests of the first jobs are on the
        wire while the later jobs build their clients, and their answers are read in between.
        """
        tasks: list[asyncio.Task[None]] = []
        try:
            for collector, region in jobs:
                tasks.append(asyncio.create_task(self._run_one(collector, ctx_by_region[region])))
                await asyncio.sleep(0)
            await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise

    async def _run_one(self, collector: Collector, ctx: CollectContext) -> None:
        token = CURRENT_CALLER.set(collector.name)  # the calls it sends are recorded as its own
        try:
            await self._collect(collector, ctx)
        finally:
            CURRENT_CALLER.reset(token)

    async def _collect(self, collector: Collector, ctx: CollectContext) -> None:
        try:
            found = await collector.func(ctx)
        except RegionUnavailable:
            found = []
        except CallFailure as failure:
            found = []
            ctx.record(failure)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("collector %s failed in %s", collector.name, ctx.region)
            found = []
            # A bug in our collector leaves every call it declares unread: record each, so the
            # checks that read any of them are "not evaluated", never passed on nothing.
            why = f"collector {collector.name} failed: {type(exc).__name__}: {exc}"
            for call in collector.calls or ():
                self._record(
                    CallError(ctx.region, call.client, call.operation, "InternalError", why)
                )
        state = self._states[ctx.region]
        state.done += 1
        if found:
            mark_ownership(found)  # managed_by, for every type, before anyone sees them
            self._resources.extend(found)
            by_region: dict[str, list[Resource]] = defaultdict(list)
            for resource in found:
                by_region[resource.region].append(resource)
            for resource in found:
                resource.account_id = ctx.account.id
            for region, items in by_region.items():
                if region in self._states:
                    self._states[region].resources += len(items)
                self._emit(ResourcesFound(region, collector.name, items))
        self._progress(ctx.region)
        for region in {r.region for r in found} - {ctx.region}:
            if region in self._states:
                self._progress(region)

    def _progress(self, region: str) -> None:
        state = self._states[region]
        self._emit(
            RegionProgress(
                region, state.status, state.done, state.total, state.resources, state.failed_reason
            )
        )


async def scan(config: ScanConfig, on_event: EventSink | None = None) -> ScanResult:
    return await Scanner(config, on_event).run()
