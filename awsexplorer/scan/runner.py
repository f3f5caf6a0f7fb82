"""The scan: identity, region discovery, then every (collector x region) at once.

Events stream out as results arrive so the UI can paint them. A failed call never aborts the
scan: it becomes a recorded error, and a region that refuses us as a whole is marked failed.

With `processes` > 1 (issue 18, "use every core") the regions are dealt to that many processes:
this one (the identity, the global collectors, its share of the regions, the merge) and worker
processes, each running this same scanner on its regions. Their events come back as they happen
and are applied here as this process's own, so the result and the events are those of a scan
in one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

# isort: off
import awsexplorer.scan.aiohttp_import  # noqa: F401  (first: see its docstring)

# isort: on
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
from awsexplorer.scan.worker_events import WorkerDone, WorkerPool, sender

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
        processes: int | None = 1,
    ) -> None:
        self.config = config
        # Credentials already made (a role assumed in a member account, scan/accounts.py);
        # None: botocore's chain for config.profile.
        self._session = session
        # Processes the regions are dealt to (region_processes; None: the measured default).
        # Only a scan on config's own credentials and the registry's collectors uses workers:
        # they make their credentials from config and find the collectors by name.
        self._processes = processes if session is None and collectors is None else 1
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

            shares = deal_regions(
                plan.enabled, region_processes(len(plan.enabled), self._processes)
            )
            if len(shares) > 1:
                # The bound on calls in flight is the scan's, not each process's.
                self.config = share_config(self.config, len(shares))
                self._limiter = CallLimiter(
                    self.config.per_service_region, self.config.max_in_flight
                )
            ctx_by_region = {
                region: self._context(
                    pool, account, region, home if region == GLOBAL_REGION else region, scanned
                )
                for region in [GLOBAL_REGION, *shares[0]]
            }
            if len(shares) > 1:
                workers = [
                    RegionShare(account, scanned, tuple((c.name, r) for c, r in jobs if r in mine))
                    for mine in map(frozenset, shares[1:])
                ]
                own = [job for job in jobs if job[1] in ctx_by_region]
                await self._with_workers(own, ctx_by_region, workers, session)
            else:
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

    # -- regions over worker processes -----------------------------------------------------

    async def run_share(self, share: RegionShare) -> None:
        """In a worker process: scan `share`'s jobs as run() scans its own; the events are
        the result (the parent applies them, _absorb)."""
        by_name = {c.name: c for c in self._collectors}
        jobs = [(by_name[name], region) for name, region in share.jobs]
        totals = Counter(region for _, region in jobs)
        for region, total in totals.items():
            self._states[region] = _RegionState(region, total)
        session = self._session or make_session(self.config)
        async with ClientPool(session, self.config, self._retrying, self.calls_sent) as pool:
            ctx_by_region = {
                region: self._context(pool, share.account, region, region, share.scanned)
                for region in totals
            }
            await self._start_and_wait(jobs, ctx_by_region)

    def _absorb(self, event: ScanEvent) -> None:
        """A worker's event, applied here as this process's own collector's would be: the
        resources, errors (a region's failure) and progress then live here, and the listener
        hears them once, from here, in the order the worker sent them."""
        if isinstance(event, ResourcesFound):
            self._resources.extend(event.resources)
            state = self._states.get(event.region)
            if state is not None:
                state.resources += len(event.resources)
            self._emit(event)
        elif isinstance(event, CallFailed):
            self._record(event.error)
        elif isinstance(event, RegionProgress):
            state = self._states.get(event.region)
            if state is not None:
                state.done = max(state.done, event.done)
                self._progress(event.region)
        elif isinstance(event, CallRetrying):
            self._emit(event)

    async def _with_workers(
        self,
        jobs: list[tuple[Collector, str]],
        ctx_by_region: dict[str, CollectContext],
        shares: list[RegionShare],
        session: AioSession,
    ) -> None:
        """Scan `jobs` here while worker processes scan `shares`, and apply their events here
        as they arrive.

        The workers are started (forked) before this process starts its own jobs, so that
        their requests go out at once. Each then builds its own clients' machinery (service
        models, client classes: ~0.45 s of CPU for the 41 services, measured), which this
        process builds too. Forking once this process's jobs were all started, to inherit
        that machinery, was measured worse: under load that loop (which reads answers between
        starts) ran for 7-17 s of a 15-27 s scan, and the workers' shares became the scan's
        last (figures: /work/notes/figures-POOL.md, session 7)."""
        global _PARENT_SESSION

        def done(event: WorkerDone) -> None:
            self.calls_sent |= event.calls_sent

        workers = WorkerPool(len(shares), self._absorb, done)
        try:
            _PARENT_SESSION = session  # the workers are forked at the first start
            try:
                for index, share in enumerate(shares):
                    workers.start(_scan_share, self.config, share, index)
            finally:
                _PARENT_SESSION = None
            await self._start_and_wait(jobs, ctx_by_region)
            await workers.results()  # and every event a worker sent is applied
        except BaseException:
            workers.stop()
            raise
        finally:
            workers.close()


# -- regions over worker processes ----------------------------------------------------------

# One process's share of the scan's calls in flight never goes below this (the per-(service,
# region) bound, ScanConfig.per_service_region, is 8).
MIN_SHARE_IN_FLIGHT = 8


# Processes one account's regions are dealt to when --processes is not given: 1, this process
# only. Measured (benchmarks/regions_processes_bench.py, session 7: 2 cores shared with moto and
# the latency proxy and with other work at load 9-12; 50 ms; 3 interleaved rounds, medians):
#   17 regions: 1 process wall 12.08 s, client CPU 4.95 s; 2 processes 12.47 s, 5.74 s
#               (runs 12.08/11.35/20.48 against 15.80/9.95/12.47: within the load's noise)
#    1 region:  one process whatever is asked (a worker per region at most): 3.96 / 3.51 s
# Two processes cost 0.8 s more CPU (each builds the clients' machinery, ~0.45 s for the 41
# services, and the events are pickled over) and were never clearly ahead: the scan waits on
# moto (5 s of CPU on the same cores, one process) more than on the client, and the workers'
# CPU comes out of the same two cores. Where the client's parsing is what binds and cores are
# idle (AWS far away, more cores) they should pay; that is not measured here, so it is asked
# for with --processes, not guessed.
DEFAULT_REGION_PROCESSES = 1


def region_processes(regions: int, requested: int | None) -> int:
    """The processes a scan of one account's `regions` regions is spread over: the number
    asked for (at most one per region: a one-region scan stays in this process), else
    DEFAULT_REGION_PROCESSES."""
    wanted = DEFAULT_REGION_PROCESSES if requested is None else requested
    return max(1, min(wanted, regions))


def deal_regions(regions: Sequence[str], processes: int) -> list[list[str]]:
    """The regions dealt round-robin over `processes` (in order); the first share is this
    process's (it also scans the global collectors)."""
    count = max(1, min(processes, len(regions)))
    return [list(regions[n::count]) for n in range(count)] if regions else [[]]


def share_config(config: ScanConfig, processes: int) -> ScanConfig:
    """`config` for one of `processes` processes scanning one account: the scan's bound on
    calls in flight split between them, so it bounds the whole scan, as in one process."""
    share = max(MIN_SHARE_IN_FLIGHT, config.max_in_flight // max(1, processes))
    return replace(config, max_in_flight=min(config.max_in_flight, share))


@dataclass(frozen=True, slots=True)
class RegionShare:
    """What one worker process scans of an account: its regions' (collector name, region)
    jobs, in the order the parent would start them. Plain and picklable."""

    account: Account
    scanned: frozenset[str]  # every region the scan covers (some collectors read it)
    jobs: tuple[tuple[str, str], ...]


# In the parent while workers start: the session whose loaded client machinery (service
# models, client classes) a forked worker shares instead of loading it again.
_PARENT_SESSION: AioSession | None = None


def _scan_share(config: ScanConfig, share: RegionShare, index: int) -> None:
    """In a worker process: scan `share` with the async scanner; every event goes back to the
    parent as it happens (worker_events), then WorkerDone. Clients come from a ClientPool, so
    the read-only guard (scan/guard.py) is on every one of them, as in the parent."""
    send = sender(index)
    session = sharing(make_session(config), _PARENT_SESSION)
    scanner = Scanner(config, send, session=session)
    try:
        asyncio.run(scanner.run_share(share))
    finally:
        send(WorkerDone(frozenset(scanner.calls_sent)))


def sharing(session: AioSession, machinery: AioSession | None) -> AioSession:
    """`session`, building its clients from `machinery`'s data loader and event emitter: the
    service models, endpoint rule sets and client classes (scan/session.py shares them between
    one session's clients) are then parsed and built once per process, not once per account.
    Without it every account's session re-read every service's JSON model: the largest single
    cost in the profile of a 5-account scan (benchmarks/accounts_bench.py). Credentials and
    configuration stay the session's own; a profile with its own data_path keeps its own.
    (Used by scan/accounts.py for its accounts, and by a forked region worker: _scan_share.)"""
    if machinery is None or session is machinery:
        return session
    if session.get_config_variable("data_path") != machinery.get_config_variable("data_path"):
        return session
    session.register_component("data_loader", machinery.get_component("data_loader"))
    session.register_component("event_emitter", machinery.get_component("event_emitter"))
    return session


async def scan(
    config: ScanConfig, on_event: EventSink | None = None, processes: int | None = None
) -> ScanResult:
    """One account. `processes`: how many processes its regions are dealt to (None: the
    measured default, DEFAULT_REGION_PROCESSES)."""
    return await Scanner(config, on_event, processes=processes).run()
