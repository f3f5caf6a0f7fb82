"""The HTTP session class every scanner client uses: aiobotocore's, with one TLS context shared
and, within one client pool, one connection pool.

aiobotocore builds a new SSLContext, loading the whole CA bundle, for every client (~25 ms of
CPU each). A scan makes one client per (service, region), a couple of hundred of them, so that
alone cost seconds. A context with the same verify settings is safe to share between
connectors: build it once per process. Clients with a client certificate keep their own.

Each client also had its own aiohttp connector, so its connections served it alone: a
17-region scan opened 828 TCP connections for 1,346 requests (one per client and more, each a
connect on both ends and, on AWS, a TLS handshake), and kept none for the next client to the
same host. `pooled_session_class` makes, for one ClientPool, a session class whose clients
share one connector (connections kept per host, as aiohttp keeps them: a client for another
service or region reaches another host on AWS, and the same one on a local endpoint). The
connector's bound on connections is the scan's bound on calls in flight (the scan bounds each
service and region itself: CallLimiter); the pool closes it after its clients.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from typing import Any, ClassVar

# isort: off
import awsexplorer.scan.aiohttp_import  # noqa: F401  (first: see its docstring)

# isort: on
import aiohttp
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


class _PoolConnector(aiohttp.TCPConnector):
    """A connector every client of one pool uses: a client's session closing does not close
    it (its connections serve the other clients); `close_shared` does, once the pool's
    clients are closed."""

    async def close(self, *, abort_ssl: bool = False) -> None:
        return None

    async def close_shared(self) -> None:
        await super().close()


class PooledTLSSession(SharedTLSSession):
    """SharedTLSSession whose clients share a connector per (verify, connector settings); made
    per ClientPool by `pooled_session_class`. Clients with a client certificate or behind a
    proxy keep their own connector, as SharedTLSSession builds it."""

    _connectors: ClassVar[dict[str, _PoolConnector]] = {}
    _limit: ClassVar[int] = 100

    async def _create_connector(self, proxy_url: str | None) -> Any:
        if proxy_url or self._cert_file:
            return await super()._create_connector(proxy_url)
        key = repr((self._verify, sorted(self._connector_args.items())))
        connector = self._connectors.get(key)
        if connector is None or connector.closed:
            # Built off the event loop, as aiobotocore builds it (it may load the CA bundle).
            ssl_context = await asyncio.to_thread(self._shared_verify_context)
            connector = self._connectors.get(key)  # another client may have made it meanwhile
            if connector is None or connector.closed:
                connector = self._connectors[key] = _PoolConnector(
                    limit=self._limit, ssl=ssl_context, **self._connector_args
                )
        return connector

    @classmethod
    async def close_connectors(cls) -> None:
        connectors = list(cls._connectors.values())
        cls._connectors.clear()
        for connector in connectors:
            await connector.close_shared()


def pooled_session_class(limit: int) -> type[PooledTLSSession]:
    """A PooledTLSSession class of its own for one ClientPool (its connectors are bound to the
    pool's event loop), with at most `limit` connections per connector."""
    return type(
        "PooledTLSSession", (PooledTLSSession,), {"_connectors": {}, "_limit": max(1, limit)}
    )
