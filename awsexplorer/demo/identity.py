"""IAM of the demo account: groups, users, roles, the password policy and the alias.

Activity dates (last login, key use, role use) cannot be set through the API; activity.py sets
them on moto's backends after this has run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from awsexplorer.demo._aws import Aws, tag_list, tags
from awsexplorer.demo.storage import ASSETS_BUCKET

ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
ACCOUNT_ALIAS = "acme-demo"

ADMINS_GROUP = "admins"
DEVELOPERS_GROUP = "developers"

ENGINEER_WITH_MFA = "alice"
CONSOLE_USER_WITHOUT_MFA = "bob"
DEPLOY_USER = "ci-deploy"
LEGACY_USER = "legacy-reporting"

LAMBDA_ROLE = "orders-api-lambda"
ASSETS_READER_ROLE = "app-assets-reader"
WILDCARD_ROLE = "data-pipeline"
UNUSED_ROLE = "old-migration"


@dataclass
class Identity:
    """What other areas need from IAM (role ARNs, instance profiles), and the key ids."""

    role_arns: dict[str, str] = field(default_factory=dict)
    instance_profiles: dict[str, str] = field(default_factory=dict)  # name -> ARN
    access_keys: dict[str, str] = field(default_factory=dict)  # user -> access key id


def _document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(actions: str | list[str], resources: str | list[str]) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def _trust(service: str | None = None, account_id: str | None = None) -> str:
    principal = {"Service": service} if service else {"AWS": f"arn:aws:iam::{account_id}:root"}
    return _document({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})


def _groups(iam: Any, account_id: str) -> None:
    iam.create_group(GroupName=ADMINS_GROUP)
    try:
        iam.attach_group_policy(GroupName=ADMINS_GROUP, PolicyArn=ADMIN_POLICY_ARN)
    except iam.exceptions.NoSuchEntityException:
        # moto loads AWS managed policies only on request (MOTO_IAM_LOAD_MANAGED_POLICIES);
        # the same grant as an inline policy is what the admin check must find anyway.
        iam.put_group_policy(
            GroupName=ADMINS_GROUP,
            PolicyName="AdministratorAccess",
            PolicyDocument=_document(_allow("*", "*")),
        )
    # Look-alike of the admin group: read-only on what developers need to see.
    iam.create_group(GroupName=DEVELOPERS_GROUP)
    iam.put_group_policy(
        GroupName=DEVELOPERS_GROUP,
        PolicyName="read-only-troubleshooting",
        PolicyDocument=_document(
            _allow(
                ["ec2:Describe*", "rds:Describe*", "logs:Get*", "logs:FilterLogEvents"],
                "*",
            )
        ),
    )


def _users(iam: Any, identity: Identity) -> None:
    # An engineer with console access and MFA, admin through the admins group.
    iam.create_user(
        UserName=ENGINEER_WITH_MFA, Tags=tag_list(tags(environment="shared", owner="alice"))
    )
    iam.create_login_profile(UserName=ENGINEER_WITH_MFA, Password="Demo-Only-Not-A-Password-1")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=ENGINEER_WITH_MFA)
    iam.enable_mfa_device(
        UserName=ENGINEER_WITH_MFA,
        SerialNumber=device["VirtualMFADevice"]["SerialNumber"],
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    iam.add_user_to_group(GroupName=ADMINS_GROUP, UserName=ENGINEER_WITH_MFA)

    # Pitfall: console password and no MFA device.
    iam.create_user(
        UserName=CONSOLE_USER_WITHOUT_MFA, Tags=tag_list(tags(environment="shared", owner="bob"))
    )
    iam.create_login_profile(
        UserName=CONSOLE_USER_WITHOUT_MFA, Password="Demo-Only-Not-A-Password-2"
    )
    iam.add_user_to_group(GroupName=DEVELOPERS_GROUP, UserName=CONSOLE_USER_WITHOUT_MFA)

    # A deploy user whose recent key is in daily use, allowed to write one bucket only.
    iam.create_user(UserName=DEPLOY_USER, Tags=tag_list(tags(environment="production")))
    iam.put_user_policy(
        UserName=DEPLOY_USER,
        PolicyName="deploy-assets",
        PolicyDocument=_document(
            _allow(["s3:PutObject", "s3:GetObject"], f"arn:aws:s3:::{ASSETS_BUCKET}/*")
        ),
    )
    key = iam.create_access_key(UserName=DEPLOY_USER)["AccessKey"]
    identity.access_keys[DEPLOY_USER] = key["AccessKeyId"]

    # Pitfall: a user whose only key was created long ago and never used.
    iam.create_user(UserName=LEGACY_USER, Tags=tag_list(tags(environment="production")))
    iam.put_user_policy(
        UserName=LEGACY_USER,
        PolicyName="read-reporting-db-exports",
        PolicyDocument=_document(_allow("s3:GetObject", "arn:aws:s3:::acme-prod-db-exports/*")),
    )
    key = iam.create_access_key(UserName=LEGACY_USER)["AccessKey"]
    identity.access_keys[LEGACY_USER] = key["AccessKeyId"]


def _role(iam: Any, identity: Identity, name: str, trust: str, policy: str, **kw: Any) -> None:
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, **kw)["Role"]
    iam.put_role_policy(RoleName=name, PolicyName=f"{name}-access", PolicyDocument=policy)
    identity.role_arns[name] = role["Arn"]


def _roles(iam: Any, identity: Identity, account_id: str) -> None:
    role_tags = tag_list(tags(environment="production"))
    _role(
        iam,
        identity,
        LAMBDA_ROLE,
        _trust("lambda.amazonaws.com"),
        _document(
            _allow(["logs:CreateLogStream", "logs:PutLogEvents"], "*"),
            _allow(
                [
                    "ec2:CreateNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DeleteNetworkInterface",
                ],
                "*",
            ),
        ),
        Tags=role_tags,
    )
    # Look-alike of the wildcard role: S3, but one bucket only.
    _role(
        iam,
        identity,
        ASSETS_READER_ROLE,
        _trust("ec2.amazonaws.com"),
        _document(
            _allow(
                ["s3:GetObject", "s3:ListBucket"],
                [f"arn:aws:s3:::{ASSETS_BUCKET}", f"arn:aws:s3:::{ASSETS_BUCKET}/*"],
            )
        ),
        Tags=role_tags,
    )
    profile = iam.create_instance_profile(InstanceProfileName=ASSETS_READER_ROLE)
    iam.add_role_to_instance_profile(
        InstanceProfileName=ASSETS_READER_ROLE, RoleName=ASSETS_READER_ROLE
    )
    identity.instance_profiles[ASSETS_READER_ROLE] = profile["InstanceProfile"]["Arn"]
    # Pitfall: the whole of S3 on every resource: the over-permissioned service role.
    _role(
        iam,
        identity,
        WILDCARD_ROLE,
        _trust("glue.amazonaws.com"),
        _document(_allow("s3:*", "*")),
        Tags=tag_list(tags(environment="production", owner="data-team")),
    )
    # Pitfall: a role for a migration finished long ago, still there, unused for 200 days.
    _role(
        iam,
        identity,
        UNUSED_ROLE,
        _trust(account_id=account_id),
        _document(_allow(["rds:*", "s3:GetObject"], "*")),
        Description="Temporary access for the 2024 database migration",
    )


def build_identity(aws: Aws, account_id: str) -> Identity:
    iam = aws("iam")
    identity = Identity()
    # Pitfall: a weak password policy (8 characters, passwords may be reused).
    iam.update_account_password_policy(
        MinimumPasswordLength=8,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
        RequireNumbers=True,
        RequireSymbols=False,
    )
    _groups(iam, account_id)
    _users(iam, identity)
    _roles(iam, identity, account_id)
    return identity


def mark_seeded(aws: Aws) -> None:
    """The account alias, set last: its presence means the seed finished."""
    aws("iam").create_account_alias(AccountAlias=ACCOUNT_ALIAS)
