"""Esc typed fast, then a key: what tmux and terminals without an escape delay send as one.

Such a terminal passes Esc and the key typed right after it as one sequence (ESC w), which
Textual reads as alt+w: Esc then `w` would not close the whois screen. On a screen that closes
on Esc, and with no text box focused (there alt+key is the box's), alt+KEY is taken as what
the user typed: Esc, then KEY (handled by whatever screen Esc leaves in front).

For a key with a name rather than a letter (`:`, `/`, Enter) Textual 8.2.8's parser drops the
Esc altogether (ESC : reads as plain `:`; upstream: Textualize/textual#6663, #6378): Esc then
`:` typed fast in the `/` filter typed the `:` and everything after it into the filter.
`keep_escape` makes both read as Esc, then the key (a real Alt+key then reads so too: the app
binds none).
"""

from __future__ import annotations

from collections.abc import Iterator
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


def keep_escape() -> bool:
    """Make Textual's terminal parser read ESC + a key in one read as Esc then that key:
    where it drops the Esc (a named key: `:`, `/`, Enter, Space...) and where it reads alt+key
    (a letter: `Esc q` sent together did nothing on the main screen, which binds no alt+q;
    no screen or widget of the app binds an alt+ key). Installed once, for the Textual version
    it was written against (the parser's private method); with another, nothing is changed,
    False is returned, and AltIsEscapeThenKey still reads alt+KEY on the screens it concerns."""
    import textual
    from textual._xterm_parser import XTermParser

    original = XTermParser.__dict__.get("_sequence_to_key_events")
    if getattr(original, "_keeps_escape", False):
        return True
    if textual.__version__ != TEXTUAL_VERSION or original is None:
        return False

    def sequence_to_key_events(
        self: XTermParser, sequence: str, alt: bool = False
    ) -> Iterator[events.Key]:
        produced = list(original(self, sequence, alt))
        if not (alt and any(isinstance(event, events.Key) for event in produced)):
            yield from produced
            return
        # The Esc the parser took as a modifier (or dropped), then the key as typed.
        yield events.Key("escape", "\x1b")
        yield from original(self, sequence, False)

    sequence_to_key_events._keeps_escape = True  # type: ignore[attr-defined]
    XTermParser._sequence_to_key_events = sequence_to_key_events  # type: ignore[method-assign]
    return True


TEXTUAL_VERSION = "8.2.8"  # the version whose parser keep_escape was written for (pyproject)
