"""A scan of many accounts: its bound in total holds for the whole scan, and the accounts of one
process share one set of client machinery (pure: no server)."""

from __future__ import annotations

from aiobotocore.session import AioSession

from awsexplorer.config import ScanConfig
from awsexplorer.scan.accounts import MIN_ACCOUNT_IN_FLIGHT, account_share, sharing


def test_the_bound_in_total_is_split_between_the_accounts_scanned_at_once() -> None:
    config = ScanConfig(max_in_flight=128)
    assert account_share(config, 1).max_in_flight == 128
    assert account_share(config, 4).max_in_flight == 32
    assert account_share(config, 8).max_in_flight == 16  # 4 at once in each of 2 processes
    # Never below an account's own floor, never above what was asked.
    assert account_share(config, 1000).max_in_flight == MIN_ACCOUNT_IN_FLIGHT
    assert account_share(ScanConfig(max_in_flight=4), 2).max_in_flight == 4
    assert account_share(config, 4).per_service_region == config.per_service_region


def test_accounts_share_the_machinery_but_not_their_credentials() -> None:
    machinery = AioSession()
    first = sharing(AioSession(), machinery)
    second = sharing(AioSession(), machinery)
    first.set_credentials("AKIDFIRST", "secret-1")
    second.set_credentials("AKIDSECOND", "secret-2")
    for name in ("data_loader", "event_emitter"):
        assert first.get_component(name) is machinery.get_component(name)
        assert second.get_component(name) is machinery.get_component(name)
    assert first._credentials.access_key == "AKIDFIRST"
    assert second._credentials.access_key == "AKIDSECOND"
    assert sharing(machinery, machinery) is machinery
    assert sharing(AioSession(), None).get_component("data_loader") is not (
        machinery.get_component("data_loader")
    )
