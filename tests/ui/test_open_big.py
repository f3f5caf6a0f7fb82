"""Opening a big snapshot (issue 17): what ui/state.py does at load and on a key must not read
every resource's attributes (a lazy snapshot.read leaves them unparsed), and what it counts
once is kept, then counted again when the resources change. Issue 18: the state module does not
import the relationship, diff and whois models before the first paint."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from awsexplorer import snapshot
from awsexplorer.model import AccountScan, Resource, ScanResult
from awsexplorer.model.kinds import CATCH_ALL
from awsexplorer.ui.state import ExplorerState, SearchIndex, searchable_text

THREE = Path(__file__).parents[1] / "accounts" / "fixtures" / "three-accounts.json"


class Watched(Resource):
    """A resource that counts how often its attributes and tags are read (the properties are
    set below, over Resource's own slots)."""

    __slots__ = ("reads",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.reads: Counter[str] = Counter()
        super().__init__(*args, **kwargs)


def _watch(name: str) -> None:
    slot = Resource.__dict__[name]  # the dataclass's slot: where the value really is

    def get(self: Watched) -> Any:
        self.reads[name] += 1
        return slot.__get__(self)

    setattr(Watched, name, property(get, slot.__set__))


_watch("attributes")
_watch("tags")


def watched(account: str, region: str, kind: str, n: int, **attributes: Any) -> Watched:
    return Watched(
        arn=f"arn:aws:{kind.split(':')[0]}:{region}:{account}:{kind.split(':')[1]}/r-{n}",
        type=kind,
        id=f"r-{n}",
        name=f"name-{n}",
        region=region,
        tags={"team": f"t{n % 3}"},
        attributes=dict(attributes),
        account_id=account,
    )


def several(resources: list[Resource], accounts: list[AccountScan] | None = None) -> ScanResult:
    ids = sorted({r.account_id or "" for r in resources})
    result = snapshot.read(THREE)  # a result of several accounts, emptied and refilled
    result.resources = resources
    result.findings = []
    result.accounts = accounts or [AccountScan(id=a, alias=f"alias-{a}") for a in ids]
    return result


def test_a_load_reads_no_attributes_or_tags_of_a_registered_type_and_finds_the_catch_all() -> None:
    """The catch-all's flag is looked for only in types with no record in model/kinds.py (the
    catch-all never uses one): a million registered resources are indexed from their ARN,
    account, region and type alone."""
    plain = [watched("111111111111", "eu-west-1", "ec2:instance", n) for n in range(50)]
    tagged = watched("222222222222", "us-east-1", "acme:widget", 99, **{CATCH_ALL: True})
    state = ExplorerState()
    state.load(several([*plain, tagged]))
    state.account_counts()
    state.severity_counts()
    state.account_severities("111111111111")
    assert all(r.reads == Counter() for r in plain)
    assert state.group_of("acme:widget") == "Other (tagged)"
    assert state.group_of("ec2:instance") == "ec2"
    assert state.resources_of("eu-west-1", "ec2:instance") == sorted(
        plain, key=lambda r: (r.name.lower(), r.id)
    )


def test_the_groups_are_the_same_whatever_order_the_resources_come_in() -> None:
    """The load cuts runs of one (account, region, type) at C speed: a snapshot that lists them
    interleaved gives the same groups, in the order the resources came."""
    resources: list[Resource] = [
        watched(account, region, kind, n)
        for n, (account, region, kind) in enumerate(
            (a, r, k)
            for a in ("111111111111", "222222222222")
            for r in ("eu-west-1", "us-east-1")
            for k in ("ec2:instance", "ec2:volume")
            for _ in range(5)
        )
    ]
    shuffled = resources[:]
    random.Random(7).shuffle(shuffled)
    for order in (resources, shuffled):
        state = ExplorerState()
        state.load(several(order))
        for account in ("111111111111", "222222222222"):
            groups = state.account_groups(account)
            assert set(groups) == {
                (r, k) for r in ("eu-west-1", "us-east-1") for k in ("ec2:instance", "ec2:volume")
            }
            for (region, kind), items in groups.items():
                assert items == [
                    r for r in order if (r.account_id, r.region, r.type) == (account, region, kind)
                ]
        assert state.account_counts() == Counter({"111111111111": 20, "222222222222": 20})
        assert state.count("eu-west-1", "ec2:volume") == 10


def test_account_counts_are_kept_and_follow_a_new_load_and_narrowing() -> None:
    result = snapshot.read(THREE)
    state = ExplorerState()
    state.load(result)
    first = state.account_counts()
    expected = Counter(r.account_id or "" for r in result.resources)
    assert first == expected
    first["nobody"] = 7  # the caller's copy: the kept counts are not changed through it
    assert state.account_counts() == expected
    some = next(iter(expected))
    state.show_account(some)
    state.show_account("all")
    assert state.account_counts() == expected
    fewer = [r for r in result.resources if r.account_id != some]
    state.load(several(fewer, result.accounts))  # every account still, one of them emptied
    assert state.account_counts() == Counter(r.account_id or "" for r in fewer)
    assert state.account_counts()[some] == 0


def test_the_search_index_reads_tags_without_keeping_them_where_a_resource_can() -> None:
    """SearchIndex reads `peek_tags()` (a lazily read resource parses its tags without keeping
    them); the text is the same as from `tags`."""

    class Peeking(Watched):
        __slots__ = ()

        def peek_tags(self) -> dict[str, str]:
            self.reads["peek"] += 1
            return dict(Resource.__dict__["tags"].__get__(self))

    peeking: list[Resource] = [
        Peeking(**watched("1", "eu-west-1", "ec2:instance", n).to_dict()) for n in range(3)
    ]
    plain: list[Resource] = [watched("1", "eu-west-1", "ec2:instance", n) for n in range(3)]
    assert SearchIndex(peeking).chunks == SearchIndex(plain).chunks
    assert all(isinstance(r, Watched) and r.reads == Counter({"peek": 1}) for r in peeking)
    assert searchable_text(peeking[0]) == searchable_text(plain[0])
    assert SearchIndex(peeking).positions("t1") == [1]


def test_the_state_module_imports_no_relationship_diff_or_whois_model() -> None:
    """Issue 18: those are imported where they are used (a baseline, `u`, `:whois`)."""
    code = (
        "import sys, json; import awsexplorer.ui.state; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('awsexplorer.model'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out))
    assert not loaded & {
        "awsexplorer.model.relationships",
        "awsexplorer.model.diff",
        "awsexplorer.model.whois",
    }
    assert "awsexplorer.model.kinds" in loaded


def test_the_search_index_finds_the_same_across_its_chunks() -> None:
    """Joined per CHUNK resources: a hit in any chunk, at its first and last resource, is the
    same as a test per resource; no hit spans two resources or two chunks."""
    resources: list[Resource] = [
        watched("1", "eu-west-1", "ec2:instance", n) for n in range(3 * SearchIndex.CHUNK + 5)
    ]
    index = SearchIndex(resources)
    assert len(index.chunks) == 4
    edges = [SearchIndex.CHUNK - 1, SearchIndex.CHUNK, 3 * SearchIndex.CHUNK + 4]
    for needle in [*(f"r-{n}\n" for n in edges), "name-1", "t2", "zzz", "instance/r-2457"]:
        expected = [i for i, r in enumerate(resources) if needle in searchable_text(r)]
        assert index.positions(needle) == expected, needle
    last_first = searchable_text(resources[SearchIndex.CHUNK - 1])[-4:]
    spanning = last_first + searchable_text(resources[SearchIndex.CHUNK])[:4]
    assert index.positions(spanning) == []


def test_a_search_before_the_index_is_in_builds_it_on_a_big_estate(monkeypatch: Any) -> None:
    """Past INDEX_IN_PLACE resources, the first search builds the index once (a text per
    resource kept instead would cost as much and hold every text twice); below, and while a
    scan is coming in (the resources change with every event), a text per resource."""
    from awsexplorer.ui import state as module

    resources: list[Resource] = [watched("1", "eu-west-1", "ec2:instance", n) for n in range(40)]
    monkeypatch.setattr(module, "INDEX_IN_PLACE", 30)
    big = ExplorerState()
    big.load(several(resources))
    assert not big.search_ready
    assert [r.id for r in big.matching("name-3")] == [
        r.id for r in resources if "name-3" in searchable_text(r)
    ]
    assert big._search_index is not None and not big._search_text
    monkeypatch.setattr(module, "INDEX_IN_PLACE", 50)
    small = ExplorerState()
    small.load(several(resources))
    assert [r.id for r in small.matching("name-3")] == [r.id for r in big.matching("name-3")]
    assert not small.search_ready


def test_a_load_on_a_worker_thread_pauses_between_its_pieces_and_the_ui_thread_never(
    monkeypatch: Any,
) -> None:
    """state.loading_with: the load of the whole of a big snapshot runs on a worker thread
    and calls its pause (the app lets a key through there) between its pieces: the index by
    ARN, the groups, the findings' sort, the roll-up. Per thread: a load on another thread
    (the UI's) calls nothing."""
    import threading

    from awsexplorer.model import arn_numbers
    from awsexplorer.ui import state

    monkeypatch.setattr(state, "_PIECE", 50)
    monkeypatch.setattr(arn_numbers, "PIECE", 50)
    result = snapshot.read(THREE)
    where: list[str] = []

    def load() -> None:
        with state.loading_with(lambda: where.append(threading.current_thread().name)):
            loaded = ExplorerState()
            loaded.load(result)
            loaded.warm()
            assert loaded.resource_total == len({r.arn for r in result.resources})

    worker = threading.Thread(target=load, name="loader")
    worker.start()
    worker.join(30)
    assert len(where) > len(result.resources) // 50 and set(where) == {"loader"}
    before = len(where)
    with state.loading_with(None):
        ExplorerState().load(result)  # no pause given: nothing called
    ExplorerState().load(result)  # the UI thread's own: nothing called either
    assert len(where) == before
