"""The versioned JSON snapshot: the one boundary between scanning and everything else.

`scan` writes it, the TUI opens it offline, tests and scripts read it. The format is documented
in docs/snapshot-format.md; change both together and bump SNAPSHOT_VERSION on any breaking change.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from awsexplorer import __version__
from awsexplorer.errors import UserError
from awsexplorer.model import (
    Account,
    CheckResult,
    Finding,
    RegionScan,
    RegionStatus,
    Resource,
    ScanResult,
)

SNAPSHOT_FORMAT = "awsexplorer.snapshot"
SNAPSHOT_VERSION = 1


REWRITE_HINT = "Write a fresh one with `awsexplorer scan --output FILE`."


class SnapshotError(UserError):
    """A snapshot that cannot be read; the message is one line, fit to show a user."""


def to_dict(result: ScanResult) -> dict[str, Any]:
    """The snapshot document, sorted so that two scans of one account compare line by line."""
    return {
        "format": SNAPSHOT_FORMAT,
        "version": SNAPSHOT_VERSION,
        "generator": f"awsexplorer {__version__}",
        "account": result.account.to_dict(),
        "profile": result.profile,
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "regions": [
            r.to_dict()
            for r in sorted(result.regions, key=lambda r: r.name)
            if r.status not in (RegionStatus.PENDING, RegionStatus.SCANNING)
        ],
        "resources": [
            r.to_dict() for r in sorted(result.resources, key=lambda r: (r.region, r.type, r.id))
        ],
        "findings": [
            f.to_dict()
            for f in sorted(
                result.findings, key=lambda f: (f.severity.rank, f.check, f.region, f.resource)
            )
        ],
        "checks": [c.to_dict() for c in sorted(result.checks, key=lambda c: c.id)],
    }


def dumps(result: ScanResult) -> str:
    return json.dumps(to_dict(result), indent=1, ensure_ascii=False, default=str) + "\n"


def write(result: ScanResult, path: str | os.PathLike[str]) -> Path:
    """Write atomically (temp file + rename) with mode 0600: a snapshot describes an account."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(dumps(result))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def from_dict(data: Any, source: str = "snapshot") -> ScanResult:
    if not isinstance(data, dict) or data.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotError(
            f"{source} is not an awsexplorer snapshot (no 'format' header).", REWRITE_HINT
        )
    version = data.get("version")
    if version != SNAPSHOT_VERSION:
        raise SnapshotError(
            f"{source} is snapshot version {version!r}; this awsexplorer reads version "
            f"{SNAPSHOT_VERSION}. Upgrade awsexplorer or re-run `awsexplorer scan`."
        )
    try:
        return ScanResult(
            account=Account.from_dict(data["account"]),
            profile=data.get("profile"),
            started_at=str(data["started_at"]),
            finished_at=data.get("finished_at"),
            regions=[RegionScan.from_dict(r) for r in data["regions"]],
            resources=[Resource.from_dict(r) for r in data["resources"]],
            findings=[Finding.from_dict(f) for f in data.get("findings") or []],
            checks=[CheckResult.from_dict(c) for c in data.get("checks") or []],
        )
    except KeyError as exc:
        raise SnapshotError(
            f"{source} is damaged: the field {exc.args[0]!r} is missing.", REWRITE_HINT
        ) from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise SnapshotError(f"{source} is damaged: {exc}.", REWRITE_HINT) from None


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """A snapshot is hundreds of thousands of acyclic objects made at once; the cyclic garbage
    collector would walk them again and again as they are made (half the read time of a
    100,000-resource file) and find nothing. Pause it for the read."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def loads(text: str, source: str = "snapshot") -> ScanResult:
    with _collector_paused():
        return _loads(text, source)


def _loads(text: str, source: str) -> ScanResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotError(
            f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}",
            "Was it cut short while copying? " + REWRITE_HINT,
        ) from None
    return from_dict(data, source)


def read(path: str | os.PathLike[str]) -> ScanResult:
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SnapshotError(f"{source}: no such file.", REWRITE_HINT) from None
    except IsADirectoryError:
        raise SnapshotError(f"{source} is a directory, not a snapshot file.") from None
    except PermissionError:
        raise SnapshotError(f"{source}: permission denied.") from None
    except UnicodeDecodeError:
        raise SnapshotError(f"{source} is not a text file, so not a snapshot.") from None
    return loads(text, source)
