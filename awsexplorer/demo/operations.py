"""Demo: guardrails, patching, budget alerts and spend (issue 12/13, operations).

- guardrail-off: eu-central-1 (staging) has no GuardDuty detector, a Config recorder that was
  never started and no Access Analyzer analyzer; ap-southeast-2 (the forgotten load test) has
  none of the three. Look-alikes: us-east-1 (home) and eu-west-1 (production) run all three.
- ec2-instance-unmanaged: `prod-bastion` and `load-test-tmp` (no SSM agent reports in).
  Look-alikes: every other running instance is managed by Systems Manager.
- budget-no-forecast-alert: budget `monthly-aws-spend` alerts on ACTUAL spend at 80% only (with
  it, billing-alarm-missing no longer applies: the account has a budget).
- region-spend-unexplained (the demo scans with --cost: its Cost Explorer is moto's, free):
  ap-southeast-2 billed for Amazon Relational Database Service with no database there.
  Look-alikes: EC2 spend in ap-southeast-2 (load-test-tmp), and every service billed in the
  other regions has its resources there.
- A customer-managed prefix list `office-networks` (eu-west-1) with two entries.
  (The VPC flow logs of prod-vpc and shared-vpc come from network.py.)

moto 5.2 lacks Systems Manager's DescribeInstanceInformation and the whole IAM Access Analyzer
API: `extend_moto` adds both to this process's moto (as edges.py does for WAF), answered from
what the seed registers, so the scan reads them through the same client path as on AWS. The
tests' moto server gets the same extension (tests/conftest.py).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from datetime import UTC, datetime
from typing import Any

from awsexplorer.demo._aws import FAR_AWAY, PRODUCTION, SHARED, STAGING, Aws, tag_list, tags
from awsexplorer.demo.storage import TRAIL_BUCKET

# -- moto extension ------------------------------------------------------------------------------

_ANALYZERS: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (account, region) -> analyzers
_LOCK = threading.Lock()
_AGENT_VERSION = "3.3.987.0"


def register_managed_instance(
    endpoint_url: str, region: str, instance_id: str, *, ping: str = "Online"
) -> None:
    """Make an EC2 instance one Systems Manager manages (as its agent would, reporting in)."""
    del endpoint_url  # the backend is this process's
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ssm.models import ssm_backends

    backend = ssm_backends[DEFAULT_ACCOUNT_ID][region]
    managed: dict[str, dict[str, Any]] = backend.__dict__.setdefault("_awsexplorer_managed", {})
    managed[instance_id] = {
        "InstanceId": instance_id,
        "PingStatus": ping,
        "AgentVersion": _AGENT_VERSION,
        "IsLatestVersion": True,
        "PlatformType": "Linux",
        "PlatformName": "Amazon Linux",
        "PlatformVersion": "2023",
        "ResourceType": "EC2Instance",
    }


def _describe_instance_information(self: Any) -> str:
    managed = self.ssm_backend.__dict__.get("_awsexplorer_managed") or {}
    now = time.time()
    found = [{**item, "LastPingDateTime": now - 60} for _, item in sorted(managed.items())]
    return json.dumps({"InstanceInformationList": found})


def _credential_scope(environ: dict[str, Any]) -> tuple[str, str, str] | None:
    """(service, region, access key id) of a SigV4-signed request."""
    try:
        scope = str(environ.get("HTTP_AUTHORIZATION") or "").split(",")[0].split()[1]
        access_key, _, region, service, _ = scope.split("=", 1)[1].split("/")
    except (IndexError, ValueError):
        return None
    return service, region, access_key


def _access_analyzer(environ: dict[str, Any], region: str, access_key: str) -> tuple[str, bytes]:
    # The account is the caller's, as moto's own services tell it (an Organization member's
    # assumed-role key maps to that member): one account id for all gave every member the
    # management account's analyzer ARNs, the same ARN in 4 accounts.
    from moto.iam.models import get_account_id_from

    method = environ.get("REQUEST_METHOD")
    path = str(environ.get("PATH_INFO") or "")
    account_id = get_account_id_from(access_key)
    key = (account_id, region)
    if path.rstrip("/") == "/analyzer" and method == "GET":
        with _LOCK:
            body = {"analyzers": list(_ANALYZERS.get(key, []))}
        return "200 OK", json.dumps(body).encode()
    if path.rstrip("/") == "/analyzer" and method == "PUT":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        asked = json.loads(environ["wsgi.input"].read(length) or b"{}")
        name = str(asked.get("analyzerName"))
        arn = f"arn:aws:access-analyzer:{region}:{account_id}:analyzer/{name}"
        analyzer = {
            "arn": arn,
            "name": name,
            "type": asked.get("type") or "ACCOUNT",
            "createdAt": datetime(2025, 1, 6, 9, 0, tzinfo=UTC).isoformat(),
            "status": "ACTIVE",
            "tags": asked.get("tags") or {},
        }
        with _LOCK:
            _ANALYZERS.setdefault(key, []).append(analyzer)
        return "200 OK", json.dumps({"arn": arn}).encode()
    error = {"message": f"{method} {path} is not served by this demo extension"}
    return "400 Bad Request", json.dumps(error).encode()


def extend_moto() -> None:
    """Give this process's moto SSM's DescribeInstanceInformation and IAM Access Analyzer's
    ListAnalyzers/CreateAnalyzer (absent from moto 5.2). Idempotent; moto's reset empties
    them as it empties everything else."""
    from moto.moto_api._internal.models import MotoAPIBackend
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    from moto.ssm.responses import SimpleSystemManagerResponse

    if getattr(DomainDispatcherApplication, "_awsexplorer_extended", False):
        return
    SimpleSystemManagerResponse.describe_instance_information = _describe_instance_information  # type: ignore[attr-defined]

    dispatch = DomainDispatcherApplication.__call__

    def call(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        scope = _credential_scope(environ)
        if scope is not None and scope[0] == "access-analyzer":
            status, body = _access_analyzer(environ, scope[1], scope[2])
            start_response(
                status,
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return dispatch(self, environ, start_response)

    reset = MotoAPIBackend.reset

    def reset_all(self: Any) -> None:
        reset(self)
        with _LOCK:
            _ANALYZERS.clear()

    DomainDispatcherApplication.__call__ = call  # type: ignore[method-assign]
    MotoAPIBackend.reset = reset_all  # type: ignore[method-assign]
    DomainDispatcherApplication._awsexplorer_extended = True  # type: ignore[attr-defined]


# -- the demo's operations ------------------------------------------------------------------------

UNMANAGED = ("prod-bastion", "load-test-tmp")
BUDGET = "monthly-aws-spend"
PREFIX_LIST = "office-networks"


def _guardrails_on(aws: Aws, region: str, environment: str) -> None:
    aws("guardduty", region).create_detector(
        Enable=True, FindingPublishingFrequency="SIX_HOURS", Tags=tags(environment=environment)
    )
    config = aws("config", region)
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": "arn:aws:iam::123456789012:role/aws-config-recorder",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": TRAIL_BUCKET})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    aws("accessanalyzer", region).create_analyzer(
        analyzerName=f"account-{region}", type="ACCOUNT", tags=tags(environment=environment)
    )


def _managed_instances(aws: Aws, endpoint_url: str) -> None:
    for region in (PRODUCTION, SHARED, STAGING, FAR_AWAY):
        pages = aws("ec2", region).get_paginator("describe_instances").paginate()
        for page in pages:
            for reservation in page["Reservations"]:
                for instance in reservation["Instances"]:
                    names = [t["Value"] for t in instance.get("Tags") or [] if t["Key"] == "Name"]
                    if instance["State"]["Name"] == "running" and not set(names) & set(UNMANAGED):
                        register_managed_instance(endpoint_url, region, instance["InstanceId"])


def _budget(aws: Aws, account_id: str) -> None:
    aws("budgets", SHARED).create_budget(
        AccountId=account_id,
        Budget={
            "BudgetName": BUDGET,
            "BudgetLimit": {"Amount": "2500", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
        NotificationsWithSubscribers=[
            {
                "Notification": {
                    "NotificationType": "ACTUAL",
                    "ComparisonOperator": "GREATER_THAN",
                    "Threshold": 80,
                    "ThresholdType": "PERCENTAGE",
                },
                "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "finance@example.com"}],
            }
        ],
    )


def _prefix_list(aws: Aws) -> None:
    aws("ec2", PRODUCTION).create_managed_prefix_list(
        PrefixListName=PREFIX_LIST,
        AddressFamily="IPv4",
        MaxEntries=10,
        Entries=[
            {"Cidr": "198.51.100.0/24", "Description": "head office"},
            {"Cidr": "203.0.113.64/26", "Description": "support desk"},
        ],
        TagSpecifications=[
            {
                "ResourceType": "prefix-list",
                "Tags": tag_list(tags(PREFIX_LIST, environment="production", project="network")),
            }
        ],
    )


# The last 30 days' spend by region and service, as Cost Explorer groups it (USD).
SPEND: dict[str, dict[str, str]] = {
    PRODUCTION: {
        "Amazon Elastic Compute Cloud - Compute": "412.80",
        "Amazon Relational Database Service": "388.10",
        "Elastic Load Balancing": "24.30",
        "EC2 - Other": "61.75",
    },
    SHARED: {"Amazon Elastic Compute Cloud - Compute": "58.40", "AWS CloudTrail": "3.10"},
    STAGING: {"Amazon Elastic Compute Cloud - Compute": "95.60"},
    FAR_AWAY: {
        "Amazon Elastic Compute Cloud - Compute": "204.00",
        "Amazon Relational Database Service": "96.00",
    },
}


def cost_results() -> dict[str, Any]:
    """moto's queue of GetCostAndUsage answers: one, grouped by REGION and SERVICE."""
    groups = [
        {
            "Keys": [region, service],
            "Metrics": {"UnblendedCost": {"Amount": amount, "Unit": "USD"}},
        }
        for region, services in SPEND.items()
        for service, amount in services.items()
    ]
    period = {"Start": "2025-01-01", "End": "2025-01-31"}  # replaced by the asked period
    return {
        "results": [
            {
                "ResultsByTime": [
                    {"TimePeriod": period, "Total": {}, "Groups": groups, "Estimated": True}
                ],
                "DimensionValueAttributes": [],
                "GroupDefinitions": [
                    {"Type": "DIMENSION", "Key": "REGION"},
                    {"Type": "DIMENSION", "Key": "SERVICE"},
                ],
            }
        ]
    }


def queue_cost_results(endpoint_url: str, results: dict[str, Any]) -> None:
    """Queue GetCostAndUsage answers on a moto server (moto's own API for Cost Explorer)."""
    request = urllib.request.Request(
        f"{endpoint_url}/moto-api/static/ce/cost-and-usage-results",
        data=json.dumps(results).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=30).close()


def build_operations(aws: Aws, endpoint_url: str, account_id: str) -> None:
    """After compute (its instances are what Systems Manager manages)."""
    extend_moto()
    _guardrails_on(aws, SHARED, "shared")
    _guardrails_on(aws, PRODUCTION, "production")
    # Staging: a recorder someone set up and never started; no detector, no analyzer.
    aws("config", STAGING).put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": "arn:aws:iam::123456789012:role/aws-config-recorder",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": False},
        }
    )
    _managed_instances(aws, endpoint_url)
    _budget(aws, account_id)
    _prefix_list(aws)
    queue_cost_results(endpoint_url, cost_results())
