"""The account alias and the region list are asked for while GetCallerIdentity is in flight, not
after it (#18: one round trip to the home region less before any collector starts), and a failed
identity is still the error the scan stops with."""

from __future__ import annotations

import asyncio
from typing import Any

import botocore.exceptions
import pytest

from awsexplorer.errors import UserError
from awsexplorer.scan.events import CallFailed
from awsexplorer.scan.runner import Scanner
from awsexplorer.scan.session import make_session

OTHERS = ("ListAccountAliases", "DescribeRegions")


def test_alias_and_regions_are_sent_before_the_identity_answers(
    scan_config: Any, moto_url: str
) -> None:
    config = scan_config(regions=["eu-west-3"])
    session = make_session(config)
    sent: list[str] = []
    both_sent = asyncio.Event()
    waited: list[bool] = []

    def note(model: Any = None, **_: Any) -> None:
        sent.append(model.name)
        if all(name in sent for name in OTHERS):
            both_sent.set()

    async def hold_identity(model: Any = None, **_: Any) -> None:
        # The identity's request waits here (before it is sent) until the other two have
        # gone out: a scan that asked for them only after the identity's answer times out.
        try:
            await asyncio.wait_for(both_sent.wait(), timeout=10)
            waited.append(True)
        except TimeoutError:
            waited.append(False)

    session.register("before-call", note)
    session.register("before-send.sts.GetCallerIdentity", hold_identity)
    scanner = Scanner(config, collectors=[], session=session)
    result = asyncio.run(scanner.run())

    assert waited == [True], sent
    assert result.account.id == "123456789012"
    assert [r.name for r in result.regions if r.name != "global"] == ["eu-west-3"]


def test_a_failed_identity_is_the_error_and_the_other_calls_are_cancelled(
    scan_config: Any, moto_url: str
) -> None:
    config = scan_config(regions=["eu-west-3"])
    session = make_session(config)

    def denied(code: str, operation: str) -> Exception:
        return botocore.exceptions.ClientError(
            {"Error": {"Code": code, "Message": "no"}}, operation
        )

    async def refuse_late(**_: Any) -> None:
        # The identity fails after the alias has already failed: that failure is not shown.
        await asyncio.sleep(0.5)
        raise denied("InvalidClientTokenId", "GetCallerIdentity")

    def refuse_alias(**_: Any) -> None:
        raise denied("InvalidClientTokenId", "ListAccountAliases")

    session.register("before-call.sts.GetCallerIdentity", refuse_late)
    session.register("before-call.iam.ListAccountAliases", refuse_alias)
    events: list[Any] = []
    scanner = Scanner(config, on_event=events.append, collectors=[], session=session)

    async def run() -> set[asyncio.Task[Any]]:
        with pytest.raises(UserError):
            await scanner.run()
        return {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}

    assert asyncio.run(run()) == set()  # nothing left running
    # The alias's and the regions' own outcomes are not shown: the identity's error is.
    assert not [e for e in events if isinstance(e, CallFailed)], events
