"""The policy evaluator on literal documents: every rule of issue 19's "done when", one verdict
per line, so the table below is the specification."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from awsexplorer.model.policy import (
    PolicySet,
    Verdict,
    action_matches,
    catalogue,
    covers_every_resource,
    expand,
    normalise,
    resource_matches,
)

A, C, D, N = Verdict.ALLOWED, Verdict.CONDITIONAL, Verdict.DENIED, Verdict.NOT_ALLOWED
BUCKET = "arn:aws:s3:::logs"
OBJECT = "arn:aws:s3:::logs/2024/01/app.log"
KEY = "arn:aws:kms:eu-west-1:111122223333:key/abcd"
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
ROOT = Path(__file__).resolve().parents[2]


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any = None, resource: Any = "*", **more: Any) -> dict[str, Any]:
    s: dict[str, Any] = {"Effect": "Allow", **more}
    if action is not None:
        s["Action"] = action
    if resource is not None and "NotResource" not in more:
        s["Resource"] = resource
    return s


def deny(action: Any = None, resource: Any = "*", **more: Any) -> dict[str, Any]:
    return {**allow(action, resource, **more), "Effect": "Deny"}


# (statements, action, resource, verdict)
CASES: list[tuple[str, list[dict[str, Any]], str, str, Verdict]] = [
    # globs in actions: `*` and `?`, case-insensitive
    ("star", [allow("s3:Get*")], "s3:GetObject", OBJECT, A),
    ("star, other verb", [allow("s3:Get*")], "s3:PutObject", OBJECT, N),
    ("double star", [allow("kms:**")], "kms:*", "*", A),
    ("question mark", [allow("s3:?etObject")], "s3:GetObject", OBJECT, A),
    ("question mark is one char", [allow("s3:?Object")], "s3:GetObject", OBJECT, N),
    ("case of action", [allow("S3:getobject")], "s3:GetObject", OBJECT, A),
    ("case of question", [allow("s3:GetObject")], "S3:GETOBJECT", OBJECT, A),
    ("list of actions", [allow(["ec2:Describe*", "s3:*"])], "s3:PutObject", OBJECT, A),
    # globs in resources, segment by segment
    ("resource star", [allow("s3:GetObject", "arn:aws:s3:::logs/*")], "s3:GetObject", OBJECT, A),
    (
        "resource other bucket",
        [allow("s3:*", "arn:aws:s3:::logs/*")],
        "s3:GetObject",
        "arn:aws:s3:::other/x",
        N,
    ),
    ("resource ?", [allow("kms:*", "arn:aws:kms:eu-west-?:*:key/*")], "kms:Decrypt", KEY, A),
    ("resource case matters", [allow("s3:*", "arn:aws:s3:::LOGS/*")], "s3:GetObject", OBJECT, N),
    (
        "some resources are not every resource",
        [allow("s3:*", "arn:aws:s3:::logs/*")],
        "s3:*",
        "*",
        N,
    ),
    ("arn:* is every resource", [allow("s3:*", "arn:*")], "s3:*", "*", A),
    # NotAction
    ("NotAction allows the rest", [allow(NotAction=["ec2:*", "s3:*"])], "iam:CreateUser", "*", A),
    ("NotAction not the named", [allow(NotAction=["ec2:*", "s3:*"])], "s3:GetObject", OBJECT, N),
    ("NotAction glob", [allow(NotAction="s3:Get*")], "s3:PutObject", OBJECT, A),
    ("deny NotAction", [allow("*"), deny(NotAction="s3:*")], "ec2:RunInstances", "*", D),
    ("deny NotAction spares", [allow("*"), deny(NotAction="s3:*")], "s3:GetObject", OBJECT, A),
    # NotResource
    (
        "NotResource elsewhere",
        [allow("s3:*", NotResource=BUCKET)],
        "s3:ListBucket",
        "arn:aws:s3:::other",
        A,
    ),
    ("NotResource there", [allow("s3:*", NotResource=BUCKET)], "s3:ListBucket", BUCKET, N),
    ("NotResource is not every resource", [allow("*", NotResource=BUCKET)], "s3:*", "*", N),
    (
        "deny NotResource",
        [allow("s3:*"), deny("s3:*", NotResource=OBJECT)],
        "s3:GetObject",
        "arn:aws:s3:::other/x",
        D,
    ),
    (
        "deny NotResource spares",
        [allow("s3:*"), deny("s3:*", NotResource=OBJECT)],
        "s3:GetObject",
        OBJECT,
        A,
    ),
    # explicit Deny wins, fully and partly
    ("full deny", [allow("kms:*"), deny("kms:*")], "kms:*", "*", D),
    ("deny on the action", [allow("kms:*"), deny("kms:Decrypt")], "kms:Decrypt", KEY, D),
    ("deny leaves the rest", [allow("kms:*"), deny("kms:Decrypt")], "kms:Encrypt", KEY, A),
    ("partly denied service", [allow("kms:*"), deny("kms:Decrypt")], "kms:*", "*", D),
    ("deny by glob", [allow("s3:*"), deny("S3:Delete*")], "s3:DeleteObject", OBJECT, D),
    ("deny alone grants nothing", [deny("kms:*")], "kms:Decrypt", KEY, N),
    # conditions: kept, not guessed
    ("conditional allow", [allow("*", Condition=MFA)], "iam:CreateUser", "*", C),
    (
        "unconditional beats conditional",
        [allow("*", Condition=MFA), allow("iam:*")],
        "iam:CreateUser",
        "*",
        A,
    ),
    (
        "deny with a condition narrows",
        [allow("kms:*"), deny("kms:*", Condition=MFA)],
        "kms:*",
        "*",
        A,
    ),
]


@pytest.mark.parametrize(
    ("statements", "action", "resource", "verdict"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_verdicts(
    statements: list[dict[str, Any]], action: str, resource: str, verdict: Verdict
) -> None:
    assert PolicySet.of(doc(*statements), "p").allows(action, resource).verdict == verdict


def test_a_conditional_grant_names_its_condition() -> None:
    answer = PolicySet.of(doc(allow("*", Condition=MFA)), "mfa-admin").allows("*")
    assert answer.verdict == C
    assert answer.conditions == ("Bool aws:MultiFactorAuthPresent=true (policy mfa-admin)",)
    assert answer.qualifiers() == (
        ", only if Bool aws:MultiFactorAuthPresent=true (policy mfa-admin)"
    )


def test_a_deny_with_a_condition_says_unless() -> None:
    no_tls = {"Bool": {"aws:SecureTransport": "false"}}
    answer = PolicySet.of(doc(allow("kms:*"), deny("kms:*", Condition=no_tls)), "p").allows("kms:*")
    assert answer.verdict == A
    assert answer.unless == ("Bool aws:SecureTransport=false (policy p)",)
    assert answer.qualifiers() == ", unless Bool aws:SecureTransport=false (policy p)"


def test_a_deny_on_some_resources_says_except_on() -> None:
    answer = PolicySet.of(doc(allow("s3:*"), deny("s3:*", BUCKET)), "p").allows("s3:*")
    assert answer.verdict == A
    assert answer.except_on == (f"{BUCKET} (policy p)",)


def test_a_full_deny_names_the_policy() -> None:
    policies = PolicySet([("grant", doc(allow("kms:*"))), ("guard", doc(deny("kms:*")))])
    answer = policies.allows("kms:Decrypt", KEY)
    assert answer.verdict == D and answer.denied_by == ("policy guard",)


def test_services_on_everything_partly_denied_and_wholly_denied() -> None:
    partly = PolicySet.of(doc(allow("kms:*"), deny("kms:Decrypt")), "p")
    kms = partly.services_on_everything()["kms"]
    assert kms.verdict == A and kms.denied_by == ("policy p",)
    assert "kms:decrypt" not in kms.granted and "kms:encrypt" in kms.granted
    assert PolicySet.of(doc(allow("kms:*"), deny("kms:*"))).services_on_everything() == {}
    assert list(PolicySet.of(doc(allow("kms:**"))).services_on_everything()) == ["kms"]
    # A service the catalogue does not know is still granted whole by "svc:*".
    assert list(PolicySet.of(doc(allow("madeup:*"))).services_on_everything()) == ["madeup"]


@pytest.mark.parametrize(
    ("statements", "admin", "missing"),
    [
        ([allow("*")], True, ()),
        ([allow("*:*")], True, ()),
        ([allow(["s3:GetObject", "*"])], True, ()),
        ([allow(NotAction=["ec2:*", "s3:*"])], True, ("ec2", "s3")),  # admin in all but name
        ([allow(NotAction="iam:*")], False, ()),  # PowerUserAccess: IAM left out
        ([allow("*"), deny("iam:*")], False, ()),
        ([allow("*"), deny("*", Condition=MFA)], True, ()),  # narrows, does not cancel
        ([allow("*", "arn:aws:s3:::logs/*")], False, ()),
        ([allow("*", NotResource=BUCKET)], False, ()),
        ([allow("s3:*"), allow("iam:*")], False, ()),
        ([deny("*")], False, ()),
        ([], False, ()),
    ],
)
def test_admin_equivalent(
    statements: list[dict[str, Any]], admin: bool, missing: tuple[str, ...]
) -> None:
    answer = PolicySet.of(doc(*statements)).admin()
    assert answer.is_admin is admin
    assert answer.missing == missing


def test_conditional_admin_is_reported_as_conditional() -> None:
    answer = PolicySet.of(doc(allow("*", Condition=MFA)), "p").admin()
    assert answer.verdict == C and answer.answer.conditions


def test_a_permission_boundary_limits_and_grants_nothing() -> None:
    admin = [("AdministratorAccess", doc(allow("*")))]
    only_s3 = [("boundary b", doc(allow("s3:*")))]
    bounded = PolicySet(admin, only_s3)
    assert bounded.allows("s3:GetObject", OBJECT).verdict == A
    denied = bounded.allows("ec2:RunInstances")
    assert denied.verdict == D and denied.denied_by == ("the permission boundary",)
    assert not bounded.admin().is_admin
    # A boundary grants nothing by itself.
    assert PolicySet([], [("boundary b", doc(allow("*")))]).allows("s3:GetObject").verdict == N
    # A Deny in the boundary is an explicit Deny.
    fenced = PolicySet(admin, [("boundary b", doc(allow("*"), deny("iam:*")))])
    assert fenced.allows("iam:CreateUser").verdict == D
    # A conditional boundary makes the grant conditional.
    conditional = PolicySet(admin, [("boundary b", doc(allow("*", Condition=MFA)))])
    assert conditional.allows("s3:GetObject").verdict == C


def test_group_policies_count_as_the_members_own() -> None:
    own = ("read", doc(allow("s3:Get*")))
    group = ("group/admins: AdministratorAccess", doc(allow("*")))
    assert not PolicySet([own]).admin().is_admin
    answer = PolicySet([own, group]).admin()
    assert answer.is_admin and answer.answer.sources == (group[0],)
    # A Deny in a group policy binds the member too.
    guarded = PolicySet([("admin", doc(allow("*"))), ("group/g: guard", doc(deny("iam:*")))])
    assert guarded.allows("iam:CreateUser").verdict == D


def test_normalise_single_values_lists_and_the_not_forms() -> None:
    (s,) = normalise(
        {
            "Statement": {
                "Effect": "deny",
                "NotAction": "s3:*",
                "NotResource": ["arn:aws:s3:::a", "arn:aws:s3:::b"],
                "NotPrincipal": {"AWS": ["arn:aws:iam::1:root", "arn:aws:iam::2:root"]},
                "Condition": MFA,
            }
        },
        "p",
    )
    assert (s.effect, s.actions, s.not_action) == ("Deny", ("s3:*",), True)
    assert (s.resources, s.not_resource) == (("arn:aws:s3:::a", "arn:aws:s3:::b"), True)
    assert s.not_principal and s.principals == (
        ("AWS", "arn:aws:iam::1:root"),
        ("AWS", "arn:aws:iam::2:root"),
    )
    assert s.condition == MFA and s.source == "p"
    (anyone,) = normalise(doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}))
    assert anyone.principals == (("*", "*"),) and anyone.resources == ("*",)
    assert normalise(doc({"Effect": "Maybe", "Action": "*", "Resource": "*"})) == []
    assert normalise("not json") == [] and normalise(None) == []


def test_pattern_primitives() -> None:
    assert action_matches("ec2:Describe*", "EC2:DescribeInstances")
    assert not action_matches("ec2:Describe*", "ec2:RunInstances")
    assert covers_every_resource("*") and covers_every_resource("arn:*:*:*:*:*")
    assert not covers_every_resource("arn:aws:s3:::*")
    assert resource_matches("arn:aws:s3:::*", OBJECT)
    assert resource_matches("arn:AWS:S3:::logs/*", OBJECT)  # partition and service: any case
    assert not resource_matches("arn:aws:s3:::logs", OBJECT)
    assert expand("ec2:RunInstances") == frozenset({"ec2:runinstances"})
    assert "kms:decrypt" in expand("kms:*") and expand("kms:*") == expand("kms:**")


def test_the_catalogue_knows_the_services_the_checks_ask_about() -> None:
    known = catalogue()
    for service in ("s3", "ec2", "iam", "kms", "sts", "lambda", "cloudwatch", "dynamodb"):
        assert known[service], service
    assert "monitoring" not in known  # CloudWatch's signing name, mapped to its IAM prefix
    assert "iam:createuser" in known["iam"]


def test_the_shipped_catalogue_matches_the_installed_botocore() -> None:
    script = ROOT / "scripts" / "iam_actions.py"
    result = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, result.stdout + result.stderr
