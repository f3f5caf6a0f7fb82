"""The keys of the screen in one line at its foot, as Textual's compact Footer shows them (each
key, then what it does), drawn as one text.

Textual's Footer mounts a widget per key and is composed anew at every change of the bindings:
six times for one screen pushed, each with its styles worked out again. At 2,000 resources that
was three quarters of the UI's work for `u` (Used by): 136-221 ms against 35-47 ms without it.
This line only redraws. It takes no mouse clicks: awsexplorer is used from the keyboard."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen


class KeyLine(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-line--key", "key-line--description"}
    DEFAULT_CSS = """
    KeyLine {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyLine > .key-line--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyLine > .key-line--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.refresh()

    def render(self) -> Text:
        """Each shown binding's key and description (one per action, the first bound, as
        Footer groups them), a disabled one dimmed."""
        key_style = self.get_component_rich_style("key-line--key")
        description_style = self.get_component_rich_style("key-line--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        actions: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            start = len(line)
            # A screen may say a key differently as it changes (IAM: 1-9 with an Account column).
            shown = getattr(self.screen, "key_display_for", lambda _binding: None)(binding)
            line.append(shown or self.app.get_key_display(binding), key_style)
            if binding.description:
                line.append(f" {binding.description}", description_style)
            if not enabled:
                line.stylize("dim", start)
            line.append(" ")
        return line
