"""One module per service. Importing every module here registers every collector."""

from __future__ import annotations

import importlib
import pkgutil

from awsexplorer.scan.collectors.base import REGISTRY, Collector

_NOT_SERVICES = frozenset({"base"})


def _import_all() -> None:
    # Every module in this package is a service: adding a file is all it takes.
    for module in pkgutil.iter_modules(__path__):
        if module.name not in _NOT_SERVICES and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")


def all_collectors() -> list[Collector]:
    _import_all()
    return [REGISTRY[name] for name in sorted(REGISTRY)]


def required_actions() -> list[str]:
    """Every IAM action the scan calls: the least-privilege policy."""
    return sorted({action for c in all_collectors() for action in c.actions})
