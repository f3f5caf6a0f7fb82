"""Realistic IAM activity: when each principal was created and last used.

AWS records activity itself and the API has no way to set it, so neither has moto. The demo
server runs in this process, so the dates are set directly on moto's IAM backend, relative to
now. Attribute names are those of moto 5.2; if one is missing (a future moto), that date is
skipped rather than the demo failing: the account is still complete, just less lived-in.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from awsexplorer.demo._aws import PRODUCTION, SHARED
from awsexplorer.demo.identity import (
    ADMINS_GROUP,
    ASSETS_READER_ROLE,
    CONSOLE_USER_WITHOUT_MFA,
    DEPLOY_USER,
    DEVELOPERS_GROUP,
    ENGINEER_WITH_MFA,
    LAMBDA_ROLE,
    LEGACY_USER,
    UNUSED_ROLE,
    WILDCARD_ROLE,
)

log = logging.getLogger(__name__)

# Days ago each principal was created.
CREATED_DAYS_AGO = {
    ENGINEER_WITH_MFA: 700,
    CONSOLE_USER_WITHOUT_MFA: 380,
    DEPLOY_USER: 500,
    LEGACY_USER: 400,
    LAMBDA_ROLE: 300,
    ASSETS_READER_ROLE: 300,
    WILDCARD_ROLE: 250,
    UNUSED_ROLE: 420,
    ADMINS_GROUP: 800,
    DEVELOPERS_GROUP: 600,
}
# Console logins (users with a password).
CONSOLE_LOGIN_AGO = {
    ENGINEER_WITH_MFA: timedelta(days=2),
    CONSOLE_USER_WITHOUT_MFA: timedelta(days=10),
}
# Role use: (how long ago, in which region).
ROLE_USED = {
    LAMBDA_ROLE: (timedelta(hours=1), PRODUCTION),
    ASSETS_READER_ROLE: (timedelta(hours=5), PRODUCTION),
    WILDCARD_ROLE: (timedelta(days=1), PRODUCTION),
    UNUSED_ROLE: (timedelta(days=200), SHARED),  # unused for 200 days
}
# Access keys: user -> (created days ago, last use or None for never: (ago, service, region)).
ACCESS_KEYS: dict[str, tuple[int, tuple[timedelta, str, str] | None]] = {
    DEPLOY_USER: (30, (timedelta(hours=3), "s3", PRODUCTION)),
    LEGACY_USER: (400, None),  # created 400 days ago, never used
}


def _utc_naive(moment: datetime) -> datetime:
    """moto keeps naive UTC datetimes."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def _set(target: Any, attribute: str, value: Any) -> None:
    if hasattr(target, attribute):
        setattr(target, attribute, value)
    else:
        log.debug("moto's %s has no %r; demo date skipped", type(target).__name__, attribute)


def _users(backend: Any, now: datetime) -> None:
    from moto.iam.models import AccessKeyLastUsed

    for name, user in getattr(backend, "users", {}).items():
        if name in CREATED_DAYS_AGO:
            _set(user, "create_date", now - timedelta(days=CREATED_DAYS_AGO[name]))
        if name in CONSOLE_LOGIN_AGO:
            _set(user, "password_last_used", now - CONSOLE_LOGIN_AGO[name])
        if name not in ACCESS_KEYS:
            continue
        created_days_ago, last_use = ACCESS_KEYS[name]
        for key in getattr(user, "access_keys", []):
            _set(key, "create_date", now - timedelta(days=created_days_ago))
            if last_use is not None:
                ago, service, region = last_use
                _set(key, "last_used", AccessKeyLastUsed(now - ago, service, region))


def _roles(backend: Any, now: datetime) -> None:
    for role in getattr(backend, "roles", {}).values():
        name = getattr(role, "name", None)
        if name in CREATED_DAYS_AGO:
            _set(role, "create_date", now - timedelta(days=CREATED_DAYS_AGO[name]))
        if name in ROLE_USED:
            ago, region = ROLE_USED[name]
            _set(role, "last_used", now - ago)
            _set(role, "last_used_region", region)


def _groups(backend: Any, now: datetime) -> None:
    for name, group in getattr(backend, "groups", {}).items():
        if name in CREATED_DAYS_AGO:
            _set(group, "create_date", now - timedelta(days=CREATED_DAYS_AGO[name]))


def _root(backend: Any) -> None:
    # Pitfall: no MFA on root (AccountMFAEnabled=0, also moto's default), and no root keys.
    summary = getattr(backend, "account_summary", None)
    if summary is not None:
        _set(summary, "_account_mfa_enabled", 0)
        _set(summary, "_account_access_keys_present", 0)


def backdate_activity(account_id: str, now: datetime | None = None) -> None:
    """Set creation and last-used dates on the in-process moto IAM backend."""
    try:
        from moto.iam.models import iam_backends
    except ImportError:  # pragma: no cover - moto is what runs the demo
        return
    moment = _utc_naive(now or datetime.now(UTC))
    backend = iam_backends[account_id]["aws"]
    _users(backend, moment)
    _roles(backend, moment)
    _groups(backend, moment)
    _root(backend)
