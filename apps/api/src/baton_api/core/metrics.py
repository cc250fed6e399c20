"""Prometheus metrics (``prometheus-client``), correct with several worker processes.

``baton-api serve`` sets ``PROMETHEUS_MULTIPROC_DIR`` before any worker starts; then every metric
below writes to per-process files in that directory and a scrape of any worker aggregates all of
them. Without the variable (tests, ``uvicorn`` by hand) metrics live in this process's registry.
The active-session gauge is not kept in memory at all: it is counted from the database at scrape
time, so it is the same whichever worker answers and needs no multiprocess bookkeeping.

Label values come from closed sets (outcomes, ``ErrorCode``, route templates), never from input.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Awaitable, Callable, Iterable
from typing import Literal, ParamSpec, Protocol, TypeVar

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client import REGISTRY as PROCESS_REGISTRY
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from baton_api.core.errors import ErrorCode, OAuthError
from baton_api.core.logging import bind_identity

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4  # what generate_latest produces
UNMATCHED_ROUTE = "<unmatched>"

SIGN_INS = Counter("baton_sign_ins", "Password sign-ins (grant_type=password) by outcome.", ["outcome"])
REFRESHES = Counter(
    "baton_token_refreshes",
    "Refresh-token grants by outcome: rotated, grace_replay, reuse_detected, expired, invalid, revoked, …",
    ["outcome"],
)
SESSIONS_ENDED = Counter("baton_sessions_ended", "Sessions ended, by reason.", ["reason"])
RATE_LIMITED = Counter("baton_rate_limited_requests", "Requests refused by a rate limit, by limit name.", ["limit"])
HTTP_REQUESTS = Counter(
    "baton_http_requests", "HTTP requests by method, route template and status code.", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "baton_http_request_duration_seconds",
    "Time from receiving a request to sending the last response byte, by method and route template.",
    ["method", "route"],
    # Token checks take microseconds, database calls milliseconds, a bcrypt sign-in a few hundred.
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

SIGN_IN_SUCCESS = "success"
_REFRESH_FAILURES: dict[ErrorCode, str] = {
    ErrorCode.REFRESH_TOKEN_REUSED: "reuse_detected",
    ErrorCode.REFRESH_TOKEN_EXPIRED: "expired",
    ErrorCode.REFRESH_TOKEN_INVALID: "invalid",
    ErrorCode.REFRESH_TOKEN_REVOKED: "revoked",
    ErrorCode.SESSION_REVOKED: "session_revoked",
    ErrorCode.SESSION_EXPIRED: "session_expired",
}
REFRESH_OUTCOMES = ("rotated", "grace_replay", *_REFRESH_FAILURES.values())
SIGN_IN_OUTCOMES = (SIGN_IN_SUCCESS, ErrorCode.INVALID_CREDENTIALS.value)

# Export the usual outcomes as 0 from the start, so rates and alerts work before the first event.
for _outcome in SIGN_IN_OUTCOMES:
    SIGN_INS.labels(outcome=_outcome)
for _outcome in REFRESH_OUTCOMES:
    REFRESHES.labels(outcome=_outcome)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def record_rate_limited(limit: str) -> None:
    """Count one request refused by the rate limit called ``limit`` (a fixed name, e.g. ``"sign_in"``)."""
    RATE_LIMITED.labels(limit=limit).inc()


def record_session_ended(reason: str) -> None:
    SESSIONS_ENDED.labels(reason=reason).inc()


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    HTTP_LATENCY.labels(method=method, route=route).observe(seconds)


def refresh_failure_outcome(code: ErrorCode) -> str:
    return _REFRESH_FAILURES.get(code, code.value)


class _Issued(Protocol):
    @property
    def outcome(self) -> str: ...
    @property
    def session_id(self) -> object: ...
    @property
    def user_id(self) -> object: ...


P = ParamSpec("P")
T = TypeVar("T", bound=_Issued)


def instrument_grant(
    grant: Literal["password", "refresh_token"],
) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]:
    """Count a grant's outcome (success or the failure's ``ErrorCode``) and put the user and
    session it concerns on the request's log lines."""

    def decorate(grant_function: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(grant_function)
        async def instrumented(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                issued = await grant_function(*args, **kwargs)
            except OAuthError as exc:
                if grant == "password":
                    SIGN_INS.labels(outcome=exc.code.value).inc()
                else:
                    REFRESHES.labels(outcome=refresh_failure_outcome(exc.code)).inc()
                raise
            if grant == "password":
                SIGN_INS.labels(outcome=SIGN_IN_SUCCESS).inc()
            else:
                REFRESHES.labels(outcome=issued.outcome).inc()
            bind_identity(user_id=issued.user_id, session_id=issued.session_id)
            return issued

        return instrumented

    return decorate


class _Snapshot(Collector):
    """Metric families computed for one scrape (values read from the database)."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self._families


def render(*, active_sessions: int | None) -> bytes:
    """The Prometheus text exposition of every metric of every worker, plus the scrape-time gauges."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir():
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(PROCESS_REGISTRY)
    if active_sessions is not None:
        gauge = GaugeMetricFamily(
            "baton_active_sessions",
            "Sessions that can still be refreshed (not ended, not past their maximum age or idle lifetime).",
            value=active_sessions,
        )
        registry.register(_Snapshot([gauge]))
    return generate_latest(registry)
