"""Make strings we did not write safe to show: every name, tag, description and message from AWS
or from a snapshot passes through here before it reaches a terminal, a CSV, JSON or a log.

Anyone who can tag a resource writes these strings. Raw, an ESC starts a terminal command (OSC 52
writes the operator's clipboard, CSI 2J wipes the screen), bidi overrides reorder what is read,
zero-width characters hide text. Each such code point is replaced by a visible stand-in of its
own, so the operator sees that it is there and nothing acts on it:

- C0 controls and DEL become the Unicode control pictures (ESC shows as ␛, BEL as ␇, LF as ␊);
- C1 controls (U+0080-U+009F) become `\\x9b`, as `cat -v` would make them visible;
- format characters (bidi overrides and isolates, zero-width spaces and joiners, the BOM, the tag
  block), line and paragraph separators and lone surrogates become `\\u202e`.

Pure standard library: the model, the CLI, the UI and the logging all import it.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Code points that are never printed as themselves. The format (Cf) list is Unicode's, checked
# against unicodedata by a test, so a new Unicode version that adds one fails that test.
_FORMAT_RANGES = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
    "\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2"
    "\U000110bd\U000110cd\U00013430-\U0001345f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff"
)
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{_FORMAT_RANGES}]")
# Kept when a caller asks for multi-line text (descriptions in the detail pane).
_UNSAFE_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff{_FORMAT_RANGES}]")


def _stand_in(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ .. ␟: one cell, like the character it replaces claims
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0x9F:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _replace(match: re.Match[str]) -> str:
    return _stand_in(match.group())


def inert(value: object, *, keep_newlines: bool = False, limit: int | None = None) -> str:
    """`value` as text that prints as what it is: no control character, no reordering, no hiding.

    `limit` cuts it to that many characters (with an ellipsis) so that a 10,000-character name
    cannot fill a toast or a table cell.
    """
    text = value if isinstance(value, str) else str(value)
    pattern = _UNSAFE_BUT_NEWLINE if keep_newlines else _UNSAFE
    if pattern.search(text) is not None:
        text = pattern.sub(_replace, text)
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


def is_inert(text: str) -> bool:
    return _UNSAFE.search(text) is None


# JSON: json.dumps escapes C0 controls itself; with ensure_ascii=False it writes the rest raw.
# Inside a JSON document these can only stand in strings, so a \u escape keeps the document valid
# and the data exact, while `cat snapshot.json` stays safe.
_UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f\ud800-\udfff{_FORMAT_RANGES}]")


def _json_escape(match: re.Match[str]) -> str:
    return _json_escape_char(match.group())


def _json_escape_char(char: str) -> str:
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_text(data: Any, **kwargs: Any) -> str:
    """json.dumps with every code point that could act on a terminal written as a \\u escape."""
    kwargs.setdefault("ensure_ascii", False)
    return escape_json_text(json.dumps(data, **kwargs))


def escape_json_text(text: str) -> str:
    """The same escaping for JSON text that something else serialised.

    The regular expression costs ~30 ns a character (2-3 s on a 70 MB snapshot), so it runs only
    when needed: ASCII text (known in O(1)) can only hold DEL; otherwise only the non-ASCII
    characters, gathered at C speed, are searched before the whole text is."""
    if text.isascii():
        return text.replace("\x7f", "\\u007f") if "\x7f" in text else text
    encoded = text.encode("utf-8", "surrogatepass")
    others = encoded.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
    found = set(_UNSAFE_IN_JSON.findall(others))
    if "\x7f" in text:
        found.add("\x7f")
    if len(found) > 16:
        return _UNSAFE_IN_JSON.sub(_json_escape, text)
    for char in found:  # a few str.replace passes run at C speed, far faster than the regex
        text = text.replace(char, _json_escape_char(char))
    return text


_ASCII_BYTES = bytes(range(0x80))


# CSV: a spreadsheet runs a cell that starts with one of these as a formula (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A CSV cell that is inert in a terminal and in a spreadsheet."""
    raw = value if isinstance(value, str) else str(value)
    text = inert(raw)
    if raw.startswith(_FORMULA_START):
        text = "'" + text
    return text


def account_cell(accounts: dict[str, str] | None, account_id: str | None) -> str:
    """The account a line of text output names (its name, else its id) and a space, inert; ""
    when the output names no accounts (`accounts` empty: a snapshot of one account)."""
    if not accounts:
        return ""
    account_id = account_id or ""
    return f"{inert(accounts.get(account_id, account_id), limit=40)} "
