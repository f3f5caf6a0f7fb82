"""`awsexplorer scan` run through the CLI with a snapshot file and a debug log, for the tests
that prove a value (a secret, an escape sequence) reaches none of the places a scan writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from awsexplorer.cli import main


@dataclass(frozen=True)
class ScanOutputs:
    snapshot: str
    out: str
    err: str
    log: str

    def places(self) -> tuple[tuple[str, str], ...]:
        """(text, where) for every place the scan wrote to."""
        return (
            (self.snapshot, "the snapshot"),
            (self.out, "stdout"),
            (self.err, "stderr"),
            (self.log, "the debug log"),
        )


def scan_with_debug_log(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> ScanOutputs:
    snapshot_path = tmp_path / "s.json"
    log_path = tmp_path / "debug.log"
    code = main(
        [
            "--log-file",
            str(log_path),
            *args,
            "--format",
            output_format,
            "--output",
            str(snapshot_path),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    return ScanOutputs(snapshot_path.read_text(), out, err, log_path.read_text())
