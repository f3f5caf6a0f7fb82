"""Credentials (botocore's own chain), caller identity, and the cache of guarded clients."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import logging
import os
import random
import types
import urllib.request
import weakref
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

# isort: off
import awsexplorer.scan.aiohttp_import  # noqa: F401  (first: see its docstring)

# isort: on
import aiobotocore
import botocore.client
import botocore.exceptions as bce
import botocore.hooks
import botocore.loaders
import botocore.regions
import orjson
from aiobotocore.client import AioClientCreator
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from botocore.useragent import UserAgentString

from awsexplorer import __version__
from awsexplorer.config import ScanConfig
from awsexplorer.errors import UserError
from awsexplorer.scan import guard
from awsexplorer.scan.http import pooled_session_class

log = logging.getLogger(__name__)

DEFAULT_HOME_REGION = "us-east-1"

# Error codes meaning "these credentials are not accepted", as opposed to "not allowed to do X".
BAD_CREDENTIAL_CODES = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "AuthFailure",
        "InvalidAccessKeyId",
    }
)


def _profiles_hint(session: AioSession) -> str:
    names = sorted(session.available_profiles)
    if not names:
        return "No profiles are configured; run `aws configure` or `aws configure sso`."
    return "Known profiles: " + ", ".join(names) + "."


def make_session(config: ScanConfig) -> AioSession:
    """An aiobotocore session on botocore's credential chain (env, profiles, SSO, assume-role,
    credential_process, instance metadata), or static keys for the demo."""
    if aiobotocore.__version__ == MACHINERY_PINNED:
        # Before the session registers its ~120 built-in handlers: each is checked for
        # **kwargs, the adapter's way (its code flag) instead of inspect's (~40 % of the
        # session's construction, ~5 ms; once per account scanned).
        _install_machinery_adapter()
    session = AioSession()
    if config.profile:
        if config.profile not in session.available_profiles:
            raise UserError(f"Unknown AWS profile '{config.profile}'.", _profiles_hint(session))
        session = AioSession(profile=config.profile)
    if config.access_key and config.secret_key:
        session.set_credentials(config.access_key, config.secret_key)
    return session


def home_region(session: AioSession, config: ScanConfig) -> str:
    if config.home_region:
        return config.home_region
    try:
        return session.get_config_variable("region") or DEFAULT_HOME_REGION
    except bce.ProfileNotFound:
        return DEFAULT_HOME_REGION


async def check_credentials(session: AioSession, config: ScanConfig) -> None:
    """Resolve credentials now, so a missing or expired login is one clear message."""
    profile = config.profile
    try:
        credentials = await session.get_credentials()
        if credentials is not None:
            # SSO and assume-role credentials are deferred: force the first fetch here.
            await credentials.get_frozen_credentials()
    except (bce.SSOTokenLoadError, bce.UnauthorizedSSOTokenError, bce.TokenRetrievalError):
        login = f"aws sso login --profile {profile}" if profile else "aws sso login"
        raise UserError("Your AWS SSO session has expired or was never started.", login) from None
    except bce.ProfileNotFound as exc:
        raise UserError(str(exc), _profiles_hint(session)) from None
    except bce.CredentialRetrievalError as exc:
        raise UserError(f"Could not get credentials: {exc}", _login_hint(profile)) from None
    except (bce.NoCredentialsError, bce.PartialCredentialsError) as exc:
        raise UserError(f"Could not get credentials: {exc}", _login_hint(profile)) from None
    except bce.BotoCoreError as exc:
        raise UserError(f"Could not get credentials: {exc}", _login_hint(profile)) from None
    if credentials is None:
        raise UserError("No AWS credentials found.", _login_hint(profile))


def _login_hint(profile: str | None) -> str:
    flag = f" --profile {profile}" if profile else ""
    return (
        f"Run `aws configure{flag}` or `aws sso login{flag}`, pass --profile NAME, "
        "or try the built-in demo account with `awsexplorer --demo`."
    )


def serve_host_prefix_locally(endpoint_url: str) -> Any:
    """A before-call handler for s3control on a local endpoint (moto, LocalStack).

    s3control's endpoint rules put the account id in front of the host
    (`123456789012.127.0.0.1:5000`), which a local endpoint cannot serve, and
    `inject_host_prefix=False` does not stop it (the prefix comes from the endpoint ruleset, not
    the host-prefix trait). The account id also travels in the x-amz-account-id header, so the
    request is sent to the endpoint as given. Real AWS endpoints are never touched by this.
    """
    local = urlsplit(endpoint_url).netloc

    def send_to_endpoint(params: dict[str, Any], **_: Any) -> None:
        parts = urlsplit(params["url"])
        if parts.netloc != local and parts.netloc.endswith("." + local):
            params["url"] = urlunsplit(parts._replace(netloc=local))

    return send_to_endpoint


class _NoResponseBodies(logging.Filter):
    """botocore and aiobotocore log every response body at DEBUG (with --log-file, into the
    file). Bodies hold what must never reach a log, such as Lambda environment values: drop
    those records and keep the rest of the debug trail."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Response body")


def keep_response_bodies_out_of_logs() -> None:
    for name in ("botocore.parsers", "aiobotocore.parsers"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _NoResponseBodies) for f in logger.filters):
            logger.addFilter(_NoResponseBodies())


@dataclass(slots=True)
class CallTrace:
    """One logical call (all its attempts), as the retry hooks see it: set by the caller in a
    context variable around the call, so a hook on a shared client knows whose call it is."""

    region: str  # the region the call is attributed to ("global" for IAM)
    attempts: int = 1
    last_failure: str | None = None  # why the latest attempt failed: ReadTimeoutError, HTTP 503


CURRENT_CALL: ContextVar[CallTrace | None] = ContextVar("awsexplorer_call", default=None)

# Who is calling: the collector's name while it runs (set by the runner), "runner" for the
# scanner's own calls (identity, alias, regions).
CURRENT_CALLER: ContextVar[str] = ContextVar("awsexplorer_caller", default="runner")

# (caller, botocore client name, API operation): one call that passed the guard and was sent.
SentCall = tuple[str, str, str]


def record_sent(sent: set[SentCall]) -> Callable[..., None]:
    """before-call handler: note every call that is about to go out (after the guard, which
    refuses before this), with the caller from CURRENT_CALLER. Pages and retries of one call
    are one entry: the set says which calls a scan made, not how often."""

    def handler(model: Any = None, **_: Any) -> None:
        if model is not None:
            sent.add((CURRENT_CALLER.get(), model.service_model.service_name, model.name))

    return handler


# (region, service, operation, attempt, reason): a retry is going out now.
RetryListener = Callable[[str, str, str, int, str], None]

_FAILURE_KEY = "awsexplorer_last_failure"


def failure_reason(response: Any = None, caught_exception: BaseException | None = None) -> str:
    """Why an attempt failed, in a few words: the exception's class, or the HTTP status and the
    AWS error code. Never the message (it can carry a whole HTML page or an endpoint's text)."""
    if caught_exception is not None:
        return type(caught_exception).__name__
    if response is None:
        return "unknown"
    http, parsed = response
    code = str((parsed or {}).get("Error", {}).get("Code") or "")
    code = "".join(c for c in code if c.isascii() and (c.isalnum() or c in ".-_:"))[:64]
    status = getattr(http, "status_code", None)
    return " ".join(part for part in (f"HTTP {status}" if status else "", code) if part) or "?"


def _note_failure(
    request_dict: Any = None,
    response: Any = None,
    caught_exception: BaseException | None = None,
    **_: Any,
) -> None:
    """needs-retry observer: remember why this attempt failed, for the retry announcement.
    Returns None, so it never takes part in the decision."""
    if request_dict is not None and (caught_exception is not None or response is not None):
        http = response[0] if response is not None else None
        if caught_exception is None and getattr(http, "status_code", 200) < 300:
            return
        request_dict["context"][_FAILURE_KEY] = failure_reason(response, caught_exception)


def announce_retries(
    service: str, client_region: str, on_retry: RetryListener | None
) -> Callable[..., None]:
    """request-created handler: from the second attempt of a call on, tell the listener and the
    call's trace that a retry is going out (after botocore decided to retry and backed off)."""

    def handler(request: Any = None, operation_name: str = "", **_: Any) -> None:
        context = getattr(request, "context", None) or {}
        attempt = int((context.get("retries") or {}).get("attempt") or 1)
        if attempt < 2:
            return
        reason = str(context.get(_FAILURE_KEY) or "unknown")
        trace = CURRENT_CALL.get()
        region = trace.region if trace is not None else client_region
        if trace is not None:
            trace.attempts, trace.last_failure = attempt, reason
        log.info(
            "retrying %s:%s in %s (attempt %d): %s",
            service,
            operation_name,
            region,
            attempt,
            reason,
        )
        if on_retry is not None:
            on_retry(region, service, operation_name, attempt, reason)

    return handler


class DeadlineExceeded(Exception):
    """A call (every attempt and back-off together) got no answer within --call-timeout."""

    def __init__(self, timeout: float, trace: CallTrace | None = None) -> None:
        attempts = trace.attempts if trace is not None else 1
        detail = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        if trace is not None and trace.last_failure:
            detail += f", last: {trace.last_failure}"
        super().__init__(
            f"no answer within {timeout:g} s ({detail}); wait longer with --call-timeout SECONDS"
        )
        self.timeout = timeout


class EndpointUnresponsive(Exception):
    """Not sent: an earlier call to the same service and region went unanswered until its
    deadline, and no call there has been answered at all."""

    def __init__(self, service: str, region: str, timeout: float) -> None:
        super().__init__(
            f"not sent: {service} in {region} answered no call, and one waited {timeout:g} s; "
            "wait longer with --call-timeout SECONDS"
        )


# -- client machinery built once per service, not once per (service, region) -------------------
#
# aiobotocore builds, for every client, a new ServiceModel from the loader's (cached) JSON, a new
# client class with a generated method per operation, and a new EndpointProvider that parses
# the service's whole endpoint rule set; a scan makes one client per (service, region), ~17x
# more of each than there are services. Each client's copy of the session's event emitter also
# starts with an empty cache of event-name aliases, and re-derives every alias on first use
# (~10 % of a scan's CPU in the profile, benchmarks/profiles/). None of it depends on the
# region, and aiobotocore has no supported hook to share it, so this adapter wraps private
# methods of the versions pinned in pyproject.toml (tests/scan/test_client_machinery.py fails
# when they change). It is opt-in per session: only a session passed to
# `share_client_machinery` shares anything; every other session in the process builds its
# clients exactly as aiobotocore does.

MACHINERY_PINNED = "3.10.0"  # the aiobotocore version this adapter was written against
_SHARED = "_awsexplorer_shared_machinery"  # the cache, kept on the session's loader


def share_client_machinery(session: AioSession) -> None:
    """Make `session`'s clients share their service model, class and endpoint provider with
    the session's other clients of the same service, and one cache of event-name aliases.
    Idempotent."""
    if aiobotocore.__version__ != MACHINERY_PINNED:
        log.warning(
            "aiobotocore %s, not %s: clients are built the slow way (one model per region)",
            aiobotocore.__version__,
            MACHINERY_PINNED,
        )
        return
    _install_machinery_adapter()
    loader = session.get_component("data_loader")
    if getattr(loader, _SHARED, None) is None:
        setattr(loader, _SHARED, {})
    emitter = session.get_component("event_emitter")
    if isinstance(emitter, botocore.hooks.EventAliaser):
        setattr(emitter, _SHARED, True)  # its copies (one per client) share its alias cache
        inner: Any = getattr(emitter, "_emitter", None)
        handlers = getattr(inner, "_handlers", None)
        if inner is not None and type(handlers) is botocore.hooks._PrefixTrie:
            # Each client's copy of the handler trie shares the session's nodes until it
            # registers a handler of its own (copy on write), instead of copying the whole trie.
            inner._handlers = CopyOnWriteTrie.adopt(handlers)
    for key, (_, owner) in list(_RULESETS.items()):
        if owner() is None:  # that session's loader is gone: let its rule sets go too
            del _RULESETS[key]


class CopyOnWriteTrie(botocore.hooks._PrefixTrie):  # type: ignore[misc]
    """botocore's handler trie, copied in O(1): a copy shares every node with the trie it was
    copied from, and whichever of the two registers or unregisters a handler first copies only
    the nodes on that event name's path (path copying). botocore copies the session's whole
    trie for every client (`HierarchicalEmitter.__copy__`: a quarter of a million node copies
    for a 17-region scan, ~10-20 % of its CPU), while a client adds a dozen handlers of its own.
    Lookups (`prefix_search`) read the same nodes in the same order as a full copy would."""

    _root: dict[str, Any]

    def __init__(self) -> None:
        super().__init__()
        # The nodes this trie may change in place (made or copied by it), by id; the nodes
        # themselves are held so an id cannot be reused while it is listed.
        self._owned: dict[int, dict[str, Any]] = {id(self._root): self._root}

    @classmethod
    def adopt(cls, trie: botocore.hooks._PrefixTrie) -> CopyOnWriteTrie:
        """A copy-on-write trie over `trie`'s nodes (`trie` must not be changed afterwards)."""
        new = cls()
        new._root = trie._root
        new._owned = {}
        return new

    def __copy__(self) -> CopyOnWriteTrie:
        new = self.__class__.__new__(self.__class__)
        new._root = self._root
        new._owned = {}
        self._owned = {}  # shared from now on: neither changes a node in place
        return new

    def _own(self, node: dict[str, Any]) -> dict[str, Any]:
        if id(node) in self._owned:
            return node
        values = node["values"]
        mine = {
            "chunk": node["chunk"],
            "values": None if values is None else copy.copy(values),
            "children": dict(node["children"]),
        }
        self._owned[id(mine)] = mine
        return mine

    def _own_path(self, key: str) -> None:
        """Make every existing node on `key`'s path this trie's own."""
        current = self._root = self._own(self._root)
        for part in key.split("."):
            child = current["children"].get(part)
            if child is None:
                return
            current["children"][part] = current = self._own(child)

    def append_item(self, key: str, value: Any, section: int = botocore.hooks._MIDDLE) -> None:
        self._own_path(key)
        super().append_item(key, value, section)
        self._owned_new(key)

    def _owned_new(self, key: str) -> None:
        # Nodes the base class just created on the path are ours.
        current = self._root
        for part in key.split("."):
            current = current["children"][part]
            self._owned.setdefault(id(current), current)

    def remove_item(self, key: str, value: Any) -> None:
        self._own_path(key)
        super().remove_item(key, value)


def _shared(loader: Any) -> dict[tuple[Any, ...], Any] | None:
    cache: dict[tuple[Any, ...], Any] | None = getattr(loader, _SHARED, None)
    return cache


_ADAPTER: dict[str, Any] = {}
_PLAIN_CALLABLES = (types.FunctionType, types.MethodType)
# id(endpoint rule set data) -> (the data, its shared loader): rule sets whose parsed
# EndpointProvider may be shared (only those a sharing session's loader handed out).
_RULESETS: dict[int, tuple[Any, weakref.ref[Any]]] = {}


def _install_machinery_adapter() -> None:
    if _ADAPTER:
        return
    load_model = botocore.client.ClientCreator._load_service_model
    load_ruleset = botocore.client.ClientCreator._load_service_endpoints_ruleset
    create_class = AioClientCreator._create_client_class
    make_provider = botocore.regions.EndpointProvider
    copy_aliaser = botocore.hooks.EventAliaser.__copy__
    verify_kwargs = botocore.hooks.HierarchicalEmitter._verify_accept_kwargs
    load_json = botocore.loaders.JSONFileLoader._load_file

    def _load_file(self: Any, full_path: str, open_method: Any) -> Any:
        # botocore parses its model files (service, endpoint rules, paginators: ~130 files of
        # up to megabytes in a 17-region scan) with json.loads and an OrderedDict for every
        # object: ~5 % of the scan's CPU. orjson gives the same values as plain dicts, which
        # keep their order too; a file it refuses is read the original way.
        if not os.path.isfile(full_path):
            return None
        with open_method(full_path, "rb") as fp:
            payload = fp.read()
        try:
            return orjson.loads(payload)
        except orjson.JSONDecodeError:
            return load_json(self, full_path, open_method)

    def _verify_accept_kwargs(self: Any, func: Any) -> Any:
        # botocore checks that every handler it registers takes **kwargs with
        # inspect.getfullargspec: ten per client, 6,320 in a 17-region scan, ~5 % of its CPU
        # (benchmarks/profiles/scan-session6-after.txt). For a plain function or bound method
        # with no __signature__ of its own, getfullargspec's answer is its code's
        # CO_VARKEYWORDS flag: read that. Anything else (or no **kwargs: the error) goes the
        # original way.
        if type(func) in _PLAIN_CALLABLES and getattr(func, "__signature__", None) is None:
            code = getattr(getattr(func, "__func__", func), "__code__", None)
            if code is not None and code.co_flags & inspect.CO_VARKEYWORDS:
                return None
        return verify_kwargs(self, func)

    def __copy__(self: Any) -> Any:
        new = copy_aliaser(self)
        if getattr(self, _SHARED, False) and new._event_aliases == self._event_aliases:
            # Same aliases, so the same name -> alias answers: one cache for all the copies.
            new._alias_name_cache = self._alias_name_cache
            setattr(new, _SHARED, True)
        return new

    def _load_service_model(self: Any, service_name: str, api_version: Any = None) -> Any:
        cache = _shared(self._loader)
        if cache is None:
            return load_model(self, service_name, api_version)
        key = ("model", service_name, api_version)
        if key not in cache:
            cache[key] = load_model(self, service_name, api_version)
        return cache[key]

    def _load_service_endpoints_ruleset(
        self: Any, service_name: str, api_version: Any = None
    ) -> Any:
        ruleset = load_ruleset(self, service_name, api_version)
        if _shared(self._loader) is not None:
            _RULESETS[id(ruleset)] = (ruleset, weakref.ref(self._loader))
        return ruleset

    def endpoint_provider(
        ruleset_data: Any, partition_data: Any, excluded_params: Any = None
    ) -> Any:
        # Called by EndpointRulesetResolver.__init__ for every client: parses the whole rule
        # set. Shared when the rule set came from a sharing session's loader (cached there).
        known = _RULESETS.get(id(ruleset_data))
        loader = known[1]() if known is not None and known[0] is ruleset_data else None
        cache = _shared(loader) if loader is not None else None
        if cache is None:
            return make_provider(ruleset_data, partition_data, excluded_params)
        # S3 passes its excluded parameters as a set: keyed by their frozen copy.
        excluded = None if excluded_params is None else frozenset(excluded_params)
        key = ("endpoints", id(ruleset_data), id(partition_data), excluded)
        entry = cache.get(key)
        if entry is None or entry[0] is not partition_data:
            provider = make_provider(ruleset_data, partition_data, excluded_params)
            entry = cache[key] = (partition_data, provider)
        return entry[1]

    async def _create_client_class(self: Any, service_name: str, service_model: Any) -> Any:
        cache = _shared(self._loader)
        if cache is None:
            return await create_class(self, service_name, service_model)
        # The class's methods come from the model and the session's creating-client-class
        # handlers: one per (model object, event emitter).
        key = ("class", id(service_model), id(self._event_emitter))
        entry = cache.get(key)
        if entry is None or entry[0] is not service_model:
            entry = (service_model, await create_class(self, service_name, service_model))
            cache[key] = entry
        return entry[1]

    botocore.client.ClientCreator._load_service_model = _load_service_model
    botocore.client.ClientCreator._load_service_endpoints_ruleset = _load_service_endpoints_ruleset
    AioClientCreator._create_client_class = _create_client_class
    botocore.regions.EndpointProvider = endpoint_provider
    botocore.hooks.EventAliaser.__copy__ = __copy__
    botocore.hooks.HierarchicalEmitter._verify_accept_kwargs = _verify_accept_kwargs
    botocore.loaders.JSONFileLoader._load_file = _load_file
    _ADAPTER.update(
        load_model=load_model,
        load_ruleset=load_ruleset,
        create_class=create_class,
        make_provider=make_provider,
        copy_aliaser=copy_aliaser,
        verify_kwargs=verify_kwargs,
        load_json=load_json,
    )


class ClientPool:
    """One guarded client per (service, region), created on first use and closed at the end."""

    def __init__(
        self,
        session: AioSession,
        config: ScanConfig,
        on_retry: RetryListener | None = None,
        sent: set[SentCall] | None = None,
    ) -> None:
        keep_response_bodies_out_of_logs()
        share_client_machinery(session)
        resolve_settings_once(session)
        self._session = session
        self._config = config
        self._on_retry = on_retry
        # Every (caller, client, operation) sent through this pool's clients.
        self.sent: set[SentCall] = set() if sent is None else sent
        self._stack = contextlib.AsyncExitStack()
        self._clients: dict[tuple[str, str], Any] = {}
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        # One connection pool for all this pool's clients (awsexplorer/scan/http.py).
        self._http_session_cls = pooled_session_class(config.max_in_flight)
        s3_config: dict[str, Any] = {}
        if config.endpoint_url:
            # A local endpoint (moto, LocalStack) serves buckets by path, not by host name.
            s3_config["addressing_style"] = "path"
        self._botocore_config = AioConfig(
            # total_max_attempts counts the first attempt too, as AWS_MAX_ATTEMPTS does; botocore's
            # "max_attempts" key would mean retries, one more attempt than the config says.
            retries={"mode": config.retry_mode, "total_max_attempts": config.max_attempts},
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            max_pool_connections=max(10, config.per_service_region),
            user_agent=fixed_user_agent(session),
            user_agent_extra=f"awsexplorer/{__version__}",
            http_session_cls=self._http_session_cls,
            s3=s3_config or None,
            # The parameters are our own code's (constants, and ids read from AWS's answers),
            # not a user's: botocore re-checking each against the model costs CPU on every
            # request. A wrong one still fails, as the serializer's error or AWS's own.
            parameter_validation=False,
            proxies=no_proxies_configured(),
        )

    async def get(self, service: str, region: str) -> Any:
        key = (service, region)
        client = self._clients.get(key)
        if client is not None:
            return client
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self._clients:
                creator = self._session.create_client(
                    service,
                    region_name=region,
                    endpoint_url=self._config.endpoint_url,
                    config=self._botocore_config,
                )
                client = guard.install(await self._stack.enter_async_context(creator))
                client.meta.events.register(
                    "needs-retry", retry_bare_throttling(self._config.max_attempts)
                )
                client.meta.events.register("needs-retry", _note_failure)
                client.meta.events.register("before-call", record_sent(self.sent))
                client.meta.events.register(
                    "request-created", announce_retries(service, region, self._on_retry)
                )
                if self._config.endpoint_url and service == "s3control":
                    # Only for a local endpoint: see serve_host_prefix_locally.
                    client.meta.events.register(
                        "before-call.s3-control",
                        serve_host_prefix_locally(self._config.endpoint_url),
                    )
                self._clients[key] = client
        return self._clients[key]

    async def close(self) -> None:
        try:
            await self._stack.aclose()
        finally:
            self._clients.clear()
            await self._http_session_cls.close_connectors()

    async def __aenter__(self) -> ClientPool:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def fixed_user_agent(session: AioSession) -> str:
    """The User-Agent botocore would build, built once: botocore rebuilds it twice per request
    (~30 components, each sanitised character by character; ~4 % of a scan's CPU). Given as
    Config(user_agent=...), botocore sends it as is, followed by the session's and the client's
    extras (awsexplorer/VERSION). Left out: the per-request metadata (features such as
    "paginator", the retry mode), which only AWS's usage statistics read."""
    creator = UserAgentString.from_environment()
    creator.set_session_config(
        session_user_agent_name=session.user_agent_name,
        session_user_agent_version=session.user_agent_version,
        session_user_agent_extra=None,  # added after it by botocore, as the extras are
    )
    return str(creator.to_string())


def resolve_settings_once(session: AioSession) -> None:
    """Read each of the session's settings (profile section and AWS_* variables: retry mode,
    max attempts, `s3`, checksums, endpoint modes, ...) once, for all its clients: botocore
    re-reads ~20 of them for every client it builds, each a walk through the profile and the
    environment (12,888 lookups and ~3 % of a 17-region scan's CPU for 612 clients,
    benchmarks/profiles/scan-session6.txt). Set as the config store's overrides (its public way
    to pin a value), with the values botocore would have read: the environment and the profile
    do not change during a scan. Not in a non-legacy defaults mode, where botocore adds
    region-dependent defaults to some settings per client (through their providers)."""
    store = session.get_component("config_store")
    mode = store.get_config_variable("defaults_mode")
    if str(mode or "legacy").lower() != "legacy":
        return
    names = getattr(store, "_mapping", None)  # botocore's ConfigValueStore: its provider map
    for name in list(names) if isinstance(names, dict) else ["s3"]:
        store.set_config_variable(name, store.get_config_variable(name))


def no_proxies_configured() -> dict[str, str] | None:
    """{} when the environment names no proxy at all (the usual case), else None.

    Given no proxies, botocore reads them from the environment for every client it builds: two
    walks over every environment variable (urllib's getproxies), ~150 os.environ reads each,
    a sixth of building a client. {} says "no proxy" once; with a proxy configured, botocore
    goes on deciding per endpoint (NO_PROXY)."""
    return {} if not urllib.request.getproxies() else None


def retry_bare_throttling(max_attempts: int) -> Any:
    """A needs-retry handler for an HTTP 429 that carries no AWS error code.

    botocore's retry modes retry throttling *codes* and 5xx statuses, but a bare 429 (what a proxy
    or load balancer in front of an API sends) is not retried and would lose the call. Treat it
    as the throttle it is, with the same capped, jittered exponential back-off.
    """

    def handler(response: Any = None, attempts: int = 0, **_: Any) -> float | None:
        if response is None or attempts >= max_attempts:
            return None
        http, parsed = response
        if getattr(http, "status_code", None) != 429:
            return None
        code = str((parsed or {}).get("Error", {}).get("Code") or "")
        if code not in ("", "429"):
            return None  # a real throttling code: botocore's own retry handles it
        return random.random() * min(20.0, 2.0 ** (attempts - 1))

    return handler


def answered_by_endpoint(exc: BaseException) -> bool:
    """True when a failed call still got a reply (an AWS error): the endpoint is alive."""
    return isinstance(exc, bce.ClientError)


def error_code(exc: BaseException) -> str:
    """The AWS error code of a failed call, or the exception's class name when AWS gave none."""
    if isinstance(exc, bce.ClientError):
        return str(exc.response.get("Error", {}).get("Code") or "ClientError")
    if isinstance(exc, guard.ReadOnlyViolation):
        return "ReadOnlyGuard"
    if isinstance(exc, DeadlineExceeded):
        return "DeadlineExceeded"
    if isinstance(exc, EndpointUnresponsive):
        return "EndpointUnresponsive"
    return type(exc).__name__


MAX_ERROR_MESSAGE = 400


def error_message(exc: BaseException) -> str:
    """AWS's message, on one line and bounded (a parser error can quote a whole HTML page)."""
    message = ""
    if isinstance(exc, bce.ClientError):
        message = str(exc.response.get("Error", {}).get("Message") or "")
    message = " ".join((message or str(exc) or type(exc).__name__).split())
    if len(message) > MAX_ERROR_MESSAGE:
        message = message[: MAX_ERROR_MESSAGE - 1] + "…"
    return message


def credential_failure(exc: BaseException, profile: str | None) -> UserError | None:
    """The UserError to show when the very first call says the credentials are no good."""
    if isinstance(exc, bce.ClientError) and error_code(exc) in BAD_CREDENTIAL_CODES:
        code = error_code(exc)
        if code in ("ExpiredToken", "ExpiredTokenException"):
            return UserError(
                f"Your AWS credentials have expired ({code}).",
                _login_hint(profile),
            )
        return UserError(
            f"AWS rejected these credentials ({code}: {error_message(exc)}).",
            _login_hint(profile),
        )
    if isinstance(exc, (bce.EndpointConnectionError, bce.ConnectTimeoutError)):
        return UserError(
            f"Could not reach AWS: {exc}",
            "Check the network, proxy settings, or --endpoint-url.",
        )
    if isinstance(exc, (bce.SSOTokenLoadError, bce.UnauthorizedSSOTokenError)):
        login = f"aws sso login --profile {profile}" if profile else "aws sso login"
        return UserError("Your AWS SSO session has expired or was never started.", login)
    return None
