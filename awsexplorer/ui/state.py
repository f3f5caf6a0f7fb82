"""What the UI shows, as plain data: scan events or a snapshot in, look-ups out.

No Textual here (a boundary test proves it), so the bookkeeping behind the tree, the header and
the search is tested without running an app. Every mutation happens on the UI thread.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import accumulate, chain, compress, groupby, islice, repeat, zip_longest
from operator import attrgetter, contains, is_, methodcaller, not_, or_
from time import perf_counter
from typing import TYPE_CHECKING, Any, TypeVar, assert_never

from awsexplorer.model import (
    GLOBAL_REGION,
    Account,
    AccountScan,
    CallError,
    CheckResult,
    CheckSettings,
    Finding,
    RegionScan,
    RegionStatus,
    Resource,
    ScanResult,
    Severity,
)
from awsexplorer.model.defaults import only_aws_defaults
from awsexplorer.model.findings import Scope
from awsexplorer.model.kinds import CATCH_ALL, REGISTRY, is_catch_all, kind_of
from awsexplorer.ui.arn_index import ArnIndex

if TYPE_CHECKING:
    # Imported where used (a baseline, `u`, `:whois`): ~340 M instructions before the first
    # paint otherwise (issue 18), for views most sessions never open.
    from awsexplorer.model.diff import ResourceChange, ScanDiff
    from awsexplorer.model.exposure import Exposure
    from awsexplorer.model.relationships import RelationIndex
    from awsexplorer.model.whois import WhoisIndex

    # A snapshot's open applies no scan event: imported where events are applied (apply), not
    # on the way to the first frame (~5 ms of it, measured by FRAME).
    from awsexplorer.scan.events import ScanEvent, ScanStarted

# The tree's group for the catch-all's generic resources (tagged, of a type with no collector).
OTHER_TAGGED = "Other (tagged)"
NOT_ENABLED_REASON = "not enabled for this account (opt-in region)"
_ARN = attrgetter("arn")
_REGION = attrgetter("region")
_TYPE = attrgetter("type")
_SEVERITY = attrgetter("severity")
_PLACE = attrgetter("account_id", "region", "type")
_ATTRIBUTES = attrgetter("attributes")
_RESOURCE = attrgetter("resource")
_SCOPE = attrgetter("scope")
_CHECK = attrgetter("check")
# A severity's place in Severity (most severe first), read at C speed (Severity.rank walks the
# enum).
_SEVERITY_ORDER = attrgetter("severity._sort_order_")
_CATCH_ALL = methodcaller("get", CATCH_ALL)
# Past this many resources, a search typed before the search index is in builds it (matching).
INDEX_IN_PLACE = 20_000
# A suggestion list ranks at most this many of the resources holding what was typed (and every
# one it names exactly): see ExplorerState.search.
SEARCH_MOST = 5_000
# Seconds a suggestion list looks through resources one by one while the worker builds the
# search index (ExplorerState._first_holding).
SEARCH_BUDGET = 0.05
# Past this many resources, the internet exposure (every resource's network path) is worked out
# by a worker the app starts (on_exposure_wanted) instead of on the UI thread: ~1.2 s of CPU at
# 100,000 resources, ~12 s at 1,000,000, on the first detail of an instance, ENI, load balancer.
# 50,000 held a key for 260-300 ms (40,000 resources: the first accounts of a large snapshot
# shown as it is read); ~7 us a resource puts 10,000 near the keys' 100 ms.
EXPOSURE_IN_PLACE = 10_000
# When what needs every resource is worked out: a scan's end, or a large snapshot read whole.
UNTIL_SCANNED = "when the scan finishes"
UNTIL_READ = "once the snapshot is read"
# A default VPC's plumbing is a dozen resources; a region with more holds something of the user's.
MAX_DEFAULT_RESOURCES = 64


@dataclass(slots=True)
class RegionView:
    """One region as the header and the tree show it, while scanning and after."""

    name: str
    status: RegionStatus
    done: int = 0
    total: int = 0
    reason: str | None = None
    errors: list[CallError] = field(default_factory=list)
    retrying: str | None = None  # "ec2 DescribeVpcs": a call there is being retried right now

    @property
    def finished(self) -> bool:
        return self.status not in (RegionStatus.PENDING, RegionStatus.SCANNING)


@dataclass(frozen=True, slots=True)
class NodeRef:
    """What a tree node stands for: plain data shared by the tree, the detail pane and tests."""

    kind: str  # "account" | "region" | "service" | "type" | "resource" | "more" | "not-enabled"
    region: str | None = None
    service: str | None = None
    type: str | None = None
    arn: str | None = None


# The pause of the load running on this thread (loading_with): a state is loaded on a worker
# thread while the UI goes on, and gives way between its pieces to the key being handled. Per
# thread, so that the UI thread, which loads nothing this way, never waits in one.
_loading = threading.local()


@contextmanager
def loading_with(pause: Callable[[], None] | None) -> Iterator[None]:
    """Loads on this thread call `pause()` between their pieces (give_way), until the end."""
    _loading.pause = pause
    try:
        yield
    finally:
        _loading.pause = None


def give_way() -> None:
    """Between two pieces of a load: the pause loading_with gave this thread (none, else)."""
    pause = getattr(_loading, "pause", None)
    if pause is not None:
        pause()


def region_order(name: str) -> tuple[int, str]:
    """Global first, then regions by name."""
    return (name != GLOBAL_REGION, name)


def searchable_text(resource: Resource) -> str:
    """What `/` and `:` match against: id, ARN, name, type, the type's title ("EC2 instance",
    from its record in model/kinds.py) and tag values (lower case)."""
    return "\n".join(_searchable_parts(resource)).lower()


def _searchable_parts(resource: Resource) -> list[str]:
    """id, ARN, name, type, title, tag values: what searchable_text joins."""
    title = kind_of(resource.type).title
    parts = [resource.id, resource.arn, resource.name, resource.type, title]
    # Read, not kept: the search index reads every resource's tags once, and a lazily read
    # snapshot's resource would otherwise keep 1,000,000 parsed dicts for it.
    parts += resource.peek_tags().values()
    return parts


def _index_text(resource: Resource) -> str:
    """searchable_text as the search index holds it: the id, ARN and name each between
    SearchIndex.HEAD marks (so that one of them equal to a needle is found as
    HEAD<needle>HEAD), the rest as searchable_text has it."""
    head = SearchIndex.HEAD
    parts = _searchable_parts(resource)
    return f"{head}{head.join(parts[:3])}{head}{chr(10).join(parts[3:])}".lower()


class SearchIndex:
    """Every resource's searchable text in a few long strings, so that `:` and `/` find a
    needle with str.find at C speed instead of a Python test per resource (1,000,000 per key
    typed). Texts are separated by NUL, which a typed needle never holds, so no match spans
    two. Joined per CHUNK resources and searched chunk by chunk: the texts of one chunk at a
    time are alive while it is built, not 1,000,000 of them next to their join (~190 MB more
    at the peak of a 1,000,000-resource snapshot, whose index is 140 MB)."""

    SEPARATOR = "\0"
    HEAD = "\x01"  # around each of a text's id, ARN and name (_index_text)
    CHUNK = 8192

    def __init__(self, resources: list[Resource], pause: Callable[[], None] | None = None) -> None:
        self.resources = resources
        # (position of the chunk's first resource, where each text starts in it, its text)
        self.chunks: list[tuple[int, array[int], str]] = []
        for first in range(0, len(resources), self.CHUNK):
            if pause is not None:
                pause()  # on a worker thread: key presses first (give_way_to_keys)
            texts = [_index_text(r) for r in resources[first : first + self.CHUNK]]
            starts = array("q", accumulate((len(text) + 1 for text in texts), initial=0))
            starts.pop()  # where the text after the last one would start
            self.chunks.append((first, starts, self.SEPARATOR.join(texts)))

    def positions(self, needle: str, most: int | None = None) -> list[int]:
        """The positions (in `resources`) of every resource whose text holds `needle`, in
        order; only the first `most` of them, when given (a short needle can match them all)."""
        if not needle or any(mark in needle for mark in (self.SEPARATOR, self.HEAD, "\n")):
            found = [i for i, r in enumerate(self.resources) if needle in searchable_text(r)]
            return found[:most] if most is not None else found
        return self._find(needle, most)

    def matching(self, needle: str) -> list[Resource]:
        """The resources whose text holds `needle` (lower case), in order."""
        return list(map(self.resources.__getitem__, self.positions(needle)))

    def named(self, name: str) -> list[int]:
        """The positions of every resource whose id, ARN or name is `name` (lower case; some
        more, with a hostile mark in a tag value: check them)."""
        if not name or any(mark in name for mark in (self.SEPARATOR, self.HEAD, "\n")):
            return []
        return self._find(f"{self.HEAD}{name}{self.HEAD}", None)

    def _find(self, needle: str, most: int | None) -> list[int]:
        found: list[int] = []
        for first, starts, text in self.chunks:
            find = text.find
            last = len(starts) - 1
            at = find(needle)
            hits = 0
            while at != -1:
                index = bisect_right(starts, at) - 1
                found.append(first + index)
                if most is not None and len(found) >= most:
                    return found
                if index == last:
                    break
                hits += 1
                if hits == _DENSE:
                    # Most texts here hold it (`a` is in every ARN): the rest of the chunk's
                    # texts tested one by one at C speed, not a Python step per match (cut
                    # with split, twice as quick as a slice per text, unless a text holds a
                    # NUL of its own: a tag value can).
                    parts = text.split(self.SEPARATOR)
                    if len(parts) == last + 1:
                        texts: Iterable[str] = islice(parts, index + 1, None)
                    else:
                        ends = [*starts[index + 2 :], len(text) + 1]
                        texts = map(
                            text.__getitem__,
                            map(slice, starts[index + 1 :], map((-1).__add__, ends)),
                        )
                    del parts
                    found += compress(
                        range(first + index + 1, first + last + 1),
                        map(contains, texts, repeat(needle)),
                    )
                    if most is not None and len(found) >= most:
                        return found[:most]
                    break
                at = find(needle, starts[index + 1])
        return found


# Matches in one chunk of the search index after which the rest of it is tested text by text.
_DENSE = 64


def _by_region_type() -> dict[str, dict[str, dict[str, Resource]]]:
    """region -> type -> ARN -> resource, each level made on first use."""
    return defaultdict(lambda: defaultdict(dict))


T = TypeVar("T")


def grouped_by_runs(items: Iterable[T], key: Callable[[T], Any]) -> dict[Any, list[T]]:
    """The items (resources, findings) grouped by `key`, each group in order: runs of one key
    are cut at C speed (groupby), so Python runs once per run, not once per item; any order
    gives the same groups, only more runs."""
    groups: dict[Any, list[T]] = {}
    group = groups.get
    for value, run in groupby(items, key):
        found = group(value)
        if found is None:
            groups[value] = list(run)
        else:
            found.extend(run)
    return groups


def listed(resources: Collection[Resource]) -> list[Resource]:
    """The resources an *_input gave, listed by the worker that builds from them, not by the
    UI thread: at 1,000,000 resources each list is ~15 ms, and while it is young every
    collection walks it (the whole's showing held a key for 230-260 ms with two of them).
    One C call under the GIL, so a scan adding resources meanwhile is seen before or after,
    never half (the version then says the build is of an older view, and it is refused)."""
    return list(resources)


# What `:account NAME` does not keep with the view of every account (show_account): the
# session's own fields, which stay as they are when that view comes back.
_SESSION_FIELDS = frozenset(
    {
        "note",
        "scanning",
        "reading",
        "partial_rescan",
        "full",
        "account_view",
        "baseline",
        "baseline_name",
        "on_exposure_wanted",
        "_every_account",
        "_parts",
        "_versions",
    }
)


# Resources indexed per C call where one call over all would hold the interpreter for long (a
# state is loaded on a worker thread while the UI thread handles keys): ~7 ms a piece.
_PIECE = 20_000
# A piece of a pass that looks each item's resource up by ARN: at 1,000,000 resources each look
# is a cache miss or more (the objects are spread over gigabytes), and 20,000 at a time held
# the interpreter 40-60 ms.
_LOOKUP_PIECE = 5_000
_SEVERITY_CHECK = attrgetter("severity._sort_order_", "check")


def ordered_findings(findings: list[Finding]) -> list[Finding]:
    """The findings worst first, then by check, then by resource: the list a stable sort on
    those keys gives (findings alike on all three keep their order), made of the runs of one
    severity and check, each put in resource order by by_resource."""
    buckets: dict[tuple[int, str], list[Finding]] = grouped_by_runs(findings, _SEVERITY_CHECK)
    ordered: list[Finding] = []
    for key in sorted(buckets):
        ordered += by_resource(buckets[key])
    return ordered


def by_resource(findings: list[Finding]) -> list[Finding]:
    """The findings stably sorted by resource, by pieces of _PIECE sorted and then merged two
    at a time (a sort of two runs is a merge: timsort finds them), so that no one C call holds
    the interpreter long: one sort of the 540,000 findings of one check at 1,000,000 resources
    held it 250 ms, while another thread (the UI) waited. Stable: of two pieces merged, the
    earlier one's findings come first among equals."""
    pieces = []
    for start in range(0, len(findings), _PIECE):
        give_way()
        pieces.append(sorted(findings[start : start + _PIECE], key=_RESOURCE))
    while len(pieces) > 1:
        none: list[Finding] = []
        merged = []
        for first, second in zip_longest(pieces[::2], pieces[1::2], fillvalue=none):
            give_way()
            merged.append(sorted(first + second, key=_RESOURCE))
        pieces = merged
    return pieces[0] if pieces else []


class ExplorerState:
    """The scan as the UI knows it: account, regions, resources by region and type, findings."""

    def __init__(self) -> None:
        self.account: Account | None = None
        self.profile: str | None = None
        self.started_at: str = ""
        self.finished_at: str | None = None
        self.scanning = False
        # While `scanning`: a large snapshot being read (snapshot_opening), not a scan.
        self.reading = False
        self.note: str | None = None  # what is happening before the first event ("starting…")
        # The scan under way covers only some regions: keep what the others hold.
        self.partial_rescan = False
        self.regions: dict[str, RegionView] = {}
        self.findings: list[Finding] = []
        self.checks: list[CheckResult] = []
        self.settings: CheckSettings | None = None  # what the findings were judged with
        # Every account of a snapshot or scan of several (empty for one: see ScanResult).
        self.accounts: list[AccountScan] = []
        # A snapshot of several accounts, whole, and the one `:account` narrowed to (see load).
        self.full: ScanResult | None = None
        self.account_view: str | None = None
        self._resources = ArnIndex()
        # ARN -> the accounts it came from, when more than one (shown once, and said: see _add).
        self.shared_arns: dict[str, set[str]] = {}
        self._by_region_type: dict[str, dict[str, dict[str, Resource]]] = _by_region_type()
        self._findings_by_arn: dict[str, list[Finding]] = {}
        self._account_findings: list[Finding] | None = None  # account_findings(), kept
        self._account_level: list[Finding] = []
        # (region, type) -> (account, id) -> ARN, and (None, id) -> ARN for any account: made
        # per (region, type) on first use (by_id), for the few types a detail looks up, not
        # for every resource when a snapshot is loaded (1,000,000 keys at 1,000,000).
        self._by_id: dict[tuple[str, str], dict[tuple[str | None, str], str]] = {}
        # (region, type) -> positions in self.findings of the findings on its resources (listed
        # ones, not account-wide): made on first use (findings_in), kept until either changes.
        self._findings_at: dict[tuple[str, str], list[int]] | None = None
        # account -> its findings' severities (the account nodes' badges and details).
        self._account_severities: dict[str, Counter[Severity]] | None = None
        # A result of several accounts: account -> (region, type) -> resources, for the tree's
        # account level (filled once when it is loaded, so expanding an account of a
        # 1,000,000-resource snapshot does not walk every resource).
        self._by_account: dict[str, dict[tuple[str, str], list[Resource]]] = {}
        self._index_accounts = False
        self._account_totals: Counter[str] | None = None  # account_counts(), kept
        self._search_text: dict[str, str] = {}  # ARN -> searchable_text, filled on demand
        # `:` and `/` over every resource at once, built off the UI thread (search_input /
        # set_search_index) for one version of the resources; until then, text_of per resource.
        self._search_index: SearchIndex | None = None
        self.search_building: int | None = None  # the version a worker builds an index for
        self._catch_all_types: set[str] = set()  # types seen only through the catch-all
        self._whois: WhoisIndex | None = None  # `:` address answers, built on first use
        # What uses what (model/relationships.py): built once per version of the resources,
        # off the UI thread by the app (relations_input / set_relations) or on first use.
        self._relations: RelationIndex | None = None
        self._relations_version = 0
        self._versions = 0  # the last version given (_relations_changed): none is given twice
        # Internet exposure (model/exposure.py), one per version of the resources: computed in
        # place for an estate up to EXPOSURE_IN_PLACE, else by the app's worker, which
        # on_exposure_wanted starts (exposure_input / set_exposure / exposure_failed).
        self._exposure: Exposure | None = None
        self._exposure_asked = False
        self.exposure_error: str | None = None
        self.on_exposure_wanted: Callable[[], None] | None = None
        # --baseline / :baseline: an earlier scan the tree is marked against (see set_baseline).
        self.baseline: ScanResult | None = None
        self.baseline_name: str | None = None
        self.changes: ScanDiff | None = None
        self._marks: dict[str, str] = {}  # ARN -> "+" added, "~" changed, "-" removed
        self._changed: dict[str, ResourceChange] = {}
        self._removed: dict[tuple[str, str], list[Resource]] = {}
        self._removed_by_arn: dict[str, Resource] = {}
        self._mark_rollup: dict[tuple[str | None, str | None, str | None], Counter[str]] = {}
        # (region, type, service) -> severities; None = not computed since the last change.
        self._rollup: dict[tuple[str | None, str | None, str | None], Counter[Severity]] | None = (
            None
        )

        # `:account NAME` (show_account): the view of every account, kept to come back to
        # (with the baseline it was marked against), and the snapshot split by account.
        self._every_account: tuple[ScanResult | None, dict[str, Any]] | None = None
        self._parts: dict[str, ScanResult] | None = None

    # -- input ------------------------------------------------------------------------------

    def load(self, result: ScanResult) -> None:
        """Replace everything with a finished (and analysed) scan or a snapshot."""
        # Several accounts: kept whole, so that `:account NAME` can narrow to one and back.
        self._every_account_of(result if result.multi_account else None)
        self._load(result)

    def _every_account_of(self, full: ScanResult | None) -> None:
        """A new scan of several accounts (or None), shown whole: no `:account` narrowing."""
        self.full = full
        self.account_view = None
        self._every_account = None
        self._parts = None

    def show_account(self, wanted: str | None) -> AccountScan | None:
        """`:account NAME`: every view shows only that account (its id, alias or name), as a
        scan of it alone; None or "all": every account again. Returns the account shown (None
        for all). Raises KeyError when no account is called so."""
        from awsexplorer.model.accounts import find_account

        if self.full is None:
            raise KeyError(wanted or "")
        if not wanted or wanted.strip().lower() in ("all", "*"):
            kept, self._every_account = self._every_account, None
            if self.account_view is not None:
                self.account_view = None
                if kept is not None and kept[0] is self.baseline:
                    self._restore_view(kept[1])
                else:
                    self._load(self.full)
            return None
        account = find_account(self.full.account_scans(), wanted)
        if account is None:
            raise KeyError(wanted)
        part = self._split_accounts()[account.id]
        part.checks = list(account.checks) or part.checks
        if self.account_view is None:
            # Every account's view, kept as it is (indexes, findings, relations, caches), so
            # that `:account all` comes back to it at once: at 1,000,000 resources loading it
            # again took 1.6-1.9 s.
            self._every_account = (self.baseline, self._view_fields())
        self._load(part)
        self.account_view = account.id
        return account

    def adopt(self, built: ExplorerState) -> dict[str, Any]:
        """Show what `built` was loaded with (`load`, run off the UI thread: 1-3 s at
        1,000,000 resources): its view replaces this one's, the session's fields stay (a
        baseline is marked again), and the view is a new version of the resources. Returns
        the view replaced, for the caller to drop where freeing it costs the UI nothing (its
        indexes of 1,000,000 resources took ~60 ms to free)."""
        replaced = self._view_fields()
        self._every_account_of(built.full)
        self._parts = built._parts  # split off the UI thread too (warm)
        self._restore_view(built._view_fields())
        self._versions += 1  # never one given before (the built state counted its own)
        self._relations_version = self._versions
        if self.baseline is not None:
            self.set_baseline(self.baseline, self.baseline_name)
        return replaced

    @property
    def until_whole(self) -> str:
        """When what needs every resource (internet paths, exposure) will be worked out."""
        return UNTIL_READ if self.reading else UNTIL_SCANNED

    def warm(self) -> None:
        """Work out now what the tree's first frame asks of a loaded state (the findings'
        roll-up, each account's severities and resources, the account's own findings) and what
        the first `:account` does (the split into accounts): for a state loaded off the UI
        thread (adopt), ~0.4 s less there at 1,000,000 resources."""
        self.severity_counts()
        self.account_counts()
        self.account_severities("")
        self.account_findings()
        self._split_accounts()

    def _split_accounts(self) -> dict[str, ScanResult]:
        """Each account of a snapshot of several as a scan of its own (`:account NAME`), kept:
        at 1,000,000 resources the split is ~80 ms, the first `:account` took 190-270 ms."""
        from awsexplorer.model.accounts import split

        if self._parts is None:
            self._parts = {a.id: p for a, p in split(self.full)} if self.full is not None else {}
        return self._parts

    def _view_fields(self) -> dict[str, Any]:
        """What the view is made of: every field but the session's (_SESSION_FIELDS)."""
        return {k: v for k, v in vars(self).items() if k not in _SESSION_FIELDS}

    def _restore_view(self, fields: dict[str, Any]) -> None:
        # With its version of the resources: a worker still building for it (the relations of
        # 1,000,000 resources take ~50 s) gives it its index; one building for the view left
        # behind, whose version is never used again, gives it to no one.
        vars(self).update(fields)

    @property
    def member_accounts(self) -> list[AccountScan]:
        """Every account of a snapshot of several (empty for one)."""
        return self.full.account_scans() if self.full is not None else []

    def _load(self, result: ScanResult) -> None:
        self.account = result.account
        self.profile = result.profile
        self.started_at = result.started_at
        self.finished_at = result.finished_at
        self.scanning = False
        self.regions = {
            r.name: RegionView(r.name, r.status, reason=r.reason, errors=list(r.errors))
            for r in result.regions
        }
        # New containers, not cleared ones: the view of every account may be kept aside
        # (show_account) with the ones it had.
        self._resources = ArnIndex()
        self.shared_arns = {}
        self._search_text = {}
        self._relations_changed()
        self._by_region_type = _by_region_type()
        self._by_id = {}
        self._catch_all_types = set()
        self._by_account = {}
        self._account_totals = None
        self._index_accounts = result.multi_account
        self._add(result.resources)
        self._index_accounts = False  # later additions (a live scan) are of one account
        for name in self._by_region_type:
            # A bucket can live in a region outside the scanned set: still show it.
            self.regions.setdefault(name, RegionView(name, RegionStatus.OK))
        self.set_findings(result.findings)
        self.checks = list(result.checks)
        self.settings = result.settings
        self.accounts = list(result.accounts)
        if self.baseline is not None:
            self.set_baseline(self.baseline, self.baseline_name)

    def set_findings(self, findings: list[Finding]) -> None:
        # Worst first, then by check and resource (ordered_findings). A state is loaded on a
        # worker thread while the UI goes on: every pass below over the findings is made in
        # pieces or in Python, none in one C call over 800,000 (each such held the interpreter
        # 150-360 ms at the end of a live scan of 50 accounts x 20,000, the UI waiting).
        ordered = ordered_findings(findings)
        self.findings = ordered
        # Account-level warnings are shown on the account, not on the root user. The rest by
        # resource, worst first still (grouped in order, a run at a time: no sort needed).
        # Finding.account_level, at C speed.
        levels = list(map(is_, map(_SCOPE, ordered), repeat(Scope.ACCOUNT)))
        self._account_level = list(compress(ordered, levels)) if any(levels) else []
        on_resources = list(compress(ordered, map(not_, levels))) if any(levels) else ordered
        self._findings_by_arn = grouped_by_runs(on_resources, _RESOURCE)
        # account_findings() for the resources listed now (the root's detail asks for it in
        # the first frame; 200,000 findings at 1,000,000 resources).
        own: list[Finding] = []
        for start in range(0, len(ordered), _LOOKUP_PIECE):
            give_way()
            piece = ordered[start : start + _LOOKUP_PIECE]
            unlisted = map(is_, self._resources.get_many(map(_RESOURCE, piece)), repeat(None))
            own += compress(piece, map(or_, levels[start : start + _LOOKUP_PIECE], unlisted))
        self._rollup = None
        self._account_findings = own
        self._findings_at = None
        self._account_severities = None

    def apply(self, event: ScanEvent) -> set[str]:
        """Fold one scan event in; returns the regions whose display changed."""
        from awsexplorer.scan.events import (
            CallFailed,
            CallRetrying,
            RegionProgress,
            ResourcesFound,
            ScanFinished,
            ScanStarted,
        )

        if isinstance(event, ScanStarted):
            return self._started(event)
        if isinstance(event, RegionProgress):
            view = self.regions.setdefault(event.region, RegionView(event.region, event.status))
            view.status, view.done, view.total = event.status, event.done, event.total
            view.reason = event.reason or view.reason
            view.retrying = None  # a later retry says so again
            return {event.region}
        if isinstance(event, CallRetrying):
            view = self.regions.setdefault(
                event.region, RegionView(event.region, RegionStatus.SCANNING)
            )
            view.retrying = f"{event.service} {event.operation}"
            return {event.region}
        if isinstance(event, ResourcesFound):
            self._add(event.resources)
            touched = {r.region for r in event.resources}
            for name in touched:
                self.regions.setdefault(name, RegionView(name, RegionStatus.OK))
            return touched
        if isinstance(event, CallFailed):
            region = event.error.region
            view = self.regions.setdefault(region, RegionView(region, RegionStatus.SCANNING))
            view.errors.append(event.error)
            return {region}
        if isinstance(event, ScanFinished):
            return self._finished(event.result)
        assert_never(event)  # mypy proves every kind of ScanEvent is handled above

    def _started(self, event: ScanStarted) -> set[str]:
        """A new scan: a full one replaces everything; a narrowed one (rescan) only its regions."""
        full = not self.partial_rescan
        self.account = event.account
        self.profile = event.profile
        self.scanning = True
        self.finished_at = None
        if full:
            self.started_at = ""  # a full rescan is a new scan: its own start time
            self.regions = {}
            self._resources = ArnIndex()
            self._search_text = {}
            self._relations_changed()
            self._by_region_type = _by_region_type()
            self._by_id = {}
            self._by_account = {}
            self._account_totals = None
            self.shared_arns = {}
            self.set_findings([])
            self.accounts = []  # the live scanner scans one account
        for name in event.regions:
            self._drop_region(name)
            self.regions[name] = RegionView(name, RegionStatus.PENDING)
        for name in event.not_enabled:
            self.regions[name] = RegionView(
                name, RegionStatus.NOT_ENABLED, reason=NOT_ENABLED_REASON
            )
        return set(self.regions)

    def _finished(self, result: ScanResult) -> set[str]:
        self.scanning = False
        self.started_at = self.started_at or result.started_at
        self.finished_at = result.finished_at
        self.account = result.account
        for scanned in result.regions:
            self.regions[scanned.name] = RegionView(
                scanned.name,
                scanned.status,
                reason=scanned.reason,
                errors=list(scanned.errors),
            )
        self._add(result.resources)
        return {r.name for r in result.regions}

    def _drop_region(self, name: str) -> None:
        self._rollup = None
        self._by_id = {}
        self._whois = None
        self._relations_changed()
        for by_arn in self._by_region_type.pop(name, {}).values():
            for arn in by_arn:
                self._resources.pop(arn, None)
                self._search_text.pop(arn, None)
                self.shared_arns.pop(arn, None)  # the region's resources come anew

    def _add(self, resources: list[Resource]) -> None:
        self._whois = None
        self._by_id = {}
        self._relations_changed()
        if self._findings_by_arn:
            self._rollup = None
        accounts_indexed = False
        if self._add_fresh(resources):
            resources = []  # indexed above
            accounts_indexed = self._index_accounts
        for resource in resources:
            old = self._resources.get(resource.arn)
            if old is not None and old.account_id and resource.account_id != old.account_id:
                # Real ARNs name their account, so two accounts' resources never share one; a
                # stand-in service or a hand-made snapshot can. The state is keyed by ARN: the
                # last is shown, and the app says so rather than count fewer in silence.
                accounts = self.shared_arns.setdefault(resource.arn, {old.account_id})
                accounts.add(resource.account_id or "")
            if old is not None and old.region != resource.region:
                self._by_region_type[old.region][old.type].pop(old.arn, None)
            self._resources[resource.arn] = resource
            self._search_text.pop(resource.arn, None)
            self._by_region_type[resource.region][resource.type][resource.arn] = resource
            if resource.type not in REGISTRY and is_catch_all(resource):
                self._catch_all_types.add(resource.type)
        if self._index_accounts and not accounts_indexed:
            self._add_account_index(self._resources.values())

    def _add_fresh(self, resources: list[Resource]) -> bool:
        """Into an empty state (a snapshot or a finished scan loaded) when no ARN comes twice:
        the same indexes as the loop in _add (and, for several accounts, _add_account_index),
        made from one grouping of the resources by (account, region, type) without look-ups
        for a resource to replace. False, and nothing done, otherwise."""
        if self._resources or self._by_region_type:
            return False
        # In pieces, into dicts that never grow in one long step (ArnIndex): a state is loaded
        # on a worker thread while the UI goes on, and a key waits for any one long C call.
        by_arn = ArnIndex.of(resources, give_way)
        if by_arn is None:
            return False
        self._resources = by_arn
        if self._search_text:
            self._search_text = {}
        # 1,000,000 at a time: runs of one (account, region, type) cut at C speed (a snapshot
        # lists them so: a scan writes each region's types together, merge each account's).
        groups: dict[tuple[str | None, str, str], list[Resource]] = grouped_by_runs(
            resources, _PLACE
        )
        by_region_type, by_account = self._by_region_type, self._by_account
        self._account_totals = None
        for (account_id, region, kind), items in groups.items():
            give_way()
            account = account_id or ""
            by_region_type[region][kind].update(zip(map(_ARN, items), items, strict=True))
            # The catch-all's types have no record in model/kinds.py (schema_problems): only
            # their resources' attributes are read here, so a snapshot's open does not parse
            # every resource's attributes (a lazy snapshot.read leaves them unparsed). Read at
            # C speed, then checked exactly (`is True`) only where the flag is there at all.
            if kind not in REGISTRY and kind not in self._catch_all_types:
                flagged = any(map(_CATCH_ALL, map(_ATTRIBUTES, items)))
                if flagged and any(map(is_catch_all, items)):
                    self._catch_all_types.add(kind)
            if self._index_accounts:  # the tree's account level (see account_groups)
                by_account.setdefault(account, {})[(region, kind)] = items
        return True

    def _add_account_index(self, resources: Iterable[Resource]) -> None:
        by_account = self._by_account
        self._account_totals = None
        for resource in resources:
            groups = by_account.get(resource.account_id or "")
            if groups is None:
                groups = by_account[resource.account_id or ""] = {}
            key = (resource.region, resource.type)
            items = groups.get(key)
            if items is None:
                items = groups[key] = []
            items.append(resource)

    def account_groups(self, account_id: str) -> dict[tuple[str, str], list[Resource]]:
        """One account's resources by (region, type), in a result of several accounts."""
        groups = self._by_account.get(account_id)
        if groups is None and not self._by_account and self.member_accounts:
            # Loaded before the index existed (or narrowed and back): build it once.
            self._add_account_index(self._resources.values())
            groups = self._by_account.get(account_id)
        return groups or {}

    def account_counts(self) -> Counter[str]:
        """Resources per account, in a result of several accounts: counted once per change of
        the account index (an account node's detail asks on every cursor move: 12,000 groups
        at 1,000,000 resources)."""
        if not self._by_account and self.member_accounts:
            self.account_groups("")
        if self._account_totals is None:
            self._account_totals = Counter(
                {a: sum(map(len, groups.values())) for a, groups in self._by_account.items()}
            )
        return Counter(self._account_totals)

    # -- output -----------------------------------------------------------------------------

    def result(self) -> ScanResult:
        """The current scan as a ScanResult (for saving, analysis and the other screens)."""
        return self._result(list(self._resources.values()), list(self.findings))

    def heading(self) -> ScanResult:
        """The current scan without its resources and findings: the account, regions and times
        a view's title shows, for a view that takes the rest from elsewhere (`u` and :flow,
        from the relationship index). A copy of 1,000,000 resources is 16 ms, and while that
        new list is alive each young collection walks it (4 ms each, 10 of them in `u`)."""
        return self._result([], [])

    def _result(self, resources: list[Resource], findings: list[Finding]) -> ScanResult:
        account = self.account or Account("unknown", None, "aws", "")
        regions = [
            RegionScan(v.name, v.status, list(v.errors), v.reason) for v in self.ordered_regions()
        ]
        return ScanResult(
            account=account,
            started_at=self.started_at,
            finished_at=self.finished_at,
            regions=regions,
            resources=resources,
            findings=findings,
            checks=list(self.checks),
            profile=self.profile,
            settings=self.settings,
            # One account: its regions are the ones shown (a rescan may have changed them).
            accounts=[replace(self.accounts[0], regions=regions)]
            if len(self.accounts) == 1
            else list(self.accounts),
        )

    # -- the baseline ---------------------------------------------------------------------------

    def set_baseline(self, baseline: ScanResult | None, name: str | None = None) -> ScanDiff | None:
        """Mark the scan against an earlier one: what was added, changed and removed since."""
        from awsexplorer.model.diff import changes_by_arn, diff

        self.baseline, self.baseline_name = baseline, name
        self.changes = None if baseline is None else diff(baseline, self.result())
        self._marks = {} if self.changes is None else changes_by_arn(self.changes)
        self._changed = {} if self.changes is None else {c.arn: c for c in self.changes.changed}
        self._removed = {}
        rollup: dict[tuple[str | None, str | None, str | None], Counter[str]] = defaultdict(Counter)
        removed = [] if self.changes is None else self.changes.removed
        self._removed_by_arn = {r.arn: r for r in removed}
        for resource in removed:
            self._removed.setdefault((resource.region, resource.type), []).append(resource)
            if is_catch_all(resource):
                self._catch_all_types.add(resource.type)
        for arn, mark in self._marks.items():
            marked = self._resources.get(arn) or self._removed_by_arn.get(arn)
            if marked is None:
                continue
            for key in (
                (None, None, None),
                (marked.region, None, None),
                (marked.region, marked.type, None),
                (marked.region, None, self.group_of(marked.type)),
            ):
                rollup[key][mark] += 1
        self._mark_rollup = dict(rollup)
        return self.changes

    def mark(self, arn: str) -> str | None:
        """`+`, `~` or `-` against the baseline; None when unchanged or without one."""
        return self._marks.get(arn)

    def change_of(self, arn: str) -> ResourceChange | None:
        return self._changed.get(arn)

    def removed_of(self, region: str, resource_type: str) -> list[Resource]:
        """What the baseline had here and this scan does not (shown dimmed where it was)."""
        return self._removed.get((region, resource_type), [])

    def removed_resource(self, arn: str) -> Resource | None:
        return self._removed_by_arn.get(arn)

    def mark_counts(
        self,
        region: str | None = None,
        resource_type: str | None = None,
        service: str | None = None,
    ) -> Counter[str]:
        """How many resources under a node were added, changed and removed."""
        key = (region, resource_type, None if resource_type else service)
        return Counter(self._mark_rollup.get(key, {}))

    def unanalysed_result(self) -> ScanResult:
        """The scan with derived data cleared, ready for `checks.analyse`."""
        return replace(self.result(), findings=[], checks=[], settings=None)

    def ordered_regions(self) -> list[RegionView]:
        return [self.regions[n] for n in sorted(self.regions, key=region_order)]

    def scanned_region_names(self) -> list[str]:
        return [n for n, v in self.regions.items() if v.status is not RegionStatus.NOT_ENABLED]

    @property
    def resource_total(self) -> int:
        return len(self._resources)

    def get(self, arn: str) -> Resource | None:
        return self._resources.get(arn)

    def text_of(self, resource: Resource) -> str:
        """What search matches for this resource, computed once per version of it."""
        text = self._search_text.get(resource.arn)
        if text is None:
            text = self._search_text[resource.arn] = searchable_text(resource)
        return text

    def by_id(
        self, region: str, resource_id: str, resource_type: str, account_id: str | None = None
    ) -> Resource | None:
        """The `resource_type` with this id in the region: in `account_id` when it holds one
        (ids repeat across the accounts of a snapshot of several), else in any account. Each
        (region, type)'s ids are indexed on its first look-up."""
        key = (region, resource_type)
        ids = self._by_id.get(key)
        if ids is None:
            ids = self._by_id[key] = {}
            for arn, resource in (
                self._by_region_type.get(region, {}).get(resource_type, {}).items()
            ):
                ids[(resource.account_id, resource.id)] = arn
                ids[(None, resource.id)] = arn
        found = ids.get((account_id, resource_id)) or ids.get((None, resource_id))
        return self._resources.get(found) if found else None

    def resources(self) -> list[Resource]:
        return list(self._resources.values())

    def of_types(self, types: Iterable[str]) -> list[Resource]:
        """Every resource of these types, in every region (from the index by type)."""
        wanted = set(types)
        return [
            resource
            for by_type in self._by_region_type.values()
            for kind, items in by_type.items()
            if kind in wanted
            for resource in items.values()
        ]

    def types_in(self, region: str) -> list[str]:
        return sorted(t for t, items in self._by_region_type.get(region, {}).items() if items)

    def services_in(self, region: str) -> dict[str, list[str]]:
        services: dict[str, list[str]] = defaultdict(list)
        for resource_type in self.types_in(region):
            services[self.group_of(resource_type)].append(resource_type)
        return dict(services)

    def group_of(self, resource_type: str) -> str:
        """The tree group a type sits in: its service, or "Other (tagged)" for the catch-all's."""
        if resource_type in self._catch_all_types:
            return OTHER_TAGGED
        return resource_type.split(":", 1)[0]

    def resources_of(self, region: str, resource_type: str) -> list[Resource]:
        items = self._by_region_type.get(region, {}).get(resource_type, {})
        return sorted(items.values(), key=lambda r: (r.name.lower(), r.id))

    def only_aws_defaults(self, region: str) -> bool:
        """True when a finished region holds nothing but what AWS creates by itself (the
        default VPC's plumbing, account settings): the tree dims it so real workloads stand out.
        """
        view = self.regions.get(region)
        if view is None or view.status is not RegionStatus.OK:
            return False
        by_type = self._by_region_type.get(region, {})
        if sum(len(items) for items in by_type.values()) > MAX_DEFAULT_RESOURCES:
            return False  # counted first: a big region is not walked (once per label)
        return only_aws_defaults([r for items in by_type.values() for r in items.values()])

    def count(
        self, region: str, resource_type: str | None = None, service: str | None = None
    ) -> int:
        by_type = self._by_region_type.get(region, {})
        return sum(
            len(items)
            for t, items in by_type.items()
            if (resource_type is None or t == resource_type)
            and (service is None or self.group_of(t) == service)
        )

    # -- relationships ------------------------------------------------------------------------

    def _relations_changed(self) -> None:
        self._relations = None
        self._exposure, self._exposure_asked, self.exposure_error = None, False, None
        self._search_index = None
        self._versions += 1
        self._relations_version = self._versions
        self._account_findings = None  # a finding's resource may have come or gone
        self._findings_at = None

    @property
    def resources_version(self) -> int:
        """Which version of the resources is shown (a new one at every change; never reused)."""
        return self._relations_version

    def relations_input(self) -> tuple[int, Collection[Resource]]:
        """What to build the index from, and the version it will stand for (set_relations).
        The resources as a view: the worker lists them (listed, below)."""
        return self._relations_version, self._resources.values()

    def _kept_for(self, version: int) -> dict[str, Any] | None:
        """The fields of every account's view, kept while `:account NAME` shows one, if
        `version` is theirs: a worker's result for them (asked before the narrowing) is kept
        there, or back on every account the view would wait for it for ever (it has asked)."""
        kept = self._every_account
        if kept is not None and kept[1].get("_relations_version") == version:
            return kept[1]
        return None

    def set_relations(self, index: RelationIndex, version: int) -> bool:
        """Keep an index built elsewhere, unless the resources changed since; True if kept
        for what is shown (an index for every account's kept view is kept there)."""
        if version != self._relations_version:
            if (kept := self._kept_for(version)) is not None:
                kept["_relations"] = index
            return False
        self._relations = index
        return True

    @property
    def relations_ready(self) -> bool:
        return self._relations is not None

    def relations(self) -> RelationIndex:
        """What uses what, built now if no worker has built it for these resources yet."""
        if self._relations is None:
            from awsexplorer.model.relationships import build as build_relations

            self._relations = build_relations(self._resources.values())
        return self._relations

    # -- internet exposure ------------------------------------------------------------------

    def exposure(self) -> Exposure | None:
        """The internet exposure of the resources on screen, the one result every view shows.
        Computed here for an estate up to EXPOSURE_IN_PLACE resources (or with no app to start
        a worker); past that, None until the worker on_exposure_wanted starts has computed it."""
        if self._exposure is None and self.exposure_error is None:
            if self.resource_total <= EXPOSURE_IN_PLACE or self.on_exposure_wanted is None:
                from awsexplorer.model.exposure import exposure_of

                self._exposure = exposure_of(self.resources())
            elif not self._exposure_asked:
                self._exposure_asked = True
                self.on_exposure_wanted()
        return self._exposure

    def exposure_input(self) -> tuple[int, Collection[Resource]]:
        """What to compute the exposure of, and the version it will stand for (set_exposure);
        a view, as relations_input."""
        return self._relations_version, self._resources.values()

    def set_exposure(self, exposure: Exposure, version: int) -> bool:
        """Keep an exposure computed elsewhere, unless the resources changed since (kept in
        every account's kept view if it is theirs, as set_relations)."""
        if version != self._relations_version:
            if (kept := self._kept_for(version)) is not None:
                kept["_exposure"] = exposure
            return False
        self._exposure = exposure
        return True

    def exposure_failed(self, reason: str, version: int) -> bool:
        """The worker could not compute it: the detail says so (with the reason), not 'working'."""
        if version != self._relations_version:
            if (kept := self._kept_for(version)) is not None:
                kept["exposure_error"] = reason
            return False
        self.exposure_error = reason
        return True

    # -- findings ---------------------------------------------------------------------------

    def findings_for(self, arn: str) -> list[Finding]:
        return self._findings_by_arn.get(arn, [])

    def worst(self, arn: str) -> Severity | None:
        found = self._findings_by_arn.get(arn)
        return found[0].severity if found else None

    def tally(self, resources: Iterable[Resource]) -> Counter[Severity]:
        """The warnings on these resources (account-wide ones are the account's, not root's):
        what a node's badge says when a filter narrows it. At C speed: a filter matching all
        of 1,000,000 resources tallies each of them."""
        found = self._findings_by_arn.get
        return Counter(
            map(_SEVERITY, chain.from_iterable(filter(None, map(found, map(_ARN, resources)))))
        )

    def needing_attention(self, resources: Iterable[Resource]) -> list[Resource]:
        """Those of `resources` with a warning of their own (worst() is not None), in order."""
        resources = list(resources)
        return list(compress(resources, map(self._findings_by_arn.get, map(_ARN, resources))))

    def findings_in(
        self, region: str, resource_type: str | None = None, service: str | None = None
    ) -> list[Finding]:
        """The warnings a region / service / type node counts (as severity_counts does), worst
        first: on listed resources only; account-wide ones belong to the account. From an
        index made on first use (one pass over the findings), not a pass per node."""
        if self._findings_at is None:
            at: dict[tuple[str, str], list[int]] = defaultdict(list)
            owners = self._resources.get_many(map(_RESOURCE, self.findings))
            for position, (finding, resource) in enumerate(zip(self.findings, owners, strict=True)):
                if resource is not None and not finding.account_level:
                    at[(resource.region, resource.type)].append(position)
            self._findings_at = dict(at)
        if resource_type is not None:
            positions = self._findings_at.get((region, resource_type), [])
        else:
            positions = sorted(
                position
                for (where, kind), found in self._findings_at.items()
                if where == region and (service is None or self.group_of(kind) == service)
                for position in found
            )
        return [self.findings[position] for position in positions]

    def account_severities(self, account_id: str) -> Counter[Severity]:
        """The severities of every finding of one account of several (its node and detail);
        one pass over the findings for all accounts, kept until the findings change."""
        if self._account_severities is None:
            by_account: dict[str, Counter[Severity]] = defaultdict(Counter)
            for finding in self.findings:
                by_account[finding.account_id or ""][finding.severity] += 1
            self._account_severities = dict(by_account)
        return Counter(self._account_severities.get(account_id, {}))

    def account_findings(self) -> list[Finding]:
        """Warnings about the account itself, or about something the scan did not list (once
        per change of findings or resources: the root's detail asks on every visit, and a
        1,000,000-resource snapshot has 200,000 findings to go through)."""
        if self._account_findings is None:
            owners = self._resources.get_many(map(_RESOURCE, self.findings))
            found = zip(self.findings, owners, strict=True)
            self._account_findings = [f for f, o in found if o is None or f.account_level]
        return list(self._account_findings)

    def severity_counts(
        self,
        region: str | None = None,
        resource_type: str | None = None,
        service: str | None = None,
    ) -> Counter[Severity]:
        """Findings on the resources in a region / service / type (all, if nothing given).

        Rolled up once per change of resources or findings, so labelling every node is cheap.
        """
        if self._rollup is None:
            self._rollup = self._roll_up()
        key = (region, resource_type, None if resource_type else service)
        return Counter(self._rollup.get(key, {}))

    def _roll_up(self) -> dict[tuple[str | None, str | None, str | None], Counter[Severity]]:
        # One count per (region, type, severity), then spread over the nodes above it: 200,000
        # findings (a 1,000,000-resource snapshot) are counted once each, not once per node.
        Key = tuple[str | None, str | None, str | None]
        everything: Key = (None, None, None)
        rollup: dict[Key, Counter[Severity]] = defaultdict(Counter)
        # Account-level warnings count on the account only, not on a region or the root user.
        for finding in self._account_level:
            rollup[everything][finding.severity] += 1
        # Where each finding counts: its resource's region and type, or, for one not listed
        # (about the account, or a resource not scanned), the region AWS said. At C speed, but
        # in pieces: a pass over 800,000 findings in one C call held the interpreter ~0.3 s,
        # and this runs off the UI thread while the UI goes on (state.warm).
        flat = list(chain.from_iterable(self._findings_by_arn.values()))
        placed: Counter[tuple[str, str | None, Severity]] = Counter()
        for start in range(0, len(flat), _LOOKUP_PIECE):
            give_way()
            piece = flat[start : start + _LOOKUP_PIECE]
            owners = list(self._resources.get_many(map(_RESOURCE, piece)))
            if not all(owners):  # a resource not listed (a Resource is always true: C speed)
                regions = [
                    f.region if o is None else o.region for o, f in zip(owners, piece, strict=True)
                ]
                kinds = [None if o is None else o.type for o in owners]
            else:
                regions = list(map(_REGION, owners))
                kinds = list(map(_TYPE, owners))
            placed.update(zip(regions, kinds, map(_SEVERITY, piece), strict=True))
        for (region, kind, severity), count in placed.items():
            keys: tuple[Key, ...] = (everything, (region, None, None))
            if kind is not None:
                keys += ((region, kind, None), (region, None, self.group_of(kind)))
            for key in keys:
                rollup[key][severity] += count
        return dict(rollup)

    # -- search -----------------------------------------------------------------------------

    def whois(self) -> WhoisIndex:
        """Addresses, CIDRs and DNS names -> owners (model/whois.py): built once per scan or
        snapshot, again only after resources change. The UI builds it in a worker (whois_input
        / set_whois, ui/screens/whois.py); this builds it now if none has."""
        if self._whois is None:
            from awsexplorer.model.whois import WhoisIndex

            self._whois = WhoisIndex.build(self._resources.values())
        return self._whois

    @property
    def whois_ready(self) -> WhoisIndex | None:
        return self._whois

    def whois_input(self) -> tuple[int, Collection[Resource]]:
        """What to build the whois index from, and the version it stands for (set_whois); a
        view, as relations_input."""
        return self._relations_version, self._resources.values()

    def set_whois(self, index: WhoisIndex, version: int) -> bool:
        """Keep a whois index built elsewhere, unless the resources changed since."""
        if version != self._relations_version:
            return False
        self._whois = index
        return True

    def search_input(self) -> tuple[int, Collection[Resource]] | None:
        """What to build the search index from and the version it stands for
        (set_search_index), a view as relations_input; None when one is in for these
        resources already."""
        if self._search_index is not None:
            return None
        return self._relations_version, self._resources.values()

    def set_search_index(self, index: SearchIndex, version: int) -> bool:
        """Keep a search index built elsewhere, unless the resources changed since."""
        if version != self._relations_version:
            return False
        self._search_index = index
        self._search_text = {}  # the index answers now: no text per resource kept twice
        return True

    @property
    def search_ready(self) -> bool:
        return self._search_index is not None

    @property
    def search_index(self) -> SearchIndex | None:
        """The search index, once in (immutable: a worker thread may read it)."""
        return self._search_index

    @property
    def search_pending(self) -> bool:
        """A worker is building the search index for these resources (search_building)."""
        return self._search_index is None and self.search_building == self._relations_version

    def _search_index_now(self) -> SearchIndex | None:
        index = self._search_index
        if index is None and self.search_pending:
            return None  # the worker's comes: one built here too would hold the UI for seconds
        if index is None and not self.scanning and len(self._resources) > INDEX_IN_PLACE:
            # Typed before the worker's index is in: a text per resource would cost as much as
            # the index and keep 1,000,000 texts besides; build the index now, once.
            version, resources = self._relations_version, list(self._resources.values())
            self.set_search_index(SearchIndex(resources), version)
            index = self._search_index
        return index

    def matching(self, text: str) -> list[Resource]:
        """Every resource whose id, ARN, name, type, type title or a tag value holds `text`
        (lower case), in the order they were added."""
        needle = text.lower()
        index = self._search_index_now()
        if index is not None:
            return index.matching(needle)
        return [r for r in self._resources.values() if needle in self.text_of(r)]

    def _first_holding(self, needle: str) -> list[Resource]:
        """While the worker builds the search index: the resources holding `needle` found in
        SEARCH_BUDGET seconds of looking, in order (their texts made, not kept); the app asks
        again when the index is in."""
        return _holding(self._resources.values(), needle, SEARCH_MOST, SEARCH_BUDGET)

    def search(self, query: str, limit: int = 50) -> list[Resource]:
        """Resources whose id, ARN, name, type or a tag value contains `query`, best first.

        Exact id/name/ARN matches come first, then prefixes, then anything containing the
        text. When more than SEARCH_MOST resources hold it (one letter holds nearly all of
        them: every ARN starts "arn:"), the first SEARCH_MOST in order are ranked, with every
        exact match besides: ranking 1,000,000 took 6 s on the first letter typed after `:`.
        """
        needle = query.strip().lower()
        if not needle:
            return []
        index = self._search_index_now()
        if index is None and self.search_pending:
            found = self._first_holding(needle)
        elif index is None:
            found = [r for r in self._resources.values() if needle in self.text_of(r)]
        else:
            at = index.positions(needle, most=SEARCH_MOST)
            if len(at) >= SEARCH_MOST:
                at = sorted(set(at).union(index.named(needle)))
            found = list(map(index.resources.__getitem__, at))
        ranked: list[tuple[int, str, str, Resource]] = []
        for resource in found:
            names = (resource.id.lower(), resource.name.lower(), resource.arn.lower())
            if needle in names:
                rank = 0
            elif any(n.startswith(needle) for n in names):
                rank = 1
            else:
                rank = 2
            ranked.append((rank, names[1], resource.region, resource))
        ranked.sort(key=lambda item: item[:3])
        return [item[3] for item in ranked[:limit]]


def _holding(
    resources: Iterable[Resource], needle: str, most: int, budget: float
) -> list[Resource]:
    found: list[Resource] = []
    deadline = perf_counter() + budget
    for n, resource in enumerate(resources):
        if needle in searchable_text(resource):
            found.append(resource)
            if len(found) >= most:
                break
        if n % 1024 == 1023 and perf_counter() > deadline:
            break
    return found


def matches(resource: Resource, text: str) -> bool:
    return not text or text.lower() in searchable_text(resource)
