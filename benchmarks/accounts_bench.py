"""An Organization's scan against its limits: 20 member accounts x 17 regions (issue 17).

    python benchmarks/accounts_bench.py                          # 20 accounts x 17 regions
    python benchmarks/accounts_bench.py --accounts 4 --regions 3 # a quick run

One moto server (its own process) serves the management account and every member: moto maps
the credentials `sts:AssumeRole` hands out to the account of the role, so each member has its
own resources on the one server. The script creates an Organization with N members (Orgs API),
seeds each member in each region through its assumed role (a VPC with two subnets, a security
group, a volume, a queue; per account two IAM users and a bucket), puts the latency proxy (50 ms
per request, counting requests) in front, and runs the real CLI as a child:

    awsexplorer scan --endpoint-url PROXY --org --role ROLE --region ... --output FILE

measured with os.wait4 (wall; CPU and peak memory of the child with its worker processes, which
it reaps). Then the issue's two limits on that request count:

- server-bound: requests / moto's maximum throughput, measured by replaying the scan's own
  recorded requests straight at moto over 32 connections (as scan_bench.py does);
- client-bound: the scan's own CPU seconds / the cores it used (its worker processes, at most
  the machine's cores): the time its parsing and signing take if spread perfectly.

Target: the scan's wall time within 1.5x the larger. Wall times need a quiet machine: the
script prints the load average before and after.
"""

from __future__ import annotations

import argparse
import os
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


def seed_member(url: str, account: str, regions: list[str]) -> None:
    sts = _client(url, "sts", "us-east-1", MANAGEMENT)
    found = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="seed")
    c = found["Credentials"]
    keys = {
        "aws_access_key_id": c["AccessKeyId"],
        "aws_secret_access_key": c["SecretAccessKey"],
        "aws_session_token": c["SessionToken"],
    }
    iam = _client(url, "iam", "us-east-1", keys)
    for i in range(2):
        iam.create_user(UserName=f"user-{account}-{i}", Tags=[{"Key": "team", "Value": "bench"}])
    iam.generate_credential_report()  # warm, as scan_bench does: no generate-and-poll back-off
    s3 = _client(url, "s3", "us-east-1", keys)
    s3.create_bucket(Bucket=f"bench-{account}")
    for region in regions:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20, help="member accounts")
    parser.add_argument("--regions", type=int, default=17, help="how many regions (max 17)")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--processes", type=int, help="passed to scan (default: its own)")
    parser.add_argument(
        "--tool",
        default=f"{PYTHON} -m awsexplorer",
        help="the command that runs awsexplorer (to measure a patched build)",
    )
    args = parser.parse_args()
    regions = list(DEFAULT_REGIONS[: max(1, min(args.regions, len(DEFAULT_REGIONS)))])

    from awsexplorer.scan.accounts import worker_count

    workers = worker_count(args.accounts, args.processes)
    cores = min(workers, os.cpu_count() or 1)
    benchlib.print_machine()
    print(
        f"organization: {args.accounts} members x {len(regions)} regions, "
        f"{1000 * args.latency:.0f} ms per request; scan in {workers} process(es)"
    )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the start")
    with benchlib.moto_server() as moto_url:
        t0 = time.perf_counter()
        members = create_organization(moto_url, args.accounts)
        with ThreadPoolExecutor(max_workers=4) as pool:
            for future in [pool.submit(seed_member, moto_url, m, regions) for m in members]:
                future.result()
        print(f"seeded in {time.perf_counter() - t0:.1f} s")

        with (
            benchlib.latency_proxy(moto_url, args.latency, record=True) as proxy,
            tempfile.TemporaryDirectory() as tmp,
        ):
            out = Path(tmp) / "org.json"
            argv = [*args.tool.split(), "scan", "--endpoint-url", proxy.url, "--org"]
            argv += ["--role", ROLE, "--output", str(out), "--format", "text"]
            argv += [a for r in regions for a in ("--region", r)]
            if args.processes is not None:
                argv += ["--processes", str(args.processes)]
            proxy.reset()
            run = run_child(argv, env=benchlib.dummy_aws_env(), timeout=3600)
            if run.returncode not in (0, 3):
                raise SystemExit(f"scan failed ({run.returncode}):\n{run.stderr[-3000:]}")
            log = proxy.log()
            from awsexplorer import snapshot

            result = snapshot.read(out)
        load_after = os.getloadavg()
        throughput = server_throughput(moto_url, log)

    requests = len(log)
    accounts = result.account_scans()
    per_account: dict[str, int] = {}
    for resource in result.resources:
        per_account[resource.account_id or ""] = per_account.get(resource.account_id or "", 0) + 1
    errors = sum(len(r.errors) for a in accounts for r in a.regions)
    print(
        f"scan: {len(accounts)} accounts ({sum(a.status.value == 'ok' for a in accounts)} ok), "
        f"{len(result.resources)} resources ({min(per_account.values(), default=0)} to "
        f"{max(per_account.values(), default=0)} per account), {errors} failed calls, "
        f"exit {run.returncode}"
    )
    print(
        f"  wall {run.wall:.2f} s, CPU {run.cpu:.2f} s (the scan with its workers; "
        f"{1000 * run.cpu / max(1, requests):.2f} ms per request), peak {run.peak_mb:.0f} MB, "
        f"{requests} requests"
    )
    limits = {
        "server-bound": requests / throughput,
        "client-bound": run.cpu / cores,
    }
    print(
        f"  server-bound {limits['server-bound']:.2f} s (moto sustains {throughput:.0f} req/s "
        "on this request mix, replayed over 32 connections)"
    )
    print(
        f"  client-bound {limits['client-bound']:.2f} s ({run.cpu:.2f} s CPU / {cores} core(s) "
        "used)"
    )
    name, bound = max(limits.items(), key=lambda kv: kv[1])
    ratio = run.wall / bound
    print(f"load average {' '.join(f'{x:.2f}' for x in load_after)} after the scan")
    print()
    headline = args.accounts == 20 and len(regions) == 17 and abs(args.latency - 0.05) < 1e-9
    print("target" + ("" if headline else " (defined at 20 x 17 and 50 ms; indicative here)") + ":")
    print(
        f"  within {TARGET}x the larger limit ({name}, {bound:.2f} s): "
        f"{benchlib.verdict(ratio <= TARGET)} ({ratio:.2f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
