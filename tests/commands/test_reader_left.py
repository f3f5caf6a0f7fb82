"""A reader that leaves (`awsexplorer exposure s.json | head`) is not an error: the offline
commands exit 0 with nothing on stderr. cli.main handles it once for every sub-command (they no
longer each wrap their run in the same handler). The pipe's read end is closed before the
command starts, so its first write fails: no timing involved. `findings` prints through Rich's
console, whose own broken-pipe handler exited 1 before ours was reached: covered in each format."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SMALL = Path(__file__).resolve().parents[1] / "ui" / "fixtures" / "small-account.json"


@pytest.mark.parametrize(
    "argv",
    [
        ["exposure", str(SMALL)],
        ["related", str(SMALL), "sg-0a1b2c3d4e5f60051"],
        ["whois", str(SMALL), "10.0.0.0/8"],
        ["findings", str(SMALL)],
        ["findings", str(SMALL), "--format", "json"],
        ["findings", str(SMALL), "--format", "csv"],
        ["permissions"],
    ],
    ids=lambda argv: "-".join(argv[:1] + argv[2:]),
)
def test_a_reader_that_left_is_not_an_error(argv: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "awsexplorer", *argv],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert completed.stderr == ""
    assert completed.returncode == 0
