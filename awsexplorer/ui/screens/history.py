"""CloudTrail history screens: a resource's events (`t`), a region's changes (`:changes`), and
one event's whole JSON.

The screen never calls AWS: it asks the app's `fetch` (a Textual-free callable that drives the
scanner's session, scan/history.HistoryService) from a worker thread, and receives each page as
a message, so the first page shows at once and the rest stream in. Every string in an event
comes from whoever called AWS: cells are `Text(inert(...))`, the JSON is `json_text` in a Text,
never markup.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState, get_current_worker

from awsexplorer.inert import inert, json_text
from awsexplorer.model import ScanResult
from awsexplorer.model.history import HistoryEvent, TimeWindow, age, linked, shown
from awsexplorer.ui.screens.scan_view import ScanViewScreen

# (pages of a fetcher, called with each page, cancelled?) -> True when complete. The app's.
Pages = Callable[[Any], AsyncIterator[list[HistoryEvent]]]
Fetch = Callable[[Pages, Callable[[list[HistoryEvent]], None], Callable[[], bool]], bool]


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    """What a history screen shows: one resource's events, or a region's changes."""

    mode: str  # "resource" or "changes"
    region: str
    names: tuple[str, ...]
    hours: float
    label: str  # the resource, or the region, for the title
    # An explicit [start, end] instead of the last `hours` (`t` with a baseline: between scans).
    window: TimeWindow | None = None

    def pages(self, fetcher: Any) -> AsyncIterator[list[HistoryEvent]]:
        between = None if self.window is None else (self.window.start, self.window.end)
        if self.mode == "changes":
            return fetcher.changes(  # type: ignore[no-any-return]
                self.region, self.hours, between=between
            )
        return fetcher.resource(  # type: ignore[no-any-return]
            self.region, self.names, self.hours, between=between
        )

    def span_text(self) -> str:
        """`last 90 days`, or `between the two scans (… → … UTC)`."""
        return self.window.label if self.window is not None else f"last {_hours(self.hours)}"


class HistoryScreen(ScanViewScreen):
    """Events newest first; Enter: the JSON (`:changes`: jump to the resource it touched)."""

    VIEW_NAME = "History"
    HELP_VIEW = "history"

    DEFAULT_CSS = """
    HistoryScreen #history-status {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    HistoryScreen DataTable {
        height: 1fr;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", priority=True),
        Binding("v", "show_json", "JSON"),
        Binding("a", "toggle_reads", "Reads"),
        Binding("c", "copy", "Copy"),
    ]

    class PageArrived(Message):
        def __init__(self, events: list[HistoryEvent]) -> None:
            super().__init__()
            self.events = events

    def __init__(
        self,
        result: ScanResult,
        query: HistoryQuery,
        fetch: Fetch,
        *,
        reference: datetime,
        by_name: dict[str, str] | None = None,
        now: datetime | None = None,
    ) -> None:
        super().__init__(result, now)
        self.query_spec = query
        self._fetch = fetch
        self.reference = reference  # ages are "before the scan"
        self.by_name = by_name or {}
        self.events: list[HistoryEvent] = []
        self.rows: list[HistoryEvent] = []
        self.include_reads = False
        # Not Textual's `loading` (a Screen's cover stayed on screen after it was turned off,
        # Textual 8.2.8: the history never showed in a terminal); the status line says it.
        self.fetching = True
        self.failure: str | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield from self.compose_filter()
        yield Static(Text(self.status_text()), id="history-status", markup=False)
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True)
        yield table
        yield from self.compose_footer()

    def on_mount(self) -> None:
        table = self.table
        columns = ["When (UTC)", "Before scan", "Event", "Who", "Via", "Source IP", "Error"]
        if self.query_spec.mode == "changes":
            columns.insert(3, "Resource")
        table.add_columns(*columns)
        table.focus()
        self._load()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one(DataTable)

    def main_widget(self) -> Widget | None:
        return self.table

    # -- fetching ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, name="history")
    def _load(self) -> bool:
        worker = get_current_worker()

        def arrived(page: list[HistoryEvent]) -> None:
            self.post_message(self.PageArrived(page))  # thread-safe

        return self._fetch(self.query_spec.pages, arrived, lambda: worker.is_cancelled)

    @on(PageArrived)
    def _page(self, message: PageArrived) -> None:
        self.events.extend(message.events)
        self.rebuild()

    @on(Worker.StateChanged)
    def _loaded(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "history":
            return
        if event.state is WorkerState.SUCCESS:
            self.fetching = False
            self.call_after_refresh(self.rebuild)  # after the pages posted before it
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            message = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
            hint = getattr(error, "hint", None)
            self.failure = f"{message} {hint}" if hint else str(message)
            self.fetching = False
            self.rebuild()
            self.notify(self.failure, severity="error", timeout=10)

    # -- showing ----------------------------------------------------------------------------

    def title_text(self) -> str:
        spec = self.query_spec
        what = "changes" if spec.mode == "changes" else "history"
        return f"{what} · {inert(spec.label, limit=60)} · {inert(spec.region)} · {spec.span_text()}"

    def status_text(self) -> str:
        if self.failure:
            return inert(self.failure, limit=300)
        reads = sum(1 for e in self.events if e.read_only)
        count = len(self.rows)
        noun = "event" if count == 1 else "events"
        text = f"{count} {noun}"
        window = self.query_spec.window
        if window is not None:  # first: the title's end is cut at 80 columns, this line's isn't
            text = f"{window.label} · {text}"
        if self.filter_text:
            text += f" matching “{self.shown_filter()}”"
        if reads and not self.include_reads:
            text += f" · {reads} reads hidden (a shows them)"
        elif self.include_reads:
            text += " · reads shown (a hides them)"
        if self.fetching:
            text += " · loading more…" if self.events else " · asking CloudTrail…"
        elif not self.events:
            spec = self.query_spec
            span = spec.window.label if spec.window else f"in the last {_hours(spec.hours)}"
            text = f"CloudTrail recorded nothing here {span}."
        return text

    def rebuild(self) -> None:
        super().rebuild()
        if not self.is_mounted:
            return
        rows = shown(self.events, self.include_reads)
        if self.filter_text:
            rows = [e for e in rows if self.matches(*_haystack(e))]
        table = self.table
        keep = table.cursor_row
        table.clear()
        for event in rows:
            table.add_row(*self._cells(event))
        self.rows = rows
        if rows:
            table.move_cursor(row=min(max(keep, 0), len(rows) - 1), animate=False)
        self.query_one("#history-status", Static).update(Text(self.status_text()))

    def _cells(self, event: HistoryEvent) -> list[Text]:
        error = event.error_code or ""
        cells = [
            Text(f"{event.time:%Y-%m-%d %H:%M:%S}"),
            Text(age(event.time, self.reference)),
            Text(inert(event.event_name, limit=40), style="bold" if not event.read_only else ""),
            Text(inert(event.user, limit=48)),
            Text(event.agent_kind),
            Text(inert(event.source_ip, limit=40)),
            Text(inert(error, limit=40), style="red" if error else ""),
        ]
        if self.query_spec.mode == "changes":
            arn = linked(event, self.by_name)
            touched = event.touches()
            label = inert(touched[0], limit=40) if touched else ""
            cells.insert(3, Text(("→ " if arn else "") + label, style="cyan" if arn else "dim"))
        return cells

    @property
    def selected(self) -> HistoryEvent | None:
        row = self.table.cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    # -- keys -------------------------------------------------------------------------------

    def action_open(self) -> None:
        self.skip_while_typing()
        event = self.selected
        if event is None:
            return
        if self.query_spec.mode == "changes":
            arn = linked(event, self.by_name)
            if arn:
                self.jump_to(arn)
                return
        self.action_show_json()

    def action_show_json(self) -> None:
        event = self.selected
        if event is not None:
            self.app.push_screen(EventScreen(self.result, event))

    def action_toggle_reads(self) -> None:
        self.include_reads = not self.include_reads
        self.rebuild()

    def action_copy(self) -> None:
        event = self.selected
        if event is None:
            self.notify("Nothing to copy here.", severity="warning")
            return
        value = inert(event.event_id)
        self.app.copy_to_clipboard(value)
        self.notify(f"Copied the event id {value}", title="Clipboard (OSC 52)")


class EventScreen(ScanViewScreen):
    """One event's whole CloudTrail JSON: `/` searches it, `c` copies it."""

    VIEW_NAME = "Event"
    HELP_VIEW = "event"
    FILTER_PLACEHOLDER = "search the JSON"

    DEFAULT_CSS = """
    EventScreen #event-json {
        height: auto;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", "Copy"),
        Binding("n", "next_match", "Next", show=False),
    ]

    def __init__(self, result: ScanResult, event: HistoryEvent) -> None:
        super().__init__(result)
        self.event = event
        self.text = json_text(event.document(), indent=2, sort_keys=True)
        self.match_lines: list[int] = []
        self._match = 0

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield from self.compose_filter()
        with VerticalScroll(id="event-scroll"):
            yield Static(Text(self.text), id="event-json", markup=False)
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#event-scroll").focus()

    def main_widget(self) -> Widget | None:
        return self.query_one("#event-scroll")

    def title_text(self) -> str:
        event = self.event
        found = ""
        if self.filter_text:
            found = f" · {len(self.match_lines)} lines match “{self.shown_filter()}”"
        return (
            f"event · {inert(event.event_name, limit=40)} · {event.time:%Y-%m-%d %H:%M:%S} "
            f"· {inert(event.event_id, limit=40)}{found}"
        )

    def rebuild(self) -> None:
        words = self.filter_words()
        lines = self.text.split("\n")
        self.match_lines = [i for i, line in enumerate(lines) if words and _has(line, words)]
        super().rebuild()
        if not self.is_mounted:
            return
        text = Text(self.text)
        if words:
            text.highlight_words(words, style="reverse", case_sensitive=False)
        self.query_one("#event-json", Static).update(text)
        self._match = 0
        self._scroll_to_match()

    def _scroll_to_match(self) -> None:
        if self.match_lines:
            line = self.match_lines[self._match % len(self.match_lines)]
            self.query_one("#event-scroll", VerticalScroll).scroll_to(y=line, animate=False)

    def action_next_match(self) -> None:
        self._match += 1
        self._scroll_to_match()

    def action_copy(self) -> None:
        # json_text has escaped every control character: safe to hand to the terminal (OSC 52).
        self.app.copy_to_clipboard(self.text)
        self.notify(f"Copied the event's JSON ({len(self.text)} characters)", title="Clipboard")


def _has(line: str, words: list[str]) -> bool:
    low = line.lower()
    return any(word in low for word in words)


def _haystack(event: HistoryEvent) -> tuple[str, ...]:
    return (
        event.event_name,
        event.user,
        event.source_ip,
        event.agent_kind,
        event.error_code or "",
        *event.touches(),
    )


def _hours(hours: float) -> str:
    if hours >= 48 and hours % 24 == 0:
        return f"{hours / 24:g} days"
    return f"{hours:g} h"
