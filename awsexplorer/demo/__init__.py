"""The embedded demo account: moto's server, in this process, seeded with a realistic account.

`demo_config()` starts the server once per process (on 127.0.0.1, a random port), seeds it and
returns the ScanConfig that points the scanner at it. No credentials, no network.

moto and boto3 are imported inside the functions, never at import time: importing this package
must stay cheap for the CLI's `--help` and the TUI's first frame.

moto keeps its data in module-level backends shared by every server in the process, so something
else in the same process (a test resetting its own moto server) can wipe the demo account. Each
call therefore checks that the seeded account is still there and seeds it again if not.
"""

from __future__ import annotations

import atexit
import logging
import threading
import urllib.request
from dataclasses import replace
from typing import Any

from awsexplorer.config import ScanConfig
from awsexplorer.demo._aws import DEMO_KEY, SHARED
from awsexplorer.errors import UserError

_lock = threading.Lock()
_server: Any = None  # moto's ThreadedMotoServer, once started
_endpoint: str | None = None
_stop_registered = False


def _quiet_request_log() -> None:
    """moto's server logs every request through werkzeug's logger, to stderr even with
    verbose=False: that would write over the TUI and the CLI's output. Keep errors only, unless
    someone configured that logger on purpose."""
    logger = logging.getLogger("werkzeug")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.ERROR)


def _start_server() -> str:
    global _server, _endpoint, _stop_registered
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        raise UserError(
            "The demo needs the demo extra.", "pip install 'awsexplorer[demo]'"
        ) from None
    from awsexplorer.demo._moto_cache import cache_moto_lookups

    _quiet_request_log()
    cache_moto_lookups()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    _server, _endpoint = server, f"http://{host}:{port}"
    if not _stop_registered:
        atexit.register(stop_demo)
        _stop_registered = True
    return _endpoint


def _reset(endpoint_url: str) -> None:
    request = urllib.request.Request(f"{endpoint_url}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=30).close()


def refuse_other_targets(args: Any) -> None:
    """--demo with --profile or --endpoint-url: the demo is its own account on its own local
    server, so either would be ignored; say so rather than scan something else than asked.
    (AWS_ENDPOINT_URL in the environment is not refused: it is not asked for this run.)"""
    given = [
        flag
        for flag, value in (
            ("--profile", getattr(args, "profile", None)),
            ("--endpoint-url", getattr(args, "endpoint_url", None)),
        )
        if value
    ]
    if getattr(args, "demo", False) and given:
        raise UserError(
            f"--demo scans its own account on a local server; {' and '.join(given)} would be "
            "ignored.",
            f"Leave out --demo, or {' and '.join(given)}.",
        )


def demo_config(
    regions: tuple[str, ...] = (),
    *,
    like: ScanConfig | None = None,
    organization: bool = False,
) -> ScanConfig:
    """The ScanConfig of the demo account; starts and seeds the server on first use.

    `like`: the user's config (config.scan_config_from_args): the demo's calls keep its time
    limits (--call-timeout), as they would against an account. Its target (endpoint, keys,
    profile) is the demo's own. `organization` (`--demo --org`): the demo account also manages
    an Organization of member accounts (demo/organization.py), and the scan covers the demo's
    own regions unless others are given."""
    from awsexplorer.demo import organization as demo_org
    from awsexplorer.demo._aws import DEMO_REGIONS, Aws
    from awsexplorer.demo.seed import is_seeded, seed

    with _lock:
        endpoint = _endpoint or _start_server()
        try:
            if not is_seeded():
                _reset(endpoint)  # start from an empty server: same seed, same account
                seed(endpoint)
            if organization and not demo_org.is_seeded(Aws(endpoint)):
                demo_org.seed_organization(endpoint)
        except Exception as exc:  # a moto that changed under us: say so, no traceback
            raise UserError(
                f"Could not build the demo account: {type(exc).__name__}: {exc}",
                "This is a bug in the demo (it is built for moto 5.2.5); please report it.",
            ) from exc
    if organization and not regions:
        regions = DEMO_REGIONS
    config = ScanConfig(
        endpoint_url=endpoint,
        access_key=DEMO_KEY,
        secret_key=DEMO_KEY,
        home_region=SHARED,
        regions=regions,
        # The demo's Cost Explorer is moto's (free): it shows what --cost adds.
        cost=True,
    )
    if like is None:
        return config
    return replace(config, call_timeout=like.call_timeout, read_timeout=like.read_timeout)


def stop_demo() -> None:
    """Stop the demo server if it runs (registered with atexit)."""
    global _server, _endpoint
    with _lock:
        server, _server, _endpoint = _server, None, None
    if server is not None:
        server.stop()
