"""IAM policy documents read the way AWS reads them: the one evaluator every check and view uses.

Pure: no I/O beyond the shipped action catalogue (iam_actions.json.gz, generated from botocore's
service models by scripts/iam_actions.py), nothing else of ours imported.

What it does, and what it deliberately does not:
- statements are normalised: one value or a list, Action/NotAction, Resource/NotResource,
  Principal/NotPrincipal, Effect (anything but Allow/Deny is dropped, as AWS would reject it);
- actions match as case-insensitive globs (`*` any run, `?` one character), so "kms:**" grants
  exactly what "kms:*" grants; resources match as globs too, segment by segment for ARNs;
- an explicit Deny always wins; a Deny with a Condition narrows a grant without cancelling it
  (the answer says "unless <condition>"); a Deny on some of the resources says "except on ...";
- a grant that holds only under a condition is CONDITIONAL, with its condition kept verbatim,
  never guessed true or false;
- a permission boundary limits what the identity policies grant and grants nothing itself;
- group policies count for their members (the caller passes them in; see principals.py).

Questions: `PolicySet.allows(action, resource)`, `PolicySet.services_on_everything()`,
`PolicySet.admin()`. Patterns in a question ("kms:*", "*") are expanded with the catalogue, so
NotAction and globs are answered per action, not per string.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

EVERYTHING = "*"
CATALOGUE_FILE = Path(__file__).with_name("iam_actions.json.gz")
# Below this many actions a question is answered by matching each pattern directly.
_DIRECT_LIMIT = 64
# Memoised work (documents read, patterns compiled, answers) is dropped past this many entries.
_CACHE_LIMIT = 20_000
_NORMALISED: dict[tuple[str, str], tuple[Statement, ...]] = {}


class Verdict(StrEnum):
    ALLOWED = "allowed"  # granted, whatever the request's context
    CONDITIONAL = "conditional"  # granted only when a condition holds (see Answer.conditions)
    DENIED = "denied"  # an Allow covers it, but an explicit Deny or a boundary takes it away
    NOT_ALLOWED = "not allowed"  # nothing grants it (implicit deny)

    @property
    def grants(self) -> bool:
        return self in (Verdict.ALLOWED, Verdict.CONDITIONAL)


class Reach(StrEnum):
    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


# -- documents and statements -------------------------------------------------------------------


def document_of(value: Any) -> dict[str, Any] | None:
    """A policy document as a dict, whether the API gave a dict, JSON or URL-encoded JSON."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    for text in (value, unquote(value)):
        try:
            parsed = json.loads(text)
        except ValueError:
            continue
        return parsed if isinstance(parsed, dict) else None
    return None


def as_list(value: Any) -> list[Any]:
    """Statement, Action, Resource and a Principal's values may each be one value or a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement, normalised. `actions`/`resources` hold NotAction/NotResource's lists when
    `not_action`/`not_resource` is set; `principals` are (kind, value) pairs, kind "*" for "*"."""

    effect: str  # "Allow" | "Deny"
    actions: tuple[str, ...]
    not_action: bool = False
    resources: tuple[str, ...] = (EVERYTHING,)
    not_resource: bool = False
    principals: tuple[tuple[str, str], ...] = ()
    not_principal: bool = False
    condition: dict[str, Any] | None = field(default=None, compare=False, hash=False)
    sid: str = ""
    source: str = ""  # the policy it came from

    @property
    def allow(self) -> bool:
        return self.effect == "Allow"

    @property
    def conditional(self) -> bool:
        return bool(self.condition)

    def condition_text(self) -> str:
        return condition_text(self.condition)

    @property
    def everyone(self) -> bool:
        """Whether the statement's principal is anyone: a NotPrincipal (everyone but the ones
        named), or any principal `is_anyone` reads as anyone."""
        return self.not_principal or bool(self.anyone())

    def anyone(self) -> list[str]:
        """The principals it names that mean anyone, as written ("*", arn:aws:iam::*:root)."""
        if self.not_principal:
            return []
        return [value.strip() for kind, value in self.principals if is_anyone(kind, value)]


def is_anyone(kind: str, value: str) -> bool:
    """Whether one principal means anyone: "*" (bare, as {"AWS": "*"} or {"CanonicalUser": "*"},
    alone or in a list), or an AWS principal whose account is a wildcard (arn:aws:iam::*:root,
    arn:aws:iam::*:*, arn:aws:iam::*:role/x): anyone with an AWS account whose name fits."""
    text = value.strip()
    if text == "*":
        return kind in ("*", "AWS", "CanonicalUser")
    if kind != "AWS" or not text.startswith("arn:"):
        return False
    parts = text.split(":", 5)
    return len(parts) == 6 and _is_pattern(parts[4])


def _principals(value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (("*", value),) if value.strip() == "*" else (("AWS", value),)
    if isinstance(value, dict):
        return tuple((str(kind), str(v)) for kind, values in value.items() for v in as_list(values))
    if isinstance(value, list):
        # Not IAM's grammar, but read, not dropped: ["*"] or [{"AWS": "*"}] means anyone too.
        return tuple(pair for item in value for pair in _principals(item))
    return ()


def normalise(document: Any, source: str = "") -> list[Statement]:
    """Every well-formed statement of a document (dict, JSON or URL-encoded JSON)."""
    doc = document_of(document)
    if doc is None:
        return []
    # Documents are shared by many principals (a managed policy, a group's): read each once.
    try:
        text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError):
        return _normalise(doc, source)
    key = (text, source)
    found = _NORMALISED.get(key)
    if found is None:
        if len(_NORMALISED) >= _CACHE_LIMIT:
            _NORMALISED.clear()
        found = _NORMALISED[key] = tuple(_normalise(doc, source))
    return list(found)


def _normalise(doc: dict[str, Any], source: str) -> list[Statement]:
    found = []
    for raw in as_list(doc.get("Statement")):
        if not isinstance(raw, dict):
            continue
        effect = str(raw.get("Effect") or "").strip().capitalize()
        if effect not in ("Allow", "Deny"):
            continue
        not_action = "Action" not in raw and "NotAction" in raw
        actions = as_list(raw.get("NotAction" if not_action else "Action"))
        not_resource = "Resource" not in raw and "NotResource" in raw
        if "Resource" in raw or not_resource:
            resources = as_list(raw.get("NotResource" if not_resource else "Resource"))
        else:
            resources = [EVERYTHING]  # trust and resource policies: the policy's own resource
        not_principal = "Principal" not in raw and "NotPrincipal" in raw
        condition = raw.get("Condition")
        found.append(
            Statement(
                effect=effect,
                actions=tuple(str(a).strip() for a in actions),
                not_action=not_action,
                resources=tuple(str(r).strip() for r in resources),
                not_resource=not_resource,
                principals=_principals(raw.get("NotPrincipal" if not_principal else "Principal")),
                not_principal=not_principal,
                condition=condition if isinstance(condition, dict) and condition else None,
                sid=str(raw.get("Sid") or ""),
                source=source,
            )
        )
    return found


def condition_text(condition: dict[str, Any] | None) -> str:
    """A Condition block as one line: `Bool aws:MultiFactorAuthPresent=true`, kept verbatim."""
    if not condition:
        return ""
    parts = []
    for operator, tests in condition.items():
        if isinstance(tests, dict):
            for key, values in tests.items():
                shown = ",".join(str(v) for v in as_list(values))
                parts.append(f"{operator} {key}={shown}")
        else:
            parts.append(f"{operator} {tests}")
    return "; ".join(parts)


# -- patterns -----------------------------------------------------------------------------------


@cache
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern.strip())
    return re.compile(body, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def action_matches(pattern: str, action: str) -> bool:
    """IAM action patterns: case-insensitive globs over "service:Action" (`*`, `?`)."""
    return _glob(pattern, True).fullmatch(action.strip()) is not None


def _all_stars(text: str) -> bool:
    return bool(text) and set(text) == {"*"}


def covers_every_resource(pattern: str) -> bool:
    """`*`, `**`, or an ARN whose every segment is `*` ("arn:*", "arn:*:*:*:*:*")."""
    text = pattern.strip()
    if _all_stars(text):
        return True
    head, _, rest = text.partition(":")
    if head.lower() != "arn" or not rest:
        return False
    segments = rest.split(":", 4)
    return all(_all_stars(s) for s in segments) and (len(segments) == 5 or segments[-1] == "*")


def resource_matches(pattern: str, resource: str) -> bool:
    """Resource patterns: globs, segment by segment for ARNs (partition, service and region
    case-insensitive, the resource part case-sensitive); a lone `*` matches anything."""
    pattern, resource = pattern.strip(), resource.strip()
    if covers_every_resource(pattern):
        return True
    p_parts, r_parts = pattern.split(":", 5), resource.split(":", 5)
    if len(p_parts) == 6 and len(r_parts) == 6:
        return all(
            _glob(p, i < 5).fullmatch(r) is not None
            for i, (p, r) in enumerate(zip(p_parts, r_parts, strict=True))
        )
    return _glob(pattern, False).fullmatch(resource) is not None


# -- the catalogue ------------------------------------------------------------------------------


@cache
def catalogue() -> dict[str, frozenset[str]]:
    """{service prefix: frozenset of "prefix:action", lower case} from the shipped file."""
    try:
        raw = json.loads(gzip.decompress(CATALOGUE_FILE.read_bytes()))
    except (OSError, ValueError):
        return {}
    return {
        prefix.lower(): frozenset(f"{prefix}:{name}".lower() for name in names)
        for prefix, names in raw.items()
    }


@cache
def all_actions() -> frozenset[str]:
    return frozenset().union(*catalogue().values())


@cache
def _expand(pattern: str) -> frozenset[str]:
    """Every catalogued action a pattern names."""
    regex = _glob(pattern, True)
    service = pattern.strip().lower().partition(":")[0]
    if ":" in pattern and "*" not in service and "?" not in service:
        pool: Iterable[str] = catalogue().get(service, frozenset())
    else:
        pool = all_actions()
    return frozenset(a for a in pool if regex.fullmatch(a))


def expand(pattern: str) -> frozenset[str]:
    """The actions a question names: a concrete action as itself; a pattern as the catalogued
    actions it matches, or (for a service the catalogue lacks) the pattern itself."""
    text = pattern.strip().lower()
    if "*" not in text and "?" not in text:
        return frozenset({text})
    found = _expand(text)
    return found or frozenset({text})


def _is_pattern(token: str) -> bool:
    return "*" in token or "?" in token


def _intersects(pattern: str, token: str) -> bool:
    # Could `pattern` name any action of the uncatalogued pattern `token` ("svc:*", "*")?
    # Judged by service: "ec2:Get*" touches "ec2:*"; anything touches "*".
    if _all_stars(token) or _all_stars(pattern.strip()):
        return True
    p_service = pattern.strip().lower().partition(":")[0]
    return _glob(p_service, True).fullmatch(token.partition(":")[0]) is not None


def _hit(patterns: tuple[str, ...], token: str, negated: bool) -> bool:
    if negated and _is_pattern(token):  # NotAction leaves "svc:*" whole only if it names none
        return not any(_intersects(p, token) for p in patterns)
    return any(action_matches(p, token) for p in patterns) != negated


class _Cover:
    """What one Action (or NotAction) list covers, compiled once per distinct list: the
    catalogued actions it names, grouped by service, and a memo for the other tokens. Answers
    exactly what `_hits` answers (which stays the reference, and the path for patterns that are
    not ASCII: their case folding is left to the regex engine)."""

    __slots__ = (
        "_all",
        "_other",
        "by_service",
        "exotic",
        "named",
        "names",
        "negated",
        "patterns",
        "spans",
    )

    def __init__(self, patterns: tuple[str, ...], negated: bool) -> None:
        self.patterns = patterns
        self.negated = negated
        self.exotic = not all(p.isascii() for p in patterns)
        self._other: dict[str, bool] = {}
        self._all: frozenset[str] | None = None
        named: set[str] = set()
        if not self.exotic:
            for pattern in patterns:
                named |= _expand_fast(pattern)
        self.named = frozenset(named)
        by_service: dict[str, set[str]] = {}
        for action in self.named:
            by_service.setdefault(action.partition(":")[0], set()).add(action)
        self.by_service = {k: frozenset(v) for k, v in by_service.items()}
        # As _services_named reads the patterns: services named, or every one ("spans").
        self.names: set[str] = set()
        self.spans = negated
        for pattern in patterns:
            service, colon, _ = pattern.lower().partition(":")
            if not colon or _is_pattern(service):
                self.spans = True
            else:
                self.names.add(service)

    def hit(self, token: str) -> bool:
        found = self._other.get(token)
        if found is None:
            if self.exotic or not token.isascii() or (self.negated and _is_pattern(token)):
                found = _hit(self.patterns, token, self.negated)
            else:
                found = any(_ascii_match(p, token) for p in self.patterns) != self.negated
            self._other[token] = found
        return found

    def covered(self, tokens: frozenset[str]) -> frozenset[str]:
        if self.exotic:
            return _hits(self.patterns, tokens, self.negated)
        if tokens is _everything():
            if self._all is None:
                catalogued = all_actions() - self.named if self.negated else self.named
                self._all = catalogued | ({"*"} if self.hit("*") else set())
            return self._all
        known = all_actions()
        named, negated = self.named, self.negated
        return frozenset(
            t for t in tokens if (((t in named) != negated) if t in known else self.hit(t))
        )

    def on_service(self, tokens: frozenset[str], service: str) -> frozenset[str]:
        """`covered(tokens)` for `tokens`, every catalogued action of `service`."""
        if self.exotic:
            return _hits(self.patterns, tokens, self.negated)
        named = self.by_service.get(service)
        if not named:
            return tokens if self.negated else frozenset()
        if len(named) == len(tokens):
            return frozenset() if self.negated else tokens
        return tokens - named if self.negated else named


def _ascii_match(pattern: str, token: str) -> bool:
    """`action_matches` for ASCII text, without compiling a regex for the simple shapes."""
    text, token = pattern.strip(), token.strip()
    if _all_stars(text):
        return True
    if not _is_pattern(text):
        return text.lower() == token.lower()
    if text.endswith("*") and not _is_pattern(text[:-1]):
        return token.lower().startswith(text[:-1].lower())
    return action_matches(pattern, token)


_COVERS: dict[tuple[tuple[str, ...], bool], _Cover] = {}


def _cover(statement: Statement) -> _Cover:
    key = (statement.actions, statement.not_action)
    found = _COVERS.get(key)
    if found is None:
        if len(_COVERS) >= _CACHE_LIMIT:
            _COVERS.clear()
        found = _COVERS[key] = _Cover(*key)
    return found


def _expand_fast(pattern: str) -> frozenset[str]:
    """`_expand(pattern)` for an ASCII pattern, without a regex where none is needed."""
    text = pattern.strip()
    if _all_stars(text):
        return all_actions()
    if not _is_pattern(text):
        lowered = text.lower()
        service = lowered.partition(":")[0]
        pool = catalogue().get(service, frozenset()) if ":" in text else frozenset()
        return frozenset({lowered}) & pool
    service, colon, rest = text.partition(":")
    if colon and not _is_pattern(service) and rest.endswith("*") and not _is_pattern(rest[:-1]):
        # "svc:Get*": a prefix, as the regex reads it for ASCII text.
        prefix = text[:-1].lower()
        pool = catalogue().get(service.lower(), frozenset())
        return frozenset(a for a in pool if a.startswith(prefix))
    return _expand(pattern)


@cache
def _everything() -> frozenset[str]:
    return all_actions() | {"*"}


def _hits(patterns: tuple[str, ...], tokens: frozenset[str], negated: bool) -> frozenset[str]:
    """The tokens (lower-case actions) a statement's Action (or NotAction) list covers."""
    if len(tokens) <= _DIRECT_LIMIT:
        return frozenset(t for t in tokens if _hit(patterns, t, negated))
    catalogued = tokens & all_actions()
    named = frozenset().union(*(_expand(p) for p in patterns)) & catalogued
    covered = catalogued - named if negated else named
    return covered | {t for t in tokens - catalogued if _hit(patterns, t, negated)}


_REACH: dict[tuple[tuple[str, ...], bool], Reach] = {}


def _reach(statement: Statement, resource: str) -> Reach:
    """How much of `resource` ("*" meaning every resource) a statement's resources cover."""
    if resource == EVERYTHING:
        key = (statement.resources, statement.not_resource)
        found = _REACH.get(key)
        if found is None:
            if len(_REACH) >= _CACHE_LIMIT:
                _REACH.clear()
            found = _REACH[key] = _reach_everything(statement)
        return found
    hit = any(resource_matches(p, resource) for p in statement.resources)
    return Reach.FULL if hit != statement.not_resource else Reach.NONE


def _reach_everything(statement: Statement) -> Reach:
    whole = any(covers_every_resource(p) for p in statement.resources)
    if statement.not_resource:
        return Reach.NONE if whole else Reach.PARTIAL
    if whole:
        return Reach.FULL
    return Reach.PARTIAL if statement.resources else Reach.NONE


# -- answers ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    verdict: Verdict
    sources: tuple[str, ...] = ()  # the policies whose Allow statements grant it
    conditions: tuple[str, ...] = ()  # CONDITIONAL: "<condition> (policy P)", any one suffices
    unless: tuple[str, ...] = ()  # narrowing Denies: "<condition> (policy P)"
    except_on: tuple[str, ...] = ()  # Denies on some resources: "<resources> (policy P)"
    denied_by: tuple[str, ...] = ()  # DENIED: the Deny statements' policies, or the boundary
    # The question's actions that are granted (perhaps only under conditions), and all of them.
    granted: frozenset[str] = field(default=frozenset(), repr=False)
    asked: frozenset[str] = field(default=frozenset(), repr=False)

    @property
    def grants(self) -> bool:
        return self.verdict.grants

    def qualifiers(self) -> str:
        """ ", only if X", ", unless Y" ... to append to a finding's message."""
        parts = []
        if self.verdict == Verdict.CONDITIONAL and self.conditions:
            parts.append("only if " + " or ".join(self.conditions))
        if self.unless:
            parts.append("unless " + " or ".join(self.unless))
        if self.except_on:
            parts.append("except on " + "; ".join(self.except_on))
        return "".join(f", {p}" for p in parts)


def _where(statement: Statement) -> str:
    return f"policy {statement.source}" if statement.source else "a policy"


@dataclass(slots=True)
class _Tally:
    """What a group of Allow statements grants on the whole resource asked about."""

    granted: set[str] = field(default_factory=set)  # unconditionally
    conditional: set[str] = field(default_factory=set)  # only under a condition
    entries: list[tuple[Statement, frozenset[str]]] = field(default_factory=list)

    def add(self, statement: Statement, covered: frozenset[str]) -> None:
        (self.conditional if statement.conditional else self.granted).update(covered)
        self.entries.append((statement, covered))

    @property
    def reachable(self) -> set[str]:
        return self.granted | self.conditional

    def sources(self, tokens: frozenset[str]) -> list[str]:
        return sorted({s.source for s, covered in self.entries if not covered.isdisjoint(tokens)})

    def conditions(self, missing: frozenset[str]) -> list[str]:
        return [
            f"{s.condition_text()} ({_where(s)})"
            for s, covered in self.entries
            if s.conditional and not covered.isdisjoint(missing)
        ]


class PolicySet:
    """The policies that apply to one principal: its own and its groups' (`identity`), and its
    permission boundary (`boundary`, None when it has none). Each is (policy name, document)."""

    def __init__(
        self,
        identity: Iterable[tuple[str, Any]],
        boundary: Iterable[tuple[str, Any]] | None = None,
    ) -> None:
        self.identity = [s for name, doc in identity for s in normalise(doc, name)]
        self.boundary = (
            None
            if boundary is None
            else [s for name, doc in boundary for s in normalise(doc, name)]
        )
        self._canon: tuple[tuple[Any, ...], tuple[str, ...], PolicySet] | None = None

    def _canonical(self) -> tuple[tuple[Any, ...], tuple[str, ...], PolicySet]:
        """What the answers on "*" depend on, without the policies' names, to share them
        between sets that differ only in names (many principals hold the same documents under
        their own inline or group labels; the checks and the IAM view ask the same questions).

        Returns (key, names, canonical set): the canonical set holds the statements those
        questions read, each policy name replaced by a placeholder (names[i] is the i-th), so
        its answers are computed once per key and named per set (`_named`)."""
        if self._canon is None:
            if any(_cover(s).exotic for s in self.identity if s.allow):
                read = list(self.identity)
                limits = self.boundary
                extras: dict[str, set[str]] = {}
            else:
                # Questions on "*" read only these statements, and the services the others
                # name that the catalogue lacks (see _services_on_everything).
                allows, denies, bounds = self._relevant()
                ids = {id(s) for s in (*allows, *denies)}
                read = [s for s in self.identity if id(s) in ids]
                limits = None if self.boundary is None else bounds
                known = catalogue().keys()
                extras = {}
                for s in self.identity:
                    if s.allow and id(s) not in ids and _cover(s).names - known:
                        extras.setdefault(s.source, set()).update(_cover(s).names - known)
            # Kept as Allows that reach no resource (no question on "*" reads them), one per
            # policy, so that a set narrowed to one policy keeps that policy's.
            read += [
                Statement("Allow", tuple(f"{e}:*" for e in sorted(v)), resources=(), source=k)
                for k, v in extras.items()
            ]
            everyone = [*read, *(limits or [])]
            names: dict[str, str] = {}
            if all(_plain(s) for s in everyone):

                def mark(s: Statement) -> Statement:
                    if not s.source:
                        return s  # "a policy": nothing to name
                    found = names.get(s.source)
                    if found is None:
                        found = names[s.source] = f"{_MARK}{len(names)}{_MARK}"
                    return replace(s, source=found)

                read = [mark(s) for s in read]
                limits = None if limits is None else [mark(s) for s in limits]
            canon = PolicySet([], None)
            canon.identity, canon.boundary = read, limits
            key = (
                tuple(_statement_key(s) for s in read),
                None if limits is None else tuple(_statement_key(s) for s in limits),
            )
            canon._canon = (key, (), canon)
            self._canon = (key, tuple(names), canon)
        return self._canon

    @classmethod
    def of(cls, document: Any, name: str = "") -> PolicySet:
        return cls([(name, document)])

    def granting_only(self, source: str) -> PolicySet:
        """This set with the Allows of one policy only (every Deny and the boundary kept)."""
        narrowed = PolicySet([], None)
        narrowed.identity = [s for s in self.identity if not s.allow or s.source == source]
        narrowed.boundary = self.boundary
        return narrowed

    def _statements(self) -> list[Statement]:
        return self.identity + (self.boundary or [])

    def evaluate(self, tokens: frozenset[str], resource: str = EVERYTHING) -> Answer:
        """The verdict for every action in `tokens` (lower case) on `resource`."""
        return self._evaluate(tokens, resource, None)

    def _evaluate(self, tokens: frozenset[str], resource: str, service: str | None) -> Answer:
        # `service`: `tokens` are every catalogued action of that service (a faster lookup).
        allow, limit = _Tally(), _Tally()
        denied: set[str] = set()
        denials: list[tuple[Statement, frozenset[str]]] = []
        unless: list[tuple[Statement, frozenset[str]]] = []
        except_on: list[tuple[Statement, frozenset[str]]] = []
        for group, tally in ((self.identity, allow), (self.boundary or [], limit)):
            for s in group:
                if not s.allow:
                    continue
                if _reach(s, resource) != Reach.FULL:
                    continue
                covered = _covered(s, tokens, service)
                if covered:
                    tally.add(s, covered)
        for s in self._statements():
            if s.allow:
                continue
            reach = _reach(s, resource)
            if reach == Reach.NONE:
                continue
            covered = _covered(s, tokens, service)
            if not covered:
                continue
            if reach == Reach.PARTIAL:
                except_on.append((s, covered))
            elif s.conditional:
                unless.append((s, covered))
            else:
                denied |= covered
                denials.append((s, covered))
        bounded = self.boundary is not None
        granted = allow.granted - denied
        reachable = allow.reachable - denied
        if bounded:
            granted &= limit.granted
            reachable &= limit.reachable
        if tokens <= granted:
            verdict = Verdict.ALLOWED
        elif tokens <= reachable:
            verdict = Verdict.CONDITIONAL
        elif tokens <= allow.reachable:
            verdict = Verdict.DENIED
        else:
            verdict = Verdict.NOT_ALLOWED
        answer_to = tokens if verdict.grants else frozenset()
        conditions: list[str] = []
        if verdict == Verdict.CONDITIONAL:
            missing = frozenset(tokens - granted)
            for text in allow.conditions(missing) + limit.conditions(missing):
                if text not in conditions:
                    conditions.append(text)
        blocked: set[str] = set()
        if verdict == Verdict.DENIED:
            lost = frozenset(tokens - reachable)
            blocked = {_where(s) for s, covered in denials if not covered.isdisjoint(lost)}
            if bounded and not lost <= limit.reachable:
                blocked.add("the permission boundary")
        sources = allow.sources(answer_to)
        return Answer(
            verdict=verdict,
            sources=tuple(sources),
            conditions=tuple(conditions),
            unless=_texts(unless, answer_to, lambda s: s.condition_text()),
            except_on=_texts(except_on, answer_to, _resource_text),
            denied_by=tuple(sorted(blocked)),
            granted=frozenset(reachable & tokens),
            asked=tokens,
        )

    def allows(self, action: str, resource: str = EVERYTHING) -> Answer:
        """Does this set allow `action` (a name or a pattern: every action it names) on
        `resource` (an ARN, or "*" for every resource)?"""
        return self.evaluate(expand(action), resource)

    def services_on_everything(self) -> dict[str, Answer]:
        """Services granted whole on every resource ({prefix: answer}); a service an explicit
        Deny takes part of is still listed when most of it stays granted (answer.denied_by
        names the Deny, answer.verdict is then the verdict of what is left)."""
        key, names, canon = self._canonical()
        named = _ANSWERS.get(("services", key, names))
        if named is None:
            found = _ANSWERS.get(("services", key))
            if found is None:
                found = _remember(("services", key), canon._services_on_everything())
            named = {service: _named(answer, names) for service, answer in found.items()}
            if names:
                _remember(("services", key, names), named)
        return dict(named)

    def _relevant(self) -> tuple[list[Statement], list[Statement], list[Statement]]:
        """The statements evaluate() reads when the resource is "*": (identity Allows on every
        resource, identity Denies on any, the boundary's), each in the set's order."""

        def reads(s: Statement) -> bool:
            reach = _reach(s, EVERYTHING)
            return reach == Reach.FULL if s.allow else reach != Reach.NONE

        return (
            [s for s in self.identity if s.allow and reads(s)],
            [s for s in self.identity if not s.allow and reads(s)],
            [s for s in self.boundary or [] if reads(s)],
        )

    def _services_on_everything(self) -> dict[str, Answer]:
        # One pass over services x statements. A service that every statement covers either
        # whole or not at all is answered by which statements those are (its "shape"): every
        # service of one shape gets the same answer but for the actions it names, so each shape
        # is evaluated once. A service some statement covers in part is evaluated on its own.
        allows, denies, limits = self._relevant()
        if not allows:
            return {}  # nothing granted on every resource
        covers = [_cover(s) for s in (*allows, *denies, *limits)]
        n_allows = len(allows)
        known = catalogue()
        if any(c.exotic for c in covers) or any(_cover(s).exotic for s in self.identity if s.allow):
            candidates = self._services_named()  # case folding left to the regex engine
            touched: set[str] = set(candidates)
        else:
            # A catalogued service is granted whole only by Allows naming it or spanning
            # services; an uncatalogued one (its own token) may be named by any Allow.
            names: set[str] = set()
            for s in self.identity:
                if s.allow:
                    names |= _cover(s).names - known.keys()
            spans = False
            for c in covers[:n_allows]:
                names |= c.names
                spans = spans or c.spans
            candidates = sorted(names | known.keys()) if spans else sorted(names)
            touched = set().union(*(c.by_service.keys() for c in covers))
        default_shape = tuple(c.negated for c in covers)
        shapes: dict[tuple[bool, ...], Answer] = {}
        found: dict[str, Answer] = {}
        for service in candidates:
            tokens, catalogued = _service_tokens(service)
            if not catalogued:
                answer = self.evaluate(tokens)
            else:
                if service in touched:
                    shape: list[bool] = []
                    parts: list[frozenset[str]] = []
                    for cover in covers:
                        got = cover.on_service(tokens, service)
                        parts.append(got)
                        if len(got) == len(tokens):
                            shape.append(True)
                        elif not got:
                            shape.append(False)
                    if len(shape) != len(covers):  # covered in part by some statement
                        if not tokens <= frozenset().union(*parts[:n_allows]):
                            continue  # the Allows do not cover it all: not allowed
                        answer = self._evaluate(tokens, EVERYTHING, service)
                        shape_key = None
                    else:
                        shape_key = tuple(shape)
                else:
                    shape_key = default_shape
                if shape_key is not None:
                    if not any(shape_key[:n_allows]):
                        continue  # nothing grants any of it: not allowed
                    first = shapes.get(shape_key)
                    if first is None:
                        answer = shapes[shape_key] = self._evaluate(tokens, EVERYTHING, service)
                    else:
                        answer = _alike(first, tokens)
                    if answer.grants:  # a Deny of the whole service leaves nothing granted
                        found[service] = answer
                    continue
            if answer.grants:
                found[service] = answer
                continue
            if answer.verdict != Verdict.DENIED:
                continue
            # Partly denied: keep it when most of the service is still granted.
            left = self.evaluate(answer.granted) if answer.granted else answer
            if left.grants and len(left.asked) * 2 > len(tokens):
                found[service] = Answer(
                    verdict=left.verdict,
                    sources=left.sources,
                    conditions=left.conditions,
                    unless=left.unless,
                    except_on=left.except_on,
                    denied_by=self.evaluate(tokens - left.asked).denied_by or ("a Deny",),
                    granted=left.asked,
                    asked=tokens,
                )
        return found

    def _services_named(self) -> list[str]:
        """Services a statement of this set could grant whole: every catalogued service when a
        pattern spans services (NotAction, "*", "s?:*"), otherwise the ones named."""
        services: set[str] = set()
        for s in self.identity:
            if not s.allow:
                continue
            for pattern in s.actions:
                service, colon, _ = pattern.lower().partition(":")
                if s.not_action or not colon or _is_pattern(service):
                    services |= set(catalogue())
                else:
                    services.add(service)
        return sorted(services)

    def _could_grant_everything(self) -> bool:
        # Every action granted needs Allows on every resource that together name them all.
        everything = _everything()
        covered = [
            _cover(s).covered(everything)
            for s in self.identity
            if s.allow and _reach(s, EVERYTHING) == Reach.FULL
        ]
        if any(len(c) == len(everything) for c in covered):
            return True
        if sum(len(c) for c in covered) < len(everything):
            return False
        return frozenset().union(*covered) >= everything

    def _denies_any_of_everything(self) -> bool:
        # An unconditional Deny on every resource, or a boundary that does not allow every
        # action, leaves some action not granted.
        everything = _everything()
        for s in self.identity + (self.boundary or []):
            if s.allow or s.conditional or _reach(s, EVERYTHING) != Reach.FULL:
                continue
            if _cover(s).covered(everything):
                return True
        if self.boundary is None:
            return False
        limits = [
            _cover(s).covered(everything)
            for s in self.boundary
            if s.allow and _reach(s, EVERYTHING) == Reach.FULL
        ]
        return not frozenset().union(*limits) >= everything

    def admin(self) -> AdminAnswer:
        """Admin-equivalent? Every action on every resource, or all but a few services while
        every IAM action is granted (with IAM it can grant itself the rest): "admin in all but
        name", as an Allow NotAction ["ec2:*", "s3:*"] on "*" is. The answer's sources are the
        policies that make it admin each on their own, or all that contribute when none does."""
        key, names, canon = self._canonical()
        found: AdminAnswer | None = _ANSWERS.get(("admin", key))
        if found is None:
            found = _remember(("admin", key), canon._admin_alone())
        if not names:
            return found
        return AdminAnswer(_named(found.answer, names), found.missing)

    def _admin_alone(self) -> AdminAnswer:
        found = self._admin()
        if not found.is_admin or len(found.answer.sources) < 2:
            return found
        alone = [s for s in found.answer.sources if self.granting_only(s)._admin().is_admin]
        if not alone:
            return found
        return AdminAnswer(replace(found.answer, sources=tuple(alone)), found.missing)

    def _admin(self) -> AdminAnswer:
        # Only ever asked of canonical sets (admin() and _admin_alone's narrowed copies).
        key, names, canon = self._canonical()
        found: AdminAnswer | None = _ANSWERS.get(("admin-any", key))
        if found is None:
            found = _remember(("admin-any", key), canon._admin_uncached())
        if not names:
            return found
        return AdminAnswer(_named(found.answer, names), found.missing)

    def _admin_uncached(self) -> AdminAnswer:
        everything = _everything()
        if self._could_grant_everything() and not self._denies_any_of_everything():
            answer = self.evaluate(everything)
            if answer.grants:
                return AdminAnswer(answer, ())
        else:  # not every action is granted: only the question is needed from the answer
            answer = Answer(Verdict.NOT_ALLOWED, asked=everything)
        services = self.services_on_everything()
        whole = {k: v for k, v in services.items() if not v.denied_by}
        iam = whole.get("iam")
        known = set(catalogue())
        if iam is None or len(whole) * 2 <= len(known):
            return AdminAnswer(Answer(Verdict.NOT_ALLOWED, asked=answer.asked), ())
        missing = tuple(sorted(known - set(whole)))
        verdicts = {v.verdict for v in whole.values()}
        verdict = Verdict.ALLOWED if verdicts == {Verdict.ALLOWED} else Verdict.CONDITIONAL
        conditions = tuple(dict.fromkeys(c for v in whole.values() for c in v.conditions))
        sources = tuple(sorted({src for v in whole.values() for src in v.sources}))
        unless = tuple(dict.fromkeys(u for v in whole.values() for u in v.unless))
        except_on = tuple(dict.fromkeys(e for v in whole.values() for e in v.except_on))
        return AdminAnswer(
            Answer(verdict, sources, conditions, unless, except_on, asked=answer.asked), missing
        )


def _alike(first: Answer, tokens: frozenset[str]) -> Answer:
    """`first`, the answer for another service of the same shape, for this one's `tokens`."""
    return Answer(
        verdict=first.verdict,
        sources=first.sources,
        conditions=first.conditions,
        unless=first.unless,
        except_on=first.except_on,
        denied_by=first.denied_by,
        granted=tokens if first.granted else frozenset(),
        asked=tokens,
    )


def _covered(statement: Statement, tokens: frozenset[str], service: str | None) -> frozenset[str]:
    cover = _cover(statement)
    return cover.covered(tokens) if service is None else cover.on_service(tokens, service)


@cache
def _service_tokens(service: str) -> tuple[frozenset[str], bool]:
    """The actions "<service>:*" names, and whether they are every catalogued action of a
    catalogued service (so that `_Cover.on_service` applies)."""
    tokens = expand(f"{service}:*")
    return tokens, bool(tokens) and tokens == catalogue().get(service)


def _statement_key(statement: Statement) -> tuple[Statement, str]:
    # A Statement compares without its condition; the answers' texts depend on it.
    return statement, repr(statement.condition)


_ANSWERS: dict[tuple[Any, ...], Any] = {}
# Placeholders for policy names in canonical sets: "\x00<n>\x00". A set whose names, resources
# or conditions hold the mark itself is not canonicalised (its answers are keyed by its names).
_MARK = "\x00"
_MARKED = re.compile("\x00([0-9]+)\x00")


def _plain(statement: Statement) -> bool:
    return (
        _MARK not in statement.source
        and all(_MARK not in r for r in statement.resources)
        and (not statement.condition or _MARK not in repr(statement.condition))
    )


def _named(answer: Answer, names: tuple[str, ...]) -> Answer:
    """A canonical set's answer with its placeholders replaced by this set's policy names
    (sources and denied_by sorted again, as the named set's own answer would be)."""
    if not names:
        return answer

    def name(text: str) -> str:
        return _MARKED.sub(lambda m: names[int(m.group(1))], text) if _MARK in text else text

    return Answer(
        verdict=answer.verdict,
        sources=tuple(sorted(name(t) for t in answer.sources)),
        conditions=tuple(name(t) for t in answer.conditions),
        unless=tuple(name(t) for t in answer.unless),
        except_on=tuple(name(t) for t in answer.except_on),
        denied_by=tuple(sorted(name(t) for t in answer.denied_by)),
        granted=answer.granted,
        asked=answer.asked,
    )


def _remember(key: tuple[Any, ...], value: Any) -> Any:
    if len(_ANSWERS) >= _CACHE_LIMIT:
        _ANSWERS.clear()
    _ANSWERS[key] = value
    return value


@dataclass(frozen=True, slots=True)
class AdminAnswer:
    answer: Answer
    missing: tuple[str, ...]  # services left out of an "all but name" grant, empty for full

    @property
    def verdict(self) -> Verdict:
        return self.answer.verdict

    @property
    def is_admin(self) -> bool:
        return self.answer.grants


def _resource_text(statement: Statement) -> str:
    listed = ", ".join(statement.resources)
    return f"everything but {listed}" if statement.not_resource else listed


def _texts(
    found: list[tuple[Statement, frozenset[str]]], asked: frozenset[str], text: Any
) -> tuple[str, ...]:
    out: list[str] = []
    for statement, covered in found:
        if covered & asked:
            line = f"{text(statement)} ({_where(statement)})"
            if line not in out:
                out.append(line)
    return tuple(out)
