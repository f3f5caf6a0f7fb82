"""The scan's clients skip per-request and per-client work botocore does for users' input
(#18): no parameter validation, one User-Agent built once, no proxy lookup per client when the
environment names none, the s3 settings read once. Each test checks the behaviour the change
must keep (what is sent, what is refused), not its speed."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiobotocore.session import AioSession

from awsexplorer import __version__
from awsexplorer.scan import guard
from awsexplorer.scan import session as session_module
from awsexplorer.scan.session import ClientPool, make_session

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


def _without_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


async def _send_one(
    config: Any, headers: list[dict[str, str]], built: list[Any] | None = None
) -> Any:
    async with ClientPool(make_session(config), config) as pool:
        client = await pool.get("sqs", "eu-west-1")
        if built is not None:
            built.clear()  # the pool built the string once when it started: from now on, none

        def capture(request: Any, **_: Any) -> None:
            headers.append(dict(request.headers))

        client.meta.events.register("before-send", capture)
        await client.list_queues()
        await client.list_queues(QueueNamePrefix="x")  # a second one: the string is reused
        return client


def test_requests_carry_botocores_user_agent_built_once_with_ours(
    scan_config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.useragent
    import botocore.validate

    headers: list[dict[str, str]] = []
    built: list[Any] = []
    sanitize = botocore.useragent.sanitize_user_agent_string_component

    def counting(raw: str, allow_hash: bool) -> Any:
        built.append(raw)  # each component of a User-Agent built the standard way
        return sanitize(raw, allow_hash)

    monkeypatch.setattr(botocore.useragent, "sanitize_user_agent_string_component", counting)
    client = asyncio.run(_send_one(scan_config(), headers, built))
    # botocore wraps the serializer in a validator unless told not to.
    assert not isinstance(client._serializer, botocore.validate.ParamValidationDecorator)
    assert len(headers) == 2
    raw = [h["User-Agent"] for h in headers]
    agents = {v.decode() if isinstance(v, bytes) else str(v) for v in raw}
    (agent,) = agents  # the same string on every request
    assert agent.startswith("aiobotocore/")
    assert f"botocore/{botocore.__version__}" in agent.split()
    assert agent.endswith(f"awsexplorer/{__version__}")
    assert "ua/2.1" in agent.split() and "lang/python#" in agent  # botocore's own components
    assert built == []  # not rebuilt per request


def test_parameters_are_not_validated_but_a_wrong_one_still_fails_and_writes_are_refused(
    scan_config: Any,
) -> None:
    config = scan_config()

    async def run() -> tuple[BaseException | None, BaseException | None]:
        async with ClientPool(make_session(config), config) as pool:
            client = await pool.get("sqs", "eu-west-1")
            try:
                await client.list_queues(NoSuchParameter="x")
                wrong: BaseException | None = None
            except Exception as exc:
                wrong = exc
            try:
                await client.create_queue(QueueName="q")
                write: BaseException | None = None
            except Exception as exc:
                write = exc
            return wrong, write

    wrong, write = asyncio.run(run())
    assert wrong is not None  # no ParamValidationError, but the serializer refuses it
    assert isinstance(write, guard.ReadOnlyViolation)


def test_no_proxy_in_the_environment_is_told_to_botocore_once(
    scan_config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without_proxies(monkeypatch)
    assert session_module.no_proxies_configured() == {}
    looked_up: list[str] = []
    import botocore.endpoint

    real = botocore.endpoint.get_environ_proxies

    def spy(url: str) -> Any:
        looked_up.append(url)
        return real(url)

    monkeypatch.setattr(botocore.endpoint, "get_environ_proxies", spy)
    client = asyncio.run(_send_one(scan_config(), []))
    assert client.meta.config.proxies == {}
    assert looked_up == []


def test_a_proxy_in_the_environment_is_still_botocores_to_resolve(
    scan_config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without_proxies(monkeypatch)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    assert session_module.no_proxies_configured() is None

    async def run() -> Any:
        config = scan_config()
        async with ClientPool(make_session(config), config) as pool:
            client = await pool.get("sqs", "eu-west-1")
            await client.list_queues()  # NO_PROXY: straight to the local endpoint
            return client

    assert asyncio.run(run()).meta.config.proxies is None


def test_the_s3_settings_are_read_once_and_keep_the_environments_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "regional")
    session = AioSession()
    expected = session.get_component("config_store").get_config_variable("s3")
    session_module.resolve_settings_once(session)
    store = session.get_component("config_store")
    monkeypatch.setenv("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "legacy")  # read once: not seen
    assert store.get_config_variable("s3") == expected
    assert expected == {"us_east_1_regional_endpoint": "regional"}


def test_every_setting_is_read_once_with_the_value_botocore_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_RETRY_MODE", "adaptive")
    monkeypatch.setenv("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required")
    session = AioSession()
    store = session.get_component("config_store")
    names = sorted(store._mapping)
    expected = {name: store.get_config_variable(name) for name in names}
    session_module.resolve_settings_once(session)
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")  # read once: not seen
    assert {name: store.get_config_variable(name) for name in names} == expected
    assert expected["retry_mode"] == "adaptive"
    assert expected["request_checksum_calculation"] == "when_required"
    assert session.get_config_variable("retry_mode") == "adaptive"


def test_a_non_legacy_defaults_mode_keeps_botocores_per_client_s3_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_DEFAULTS_MODE", "standard")
    session = AioSession()
    session_module.resolve_settings_once(session)
    store = session.get_component("config_store")
    # Still a provider (botocore adds the mode's defaults to it per client), not a pinned value.
    assert store.get_config_provider("s3") is not None
