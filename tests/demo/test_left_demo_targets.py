"""`--demo` with the other target options: --call-timeout is honoured (the demo's calls keep
the user's limit, as an account's would); --profile and --endpoint-url, which the demo's own
server would silently replace, are refused in one line with the fix, before the demo starts."""

from __future__ import annotations

from typing import Any

import pytest

from awsexplorer import demo
from awsexplorer.cli import main
from awsexplorer.config import ScanConfig
from awsexplorer.demo import demo_config
from awsexplorer.demo._aws import FAR_AWAY


def test_demo_config_keeps_the_users_time_limits_and_its_own_target() -> None:
    mine = ScanConfig(
        profile="work", endpoint_url="http://127.0.0.1:9", call_timeout=7.0, read_timeout=3.0
    )
    config = demo_config((FAR_AWAY,), like=mine)
    assert (config.call_timeout, config.read_timeout) == (7.0, 3.0)
    assert config.regions == (FAR_AWAY,) and config.profile is None
    assert config.endpoint_url == demo_config().endpoint_url != mine.endpoint_url
    assert demo_config().call_timeout == ScanConfig().call_timeout  # without `like`: defaults


def test_scan_demo_honours_call_timeout(capsys: Any) -> None:
    demo_config()  # started and seeded before, so the limit below is all the scan is given
    # A microsecond: no call, not even to the local server, can answer within it.
    code = main(["scan", "--demo", "--region", FAR_AWAY, "--call-timeout", "0.000001"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "no answer within 1e-06 s" in err and "--call-timeout SECONDS" in err


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--profile", "work"], "--profile would be ignored"),
        (["--endpoint-url", "http://127.0.0.1:9"], "--endpoint-url would be ignored"),
        (["--profile", "a", "--endpoint-url", "http://127.0.0.1:9"], "--profile and --endpoint"),
        # The demo is one account, or its Organization (--demo --org: test_demo_organization).
        (["--all-profiles"], "The demo is one account"),
        (["--profile", "a", "--profile", "b"], "The demo is one account"),
    ],
)
def test_scan_demo_refuses_another_target_before_starting(
    capsys: Any, monkeypatch: pytest.MonkeyPatch, extra: list[str], says: str
) -> None:
    def not_started(*_: Any, **__: Any) -> None:
        raise AssertionError("the demo started before the refusal")

    monkeypatch.setattr(demo, "demo_config", not_started)
    assert main(["scan", "--demo", *extra]) == 2
    out, err = capsys.readouterr()
    assert out == "" and says in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2  # the error, and its hint


def test_only_an_endpoint_asked_for_this_run_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    from awsexplorer.errors import UserError

    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # a LocalStack user's shell
    demo.refuse_other_targets(argparse.Namespace(demo=True, profile=None, endpoint_url=None))
    with pytest.raises(UserError, match="--endpoint-url would be ignored"):
        demo.refuse_other_targets(
            argparse.Namespace(demo=True, profile=None, endpoint_url="http://127.0.0.1:9")
        )
