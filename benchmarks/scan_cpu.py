"""CPU per request of `awsexplorer scan`, against the sequential boto3 scanner's (issue #18).

    python benchmarks/scan_cpu.py                      # 17 regions, 3 scans, 1 baseline run
    python benchmarks/scan_cpu.py --runs 1 --profile benchmarks/profiles/scan.prof
    python benchmarks/scan_cpu.py --tool "env PYTHONPATH=/tmp/old python -P -m awsexplorer"
    python benchmarks/scan_cpu.py --latency 0.05       # or --latency matrix (latency_matrix.json)
    python benchmarks/scan_cpu.py --no-baseline --runs 4 \
        --against "env PYTHONPATH=/tmp/old python -P -m awsexplorer"   # before/after, alternated

The children run in the repository's root, where `python -m` would import the working tree's
awsexplorer first: to measure another build (a `git archive` of a commit), put it on
PYTHONPATH and pass -P, as above.

CPU time (the child's own, from os.wait4) is what this measures, so it means something on a
loaded machine where wall time does not: moto and a 0 ms proxy (which counts the requests) run
in their own processes. moto is warmed by one unmeasured scan first (scan_bench.warm_moto: a
cold moto times out and the scan's retries are counted as requests). `--latency` sets the
proxy's delay (0 by default): the client's CPU per request depends on how its requests overlap
(see `--profile`'s counts per request: TCP connects, event-loop turns).

`--profile` runs one more scan under cProfile (on the CPU clock) and saves the .prof file plus a
text summary next to it, headed by counts per request (which the profiler and the load do not
distort); the profiler's overhead makes that run's CPU figure useless.
"""

from __future__ import annotations

import argparse
import io
import os
import pstats
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from benchlib import DEFAULT_REGIONS, PYTHON
from scan_bench import (
    MATRIX,
    measure_awsexplorer,
    measure_baseline,
    warm_credential_report,
    warm_moto,
)

# Functions whose call counts per request say how the scan's CPU is spent: (label, file
# suffix, function name); counted from the profile, summed over matches.
COUNTED = (
    ("API calls (attempts)", "aiobotocore/endpoint.py", "_send"),
    ("clients built", "aiobotocore/session.py", "_create_client"),
    ("TCP connects", "asyncio/selector_events.py", "sock_connect"),
    ("event-loop turns", "asyncio/base_events.py", "_run_once"),
    ("handler calls", "aiobotocore/_helpers.py", "resolve_awaitable"),
    ("user-agent builds", "botocore/useragent.py", "to_string"),
    ("parameter validations", "botocore/validate.py", "validate"),
)


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=17)
    parser.add_argument("--units", type=int, default=1)
    parser.add_argument("--principals", type=int, default=10)
    parser.add_argument("--buckets", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3, help="scans measured")
    parser.add_argument("--no-baseline", action="store_true", help="skip the boto3 scanner")
    parser.add_argument("--profile", type=Path, help="also profile one scan into this .prof")
    parser.add_argument("--tool", default=f"{PYTHON} -m awsexplorer")
    parser.add_argument(
        "--against",
        help="another build's command (as --tool): measured alternately with --tool, run for "
        "run, against the same warm moto and proxy (a before/after on a loaded machine)",
    )
    parser.add_argument(
        "--latency",
        default="0",
        help="the proxy's delay per request in seconds, or 'matrix' (latency_matrix.json)",
    )
    args = parser.parse_args()
    regions = list(DEFAULT_REGIONS[: max(1, min(args.regions, len(DEFAULT_REGIONS)))])

    benchlib.print_machine()
    matrix = MATRIX if args.latency == "matrix" else None
    delay = 0.0 if matrix is not None else float(args.latency)
    latency = "latency matrix" if matrix is not None else f"{delay * 1000:g} ms per request"
    print(f"load average {load()}; {len(regions)} regions x {args.units} units; {latency}")
    tool = args.tool.split()
    with benchlib.moto_server() as moto_url:
        from seed import seed

        seed(moto_url, regions, args.units, args.principals, args.buckets)
        warm_credential_report(moto_url)
        warm_moto(moto_url, regions, tool)
        with (
            benchlib.latency_proxy(moto_url, delay, matrix=matrix) as proxy,
            tempfile.TemporaryDirectory() as tmp,
        ):
            out = Path(tmp) / "snap.json"
            rows = []
            against = []
            for _ in range(args.runs):
                measured, _ = measure_awsexplorer(proxy, regions, out, tool)
                rows.append((measured, load()))
                if args.against:
                    other, _ = measure_awsexplorer(proxy, regions, out, args.against.split())
                    other.name = "--against"
                    against.append((other, load()))
            if not args.no_baseline:
                baseline = measure_baseline(proxy, "sequential", regions, 1)
                rows.append((baseline, load()))
            if args.profile:
                args.profile.parent.mkdir(parents=True, exist_ok=True)
                # The profiling runner replaces `-m awsexplorer` (the tool may start with
                # `env`, and carry interpreter flags such as -P).
                at = tool.index("-m")
                profiled = [*tool[:at], "-c", PROFILE_MAIN, str(args.profile.resolve())]
                profiled_run, _ = measure_awsexplorer(proxy, regions, out, profiled)

    print(
        f"\n{'scanner':<22}{'requests':>9}{'CPU s':>8}{'CPU ms/req':>11}{'peak MB':>9}"
        f"{'proxy ms/req':>13}  load"
    )
    for measured, at in rows + against:
        per = 1000 * measured.run.cpu / max(1, measured.requests)
        proxy_per = 1000 * measured.proxy_cpu / max(1, measured.requests)
        print(
            f"{measured.name:<22}{measured.requests:>9}{measured.run.cpu:>8.2f}{per:>11.2f}"
            f"{measured.run.peak_mb:>9.0f}{proxy_per:>13.2f}  {at}"
        )
    if not args.no_baseline:
        base = rows[-1][0]
        base_per = base.run.cpu / max(1, base.requests)
        ratios = [m.run.cpu / max(1, m.requests) / base_per for m, _ in rows[:-1]]
        print(
            "awsexplorer CPU per request / sequential boto3's: "
            + ", ".join(f"{r:.2f}x" for r in ratios)
            + f" (target <= 0.6x: {benchlib.verdict(max(ratios) <= 0.6)})"
        )
    if against:
        mine = sorted(1000 * m.run.cpu / max(1, m.requests) for m, _ in rows[: args.runs])
        theirs = sorted(1000 * m.run.cpu / max(1, m.requests) for m, _ in against)
        print(
            f"CPU ms per request, --tool {mine[0]:.2f}-{mine[-1]:.2f} (median "
            f"{mine[len(mine) // 2]:.2f}) vs --against {theirs[0]:.2f}-{theirs[-1]:.2f} "
            f"(median {theirs[len(theirs) // 2]:.2f})"
        )
    if args.profile:
        text = io.StringIO()
        stats = pstats.Stats(str(args.profile), stream=text)
        requests = profiled_run.requests
        text.write(
            f"{args.tool} scan, {len(regions)} regions, {latency}, load average {load()}\n"
            f"requests at the proxy: {requests}; function calls: {stats.total_calls:,} "
            f"({stats.total_calls / max(1, requests):,.0f} per request)\n"
        )
        for label, count in profile_counts(stats):
            text.write(f"{label:<24}{count:>9,}  {count / max(1, requests):8.2f} per request\n")
        text.write("\n")
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(40)
        summary = args.profile.with_suffix(".txt")
        summary.write_text(text.getvalue())
        print(f"profile: {args.profile} (summary: {summary})")
    return 0


# cProfile on the CPU clock (process_time), not the wall clock: on a loaded machine the wall
# clock charges other processes' time to whatever function was running.
PROFILE_MAIN = """
import cProfile, runpy, sys, time
out = sys.argv.pop(1)
sys.argv[0] = "awsexplorer"
profiler = cProfile.Profile(time.process_time)
try:
    profiler.runcall(runpy.run_module, "awsexplorer", run_name="__main__", alter_sys=True)
finally:
    profiler.dump_stats(out)
"""


def profile_counts(stats: pstats.Stats) -> list[tuple[str, int]]:
    table: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    counts = []
    for label, suffix, name in COUNTED:
        total = sum(
            calls
            for (path, _, func), (_, calls, _, _, _) in table.items()
            if func == name and path.endswith(suffix)
        )
        counts.append((label, total))
    return counts


if __name__ == "__main__":
    raise SystemExit(main())
