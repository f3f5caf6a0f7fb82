"""The list both `u` (ui/screens/used_by.py) and `:flow` (ui/screens/flow.py) show: one option
list under the scan view's title and `/` filter, the cursor on the first entry that is not a
heading, Enter (or a click) on an entry: `_picked(arn)` with the ARN its option id carries.
Subclasses say what the options are (`_options`) and how an option id names its ARN
(`arn_of`)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from awsexplorer.ui.screens.scan_view import ScanViewScreen


class PickListScreen(ScanViewScreen):
    """A filterable list of resources; Enter: `_picked` with the highlighted entry's ARN."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "pick", "Jump", priority=True),
    ]

    def _options(self) -> list[Option]:
        raise NotImplementedError

    @staticmethod
    def arn_of(option_id: str) -> str:
        """The ARN an entry's option id ends with."""
        raise NotImplementedError

    def _picked(self, arn: str) -> None:
        raise NotImplementedError

    def main_widget(self) -> Widget | None:
        return self.query_one(OptionList)

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.focus()
        listing.highlighted = self.first_entry(listing)

    @staticmethod
    def first_entry(listing: OptionList) -> int | None:
        """The first option that is not a heading (None when every one is)."""
        for index in range(listing.option_count):
            if not listing.get_option_at_index(index).disabled:
                return index
        return None

    def rebuild(self) -> None:
        super().rebuild()
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options(self._options())
        listing.highlighted = self.first_entry(listing)

    def action_pick(self) -> None:
        self.skip_while_typing()
        listing = self.query_one(OptionList)
        if listing.highlighted is None:
            return
        option = listing.get_option_at_index(listing.highlighted)
        if option.id:
            self._picked(self.arn_of(option.id))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self._picked(self.arn_of(event.option.id))
