"""The demo end to end: the scanner and `awsexplorer scan --demo` find what the demo seeds.

SEEDED is the demo account as awsexplorer/demo/ builds it, region by region: the resources the
seed creates (not the AWS defaults moto adds everywhere: subnets, ACLs, route tables...). Every
other region holds AWS defaults only.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from awsexplorer import snapshot
from awsexplorer.cli import main
from awsexplorer.demo import demo_config
from awsexplorer.demo._aws import DEMO_REGIONS, FAR_AWAY, PRODUCTION, SHARED, STAGING
from awsexplorer.model import GLOBAL_REGION, ScanResult
from awsexplorer.scan.runner import scan

SEEDED: dict[str, dict[str, int]] = {
    PRODUCTION: {
        "ec2:vpc": 2,  # the default one and prod
        # guardrails and spend (demo/operations.py)
        "guardduty:detector": 1,
        "config:configuration-recorder": 1,
        "access-analyzer:analyzer": 1,
        "ce:region-spend": 1,
        "ssm:managed-instance": 5,  # every running instance but prod-bastion
        "ec2:prefix-list": 1,  # office-networks
        "ec2:vpc-flow-log": 1,  # prod-vpc's, to S3
        # bastion, app a and b; prod-shop-web, prod-ops-jump, prod-metrics (demo/exposure.py)
        "ec2:instance": 6,
        "ec2:volume": 8,  # their roots, prod-app-a-data, the spare old-reporting-data
        "ec2:elastic-ip": 3,
        "ec2:natgateway": 1,
        "elasticloadbalancing:loadbalancer": 2,  # prod-orders-alb, prod-web-alb
        "rds:db": 2,
        # + orders-stream-sync, orders-events-archiver (mistakes_edges); order-events-handler,
        # invoice-mailer (demo/integration.py)
        "lambda:function": 6,
        "sqs:queue": 4,  # + invoice-requests (the orders-integration stack's)
        "sns:topic": 2,
        "dynamodb:table": 1,
        "s3:bucket": 4,  # + acme-prod-trail-logs (mistakes_policies)
        "cloudtrail:trail": 1,  # prod-data-events (mistakes_policies)
        # orders-db-cpu-high, three functions' Errors (mistakes_edges), two (demo/integration.py)
        "cloudwatch:alarm": 6,
        "apigateway:restapi": 1,  # orders-public-api
        "wafv2:webacl": 1,  # prod-edge-waf
        "acm:certificate": 1,
        # containers and compute (demo/containers.py)
        "ecs:cluster": 1,  # prod-orders
        "ecs:service": 2,  # orders-api, orders-worker
        "ecs:task-definition": 2,
        "ecr:repository": 2,  # orders-api, legacy-tools
        "autoscaling:autoScalingGroup": 1,  # prod-app-asg, scaled to zero
        "ec2:launch-template": 1,
        "elasticloadbalancing:targetgroup": 1,  # prod-orders-app
        # orders-queue -> orders-api; orders stream -> orders-stream-sync, orders-events ->
        # orders-events-archiver (mistakes_edges)
        "lambda:event-source-mapping": 3,
        # network and data (demo/data_plane.py)
        "ec2:snapshot": 3,  # nightly, old-reporting-data-final (public), the golden AMI's
        "ec2:image": 1,  # orders-app-golden
        "rds:cluster": 1,  # orders-aurora
        "rds:snapshot": 4,  # the two DBs' automated ones, before-upgrade, export (public)
        "rds:cluster-snapshot": 2,  # automated, pre-migration
        "elasticache:replicationgroup": 1,  # orders-sessions
        "elasticache:cluster": 1,  # reporting-cache (moto lists no member of a group)
        "elasticfilesystem:file-system": 1,  # orders-shared-files
        "kinesis:stream": 1,  # orders-events
        "firehose:deliverystream": 1,  # orders-events-archive
        "es:domain": 1,  # orders-search, in prod-vpc
        "kms:key": 4,  # orders-data, reporting, and moto's aws/ebs and aws/dynamodb
        "secretsmanager:secret": 2,  # prod/orders-db, prod/partner-api-key
        # integration and operations (demo/integration.py)
        "states:stateMachine": 2,  # order-fulfilment, refund-flow
        "events:rule": 2,  # order-placed, invoice-due
        "events:event-bus": 1,  # partner-events (the default bus is AWS's own: not listed)
        "sns:subscription": 2,  # orders-events -> orders-queue, -> order-events-handler
        "logs:log-group": 2,  # /aws/lambda/order-events-handler, /aws/lambda/invoice-mailer
        "cloudformation:stack": 1,  # orders-integration
    },
    SHARED: {
        "ec2:vpc": 2,
        "ec2:instance": 1,
        # guardrails and spend (demo/operations.py)
        "guardduty:detector": 1,
        "config:configuration-recorder": 1,
        "access-analyzer:analyzer": 1,
        "ce:region-spend": 1,
        "ssm:managed-instance": 1,  # shared-ci-runner
        "ec2:vpc-flow-log": 1,  # shared-vpc's, to S3
        "ec2:volume": 1,
        "s3:bucket": 2,
        "sns:topic": 1,
        "cloudtrail:trail": 1,
        "cloudwatch:alarm": 1,
        "ec2:transit-gateway": 1,  # shared-tgw
        # shared-vpc's, and the VPN's (moto lists it with the VPC attachments; AWS would not)
        "ec2:transit-gateway-attachment": 2,
        "ec2:vpn-connection": 1,  # office-vpn
        "ec2:customer-gateway": 1,  # office-router
        "redshift:cluster": 1,  # finance-warehouse
        "kms:key": 1,  # moto's aws/ebs
        # billing-api-internal (classic) and its two imported certificates (mistakes_policies)
        "elasticloadbalancing:loadbalancer": 1,
        "acm:certificate": 2,
    },
    STAGING: {
        "ec2:vpc": 2,
        "ec2:instance": 1,
        # guardrails and spend (off records; a recorder never started)
        "guardduty:detector": 1,
        "config:configuration-recorder": 1,
        "access-analyzer:analyzer": 1,
        "ce:region-spend": 1,
        "ssm:managed-instance": 1,  # staging-app
        "ec2:volume": 1,
        "s3:bucket": 1,
        "apigateway:api": 1,  # staging-webhooks
        "eks:cluster": 1,  # staging-eks, endpoint open to the internet
        "eks:nodegroup": 1,
        "ec2:image": 1,  # staging-web-image, public
        "ec2:snapshot": 1,  # its snapshot
        "es:domain": 1,  # staging-search, public endpoint
        "kms:key": 1,  # moto's aws/ebs
        # staging-nat (its Elastic IP) and the S3 gateway endpoint (demo/mistakes_edges.py)
        "ec2:natgateway": 1,
        "ec2:elastic-ip": 1,
        "ec2:vpc-endpoint": 1,
    },
    FAR_AWAY: {
        "ec2:vpc": 1,
        "ec2:instance": 1,  # the stray, in the default VPC
        # guardrails and spend (all three off)
        "guardduty:detector": 1,
        "config:configuration-recorder": 1,
        "access-analyzer:analyzer": 1,
        "ce:region-spend": 1,
        "ec2:volume": 1,
        "acm:certificate": 1,  # promo, requested and forgotten
        # the forgotten load test: its cluster, service and task definition
        "ecs:cluster": 1,
        "ecs:service": 1,
        "ecs:task-definition": 1,
        # and the data it left behind
        "redshift:cluster": 1,  # load-test-warehouse, public and unencrypted
        "kinesis:stream": 1,  # load-test-events
        "secretsmanager:secret": 1,  # load-test/api-token
        "states:stateMachine": 1,  # load-test-orchestrator, started by load-test-nightly
        "events:rule": 1,
        "logs:log-group": 1,  # /aws/lambda/load-test-runner, kept forever
    },
    GLOBAL_REGION: {
        "budgets:budget": 1,  # monthly-aws-spend (demo/operations.py)
        "iam:user": 4,
        "iam:role": 6,  # + orders-stream-sync, orders-events-archiver (mistakes_edges)
        "iam:group": 2,
        "iam:root": 1,
        "cloudfront:distribution": 2,
        "wafv2:webacl": 1,  # cdn-waf, CloudFront scope
        "route53:hostedzone": 2,
    },
}
SEEDED_TYPES = {t for counts in SEEDED.values() for t in counts}
# What moto (like AWS) puts in every region of an account.
AWS_DEFAULT_TYPES = {
    "ec2:vpc",
    "ec2:subnet",
    "ec2:internet-gateway",
    "ec2:network-acl",
    "ec2:route-table",
    "ec2:security-group",
    "ec2:ebs-defaults",
    # a guardrail recorded off, and (the demo scans with --cost) a region's zero spend
    "guardduty:detector",
    "config:configuration-recorder",
    "access-analyzer:analyzer",
    "ce:region-spend",
}


def seeded_counts(result: ScanResult, region: str) -> dict[str, int]:
    counts = Counter(r.type for r in result.resources if r.region == region)
    return {t: n for t, n in counts.items() if t in SEEDED_TYPES}


def assert_holds_the_demo(result: ScanResult, regions: tuple[str, ...]) -> None:
    for region in (*regions, GLOBAL_REGION):
        assert seeded_counts(result, region) == SEEDED[region], region
    names = {
        region: {
            r.name for r in result.resources if r.region == region and r.type == "ec2:instance"
        }
        for region in regions
    }
    assert names == {
        PRODUCTION: {
            "prod-bastion",
            "prod-app-a",
            "prod-app-b",
            "prod-shop-web",
            "prod-ops-jump",
            "prod-metrics",
        },
        SHARED: {"shared-ci-runner"},
        STAGING: {"staging-app"},
        FAR_AWAY: {"load-test-tmp"},
    }
    (stray,) = (
        r for r in result.resources if r.name == "load-test-tmp" and r.type.endswith("instance")
    )
    default_vpcs = {
        r.id for r in result.resources if r.type == "ec2:vpc" and r.attributes.get("IsDefault")
    }
    assert stray.vpc_id in default_vpcs
    assert result.account.alias == "acme-demo"
    assert result.complete
    assert {r.name: r.errors for r in result.regions if r.errors} == {}


def test_full_scan_finds_what_the_demo_seeds_and_only_defaults_elsewhere() -> None:
    result = asyncio.run(scan(demo_config()))
    assert_holds_the_demo(result, DEMO_REGIONS)
    scanned = {r.name for r in result.regions}
    others = scanned - {*DEMO_REGIONS, GLOBAL_REGION}
    assert others, "the full scan covers every enabled region, not only the demo's four"
    elsewhere = {r.type for r in result.resources if r.region in others}
    assert elsewhere <= AWS_DEFAULT_TYPES, elsewhere - AWS_DEFAULT_TYPES


def test_cli_scan_demo_prints_the_per_region_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[Any]
) -> None:
    saved = tmp_path / "demo.json"
    code = main(
        [
            "scan",
            "--demo",
            "--format",
            "text",
            "--region",
            ",".join(DEMO_REGIONS),
            "--output",
            str(saved),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "HTTP/1.1" not in err  # moto's request log stays quiet
    result = snapshot.read(saved)
    assert_holds_the_demo(result, DEMO_REGIONS)
    assert f"Account {result.account.id} (acme-demo)" in out
    # One row per region (and global), with the number of resources the scan found there.
    for region in (GLOBAL_REGION, *DEMO_REGIONS):
        count = sum(1 for r in result.resources if r.region == region)
        assert re.search(rf"│ {re.escape(region)} +│ ok +│ +{count} │", out), (region, count)
    total = len(result.resources)
    assert f"{total} resources in {len(DEMO_REGIONS)} regions (and global); complete." in out
    # The stray instance's findings name it in its region.
    assert re.search(r"│ load-test-tmp +│ ap-southeast-2 +│ instance i-", out)
