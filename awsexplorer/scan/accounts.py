"""Many accounts in one scan (issue 17): which accounts (profiles, every profile, an AWS
Organization), how each is reached (its profile, or a role assumed in it), a deterministic shard
of them, and scanning them concurrently (bounded) in this process or spread over worker
processes. Each account is one ordinary Scanner run; the results are merged in the parent
(model/accounts.py). An account that cannot be reached is a failed account with its reason and
the fix, never the end of the scan.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

# isort: off
import awsexplorer.scan.aiohttp_import  # noqa: F401  (first: see its docstring)

# isort: on
import botocore.exceptions as bce
from aiobotocore.credentials import AioRefreshableCredentials
from aiobotocore.session import AioSession

from awsexplorer import __version__
from awsexplorer.config import AccountChoice, ScanConfig
from awsexplorer.errors import UserError
from awsexplorer.model import Account, AccountScan, RegionStatus, ScanResult
from awsexplorer.model.accounts import failed_account, merge
from awsexplorer.model.calls import (
    ORGANIZATIONS_DESCRIBE_ORGANIZATIONAL_UNIT,
    ORGANIZATIONS_LIST_ACCOUNTS,
    ORGANIZATIONS_LIST_PARENTS,
    STS_ASSUME_ROLE,
    STS_GET_CALLER_IDENTITY,
)
from awsexplorer.scan import guard

# With the scanner, whose region workers use it too (runner must not import this module).
from awsexplorer.scan.events import AccountRead, CallRetrying
from awsexplorer.scan.runner import sharing as sharing
from awsexplorer.scan.session import (
    ClientPool,
    error_code,
    error_message,
    home_region,
    make_session,
)
from awsexplorer.scan.worker_events import WorkerDone, WorkerPool, sender

log = logging.getLogger(__name__)

# The session name every assumed role carries, so that the member account's CloudTrail says
# who read it: "awsexplorer-<version>".
SESSION_NAME = f"awsexplorer-{__version__}".replace("+", "-")[:64]
# Accounts scanned at once in one process (each with its own per-call bounds).
DEFAULT_ACCOUNT_CONCURRENCY = 4
# Where a sharded scan's index comes from when --shard gives only the count: AWS Batch array
# jobs, then Kubernetes Indexed Jobs.
SHARD_INDEX_VARIABLES = ("AWS_BATCH_JOB_ARRAY_INDEX", "JOB_COMPLETION_INDEX")


@dataclass(frozen=True, slots=True)
class Target:
    """One account to scan and how to reach it. Plain and picklable (worker processes).

    `key` is what sharding hashes: the account id when known before scanning (an Organization),
    else the profile's name."""

    key: str
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    account_id: str | None = None
    name: str | None = None
    ou_path: str | None = None


# -- shards -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shard:
    index: int
    count: int

    def holds(self, key: str) -> bool:
        """Each account's shard depends on its own key only (a hash), so N copies that list the
        accounts at slightly different moments still split them without overlap."""
        digest = hashlib.sha256(key.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index


def parse_shard(value: str, environ: dict[str, str] | None = None) -> Shard:
    """`I/N` (0-based index), or `N` with the index from AWS_BATCH_JOB_ARRAY_INDEX or
    JOB_COMPLETION_INDEX."""
    environ = dict(os.environ) if environ is None else environ
    text = value.strip()
    index_text, _, count_text = text.rpartition("/")
    source = "--shard"
    if not index_text:
        found = next(((v, environ[v]) for v in SHARD_INDEX_VARIABLES if environ.get(v)), None)
        if found is None:
            raise UserError(
                f"--shard {value}: no index given and none in the environment.",
                "Give it as --shard I/N (I from 0 to N-1), or run as an AWS Batch array job "
                "(AWS_BATCH_JOB_ARRAY_INDEX) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX).",
            )
        source, index_text = found
    try:
        index, count = int(index_text), int(count_text)
    except ValueError:
        raise UserError(
            f"--shard {value}: not a shard (from {source}).",
            "Write it as I/N, e.g. --shard 0/4, or N with the index in the environment.",
        ) from None
    if count < 1 or not 0 <= index < count:
        raise UserError(
            f"--shard: index {index} of {count} shards (from {source}) is out of range.",
            "The index runs from 0 to N-1.",
        )
    return Shard(index, count)


def pick(targets: Sequence[Target], shard: Shard | None) -> list[Target]:
    if shard is None:
        return list(targets)
    return [t for t in targets if shard.holds(t.key)]


# -- choosing accounts --------------------------------------------------------------------------


def profile_targets(profiles: Sequence[str]) -> list[Target]:
    return [Target(key=p, profile=p) for p in dict.fromkeys(profiles)]


def all_profiles() -> list[str]:
    """Every profile in the AWS config and credentials files, sorted."""
    names = sorted(AioSession().available_profiles)
    if not names:
        raise UserError(
            "--all-profiles: no profiles are configured.",
            "Add some with `aws configure --profile NAME` or `aws configure sso`.",
        )
    return names


def _profile_account(profile: str) -> str | None:
    """The account a profile points at, when its configuration says (SSO profiles do)."""
    try:
        config = AioSession(profile=profile).get_scoped_config()
    except bce.BotoCoreError:
        return None
    value = config.get("sso_account_id")
    return str(value) if value else None


async def organization_targets(
    config: ScanConfig,
    role: str,
    external_id: str | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> list[Target]:
    """The Organization's ACTIVE accounts (ListAccounts), each with its OU path (ListParents and
    DescribeOrganizationalUnit up to the root) and the role to assume in it; the caller's own
    account is read with the caller's credentials. Must run in the management account or a
    delegated administrator."""
    session = make_session(config)
    home = home_region(session, config)
    async with ClientPool(session, config) as pool:
        sts = await pool.get(STS_GET_CALLER_IDENTITY.client, home)
        try:
            identity = await sts.get_caller_identity()
        except Exception as exc:
            raise UserError(
                f"--org: could not identify the caller ({error_code(exc)}: {error_message(exc)}).",
                "Check the credentials of the management (or delegated administrator) account.",
            ) from None
        caller_account = str(identity["Account"])
        partition = str(identity["Arn"]).split(":")[1]
        org = await pool.get(ORGANIZATIONS_LIST_ACCOUNTS.client, home)
        try:
            accounts: list[dict[str, Any]] = []
            paginator = org.get_paginator(ORGANIZATIONS_LIST_ACCOUNTS.method)
            async for page in paginator.paginate():
                accounts += page.get("Accounts", [])
        except Exception as exc:
            raise UserError(
                f"--org: organizations:ListAccounts failed ({error_code(exc)}: "
                f"{error_message(exc)}).",
                "Run from the Organization's management account or a delegated administrator, "
                "with organizations:ListAccounts, ListParents and DescribeOrganizationalUnit.",
            ) from None
        active = [a for a in accounts if a.get("Status", "ACTIVE") == "ACTIVE"]
        wanted = set(include)
        unknown = wanted - {str(a["Id"]) for a in active}
        if unknown:
            raise UserError(
                f"--accounts: not an ACTIVE account of this Organization: "
                f"{', '.join(sorted(unknown))}.",
                "`aws organizations list-accounts` lists them.",
            )
        chosen = [
            a
            for a in active
            if (not wanted or str(a["Id"]) in wanted) and str(a["Id"]) not in set(exclude)
        ]
        paths = _OuPaths(org)
        targets = []
        for account in sorted(chosen, key=lambda a: str(a["Id"])):
            account_id = str(account["Id"])
            ou_path = await paths.path_of(account_id)
            own = account_id == caller_account
            targets.append(
                Target(
                    key=account_id,
                    profile=config.profile if own else None,
                    role_arn=None if own else f"arn:{partition}:iam::{account_id}:role/{role}",
                    external_id=None if own else external_id,
                    account_id=account_id,
                    name=str(account.get("Name") or "") or None,
                    ou_path=ou_path,
                )
            )
        return targets


class _OuPaths:
    """Each account's OU path, from the root down ("Root/Workloads/Prod"); OU names cached."""

    def __init__(self, org: Any) -> None:
        self._org = org
        self._parent: dict[str, tuple[str, str]] = {}  # child id -> (parent id, parent type)
        self._name: dict[str, str] = {}

    async def _parent_of(self, child: str) -> tuple[str, str] | None:
        if child not in self._parent:
            response = await getattr(self._org, ORGANIZATIONS_LIST_PARENTS.method)(ChildId=child)
            parents = response.get("Parents") or []
            if not parents:
                return None
            self._parent[child] = (str(parents[0]["Id"]), str(parents[0]["Type"]))
        return self._parent[child]

    async def _ou_name(self, ou: str) -> str:
        if ou not in self._name:
            describe = getattr(self._org, ORGANIZATIONS_DESCRIBE_ORGANIZATIONAL_UNIT.method)
            response = await describe(OrganizationalUnitId=ou)
            self._name[ou] = str(response["OrganizationalUnit"].get("Name") or ou)
        return self._name[ou]

    async def path_of(self, account_id: str) -> str | None:
        names: list[str] = []
        child = account_id
        try:
            for _ in range(10):  # AWS allows five levels of OUs under the root
                parent = await self._parent_of(child)
                if parent is None:
                    break
                parent_id, kind = parent
                if kind == "ROOT":
                    names.append("Root")
                    break
                names.append(await self._ou_name(parent_id))
                child = parent_id
        except Exception as exc:  # the path is a label: an account without one is still scanned
            log.info("OU path of %s: %s", account_id, error_code(exc))
            return None
        return "/".join(reversed(names)) or None


# -- reaching one account -----------------------------------------------------------------------


def reach(account: AccountScan, choice: AccountChoice) -> Target | None:
    """How the scan reached `account`, to reach it again (its CloudTrail history): its profile,
    or the Organization's role assumed in it (its caller is that role's session); None for
    the caller's own credentials (a single account, or the management account of --org)."""
    if account.profile:
        return Target(key=account.id, profile=account.profile, account_id=account.id)
    role = choice.org_role
    if role and f":assumed-role/{role}/{SESSION_NAME}" in account.caller_arn:
        return Target(
            key=account.id,
            role_arn=f"arn:{account.partition}:iam::{account.id}:role/{role}",
            external_id=choice.external_id,
            account_id=account.id,
        )
    return None


class AccountUnreachable(Exception):
    """The account could not be reached at all; `reason` is one line with the fix."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def assumed_session(
    config: ScanConfig, target: Target, machinery: AioSession | None = None
) -> AioSession:
    """A session whose credentials are `target.role_arn` assumed with the caller's credentials,
    refreshed before they expire as botocore refreshes an assume-role profile's. With
    `machinery`, its clients (and the AssumeRole client's) share that session's (`sharing`)."""
    assert target.role_arn is not None
    base = sharing(make_session(config), machinery)
    home = home_region(base, config)

    async def fetch() -> dict[str, str]:
        kwargs: dict[str, Any] = {
            "RoleArn": target.role_arn,
            "RoleSessionName": SESSION_NAME,
            "DurationSeconds": 3600,
        }
        if target.external_id:
            kwargs["ExternalId"] = target.external_id
        async with base.create_client(
            STS_ASSUME_ROLE.client, region_name=home, endpoint_url=config.endpoint_url
        ) as sts:
            guard.install(sts)  # sts:AssumeRole is the one allowed non-read (scan/guard.py)
            response = await getattr(sts, STS_ASSUME_ROLE.method)(**kwargs)
        credentials = response["Credentials"]
        expiration = credentials["Expiration"]
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": expiration.isoformat()
            if hasattr(expiration, "isoformat")
            else str(expiration),
        }

    try:
        metadata = await fetch()
    except bce.ClientError as exc:
        raise AccountUnreachable(_assume_failure(target, exc)) from None
    except (bce.BotoCoreError, OSError) as exc:
        raise AccountUnreachable(
            f"could not assume {target.role_arn}: {type(exc).__name__}: {error_message(exc)}"
        ) from None
    credentials = AioRefreshableCredentials.create_from_metadata(
        metadata, refresh_using=fetch, method="assume-role"
    )
    session = sharing(AioSession(), machinery)
    session._credentials = credentials
    return session


def _assume_failure(target: Target, exc: BaseException) -> str:
    role = (target.role_arn or "").rsplit("/", 1)[-1]
    account = target.account_id or "the account"
    external = " and the external id given with --external-id" if target.external_id else ""
    return (
        f"sts:AssumeRole of {target.role_arn} failed ({error_code(exc)}: {error_message(exc)}). "
        f"Fix: create the role {role} in {account} with a trust policy that lets the scanning "
        f"account assume it{external} (docs/scale.md, 'The member role'), and allow it "
        f"ReadOnlyAccess; or leave the account out with --exclude {account}."
    )


def _failed(target: Target, reason: str, started_at: str) -> ScanResult:
    account_id = target.account_id or (_profile_account(target.profile) if target.profile else None)
    account_id = account_id or f"profile:{target.profile or target.key}"
    account = failed_account(
        account_id, reason, name=target.name, ou_path=target.ou_path, profile=target.profile
    )
    return ScanResult(
        account=Account(account_id, None, "aws", ""),
        started_at=started_at,
        finished_at=started_at,
        regions=[],
        profile=target.profile,
        accounts=[account],
    )


EventSink = Callable[[Any], None]


async def scan_target(
    config: ScanConfig,
    target: Target,
    on_event: EventSink | None = None,
    machinery: AioSession | None = None,
) -> ScanResult:
    """Scan one account; never raises for that account's own trouble (credentials, a role that
    cannot be assumed): that is a failed account with its reason and fix. `machinery`: the
    session whose client machinery every account of this process shares (`sharing`)."""
    from awsexplorer.scan.runner import Scanner, utc_now

    started_at = utc_now()
    account_config = replace(config, profile=target.profile)
    try:
        if target.role_arn:
            session = await assumed_session(config, target, machinery)
            account_config = replace(
                config, profile=None, home_region=home_region(make_session(config), config)
            )
        else:
            session = sharing(make_session(account_config), machinery)
        result = await Scanner(account_config, on_event, session=session).run()
    except AccountUnreachable as exc:
        return _failed(target, exc.reason, started_at)
    except UserError as exc:
        reason = exc.message + (f" Fix: {exc.hint}" if exc.hint else "")
        if target.profile:
            reason = f"profile {target.profile}: {reason}"
        return _failed(target, " ".join(reason.split()), started_at)
    (account,) = result.account_scans()
    result.accounts = [
        replace(account, name=target.name, ou_path=target.ou_path, profile=target.profile)
    ]
    return result


async def scan_targets(
    config: ScanConfig,
    targets: Sequence[Target],
    on_event: EventSink | None = None,
    concurrency: int = DEFAULT_ACCOUNT_CONCURRENCY,
) -> list[ScanResult]:
    """Every target, at most `concurrency` accounts at once, in this process. `on_event` hears
    each account's scan events, then its AccountRead once it is read (or has failed)."""
    limit = asyncio.Semaphore(max(1, concurrency))
    machinery = AioSession()

    async def one(target: Target) -> ScanResult:
        async with limit:
            result = await scan_target(config, target, on_event, machinery)
        if on_event is not None:
            on_event(account_read(result))
        return result

    return list(await asyncio.gather(*(one(t) for t in targets)))


def account_read(result: ScanResult) -> AccountRead:
    """What an account's scan (`scan_target`) came to, in short."""
    (account,) = result.accounts
    scanned = [r for r in account.regions if r.status is not RegionStatus.NOT_ENABLED]
    return AccountRead(
        account_id=account.id,
        name=account.alias or account.name or account.profile,
        status=account.status.value,
        reason=account.reason,
        resources=len(result.resources),
        regions=len(scanned),
        failed_regions=sum(r.status is RegionStatus.FAILED for r in scanned),
    )


# An account's own bound on calls in flight never goes below this (its per-(service, region)
# bound, ScanConfig.per_service_region, is 8).
MIN_ACCOUNT_IN_FLIGHT = 8


def account_share(config: ScanConfig, at_once: int) -> ScanConfig:
    """`config` for one of `at_once` accounts scanned at the same time (in every process): the
    scan's bound in total (config.max_in_flight) split between them, so that it bounds the
    whole scan, not each account. Unsplit, 4 accounts at once in each of 2 processes put up to
    8 x 128 calls in flight: measured on one moto server (4 members x 3 regions), 452 in flight
    at the peak, 441 read timeouts and a partial scan, where the same scan one account at a time
    peaks at ~50."""
    share = max(MIN_ACCOUNT_IN_FLIGHT, config.max_in_flight // max(1, at_once))
    return replace(config, max_in_flight=min(config.max_in_flight, share))


def _scan_group(
    config: ScanConfig, targets: list[Target], concurrency: int, index: int
) -> list[ScanResult]:
    """In a worker process: its share of the accounts, with the async scanner. What the parent
    shows as it happens (an account read, a call retried) goes back to it at once."""
    send = sender(index)

    def on_event(event: Any) -> None:
        if isinstance(event, (AccountRead, CallRetrying)):
            send(event)

    try:
        return asyncio.run(scan_targets(config, targets, on_event, concurrency))
    finally:
        send(WorkerDone())


# Accounts from which worker processes are used by default. Measured (benchmarks/
# accounts_processes_bench.py, 2 cores under load ~10-16, moto serving 4 accounts): 1 process
# 71.7 s, 2 processes 76.0 s: with few accounts the single server, not the client's parsing,
# bounds the scan, and a worker's start costs more than it saves. Many accounts: processes.
PROCESSES_FROM_ACCOUNTS = 8


def _ignore(event: Any) -> None:
    pass


def worker_count(targets: int, requested: int | None = None) -> int:
    """Worker processes for `targets` accounts: the number asked for (at most one per account);
    by default one per core from PROCESSES_FROM_ACCOUNTS accounts on (at least 4 accounts per
    worker), else 1: scan in this process."""
    if requested is not None:
        return max(1, min(requested, targets))
    if targets < PROCESSES_FROM_ACCOUNTS:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, targets // 4))


async def scan_accounts(
    config: ScanConfig,
    targets: Sequence[Target],
    on_event: EventSink | None = None,
    *,
    concurrency: int = DEFAULT_ACCOUNT_CONCURRENCY,
    processes: int = 1,
) -> ScanResult:
    """Scan every target and merge them into one result (not analysed yet). With `processes`
    > 1 the accounts are dealt round-robin to that many worker processes, each running the
    async scanner over its share (response parsing is CPU work); of their events, each
    account read (AccountRead) and each call retried come back to `on_event` as they happen,
    the rest stay in the workers, and the parent merges."""
    targets = list(targets)
    if not targets:
        raise UserError("No account to scan.", "Check --accounts/--exclude and --shard.")
    processes = max(1, min(processes, len(targets)))
    at_once = processes * min(max(1, concurrency), -(-len(targets) // processes))
    config = account_share(config, at_once)
    if processes == 1:
        parts = await scan_targets(config, targets, on_event, concurrency)
    else:
        groups = [targets[n::processes] for n in range(processes)]
        workers = WorkerPool(len(groups), on_event or _ignore)
        try:
            for index, group in enumerate(groups):
                workers.start(_scan_group, config, group, concurrency, index)
            parts = [part for done in await workers.results() for part in done]
        except BaseException:
            workers.stop()
            raise
        finally:
            workers.close()
    return merge(parts)


async def choice_targets(config: ScanConfig, choice: AccountChoice) -> list[Target]:
    """The targets of --profile A --profile B / --all-profiles / --org --role (the TUI's and
    `scan`'s, read by cli/accounts.account_choice)."""
    if choice.org_role:
        return await organization_targets(
            config, choice.org_role, choice.external_id, choice.include, choice.exclude
        )
    if choice.all_profiles:
        return profile_targets(all_profiles())
    return profile_targets(choice.profiles)


# -- the TUI: several accounts scanned live -----------------------------------------------------


async def scan_choice(
    config: ScanConfig,
    choice: AccountChoice,
    on_event: Callable[[Any], None],
    concurrency: int = DEFAULT_ACCOUNT_CONCURRENCY,
) -> ScanResult:
    """Scan the chosen accounts in this process (at most `concurrency` at once) and tell
    `on_event` as each one is read or has failed (AccountScanned: the merge so far can be
    shown); returns the merged result, not analysed. The accounts' own progress events stay
    here: the UI shows whole accounts as they come in."""
    from awsexplorer.scan.events import AccountScanned

    targets = await choice_targets(config, choice)
    if not targets:
        raise UserError("No account to scan.", "Check --accounts and --exclude.")
    config = account_share(config, min(max(1, concurrency), len(targets)))
    limit = asyncio.Semaphore(max(1, concurrency))
    parts: list[ScanResult] = []
    machinery = AioSession()

    async def one(target: Target) -> None:
        async with limit:
            part = await scan_target(config, target, None, machinery)
        parts.append(part)
        on_event(AccountScanned(part, len(parts), len(targets)))

    await asyncio.gather(*(one(t) for t in targets))
    return merge(parts)
