"""`s`: where to save the current scan. Returns the path typed, or None on Escape."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class SaveSnapshotScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default_path: str) -> None:
        super().__init__()
        self.default_path = default_path

    def compose(self) -> ComposeResult:
        with Vertical(id="save-box"):
            yield Static("Save this scan as a snapshot (Enter saves, Esc cancels)", id="save-title")
            yield Input(self.default_path, id="save-path")
            yield Static("Reopen it offline with: awsexplorer --snapshot FILE", id="save-note")

    @on(Input.Submitted, "#save-path")
    def _save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
