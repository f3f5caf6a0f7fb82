"""How fast does `awsexplorer scan` read an account, against the baselines and the limits?

    python benchmarks/scan_bench.py                       # 17 regions x 1 unit, 50 ms latency
    python benchmarks/scan_bench.py --regions 4 --units 3 --latency 0.02
    python benchmarks/scan_bench.py --latency matrix         # per-region round trips from eu-west-1
    python benchmarks/scan_bench.py --runs 3                 # three consecutive awsexplorer runs

Starts a moto server in its own process on 127.0.0.1 and a latency proxy (its own process) in
front of it, seeds K regions x M units plus IAM principals and buckets, then runs, one after
the other in the same run: `awsexplorer scan` (the real CLI, as a child), a sequential boto3
scanner and a 32-thread boto3 scanner (benchmarks/baseline_scanners.py) making the same calls.
Requests are counted at the proxy. Then three limits on the tool's own request count:

- critical path: for each region, the chain of dependent calls the scanner makes that ends
  there and costs the most at the injected latency (traced in-process, critical_path.py); the
  largest is the limit no amount of concurrency beats. Printed call by call;
- server-bound: requests / the server's maximum throughput (the tool's own recorded requests
  replayed straight at moto by 32 concurrent aiohttp connections);
- machine-bound: the CPU the scan made the machine spend (its own, moto's and the proxy's
  while it ran, from /proc) over the cores: on a small machine all three share them.
  (requests x the sequential scanner's CPU per request, the "client-bound" of earlier
  sessions, is printed for reference; it is not one of #18's limits.)

--runs N measures awsexplorer N times one after the other after the warm-up (the baselines,
the trace and the throughput replay once) and prints each run's ratios, and how many of the
runs meet each target.

Everything stays on 127.0.0.1; every child has a timeout; the script stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextvars
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
import critical_path as cp
import utilisation
from benchlib import DEFAULT_REGIONS, PYTHON, ChildRun, Proxy, Server, run_child
from critical_path import WAIT, TracedCall

MATRIX = benchlib.HERE / "latency_matrix.json"

CHILD_TIMEOUT = 900.0  # the sequential scanner at the latency matrix, on a loaded machine


@dataclass
class Measured:
    name: str
    run: ChildRun
    requests: int
    first_request_after: float | None = None  # process start -> first request reached proxy
    server_cpu: float = 0.0  # moto's CPU seconds while this scanner ran
    proxy_cpu: float = 0.0  # the latency proxy's CPU seconds while this scanner ran
    timeline: list[str] = field(default_factory=list)  # utilisation.timeline of the run

    @property
    def per_request_ms(self) -> float:
        return 1000 * self.run.wall / max(1, self.requests)


def _regions_args(regions: list[str]) -> list[str]:
    return [arg for region in regions for arg in ("--region", region)]


def _cpu_of(server: Server | None, proxy: Proxy) -> tuple[float, float]:
    return (server.cpu() if server else 0.0), proxy.cpu()


def measure_awsexplorer(
    proxy: Proxy, regions: list[str], out: Path, tool: list[str], server: Server | None = None
) -> tuple[Measured, Any]:
    proxy.reset()
    argv = [*tool, "scan", "--endpoint-url", proxy.url]
    argv += ["--output", str(out), "--format", "text", *_regions_args(regions)]
    launched = time.time()
    server_before, proxy_before = _cpu_of(server, proxy)
    # Who kept the cores busy, and when (the wall time above the limits is spent somewhere).
    child: list[int] = []

    def client_cpu() -> float:
        if not child:
            raise ValueError("not started yet")
        return benchlib.process_cpu(child[0])

    sampler = utilisation.Sampler(
        [client_cpu, *([server.cpu] if server else []), *([proxy.cpu] if proxy.pid else [])]
    )
    sampler.start()
    try:
        run = run_child(
            argv, env=benchlib.dummy_aws_env(), timeout=CHILD_TIMEOUT, on_start=child.append
        )
    finally:
        sampler.stop()
    server_after, proxy_after = _cpu_of(server, proxy)
    names = ["awsexplorer", *(["moto"] if server else []), *(["proxy"] if proxy.pid else [])]
    if run.returncode not in (0, 3):
        raise SystemExit(f"awsexplorer scan failed ({run.returncode}):\n{run.stderr[-3000:]}")
    retries = run.stderr.count("retrying ")
    if retries:
        print(f"warning: the measured scan retried {retries} calls (see its stderr)")
    log = proxy.log()
    first = min((float(e["start"]) for e in log), default=None)
    from awsexplorer import snapshot

    result = snapshot.read(out)
    measured = Measured(
        "awsexplorer scan",
        run,
        len(log),
        None if first is None else first - launched,
        server_after - server_before,
        proxy_after - proxy_before,
        utilisation.timeline(names, sampler.samples),
    )
    return measured, (result, log)


def warm_moto(moto_url: str, regions: list[str], tool: list[str]) -> None:
    """One unmeasured scan straight at moto before anything is measured. moto builds each
    (service, region) backend on its first request, some in seconds (AWS never does): under a
    scan's concurrency those first requests ran past the read timeout and were retried, so the
    first scanner measured moto's start-up (session 4: 70 s and 195 retries for a scan that
    takes 15 s once moto is warm). Every scanner measured after this finds moto warm alike."""
    with tempfile.TemporaryDirectory() as tmp:
        argv = [*tool, "scan", "--endpoint-url", moto_url, "--output", str(Path(tmp) / "w.json")]
        t0 = time.perf_counter()
        run = run_child(
            [*argv, *_regions_args(regions)], env=benchlib.dummy_aws_env(), timeout=CHILD_TIMEOUT
        )
    retries = run.stderr.count("retrying ")
    print(
        f"moto warmed by one unmeasured scan in {time.perf_counter() - t0:.1f} s "
        f"({retries} retries)\n"
    )


def measure_baseline(
    proxy: Proxy, mode: str, regions: list[str], threads: int, server: Server | None = None
) -> Measured:
    proxy.reset()
    argv = [PYTHON, str(benchlib.HERE / "baseline_scanners.py"), mode, "--endpoint-url", proxy.url]
    argv += ["--threads", str(threads), *_regions_args(regions)]
    server_before, proxy_before = _cpu_of(server, proxy)
    run = run_child(argv, env=benchlib.dummy_aws_env(), timeout=CHILD_TIMEOUT)
    server_after, proxy_after = _cpu_of(server, proxy)
    if run.returncode != 0:
        raise SystemExit(f"{mode} baseline failed ({run.returncode}):\n{run.stderr[-3000:]}")
    inner = json.loads(run.stdout.strip().splitlines()[-1])
    measured = Measured(
        f"boto3 {mode}" + (f" ({threads} threads)" if mode == "threaded" else ""),
        run,
        int(proxy.stats()["requests"]),  # type: ignore[call-overload]
        server_cpu=server_after - server_before,
        proxy_cpu=proxy_after - proxy_before,
    )
    measured.inner = inner  # type: ignore[attr-defined]
    return measured


# -- critical path ---------------------------------------------------------------------------

# The calls the current task has waited for (ids of TracedCall): a call sent extends its own
# task's chain; tasks started by gather inherit their starter's.
_WAITED: contextvars.ContextVar[tuple[int, ...]] = contextvars.ContextVar("waited", default=())
_SCOPE_REGION = re.compile(r"Credential=[^/]+/\d+/([^/]+)/")


def trace_scan(moto_url: str, regions: list[str]) -> list[TracedCall]:
    """One scan, in-process against moto, with every request sent recorded as a TracedCall
    naming the calls it waited for (see critical_path.py). The region is the one the request
    is signed for, as the latency proxy reads it. The prologue (caller identity, alias, region
    discovery) is waited for by every collector, which the runner's gather does not show to
    the context variable: each collector's task starts from all prologue calls."""
    from awsexplorer.config import ScanConfig
    from awsexplorer.scan import runner as runner_module
    from awsexplorer.scan.session import CURRENT_CALLER, ClientPool

    traced: list[TracedCall] = []
    prologue: list[int] = []
    started = {"collectors": False}

    def on_send(request: Any = None, event_name: str = "", **_: Any) -> None:
        match = _SCOPE_REGION.search(
            str((request.headers if request else {}).get("Authorization", ""))
        )
        _, service, operation = [*event_name.split("."), "?", "?"][:3]
        call = TracedCall(
            id=len(traced),
            parents=_WAITED.get(),
            region=match.group(1) if match else "?",
            service=service,
            operation=operation,
            caller=CURRENT_CALLER.get(),
        )
        traced.append(call)
        _WAITED.set((call.id,))
        if not started["collectors"]:
            prologue.append(call.id)

    original_sleep = asyncio.sleep

    async def sleep(delay: float, result: Any = None) -> Any:
        if delay >= 0.01:  # a deliberate pause (back-off), not a yield to the loop
            pause = TracedCall(len(traced), _WAITED.get(), WAIT, seconds=float(delay))
            traced.append(pause)
            _WAITED.set((pause.id,))
        return await original_sleep(delay, result)

    original_get = ClientPool.get
    original_run_one = runner_module.Scanner._run_one
    hooked: set[int] = set()

    async def get(self: ClientPool, service: str, region: str) -> Any:
        client = await original_get(self, service, region)
        if id(client) not in hooked:
            hooked.add(id(client))
            client.meta.events.register("before-send", on_send)
        return client

    async def run_one(self: Any, collector: Any, ctx: Any) -> None:
        started["collectors"] = True
        _WAITED.set(tuple(prologue))
        await original_run_one(self, collector, ctx)

    ClientPool.get = get  # type: ignore[method-assign]
    runner_module.Scanner._run_one = run_one  # type: ignore[method-assign]
    asyncio.sleep = sleep  # type: ignore[assignment]
    try:
        config = ScanConfig(
            endpoint_url=moto_url,
            access_key=benchlib.DUMMY_KEY,
            secret_key=benchlib.DUMMY_KEY,
            home_region="us-east-1",
            regions=tuple(regions),
        )
        asyncio.run(runner_module.Scanner(config).run())
    finally:
        ClientPool.get = original_get  # type: ignore[method-assign]
        runner_module.Scanner._run_one = original_run_one  # type: ignore[method-assign]
        asyncio.sleep = original_sleep  # type: ignore[assignment]
    return traced


def warm_credential_report(moto_url: str) -> None:
    """Generate the IAM credential report once before anything is measured, as an account
    scanned within the last four hours has one: every scanner (and the trace) then finds it
    ready. A cold report adds the generate-and-poll back-off (and AWS's generation time) to
    the IAM chain, the same for every scanner."""
    import boto3

    iam = boto3.client(
        "iam",
        endpoint_url=moto_url,
        region_name="us-east-1",
        aws_access_key_id=benchlib.DUMMY_KEY,
        aws_secret_access_key=benchlib.DUMMY_KEY,
    )
    iam.generate_credential_report()


# -- server throughput -----------------------------------------------------------------------


def server_throughput(
    moto_url: str,
    log: list[dict[str, Any]],
    concurrency: int = 32,
    min_seconds: float = 3.0,
    max_passes: int = 5,
) -> float:
    """Requests per second moto sustains on the scan's own request mix, replayed raw."""
    from aiohttp import ClientSession, TCPConnector

    requests = [e for e in log if "method" in e]

    async def replay() -> tuple[int, float]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        done = 0

        async def worker(session: ClientSession) -> None:
            nonlocal done
            while True:
                try:
                    entry = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                async with session.request(
                    entry["method"],
                    f"{moto_url}{entry['path']}",
                    headers=entry["headers"],
                    data=base64.b64decode(entry["body"]),
                ) as response:
                    await response.read()
                done += 1

        async with ClientSession(connector=TCPConnector(limit=concurrency)) as session:
            start = time.perf_counter()
            passes = 0
            while passes < max_passes and (
                passes == 0 or time.perf_counter() - start < min_seconds
            ):
                for entry in requests:
                    queue.put_nowait(entry)
                await asyncio.gather(*(worker(session) for _ in range(concurrency)))
                passes += 1
            return done, time.perf_counter() - start

    done, elapsed = asyncio.run(replay())
    return done / elapsed


# -- report ----------------------------------------------------------------------------------

ISSUE12_BEFORE = 5.61  # s: the 17-region scan at 50 ms before the coverage types (637 requests)


def limits_of(
    tool: Measured, longest: float, throughput: float, cpu_per_request: float
) -> dict[str, float]:
    """#18's three limits on one awsexplorer run, and (for reference) the old client bound.

    machine-bound: the CPU the run made the machine spend (the scanner's own, moto's and the
    proxy's while it ran) over the cores, since all three share them here."""
    cores = os.cpu_count() or 1
    return {
        "critical path": longest,
        "server-bound": tool.requests / throughput,
        "machine-bound": (tool.run.cpu + tool.server_cpu + tool.proxy_cpu) / cores,
        "client-bound": tool.requests * cpu_per_request,
    }


BINDING = ("critical path", "server-bound", "machine-bound")  # #18's three


def report_run(
    label: str,
    tool: Measured,
    limits: dict[str, float],
    sequential: Measured,
    threaded: Measured,
    headline: bool,
) -> None:
    bound_name, bound = max(((k, limits[k]) for k in BINDING), key=lambda kv: kv[1])
    vs_seq = sequential.per_request_ms / tool.per_request_ms
    vs_thr = threaded.per_request_ms / tool.per_request_ms
    ratio = tool.run.wall / bound
    cpu_ms = 1000 * tool.run.cpu / max(1, tool.requests)
    print(
        f"{label}: {tool.run.wall:.2f} s, {tool.requests} requests, {cpu_ms:.1f} ms CPU per "
        f"request; per request {vs_seq:.1f}x sequential, {vs_thr:.2f}x threads; "
        f"{ratio:.2f}x the largest limit ({bound_name} {bound:.2f} s)"
        + (f"; #12: {tool.run.wall / ISSUE12_BEFORE:.2f}x {ISSUE12_BEFORE} s" if headline else "")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=17, help="how many regions (max 17)")
    parser.add_argument("--units", type=int, default=1, help="units per region")
    parser.add_argument("--principals", type=int, default=10, help="IAM users (and roles)")
    parser.add_argument("--buckets", type=int, default=10)
    parser.add_argument(
        "--latency",
        default="0.05",
        help="seconds per request, or 'matrix': each region's round trip from --matrix",
    )
    parser.add_argument("--matrix", type=Path, default=MATRIX, help="per-region round trips")
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument(
        "--runs",
        type=int,
        default=1,
        help="awsexplorer scans measured one after the other (the baselines run once)",
    )
    parser.add_argument(
        "--tool",
        default=f"{PYTHON} -m awsexplorer",
        help="the command that runs awsexplorer (to measure a patched build)",
    )
    args = parser.parse_args()
    matrix_path: Path | None = None
    if args.latency == "matrix":
        matrix_path = args.matrix
        from latency_proxy import load_matrix

        by_region, default = load_matrix(matrix_path)
        latency_of = cp.from_matrix(by_region, default)
        origin = json.loads(matrix_path.read_text())["from"]
        latency_text = f"latency matrix {matrix_path.name} (round trips from {origin})"
        flat_latency: float | None = None
    else:
        flat_latency = float(args.latency)
        latency_of = cp.flat(flat_latency)
        latency_text = f"latency {1000 * flat_latency:.0f} ms per request"
    regions = list(DEFAULT_REGIONS[: max(1, min(args.regions, len(DEFAULT_REGIONS)))])

    benchlib.print_machine()
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1) / 2:
        print(f"warning: load average {load:.1f}: other work shares this machine's cores")
    print(
        f"account: {len(regions)} regions x {args.units} units, {args.principals} IAM users, "
        f"{args.buckets} buckets; {latency_text}"
    )
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the start")
    runs: list[Measured] = []
    with benchlib.moto_server_process() as server:
        moto_url = server.url
        t0 = time.perf_counter()
        from seed import seed

        seed(moto_url, regions, args.units, args.principals, args.buckets)
        warm_credential_report(moto_url)
        print(f"seeded in {time.perf_counter() - t0:.1f} s")
        warm_moto(moto_url, regions, args.tool.split())

        with (
            benchlib.latency_proxy(
                moto_url, flat_latency or 0.0, record=True, matrix=matrix_path
            ) as proxy,
            tempfile.TemporaryDirectory() as tmp,
        ):
            for i in range(max(1, args.runs)):
                tool, (found, found_log) = measure_awsexplorer(
                    proxy, regions, Path(tmp) / "snap.json", args.tool.split(), server
                )
                if i == 0:
                    result, log = found, found_log
                runs.append(tool)
                load_now = " ".join(f"{x:.1f}" for x in os.getloadavg())
                print(
                    f"awsexplorer run {i + 1}: {tool.run.wall:.2f} s, {tool.requests} requests "
                    f"(load average {load_now})"
                )
            sequential = measure_baseline(proxy, "sequential", regions, args.threads, server)
            threaded = measure_baseline(proxy, "threaded", regions, args.threads, server)

        traced = trace_scan(moto_url, regions)
        throughput = server_throughput(moto_url, log)
    tool = runs[0]

    errors = sum(len(r.errors) for r in result.regions)
    print(
        f"awsexplorer found {len(result.resources)} resources, {errors} failed calls "
        f"(exit {tool.run.returncode})"
    )
    failed = Counter(
        f"{e.service}:{e.operation} {e.code}" for r in result.regions for e in r.errors
    )
    if failed:
        print("failed calls: " + "; ".join(f"{k} x{n}" for k, n in sorted(failed.items())))
    skipped = sequential.inner["skipped"]  # type: ignore[attr-defined]
    if skipped:
        print("baselines could not map: " + "; ".join(skipped))
    print()
    header = f"{'scanner':<28}{'wall s':>8}{'requests':>10}{'ms/req':>8}{'CPU s':>8}"
    print(header + f"{'peak MB':>9}{'moto CPU s':>12}{'proxy CPU s':>12}{'proxy ms/req':>13}")
    names = [f"awsexplorer scan, run {i + 1}" for i in range(len(runs))] if len(runs) > 1 else []
    for m, name in zip([*runs, sequential, threaded], [*names, None, None], strict=False):
        proxy_ms = 1000 * m.proxy_cpu / max(1, m.requests)
        print(
            f"{name or m.name:<28}{m.run.wall:>8.2f}{m.requests:>10}{m.per_request_ms:>8.2f}"
            f"{m.run.cpu:>8.2f}{m.run.peak_mb:>9.0f}{m.server_cpu:>12.2f}{m.proxy_cpu:>12.2f}"
            f"{proxy_ms:>13.2f}"
        )
    if tool.first_request_after is not None:
        print(
            f"(awsexplorer: {tool.first_request_after:.2f} s from process start to first "
            "request: interpreter, imports, credentials)"
        )

    seq_inner = sequential.inner  # type: ignore[attr-defined]
    cpu_per_request = seq_inner["cpu"] / max(1, seq_inner["calls"])
    chains = cp.chains_by_region(traced, latency_of)
    longest = cp.critical(chains)
    limits = limits_of(tool, longest.seconds if longest else 0.0, throughput, cpu_per_request)
    cores = os.cpu_count() or 1
    print()
    print(f"limits on awsexplorer's {tool.requests} requests (run 1):")
    requests_traced = sum(1 for c in traced if c.region != WAIT)
    depth, where = (longest.depth, longest.region) if longest else (0, "-")
    print(
        f"  critical path  {limits['critical path']:6.2f} s  ({depth} dependent calls, ending "
        f"in {where}; {requests_traced} requests traced)"
    )
    print(
        f"  server-bound   {limits['server-bound']:6.2f} s  (moto sustains {throughput:.0f} req/s "
        "on this request mix)"
    )
    print(
        f"  machine-bound  {limits['machine-bound']:6.2f} s  ((awsexplorer {tool.run.cpu:.2f} + "
        f"moto {tool.server_cpu:.2f} + proxy {tool.proxy_cpu:.2f} s CPU) / {cores} cores)"
    )
    from awsexplorer.config import ScanConfig

    bound = ScanConfig().per_service_region
    queue = cp.busiest(traced, latency_of, bound)
    if queue is not None:
        print(
            f"  (also: {queue.service} in {queue.region}, {queue.calls} calls at most {bound} in "
            f"flight, takes at least {queue.seconds:.2f} s of round trips)"
        )
    print(
        f"  (for reference, not a limit of #18: {limits['client-bound']:.2f} s = requests x "
        f"sequential boto3's {1000 * cpu_per_request:.1f} ms CPU per request)"
    )
    print()
    print("critical path by region (the costliest chain of dependent calls ending there):")
    for line in cp.table(chains):
        print(line)

    headline = len(regions) == 17 and flat_latency is not None and abs(flat_latency - 0.05) < 1e-9
    print()
    print(
        f"wall clock, run 1: awsexplorer is {sequential.run.wall / tool.run.wall:.1f}x the "
        f"sequential scanner and {threaded.run.wall / tool.run.wall:.2f}x the threaded one"
    )
    print(
        "each run against the baselines and its own limits"
        + ("" if headline else " (targets defined at 17 regions and 50 ms; indicative here)")
        + ":"
    )
    verdicts = []
    for i, run in enumerate(runs):
        run_limits = limits_of(run, limits["critical path"], throughput, cpu_per_request)
        report_run(f"  run {i + 1}", run, run_limits, sequential, threaded, headline)
        bound = max(run_limits[k] for k in BINDING)
        vs_seq = sequential.per_request_ms / run.per_request_ms
        vs_thr = threaded.per_request_ms / run.per_request_ms
        verdicts.append((vs_seq >= 8, vs_thr >= 1.2, run.run.wall / bound <= 1.3))
    for i, run in enumerate(runs):
        if run.timeline:
            print(
                f"where run {i + 1}'s time went: each process's share of a core, in %, "
                f"per {utilisation.BUCKET} s from the scan's start"
            )
            for line in run.timeline:
                print(line)
    print()
    print("targets (#18), runs meeting each:")
    for k, text in enumerate(
        (">= 8x sequential per request", ">= 1.2x threads per request", "wall <= 1.3x limit")
    ):
        met = sum(1 for v in verdicts if v[k])
        print(f"  {text}: {benchlib.verdict(met == len(runs))} ({met} of {len(runs)})")
    if headline:
        met = sum(1 for r in runs if r.run.wall <= 1.3 * ISSUE12_BEFORE)
        print(
            f"  #12, wall <= 1.3 x {ISSUE12_BEFORE} s: "
            f"{benchlib.verdict(met == len(runs))} ({met} of {len(runs)})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
