"""Diffing two 100,000-resource snapshots: `awsexplorer diff OLD NEW`, whole process.

    python benchmarks/diff_bench.py                 # 100,000 resources
    python benchmarks/diff_bench.py --resources 20000
    python benchmarks/diff_bench.py --repo /tmp/awsx-3822c26   # the command from another checkout

`--repo PATH` runs the `awsexplorer diff` child from another checkout (`git archive COMMIT
awsexplorer | tar -x -C PATH`) on the same two files, to measure before and after alike; the
snapshots are always written by this checkout.

Builds the ui_bench estate (analysed like a real scan) as OLD, and NEW from it with 1% of the
resources changed (an instance stopped, a tag moved), 0.5% removed, 0.5% added and every subnet's
free-IP count moved (volatile). Each snapshot is written by a child of its own. Then, in a child
so its figures are its own, runs the command `awsexplorer diff OLD NEW --format json`: wall time
(reading both files included), CPU and peak memory; and, in-process, the diff alone.
Targets: the command under 2 s and under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from ui_bench import synthetic_result

TARGET_S, TARGET_MB = 2.0, 1024.0


def write_pair(old_path: Path, new_path: Path, total: int) -> dict[str, object]:
    from awsexplorer import snapshot
    from awsexplorer.checks import analyse
    from awsexplorer.model import Resource

    result = analyse(synthetic_result(total))
    snapshot.write(result, old_path)
    changed = removed = added = 0
    kept: list[Resource] = []
    for n, resource in enumerate(result.resources):
        if n % 200 == 7:
            removed += 1
            continue
        if n % 100 == 3:
            resource.attributes = {**resource.attributes, "State": {"Name": "stopped"}}
            resource.tags = {**resource.tags, "owner": "someone-else"}
            changed += 1
        if resource.type == "ec2:subnet":
            count = resource.attributes.get("AvailableIpAddressCount") or 250
            resource.attributes = {**resource.attributes, "AvailableIpAddressCount": count - 1}
        kept.append(resource)
    extra = synthetic_result(total + total // 200).resources[total:]
    for resource in extra:
        resource.arn += "-new"
    added = len(extra)
    result.resources = kept + extra
    snapshot.write(result, new_path)
    return {
        "resources": total,
        "changed": changed,
        "removed": removed,
        "added": added,
        "size_mb": old_path.stat().st_size / 1e6,
    }


def diff_alone(old_path: Path, new_path: Path) -> dict[str, float]:
    from awsexplorer import snapshot
    from awsexplorer.model.diff import diff

    t, c = time.perf_counter(), time.process_time()
    old, new = snapshot.read(old_path), snapshot.read(new_path)
    read_s, read_cpu_s = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    found = diff(old, new)
    return {
        "read_s": read_s,
        "read_cpu_s": read_cpu_s,
        "diff_s": time.perf_counter() - t,
        "diff_cpu_s": time.process_time() - c,
        "changed": len(found.changed),
        "added": len(found.added),
        "removed": len(found.removed),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--repo", type=Path, help="run the diff command from this checkout")
    parser.add_argument("--write", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--alone", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        print(json.dumps(write_pair(*args.write, args.resources)))
        return 0
    if args.alone:
        print(json.dumps(diff_alone(*args.alone)))
        return 0

    benchlib.print_machine()
    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp) / "old.json", Path(tmp) / "new.json"
        argv = [benchlib.PYTHON, __file__, "--resources", str(args.resources)]
        run = benchlib.run_child([*argv, "--write", str(old), str(new)], timeout=900)
        if run.returncode != 0:
            print(run.stderr[-4000:])
            return 1
        facts = json.loads(run.stdout.strip().splitlines()[-1])
        print(
            f"snapshots: {facts['resources']:,} resources, {facts['size_mb']:.0f} MB each; NEW has "
            f"{facts['changed']:,} changed, {facts['removed']:,} removed, {facts['added']:,} added"
        )
        command = [benchlib.PYTHON, "-m", "awsexplorer", "diff", str(old), str(new)]
        env = None
        if args.repo:  # that checkout's awsexplorer, not the one in the working folder
            env = {**os.environ, "PYTHONPATH": str(args.repo.resolve()), "PYTHONSAFEPATH": "1"}
            print(f"the command from {args.repo}")
        cli = benchlib.run_child([*command, "--format", "json"], env=env, timeout=600)
        if cli.returncode not in (0, 1):
            print(cli.stderr[-4000:])
            return 1
        report = json.loads(cli.stdout)
        alone = benchlib.run_child([*argv, "--alone", str(old), str(new)], timeout=600)
        figures = json.loads(alone.stdout.strip().splitlines()[-1])

    print(
        f"`awsexplorer diff` (read both + diff + JSON out): {cli.wall:.2f} s wall, "
        f"{cli.cpu:.2f} s CPU, peak {cli.peak_mb:.0f} MB; reported {len(report['changed']):,} "
        f"changed, {len(report['removed']):,} removed, {len(report['added']):,} added"
    )
    print(
        f"in one process: snapshot.read of both {figures['read_s']:.2f} s wall "
        f"({figures['read_cpu_s']:.2f} s CPU); the diff alone {figures['diff_s']:.2f} s wall "
        f"({figures['diff_cpu_s']:.2f} s CPU)"
    )
    print("targets:")
    print(f"  under {TARGET_S:.0f} s: {benchlib.verdict(cli.wall < TARGET_S)}")
    print(f"  under {TARGET_MB:.0f} MB: {benchlib.verdict(cli.peak_mb < TARGET_MB)}")
    ok = (
        len(report["changed"]) == facts["changed"]
        and len(report["removed"]) == facts["removed"]
        and len(report["added"]) == facts["added"]
    )
    print(f"  counts as seeded (volatile free-IP counts not reported): {benchlib.verdict(ok)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
