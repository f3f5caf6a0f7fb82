"""The non-interactive output of `scan --format text`, rendered with rich.

Every string from AWS or a snapshot is hostile: it reaches rich only as a `Text` made by `_t`
(inert: control characters shown as ␛ and the like; never parsed as markup, never highlighted).
A plain `str` given to a rich table or `console.print` would be parsed as markup.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, NamedTuple

from rich._wrap import divide_line
from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, JustifyMethod, OverflowMethod, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from awsexplorer.inert import inert
from awsexplorer.model import GLOBAL_REGION, Finding, RegionStatus, ScanResult, Severity
from awsexplorer.model.defaults import regions_with_only_defaults

if TYPE_CHECKING:  # imported where used: the scan starts without them (cli/commands/scan.py)
    from rich.table import Table


class _Console(Console):
    """rich's Console, but a reader that leaves (`awsexplorer findings ... | head -1`) is a
    BrokenPipeError for cli.main, which leaves with 0 as every command does: rich's own
    handler exits 1."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def console(*, stderr: bool = False) -> Console:
    """The one kind of console the commands print through (no highlighting: our styles only)."""
    return _Console(stderr=stderr, highlight=False)


SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}

STATUS_STYLE = {
    RegionStatus.OK: "green",
    RegionStatus.PARTIAL: "yellow",
    RegionStatus.FAILED: "bold red",
    RegionStatus.NOT_ENABLED: "dim",
}


class Column(NamedTuple):
    header: str  # a constant of ours (rich would parse it as markup)
    justify: JustifyMethod = "left"
    no_wrap: bool = False
    overflow: OverflowMethod = "ellipsis"
    max_width: int | None = None


_PAD = 2  # one space either side of every cell


class FastTable:
    """What `rich.table.Table(title=..., title_justify="left", expand=False)` with these
    columns prints, character for character (rich's widths, its word wrapping, its box), at a
    fraction of the CPU: rich's Table renders every cell through its general machinery
    (Measurement, Padding, render_lines, set_shape: ~0.4 s of the 17-region benchmark's scan,
    for its 544 findings). Here each cell is measured once and wrapped once by `Text.wrap`,
    and its lines are laid out as rich lays them out. Only Text cells, the default box
    (HEAVY_HEAD), padding (0, 1) and the header style; tests/test_tail_text_table.py checks
    the output against rich's own Table, text and styles. A table too narrow for its padding
    is left to rich's Table."""

    def __init__(self, title: Text, columns: Sequence[Column]) -> None:
        self.title = title
        self.columns = list(columns)
        self.rows: list[tuple[Text, ...]] = []
        # per column, its cells' longest line (Text.__rich_measure__'s maximum: the only
        # measure the widths of a table that is not expanded depend on)
        self._highs = [0] * len(self.columns)
        for index, column in enumerate(self.columns):
            self._measure(index, Text(column.header))

    def add_row(self, *cells: Text) -> None:
        assert len(cells) == len(self.columns)
        self.rows.append(cells)
        for index, cell in enumerate(cells):
            self._measure(index, cell)

    def _measure(self, index: int, text: Text) -> None:
        lines = text.plain.splitlines()
        high = max(map(cell_len, lines)) if lines else 0
        self._highs[index] = max(self._highs[index], high)

    def rich_table(self) -> Table:
        """The same table as rich's Table (what this one prints)."""
        from rich.table import Table

        table = Table(title=self.title, title_justify="left", expand=False)
        for c in self.columns:
            table.add_column(
                c.header,
                justify=c.justify,
                no_wrap=c.no_wrap,
                overflow=c.overflow,
                max_width=c.max_width,
            )
        for row in self.rows:
            table.add_row(*row)
        return table

    def _column_width(self, index: int, max_width: int) -> int:
        """The maximum of Table._measure_column for a column of Text cells in Padding(cell,
        (0, 1)): every cell's measure is clamped to the same width, so the column's is the
        clamp of its longest line."""
        if max_width < 1:
            return 0
        if max_width - _PAD < 1:
            high = max_width
        else:
            high = min(self._highs[index], max_width - _PAD) + _PAD
        limit = self.columns[index].max_width
        return high if limit is None else min(high, limit + _PAD)

    def _widths(self, max_width: int) -> list[int]:
        """Table._calculate_column_widths, not expanded."""
        from rich._ratio import ratio_reduce
        from rich.table import Table

        count = len(self.columns)
        widths = [self._column_width(i, max_width) or 1 for i in range(count)]
        if sum(widths) > max_width:
            wrapable = [not column.no_wrap for column in self.columns]
            widths = Table._collapse_widths(widths, wrapable, max_width)
            if sum(widths) > max_width:
                widths = ratio_reduce(sum(widths) - max_width, [1] * count, widths, widths)
            widths = [self._column_width(i, width) for i, width in enumerate(widths)]
        return widths

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        extra = len(self.columns) + 1  # the edges and the lines between columns
        widths = self._widths(options.max_width - extra)
        if min(widths, default=0) <= _PAD:
            yield self.rich_table()  # no room for a cell's text: rich knows what to do
            return
        table_width = sum(widths) + extra
        options = options.update(width=table_width, highlight=False, height=None)
        yield from console.render(self.title, options.update(justify="left"))
        from rich import box

        frame = box.HEAVY_HEAD.substitute(options, safe=console.safe_box)
        new_line = Segment.line()
        yield Segment(frame.get_top(widths))
        yield new_line
        header_style = console.get_style("table.header")
        rows: list[tuple[Style | None, tuple[Text, ...]]] = [
            (header_style, tuple(Text(c.header) for c in self.columns))
        ]
        rows += [(None, row) for row in self.rows]
        last_row = len(rows) - 1
        for index, (style, row) in enumerate(rows):
            cells = [
                _cell(console, cell, column, width, style)
                for cell, column, width in zip(row, self.columns, widths, strict=True)
            ]
            height = max(len(lines) for lines in cells)
            for lines, width in zip(cells, widths, strict=True):
                if len(lines) < height:
                    blank = [Segment(" " * width, style)]
                    extra_lines = [blank] * (height - len(lines))
                    # the header is aligned to the bottom, the rows to the top
                    lines[:] = extra_lines + lines if index == 0 else lines + extra_lines
            if index == 0:
                left, right, divider = frame.head_left, frame.head_right, frame.head_vertical
            elif index == last_row:
                left, right, divider = frame.foot_left, frame.foot_right, frame.foot_vertical
            else:
                left, right, divider = frame.mid_left, frame.mid_right, frame.mid_vertical
            edge, end, between = Segment(left), Segment(right), Segment(divider)
            for line_no in range(height):
                line = [edge]
                for column_no, lines in enumerate(cells):
                    if column_no:
                        line.append(between)
                    line += lines[line_no]
                line.append(end)
                yield from _joined(line)
                yield new_line
            if index == 0:
                yield Segment(frame.get_row(widths, "head", edge=True))
                yield new_line
        yield Segment(frame.get_bottom(widths))
        yield new_line


def _cell(
    console: Console, cell: Text, column: Column, width: int, style: Style | None
) -> list[list[Segment]]:
    """One cell's lines as rich's Table renders Padding(cell, (0, 1)) in it: the text
    wrapped to width - 2 as Text.wrap wraps it, each line padded to it, a space either side;
    `style` (the header's) under everything."""
    inner = width - _PAD
    lines = _plain_lines(console, cell, column, inner)
    if lines is None:
        lines = _wrapped_lines(console, cell, column, inner)
    cells: list[list[Segment]] = []
    for segments in lines:
        segments = [_SPACE, *segments, _SPACE]
        if style is not None:
            segments = list(Segment.apply_style(segments, style))
        cells.append(segments)
    if not cells:
        cells.append([Segment(" " * width, style)])
    return cells


def _wrapped_lines(console: Console, cell: Text, column: Column, inner: int) -> list[list[Segment]]:
    """The cell's lines by Text.wrap itself."""
    tab_size = console.tab_size if cell.tab_size is None else cell.tab_size
    wrapped = cell.wrap(
        console,
        inner,
        justify=cell.justify or column.justify,
        overflow=cell.overflow or column.overflow,
        tab_size=tab_size or 8,
        no_wrap=column.no_wrap if cell.no_wrap is None else cell.no_wrap,
    )
    lines: list[list[Segment]] = []
    for line in wrapped:
        if line.spans:
            segments = list(line.render(console))
        else:  # render() leaves an unspanned line's own style out; Text.join keeps it
            line_style = console.get_style(line.style) if line.style else None
            segments = [Segment(line.plain, line_style)]
        if cell_len(line.plain) != inner:
            segments = Segment.adjust_line_length(segments, inner)
        lines.append(segments)
    return lines


def _plain_lines(
    console: Console, cell: Text, column: Column, inner: int
) -> list[list[Segment]] | None:
    """The cell's lines as Text.wrap makes them, for the cells of a report (left-justified,
    no tab; each line either unstyled but for the cell's own style, or all of one span that
    fits, as a finding's check id under its message), worked on the strings; None for any
    other cell (then Text.wrap does it)."""
    plain = cell.plain
    overflow = cell.overflow or column.overflow
    if (
        (cell.justify or column.justify) != "left"
        or overflow not in ("fold", "crop", "ellipsis")
        or "\t" in plain
    ):
        return None
    no_wrap = column.no_wrap if cell.no_wrap is None else cell.no_wrap
    base = console.get_style(cell.style) if cell.style else None
    spans = cell.spans
    lines: list[list[Segment]] = []
    start = 0
    for line in plain.split("\n"):
        end = start + len(line)
        touching = [s for s in spans if s.start < end and s.end > start] if spans else []
        if not touching:
            lines.extend(
                [Segment(piece, base)] for piece in _pieces(line, inner, overflow, no_wrap)
            )
        elif (
            len(touching) == 1
            and touching[0].start <= start
            and touching[0].end >= end
            and cell_len(line) <= inner
        ):
            # Text.render: the cell's style, then the span's; the padding is past the span.
            span_style = console.get_style(touching[0].style, default=Style.null())
            combined = Style.combine([base or Style.null(), span_style])
            lines.append([Segment(line, combined), Segment(" " * (inner - cell_len(line)), base)])
        else:
            return None
        start = end + 1
    return lines


_TRAILING_SPACE = re.compile(r"\s+$")  # rich.text's _re_whitespace


def _pieces(line: str, width: int, overflow: str, no_wrap: bool) -> list[str]:
    """Text.wrap of one line without a newline or a tab, left-justified: rich's divide_line
    breaks it, each piece loses the trailing space past the width (rstrip_end), is cut to the
    width (truncate: an ellipsis, or cropped) or padded to it."""
    length = cell_len(line)
    if length <= width:
        return [line + " " * (width - length)]  # divide_line breaks nothing that fits
    if no_wrap:
        pieces = [line]
    else:
        offsets = divide_line(line, width, fold=overflow == "fold")
        bounds = [0, *offsets, len(line)]
        pieces = [line[a:b] for a, b in pairwise(bounds)]
    out = []
    for piece in pieces:
        if not no_wrap and len(piece) > width:
            match = _TRAILING_SPACE.search(piece)
            if match is not None:
                piece = piece[: len(piece) - min(len(match.group(0)), len(piece) - width)]
        length = cell_len(piece)
        if length > width:  # (no control code for Text.plain's setter to strip: Text has none)
            if overflow == "ellipsis":
                piece = set_cell_size(piece, width - 1) + "…"
            else:
                piece = set_cell_size(piece, width)
        elif length < width:
            piece += " " * (width - length)
        out.append(piece)
    return out


_SPACE = Segment(" ")


def _joined(segments: list[Segment]) -> Iterator[Segment]:
    """The segments with each run of one style as one segment (Segment.simplify, for our
    segments: no control codes)."""
    texts = [segments[0].text]
    style = segments[0].style
    for segment in segments[1:]:
        if segment.style is style or segment.style == style:
            texts.append(segment.text)
        else:
            yield Segment("".join(texts), style)
            texts = [segment.text]
            style = segment.style
    yield Segment("".join(texts), style)


def _t(value: object, style: str = "") -> Text:
    """Untrusted text as a rich renderable that is shown as it is and does nothing."""
    return Text(inert(value), style=style)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def short_type(resource_type: str) -> str:
    return resource_type.split(":", 1)[1]


def print_summary(console: Console, result: ScanResult) -> None:
    account = result.account
    alias = f" ({account.alias})" if account.alias else ""
    console.print(
        Text.assemble(
            ("Account ", "bold"),
            (inert(f"{account.id}{alias}"), "bold cyan"),
            "  caller ",
            (inert(account.caller_arn), "cyan"),
            inert(f"\nScanned {result.started_at} .. {result.finished_at}", keep_newlines=True),
        )
    )
    by_region: dict[str, Counter[str]] = defaultdict(Counter)
    for resource in result.resources:
        by_region[resource.region][short_type(resource.type)] += 1
    only_defaults = regions_with_only_defaults(result.resources)

    table = FastTable(
        Text("Resources by region", style="table.title"),
        [
            Column("Region", no_wrap=True),
            Column("Status", no_wrap=True),
            Column("Count", justify="right"),
            Column("By type"),
        ],
    )
    scanned = {r.name: r for r in result.regions}
    names = sorted(set(scanned) | set(by_region), key=lambda n: (n != GLOBAL_REGION, n))
    defaults_only: list[str] = []
    for name in names:
        region = scanned.get(name)
        counts = by_region.get(name, Counter())
        status = region.status if region else RegionStatus.OK
        if status is RegionStatus.NOT_ENABLED and not counts:
            continue
        if status is RegionStatus.OK and name in only_defaults:
            defaults_only.append(name)  # fold: nothing of the user's here
            continue
        detail = ", ".join(f"{t} {n}" for t, n in sorted(counts.items()))
        if region and region.reason and status is RegionStatus.FAILED:
            detail = region.reason
        table.add_row(
            _t(name),
            Text(status.value, style=STATUS_STYLE.get(status, "")),
            Text(str(sum(counts.values()))),
            _t(detail or "(empty)", style="" if detail else "dim"),
        )
    console.print(table, crop=False)  # FastTable: never wider than the console
    if defaults_only:
        console.print(
            _t(
                f"Only AWS defaults (default VPC, settings) in {len(defaults_only)} regions: "
                + ", ".join(defaults_only),
                style="dim",
            )
        )
    not_enabled = [r.name for r in result.regions if r.status is RegionStatus.NOT_ENABLED]
    if not_enabled:
        console.print(_t(f"Not enabled (not scanned): {', '.join(not_enabled)}", style="dim"))

    errors = result.errors
    if errors:
        console.print(Text(f"{len(errors)} calls failed:", style="bold yellow"))
        for e in sorted(errors, key=lambda e: (e.region, e.service, e.operation)):
            line = Text.assemble(
                (inert(f"  {e.region} "), "bold"),
                inert(f"{e.service}:{e.operation} "),
                (inert(e.code), "red"),
                inert(f" {e.message}"),
            )
            line.truncate(console.width * 2, overflow="ellipsis")
            console.print(line)
    console.print(
        Text(
            f"{_count(len(result.resources), 'resource')} in "
            f"{_count(len(result.scanned_regions), 'region')} (and global); "
            + ("complete." if result.complete else "PARTIAL: some calls failed (see above)."),
            style="bold" if result.complete else "bold yellow",
        )
    )
    print_findings(console, result)


def print_findings(
    console: Console,
    result: ScanResult,
    findings: list[Finding] | None = None,
    production: frozenset[str] = frozenset(),
) -> None:
    """The warnings grouped by severity, worst first: resource, region, message; then the
    checks that could not be evaluated, so silence is never mistaken for a pass."""
    findings = result.findings if findings is None else findings
    labels = {r.arn: r.name or r.id for r in result.resources}
    labels[result.account.root_arn] = f"account {result.account.id}"
    # Several accounts: each account's own findings name it, and the region column says whose.
    several = result.multi_account
    # A production account (model/accounts.production_ids) says so: "PROD acme-prod".
    names = {
        a.id: ("PROD " if a.id in production else "") + a.label for a in result.account_scans()
    }
    for account in result.account_scans() if several else ():
        labels[account.account.root_arn] = f"account {account.label} ({account.id})"
    if not findings:
        console.print(Text("No findings.", style="bold green"))
    for severity in Severity:
        group = [f for f in findings if f.severity is severity]
        if not group:
            continue
        table = FastTable(
            Text(f"{severity.value.upper()} ({len(group)})", style=SEVERITY_STYLE[severity]),
            [
                Column("Resource", overflow="fold", max_width=28),
                Column("Account, region" if several else "Region", no_wrap=True),
                Column("Message", overflow="fold"),
            ],
        )
        for f in sorted(group, key=lambda f: (f.check, f.region, f.resource, f.message)):
            message = _t(f.message)
            message.append("\n" + inert(f.check), style="dim")
            where = (
                f"{names.get(f.account_id or '', f.account_id)} {f.region}" if several else f.region
            )
            table.add_row(_t(labels.get(f.resource, f.resource)), _t(where), message)
        console.print(table, crop=False)
    skipped = [c for c in result.checks if not c.evaluated]
    if skipped:
        console.print(Text(f"{_count(len(skipped), 'check')} not evaluated:", style="bold yellow"))
        for c in sorted(skipped, key=lambda c: c.id):
            console.print(
                Text.assemble(inert(f"  {c.id}: "), (inert(c.reason or "no reason given"), "dim"))
            )
    counts = Counter(f.severity for f in findings)
    summary = ", ".join(f"{counts[s]} {s.value}" for s in Severity if counts[s])
    console.print(Text(f"{len(findings)} findings" + (f" ({summary})" if summary else "") + "."))
