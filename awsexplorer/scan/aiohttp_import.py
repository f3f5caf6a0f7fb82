"""Import aiohttp without its two import-time CA-store loads (#18, the scan's serial start).

aiohttp.connector builds two default SSL contexts when it is imported, each loading the
system's CA store (`set_default_verify_paths`): ~80 ms of CPU on this machine, before the
scan's first request, for contexts our requests never use. Every connection we open carries
the context aiobotocore builds from botocore's own CA bundle (scan/http.py passes it to the
connector as `ssl=`; a client with its own certificate builds its own), so aiohttp falls back
to its defaults only for a request made without one, and we make none.

While this module imports aiohttp, `set_default_verify_paths` does nothing for the importing
thread (any other thread, and everything after the import, is untouched). aiohttp's default
verified context then holds no trusted roots: it still requires a certificate and checks the
host name, so anything that used it would fail to connect (closed), never connect unchecked.

Import this module before anything that imports aiobotocore or aiohttp (the scan's modules
do, first).
"""

from __future__ import annotations

import ssl
import sys
import threading
from collections.abc import Callable
from typing import Any

_original: Callable[[ssl.SSLContext], None] = ssl.SSLContext.set_default_verify_paths
_importer = threading.get_ident()


def _skipped_while_importing(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
    if threading.get_ident() != _importer:
        _original(self, *args, **kwargs)


def _import_aiohttp() -> None:
    if "aiohttp.connector" in sys.modules:
        return  # imported before us: nothing to save
    ssl.SSLContext.set_default_verify_paths = _skipped_while_importing  # type: ignore[method-assign]
    try:
        import aiohttp.connector  # noqa: F401
    finally:
        ssl.SSLContext.set_default_verify_paths = _original  # type: ignore[method-assign,assignment]


_import_aiohttp()
