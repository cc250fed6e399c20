"""GET /users/me/security-events: own events, newest first, keyset-paginated; no secrets."""

import uuid

import httpx
from baton_api.auth.models import SecurityEvent

from tests.conftest import RegisteredUser, refresh, sign_in


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


async def test_events_are_own_newest_first_and_paginated(client: httpx.AsyncClient, user: RegisteredUser) -> None:
    assert (await sign_in(client, user.email, "wrong password here")).status_code == 400
    first = (await sign_in(client, user.email, user.password)).json()
    assert (await client.post("/auth/revoke", data={"token": first["refresh_token"]})).status_code == 200
    current = (await sign_in(client, user.email, user.password)).json()
    # Somebody else's activity never shows up.
    stranger = f"stranger-{uuid.uuid4().hex[:6]}@example.com"
    await client.post("/auth/register", json={"email": stranger, "password": user.password})
    await sign_in(client, stranger, user.password)

    response = await client.get("/users/me/security-events", headers=bearer(current["access_token"]))
    assert response.status_code == 200
    page = response.json()
    types = [e["type"] for e in page["items"]]
    assert types == ["sign_in", "session_ended", "sign_in", "sign_in_failed"]
    assert page["next_before"] is None
    assert page["items"][0]["ip_address"] == "127.0.0.1"

    seen: list[str] = []
    before: int | None = None
    while True:
        params = {"limit": 3, **({"before": before} if before else {})}
        chunk = (
            await client.get("/users/me/security-events", params=params, headers=bearer(current["access_token"]))
        ).json()
        seen += [e["type"] for e in chunk["items"]]
        before = chunk["next_before"]
        if before is None:
            break
    assert seen == types


async def test_events_never_contain_tokens_or_passwords(client: httpx.AsyncClient, user: RegisteredUser) -> None:
    tokens = (await sign_in(client, user.email, user.password)).json()
    await sign_in(client, user.email, "a wrong guess for the password")
    rotated = (await refresh(client, tokens["refresh_token"])).json()
    await refresh(
        client,
        tokens["refresh_token"],
    )  # grace replay
    response = await client.get("/users/me/security-events", headers=bearer(rotated["access_token"]))
    dumped = response.text + str(await SecurityEvent.all().values_list("detail", "type", "ip_address"))
    for secret in (
        user.password,
        "a wrong guess for the password",
        tokens["refresh_token"],
        tokens["access_token"],
        rotated["refresh_token"],
    ):
        assert secret not in dumped


async def test_bad_pagination_parameters_are_422(auth_client: httpx.AsyncClient) -> None:
    for params in ({"limit": 0}, {"limit": 101}, {"before": 0}, {"before": "x"}):
        response = await auth_client.get("/users/me/security-events", params=params)
        assert response.status_code == 422
