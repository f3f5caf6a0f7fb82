"""A check's status is one of two words, an enum in the code and the same words in a snapshot."""

from __future__ import annotations

import pytest

from awsexplorer.model import CheckResult, CheckStatus


def test_status_round_trips_as_the_snapshot_words() -> None:
    ran = CheckResult("s3-bucket-public", CheckStatus.EVALUATED)
    skipped = CheckResult("rds-publicly-accessible", CheckStatus.NOT_EVALUATED, "denied")
    assert ran.to_dict() == {"id": "s3-bucket-public", "status": "evaluated"}
    assert skipped.to_dict()["status"] == "not-evaluated"
    back = CheckResult.from_dict(skipped.to_dict())
    assert back == skipped and back.status is CheckStatus.NOT_EVALUATED and not back.evaluated
    assert CheckResult.from_dict(ran.to_dict()).evaluated


def test_a_status_word_the_format_does_not_know_is_refused() -> None:
    with pytest.raises(ValueError):
        CheckResult.from_dict({"id": "x", "status": "passed"})
