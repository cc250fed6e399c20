"""What a client does when a call fails with 401 ``token_expired``: the refresh strategies.

* ``naive`` — every failing call refreshes on its own with the refresh token it was sent with, and
  signs out on any refusal. This is what most code does; against a strict single-use server the
  parallel refreshes race and all but one fail (the seed's bug, kept so it can be reproduced).
* ``backoff`` — the pragmatic fix: tenacity retries with exponential backoff and jitter. Before each
  attempt it re-reads the *current* pair from the shared store: if another call has refreshed in
  the meantime it just replays; a lost race (``refresh_token_reused``) is retried, not fatal.
* ``single_flight`` — concurrent refreshes of one client share one in-flight task; every waiter then
  replays once. Transient failures (409/429/5xx/network) of that one refresh are retried with
  backoff; ``invalid_grant`` ends the session at once (no retry storm).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Literal, Protocol

from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

from baton_sdk.errors import (
    ConflictError,
    InvalidGrantError,
    NetworkError,
    NotAuthenticatedError,
    RateLimitedError,
    ServerError,
)
from baton_sdk.tokens import TokenPair, TokenStore
from baton_sdk.transport import jittered_backoff

StrategyName = Literal["naive", "backoff", "single_flight"]
STRATEGY_NAMES: tuple[StrategyName, ...] = ("naive", "backoff", "single_flight")

# Exchanges a refresh token for a new pair at the token endpoint (raises typed SDK errors).
Exchange = Callable[[str], Awaitable[TokenPair]]

TRANSIENT_ERRORS = (ConflictError, RateLimitedError, ServerError, NetworkError)
RACE_LOST_CODE = "refresh_token_reused"


class RefreshStrategy(Protocol):
    name: StrategyName

    async def recover(self, store: TokenStore, exchange: Exchange, spent: TokenPair) -> TokenPair:
        """Return the pair to replay the failed call with; raise if the session cannot continue."""
        ...


def _current_or_signed_out(store: TokenStore) -> TokenPair:
    current = store.current()
    if current is None:
        raise NotAuthenticatedError("the session has ended; sign in again")
    return current


class NaiveStrategy:
    name: StrategyName = "naive"

    async def recover(self, store: TokenStore, exchange: Exchange, spent: TokenPair) -> TokenPair:
        try:
            fresh = await exchange(spent.refresh_token)
        except InvalidGrantError:
            store.clear()
            raise
        store.set(fresh)
        return fresh


class _RaceLost(Exception):
    """Internal: our refresh lost to another caller's; re-read the store after a backoff."""

    def __init__(self, cause: InvalidGrantError) -> None:
        super().__init__(str(cause))
        self.cause = cause


class BackoffStrategy:
    name: StrategyName = "backoff"

    def __init__(self, *, attempts: int = 6, initial_wait: float = 0.05, max_wait: float = 1.0) -> None:
        self.attempts = attempts
        self.initial_wait = initial_wait
        self.max_wait = max_wait

    async def recover(self, store: TokenStore, exchange: Exchange, spent: TokenPair) -> TokenPair:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=jittered_backoff(self.initial_wait, self.max_wait),
            retry=retry_if_exception(lambda exc: isinstance(exc, (_RaceLost, *TRANSIENT_ERRORS))),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._attempt(store, exchange, spent)
        except _RaceLost as lost:
            # Still no newer pair after every attempt: the session really is over.
            store.clear(spent.refresh_token)
            raise lost.cause from None
        raise AssertionError("unreachable: tenacity either returns or re-raises")

    async def _attempt(self, store: TokenStore, exchange: Exchange, spent: TokenPair) -> TokenPair:
        current = _current_or_signed_out(store)
        if current.access_token != spent.access_token:
            return current  # someone refreshed meanwhile: just replay
        try:
            fresh = await exchange(current.refresh_token)
        except InvalidGrantError as exc:
            if exc.error_code == RACE_LOST_CODE:
                raise _RaceLost(exc) from exc
            store.clear(current.refresh_token)
            raise
        after = store.replace(current.refresh_token, fresh)
        if after is None:
            raise NotAuthenticatedError("the session was ended while refreshing")
        return after


class SingleFlightStrategy:
    name: StrategyName = "single_flight"

    def __init__(self, *, attempts: int = 4, initial_wait: float = 0.05, max_wait: float = 1.0) -> None:
        self.attempts = attempts
        self.initial_wait = initial_wait
        self.max_wait = max_wait
        self._in_flight: asyncio.Task[TokenPair] | None = None

    async def recover(self, store: TokenStore, exchange: Exchange, spent: TokenPair) -> TokenPair:
        current = _current_or_signed_out(store)
        if current.access_token != spent.access_token:
            return current  # a refresh already settled while this call was on the wire
        if self._in_flight is None:
            self._in_flight = asyncio.create_task(self._refresh(store, exchange, current))
            self._in_flight.add_done_callback(self._settled)
        # shield: one waiter being cancelled must not cancel the refresh the others wait for
        return await asyncio.shield(self._in_flight)

    def _settled(self, task: asyncio.Task[TokenPair]) -> None:
        if self._in_flight is task:
            self._in_flight = None
        if not task.cancelled():
            task.exception()  # retrieved here so an unawaited failure is never reported as lost

    async def _exchange_with_retries(self, exchange: Exchange, current: TokenPair) -> TokenPair:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=jittered_backoff(self.initial_wait, self.max_wait),
            retry=retry_if_exception(lambda exc: isinstance(exc, TRANSIENT_ERRORS)),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await exchange(current.refresh_token)
        raise AssertionError("unreachable: tenacity either returns or re-raises")

    async def _refresh(self, store: TokenStore, exchange: Exchange, current: TokenPair) -> TokenPair:
        try:
            fresh = await self._exchange_with_retries(exchange, current)
        except InvalidGrantError:
            if store.clear(current.refresh_token):
                raise
            # Another client sharing the store (another tab) moved the session on: use its pair.
            return _current_or_signed_out(store)
        after = store.replace(current.refresh_token, fresh)
        if after is None:
            raise NotAuthenticatedError("the session was ended while refreshing")
        return after


def make_strategy(name: StrategyName) -> RefreshStrategy:
    if name == "naive":
        return NaiveStrategy()
    if name == "backoff":
        return BackoffStrategy()
    if name == "single_flight":
        return SingleFlightStrategy()
    raise ValueError(f"unknown refresh strategy {name!r}; choose one of {', '.join(STRATEGY_NAMES)}")
