"""`awsexplorer diff OLD NEW`: what changed between two snapshots of one account.

Resources added, removed and changed (attribute by attribute, in readable terms), and findings
new and resolved (model/diff.py). `--format json` is the contract in docs/diff.md. Exit status:
1 when a new finding at or above `--fail-on` (default high) appeared, else 0; 2 on a usage error,
so a cron job or a CI pipeline can gate on it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from awsexplorer.cli.choices import SEVERITIES, add_model_choice

# typing's constant without importing typing (for `--help`; mypy reads any such name as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NAME = "diff"
EXIT_NEW_FINDING = 1


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        NAME,
        help="what changed between two saved snapshots of one account",
        description=(
            "Compare two snapshots written by `awsexplorer scan --output FILE`: resources "
            "added, removed and changed (attribute by attribute), findings new and resolved. "
            "Exit codes: 0 no new finding at or above --fail-on, 1 one appeared, 2 usage error."
        ),
    )
    parser.add_argument("old", type=Path, metavar="OLD", help="the earlier snapshot")
    parser.add_argument("new", type=Path, metavar="NEW", help="the later snapshot")
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="what to print on standard output (default: %(default)s)",
    )
    add_model_choice(
        parser,
        "--fail-on",
        choices=SEVERITIES,
        type=str.lower,  # HIGH and High name the same severity as high
        default="high",
        help="exit 1 when a new finding of this severity or worse appears (worst first: "
        "%(choices)s; default: %(default)s)",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="count volatile values too (free IP counts, last-used dates, item counts)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return _exit_code(getattr(args, "_diff", None), args.fail_on)


def _exit_code(found: Any, fail_on: str) -> int:
    from awsexplorer.model import Severity

    if found is None:
        return 0
    worst = found.worst_new()
    return EXIT_NEW_FINDING if worst is not None and worst.rank <= Severity(fail_on).rank else 0


def _run(args: argparse.Namespace) -> int:
    from awsexplorer.inert import json_text

    found = _compare_lines(args)
    args._diff = found
    if args.format == "json":
        sys.stdout.write(json_text(found.to_dict(), indent=1) + "\n")
    else:
        for line in text_lines(found, str(args.old), str(args.new)):
            print(line)
    return _exit_code(found, args.fail_on)


def _compare_lines(args: argparse.Namespace) -> Any:
    """Each file's resources and findings as lines: only the lines that differ are parsed and
    checked (model/diff.py diff_items). A file in an earlier layout is read whole. Whether the
    lines are framed as dumps writes them (snapshot.lines_hold, a scan of both files) is checked
    in a second process meanwhile (the machine's other core); a file whose lines are not, or a
    line found damaged, sends both files to the whole reading, which names what is wrong."""
    from awsexplorer import snapshot

    paths = (args.old, args.new)
    buffers = [snapshot.map_file(path) for path in paths]
    holds = _in_worker(tuple(map(str, paths)))
    reads: list[Any] = []
    try:
        for buffer, path in zip(buffers, paths, strict=True):
            reads.append(snapshot.lines_of(buffer, path))
        found = _compare(args, *reads)
    except snapshot.LineDamaged:
        found = None
    except Exception:
        if _framed(holds(), reads):
            raise
        found = None  # the whole reading says what is wrong first, as it did
    finally:
        answers = holds()  # the child's answer is awaited on every path
    if found is None or not _framed(answers, reads):
        return _compare(args, *map(snapshot.read_document, paths))
    return found


def _framed(answers: list[bool], reads: list[Any]) -> bool:
    from awsexplorer import snapshot

    return all(
        holds or not isinstance(read, snapshot.Lines)
        for holds, read in zip(answers, reads, strict=False)  # reads: those made before an error
    )


def _lines_hold_at(paths: tuple[str, ...]) -> list[bool]:
    """snapshot.lines_hold of each file, mapped anew."""
    from awsexplorer import snapshot

    return [snapshot.lines_hold(snapshot.map_file(path)) for path in paths]


def _answer_by_exit_code(paths: tuple[str, ...]) -> None:
    """In the worker process: the answers as its exit code (bit n for file n)."""
    sys.exit(sum(1 << n for n, holds in enumerate(_lines_hold_at(paths)) if holds))


def _in_worker(paths: tuple[str, ...]) -> Callable[[], list[bool]]:
    """snapshot.lines_hold of each file, in a worker process (multiprocessing, forked: it
    imports nothing again) while this one compares; the returned function waits for the
    answers. A worker that fails answers no to all (the whole reading then names what is
    wrong). Without fork, or with other threads running (fork copies only this one: a lock one
    of them holds would never be released), checked here, now."""
    import multiprocessing
    import threading

    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        here = _lines_hold_at(paths)
        return lambda: here
    worker = multiprocessing.get_context("fork").Process(
        target=_answer_by_exit_code, args=(paths,), name="awsexplorer-diff-check", daemon=True
    )
    worker.start()
    done: list[list[bool]] = []

    def wait() -> list[bool]:
        if not done:  # joined once
            worker.join()
            code = worker.exitcode if worker.exitcode is not None else -1
            done.append(
                [0 <= code < 1 << len(paths) and bool(code >> n & 1) for n in range(len(paths))]
            )
        return done[0]

    return wait


def _compare(args: argparse.Namespace, old_read: Any, new_read: Any) -> Any:
    from awsexplorer import snapshot
    from awsexplorer.errors import UserError
    from awsexplorer.model import Resource
    from awsexplorer.model.diff import cancel_equal, diff_items, differing
    from awsexplorer.model.kinds import complete

    both = isinstance(old_read, snapshot.Lines) and isinstance(new_read, snapshot.Lines)

    def parts(read: Any, findings: list[bytes]) -> tuple[dict[str, Any], Any, Any]:
        """(document with the findings the match needs, resources by ARN, line parser)."""
        if not isinstance(read, snapshot.Lines):
            return read, {str(r["arn"]): r for r in read["resources"]}, None
        document = dict(read.document)
        document["findings"] = read.finding_documents(findings)
        return document, None if both else read.by_arn(), read.resource_documents

    old_findings = getattr(old_read, "findings", [])
    new_findings = getattr(new_read, "findings", [])
    if both:
        # Equal lines are equal findings: matched here, unparsed (model/diff.py).
        old_findings, new_findings = cancel_equal(old_findings, new_findings)
    old_doc, before, parse_old = parts(old_read, old_findings)
    new_doc, after, parse_new = parts(new_read, new_findings)
    old = snapshot.from_document(old_doc, str(args.old), resources=False)
    new = snapshot.from_document(new_doc, str(args.new), resources=False)
    old_ids = {a.id for a in old.account_scans()}
    if not old_ids & {a.id for a in new.account_scans()}:  # no account in common
        raise UserError(
            f"{args.old} is account {old.account.id} and {args.new} is account "
            f"{new.account.id}: diff two snapshots of the same account."
        )
    # Both in lines: compared where they lie in the files (snapshot.differing_lines).
    if both:
        pairs, added, removed = snapshot.differing_lines(old_read, new_read)
    else:
        pairs, added, removed = differing(before, after)
    return diff_items(
        old,
        new,
        pairs,
        added,
        removed,
        parse_old or _never,
        parse_new or _never,
        lambda data: complete(Resource.from_dict(dict(data))),
        include_volatile=args.all,
    )


def _never(lines: list[bytes]) -> list[Any]:
    if lines:
        raise AssertionError("a whole document has no lines")
    return []


def text_lines(found: Any, old_name: str, new_name: str) -> list[str]:
    """The text report; every string from a snapshot made inert."""
    from awsexplorer.inert import inert
    from awsexplorer.model.diff import label, readable_lines

    lines = [
        inert(
            f"{old_name} ({found.old_finished_at or 'unfinished'}) → "
            f"{new_name} ({found.new_finished_at or 'unfinished'})"
        ),
        f"{len(found.added)} added, {len(found.removed)} removed, {len(found.changed)} changed; "
        f"findings: {len(found.new_findings)} new, {len(found.resolved_findings)} resolved",
    ]
    if found.empty:
        lines.append("No change.")
        return lines

    def where(resource: Any) -> str:
        return f"[{resource.type}, {resource.region}]"

    for title, mark, resources in (
        ("Added", "+", found.added),
        ("Removed", "-", found.removed),
    ):
        if resources:
            lines += ["", title]
            lines += [inert(f"  {mark} {label(r)}  {where(r)}") for r in resources]
    if found.changed:
        lines += ["", "Changed"]
        for item in found.changed:
            lines.append(inert(f"  ~ {label(item.new)}  {where(item.new)}"))
            lines += [inert(f"      {text}") for text in readable_lines(item)]
    removed = {r.arn for r in found.removed}
    for title, findings in (
        ("New findings", found.new_findings),
        ("Resolved findings", found.resolved_findings),
    ):
        if findings:
            lines += ["", title]
            for f in findings:
                gone = " (resource removed)" if f.resource in removed else ""
                lines.append(inert(f"  {f.severity.value.upper():<8} {f.check}  {f.message}{gone}"))
    return lines
