"""`awsexplorer scan`: scan an account, write the snapshot, print a summary or the JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# typing's constant without importing typing (for `--help`; mypy reads any such name as true).
TYPE_CHECKING = False
if TYPE_CHECKING:  # rich and asyncio load when a scan runs, not for every command's start
    from typing import Any

    from rich.console import Console
    from rich.text import Text

    from awsexplorer.config import AccountChoice
    from awsexplorer.scan.accounts import Shard

NAME = "scan"
TARGETED = True


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        NAME,
        help="scan the account and print a summary or the snapshot JSON",
        description=(
            "Scan every enabled region (read-only) and print a per-region summary (--format "
            "text) or the snapshot JSON (--format json). Exit codes: 0 complete, 3 partial "
            "(some calls failed; the snapshot is still written), 2 usage or credential error."
        ),
    )
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help=(
            "write the snapshot here ('-': standard output, the summary then goes to standard "
            "error); only a regular file is replaced"
        ),
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="what to print on standard output (default: %(default)s)",
    )
    accounts = parser.add_argument_group(
        "many accounts",
        "Several profiles (`--profile A --profile B`), every profile (--all-profiles) or a whole "
        "AWS Organization (--org --role NAME) in one snapshot; an account that cannot be read "
        "is a failed account with its reason, never the end of the scan.",
    )
    # The top level takes these too (the TUI's live scan): their defaults are the top level's,
    # so that `awsexplorer --org --role R scan` means `awsexplorer scan --org --role R`
    # (argparse would reset the first to the sub-command's defaults: one account, silently).
    kept = argparse.SUPPRESS
    accounts.add_argument(
        "--all-profiles",
        action="store_true",
        default=kept,
        help="scan every profile in the AWS config",
    )
    accounts.add_argument(
        "--org",
        action="store_true",
        default=kept,
        help="scan every ACTIVE account of the Organization (from its management or a "
        "delegated administrator account), through --role in each",
    )
    accounts.add_argument(
        "--role",
        metavar="NAME",
        default=kept,
        help="with --org: the role to assume in each member account",
    )
    accounts.add_argument(
        "--external-id",
        metavar="ID",
        default=kept,
        help="with --org: the external id the role's trust needs",
    )
    accounts.add_argument(
        "--accounts",
        action="append",
        default=kept,
        metavar="ID,...",
        help="with --org: only these account ids (repeat, or comma-separate)",
    )
    accounts.add_argument(
        "--exclude",
        action="append",
        default=kept,
        metavar="ID,...",
        help="with --org: leave these account ids out (repeat, or comma-separate)",
    )
    accounts.add_argument(
        "--shard",
        metavar="I/N",
        help="scan only shard I of N (0-based) of the accounts, chosen by a hash of each "
        "account; N alone takes I from AWS_BATCH_JOB_ARRAY_INDEX or JOB_COMPLETION_INDEX. "
        "`awsexplorer merge` joins the shards' files",
    )
    accounts.add_argument(
        "--max-accounts",
        type=_at_least_one,
        default=None,
        metavar="N",
        help="accounts scanned at once in one process (default: 4)",
    )
    accounts.add_argument(
        "--processes",
        type=_at_least_one,
        default=None,
        metavar="N",
        help="worker processes the accounts, or one account's regions, are spread over "
        "(default: several accounts: from 8 accounts on, one per core; one account: 1)",
    )
    from awsexplorer.config_flags import add_arguments

    add_arguments(parser, sub=True)
    return parser


def _at_least_one(value: str) -> int:
    """A count of processes or accounts: 0, negatives and words are refused at parse time
    (before credentials are looked for), with what was given."""
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of at least 1: {value!r}")
    return count


def many_accounts(args: argparse.Namespace) -> bool:
    """The account options asking for several accounts, or a shard of them."""
    from awsexplorer.cli.accounts import asks_many_accounts

    return asks_many_accounts(args) or bool(args.shard)


def _targets(choice: AccountChoice | None, config: Any) -> list[Any]:
    import asyncio

    from awsexplorer.scan import accounts

    if choice is None:  # one account (a shard of it: --shard alone)
        return [accounts.Target(key=config.profile or "default", profile=config.profile)]
    return asyncio.run(accounts.choice_targets(config, choice))


def _scan_many(
    args: argparse.Namespace,
    choice: AccountChoice | None,
    shard: Shard | None,
    config: Any,
    err: Console,
) -> Any:
    import asyncio

    from rich.text import Text

    from awsexplorer.model.accounts import empty_shard
    from awsexplorer.scan import accounts
    from awsexplorer.scan.events import AccountRead, CallRetrying
    from awsexplorer.scan.runner import utc_now

    targets = _targets(choice, config)
    if shard is not None:
        chosen = accounts.pick(targets, shard)
        err.print(
            Text(
                f"Shard {shard.index}/{shard.count}: {len(chosen)} of {len(targets)} accounts",
                style="dim",
            )
        )
        if not chosen:
            return empty_shard(utc_now())
        targets = chosen
    processes = accounts.worker_count(len(targets), args.processes)

    read = 0

    def on_event(event: Any) -> None:
        nonlocal read
        if isinstance(event, CallRetrying):
            err.print(retry_line(event), soft_wrap=True)
        elif isinstance(event, AccountRead):
            read += 1
            err.print(account_line(event, read, len(targets)), soft_wrap=True)

    err.print(
        Text(
            f"Scanning {len(targets)} account{'s' if len(targets) != 1 else ''}"
            + (f" in {processes} processes" if processes > 1 else ""),
            style="bold",
        )
    )
    return asyncio.run(
        accounts.scan_accounts(
            config,
            targets,
            on_event,
            concurrency=args.max_accounts or accounts.DEFAULT_ACCOUNT_CONCURRENCY,
            processes=processes,
        )
    )


def account_line(event: Any, done: int, total: int) -> Text:
    """One stderr line per account of several, as each is read (an AccountRead event, from
    this process or a worker): `[3/20] 123456789012 prod: ok, 1,234 resources in 17 regions`."""
    from rich.text import Text

    from awsexplorer.inert import inert

    line = Text(f"[{done}/{total}] {inert(event.account_id, limit=40)}")
    if event.name and event.name not in event.account_id:  # not "profile:x" again
        line.append(f" {inert(event.name, limit=40)}")
    styles = {"ok": "green", "partial": "yellow", "failed": "red"}
    line.append(f": {event.status}", style=styles.get(event.status, ""))
    if event.status != "failed":
        line.append(f", {event.resources:,} resources in {event.regions} regions")
        if event.failed_regions:
            line.append(f" ({event.failed_regions} could not be read)")
    if event.reason:
        line.append(f": {inert(event.reason, limit=300)}")
    return line


def retry_line(event: Any) -> Text:
    """One stderr line per retry (a CallRetrying event), as it goes out."""
    from rich.text import Text

    from awsexplorer.inert import inert

    return Text(
        f"retrying {inert(event.service)}:{inert(event.operation)} in {inert(event.region)} "
        f"(attempt {event.attempt} of {event.max_attempts}, after {inert(event.reason)})",
        style="yellow",
    )


# What only the end of the command uses (after the last response): the checks' evaluation
# and catalogue with the models they read, and rich's table code for the report.
END_MODULES = ("awsexplorer.checks.evaluation", "rich.table")


class _EndPreload:
    """Import END_MODULES when the first collector of the scan has finished (many calls are
    then in flight, and the scan waits on them), not before the first request, where nothing
    else runs yet, nor after the last response, where nothing else runs any more (issue 18:
    both ends of a scan are serial). Once; on the event loop's thread (no import in a second
    thread, which could meet the scan's own imports half done)."""

    def __init__(self) -> None:
        self.done = False

    def __call__(self, event: Any) -> None:
        from awsexplorer.scan.events import RegionProgress

        if self.done or not isinstance(event, RegionProgress):
            return
        self.done = True
        import importlib

        for name in END_MODULES:
            importlib.import_module(name)
        from awsexplorer.checks.registry import all_checks

        all_checks()  # the catalogue's modules


async def _scan(config: Any, console: Console | None, processes: int | None = None) -> Any:
    from awsexplorer.cli import text as report
    from awsexplorer.inert import inert
    from awsexplorer.scan.events import CallRetrying, RegionProgress, ScanStarted
    from awsexplorer.scan.runner import scan

    preload = _EndPreload()
    if console is None:
        plain = report.console(stderr=True)

        def on_retry(event: Any) -> None:
            if isinstance(event, CallRetrying):
                plain.print(retry_line(event), soft_wrap=True)
            preload(event)

        return await scan(config, on_retry, processes)

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    done: set[str] = set()
    with Progress(
        TextColumn("[bold]Scanning[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("regions  {task.description}", markup=False),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)

        def on_event(event: Any) -> None:
            if isinstance(event, CallRetrying):
                progress.console.print(retry_line(event), soft_wrap=True)
            elif isinstance(event, ScanStarted):
                description = inert(event.account.id)
                progress.update(task, total=len(event.regions), description=description)
            elif isinstance(event, RegionProgress) and event.done >= event.total:
                done.add(event.region)
                progress.update(task, completed=len(done))
            preload(event)

        return await scan(config, on_event, processes)


# A full (oldest-generation) collection once per this many young ones instead of Python's 10.
FULL_COLLECTION_EVERY = 100


class _ScanHeap:
    """The cyclic collector's settings for one scan command (issue 18, CPU per request).

    A scan keeps what it reads (responses, resources, the service models) and so grows its heap
    all the way, and Python walks the whole heap at every full collection: 6 per 17-region
    benchmark scan, 0.6-0.7 s of its ~5.5 s CPU for ~3,500 dead objects (session 7, load 7-9;
    its ~800 younger collections cost ~0.35 s and free ~16,000). Full collections are spaced
    ten times as far apart while the command runs (young ones stay as they are, so a scan that
    makes a lot of garbage still frees it), and at exit the collector is kept from walking the
    heap once more: `gc.freeze` (an atexit handler: never while a caller can still use the
    process) leaves the interpreter's final collection nothing to do (~0.4 s of CPU, all of
    it after the report is printed)."""

    def __enter__(self) -> None:
        import atexit
        import gc

        self._saved = gc.get_threshold()
        young, middle, full = self._saved
        gc.set_threshold(young, middle, max(full, FULL_COLLECTION_EVERY))
        atexit.unregister(gc.freeze)  # once per process, however many scans it runs
        atexit.register(gc.freeze)

    def __exit__(self, *exc: object) -> None:
        import gc

        gc.set_threshold(*self._saved)


def run(args: argparse.Namespace) -> int:
    with _ScanHeap():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    import asyncio

    from rich.text import Text

    from awsexplorer import snapshot
    from awsexplorer.checks import settings_from_args
    from awsexplorer.cli import text as report
    from awsexplorer.cli.accounts import account_choice
    from awsexplorer.config import scan_config_from_args
    from awsexplorer.errors import EXIT_OK, EXIT_PARTIAL
    from awsexplorer.inert import inert

    settings = settings_from_args(args)  # a bad config file fails here, before the scan
    to_stdout = args.output is not None and str(args.output) == "-"
    if args.output is not None and not to_stdout:
        snapshot.check_target(args.output)  # refuse /dev/null, a FIFO, a link before scanning
    config = scan_config_from_args(args)
    # The account options checked before anything starts (--role without --org is refused,
    # not ignored).
    choice = account_choice(args)
    shard = None
    if args.shard:  # a bad --shard too, before the Organization is listed
        from awsexplorer.scan.accounts import parse_shard

        shard = parse_shard(args.shard)
    if args.demo:
        from awsexplorer.demo import demo_config, refuse_other_targets

        # Refused before the demo's server starts and seeds (seconds).
        if many_accounts(args) and not args.org:
            from awsexplorer.errors import UserError

            raise UserError(
                "The demo is one account, or with --org its Organization: leave out --demo, "
                "or the other account options (--profile twice, --all-profiles, --shard)."
            )
        refuse_other_targets(args)
        config = demo_config(config.regions, like=config, organization=args.org)
    err = report.console(stderr=True)
    if many_accounts(args):
        result = _scan_many(args, choice, shard, config, err)
    else:
        result = asyncio.run(_scan(config, err if err.is_terminal else None, args.processes))
    from awsexplorer.checks import analyse  # not before the scan (_EndPreload)

    result = analyse(result, settings)
    if args.output is not None and not to_stdout:
        path = snapshot.write(result, args.output)
        err.print(Text.assemble("Snapshot written to ", (inert(path), "bold")))
    if to_stdout or args.format == "json":
        sys.stdout.write(snapshot.dumps(result))
    if args.format == "text":
        # With the snapshot on standard output, the summary goes to standard error.
        console = err if to_stdout else report.console()
        report.print_summary(console, result)
        if many_accounts(args):
            from awsexplorer.model.accounts import production_ids

            production = production_ids(result.account_scans(), settings.production_pattern)
            print_accounts(console, result, production)
    return EXIT_OK if result.complete else EXIT_PARTIAL


NAME_CELLS = 36  # an account's PROD mark and name, and the space after them (print_accounts)


def print_accounts(console: Console, result: Any, production: frozenset[str] = frozenset()) -> None:
    """One line per account: id, PROD for a production one, name, OU path, status, resources,
    and a failed one's reason."""
    from rich.text import Text

    from awsexplorer.inert import inert

    counts: dict[str, int] = {}
    for resource in result.resources:
        counts[resource.account_id or ""] = counts.get(resource.account_id or "", 0) + 1
    style = {"ok": "green", "partial": "yellow", "failed": "red"}
    for account in result.account_scans():
        # The mark and the name share one column, padded in cells (a wide character in a
        # name takes two): the status and counts line up under each other.
        name = Text.assemble(
            ("PROD " if account.id in production else "", "bold reverse"),
            inert(account.label, limit=30),
        )
        name.truncate(NAME_CELLS - 1, overflow="ellipsis", pad=True)
        name.append(" ")
        line = Text.assemble(
            (f"{inert(account.id):<14}", "bold"),
            name,
            (f"{account.status.value:<8}", style.get(account.status.value, "")),
            f"{counts.get(account.id, 0):>6} resources",
            f"  {inert(account.ou_path, limit=40)}" if account.ou_path else "",
        )
        console.print(line, soft_wrap=True)
        if account.reason:
            console.print(Text(f"    {inert(account.reason)}", style="dim"), soft_wrap=True)
