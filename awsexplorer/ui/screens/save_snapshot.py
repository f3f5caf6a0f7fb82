"""`s`: where to save the current scan. Returns the path typed, or None on Escape."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

# Both dialogs' box; each class carries it (a screen's DEFAULT_CSS applies within that screen).
BOX_CSS = """
{screen} { align: center middle; }
#save-box {
    width: 80%;
    max-width: 90;
    height: auto;
    border: round $accent;
    padding: 0 1;
    background: $surface;
}
#save-title { text-style: bold; padding-bottom: 1; }
#save-note { color: $text-muted; }
"""


class SaveSnapshotScreen(ModalScreen[str | None]):
    DEFAULT_CSS = BOX_CSS.replace("{screen}", "SaveSnapshotScreen")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default_path: str, folder: Path | None = None) -> None:
        super().__init__()
        self.default_path = default_path
        self.folder = folder or Path.cwd()

    def compose(self) -> ComposeResult:
        with Vertical(id="save-box"):
            yield Static("Save this scan as a snapshot (Enter saves, Esc cancels)", id="save-title")
            yield Input(self.default_path, id="save-path")
            yield Static(
                f"A bare file name is saved in {self.folder}; a folder gets the name above.\n"
                "Reopen it offline with: awsexplorer --snapshot FILE",
                id="save-note",
                markup=False,
            )

    @on(Input.Submitted, "#save-path")
    def _save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmOverwriteScreen(ModalScreen[bool]):
    """`y` replaces the existing file; `n` or Esc keeps it."""

    DEFAULT_CSS = BOX_CSS.replace("{screen}", "ConfirmOverwriteScreen")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Overwrite"),
        Binding("n", "answer(False)", "Keep it"),
        Binding("escape", "answer(False)", "Cancel"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="save-box"):
            yield Static(f"{self.path} already exists.", id="save-title", markup=False)
            yield Static("Overwrite it? y: overwrite, n or Esc: keep it", id="save-note")

    def action_answer(self, overwrite: bool) -> None:
        self.dismiss(overwrite)
