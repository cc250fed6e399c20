"""Refresh-token theft and double spending (RFC 9700 §4.14.2; OWASP ASVS 5.0 V10.4)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from baton_api.auth.models import RefreshToken, SecurityEvent, Session

from tests.conftest import refresh


class TestStrictServer:
    """Grace window 0: a refresh token is spendable exactly once, whatever the concurrency."""

    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {"refresh_grace_seconds": 0}

    async def test_double_spend_under_concurrency_yields_at_most_one_successor(
        self, client: httpx.AsyncClient, tokens: dict[str, str]
    ) -> None:
        """Invariant: 20 simultaneous spends of one token produce at most one 200 and exactly one
        child row; the parent is never spent twice. On PostgreSQL the requests really overlap."""
        start = asyncio.Event()

        async def spend() -> httpx.Response:
            await start.wait()
            return await refresh(client, tokens["refresh_token"])

        tasks = [asyncio.create_task(spend()) for _ in range(20)]
        await asyncio.sleep(0)
        start.set()
        responses = await asyncio.gather(*tasks)
        winners = [r for r in responses if r.status_code == 200]
        # The compare-and-set winner commits its successor before any loser can judge a replay.
        assert len(winners) == 1
        assert all(r.json()["error"] == "invalid_grant" for r in responses if r.status_code != 200)
        parent = await RefreshToken.get(parent_jti=None)
        children = await RefreshToken.filter(parent_jti=parent.jti)
        assert len(children) == 1
        # The losers' replays count as reuse: the family is revoked, the winner's token too.
        assert (await Session.first()).revoked_at is not None  # type: ignore[union-attr]
        assert (await refresh(client, winners[0].json()["refresh_token"])).status_code == 400

    async def test_stolen_token_replayed_after_rotation_revokes_the_session(
        self, client: httpx.AsyncClient, tokens: dict[str, str]
    ) -> None:
        legit = await refresh(client, tokens["refresh_token"])
        assert legit.status_code == 200
        stolen = await refresh(client, tokens["refresh_token"])
        assert stolen.status_code == 400
        assert stolen.json()["error_code"] == "refresh_token_reused"
        # The thief's replay also kills the legitimate holder's successor: the family is gone.
        after = await refresh(client, legit.json()["refresh_token"])
        assert after.status_code == 400 and after.json()["error"] == "invalid_grant"
        event = await SecurityEvent.get(type="refresh_token_reused")
        assert event.detail["cause"] == "strict_single_use"
        assert event.detail["session_revoked"] is True


class TestGraceWindow:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {"refresh_grace_seconds": 0.5}

    async def test_concurrent_refreshes_converge_on_one_successor(
        self, client: httpx.AsyncClient, tokens: dict[str, str]
    ) -> None:
        responses = await asyncio.gather(*(refresh(client, tokens["refresh_token"]) for _ in range(20)))
        assert {r.status_code for r in responses} == {200}
        assert len({r.json()["refresh_token"] for r in responses}) == 1
        assert await RefreshToken.all().count() == 2

    async def test_replay_after_the_window_revokes_the_session_and_writes_an_event(
        self, client: httpx.AsyncClient, tokens: dict[str, str]
    ) -> None:
        successor = (await refresh(client, tokens["refresh_token"])).json()
        await asyncio.sleep(0.8)
        replay = await refresh(client, tokens["refresh_token"])
        assert replay.status_code == 400
        assert replay.json() == {
            "error": "invalid_grant",
            "error_description": "The refresh token was already used.",
            "error_code": "refresh_token_reused",
        }
        assert (await refresh(client, successor["refresh_token"])).json()["error"] == "invalid_grant"
        session = await Session.first()
        assert session is not None and session.revoked_reason == "refresh_token_reused"
        event = await SecurityEvent.get(type="refresh_token_reused")
        assert event.detail["cause"] == "outside_grace_window"
        assert event.session_id == session.id

    async def test_grandparent_token_is_reuse_even_inside_the_window(
        self, client: httpx.AsyncClient, tokens: dict[str, str]
    ) -> None:
        first = (await refresh(client, tokens["refresh_token"])).json()
        await refresh(client, first["refresh_token"])
        replay = await refresh(client, tokens["refresh_token"])
        assert replay.json()["error_code"] == "refresh_token_reused"
