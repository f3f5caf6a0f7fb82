"""Calls in flight are bounded per (service, region) and in total."""

from __future__ import annotations

import asyncio

from awsexplorer.scan.collectors.base import CallLimiter


def test_bounds_per_service_region_and_in_total() -> None:
    async def run() -> dict[str, int]:
        limiter = CallLimiter(per_service_region=2, total=3)
        in_flight: dict[str, int] = {"ec2:eu-west-1": 0, "total": 0}
        peak = {"ec2:eu-west-1": 0, "total": 0}

        async def call(service: str, region: str) -> None:
            async with limiter.slot(service, region):
                key = f"{service}:{region}"
                for k in (key, "total"):
                    in_flight[k] = in_flight.get(k, 0) + 1
                    peak[k] = max(peak.get(k, 0), in_flight[k])
                await asyncio.sleep(0.01)
                for k in (key, "total"):
                    in_flight[k] -= 1

        await asyncio.gather(
            *(call("ec2", "eu-west-1") for _ in range(6)),
            *(call("sqs", region) for region in ("eu-west-1", "us-east-1") for _ in range(3)),
        )
        return peak

    peak = asyncio.run(run())
    assert peak["ec2:eu-west-1"] == 2
    assert peak["total"] == 3
