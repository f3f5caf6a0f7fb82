"""ESC and a named key in one read (tmux, a paste, keystrokes an SSH link delivers together):
Textual 8.2.8's parser dropped the Esc (Textualize/textual#6663). With ui/escape.keep_escape
the app reads Esc, then the key; and ESC + a letter, which it read as alt+letter, too."""

from __future__ import annotations

import pytest
from textual._xterm_parser import XTermParser

from awsexplorer.ui.escape import keep_escape

pytestmark = pytest.mark.ui


def keys_of(data: str) -> list[str]:
    parser = XTermParser(False)
    keys = [t.key for t in parser.feed(data) if hasattr(t, "key")]
    return keys + [t.key for t in parser.feed("") if hasattr(t, "key")]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("\x1b:findings\r", ["escape", "colon", *"findings", "enter"]),
        ("\x1b/prod", ["escape", "slash", *"prod"]),
        ("\x1b:", ["escape", "colon"]),
        # Read as alt+j before: `Esc q` sent together did nothing on the main screen.
        ("\x1bj", ["escape", "j"]),
        ("\x1bq", ["escape", "q"]),
        ("\x1bQ", ["escape", "Q"]),
        ("\x1b\x7f", ["ctrl+w"]),  # Alt+Backspace, a sequence of its own: delete a word
        ("\x1b\x1b:", ["escape", "escape", "colon"]),
        (":vpc\r", ["colon", *"vpc", "enter"]),
        ("\x1b[A", ["up"]),  # a real escape sequence is still one key
    ],
)
def test_esc_then_a_named_key_reads_as_both(typed: str, read: list[str]) -> None:
    assert keep_escape()
    assert keys_of(typed) == read


def test_the_app_installs_it_once() -> None:
    from awsexplorer.cli import make_app
    from awsexplorer.config import AppOptions

    make_app(AppOptions())
    method = XTermParser.__dict__["_sequence_to_key_events"]
    assert getattr(method, "_keeps_escape", False)
    assert keep_escape() and XTermParser.__dict__["_sequence_to_key_events"] is method
