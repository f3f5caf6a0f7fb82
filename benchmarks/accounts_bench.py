"""An Organization's scan against its limits: 20 member accounts x 17 regions (issue 17).

    python benchmarks/accounts_bench.py --processes 1,2          # 20 accounts x 17 regions
    python benchmarks/accounts_bench.py --accounts 4 --regions 3 # a quick run

It prints first what it expects to take on a quiet 2-core machine (20 x 17 with two scans:
~10 min), then for each measured scan the limits and which one binds.

One moto server (its own process) serves the management account and every member: moto maps
the credentials `sts:AssumeRole` hands out to the account of the role, so each member has its
own resources on the one server. The script creates an Organization with N members (Orgs API),
seeds each member in each region through its assumed role (a VPC with two subnets, a security
group, a volume, a queue; per account two IAM users and a bucket; one task per account and
region, 16 at once, on a moto without its default AMIs, which the scan never reads), puts the
latency proxy (50 ms per request, counting requests) in front, and runs the real CLI as a child
(with `--processes 1,2`, one scan each, on the same estate):

    awsexplorer scan --endpoint-url PROXY --org --role ROLE --region ... --output FILE

measured with os.wait4 (wall; CPU and peak memory of the child with its worker processes, which
it reaps). Then the issue's two limits on that request count:

- server-bound: requests / moto's maximum throughput, measured by replaying 3,000 of the scan's
  own recorded requests (a fixed-seed sample) straight at moto over 32 connections (as
  scan_bench.py does);
- client-bound: the scan's own CPU seconds / the cores it used (its worker processes, at most
  the machine's cores): the time its parsing and signing take if spread perfectly.

Target: the scan's wall time within 1.5x the larger. Wall times need a quiet machine: the
script prints the load average before and after.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from benchlib import DEFAULT_REGIONS, PYTHON, run_child
from scan_bench import server_throughput

ROLE = "AuditRole"
TARGET = 1.5


def _client(url: str, service: str, region: str, keys: dict[str, str]) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        region_name=region,
        endpoint_url=url,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}),
        **keys,
    )


MANAGEMENT = {
    "aws_access_key_id": benchlib.DUMMY_KEY,
    "aws_secret_access_key": benchlib.DUMMY_KEY,
}


def create_organization(url: str, accounts: int) -> list[str]:
    org = _client(url, "organizations", "us-east-1", MANAGEMENT)
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]
    members = []
    for n in range(accounts):
        created = org.create_account(Email=f"m{n}@example.com", AccountName=f"member-{n:02d}")
        member = created["CreateAccountStatus"]["AccountId"]
        if n % 2:
            org.move_account(AccountId=member, SourceParentId=root, DestinationParentId=ou["Id"])
        members.append(member)
    return members


def _member_keys(url: str, account: str) -> dict[str, str]:
    sts = _client(url, "sts", "us-east-1", MANAGEMENT)
    found = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="seed")
    c = found["Credentials"]
    return {
        "aws_access_key_id": c["AccessKeyId"],
        "aws_secret_access_key": c["SecretAccessKey"],
        "aws_session_token": c["SessionToken"],
    }


def seed_global(url: str, account: str, keys: dict[str, str]) -> None:
    iam = _client(url, "iam", "us-east-1", keys)
    for i in range(2):
        iam.create_user(UserName=f"user-{account}-{i}", Tags=[{"Key": "team", "Value": "bench"}])
    iam.generate_credential_report()  # warm, as scan_bench does: no generate-and-poll back-off
    _client(url, "s3", "us-east-1", keys).create_bucket(Bucket=f"bench-{account}")


def seed_region(url: str, account: str, region: str, keys: dict[str, str]) -> None:
    tags = [{"Key": "Name", "Value": f"{account}-{region}"}, {"Key": "env", "Value": "bench"}]
    ec2 = _client(url, "ec2", region, keys)
    vpc = ec2.create_vpc(
        CidrBlock="10.0.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": tags}]
    )["Vpc"]["VpcId"]
    for s in range(2):
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{s}.0/24")
    ec2.create_security_group(GroupName="app", Description="bench", VpcId=vpc)
    ec2.create_volume(AvailabilityZone=f"{region}a", Size=8)
    _client(url, "sqs", region, keys).create_queue(QueueName=f"jobs-{account}")


def seed(url: str, members: list[str], regions: list[str], threads: int = 16) -> int:
    """Seed every member, one task per (account, region), `threads` at once: the ~110 calls of
    an account one after the other (each a round trip to one busy server) made seeding 20 x 17
    take minutes. The management account's EC2 is touched in every region too, so that moto
    builds those backends here, not during the measured scan. Returns the calls made."""
    keys = {m: _member_keys(url, m) for m in members}
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(seed_global, url, m, keys[m]) for m in members]
        futures += [pool.submit(seed_region, url, m, r, keys[m]) for m in members for r in regions]
        futures += [
            pool.submit(lambda r: _client(url, "ec2", r, MANAGEMENT).describe_vpcs(), r)
            for r in regions
        ]
        for future in futures:
            future.result()
    return len(members) * (1 + 4 + 6 * len(regions)) + len(regions)


def _children() -> dict[str, int]:
    """This process's moto server and latency proxy, by pid (to read their CPU time)."""
    found: dict[str, int] = {}
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for pid in (task / "children").read_text().split():
            with contextlib.suppress(OSError):
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                if b"latency_proxy" in cmdline:
                    found["proxy"] = int(pid)
                elif b"moto" in cmdline:
                    found["moto"] = int(pid)
    return found


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# Quiet-machine rates for the printed estimate (2 cores, AMD EPYC; see benchmarks/README.md,
# "#17 at scale"): requests per account (each region, plus the global calls), moto's throughput
# on the scan's mix, seeding calls per second.
REQUESTS_PER_REGION = 69
REQUESTS_GLOBAL = 16
QUIET_THROUGHPUT = 130.0
QUIET_SEED_RATE = 60.0
REPLAY_SAMPLE = 3000


def estimate(accounts: int, regions: int) -> tuple[int, float, float, float]:
    """(requests, seeding s, scan s, replay s) expected on a quiet 2-core machine."""
    requests = (accounts + 1) * (REQUESTS_PER_REGION * regions + REQUESTS_GLOBAL)
    seeding = accounts * (5 + 6 * regions) / QUIET_SEED_RATE
    replay = min(requests, REPLAY_SAMPLE) / QUIET_THROUGHPUT
    return requests, seeding, 1.2 * requests / QUIET_THROUGHPUT, replay


def measure_scan(
    args: argparse.Namespace,
    moto_url: str,
    proxy: benchlib.Proxy,
    regions: list[str],
    processes: int | None,
    out: Path,
) -> None:
    """One measured `scan --org` through the proxy, and its limits, printed."""
    from awsexplorer import snapshot
    from awsexplorer.scan.accounts import worker_count

    workers = worker_count(args.accounts + 1, processes)
    cores = min(workers, os.cpu_count() or 1)
    argv = [*args.tool.split(), "scan", "--endpoint-url", proxy.url, "--org"]
    argv += ["--role", ROLE, "--output", str(out), "--format", "text"]
    argv += [a for r in regions for a in ("--region", r)]
    if processes is not None:
        argv += ["--processes", str(processes)]
    if args.max_accounts is not None:
        argv += ["--max-accounts", str(args.max_accounts)]
    print(
        f"\nscan --processes {processes if processes is not None else '(default)'}: "
        f"{workers} process(es); load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at the start"
    )
    proxy.reset()
    servers = _children()
    before = {name: _cpu_seconds(pid) for name, pid in servers.items()}
    run = run_child(argv, env=benchlib.dummy_aws_env(), timeout=3600)
    used = {name: _cpu_seconds(pid) - before[name] for name, pid in servers.items()}
    if run.returncode not in (0, 3):
        raise SystemExit(f"scan failed ({run.returncode}):\n{run.stderr[-3000:]}")
    retries = run.stderr.count("retrying ")
    log = proxy.log()
    result = snapshot.read(out)
    load_after = os.getloadavg()
    # The server's throughput on the scan's own mix: a fixed-seed sample of its requests
    # (replaying all 25,000 of 20 x 17 would take as long as the scan).
    sample = random.Random(17).sample(log, min(len(log), REPLAY_SAMPLE))
    t0 = time.perf_counter()
    throughput = server_throughput(moto_url, sample)
    replayed = time.perf_counter() - t0

    requests = len(log)
    accounts = result.account_scans()
    per_account: dict[str, int] = {}
    for resource in result.resources:
        per_account[resource.account_id or ""] = per_account.get(resource.account_id or "", 0) + 1
    errors = sum(len(r.errors) for a in accounts for r in a.regions)
    print(
        f"  {len(accounts)} accounts ({sum(a.status.value == 'ok' for a in accounts)} ok), "
        f"{len(result.resources)} resources ({min(per_account.values(), default=0)} to "
        f"{max(per_account.values(), default=0)} per account), {errors} failed calls, "
        f"{retries} retries, exit {run.returncode}"
    )
    if retries:
        print(f"  warning: the measured scan retried {retries} calls (its stderr says why)")
    print(
        f"  wall {run.wall:.2f} s, CPU {run.cpu:.2f} s (the scan with its workers; "
        f"{1000 * run.cpu / max(1, requests):.2f} ms per request), peak {run.peak_mb:.0f} MB, "
        f"{requests} requests"
    )
    if used:
        total = run.cpu + sum(used.values())
        print(
            "  CPU meanwhile: "
            + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in sorted(used.items()))
            + f"; all three {total:.2f} s = {total / (os.cpu_count() or 1):.2f} s on "
            f"{os.cpu_count()} cores (the machine's own bound, not the issue's)"
        )
    limits = {"server-bound": requests / throughput, "client-bound": run.cpu / cores}
    print(
        f"  server-bound {limits['server-bound']:.2f} s (moto sustains {throughput:.0f} req/s "
        f"on this request mix: {len(sample)} of its requests replayed over 32 connections "
        f"in {replayed:.1f} s)"
    )
    print(
        f"  client-bound {limits['client-bound']:.2f} s ({run.cpu:.2f} s CPU / {cores} core(s) "
        "used)"
    )
    name, bound = max(limits.items(), key=lambda kv: kv[1])
    ratio = run.wall / bound
    print(f"  load average {' '.join(f'{x:.2f}' for x in load_after)} after the scan")
    headline = args.accounts == 20 and len(regions) == 17 and abs(args.latency - 0.05) < 1e-9
    print(
        "  target"
        + ("" if headline else " (defined at 20 x 17 and 50 ms; indicative here)")
        + f": within {TARGET}x the larger limit ({name} binds, {bound:.2f} s): "
        f"{benchlib.verdict(ratio <= TARGET)} ({ratio:.2f}x)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20, help="member accounts")
    parser.add_argument("--regions", type=int, default=17, help="how many regions (max 17)")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument(
        "--processes",
        default="",
        help="passed to scan; several, comma-separated (e.g. 1,2), measure one scan each on "
        "the same estate (default: one scan with the scan's own default)",
    )
    parser.add_argument("--max-accounts", type=int, help="passed to scan (default: its own)")
    parser.add_argument(
        "--tool",
        default=f"{PYTHON} -m awsexplorer",
        help="the command that runs awsexplorer (to measure a patched build)",
    )
    args = parser.parse_args()
    regions = list(DEFAULT_REGIONS[: max(1, min(args.regions, len(DEFAULT_REGIONS)))])
    runs: list[int | None] = [int(p) for p in args.processes.split(",") if p.strip()] or [None]

    benchlib.print_machine()
    print(
        f"organization: {args.accounts} members x {len(regions)} regions, "
        f"{1000 * args.latency:.0f} ms per request"
    )
    expected, seeding, scanning, replaying = estimate(args.accounts, len(regions))
    total = seeding + len(runs) * (scanning + replaying) + 15
    print(
        f"expected on a quiet 2-core machine: ~{expected} requests per scan; seeding "
        f"~{seeding:.0f} s, then per scan ~{scanning:.0f} s and a ~{replaying:.0f} s "
        f"throughput replay: ~{total / 60:.1f} min in all"
    )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the start")
    # moto's EC2 backend loads its default AMIs (Amazon's, thousands) for every account and
    # region it builds: ~0.4 s of the server's CPU each, 357 times for 21 accounts x 17 regions,
    # and every DescribeImages filters them. The scan asks for its own images only
    # (Owners=self), which none of these are: without them it reads the same answers.
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
    with benchlib.moto_server() as moto_url:
        t0 = time.perf_counter()
        members = create_organization(moto_url, args.accounts)
        calls = seed(moto_url, members, regions)
        print(f"seeded in {time.perf_counter() - t0:.1f} s ({calls} calls)")
        with (
            benchlib.latency_proxy(moto_url, args.latency, record=True) as proxy,
            tempfile.TemporaryDirectory() as tmp,
        ):
            for n, processes in enumerate(runs):
                measure_scan(args, moto_url, proxy, regions, processes, Path(tmp) / f"{n}.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
