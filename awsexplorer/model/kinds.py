"""One record per resource type: everything the layers above the scanner know about a type.

A type is declared here once. Its collector writes the normalised attributes the record lists
(`fields`, checked per type by a schema test); the tree, the detail pane, `:` and `/`, topology,
the "only AWS defaults" rule and the docs read the record and never the raw API fields.

Adding a type: its collector (scan/collectors/), its record here, its test.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from awsexplorer.model.resource import Resource

NoneType = type(None)


class Scope(StrEnum):
    REGIONAL = "regional"
    GLOBAL = "global"  # listed once for the account (IAM, S3's bucket list, budgets)


class DefaultRole(StrEnum):
    """What part a type plays in what AWS creates in every region by itself."""

    NONE = "none"
    VPC_PLUMBING = "vpc-plumbing"  # part of a default VPC (its subnets, tables, gateway...)
    SETTING = "setting"  # a per-region account setting recorded as a resource


@dataclass(frozen=True, slots=True)
class Fact:
    """A key fact the detail pane leads with: a label and the normalised attribute path."""

    label: str
    path: tuple[str, ...]


# The type ids, one constant each: code outside this module and the type's collector names a
# type through these (tests/model/test_kinds.py fails on a literal elsewhere).
VPC = "ec2:vpc"
SUBNET = "ec2:subnet"
ROUTE_TABLE = "ec2:route-table"
NETWORK_ACL = "ec2:network-acl"
INTERNET_GATEWAY = "ec2:internet-gateway"
EGRESS_ONLY_INTERNET_GATEWAY = "ec2:egress-only-internet-gateway"
SECURITY_GROUP = "ec2:security-group"
NAT_GATEWAY = "ec2:natgateway"
VPC_PEERING_CONNECTION = "ec2:vpc-peering-connection"
VPN_GATEWAY = "ec2:vpn-gateway"
TRANSIT_GATEWAY_ATTACHMENT = "ec2:transit-gateway-attachment"
VPC_ENDPOINT = "ec2:vpc-endpoint"
INSTANCE = "ec2:instance"
VOLUME = "ec2:volume"
ELASTIC_IP = "ec2:elastic-ip"
NETWORK_INTERFACE = "ec2:network-interface"
EBS_DEFAULTS = "ec2:ebs-defaults"
LOAD_BALANCER = "elasticloadbalancing:loadbalancer"
DATABASE = "rds:db"
DYNAMODB_TABLE = "dynamodb:table"
BUCKET = "s3:bucket"
ACCOUNT_PUBLIC_ACCESS_BLOCK = "s3:account-public-access-block"
FUNCTION = "lambda:function"
QUEUE = "sqs:queue"
TOPIC = "sns:topic"
TRAIL = "cloudtrail:trail"
ALARM = "cloudwatch:alarm"
BUDGET = "budgets:budget"
ROOT = "iam:root"
USER = "iam:user"
IAM_ROLE = "iam:role"
GROUP = "iam:group"

# The normalised placement fields. Every networked type writes the ones it has under these
# names, so placement is read the same way for every type.
SUBNETS = "subnet_ids"
SECURITY_GROUPS = "security_groups"
ROLE = "role"
KMS_KEY = "kms_key_id"
STATE = "state"
PUBLIC_IP = "public_ip"

StateRule = Callable[[Resource], str | None]
_LOGGING: dict[object, str] = {True: "logging", False: "not logging"}


def _field_state(resource: Resource) -> str | None:
    value = resource.attributes.get(STATE)
    return str(value) if value not in (None, "") else None


@dataclass(frozen=True, slots=True)
class Kind:
    type: str  # "<service>:<resource-type>", as in the ARN
    title: str  # what a person calls one ("EC2 instance")
    scope: Scope = Scope.REGIONAL
    # Normalised attributes the collector writes, with the Python types each may hold.
    fields: Mapping[str, tuple[builtins.type, ...]] = field(default_factory=dict)
    facts: tuple[Fact, ...] = ()
    # The one word worth seeing in the tree without opening the resource.
    state: StateRule = _field_state
    default_role: DefaultRole = DefaultRole.NONE
    # A public address or endpoint is possible (instances, ENIs, databases, load balancers).
    can_be_internet_facing: bool = False

    @property
    def service(self) -> str:
        return self.type.split(":", 1)[0]

    @property
    def short(self) -> str:
        """The name of the type within its service, as the tree shows it (`instance`)."""
        return self.type.split(":", 1)[-1]

    @property
    def placement_fields(self) -> tuple[str, ...]:
        return tuple(f for f in (SUBNETS, SECURITY_GROUPS, ROLE, KMS_KEY) if f in self.fields)


STR = (str,)
OPT_STR = (str, NoneType)
BOOL = (bool,)
OPT_BOOL = (bool, NoneType)
INT = (int,)
OPT_INT = (int, NoneType)
NUM = (int, float, NoneType)
LIST = (list,)
OPT_LIST = (list, NoneType)
DICT = (dict,)
OPT_DICT = (dict, NoneType)
OPT_ANY = (str, int, float, bool, list, dict, NoneType)

_NETWORKED = {SUBNETS: LIST, SECURITY_GROUPS: LIST}
_PLACED = {"subnet_public": OPT_BOOL, "internet_facing": OPT_BOOL}


def _subnet_state(resource: Resource) -> str | None:
    public = resource.attributes.get("public")
    if public is None:
        return None
    return "public" if public else "private"


def _vpc_state(resource: Resource) -> str | None:
    return "default" if resource.attributes.get("is_default") else None


def _address_state(resource: Resource) -> str | None:
    return "attached" if resource.attributes.get("associated") else "unattached"


def _volume_state(resource: Resource) -> str | None:
    state = resource.attributes.get(STATE)
    return "unattached" if state == "available" else (str(state) if state else None)


def _facing_state(resource: Resource) -> str | None:
    return "internet-facing" if resource.attributes.get("internet_facing") else None


def _no_state(resource: Resource) -> str | None:
    return None


_FIRST_WAVE: tuple[Kind, ...] = (
    # -- EC2 and VPC -------------------------------------------------------------------------
    Kind(
        VPC,
        "VPC",
        fields={
            "is_default": BOOL,
            "cidr": OPT_STR,
            "cidrs": LIST,  # every associated IPv4 block, the primary first
            "ipv6_cidrs": LIST,
            "flow_logs": OPT_LIST,
            "owner_id": OPT_STR,  # the owning account: another one's when shared (model/sharing)
        },
        facts=(Fact("cidr", ("cidr",)), Fact("default", ("is_default",))),
        state=_vpc_state,
        default_role=DefaultRole.VPC_PLUMBING,
    ),
    Kind(
        SUBNET,
        "subnet",
        fields={
            "cidr": OPT_STR,
            "ipv6_cidrs": LIST,
            "availability_zone": OPT_STR,
            "availability_zone_id": OPT_STR,
            "public": OPT_BOOL,
            "public_reason": OPT_STR,
            "route_table_id": OPT_STR,
            "available_ips": OPT_INT,
            "auto_assign_public_ip": OPT_BOOL,
            "owner_id": OPT_STR,  # the owning account: another one's when shared (model/sharing)
        },
        facts=(
            Fact("cidr", ("cidr",)),
            Fact("zone", ("availability_zone",)),
            Fact("free ips", ("available_ips",)),
        ),
        state=_subnet_state,
        default_role=DefaultRole.VPC_PLUMBING,
    ),
    Kind(ROUTE_TABLE, "route table", default_role=DefaultRole.VPC_PLUMBING, state=_no_state),
    Kind(NETWORK_ACL, "network ACL", default_role=DefaultRole.VPC_PLUMBING, state=_no_state),
    Kind(
        INTERNET_GATEWAY,
        "internet gateway",
        fields={STATE: OPT_STR},  # the VPC attachment's state
        default_role=DefaultRole.VPC_PLUMBING,
        state=_no_state,
    ),
    Kind(
        EGRESS_ONLY_INTERNET_GATEWAY,
        "egress-only internet gateway",
        fields={STATE: OPT_STR},  # the VPC attachment's state
        state=_no_state,
    ),
    Kind(
        SECURITY_GROUP,
        "security group",
        fields={"group_name": STR},
        default_role=DefaultRole.VPC_PLUMBING,  # only the one named "default" (see defaults.py)
        state=_no_state,
    ),
    Kind(
        NAT_GATEWAY,
        "NAT gateway",
        fields={
            STATE: OPT_STR,
            "connectivity": OPT_STR,
            "public_ips": LIST,
            "private_ips": LIST,
            "network_interface_ids": LIST,  # its interfaces (AWS gives them no attachment)
            SUBNETS: LIST,
            **_PLACED,
        },
        facts=(Fact("connectivity", ("connectivity",)),),
    ),
    Kind(
        VPC_PEERING_CONNECTION,
        "VPC peering connection",
        fields={
            STATE: OPT_STR,
            "requester_vpc_id": OPT_STR,
            "requester_region": OPT_STR,
            "requester_owner_id": OPT_STR,  # the account of each side (cross-account links)
            "accepter_vpc_id": OPT_STR,
            "accepter_region": OPT_STR,
            "accepter_owner_id": OPT_STR,
        },
    ),
    Kind(VPN_GATEWAY, "VPN gateway", fields={STATE: OPT_STR}),
    Kind(
        TRANSIT_GATEWAY_ATTACHMENT,
        "transit gateway attachment",
        fields={
            STATE: OPT_STR,
            "transit_gateway_id": OPT_STR,
            SUBNETS: LIST,
            "vpc_owner_id": OPT_STR,  # the attached VPC's account (cross-account links)
        },
    ),
    Kind(
        VPC_ENDPOINT,
        "VPC endpoint",
        fields={
            STATE: OPT_STR,
            SUBNETS: LIST,
            SECURITY_GROUPS: LIST,
            "service_name": OPT_STR,
            "endpoint_type": OPT_STR,
        },
        facts=(Fact("service", ("service_name",)), Fact("type", ("endpoint_type",))),
    ),
    Kind(
        INSTANCE,
        "EC2 instance",
        fields={
            STATE: OPT_STR,
            PUBLIC_IP: OPT_STR,
            "private_ip": OPT_STR,
            ROLE: OPT_STR,
            "instance_type": OPT_STR,
            "launched": OPT_STR,
            "imds_tokens": OPT_STR,  # required | optional: optional accepts IMDSv1
            "imds_endpoint": OPT_STR,  # enabled | disabled
            **_NETWORKED,
            **_PLACED,
        },
        facts=(
            Fact("type", ("instance_type",)),
            Fact("private ip", ("private_ip",)),
            Fact("public ip", (PUBLIC_IP,)),
            Fact("profile", (ROLE,)),
            Fact("launched", ("launched",)),
            Fact("imds", ("imds_tokens",)),
        ),
        can_be_internet_facing=True,
    ),
    Kind(
        VOLUME,
        "EBS volume",
        fields={
            STATE: OPT_STR,
            "attached_to": LIST,
            "encrypted": BOOL,
            KMS_KEY: OPT_STR,
            "size_gib": OPT_INT,
            "volume_type": OPT_STR,
        },
        facts=(
            Fact("size GiB", ("size_gib",)),
            Fact("type", ("volume_type",)),
            Fact("encrypted", ("encrypted",)),
            Fact("attached", ("attached_to",)),
        ),
        state=_volume_state,
    ),
    Kind(
        ELASTIC_IP,
        "Elastic IP",
        fields={
            "associated": BOOL,
            PUBLIC_IP: OPT_STR,
            "network_interface_id": OPT_STR,  # the ENI it is associated with
            "instance_id": OPT_STR,
            "private_ip": OPT_STR,  # the private address it maps to
        },
        facts=(Fact("address", (PUBLIC_IP,)),),
        state=_address_state,
    ),
    Kind(
        NETWORK_INTERFACE,
        "network interface",
        fields={
            PUBLIC_IP: OPT_STR,
            "attached_to": OPT_STR,
            "interface_type": OPT_STR,
            "requester_managed": OPT_BOOL,  # made by a service (NAT, Lambda, RDS, a load balancer)
            # Who owns it when nothing is attached: AWS names the service in these two.
            "description": OPT_STR,
            "requester_id": OPT_STR,
            "private_ip": OPT_STR,  # the primary private address
            "private_ips": LIST,  # every private IPv4 address, the primary first
            "public_ips": LIST,  # every associated public address (Elastic IPs included)
            "ipv6_addresses": LIST,
            **_NETWORKED,
            **_PLACED,
        },
        facts=(
            Fact("private ip", ("private_ip",)),
            Fact("public ip", (PUBLIC_IP,)),
            Fact("attached to", ("attached_to",)),
        ),
        state=_facing_state,
        can_be_internet_facing=True,
    ),
    Kind(
        EBS_DEFAULTS,
        "EBS encryption default",
        fields={"encryption_by_default": OPT_BOOL},
        facts=(Fact("encrypted by default", ("encryption_by_default",)),),
        default_role=DefaultRole.SETTING,
        state=_no_state,
    ),
    # -- Load balancing ----------------------------------------------------------------------
    Kind(
        LOAD_BALANCER,
        "load balancer",
        fields={
            "scheme": OPT_STR,
            "type": OPT_STR,
            "dns_name": OPT_STR,
            STATE: OPT_STR,
            # [{port, protocol, default_action, target_group_arns...}] (docs/exposure.md);
            # None when DescribeListeners failed
            "listeners": OPT_LIST,
            **_NETWORKED,
            **_PLACED,
        },
        facts=(
            Fact("scheme", ("scheme",)),
            Fact("type", ("type",)),
            Fact("dns", ("dns_name",)),
            Fact("listeners", ("listeners",)),
        ),
        state=lambda r: str(r.attributes.get("scheme") or "") or None,
        can_be_internet_facing=True,
    ),
    # -- Databases and storage ---------------------------------------------------------------
    Kind(
        DATABASE,
        "RDS database",
        fields={
            "engine": OPT_STR,
            "status": OPT_STR,
            "endpoint": OPT_STR,
            "publicly_accessible": BOOL,
            "multi_az": BOOL,
            "storage_encrypted": BOOL,
            KMS_KEY: OPT_STR,
            "cluster_id": OPT_STR,  # the DB cluster it belongs to (Aurora, Multi-AZ cluster)
            **_NETWORKED,
            **_PLACED,
        },
        facts=(
            Fact("engine", ("engine",)),
            Fact("class", ("class",)),
            Fact("endpoint", ("endpoint",)),
            Fact("multi-AZ", ("multi_az",)),
            Fact("public", ("publicly_accessible",)),
            Fact("encrypted", ("storage_encrypted",)),
            Fact("backups", ("backup_retention_period",)),
        ),
        state=lambda r: str(r.attributes.get("status") or "") or None,
        can_be_internet_facing=True,
    ),
    Kind(
        DYNAMODB_TABLE,
        "DynamoDB table",
        fields={"status": OPT_STR, "encryption": OPT_DICT, "billing_mode": OPT_STR},
        facts=(
            Fact("billing", ("billing_mode",)),
            Fact("items", ("item_count",)),
            Fact("bytes", ("size_bytes",)),
        ),
        state=lambda r: str(r.attributes.get("status") or "") or None,
    ),
    Kind(
        BUCKET,
        "S3 bucket",
        scope=Scope.REGIONAL,  # listed once, attributed to the bucket's own region
        fields={
            "versioning": OPT_ANY,
            "has_lifecycle_rules": OPT_BOOL,
            "links": LIST,  # s3-notification links (GetBucketNotificationConfiguration)
        },
        facts=(
            Fact("versioning", ("versioning",)),
            Fact("lifecycle", ("has_lifecycle_rules",)),
            Fact("encryption", ("default_encryption",)),
        ),
        state=_no_state,
    ),
    Kind(
        ACCOUNT_PUBLIC_ACCESS_BLOCK,
        "S3 account public access block",
        scope=Scope.GLOBAL,
        fields={"all_blocked": OPT_BOOL},
        facts=(Fact("all blocked", ("all_blocked",)),),
        state=_no_state,
    ),
    # -- Messaging and functions -------------------------------------------------------------
    Kind(
        FUNCTION,
        "Lambda function",
        fields={
            "runtime": OPT_STR,
            STATE: OPT_STR,
            "timeout": OPT_INT,
            ROLE: OPT_STR,
            "environment": LIST,
            "dead_letter_target": OPT_STR,
            "url_auth_type": OPT_STR,  # the function URL's AuthType (NONE: public); None: no URL
            # Asynchronous invocations (GetFunctionEventInvokeConfig): where a failed one's
            # record goes; None: nowhere (or unread: event_invoke_config_unknown)
            "on_failure_destination": OPT_STR,
            "links": LIST,  # dead-letter and on-failure links
            "policy": OPT_DICT,  # the resource policy (GetPolicy); None: none
            **_NETWORKED,
            **_PLACED,
        },
        facts=(
            Fact("runtime", ("runtime",)),
            Fact("state", (STATE,)),
            Fact("timeout s", ("timeout",)),
            Fact("url auth", ("url_auth_type",)),
        ),
        # The tree shows the runtime: ListFunctions leaves the state out on AWS.
        state=lambda r: str(r.attributes.get("runtime") or "") or None,
    ),
    Kind(
        QUEUE,
        "SQS queue",
        fields={"url": OPT_STR, "dead_letter_target": OPT_STR, "encryption": OPT_DICT},
        facts=(
            Fact("dead-letter queue", ("dead_letter_target",)),
            Fact("max receives", ("max_receive_count",)),
        ),
        state=_no_state,
    ),
    Kind(
        TOPIC,
        "SNS topic",
        fields={"encryption": OPT_DICT, "policy": OPT_DICT},
        facts=(Fact("subscriptions", ("subscriptions_confirmed",)),),
        state=_no_state,
    ),
    # -- Audit, monitoring and cost ----------------------------------------------------------
    Kind(
        TRAIL,
        "CloudTrail trail",
        fields={"multi_region": BOOL, "is_logging": OPT_BOOL, "s3_bucket": OPT_STR},
        facts=(
            Fact("multi-region", ("multi_region",)),
            Fact("logging", ("is_logging",)),
            Fact("bucket", ("s3_bucket",)),
        ),
        state=lambda r: _LOGGING.get(r.attributes.get("is_logging")),
    ),
    Kind(
        ALARM,
        "CloudWatch alarm",
        fields={STATE: OPT_STR, "namespace": OPT_STR, "metric_name": OPT_STR},
        facts=(Fact("metric", ("metric_name",)), Fact("namespace", ("namespace",))),
    ),
    Kind(
        BUDGET,
        "budget",
        scope=Scope.GLOBAL,
        # notifications: [{"type": "ACTUAL"|"FORECASTED", "threshold", "threshold_type",
        # "comparison"}]; None: they could not be read.
        fields={"limit": OPT_DICT, "notifications": OPT_LIST, "notification_summary": OPT_STR},
        facts=(Fact("time unit", ("time_unit",)), Fact("alerts", ("notification_summary",))),
        state=_no_state,
    ),
    # -- IAM ---------------------------------------------------------------------------------
    Kind(
        ROOT,
        "root user",
        scope=Scope.GLOBAL,
        fields={"mfa_enabled": OPT_BOOL, "last_used": OPT_STR},
        facts=(Fact("last used", ("last_used",)), Fact("mfa", ("mfa_enabled",))),
        state=_no_state,
    ),
    Kind(
        USER,
        "IAM user",
        scope=Scope.GLOBAL,
        fields={
            "last_used": OPT_STR,
            "attached_policies": OPT_LIST,
            "permissions_boundary": OPT_DICT,  # {arn, document}; document None when unread
        },
        facts=(
            Fact("last used", ("last_used",)),
            Fact("console", ("console_access",)),
            Fact("mfa", ("mfa_enabled",)),
        ),
        state=_no_state,
    ),
    Kind(
        IAM_ROLE,
        "IAM role",
        scope=Scope.GLOBAL,
        fields={
            "last_used": OPT_STR,
            "trust_policy": OPT_DICT,
            "path": OPT_STR,  # /aws-service-role/...: AWS's own, created and deleted by it
            "permissions_boundary": OPT_DICT,  # {arn, document}; document None when unread
        },
        facts=(Fact("last used", ("last_used",)), Fact("where", ("last_used_region",))),
        state=_no_state,
    ),
    Kind(
        GROUP,
        "IAM group",
        scope=Scope.GLOBAL,
        fields={"members": OPT_LIST},
        facts=(Fact("members", ("members",)),),
        state=_no_state,
    ),
)

# -- Coverage (issue 12): one tuple per group of services, each kept in its own section ---------
# -- containers and compute ---------------------------------------------------------------
ECS_CLUSTER = "ecs:cluster"
ECS_SERVICE = "ecs:service"
ECS_TASK_DEFINITION = "ecs:task-definition"
EKS_CLUSTER = "eks:cluster"
EKS_NODEGROUP = "eks:nodegroup"
ECR_REPOSITORY = "ecr:repository"
AUTOSCALING_GROUP = "autoscaling:autoScalingGroup"
LAUNCH_TEMPLATE = "ec2:launch-template"
TARGET_GROUP = "elasticloadbalancing:targetgroup"
EVENT_SOURCE_MAPPING = "lambda:event-source-mapping"


def _status_state(resource: Resource) -> str | None:
    value = resource.attributes.get("status")
    return str(value).lower() if value not in (None, "") else None


def _running_state(resource: Resource) -> str | None:
    """ "2/3 running": running of desired (ECS services)."""
    running, desired = (resource.attributes.get(k) for k in ("running_count", "desired_count"))
    if running is None or desired is None:
        return _status_state(resource)
    return f"{running}/{desired} running"


def _size_state(resource: Resource) -> str | None:
    """ "2 (1-4)": desired (min-max), Auto Scaling groups and node groups."""
    attrs = resource.attributes
    desired, low, high = (attrs.get(k) for k in ("desired_capacity", "min_size", "max_size"))
    return None if desired is None else f"{desired} ({low}-{high})"


def _health_state(resource: Resource) -> str | None:
    targets = resource.attributes.get("targets") or []
    if not targets:
        return "no targets"
    healthy = sum(1 for t in targets if isinstance(t, Mapping) and t.get("health") == "healthy")
    return f"{healthy}/{len(targets)} healthy"


CONTAINERS_AND_COMPUTE: tuple[Kind, ...] = (
    Kind(
        ECS_CLUSTER,
        "ECS cluster",
        fields={
            "status": OPT_STR,
            "active_services": OPT_INT,
            "running_tasks": OPT_INT,
            "pending_tasks": OPT_INT,
            "container_insights": OPT_STR,
        },
        facts=(
            Fact("services", ("active_services",)),
            Fact("running tasks", ("running_tasks",)),
            Fact("container insights", ("container_insights",)),
        ),
        state=_status_state,
    ),
    Kind(
        ECS_SERVICE,
        "ECS service",
        fields={
            "cluster": OPT_STR,
            "status": OPT_STR,
            "launch_type": OPT_STR,
            "desired_count": OPT_INT,
            "running_count": OPT_INT,
            "task_definition": OPT_STR,
            "assign_public_ip": OPT_BOOL,
            "load_balancers": LIST,
            **_NETWORKED,
            **_PLACED,
        },
        facts=(
            Fact("launch type", ("launch_type",)),
            Fact("desired", ("desired_count",)),
            Fact("running", ("running_count",)),
            Fact("task definition", ("task_definition",)),
            Fact("public ip", ("assign_public_ip",)),
            Fact("load balancers", ("load_balancers",)),
        ),
        state=_running_state,
    ),
    Kind(
        ECS_TASK_DEFINITION,
        "ECS task definition",
        fields={
            "family": STR,
            "revision": OPT_INT,
            "status": OPT_STR,
            ROLE: OPT_STR,  # the task role: what the containers' code may do
            "execution_role": OPT_STR,
            "network_mode": OPT_STR,
            "images": LIST,
            "environment": LIST,  # [{container, name, looks_secret, reason}]: names, no values
            "secrets": LIST,  # [{container, name, value_from}]: where each secret comes from
        },
        facts=(
            Fact("revision", ("revision",)),
            Fact("task role", (ROLE,)),
            Fact("execution role", ("execution_role",)),
            Fact("images", ("images",)),
            Fact("network mode", ("network_mode",)),
        ),
        state=lambda r: f"rev {r.attributes['revision']}" if r.attributes.get("revision") else None,
    ),
    Kind(
        EKS_CLUSTER,
        "EKS cluster",
        fields={
            "version": OPT_STR,
            "status": OPT_STR,
            "endpoint": OPT_STR,
            "endpoint_public": OPT_BOOL,
            "endpoint_private": OPT_BOOL,
            "public_cidrs": LIST,
            "logging": LIST,  # the control-plane log types turned on
            ROLE: OPT_STR,
            **_NETWORKED,
            **_PLACED,
        },
        facts=(
            Fact("version", ("version",)),
            Fact("public endpoint", ("endpoint_public",)),
            Fact("private endpoint", ("endpoint_private",)),
            Fact("public CIDRs", ("public_cidrs",)),
            Fact("logging", ("logging",)),
            Fact("role", (ROLE,)),
        ),
        state=_status_state,
    ),
    Kind(
        EKS_NODEGROUP,
        "EKS node group",
        fields={
            "cluster": STR,
            "status": OPT_STR,
            "version": OPT_STR,
            "capacity_type": OPT_STR,
            "instance_types": LIST,
            "min_size": OPT_INT,
            "desired_capacity": OPT_INT,
            "max_size": OPT_INT,
            ROLE: OPT_STR,
            SUBNETS: LIST,
            **_PLACED,
        },
        facts=(
            Fact("cluster", ("cluster",)),
            Fact("instance types", ("instance_types",)),
            Fact("desired", ("desired_capacity",)),
            Fact("min", ("min_size",)),
            Fact("max", ("max_size",)),
            Fact("role", (ROLE,)),
        ),
        state=_size_state,
    ),
    Kind(
        ECR_REPOSITORY,
        "ECR repository",
        fields={
            "uri": OPT_STR,
            "scan_on_push": OPT_BOOL,
            "tag_immutability": OPT_STR,
            "encryption_type": OPT_STR,
            KMS_KEY: OPT_STR,
            "policy": OPT_DICT,
        },
        facts=(
            Fact("scan on push", ("scan_on_push",)),
            Fact("tags", ("tag_immutability",)),
            Fact("encryption", ("encryption_type",)),
            Fact("uri", ("uri",)),
        ),
        state=lambda r: str(r.attributes.get("tag_immutability") or "").lower() or None,
    ),
    Kind(
        AUTOSCALING_GROUP,
        "Auto Scaling group",
        fields={
            "min_size": OPT_INT,
            "desired_capacity": OPT_INT,
            "max_size": OPT_INT,
            "launch_template": OPT_DICT,  # {id, name, version}
            "launch_configuration": OPT_STR,
            "target_groups": LIST,
            "load_balancers": LIST,
            "instances": LIST,
            SUBNETS: LIST,
            **_PLACED,
        },
        facts=(
            Fact("desired", ("desired_capacity",)),
            Fact("min", ("min_size",)),
            Fact("max", ("max_size",)),
            Fact("launch template", ("launch_template", "name")),
            Fact("target groups", ("target_groups",)),
        ),
        state=_size_state,
    ),
    Kind(
        LAUNCH_TEMPLATE,
        "launch template",
        fields={"default_version": OPT_INT, "latest_version": OPT_INT},
        facts=(
            Fact("default version", ("default_version",)),
            Fact("latest version", ("latest_version",)),
        ),
        state=_no_state,
    ),
    Kind(
        TARGET_GROUP,
        "target group",
        fields={
            "protocol": OPT_STR,
            "port": OPT_INT,
            "target_type": OPT_STR,
            "load_balancers": LIST,
            "targets": LIST,  # [{id, port, health, reason}] (docs/exposure.md)
        },
        facts=(
            Fact("protocol", ("protocol",)),
            Fact("port", ("port",)),
            Fact("target type", ("target_type",)),
            Fact("load balancers", ("load_balancers",)),
        ),
        state=_health_state,
    ),
    Kind(
        EVENT_SOURCE_MAPPING,
        "Lambda event source mapping",
        fields={
            STATE: OPT_STR,
            "function_arn": OPT_STR,
            "source_arn": OPT_STR,
            "batch_size": OPT_INT,
            "on_failure": OPT_STR,
            # Stream sources (Kinesis, DynamoDB): -1 or None is AWS's default, unbounded
            "maximum_retry_attempts": OPT_INT,
            "maximum_record_age_seconds": OPT_INT,
            "bisect_on_error": OPT_BOOL,
            "links": LIST,  # [{kind, arn}]: its source, its function, its on-failure target
        },
        facts=(
            Fact("source", ("source_arn",)),
            Fact("function", ("function_arn",)),
            Fact("batch size", ("batch_size",)),
            Fact("on failure", ("on_failure",)),
        ),
    ),
)
# -- edges and APIs -----------------------------------------------------------------------
DISTRIBUTION = "cloudfront:distribution"
REST_API = "apigateway:restapi"
HTTP_API = "apigateway:api"  # API Gateway v2: HTTP and WebSocket APIs
WEB_ACL = "wafv2:webacl"
HOSTED_ZONE = "route53:hostedzone"
CERTIFICATE = "acm:certificate"
# Wiring: {"kind": ..., "arn": ...} entries of a resource's normalised `links`.
LINKS = "links"
INTEGRATION_LINK = "integration"  # an API's integration invokes its target (Lambda, ALB...)


def _edge_status(resource: Resource) -> str | None:
    value = resource.attributes.get("status")
    return str(value).lower() if value not in (None, "") else None


def _distribution_state(resource: Resource) -> str | None:
    if resource.attributes.get("enabled") is False:
        return "disabled"
    return _edge_status(resource)


def _web_acl_state(resource: Resource) -> str | None:
    protects = resource.attributes.get("protects")
    if protects is None:
        return None
    return f"protects {len(protects)}" if protects else "protects nothing"


def _zone_state(resource: Resource) -> str | None:
    return "private" if resource.attributes.get("private") else "public"


def _certificate_state(resource: Resource) -> str | None:
    status = _edge_status(resource)
    if status == "issued" and not resource.attributes.get("in_use_by"):
        return "issued, unused"
    return status


EDGES_AND_APIS: tuple[Kind, ...] = (
    Kind(
        DISTRIBUTION,
        "CloudFront distribution",
        scope=Scope.GLOBAL,
        fields={
            "domain_name": OPT_STR,
            "status": OPT_STR,
            "enabled": BOOL,
            "aliases": LIST,
            "origins": LIST,  # [{id, domain_name, origin_type, protocol_policy, origin_path}]
            "viewer_protocol_policies": LIST,  # [{path_pattern, policy}], the default as "*"
            "default_viewer_protocol": OPT_STR,
            "origin_domains": LIST,
            "web_acl_id": OPT_STR,
            "certificate": OPT_STR,
            "minimum_protocol_version": OPT_STR,
            "price_class": OPT_STR,
        },
        facts=(
            Fact("domain", ("domain_name",)),
            Fact("aliases", ("aliases",)),
            Fact("viewer protocol", ("default_viewer_protocol",)),
            Fact("web ACL", ("web_acl_id",)),
            Fact("origins", ("origin_domains",)),
        ),
        state=_distribution_state,
        can_be_internet_facing=True,
    ),
    Kind(
        REST_API,
        "API Gateway REST API",
        fields={
            "endpoint_types": LIST,
            "stages": LIST,  # [{name, arn, deployment_id, web_acl_arn, tracing, ...}]
            "stage_names": LIST,
            LINKS: LIST,  # [{kind: integration, arn, method, integration_type, timeout_ms}]
            "integration_count": INT,
            "disable_execute_api_endpoint": BOOL,
            "policy": OPT_DICT,
        },
        facts=(
            Fact("endpoint", ("endpoint_types",)),
            Fact("stages", ("stage_names",)),
            Fact("integrations", ("integration_count",)),
        ),
        state=lambda r: ",".join(str(t) for t in r.attributes.get("endpoint_types") or []) or None,
        can_be_internet_facing=True,
    ),
    Kind(
        HTTP_API,
        "API Gateway HTTP/WebSocket API",
        fields={
            "protocol_type": OPT_STR,
            "endpoint": OPT_STR,
            "stages": LIST,  # [{name, arn, auto_deploy, throttling}]
            "stage_names": LIST,
            LINKS: LIST,  # [{kind: integration, arn, integration_type, timeout_ms}]
            "integration_count": INT,
            "disable_execute_api_endpoint": BOOL,
        },
        facts=(
            Fact("protocol", ("protocol_type",)),
            Fact("endpoint", ("endpoint",)),
            Fact("stages", ("stage_names",)),
            Fact("integrations", ("integration_count",)),
        ),
        state=lambda r: str(r.attributes.get("protocol_type") or "").lower() or None,
        can_be_internet_facing=True,
    ),
    Kind(
        WEB_ACL,
        "WAF web ACL",
        # REGIONAL ACLs per region; CLOUDFRONT-scope ones (listed in us-east-1) under global.
        fields={
            "waf_scope": STR,
            "default_action": OPT_STR,
            "rules": OPT_LIST,  # rule names; None when GetWebACL failed (recorded)
            "capacity": OPT_INT,
            "protects": OPT_LIST,  # resource ARNs; None when unknown (the call failed)
        },
        facts=(
            Fact("scope", ("waf_scope",)),
            Fact("default action", ("default_action",)),
            Fact("rules", ("rules",)),
            Fact("protects", ("protects",)),
        ),
        state=_web_acl_state,
    ),
    Kind(
        HOSTED_ZONE,
        "Route 53 hosted zone",
        scope=Scope.GLOBAL,
        fields={
            "zone_name": STR,
            "private": BOOL,
            "vpcs": LIST,  # [{vpc_id, region}] (private zones)
            "vpc_ids": LIST,
            "record_count": OPT_INT,  # every record set in the zone, as Route 53 counts them
            # A, AAAA, CNAME and alias records: [{name, type, values, alias_target}], bounded.
            "records": LIST,
            "records_truncated": BOOL,
        },
        facts=(
            Fact("zone", ("zone_name",)),
            Fact("private", ("private",)),
            Fact("VPCs", ("vpc_ids",)),
            Fact("records", ("record_count",)),
        ),
        state=_zone_state,
    ),
    Kind(
        CERTIFICATE,
        "ACM certificate",
        fields={
            "domain_name": OPT_STR,
            "domains": LIST,
            "status": OPT_STR,
            "not_after": OPT_STR,
            "in_use_by": LIST,
            "certificate_type": OPT_STR,
            "renewal_eligibility": OPT_STR,
        },
        facts=(
            Fact("domain", ("domain_name",)),
            Fact("domains", ("domains",)),
            Fact("expires", ("not_after",)),
            Fact("in use by", ("in_use_by",)),
        ),
        state=_certificate_state,
    ),
)
# -- network and data ---------------------------------------------------------------------
TRANSIT_GATEWAY = "ec2:transit-gateway"
VPN_CONNECTION = "ec2:vpn-connection"
CUSTOMER_GATEWAY = "ec2:customer-gateway"
EBS_SNAPSHOT = "ec2:snapshot"
MACHINE_IMAGE = "ec2:image"
DB_CLUSTER = "rds:cluster"
DB_SNAPSHOT = "rds:snapshot"
DB_CLUSTER_SNAPSHOT = "rds:cluster-snapshot"
CACHE_CLUSTER = "elasticache:cluster"
CACHE_REPLICATION_GROUP = "elasticache:replicationgroup"
EFS_FILE_SYSTEM = "elasticfilesystem:file-system"  # the ARN's service, not the client's (efs)
KINESIS_STREAM = "kinesis:stream"
FIREHOSE_STREAM = "firehose:deliverystream"
SEARCH_DOMAIN = "es:domain"
REDSHIFT_CLUSTER = "redshift:cluster"
KMS_KEY_TYPE = "kms:key"
SECRET = "secretsmanager:secret"

# Shared by anyone (an EBS snapshot's createVolumePermission, an AMI's launch permission, a DB
# snapshot's restore attribute naming "all"): True, False, or None when it could not be read.
_SHARING = {"public": OPT_BOOL}


def _lower_state(name: str) -> StateRule:
    def rule(resource: Resource) -> str | None:
        value = resource.attributes.get(name)
        return str(value).lower() if value not in (None, "") else None

    return rule


def _public_or(name: str) -> StateRule:
    """ "public" when anyone may use it (the one word that matters), else its state."""
    fallback = _lower_state(name)

    def rule(resource: Resource) -> str | None:
        return "public" if resource.attributes.get("public") else fallback(resource)

    return rule


def _key_state(resource: Resource) -> str | None:
    if resource.attributes.get("aws_managed"):
        return "aws-managed"
    state = resource.attributes.get(STATE)
    if state not in (None, "", "Enabled"):
        return str(state).lower()
    rotation = resource.attributes.get("rotation_enabled")
    return None if rotation is None else ("rotating" if rotation else "not rotated")


def _secret_state(resource: Resource) -> str | None:
    rotation = resource.attributes.get("rotation_enabled")
    return "rotating" if rotation else "not rotated"


NETWORK_AND_DATA: tuple[Kind, ...] = (
    # -- transit, VPN ------------------------------------------------------------------------
    Kind(
        TRANSIT_GATEWAY,
        "transit gateway",
        fields={
            STATE: OPT_STR,
            "amazon_side_asn": OPT_INT,
            "description": OPT_STR,
            "owner_id": OPT_STR,  # the owning account: another one's when shared (model/sharing)
        },
        facts=(Fact("ASN", ("amazon_side_asn",)), Fact("description", ("description",))),
    ),
    Kind(
        VPN_CONNECTION,
        "VPN connection",
        fields={
            STATE: OPT_STR,
            "customer_gateway_id": OPT_STR,
            "vpn_gateway_id": OPT_STR,
            "transit_gateway_id": OPT_STR,
            "tunnels_up": OPT_INT,
            "tunnels": OPT_INT,
        },
        facts=(
            Fact("customer gateway", ("customer_gateway_id",)),
            Fact("VPN gateway", ("vpn_gateway_id",)),
            Fact("transit gateway", ("transit_gateway_id",)),
            Fact("tunnels up", ("tunnels_up",)),
        ),
    ),
    Kind(
        CUSTOMER_GATEWAY,
        "customer gateway",
        fields={STATE: OPT_STR, "ip_address": OPT_STR, "bgp_asn": OPT_STR},
        facts=(Fact("address", ("ip_address",)), Fact("BGP ASN", ("bgp_asn",))),
    ),
    # -- EBS snapshots and AMIs owned by the account ------------------------------------------
    Kind(
        EBS_SNAPSHOT,
        "EBS snapshot",
        fields={
            STATE: OPT_STR,
            "volume_id": OPT_STR,
            "size_gib": OPT_INT,
            "encrypted": BOOL,
            KMS_KEY: OPT_STR,
            "started": OPT_STR,
            **_SHARING,
        },
        facts=(
            Fact("public", ("public",)),
            Fact("volume", ("volume_id",)),
            Fact("size GiB", ("size_gib",)),
            Fact("encrypted", ("encrypted",)),
            Fact("started", ("started",)),
        ),
        state=_public_or(STATE),
    ),
    Kind(
        MACHINE_IMAGE,
        "AMI",
        fields={
            STATE: OPT_STR,
            "image_name": OPT_STR,
            "created": OPT_STR,
            "snapshot_ids": LIST,
            **_SHARING,
        },
        facts=(
            Fact("public", ("public",)),
            Fact("name", ("image_name",)),
            Fact("created", ("created",)),
            Fact("snapshots", ("snapshot_ids",)),
        ),
        state=_public_or(STATE),
    ),
    # -- RDS clusters and snapshots ----------------------------------------------------------
    Kind(
        DB_CLUSTER,
        "RDS DB cluster",
        fields={
            "engine": OPT_STR,
            "engine_mode": OPT_STR,
            "status": OPT_STR,
            "endpoint": OPT_STR,
            "reader_endpoint": OPT_STR,
            "members": LIST,
            "multi_az": BOOL,
            "publicly_accessible": OPT_BOOL,
            "storage_encrypted": BOOL,
            KMS_KEY: OPT_STR,
            "backup_retention_period": OPT_INT,
            **_NETWORKED,
            **_PLACED,
        },
        facts=(
            Fact("engine", ("engine",)),
            Fact("endpoint", ("endpoint",)),
            Fact("members", ("members",)),
            Fact("multi-AZ", ("multi_az",)),
            Fact("encrypted", ("storage_encrypted",)),
            Fact("backups", ("backup_retention_period",)),
        ),
        state=_lower_state("status"),
        can_be_internet_facing=True,
    ),
    Kind(
        DB_SNAPSHOT,
        "RDS DB snapshot",
        fields={
            "status": OPT_STR,
            "source": OPT_STR,
            "snapshot_type": OPT_STR,
            "engine": OPT_STR,
            "encrypted": BOOL,
            KMS_KEY: OPT_STR,
            "created": OPT_STR,
            **_SHARING,
        },
        facts=(
            Fact("public", ("public",)),
            Fact("database", ("source",)),
            Fact("type", ("snapshot_type",)),
            Fact("encrypted", ("encrypted",)),
            Fact("created", ("created",)),
        ),
        state=_public_or("status"),
    ),
    Kind(
        DB_CLUSTER_SNAPSHOT,
        "RDS cluster snapshot",
        fields={
            "status": OPT_STR,
            "source": OPT_STR,
            "snapshot_type": OPT_STR,
            "engine": OPT_STR,
            "encrypted": BOOL,
            KMS_KEY: OPT_STR,
            "created": OPT_STR,
            **_SHARING,
        },
        facts=(
            Fact("public", ("public",)),
            Fact("cluster", ("source",)),
            Fact("type", ("snapshot_type",)),
            Fact("encrypted", ("encrypted",)),
            Fact("created", ("created",)),
        ),
        state=_public_or("status"),
    ),
    # -- caches, file systems, streams, search, warehouse ------------------------------------
    Kind(
        CACHE_CLUSTER,
        "ElastiCache cluster",
        fields={
            "engine": OPT_STR,
            "engine_version": OPT_STR,
            "status": OPT_STR,
            "node_type": OPT_STR,
            "nodes": OPT_INT,
            "replication_group": OPT_STR,
            "transit_encryption": OPT_BOOL,
            "at_rest_encryption": OPT_BOOL,
            "auth_token": OPT_BOOL,
            "subnet_group": OPT_STR,
            **_NETWORKED,
        },
        facts=(
            Fact("engine", ("engine",)),
            Fact("node type", ("node_type",)),
            Fact("nodes", ("nodes",)),
            Fact("group", ("replication_group",)),
            Fact("in transit", ("transit_encryption",)),
            Fact("at rest", ("at_rest_encryption",)),
        ),
        state=_lower_state("status"),
    ),
    Kind(
        CACHE_REPLICATION_GROUP,
        "ElastiCache replication group",
        fields={
            "status": OPT_STR,
            "members": LIST,
            "primary_endpoint": OPT_STR,
            "automatic_failover": OPT_STR,
            "multi_az": OPT_STR,
            "transit_encryption": OPT_BOOL,
            "at_rest_encryption": OPT_BOOL,
            "auth_token": OPT_BOOL,
            KMS_KEY: OPT_STR,
        },
        facts=(
            Fact("members", ("members",)),
            Fact("endpoint", ("primary_endpoint",)),
            Fact("failover", ("automatic_failover",)),
            Fact("multi-AZ", ("multi_az",)),
            Fact("in transit", ("transit_encryption",)),
            Fact("at rest", ("at_rest_encryption",)),
        ),
        state=_lower_state("status"),
    ),
    Kind(
        EFS_FILE_SYSTEM,
        "EFS file system",
        fields={
            STATE: OPT_STR,
            "encrypted": BOOL,
            KMS_KEY: OPT_STR,
            "size_bytes": OPT_INT,
            "mount_targets": OPT_LIST,
            "performance_mode": OPT_STR,
            "throughput_mode": OPT_STR,
            **_NETWORKED,
        },
        facts=(
            Fact("encrypted", ("encrypted",)),
            Fact("size bytes", ("size_bytes",)),
            Fact("mount targets", ("mount_targets",)),
            Fact("throughput", ("throughput_mode",)),
        ),
    ),
    Kind(
        KINESIS_STREAM,
        "Kinesis stream",
        fields={
            "status": OPT_STR,
            "mode": OPT_STR,
            "retention_hours": OPT_INT,
            "shards": OPT_INT,
            "encryption": OPT_STR,
            KMS_KEY: OPT_STR,
        },
        facts=(
            Fact("mode", ("mode",)),
            Fact("shards", ("shards",)),
            Fact("retention h", ("retention_hours",)),
            Fact("encryption", ("encryption",)),
        ),
        state=_lower_state("status"),
    ),
    Kind(
        FIREHOSE_STREAM,
        "Firehose stream",
        fields={
            "status": OPT_STR,
            "source_type": OPT_STR,
            "destinations": LIST,
            ROLE: OPT_STR,
            KMS_KEY: OPT_STR,
            "links": LIST,
        },
        facts=(
            Fact("source", ("source_type",)),
            Fact("destinations", ("destinations",)),
            Fact("role", (ROLE,)),
        ),
        state=_lower_state("status"),
    ),
    Kind(
        SEARCH_DOMAIN,
        "OpenSearch domain",
        fields={
            "engine_version": OPT_STR,
            "endpoint": OPT_STR,
            "in_vpc": BOOL,
            "encryption_at_rest": OPT_BOOL,
            "node_to_node_encryption": OPT_BOOL,
            "enforce_https": OPT_BOOL,
            "access_policy": OPT_DICT,
            KMS_KEY: OPT_STR,
            **_NETWORKED,
            **_PLACED,
        },
        facts=(
            Fact("version", ("engine_version",)),
            Fact("endpoint", ("endpoint",)),
            Fact("in a VPC", ("in_vpc",)),
            Fact("at rest", ("encryption_at_rest",)),
            Fact("https only", ("enforce_https",)),
        ),
        state=lambda r: None if r.attributes.get("in_vpc") else "public endpoint",
        can_be_internet_facing=True,
    ),
    Kind(
        REDSHIFT_CLUSTER,
        "Redshift cluster",
        fields={
            "status": OPT_STR,
            "node_type": OPT_STR,
            "nodes": OPT_INT,
            "endpoint": OPT_STR,
            "publicly_accessible": BOOL,
            "encrypted": BOOL,
            KMS_KEY: OPT_STR,
            "subnet_group": OPT_STR,
            **_NETWORKED,
            **_PLACED,
        },
        facts=(
            Fact("node type", ("node_type",)),
            Fact("nodes", ("nodes",)),
            Fact("endpoint", ("endpoint",)),
            Fact("public", ("publicly_accessible",)),
            Fact("encrypted", ("encrypted",)),
        ),
        state=_lower_state("status"),
        can_be_internet_facing=True,
    ),
    # -- keys and secrets --------------------------------------------------------------------
    Kind(
        KMS_KEY_TYPE,
        "KMS key",
        fields={
            STATE: OPT_STR,
            "aws_managed": BOOL,  # views hide these by default
            "aliases": LIST,
            "key_spec": OPT_STR,
            "key_usage": OPT_STR,
            "rotation_enabled": OPT_BOOL,  # None: AWS-managed, asymmetric, or not readable
            "policy": OPT_DICT,
        },
        facts=(
            Fact("aliases", ("aliases",)),
            Fact("managed by AWS", ("aws_managed",)),
            Fact("rotation", ("rotation_enabled",)),
            Fact("spec", ("key_spec",)),
            Fact("usage", ("key_usage",)),
        ),
        state=_key_state,
    ),
    Kind(
        SECRET,
        "secret",
        fields={
            "rotation_enabled": BOOL,
            "rotation_function": OPT_STR,
            "last_rotated": OPT_STR,
            "last_accessed": OPT_STR,
            "last_changed": OPT_STR,
            KMS_KEY: OPT_STR,
            "policy": OPT_DICT,
            "links": LIST,
        },
        facts=(
            Fact("rotation", ("rotation_enabled",)),
            Fact("last rotated", ("last_rotated",)),
            Fact("last accessed", ("last_accessed",)),
            Fact("key", (KMS_KEY,)),
        ),
        state=_secret_state,
    ),
)
# -- integration and operations ----------------------------------------------------------
STATE_MACHINE = "states:stateMachine"
EVENT_BUS = "events:event-bus"
EVENT_RULE = "events:rule"
SNS_SUBSCRIPTION = "sns:subscription"
LOG_GROUP = "logs:log-group"
STACK = "cloudformation:stack"
# The wiring kinds of these types' `links` (LINKS above): who calls or notifies what.
TASK_LINK = "task"  # a state machine's Task state calls this ARN (a function, a queue...)
EVENTBRIDGE_TARGET_LINK = "eventbridge-target"  # a rule sends its events to this target
SNS_SUBSCRIPTION_LINK = "sns-subscription"  # a topic delivers to this endpoint
S3_NOTIFICATION_LINK = "s3-notification"  # a bucket notifies this function, queue or topic
DEAD_LETTER_LINK = "dead-letter"  # undeliverable events or messages go here
ON_FAILURE_LINK = "on-failure"  # a failed asynchronous invocation's record goes here


def _log_retention_state(resource: Resource) -> str | None:
    days = resource.attributes.get("retention_days")
    return "kept forever" if days is None else f"{days} days"


INTEGRATION_AND_OPERATIONS: tuple[Kind, ...] = (
    Kind(
        STATE_MACHINE,
        "Step Functions state machine",
        fields={
            "status": OPT_STR,
            "machine_type": OPT_STR,  # STANDARD | EXPRESS
            ROLE: OPT_STR,
            "logging_level": OPT_STR,  # ALL | ERROR | FATAL | OFF; None: not read
            "tracing": OPT_BOOL,
            # [{name, resource, retry, catch}] of every Task state, nested ones included;
            # None when the definition could not be read (or parsed)
            "task_states": OPT_LIST,
            "unhandled_tasks": OPT_LIST,  # the names of Task states with neither Retry nor Catch
            LINKS: LIST,  # [{kind: "task", arn}]: what its tasks call
        },
        facts=(
            Fact("type", ("machine_type",)),
            Fact("logging", ("logging_level",)),
            Fact("role", (ROLE,)),
            Fact("tasks without Retry/Catch", ("unhandled_tasks",)),
        ),
        state=_lower_state("status"),
    ),
    Kind(
        EVENT_BUS,
        "EventBridge event bus",
        # The default bus of a region is listed only when someone gave it a policy: untouched,
        # it is AWS's own (every region has one).
        fields={"is_default": BOOL, "policy": OPT_DICT},
        facts=(Fact("default", ("is_default",)),),
        state=_no_state,
    ),
    Kind(
        EVENT_RULE,
        "EventBridge rule",
        fields={
            STATE: OPT_STR,  # ENABLED | DISABLED
            "event_bus": OPT_STR,
            "schedule": OPT_STR,
            "event_pattern": OPT_DICT,
            ROLE: OPT_STR,
            # [{id, arn, role, dead_letter_arn, max_retry_attempts, max_event_age_s}];
            # None when ListTargetsByRule failed
            "targets": OPT_LIST,
            "target_arns": LIST,
            LINKS: LIST,  # eventbridge-target and dead-letter links
        },
        facts=(
            Fact("schedule", ("schedule",)),
            Fact("bus", ("event_bus",)),
            Fact("targets", ("target_arns",)),
        ),
        state=_lower_state(STATE),
    ),
    Kind(
        SNS_SUBSCRIPTION,
        "SNS subscription",
        fields={
            "topic_arn": OPT_STR,
            "protocol": OPT_STR,
            "endpoint": OPT_STR,
            "pending": BOOL,  # not confirmed yet: nothing is delivered
            "raw_message_delivery": OPT_BOOL,
            "dead_letter_target": OPT_STR,  # the redrive policy's queue; None: none (or unread)
            "filter_policy": OPT_DICT,
            LINKS: LIST,  # sns-subscription (topic -> endpoint) and dead-letter links
        },
        facts=(
            Fact("protocol", ("protocol",)),
            Fact("endpoint", ("endpoint",)),
            Fact("topic", ("topic_arn",)),
            Fact("dead-letter queue", ("dead_letter_target",)),
        ),
        state=lambda r: "pending" if r.attributes.get("pending") else _lower_state("protocol")(r),
    ),
    Kind(
        LOG_GROUP,
        "CloudWatch log group",
        fields={
            "retention_days": OPT_INT,  # None: never expires (kept and billed forever)
            "stored_bytes": OPT_INT,
            KMS_KEY: OPT_STR,
            "log_group_class": OPT_STR,
        },
        facts=(
            Fact("retention days", ("retention_days",)),
            Fact("stored bytes", ("stored_bytes",)),
            Fact("key", (KMS_KEY,)),
        ),
        state=_log_retention_state,
    ),
    Kind(
        STACK,
        "CloudFormation stack",
        fields={
            "status": OPT_STR,
            # The last drift detection's result as CloudFormation recorded it (NOT_CHECKED when
            # none ran); the scan never starts one.
            "drift_status": OPT_STR,
            "drift_checked": OPT_STR,
            ROLE: OPT_STR,
            "termination_protection": OPT_BOOL,
            "parent_stack": OPT_STR,
            # [{logical_id, physical_id, type, status}]; None when ListStackResources failed
            "resources": OPT_LIST,
            "resource_count": OPT_INT,
        },
        facts=(
            Fact("status", ("status",)),
            Fact("drift", ("drift_status",)),
            Fact("drift checked", ("drift_checked",)),
            Fact("resources", ("resource_count",)),
        ),
        state=_lower_state("status"),
    ),
)

# -- guardrails and spend (issue 12) --------------------------------------------------------
GUARDDUTY_DETECTOR = "guardduty:detector"
CONFIG_RECORDER = "config:configuration-recorder"
ACCESS_ANALYZER = "access-analyzer:analyzer"
SSM_MANAGED_INSTANCE = "ssm:managed-instance"
PREFIX_LIST = "ec2:prefix-list"
VPC_FLOW_LOG = "ec2:vpc-flow-log"
REGION_SPEND = "ce:region-spend"

# GuardDuty, Config and Access Analyzer are guardrails: one record per region, even where the
# service is off (then `present` is False and `enabled` False), so a check can tell "off" from
# "not read" (not read: the list call's error is recorded and no record is made).
_GUARDRAIL = {"present": BOOL, "enabled": OPT_BOOL}  # enabled None: its status was not read


def _guardrail_state(resource: Resource) -> str | None:
    enabled = resource.attributes.get("enabled")
    if not resource.attributes.get("present"):
        return "off"
    return None if enabled is None else ("on" if enabled else "off")


def _spend_state(resource: Resource) -> str | None:
    total = resource.attributes.get("total")
    unit = resource.attributes.get("unit") or "USD"
    return f"{total:.2f} {unit}/30d" if isinstance(total, int | float) else None


GUARDRAILS_AND_OPERATIONS: tuple[Kind, ...] = (
    Kind(
        GUARDDUTY_DETECTOR,
        "GuardDuty detector",
        fields={
            **_GUARDRAIL,
            "status": OPT_STR,
            "finding_publishing_frequency": OPT_STR,
            "service_role": OPT_STR,
            "created": OPT_STR,
        },
        facts=(
            Fact("on", ("enabled",)),
            Fact("status", ("status",)),
            Fact("publishing", ("finding_publishing_frequency",)),
        ),
        state=_guardrail_state,
        default_role=DefaultRole.SETTING,
    ),
    Kind(
        CONFIG_RECORDER,
        "AWS Config recorder",
        fields={
            **_GUARDRAIL,
            "recording": OPT_BOOL,
            "all_supported": OPT_BOOL,
            "include_global_resources": OPT_BOOL,
            "last_status": OPT_STR,
            "last_error": OPT_STR,
            ROLE: OPT_STR,
        },
        facts=(
            Fact("recording", ("recording",)),
            Fact("all supported", ("all_supported",)),
            Fact("global types", ("include_global_resources",)),
            Fact("last status", ("last_status",)),
        ),
        state=_guardrail_state,
        default_role=DefaultRole.SETTING,
    ),
    Kind(
        ACCESS_ANALYZER,
        "IAM Access Analyzer analyzer",
        fields={
            **_GUARDRAIL,
            "analyzer_type": OPT_STR,
            "status": OPT_STR,
            "status_reason": OPT_STR,
            "created": OPT_STR,
            "last_analyzed": OPT_STR,
        },
        facts=(
            Fact("type", ("analyzer_type",)),
            Fact("status", ("status",)),
            Fact("last analyzed", ("last_analyzed",)),
        ),
        state=_guardrail_state,
        default_role=DefaultRole.SETTING,
    ),
    Kind(
        SSM_MANAGED_INSTANCE,
        "Systems Manager managed instance",
        fields={
            "instance_id": STR,
            "ping_status": OPT_STR,
            "agent_version": OPT_STR,
            "platform": OPT_STR,
            "platform_name": OPT_STR,
            "last_ping": OPT_STR,
            "resource_type": OPT_STR,
        },
        facts=(
            Fact("instance", ("instance_id",)),
            Fact("ping", ("ping_status",)),
            Fact("agent", ("agent_version",)),
            Fact("platform", ("platform_name",)),
            Fact("last ping", ("last_ping",)),
        ),
        state=_lower_state("ping_status"),
    ),
    Kind(
        PREFIX_LIST,
        "managed prefix list",
        fields={
            "prefix_list_name": OPT_STR,
            "address_family": OPT_STR,
            "max_entries": OPT_INT,
            "version": OPT_INT,
            STATE: OPT_STR,
            "entries": OPT_LIST,  # the CIDRs; None: its entries could not be read
        },
        facts=(
            Fact("name", ("prefix_list_name",)),
            Fact("entries", ("entries",)),
            Fact("family", ("address_family",)),
            Fact("max entries", ("max_entries",)),
        ),
    ),
    Kind(
        VPC_FLOW_LOG,
        "VPC flow log",
        fields={
            "resource_id": OPT_STR,  # the VPC, subnet or network interface it records
            "status": OPT_STR,
            "traffic_type": OPT_STR,
            "destination_type": OPT_STR,
            "destination": OPT_STR,
            "deliver_status": OPT_STR,
            ROLE: OPT_STR,
        },
        facts=(
            Fact("records", ("resource_id",)),
            Fact("traffic", ("traffic_type",)),
            Fact("to", ("destination_type",)),
            Fact("destination", ("destination",)),
        ),
        state=_lower_state("status"),
    ),
    Kind(
        REGION_SPEND,
        "spend (Cost Explorer, --cost)",
        fields={
            "total": NUM,
            "unit": OPT_STR,
            "start": STR,
            "end": STR,
            "services": LIST,  # [{"service": "Amazon Elastic Compute Cloud - Compute", "amount"}]
        },
        facts=(
            Fact("last 30 days", ("total",)),
            Fact("from", ("start",)),
            Fact("to", ("end",)),
        ),
        state=_spend_state,
        default_role=DefaultRole.SETTING,
    ),
)

KINDS: tuple[Kind, ...] = (
    _FIRST_WAVE
    + CONTAINERS_AND_COMPUTE
    + EDGES_AND_APIS
    + NETWORK_AND_DATA
    + INTEGRATION_AND_OPERATIONS
    + GUARDRAILS_AND_OPERATIONS
)

REGISTRY: dict[str, Kind] = {kind.type: kind for kind in KINDS}

# An ARN's type whose collector is not known here (the tagging API's catch-all, an older
# snapshot): shown under its own type with nothing but the common facts.


def kind_of(resource_type: str) -> Kind:
    """The record of a type; an unknown type gets a plain record so nothing is ever hidden."""
    found = REGISTRY.get(resource_type)
    if found is not None:
        return found
    return Kind(resource_type, resource_type.split(":", 1)[-1])


def by_type(name: str) -> Kind:
    """The record of a type this module declares; a KeyError names a typo at import time."""
    return REGISTRY[name]


def state_of(resource: Resource) -> str | None:
    return kind_of(resource.type).state(resource)


def dig(attributes: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = attributes
    for key in path:
        # Snapshots hold plain dicts: the exact type test spares most calls the ABC check.
        if type(value) is not dict and not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


# Snapshots written before a normalised field existed carry only the raw API fields. Reading one,
# `complete` fills each missing field from them, so everything above reads the record's names.
# This is the only place outside the collectors that knows a raw (PascalCase) API field.
Legacy = Callable[[Mapping[str, Any]], Any]


def _raw(*path: str) -> Legacy:
    return lambda attrs: dig(attrs, path)


def _raw_bool(*path: str) -> Legacy:
    return lambda attrs: bool(dig(attrs, path))


def _raw_ids(key: str, id_key: str) -> Legacy:
    return lambda attrs: [
        str(item[id_key])
        for item in attrs.get(key) or []
        if isinstance(item, Mapping) and item.get(id_key)
    ]


def _first_attachment_state(attrs: Mapping[str, Any], key: str) -> Any:
    attachments = attrs.get(key) or []
    first = attachments[0] if attachments else None
    return first.get("State") if isinstance(first, Mapping) else None


def _nat_addresses(attrs: Mapping[str, Any], key: str) -> list[str]:
    return [
        str(x[key])
        for x in attrs.get("NatGatewayAddresses") or []
        if isinstance(x, Mapping) and x.get(key)
    ]


def _raw_cidrs(attrs: Mapping[str, Any], key: str, block_key: str) -> list[str]:
    """The associated blocks of a VPC or subnet's association set (disassociated ones left out)."""
    return [
        str(item[block_key])
        for item in attrs.get(key) or []
        if isinstance(item, Mapping)
        and item.get(block_key)
        and dig(item, (f"{block_key}State", "State")) in (None, "associated", "associating")
    ]


def _raw_eni_addresses(attrs: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """An ENI's (private, public) IPv4 addresses, from its PrivateIpAddresses."""
    private: list[str] = []
    public: list[str] = []
    for item in attrs.get("PrivateIpAddresses") or []:
        if not isinstance(item, Mapping):
            continue
        if item.get("PrivateIpAddress"):
            private.append(str(item["PrivateIpAddress"]))
        ip = dig(item, ("Association", "PublicIp"))
        if ip:
            public.append(str(ip))
    if not private and attrs.get("PrivateIpAddress"):
        private.append(str(attrs["PrivateIpAddress"]))
    top = dig(attrs, ("Association", "PublicIp"))
    if top and str(top) not in public:
        public.insert(0, str(top))
    return private, public


def _raw_boundary(attrs: Mapping[str, Any]) -> Any:
    arn = dig(attrs, ("PermissionsBoundary", "PermissionsBoundaryArn"))
    return {"arn": arn, "document": None} if arn else None


LEGACY: dict[str, dict[str, Legacy]] = {
    SUBNET: {
        "cidr": _raw("CidrBlock"),
        "availability_zone": _raw("AvailabilityZone"),
        "availability_zone_id": _raw("AvailabilityZoneId"),
        "available_ips": _raw("AvailableIpAddressCount"),
        "auto_assign_public_ip": _raw_bool("MapPublicIpOnLaunch"),
        "ipv6_cidrs": lambda a: _raw_cidrs(a, "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock"),
        "owner_id": _raw("OwnerId"),
    },
    VPC: {
        "cidr": _raw("CidrBlock"),
        "is_default": _raw_bool("IsDefault"),
        "cidrs": lambda a: (
            _raw_cidrs(a, "CidrBlockAssociationSet", "CidrBlock")
            or ([str(a["CidrBlock"])] if a.get("CidrBlock") else [])
        ),
        "ipv6_cidrs": lambda a: _raw_cidrs(a, "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock"),
        "owner_id": _raw("OwnerId"),
    },
    SECURITY_GROUP: {"group_name": lambda a: str(a.get("GroupName") or "")},
    INTERNET_GATEWAY: {STATE: lambda a: _first_attachment_state(a, "Attachments")},
    EGRESS_ONLY_INTERNET_GATEWAY: {STATE: lambda a: _first_attachment_state(a, "Attachments")},
    NAT_GATEWAY: {
        STATE: _raw("State"),
        "connectivity": lambda a: a.get("ConnectivityType") or "public",
        "public_ips": lambda a: [
            str(x["PublicIp"])
            for x in a.get("NatGatewayAddresses") or []
            if isinstance(x, Mapping) and x.get("PublicIp")
        ],
        "private_ips": lambda a: _nat_addresses(a, "PrivateIp"),
        "network_interface_ids": lambda a: _nat_addresses(a, "NetworkInterfaceId"),
    },
    VPC_PEERING_CONNECTION: {
        STATE: _raw("Status", "Code"),
        "requester_vpc_id": _raw("RequesterVpcInfo", "VpcId"),
        "requester_region": _raw("RequesterVpcInfo", "Region"),
        "accepter_vpc_id": _raw("AccepterVpcInfo", "VpcId"),
        "accepter_region": _raw("AccepterVpcInfo", "Region"),
    },
    VPN_GATEWAY: {STATE: _raw("State")},
    TRANSIT_GATEWAY_ATTACHMENT: {
        STATE: _raw("State"),
        "transit_gateway_id": _raw("TransitGatewayId"),
        SUBNETS: lambda a: [str(s) for s in a.get("SubnetIds") or []],
    },
    VPC_ENDPOINT: {
        STATE: _raw("State"),
        "service_name": _raw("ServiceName"),
        "endpoint_type": _raw("VpcEndpointType"),
        SUBNETS: lambda a: [str(s) for s in a.get("SubnetIds") or []],
        SECURITY_GROUPS: _raw_ids("Groups", "GroupId"),
    },
    INSTANCE: {
        STATE: _raw("State", "Name"),
        PUBLIC_IP: _raw("PublicIpAddress"),
        "private_ip": _raw("PrivateIpAddress"),
        ROLE: _raw("IamInstanceProfile", "Arn"),
        "instance_type": _raw("InstanceType"),
        "launched": _raw("LaunchTime"),
        "imds_tokens": _raw("MetadataOptions", "HttpTokens"),
        "imds_endpoint": _raw("MetadataOptions", "HttpEndpoint"),
        SECURITY_GROUPS: _raw_ids("SecurityGroups", "GroupId"),
    },
    VOLUME: {
        STATE: _raw("State"),
        "encrypted": _raw_bool("Encrypted"),
        KMS_KEY: _raw("KmsKeyId"),
        "size_gib": _raw("Size"),
        "volume_type": _raw("VolumeType"),
    },
    ELASTIC_IP: {
        PUBLIC_IP: _raw("PublicIp"),
        "network_interface_id": _raw("NetworkInterfaceId"),
        "instance_id": _raw("InstanceId"),
        "private_ip": _raw("PrivateIpAddress"),
        "associated": lambda a: bool(
            a.get("AssociationId") or a.get("InstanceId") or a.get("NetworkInterfaceId")
        ),
    },
    NETWORK_INTERFACE: {
        PUBLIC_IP: _raw("Association", "PublicIp"),
        "interface_type": _raw("InterfaceType"),
        "requester_managed": _raw_bool("RequesterManaged"),
        SECURITY_GROUPS: _raw_ids("Groups", "GroupId"),
        "description": _raw("Description"),
        "requester_id": _raw("RequesterId"),
        "private_ip": _raw("PrivateIpAddress"),
        "private_ips": lambda a: _raw_eni_addresses(a)[0],
        "public_ips": lambda a: _raw_eni_addresses(a)[1],
        "ipv6_addresses": _raw_ids("Ipv6Addresses", "Ipv6Address"),
    },
    LOAD_BALANCER: {
        "scheme": _raw("Scheme"),
        SUBNETS: lambda a: (
            _raw_ids("AvailabilityZones", "SubnetId")(a)
            or [str(s) for s in a.get("Subnets") or [] if isinstance(s, str)]
        ),
    },
    DATABASE: {
        SUBNETS: lambda a: _raw_ids("Subnets", "SubnetIdentifier")(a.get("DBSubnetGroup") or {}),
        "status": _raw("DBInstanceStatus"),
        "publicly_accessible": _raw_bool("PubliclyAccessible"),
        "engine": _raw("Engine"),
        "cluster_id": _raw("DBClusterIdentifier"),
    },
    ALARM: {"namespace": _raw("Namespace"), "metric_name": _raw("MetricName")},
    DYNAMODB_TABLE: {"status": _raw("TableStatus")},
    USER: {"permissions_boundary": _raw_boundary},
    IAM_ROLE: {"path": _raw("Path"), "permissions_boundary": _raw_boundary},
    FUNCTION: {
        "runtime": _raw("Runtime"),
        ROLE: _raw("Role"),
        STATE: _raw("State"),
        "timeout": _raw("Timeout"),
        SUBNETS: lambda a: [str(s) for s in dig(a, ("VpcConfig", "SubnetIds")) or []],
        SECURITY_GROUPS: lambda a: [
            str(g) for g in dig(a, ("VpcConfig", "SecurityGroupIds")) or []
        ],
    },
}


def complete(resource: Resource) -> Resource:
    """Fill the normalised fields a resource lacks from its raw API fields (older snapshots).

    A field the resource has is never touched; a field whose raw source is absent too is left
    out rather than invented (so a completed resource may still lack some of LEGACY's names:
    completing it again changes nothing). Returns the same resource."""
    if resource.type in LEGACY:
        complete_attributes(resource.type, resource.attributes)
    return resource


def complete_attributes(resource_type: str, attrs: dict[str, Any]) -> dict[str, Any]:
    """complete() on the attributes of a resource of this type, in place; returns them."""
    legacy = LEGACY.get(resource_type)
    if legacy:
        for name, rule in legacy.items():
            if name not in attrs:
                value = rule(attrs)
                if value is not None:
                    attrs[name] = value
    return attrs


# A generic resource from the catch-all (scan/collectors/tagged.py): a tagged resource of a type
# no collector covers, so it has no record; the tree groups these under "Other (tagged)".
CATCH_ALL = "catch_all"


def is_catch_all(resource: Resource) -> bool:
    """Read without keeping: a resource read lazily whose line cannot hold the key is not
    parsed at all (Resource.may_hold)."""
    return resource.may_hold(CATCH_ALL) and resource.peek_attributes().get(CATCH_ALL) is True


def schema_problems(resource: Resource) -> list[str]:
    """What in a resource's attributes does not match its record (empty when it does). A
    catch-all resource has no record, and must not be of a type that has one."""
    kind = REGISTRY.get(resource.type)
    if is_catch_all(resource):
        return [] if kind is None else [f"{resource.type} has a record but came as catch-all"]
    if kind is None:
        return [f"{resource.type} has no record in model/kinds.py"]
    problems = []
    for name, allowed in kind.fields.items():
        if name not in resource.attributes:
            problems.append(f"{resource.type} {resource.id}: no {name!r}")
            continue
        value = resource.attributes[name]
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            problems.append(
                f"{resource.type} {resource.id}: {name!r} is {type(value).__name__}, "
                f"not {' or '.join(t.__name__ for t in allowed)}"
            )
    return problems
