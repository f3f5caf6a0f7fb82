"""The evaluator's fast paths give exactly the answers of the plain algorithm.

`reference_services` is PolicySet.services_on_everything as first written (one evaluate() per
service, every action list matched with `_hits`); `reference_covered` is `_hits`. The fast
paths (compiled action lists, one pass by shape, memoised answers) must agree on every field.
"""

from __future__ import annotations

import pytest

from awsexplorer.model import policy
from awsexplorer.model.policy import (
    EVERYTHING,
    Answer,
    PolicySet,
    Verdict,
    _cover,
    _hits,
    catalogue,
    expand,
    normalise,
)

MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
READ_ONLY = [f"{s}:{v}*" for s in sorted(catalogue())[:150] for v in ("Get", "List", "Describe")]


def doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: object, resource: object = "*", **extra: object) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: object, resource: object = "*", **extra: object) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


SETS: dict[str, tuple[list[tuple[str, dict]], list[tuple[str, dict]] | None]] = {
    "admin": ([("Admin", doc(allow("*")))], None),
    "admin with a partial deny": ([("A", doc(allow("*"), deny(["iam:*", "s3:Delete*"])))], None),
    "admin with a conditional deny": (
        [("A", doc(allow("*"), deny("ec2:*Vpc*", Condition=MFA)))],
        None,
    ),
    "admin under a condition": ([("A", doc(allow("*", Condition=MFA)))], None),
    "power user": (
        [
            (
                "P",
                doc(
                    {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
                ),
            )
        ],
        None,
    ),
    "power user plus iam": (
        [
            (
                "P",
                doc(
                    {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
                ),
            ),
            ("I", doc(allow("iam:*"))),
        ],
        None,
    ),
    "read only plus s3": ([("R", doc(allow(READ_ONLY))), ("S", doc(allow("s3:*")))], None),
    "globs and case": ([("G", doc(allow(["KMS:**", "s?s:*", "dynamodb:*"])))], None),
    "partial deny on a service": ([("K", doc(allow("kms:*"), deny("kms:Decrypt")))], None),
    "deny on some resources": (
        [("K", doc(allow(["kms:*", "sqs:*"]), deny("sqs:*", "arn:aws:sqs:*:*:prod-*")))],
        None,
    ),
    "not resource": (
        [("N", doc({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::x"}))],
        None,
    ),
    "uncatalogued service": (
        [("U", doc(allow("*"))), ("V", doc(allow("madeup:*", "arn:aws:madeup:::x")))],
        None,
    ),
    "bounded admin": (
        [("Admin", doc(allow("*")))],
        [("B", doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}))],
    ),
    "bounded by services": (
        [("Admin", doc(allow("*"))), ("C", doc(allow("sns:*", Condition=MFA)))],
        [("B", doc(allow(["s3:*", "sns:*", "kms:Decrypt"])))],
    ),
    "not ascii": (
        [("X", doc(allow(["\u017fqs:*", "kms:*"]), allow("sqs:GetQueueUrl", "arn:x")))],
        None,
    ),
    "negated deny": (
        [
            (
                "D",
                doc(
                    allow("*"),
                    {
                        "Effect": "Deny",
                        "NotAction": ["iam:*", "sts:*"],
                        "Resource": "*",
                        "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}},
                    },
                ),
            )
        ],
        None,
    ),
}


def reference_covered(statement: policy.Statement, tokens: frozenset[str]) -> frozenset[str]:
    return _hits(statement.actions, tokens, statement.not_action)


def reference_evaluate(policies: PolicySet, tokens: frozenset[str]) -> Answer:
    original = policy._covered
    try:
        policy._covered = lambda s, t, _service: reference_covered(s, t)  # type: ignore[assignment]
        return policies.evaluate(tokens, EVERYTHING)
    finally:
        policy._covered = original  # type: ignore[assignment]


def reference_services(policies: PolicySet) -> dict[str, Answer]:
    found: dict[str, Answer] = {}
    for service in policies._services_named():
        tokens = expand(f"{service}:*")
        answer = reference_evaluate(policies, tokens)
        if answer.grants:
            found[service] = answer
            continue
        if answer.verdict != Verdict.DENIED:
            continue
        left = reference_evaluate(policies, answer.granted) if answer.granted else answer
        if left.grants and len(left.asked) * 2 > len(tokens):
            found[service] = Answer(
                verdict=left.verdict,
                sources=left.sources,
                conditions=left.conditions,
                unless=left.unless,
                except_on=left.except_on,
                denied_by=reference_evaluate(policies, tokens - left.asked).denied_by
                or ("a Deny",),
                granted=left.asked,
                asked=tokens,
            )
    return found


@pytest.mark.parametrize("name", sorted(SETS))
def test_services_on_everything_matches_the_plain_algorithm(name: str) -> None:
    identity, boundary = SETS[name]
    fast = PolicySet(identity, boundary).services_on_everything()
    assert fast == reference_services(PolicySet(identity, boundary))
    # Asked again (memoised), and by an equal set built anew: the same answers.
    assert PolicySet(identity, boundary).services_on_everything() == fast


@pytest.mark.parametrize("name", sorted(SETS))
def test_admin_everything_question_matches_the_plain_algorithm(name: str) -> None:
    identity, boundary = SETS[name]
    everything = frozenset(policy.all_actions() | {"*"})
    want = reference_evaluate(PolicySet(identity, boundary), everything)
    got = PolicySet(identity, boundary).evaluate(policy._everything())
    assert got == want
    admin = PolicySet(identity, boundary).admin()
    assert admin.is_admin == (want.grants or bool(admin.missing))


def test_compiled_action_lists_cover_what_the_patterns_match() -> None:
    statements = [
        s for identity, _ in SETS.values() for _, d in identity for s in normalise(d, "x")
    ]
    samples = [
        frozenset({"s3:getobject", "kms:decrypt", "iam:passrole", "madeup:thing", "*", "sqs:*"}),
        expand("sqs:*"),
        expand("ec2:*"),
        frozenset(sorted(policy.all_actions())[::37]),
        policy._everything(),
    ]
    for statement in statements:
        for tokens in samples:
            assert _cover(statement).covered(tokens) == reference_covered(statement, tokens)
