"""Command line: `awsexplorer` (the TUI), `awsexplorer scan`, `awsexplorer permissions`, ...

One package: the parser (parser.py), the app factory and the TUI's start (app.py), one module per
sub-command (commands/), and the non-interactive text output (text.py). Heavy imports
(aiobotocore, textual, moto) happen inside the command that needs them, so that `--help` and the
TUI's first frame stay fast.
"""

from __future__ import annotations

import os
import sys

from awsexplorer import start_up
from awsexplorer.cli.parser import build_parser
from awsexplorer.errors import EXIT_INTERRUPTED, EXIT_OK, UserError

# typing's constant without importing typing (+12 M instructions for `--help`; mypy reads any
# name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from textual.app import App

    from awsexplorer.config import AppOptions

__all__ = ["build_parser", "main", "make_app", "run_tui"]


def make_app(options: AppOptions) -> App[int]:
    """The one app factory, for the CLI and the tests (cli/app.py; Textual loads then)."""
    from awsexplorer.cli import app

    return app.make_app(options)


def run_tui(args: argparse.Namespace) -> int:
    from awsexplorer.cli import app

    return app.run_tui(args)


def _configure_logging(log_file: Path | None) -> None:
    """Libraries log warnings with tracebacks (botocore's credential refresh does); a user sees
    our one-line message instead. With --log-file everything goes to that file (mode 0600),
    through LogRedactor: no credential, no response body, no raw control character."""
    import logging  # here, not for `--help`

    root = logging.getLogger()
    if log_file is not None:
        from awsexplorer.cli.log_file import PrivateFileHandler
        from awsexplorer.redact import LogRedactor

        try:
            handler: logging.Handler = PrivateFileHandler(log_file, encoding="utf-8")
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
    from awsexplorer.inert import inert

    # The message may quote a file name, a profile or a field from a file: shown inert.
    print(f"awsexplorer: {inert(exc.message)}", file=sys.stderr)
    if exc.hint:
        print(f"  hint: {inert(exc.hint)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    # The cyclic collector sleeps through start-up (start_up.py): the TUI wakes it once its
    # first frame is painted, any other command before it runs, and this function on leaving.
    start_up.pause()
    try:
        return _main(argv, start_up.resume)
    finally:
        start_up.resume()


def _command_parser(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> argparse.ArgumentParser:
    """The parser of the sub-command `args` name (the top level's when none)."""
    import argparse  # loaded already, by the parser

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and args.command in action.choices:
            command: argparse.ArgumentParser = action.choices[args.command]
            return command
    return parser


def _main(argv: Sequence[str] | None, start_up_done: Callable[[], None]) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)  # only the sub-command argv names is built whole
    args, unread = parser.parse_known_args(argv)
    if unread:
        # Said by the sub-command's parser, with its usage (argparse's own parse_args says it
        # with the top level's: twenty lines of the TUI's options for `whois ... --bogus`).
        _command_parser(parser, args).error(f"unrecognized arguments: {' '.join(unread)}")
    try:
        _configure_logging(getattr(args, "log_file", None))
    except UserError as exc:
        _print_user_error(exc)
        return exc.exit_code
    try:
        if args.command is None:
            return run_tui(args)
        start_up_done()
        from awsexplorer.cli.commands import by_name

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
