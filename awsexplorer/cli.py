"""Command line: `awsexplorer` (the TUI), `awsexplorer scan`, `awsexplorer permissions`, ...

Heavy imports (aiobotocore, textual, moto) happen inside the command that needs them, so that
`--help` and the TUI's first frame stay fast.
"""

from __future__ import annotations

import argparse
import logging
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from awsexplorer import __version__
from awsexplorer.config import DEFAULT_CALL_TIMEOUT, AppOptions, scan_config_from_args
from awsexplorer.errors import EXIT_INTERRUPTED, EXIT_OK, UserError
from awsexplorer.inert import inert

if TYPE_CHECKING:
    from textual.app import App


def _add_target_options(parser: argparse.ArgumentParser, *, sub: bool = False) -> None:
    # On a sub-command the defaults are suppressed, so `awsexplorer --profile p scan` and
    # `awsexplorer scan --profile p` mean the same (argparse would reset the first to None).
    default: object = argparse.SUPPRESS if sub else None
    target = parser.add_argument_group("what to scan")
    target.add_argument(
        "--profile", default=default, help="AWS profile (default: botocore's credential chain)"
    )
    target.add_argument(
        "--region",
        action="append",
        default=default,
        metavar="REGION",
        help="scan only this region (repeat, or comma-separate); default: every enabled region",
    )
    target.add_argument(
        "--endpoint-url",
        default=default,
        help="send every call to this endpoint (LocalStack, moto); also AWS_ENDPOINT_URL",
    )
    target.add_argument(
        "--call-timeout",
        type=_seconds,
        default=default,
        metavar="SECONDS",
        help="give up on one API call after this long, every retry included "
        f"(default: {DEFAULT_CALL_TIMEOUT:g})",
    )
    target.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS if sub else False,
        help="scan the built-in demo account (an in-process moto server; no credentials needed)",
    )


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < 86400:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}")
    return seconds


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="awsexplorer",
        description=(
            "See a whole AWS account at once: every enabled region, the VPC topology, IAM "
            "principals and warnings. Read-only: it never changes anything in the account."
        ),
        epilog="`awsexplorer COMMAND --help` shows a command's options. Try `awsexplorer --demo`.",
    )
    parser.add_argument("--version", action="version", version=f"awsexplorer {__version__}")
    _add_target_options(parser)
    parser.add_argument("--snapshot", type=Path, metavar="FILE", help="open a saved scan offline")
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="OLD",
        help="mark the tree against an earlier snapshot: + added, ~ changed, - removed",
    )
    parser.add_argument(
        "--account-color", metavar="COLOR", help="colour of the account band (name or #rrggbb)"
    )
    from awsexplorer.config import add_arguments as add_settings_arguments

    add_settings_arguments(parser)
    parser.add_argument(
        "--log-file", type=Path, metavar="FILE", help="write a debug log (botocore included) here"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    from awsexplorer.commands import COMMANDS

    for command in COMMANDS:
        sub = command.add_parser(commands)
        if getattr(command, "TARGETED", False):
            _add_target_options(sub, sub=True)
    return parser


def make_app(options: AppOptions) -> App[int]:
    """The one app factory, for the CLI and the tests."""
    from awsexplorer.ui.app import AwsExplorerApp

    return AwsExplorerApp(options)


def _run_tui(args: argparse.Namespace) -> int:
    loaded = None
    if args.snapshot is not None:
        from awsexplorer import snapshot

        loaded = snapshot.read(args.snapshot)  # fail here, before the screen is taken
    baseline = None
    if args.baseline is not None:
        from awsexplorer import snapshot

        baseline = snapshot.read(args.baseline)
        if loaded is not None and baseline.account.id != loaded.account.id:
            raise UserError(
                f"--baseline {args.baseline} is account {baseline.account.id} and the snapshot "
                f"is {loaded.account.id}: choose a baseline of the same account."
            )
    from awsexplorer.checks import settings_from_args

    options = AppOptions(
        config=scan_config_from_args(args),
        demo=args.demo,
        snapshot=args.snapshot,
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


class _PrivateFileHandler(logging.FileHandler):
    """A FileHandler whose file is created with mode 0600 (a debug log describes the account and
    its calls), and made 0600 if it already was a regular file of ours with a wider mode."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
            os.fchmod(fd, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def _configure_logging(log_file: Path | None) -> None:
    """Libraries log warnings with tracebacks (botocore's credential refresh does); a user sees
    our one-line message instead. With --log-file everything goes to that file (mode 0600),
    through LogRedactor: no credential, no response body, no raw control character."""
    root = logging.getLogger()
    if log_file is not None:
        from awsexplorer.redact import LogRedactor

        try:
            handler: logging.Handler = _PrivateFileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            raise UserError(
                f"Cannot write the log file {log_file}: {exc.strerror}.",
                "Choose a file in a folder you can write to.",
            ) from None
        handler.addFilter(LogRedactor())
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.setLevel(logging.DEBUG)
    else:
        handler = logging.NullHandler()  # stops logging's last-resort printing to stderr
    root.addHandler(handler)


def _print_user_error(exc: UserError) -> None:
    # The message may quote a file name, a profile or a field from a file: shown inert.
    print(f"awsexplorer: {inert(exc.message)}", file=sys.stderr)
    if exc.hint:
        print(f"  hint: {inert(exc.hint)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _configure_logging(getattr(args, "log_file", None))
    except UserError as exc:
        _print_user_error(exc)
        return exc.exit_code
    try:
        if args.command is None:
            return _run_tui(args)
        from awsexplorer.commands import by_name

        return by_name(args.command).run(args)
    except UserError as exc:
        _print_user_error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        print("awsexplorer: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `awsexplorer scan --format json | head`: the reader left; that is not an error.
        # Point stdout at devnull so the interpreter's final flush does not complain again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
