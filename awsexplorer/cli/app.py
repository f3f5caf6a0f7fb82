"""The one app factory (for the CLI and the tests), and running the TUI from parsed arguments."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from awsexplorer.cli.accounts import account_choice, asks_many_accounts
from awsexplorer.config import AppOptions, scan_config_from_args
from awsexplorer.errors import UserError
from awsexplorer.inert import inert

if TYPE_CHECKING:
    from textual.app import App


def make_app(options: AppOptions) -> App[int]:
    """The one app factory, for the CLI and the tests."""
    from awsexplorer.ui.app import AwsExplorerApp

    return AwsExplorerApp(options)


def refuse_accounts_with_one_source(args: argparse.Namespace) -> None:
    """--snapshot, or --demo without --org, opens one thing: the account options are refused
    with it rather than ignored."""
    if asks_many_accounts(args) and (
        args.snapshot is not None or (args.demo and not getattr(args, "org", False))
    ):
        raise UserError(
            "--snapshot and --demo open one thing; leave out the account options "
            "(--profile twice, --all-profiles, --org)."
            + (" (--demo --org shows the demo's Organization.)" if args.demo else "")
        )


# From this many bytes a snapshot takes seconds to read, before the app can take the screen:
# the terminal says what it is waiting for meanwhile (a 1,000,000-resource file: ~760 MB).
READING_NOTE_BYTES = 50_000_000


@contextlib.contextmanager
def _reading_note(paths: list[Path], stream: TextIO | None = None) -> Iterator[None]:
    """ "Reading FILE (N MB)…" on a terminal's stderr while a large snapshot is read; wiped
    when it is read (the app's screen follows), left as it was after an error (which follows
    it on the next line)."""
    err = stream or sys.stderr
    size = 0
    for path in paths:
        with contextlib.suppress(OSError):  # an unreadable path: read_many says why
            size += path.stat().st_size
    if size < READING_NOTE_BYTES or not err.isatty():
        yield
        return
    what = inert(paths[0], limit=200) + (f" and {len(paths) - 1} more" if len(paths) > 1 else "")
    err.write(f"Reading {what} ({size / 1e6:,.0f} MB)…")
    err.flush()
    try:
        yield
    except BaseException:
        err.write("\n")
        raise
    err.write("\r\x1b[K")
    err.flush()


def run_tui(args: argparse.Namespace) -> int:
    refuse_accounts_with_one_source(args)
    accounts = account_choice(args)
    if args.demo:  # --profile/--endpoint-url would be silently replaced: refused, as `scan` does
        from awsexplorer.demo import refuse_other_targets

        refuse_other_targets(args)
    loaded = None
    opening = None
    shared_across: list[str] = []
    if args.snapshot is not None:
        from awsexplorer import snapshot

        # One file, several or a folder (merged); fail here, before the screen is taken.
        files = snapshot.snapshot_files(args.snapshot)
        if len(files) == 1 and args.baseline is None:
            # A large one is shown as it is read (its workers start now, while this process
            # has one thread); the rest is read here.
            from awsexplorer import snapshot_opening

            opening = snapshot_opening.start(files[0])
        if opening is None:
            with _reading_note(files):
                loaded, shared_across = snapshot.read_merged(files)
    baseline = None
    if args.baseline is not None:
        from awsexplorer import snapshot

        baseline = snapshot.read(args.baseline)
        if loaded is not None and not {a.id for a in baseline.account_scans()} & {
            a.id for a in loaded.account_scans()
        }:
            raise UserError(
                f"--baseline {args.baseline} is account {baseline.account.id} and the snapshot "
                f"is {loaded.account.id}: choose a baseline of the same account."
            )
    from awsexplorer.checks import settings_from_args

    try:
        settings = settings_from_args(args)  # a bad setting fails here, before the screen
    except BaseException:
        if opening is not None:
            opening.close()
        raise
    if loaded is not None and shared_across:
        # A VPC's owner and the accounts it shares with in different files: judged again
        # together, as `awsexplorer merge` does, so the view says what one scan of all says.
        from awsexplorer.checks import analyse

        analyse(loaded, settings)
    options = AppOptions(
        config=scan_config_from_args(args),
        demo=args.demo,
        snapshot=args.snapshot[0] if args.snapshot else None,
        loaded=loaded,
        opening=opening,
        baseline=args.baseline,
        baseline_loaded=baseline,
        account_color=args.account_color,
        settings=settings,
        accounts=accounts,
    )
    app = make_app(options)
    try:
        app.run()
    finally:
        if opening is not None:
            opening.close()  # its workers, if the app closed before they were done
    # 130 after Ctrl+C, 1 after a crash (no return value then), else what the app exited with.
    code = int(getattr(app, "exit_code", app.return_code or 0))
    startup_error = getattr(app, "startup_error", None)
    if startup_error:
        print(f"awsexplorer: {inert(startup_error, keep_newlines=True)}", file=sys.stderr)
    if options.demo:
        # Tearing down moto's in-memory demo account takes ~2 s after the app has closed;
        # nothing is left to save, so leave at once.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
