"""One module per service. Importing this package registers every collector."""

from __future__ import annotations

import importlib

from awsexplorer.scan.collectors.base import REGISTRY, Collector

# Add a service: write its module, then name it here.
SERVICE_MODULES = ("ec2", "s3")


def all_collectors() -> list[Collector]:
    for module in SERVICE_MODULES:
        importlib.import_module(f"awsexplorer.scan.collectors.{module}")
    return [REGISTRY[name] for name in sorted(REGISTRY)]


def required_actions() -> list[str]:
    """Every IAM action the scan calls: the least-privilege policy."""
    return sorted({action for c in all_collectors() for action in c.actions})
