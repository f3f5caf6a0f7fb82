"""CPU per request of `awsexplorer scan`, against the sequential boto3 scanner's (issue #18).

    python benchmarks/scan_cpu.py                      # 17 regions, 3 scans, 1 baseline run
    python benchmarks/scan_cpu.py --runs 1 --profile benchmarks/profiles/scan.prof
    python benchmarks/scan_cpu.py --tool "env PYTHONPATH=/tmp/old python -P -m awsexplorer"

The children run in the repository's root, where `python -m` would import the working tree's
awsexplorer first: to measure another build (a `git archive` of a commit), put it on
PYTHONPATH and pass -P, as above.

CPU time (the child's own, from os.wait4) is what this measures, so it means something on a
loaded machine where wall time does not: moto and a 0 ms proxy (which counts the requests) run
in their own processes. `--profile` runs one more scan under cProfile and saves the .prof file
plus a text summary next to it (the profiler's overhead makes that run's CPU figure useless).
"""

from __future__ import annotations

import argparse
import io
import os
import pstats
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from benchlib import DEFAULT_REGIONS, PYTHON
from scan_bench import measure_awsexplorer, measure_baseline, warm_credential_report


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
    args = parser.parse_args()
    regions = list(DEFAULT_REGIONS[: max(1, min(args.regions, len(DEFAULT_REGIONS)))])

    benchlib.print_machine()
    print(f"load average {load()}; {len(regions)} regions x {args.units} units")
    tool = args.tool.split()
    with benchlib.moto_server() as moto_url:
        from seed import seed

        seed(moto_url, regions, args.units, args.principals, args.buckets)
        warm_credential_report(moto_url)
        with (
            benchlib.latency_proxy(moto_url, 0.0) as proxy,
            tempfile.TemporaryDirectory() as tmp,
        ):
            out = Path(tmp) / "snap.json"
            rows = []
            for _ in range(args.runs):
                measured, _ = measure_awsexplorer(proxy, regions, out, tool)
                rows.append((measured, load()))
            if not args.no_baseline:
                baseline = measure_baseline(proxy, "sequential", regions, 1)
                rows.append((baseline, load()))
            if args.profile:
                args.profile.parent.mkdir(parents=True, exist_ok=True)
                # cProfile goes just before `-m awsexplorer` (the tool may start with `env`,
                # and carry interpreter flags such as -P).
                at = tool.index("-m")
                profile = ["-m", "cProfile", "-o", str(args.profile.resolve())]
                profiled = [*tool[:at], *profile, *tool[at:]]
                measure_awsexplorer(proxy, regions, out, profiled)

    print(f"\n{'scanner':<22}{'requests':>9}{'CPU s':>8}{'CPU ms/req':>11}{'peak MB':>9}  load")
    for measured, at in rows:
        per = 1000 * measured.run.cpu / max(1, measured.requests)
        print(
            f"{measured.name:<22}{measured.requests:>9}{measured.run.cpu:>8.2f}{per:>11.2f}"
            f"{measured.run.peak_mb:>9.0f}  {at}"
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
    if args.profile:
        text = io.StringIO()
        stats = pstats.Stats(str(args.profile), stream=text)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(40)
        summary = args.profile.with_suffix(".txt")
        summary.write_text(text.getvalue())
        print(f"profile: {args.profile} (summary: {summary})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
