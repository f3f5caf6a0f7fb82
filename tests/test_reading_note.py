"""Before the app takes the screen, a large snapshot is read for seconds (~760 MB at 1,000,000
resources): a terminal's stderr says what it waits for, then the line is wiped."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from awsexplorer.cli import app as cli_app


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    monkeypatch.setattr(cli_app, "READING_NOTE_BYTES", 10)
    return Terminal()


def test_a_large_snapshot_is_named_while_it_is_read_then_wiped(
    tmp_path: Path, terminal: Terminal
) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * 2_500_000)
    with cli_app._reading_note([path], terminal):
        assert terminal.getvalue() == f"Reading {path} (2 MB)…"
    assert terminal.getvalue().endswith("…\r\x1b[K")


def test_an_error_while_reading_is_left_on_the_next_line(
    tmp_path: Path, terminal: Terminal
) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * 100)
    with pytest.raises(ValueError), cli_app._reading_note([path, path], terminal):
        raise ValueError
    assert terminal.getvalue() == f"Reading {path} and 1 more (0 MB)…\n"


def test_a_path_with_control_characters_is_shown_inert(tmp_path: Path, terminal: Terminal) -> None:
    path = tmp_path / "evil\x1b]0;owned\x07.json"
    path.write_bytes(b"x" * 100)
    with cli_app._reading_note([path], terminal):
        pass
    assert "\x1b]" not in terminal.getvalue() and "\x07" not in terminal.getvalue()


def test_nothing_is_said_for_a_small_file_or_off_a_terminal(
    tmp_path: Path, terminal: Terminal
) -> None:
    path = tmp_path / "small.json"
    path.write_bytes(b"x" * 5)
    with cli_app._reading_note([path], terminal):
        pass
    assert terminal.getvalue() == ""
    piped = io.StringIO()
    path.write_bytes(b"x" * 100)
    with cli_app._reading_note([path], piped):
        pass
    assert piped.getvalue() == ""
