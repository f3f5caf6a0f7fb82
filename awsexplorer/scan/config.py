"""What a scan is asked to do. Plain data, shared by the CLI, the UI and the tests."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_CALL_TIMEOUT = 40.0
DEFAULT_READ_TIMEOUT = 15.0


@dataclass(frozen=True, slots=True)
class ScanConfig:
    profile: str | None = None
    # Empty: every enabled region. Otherwise only these (validated against DescribeRegions).
    regions: tuple[str, ...] = ()
    # Point every client at LocalStack or a moto server (also read from AWS_ENDPOINT_URL).
    endpoint_url: str | None = None
    # Static keys, for the embedded demo only; real use goes through botocore's chain.
    access_key: str | None = None
    secret_key: str | None = None
    # Region for STS, DescribeRegions and the global services; default: profile's, else us-east-1.
    home_region: str | None = None
    retry_mode: str = "standard"
    max_attempts: int = 6
    connect_timeout: float = 5.0
    # One attempt's wait for an answer. Shorter than call_timeout, so that a request lost on the
    # way is tried again within the call's time.
    read_timeout: float = DEFAULT_READ_TIMEOUT
    # One call, every attempt and back-off together (seconds; --call-timeout). A call still
    # unanswered then is recorded as failed (DeadlineExceeded), so an endpoint that accepts
    # connections and never answers costs this long, not read_timeout x max_attempts.
    call_timeout: float = DEFAULT_CALL_TIMEOUT
    # Calls in flight at once per (service, region): one throttled API never starves the rest.
    per_service_region: int = 8
    # Calls in flight at once in all: enough to hide the round trip to AWS, few enough that
    # hundreds of first calls don't all queue at once on a small machine.
    max_in_flight: int = 128
    # Items per page for paginated calls that accept a limit; None: the service's default.
    page_size: int | None = None
