"""When do worker processes pay for a scan of several accounts? (issue 17, `--processes`)

Serves N moto accounts (assumed-role credentials map to member accounts) from one moto server
in a separate process, seeds each with the same few resources, and times
`awsexplorer scan --profile ... --region R --processes P` for P = 1 and 2, best of `--repeat`.
Figures depend on the machine and its load (`uptime` is printed); moto's own server is one
Python process, so it bounds what the client side can gain.

    python benchmarks/accounts_processes_bench.py --accounts 4 --repeat 2
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3


def serve() -> None:
    from moto.server import ThreadedMotoServer

    from awsexplorer.demo.operations import extend_moto

    extend_moto()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[2]), verbose=False)
    server.start()
    while True:
        time.sleep(3600)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve()
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--region", default="eu-west-1")
    parser.add_argument("--port", type=int, default=5123)
    args = parser.parse_args()
    url = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(args.port)])
    try:
        for _ in range(100):
            try:
                boto3.client(
                    "sts",
                    region_name="us-east-1",
                    endpoint_url=url,
                    aws_access_key_id="x",
                    aws_secret_access_key="x",
                ).get_caller_identity()
                break
            except Exception:
                time.sleep(0.2)
        home = Path(tempfile.mkdtemp())
        config, credentials = [], []
        sts = boto3.client(
            "sts",
            region_name="us-east-1",
            endpoint_url=url,
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )
        for n in range(args.accounts):
            account = f"{100000000000 + n}"
            c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/r", RoleSessionName="seed")[
                "Credentials"
            ]
            keys = {
                "aws_access_key_id": c["AccessKeyId"],
                "aws_secret_access_key": c["SecretAccessKey"],
                "aws_session_token": c["SessionToken"],
            }
            ec2 = boto3.client("ec2", region_name=args.region, endpoint_url=url, **keys)
            for m in range(5):
                vpc = ec2.create_vpc(CidrBlock=f"10.{m}.0.0/16")["Vpc"]["VpcId"]
                for s in range(4):
                    ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{m}.{s}.0/24")
                ec2.create_security_group(GroupName=f"sg{m}", Description="d", VpcId=vpc)
            config += [f"[profile a{n}]", "region = us-east-1", ""]
            credentials += [f"[a{n}]", *(f"{k} = {v}" for k, v in keys.items()), ""]
        (home / "config").write_text("\n".join(config))
        (home / "credentials").write_text("\n".join(credentials))
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(
            AWS_CONFIG_FILE=str(home / "config"),
            AWS_SHARED_CREDENTIALS_FILE=str(home / "credentials"),
            AWS_EC2_METADATA_DISABLED="true",
        )
        profiles = [x for n in range(args.accounts) for x in ("--profile", f"a{n}")]
        print(f"machine: {os.cpu_count()} cores; load: {os.getloadavg()}")
        for processes in (1, 2):
            best = float("inf")
            for _ in range(args.repeat):
                start = time.perf_counter()
                done = subprocess.run(
                    [
                        "awsexplorer",
                        "scan",
                        "--endpoint-url",
                        url,
                        "--region",
                        args.region,
                        *profiles,
                        "--processes",
                        str(processes),
                        "-o",
                        str(home / "out.json"),
                    ],
                    env=env,
                    capture_output=True,
                    text=True,
                )
                took = time.perf_counter() - start
                assert done.returncode in (0, 3), done.stderr[-2000:]
                best = min(best, took)
            print(f"{args.accounts} accounts, --processes {processes}: best {best:.1f} s")
        print(f"load after: {os.getloadavg()}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
