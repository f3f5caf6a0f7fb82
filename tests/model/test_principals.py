"""The pure IAM helpers, on literal documents and a literal credential report."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from awsexplorer.model.policy import PolicySet, Verdict, as_list, normalise
from awsexplorer.model.principals import (
    ROOT_ROW,
    Activity,
    activity,
    admin_answer,
    boundary,
    effective_documents,
    iso_utc,
    latest,
    parse_credential_report,
    policy_document,
    policy_set,
    trusted_principals,
)


def allows_admin(document: object) -> bool:
    return PolicySet.of(document).admin().is_admin


def doc(*statements: dict[str, object]) -> dict[str, object]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}


# -- documents ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "admin"),
    [
        (doc(ALLOW_ALL), True),
        ({"Statement": ALLOW_ALL}, True),  # Statement as one object, not a list
        (doc({"Effect": "Allow", "Action": ["s3:GetObject", "*"], "Resource": ["*"]}), True),
        (doc({"Effect": "Allow", "Action": "*:*", "Resource": "*"}), True),
        (doc({"Effect": "Deny", "Action": "*", "Resource": "*"}), False),  # a Deny grants nothing
        (doc({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::logs/*"}), False),
        (doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}), False),
        (doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}), False),
        (doc({"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::x"}), False),
        (doc(), False),
        ({}, False),
    ],
)
def test_allows_admin(document: dict[str, object], admin: bool) -> None:
    assert allows_admin(document) is admin


def test_services_granted_whole_on_every_resource_only() -> None:
    document = doc(
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Allow", "Action": ["EC2:*", "s3:Get*", "iam:List*"], "Resource": "*"},
        {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:*:*:table/t"},
        {"Effect": "Allow", "Action": "kms:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "kms:*", "Resource": "*"},  # an explicit Deny wins
    )
    assert sorted(PolicySet.of(document).services_on_everything()) == ["ec2", "s3"]
    only_reads = PolicySet.of(doc({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}))
    assert only_reads.services_on_everything() == {}


def test_not_action_on_everything_is_admin_in_all_but_name_unless_it_leaves_out_iam() -> None:
    power_user = doc(
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
    )
    assert not allows_admin(power_user)
    assert len(PolicySet.of(power_user).services_on_everything()) > 300
    all_but_name = doc({"Effect": "Allow", "NotAction": ["ec2:*", "s3:*"], "Resource": "*"})
    answer = PolicySet.of(all_but_name).admin()
    assert answer.is_admin and answer.missing == ("ec2", "s3")
    assert not allows_admin(doc({"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}))


def test_documents_in_every_form_the_api_uses() -> None:
    document = doc(ALLOW_ALL)
    text = json.dumps(document)
    assert policy_document(document) is document
    assert policy_document(text) == document
    assert policy_document(quote(text)) == document  # IAM's URL-encoded form
    assert policy_document("not json") is None
    assert policy_document(None) is None
    assert policy_document('["a list"]') is None
    assert [(s.effect, s.actions, s.resources) for s in normalise(quote(text))] == [
        ("Allow", ("*",), ("*",))
    ]
    assert as_list("s3:*") == ["s3:*"] and as_list(None) == [] and as_list(["a"]) == ["a"]


def test_effective_documents_resolve_admin_through_a_group() -> None:
    user = {
        "attached_policies": [],
        "inline_policies": [
            {
                "name": "read",
                "document": doc({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}),
            }
        ],
        "groups": ["admins", "gone"],
    }
    groups = {
        "admins": {
            "attached_policies": [
                {
                    "name": "Admin",
                    "arn": "arn:aws:iam::aws:policy/AdministratorAccess",
                    "document": doc(ALLOW_ALL),
                }
            ]
        }
    }
    found = effective_documents(user, groups)
    assert [name for name, _ in found] == ["read", "group/admins: Admin"]
    assert admin_answer(user, groups).is_admin  # admin through the group
    assert not admin_answer(user).is_admin  # not on its own
    # Policies that could not be read (None) contribute nothing rather than failing.
    assert effective_documents({"attached_policies": None, "inline_policies": None}, {}) == []


def test_trusted_principals() -> None:
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::111122223333:root"]},
            "Action": "sts:AssumeRole",
        },
        {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"},
    )
    assert trusted_principals(trust) == ["arn:aws:iam::111122223333:root", "ec2.amazonaws.com"]
    assert trusted_principals(
        doc({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"})
    ) == ["*"]


# -- time and last use --------------------------------------------------------------------------


def test_iso_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert iso_utc(datetime(2024, 3, 4, 12, 0, 0, 123, tzinfo=plus_two)) == "2024-03-04T10:00:00Z"
    assert iso_utc(datetime(2024, 3, 4, 12, 0, 0)) == "2024-03-04T12:00:00Z"  # naive: taken as UTC
    assert iso_utc("2024-03-04T05:06:07+00:00") == "2024-03-04T05:06:07Z"
    assert iso_utc("2024-03-04T05:06:07Z") == "2024-03-04T05:06:07Z"
    for nothing in (None, "N/A", "no_information", "not_supported", "", "garbage"):
        assert iso_utc(nothing) is None


def test_latest_picks_the_most_recent_use() -> None:
    console = activity("2024-03-05T10:00:00+00:00", "console")
    key = activity(datetime(2024, 3, 7, tzinfo=UTC), "access-key", key_id="AKIA1", region="N/A")
    assert key is not None and key.region is None  # "N/A" is no region
    assert latest([console, key, None]) is key
    assert latest([None, activity("N/A", "console")]) is None
    assert latest([]) is None
    assert Activity("2024-03-07T00:00:00Z", "role", region="eu-west-1").to_dict() == {
        "kind": "role",
        "when": "2024-03-07T00:00:00Z",
        "region": "eu-west-1",
    }


# -- the credential report ----------------------------------------------------------------------

REPORT = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"
    "<root_account>,arn:aws:iam::123456789012:root,2019-01-01T00:00:00+00:00,not_supported,"
    "2024-02-01T08:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,"
    "false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
    "alice,arn:aws:iam::123456789012:user/alice,2020-05-01T00:00:00+00:00,true,no_information,"
    "2020-05-01T00:00:00+00:00,N/A,false,true,2020-05-01T00:00:00+00:00,"
    "2024-03-07T10:30:00+00:00,eu-west-2,s3,false,2021-01-01T00:00:00+00:00,N/A,N/A,N/A,"
    "false,N/A,false,N/A\n"
)


def test_parse_credential_report() -> None:
    rows = parse_credential_report(REPORT.encode())
    root, alice = rows[ROOT_ROW], rows["alice"]
    assert root.password_enabled is None  # root's row says not_supported
    assert root.password_last_used == "2024-02-01T08:00:00Z"
    assert root.mfa_active is True and root.keys == []
    assert alice.password_enabled is True and alice.password_last_used is None
    assert alice.created == "2020-05-01T00:00:00Z"
    first, second = alice.keys
    assert (first.slot, first.active, first.last_used) == (1, True, "2024-03-07T10:30:00Z")
    assert (first.last_used_region, first.last_used_service) == ("eu-west-2", "s3")
    assert (second.slot, second.active, second.last_used) == (2, False, None)
    assert second.last_rotated == "2021-01-01T00:00:00Z"


def test_a_permission_boundary_limits_and_its_unread_document_is_left_out() -> None:
    limit = doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    role = {
        "attached_policies": [{"name": "Admin", "document": doc(ALLOW_ALL)}],
        "inline_policies": [],
        "permissions_boundary": {"arn": "arn:aws:iam::1:policy/only-s3", "document": limit},
    }
    assert boundary(role) == ("only-s3", "arn:aws:iam::1:policy/only-s3", limit)
    assert not admin_answer(role).is_admin
    assert policy_set(role).allows("s3:GetObject").verdict == Verdict.ALLOWED
    assert policy_set(role).allows("ec2:RunInstances").verdict == Verdict.DENIED
    # Known by its ARN only (a user read without the authorization details): the grant stands.
    raw = {**role, "permissions_boundary": {"arn": "arn:aws:iam::1:policy/only-s3"}}
    assert boundary(raw) == ("only-s3", "arn:aws:iam::1:policy/only-s3", None)
    assert admin_answer(raw).is_admin
