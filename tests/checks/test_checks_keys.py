"""Issue 13's key, secret and certificate checks (checks/keys.py), and the two "left in the
open" ones: a public EKS API endpoint and a credential in an ECS task's plain environment.

Seeded on a moto server, each beside a clean look-alike that must NOT be flagged, scanned by the
real collectors, then judged. Where moto lacks the data (Secrets Manager's LastAccessedDate,
which moto never returns; an already-expired certificate, which moto refuses to import) the
test says so and either judges the moto scan at a later moment (the check reads the scan time)
or uses a literal fixture.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from check_fixtures import days_ago, error, resource, run, scan
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from awsexplorer.config import Settings
from awsexplorer.model import ScanResult, Severity, kinds
from awsexplorer.model.activity import parse_time

EU = "eu-west-1"
ACCOUNT = "123456789012"


def found(check_id: str, result: ScanResult, settings: Settings | None = None) -> dict[str, Any]:
    findings, outcome = run(check_id, result, settings)
    assert outcome.status == "evaluated", outcome
    names = {r.arn: r.name for r in result.resources}
    return {names[f.resource]: f for f in findings}


def later(result: ScanResult, days: float) -> ScanResult:
    """The same scan judged `days` after it finished (the checks read the scan time)."""
    finished = parse_time(result.finished_at)
    assert finished is not None
    moved = (finished + dt.timedelta(days=days)).isoformat()
    return ScanResult(result.account, result.started_at, moved, result.regions, result.resources)


# -- KMS and Secrets Manager --------------------------------------------------------------------


def seed_keys_and_secrets(aws: Callable[..., Any]) -> None:
    kms = aws("kms", EU)
    for alias, setup in (
        ("alias/never-rotated", None),
        ("alias/rotated", "rotate"),
        ("alias/disabled", "disable"),
    ):
        key = kms.create_key(Description=alias.removeprefix("alias/"))["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=alias, TargetKeyId=key)
        if setup == "rotate":
            kms.enable_key_rotation(KeyId=key)
        elif setup == "disable":
            kms.disable_key(KeyId=key)
    # Look-alikes that cannot rotate automatically: a signing key, imported key material.
    signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/signing", TargetKeyId=signing)
    imported = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/imported", TargetKeyId=imported)

    secrets = aws("secretsmanager", EU)
    secrets.create_secret(Name="app/not-rotated", SecretString="placeholder")
    secrets.create_secret(Name="app/rotated", SecretString="placeholder")
    # moto turns rotation on from the rules alone (AWS would also want a rotation function).
    secrets.rotate_secret(SecretId="app/rotated", RotationRules={"AutomaticallyAfterDays": 30})


def test_keys_and_secrets_on_moto(
    aws: Callable[..., Any], scan_config: Callable[..., Any], run_scan: Callable[..., Any]
) -> None:
    seed_keys_and_secrets(aws)
    result, _ = run_scan(scan_config(regions=(EU,)))

    keys = found("kms-key-rotation-disabled", result)
    assert list(keys) == ["alias/never-rotated"]
    finding = keys["alias/never-rotated"]
    key_id = finding.resource.rsplit("/", 1)[-1]
    assert finding.message == (
        f"KMS key {key_id} (alias/never-rotated: never-rotated) has automatic key rotation off"
    )
    assert f"`aws kms enable-key-rotation --key-id {key_id} --region eu-west-1`" in (
        finding.remediation
    )

    rotation = found("secret-rotation-disabled", result)
    assert list(rotation) == ["app/not-rotated"]
    assert rotation["app/not-rotated"].message.startswith(
        "secret app/not-rotated has rotation off (value last changed 20"
    )

    # secret-unused: moto never returns LastAccessedDate, so both secrets were never read;
    # judged at the scan they are too new, 100 days later they are stale (stale_days 90).
    assert found("secret-unused", result) == {}
    stale = found("secret-unused", later(result, 100))
    assert sorted(stale) == ["app/not-rotated", "app/rotated"]
    assert "has never been accessed since it was created on " in stale["app/rotated"].message
    assert stale["app/rotated"].message.endswith(", 100 days ago (stale after 90 days)")
    # The user's stale_days decides: with 200 days neither is stale yet.
    assert found("secret-unused", later(result, 100), Settings(stale_days=200)) == {}


def test_secret_last_access_decides() -> None:
    """Literal fixture: moto never returns LastAccessedDate (the real API does, to the day)."""
    result = scan(
        resource(kinds.SECRET, "read-long-ago", created=days_ago(400), last_accessed=days_ago(120)),
        resource(kinds.SECRET, "read-last-week", created=days_ago(400), last_accessed=days_ago(7)),
        resource(kinds.SECRET, "new-never-read", created=days_ago(10), last_accessed=None),
        resource(kinds.SECRET, "old-never-read", created=days_ago(300), last_accessed=None),
    )
    stale = {f.resource.rsplit("/", 1)[-1]: f.message for f in run("secret-unused", result)[0]}
    assert sorted(stale) == ["old-never-read", "read-long-ago"]
    assert stale["read-long-ago"] == (
        "secret read-long-ago was last accessed on 2026-02-01, 120 days ago (stale after 90 days)"
    )
    unread = scan(resource(kinds.SECRET, "s1", created=None, last_accessed=None))
    findings, outcome = run("secret-unused", unread)
    assert findings == [] and outcome.status == "not-evaluated"
    assert "s1: neither its last access nor its creation date was read" in str(outcome.reason)


# -- ACM ----------------------------------------------------------------------------------------


def certificate(domain: str, days: int) -> tuple[bytes, bytes]:
    """A self-signed certificate valid from an hour ago for `days` days, and its key (PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem_key = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), pem_key


def test_acm_certificate_expiring_on_moto(
    aws: Callable[..., Any], scan_config: Callable[..., Any], run_scan: Callable[..., Any]
) -> None:
    acm = aws("acm", EU)
    arns = {}
    for domain, days in (
        ("soon.example.test", 20),  # in use, expires in 20 days
        ("later.example.test", 200),  # look-alike: in use, 200 days left
        ("unused.example.test", 20),  # look-alike: expires soon, nothing uses it
    ):
        cert, key = certificate(domain, days)
        arns[domain] = acm.import_certificate(Certificate=cert, PrivateKey=key)["CertificateArn"]
    # A classic load balancer's HTTPS listener is what moto records as a certificate's user.
    elb = aws("elb", EU)
    for domain in ("soon.example.test", "later.example.test"):
        elb.create_load_balancer(
            LoadBalancerName=domain.split(".")[0] + "-elb",
            Listeners=[
                {
                    "Protocol": "HTTPS",
                    "LoadBalancerPort": 443,
                    "InstanceProtocol": "HTTP",
                    "InstancePort": 80,
                    "SSLCertificateId": arns[domain],
                }
            ],
            AvailabilityZones=[f"{EU}a"],
        )
    result, _ = run_scan(scan_config(regions=(EU,)))

    expiring = found("acm-certificate-expiring", result)
    assert list(expiring) == ["soon.example.test"]
    finding = expiring["soon.example.test"]
    assert finding.severity is Severity.HIGH
    assert "certificate soon.example.test (imported) expires on " in finding.message
    assert ", in 19 days, and is used by " in finding.message
    assert "soon-elb" in finding.message
    assert f"--certificate-arn {arns['soon.example.test']} " in finding.remediation

    # moto refuses to import an expired certificate: the same scan judged 25 days later.
    expired = found("acm-certificate-expiring", later(result, 25))
    assert list(expired) == ["soon.example.test"]
    assert expired["soon.example.test"].severity is Severity.CRITICAL
    assert "expired on " in expired["soon.example.test"].message
    assert ", 5 days ago, and is still used by " in expired["soon.example.test"].message


def test_acm_unread_detail_is_not_evaluated() -> None:
    cert = resource(kinds.CERTIFICATE, "c1", detail_unknown=True, in_use_by=[], not_after=None)
    failed = scan(cert, errors=(error(EU, "acm", "DescribeCertificate"),))
    findings, outcome = run("acm-certificate-expiring", failed)
    assert findings == [] and outcome.status == "not-evaluated"
    assert "c1: DescribeCertificate not read" in str(outcome.reason)


# -- EKS and ECS --------------------------------------------------------------------------------


def test_eks_and_ecs_on_moto(
    aws: Callable[..., Any], scan_config: Callable[..., Any], run_scan: Callable[..., Any]
) -> None:
    ec2 = aws("ec2", EU)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24", AvailabilityZone=f"{EU}{z}")[
            "Subnet"
        ]["SubnetId"]
        for n, z in ((1, "a"), (2, "b"))
    ]
    eks = aws("eks", EU)
    for name, config in (
        ("open-eks", {"endpointPublicAccess": True, "endpointPrivateAccess": False}),
        (
            "office-eks",  # look-alike: public, but only from the office range
            {"endpointPublicAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]},
        ),
        ("private-eks", {"endpointPublicAccess": False, "endpointPrivateAccess": True}),
    ):
        eks.create_cluster(
            name=name,
            roleArn=f"arn:aws:iam::{ACCOUNT}:role/eks",
            resourcesVpcConfig={"subnetIds": subnets, **config},
        )
    ecs = aws("ecs", EU)
    for family, container in (
        (
            "api",
            {
                "environment": [
                    {"name": "DB_HOST", "value": "db.internal"},
                    {"name": "DB_PASSWORD", "value": "plain-text-not-real"},
                    {"name": "STRIPE_API_KEY", "value": "not-a-real-key"},
                ]
            },
        ),
        (
            "worker",  # look-alike: the password from Secrets Manager, its ARN by reference
            {
                "environment": [
                    {
                        "name": "DB_PASSWORD_SECRET_ARN",
                        "value": f"arn:aws:secretsmanager:{EU}:{ACCOUNT}:secret:db",
                    },
                    {"name": "LOG_LEVEL", "value": "info"},
                ],
                "secrets": [
                    {
                        "name": "DB_PASSWORD",
                        "valueFrom": f"arn:aws:secretsmanager:{EU}:{ACCOUNT}:secret:db",
                    }
                ],
            },
        ),
    ):
        ecs.register_task_definition(
            family=family,
            containerDefinitions=[{"name": "app", "image": "app:1", "memory": 256, **container}],
        )
    result, _ = run_scan(scan_config(regions=(EU,)))

    endpoints = found("eks-endpoint-public", result)
    assert list(endpoints) == ["open-eks"]
    assert endpoints["open-eks"].message == (
        "EKS cluster open-eks's API endpoint is public to 0.0.0.0/0, and private access is off"
    )
    assert "`aws eks update-cluster-config --name open-eks " in endpoints["open-eks"].remediation

    plain = found("ecs-task-env-plaintext-secret", result)
    assert list(plain) == ["api:1"]
    assert plain["api:1"].message == (
        "task definition api:1 passes credential-like variable(s) DB_PASSWORD (container app), "
        "STRIPE_API_KEY (container app) as plain environment instead of secrets"
    )
    # The values never reached the scan.
    definition = next(r for r in result.resources if r.name == "api:1")
    assert "plain-text-not-real" not in repr(definition.attributes)


def test_ecs_judges_names_only() -> None:
    """Literal fixture: a credential-looking VALUE under an innocent name is the collector's
    verdict 'value', not this check's (it judges names); an unread environment is unknown."""
    result = scan(
        resource(
            kinds.ECS_TASK_DEFINITION,
            "batch:3",
            environment=[
                {"container": "app", "name": "CONFIG", "looks_secret": True, "reason": "value"}
            ],
        ),
        resource(kinds.ECS_TASK_DEFINITION, "old:1", environment=None),
    )
    findings, outcome = run("ecs-task-env-plaintext-secret", result)
    assert findings == [] and outcome.status == "not-evaluated"
    assert "old:1: container environment not read" in str(outcome.reason)


def test_unread_rotation_and_endpoint_are_not_evaluated() -> None:
    key = resource(
        kinds.KMS_KEY_TYPE,
        "k1",
        aws_managed=False,
        key_spec="SYMMETRIC_DEFAULT",
        key_usage="ENCRYPT_DECRYPT",
        origin="AWS_KMS",
        state="Enabled",
        rotation_enabled=None,
    )
    findings, outcome = run(
        "kms-key-rotation-disabled",
        scan(key, errors=(error(EU, "kms", "GetKeyRotationStatus"),)),
    )
    assert findings == [] and outcome.status == "not-evaluated"
    assert "k1: its rotation status not read" in str(outcome.reason)
    cluster = resource(kinds.EKS_CLUSTER, "c1", endpoint_public=None)
    findings, outcome = run("eks-endpoint-public", scan(cluster))
    assert findings == [] and outcome.status == "not-evaluated"
