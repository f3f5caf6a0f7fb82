"""The k9s-style prompt at the bottom: `/` filters the current view, `:` jumps or switches views.

The bar only announces: the screen decides what a filter, a command or a pick means.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

FILTER = "/"
COMMAND = ":"


@dataclass(frozen=True, slots=True)
class Suggestion:
    prompt: Text
    value: str  # a command line ("vpc", "region eu-west-1") or an ARN
    is_command: bool


class CommandBar(Vertical):
    DEFAULT_CSS = """
    CommandBar { height: auto; max-height: 12; display: none; }
    CommandBar.-open { display: block; }
    CommandBar > OptionList { max-height: 9; display: none; border: none; padding: 0; }
    CommandBar > OptionList.-has-options { display: block; }
    CommandBar > Horizontal { height: 1; }
    CommandBar #prompt-mode { width: 2; text-style: bold; }
    CommandBar Input, CommandBar Input:focus { border: none; height: 1; padding: 0; width: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=True),
        Binding("down", "suggestion(1)", "Next", show=False),
        Binding("up", "suggestion(-1)", "Previous", show=False),
        Binding("tab", "suggestion(1)", "Next", show=False),
    ]

    class FilterChanged(Message):
        """The `/` text changed (live)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class CommandEntered(Message):
        """A `:` line with no suggestion chosen (an unknown command or a search with no hits)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Picked(Message):
        """A suggestion was chosen with Enter."""

        def __init__(self, suggestion: Suggestion) -> None:
            super().__init__()
            self.suggestion = suggestion

    class Closed(Message):
        """The bar closed; `cancelled` when by Escape."""

        def __init__(self, mode: str, cancelled: bool) -> None:
            super().__init__()
            self.mode = mode
            self.cancelled = cancelled

    def __init__(
        self, suggest: Callable[[str], list[Suggestion]], *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._suggest = suggest
        self.mode = FILTER
        self._suggestions: list[Suggestion] = []

    def compose(self) -> ComposeResult:
        yield OptionList(id="suggestions")
        with Horizontal():
            yield Label(FILTER, id="prompt-mode")
            yield Input(id="prompt", select_on_focus=False)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    @property
    def input(self) -> Input:
        return self.query_one("#prompt", Input)

    def open(self, mode: str, text: str = "") -> None:
        self.mode = mode
        self.query_one("#prompt-mode", Label).update(mode)
        self.input.placeholder = (
            "filter this view (Enter keeps it, Esc clears it)"
            if mode == FILTER
            else "name, id, ARN or tag value · vpc · iam · findings · errors · region NAME"
        )
        self.add_class("-open")
        with self.input.prevent(Input.Changed):
            self.input.value = text
        self.input.cursor_position = len(text)
        self._show_suggestions(text if mode == COMMAND else "")
        # Focused now, not after the next refresh (Widget.focus): keys the app reads next
        # go to the box, in order, however fast they come.
        self.screen.set_focus(self.input)

    def close(self, cancelled: bool) -> None:
        self.remove_class("-open")
        self._show_suggestions("")
        self.post_message(self.Closed(self.mode, cancelled))

    def refresh_suggestions(self) -> None:
        """Make the suggestions again for what is typed (what they come from has changed)."""
        if self.is_open and self.mode == COMMAND:
            options = self.query_one(OptionList)
            highlighted = options.highlighted
            self._show_suggestions(self.input.value)
            if highlighted is not None and self._suggestions:
                options.highlighted = min(highlighted, len(self._suggestions) - 1)

    def _show_suggestions(self, text: str) -> None:
        options = self.query_one(OptionList)
        self._suggestions = self._suggest(text) if text.strip() else []
        options.clear_options()
        options.add_options([Option(s.prompt) for s in self._suggestions])
        options.set_class(bool(self._suggestions), "-has-options")
        if self._suggestions:
            options.highlighted = 0

    @on(Input.Changed, "#prompt")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.mode == FILTER:
            self.post_message(self.FilterChanged(event.value))
        else:
            self._show_suggestions(event.value)

    @on(Input.Submitted, "#prompt")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.mode == COMMAND:
            highlighted = self.query_one(OptionList).highlighted
            if self._suggestions and highlighted is not None:
                self.post_message(self.Picked(self._suggestions[highlighted]))
            elif event.value.strip():
                self.post_message(self.CommandEntered(event.value.strip()))
        self.close(cancelled=False)

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Picked(self._suggestions[event.option_index]))
        self.close(cancelled=False)

    def action_cancel(self) -> None:
        if self.mode == FILTER:
            self.post_message(self.FilterChanged(""))
        self.close(cancelled=True)

    def action_suggestion(self, step: int) -> None:
        options = self.query_one(OptionList)
        if not self._suggestions:
            return
        current = options.highlighted if options.highlighted is not None else -1
        options.highlighted = (current + step) % len(self._suggestions)
