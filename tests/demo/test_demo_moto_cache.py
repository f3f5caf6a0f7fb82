"""The demo's cache of moto's per-request lookups answers as moto does (demo/_moto_cache.py)."""

from __future__ import annotations

import inspect
import os

from moto import backends
from moto.core import responses
from moto.ec2.responses import EC2Response

from awsexplorer.demo import demo_config


def test_cached_lookups_answer_as_moto_does() -> None:
    demo_config()  # starts the demo's server, which installs the cache
    assert getattr(backends, "_awsexplorer_cached", False)
    moto_dir = inspect.getfile(backends).rsplit("/", 1)[0]

    listed = sorted(
        name
        for name in os.listdir(moto_dir)
        if os.path.isdir(os.path.join(moto_dir, name)) and not name.startswith("__")
    )
    assert list(backends.list_of_moto_modules()) == listed
    names = vars(responses)["method_names_from_class"](EC2Response)
    expected = {n for n, _ in inspect.getmembers(EC2Response, predicate=inspect.isfunction)}
    assert set(names) == expected and "describe_instances" in names
    assert vars(responses)["method_names_from_class"](EC2Response) is names  # computed once
