"""The passes that read every resource (relationship index, whois, exposure, cross-account links)
give the same answers on a snapshot read lazily (snapshot.LineResource) as on one read whole, and
keep no resource's tags or attributes parsed: at 1,000,000 resources keeping them would undo the
lazy read (issue 17). On the demo account's scan (moto), analysed, written and read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from awsexplorer import snapshot
from awsexplorer.checks import analyse
from awsexplorer.model import Resource, ScanResult, relationships, whois
from awsexplorer.model.exposure import analyse as exposure_analyse

pytestmark = pytest.mark.moto


def _unparsed(resources: list[Resource]) -> int:
    return sum(getattr(r, "_body", None) is not None for r in resources)


@pytest.fixture
def both(demo_regions_scan: ScanResult, tmp_path: Path) -> tuple[ScanResult, ScanResult]:
    path = snapshot.write(analyse(demo_regions_scan), tmp_path / "demo.json")
    whole = snapshot.from_document(snapshot.read_document(path), str(path))
    lazy = snapshot.read(path)
    assert all(type(r) is snapshot.LineResource for r in lazy.resources)
    assert all(type(r) is Resource for r in whole.resources)
    assert _unparsed(lazy.resources) == len(lazy.resources) > 100
    return lazy, whole


def test_relationship_index_same_and_keeps_nothing(both: tuple[ScanResult, ScanResult]) -> None:
    lazy, whole = both
    lazy_index, whole_index = (
        relationships.build(lazy.resources),
        relationships.build(whole.resources),
    )
    assert _unparsed(lazy.resources) == len(lazy.resources)
    edges = sorted(whole_index.edges())
    assert len(edges) > 50  # the demo has edges to compare
    assert sorted(lazy_index.edges()) == edges


def test_whois_same_and_keeps_nothing(both: tuple[ScanResult, ScanResult]) -> None:
    lazy, whole = both
    lazy_index, whole_index = whois.build(lazy.resources), whois.build(whole.resources)
    assert _unparsed(lazy.resources) == len(lazy.resources)
    assert whole_index.address_count > 0 and whole_index.name_count > 0
    assert lazy_index.address_count == whole_index.address_count
    assert lazy_index.name_count == whole_index.name_count
    ips = sorted(
        {
            value
            for r in whole.resources
            for key, value in r.attributes.items()
            if key in ("private_ip", "public_ip") and isinstance(value, str) and value
        }
    )
    assert len(ips) > 5
    for ip in ips:
        assert [o.to_dict() for o in lazy_index.answer(ip)] == [
            o.to_dict() for o in whole_index.answer(ip)
        ]


def test_exposure_same_and_keeps_nothing(both: tuple[ScanResult, ScanResult]) -> None:
    lazy, whole = both
    lazy_exposure, whole_exposure = (
        exposure_analyse(lazy.resources),
        exposure_analyse(whole.resources),
    )
    assert _unparsed(lazy.resources) == len(lazy.resources)
    verdicts = sorted(map(repr, whole_exposure.verdicts))
    assert whole_exposure.reachable()  # the demo has exposed resources
    assert sorted(map(repr, lazy_exposure.verdicts)) == verdicts
