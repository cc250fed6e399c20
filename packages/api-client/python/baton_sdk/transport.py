"""Bounded retries of network errors, below the generated client.

A request that never reached the server (connect errors, pool timeouts) is always safe to resend.
One that may have reached it (read errors, a dropped connection) is resent only when it is
idempotent, or when the caller says so: Baton's refresh grant is, thanks to the server's grace
window (a replayed refresh returns the same successor).
"""

from __future__ import annotations

import httpx
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter
from tenacity.wait import wait_base

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
MAYBE_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ReadError,
    httpx.ReadTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
    httpx.RemoteProtocolError,
)


def jittered_backoff(initial: float, maximum: float) -> wait_base:
    """Exponential backoff from ``initial`` seconds up to ``maximum``, plus up to ``initial`` of jitter
    (so that clients which failed together do not retry together)."""
    return wait_exponential_jitter(multiplier=initial, max=maximum, jitter=initial)


class RetryingTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        inner: httpx.AsyncBaseTransport | None = None,
        *,
        attempts: int = 3,
        initial_wait: float = 0.05,
        max_wait: float = 1.0,
        retry_unsafe_methods: bool = False,
    ) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self._inner = inner if inner is not None else httpx.AsyncHTTPTransport()
        self._attempts = attempts
        self._initial_wait = initial_wait
        self._max_wait = max_wait
        self._retry_unsafe_methods = retry_unsafe_methods

    def _retryable(self, request: httpx.Request, exc: BaseException) -> bool:
        if isinstance(exc, NOT_SENT_ERRORS):
            return True
        if isinstance(exc, MAYBE_SENT_ERRORS):
            return self._retry_unsafe_methods or request.method in IDEMPOTENT_METHODS
        return False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=jittered_backoff(self._initial_wait, self._max_wait),
            retry=retry_if_exception(lambda exc: self._retryable(request, exc)),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._inner.handle_async_request(request)
        raise AssertionError("unreachable: tenacity either returns or re-raises")

    async def aclose(self) -> None:
        await self._inner.aclose()
