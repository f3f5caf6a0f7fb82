"""Containers and compute (issue 12) on moto: ECS, EKS, ECR, Auto Scaling, launch templates,
target groups and the load balancers' listeners, Lambda event source mappings, function URLs
and resource policies.

Every type is seeded in two regions and must be found in its own region, with its key facts,
matching its record (kinds.schema_problems == []). One seed and one scan serve the module (a scan
is slow on a busy machine); the tests read the same result.

moto 5.2.5 keeps an ECS cluster's activeServicesCount at 0 and its resource groups tagging API
does not know ECR: those two facts are not asserted here."""

from __future__ import annotations

import asyncio
import io
import json
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from awsexplorer.config import ScanConfig
from awsexplorer.model import Resource, ScanResult
from awsexplorer.model.exposure import analyse as exposure_of
from awsexplorer.model.kinds import (
    AUTOSCALING_GROUP,
    ECR_REPOSITORY,
    ECS_CLUSTER,
    ECS_SERVICE,
    ECS_TASK_DEFINITION,
    EKS_CLUSTER,
    EKS_NODEGROUP,
    EVENT_SOURCE_MAPPING,
    FUNCTION,
    LAUNCH_TEMPLATE,
    LOAD_BALANCER,
    TARGET_GROUP,
    schema_problems,
)
from awsexplorer.model.topology import enrich
from awsexplorer.scan.runner import scan

ACCOUNT = "123456789012"
WEST, EAST = "eu-west-1", "us-east-1"
REGIONS = (WEST, EAST)
NAMES = {WEST: "orders", EAST: "billing"}
TASK_ROLE = f"arn:aws:iam::{ACCOUNT}:role/orders-task"
EXECUTION_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecs-execution"
CLUSTER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/eks-cluster"
NODE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/eks-nodes"
SECRET_ARN = f"arn:aws:secretsmanager:{WEST}:{ACCOUNT}:secret:orders-db-AbCdEf"
SECRET_VALUE = "hunter2-ecs-never-shown"
REPO_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "pull", "Effect": "Allow", "Principal": "*", "Action": "ecr:*"}],
}


class Seed:
    """boto3 clients on the moto server, with the test's fixed keys."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, service: str, region: str) -> Any:
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


def _network(aws: Seed, region: str) -> dict[str, str]:
    ec2 = aws("ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=f"{region}{zone}")["Subnet"][
            "SubnetId"
        ]
        for cidr, zone in (("10.9.1.0/24", "a"), ("10.9.2.0/24", "b"))
    ]
    group = ec2.create_security_group(GroupName="svc", Description="x", VpcId=vpc)["GroupId"]
    return {"vpc": vpc, "a": subnets[0], "b": subnets[1], "sg": group}


def _seed_ecs(aws: Seed, region: str, net: dict[str, str], env: dict[str, str]) -> None:
    name = NAMES[region]
    ecs = aws("ecs", region)
    ecs.create_cluster(clusterName=f"{name}-cluster", tags=[{"key": "team", "value": name}])
    ecs.register_task_definition(
        family=f"{name}-task",
        taskRoleArn=TASK_ROLE,
        executionRoleArn=EXECUTION_ROLE,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[
            {
                "name": "app",
                "image": f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/{name}:1.0",
                "environment": [{"name": k, "value": v} for k, v in env.items()],
                "secrets": [{"name": "DB_SECRET", "valueFrom": SECRET_ARN}],
            }
        ],
    )
    ecs.create_service(
        cluster=f"{name}-cluster",
        serviceName=f"{name}-service",
        taskDefinition=f"{name}-task",
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": [net["a"]],
                "securityGroups": [net["sg"]],
                "assignPublicIp": "ENABLED",
            }
        },
        tags=[{"key": "Name", "value": f"{name}-svc-tag"}],
    )


def _seed_eks_ecr(aws: Seed, region: str, net: dict[str, str]) -> None:
    name = NAMES[region]
    eks = aws("eks", region)
    eks.create_cluster(
        name=f"{name}-eks",
        version="1.29",
        roleArn=CLUSTER_ROLE,
        resourcesVpcConfig={
            "subnetIds": [net["a"], net["b"]],
            "securityGroupIds": [net["sg"]],
            "endpointPublicAccess": True,
            "endpointPrivateAccess": False,
            "publicAccessCidrs": ["0.0.0.0/0"],
        },
        logging={"clusterLogging": [{"types": ["api", "audit"], "enabled": True}]},
        tags={"team": name},
    )
    eks.create_nodegroup(
        clusterName=f"{name}-eks",
        nodegroupName=f"{name}-nodes",
        nodeRole=NODE_ROLE,
        subnets=[net["a"]],
        instanceTypes=["m5.large"],
        scalingConfig={"minSize": 1, "maxSize": 4, "desiredSize": 2},
    )
    ecr = aws("ecr", region)
    ecr.create_repository(
        repositoryName=f"{name}/api",
        imageScanningConfiguration={"scanOnPush": region == WEST},
        imageTagMutability="IMMUTABLE" if region == WEST else "MUTABLE",
    )
    if region == WEST:
        ecr.set_repository_policy(repositoryName=f"{name}/api", policyText=json.dumps(REPO_POLICY))


def _seed_compute(aws: Seed, region: str, net: dict[str, str]) -> None:
    name = NAMES[region]
    ec2 = aws("ec2", region)
    template = ec2.create_launch_template(
        LaunchTemplateName=f"{name}-lt",
        LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.micro"},
        TagSpecifications=[
            {"ResourceType": "launch-template", "Tags": [{"Key": "team", "Value": name}]}
        ],
    )["LaunchTemplate"]
    elbv2 = aws("elbv2", region)
    lb = elbv2.create_load_balancer(
        Name=f"{name}-alb",
        Subnets=[net["a"], net["b"]],
        SecurityGroups=[net["sg"]],
        Scheme="internet-facing",
        Type="application",
    )["LoadBalancers"][0]
    group = elbv2.create_target_group(
        Name=f"{name}-tg", Protocol="HTTP", Port=8080, VpcId=net["vpc"], TargetType="instance"
    )["TargetGroups"][0]
    elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}],
    )
    aws("autoscaling", region).create_auto_scaling_group(
        AutoScalingGroupName=f"{name}-asg",
        LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"], "Version": "$Default"},
        MinSize=1,
        MaxSize=3,
        DesiredCapacity=1,
        VPCZoneIdentifier=f"{net['a']},{net['b']}",
        TargetGroupARNs=[group["TargetGroupArn"]],
        Tags=[{"Key": "team", "Value": name, "PropagateAtLaunch": True}],
    )


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


def _seed_lambda(aws: Seed, region: str) -> None:
    name = NAMES[region]
    role = f"arn:aws:iam::{ACCOUNT}:role/fn"
    fn = aws("lambda", region)
    fn.create_function(
        FunctionName=f"{name}-worker",
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": _zip()},
    )
    queue = aws("sqs", region).create_queue(QueueName=f"{name}-jobs")["QueueUrl"]
    queue_arn = aws("sqs", region).get_queue_attributes(
        QueueUrl=queue, AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    fn.create_event_source_mapping(
        EventSourceArn=queue_arn, FunctionName=f"{name}-worker", BatchSize=5
    )
    if region == WEST:
        fn.create_function_url_config(FunctionName=f"{name}-worker", AuthType="NONE")
        fn.add_permission(
            FunctionName=f"{name}-worker",
            StatementId="public-url",
            Action="lambda:InvokeFunctionUrl",
            Principal="*",
            FunctionUrlAuthType="NONE",
        )


def _seed(aws: Seed) -> None:
    aws("iam", EAST).create_role(
        RoleName="fn",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )
    for region in REGIONS:
        net = _network(aws, region)
        env = {"REGION": region}
        if region == WEST:
            env = {"LOG_LEVEL": "info", "DB_PASSWORD": SECRET_VALUE}
        _seed_ecs(aws, region, net, env)
        _seed_eks_ecr(aws, region, net)
        _seed_compute(aws, region, net)
        _seed_lambda(aws, region)


@pytest.fixture(scope="module")
def scanned(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScanResult]:
    """The module's one seed and scan, with the AWS environment scrubbed as for every test."""
    home: Path = tmp_path_factory.mktemp("aws-home")
    (home / "config").write_text("")
    with pytest.MonkeyPatch.context() as env:
        import os

        for name in [n for n in os.environ if n.startswith("AWS_")]:
            env.delenv(name)
        env.setenv("AWS_CONFIG_FILE", str(home / "config"))
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "config"))
        env.setenv("AWS_EC2_METADATA_DISABLED", "true")
        reset = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
        urllib.request.urlopen(reset, timeout=10).close()
        _seed(Seed(moto_server))
        config = ScanConfig(
            endpoint_url=moto_server,
            access_key="testing",
            secret_key="testing",
            home_region=EAST,
            max_attempts=2,
            read_timeout=20,
            regions=REGIONS,
        )
        result = asyncio.run(scan(config))
        enrich(result.resources)  # placement, as the app and the CLI see it
        yield result


def _one(result: ScanResult, rtype: str, region: str) -> Resource:
    found = [r for r in result.resources if r.type == rtype and r.region == region]
    assert len(found) == 1, (rtype, region, [r.id for r in found])
    return found[0]


MY_TYPES = (
    ECS_CLUSTER,
    ECS_SERVICE,
    ECS_TASK_DEFINITION,
    EKS_CLUSTER,
    EKS_NODEGROUP,
    ECR_REPOSITORY,
    AUTOSCALING_GROUP,
    LAUNCH_TEMPLATE,
    TARGET_GROUP,
    EVENT_SOURCE_MAPPING,
)
MY_SERVICES = {"ecs", "eks", "ecr", "autoscaling", "elbv2", "lambda", "ec2"}


@pytest.mark.moto
def test_every_type_is_found_once_in_each_region_matching_its_record(
    scanned: ScanResult,
) -> None:
    assert [p for r in scanned.resources for p in schema_problems(r)] == []
    assert [e for e in scanned.errors if e.service in MY_SERVICES] == []
    for region in REGIONS:
        for rtype in MY_TYPES:
            _one(scanned, rtype, region)


@pytest.mark.moto
def test_ecs_facts(scanned: ScanResult) -> None:
    for region, name in NAMES.items():
        cluster = _one(scanned, ECS_CLUSTER, region)
        assert cluster.id == f"{name}-cluster"
        assert cluster.tags == {"team": name}
        assert cluster.attributes["status"] == "ACTIVE"
        assert isinstance(cluster.attributes["active_services"], int)  # moto keeps 0
        service = _one(scanned, ECS_SERVICE, region)
        assert service.id == f"{name}-service"
        assert service.name == f"{name}-svc-tag"
        attrs = service.attributes
        assert attrs["launch_type"] == "FARGATE"
        assert attrs["desired_count"] == 2
        assert attrs["assign_public_ip"] is True
        assert attrs["cluster"] == cluster.arn
        assert service.subnet_id == attrs["subnet_ids"][0]
        assert service.vpc_id  # placed by topology from its subnet
        assert len(attrs["security_groups"]) == 1
        assert attrs["task_definition"].endswith(f"task-definition/{name}-task:1")
        task = _one(scanned, ECS_TASK_DEFINITION, region)
        assert task.id == f"{name}-task:1"
        assert task.attributes["family"] == f"{name}-task"
        assert task.attributes["revision"] == 1
        assert task.attributes["role"] == TASK_ROLE
        assert task.attributes["execution_role"] == EXECUTION_ROLE
        assert task.attributes["images"] == [f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/{name}:1.0"]
        assert task.attributes["secrets"] == [
            {"container": "app", "name": "DB_SECRET", "value_from": SECRET_ARN}
        ]
    west_task = _one(scanned, ECS_TASK_DEFINITION, WEST)
    assert west_task.attributes["environment"] == [
        {"container": "app", "name": "DB_PASSWORD", "looks_secret": True, "reason": "name"},
        {"container": "app", "name": "LOG_LEVEL", "looks_secret": False, "reason": None},
    ]
    # The raw container definitions keep the names, never the values.
    (container,) = west_task.attributes["containerDefinitions"]
    assert container["environment"] == [{"name": "LOG_LEVEL"}, {"name": "DB_PASSWORD"}]
    assert SECRET_VALUE not in json.dumps(west_task.attributes)


@pytest.mark.moto
def test_eks_and_ecr_facts(scanned: ScanResult) -> None:
    for region, name in NAMES.items():
        cluster = _one(scanned, EKS_CLUSTER, region)
        attrs = cluster.attributes
        assert cluster.id == f"{name}-eks"
        assert cluster.tags == {"team": name}
        assert attrs["version"] == "1.29"
        assert attrs["endpoint_public"] is True
        assert attrs["endpoint_private"] is False
        assert attrs["public_cidrs"] == ["0.0.0.0/0"]
        assert attrs["logging"] == ["api", "audit"]
        assert attrs["role"] == CLUSTER_ROLE
        assert len(attrs["subnet_ids"]) == 2
        assert attrs["security_groups"][0].startswith("sg-")
        assert cluster.vpc_id
        nodes = _one(scanned, EKS_NODEGROUP, region)
        assert nodes.id == f"{name}-nodes"
        assert nodes.attributes["cluster"] == f"{name}-eks"
        assert nodes.attributes["instance_types"] == ["m5.large"]
        assert (nodes.attributes["min_size"], nodes.attributes["max_size"]) == (1, 4)
        assert nodes.attributes["desired_capacity"] == 2
        assert nodes.attributes["role"] == NODE_ROLE
        repo = _one(scanned, ECR_REPOSITORY, region)
        assert repo.id == f"{name}/api"
        assert repo.attributes["scan_on_push"] is (region == WEST)
        assert repo.attributes["tag_immutability"] == ("IMMUTABLE" if region == WEST else "MUTABLE")
        assert repo.attributes["encryption_type"] == "AES256"
    assert _one(scanned, ECR_REPOSITORY, WEST).attributes["policy"] == REPO_POLICY
    assert _one(scanned, ECR_REPOSITORY, EAST).attributes["policy"] is None  # none: no error


@pytest.mark.moto
def test_autoscaling_launch_templates_target_groups_and_listeners(scanned: ScanResult) -> None:
    for region, name in NAMES.items():
        template = _one(scanned, LAUNCH_TEMPLATE, region)
        assert template.id.startswith("lt-")
        assert template.attributes["LaunchTemplateName"] == f"{name}-lt"
        assert template.attributes["default_version"] == 1
        group = _one(scanned, AUTOSCALING_GROUP, region)
        attrs = group.attributes
        assert group.id == f"{name}-asg"
        assert (attrs["min_size"], attrs["desired_capacity"], attrs["max_size"]) == (1, 1, 3)
        assert attrs["launch_template"]["id"] == template.id
        assert len(attrs["subnet_ids"]) == 2
        target_group = _one(scanned, TARGET_GROUP, region)
        assert attrs["target_groups"] == [target_group.arn]
        assert target_group.attributes["port"] == 8080
        assert target_group.attributes["target_type"] == "instance"
        lb = _one(scanned, LOAD_BALANCER, region)
        assert target_group.attributes["load_balancers"] == [lb.arn]
        # The group's instance, registered by Auto Scaling, with its health.
        (target,) = target_group.attributes["targets"]
        assert target["id"] == attrs["instances"][0]
        assert target["health"]
        (listener,) = lb.attributes["listeners"]
        assert listener["port"] == 80
        assert listener["protocol"] == "HTTP"
        assert listener["default_action"] == "forward"
        assert listener["target_group_arns"] == [target_group.arn]


@pytest.mark.moto
def test_the_listeners_feed_the_exposure_analysis(scanned: ScanResult) -> None:
    """Before: the collector wrote no listeners, so every load balancer got the note "its
    listeners are not in the snapshot" and no verdict."""
    exposure = exposure_of(scanned.resources)
    lb = _one(scanned, LOAD_BALANCER, WEST)
    assert "its listeners are not in the snapshot" not in exposure.notes.get(lb.arn, [])
    assert any(v.arn == lb.arn and tuple(v.ports) == (80, 80) for v in exposure.verdicts)


@pytest.mark.moto
def test_lambda_wiring_url_and_policy(scanned: ScanResult) -> None:
    for region, name in NAMES.items():
        function = next(
            r for r in scanned.resources if r.type == FUNCTION and r.id == f"{name}-worker"
        )
        mapping = _one(scanned, EVENT_SOURCE_MAPPING, region)
        queue_arn = f"arn:aws:sqs:{region}:{ACCOUNT}:{name}-jobs"
        assert mapping.attributes["source_arn"] == queue_arn
        assert mapping.attributes["function_arn"] == function.arn
        assert mapping.attributes["batch_size"] == 5
        assert mapping.attributes["links"] == [
            {"kind": "source", "arn": queue_arn},
            {"kind": "invokes", "arn": function.arn},
        ]
        assert mapping.name == f"{name}-jobs -> {name}-worker"
    west = next(r for r in scanned.resources if r.type == FUNCTION and r.region == WEST)
    east = next(r for r in scanned.resources if r.type == FUNCTION and r.region == EAST)
    assert west.attributes["url_auth_type"] == "NONE"
    (statement,) = west.attributes["policy"]["Statement"]
    assert statement["Sid"] == "public-url"
    # No URL and no policy: nothing set, and no error recorded for either.
    assert east.attributes["url_auth_type"] is None
    assert east.attributes["policy"] is None
