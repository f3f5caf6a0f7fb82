"""`awsexplorer scan`: scan an account, write the snapshot, print a summary or the JSON."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from awsexplorer.inert import inert

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
        help="what to print on standard output (default: text)",
    )
    from awsexplorer.config import add_arguments

    add_arguments(parser, sub=True)
    return parser


def retry_line(event: Any) -> Text:
    """One stderr line per retry (a CallRetrying event), as it goes out."""
    return Text(
        f"retrying {inert(event.service)}:{inert(event.operation)} in {inert(event.region)} "
        f"(attempt {event.attempt} of {event.max_attempts}, after {inert(event.reason)})",
        style="yellow",
    )


async def _scan(config: Any, console: Console | None) -> Any:
    from awsexplorer.scan.events import CallRetrying, RegionProgress, ScanStarted
    from awsexplorer.scan.runner import scan

    if console is None:
        plain = Console(stderr=True, highlight=False)

        def on_retry(event: Any) -> None:
            if isinstance(event, CallRetrying):
                plain.print(retry_line(event), soft_wrap=True)

        return await scan(config, on_retry)

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

        return await scan(config, on_event)


def run(args: argparse.Namespace) -> int:
    from awsexplorer import snapshot
    from awsexplorer.checks import analyse, settings_from_args
    from awsexplorer.cli import text as report
    from awsexplorer.config import scan_config_from_args
    from awsexplorer.errors import EXIT_OK, EXIT_PARTIAL

    settings = settings_from_args(args)  # a bad config file fails here, before the scan
    to_stdout = args.output is not None and str(args.output) == "-"
    if args.output is not None and not to_stdout:
        snapshot.check_target(args.output)  # refuse /dev/null, a FIFO, a link before scanning
    config = scan_config_from_args(args)
    if args.demo:
        from awsexplorer.demo import demo_config

        config = demo_config(config.regions)
    err = Console(stderr=True, highlight=False)
    result = asyncio.run(_scan(config, err if err.is_terminal else None))
    result = analyse(result, settings)
    if args.output is not None and not to_stdout:
        path = snapshot.write(result, args.output)
        err.print(Text.assemble("Snapshot written to ", (inert(path), "bold")))
    if to_stdout or args.format == "json":
        sys.stdout.write(snapshot.dumps(result))
    if args.format == "text":
        # With the snapshot on standard output, the summary goes to standard error.
        report.print_summary(err if to_stdout else Console(highlight=False), result)
    return EXIT_OK if result.complete else EXIT_PARTIAL
