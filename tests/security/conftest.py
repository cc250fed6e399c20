"""Helpers for the security catalogue: each test is named for the attack it stops."""

from __future__ import annotations

import httpx
import pytest
from baton_api.config import Settings
from baton_api.core import jwt


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def keys(settings: Settings) -> jwt.Keys:
    return jwt.Keys.derive(settings.jwt_secret_bytes)


async def assert_unauthorized(client: httpx.AsyncClient, token: str, code: str = "token_invalid") -> None:
    response = await client.get("/users/me", headers=bearer(token))
    assert response.status_code == 401, response.text
    assert response.json()["error_code"] == code
    assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
