"""Containers and compute: ECS, EKS, ECR, an Auto Scaling group and its launch template, and a
Lambda event source mapping.

Pitfalls, each next to a clean look-alike:
- ECS task definition `orders-api` keeps DB_PASSWORD in plain text in its environment;
  `orders-worker` takes its password from Secrets Manager (`secrets`), nothing secret in plain.
- ECS service `load-test-runner` in the far region (ap-southeast-2), four Fargate tasks with
  public IPs in the default VPC, left running; `orders-api` in production runs in private
  subnets without public IPs.
- EKS cluster `staging-eks`: API endpoint public to 0.0.0.0/0, no control-plane logging.
- ECR repository `legacy-tools`: tags mutable, no scan on push; `orders-api` is immutable and
  scanned on push.
The Auto Scaling group `prod-app-asg` is scaled to zero (no instance is added to the demo).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from awsexplorer.demo._aws import FAR_AWAY, PRODUCTION, STAGING, Aws, moto_setting, tags
from awsexplorer.demo.identity import LAMBDA_ROLE, Identity
from awsexplorer.demo.messaging import ORDERS_QUEUE
from awsexplorer.demo.network import Network

ACCOUNT = "123456789012"


def _ecs_tags(name: str | None, environment: str) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in tags(name, environment=environment).items()]


def _task(ecs: Any, family: str, role: str | None, container: dict[str, Any], env: str) -> None:
    roles = {"taskRoleArn": role, "executionRoleArn": role} if role else {}
    ecs.register_task_definition(
        family=family,
        **roles,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "essential": True, **container}],
        tags=_ecs_tags(None, env),
    )


@contextmanager
def _tasks_running(count: int) -> Iterator[None]:
    """A service the demo creates has its tasks running, as AWS reports a steady service:
    runningCount = desiredCount, pendingCount 0, its deployment COMPLETED, and its cluster's
    runningTasksCount counting them. moto starts them all PENDING unless MOTO_ECS_SERVICE_RUNNING
    (moto's own setting, read by the server in this process when the service is created) says
    how many run; it is set only around each CreateService."""
    with moto_setting("MOTO_ECS_SERVICE_RUNNING", str(count)):
        yield


def _count_services(region: str, cluster: str) -> None:
    """moto never updates a cluster's activeServicesCount (it stays 0 whatever runs in it); AWS
    counts the cluster's ACTIVE services. The demo server runs in this process, so the count is
    set on moto's backend from moto's own services, as AWS would report it: the scanner shows
    what DescribeClusters answers and invents nothing. (A moto without these attributes keeps
    its 0: the demo is then less true, not broken.)"""
    try:
        from moto.ecs.models import ecs_backends
    except ImportError:  # pragma: no cover - moto is what runs the demo
        return
    backend = ecs_backends[ACCOUNT][region]
    found = getattr(backend, "clusters", {}).get(cluster)
    if found is None or not hasattr(found, "active_services_count"):
        return
    found.active_services_count = sum(
        1
        for service in getattr(backend, "services", {}).values()
        if getattr(service, "cluster_name", None) == cluster
        and getattr(service, "status", None) == "ACTIVE"
    )


def _service(
    ecs: Any, cluster: str, name: str, subnets: list[str], public: bool, **kw: Any
) -> None:
    with _tasks_running(kw["desiredCount"]):
        _create_service(ecs, cluster, name, subnets, public, **kw)
    _count_services(ecs.meta.region_name, cluster)


def _create_service(
    ecs: Any, cluster: str, name: str, subnets: list[str], public: bool, **kw: Any
) -> None:
    ecs.create_service(
        cluster=cluster,
        serviceName=name,
        taskDefinition=kw.pop("task"),
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": subnets,
                "securityGroups": kw.pop("groups", []),
                "assignPublicIp": "ENABLED" if public else "DISABLED",
            }
        },
        tags=_ecs_tags(None, kw.pop("environment")),
        **kw,
    )


def _production_ecs(aws: Aws, network: Network, identity: Identity) -> None:
    ecs = aws("ecs", PRODUCTION)
    env = "production"
    role = identity.role_arns[LAMBDA_ROLE]
    image = f"{ACCOUNT}.dkr.ecr.{PRODUCTION}.amazonaws.com/orders-api"
    ecs.create_cluster(clusterName="prod-orders", tags=_ecs_tags(None, env))
    # Pitfall: a database password in plain text in the container environment.
    _task(
        ecs,
        "orders-api",
        role,
        {
            "image": f"{image}:2024.11.3",
            "environment": [
                {"name": "DB_HOST", "value": "orders-db.internal"},
                {"name": "DB_PASSWORD", "value": "demo-ecs-plaintext-password-not-real"},
            ],
        },
        env,
    )
    # Look-alike: the password comes from Secrets Manager.
    _task(
        ecs,
        "orders-worker",
        role,
        {
            "image": f"{image}:2024.11.3",
            "environment": [{"name": "QUEUE", "value": ORDERS_QUEUE}],
            "secrets": [
                {
                    "name": "DB_PASSWORD",
                    "valueFrom": f"arn:aws:secretsmanager:{PRODUCTION}:{ACCOUNT}:secret:orders-db",
                }
            ],
        },
        env,
    )
    private = [network.subnets["prod-private-a"], network.subnets["prod-private-b"]]
    for name in ("orders-api", "orders-worker"):
        _service(
            ecs,
            "prod-orders",
            name,
            private,
            False,
            task=name,
            desiredCount=2,
            groups=[network.security_groups["prod-app"]],
            environment=env,
        )


def _far_away_ecs(aws: Aws) -> None:
    """Pitfall: a load test left running in the region nobody looks at."""
    ecs = aws("ecs", FAR_AWAY)
    subnets = aws("ec2", FAR_AWAY).describe_subnets(
        Filters=[{"Name": "default-for-az", "Values": ["true"]}]
    )["Subnets"]
    ecs.create_cluster(clusterName="load-test", tags=[{"key": "Name", "value": "load-test"}])
    _task(ecs, "load-test-runner", None, {"image": "locustio/locust:2.20.0"}, "test")
    _service(
        ecs,
        "load-test",
        "load-test-runner",
        [subnets[0]["SubnetId"]],
        True,
        task="load-test-runner",
        desiredCount=4,
        environment="test",
    )


def _eks(aws: Aws, network: Network, identity: Identity) -> None:
    eks = aws("eks", STAGING)
    # Pitfall: the API endpoint open to the whole internet, no control-plane logs.
    eks.create_cluster(
        name="staging-eks",
        version="1.29",
        roleArn=identity.role_arns[LAMBDA_ROLE],
        resourcesVpcConfig={
            "subnetIds": [
                network.subnets["staging-public-a"],
                network.subnets["staging-private-b"],
            ],
            "securityGroupIds": [network.security_groups["staging-web"]],
            "endpointPublicAccess": True,
            "endpointPrivateAccess": False,
            "publicAccessCidrs": ["0.0.0.0/0"],
        },
        tags=tags(environment="staging"),
    )
    eks.create_nodegroup(
        clusterName="staging-eks",
        nodegroupName="staging-general",
        nodeRole=identity.role_arns[LAMBDA_ROLE],
        subnets=[network.subnets["staging-private-b"]],
        instanceTypes=["t3.large"],
        scalingConfig={"minSize": 1, "maxSize": 3, "desiredSize": 2},
        tags=tags(environment="staging"),
    )


def _ecr(aws: Aws) -> None:
    ecr = aws("ecr", PRODUCTION)
    ecr.create_repository(
        repositoryName="orders-api",
        imageScanningConfiguration={"scanOnPush": True},
        imageTagMutability="IMMUTABLE",
        tags=[{"Key": k, "Value": v} for k, v in tags(environment="production").items()],
    )
    # Pitfall: tags can be overwritten, images are never scanned.
    ecr.create_repository(
        repositoryName="legacy-tools",
        tags=[{"Key": k, "Value": v} for k, v in tags(environment="production").items()],
    )


def _autoscaling(aws: Aws, network: Network) -> None:
    template = aws("ec2", PRODUCTION).create_launch_template(
        LaunchTemplateName="prod-app",
        LaunchTemplateData={
            "ImageId": "ami-12c6146b",
            "InstanceType": "m5.large",
            "MetadataOptions": {"HttpTokens": "required"},
        },
        TagSpecifications=[
            {
                "ResourceType": "launch-template",
                "Tags": [
                    {"Key": k, "Value": v}
                    for k, v in tags("prod-app", environment="production").items()
                ],
            }
        ],
    )["LaunchTemplate"]
    aws("autoscaling", PRODUCTION).create_auto_scaling_group(
        AutoScalingGroupName="prod-app-asg",
        LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"], "Version": "$Default"},
        MinSize=0,
        MaxSize=4,
        DesiredCapacity=0,
        VPCZoneIdentifier=f"{network.subnets['prod-private-a']},{network.subnets['prod-private-b']}",
        Tags=[
            {"Key": k, "Value": v, "PropagateAtLaunch": True}
            for k, v in tags("prod-app-asg", environment="production").items()
        ],
    )


def _event_source_mapping(aws: Aws) -> None:
    sqs = aws("sqs", PRODUCTION)
    url = sqs.get_queue_url(QueueName=ORDERS_QUEUE)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    aws("lambda", PRODUCTION).create_event_source_mapping(
        EventSourceArn=arn["QueueArn"], FunctionName="orders-api", BatchSize=10
    )


def build_containers(aws: Aws, network: Network, identity: Identity) -> None:
    _production_ecs(aws, network, identity)
    _far_away_ecs(aws)
    _eks(aws, network, identity)
    _ecr(aws)
    _autoscaling(aws, network)
    _event_source_mapping(aws)
