"""`scan`'s account lines (print_accounts): the status and resource columns line up whatever
the name: a production account's PROD mark shares the name's column, and a name of wide
characters is padded by the cells it takes, not its length."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console

from awsexplorer.cli.commands.scan import print_accounts
from awsexplorer.model import Resource
from awsexplorer.model.scan_result import Account, AccountScan, AccountStatus, ScanResult


def test_the_account_lines_line_up_with_a_prod_mark_and_wide_names() -> None:
    accounts = [
        AccountScan(id="111111111111", alias="master"),
        AccountScan(id="222222222222", alias="prod-web"),
        AccountScan(id="333333333333", alias="本番アカウント", status=AccountStatus.PARTIAL),
        AccountScan(id="444444444444", alias="x" * 60, status=AccountStatus.FAILED),
    ]
    result = ScanResult(
        account=Account(id="111111111111", alias=None, partition="aws", caller_arn=""),
        started_at="2026-12-04T00:00:00Z",
        finished_at=None,
        regions=[],
        resources=[
            Resource(
                arn="arn:aws:sqs:eu-west-1:222222222222:q",
                id="q",
                type="sqs:queue",
                region="eu-west-1",
                name="q",
                account_id="222222222222",
            )
        ],
        accounts=accounts,
    )
    console = Console(width=200, record=True, color_system=None)
    print_accounts(console, result, production=frozenset({"222222222222"}))
    lines = console.export_text().splitlines()
    assert "PROD prod-web" in lines[1]
    # The cell where each line's status begins (a wide character takes two cells).
    statuses = [
        cell_len(line[: line.index(word)])
        for line in lines
        for word in ("ok", "partial", "failed")
        if f" {word} " in line
    ]
    assert len(statuses) == 4
    assert len(set(statuses)) == 1, lines
    assert "…" in lines[3]  # a long name is cut, with a mark that it is
