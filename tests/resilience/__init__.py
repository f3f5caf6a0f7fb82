"""Resilience: the scan under injected faults (a package, so its helpers import by name)."""
