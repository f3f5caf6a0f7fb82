"""Seed the demo account: Acme's orders platform, in four regions, with its usual mistakes.

Regions: eu-west-1 (production), us-east-1 (shared services, billing, audit, IAM's home),
eu-central-1 (staging), ap-southeast-2 (nobody works there: a forgotten instance).

Same seed, same account: moto's ID generator is seeded before anything is created and every call
is made in a fixed order, so two fresh servers hold identical IDs. Names below are Name tags (or
the natural name: bucket, queue, function, DB, IAM principal).

Seeded pitfalls (check id -> resource), and the clean look-alike beside each:

Identity (global)
- iam-root-mfa-disabled: root (AccountMFAEnabled=0). Look-alike: root has no access keys.
- iam-user-console-no-mfa: user `bob`. Look-alike: `alice`, console with MFA.
- iam-access-key-unused, iam-access-key-not-rotated, iam-principal-unused: user
  `legacy-reporting` (only key created 400 days ago, never used). Look-alike: `ci-deploy`, key
  created 30 days ago, used 3 hours ago by s3 in eu-west-1.
- iam-principal-unused: role `old-migration` (created 420 days ago, last used 200 days ago in
  us-east-1). Look-alikes: roles used in the last day.
- iam-admin-access: group `admins` (`alice` is a member): the AWS managed AdministratorAccess,
  or, as on moto which does not load AWS managed policies by default, an inline policy of
  that name allowing * on *. Look-alike: group
  `developers` (Describe/Get only).
- iam-service-wildcard: role `data-pipeline` (s3:* on *), and role `old-migration` (rds:* on *,
  the usual "temporary" grant). Look-alike: role `app-assets-reader` (s3:GetObject/ListBucket
  on bucket `acme-prod-assets` only).
- iam-password-policy-weak: minimum length 8, no reuse prevention.
- cloudtrail-multi-region-missing: the only trail, `management-events` (us-east-1), is
  single-region (it is logging).

Network
- ec2-sg-open-admin-port: security group `prod-bastion-ssh` (tcp/22 from 0.0.0.0/0), eu-west-1.
  Look-alikes: `prod-alb-https` and `staging-web` (0.0.0.0/0 on 443 only), `prod-app` and
  `shared-ci-runner` (tcp/22 from 10.0.0.0/8 only).
- ec2-sg-open-database-port: `prod-reporting-db-public` (tcp/5432 from 0.0.0.0/0). Look-alike:
  `prod-orders-db` (5432 from the `prod-app` group only).
- ec2-vpc-cidr-small: `staging-vpc` 10.20.0.0/24, eu-central-1. Look-alike: `prod-vpc` /16.
- ec2-default-vpc-in-use: the default VPC of ap-southeast-2 (holds `load-test-tmp`). Look-alike:
  the default VPCs of every other region, empty.
- ec2-vpc-flow-logs-disabled: `staging-vpc`, and the in-use default VPC of ap-southeast-2.
  Look-alikes: `prod-vpc`, `shared-vpc` (to S3); the empty default VPCs.
- ec2-instance-imdsv1: `prod-bastion` (public, SSH open to the world) and `load-test-tmp` accept
  IMDSv1. Look-alikes: every other instance requires IMDSv2 session tokens.
- Topology: `prod-public-a`/`-b` public by explicit association to `prod-public-rt`
  (0.0.0.0/0 -> igw); `prod-private-a`/`-b` private via `prod-private-rt` (0.0.0.0/0 -> NAT
  `prod-nat-a`); `prod-spare-c` left on the main table `prod-main-rt` (local route only).
  `staging-public-a` public; `staging-private-b` and the `shared-*` subnets on their main table.

Data
- rds-publicly-accessible, rds-in-public-subnet, rds-single-az, rds-backups-disabled,
  rds-storage-unencrypted: DB `reporting-db` (subnet group `prod-public-db`). Look-alike: DB
  `orders-db`, private subnets, multi-AZ, encrypted, 7-day backups.
- s3-public-access-not-blocked: bucket `acme-staging-uploads` (eu-central-1; account-level Block
  Public Access is not set either). Look-alikes: every other bucket has all four settings.
- s3-versioning-without-lifecycle: bucket `acme-prod-db-exports`. Look-alike: `acme-prod-assets`,
  versioned with a rule expiring old versions.
- ec2-ebs-unencrypted: volume `old-reporting-data` (eu-west-1) and the root volume of
  `load-test-tmp` (ap-southeast-2). Look-alikes: every other volume is encrypted.
- ec2-ebs-encryption-by-default-off: us-east-1, eu-central-1, ap-southeast-2 (regions with
  instances or volumes). Look-alike: eu-west-1, turned on after `old-reporting-data` was made.
- lambda-env-plaintext-secret: function `orders-api` (DB_PASSWORD, no customer KMS key).
  Look-alike: `thumbnail-resizer` (BUCKET, MAX_WIDTH).
- sqs-no-dead-letter-queue: queue `email-notifications`. Look-alikes: `orders-queue` (redrives to
  `orders-dlq`) and `orders-dlq` itself (a dead-letter queue needs none).

Cost
- ec2-nat-gateway-cost: `prod-nat-a` (private subnets do route through it: a low cost note,
  as `staging-nat`'s; an idle NAT would be the medium finding).

Edges and wiring (issue 13): demo/edges.py and demo/mistakes_edges.py list theirs with their
look-alikes (HTTP allowed or not redirected, no WAF, API timeouts, recursive loops, event
sources with no failure handling, resources no alarm watches, NAT without an S3 endpoint).
- ec2-volume-unattached: volume `old-reporting-data`. Look-alike: `prod-app-a-data`, attached.
- ec2-eip-unattached: Elastic IP `prod-old-vpn-eip`. Look-alikes: `prod-bastion-eip` (on the
  bastion), `prod-nat-eip` (on the NAT gateway).
- billing-alarm-missing is not shown: the account has a budget (`monthly-aws-spend`, below).

Guardrails and spend (issue 13): demo/operations.py lists them with their look-alikes
(guardrail-off in eu-central-1 and ap-southeast-2, ec2-instance-unmanaged on `prod-bastion` and
`load-test-tmp`, budget-no-forecast-alert on `monthly-aws-spend`, region-spend-unexplained for
RDS billed in ap-southeast-2; the demo scans with --cost, its Cost Explorer being moto's).

Hygiene
- tag-missing-required: instance `load-test-tmp` and its volume (Name only), bucket
  `acme-billing-reports` (no tags). Everything else taggable carries project/environment/owner.

Also: a stray instance in a far region (`load-test-tmp`, ap-southeast-2), instances in all four
regions (`prod-bastion` with a public IP in `prod-public-a`, `prod-app-a`/`-b` private,
`shared-ci-runner`, `staging-app`), load balancer `prod-orders-alb` (internet-facing, public
subnets), DynamoDB table `orders`, SNS topics, and IAM activity dates (activity.py).
"""

from __future__ import annotations

import logging
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from awsexplorer.demo._aws import Aws, moto_setting
from awsexplorer.demo.activity import backdate_activity
from awsexplorer.demo.audit import build_audit
from awsexplorer.demo.compute import build_compute
from awsexplorer.demo.containers import build_containers
from awsexplorer.demo.data import build_data
from awsexplorer.demo.data_plane import build_data_plane
from awsexplorer.demo.edges import build_edges
from awsexplorer.demo.exposure import build_exposure
from awsexplorer.demo.identity import ACCOUNT_ALIAS, build_identity, mark_seeded
from awsexplorer.demo.integration import build_integration
from awsexplorer.demo.messaging import build_messaging
from awsexplorer.demo.mistakes_edges import build_mistakes_edges
from awsexplorer.demo.mistakes_policies import build_mistakes_policies
from awsexplorer.demo.network import build_network, create_default_vpcs
from awsexplorer.demo.operations import build_operations
from awsexplorer.demo.storage import build_storage
from awsexplorer.model.calls import ALL_CALLS

log = logging.getLogger(__name__)

DEMO_SEED = 42
# moto's default account, the one any unknown access key (such as "demo") maps to.
DEMO_ACCOUNT_ID = "123456789012"


def _seed_ids(endpoint_url: str, value: int) -> None:
    request = urllib.request.Request(f"{endpoint_url}/moto-api/seed?a={value}", method="POST")
    urllib.request.urlopen(request, timeout=30).close()


@contextmanager
def _without_moto_default_amis() -> Iterator[None]:
    """moto loads ~1,300 public AMIs into every region's EC2 backend it creates: about half
    the seed's CPU time, for images the demo never shows. Its setting is read when a backend is
    created, so it is switched off only while the seed creates the demo regions' backends.
    (The instances name an AMI id that describe_images then does not list, like a deregistered
    image in a real account.)"""
    with moto_setting("MOTO_EC2_LOAD_DEFAULT_AMIS", "false"):
        yield


def _import_service_models() -> None:
    """Import moto's model module of every service the scanner reads, before the seed.

    Some draw from moto's seeded generator when imported (EKS does, at module level). On a fresh
    server they would be imported mid-seed, on first use, and shift every later ID; on a server
    that served them before a reset they would not draw again. Imported first, they draw before
    the generator is seeded in both cases. The scan imports them all anyway."""
    try:
        from moto.backends import get_backend
    except ImportError:  # pragma: no cover - moto is what runs the demo
        return
    for client in sorted({call.client for call in ALL_CALLS}):
        try:
            get_backend(client)  # type: ignore[call-overload]
        except (ImportError, KeyError, ValueError):
            continue  # a service moto does not implement: nothing to draw


def seed(endpoint_url: str) -> None:
    """Create the demo account on an empty moto server.

    The activity dates are set on moto's backends in this process, so the server must run here
    (as demo_config's does); on a server in another process the account lacks only those dates.
    """
    started = time.perf_counter()
    _import_service_models()
    _seed_ids(endpoint_url, DEMO_SEED)
    aws = Aws(endpoint_url)
    # Order matters for the IDs, and for dependencies: buckets before flow logs and the trail,
    # roles before functions and instance profiles, subnets before everything in them.
    with _without_moto_default_amis():
        build_storage(aws, DEMO_ACCOUNT_ID)
        identity = build_identity(aws, DEMO_ACCOUNT_ID)
        create_default_vpcs(aws, DEMO_ACCOUNT_ID)
        network = build_network(aws)
        build_compute(aws, network, identity)
        build_data(aws, network)
        topics = build_messaging(aws)
        build_audit(aws, topics)
        build_edges(aws, network)  # after compute: the ALB and functions it fronts
        build_containers(aws, network, identity)
        build_data_plane(aws, network)  # last: snapshots and images of what compute built
        build_integration(aws, identity)  # issue 12: after messaging (orders-events)
        build_mistakes_policies(aws, network)  # issue 13: policies onto what the rest made
        build_mistakes_edges(aws, network)  # issue 13: after all it wires together
        build_exposure(aws, network)  # issue 16: ACLs that block, one that does not
        build_operations(aws, endpoint_url, DEMO_ACCOUNT_ID)  # last: SSM's instances
    backdate_activity(DEMO_ACCOUNT_ID)
    mark_seeded(aws)
    log.debug("demo account seeded in %.2f s", time.perf_counter() - started)


def is_seeded() -> bool:
    """Whether this process's moto backends still hold a finished demo seed."""
    from moto.iam.models import iam_backends

    return ACCOUNT_ALIAS in iam_backends[DEMO_ACCOUNT_ID]["aws"].account_aliases
