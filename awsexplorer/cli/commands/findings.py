"""`awsexplorer findings SNAPSHOT`: the warnings of a saved scan, as text, JSON or CSV.

Prints the findings the snapshot holds when they were judged with the user's settings; when the
snapshot records other settings (`--stale-days 30` on a scan judged at 90), the checks are
evaluated again with the user's, and one line on stderr says so. `--recheck` evaluates the
current catalog again over the snapshot's resources in any case (with the settings flags).
`--list-checks` prints the catalog itself.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from awsexplorer.cli.choices import SEVERITIES, add_model_choice

# typing's constant without importing typing (for `--help`; mypy reads any such name as true).
TYPE_CHECKING = False
if TYPE_CHECKING:  # the model loads when the command runs, not to build the parser
    from typing import Any

    from awsexplorer.model import Finding

NAME = "findings"

# account_id last: the account each finding is about (snapshot version 2).
CSV_COLUMNS = ("severity", "check", "resource", "region", "message", "remediation", "account_id")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        NAME,
        help="print the warnings of a saved snapshot (text, JSON or CSV)",
        description=(
            "Print the findings of a snapshot written by `awsexplorer scan --output FILE`, "
            "worst first, with the checks that could not be evaluated."
        ),
    )
    parser.add_argument(
        "snapshot", type=Path, nargs="?", metavar="SNAPSHOT", help="the snapshot file"
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default="text",
        help="what to print on standard output (default: %(default)s)",
    )
    add_model_choice(
        parser,
        "--severity",
        choices=SEVERITIES,
        type=str.lower,  # HIGH and High name the same severity as high
        help="only findings of this severity or worse (worst first: %(choices)s; high: "
        "critical and high; default: all)",
    )
    parser.add_argument(
        "--account",
        metavar="ID",
        help="only this account's findings and checks (its id, alias or name), in a snapshot of "
        "several accounts",
    )
    parser.add_argument(
        "--recheck",
        action="store_true",
        help="evaluate the checks again over the snapshot's resources, with the settings below",
    )
    parser.add_argument(
        "--list-checks", action="store_true", help="print the catalog of checks and exit"
    )
    from awsexplorer.config_flags import add_arguments

    add_arguments(parser, sub=True)
    return parser


def at_least(findings: list[Finding], severity: str | None) -> list[Finding]:
    from awsexplorer.model import Severity

    if severity is None:
        return findings
    limit = Severity(severity).rank
    return [f for f in findings if f.severity.rank <= limit]


def write_csv(findings: list[Finding]) -> None:
    """Every cell through csv_cell: no control character, and no cell a spreadsheet would run
    as a formula (a resource named `=HYPERLINK(...)` starts with a quote)."""
    import csv

    from awsexplorer.inert import csv_cell

    writer = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for finding in findings:
        row = finding.to_dict()
        writer.writerow({column: csv_cell(row.get(column) or "") for column in CSV_COLUMNS})


def list_checks(output_format: str) -> int:
    import csv

    from awsexplorer.checks.docs import catalog_rows
    from awsexplorer.inert import csv_cell, inert, json_text

    rows = catalog_rows()
    if output_format == "json":
        print(json_text(rows, indent=1))
    elif output_format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    else:
        for row in rows:
            print(inert(f"{row['id']:<34} {row['severity']:<9} {row['title']}"))
    return 0


def one_account(result: Any, wanted: str) -> Any:
    """The part of `result` that is one account, chosen by id, alias or name (any case)."""
    from awsexplorer.errors import UserError
    from awsexplorer.model.accounts import find_account, split

    account = find_account(result.account_scans(), wanted)
    if account is None:
        known = ", ".join(
            a.id + (f" ({a.label})" if a.label != a.id else "") for a in result.account_scans()
        )
        raise UserError(f"No account {wanted!r} in this snapshot.", f"Its accounts: {known}.")
    for scan, part in split(result):
        if scan.id == account.id:
            if result.multi_account:
                part.checks = list(scan.checks)
            return part
    raise AssertionError("split lost an account")  # pragma: no cover


def run(args: argparse.Namespace) -> int:
    # A reader that leaves (`| head`) is handled once, by cli.main (report.console too).
    from awsexplorer import snapshot
    from awsexplorer.checks import rejudge, settings_from_args
    from awsexplorer.cli import text as report
    from awsexplorer.errors import UserError
    from awsexplorer.inert import inert, json_text

    if args.list_checks:
        return list_checks(args.format)
    if args.snapshot is None:
        raise UserError(
            "Which snapshot? `awsexplorer findings SNAPSHOT`.",
            "Write one with `awsexplorer scan --output scan.json`.",
        )
    settings = settings_from_args(args)
    result = snapshot.read(args.snapshot)
    if args.recheck:
        from awsexplorer.checks import evaluate

        result.findings, result.checks = evaluate(result, settings)
    elif note := rejudge(result, settings):
        print(f"awsexplorer: {inert(note)}", file=sys.stderr)
    elif settings.disabled_checks:  # a snapshot that does not record its settings
        result.findings = [f for f in result.findings if f.check not in settings.disabled_checks]
    from awsexplorer.model.accounts import production_ids

    # The one production verdict, over every account of the snapshot (before --account).
    production = production_ids(result.account_scans(), settings.production_pattern)
    every_account = result.account_scans() if result.multi_account else []
    if args.account:
        result = one_account(result, args.account)
    findings = at_least(
        sorted(result.findings, key=lambda f: (f.severity.rank, f.check, f.region, f.resource)),
        args.severity,
    )
    if args.format == "json":
        document = {
            "account": result.account.to_dict(),
            "snapshot_finished_at": result.finished_at,
            "findings": [f.to_dict() for f in findings],
            "checks": [c.to_dict() for c in sorted(result.checks, key=lambda c: c.id)],
        }
        if every_account:  # several accounts: who each is, and whether it is production
            shown = {result.account.id} if args.account else {a.id for a in every_account}
            document["accounts"] = [
                {
                    "id": a.id,
                    "alias": a.alias,
                    "name": a.name,
                    "status": a.status.value,
                    "production": a.id in production,
                }
                for a in every_account
                if a.id in shown
            ]
        # Exact strings (JSON escapes them), with C1 controls, bidi overrides and zero-width
        # characters as \u escapes so that the output is safe in a terminal too.
        sys.stdout.write(json_text(document, indent=1) + "\n")
    elif args.format == "csv":
        write_csv(findings)
    else:
        report.print_findings(report.console(), result, findings, production)
    return 0
