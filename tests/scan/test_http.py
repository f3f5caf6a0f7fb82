"""Every scanner client shares one TLS context instead of loading the CA bundle for each."""

from __future__ import annotations

import asyncio
from typing import Any

from awsexplorer.scan.http import SharedTLSSession
from awsexplorer.scan.session import ClientPool, make_session


def test_clients_share_one_verify_context(scan_config: Any) -> None:
    config = scan_config()

    async def contexts() -> list[Any]:
        found = []
        async with ClientPool(make_session(config), config) as pool:
            for service, region in (
                ("ec2", "eu-west-1"),
                ("ec2", "us-east-1"),
                ("sqs", "eu-west-1"),
            ):
                client = await pool.get(service, region)
                session = client._endpoint.http_session
                assert isinstance(session, SharedTLSSession)
                found.append(session._build_ssl_contexts(None)[0])
        return found

    first, *others = asyncio.run(contexts())
    assert all(context is first for context in others)
