"""When do worker processes pay for a scan of ONE account's regions? (issue 18, "use every core")

    python benchmarks/regions_processes_bench.py                  # 17 and 1 regions, 1 and 2
    python benchmarks/regions_processes_bench.py --repeat 3 --processes 1,2,3 --latency 0.05

Starts a moto server (its own process) and the latency proxy (its own process) on 127.0.0.1,
seeds 17 regions x --units units plus IAM principals and buckets (benchmarks/seed.py), warms
moto with one unmeasured scan, then scans 17 regions and 1 region with --processes P for each P,
the runs interleaved (17/P1, 17/P2, 1/P1, 1/P2, then again) so that a change in the machine's
load hits every variant alike. Each scan is a child process running the scanner
(`runner.scan(config, processes=P)`, what `awsexplorer scan --processes P` runs for one
account); per run: wall, the child's CPU (its workers included: they are its waited-for
children), moto's and the proxy's CPU while it ran, requests at the proxy, resources found.
Prints every run, then the median per variant, and the load average before and after.

On a 2-core machine the client's processes share the cores with moto and the proxy, so the
client's CPU is not the only thing spreading it helps or hurts. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from benchlib import DEFAULT_REGIONS, PYTHON, run_child

CHILD_TIMEOUT = 600.0


def child(url: str, processes: int, regions: list[str]) -> None:
    """In the measured child: one scan, its outcome as one JSON line."""
    import asyncio

    from awsexplorer.config import ScanConfig
    from awsexplorer.scan.runner import scan

    config = ScanConfig(endpoint_url=url, regions=tuple(regions), home_region="us-east-1")
    started = time.perf_counter()
    result = asyncio.run(scan(config, processes=processes))
    print(
        json.dumps(
            {
                "scan_s": time.perf_counter() - started,
                "resources": len(result.resources),
                "errors": sum(len(r.errors) for r in result.regions),
            }
        )
    )


def measure(
    proxy: benchlib.Proxy, server: benchlib.Server, regions: list[str], processes: int
) -> dict[str, float]:
    proxy.reset()
    argv = [PYTHON, __file__, "--child", proxy.url, str(processes), *regions]
    moto_before, proxy_before = server.cpu(), proxy.cpu()
    run = run_child(argv, env=benchlib.dummy_aws_env(), timeout=CHILD_TIMEOUT)
    moto_cpu, proxy_cpu = server.cpu() - moto_before, proxy.cpu() - proxy_before
    if run.returncode != 0:
        raise SystemExit(f"scan failed ({run.returncode}):\n{run.stderr[-3000:]}")
    inner = json.loads(run.stdout.strip().splitlines()[-1])
    return {
        "wall": run.wall,
        "scan": float(inner["scan_s"]),
        "cpu": run.cpu,
        "moto": moto_cpu,
        "proxy": proxy_cpu,
        "requests": float(len(proxy.log())),
        "resources": float(inner["resources"]),
        "errors": float(inner["errors"]),
        "peak_mb": run.peak_mb,
        "load": os.getloadavg()[0],
    }


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1, help="units per region")
    parser.add_argument("--principals", type=int, default=10)
    parser.add_argument("--buckets", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--processes", default="1,2", help="comma-separated, e.g. 1,2,3")
    parser.add_argument("--sizes", default="17,1", help="region counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of interleaved runs")
    args = parser.parse_args()
    counts = [int(p) for p in args.processes.split(",")]
    sizes = [max(1, min(int(s), len(DEFAULT_REGIONS))) for s in args.sizes.split(",")]
    everywhere = list(DEFAULT_REGIONS[: max(sizes)])

    benchlib.print_machine()
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the start")
    print(
        f"account: {len(everywhere)} regions x {args.units} units, {args.principals} IAM users, "
        f"{args.buckets} buckets; latency {1000 * args.latency:.0f} ms per request"
    )
    runs: dict[tuple[int, int], list[dict[str, float]]] = {}
    with benchlib.moto_server_process() as server:
        from scan_bench import warm_credential_report, warm_moto
        from seed import seed

        t0 = time.perf_counter()
        seed(server.url, everywhere, args.units, args.principals, args.buckets)
        warm_credential_report(server.url)
        print(f"seeded in {time.perf_counter() - t0:.1f} s")
        warm_moto(server.url, everywhere, [PYTHON, "-m", "awsexplorer"])
        with (
            benchlib.latency_proxy(server.url, args.latency, record=True) as proxy,
            tempfile.TemporaryDirectory(),
        ):
            header = (
                f"{'regions':>7} {'proc':>4} {'wall s':>7} {'scan s':>7} {'CPU s':>6} "
                f"{'moto s':>7} {'proxy s':>7} {'req':>5} {'res':>5} {'err':>4} {'MB':>5} "
                f"{'load':>5}"
            )
            print(header)
            for _ in range(max(1, args.repeat)):
                for size in sizes:
                    for processes in counts:
                        m = measure(proxy, server, everywhere[:size], processes)
                        runs.setdefault((size, processes), []).append(m)
                        print(
                            f"{size:>7} {processes:>4} {m['wall']:>7.2f} {m['scan']:>7.2f} "
                            f"{m['cpu']:>6.2f} {m['moto']:>7.2f} {m['proxy']:>7.2f} "
                            f"{m['requests']:>5.0f} {m['resources']:>5.0f} {m['errors']:>4.0f} "
                            f"{m['peak_mb']:>5.0f} {m['load']:>5.1f}",
                            flush=True,
                        )
    print()
    print("median per variant (wall s, scan s, client CPU s incl. workers, moto CPU s):")
    for (size, processes), ms in sorted(runs.items(), key=lambda kv: (-kv[0][0], kv[0][1])):

        def med(key: str, ms: list[dict[str, float]] = ms) -> float:
            return statistics.median(m[key] for m in ms)

        print(
            f"  {size:>2} regions, {processes} process{'es' if processes > 1 else '  '}: "
            f"wall {med('wall'):6.2f}  scan {med('scan'):6.2f}  CPU {med('cpu'):6.2f}  "
            f"moto {med('moto'):6.2f}  ({len(ms)} runs)"
        )
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
