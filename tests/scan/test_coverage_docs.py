"""docs/coverage.md is generated from the records and the collectors, and kept current."""

from __future__ import annotations

from pathlib import Path

from awsexplorer.model.kinds import KINDS
from awsexplorer.scan import coverage_docs


def test_docs_coverage_is_current() -> None:
    # The checkout's docs, not the installed package's neighbour (CI installs it into a venv).
    current = (Path(__file__).resolve().parents[2] / "docs" / "coverage.md").read_text(
        encoding="utf-8"
    )
    assert current == coverage_docs.render_markdown(), (
        "docs/coverage.md is stale: run python -m awsexplorer.scan.coverage_docs"
    )


def test_it_lists_every_dedicated_type_with_its_calls_and_what_the_catch_all_misses() -> None:
    text = coverage_docs.render_markdown()
    for kind in KINDS:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{kind.type}` |"))
        assert "(none)" not in row, row  # every type has a collector and it makes calls
    assert "`ec2:DescribeInstances`" in text
    assert "untagged* resource of a type without a dedicated" in text
    assert '"Other (tagged)"' in text
