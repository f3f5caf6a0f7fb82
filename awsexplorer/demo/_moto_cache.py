"""Two per-request costs of moto 5.2's server that the demo need not pay, cached in this process.

moto's dispatcher lists its own package directory (a `listdir` and ~180 `isdir` calls) to route
every request, and its response class lists the methods of the handling class
(`inspect.getmembers`) for every request. Both answers are fixed for an installed moto, and the
demo's server sends ~2,000 requests (seed and scan) through them. Cached, they cost nothing
after the first request; nothing else in moto changes.
"""

from __future__ import annotations

import functools
from typing import Any


def cache_moto_lookups() -> None:
    """Idempotent. Patches this process's moto (the demo's server runs in it)."""
    from moto import backends
    from moto.core import responses

    if getattr(backends, "_awsexplorer_cached", False):
        return
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    uncached = responses.method_names_from_class  # type: ignore[attr-defined]

    @functools.cache
    def method_names(clazz: Any) -> frozenset[str]:
        return frozenset(uncached(clazz))

    responses.method_names_from_class = method_names  # type: ignore[attr-defined,assignment]
    backends._awsexplorer_cached = True  # type: ignore[attr-defined]
