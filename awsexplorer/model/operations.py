"""Operations facts joined across types, computed once here for the detail pane and the checks:
whether Systems Manager manages an EC2 instance, and which resources explain a region's spend.
Pure: it reads resources and recorded call errors, never AWS."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from awsexplorer.model import kinds
from awsexplorer.model.calls import SSM_DESCRIBE_INSTANCE_INFORMATION
from awsexplorer.model.resource import Resource
from awsexplorer.model.scan_result import CallError

# -- Systems Manager ---------------------------------------------------------------------------


def managed_instances(resources: Iterable[Resource]) -> dict[tuple[str, str], Resource]:
    """(region, EC2 instance id) -> its Systems Manager managed-instance record."""
    return {
        (r.region, str(r.attributes.get("instance_id") or r.id)): r
        for r in resources
        if r.type == kinds.SSM_MANAGED_INSTANCE
    }


def ssm_unread(errors: Iterable[CallError], region: str) -> bool:
    """True when DescribeInstanceInformation failed in the region: "not managed" is unknown."""
    call = SSM_DESCRIBE_INSTANCE_INFORMATION
    return any(
        e.region == region and e.service == call.client and e.operation == call.operation
        for e in errors
    )


@dataclass(frozen=True, slots=True)
class SsmStatus:
    managed: bool | None  # None: Systems Manager could not be read in the instance's region
    text: str


def ssm_status(
    instance: Resource,
    managed: Mapping[tuple[str, str], Resource],
    unread: bool,
) -> SsmStatus:
    """Whether Systems Manager manages an EC2 instance, in words for the detail pane."""
    record = managed.get((instance.region, instance.id))
    if record is not None:
        ping = record.attributes.get("ping_status") or "ping unknown"
        agent = record.attributes.get("agent_version")
        return SsmStatus(True, f"managed ({ping}" + (f", agent {agent})" if agent else ")"))
    if unread:
        return SsmStatus(None, "unknown (DescribeInstanceInformation could not be read)")
    return SsmStatus(False, "not managed (no SSM agent reports in: no patching, no sessions)")


# -- spend ----------------------------------------------------------------------------------------

# Cost Explorer's SERVICE names -> the types whose presence in a region explains that service's
# spend there. Declared once: the region-spend check and the docs read it. A service not named
# here is judged only in a region holding nothing but AWS defaults.
SPEND_SERVICES: dict[str, tuple[str, ...]] = {
    "Amazon Elastic Compute Cloud - Compute": (kinds.INSTANCE,),
    "EC2 - Other": (
        kinds.VOLUME,
        kinds.EBS_SNAPSHOT,
        kinds.NAT_GATEWAY,
        kinds.ELASTIC_IP,
        kinds.INSTANCE,
    ),
    "Amazon Virtual Private Cloud": (
        kinds.NAT_GATEWAY,
        kinds.ELASTIC_IP,
        kinds.VPC_ENDPOINT,
        kinds.TRANSIT_GATEWAY,
        kinds.TRANSIT_GATEWAY_ATTACHMENT,
        kinds.VPN_CONNECTION,
        kinds.INSTANCE,
        kinds.LOAD_BALANCER,
    ),
    "Amazon Elastic Load Balancing": (kinds.LOAD_BALANCER,),
    "Elastic Load Balancing": (kinds.LOAD_BALANCER,),
    "Amazon Relational Database Service": (
        kinds.DATABASE,
        kinds.DB_CLUSTER,
        kinds.DB_SNAPSHOT,
        kinds.DB_CLUSTER_SNAPSHOT,
    ),
    "Amazon Simple Storage Service": (kinds.BUCKET,),
    "AWS Lambda": (kinds.FUNCTION,),
    "Amazon DynamoDB": (kinds.DYNAMODB_TABLE,),
    "Amazon Simple Queue Service": (kinds.QUEUE,),
    "Amazon Simple Notification Service": (kinds.TOPIC,),
    "Amazon Elastic Container Service": (kinds.ECS_CLUSTER, kinds.ECS_SERVICE),
    "Amazon Elastic Container Service for Kubernetes": (kinds.EKS_CLUSTER, kinds.EKS_NODEGROUP),
    "Amazon EC2 Container Registry (ECR)": (kinds.ECR_REPOSITORY,),
    "Amazon API Gateway": (kinds.REST_API, kinds.HTTP_API),
    "AWS WAF": (kinds.WEB_ACL,),
    "AWS Key Management Service": (kinds.KMS_KEY_TYPE,),
    "AWS Secrets Manager": (kinds.SECRET,),
    "Amazon ElastiCache": (kinds.CACHE_CLUSTER, kinds.CACHE_REPLICATION_GROUP),
    "Amazon Elastic File System": (kinds.EFS_FILE_SYSTEM,),
    "Amazon Kinesis": (kinds.KINESIS_STREAM,),
    "Amazon Kinesis Firehose": (kinds.FIREHOSE_STREAM,),
    "Amazon OpenSearch Service": (kinds.SEARCH_DOMAIN,),
    "Amazon Redshift": (kinds.REDSHIFT_CLUSTER,),
    "AmazonCloudWatch": (kinds.ALARM, kinds.LOG_GROUP),  # CloudWatch Logs is billed here
    "AWS Step Functions": (kinds.STATE_MACHINE,),
    "Amazon EventBridge": (kinds.EVENT_RULE,),  # not the bus: every region has a default one
    "CloudWatch Events": (kinds.EVENT_RULE,),
    "AWS CloudTrail": (kinds.TRAIL,),
    "Amazon GuardDuty": (kinds.GUARDDUTY_DETECTOR,),
    "AWS Config": (kinds.CONFIG_RECORDER,),
    "AWS Systems Manager": (kinds.SSM_MANAGED_INSTANCE,),
}
MIN_SPEND = 0.01  # below a cent is rounding, not spend


def explains(resource: Resource) -> bool:
    """A record that stands for something billed: a guardrail record saying "off" does not."""
    return resource.attributes.get("present") is not False


def spend_of(record: Resource) -> list[tuple[str, float]]:
    """(service, amount) of a region's spend record, largest first, rounding left out."""
    found = []
    for item in record.attributes.get("services") or []:
        if not isinstance(item, Mapping):
            continue
        amount = item.get("amount")
        if isinstance(amount, int | float) and amount >= MIN_SPEND:
            found.append((str(item.get("service") or "?"), float(amount)))
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))


def unexplained_spend(
    record: Resource, region_resources: Iterable[Resource], only_defaults: bool
) -> list[tuple[str, float]]:
    """The services billed in the record's region that nothing the scan found there explains.
    A service named in SPEND_SERVICES is explained by a resource of one of its types in the
    region; one not named there is judged only where the region holds nothing but AWS defaults
    (then it is unexplained: the bill that reveals a forgotten region)."""
    present = {r.type for r in region_resources if explains(r)}
    found = []
    for service, amount in spend_of(record):
        types = SPEND_SERVICES.get(service)
        if types is not None and present & set(types):
            continue
        if types is None and not only_defaults:
            continue
        found.append((service, amount))
    return found
