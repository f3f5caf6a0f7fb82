"""The exposure analysis gives way (issue 17): on a worker thread at 1,000,000 resources it ran
beside the key presses and made each cost about twice its work, so it now calls `pause` every
so many resources (the UI's worker sleeps there while keys are pressed, as the relationship
index does), with the same verdicts; and it runs outside exposure_of's lock, so a small
estate's caller (the UI thread computes up to 10,000 resources in place) is never held behind
a big one."""

from __future__ import annotations

import threading

import pytest

from awsexplorer.model import Resource, exposure
from awsexplorer.model.exposure import analyse, exposure_of

from .test_exposure import WEB, instance, public_world

pytestmark = pytest.mark.unit


def estate(hosts: int = 40) -> list[Resource]:
    """A public subnet's web hosts (22 and 443 open to the world), half with a public address."""
    return [
        *public_world(),
        WEB,
        *(
            instance(f"i-web-{n}", "subnet-pub", ["sg-web"], f"203.0.113.{n}" if n % 2 else None)
            for n in range(hosts)
        ),
    ]


def verdicts(found: exposure.Exposure) -> list[str]:
    return sorted(map(repr, found.verdicts))


def test_the_analysis_pauses_and_finds_the_same() -> None:
    resources = estate()
    pauses: list[int] = []
    paused = analyse(resources, pause=lambda: pauses.append(1))
    assert pauses  # at the start of each paced pass with anything in it
    plain = analyse(resources)
    assert verdicts(paused) == verdicts(plain)
    assert len(plain.reachable()) == 2 * 20  # 22 and 443 on each host with an address


def test_a_pause_runs_every_pace_of_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    resources = estate()
    monkeypatch.setattr(exposure, "_PACE", 4)
    pauses: list[int] = []
    analyse(resources, pause=lambda: pauses.append(1))
    # The bucketing pass alone pauses every 4; then the 40 hosts' interfaces.
    assert len(pauses) >= len(resources) // 4 + 40 // 4


def test_another_caller_is_not_held_behind_an_analysis() -> None:
    """While one thread's analysis is paused (keys being pressed), another thread's
    exposure_of of other resources returns: before, the analysis held the lock throughout."""
    big, small = estate(), estate(3)
    answered = threading.Event()
    other: list[exposure.Exposure] = []

    def other_caller() -> None:
        other.append(exposure_of(small))
        answered.set()

    def pause() -> None:
        if not answered.is_set():
            threading.Thread(target=other_caller, daemon=True).start()
            assert answered.wait(10), "exposure_of of other resources waited for this analysis"

    found = exposure_of(big, pause=pause)
    assert answered.is_set() and len(other) == 1
    assert exposure_of(big) is found  # kept: every reader shares it
