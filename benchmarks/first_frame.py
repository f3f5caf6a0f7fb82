"""Time from `awsexplorer --snapshot FILE` starting to its first frame with the account on it.

    python benchmarks/first_frame.py [SNAPSHOT] [--runs 5]

Runs the real console script in a pseudo-terminal (80x24), waits until the screen shows the
account id, then presses q. Prints each run and the median. Target (issue 18): <= 0.35 s.

`--floor` times, the same way and interleaved, a bare Textual app whose only widget shows the
account id: what importing and starting Textual costs on this machine before anything of ours
(on the session-6 machine, 0.24-0.34 s at load 1.4, against 0.36-0.54 s for awsexplorer).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import pty
import select
import shutil
import statistics
import struct
import sys
import termios
import time
from pathlib import Path

DEFAULT = Path(__file__).parent.parent / "tests" / "ui" / "fixtures" / "small-account.json"


# The floor: Textual alone, one Static with the account id; any key quits.
FLOOR_APP = """
import sys
from textual.app import App
from textual.widgets import Static

class Floor(App):
    def compose(self):
        yield Static(sys.argv[1])

    def on_key(self, event):
        self.exit()

Floor().run()
"""


def one_run(snapshot: Path, account_id: str, timeout: float = 20.0, floor: bool = False) -> float:
    exe = shutil.which("awsexplorer") or str(Path(sys.executable).parent / "awsexplorer")
    argv = [exe, "--snapshot", str(snapshot)]
    if floor:
        argv = [sys.executable, "-c", FLOOR_APP, account_id]
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update({"TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"})
        os.execv(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    seen = b""
    elapsed = -1.0
    deadline = started + timeout
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            continue
        try:
            seen += os.read(fd, 65536)
        except OSError:
            break
        if account_id.encode() in seen:
            elapsed = time.perf_counter() - started
            break
    os.write(fd, b"q")
    end = time.perf_counter() + 10
    while time.perf_counter() < end:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            with contextlib.suppress(OSError):
                os.read(fd, 65536)
    os.close(fd)
    if elapsed < 0:
        raise SystemExit("the account never appeared on screen")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--floor", action="store_true", help="also time a bare Textual app (interleaved)"
    )
    args = parser.parse_args()
    account_id = json.loads(args.snapshot.read_text())["account"]["id"]
    times, floors = [], []
    for _ in range(args.runs):
        times.append(one_run(args.snapshot, account_id))
        if args.floor:
            floors.append(one_run(args.snapshot, account_id, floor=True))
    for n, value in enumerate(times, 1):
        extra = f"  (bare Textual: {floors[n - 1] * 1000:.0f} ms)" if floors else ""
        print(f"run {n}: {value * 1000:.0f} ms{extra}")
    print(
        f"median time to first frame: {statistics.median(times) * 1000:.0f} ms "
        "(target <= 350 ms, issue 18)"
    )
    if floors:
        print(f"median of the bare Textual app: {statistics.median(floors) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
