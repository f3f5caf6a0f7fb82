"""The versioned JSON snapshot: the one boundary between scanning and everything else.

`scan` writes it, the TUI opens it offline, tests and scripts read it. The format is documented
in docs/snapshot-format.md; change both together and bump SNAPSHOT_VERSION on any breaking change.
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import json
import marshal
import mmap
import operator
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from itertools import chain, compress, filterfalse, repeat
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from awsexplorer import __version__
from awsexplorer.errors import UserError
from awsexplorer.inert import escape_json_text
from awsexplorer.model import (
    Account,
    AccountScan,
    AccountStatus,
    CheckResult,
    CheckSettings,
    Finding,
    RegionScan,
    RegionStatus,
    Resource,
    ScanResult,
    Severity,
)
from awsexplorer.model.findings import findings_from_dicts
from awsexplorer.model.kinds import LEGACY, complete, complete_attributes
from awsexplorer.model.scan_result import account_status

SNAPSHOT_FORMAT = "awsexplorer.snapshot"
SNAPSHOT_VERSION = 2
# The versions this awsexplorer reads: a version 1 file (one account) is read as one account.
READABLE_VERSIONS = (1, 2)
# The largest file `read` accepts. A 100,000-resource snapshot is ~70 MB, so a million resources
# is ~0.7 GB and a merged multi-account estate of that size ~1.5 GB; 4 GiB leaves room for that
# and stops a wrong file (a disk image, a huge log) from eating the machine's memory.
MAX_SNAPSHOT_BYTES = 4 * 1024**3


REWRITE_HINT = "Write a fresh one with `awsexplorer scan --output FILE`."


class SnapshotError(UserError):
    """A snapshot that cannot be read; the message is one line, fit to show a user."""


def to_dict(result: ScanResult) -> dict[str, Any]:
    """The version 2 document, sorted so that two scans of the same accounts compare line by
    line: accounts by id, resources by account, region, type and id; every resource and finding
    carries its account."""
    accounts = sorted(result.account_scans(), key=lambda a: a.id)
    first = result.account.id
    several = len(accounts) > 1

    def account_doc(account: AccountScan) -> dict[str, Any]:
        data = account.to_dict()
        if not several:
            data.pop("checks", None)  # one account: the result's own checks are its
        return data

    def resource_doc(resource: Resource) -> dict[str, Any]:
        data = resource.to_dict()
        if data["account_id"] is None:
            data["account_id"] = first
        return data

    def finding_doc(finding: Finding) -> dict[str, Any]:
        data = finding.to_dict()
        data.setdefault("account_id", first)
        return data

    return {
        "format": SNAPSHOT_FORMAT,
        "version": SNAPSHOT_VERSION,
        "generator": f"awsexplorer {__version__}",
        # The first account, for a script that reads one (every account is in `accounts`).
        "account": (accounts[0].account if several else result.account).to_dict()
        if accounts
        else None,
        "accounts": [account_doc(a) for a in accounts],
        "profile": result.profile,
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "resources": [
            resource_doc(r)
            for r in sorted(
                result.resources, key=lambda r: (r.account_id or first, r.region, r.type, r.id)
            )
        ],
        "findings": [
            finding_doc(f)
            for f in sorted(
                result.findings,
                key=lambda f: (
                    f.severity.rank,
                    f.check,
                    f.account_id or first,
                    f.region,
                    f.resource,
                ),
            )
        ],
        "checks": [c.to_dict() for c in sorted(result.checks, key=lambda c: c.id)],
        # What the findings were judged with; absent when unknown (a result built by hand).
        **({"settings": result.settings.to_dict()} if result.settings is not None else {}),
    }


# The keys whose items are written one per line (see dumps).
_LINE_LISTS = ("resources", "findings")
# How an item line starts and the text between two items: what read_lines looks for.
_ITEM_INDENT = "  "
_ITEM_SEPARATOR = ",\n" + _ITEM_INDENT


def dumps(result: ScanResult) -> str:
    """The document as JSON text. Names and tags are written as they are (the file round-trips
    exactly), but every code point that could act on a terminal (C1 controls, bidi overrides,
    zero-width characters; json escapes C0 itself) is a \\u escape, so `cat` on it is safe.

    Layout (docs/snapshot-format.md): the document indented by one space, except that each
    resource and each finding is one compact line of its own (`  {"arn":"...",...},`), so two
    snapshots compare line by line and `awsexplorer diff` parses only the lines that differ."""
    document = to_dict(result)
    parts = ["{"]
    last = len(document) - 1
    for n, (key, value) in enumerate(document.items()):
        comma = "," if n < last else ""
        name = json.dumps(key)
        if key in _LINE_LISTS and value:
            items = _ITEM_SEPARATOR.join(
                json.dumps(v, ensure_ascii=False, default=str, separators=(",", ":")) for v in value
            )
            parts.append(f"\n {name}: [\n{_ITEM_INDENT}{items}\n ]{comma}")
        else:
            # As json.dumps(document, indent=1) writes it: JSON text holds no raw newline, so
            # each line of the value moves one level in.
            text = json.dumps(value, indent=1, ensure_ascii=False, default=str)
            parts.append(f"\n {name}: {text.replace(chr(10), chr(10) + ' ')}{comma}")
    parts.append("\n}\n")
    return escape_json_text("".join(parts))


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_target(path: str | os.PathLike[str]) -> Path:
    """The path to write a snapshot to, refused if something other than a regular file is
    there: writing replaces the file, and replacing /dev/null (as root), a named pipe or a
    symbolic link destroys what the user had."""
    target = Path(path)
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError:
        return target  # e.g. a parent that is not a folder: the write says so
    if stat.S_ISREG(mode):
        return target
    if stat.S_ISLNK(mode):
        raise SnapshotError(
            f"{target} is a symbolic link; awsexplorer will not replace it with a file.",
            f"Write to the file it points to ({os.path.realpath(target)}) or choose another name.",
        )
    raise SnapshotError(
        f"{target} is {_kind(mode)}, not a regular file; awsexplorer will not replace it.",
        "Choose a file name (`awsexplorer scan --output -` writes the snapshot to standard "
        "output).",
    )


def write(result: ScanResult, path: str | os.PathLike[str]) -> Path:
    """Write atomically (temp file + rename) with mode 0600: a snapshot describes an account.
    Only a regular file (or nothing) at `path` is replaced (see check_target)."""
    target = check_target(path)
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


class _Damaged(Exception):
    """What is wrong with a snapshot document, said in its own terms (`resources[3].tags`)."""


_MISSING = object()
_NONE = type(None)
_JSON_KIND = {
    dict: "an object",
    list: "a list",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true or false",
    _NONE: "null",
}
# (key, accepted types, required) of each object in the document, as docs/snapshot-format.md
# describes it.
_ACCOUNT: tuple[tuple[str, Any, bool], ...] = (
    ("id", str, True),
    ("alias", (str, _NONE), False),
    ("partition", (str, _NONE), False),
    ("caller_arn", (str, _NONE), False),
)
_TOP_V1 = (
    ("account", dict, True),
    ("profile", (str, _NONE), False),
    ("started_at", str, True),
    ("finished_at", (str, _NONE), False),
    ("regions", list, True),
    ("resources", list, True),
    ("findings", (list, _NONE), False),
    ("checks", (list, _NONE), False),
    ("settings", (dict, _NONE), False),
)
_TOP_V2 = (
    ("account", (dict, _NONE), False),
    ("accounts", list, True),
    ("profile", (str, _NONE), False),
    ("started_at", str, True),
    ("finished_at", (str, _NONE), False),
    ("resources", list, True),
    ("findings", (list, _NONE), False),
    ("checks", (list, _NONE), False),
    ("settings", (dict, _NONE), False),
)
_ACCOUNT_V2: tuple[tuple[str, Any, bool], ...] = (
    ("id", str, True),
    ("alias", (str, _NONE), False),
    ("name", (str, _NONE), False),
    ("ou_path", (str, _NONE), False),
    ("status", str, True),
    ("reason", (str, _NONE), False),
    ("partition", (str, _NONE), False),
    ("caller_arn", (str, _NONE), False),
    ("profile", (str, _NONE), False),
    ("regions", list, True),
    ("checks", (list, _NONE), False),
)
_ACCOUNT_STATUSES = frozenset(s.value for s in AccountStatus)
_SETTINGS = (
    ("stale_days", int, True),
    ("required_tags", (list, _NONE), False),
    ("disabled_checks", (list, _NONE), False),
)
_REGION = (
    ("name", str, True),
    ("status", str, True),
    ("errors", (list, _NONE), False),
    ("reason", (str, _NONE), False),
)
_CALL_ERROR = (
    ("service", str, True),
    ("operation", str, True),
    ("code", str, True),
    ("message", (str, _NONE), False),
)
_RESOURCE = (
    ("arn", str, True),
    ("type", str, True),
    ("id", str, True),
    ("name", (str, _NONE), False),
    ("region", str, True),
    ("vpc_id", (str, _NONE), False),
    ("subnet_id", (str, _NONE), False),
    ("tags", (dict, _NONE), False),
    ("attributes", (dict, _NONE), False),
)
_FINDING = (
    ("check", str, True),
    ("severity", str, True),
    ("resource", str, True),
    ("region", str, True),
    ("message", str, True),
    ("remediation", (str, _NONE), False),
)
_CHECK = (("id", str, True), ("status", str, True), ("reason", (str, _NONE), False))
_RESOURCE_V2 = (*_RESOURCE, ("account_id", str, True))
_FINDING_V2 = (*_FINDING, ("account_id", str, True))
_REGION_STATUSES = frozenset(s.value for s in RegionStatus)
_SEVERITIES = frozenset(s.value for s in Severity)


def _kind_of(value: object) -> str:
    return _JSON_KIND.get(type(value), type(value).__name__)


def _fields(value: Any, where: str, spec: tuple[tuple[str, Any, bool], ...]) -> None:
    if type(value) is not dict:
        raise _Damaged(f"'{where}' is {_kind_of(value)}, not an object")
    for key, types, required in spec:
        field = value.get(key, _MISSING)
        if field is _MISSING:
            if required:
                raise _Damaged(
                    f"the field '{where}.{key}' is missing"
                    if where
                    else f"the field '{key}' is missing"
                )
        elif not isinstance(field, types) or type(field) is bool:
            wanted = types if isinstance(types, tuple) else (types,)
            expected = " or ".join(_JSON_KIND[t] for t in wanted)
            name = f"{where}.{key}" if where else key
            raise _Damaged(f"'{name}' is {_kind_of(field)}, not {expected}")


def _one_of(value: object, allowed: frozenset[str], where: str) -> None:
    if value not in allowed:
        raise _Damaged(f"'{where}' is not one of {', '.join(sorted(allowed))}")


def _list(value: Any, where: str) -> list[Any]:
    return value if isinstance(value, list) else []


_ONLY_STR = frozenset((str,))
_DICT = frozenset((dict,))


def _all_ok(items: list[Any], spec: tuple[tuple[str, Any, bool], ...]) -> bool:
    """_fields over every item at once, one pass at C speed per field: this runs over every
    resource and finding of every snapshot read (100,000 and more in a large one), where the
    item-by-item look would cost a tenth of the read time. False sends the caller to look item by
    item, to say what is wrong."""
    if not set(map(type, items)) <= _DICT:
        return False
    for key, types, required in spec:
        allowed = frozenset(types if isinstance(types, tuple) else (types,))
        if not required:
            allowed |= {_NONE}
        if not set(map(type, map(dict.get, items, repeat(key)))) <= allowed:
            return False
    return True


def _tags_ok(resources: list[dict[str, Any]]) -> bool:
    tags = filter(None, map(dict.get, resources, repeat("tags")))
    return set(map(type, chain.from_iterable(map(dict.values, tags)))) <= _ONLY_STR


def _validate_regions(regions: list[Any], where: str) -> None:
    for n, region in enumerate(regions):
        place = f"{where}[{n}]"
        _fields(region, place, _REGION)
        _one_of(region["status"], _REGION_STATUSES, f"{place}.status")
        for m, error in enumerate(_list(region.get("errors"), place)):
            _fields(error, f"{place}.errors[{m}]", _CALL_ERROR)


def _validate_checks(checks: Any, where: str) -> None:
    for n, check in enumerate(_list(checks, where)):
        _fields(check, f"{where}[{n}]", _CHECK)


def validate(data: Any) -> None:
    """Raise _Damaged naming the first thing in the document that is not as documented, so a
    reader never meets a string where it expects an object (a one-line error, not a traceback).
    Version 1 and version 2 documents each against their own shape."""
    v2 = data.get("version") == 2 if isinstance(data, dict) else False
    _fields(data, "", _TOP_V2 if v2 else _TOP_V1)
    if v2:
        if data.get("account") is not None:
            _fields(data["account"], "account", _ACCOUNT)
        if not data["accounts"] and (data["resources"] or data.get("findings")):
            raise _Damaged("'accounts' is empty")  # only a shard that drew no account is
        ids = set()
        for n, account in enumerate(data["accounts"]):
            _fields(account, f"accounts[{n}]", _ACCOUNT_V2)
            _one_of(account["status"], _ACCOUNT_STATUSES, f"accounts[{n}].status")
            if account["id"] in ids:
                raise _Damaged(f"'accounts[{n}].id' repeats an earlier account")
            ids.add(account["id"])
            _validate_regions(account["regions"], f"accounts[{n}].regions")
            _validate_checks(account.get("checks"), f"accounts[{n}].checks")
    else:
        _fields(data["account"], "account", _ACCOUNT)
        _validate_regions(data["regions"], "regions")
    resources = data["resources"]
    resource_spec = _RESOURCE_V2 if v2 else _RESOURCE
    if not (
        _all_ok(resources, resource_spec) and _tags_ok(resources)
    ):  # find the first bad one, and say what is wrong with it
        for n, resource in enumerate(resources):
            _fields(resource, f"resources[{n}]", resource_spec)
            for value in (resource.get("tags") or {}).values():
                if type(value) is not str:
                    raise _Damaged(
                        f"'resources[{n}].tags' has a value that is {_kind_of(value)}, not a string"
                    )
    findings = _list(data.get("findings"), "findings")
    finding_spec = _FINDING_V2 if v2 else _FINDING
    if not _all_ok(findings, finding_spec):
        for n, finding in enumerate(findings):
            _fields(finding, f"findings[{n}]", finding_spec)
    for n, severity in enumerate(map(dict.get, findings, repeat("severity"))):
        if severity not in _SEVERITIES:
            _one_of(severity, _SEVERITIES, f"findings[{n}].severity")
    if v2:
        for what, items in (("resources", resources), ("findings", findings)):
            unknown = set(map(dict.get, items, repeat("account_id"))) - ids
            if unknown:
                n = next(i for i, item in enumerate(items) if item["account_id"] in unknown)
                raise _Damaged(f"'{what}[{n}].account_id' is not one of the 'accounts'")
    _validate_checks(data.get("checks"), "checks")
    settings = data.get("settings")
    if settings is not None:
        _fields(settings, "settings", _SETTINGS)
        if settings["stale_days"] < 1:
            raise _Damaged("'settings.stale_days' is less than 1")
        for key in ("required_tags", "disabled_checks"):
            if any(type(v) is not str for v in settings.get(key) or ()):
                raise _Damaged(f"'settings.{key}' has an item that is not a string")


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """A checked version 1 document in the version 2 shape, in place: its one account in
    `accounts` (status from its regions), `account_id` on every resource and finding."""
    if data.get("version") != 1:
        return data
    account = data["account"]
    account_id = account["id"]
    regions = [RegionScan.from_dict(r) for r in data["regions"]]
    data["accounts"] = [
        {
            **account,
            "name": None,
            "ou_path": None,
            "status": account_status(regions).value,
            "reason": None,
            "profile": data.get("profile"),
            "regions": data.pop("regions"),
        }
    ]
    for item in chain(data["resources"], data.get("findings") or ()):
        item["account_id"] = account_id
    data["version"] = SNAPSHOT_VERSION
    data["upgraded_from"] = 1
    return data


def from_dict(data: Any, source: str = "snapshot") -> ScanResult:
    return from_document(check(data, source), source)


def check(data: Any, source: str = "snapshot") -> dict[str, Any]:
    """The document itself once its header and shape are as documented (else a SnapshotError),
    for a reader that builds only part of it (`awsexplorer diff` builds only what differs)."""
    if not isinstance(data, dict) or data.get("format") != SNAPSHOT_FORMAT:
        what = "a JSON object" if isinstance(data, dict) else _kind_of(data)
        raise SnapshotError(
            f"{source} is not an awsexplorer snapshot ({what} without the "
            f"'format': '{SNAPSHOT_FORMAT}' header).",
            REWRITE_HINT,
        )
    version = data.get("version", _MISSING)
    if version is _MISSING:
        raise SnapshotError(f"{source} is damaged: it has no 'version' field.", REWRITE_HINT)
    if type(version) is not int:
        raise SnapshotError(
            f"{source} is damaged: its version is {_kind_of(version)}, not a number "
            f"(this awsexplorer reads version {SNAPSHOT_VERSION}).",
            REWRITE_HINT,
        )
    if version not in READABLE_VERSIONS:
        raise SnapshotError(
            f"{source} is snapshot version {version}; this awsexplorer reads versions "
            f"{' and '.join(map(str, READABLE_VERSIONS))}.",
            "Upgrade awsexplorer, or re-run `awsexplorer scan --output FILE` with this one.",
        )
    try:
        validate(data)
    except _Damaged as exc:
        raise SnapshotError(f"{source} is damaged: {exc}.", REWRITE_HINT) from None
    return upgrade(data)


def from_document(
    data: dict[str, Any], source: str = "snapshot", *, resources: bool = True
) -> ScanResult:
    """The ScanResult of a checked (version 2 shaped) document; `resources=False` leaves its
    resources out. One account reads as a scan of that account; several as their merge
    (model/accounts.py): `account` is the first, `regions` the merged view."""
    try:
        accounts = sorted((AccountScan.from_dict(a) for a in data["accounts"]), key=lambda a: a.id)
        if not accounts or len(accounts) > 1:
            # Only here: model.accounts (and the policy module it needs) is a tenth of the
            # start-up of `awsexplorer diff` on one-account files.
            from awsexplorer.model.accounts import empty_shard, merged_regions, with_account
        if not accounts:
            return empty_shard(data["started_at"], data.get("finished_at"))
        several = len(accounts) > 1
        if several:
            for account in accounts:
                for region in account.regions:
                    region.errors = with_account(region.errors, account.id)
        else:
            accounts[0].checks = []
        return ScanResult(
            account=accounts[0].account if several else _account(data, accounts[0]),
            profile=data.get("profile"),
            started_at=data["started_at"],
            finished_at=data.get("finished_at"),
            regions=merged_regions(accounts) if several else accounts[0].regions,
            # An older snapshot gets the normalised fields its record reads (model/kinds.py).
            resources=[complete(Resource.from_dict(r)) for r in data["resources"]]
            if resources
            else [],
            findings=findings_from_dicts(data.get("findings") or []),
            checks=[CheckResult.from_dict(c) for c in data.get("checks") or []],
            settings=CheckSettings.from_dict(data["settings"]) if data.get("settings") else None,
            accounts=accounts,
        )
    except _Damaged as exc:
        raise SnapshotError(f"{source} is damaged: {exc}.", REWRITE_HINT) from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # validate() should have caught it; say what failed without Python's wording.
        raise SnapshotError(
            f"{source} is damaged: a field has an unexpected shape ({type(exc).__name__}).",
            REWRITE_HINT,
        ) from None


def _account(data: dict[str, Any], only: AccountScan) -> Account:
    top = data.get("account")
    if isinstance(top, dict) and top.get("id") == only.id:
        return Account.from_dict(top)
    return only.account


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
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
    with collector_paused():
        return from_document(_document(text, source), source)


def _document(text: str, source: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotError(
            f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}",
            "Was it cut short while copying? " + REWRITE_HINT,
        ) from None
    return check(data, source)


def read(path: str | os.PathLike[str]) -> ScanResult:
    """Read a snapshot file (see read_document). A file in the one-line-per-item layout (what
    `dumps` writes) is read by two worker processes when it is large (see _read_parallel), else
    as a stream (see _read_stream); any other, and any file these find not as documented, is
    read whole, which names what is wrong."""
    source = str(path)
    with collector_paused():
        with open_checked(path) as handle:
            try:
                parallel = _read_parallel(handle, source)
                result = parallel if parallel is not None else _read_stream(handle, source)
            except NOT_STREAMED:
                handle.seek(0)
                raw = _read_all(handle, source)
                result = from_document(_document_of(raw, source), source)
        if len(result.resources) >= FREEZE_RESOURCES:
            # What was just read lives as long as the process and holds no cycle: out of the
            # collector's sight (as ui/heap.loading_scan does for a scan), or its next passes
            # walk every resource again (seconds of a 1,000,000-resource TUI's start-up).
            gc.freeze()
        return result


# From this many resources, read() freezes what it read (gc.freeze).
FREEZE_RESOURCES = 100_000


def read_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a snapshot file's checked document. Only a regular file of at most
    MAX_SNAPSHOT_BYTES is read: opened without blocking and checked before reading, so /dev/zero
    or a named pipe is refused at once instead of filling memory or waiting forever."""
    return _document_of(_read_bytes(path), str(path))


def _document_of(raw: bytes, source: str) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SnapshotError(f"{source} is not a text file, so not a snapshot.") from None
    del raw
    with collector_paused():
        return _document(text, source)


def _read_bytes(path: str | os.PathLike[str]) -> bytes:
    with open_checked(path) as handle:
        return _read_all(handle, str(path))


def open_checked(path: str | os.PathLike[str]) -> BinaryIO:
    source = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise SnapshotError(f"{source}: no such file.", REWRITE_HINT) from None
    except IsADirectoryError:
        raise SnapshotError(f"{source} is a directory, not a snapshot file.") from None
    except PermissionError:
        raise SnapshotError(f"{source}: permission denied.") from None
    except OSError as exc:
        raise SnapshotError(f"{source} cannot be opened: {exc.strerror}.") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise SnapshotError(f"{source} is a directory, not a snapshot file.")
        if not stat.S_ISREG(info.st_mode):
            raise SnapshotError(
                f"{source} is {_kind(info.st_mode)}, not a snapshot file.",
                "A snapshot is a regular file; save the stream to a file first, or "
                + REWRITE_HINT[0].lower()
                + REWRITE_HINT[1:],
            )
        if info.st_size > MAX_SNAPSHOT_BYTES:
            raise SnapshotError(
                f"{source} is {info.st_size / 1024**3:.1f} GiB; awsexplorer reads snapshots "
                f"of at most {MAX_SNAPSHOT_BYTES // 1024**3} GiB.",
                "Is it the right file? Scan fewer regions (`--region`) for a smaller one.",
            )
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _read_all(handle: BinaryIO, source: str) -> bytes:
    try:
        raw = handle.read(MAX_SNAPSHOT_BYTES + 1)
    except OSError as exc:
        raise SnapshotError(f"{source} cannot be read: {exc.strerror}.") from None
    if len(raw) > MAX_SNAPSHOT_BYTES:
        raise SnapshotError(
            f"{source} grew past {MAX_SNAPSHOT_BYTES // 1024**3} GiB while it was read."
        )
    return raw


# -- one line per item: the diff's fast reading -------------------------------------------------

_ARN_OPEN = b'{"arn":"'
_RESOURCES_OPEN = b'\n "resources": [\n  ' + _ARN_OPEN
_LIST_CLOSE = b"\n ]"
_LINE_SEPARATOR = _ITEM_SEPARATOR.encode()
_FINDINGS_AFTER = b'\n ],\n "findings": [\n  {'  # what follows the resources: findings
_FINDINGS_NONE = b'\n ],\n "findings": []'  # or none
_RESOURCE_SEPARATOR = _LINE_SEPARATOR + _ARN_OPEN


class _NotLines(Exception):
    """The file is not in the one-line-per-item layout (or not as this reader expects it)."""


@dataclass(slots=True)
class Lines:
    """A version 2 snapshot read for comparison: its document without resources and findings
    (checked), each resource's line (bytes, copied out of the file, in its order) and each
    finding's line, unparsed. How the resource lines are framed (each `{"arn":"<ARN>",...}`,
    no escape in an ARN, no ARN twice, no line break inside a line) and that the file is
    UTF-8 is what `lines_hold` checks: read_lines checks it, `awsexplorer diff` checks it in a
    second process while it compares.
    `resource_documents(lines)` and `finding_documents(lines)` parse and check the lines the
    caller uses; a line that is not as documented raises LineDamaged (the caller then reads the
    file whole, see read_lines)."""

    source: str
    document: dict[str, Any]
    resources: list[bytes]
    findings: list[bytes]
    accounts: frozenset[str]

    def by_arn(self) -> dict[str, bytes]:
        """The resources' lines by ARN as text."""
        return dict(zip(map(bytes.decode, _arns(self.resources)), self.resources, strict=True))

    def resource_documents(self, lines: list[bytes]) -> list[dict[str, Any]]:
        """The documents of these resource lines (as `resources` holds them), in order, each
        line parsed on its own, all checked at once as `validate` checks resources."""
        items = _items(lines, f"{self.source}: resources")
        if not (
            _all_ok(items, _RESOURCE_V2)
            and _tags_ok(items)
            and set(map(dict.get, items, repeat("account_id"))) <= self.accounts
        ):
            raise LineDamaged(f"{self.source}: a resource is not as documented")
        return items

    def finding_documents(self, lines: list[bytes]) -> list[dict[str, Any]]:
        items = _items(lines, f"{self.source}: findings")
        if not _all_ok(items, _FINDING_V2) or any(
            item["severity"] not in _SEVERITIES or item["account_id"] not in self.accounts
            for item in items
        ):
            raise LineDamaged(f"{self.source}: a finding is not as documented")
        return items


class LineDamaged(Exception):
    """A line Lines parsed is not as documented: read the file whole (read_document) to name
    what is wrong in the usual one-line error."""


def _items(lines: list[bytes], what: str) -> list[dict[str, Any]]:
    """The objects of these lines, in order, parsed in one call (orjson): each line one object."""
    try:
        items = orjson.loads(b"[" + b",".join(lines) + b"]")
    except ValueError:
        raise LineDamaged(f"{what}: a line is not valid JSON") from None
    if len(items) != len(lines) or not set(map(type, items)) <= _DICT:
        raise LineDamaged(f"{what}: a line is not one object")
    return items  # type: ignore[no-any-return]


def read_lines(path: str | os.PathLike[str]) -> Lines | dict[str, Any]:
    """A snapshot read for `awsexplorer diff`: `Lines` when the file has the one-line-per-item
    layout that dumps writes (version 2), else the checked document (read_document), so every
    earlier file still reads. Only the header, accounts, checks and settings are parsed here."""
    buffer = map_file(path)
    holds = lines_hold(buffer)
    read = lines_of(buffer, path)
    return read if holds or not isinstance(read, Lines) else read_document(path)


def map_file(path: str | os.PathLike[str]) -> bytes | mmap.mmap:
    """The file's bytes, mapped (lines_of, lines_hold): only the lines are copied out, not the
    whole file (reading 150 MB cost ~0.3 s of page faults). A SnapshotError as `read` gives."""
    source = str(path)
    with open_checked(path) as handle:
        try:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # an empty file, a file system without mmap
            return _read_all(handle, source)


def lines_of(buffer: bytes | mmap.mmap, path: str | os.PathLike[str]) -> Lines | dict[str, Any]:
    """The file (map_file) as Lines, its resource lines cut at the separators without looking
    into them (`lines_hold` says whether they are as dumps writes them); a file in another
    layout, version or order as its checked document (read_document). Closes the map."""
    try:
        return _lines(buffer, str(path))
    except (_NotLines, _Damaged, ValueError, UnicodeDecodeError):
        pass  # read whole: same answer, and the same one-line error for a damaged file
    finally:
        if isinstance(buffer, mmap.mmap):
            buffer.close()  # Lines holds copies of what it uses
    return read_document(path)


def lines_hold(buffer: bytes | mmap.mmap) -> bool:
    """Whether the file's resource lines are as dumps writes them, so that comparing them as
    Lines gives what the whole reading gives: the file is UTF-8 (as the whole reading decodes
    it); every line starts with `{"arn":"<ARN>"` (an ARN without escape: its bytes are then its
    UTF-8 text) and ends with `}`; no line break but between lines; no ARN twice. At C speed, a
    few MB at a time: one regex scan and one count per chunk (~0.2 s for 70 MB)."""
    try:
        _check_utf8(buffer)
    except UnicodeDecodeError:
        return False
    region = _resource_region(buffer)
    if region is None:
        return False
    arns: set[bytes] = set()
    lines = 0
    for start, end in _chunks(buffer, *region[1:]):
        text = buffer[start:end]
        first = _FIRST_ARN.match(text)
        found = _NEXT_ARNS.findall(text)
        # Each `},\n  {"arn":"<ARN>"` holds one line break: as many as the text holds means
        # that every separator is one, and no line holds a line break.
        if first is None or not text.endswith(b"}") or text.count(b"\n") != len(found):
            return False
        arns.add(first[1])
        arns.update(found)
        lines += len(found) + 1
    return len(arns) == lines


_TEXT_PIECE = 1 << 20


def _check_utf8(buffer: bytes | mmap.mmap) -> None:
    """UnicodeDecodeError unless the whole file is UTF-8 (as the whole reading decodes it), a
    megabyte at a time: most are ASCII, known at C speed."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for start in range(0, len(buffer), _TEXT_PIECE):
        piece = buffer[start : start + _TEXT_PIECE]
        if not piece.isascii() or decoder.getstate()[0]:
            decoder.decode(piece)
    decoder.decode(b"", True)


# Between two resource lines: the `}` closing one, the separator, the `{"arn":"` opening the next.
_RESOURCE_JOINT = b"}" + _RESOURCE_SEPARATOR
_RESOURCES_CLOSE = b'\n ],\n "findings": '
# A line's ARN: the text up to its first quote, with no escape (then its bytes are its UTF-8)
# and no line break; an ARN that is not so stops the match, and the file is read whole.
_ARN = rb'([^"\\\n]*)"'
_FIRST_ARN = re.compile(re.escape(_ARN_OPEN) + _ARN)
_NEXT_ARNS = re.compile(re.escape(_RESOURCE_JOINT) + _ARN)


def _resource_region(buffer: bytes | mmap.mmap) -> tuple[int, int, int] | None:
    """(where `"resources": [` starts, its first line's `{`, where the list closes)."""
    opening = buffer.find(_RESOURCES_OPEN)
    if opening < 0:
        return None
    first = opening + len(_RESOURCES_OPEN) - len(_ARN_OPEN)  # the first line's `{`
    close = buffer.find(_RESOURCES_CLOSE, first)  # compact lines hold no line break
    if close < 0:
        return None
    return opening, first, close


def _chunks(buffer: bytes | mmap.mmap, first: int, close: int) -> Iterator[tuple[int, int]]:
    """The resource lines a few MB at a time, each (start, end) cut at a line's end."""
    start = first
    while start < close:
        end = close
        if close - start > _CHUNK:
            end = buffer.rfind(_RESOURCE_JOINT, start, start + _CHUNK) + 1
            if end <= start:  # a line longer than a chunk: to its end
                end = buffer.find(_RESOURCE_JOINT, start, close) + 1 or close
        yield start, end
        start = end + len(_LINE_SEPARATOR)


def _lines(buffer: bytes | mmap.mmap, source: str) -> Lines:
    region = _resource_region(buffer)
    if region is None:
        raise _NotLines
    opening, first, close = region
    resources: list[bytes] = []
    for start, end in _chunks(buffer, first, close):
        resources += buffer[start:end].split(_LINE_SEPARATOR)
    header = buffer[: opening + _RESOURCES_OPEN.index(b"[") + 1]
    tail = buffer[close : close + len(_FINDINGS_AFTER)]
    findings: list[bytes] = []
    if tail == _FINDINGS_AFTER:  # the findings, one per line
        f_first = close + len(_FINDINGS_AFTER) - 1  # the first line's `{`
        f_end = buffer.find(_LIST_CLOSE, f_first)
        if f_end < 0:
            raise _NotLines
        findings = buffer[f_first:f_end].split(_LINE_SEPARATOR)
        if not all(map(bytes.endswith, findings, repeat(b"}"))):
            raise _NotLines
        skeleton = header + buffer[close : close + len(_FINDINGS_AFTER) - 3] + buffer[f_end:]
    elif buffer[close : close + len(_FINDINGS_NONE)] == _FINDINGS_NONE:
        skeleton = header + buffer[close:]
    else:
        raise _NotLines  # not the order dumps writes
    document = json.loads(skeleton)
    if not isinstance(document, dict) or document.get("version") != SNAPSHOT_VERSION:
        raise _NotLines
    with collector_paused():
        document = check(document, source)
    accounts = frozenset(a["id"] for a in document["accounts"])
    if not accounts:
        raise _NotLines  # items without an account: read whole, to say so
    return Lines(source, document, resources, findings, accounts)


def _arns(lines: list[bytes]) -> list[bytes]:
    """Each line's ARN (its UTF-8 bytes), or LineDamaged for a line not framed as lines_hold
    wants it."""
    found = list(map(_FIRST_ARN.match, lines))
    if None in found:
        raise LineDamaged("a resource line does not start with its ARN")
    return [match[1] for match in found if match is not None]


def differing_lines(
    old: Lines, new: Lines
) -> tuple[list[tuple[bytes, bytes]], list[bytes], list[bytes]]:
    """What model.diff.diff_items compares: (old line, new line) of each ARN in both whose lines
    differ, in NEW's order; the lines only in NEW, in its order; those only in OLD, in its
    order. A line in both files cancels at C speed (set membership, unparsed); only the lines
    that differ are looked at by ARN. Valid when lines_hold: each file holds an ARN once, so a
    line in both files is its ARN's line in both (else LineDamaged, or lines_hold says no)."""
    in_old = set(old.resources)
    kept = list(map(in_old.__contains__, new.resources))
    in_old.difference_update(new.resources)  # OLD's lines that NEW lacks
    new_only = list(compress(new.resources, map(operator.not_, kept)))
    old_only = list(filter(in_old.__contains__, old.resources))
    was = dict(zip(_arns(old_only), old_only, strict=True))
    if len(was) != len(old_only):
        raise LineDamaged("an ARN on two lines")
    pairs = []
    added = []
    for arn, line in zip(_arns(new_only), new_only, strict=True):
        old_line = was.pop(arn, None)
        if old_line is None:
            added.append(line)
        else:
            pairs.append((old_line, line))
    return pairs, added, list(was.values())


# -- one line per item: reading a large snapshot as a stream of lazy resources -------------------

_CHUNK = 1 << 22
# Where the resources' lines start must be found within this much of the file (the header holds
# the accounts, their regions and errors: a few MB at 50 accounts); else the file is read whole.
_HEADER_LIMIT = 1 << 28
_DICT_OR_NONE = frozenset((dict, _NONE))
_EMPTY_TEXT_OR_NONE = frozenset(("", None))
_TEXT = frozenset((str,))
# The texts of a column that repeat (types, regions, VPCs, subnets): each text -> one object.
_Shared = tuple[dict[Any, Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]
_TEXT_OR_NONE = frozenset((str, _NONE))
_TWO = frozenset((2,))
# A resource line as dumps writes it: its head (`{"arn":...,"subnet_id":...`), `,"tags":`, its
# body (the tags and attributes, kept unparsed), `,"account_id":"`, the account id, `"}`. The
# first `,"tags":` of a line is its head's end and the last `,"account_id":"` its account's
# start: a JSON string cannot hold `,"` (its quote would end the string).
_TAGS_AT = b',"tags":'
_ACCOUNT_AT = b',"account_id":"'
_ACCOUNT_END = b'"}'
_HEAD_KEYS = ("arn", "type", "id", "name", "region", "vpc_id", "subnet_id")
_HEAD_END = b"}"
_BODY_OPEN = b'{"tags":'
_BODY_CLOSE = b"}"
# What an account id written as it is may not hold (else it is written with escapes, or the line
# is not JSON): its bytes are then its UTF-8 text.
_NOT_PLAIN = re.compile(rb'[\x00-\x1f"\\]')
# Below this many bytes of resource lines, their bodies are checked here, chunk by chunk; above
# it, by a worker process while this one builds the resources (~16 MB: 25,000 resources).
_WORKER_BYTES = 1 << 24

_TAGS_SLOT: Any = Resource.__dict__["tags"]
_ATTRIBUTES_SLOT: Any = Resource.__dict__["attributes"]


def _body_fields(resource_type: str, body: bytes) -> tuple[dict[str, str], dict[str, Any]]:
    """(tags, attributes) of a line's body, as the whole reading gives them: null as {}, the
    attributes completed (kinds.complete)."""
    document = orjson.loads(_BODY_OPEN + body + _BODY_CLOSE)
    tags = document["tags"]
    attributes = document["attributes"]
    return (
        tags if tags is not None else {},
        complete_attributes(resource_type, attributes if attributes is not None else {}),
    )


class LineResource(Resource):
    """A Resource read from a snapshot line, its tags and attributes still the line's unparsed
    body: parsed on first use of `tags` or `attributes` and kept from then on (so a change to
    them is kept, as on any Resource); `peek_tags`, `peek_attributes`, `to_dict`, equality and
    `repr` parse without keeping. The body was checked when the file was read (_bodies_hold),
    so parsing it cannot fail. It equals, prints, pickles and serialises as the Resource with the
    same fields (a copy or pickle is a plain Resource)."""

    __slots__ = ("_body",)

    def __init__(
        self,
        arn: str,
        resource_type: str,
        resource_id: str,
        name: str,
        region: str,
        vpc_id: str | None,
        subnet_id: str | None,
        account_id: str,
        body: bytes,
    ) -> None:
        self.arn = arn
        self.type = resource_type
        self.id = resource_id
        self.name = name
        self.region = region
        self.vpc_id = vpc_id
        self.subnet_id = subnet_id
        self.account_id = account_id
        self._body: bytes | None = body

    def _parse(self) -> None:
        # Read once: a worker thread and the UI thread may both reach here for one resource;
        # the second finds it parsed (or parses the same body again: the same fields).
        body = self._body
        if body is None:
            return
        tags, attributes = _body_fields(self.type, body)
        _TAGS_SLOT.__set__(self, tags)
        _ATTRIBUTES_SLOT.__set__(self, attributes)
        self._body = None

    @property
    def tags(self) -> dict[str, str]:
        if self._body is not None:
            self._parse()
        return _TAGS_SLOT.__get__(self)  # type: ignore[no-any-return]

    @tags.setter
    def tags(self, value: dict[str, str]) -> None:
        if self._body is not None:
            self._parse()  # the attributes too: the body is dropped
        _TAGS_SLOT.__set__(self, value)

    @property
    def attributes(self) -> dict[str, Any]:
        if self._body is not None:
            self._parse()
        return _ATTRIBUTES_SLOT.__get__(self)  # type: ignore[no-any-return]

    @attributes.setter
    def attributes(self, value: dict[str, Any]) -> None:
        if self._body is not None:
            self._parse()
        _ATTRIBUTES_SLOT.__set__(self, value)

    def peek(self) -> tuple[dict[str, str], dict[str, Any]]:
        body = self._body
        if body is None:
            return self.tags, self.attributes
        return _body_fields(self.type, body)

    def peek_tags(self) -> dict[str, str]:
        return self.peek()[0]

    def peek_attributes(self) -> dict[str, Any]:
        return self.peek()[1]

    def may_hold(self, name: str) -> bool:
        body = self._body
        if body is None:
            return name in self.attributes
        # Unparsed: the key written as it is, or any escape (a key may be written with some),
        # or a name kinds.complete may add.
        return (
            f'"{name}"'.encode() in body
            or b"\\" in body
            or name in LEGACY.get(self.type, _NO_LEGACY)
        )

    def __repr__(self) -> str:
        return repr(Resource(*self.fields()))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Resource, self.fields())


_NO_LEGACY: dict[str, Any] = {}


class _NotStreamed(Exception):
    """The stream met something it does not read itself: the file is read whole instead."""


# What sends a file from the stream to the whole reading (which gives the answer, or names what
# is wrong in its one-line error): anything the stream did not expect.
NOT_STREAMED = (_NotStreamed, _NotLines, _Damaged, SnapshotError, ValueError, KeyError, TypeError)


def _read_stream(handle: BinaryIO, source: str) -> ScanResult:
    """A version 2 file in the one-line-per-item layout, read in chunks of _CHUNK bytes into
    LineResources: of each resource line only the head (ARN, type, id, name, region, VPC,
    subnet) is parsed (orjson, line by line) and checked as `validate` checks those fields, and
    the account id taken as written; the body (tags and attributes) is kept unparsed, and
    checked (_bodies_hold: parsed at C speed and dropped) by a worker process while this one
    reads, or here for a small file (_WORKER_BYTES), or when no worker can run (other threads,
    no fork). The rest of the document (header, findings, checks, settings) is parsed and
    checked as a document without resources. So what this returns is what the whole reading
    would, and a file that is not as documented goes to the whole reading, which names what is
    wrong. Memory: each line's body and head fields, plus a chunk."""
    pending = b""
    head = -1
    while head < 0:
        data = handle.read(_CHUNK)
        if not data or len(pending) > _HEADER_LIMIT:
            raise _NotStreamed
        searched = max(len(pending) - len(_RESOURCES_OPEN), 0)
        pending += data
        head = pending.find(_RESOURCES_OPEN, searched)
    start = handle.tell() - len(pending)  # where `pending` starts in the file
    opening = head + _RESOURCES_OPEN.index(b"[") + 1
    header = pending[:opening]
    probe = orjson.loads(header + b"]}")
    if type(probe) is not dict or probe.get("version") != SNAPSHOT_VERSION:
        raise _NotStreamed  # version 1 (or not a snapshot): read whole
    first = head + len(_RESOURCES_OPEN) - len(_ARN_OPEN)  # the first line's `{`
    pending = pending[first:]
    total = len(header) + len(pending)
    fd = handle.fileno()
    status = os.fstat(fd)
    worker = None
    if status.st_size - start - first > _WORKER_BYTES:
        worker = _BodyCheck(fd, start + first)

    def more() -> bytes:
        nonlocal total
        data = handle.read(_CHUNK)
        total += len(data)
        if total > MAX_SNAPSHOT_BYTES:
            raise SnapshotError(
                f"{source} grew past {MAX_SNAPSHOT_BYTES // 1024**3} GiB while it was read."
            )
        return data

    try:
        resources: list[Resource] = []
        accounts: dict[bytes, str] = {}
        shared: _Shared = ({}, {}, {}, {})  # types, regions, VPCs, subnets
        check_here = worker is None or not worker.running
        chunks = _line_chunks(pending, more)
        del pending
        while True:
            try:
                lines = next(chunks)
            except StopIteration as stop:
                rest: bytes = stop.value
                break
            bodies = _add_lines(lines, resources, accounts, shared)
            del lines
            if check_here and not _bodies_hold(bodies):
                raise _NotStreamed
            del bodies
        # The document without its resources (`"resources": [` closed at once), put together
        # once and dropped once parsed: the findings' text is ~150 MB at 1,000,000 resources.
        text = b"".join((header, rest, _read_all(handle, source)))
        del rest
        document = orjson.loads(text)
        del text
        document = check(document, source)
        ids = {a["id"] for a in document["accounts"]}
        if not ids or not set(accounts.values()) <= ids:
            raise _NotStreamed  # read whole, to say which
        result = from_document(document, source)
        if not check_here:
            assert worker is not None
            holds = worker.answer()
            if holds is None:  # the worker did not answer: check here
                holds = _all_bodies_hold(resources)
            if not holds or not _same_file(status, os.fstat(fd)):
                raise _NotStreamed
    finally:
        if worker is not None:
            worker.cancel()
    result.resources = resources
    return result


def _all_bodies_hold(resources: list[Resource]) -> bool:
    """_bodies_hold of these LineResources' bodies (all unparsed: just read)."""
    return all(
        _bodies_hold([r._body for r in resources[n : n + 8192]])  # type: ignore[attr-defined]
        for n in range(0, len(resources), 8192)
    )


def _same_file(before: os.stat_result, after: os.stat_result) -> bool:
    """Whether the file is as it was (the worker read it on its own)."""
    return (before.st_ino, before.st_dev, before.st_size, before.st_mtime_ns) == (
        after.st_ino,
        after.st_dev,
        after.st_size,
        after.st_mtime_ns,
    )


def _line_chunks(pending: bytes, read: Callable[[], bytes]) -> Generator[list[bytes], None, bytes]:
    """The resource lines from `pending` (which starts at a line's `{`) on, a few MB of whole
    lines at a time; `read()` gives the file's next bytes. Returns (StopIteration.value) the text
    after the list, from its `\n ]`. While a chunk holds no line break beside its separators'
    (one count at C speed), the list goes on; else it closes there (or the file is not in this
    layout: _NotStreamed)."""
    while True:
        lines = pending.split(_LINE_SEPARATOR)
        breaks = pending.count(b"\n") - (len(lines) - 1)  # beside the separators'
        close = pending.find(_LIST_CLOSE) if breaks else -1
        if close >= 0:
            yield pending[:close].split(_LINE_SEPARATOR)
            return pending[close:]
        if breaks and breaks != lines[-1].count(b"\n"):
            raise _NotStreamed  # a line break inside a line
        # Else one may start the next separator, or the list's close, in the line cut short.
        data = read()
        if not data:
            raise _NotStreamed
        pending = lines.pop() + data  # the line cut short, and what follows it
        if lines:
            yield lines


def _add_lines(
    lines: list[bytes],
    resources: list[Resource],
    accounts: dict[bytes, str],
    shared: _Shared,
) -> list[bytes]:
    """These resource lines (whole, from _line_chunks) as LineResources (see _line_columns),
    appended to `resources`; returns their bodies, for _bodies_hold."""
    columns = _line_columns(lines, accounts, shared)
    resources += map(LineResource, *columns)
    return columns[-1]


# What _line_columns gives for each line: ARN, type, id, name, region, VPC, subnet, account
# (texts, or None for no VPC or subnet) and the body (bytes).
_Column = list[Any]
_Columns = tuple[_Column, _Column, _Column, _Column, _Column, _Column, _Column, _Column, _Column]


def _line_columns(lines: list[bytes], accounts: dict[bytes, str], shared: _Shared) -> _Columns:
    """What these resource lines (whole, from _line_chunks) hold, column by column: a
    LineResource's arguments. Each line's head is parsed on its own (a damaged line cannot
    shift what the next ones read) and must hold exactly the head's fields, checked column by
    column at C speed as `validate` checks them (else _NotStreamed or an error in NOT_STREAMED:
    the file is read whole, which names what is wrong); each account id as written (`accounts`:
    its bytes -> its text, which must be one of the file's accounts). With _bodies_hold of the
    bodies, each line then reads as the whole reading reads it (JSON: head + its fields, the
    body's two, the account)."""
    fronts = list(map(bytes.rpartition, lines, repeat(_ACCOUNT_AT)))
    ends = list(map(operator.itemgetter(2), fronts))
    cuts = list(map(bytes.partition, map(operator.itemgetter(0), fronts), repeat(_TAGS_AT)))
    del fronts
    heads = list(
        map(orjson.loads, map(bytes.__add__, map(operator.itemgetter(0), cuts), repeat(_HEAD_END)))
    )
    bodies = list(map(operator.itemgetter(2), cuts))
    del cuts
    # KeyError: a field left out (optional ones included: dumps writes every field); then as
    # many keys as fields: no other key.
    arns, types, ids, names, regions, vpcs, subnets = (
        list(map(operator.itemgetter(key), heads)) for key in _HEAD_KEYS
    )
    if sum(map(len, heads)) != len(_HEAD_KEYS) * len(heads):
        raise _NotStreamed
    del heads
    # Text: joining raises TypeError on anything else (true and false included, as _fields).
    "".join(arns)
    "".join(ids)
    "".join(filter(None, names))  # text or null
    if not set(filterfalse(None, names)) <= _EMPTY_TEXT_OR_NONE:
        raise _NotStreamed
    for end in set(ends).difference(accounts):
        account = end[: -len(_ACCOUNT_END)]
        if not end.endswith(_ACCOUNT_END) or _NOT_PLAIN.search(account):
            raise _NotStreamed  # no account id, or one with escapes: read whole
        accounts[end] = account.decode()
    if None in names or "" in names:
        names = [n or i for n, i in zip(names, ids, strict=True)]
    # The same few strings on every line (type, region, VPC, subnet): one object each, and
    # checked once each (a list or object cannot be a key: TypeError).
    type_of, region_of, vpc_of, subnet_of = shared
    columns = (
        arns,
        list(map(type_of.setdefault, types, types)),
        ids,
        names,
        list(map(region_of.setdefault, regions, regions)),
        list(map(vpc_of.setdefault, vpcs, vpcs)),
        list(map(subnet_of.setdefault, subnets, subnets)),
        list(map(accounts.__getitem__, ends)),
        bodies,
    )
    if (
        not (set(map(type, type_of)) | set(map(type, region_of))) <= _TEXT
        or not (set(map(type, vpc_of)) | set(map(type, subnet_of))) <= _TEXT_OR_NONE
    ):
        raise _NotStreamed
    return columns


def _bodies_hold(bodies: list[bytes]) -> bool:
    """Whether each body is `<tags>,"attributes":<attributes>` as `validate` wants them (an
    object of texts or null; an object or null) and nothing else: `{"tags":<body>}` parsed on
    its own (orjson) holds exactly those two keys. C speed; nothing kept."""
    try:
        documents = list(
            map(orjson.loads, map(bytes.__add__, map(_BODY_OPEN.__add__, bodies), repeat(b"}")))
        )
    except ValueError:
        return False
    if not set(map(len, documents)) <= _TWO or not all(
        map(operator.contains, documents, repeat("attributes"))
    ):
        return False
    tags = list(map(operator.itemgetter("tags"), documents))
    attributes = list(map(operator.itemgetter("attributes"), documents))
    del documents
    if not (set(map(type, tags)) | set(map(type, attributes))) <= _DICT_OR_NONE:
        return False
    try:
        "".join(chain.from_iterable(map(dict.values, filter(None, tags))))  # tag values: text
    except TypeError:
        return False
    return True


def _file_bodies_hold(fd: int, offset: int) -> bool:
    """_bodies_hold of every resource line's body, read from the file at `offset` (the first
    line's `{`) on, with pread: the file as the process that started this worker reads it."""

    def read() -> bytes:
        nonlocal offset
        data = os.pread(fd, _CHUNK, offset)
        offset += len(data)
        return data

    for lines in _line_chunks(b"", read):
        fronts = map(bytes.rpartition, lines, repeat(_ACCOUNT_AT))
        bodies = map(bytes.partition, map(operator.itemgetter(0), fronts), repeat(_TAGS_AT))
        if not _bodies_hold(list(map(operator.itemgetter(2), bodies))):
            return False
    return True


# The worker's answer, as its exit status.
_HOLDS = 0
_DOES_NOT_HOLD = 3


def _answer_bodies(fd: int, offset: int) -> None:
    """In the worker process: _file_bodies_hold as the exit status; anything else (an error)
    as another status, silently (the reader then checks in its own process)."""
    try:
        holds = _file_bodies_hold(fd, offset)
    except _NotStreamed:
        holds = False
    except BaseException:
        os._exit(2)
    os._exit(_HOLDS if holds else _DOES_NOT_HOLD)


class _BodyCheck:
    """_file_bodies_hold in a worker process (multiprocessing, forked: nothing imported again;
    it reads the file through this process's descriptor) while this one builds the resources.
    Not started (`running` false) without fork, or with other threads running (fork copies only
    the calling thread: a lock another holds would never be released in the child)."""

    def __init__(self, fd: int, offset: int) -> None:
        import multiprocessing
        import threading

        self.worker: Any = None
        if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
            return
        worker = multiprocessing.get_context("fork").Process(
            target=_answer_bodies,
            args=(fd, offset),
            name="awsexplorer-snapshot-check",
            daemon=True,
        )
        try:
            worker.start()
        except OSError:  # no fork now (memory, process limit): check here
            return
        self.worker = worker

    @property
    def running(self) -> bool:
        return self.worker is not None

    def answer(self) -> bool | None:
        """Whether every body holds; None when the worker gave no answer."""
        self.worker.join()
        code = self.worker.exitcode
        self.worker = None
        return True if code == _HOLDS else False if code == _DOES_NOT_HOLD else None

    def cancel(self) -> None:
        """Stop a worker not awaited (the file is read whole)."""
        if self.worker is not None:
            self.worker.terminate()
            self.worker.join()
            self.worker = None


# -- one line per item: a large snapshot's resource lines read by two worker processes ---------

# From this many bytes of resource lines (~100,000 resources), read() has forked workers read
# them (a share each, see _read_parallel) while this process reads the rest of the document.
_PARALLEL_BYTES = 1 << 26
_MOST_WORKERS = 8
_SIZE = 8  # bytes of the length written before each chunk's columns
_POLL = 0.005  # seconds between looks for a worker's next chunk, when none was there
_WORKER_NICENESS = 10


def _write_columns(fd: int, start: int, end: int, out: BinaryIO) -> None:
    """In a worker: the resource lines from `start` (a line's `{`) to `end` (after a line's `}`),
    read with pread 1 MB at a time, cut at whole lines, each chunk's _line_columns (its
    bodies checked by _bodies_hold, as _read_stream checks them) written to `out` (marshal:
    texts, bytes and None only), its length first. _NotStreamed when a line is not as dumps
    writes it."""
    accounts: dict[bytes, str] = {}
    shared: _Shared = ({}, {}, {}, {})
    offset = start
    pending = b""
    while offset < end:
        # A quarter of _CHUNK a piece: the parent unmarshals each piece in one call, which held
        # the interpreter 57-107 ms at 4 MB while the TUI showed what was read so far.
        data = os.pread(fd, min(_CHUNK // 4, end - offset), offset)
        if not data:
            raise _NotStreamed  # the file was cut short
        offset += len(data)
        pending += data
        if offset < end:
            cut = pending.rfind(_RESOURCE_JOINT) + 1
            if cut <= 0:
                continue  # a line longer than what is read so far
            text, pending = pending[:cut], pending[cut + len(_LINE_SEPARATOR) :]
        else:
            text, pending = pending, b""
        lines = text.split(_LINE_SEPARATOR)
        if text.count(b"\n") != len(lines) - 1:
            raise _NotStreamed  # a line break inside a line
        del text
        columns = _line_columns(lines, accounts, shared)
        del lines
        if not _bodies_hold(columns[-1]):
            raise _NotStreamed
        data = marshal.dumps(columns)
        out.write(len(data).to_bytes(_SIZE, "little"))
        out.write(data)


def _columns_worker(fd: int, start: int, end: int, out: int) -> None:
    """In the worker process: _write_columns, then _HOLDS as the exit status; _DOES_NOT_HOLD
    when a line is not as dumps writes it; any other failure as another status."""
    # Below the process that started it: the document it reads meanwhile, and the TUI that
    # shows what is read (snapshot_opening), come first when the cores are all busy.
    with contextlib.suppress(OSError):
        os.nice(_WORKER_NICENESS)
    # What it makes is plain data, freed by reference counting or at its exit; the collector
    # would only walk it (and the heap it shares with its parent) again and again.
    gc.disable()
    try:
        with os.fdopen(out, "wb", buffering=1 << 20) as handle:
            _write_columns(fd, start, end, handle)
    except NOT_STREAMED:
        os._exit(_DOES_NOT_HOLD)
    except BaseException:
        os._exit(2)
    os._exit(_HOLDS)


def _written_columns(fd: int, offsets: list[int], n: int) -> Iterator[_Columns]:
    """The chunks worker `n` has written whole (_write_columns) to `fd` since `offsets[n]`,
    which each one read moves on. Read with pread: the worker writes through the same open
    file (its position is the worker's)."""
    while True:
        at = offsets[n]
        size = os.pread(fd, _SIZE, at)
        if len(size) < _SIZE:
            return  # nothing more yet
        length = int.from_bytes(size, "little")
        data = os.pread(fd, length, at + _SIZE)
        if len(data) < length:
            return  # the rest of this chunk is still to come
        offsets[n] = at + _SIZE + length
        yield marshal.loads(data)


def _workers() -> int:
    """How many workers _read_parallel starts: one per core this process may use (this one
    reads the rest of the document meanwhile), at least two, at most _MOST_WORKERS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 2
    return max(2, min(cores, _MOST_WORKERS))


def _read_parallel(handle: BinaryIO, source: str) -> ScanResult | None:
    """A large version 2 file in the one-line-per-item layout, read as _read_stream reads it
    (the same LineResources, the same checks, the same refusals: _NotStreamed and the other
    NOT_STREAMED errors send it to the whole reading), with every core (ParallelRead). None,
    and nothing read (the file's position unchanged), when this does not apply: a small file
    (_PARALLEL_BYTES), no fork, or other threads running (fork copies only the calling thread);
    _read_stream reads it then."""
    reading = ParallelRead.start(handle, source)
    if reading is None:
        return None
    with reading:
        result = reading.document()
        # Each share kept apart, then joined in file order.
        shares_read: list[list[Resource]] = [[] for _ in range(reading.shares)]
        for n, made in reading.chunks():
            shares_read[n] += made
        result.resources = reading.finish(list(chain.from_iterable(shares_read)))
    return result


class ParallelRead:
    """A large file's resource lines read by forked workers (one per core this process may
    use, at least two, at most _MOST_WORKERS), each taking a share of the lines and writing
    what they hold as columns (_write_columns: each line's head parsed and checked, its body
    checked), while this process reads and checks the rest of the document (`document`: the
    header, findings, checks and settings); `chunks` then makes the LineResources from the
    columns as they are written, and `finish` checks what the workers read. Started (`start`)
    in a process with one thread: fork copies only the calling thread. Used as a context
    manager: the workers are stopped and their files closed on the way out."""

    def __init__(self, fd: int, status: os.stat_result, source: str, header: bytes) -> None:
        self.fd = fd
        self.status = status
        self.source = source
        self.header = header
        self.close_at = 0  # where the resource list closes (its `\n ]`)
        self.workers: list[tuple[Any, BinaryIO]] = []
        self.ended: list[bool] = []  # per share: every chunk of it made (chunks)
        self.ids: set[str] = set()  # the document's accounts
        self.accounts: set[str] = set()  # the accounts the lines name

    @property
    def shares(self) -> int:
        return len(self.workers)

    @classmethod
    def start(cls, handle: BinaryIO, source: str) -> ParallelRead | None:
        """The workers started on `handle`'s file; None when this does not apply (see
        _read_parallel). _NotStreamed when the file is not as dumps writes it."""
        import multiprocessing
        import threading

        fd = handle.fileno()
        status = os.fstat(fd)
        if (
            status.st_size < _PARALLEL_BYTES
            or "fork" not in multiprocessing.get_all_start_methods()
            or threading.active_count() > 1
        ):
            return None
        try:
            buffer = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return None
        with buffer:
            region = _resource_region(buffer)
            if region is None or region[2] - region[1] < _PARALLEL_BYTES // 2:
                return None  # another layout, or few resources: _read_stream
            opening, first, close = region
            if buffer.rfind(_RESOURCES_CLOSE) != close:
                raise _NotStreamed  # the list closes more than once: read whole, to say so
            header = buffer[: opening + _RESOURCES_OPEN.index(b"[") + 1]
            # The lines cut into shares of about the same size, each at a line's end.
            shares = []
            start = first
            for n in range(_workers() - 1, 0, -1):
                joint = buffer.find(_RESOURCE_JOINT, start + (close - start) // (n + 1), close)
                if joint < 0:
                    break
                shares.append((start, joint + 1))
                start = joint + 1 + len(_LINE_SEPARATOR)
            shares.append((start, close))
        probe = orjson.loads(header + b"]}")
        if type(probe) is not dict or probe.get("version") != SNAPSHOT_VERSION:
            raise _NotStreamed
        reading = cls(fd, status, source, header)
        reading.close_at = close
        context = multiprocessing.get_context("fork")
        try:
            for start, end in shares:
                out = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
                given = os.dup(out.fileno())  # the worker's (closed here once it is started)
                worker = context.Process(
                    target=_columns_worker,
                    args=(fd, start, end, given),
                    name="awsexplorer-snapshot-lines",
                    daemon=True,
                )
                try:
                    worker.start()
                except OSError:  # no fork now (memory, process limit): read whole
                    out.close()
                    raise _NotStreamed from None
                finally:
                    os.close(given)
                reading.workers.append((worker, out))
                reading.ended.append(False)
        except BaseException:
            reading.close()
            raise
        return reading

    def __enter__(self) -> ParallelRead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def document(self) -> ScanResult:
        """The document without its resources, read and checked here while the workers run."""
        size = self.status.st_size
        text = self.header + os.pread(self.fd, size - self.close_at + 1, self.close_at)
        if len(text) != len(self.header) + size - self.close_at:
            raise _NotStreamed
        document = orjson.loads(text)
        del text
        document = check(document, self.source)
        self.ids = {a["id"] for a in document["accounts"]}
        return from_document(document, self.source)

    def chunks(self) -> Iterator[tuple[int, list[Resource]]]:
        """(share, its next chunk's LineResources) as the workers write them, whichever
        worker's comes first (each share's in file order): this process's share of the work
        then runs beside the workers', not after the last one is done. _NotStreamed when a
        worker refused its lines, failed, or died in the middle of a chunk."""
        offsets = [0] * len(self.workers)
        left = set(range(len(self.workers)))
        while left:
            progressed = False
            for n in sorted(left):
                worker, written = self.workers[n]
                ended = not worker.is_alive()  # before reading: all it wrote is then there
                for columns in _written_columns(written.fileno(), offsets, n):
                    # The few strings on every line (type, region, VPC, subnet, account) are
                    # one object each within a chunk (the worker's _line_columns; marshal keeps
                    # that), so they are not looked up again here: a few hundred copies at
                    # most, against 5,000,000 look-ups.
                    self.accounts.update(columns[7])
                    yield n, list(map(LineResource, *columns))
                    progressed = True
                if ended:
                    worker.join()
                    if (
                        worker.exitcode != _HOLDS
                        or offsets[n] != os.fstat(written.fileno()).st_size
                    ):
                        raise _NotStreamed  # refused, failed, or died in the middle of a chunk
                    written.close()
                    left.discard(n)
                    self.ended[n] = True
            if left and not progressed:
                time.sleep(_POLL)

    def finish(self, resources: list[Resource]) -> list[Resource]:
        """`resources` (every chunk's, in file order), once checked against the document:
        _NotStreamed (read whole, to say which) when a line names an account the document does
        not list, or the file changed while it was read."""
        if (
            not self.ids
            or not self.accounts <= self.ids
            or not _same_file(self.status, os.fstat(self.fd))
        ):
            raise _NotStreamed
        return resources

    def close(self) -> None:
        """Stop the workers still running; close their files."""
        for worker, written in self.workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
            written.close()


def snapshot_files(paths: list[Path] | tuple[Path, ...]) -> list[Path]:
    """The files `paths` name: a folder stands for the `*.json` regular files in it (sorted;
    not its subfolders)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.glob("*.json") if p.is_file() and not p.is_symlink())
            if not inside:
                raise SnapshotError(f"{path} is a folder without snapshot files (*.json).")
            files += inside
        else:
            files.append(path)
    return list(dict.fromkeys(files))


def read_many(paths: list[Path] | tuple[Path, ...]) -> ScanResult:
    """One snapshot, or several (files, or folders of them) merged into one: shards of one
    scan, one file per account. An account in two of them is refused (which one to believe?)."""
    return read_merged(paths)[0]


def read_merged(paths: list[Path] | tuple[Path, ...]) -> tuple[ScanResult, list[str]]:
    """read_many, and the accounts whose shared VPCs other files hold copies of
    (model/accounts.shared_across): when there are any, the merged accounts are to be judged
    again together (checks.analyse) to say what one scan of them all says."""
    from awsexplorer.model.accounts import shared_across

    files = snapshot_files(paths)
    if len(files) == 1:
        return read(files[0]), []
    merged, parts = merge_files(files)
    return merged, shared_across(parts)


def merge_files(files: list[Path]) -> tuple[ScanResult, list[ScanResult]]:
    """The snapshots `files` merged into one (model/accounts.merge), and each as read. An
    account in two of them is refused (which one to believe?), in one line with the fix."""
    from awsexplorer.model.accounts import AccountsOverlap, merge

    parts = [read(f) for f in files]
    try:
        return merge(parts, [str(f) for f in files]), parts
    except AccountsOverlap as exc:
        raise SnapshotError(
            f"Cannot merge: {exc}.", "Give each account once (one shard or scan of it)."
        ) from None
