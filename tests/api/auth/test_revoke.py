"""RFC 7009 token revocation: ends the session the token belongs to."""

import httpx
import pytest
from baton_api.auth.models import SecurityEvent, Session

from tests.conftest import refresh


async def test_revoking_the_refresh_token_ends_the_session(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    response = await client.post(
        "/auth/revoke", data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token"}
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert (await refresh(client, tokens["refresh_token"])).json()["error_code"] == "session_revoked"
    assert (await Session.get()).revoked_reason == "revoked"
    assert await SecurityEvent.filter(type="session_ended").count() == 1


async def test_revoking_with_the_access_token_ends_its_session(
    client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    assert (await client.post("/auth/revoke", data={"token": tokens["access_token"]})).status_code == 200
    assert (await refresh(client, tokens["refresh_token"])).json()["error_code"] == "session_revoked"


async def test_revoking_a_rotated_token_ends_the_whole_family(
    client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    t1 = (await refresh(client, tokens["refresh_token"])).json()["refresh_token"]
    assert (await client.post("/auth/revoke", data={"token": tokens["refresh_token"]})).status_code == 200
    assert (await refresh(client, t1)).json()["error_code"] == "session_revoked"


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "x" * 3000, "eyJhbGciOiJub25lIn0.e30."])
async def test_invalid_tokens_are_not_an_error(client: httpx.AsyncClient, token: str) -> None:
    response = await client.post("/auth/revoke", data={"token": token})
    assert response.status_code == 200  # RFC 7009 §2.2: invalid tokens do not cause an error


async def test_revoking_twice_is_fine(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    for _ in range(2):
        assert (await client.post("/auth/revoke", data={"token": tokens["refresh_token"]})).status_code == 200


async def test_missing_token_is_invalid_request(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/revoke", data={})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_unknown_token_type_hint_is_ignored(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    """RFC 7009 §2.1: the hint orders the search; the server extends it to every token type."""
    response = await client.post("/auth/revoke", data={"token": tokens["refresh_token"], "token_type_hint": "id_token"})
    assert response.status_code == 200
    assert (await refresh(client, tokens["refresh_token"])).json()["error_code"] == "session_revoked"


async def test_wrong_token_type_hint_still_finds_the_token(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    hint = {"token": tokens["refresh_token"], "token_type_hint": "access_token"}
    assert (await client.post("/auth/revoke", data=hint)).status_code == 200
    assert (await refresh(client, tokens["refresh_token"])).json()["error_code"] == "session_revoked"
