"""The refresh state machine (DESIGN §6), one request at a time. Concurrency: test_refresh_race.py."""

import asyncio
import time
import uuid

import httpx
import pytest
from baton_api.auth.models import RefreshToken, SecurityEvent, Session

from tests.conftest import RegisteredUser, refresh, sign_in


async def test_refresh_rotates_to_a_new_pair(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    response = await refresh(client, tokens["refresh_token"])
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["refresh_token"] != tokens["refresh_token"]
    assert body["access_token"] != tokens["access_token"]
    me = await client.get("/users/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200

    rows = await RefreshToken.all().order_by("issued_at")
    assert len(rows) == 2
    parent = next(r for r in rows if r.parent_jti is None)
    child = next(r for r in rows if r.parent_jti is not None)
    assert parent.child_jti == child.jti and child.parent_jti == parent.jti
    assert parent.rotated_at is not None and child.rotated_at is None


async def test_chain_of_rotations_stays_linear(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    current = tokens["refresh_token"]
    for _ in range(5):
        response = await refresh(client, current)
        assert response.status_code == 200
        current = response.json()["refresh_token"]
    rows = await RefreshToken.all()
    assert len(rows) == 6
    assert sum(r.rotated_at is None for r in rows) == 1  # exactly one active token
    assert len({r.session_id for r in rows}) == 1


async def test_replay_within_grace_returns_the_identical_successor(
    client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    first = (await refresh(client, tokens["refresh_token"])).json()
    replay = await refresh(client, tokens["refresh_token"])
    assert replay.status_code == 200
    assert replay.json()["refresh_token"] == first["refresh_token"]  # byte for byte
    assert await RefreshToken.all().count() == 2  # no fork
    # The converged successor keeps working.
    assert (await refresh(client, first["refresh_token"])).status_code == 200


async def test_grace_only_covers_the_immediate_predecessor(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    t1 = (await refresh(client, tokens["refresh_token"])).json()["refresh_token"]
    t2 = (await refresh(client, t1)).json()["refresh_token"]
    # t0's successor t1 is no longer active: replaying t0 is reuse, even inside the window.
    response = await refresh(client, tokens["refresh_token"])
    assert response.status_code == 400
    assert response.json()["error_code"] == "refresh_token_reused"
    assert (await refresh(client, t2)).json()["error_code"] == "session_revoked"


class TestStrictServer:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {"refresh_grace_seconds": 0}

    async def test_second_use_is_reuse_and_revokes_the_session(
        self, client: httpx.AsyncClient, tokens: dict[str, str]
    ) -> None:
        t1 = (await refresh(client, tokens["refresh_token"])).json()["refresh_token"]
        replay = await refresh(client, tokens["refresh_token"])
        assert replay.status_code == 400
        assert replay.json() == {
            "error": "invalid_grant",
            "error_description": "The refresh token was already used.",
            "error_code": "refresh_token_reused",
        }
        assert (await refresh(client, t1)).json()["error_code"] == "session_revoked"
        session = await Session.get()
        assert session.revoked_reason == "refresh_token_reused"
        assert await RefreshToken.filter(revoked=False).count() == 0


class TestShortGraceWindow:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {"refresh_grace_seconds": 0.5}

    async def test_replay_after_grace_revokes_session(self, client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
        t1 = (await refresh(client, tokens["refresh_token"])).json()["refresh_token"]
        await asyncio.sleep(0.7)
        replay = await refresh(client, tokens["refresh_token"])
        assert replay.json()["error_code"] == "refresh_token_reused"
        assert (await refresh(client, t1)).json()["error_code"] == "session_revoked"
        event = await SecurityEvent.get(type="refresh_token_reused")
        assert event.detail["cause"] == "outside_grace_window"
        assert event.detail["session_revoked"] is True


class TestReuseWithoutRevocation:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {"refresh_grace_seconds": 0, "refresh_reuse_revokes_session": False}

    async def test_reuse_is_rejected_but_the_session_lives(
        self, client: httpx.AsyncClient, tokens: dict[str, str]
    ) -> None:
        t1 = (await refresh(client, tokens["refresh_token"])).json()["refresh_token"]
        assert (await refresh(client, tokens["refresh_token"])).json()["error_code"] == "refresh_token_reused"
        assert (await refresh(client, t1)).status_code == 200


class TestIdleExpiry:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {"refresh_token_ttl_seconds": 1}

    async def test_unused_refresh_token_expires(self, client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
        await asyncio.sleep(2.1)
        response = await refresh(client, tokens["refresh_token"])
        assert response.status_code == 400
        assert response.json()["error_code"] == "refresh_token_expired"


class TestAbsoluteExpiry:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {"session_max_age_seconds": 2}

    async def test_session_ends_at_its_maximum_age_despite_activity(
        self, client: httpx.AsyncClient, tokens: dict[str, str]
    ) -> None:
        current = tokens["refresh_token"]
        deadline = time.monotonic() + 3.2
        codes = []
        while time.monotonic() < deadline:
            response = await refresh(client, current)
            if response.status_code != 200:
                codes.append(response.json()["error_code"])
                break
            current = response.json()["refresh_token"]
            await asyncio.sleep(0.4)
        assert codes == ["session_expired"]


async def test_refresh_of_a_disabled_user_fails(
    client: httpx.AsyncClient, tokens: dict[str, str], user: RegisteredUser
) -> None:
    from baton_api.users.models import User

    await User.filter(id=user.id).update(is_active=False)
    response = await refresh(client, tokens["refresh_token"])
    assert response.json()["error_code"] == "session_revoked"


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "a.b.c", "x" * 10_000, "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."],
)
async def test_garbage_refresh_tokens_are_invalid_grant(client: httpx.AsyncClient, token: str) -> None:
    response = await refresh(client, token)
    assert response.status_code == 400
    assert response.json()["error"] in {"invalid_grant", "invalid_request"}


async def test_access_token_is_not_a_refresh_token(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    response = await refresh(client, tokens["access_token"])
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "The refresh token is invalid.",
        "error_code": "refresh_token_invalid",
    }


async def test_unknown_but_well_signed_refresh_token_is_invalid(
    client: httpx.AsyncClient, tokens: dict[str, str], app: object
) -> None:
    codec = app.state.codec  # type: ignore[attr-defined]
    claims = codec.decode_refresh_token(tokens["refresh_token"])
    forged = codec.encode_refresh_token(
        sub=claims.sub, sid=claims.sid, jti=str(uuid.uuid4()), iat=claims.iat, exp=claims.exp
    )
    assert (await refresh(client, forged)).json()["error_code"] == "refresh_token_invalid"


async def test_refresh_may_narrow_but_not_widen_scope(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    widened = await refresh(client, tokens["refresh_token"], scope="user admin")
    assert widened.json()["error"] == "invalid_scope"
    narrowed = await refresh(client, tokens["refresh_token"], scope="user")
    assert narrowed.status_code == 200 and narrowed.json()["scope"] == "user"


async def test_each_sign_in_starts_an_independent_session(client: httpx.AsyncClient, user: RegisteredUser) -> None:
    a = (await sign_in(client, user.email, user.password)).json()
    b = (await sign_in(client, user.email, user.password)).json()
    assert await Session.all().count() == 2
    assert (await refresh(client, a["refresh_token"])).status_code == 200
    assert (await refresh(client, b["refresh_token"])).status_code == 200
