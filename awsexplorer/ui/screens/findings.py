"""`:findings`: every warning, grouped by severity, filterable; Enter shows its resource."""

from __future__ import annotations

import textwrap
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from awsexplorer.inert import inert
from awsexplorer.model import ScanResult, Severity
from awsexplorer.ui.format import SEVERITY_MARK, SEVERITY_STYLE
from awsexplorer.ui.screens.scan_view import ScanViewScreen
from awsexplorer.ui.views.findings import (
    FindingRow,
    FindingsView,
    UncheckedRow,
    build_findings_view,
)

# `s` steps through these: everything, then only the worst, then widening again.
SEVERITY_STEPS: tuple[Severity | None, ...] = (
    None,
    Severity.CRITICAL,
    Severity.HIGH,
    Severity.MEDIUM,
    Severity.LOW,
)
UNCHECKED_PREFIX = "unchecked:"


INDENT = "   "
# Shown at most, worst first: a few hundred options keep filtering instant on huge accounts.
MAX_SHOWN = 500
# A message longer than this is cut (with an ellipsis): ten wrapped lines at 80 columns, or so.
MESSAGE_LIMIT = 800


def _hanging(mark: Text, head: Text, body: str, body_style: str, width: int) -> Text:
    """`mark head` cut to one line, then the body wrapped under the head (hanging indent).

    Wrapped here rather than by a rich Table: Tables cost ~10x more per option to lay out."""
    width = max(width, 20)
    text = Text.assemble(mark.copy(), " ", head)
    text.truncate(width, overflow="ellipsis")
    for line in textwrap.wrap(body, width - len(INDENT)) or [""]:
        text.append(f"\n{INDENT}{line}", style=body_style)
    return text


def finding_prompt(row: FindingRow, width: int = 78) -> Text:
    """Where (resource, region, check) on one line, then what, wrapped beneath it."""
    head = Text(inert(row.resource, limit=200), style="bold")
    head.append(f"  {inert(row.region, limit=40)}", style="magenta")
    head.append(f"  {inert(row.check, limit=80)}", style="dim")
    mark = Text(f"{SEVERITY_MARK[row.severity]:<2}", style=SEVERITY_STYLE[row.severity])
    return _hanging(mark, head, inert(row.message, limit=MESSAGE_LIMIT), "", width)


def unchecked_prompt(row: UncheckedRow, width: int = 78) -> Text:
    mark = Text("? ", style="yellow")
    head = Text(inert(row.check, limit=200), style="bold")
    return _hanging(mark, head, inert(row.reason, limit=MESSAGE_LIMIT), "dim", width)


def group_header(title: str, count: int, style: str) -> Option:
    return Option(Text(f"── {title} ({count})", style=style), disabled=True)


class FindingsScreen(ScanViewScreen):
    """Warnings worst first, with the checks that could not be evaluated at the end."""

    VIEW_NAME = "Findings"

    DEFAULT_CSS = """
    FindingsScreen #findings-filter {
        height: 1;
        border: none;
        padding: 0 1;
        background: $boost;
    }
    FindingsScreen #findings-filter:focus {
        background: $primary 20%;
    }
    FindingsScreen #findings-list {
        height: 1fr;
        border: none;
        padding: 0;
    }
    FindingsScreen #findings-empty {
        height: 1fr;
    }
    FindingsScreen #findings-detail {
        max-height: 6;
    }
    """

    BINDINGS = [
        Binding("enter", "jump", "Show", priority=True),
        Binding("slash", "focus_filter", "Filter"),
        Binding("s", "cycle_severity", "Severity"),
    ]

    def __init__(self, result: ScanResult, now: datetime | None = None) -> None:
        super().__init__(result, now)
        self.min_severity: Severity | None = None
        self.filter_text = ""
        self.shown = FindingsView([], [], False)
        self._full = self.shown
        self._full_for: ScanResult | None = None
        self._laid_out_for = 0  # the prompt width the options were wrapped for

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield Input(
            placeholder="/ to filter: words in check, resource, region, message",
            id="findings-filter",
        )
        yield OptionList(id="findings-list")
        yield Static(id="findings-empty", classes="view-empty")
        yield Static(id="findings-detail", classes="view-detail")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.rebuild()
        self.query_one("#findings-list", OptionList).focus()

    @property
    def full_view(self) -> FindingsView:
        """Every finding of the current result; built once per result, filtered per keystroke."""
        if self._full_for is not self.result:
            self._full = build_findings_view(self.result)
            self._full_for = self.result
        return self._full

    def title_text(self) -> str:
        view = self.full_view
        counts = view.counts()
        summary = " ".join(f"{SEVERITY_MARK[s]}{counts[s]}" for s in Severity if counts.get(s))
        text = f"{super().title_text()} · {len(view.findings)} warnings {summary}".rstrip()
        if self.min_severity is not None:
            text += f" · showing {self.min_severity.value}+"
        return text

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#findings-list", OptionList)

    def rebuild(self) -> None:
        super().rebuild()
        full = self.full_view
        self.shown = full.filtered(self.filter_text, self.min_severity)
        options = self.option_list
        current = self.current_id
        options.clear_options()
        width = self._laid_out_for = self._prompt_width()
        new: list[Option] = []
        # Rows are worst first, so one pass groups them; ids index `self.shown.findings`.
        counts = self.shown.counts()
        current_severity: Severity | None = None
        for index, row in enumerate(self.shown.findings[:MAX_SHOWN]):
            if row.severity is not current_severity:
                current_severity = row.severity
                new.append(
                    group_header(
                        row.severity.value.upper(),
                        counts[row.severity],
                        SEVERITY_STYLE[row.severity],
                    )
                )
            new.append(Option(finding_prompt(row, width), id=f"finding:{index}"))
        hidden = len(self.shown.findings) - MAX_SHOWN
        if hidden > 0:
            new.append(
                Option(
                    Text(
                        f"… {hidden} more, less severe: type / to filter or s for severity",
                        style="italic",
                    ),
                    disabled=True,
                )
            )
        if self.shown.unchecked:
            new.append(group_header("NOT EVALUATED", len(self.shown.unchecked), "bold yellow"))
            new.extend(
                Option(unchecked_prompt(row, width), id=f"{UNCHECKED_PREFIX}{row.check}")
                for row in self.shown.unchecked
            )
        options.add_options(new)
        ids = [o.id for o in options.options]
        if current is not None and current in ids:
            options.highlighted = ids.index(current)
        elif new:
            options.action_first()
        options.display = bool(new)
        empty = self.query_one("#findings-empty", Static)
        empty.display = not new
        empty.update(Text(self._empty_text(full)))
        self._show_detail()

    def _prompt_width(self) -> int:
        """The text width inside an option: the list minus its scrollbar and padding."""
        width = self.option_list.size.width or self.app.size.width
        return width - 4

    def on_resize(self) -> None:
        if self._prompt_width() != self._laid_out_for:
            self.rebuild()

    def _empty_text(self, full: FindingsView) -> str:
        if full.findings or full.unchecked:
            return "Nothing matches the filter. Press / to change it, s for severity."
        if self.result.finished_at is None:
            return "No warnings yet: the checks run when the scan finishes."
        if not full.checks_run:
            return "The checks have not been evaluated for this scan."
        return "No warnings: every evaluated check passed."

    @property
    def current_id(self) -> str | None:
        option = self.option_list.highlighted_option
        return option.id if option is not None else None

    def _row(self, option_id: str | None) -> FindingRow | UncheckedRow | None:
        if option_id is None:
            return None
        if option_id.startswith(UNCHECKED_PREFIX):
            check = option_id.removeprefix(UNCHECKED_PREFIX)
            return next((r for r in self.shown.unchecked if r.check == check), None)
        index = int(option_id.split(":", 1)[1])
        return self.shown.findings[index] if index < len(self.shown.findings) else None

    def _show_detail(self) -> None:
        detail = self.query_one("#findings-detail", Static)
        row = self._row(self.current_id)
        if isinstance(row, FindingRow):
            text = Text(f"{inert(row.arn, limit=300)}\n", style="dim")
            text.append("Fix: ", style="bold")
            text.append(inert(row.remediation or "no remediation recorded", limit=MESSAGE_LIMIT))
        elif isinstance(row, UncheckedRow):
            text = Text(
                f"{inert(row.check, limit=200)} was neither passed nor failed: its input could "
                "not be read. Grant the permission named above and rescan."
            )
        else:
            text = None
        detail.display = text is not None
        detail.update(text or Text())

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_jump()

    def action_jump(self) -> None:
        if isinstance(self.focused, Input):
            self.option_list.focus()  # Enter in the filter: done filtering
            return
        row = self._row(self.current_id)
        if isinstance(row, FindingRow):
            self.jump_to(row.arn)
        elif isinstance(row, UncheckedRow):
            self.notify("A check that could not run has no resource to show.", timeout=3)

    @on(Input.Changed, "#findings-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.filter_text = event.value
        self.rebuild()

    @on(Input.Submitted, "#findings-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.option_list.focus()

    def action_focus_filter(self) -> None:
        self.query_one("#findings-filter", Input).focus()

    def action_back(self) -> None:
        # Esc clears an active filter first (back in the list); a second Esc closes the view.
        box = self.query_one("#findings-filter", Input)
        if box.value:
            box.value = ""
            self.filter_text = ""
            self.rebuild()
            self.option_list.focus()
        elif isinstance(self.focused, Input):
            self.option_list.focus()
        else:
            self.dismiss()

    def action_cycle_severity(self) -> None:
        step = SEVERITY_STEPS.index(self.min_severity)
        self.min_severity = SEVERITY_STEPS[(step + 1) % len(SEVERITY_STEPS)]
        self.rebuild()
