"""Time from `awsexplorer --demo` starting to the whole demo account being on screen (#12, #18).

    python benchmarks/demo_bench.py [--runs 3] [--repo PATH]

Runs the app in a pseudo-terminal (100x30) exactly as a user would start it, and stops the clock
when the screen shows the app's own end-of-scan notice ("Scan complete: N resources, M
warnings"), which the app posts only after the scan has finished, its findings are analysed and
the tree is rebuilt with them: the whole account on screen. Then presses q.

`--repo PATH` measures another checkout (a `git worktree` or `git archive` of an older commit)
with this virtualenv: the child runs `python -P -m awsexplorer` with PYTHONPATH=PATH, so it
imports that checkout's code, not the installed one (the script checks which it imported).
The issue's bound (#12): now at most 1.5x the time at 7d38780, the last commit before the
coverage issue's types:

    git worktree add /tmp/awsx-7d38780 7d38780
    python benchmarks/demo_bench.py --repo /tmp/awsx-7d38780
    python benchmarks/demo_bench.py

Prints each run (seconds, and the child's CPU seconds from os.wait4), the median, and the load
average beside them: on a shared machine, compare medians taken side by side.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DONE = re.compile(rb"Scan complete: (\d+) resources")
ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")
ROWS, COLUMNS = 30, 100


def imported_from(repo: Path) -> str:
    """Which awsexplorer the child's command line imports (to prove --repo is honoured)."""
    out = subprocess.run(
        [sys.executable, "-P", "-c", "import awsexplorer; print(awsexplorer.__file__)"],
        env={**os.environ, "PYTHONPATH": str(repo)},
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return out.stdout.strip()


def one_run(repo: Path, timeout: float) -> tuple[float, float, int]:
    """(seconds to the end-of-scan notice, child CPU seconds, resources it announced)."""
    argv = [sys.executable, "-P", "-m", "awsexplorer", "--demo"]
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app on the pseudo-terminal
        os.chdir(repo)
        os.environ.update(
            {
                "TERM": "xterm-256color",
                "COLUMNS": str(COLUMNS),
                "LINES": str(ROWS),
                "PYTHONPATH": str(repo),
            }
        )
        os.execv(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    seen = b""
    elapsed, resources = -1.0, -1
    deadline = started + timeout
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            continue
        try:
            seen += os.read(fd, 1 << 16)
        except OSError:
            break
        match = DONE.search(ESCAPES.sub(b"", seen[-20000:]))
        if match:
            elapsed = time.perf_counter() - started
            resources = int(match.group(1))
            break
    with contextlib.suppress(OSError):
        os.write(fd, b"q")
    usage = None
    end = time.perf_counter() + 30
    while time.perf_counter() < end:
        done, _status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            with contextlib.suppress(OSError):
                os.read(fd, 1 << 16)
    else:
        os.kill(pid, signal.SIGKILL)
        _, _, usage = os.wait4(pid, 0)
    os.close(fd)
    cpu = usage.ru_utime + usage.ru_stime if usage is not None else float("nan")
    return elapsed, cpu, resources


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repo", type=Path, default=ROOT, help="the checkout to measure")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    args = parser.parse_args()
    repo = args.repo.resolve()
    module = imported_from(repo)
    if not module.startswith(str(repo)):
        raise SystemExit(f"--repo {repo}: the child would import {module}, not that checkout")
    commit = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    print(f"demo from {repo} ({commit or 'not a git checkout'}), {ROWS}x{COLUMNS} terminal")
    times = []
    for run in range(1, args.runs + 1):
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        elapsed, cpu, resources = one_run(repo, args.timeout)
        if elapsed < 0:
            print(f"run {run}: no end-of-scan notice within {args.timeout:g} s (load {load})")
            return 1
        times.append(elapsed)
        print(
            f"run {run}: {elapsed:6.2f} s to the whole account on screen ({resources} resources),"
            f" child CPU {cpu:.2f} s, load average {load}"
        )
    print(f"median: {statistics.median(times):.2f} s over {len(times)} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
