"""Every AWS call the scan makes, declared once.

A `Call` names one API operation three ways that must agree: the botocore client it goes
through (`elbv2`), the API's own operation name (`DescribeLoadBalancers`, what errors are
recorded under), and the IAM action that allows it (`elasticloadbalancing:DescribeLoadBalancers`,
what `awsexplorer permissions` prints). Collectors call through these objects, declare them in
`@collector(calls=[...])`, and checks name them as their inputs; tests/scan/test_declared_calls.py
proves, on moto, that every call a scan sends is declared here and by the collector that sent it.

Pure data: the checks import this module, so it must not import the SDK.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z]|[0-9]|$)|[A-Z]?[a-z]+|[0-9]+|[A-Z]+")


_PLURAL_ACRONYM = re.compile(r"[A-Z]{2,}s$")  # ListWebACLs -> list_web_acls, as botocore


def snake_case(operation: str) -> str:
    """DescribeDBInstances -> describe_db_instances: botocore's method name for an API name
    (tests check it against botocore's own mapping for every declared call)."""
    plural = _PLURAL_ACRONYM.search(operation)
    tail = [plural.group().lower()] if plural else []
    head = operation[: plural.start()] if plural else operation
    return "_".join([*(part.lower() for part in _WORD.findall(head)), *tail])


@dataclass(frozen=True, slots=True)
class Call:
    client: str  # botocore client name: "ec2", "elbv2", "resourcegroupstaggingapi"
    operation: str  # the API's operation name: "DescribeVpcs"
    action: str  # the IAM action that allows it: "ec2:DescribeVpcs"

    @property
    def method(self) -> str:
        """The client method aiobotocore calls: describe_vpcs."""
        return snake_case(self.operation)

    @property
    def key(self) -> tuple[str, str]:
        """(client, operation): how a sent call and a recorded error name it."""
        return (self.client, self.operation)

    def __str__(self) -> str:
        return f"{self.client}:{self.operation}"


def _same(client: str, operation: str) -> Call:
    """A call whose IAM action is its client's prefix and its own operation name."""
    return Call(client, operation, f"{client}:{operation}")


# -- the scanner's own calls (scan/runner.py) -------------------------------------------------
STS_GET_CALLER_IDENTITY = _same("sts", "GetCallerIdentity")
IAM_LIST_ACCOUNT_ALIASES = _same("iam", "ListAccountAliases")
EC2_DESCRIBE_REGIONS = _same("ec2", "DescribeRegions")

# -- EC2 and VPC ------------------------------------------------------------------------------
EC2_DESCRIBE_VPCS = _same("ec2", "DescribeVpcs")
EC2_DESCRIBE_FLOW_LOGS = _same("ec2", "DescribeFlowLogs")
EC2_DESCRIBE_SUBNETS = _same("ec2", "DescribeSubnets")
EC2_DESCRIBE_ROUTE_TABLES = _same("ec2", "DescribeRouteTables")
EC2_DESCRIBE_INTERNET_GATEWAYS = _same("ec2", "DescribeInternetGateways")
EC2_DESCRIBE_EGRESS_ONLY_INTERNET_GATEWAYS = _same("ec2", "DescribeEgressOnlyInternetGateways")
EC2_DESCRIBE_NAT_GATEWAYS = _same("ec2", "DescribeNatGateways")
EC2_DESCRIBE_SECURITY_GROUPS = _same("ec2", "DescribeSecurityGroups")
EC2_DESCRIBE_NETWORK_ACLS = _same("ec2", "DescribeNetworkAcls")
EC2_DESCRIBE_VPC_PEERING_CONNECTIONS = _same("ec2", "DescribeVpcPeeringConnections")
EC2_DESCRIBE_VPN_GATEWAYS = _same("ec2", "DescribeVpnGateways")
EC2_DESCRIBE_TRANSIT_GATEWAY_VPC_ATTACHMENTS = _same("ec2", "DescribeTransitGatewayVpcAttachments")
EC2_DESCRIBE_VPC_ENDPOINTS = _same("ec2", "DescribeVpcEndpoints")
EC2_DESCRIBE_INSTANCES = _same("ec2", "DescribeInstances")
EC2_DESCRIBE_VOLUMES = _same("ec2", "DescribeVolumes")
EC2_DESCRIBE_ADDRESSES = _same("ec2", "DescribeAddresses")
EC2_DESCRIBE_NETWORK_INTERFACES = _same("ec2", "DescribeNetworkInterfaces")
EC2_GET_EBS_ENCRYPTION_BY_DEFAULT = _same("ec2", "GetEbsEncryptionByDefault")

# -- load balancers: both clients answer to the elasticloadbalancing IAM prefix ----------------
ELBV2_DESCRIBE_LOAD_BALANCERS = Call(
    "elbv2", "DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers"
)
ELBV2_DESCRIBE_TAGS = Call("elbv2", "DescribeTags", "elasticloadbalancing:DescribeTags")
ELB_DESCRIBE_LOAD_BALANCERS = Call(
    "elb", "DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers"
)
ELB_DESCRIBE_TAGS = Call("elb", "DescribeTags", "elasticloadbalancing:DescribeTags")

# -- RDS, Lambda, DynamoDB, SNS, SQS, tags ------------------------------------------------------
RDS_DESCRIBE_DB_INSTANCES = _same("rds", "DescribeDBInstances")
RDS_DESCRIBE_DB_CLUSTERS = _same("rds", "DescribeDBClusters")
LAMBDA_LIST_FUNCTIONS = _same("lambda", "ListFunctions")
DYNAMODB_LIST_TABLES = _same("dynamodb", "ListTables")
DYNAMODB_DESCRIBE_TABLE = _same("dynamodb", "DescribeTable")
SNS_LIST_TOPICS = _same("sns", "ListTopics")
SNS_GET_TOPIC_ATTRIBUTES = _same("sns", "GetTopicAttributes")
SQS_LIST_QUEUES = _same("sqs", "ListQueues")
SQS_GET_QUEUE_ATTRIBUTES = _same("sqs", "GetQueueAttributes")
TAGGING_GET_RESOURCES = Call("resourcegroupstaggingapi", "GetResources", "tag:GetResources")

# -- monitoring and cost ----------------------------------------------------------------------
CLOUDTRAIL_DESCRIBE_TRAILS = _same("cloudtrail", "DescribeTrails")
CLOUDTRAIL_GET_TRAIL_STATUS = _same("cloudtrail", "GetTrailStatus")
# Not made by a scan: a resource's history (`t`, `:changes`, `awsexplorer history`).
CLOUDTRAIL_LOOKUP_EVENTS = _same("cloudtrail", "LookupEvents")
CLOUDWATCH_DESCRIBE_ALARMS = _same("cloudwatch", "DescribeAlarms")
BUDGETS_DESCRIBE_BUDGETS = Call("budgets", "DescribeBudgets", "budgets:ViewBudget")

# -- S3: several IAM actions are not named after their operation ------------------------------
S3_LIST_BUCKETS = Call("s3", "ListBuckets", "s3:ListAllMyBuckets")
S3_GET_BUCKET_LOCATION = _same("s3", "GetBucketLocation")
S3_GET_BUCKET_TAGGING = _same("s3", "GetBucketTagging")
S3_GET_PUBLIC_ACCESS_BLOCK = Call("s3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock")
S3_GET_BUCKET_VERSIONING = _same("s3", "GetBucketVersioning")
S3_GET_BUCKET_LIFECYCLE_CONFIGURATION = Call(
    "s3", "GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"
)
S3_GET_BUCKET_ENCRYPTION = Call("s3", "GetBucketEncryption", "s3:GetEncryptionConfiguration")
S3_GET_BUCKET_POLICY_STATUS = _same("s3", "GetBucketPolicyStatus")
S3_GET_BUCKET_POLICY = _same("s3", "GetBucketPolicy")
S3CONTROL_GET_PUBLIC_ACCESS_BLOCK = Call(
    "s3control", "GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock"
)

# -- IAM --------------------------------------------------------------------------------------
IAM_GET_ACCOUNT_AUTHORIZATION_DETAILS = _same("iam", "GetAccountAuthorizationDetails")
IAM_GENERATE_CREDENTIAL_REPORT = _same("iam", "GenerateCredentialReport")
IAM_GET_CREDENTIAL_REPORT = _same("iam", "GetCredentialReport")
IAM_GET_ACCOUNT_SUMMARY = _same("iam", "GetAccountSummary")
IAM_GET_ACCOUNT_PASSWORD_POLICY = _same("iam", "GetAccountPasswordPolicy")
IAM_LIST_VIRTUAL_MFA_DEVICES = _same("iam", "ListVirtualMFADevices")
IAM_LIST_ACCESS_KEYS = _same("iam", "ListAccessKeys")
IAM_GET_ACCESS_KEY_LAST_USED = _same("iam", "GetAccessKeyLastUsed")
IAM_LIST_USERS = _same("iam", "ListUsers")
IAM_GET_LOGIN_PROFILE = _same("iam", "GetLoginProfile")
IAM_LIST_MFA_DEVICES = _same("iam", "ListMFADevices")

# -- Coverage (issue 12): one section per group of services, each written on its own ----------
# -- containers and compute --
ECS_LIST_CLUSTERS = _same("ecs", "ListClusters")
ECS_DESCRIBE_CLUSTERS = _same("ecs", "DescribeClusters")
ECS_LIST_SERVICES = _same("ecs", "ListServices")
ECS_DESCRIBE_SERVICES = _same("ecs", "DescribeServices")
ECS_LIST_TASK_DEFINITION_FAMILIES = _same("ecs", "ListTaskDefinitionFamilies")
ECS_DESCRIBE_TASK_DEFINITION = _same("ecs", "DescribeTaskDefinition")
EKS_LIST_CLUSTERS = _same("eks", "ListClusters")
EKS_DESCRIBE_CLUSTER = _same("eks", "DescribeCluster")
EKS_LIST_NODEGROUPS = _same("eks", "ListNodegroups")
EKS_DESCRIBE_NODEGROUP = _same("eks", "DescribeNodegroup")
ECR_DESCRIBE_REPOSITORIES = _same("ecr", "DescribeRepositories")
ECR_GET_REPOSITORY_POLICY = _same("ecr", "GetRepositoryPolicy")
AUTOSCALING_DESCRIBE_AUTO_SCALING_GROUPS = _same("autoscaling", "DescribeAutoScalingGroups")
EC2_DESCRIBE_LAUNCH_TEMPLATES = _same("ec2", "DescribeLaunchTemplates")
ELBV2_DESCRIBE_TARGET_GROUPS = Call(
    "elbv2", "DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroups"
)
ELBV2_DESCRIBE_TARGET_HEALTH = Call(
    "elbv2", "DescribeTargetHealth", "elasticloadbalancing:DescribeTargetHealth"
)
ELBV2_DESCRIBE_LISTENERS = Call(
    "elbv2", "DescribeListeners", "elasticloadbalancing:DescribeListeners"
)
LAMBDA_LIST_EVENT_SOURCE_MAPPINGS = _same("lambda", "ListEventSourceMappings")
LAMBDA_GET_FUNCTION_URL_CONFIG = _same("lambda", "GetFunctionUrlConfig")
LAMBDA_GET_POLICY = _same("lambda", "GetPolicy")

# -- edges and APIs --
CLOUDFRONT_LIST_DISTRIBUTIONS = _same("cloudfront", "ListDistributions")
# API Gateway (REST and v2): every read is the one IAM action apigateway:GET.
APIGATEWAY_GET_REST_APIS = Call("apigateway", "GetRestApis", "apigateway:GET")
APIGATEWAY_GET_STAGES = Call("apigateway", "GetStages", "apigateway:GET")
APIGATEWAY_GET_RESOURCES = Call("apigateway", "GetResources", "apigateway:GET")
APIGATEWAYV2_GET_APIS = Call("apigatewayv2", "GetApis", "apigateway:GET")
APIGATEWAYV2_GET_STAGES = Call("apigatewayv2", "GetStages", "apigateway:GET")
APIGATEWAYV2_GET_INTEGRATIONS = Call("apigatewayv2", "GetIntegrations", "apigateway:GET")
WAFV2_LIST_WEB_ACLS = _same("wafv2", "ListWebACLs")
WAFV2_GET_WEB_ACL = _same("wafv2", "GetWebACL")
WAFV2_LIST_RESOURCES_FOR_WEB_ACL = _same("wafv2", "ListResourcesForWebACL")
WAFV2_LIST_TAGS_FOR_RESOURCE = _same("wafv2", "ListTagsForResource")
ROUTE53_LIST_HOSTED_ZONES = _same("route53", "ListHostedZones")
ROUTE53_GET_HOSTED_ZONE = _same("route53", "GetHostedZone")
ROUTE53_LIST_RESOURCE_RECORD_SETS = _same("route53", "ListResourceRecordSets")
ROUTE53_LIST_TAGS_FOR_RESOURCES = _same("route53", "ListTagsForResources")
ACM_LIST_CERTIFICATES = _same("acm", "ListCertificates")
ACM_DESCRIBE_CERTIFICATE = _same("acm", "DescribeCertificate")

# -- network and data --
EC2_DESCRIBE_TRANSIT_GATEWAYS = _same("ec2", "DescribeTransitGateways")
EC2_DESCRIBE_VPN_CONNECTIONS = _same("ec2", "DescribeVpnConnections")
EC2_DESCRIBE_CUSTOMER_GATEWAYS = _same("ec2", "DescribeCustomerGateways")
EC2_DESCRIBE_SNAPSHOTS = _same("ec2", "DescribeSnapshots")
EC2_DESCRIBE_SNAPSHOT_ATTRIBUTE = _same("ec2", "DescribeSnapshotAttribute")
EC2_DESCRIBE_IMAGES = _same("ec2", "DescribeImages")
EC2_DESCRIBE_IMAGE_ATTRIBUTE = _same("ec2", "DescribeImageAttribute")
RDS_DESCRIBE_DB_SNAPSHOTS = _same("rds", "DescribeDBSnapshots")
RDS_DESCRIBE_DB_SNAPSHOT_ATTRIBUTES = _same("rds", "DescribeDBSnapshotAttributes")
RDS_DESCRIBE_DB_CLUSTER_SNAPSHOTS = _same("rds", "DescribeDBClusterSnapshots")
RDS_DESCRIBE_DB_CLUSTER_SNAPSHOT_ATTRIBUTES = _same("rds", "DescribeDBClusterSnapshotAttributes")
ELASTICACHE_DESCRIBE_CACHE_CLUSTERS = _same("elasticache", "DescribeCacheClusters")
ELASTICACHE_DESCRIBE_REPLICATION_GROUPS = _same("elasticache", "DescribeReplicationGroups")
ELASTICACHE_DESCRIBE_CACHE_SUBNET_GROUPS = _same("elasticache", "DescribeCacheSubnetGroups")
# EFS answers to the elasticfilesystem IAM prefix.
EFS_DESCRIBE_FILE_SYSTEMS = Call(
    "efs", "DescribeFileSystems", "elasticfilesystem:DescribeFileSystems"
)
EFS_DESCRIBE_MOUNT_TARGETS = Call(
    "efs", "DescribeMountTargets", "elasticfilesystem:DescribeMountTargets"
)
EFS_DESCRIBE_MOUNT_TARGET_SECURITY_GROUPS = Call(
    "efs",
    "DescribeMountTargetSecurityGroups",
    "elasticfilesystem:DescribeMountTargetSecurityGroups",
)
KINESIS_LIST_STREAMS = _same("kinesis", "ListStreams")
KINESIS_DESCRIBE_STREAM_SUMMARY = _same("kinesis", "DescribeStreamSummary")
FIREHOSE_LIST_DELIVERY_STREAMS = _same("firehose", "ListDeliveryStreams")
FIREHOSE_DESCRIBE_DELIVERY_STREAM = _same("firehose", "DescribeDeliveryStream")
# OpenSearch (client opensearch) answers to the es IAM prefix.
OPENSEARCH_LIST_DOMAIN_NAMES = Call("opensearch", "ListDomainNames", "es:ListDomainNames")
OPENSEARCH_DESCRIBE_DOMAINS = Call("opensearch", "DescribeDomains", "es:DescribeDomains")
REDSHIFT_DESCRIBE_CLUSTERS = _same("redshift", "DescribeClusters")
REDSHIFT_DESCRIBE_CLUSTER_SUBNET_GROUPS = _same("redshift", "DescribeClusterSubnetGroups")
KMS_LIST_KEYS = _same("kms", "ListKeys")
KMS_LIST_ALIASES = _same("kms", "ListAliases")
KMS_DESCRIBE_KEY = _same("kms", "DescribeKey")
KMS_GET_KEY_ROTATION_STATUS = _same("kms", "GetKeyRotationStatus")
KMS_GET_KEY_POLICY = _same("kms", "GetKeyPolicy")
# Metadata only: never GetSecretValue (scan/guard.py refuses it).
SECRETSMANAGER_LIST_SECRETS = _same("secretsmanager", "ListSecrets")
SECRETSMANAGER_GET_RESOURCE_POLICY = _same("secretsmanager", "GetResourcePolicy")

# -- integration and operations --
SFN_LIST_STATE_MACHINES = Call("stepfunctions", "ListStateMachines", "states:ListStateMachines")
SFN_DESCRIBE_STATE_MACHINE = Call(
    "stepfunctions", "DescribeStateMachine", "states:DescribeStateMachine"
)
EVENTS_LIST_EVENT_BUSES = _same("events", "ListEventBuses")
EVENTS_LIST_RULES = _same("events", "ListRules")
EVENTS_LIST_TARGETS_BY_RULE = _same("events", "ListTargetsByRule")
SNS_LIST_SUBSCRIPTIONS = _same("sns", "ListSubscriptions")
SNS_GET_SUBSCRIPTION_ATTRIBUTES = _same("sns", "GetSubscriptionAttributes")
S3_GET_BUCKET_NOTIFICATION_CONFIGURATION = Call(
    "s3", "GetBucketNotificationConfiguration", "s3:GetBucketNotification"
)
LOGS_DESCRIBE_LOG_GROUPS = _same("logs", "DescribeLogGroups")
CLOUDFORMATION_DESCRIBE_STACKS = _same("cloudformation", "DescribeStacks")
CLOUDFORMATION_LIST_STACK_RESOURCES = _same("cloudformation", "ListStackResources")
LAMBDA_GET_FUNCTION_EVENT_INVOKE_CONFIG = _same("lambda", "GetFunctionEventInvokeConfig")

# -- guardrails and spend --
GUARDDUTY_LIST_DETECTORS = _same("guardduty", "ListDetectors")
GUARDDUTY_GET_DETECTOR = _same("guardduty", "GetDetector")
CONFIG_DESCRIBE_CONFIGURATION_RECORDERS = _same("config", "DescribeConfigurationRecorders")
CONFIG_DESCRIBE_CONFIGURATION_RECORDER_STATUS = _same(
    "config", "DescribeConfigurationRecorderStatus"
)
# IAM Access Analyzer: client accessanalyzer, IAM prefix access-analyzer.
ACCESSANALYZER_LIST_ANALYZERS = Call(
    "accessanalyzer", "ListAnalyzers", "access-analyzer:ListAnalyzers"
)
SSM_DESCRIBE_INSTANCE_INFORMATION = _same("ssm", "DescribeInstanceInformation")
EC2_DESCRIBE_MANAGED_PREFIX_LISTS = _same("ec2", "DescribeManagedPrefixLists")
EC2_GET_MANAGED_PREFIX_LIST_ENTRIES = _same("ec2", "GetManagedPrefixListEntries")
BUDGETS_DESCRIBE_NOTIFICATIONS_FOR_BUDGET = Call(
    "budgets", "DescribeNotificationsForBudget", "budgets:ViewBudget"
)
# Only with --cost: each request costs the account USD 0.01.
CE_GET_COST_AND_USAGE = _same("ce", "GetCostAndUsage")

# -- many accounts (scan/accounts.py) --
# In the management (or delegated administrator) account, with --org.
ORGANIZATIONS_LIST_ACCOUNTS = _same("organizations", "ListAccounts")
ORGANIZATIONS_LIST_PARENTS = _same("organizations", "ListParents")
ORGANIZATIONS_DESCRIBE_ORGANIZATIONAL_UNIT = _same("organizations", "DescribeOrganizationalUnit")
# The one call that is not a read: it changes nothing in the account (scan/guard.py allows it).
STS_ASSUME_ROLE = _same("sts", "AssumeRole")
# Made with --org: in the permissions too (the management account's side).
ACCOUNTS_CALLS: tuple[Call, ...] = (
    ORGANIZATIONS_LIST_ACCOUNTS,
    ORGANIZATIONS_LIST_PARENTS,
    ORGANIZATIONS_DESCRIBE_ORGANIZATIONAL_UNIT,
    STS_ASSUME_ROLE,
)

RUNNER_CALLS: tuple[Call, ...] = (
    STS_GET_CALLER_IDENTITY,
    IAM_LIST_ACCOUNT_ALIASES,
    EC2_DESCRIBE_REGIONS,
)

# Calls made on request, outside any scan (scan/history.py): in the permissions too.
ON_DEMAND_CALLS: tuple[Call, ...] = (CLOUDTRAIL_LOOKUP_EVENTS,)

ALL_CALLS: tuple[Call, ...] = tuple(v for v in list(globals().values()) if isinstance(v, Call))

BY_KEY: dict[tuple[str, str], Call] = {c.key: c for c in ALL_CALLS}
