"""`u`: everything that uses the selected resource (and what it uses), grouped by kind.

`/` filters (kind, name, id, type, region, ARN); Enter jumps to the resource in the tree, in any
region; Backspace (or Esc) on the tree then comes back to where `u` was pressed. Every string is
inert Text: names and ARNs come from AWS or a snapshot.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from awsexplorer.inert import inert
from awsexplorer.model import Resource, ScanResult
from awsexplorer.model.relationships import RelationIndex
from awsexplorer.ui.relations_detail import USED_BY, USES, Related, related
from awsexplorer.ui.screens.pick_list import PickListScreen

# Entries listed at most (a security group can be used by thousands): `/` narrows the rest.
MAX_SHOWN = 1000


class UsedByScreen(PickListScreen):
    """What uses a resource, then what it uses; Enter: that resource in the tree."""

    VIEW_NAME = "Used by"
    HELP_VIEW = "used-by"
    FILTER_PLACEHOLDER = "filter: kind, name, id, type, region"
    DEFAULT_CSS = """
    UsedByScreen #related-list { height: 1fr; border: none; padding: 0; }
    """

    def __init__(
        self,
        result: ScanResult,
        index: RelationIndex,
        resource: Resource,
        jump: Callable[[str], object],
    ) -> None:
        super().__init__(result)
        self.resource = resource
        self.items = related(index, resource.arn)
        self._jump = jump

    def title_text(self) -> str:
        used_by = sum(1 for i in self.items if i.direction == USED_BY)
        uses = len(self.items) - used_by
        name = inert(self.resource.name, limit=40)
        shown = f" · filter “{self.shown_filter()}”" if self.filter_text.strip() else ""
        return f"Used by {used_by} · uses {uses} · {name}{shown}"

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield from self.compose_filter()
        yield OptionList(*self._options(), id="related-list")
        yield from self.compose_footer()

    def shown(self) -> list[Related]:
        return [i for i in self.items if self.matches(i.haystack())]

    def _options(self) -> list[Option]:
        options: list[Option] = []
        items = sorted(self.shown(), key=lambda i: i.direction != USED_BY)  # as listed below
        hidden = max(len(items) - MAX_SHOWN, 0)
        items = items[:MAX_SHOWN] if hidden else items
        for direction, title in ((USED_BY, "Used by"), (USES, "Uses")):
            mine = [i for i in items if i.direction == direction]
            kinds = sorted({i.kind for i in mine})
            for kind in kinds:
                group = [i for i in mine if i.kind == kind]
                heading = Text(f"{title} · ", style="bold")
                heading.append(inert(kind, limit=40), style="bold italic")
                heading.append(f" ({len(group)})", style="dim")
                options.append(Option(heading, disabled=True))
                for number, item in enumerate(group):
                    line = Text("  ")
                    line.append_text(item.label(self.resource.region, self.resource.account_id))
                    options.append(Option(line, id=f"{direction}|{kind}|{number}|{item.arn}"))
        if hidden:
            more = f"… {hidden} more: type / to narrow"
            options.append(Option(Text(more, style="italic"), disabled=True))
        if not options:
            what = "Nothing matches the filter." if self.filter_text.strip() else "Nothing."
            options.append(Option(Text(what, style="dim"), disabled=True))
        return options

    @staticmethod
    def arn_of(option_id: str) -> str:
        return option_id.split("|", 3)[3]

    def _picked(self, arn: str) -> None:
        item = next((i for i in self.items if i.arn == arn), None)
        if item is None or item.resource is None:
            self.notify(f"{inert(arn, limit=120)} is not a resource of this scan.")
            return
        self.dismiss()
        self._jump(arn)
