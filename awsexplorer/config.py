"""Every setting in one place: what a scan is asked to do (`ScanConfig`), what the checks look
for (`Settings`), and what the user asked the app for (`AppOptions`). Plain data, shared by the
CLI, the UI, the scanner, the checks and the tests; nothing here imports another layer of ours.

The checks' settings are read from command-line flags and an optional TOML file. The file is
checked strictly: an unknown key or a wrong type is a UserError naming the file and the key, never
silently ignored (a typo in `disabled_checks` must not leave a check running that the user
believes is off). Check ids are validated against the catalogue the caller passes in
(`known_checks`; the CLI passes `checks.check_ids()`), so this module does not import the checks.

Precedence: built-in defaults < the config file < command-line flags.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from awsexplorer.config_flags import CONFIG_ENV as CONFIG_ENV
from awsexplorer.config_flags import DEFAULT_CALL_TIMEOUT as DEFAULT_CALL_TIMEOUT
from awsexplorer.config_flags import DEFAULT_REQUIRED_TAGS as DEFAULT_REQUIRED_TAGS
from awsexplorer.config_flags import DEFAULT_STALE_DAYS as DEFAULT_STALE_DAYS
from awsexplorer.config_flags import add_arguments as add_arguments
from awsexplorer.errors import UserError

if TYPE_CHECKING:
    from awsexplorer.model import ScanResult
    from awsexplorer.snapshot_opening import Opening

# -- the scan ---------------------------------------------------------------------------------

DEFAULT_READ_TIMEOUT = 15.0


@dataclass(frozen=True, slots=True)
class ScanConfig:
    profile: str | None = None
    # Empty: every enabled region. Otherwise only these (validated against DescribeRegions).
    regions: tuple[str, ...] = ()
    # Point every client at LocalStack or a moto server (also read from AWS_ENDPOINT_URL).
    endpoint_url: str | None = None
    # Static keys, for the embedded demo only; real use goes through botocore's chain.
    access_key: str | None = None
    secret_key: str | None = None
    # Region for STS, DescribeRegions and the global services; default: profile's, else us-east-1.
    home_region: str | None = None
    retry_mode: str = "standard"
    max_attempts: int = 6
    connect_timeout: float = 5.0
    # One attempt's wait for an answer. Shorter than call_timeout, so that a request lost on the
    # way is tried again within the call's time.
    read_timeout: float = DEFAULT_READ_TIMEOUT
    # One call, every attempt and back-off together (seconds; --call-timeout). A call still
    # unanswered then is recorded as failed (DeadlineExceeded), so an endpoint that accepts
    # connections and never answers costs this long, not read_timeout x max_attempts.
    call_timeout: float = DEFAULT_CALL_TIMEOUT
    # Calls in flight at once per (service, region): one throttled API never starves the rest.
    per_service_region: int = 8
    # Calls in flight at once in all: enough to hide the round trip to AWS, few enough that
    # hundreds of first calls don't all queue at once on a small machine.
    max_in_flight: int = 128
    # Items per page for paginated calls that accept a limit; None: the service's default.
    page_size: int | None = None
    # --cost: one Cost Explorer GetCostAndUsage call (it costs the account USD 0.01).
    cost: bool = False


_REGION_PATTERN = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


def regions_from_args(values: Sequence[str] | None) -> tuple[str, ...]:
    """--region may repeat and may hold a comma-separated list."""
    names: list[str] = []
    for value in values or ():
        names.extend(v.strip() for v in value.split(",") if v.strip())
    bad = [n for n in names if not _REGION_PATTERN.match(n)]
    if bad:
        raise UserError(
            f"Not a region name: {', '.join(bad)}.",
            "Region names look like eu-west-1 or us-east-2.",
        )
    return tuple(dict.fromkeys(names))


def scan_config_from_args(args: argparse.Namespace) -> ScanConfig:
    """The scan's target from --profile, --region, --endpoint-url (or $AWS_ENDPOINT_URL) and
    --call-timeout."""
    endpoint = args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
    call_timeout = getattr(args, "call_timeout", None) or DEFAULT_CALL_TIMEOUT
    return ScanConfig(
        profile=args.profile,
        regions=regions_from_args(args.region),
        endpoint_url=endpoint,
        call_timeout=call_timeout,
        # One attempt never outlasts the call, so a short --call-timeout still sees a retry.
        read_timeout=min(DEFAULT_READ_TIMEOUT, call_timeout / 2),
        cost=bool(getattr(args, "cost", False)),
    )


# -- the checks' settings (their defaults: config_flags.py) -----------------------------------

EXAMPLE_CONFIG = """\
# awsexplorer settings (TOML). Every key is optional.
disabled_checks = ["ec2-nat-gateway-cost"]
required_tags = ["project", "environment", "owner"]   # case-insensitive; [] turns the check off
stale_days = 90
"""


@dataclass(frozen=True, slots=True)
class Settings:
    """Typed settings for the checks. Immutable: derive variants with `dataclasses.replace`."""

    # Check ids that are not run (reported as not-evaluated, reason "disabled").
    disabled_checks: frozenset[str] = field(default_factory=frozenset)
    # Tag keys every taggable resource must carry; compared case-insensitively.
    required_tags: tuple[str, ...] = DEFAULT_REQUIRED_TAGS
    # Keys, principals and activity older than this many days are stale.
    stale_days: int = DEFAULT_STALE_DAYS
    # Accounts whose alias or name this regular expression matches (any case) are marked as
    # production; None: the default (model/accounts.py, `prod` as a part of a name).
    production_pattern: str | None = None

    def __post_init__(self) -> None:
        if self.production_pattern:
            try:
                re.compile(self.production_pattern)
            except re.error as exc:
                raise UserError(
                    f"production_pattern {self.production_pattern!r} is not a regular expression "
                    f"({exc}); write a Python regular expression, e.g. 'prod|live' (matched, any "
                    "case, against each account's alias and name)."
                ) from None
        if isinstance(self.stale_days, bool) or not isinstance(self.stale_days, int):
            raise UserError(f"stale_days must be a whole number of days, not {self.stale_days!r}.")
        if self.stale_days < 1:
            raise UserError(
                f"stale_days must be at least 1 (got {self.stale_days}).",
                f"The default is {DEFAULT_STALE_DAYS}.",
            )

    def check_ids_known(self, known: Collection[str]) -> None:
        """Raise a UserError naming any disabled check id that is not in `known`."""
        unknown = sorted(self.disabled_checks - set(known))
        if unknown:
            raise UserError(
                f"Unknown check id: {', '.join(unknown)}.", _check_id_hint(unknown, known)
            )

    def enabled(self, check_id: str) -> bool:
        return check_id not in self.disabled_checks

    @property
    def required_tag_keys(self) -> frozenset[str]:
        """The required keys, lower-cased for case-insensitive comparison."""
        return frozenset(k.strip().lower() for k in self.required_tags if k.strip())


def _check_id_hint(unknown: Iterable[str], known: Collection[str]) -> str:
    import difflib  # only for a mistake

    ids = sorted(known)
    close = [m for u in unknown for m in difflib.get_close_matches(u, ids, n=1, cutoff=0.6)]
    if close:
        return f"Did you mean {', '.join(close)}? `awsexplorer findings --list-checks` lists them."
    return "`awsexplorer findings --list-checks` lists every check id."


# -- the config file ------------------------------------------------------------------------

_FILE_KEYS = {"disabled_checks", "required_tags", "stale_days", "production_pattern"}


def default_config_path() -> Path:
    """$AWSEXPLORER_CONFIG, else $XDG_CONFIG_HOME/awsexplorer/config.toml (~/.config/...)."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "awsexplorer" / "config.toml"


def _string_list(value: Any, key: str, source: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UserError(
            f'{source}: {key} must be a list of strings, e.g. {key} = ["a", "b"].',
        )
    return [v.strip() for v in value if v.strip()]


def from_mapping(
    data: Mapping[str, Any], source: str = "settings", known_checks: Collection[str] | None = None
) -> Settings:
    """Settings from a parsed TOML document (or any mapping); unknown keys are rejected."""
    unknown = sorted(set(data) - _FILE_KEYS)
    if unknown:
        import difflib  # only for a mistake

        hints = [m for u in unknown for m in difflib.get_close_matches(u, sorted(_FILE_KEYS), n=1)]
        raise UserError(
            f"{source}: unknown setting {', '.join(repr(u) for u in unknown)}.",
            (f"Did you mean {', '.join(hints)}? " if hints else "")
            + f"Known settings: {', '.join(sorted(_FILE_KEYS))}.",
        )
    values: dict[str, Any] = {}
    if "disabled_checks" in data:
        ids = _string_list(data["disabled_checks"], "disabled_checks", source)
        values["disabled_checks"] = frozenset(ids)
    if "required_tags" in data:
        values["required_tags"] = tuple(
            _string_list(data["required_tags"], "required_tags", source)
        )
    if "stale_days" in data:
        stale = data["stale_days"]
        if isinstance(stale, bool) or not isinstance(stale, int):
            raise UserError(f"{source}: stale_days must be a whole number, e.g. stale_days = 90.")
        values["stale_days"] = stale
    if "production_pattern" in data:
        pattern = data["production_pattern"]
        if not isinstance(pattern, str):
            raise UserError(f'{source}: production_pattern must be a string, e.g. "prod|live".')
        values["production_pattern"] = pattern
    try:
        settings = Settings(**values)
        if known_checks is not None:
            settings.check_ids_known(known_checks)
        return settings
    except UserError as exc:
        raise UserError(f"{source}: {exc.message}", exc.hint) from None


def load_file(
    path: Path, *, required: bool = True, known_checks: Collection[str] | None = None
) -> Settings:
    """Settings from a TOML file. A missing default file is fine; a missing named one is not."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if not required:
            return Settings()
        raise UserError(
            f"Config file {path}: no such file.", "Create it, or drop --config."
        ) from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise UserError(f"Config file {path} cannot be read: {type(exc).__name__}.") from None
    import tomllib  # only when there is a file: it compiles its regular expressions on import

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(
            f"Config file {path} is not valid TOML: {exc}.", "Example:\n" + EXAMPLE_CONFIG
        ) from None
    return from_mapping(data, f"Config file {path}", known_checks)


# -- command-line flags (their definitions: config_flags.py) ----------------------------------


def _split(values: Sequence[str] | None) -> list[str]:
    return [v.strip() for value in values or () for v in value.split(",") if v.strip()]


def from_args(args: argparse.Namespace, known_checks: Collection[str] | None = None) -> Settings:
    """The config file (named, or the default one when present), then the flags over it; the
    disabled check ids checked against `known_checks` when given."""
    config = getattr(args, "config", None)
    if config is not None:
        settings = load_file(Path(config).expanduser(), required=True, known_checks=known_checks)
    else:
        path = default_config_path()
        settings = load_file(path, required=CONFIG_ENV in os.environ, known_checks=known_checks)
    disabled = _split(getattr(args, "disable_check", None))
    tags = getattr(args, "required_tags", None)
    stale = getattr(args, "stale_days", None)
    production = getattr(args, "production_pattern", None)
    try:
        if production is not None:
            settings = replace(settings, production_pattern=production)
        if disabled:
            settings = replace(settings, disabled_checks=settings.disabled_checks | set(disabled))
        if tags is not None:
            settings = replace(settings, required_tags=tuple(_split([tags])))
        if stale is not None:
            settings = replace(settings, stale_days=stale)
        if known_checks is not None:
            settings.check_ids_known(known_checks)
    except UserError as exc:
        raise UserError(f"Command line: {exc.message}", exc.hint) from None
    return settings


# -- what the user asked the app for -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountChoice:
    """Which accounts the TUI scans live when there are several (issue 17): these profiles,
    every profile, or an Organization's accounts through `org_role`."""

    profiles: tuple[str, ...] = ()
    all_profiles: bool = False
    org_role: str | None = None
    external_id: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AppOptions:
    # Where to scan; ignored when `snapshot` is set.
    config: ScanConfig = field(default_factory=ScanConfig)
    # Scan the embedded demo account (in-process moto server) instead of AWS.
    demo: bool = False
    # Open this saved scan offline instead of scanning.
    snapshot: Path | None = None
    # The snapshot, already read by the CLI (which checks it before taking the screen), so the
    # app does not parse a large file twice.
    loaded: ScanResult | None = None
    # Or the snapshot being read (a large one: snapshot_opening.start), shown as it comes in.
    opening: Opening | None = None
    # --baseline: an earlier snapshot the tree is marked against (+ added, ~ changed, - removed),
    # and that snapshot, already read by the CLI.
    baseline: Path | None = None
    baseline_loaded: ScanResult | None = None
    # Override the per-account colour band (a colour name or #rrggbb).
    account_color: str | None = None
    # What the checks look for (disabled checks, required tags, staleness).
    settings: Settings = field(default_factory=Settings)
    # Several accounts scanned live (--profile twice, --all-profiles, --org --role); None: one.
    accounts: AccountChoice | None = None
