"""A member account's assumed-role credentials refresh before they expire, as botocore refreshes
an assume-role profile's (a long scan of many accounts outlives one hour), on moto."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from awsexplorer.scan.accounts import SESSION_NAME, Target, assumed_session


def test_assumed_credentials_are_fetched_again_when_they_expire(scan_config: Any) -> None:
    config = scan_config()
    target = Target(
        key="111111111111",
        role_arn="arn:aws:iam::111111111111:role/AuditRole",
        account_id="111111111111",
    )

    async def run() -> tuple[str, str, str]:
        session = await assumed_session(config, target)
        credentials = await session.get_credentials()
        first = (await credentials.get_frozen_credentials()).access_key
        # As if the hour were over: botocore's refresh fetches new credentials with AssumeRole.
        credentials._expiry_time = datetime.now(UTC) - timedelta(minutes=1)
        second = (await credentials.get_frozen_credentials()).access_key
        async with session.create_client(
            "sts", region_name="us-east-1", endpoint_url=config.endpoint_url
        ) as sts:
            identity = await sts.get_caller_identity()
        return first, second, identity["Arn"]

    first, second, arn = asyncio.run(run())
    assert first != second
    # The credentials are the member account's, and the session says who is reading.
    assert arn == f"arn:aws:sts::111111111111:assumed-role/AuditRole/{SESSION_NAME}"
