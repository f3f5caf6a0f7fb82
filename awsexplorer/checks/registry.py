"""The checks catalogue: every check is a small pure function registered with its metadata
beside it (`@check(...)`); `all_checks()` lists them in catalogue order.

The API a check is written with is checks/api.py; running them is checks/evaluation.py.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from awsexplorer.config import Settings, from_args
from awsexplorer.model import Severity
from awsexplorer.model.calls import Call

if TYPE_CHECKING:
    import argparse

    # Only in annotations: checks.api loads the model's exposure and inventory, which
    # `settings_from_args` (the TUI's start) does not need.
    from awsexplorer.checks.api import CheckFunc

# The order the catalog is presented in (docs, --list-checks): one module per category.
CATEGORIES = (
    "identity",
    "network",
    "data",
    "cost",
    "hygiene",
    "policies",
    "keys",
    "edges",
    "wiring",
    "integration",
    "guardrails",
)

_ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# The resource fields a remediation's placeholder may name (besides `attributes.KEY`). A field
# may end in `@TYPE` ("id@s3:bucket"): filled only for a resource of that type, so a check over
# several types can give each type its own command.
PLACEHOLDER_FIELDS = frozenset({"id", "arn", "region", "vpc_id", "subnet_id", "name"})


@dataclass(frozen=True, slots=True)
class Check:
    id: str
    title: str
    severity: Severity
    types: tuple[str, ...]  # the resource types it looks at
    remediation: str  # what to do, with the AWS CLI command where one exists
    # The calls it reads (model/calls.py). A failure of any of them makes the check
    # not-evaluated, unless `judges_inputs`: then the check weighs failures itself (one good
    # CloudTrail trail found elsewhere outweighs a region whose DescribeTrails failed).
    inputs: tuple[Call, ...]
    judges_inputs: bool
    func: CheckFunc
    # Placeholders in the remediation's commands that name the flagged resource, and which of
    # its fields fills them in ("id" or "arn"): `--group-id SG` becomes `--group-id sg-0abc`.
    placeholders: tuple[tuple[str, str], ...] = ()

    @property
    def category(self) -> str:
        return self.func.__module__.rsplit(".", 1)[-1]

    @property
    def description(self) -> str:
        """The function's docstring: what is checked and why it matters."""
        return " ".join((self.func.__doc__ or "").split())


REGISTRY: dict[str, Check] = {}


def check(
    *,
    id: str,
    title: str,
    severity: Severity,
    types: Iterable[str],
    remediation: str,
    inputs: Iterable[Call] = (),
    judges_inputs: bool = False,
    placeholders: Mapping[str, str] | None = None,
) -> Callable[[CheckFunc], CheckFunc]:
    """Register a check with its metadata. The id is a public contract: never rename one."""

    def register(func: CheckFunc) -> CheckFunc:
        if id in REGISTRY:
            raise ValueError(f"check {id} registered twice")
        REGISTRY[id] = Check(
            id=id,
            title=title,
            severity=Severity(severity),
            types=tuple(types),
            remediation=" ".join(remediation.split()),
            inputs=tuple(inputs),
            judges_inputs=judges_inputs,
            func=func,
            placeholders=tuple((placeholders or {}).items()),
        )
        return func

    return register


def _import_all() -> None:
    # By name (one module per category), so the registry does not import its own package.
    for category in CATEGORIES:
        importlib.import_module(f"{__package__}.{category}")


def all_checks() -> list[Check]:
    """Every registered check, in catalog order (category, then declaration order)."""
    _import_all()
    order = {name: i for i, name in enumerate(CATEGORIES)}
    indexed = list(enumerate(REGISTRY.values()))
    indexed.sort(key=lambda pair: (order.get(pair[1].category, len(order)), pair[0]))
    return [c for _, c in indexed]


def metadata_problems(item: Check) -> list[str]:
    """What is wrong with a check's metadata (empty when it is valid); used by the tests."""
    problems = []
    if not _ID_PATTERN.match(item.id):
        problems.append(f"id {item.id!r} is not kebab-case")
    if item.func.__name__ != item.id.replace("-", "_"):
        problems.append(f"function {item.func.__name__} does not match id {item.id}")
    if not item.title.strip():
        problems.append("empty title")
    if not item.remediation.strip():
        problems.append("empty remediation")
    if not item.types or not all(":" in t for t in item.types):
        problems.append(f"resource types {item.types!r} are not <service>:<type>")
    if item.category not in CATEGORIES:
        problems.append(f"module {item.category} is not one of {CATEGORIES}")
    if not item.description:
        problems.append("no docstring (it becomes the catalog's description)")
    for token, typed_field in item.placeholders:
        field, _, only = typed_field.partition("@")
        if only and only not in item.types:
            problems.append(f"placeholder {token} is for {only}, not one of the check's types")
        if f" {token}" not in item.remediation:
            problems.append(f"placeholder {token} does not appear in the remediation")
        if field not in PLACEHOLDER_FIELDS and not field.startswith("attributes."):
            problems.append(f"placeholder {token} names an unknown field {field!r}")
    inputs: tuple[object, ...] = tuple(item.inputs)  # a check author's, checked at run time
    for call in inputs:
        if not isinstance(call, Call):
            problems.append(f"input {call!r} is not a declared Call (model/calls.py)")
    return problems


def check_ids() -> list[str]:
    """Every check's id, in catalogue order."""
    return [c.id for c in all_checks()]


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The checks' settings from the command line and the config file, a disabled check id
    that names no check refused (with the nearest id as a hint).

    The catalogue (every check module) is imported only when a check is disabled, the one
    case where its ids are needed: with none disabled there is nothing to refuse, and the
    TUI's first frame does not wait for a dozen modules it does not use (issue 18)."""
    settings = from_args(args)
    if not settings.disabled_checks:
        return settings
    # Read again with the ids known, so that an unknown id is refused exactly where it was
    # given (the config file, or the command line), with the same message.
    return from_args(args, known_checks=check_ids())
