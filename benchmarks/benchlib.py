"""Shared helpers for the benchmarks: the machine, child processes, a moto server, the proxy.

Everything here talks to 127.0.0.1 only. Child processes are measured with os.wait4, which
gives each child's own peak memory and CPU time (not the whole process tree's).
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
LOCALHOST = "127.0.0.1"
DUMMY_KEY = "benchmark"

# The 17 regions every account has enabled by default (no opt-in needed).
DEFAULT_REGIONS = (
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
)


def machine() -> dict[str, str]:
    """What the figures came from: cores, CPU, memory, Python."""
    cpu = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
    }


def print_machine() -> None:
    m = machine()
    print(
        f"machine: {m['nproc']} cores, {m['cpu']}, {m['memory']} RAM, "
        f"Python {m['python']}, {m['os']}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        return int(sock.getsockname()[1])


def dummy_aws_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child that talks to the local server: dummy keys, no profile, no
    instance metadata, so nothing can leave 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "AWS_ACCESS_KEY_ID": DUMMY_KEY,
            "AWS_SECRET_ACCESS_KEY": DUMMY_KEY,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }
    )
    env.update(extra or {})
    return env


@dataclass(frozen=True, slots=True)
class ChildRun:
    returncode: int
    wall: float  # seconds, process start to exit
    cpu: float  # user + system seconds of the child itself
    peak_mb: float  # the child's peak resident memory
    stdout: str
    stderr: str


def run_child(
    argv: Sequence[str],
    env: dict[str, str] | None = None,
    timeout: float = 600.0,
    on_start: Callable[[int], None] | None = None,
) -> ChildRun:
    """Run a child to completion and measure it (wall, CPU, peak RSS) with os.wait4;
    `on_start` is told its process id once it runs."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{os.getpid()}-{time.time_ns()}"
    with open(f"{out_path}.out", "w+b") as out, open(f"{out_path}.err", "w+b") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err, env=env, cwd=ROOT)
        if on_start is not None:
            on_start(proc.pid)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped by wait4
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    for suffix in (".out", ".err"):
        Path(f"{out_path}{suffix}").unlink(missing_ok=True)
    return ChildRun(
        returncode=proc.returncode,
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,  # Linux reports KiB
        stdout=stdout,
        stderr=stderr,
    )


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode} before it was up")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up within {timeout:.0f}s")


@contextlib.contextmanager
def background(
    argv: Sequence[str], ready_url: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """A long-running child (server, proxy), stopped when the block ends."""
    proc = subprocess.Popen(
        list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env
    )
    try:
        _wait_until_up(ready_url, proc)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def process_cpu(pid: int) -> float:
    """User + system CPU seconds a running process (all its threads) has used so far (Linux's
    /proc; os.wait4 only measures a child once it has exited)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class Server:
    url: str
    pid: int

    def cpu(self) -> float:
        return process_cpu(self.pid)


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """A moto server in its own process on 127.0.0.1; yields its URL."""
    with moto_server_process() as server:
        yield server.url


@contextlib.contextmanager
def moto_server_process() -> Iterator[Server]:
    """A moto server in its own process on 127.0.0.1; yields its URL and process id (for its
    CPU time: on a 2-core machine the server's CPU is part of what the scan waits for)."""
    port = free_port()
    url = f"http://{LOCALHOST}:{port}"
    # moto 5.2 lacks a few APIs every scan reads (SSM DescribeInstanceInformation, Access
    # Analyzer, WAF ListResourcesForWebACL): without them each is retried with back-off and the
    # scan's wall time measures the retries. The demo's extensions serve them, as in the tests.
    launcher = (
        "from awsexplorer.demo import edges, operations; "
        "edges.extend_moto(); operations.extend_moto(); "
        "from moto.server import main; import sys; main(sys.argv[1:])"
    )
    argv = [PYTHON, "-c", launcher, "-H", LOCALHOST, "-p", str(port)]
    # moto loads ~1,300 public AMIs into every EC2 region. The baselines' DescribeImages (no
    # Owners: they map the collectors' calls without parameters) returned and parsed all of
    # them in every region, which no real scanner asks for; awsexplorer's (Owners=self) costs
    # moto little more without them (session 5, load 40: 10.6 ms of moto CPU against a floor
    # of ~7 ms per request). Without them every scanner reads only the account's own images.
    env = {**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
    with background(argv, f"{url}/moto-api/data.json", env) as proc:
        yield Server(url, proc.pid)


class Proxy:
    """The latency proxy (benchmarks/latency_proxy.py) running in its own process."""

    def __init__(self, url: str, pid: int | None = None) -> None:
        self.url = url
        self.pid = pid

    def cpu(self) -> float:
        """The proxy process's CPU seconds so far (0.0 when its process id is not known)."""
        return process_cpu(self.pid) if self.pid is not None else 0.0

    def _admin(self, path: str, method: str = "GET") -> dict[str, object]:
        request = urllib.request.Request(f"{self.url}/__proxy__/{path}", method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            return dict(json.loads(response.read()))

    def reset(self) -> None:
        self._admin("reset", "POST")

    def stats(self) -> dict[str, object]:
        return self._admin("stats")

    def log(self) -> list[dict[str, object]]:
        return list(self._admin("log")["requests"])  # type: ignore[arg-type]


@contextlib.contextmanager
def latency_proxy(
    upstream: str, delay: float, record: bool = False, matrix: Path | None = None
) -> Iterator[Proxy]:
    """The proxy adding `delay` seconds to each request, or with `matrix` (a latency_matrix.json)
    the round trip of the region each request is signed for."""
    port = free_port()
    url = f"http://{LOCALHOST}:{port}"
    argv = [
        PYTHON,
        str(HERE / "latency_proxy.py"),
        "--upstream",
        upstream,
        "--port",
        str(port),
        "--delay",
        str(delay),
    ]
    if record:
        argv.append("--record")
    if matrix is not None:
        argv += ["--matrix", str(matrix)]
    with background(argv, f"{url}/__proxy__/stats") as proc:
        yield Proxy(url, proc.pid)


def verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"
