"""Several accounts' findings put in finding_order without one sort of all of them
(evaluation.in_finding_order): the same list, ties included, as that sort gives."""

from __future__ import annotations

import random
from itertools import chain

from awsexplorer.checks.evaluation import in_finding_order
from awsexplorer.model import Finding, Severity
from awsexplorer.model.accounts import finding_order


def _per_account_order(f: Finding) -> tuple[int, str, str, str, str]:
    # what _evaluate_one sorts an account's findings by
    return (f.severity.rank, f.check, f.region, f.resource, f.message)


def test_in_finding_order_equals_a_sort_of_every_finding() -> None:
    rng = random.Random(17)
    accounts = ["333333333333", "111111111111", "222222222222"]
    per_account = []
    for account in accounts:
        found = [
            Finding(
                check=rng.choice(["a-check", "b-check", "c-check"]),
                severity=rng.choice(list(Severity)),
                resource=f"arn:aws:ec2:{rng.choice(['eu-west-1', 'us-east-1'])}:{account}:"
                f"instance/i-{rng.randrange(5)}",
                region=rng.choice(["eu-west-1", "us-east-1"]),
                message=rng.choice(["same", "other"]),
                remediation=f"#{n}",  # tells apart findings whose every key is equal
                account_id=account,
            )
            for n in range(300)
        ]
        found.sort(key=_per_account_order)
        per_account.append(found)
    expected = sorted(chain.from_iterable(per_account), key=finding_order)
    assert in_finding_order(per_account) == expected
    assert in_finding_order([]) == []
