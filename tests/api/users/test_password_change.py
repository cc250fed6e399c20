"""POST /users/me/password: the current password is required, the new one meets the policy, and
every other session ends."""

import httpx
from baton_api.auth.models import SecurityEvent

from tests.conftest import RegisteredUser, refresh, sign_in

NEW_PASSWORD = "a brand new passphrase for baton"


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


async def test_password_change_ends_every_other_session(client: httpx.AsyncClient, user: RegisteredUser) -> None:
    other = (await sign_in(client, user.email, user.password)).json()
    current = (await sign_in(client, user.email, user.password)).json()
    response = await client.post(
        "/users/me/password",
        json={"current_password": user.password, "new_password": NEW_PASSWORD},
        headers=bearer(current["access_token"]),
    )
    assert response.status_code == 204, response.text

    denied = await refresh(client, other["refresh_token"])
    assert denied.status_code == 400 and denied.json()["error"] == "invalid_grant"
    assert (await refresh(client, current["refresh_token"])).status_code == 200
    assert (await sign_in(client, user.email, user.password)).status_code == 400
    assert (await sign_in(client, user.email, NEW_PASSWORD)).status_code == 200

    event = await SecurityEvent.get(type="password_changed")
    assert event.detail == {"other_sessions_ended": 1}
    ended = await SecurityEvent.filter(type="session_ended").values_list("detail", flat=True)
    assert ended == [{"by": "password_change", "reason": "password_changed"}]
    assert NEW_PASSWORD not in str(await SecurityEvent.all().values_list("detail", flat=True))


async def test_wrong_current_password_is_rejected(client: httpx.AsyncClient, auth_client: httpx.AsyncClient) -> None:
    response = await auth_client.post(
        "/users/me/password", json={"current_password": "not my password", "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert response.json() == {"error_code": "invalid_credentials", "detail": "The current password is incorrect."}


async def test_new_password_must_meet_the_policy(auth_client: httpx.AsyncClient, user: RegisteredUser) -> None:
    for new_password, problem in [
        ("password123", "password_too_common"),
        ("short", "string_too_short"),
        (user.password, "password_unchanged"),
    ]:
        response = await auth_client.post(
            "/users/me/password", json={"current_password": user.password, "new_password": new_password}
        )
        assert response.status_code == 422, new_password
        issue = response.json()["detail"][0]
        assert issue["loc"] == ["body", "new_password"]
        assert issue["type"] == problem
        assert issue["msg"]


async def test_password_change_needs_authentication(client: httpx.AsyncClient) -> None:
    response = await client.post("/users/me/password", json={"current_password": "x", "new_password": NEW_PASSWORD})
    assert response.status_code == 401
