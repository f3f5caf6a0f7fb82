"""`:changes` with a baseline (--baseline, :baseline): what changed since the earlier scan, one
resource per entry with its readable changes, then findings new and resolved. Enter jumps to the
resource in the tree (a removed one is shown, dimmed, where it was). Without a baseline `:changes`
is CloudTrail's (screens/history.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from awsexplorer.inert import inert
from awsexplorer.model.diff import ScanDiff, label, readable_lines
from awsexplorer.ui.escape import AltIsEscapeThenKey
from awsexplorer.ui.format import SEVERITY_STYLE
from awsexplorer.ui.labels import DIFF_STYLE
from awsexplorer.ui.widgets.key_line import KeyLine

LINE_LIMIT = 200


def _entry(mark: str, title: str, where: str, lines: list[str]) -> Text:
    text = Text(f"{mark} ", style=DIFF_STYLE[mark])
    text.append(inert(title, limit=LINE_LIMIT), style="bold" if mark != "-" else "dim")
    text.append(f"  {inert(where, limit=80)}", style="dim")
    for line in lines:
        text.append("\n    " + inert(line, limit=LINE_LIMIT))
    return text


class BaselineChangesScreen(AltIsEscapeThenKey, Screen[None]):
    """Every change since the baseline; Enter: the resource in the tree."""

    DEFAULT_CSS = """
    BaselineChangesScreen #changes-title { height: auto; padding: 0 1; text-style: bold; }
    BaselineChangesScreen #changes-list { height: 1fr; border: none; padding: 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("j", "cursor(1)", "Down", show=False),
        Binding("k", "cursor(-1)", "Up", show=False),
    ]

    def __init__(self, changes: ScanDiff, since: str, jump: Callable[[str], object]) -> None:
        super().__init__()
        self.changes = changes
        self.since = since
        self._jump = jump

    def compose(self) -> ComposeResult:
        c = self.changes
        title = Text(f"Changes since {inert(self.since, limit=60)}: ")
        title.append(f"+{len(c.added)} ~{len(c.changed)} -{len(c.removed)}")
        title.append(
            f", findings {len(c.new_findings)} new, {len(c.resolved_findings)} resolved",
        )
        yield Static(title, id="changes-title")
        yield OptionList(*self._options(), id="changes-list")
        yield KeyLine()

    def _options(self) -> list[Option]:
        c = self.changes
        options: list[Option] = []
        for item in c.changed:
            where = f"{item.new.type} {item.new.region}"
            entry = _entry("~", label(item.new), where, readable_lines(item))
            options.append(Option(entry, id=item.arn))
        for resource in c.added:
            where = f"{resource.type} {resource.region}"
            options.append(Option(_entry("+", label(resource), where, []), id=resource.arn))
        for resource in c.removed:
            where = f"{resource.type} {resource.region}"
            entry = _entry("-", label(resource), where, ["removed"])
            options.append(Option(entry, id=resource.arn))
        for heading, findings in (
            ("new finding", c.new_findings),
            ("resolved finding", c.resolved_findings),
        ):
            for f in findings:
                text = Text(f"{f.severity.value.upper():<8} ", style=SEVERITY_STYLE[f.severity])
                text.append(f"{heading}: ", style="bold")
                text.append(inert(f.message, limit=LINE_LIMIT))
                options.append(Option(text, id=f"finding:{f.resource}"))
        if not options:
            options.append(Option(Text("No change since the baseline.", style="dim")))
        return options

    def action_cursor(self, step: int) -> None:
        listing = self.query_one(OptionList)
        if step > 0:
            listing.action_cursor_down()
        else:
            listing.action_cursor_up()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        arn = event.option.id
        if not arn:
            return
        self.app.pop_screen()
        self._jump(arn.removeprefix("finding:"))
