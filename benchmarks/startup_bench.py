"""Start-up: `awsexplorer --help`, and the first frame of `awsexplorer --snapshot FILE`.

    python benchmarks/startup_bench.py

The TUI runs as the user runs it: a child process on a pseudo-terminal (80x24, 256 colours),
timed from launch until the account id, which only the painted tree shows, has been written to
the terminal; then `q` quits it. Each figure is the median of several runs. Targets (issue 18):
`--help` <= 0.1 s and the first frame <= 0.35 s, wall, on a quiet machine.

Wall time follows the machine's load; the CPU each child has used (`--help`: when it exits; the
TUI: when the first frame is on the terminal, read from /proc) does much less, so both are
printed, with `python -c pass` (the interpreter's own start) for scale.

The package's bytecode is compiled first, as `pip install` does: with PYTHONDONTWRITEBYTECODE
set (as it is in this project's sessions) every run would otherwise compile each of our modules
from source again, which costs --help about 0.08 s of CPU and the first frame several times that.
"""

from __future__ import annotations

import argparse
import compileall
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

HELP_TARGET_S = 0.1
FRAME_TARGET_S = 0.35
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """The user + system CPU a running process (every thread) has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def first_frame(
    argv: list[str], marker: bytes, extra_env: dict[str, str], timeout: float = 30.0
) -> tuple[float, float]:
    """(wall, CPU) seconds from launch until `marker` appears on the child's terminal."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = benchlib.dummy_aws_env(
        {"TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24", **extra_env}
    )
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    seen = b""
    elapsed: float | None = None
    cpu = 0.0
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
                cpu = cpu_seconds(proc.pid)
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
    return elapsed, cpu


def timed(argv: list[str], extra_env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of a child run to its end."""
    run = benchlib.run_child(argv, env=benchlib.dummy_aws_env(extra_env), timeout=60)
    if run.returncode != 0:
        raise SystemExit(f"{argv} failed: {run.stderr[-2000:]}")
    return run.wall, run.cpu


def summary(name: str, runs: list[tuple[float, float]]) -> tuple[float, str]:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    wall = statistics.median(walls)
    return wall, (
        f"{name}: median {wall:.3f} s wall (min {min(walls):.3f}, max {max(walls):.3f}), "
        f"CPU median {statistics.median(cpus):.3f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--resources", type=int, default=600, help="size of the snapshot opened")
    parser.add_argument(
        "--repo",
        type=Path,
        help="time the awsexplorer of this checkout instead (e.g. a `git worktree` of an older "
        "commit, for a before figure): put first on the children's PYTHONPATH",
    )
    args = parser.parse_args()
    extra = {"PYTHONPATH": str(args.repo.resolve())} if args.repo else {}
    package = (args.repo.resolve() if args.repo else benchlib.ROOT) / "awsexplorer"
    compileall.compile_dir(package, quiet=1)  # what `pip install` does
    benchlib.print_machine()

    from ui_bench import ACCOUNT_ID, synthetic_result

    from awsexplorer import snapshot

    # -P with --repo: the current folder (this checkout) is not put before PYTHONPATH.
    cli = [benchlib.PYTHON, *(["-P"] if args.repo else []), "-m", "awsexplorer"]
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "snap.json"
        snapshot.write(synthetic_result(args.resources), path)
        timed([*cli, "--help"], extra)  # warm the file cache and bytecode once
        first_frame([*cli, "--snapshot", str(path)], ACCOUNT_ID.encode(), extra)
        bare = [timed([benchlib.PYTHON, "-c", "pass"], extra) for _ in range(args.runs)]
        helps = [timed([*cli, "--help"], extra) for _ in range(args.runs)]
        frames = [
            first_frame([*cli, "--snapshot", str(path)], ACCOUNT_ID.encode(), extra)
            for _ in range(args.runs)
        ]
    help_s, help_line = summary("awsexplorer --help", helps)
    frame_s, frame_line = summary(
        f"awsexplorer --snapshot ({args.resources} resources), first frame on an 80x24 pty",
        frames,
    )
    if args.repo:
        print(f"awsexplorer from {args.repo}")
    print(summary("python -c pass (the interpreter alone)", bare)[1])
    print(help_line)
    print(frame_line)
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print()
    print("targets (wall, on a quiet machine):")
    print(f"  --help <= {HELP_TARGET_S} s: {benchlib.verdict(help_s <= HELP_TARGET_S)}")
    print(f"  first frame <= {FRAME_TARGET_S} s: {benchlib.verdict(frame_s <= FRAME_TARGET_S)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
