"""Baton's default policy (a grace window for the immediate predecessor, reuse revokes the session):
every client strategy, any number of tabs and API processes, converges without a failed call on
one linear chain; a lost refresh response is recovered; a replay after the window ends the session.
Real uvicorn servers, SQLite and PostgreSQL, 1 and 2 API processes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from baton_sdk import STRATEGY_NAMES, AuthSession, InvalidGrantError, MemoryTokenStore

from scripts.race import Scenario, ServerPolicy, inspect_chain, run_scenarios, sign_in, sign_up, wait_until_expired
from tests.race.conftest import ACCESS_TTL_SECONDS, GRACE_SECONDS, PARALLEL_CALLS, Outcomes, backend_of, describe
from tests.support.servers import ServerPool, api_servers

pytestmark = pytest.mark.slow

BATON_DEFAULT = ServerPolicy("baton-default", grace_seconds=GRACE_SECONDS, revoke_on_reuse=True)
SCENARIOS = [Scenario(strategy, tabs, PARALLEL_CALLS) for strategy in STRATEGY_NAMES for tabs in (1, 3)]


@pytest.fixture(scope="module")
def grace_servers(race_database: str, processes: int, data_dir: Path) -> Iterator[ServerPool]:
    with api_servers(
        race_database, processes=processes, data_dir=data_dir, env=BATON_DEFAULT.env(ACCESS_TTL_SECONDS)
    ) as pool:
        yield pool


@pytest.fixture(scope="module")
async def outcomes(grace_servers: ServerPool) -> Outcomes:
    results = await run_scenarios(
        grace_servers, BATON_DEFAULT, SCENARIOS, database=backend_of(grace_servers.database_url)
    )
    return {(BATON_DEFAULT.name, s): r for s, r in zip(SCENARIOS, results, strict=True)}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: f"{s.strategy}-{s.tabs}-tabs")
def test_every_strategy_converges_without_a_failed_call(outcomes: Outcomes, scenario: Scenario) -> None:
    """Invariant: one parent never yields two different live successors, no token is spent twice."""
    result = outcomes[BATON_DEFAULT.name, scenario]
    assert result.calls_failed == 0, describe(result)
    assert result.calls_succeeded == scenario.parallel, describe(result)
    assert result.refresh_attempts >= 1, describe(result)  # the race really happened
    assert result.chain_linear and result.max_children <= 1, describe(result)
    assert result.reuse_detected == 0 and result.sessions_revoked == 0, describe(result)
    assert not result.logged_out, describe(result)
    # The API's own counters agree with the database: every refresh that reached it was either the
    # one rotation or a grace replay of its successor; none was refused.
    assert result.api_refresh_outcomes.get("rotated", 0) == result.rotations, describe(result)
    assert result.refreshes_at_api == result.rotations + result.grace_replays, describe(result)
    assert result.refreshes_at_api >= result.refresh_succeeded, describe(result)


def test_single_flight_refreshes_once_per_tab(outcomes: Outcomes) -> None:
    for tabs in (1, 3):
        result = outcomes[BATON_DEFAULT.name, Scenario("single_flight", tabs, PARALLEL_CALLS)]
        assert 1 <= result.refresh_attempts <= tabs, describe(result)
        assert result.refreshes_at_api <= tabs, describe(result)


def test_racing_refreshes_converge_through_grace_replays(outcomes: Outcomes) -> None:
    """Without single-flight every racer reaches the API: one rotates, the others are grace replays."""
    for strategy in ("naive", "backoff"):
        result = outcomes[BATON_DEFAULT.name, Scenario(strategy, 1, PARALLEL_CALLS)]
        assert result.grace_replays >= 1, describe(result)


class DropFirstRefreshResponse(httpx.AsyncBaseTransport):
    """The server gets the first refresh request and answers it; the client never sees the answer."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.refresh_requests = 0
        self.dropped: dict[str, str] | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if request.url.path == "/auth/token" and b"grant_type=refresh_token" in request.content:
            self.refresh_requests += 1
            if self.dropped is None:
                self.dropped = json.loads(await response.aread())
                await response.aclose()
                raise httpx.ReadError("connection reset before the response arrived", request=request)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


async def test_lost_refresh_response_is_recovered_within_the_window(grace_servers: ServerPool) -> None:
    url = grace_servers.url_for(1)
    account = await sign_up(url)
    pair = await sign_in(url, account)
    await wait_until_expired(pair)

    dropper = DropFirstRefreshResponse()
    store = MemoryTokenStore(pair)
    async with AuthSession(url, strategy="single_flight", store=store, token_transport=dropper) as session:
        me = await session.me()

    assert str(me.id) == account.user_id
    assert dropper.dropped is not None and dropper.refresh_requests == 2
    current = store.current()
    assert current is not None
    assert current.refresh_token == dropper.dropped["refresh_token"]  # the very successor that was lost
    chain = await inspect_chain(grace_servers.database_url, account.user_id)
    assert chain.rotations == 1 and chain.linear
    assert chain.sessions_revoked == 0 and chain.reuse_detected == 0


async def test_replay_after_the_window_revokes_the_session(grace_servers: ServerPool) -> None:
    url = grace_servers.url_for(0)
    account = await sign_up(url)
    first = await sign_in(url, account)
    store = MemoryTokenStore(first)
    async with AuthSession(url, strategy="single_flight", store=store) as session:
        await session.refresh()
        await asyncio.sleep(GRACE_SECONDS + 0.5)

        with pytest.raises(InvalidGrantError) as replay:
            await session.exchange_refresh_token(first.refresh_token)
        assert replay.value.error_code == "refresh_token_reused"

        with pytest.raises(InvalidGrantError) as successor:  # the whole family is gone
            await session.refresh()
        assert successor.value.error_code in {"session_revoked", "refresh_token_revoked"}
    assert store.current() is None  # invalid_grant signed the client out

    chain = await inspect_chain(grace_servers.database_url, account.user_id)
    assert chain.sessions_revoked == 1 and chain.reuse_detected == 1
    assert chain.rotations == 1 and chain.linear
