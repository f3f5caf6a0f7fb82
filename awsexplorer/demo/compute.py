"""Instances, volumes, Elastic IPs, the load balancer and the Lambda functions."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from awsexplorer.demo._aws import (
    AMI_ID,
    FAR_AWAY,
    PRODUCTION,
    SHARED,
    STAGING,
    Aws,
    elastic_ip,
    tag_list,
    tag_spec,
    tags,
)
from awsexplorer.demo.identity import ASSETS_READER_ROLE, LAMBDA_ROLE, Identity
from awsexplorer.demo.network import Network
from awsexplorer.demo.storage import ASSETS_BUCKET


def _encrypted_root(size_gib: int = 20) -> list[dict[str, Any]]:
    return [
        {
            "DeviceName": "/dev/xvda",
            "Ebs": {"VolumeSize": size_gib, "VolumeType": "gp3", "Encrypted": True},
        }
    ]


def _instance(
    ec2: Any,
    instance_type: str,
    instance_tags: dict[str, str],
    *,
    subnet_id: str | None = None,
    group_ids: tuple[str, ...] = (),
    public_ip: bool = False,
    encrypted_root: bool = True,
    profile_arn: str | None = None,
    imdsv2: bool = True,
) -> str:
    """One instance (its Name is in its tags); without a subnet it lands in the region's
    default VPC. IMDSv2 (session tokens) is required unless `imdsv2=False`."""
    params: dict[str, Any] = {
        "ImageId": AMI_ID,
        "InstanceType": instance_type,
        "MinCount": 1,
        "MaxCount": 1,
        "TagSpecifications": [
            *tag_spec("instance", instance_tags),
            *tag_spec("volume", instance_tags),
        ],
    }
    if subnet_id:
        params["NetworkInterfaces"] = [
            {
                "DeviceIndex": 0,
                "SubnetId": subnet_id,
                "Groups": list(group_ids),
                "AssociatePublicIpAddress": public_ip,
            }
        ]
    if encrypted_root:
        params["BlockDeviceMappings"] = _encrypted_root()
    if profile_arn:
        params["IamInstanceProfile"] = {"Arn": profile_arn}
    if imdsv2:
        params["MetadataOptions"] = {"HttpTokens": "required", "HttpEndpoint": "enabled"}
    return str(ec2.run_instances(**params)["Instances"][0]["InstanceId"])


def _production_instances(aws: Aws, network: Network, identity: Identity) -> dict[str, str]:
    ec2 = aws("ec2", PRODUCTION)
    env = "production"
    sn, sg = network.subnets, network.security_groups
    profile = identity.instance_profiles[ASSETS_READER_ROLE]
    ids = {
        "prod-bastion": _instance(
            ec2,
            "t3.micro",
            tags("prod-bastion", environment=env),
            subnet_id=sn["prod-public-a"],
            group_ids=(sg["prod-bastion-ssh"],),
            public_ip=True,
            imdsv2=False,  # pitfall: IMDSv1 on the host open to the world
        ),
        "prod-app-a": _instance(
            ec2,
            "m5.large",
            tags("prod-app-a", environment=env),
            subnet_id=sn["prod-private-a"],
            group_ids=(sg["prod-app"],),
            profile_arn=profile,
        ),
        "prod-app-b": _instance(
            ec2,
            "m5.large",
            tags("prod-app-b", environment=env),
            subnet_id=sn["prod-private-b"],
            group_ids=(sg["prod-app"],),
            profile_arn=profile,
        ),
    }
    # Look-alike of the idle Elastic IP: one attached to the bastion.
    bastion_eip = elastic_ip(ec2, "prod-bastion-eip", env, "203.0.113.20")
    ec2.associate_address(AllocationId=bastion_eip, InstanceId=ids["prod-bastion"])
    # Pitfall: an Elastic IP nobody released (billed while idle).
    elastic_ip(ec2, "prod-old-vpn-eip", env, "203.0.113.30")
    # Look-alike of the idle volume: encrypted data volume, attached to prod-app-a.
    data_volume = ec2.create_volume(
        AvailabilityZone="eu-west-1a",
        Size=100,
        VolumeType="gp3",
        Encrypted=True,
        TagSpecifications=tag_spec("volume", tags("prod-app-a-data", environment=env)),
    )["VolumeId"]
    ec2.attach_volume(VolumeId=data_volume, InstanceId=ids["prod-app-a"], Device="/dev/sdf")
    # Pitfall: unencrypted, unattached, left from the old reporting server.
    ec2.create_volume(
        AvailabilityZone="eu-west-1b",
        Size=500,
        VolumeType="gp2",
        Encrypted=False,
        TagSpecifications=tag_spec("volume", tags("old-reporting-data", environment=env)),
    )
    return ids


def _other_instances(aws: Aws, network: Network) -> None:
    _instance(
        aws("ec2", SHARED),
        "t3.medium",
        tags("shared-ci-runner", environment="shared", project="ci"),
        subnet_id=network.subnets["shared-private-a"],
        group_ids=(network.security_groups["shared-ci-runner"],),
    )
    _instance(
        aws("ec2", STAGING),
        "t3.large",
        tags("staging-app", environment="staging"),
        subnet_id=network.subnets["staging-public-a"],
        group_ids=(network.security_groups["staging-web"],),
        public_ip=True,
    )
    # Pitfall: a stray instance in a region nobody looks at, in the default VPC, with the
    # default (unencrypted) root volume and a Name tag only.
    _instance(
        aws("ec2", FAR_AWAY),
        "c5.2xlarge",
        {"Name": "load-test-tmp"},
        encrypted_root=False,
        imdsv2=False,
    )


def _load_balancer(aws: Aws, network: Network, app_instances: list[str]) -> None:
    elbv2 = aws("elbv2", PRODUCTION)
    env = "production"
    lb = elbv2.create_load_balancer(
        Name="prod-orders-alb",
        Subnets=[network.subnets["prod-public-a"], network.subnets["prod-public-b"]],
        SecurityGroups=[network.security_groups["prod-alb-https"]],
        Scheme="internet-facing",
        Type="application",
        Tags=tag_list(tags("prod-orders-alb", environment=env)),
    )["LoadBalancers"][0]
    group = elbv2.create_target_group(
        Name="prod-orders-app",
        Protocol="HTTP",
        Port=8080,
        VpcId=network.vpcs["prod-vpc"],
        TargetType="instance",
        HealthCheckPath="/health",
    )["TargetGroups"][0]
    elbv2.register_targets(
        TargetGroupArn=group["TargetGroupArn"], Targets=[{"Id": i} for i in app_instances]
    )
    elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=443,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}],
    )


def _code_zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("handler.py", date_time=(2024, 1, 1, 0, 0, 0))  # same bytes
        archive.writestr(info, source)
    return buffer.getvalue()


def _functions(aws: Aws, network: Network, identity: Identity) -> None:
    lambda_ = aws("lambda", PRODUCTION)
    role_arn = identity.role_arns[LAMBDA_ROLE]
    code = {"ZipFile": _code_zip("def handle(event, context):\n    return {'ok': True}\n")}
    # Pitfall: a database password in plain text in the environment, no customer KMS key.
    lambda_.create_function(
        FunctionName="orders-api",
        Runtime="python3.12",
        Role=role_arn,
        Handler="handler.handle",
        Code=code,
        Timeout=15,
        MemorySize=512,
        VpcConfig={
            "SubnetIds": [network.subnets["prod-private-a"], network.subnets["prod-private-b"]],
            "SecurityGroupIds": [network.security_groups["prod-lambda"]],
        },
        Environment={
            "Variables": {
                "DB_HOST": "orders-db.internal",
                "DB_NAME": "orders",
                "DB_PASSWORD": "demo-plaintext-password-not-real",
                "LOG_LEVEL": "info",
            }
        },
        Tags=tags(environment="production"),
    )
    # Look-alike: configuration only, nothing secret.
    lambda_.create_function(
        FunctionName="thumbnail-resizer",
        Runtime="python3.12",
        Role=role_arn,
        Handler="handler.handle",
        Code=code,
        Environment={"Variables": {"BUCKET": ASSETS_BUCKET, "MAX_WIDTH": "1024"}},
        Tags=tags(environment="production", project="media"),
    )


def build_compute(aws: Aws, network: Network, identity: Identity) -> None:
    production = _production_instances(aws, network, identity)
    # Look-alike of "encryption by default off": production turned it on, after the old
    # reporting volume above was made (existing volumes keep their state).
    aws("ec2", PRODUCTION).enable_ebs_encryption_by_default()
    _other_instances(aws, network)
    _load_balancer(aws, network, [production["prod-app-a"], production["prod-app-b"]])
    _functions(aws, network, identity)
