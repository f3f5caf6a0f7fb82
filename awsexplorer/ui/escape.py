"""Esc typed fast, then a key: what tmux and terminals without an escape delay send as one.

Such a terminal passes Esc and the key typed right after it as one sequence (ESC w), which
Textual reads as alt+w: Esc then `w` would not close the whois screen. On a screen that closes
on Esc, and with no text box focused (there alt+key is the box's), alt+KEY is taken as what
the user typed: Esc, then KEY (handled by whatever screen Esc leaves in front).
"""

from __future__ import annotations

from typing import Any, cast

from textual import events
from textual.screen import Screen
from textual.widgets import Input

ALT = "alt+"


class AltIsEscapeThenKey:
    """Mixed into a screen whose Esc binding closes it (first in its bases)."""

    async def on_key(self, event: events.Key) -> None:
        screen = cast("Screen[Any]", self)
        key = event.key
        if not key.startswith(ALT) or key == ALT or isinstance(screen.focused, Input):
            return
        escape = screen._bindings.key_to_bindings.get("escape")
        if not escape:
            return
        event.stop()
        event.prevent_default()
        app = screen.app
        await screen.run_action(escape[0].action)  # what Esc does here (closes the screen)
        # Then the key, to whatever is in front now, as if typed after Esc.
        app.call_after_refresh(app.simulate_key, key.removeprefix(ALT))
