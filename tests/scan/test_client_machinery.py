"""A scan's clients share their service's machinery (model, class, endpoint rules) across regions.

The adapter in scan/session.py wraps private methods of aiobotocore/botocore: these tests fail
loudly when the pinned versions change, so the adapter is re-checked against the new code
rather than silently sharing (or silently not sharing) anything.
"""

from __future__ import annotations

import asyncio
import inspect
import tomllib
from pathlib import Path
from typing import Any

import aiobotocore
import botocore
import botocore.client
import botocore.hooks
import botocore.regions
from aiobotocore.client import AioClientCreator
from aiobotocore.session import AioSession

from awsexplorer.scan import session as session_module
from awsexplorer.scan.session import MACHINERY_PINNED, ClientPool, make_session

ROOT = Path(__file__).resolve().parents[2]


def test_the_adapter_is_pinned_to_the_installed_and_declared_aiobotocore() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    declared = [d for d in pyproject["project"]["dependencies"] if d.startswith("aiobotocore")]
    assert declared == [f"aiobotocore=={MACHINERY_PINNED}"], (
        "aiobotocore's pin changed: re-read AioClientCreator.create_client, "
        "_create_client_class, ClientCreator._load_service_model and EndpointRulesetResolver "
        "against scan/session.py's adapter, then update MACHINERY_PINNED"
    )
    assert aiobotocore.__version__ == MACHINERY_PINNED


def test_the_wrapped_private_methods_have_the_signatures_the_adapter_expects() -> None:
    original = session_module._ADAPTER or {
        "load_model": botocore.client.ClientCreator._load_service_model,
        "create_class": AioClientCreator._create_client_class,
    }
    assert list(inspect.signature(original["load_model"]).parameters) == [
        "self",
        "service_name",
        "api_version",
    ]
    assert list(inspect.signature(original["create_class"]).parameters) == [
        "self",
        "service_name",
        "service_model",
    ]
    assert inspect.iscoroutinefunction(original["create_class"])
    load_ruleset = original.get(
        "load_ruleset", botocore.client.ClientCreator._load_service_endpoints_ruleset
    )
    assert list(inspect.signature(load_ruleset).parameters) == [
        "self",
        "service_name",
        "api_version",
    ]
    make_provider = original.get("make_provider", botocore.regions.EndpointProvider)
    assert list(inspect.signature(make_provider).parameters) == [
        "ruleset_data",
        "partition_data",
        "excluded_params",
    ]
    # The endpoint rules are parsed where the resolver makes its provider, by this name.
    assert "EndpointProvider(" in inspect.getsource(botocore.regions.EndpointRulesetResolver)
    # The alias cache the emitter's copies share, and how a copy is made.
    copy_aliaser = original.get("copy_aliaser", botocore.hooks.EventAliaser.__copy__)
    assert "_event_aliases" in inspect.getsource(copy_aliaser)
    assert "_alias_name_cache" in inspect.getsource(botocore.hooks.EventAliaser.__init__)
    assert botocore.__version__.startswith("1.")


async def _clients(session: AioSession, config: Any) -> dict[str, Any]:
    async with ClientPool(session, config) as pool:
        pairs = [("ec2", "eu-west-1"), ("ec2", "ap-southeast-2"), ("sqs", "eu-west-1")]
        clients = {f"{s}@{r}": await pool.get(s, r) for s, r in pairs}
        # Each still calls its own region: a VPC made in one is not listed in the other.
        vpcs = {
            key: await clients[key].describe_vpcs()
            for key in ("ec2@eu-west-1", "ec2@ap-southeast-2")
        }
        return {"clients": clients, "vpcs": vpcs}


def test_clients_of_one_service_share_model_class_and_endpoint_rules(
    scan_config: Any, moto_url: str
) -> None:
    import boto3

    from tests.conftest import TEST_KEY

    boto3.client(
        "ec2",
        region_name="ap-southeast-2",
        endpoint_url=moto_url,
        aws_access_key_id=TEST_KEY,
        aws_secret_access_key=TEST_KEY,
    ).create_vpc(CidrBlock="10.9.0.0/16")
    config = scan_config()
    got = asyncio.run(_clients(make_session(config), config))
    eu, ap, sqs = (
        got["clients"][k] for k in ("ec2@eu-west-1", "ec2@ap-southeast-2", "sqs@eu-west-1")
    )
    assert type(eu) is type(ap)
    assert eu.meta.service_model is ap.meta.service_model
    assert eu._ruleset_resolver._provider is ap._ruleset_resolver._provider
    assert type(sqs) is not type(eu)
    # One cache of event-name aliases for all the copies of the session's emitter.
    assert eu.meta.events._alias_name_cache is ap.meta.events._alias_name_cache
    assert eu.meta.events._alias_name_cache is sqs.meta.events._alias_name_cache
    assert eu.meta.events is not ap.meta.events  # each client still has its own handlers
    assert (eu.meta.region_name, ap.meta.region_name) == ("eu-west-1", "ap-southeast-2")
    eu_cidrs = {v["CidrBlock"] for v in got["vpcs"]["ec2@eu-west-1"]["Vpcs"]}
    ap_cidrs = {v["CidrBlock"] for v in got["vpcs"]["ec2@ap-southeast-2"]["Vpcs"]}
    assert "10.9.0.0/16" in ap_cidrs and "10.9.0.0/16" not in eu_cidrs


def test_a_session_no_pool_opted_in_builds_its_clients_as_aiobotocore_does(
    scan_config: Any,
) -> None:
    config = scan_config()
    make_session(config)  # any other session in the process: untouched

    async def two() -> tuple[Any, Any]:
        session = AioSession()
        session.set_credentials("x", "y")
        async with (
            session.create_client(
                "ec2", region_name="eu-west-1", endpoint_url=config.endpoint_url
            ) as a,
            session.create_client(
                "ec2", region_name="us-east-1", endpoint_url=config.endpoint_url
            ) as b,
        ):
            return a, b

    a, b = asyncio.run(two())
    assert type(a) is not type(b)
    assert a.meta.service_model is not b.meta.service_model
    assert a.meta.events._alias_name_cache is not b.meta.events._alias_name_cache


# -- the copy-on-write handler trie ---------------------------------------------------------

_EVENTS = [
    "before-call",
    "before-call.ec2",
    "before-call.ec2.DescribeVpcs",
    "before-call.s3.*",
    "needs-retry",
    "needs-retry.ec2.DescribeVpcs",
    "request-created.sqs",
    "choose-signer.*.*",
    "after-call.*.ListQueues",
]


def _search(trie: botocore.hooks._PrefixTrie, key: str) -> list[Any]:
    return list(trie.prefix_search(key))


def test_the_copy_on_write_trie_answers_as_botocores_trie_through_copies_and_changes() -> None:
    """A script of registrations, copies and removals, played on botocore's trie (full copies)
    and on the copy-on-write one: every lookup of every trie gives the same handlers in the same
    order, and a change to one copy is never seen by another."""
    import copy
    import random

    rng = random.Random(18)
    plain: list[botocore.hooks._PrefixTrie] = [botocore.hooks._PrefixTrie()]
    cow: list[botocore.hooks._PrefixTrie] = [session_module.CopyOnWriteTrie()]
    handlers = [object() for _ in range(40)]
    registered: list[list[tuple[str, object]]] = [[]]
    for step in range(600):
        which = rng.randrange(len(plain))
        action = rng.random()
        if action < 0.15 and len(plain) < 30:
            plain.append(copy.copy(plain[which]))
            cow.append(copy.copy(cow[which]))
            registered.append(list(registered[which]))
        elif action < 0.3 and registered[which]:
            key, handler = registered[which].pop(rng.randrange(len(registered[which])))
            plain[which].remove_item(key, handler)
            cow[which].remove_item(key, handler)
        else:
            key, handler = rng.choice(_EVENTS), rng.choice(handlers)
            section = rng.choice([0, 1, 2])
            plain[which].append_item(key, handler, section)
            cow[which].append_item(key, handler, section)
            registered[which].append((key, handler))
        for index in range(len(plain)):
            for event in ("before-call.ec2.DescribeVpcs", "needs-retry.ec2.DescribeVpcs"):
                assert _search(cow[index], event) == _search(plain[index], event), (step, index)
    for index in range(len(plain)):
        for event in (*_EVENTS, "before-call.s3.GetObject", "after-call.sqs.ListQueues"):
            assert _search(cow[index], event) == _search(plain[index], event)


def test_a_sharing_sessions_clients_copy_the_handler_trie_on_write(
    scan_config: Any,
) -> None:
    config = scan_config()
    session = make_session(config)
    session_module.share_client_machinery(session)
    emitter = session.get_component("event_emitter")._emitter
    assert isinstance(emitter._handlers, session_module.CopyOnWriteTrie)

    async def two() -> tuple[Any, Any]:
        async with ClientPool(session, config) as pool:
            return await pool.get("ec2", "eu-west-1"), await pool.get("ec2", "us-east-1")

    a, b = asyncio.run(two())
    a_trie, b_trie = a.meta.events._emitter._handlers, b.meta.events._emitter._handlers
    assert isinstance(a_trie, session_module.CopyOnWriteTrie) and a_trie is not b_trie
    # The client's own handlers (the pool's, botocore's per-client ones) are in its trie only.
    a_calls = _search(a_trie, "before-call.ec2.DescribeVpcs")
    b_calls = _search(b_trie, "before-call.ec2.DescribeVpcs")
    session_calls = _search(emitter._handlers, "before-call.ec2.DescribeVpcs")
    assert len(a_calls) == len(b_calls) > len(session_calls)
    assert set(map(id, session_calls)) <= set(map(id, a_calls)) & set(map(id, b_calls))
    assert set(map(id, a_calls)) != set(map(id, b_calls))  # each pool handler is per client
    # Nodes off the clients' own paths are still the session's, not copies.
    a_nodes, s_nodes = a_trie._root["children"], emitter._handlers._root["children"]
    shared = [k for k in s_nodes if k in a_nodes and a_nodes[k] is s_nodes[k]]
    assert shared


def test_the_kwargs_check_gives_botocores_answer_for_every_kind_of_handler() -> None:
    """The fast path of HierarchicalEmitter._verify_accept_kwargs (the code's CO_VARKEYWORDS
    flag instead of inspect.getfullargspec) accepts and refuses exactly what botocore does."""
    import functools

    session_module.share_client_machinery(AioSession())  # installs the adapter
    original = session_module._ADAPTER["verify_kwargs"]
    assert "accepts_kwargs" in inspect.getsource(original)  # what botocore checks with
    emitter = botocore.hooks.HierarchicalEmitter()

    def takes_kwargs(a: Any = None, **kwargs: Any) -> None: ...

    def no_kwargs(a: Any = None) -> None: ...

    class Handler:
        def method(self, **kwargs: Any) -> None: ...

        def strict(self, a: Any = None) -> None: ...

        def __call__(self, **kwargs: Any) -> None: ...

    def masked(**kwargs: Any) -> None: ...

    masked.__signature__ = inspect.Signature()  # type: ignore[attr-defined]
    handlers = [
        takes_kwargs,
        no_kwargs,
        Handler().method,
        Handler().strict,
        Handler(),
        functools.partial(takes_kwargs, 1),
        functools.partial(no_kwargs, 1),
        masked,
        lambda **kw: None,
        lambda x: None,
    ]

    def answer(verify: Any, handler: Any) -> Any:
        try:
            return ("returned", verify(emitter, handler))
        except ValueError:
            return ("refused", None)

    current = botocore.hooks.HierarchicalEmitter._verify_accept_kwargs
    assert current is not original
    for handler in handlers:
        assert answer(current, handler) == answer(original, handler), handler
    assert answer(current, no_kwargs) == ("refused", None)
    assert answer(current, masked) == ("refused", None)  # its own signature says no **kwargs


def test_model_files_read_with_orjson_hold_what_botocores_json_reader_gives() -> None:
    """The model files the adapter reads with orjson equal botocore's own reading of them
    (json with OrderedDicts): the service models, endpoint rules and paginators of the
    services a scan uses, and the shared endpoint and partition data."""
    import botocore.loaders

    from awsexplorer.scan.collectors import all_collectors

    session_module.share_client_machinery(AioSession())  # installs the adapter
    original = session_module._ADAPTER["load_json"]
    assert "object_pairs_hook" in inspect.getsource(original)
    loader = botocore.loaders.create_loader()
    services = sorted({c.service for c in all_collectors()} | {"sts"})
    paths = []
    for service in services:
        for kind in ("service-2", "endpoint-rule-set-1", "paginators-1"):
            try:
                version = loader.determine_latest_version(service, kind)
            except Exception:  # this service has no such file
                continue
            for base in loader.search_paths:
                candidate = Path(base) / service / version / kind
                if any(candidate.with_name(kind + ext).exists() for ext in (".json", ".json.gz")):
                    paths.append(str(candidate))
                    break
    paths += [
        str(Path(botocore.__file__).parent / "data" / name) for name in ("endpoints", "partitions")
    ]
    reader = botocore.loaders.JSONFileLoader()
    assert len(paths) > 60
    for path in paths:
        fast = reader.load_file(path)
        assert fast is not None, path
        assert type(fast) is dict
        for ext, open_method in botocore.loaders._JSON_OPEN_METHODS.items():
            slow = original(reader, path + ext, open_method)
            if slow is not None:
                break
        assert fast == slow, path
        assert list(fast) == list(slow), path  # same key order
