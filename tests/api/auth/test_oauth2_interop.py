"""A standard OAuth 2.0 client library (Authlib) signs in with the password grant and refreshes
automatically against /auth/token, with no Baton-specific code."""

from __future__ import annotations

import asyncio
import warnings

import httpx
import pytest
from baton_api.auth.models import RefreshToken
from fastapi import FastAPI

from tests.conftest import RegisteredUser

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from authlib.integrations.httpx_client import AsyncOAuth2Client


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    return {"access_token_ttl_seconds": 1}


async def test_authlib_password_grant_and_automatic_refresh(app: FastAPI, user: RegisteredUser) -> None:
    updates: list[dict[str, object]] = []

    async def update_token(token: dict[str, object], refresh_token: str | None = None, **_: object) -> None:
        updates.append(token)

    async with AsyncOAuth2Client(
        client_id="baton-interop",
        token_endpoint="http://testserver/auth/token",
        token_endpoint_auth_method="none",  # public client (RFC 6749 §2.1)
        update_token=update_token,
        leeway=0,
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
    ) as oauth:
        token = await oauth.fetch_token(username=user.email, password=user.password)
        assert token["token_type"] == "bearer" and token["refresh_token"]
        assert (await oauth.get("/users/me")).json()["email"] == user.email

        await asyncio.sleep(1.5)  # the access token has expired; Authlib must refresh on its own
        response = await oauth.get("/users/me")
        assert response.status_code == 200, response.text
        assert len(updates) == 1
        assert updates[0]["refresh_token"] != token["refresh_token"]
        assert await RefreshToken.filter(rotated_at__isnull=False).count() == 1
