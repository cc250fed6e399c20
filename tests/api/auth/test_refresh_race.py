"""The refresh race against real uvicorn servers (not the in-process transport).

Invariant: one parent never yields two different live successors, and no refresh token is spent
twice — on SQLite and PostgreSQL, with one and with two API processes sharing the database.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import jwt
import pytest

from tests.conftest import TEST_PASSWORD
from tests.support import databases
from tests.support.servers import ServerPool, api_servers

pytestmark = pytest.mark.slow

GRACE_SECONDS = 3.0
RACERS = 50


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
async def race_database(request: pytest.FixtureRequest, data_dir: Path) -> AsyncIterator[str]:
    if request.param == "postgres":
        databases.require_postgres()
    async with databases.migrated_database(request.param, data_dir) as url:
        yield url


@pytest.fixture(scope="module", params=[1, 2], ids=["1-process", "2-processes"])
def servers(request: pytest.FixtureRequest, race_database: str, data_dir: Path) -> Iterator[ServerPool]:
    with api_servers(
        race_database,
        processes=request.param,
        data_dir=data_dir,
        # Every client here is 127.0.0.1 signing in again and again: rate limits are tested in
        # tests/security, these tests are about the refresh state machine.
        env={"BATON_REFRESH_GRACE_SECONDS": str(GRACE_SECONDS), "BATON_RATE_LIMIT_ENABLED": "false"},
    ) as pool:
        yield pool


async def _fetch(database_url: str, query: str, *args: object) -> list[tuple[object, ...]]:
    if database_url.startswith("sqlite://"):
        path = database_url.removeprefix("sqlite://").split("?")[0]
        with sqlite3.connect(path) as conn:
            return [tuple(row) for row in conn.execute(query.replace("$1", "?"), [str(a) for a in args])]
    conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        return [tuple(row) for row in await conn.fetch(query, *args)]
    finally:
        await conn.close()


async def _sign_in(pool: ServerPool, email: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=pool.urls[0]) as client:
        assert (
            await client.post("/auth/register", json={"email": email, "password": TEST_PASSWORD})
        ).status_code == 201
        response = await client.post(
            "/auth/token", data={"grant_type": "password", "username": email, "password": TEST_PASSWORD}
        )
        assert response.status_code == 200
        body: dict[str, str] = response.json()
        return {**body, "email": email}


async def _race(pool: ServerPool, refresh_token: str, racers: int = RACERS) -> list[httpx.Response]:
    """``racers`` independent connections, opened first, then released at one start signal."""
    clients = [httpx.AsyncClient(base_url=pool.url_for(i), timeout=30) for i in range(racers)]
    start = asyncio.Event()

    async def racer(client: httpx.AsyncClient) -> httpx.Response:
        await client.get("/health")  # open the connection before the start signal
        await start.wait()
        return await client.post("/auth/token", data={"grant_type": "refresh_token", "refresh_token": refresh_token})

    try:
        tasks = [asyncio.create_task(racer(c)) for c in clients]
        await asyncio.sleep(0.5)
        start.set()
        return await asyncio.gather(*tasks)
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


def _jti(token: str) -> str:
    jti: str = jwt.decode(token, options={"verify_signature": False})["jti"]
    return jti


async def test_concurrent_refreshes_converge_on_one_successor(servers: ServerPool) -> None:
    tokens = await _sign_in(servers, f"race-{time.time_ns()}@example.com")
    responses = await _race(servers, tokens["refresh_token"])

    assert [r.status_code for r in responses] == [200] * RACERS, {r.text for r in responses if r.status_code != 200}
    successors = {r.json()["refresh_token"] for r in responses}
    assert len(successors) == 1, "every racer must receive the byte-identical successor"

    parent = _jti(tokens["refresh_token"])
    children = await _fetch(servers.database_url, "SELECT jti FROM refresh_tokens WHERE parent_jti = $1", parent)
    assert [str(c[0]) for c in children] == [_jti(successors.pop())]
    forks = await _fetch(
        servers.database_url,
        "SELECT parent_jti, COUNT(*) FROM refresh_tokens WHERE parent_jti IS NOT NULL GROUP BY parent_jti "
        "HAVING COUNT(*) > 1",
    )
    assert forks == []


async def test_replay_after_window_revokes_the_session(servers: ServerPool) -> None:
    tokens = await _sign_in(servers, f"late-{time.time_ns()}@example.com")
    responses = await _race(servers, tokens["refresh_token"], racers=10)
    successor = responses[0].json()["refresh_token"]

    await asyncio.sleep(GRACE_SECONDS + 0.5)
    async with httpx.AsyncClient(base_url=servers.urls[-1]) as client:
        late = await client.post(
            "/auth/token", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
        )
        assert late.status_code == 400
        assert late.json()["error_code"] == "refresh_token_reused"
        after = await client.post("/auth/token", data={"grant_type": "refresh_token", "refresh_token": successor})
        assert after.status_code == 400
        assert after.json()["error_code"] == "session_revoked"

    sid = jwt.decode(successor, options={"verify_signature": False})["sid"]
    revoked = await _fetch(servers.database_url, "SELECT revoked_reason FROM sessions WHERE id = $1", sid)
    assert revoked == [("refresh_token_reused",)]


async def test_concurrent_refreshes_of_the_successor_also_converge(servers: ServerPool) -> None:
    """Two rounds: the chain grows by exactly one per round, whatever the interleaving."""
    tokens = await _sign_in(servers, f"chain-{time.time_ns()}@example.com")
    current = tokens["refresh_token"]
    for _ in range(2):
        responses = await _race(servers, current, racers=20)
        assert all(r.status_code == 200 for r in responses)
        assert len({r.json()["refresh_token"] for r in responses}) == 1
        current = responses[0].json()["refresh_token"]
    sid = jwt.decode(current, options={"verify_signature": False})["sid"]
    rows = await _fetch(servers.database_url, "SELECT COUNT(*) FROM refresh_tokens WHERE session_id = $1", sid)
    assert rows == [(3,)]


async def test_refresh_racing_logout_and_reuse_never_fails_and_logout_sticks(servers: ServerPool) -> None:
    """Ending a session (logout, reuse detection) while the same session rotates takes the same
    locks in the same order: no deadlock, no 5xx, and the logout always wins in the end."""
    tokens = await _sign_in(servers, f"logout-{time.time_ns()}@example.com")
    async with (
        httpx.AsyncClient(base_url=servers.url_for(0), timeout=30) as first,
        httpx.AsyncClient(base_url=servers.url_for(1), timeout=30) as second,
        httpx.AsyncClient(base_url=servers.url_for(2), timeout=30) as third,
    ):
        statuses: list[int] = []
        for _ in range(15):
            response = await first.post(
                "/auth/token", data={"grant_type": "password", "username": tokens["email"], "password": TEST_PASSWORD}
            )
            t0 = response.json()["refresh_token"]
            t1 = (await first.post("/auth/token", data={"grant_type": "refresh_token", "refresh_token": t0})).json()
            t2 = (
                await first.post(
                    "/auth/token", data={"grant_type": "refresh_token", "refresh_token": t1["refresh_token"]}
                )
            ).json()["refresh_token"]
            rotate, replay, revoke = await asyncio.gather(
                first.post("/auth/token", data={"grant_type": "refresh_token", "refresh_token": t2}),
                second.post("/auth/token", data={"grant_type": "refresh_token", "refresh_token": t0}),
                third.post("/auth/revoke", data={"token": t2, "token_type_hint": "refresh_token"}),
            )
            statuses += [rotate.status_code, replay.status_code, revoke.status_code]
            assert revoke.status_code == 200
            newest = rotate.json()["refresh_token"] if rotate.status_code == 200 else t2
            after = await first.post("/auth/token", data={"grant_type": "refresh_token", "refresh_token": newest})
            assert after.status_code == 400, "a logout that raced a rotation must still end the session"
        assert all(status < 500 for status in statuses), statuses
