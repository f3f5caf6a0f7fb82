"""Issue 19's four findings rebuilt on a moto server, each beside a clean look-alike that must
not be flagged: NotAction admin in all but name, `kms:**`, an explicit Deny over an Allow, and
the members of a Multi-AZ DB cluster; plus a permission boundary and a conditional Deny, read
end to end (IAM collector -> evaluator -> checks)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from check_fixtures import run

from awsexplorer.model import ScanResult

EU = "eu-west-1"
TRUST = json.dumps(
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


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def role_with(iam: Any, name: str, *statements: dict[str, Any]) -> None:
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName=name, PolicyName=f"{name}-policy", PolicyDocument=doc(*statements))


def seed(aws: Callable[..., Any]) -> None:
    iam = aws("iam")
    # 1. NotAction: every service but ec2 and s3, inline and managed; look-alike leaves out IAM.
    role_with(
        iam,
        "not-action-inline",
        {"Effect": "Allow", "NotAction": ["ec2:*", "s3:*"], "Resource": "*"},
    )
    managed = iam.create_policy(
        PolicyName="all-but-compute",
        PolicyDocument=doc({"Effect": "Allow", "NotAction": ["ec2:*", "s3:*"], "Resource": "*"}),
    )["Policy"]["Arn"]
    iam.create_role(RoleName="not-action-managed", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="not-action-managed", PolicyArn=managed)
    role_with(
        iam,
        "not-action-s3",
        {"Effect": "Allow", "NotAction": "s3:*", "Resource": "arn:aws:s3:::one/*"},
    )
    # 2. kms:** is kms:*; look-alike kms:Get* is not the whole service.
    role_with(iam, "kms-double-star", {"Effect": "Allow", "Action": "kms:**", "Resource": "*"})
    role_with(iam, "kms-reader", {"Effect": "Allow", "Action": "kms:Get*", "Resource": "*"})
    # 3. An explicit Deny wins; look-alike: a Deny on some keys only narrows.
    role_with(
        iam,
        "kms-denied",
        {"Effect": "Allow", "Action": "kms:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "kms:*", "Resource": "*"},
    )
    role_with(
        iam,
        "kms-mostly",
        {"Effect": "Allow", "Action": "kms:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "kms:*", "Resource": "arn:aws:kms:*:*:key/prod-*"},
    )
    # A Deny with a condition narrows, it does not cancel: still admin, "unless ...".
    role_with(
        iam,
        "admin-unless",
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
        },
    )
    # A permission boundary limits: an admin policy inside an s3-only boundary is not admin.
    boundary = iam.create_policy(
        PolicyName="only-s3",
        PolicyDocument=doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}),
    )["Policy"]["Arn"]
    iam.create_role(
        RoleName="bounded-admin", AssumeRolePolicyDocument=TRUST, PermissionsBoundary=boundary
    )
    iam.put_role_policy(
        RoleName="bounded-admin",
        PolicyName="admin",
        PolicyDocument=doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    )

    # 4. A Multi-AZ DB cluster's members; look-alike: a lone single-AZ instance.
    rds = aws("rds", EU)
    rds.create_db_cluster(
        DBClusterIdentifier="maz-cluster",
        Engine="postgres",
        DBClusterInstanceClass="db.m6gd.large",
        StorageType="io1",
        Iops=1000,
        AllocatedStorage=100,
        MasterUsername="admin1",
        MasterUserPassword="Sup3r-secret-pass",
    )
    for n, zone in enumerate(("eu-west-1a", "eu-west-1b", "eu-west-1c")):
        rds.create_db_instance(
            DBInstanceIdentifier=f"maz-member-{n}",
            DBClusterIdentifier="maz-cluster",
            DBInstanceClass="db.m6gd.large",
            Engine="postgres",
            AvailabilityZone=zone,
        )
    rds.create_db_instance(
        DBInstanceIdentifier="lonely-db",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        AllocatedStorage=20,
        MasterUsername="admin1",
        MasterUserPassword="Sup3r-secret-pass",
        MultiAZ=False,
    )


def found(check_id: str, result: ScanResult) -> dict[str, str]:
    findings, outcome = run(check_id, result)
    assert outcome.status == "evaluated", outcome
    by_arn = {r.arn: r.id for r in result.resources}
    return {by_arn[f.resource]: f.message for f in findings}


def test_issue_19_findings_on_moto(
    aws: Callable[..., Any], scan_config: Callable[..., Any], run_scan: Callable[..., Any]
) -> None:
    seed(aws)
    result, _ = run_scan(scan_config(regions=(EU,)))

    admin = found("iam-admin-access", result)
    assert "admin in all but name (every service but ec2:*, s3:*)" in admin["not-action-inline"]
    assert "via not-action-inline-policy (inline)" in admin["not-action-inline"]
    assert "via all-but-compute (attached)" in admin["not-action-managed"]
    assert admin["admin-unless"].endswith(
        "has full admin via admin-unless-policy (inline), unless Bool "
        "aws:MultiFactorAuthPresent=false (policy admin-unless-policy (inline))"
    )
    assert "bounded-admin" not in admin  # the boundary limits it to s3:GetObject
    assert "not-action-s3" not in admin

    wildcard = found("iam-service-wildcard", result)
    assert wildcard["kms-double-star"] == (
        "role kms-double-star allows kms:* (policy kms-double-star-policy) on every resource"
    )
    assert "kms-reader" not in wildcard
    assert "kms-denied" not in wildcard  # the explicit Deny wins
    assert (
        "kms:*" in wildcard["kms-mostly"]
        and "except on arn:aws:kms:*:*:key/prod-*" in (wildcard["kms-mostly"])
    )
    assert "not-action-inline" not in wildcard  # iam-admin-access's
    assert "bounded-admin" not in wildcard

    members = [r for r in result.resources if r.id.startswith("maz-member")]
    assert len(members) == 3
    # The instances themselves say MultiAZ false (the old answer flagged them); the cluster is.
    assert all(m.attributes["multi_az"] is False for m in members)
    assert all(m.attributes["cluster"]["multi_az"] is True for m in members)
    single = found("rds-single-az", result)
    assert "lonely-db" in single
    assert not [name for name in single if name.startswith("maz-member")]
