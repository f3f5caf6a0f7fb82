"""Issue 13's edge and wiring mistakes, where the rest of the demo does not seed them already.

Already seeded elsewhere (and left as they are):
- cloudfront-http-allowed, waf-missing, apigw-lambda-timeout-mismatch: demo/edges.py.
- elb-http-not-redirected: `prod-orders-alb` (compute.py) listens with plain HTTP on 443 and
  forwards. Look-alike added here: `prod-web-alb`, whose HTTP listener redirects to HTTPS.
- ec2-nat-without-s3-endpoint: `prod-vpc` (network.py) sends its private subnets through
  `prod-nat-a` and has no S3 gateway endpoint. Look-alike added here: `staging-vpc`, whose
  private subnet goes through `staging-nat` with an S3 gateway endpoint on the same table.
- monitoring-no-alarm: function `thumbnail-resizer`, DB `reporting-db` and dead-letter queue
  `orders-dlq` have no alarm. Look-alikes: `orders-db` (audit.py's CPU alarm), and the
  functions given an Errors alarm here: `orders-api`, `orders-stream-sync`,
  `orders-events-archiver`.

Added here (eu-west-1 unless said):
- lambda-recursive-loop: `orders-stream-sync` is triggered by the stream of table `orders`, and
  its role `orders-stream-sync` may dynamodb:UpdateItem that same table (it marks each order
  synced: every mark is a new stream record). Look-alike: `orders-api`, triggered by
  `orders-queue`, whose role cannot send to it.
- lambda-event-source-no-failure-handling: that stream mapping has no on-failure destination
  and no retry bound. Look-alikes: `orders-queue -> orders-api` (the queue redrives to
  `orders-dlq`), and `orders-events -> orders-events-archiver` (Kinesis, 3 retries, failed
  batches to `orders-dlq`).
- ec2-nat-gateway-cost: `staging-nat` is in use, a low cost note (as `prod-nat-a` is).

Runs last: it reads the ALB subnets, the web ACL, the table, the stream and the queues the
other modules create. Names are fixed, calls in a fixed order (the demo's ids are seeded).
"""

from __future__ import annotations

import json
from typing import Any

from awsexplorer.demo._aws import PRODUCTION, STAGING, Aws, elastic_ip, tag_list, tag_spec, tags
from awsexplorer.demo.compute import _code_zip
from awsexplorer.demo.messaging import ORDERS_DLQ
from awsexplorer.demo.network import Network

ACCOUNT = "123456789012"
WORLD = "0.0.0.0/0"
ALARM_TOPIC = f"arn:aws:sns:{PRODUCTION}:{ACCOUNT}:prod-ops-alerts"
_TRUST = json.dumps(
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
)


def _https_alb(aws: Aws, network: Network) -> None:
    """Look-alike of elb-http-not-redirected (and of waf-missing): HTTP redirects to HTTPS,
    and the production web ACL protects it."""
    elbv2 = aws("elbv2", PRODUCTION)
    lb = elbv2.create_load_balancer(
        Name="prod-web-alb",
        Subnets=[network.subnets["prod-public-a"], network.subnets["prod-public-b"]],
        SecurityGroups=[network.security_groups["prod-alb-https"]],
        Scheme="internet-facing",
        Type="application",
        Tags=tag_list(tags("prod-web-alb", environment="production")),
    )["LoadBalancers"][0]
    elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
            }
        ],
    )
    waf = aws("wafv2", PRODUCTION)
    acl = next(
        a for a in waf.list_web_acls(Scope="REGIONAL")["WebACLs"] if a["Name"] == "prod-edge-waf"
    )
    waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=lb["LoadBalancerArn"])


def _role(aws: Aws, name: str, statements: list[dict[str, Any]]) -> str:
    iam = aws("iam")
    arn = iam.create_role(
        RoleName=name,
        AssumeRolePolicyDocument=_TRUST,
        Tags=tag_list(tags(environment="production")),
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=name,
        PolicyName=f"{name}-access",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    return str(arn)


def _allow(actions: list[str], resource: str | list[str]) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


def _function(aws: Aws, name: str, role: str) -> None:
    aws("lambda", PRODUCTION).create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="handler.handle",
        Code={"ZipFile": _code_zip("def handle(event, context):\n    return {'ok': True}\n")},
        Timeout=60,
        Tags=tags(environment="production"),
    )


def _stream_sync(aws: Aws) -> None:
    """Pitfalls: a function its own table's stream triggers, allowed to write to that table;
    the mapping retries a failing batch with no bound and nowhere to put it."""
    dynamodb = aws("dynamodb", PRODUCTION)
    table = dynamodb.update_table(
        TableName="orders",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    stream = str(table["LatestStreamArn"])
    role = _role(
        aws,
        "orders-stream-sync",
        [
            _allow(
                [
                    "dynamodb:DescribeStream",
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                    "dynamodb:ListStreams",
                ],
                stream,
            ),
            _allow(["dynamodb:GetItem", "dynamodb:UpdateItem"], str(table["TableArn"])),
            _allow(["logs:CreateLogStream", "logs:PutLogEvents"], "*"),
        ],
    )
    _function(aws, "orders-stream-sync", role)
    aws("lambda", PRODUCTION).create_event_source_mapping(
        EventSourceArn=stream, FunctionName="orders-stream-sync", StartingPosition="LATEST"
    )


def _events_archiver(aws: Aws) -> None:
    """Look-alike: a Kinesis source with bounded retries and failed batches kept."""
    stream = f"arn:aws:kinesis:{PRODUCTION}:{ACCOUNT}:stream/orders-events"
    dlq = f"arn:aws:sqs:{PRODUCTION}:{ACCOUNT}:{ORDERS_DLQ}"
    role = _role(
        aws,
        "orders-events-archiver",
        [
            _allow(
                [
                    "kinesis:DescribeStream",
                    "kinesis:DescribeStreamSummary",
                    "kinesis:GetRecords",
                    "kinesis:GetShardIterator",
                    "kinesis:ListShards",
                ],
                stream,
            ),
            _allow(["sqs:SendMessage"], dlq),
            _allow(["logs:CreateLogStream", "logs:PutLogEvents"], "*"),
        ],
    )
    _function(aws, "orders-events-archiver", role)
    aws("lambda", PRODUCTION).create_event_source_mapping(
        EventSourceArn=stream,
        FunctionName="orders-events-archiver",
        StartingPosition="LATEST",
        MaximumRetryAttempts=3,
        BisectBatchOnFunctionError=True,
        DestinationConfig={"OnFailure": {"Destination": dlq}},
    )


def _alarms(aws: Aws) -> None:
    """Look-alikes of monitoring-no-alarm: the functions whose errors someone is told about."""
    cloudwatch = aws("cloudwatch", PRODUCTION)
    for function in ("orders-api", "orders-stream-sync", "orders-events-archiver"):
        cloudwatch.put_metric_alarm(
            AlarmName=f"{function}-errors",
            Namespace="AWS/Lambda",
            MetricName="Errors",
            Dimensions=[{"Name": "FunctionName", "Value": function}],
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1.0,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            AlarmActions=[ALARM_TOPIC],
        )


def _staging_nat_with_s3_endpoint(aws: Aws, network: Network) -> None:
    """Look-alike of ec2-nat-without-s3-endpoint: the private subnet goes out through a NAT
    gateway, S3 through the (free) gateway endpoint on the same route table."""
    ec2 = aws("ec2", STAGING)
    env = "staging"
    vpc_id = network.vpcs["staging-vpc"]
    allocation = elastic_ip(ec2, "staging-nat-eip", env, "203.0.113.40")
    nat_id = ec2.create_nat_gateway(
        SubnetId=network.subnets["staging-public-a"],
        AllocationId=allocation,
        TagSpecifications=tag_spec("natgateway", tags("staging-nat", environment=env)),
    )["NatGateway"]["NatGatewayId"]
    table = ec2.create_route_table(
        VpcId=vpc_id,
        TagSpecifications=tag_spec("route-table", tags("staging-private-rt", environment=env)),
    )["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock=WORLD, NatGatewayId=nat_id)
    ec2.associate_route_table(RouteTableId=table, SubnetId=network.subnets["staging-private-b"])
    ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        VpcEndpointType="Gateway",
        ServiceName=f"com.amazonaws.{STAGING}.s3",
        RouteTableIds=[table],
        TagSpecifications=tag_spec("vpc-endpoint", tags("staging-s3", environment=env)),
    )


def build_mistakes_edges(aws: Aws, network: Network) -> None:
    """Last in the seed: it reads what compute, data, messaging, edges and data_plane made."""
    _https_alb(aws, network)
    _stream_sync(aws)
    _events_archiver(aws)
    _alarms(aws)
    _staging_nat_with_s3_endpoint(aws, network)
