"""The baselines awsexplorer is measured against: boto3 scanners making the same calls.

`sequential` is what a user would write: one call after another, region after region.
`threaded` is the aws-list-all approach: every call is a job on a pool of 32 threads, and a
call that needs another's output (GetQueueAttributes needs ListQueues' URLs) is submitted as
soon as that output arrives.

The calls are derived from awsexplorer's registered collectors (each names the IAM actions it
makes), so the baselines grow with the tool. An action maps to a boto3 operation mechanically
(ec2:DescribeVpcs -> describe_vpcs); an operation with one required parameter is fed from
another call of the same collector whose output lists that parameter (GetBucketTagging's Bucket
comes from ListBuckets' Buckets[].Name). What cannot be mapped is reported, never hidden.

Run as a child of scan_bench.py; prints one JSON line with its own measurements.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.exceptions
from botocore import xform_name
from botocore.config import Config

# IAM action prefixes that are not the boto3 client's name.
CLIENT_OF_PREFIX = {"tag": "resourcegroupstaggingapi"}
# IAM actions whose API operation has another name.
OPERATION_OF_ACTION = {
    ("s3", "ListAllMyBuckets"): "ListBuckets",
    ("s3", "GetBucketPublicAccessBlock"): "GetPublicAccessBlock",
    ("s3", "GetLifecycleConfiguration"): "GetBucketLifecycleConfiguration",
    ("s3", "GetEncryptionConfiguration"): "GetBucketEncryption",
}
# Optional parameters a scanner still sets once per item (per user, not for the caller).
PER_ITEM_PARAM = {
    ("iam", "GetLoginProfile"): "UserName",
    ("iam", "ListMFADevices"): "UserName",
    ("iam", "ListAccessKeys"): "UserName",
}
# Where a required parameter's value is found when the names differ: (client, param) -> field.
FIELD_OF_PARAM = {
    ("s3", "Bucket"): "Name",
    ("elbv2", "ResourceArns"): "LoadBalancerArn",
}
GLOBAL_HOME = "us-east-1"
BATCH = 20  # list parameters (DescribeTags' LoadBalancerNames) take up to 20 values


@dataclass(eq=False)
class Step:
    client: str
    operation: str  # PascalCase, as in the IAM action
    method: str  # snake_case boto3 method
    param: str | None = None  # the one required parameter, if any
    param_is_list: bool = False
    source_key: str | None = None  # the list in the source's output holding the values
    source_field: str | None = None  # the field of each item (None: a list of strings)
    dependents: list[Step] = field(default_factory=list)


@dataclass
class Plan:
    regional: list[Step]  # root steps, run in every region
    global_: list[Step]  # root steps, run once
    skipped: list[str]


def _shape_lists(output: Any) -> Iterable[tuple[str, Any]]:
    if output is None:
        return []
    return [(name, m.member) for name, m in output.members.items() if m.type_name == "list"]


def _find_source(param: str, param_list: bool, client: str, candidates: list[Step], models: Any):
    """A step whose output lists values for `param`: (step, list key, item field or None)."""
    wanted = FIELD_OF_PARAM.get((client, param))
    singular = param[:-1] if param_list and param.endswith("s") else param
    for step in candidates:
        output = models(step.client).operation_model(step.operation).output_shape
        for key, member in _shape_lists(output):
            if member.type_name == "structure":
                for name in (wanted, singular, param):
                    if name and name in member.members:
                        return step, key, name
            elif member.type_name == "string" and key in (f"{singular}s", f"{param}s"):
                return step, key, None
    return None


def build_plan(regions_scope: Any = None) -> Plan:
    from awsexplorer.scan.collectors import all_collectors
    from awsexplorer.scan.collectors.base import Scope

    session = boto3.session.Session()
    cache: dict[str, Any] = {}

    def models(client: str) -> Any:
        if client not in cache:
            loader = session._session.get_component("data_loader")
            from botocore.model import ServiceModel

            cache[client] = ServiceModel(loader.load_service_model(client, "service-2"), client)
        return cache[client]

    plan = Plan([], [], [])
    for collector in all_collectors():
        steps: list[Step] = []
        for action in collector.actions:
            prefix, operation = action.split(":", 1)
            client = CLIENT_OF_PREFIX.get(prefix)
            if client is None:
                client = prefix if prefix == collector.service else collector.service
            operation = OPERATION_OF_ACTION.get((prefix, operation), operation)
            try:
                model = models(client).operation_model(operation)
            except Exception:
                plan.skipped.append(f"{collector.name}: {action} (no such operation)")
                continue
            required = list(model.input_shape.required_members) if model.input_shape else []
            if not required and (client, operation) in PER_ITEM_PARAM:
                required = [PER_ITEM_PARAM[(client, operation)]]
            step = Step(client, operation, xform_name(operation))
            if len(required) > 1:
                plan.skipped.append(f"{collector.name}: {action} (needs {', '.join(required)})")
                continue
            if required:
                step.param = required[0]
                step.param_is_list = model.input_shape.members[required[0]].type_name == "list"
            steps.append(step)
        roots: list[Step] = []
        for step in steps:
            if step.param is None:
                roots.append(step)
                continue
            others = [s for s in steps if s is not step and s.client == step.client]
            found = _find_source(step.param, step.param_is_list, step.client, others, models)
            if found is None:
                plan.skipped.append(f"{collector.name}: {step.operation} (no source for its input)")
                continue
            source, step.source_key, step.source_field = found
            source.dependents.append(step)
        (plan.global_ if collector.scope is Scope.GLOBAL else plan.regional).extend(roots)
    return plan


class Engine:
    """Runs steps and their dependents; counts calls and errors."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.session = boto3.session.Session()
        self.config = Config(
            s3={"addressing_style": "path"},
            retries={"mode": "standard", "max_attempts": 3},
            # At least the 32 threads (botocore pools 10 connections per client by default, and
            # a thread beyond the pool waits for a connection): the threads never queue here.
            max_pool_connections=64,
        )
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self.calls = 0
        self.errors = 0

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        client = self._clients.get(key)  # a dict read is atomic: no lock once it exists
        if client is not None:
            return client
        with self._lock:  # sessions are not thread-safe; clients are
            if key not in self._clients:
                self._clients[key] = self.session.client(
                    service, region_name=region, endpoint_url=self.endpoint, config=self.config
                )
            return self._clients[key]

    def _count(self, what: str) -> None:
        with self._lock:  # += on an attribute is not atomic across threads
            setattr(self, what, getattr(self, what) + 1)

    def run(self, step: Step, region: str, params: dict[str, Any]) -> list[tuple[Step, str, dict]]:
        """One call (all its pages); returns the dependent calls its output makes possible."""
        client = self.client(step.client, region)
        pages: list[dict[str, Any]] = []
        try:
            if client.can_paginate(step.method):
                for page in client.get_paginator(step.method).paginate(**params):
                    self._count("calls")
                    pages.append(page)
            else:
                self._count("calls")
                pages.append(getattr(client, step.method)(**params))
        except botocore.exceptions.ClientError:
            self._count("errors")
        follow: list[tuple[Step, str, dict]] = []
        for dep in step.dependents:
            values = [
                item if dep.source_field is None else item.get(dep.source_field)
                for page in pages
                for item in page.get(dep.source_key or "", []) or []
            ]
            values = [v for v in values if v is not None]
            if dep.param_is_list:
                batches = [values[i : i + BATCH] for i in range(0, len(values), BATCH)]
                follow += [(dep, region, {dep.param: b}) for b in batches]
            else:
                follow += [(dep, region, {dep.param: v}) for v in values]
        return follow

    def regions(self, wanted: list[str]) -> list[str]:
        self.calls += 1
        described = self.client("ec2", GLOBAL_HOME).describe_regions(AllRegions=True)["Regions"]
        names = {r["RegionName"] for r in described}
        return [r for r in wanted if r in names]


def initial_jobs(plan: Plan, regions: list[str]) -> list[tuple[Step, str, dict]]:
    jobs = [(step, GLOBAL_HOME, {}) for step in plan.global_]
    jobs += [(step, region, {}) for region in regions for step in plan.regional]
    return jobs


def sequential(engine: Engine, plan: Plan, regions: list[str]) -> None:
    queue = deque(initial_jobs(plan, regions))
    while queue:
        step, region, params = queue.popleft()
        # Depth first, as a hand-written loop would: a list's details right after the list.
        for job in reversed(engine.run(step, region, params)):
            queue.appendleft(job)


def threaded(engine: Engine, plan: Plan, regions: list[str], threads: int) -> None:
    with ThreadPoolExecutor(max_workers=threads) as pool:
        jobs = initial_jobs(plan, regions)
        pending: set[Future[Any]] = {pool.submit(engine.run, *job) for job in jobs}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                pending |= {pool.submit(engine.run, *job) for job in future.result()}


def main() -> None:
    parser = argparse.ArgumentParser(description="boto3 baseline scanners")
    parser.add_argument("mode", choices=("sequential", "threaded", "plan"))
    parser.add_argument("--endpoint-url", required=False)
    parser.add_argument("--region", action="append", default=[])
    parser.add_argument("--threads", type=int, default=32)
    args = parser.parse_args()
    plan = build_plan()
    if args.mode == "plan":
        for step in plan.global_ + plan.regional:
            print(f"{step.client}:{step.operation}", [d.operation for d in step.dependents])
        print("skipped:", plan.skipped)
        return
    engine = Engine(args.endpoint_url)
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    regions = engine.regions(args.region)
    if args.mode == "sequential":
        sequential(engine, plan, regions)
    else:
        threaded(engine, plan, regions, args.threads)
    wall, cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
    json.dump(
        {
            "mode": args.mode,
            "wall": wall,
            "cpu": cpu,
            "calls": engine.calls,
            "errors": engine.errors,
            "regions": len(regions),
            "skipped": plan.skipped,
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
