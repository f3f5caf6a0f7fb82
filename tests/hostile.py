"""The hostile-data corpus: strings anyone who can tag a resource could write.

Every renderer is tested with these put into every user-controlled field. `FORBIDDEN` are byte
sequences that must never reach a terminal, a CSV or a log as they are.
"""

from __future__ import annotations

ESC = "\x1b"

ESCAPES: dict[str, str] = {
    "osc52-clipboard": f"{ESC}]52;c;ZWNobyBwd25lZA=={ESC}\\",  # puts `echo pwned` on the clipboard
    "osc52-bel": f"{ESC}]52;c;ZWNobyBwd25lZA==\x07",
    "csi-clear": f"{ESC}[2J{ESC}[H",
    "csi-style": f"{ESC}[31m{ESC}[5mred blink{ESC}[0m",
    "osc8-link": f"{ESC}]8;;https://evil.example/{ESC}\\click{ESC}]8;;{ESC}\\",
    "dcs": f"{ESC}P1$r{ESC}\\",
    "bel-bs-cr": "ok\x07\x08\x08\rover",
    "c1-csi": "\x9b2J\x9d52;c;ZWNo\x9c",
    "bidi": "user\u202egnp.exe\u202c \u2066iso\u2069",
    "zero-width": "ad\u200bmin\u200d\ufeff\u2060",
    "tag-smuggling": "name\U000e0041\U000e0042",
}

MARKUP: dict[str, str] = {
    "close": "unbalanced [/] close",
    "link": "[link=https://evil.example]click[/link]",
    "click": "[@click=app.quit]quit[/]",
    "bold": "[bold red]loud[/bold red]",
    "brackets": "[[x]] [not a tag",
}

OTHER: dict[str, str] = {
    "long": "L" * 10_000,
    "wide": "数据库服务器-🚀-🇯🇵-👨‍👩‍👧",
    "newline-tab": "line1\nline2\tcol",
    "formula": '=HYPERLINK("https://evil.example","x")',
    "formula-plus": "+cmd|' /C calc'!A0",
    "formula-at": "@SUM(1+1)",
    "formula-minus": "-2+3",
}

CORPUS: dict[str, str] = {**ESCAPES, **MARKUP, **OTHER}

# What must never arrive raw: the introducer of every escape sequence, the C0 controls other than
# those a renderer itself writes, the C1 controls, and the characters that reorder or hide text.
FORBIDDEN_CHARS = (
    "\x07\x08\x9b\x9c\x9d\x90\x1b]52\x1b]8\x1b[2J\x1b[31m\x1b[5m\x1bP"
    "\u202e\u202c\u2066\u2069\u200b\u200d\ufeff\u2060\U000e0041\U000e0042"
)
FORBIDDEN_SEQUENCES = (
    f"{ESC}]52",
    f"{ESC}]8;;https://evil",
    f"{ESC}[2J",
    f"{ESC}[31m{ESC}[5m",
    f"{ESC}P1$r",
    "\x07",
    "\x08",
    "\x9b",
    "\x9c",
    "\x9d",
    "\u202e",
    "\u202c",
    "\u2066",
    "\u2069",
    "\u200b",
    "\ufeff",
    "\u2060",
    "\U000e0041",
)


def leaks(output: str) -> list[str]:
    """The forbidden sequences found in `output` (empty when it is safe)."""
    return [seq for seq in FORBIDDEN_SEQUENCES if seq in output]
