"""Start-up: `awsexplorer --help`, and the first frame of `awsexplorer --snapshot FILE`.

    python benchmarks/startup_bench.py

The TUI runs as the user runs it: a child process on a pseudo-terminal (80x24, 256 colours),
timed from launch until the account id, which only the painted tree shows, has been written to
the terminal; then `q` quits it. Each figure is the median of several runs. Target: first frame
under 0.5 s on this machine.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

TARGET_S = 0.5


def first_frame(argv: list[str], marker: bytes, timeout: float = 30.0) -> float:
    """Seconds from launch until `marker` appears on the child's terminal."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = benchlib.dummy_aws_env({"TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"})
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    seen = b""
    elapsed: float | None = None
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            seen += chunk
            if marker in seen:
                elapsed = time.perf_counter() - start
                break
        if elapsed is not None:
            os.write(master, b"q")
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        os.close(master)
    if elapsed is None:
        tail = seen[-600:].decode(errors="replace")
        raise SystemExit(f"no first frame within {timeout:.0f} s: {argv}\n{tail}")
    return elapsed


def timed(argv: list[str]) -> float:
    run = benchlib.run_child(argv, env=benchlib.dummy_aws_env(), timeout=60)
    if run.returncode != 0:
        raise SystemExit(f"{argv} failed: {run.stderr[-2000:]}")
    return run.wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--resources", type=int, default=600, help="size of the snapshot opened")
    args = parser.parse_args()
    benchlib.print_machine()

    from ui_bench import ACCOUNT_ID, synthetic_result

    from awsexplorer import snapshot

    cli = [benchlib.PYTHON, "-m", "awsexplorer"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "snap.json"
        snapshot.write(synthetic_result(args.resources), path)
        timed([*cli, "--help"])  # warm the file cache and bytecode once
        helps = [timed([*cli, "--help"]) for _ in range(args.runs)]
        frames = [
            first_frame([*cli, "--snapshot", str(path)], ACCOUNT_ID.encode())
            for _ in range(args.runs)
        ]
    help_s, frame_s = statistics.median(helps), statistics.median(frames)
    print(f"awsexplorer --help: median {help_s:.2f} s over {args.runs} runs")
    print(
        f"awsexplorer --snapshot ({args.resources} resources), first frame on an 80x24 pty: "
        f"median {frame_s:.2f} s (min {min(frames):.2f}, max {max(frames):.2f})"
    )
    print()
    print("targets:")
    print(f"  --help under {TARGET_S} s: {benchlib.verdict(help_s < TARGET_S)}")
    print(f"  first frame under {TARGET_S} s: {benchlib.verdict(frame_s < TARGET_S)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
