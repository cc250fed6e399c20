"""The refresh strategies inside one client: what each does when calls fail with ``token_expired``.

The cross-process, cross-tab races run against real servers in tests/race; here the app runs
in-process and the expired access token is minted directly, so no test waits for a clock.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from baton_sdk import (
    STRATEGY_NAMES,
    InvalidGrantError,
    MemoryTokenStore,
    NotAuthenticatedError,
    SessionStats,
    StrategyName,
    TokenPair,
)
from fastapi import FastAPI

from tests.client.conftest import CountingTransport, SessionFactory, expired_copy
from tests.conftest import RegisteredUser

CALLS = 8


async def signed_in(make_session: SessionFactory, user: RegisteredUser) -> TokenPair:
    return await make_session().login(user.email, user.password)


@pytest.mark.parametrize("strategy", STRATEGY_NAMES)
async def test_expired_access_token_is_refreshed_and_the_call_replayed(
    app: FastAPI, make_session: SessionFactory, user: RegisteredUser, strategy: StrategyName
) -> None:
    pair = await signed_in(make_session, user)
    store, stats = MemoryTokenStore(expired_copy(app, pair)), SessionStats()
    session = make_session(strategy=strategy, store=store, stats=stats)

    me = await session.me()

    assert me.email == user.email
    assert stats.refresh_attempts == 1 and stats.replays == 1
    current = store.current()
    assert current is not None and current.refresh_token != pair.refresh_token


async def test_single_flight_shares_one_refresh_between_concurrent_calls(
    app: FastAPI, make_session: SessionFactory, user: RegisteredUser
) -> None:
    pair = await signed_in(make_session, user)
    stats = SessionStats()
    session = make_session(strategy="single_flight", store=MemoryTokenStore(expired_copy(app, pair)), stats=stats)

    results = await asyncio.gather(*(session.me() for _ in range(CALLS)))

    assert [r.email for r in results] == [user.email] * CALLS
    assert stats.refresh_attempts == 1
    assert stats.replays == CALLS


async def test_backoff_replays_with_a_pair_another_client_already_refreshed(
    app: FastAPI, make_session: SessionFactory, user: RegisteredUser
) -> None:
    pair = await signed_in(make_session, user)
    stale = expired_copy(app, pair)
    store = MemoryTokenStore(stale)
    other_tab = make_session(strategy="single_flight", store=store)
    await other_tab.refresh()  # the shared store now holds a fresh pair

    stats = SessionStats()
    session = make_session(strategy="backoff", store=store, stats=stats)
    # The call goes out with the stale access token it read earlier, as a racing call would.
    recovered = await session.strategy.recover(store, session.exchange_refresh_token, stale)

    assert recovered == store.current()
    assert stats.refresh_attempts == 0


@pytest.mark.parametrize("strategy", STRATEGY_NAMES)
async def test_invalid_grant_signs_out_without_a_retry_storm(
    app: FastAPI, make_session: SessionFactory, user: RegisteredUser, strategy: StrategyName
) -> None:
    pair = await signed_in(make_session, user)
    await make_session(store=MemoryTokenStore(pair)).logout()  # the session is over on the server
    store, stats = MemoryTokenStore(expired_copy(app, pair)), SessionStats()
    session = make_session(strategy=strategy, store=store, stats=stats)

    results = await asyncio.gather(*(session.me() for _ in range(CALLS)), return_exceptions=True)

    assert all(isinstance(r, InvalidGrantError | NotAuthenticatedError) for r in results), results
    codes = {r.error_code for r in results if isinstance(r, InvalidGrantError)}
    assert codes <= {"session_revoked", "refresh_token_revoked"} and codes
    assert store.current() is None
    # single_flight refreshes once for everyone; the others at most once per call, never more
    assert stats.refresh_attempts == 1 if strategy == "single_flight" else 1 <= stats.refresh_attempts <= CALLS


async def test_single_flight_retries_a_transient_server_error(
    app: FastAPI, make_session: SessionFactory, user: RegisteredUser
) -> None:
    pair = await signed_in(make_session, user)
    flaky = CountingTransport(httpx.ASGITransport(app=app), fail_first=1, status=503)
    stats = SessionStats()
    session = make_session(
        strategy="single_flight", store=MemoryTokenStore(expired_copy(app, pair)), stats=stats, token_transport=flaky
    )

    assert (await session.me()).email == user.email
    assert flaky.requests == ["/auth/token", "/auth/token"]
    assert stats.refresh_attempts == 2 and stats.refresh_succeeded == 1


async def test_signed_out_store_makes_protected_calls_fail_fast(make_session: SessionFactory) -> None:
    session = make_session(store=MemoryTokenStore())
    with pytest.raises(NotAuthenticatedError):
        await session.refresh()
