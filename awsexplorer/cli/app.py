"""The one app factory (for the CLI and the tests), and running the TUI from parsed arguments."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from awsexplorer.config import AppOptions, scan_config_from_args
from awsexplorer.errors import UserError
from awsexplorer.inert import inert

if TYPE_CHECKING:
    from textual.app import App


def make_app(options: AppOptions) -> App[int]:
    """The one app factory, for the CLI and the tests."""
    from awsexplorer.ui.app import AwsExplorerApp

    return AwsExplorerApp(options)


def run_tui(args: argparse.Namespace) -> int:
    if len(getattr(args, "profiles", None) or []) > 1:
        raise UserError(
            "The TUI scans one account live; --profile was given more than once.",
            "Scan them all with `awsexplorer scan --profile A --profile B --output all.json`, "
            "then open it: `awsexplorer --snapshot all.json`.",
        )
    loaded = None
    if args.snapshot is not None:
        from awsexplorer import snapshot

        # One file, several or a folder (merged); fail here, before the screen is taken.
        loaded = snapshot.read_many(args.snapshot)
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

    options = AppOptions(
        config=scan_config_from_args(args),
        demo=args.demo,
        snapshot=args.snapshot[0] if args.snapshot else None,
        loaded=loaded,
        baseline=args.baseline,
        baseline_loaded=baseline,
        account_color=args.account_color,
        settings=settings_from_args(args),  # a bad setting fails here, before the screen is taken
    )
    app = make_app(options)
    app.run()
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
