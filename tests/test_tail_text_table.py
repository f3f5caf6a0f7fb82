"""cli/text.FastTable prints what rich's Table prints for the same title, columns and rows:
the same characters (widths, wrapping, folding, ellipses, box) and the same style on every
character, at every console width, for the scan summary's and the findings' tables."""

from __future__ import annotations

import io
import random

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from awsexplorer.cli.text import Column, FastTable, _t, print_summary
from tests.hostile import CORPUS

FINDINGS = [
    Column("Resource", overflow="fold", max_width=28),
    Column("Region", no_wrap=True),
    Column("Message", overflow="fold"),
]
REGIONS = [
    Column("Region", no_wrap=True),
    Column("Status", no_wrap=True),
    Column("Count", justify="right"),
    Column("By type"),
]
WORDS = [
    "vol-0123456789abcdef0",
    "is",
    "not",
    "encrypted",
    "arn:aws:iam::123456789012:role/service-role/a-very-long-role-name-that-will-fold",
    "東京リージョン",
    "ok",
    "",
    "  ",
    "a",
    "(8 GiB,",
    "🚀rocket",
]


def _phrase(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _cell(rng: random.Random) -> Text:
    kind = rng.random()
    if kind < 0.1:
        return _t(rng.choice(list(CORPUS.values()))[:300])
    if kind < 0.15:
        return Text(_phrase(rng, rng.randint(1, 4)) + "\t" + _phrase(rng, 2))
    if kind < 0.2:  # raw controls (rich's Text drops them; AWS's strings are inert first)
        return Text(_phrase(rng, 2) + "\x07bell\x08\rcr    " + rng.choice(WORDS) * 3 + "   ")
    if kind < 0.5:  # a finding's message: its text, then its check id dimmed on a new line
        message = _t(_phrase(rng, rng.randint(1, 20)))
        message.append("\n" + "ec2-ebs-unencrypted", style="dim")
        return message
    style = rng.choice(["", "dim", "bold red", "green"])
    return Text(_phrase(rng, rng.randint(0, 6)), style=style)


def _table(rng: random.Random, columns: list[Column], rows: int) -> FastTable:
    title = Text(_phrase(rng, 3), style=rng.choice(["bold white on red", "yellow", ""]))
    table = FastTable(title, columns)
    for _ in range(rows):
        table.add_row(*(_cell(rng) for _ in columns))
    return table


def _styled(renderable: object, width: int) -> tuple[str, list[tuple[str, Style]]]:
    """The text a terminal console of this width prints, and every character's style."""
    console = Console(
        file=io.StringIO(), width=width, color_system="truecolor", force_terminal=True
    )
    chars = [
        (char, segment.style or Style.null())
        for segment in console.render(renderable)  # type: ignore[arg-type]
        for char in segment.text
    ]
    return "".join(char for char, _ in chars), chars


def _printed(renderable: object, width: int, **kwargs: object) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, highlight=False, **kwargs)  # type: ignore[arg-type]
    console.print(renderable)
    return buffer.getvalue()


@pytest.mark.parametrize("seed", range(40))
def test_same_characters_and_styles_as_rich_table(seed: int) -> None:
    rng = random.Random(seed)
    columns = FINDINGS if seed % 2 else REGIONS
    table = _table(rng, columns, rows=rng.randint(0, 8))
    for width in (rng.randint(6, 30), rng.randint(30, 90), 80, rng.randint(90, 220)):
        mine, mine_styles = _styled(table, width)
        theirs, their_styles = _styled(table.rich_table(), width)
        assert mine == theirs, f"seed {seed}, width {width}:\n{mine}\n{theirs}"
        assert mine_styles == their_styles, f"seed {seed}, width {width}"


@pytest.mark.parametrize("width", [8, 20, 40, 80, 132])
def test_printed_the_same_plain_ascii_and_no_color(width: int) -> None:
    rng = random.Random(width)
    table = _table(rng, FINDINGS, rows=12)
    for kwargs in ({}, {"no_color": True}, {"force_terminal": True}, {"safe_box": True}):
        assert _printed(table, width, **kwargs) == _printed(table.rich_table(), width, **kwargs)


def test_a_console_that_cannot_write_the_box_gets_the_ascii_box() -> None:
    rng = random.Random(7)
    table = _table(rng, FINDINGS, rows=3)
    printed = []
    for renderable in (table, table.rich_table()):
        out = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="replace")
        Console(file=out, width=60, highlight=False).print(renderable)
        out.flush()
        printed.append(out.buffer.getvalue())
    assert printed[0] == printed[1]
    assert b"+--" in printed[0]  # rich's ASCII box, not the heavy one


def test_summary_tables_match_rich() -> None:
    """The whole scan summary, printed with FastTable, is what rich's Table printed: the
    findings tables of a scan result with many findings and regions."""
    from awsexplorer.model import (
        Account,
        Finding,
        RegionScan,
        RegionStatus,
        Resource,
        ScanResult,
        Severity,
    )

    account = Account(
        id="123456789012",
        alias=None,
        partition="aws",
        caller_arn="arn:aws:sts::123456789012:user/moto",
    )
    resources = [
        Resource(
            arn=f"arn:aws:ec2:{region}:123456789012:volume/vol-{i:017x}",
            type="ec2:volume",
            region=region,
            id=f"vol-{i:017x}",
            name="unit0-spare" if i % 3 else "",
        )
        for i, region in enumerate(["us-east-1", "eu-west-1", "ap-northeast-1"] * 5)
    ]
    findings = [
        Finding(
            check="ec2-ebs-unencrypted",
            severity=list(Severity)[i % 5],
            resource=r.arn,
            region=r.region,
            message=f"volume {r.id} ({r.name or 'no name'}, 8 GiB, attached to nothing) is "
            "not encrypted",
            remediation="encrypt it",
        )
        for i, r in enumerate(resources)
    ]
    result = ScanResult(
        account=account,
        started_at="2026-01-01T00:00:00Z",
        finished_at="2026-01-01T00:00:05Z",
        regions=[RegionScan(name=n, status=RegionStatus.OK) for n in ("us-east-1", "eu-west-1")],
        resources=resources,
        findings=findings,
    )
    for width in (60, 80, 120):
        fast = io.StringIO()
        print_summary(Console(file=fast, width=width, highlight=False), result)
        slow = io.StringIO()
        _print_with_rich_tables(Console(file=slow, width=width, highlight=False), result)
        assert fast.getvalue() == slow.getvalue()
        assert "CRITICAL (3)" in fast.getvalue()


def _print_with_rich_tables(console: Console, result: object) -> None:
    """print_summary with every FastTable printed by rich's own Table."""
    original = Console.print

    def print_(self: Console, *objects: object, **kwargs: object) -> None:
        objects = tuple(o.rich_table() if isinstance(o, FastTable) else o for o in objects)
        kwargs.pop("crop", None)
        original(self, *objects, **kwargs)  # type: ignore[arg-type]

    Console.print = print_  # type: ignore[method-assign]
    try:
        print_summary(console, result)  # type: ignore[arg-type]
    finally:
        Console.print = original  # type: ignore[method-assign]


def test_segments_are_whole_lines_of_one_style() -> None:
    """A row's line is one segment per run of one style (here one), not one per cell part:
    what makes the table cheap to write."""
    table = FastTable(Text("T"), FINDINGS)
    for i in range(3):
        table.add_row(Text(f"r{i}"), Text("us-east-1"), Text("a message"))
    console = Console(file=io.StringIO(), width=80)
    segments = list(console.render(table))
    lines = Segment.split_lines(segments)
    rows = [line for line in lines if line[0].text.startswith("│")]
    assert len(rows) == 3
    assert all(len(line) == 1 for line in rows)


def test_raw_controls_and_cut_words_as_rich_prints_them() -> None:
    """Raw BEL, BS, CR in a cell (rich's Text drops them on entry; AWS's strings never have
    them, they are inert first) and a long word cut with an ellipsis, at several widths."""
    table = FastTable(Text("controls"), REGIONS)
    raw = "bell\x07 back\x08 return\r and a long tail of words"
    long_word = "bell\x07back\x08return\r" + "x" * 60  # cut by ellipsis (no fold)
    table.add_row(Text(raw), Text(raw), Text("3"), Text(raw + " " + long_word))
    for width in (20, 30, 45, 60):
        mine, mine_styles = _styled(table, width)
        theirs, their_styles = _styled(table.rich_table(), width)
        assert mine == theirs
        assert mine_styles == their_styles
