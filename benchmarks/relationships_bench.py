"""How long the relationship index (`model.relationships.build`) takes on 100,000 resources, how
fast a `related` answer is after it, and how much memory it adds.

    python benchmarks/relationships_bench.py [--resources 100000] [--runs 3] [--answers 500]

Two estates (no network), built by relations_estate.py (shared with whois_bench.py), each
measured in a process of its own (`--estate ui|network` runs one):
- ui_bench's 100,000-resource snapshot, written and read back as `awsexplorer related` reads it;
- exposure_bench's network estate (VPCs, subnets, route tables, instances with ENIs, every ENI
  and instance in two security groups, network ACLs): the edge-heavy case.

For each: the build's best and median wall time and best CPU time over --runs (on a shared,
loaded machine the wall time waits for a core: the CPU time is the build's own), the edges it
holds, the resident
memory before and after (growth relative to the process holding the loaded estate), and the
time of --answers `related` answers (find the REF, then the sorted uses / used by), each for a
random resource, median and worst. Targets (issue 14): build <= 1 s, an answer <= 50 ms, memory
growth <= 25 %.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from relations_estate import load_average, network_estate, rss_mb, run_each, ui_estate

from awsexplorer.model import Resource
from awsexplorer.model.relationships import answer, build

TARGET_BUILD_S, TARGET_ANSWER_MS, TARGET_GROWTH = 1.0, 50.0, 0.25


def measure(name: str, resources: list[Resource], runs: int, answers: int) -> bool:
    gc.collect()
    before = rss_mb()
    index = build(resources)  # measured alone first: later builds reuse freed memory
    gc.collect()
    after = rss_mb()
    growth = (after - before) / before
    times, cpu = [], []
    for _ in range(runs):
        index = None
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        index = build(resources)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    assert index is not None
    picker = random.Random(14)
    refs = [picker.choice(resources) for _ in range(answers)]
    took = []
    sizes = []
    for resource in refs:
        ref = resource.id if picker.random() < 0.5 else resource.arn
        start = time.perf_counter()
        found = index.find(ref)
        result = answer(index, found[0])
        took.append((time.perf_counter() - start) * 1000)
        sizes.append(len(result["uses"]) + len(result["used_by"]))
    # The biggest answer: the most used resource (a security group on every ENI).
    busiest = max(resources, key=lambda r: len(index.used_by(r.arn)))
    start = time.perf_counter()
    big = answer(index, index.find(busiest.arn)[0])
    busiest_ms = (time.perf_counter() - start) * 1000
    ok = (
        min(times) <= TARGET_BUILD_S
        and sorted(took)[int(len(took) * 0.99)] <= TARGET_ANSWER_MS
        and busiest_ms <= TARGET_ANSWER_MS
        and growth <= TARGET_GROWTH
    )
    print(
        f"{name}: {len(resources):,} resources, {index.edge_count:,} edges\n"
        f"  build: wall best {min(times):.2f} s, median {statistics.median(times):.2f} s; "
        f"CPU best {min(cpu):.2f} s (target {TARGET_BUILD_S:g} s)\n"
        f"  related: {answers} answers, median {statistics.median(took):.2f} ms, 99th "
        f"percentile {sorted(took)[int(len(took) * 0.99)]:.2f} ms, worst {max(took):.2f} ms, "
        f"median {statistics.median(sizes)} entries; the busiest "
        f"({len(big['used_by']):,} users) {busiest_ms:.1f} ms (target {TARGET_ANSWER_MS:g} ms)\n"
        f"  memory: {before:.0f} MB with the estate loaded, {after:.0f} MB with the index: "
        f"+{growth:.1%} (target {TARGET_GROWTH:.0%})\n"
        f"  {'OK' if ok else 'OVER TARGET'}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--answers", type=int, default=500)
    parser.add_argument("--estate", choices=("both", "ui", "network"), default="both")
    args = parser.parse_args()
    if args.estate == "both":  # each estate in a process of its own (relations_estate.py)
        print(f"python {platform.python_version()}, {os.cpu_count()} cores")
        print(f"load average before: {load_average()}")
        argv = ["--resources", str(args.resources), "--runs", str(args.runs)]
        failed = run_each(__file__, ["ui", "network"], [*argv, "--answers", str(args.answers)])
        print(f"load average after: {load_average()}")
        return failed
    if args.estate == "ui":
        ok = measure("ui_bench snapshot", ui_estate(args.resources), args.runs, args.answers)
    else:
        ok = measure("network estate", network_estate(args.resources), args.runs, args.answers)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
