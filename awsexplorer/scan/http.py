"""The HTTP session class every scanner client uses: aiobotocore's, with one TLS context shared.

aiobotocore builds a new SSLContext, loading the whole CA bundle, for every client (~25 ms of
CPU each). A scan makes one client per (service, region), a couple of hundred of them, so that
alone cost seconds. A context with the same verify settings is safe to share between
connectors: build it once per process. Clients with a client certificate keep their own.
"""

from __future__ import annotations

import ssl
import threading
from typing import Any, ClassVar

from aiobotocore.httpsession import AIOHTTPSession


class SharedTLSSession(AIOHTTPSession):
    _contexts: ClassVar[dict[Any, ssl.SSLContext]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()  # built in worker threads, concurrently

    def _build_ssl_contexts(self, proxy_url: str | None) -> tuple[Any, Any]:
        if self._cert_file:
            return super()._build_ssl_contexts(proxy_url)  # per-client certificate: not shared
        proxy_context = self._setup_proxy_ssl_context(proxy_url) if proxy_url else None
        return self._shared_verify_context(), proxy_context

    def _shared_verify_context(self) -> ssl.SSLContext:
        key = self._verify
        with self._lock:
            context = self._contexts.get(key)
            if context is None:
                context = self._contexts[key] = self._build_verify_context()
        return context
