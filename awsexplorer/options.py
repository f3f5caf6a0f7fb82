"""What the user asked for on the command line, as plain data (no Textual, no aiobotocore).

Shared by the CLI, the TUI and the tests through `cli.make_app`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from awsexplorer.scan.config import ScanConfig
from awsexplorer.settings import Settings

if TYPE_CHECKING:
    from awsexplorer.model import ScanResult


@dataclass(frozen=True, slots=True)
class AppOptions:
    # Where to scan; ignored when `snapshot` is set.
    config: ScanConfig = field(default_factory=ScanConfig)
    # Scan the embedded demo account (in-process moto server) instead of AWS.
    demo: bool = False
    # Open this saved scan offline instead of scanning.
    snapshot: Path | None = None
    # The snapshot, already read by the CLI (which checks it before taking the screen), so the
    # app does not parse a large file twice.
    loaded: ScanResult | None = None
    # Override the per-account colour band (a colour name or #rrggbb).
    account_color: str | None = None
    # What the checks look for (disabled checks, required tags, staleness).
    settings: Settings = field(default_factory=Settings)
