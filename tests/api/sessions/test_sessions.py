"""GET /auth/sessions, DELETE /auth/sessions/{id}, DELETE /auth/sessions (all others)."""

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import jwt
from baton_api.auth.models import SecurityEvent, Session
from baton_api.config import Settings

from tests.conftest import RegisteredUser, refresh, sign_in


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


async def login(client: httpx.AsyncClient, user: RegisteredUser, agent: str) -> dict[str, str]:
    response = await client.post(
        "/auth/token",
        data={"grant_type": "password", "username": user.email, "password": user.password},
        headers={"User-Agent": agent},
    )
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


async def test_lists_own_active_sessions_and_marks_the_current_one(
    client: httpx.AsyncClient, user: RegisteredUser
) -> None:
    laptop = await login(client, user, "Laptop/1.0")
    phone = await login(client, user, "Phone/2.0")
    response = await client.get("/auth/sessions", headers=bearer(phone["access_token"]))
    assert response.status_code == 200
    sessions = response.json()
    assert len(sessions) == 2
    by_agent = {s["user_agent"]: s for s in sessions}
    assert by_agent["Phone/2.0"]["current"] is True
    assert by_agent["Laptop/1.0"]["current"] is False
    assert all(s["ip_address"] == "127.0.0.1" for s in sessions)
    assert {"id", "created_at", "last_used_at", "expires_at"} <= set(sessions[0])
    assert laptop["access_token"] not in response.text and laptop["refresh_token"] not in response.text


async def test_other_users_sessions_are_not_listed(client: httpx.AsyncClient, user: RegisteredUser) -> None:
    mine = await login(client, user, "Mine/1.0")
    other = RegisteredUser(id="", email=f"other-{uuid.uuid4().hex[:6]}@example.com", password=user.password)
    assert (
        await client.post("/auth/register", json={"email": other.email, "password": other.password})
    ).status_code == 201
    await login(client, other, "Theirs/1.0")
    sessions = (await client.get("/auth/sessions", headers=bearer(mine["access_token"]))).json()
    assert [s["user_agent"] for s in sessions] == ["Mine/1.0"]


async def test_ending_a_session_makes_its_refresh_token_fail(client: httpx.AsyncClient, user: RegisteredUser) -> None:
    laptop = await login(client, user, "Laptop/1.0")
    phone = await login(client, user, "Phone/2.0")
    sessions = (await client.get("/auth/sessions", headers=bearer(phone["access_token"]))).json()
    laptop_id = next(s["id"] for s in sessions if s["user_agent"] == "Laptop/1.0")

    response = await client.delete(f"/auth/sessions/{laptop_id}", headers=bearer(phone["access_token"]))
    assert response.status_code == 204

    denied = await refresh(client, laptop["refresh_token"])
    assert denied.status_code == 400
    assert denied.json()["error"] == "invalid_grant"
    assert (await refresh(client, phone["refresh_token"])).status_code == 200
    remaining = (await client.get("/auth/sessions", headers=bearer(phone["access_token"]))).json()
    assert [s["user_agent"] for s in remaining] == ["Phone/2.0"]
    event = await SecurityEvent.get(type="session_ended", session_id=uuid.UUID(laptop_id))
    assert event.detail["by"] == "user"


async def test_ending_another_users_session_is_404_and_leaves_it_alive(
    client: httpx.AsyncClient, user: RegisteredUser
) -> None:
    mine = await login(client, user, "Mine/1.0")
    other = RegisteredUser(id="", email=f"victim-{uuid.uuid4().hex[:6]}@example.com", password=user.password)
    assert (
        await client.post("/auth/register", json={"email": other.email, "password": other.password})
    ).status_code == 201
    theirs = await login(client, other, "Victim/1.0")
    their_id = (await client.get("/auth/sessions", headers=bearer(theirs["access_token"]))).json()[0]["id"]

    response = await client.delete(f"/auth/sessions/{their_id}", headers=bearer(mine["access_token"]))
    assert response.status_code == 404
    assert response.json()["error_code"] == "not_found"
    assert (await refresh(client, theirs["refresh_token"])).status_code == 200


async def test_unknown_or_already_ended_session_is_404(client: httpx.AsyncClient, user: RegisteredUser) -> None:
    a = await login(client, user, "A/1.0")
    b = await login(client, user, "B/1.0")
    b_id = next(
        s["id"]
        for s in (await client.get("/auth/sessions", headers=bearer(a["access_token"]))).json()
        if not s["current"]
    )
    assert (await client.delete(f"/auth/sessions/{b_id}", headers=bearer(a["access_token"]))).status_code == 204
    assert (await client.delete(f"/auth/sessions/{b_id}", headers=bearer(a["access_token"]))).status_code == 404
    assert (await client.delete(f"/auth/sessions/{uuid.uuid4()}", headers=bearer(a["access_token"]))).status_code == 404
    malformed = await client.delete("/auth/sessions/not-a-uuid", headers=bearer(a["access_token"]))
    assert malformed.status_code == 422
    assert b["refresh_token"]


async def test_ending_all_other_sessions_keeps_the_current_one(client: httpx.AsyncClient, user: RegisteredUser) -> None:
    others = [await login(client, user, f"Other/{i}") for i in range(3)]
    current = await login(client, user, "Current/1.0")
    response = await client.delete("/auth/sessions", headers=bearer(current["access_token"]))
    assert response.status_code == 200
    assert response.json() == {"ended": 3}
    for tokens in others:
        assert (await refresh(client, tokens["refresh_token"])).json()["error"] == "invalid_grant"
    assert (await refresh(client, current["refresh_token"])).status_code == 200
    again = await client.delete("/auth/sessions", headers=bearer(current["access_token"]))
    assert again.json() == {"ended": 0}


async def test_access_token_of_an_ended_session_cannot_manage_sessions(
    client: httpx.AsyncClient, user: RegisteredUser
) -> None:
    """A stolen access token outlives its session by at most its lifetime; it must not be able to
    end the owner's remaining sessions (or change the password) in that time."""
    stolen = await login(client, user, "Thief/1.0")
    owner = await login(client, user, "Owner/1.0")
    assert (await client.delete("/auth/sessions", headers=bearer(owner["access_token"]))).json() == {"ended": 1}

    for method, url in [("GET", "/auth/sessions"), ("DELETE", "/auth/sessions")]:
        response = await client.request(method, url, headers=bearer(stolen["access_token"]))
        assert response.status_code == 401
        assert response.json()["error_code"] == "token_invalid"
        assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
    assert (await refresh(client, owner["refresh_token"])).status_code == 200


async def test_sessions_need_authentication(client: httpx.AsyncClient) -> None:
    for method in ("GET", "DELETE"):
        response = await client.request(method, "/auth/sessions")
        assert response.status_code == 401
        assert response.json()["error_code"] == "not_authenticated"


async def test_revoked_session_is_not_listed_after_logout(client: httpx.AsyncClient, user: RegisteredUser) -> None:
    gone = await login(client, user, "Gone/1.0")
    here = await login(client, user, "Here/1.0")
    assert (await client.post("/auth/revoke", data={"token": gone["refresh_token"]})).status_code == 200
    sessions = (await client.get("/auth/sessions", headers=bearer(here["access_token"]))).json()
    assert [s["user_agent"] for s in sessions] == ["Here/1.0"]
    assert (await sign_in(client, user.email, user.password)).status_code == 200


async def test_idle_sessions_without_a_live_refresh_token_are_not_listed(
    client: httpx.AsyncClient, user: RegisteredUser, settings: Settings
) -> None:
    idle = await login(client, user, "Old-Tablet/1.0")
    current = await login(client, user, "Phone/2.0")
    idle_sid = jwt.decode(idle["refresh_token"], options={"verify_signature": False})["sid"]
    long_ago = datetime.now(UTC) - timedelta(seconds=settings.refresh_token_ttl_seconds + 60)
    await Session.filter(id=idle_sid).update(last_used_at=long_ago)
    response = await client.get("/auth/sessions", headers=bearer(current["access_token"]))
    assert [s["user_agent"] for s in response.json()] == ["Phone/2.0"]
