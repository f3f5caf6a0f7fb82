"""`awsexplorer merge part-*.json --output all.json`: join snapshots (the shards of a sharded
scan, one file per account or profile) into one, which every reader opens as one view.

Nothing is scanned again, and each account keeps its resources, findings and check results as
its own scan wrote them; but when a VPC's owner and the accounts it is shared with (VPC sharing)
are in different files, what depends on both (the shared subnets' classification, placement,
exposure, findings) is judged again over every account merged, as one scan of them all is
(model/accounts.shared_across). An account in two of the files is refused.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# typing's constant without importing typing (for `--help`; mypy reads any such name as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NAME = "merge"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        NAME,
        help="join snapshots (shards, accounts) into one",
        description=(
            "Join snapshots written by `awsexplorer scan --output` (the shards of `scan "
            "--shard I/N`, or one file per account) into one snapshot of every account. A "
            "folder stands for the *.json files in it. Version 1 files are read as one account."
        ),
    )
    parser.add_argument(
        "snapshots",
        type=Path,
        nargs="+",
        metavar="SNAPSHOT",
        help="snapshot files, or folders of them",
    )
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        required=True,
        metavar="FILE",
        help="write the merged snapshot here ('-': standard output)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from awsexplorer import snapshot
    from awsexplorer.inert import inert
    from awsexplorer.model import AccountStatus
    from awsexplorer.model.accounts import shared_across

    to_stdout = str(args.output) == "-"
    if not to_stdout:
        snapshot.check_target(args.output)  # refuse /dev/null, a FIFO, a link before reading
    files = snapshot.snapshot_files(args.snapshots)
    if not to_stdout:
        target = args.output.resolve()
        if any(f.resolve() == target for f in files):
            raise snapshot.SnapshotError(
                f"{args.output} is one of the snapshots to merge; write to another file."
            )
    merged, parts = snapshot.merge_files(files)
    across = shared_across(parts)
    if across:
        # Owner and participants of a shared VPC in different files: judged again together,
        # with the user's settings, as one scan of every account is (`scan` analyses the whole).
        from awsexplorer.checks import analyse, settings_from_args

        analyse(merged, settings_from_args(args))
        print(
            inert(
                "awsexplorer: VPCs shared across the files (owned by "
                f"{', '.join(across)}): subnets, placement, exposure and findings judged again "
                "over every account merged, with your settings.",
                limit=2000,
            ),
            file=sys.stderr,
        )
    elif merged.settings is None and any(p.settings is not None for p in parts):
        print(
            "awsexplorer: the files were judged with different settings; each account keeps "
            "its findings as judged (`awsexplorer findings --recheck` judges all with yours).",
            file=sys.stderr,
        )
    if to_stdout:
        sys.stdout.write(snapshot.dumps(merged))
    else:
        snapshot.write(merged, args.output)
    accounts = merged.account_scans()
    counts = {s: sum(a.status is s for a in accounts) for s in AccountStatus}
    print(
        inert(
            f"Merged {len(files)} file{'s' if len(files) != 1 else ''}: {len(accounts)} "
            f"account{'s' if len(accounts) != 1 else ''} "
            f"({', '.join(f'{n} {s.value}' for s, n in counts.items() if n) or 'none'}), "
            f"{len(merged.resources)} resources, {len(merged.findings)} findings"
            + ("" if to_stdout else f" -> {args.output}")
        ),
        file=sys.stderr,
    )
    return 0
