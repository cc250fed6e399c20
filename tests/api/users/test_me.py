"""Protected routes: FastAPI dependency injection, RFC 6750 errors."""

import base64
import json
import time

import httpx
import jwt
import pytest
from baton_api.config import Settings
from baton_api.core.jwt import Keys

from tests.conftest import RegisteredUser


async def test_me_returns_the_signed_in_user(auth_client: httpx.AsyncClient, user: RegisteredUser) -> None:
    response = await auth_client.get("/users/me")
    assert response.status_code == 200
    assert response.json()["email"] == user.email
    assert response.json()["id"] == user.id


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc"])
async def test_missing_credentials_are_401_not_authenticated(client: httpx.AsyncClient, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = await client.get("/users/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["error_code"] == "not_authenticated"
    assert response.headers["www-authenticate"].startswith("Bearer")


def _expect_invalid(response: httpx.Response, code: str = "token_invalid") -> None:
    assert response.status_code == 401, response.text
    assert response.json()["error_code"] == code
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith('Bearer error="invalid_token", error_description="')


async def test_expired_access_token_is_token_expired(
    client: httpx.AsyncClient, user: RegisteredUser, settings: Settings
) -> None:
    now = int(time.time())
    token = jwt.encode(
        {
            "iss": settings.jwt_issuer,
            "aud": settings.jwt_audience,
            "sub": user.id,
            "sid": "s",
            "scope": "user",
            "iat": now - 600,
            "exp": now - 1,
            "jti": "j",
        },
        Keys.derive(settings.jwt_secret_bytes).access,
        algorithm="HS256",
        headers={"typ": "at+jwt"},
    )
    _expect_invalid(await client.get("/users/me", headers={"Authorization": f"Bearer {token}"}), "token_expired")


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_tampered_payload_is_token_invalid(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    header, payload, signature = tokens["access_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["scope"] = "user admin"
    forged = f"{header}.{_b64(claims)}.{signature}"
    _expect_invalid(await client.get("/users/me", headers={"Authorization": f"Bearer {forged}"}))


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
async def test_alg_none_is_token_invalid(client: httpx.AsyncClient, tokens: dict[str, str], alg: str) -> None:
    _, payload, _ = tokens["access_token"].split(".")
    forged = f"{_b64({'alg': alg, 'typ': 'at+jwt'})}.{payload}."
    _expect_invalid(await client.get("/users/me", headers={"Authorization": f"Bearer {forged}"}))


async def test_refresh_token_is_not_an_access_token(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    _expect_invalid(await client.get("/users/me", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}))


@pytest.mark.parametrize(
    "token", ["garbage", "a.b.c", "x" * 5000, "eyJhbGciOiJIUzI1NiJ9.e30.", "\u00e9\u00e9\u00e9", "...."]
)
async def test_garbage_and_oversized_tokens_are_token_invalid(client: httpx.AsyncClient, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}".encode()}
    _expect_invalid(await client.get("/users/me", headers=headers))  # type: ignore[arg-type]


async def test_token_of_a_deleted_user_is_rejected(auth_client: httpx.AsyncClient, user: RegisteredUser) -> None:
    from baton_api.users.models import User

    await User.filter(id=user.id).delete()
    _expect_invalid(await auth_client.get("/users/me"))


async def test_wrong_secret_wrong_audience_wrong_issuer_are_rejected(
    client: httpx.AsyncClient, user: RegisteredUser, settings: Settings
) -> None:
    now = int(time.time())
    base = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": user.id,
        "sid": "s",
        "scope": "user",
        "iat": now,
        "exp": now + 60,
        "jti": "j",
    }
    key = Keys.derive(settings.jwt_secret_bytes).access
    variants = [
        jwt.encode(base, b"another-secret-another-secret-00", algorithm="HS256", headers={"typ": "at+jwt"}),
        jwt.encode({**base, "aud": "someone-else"}, key, algorithm="HS256", headers={"typ": "at+jwt"}),
        jwt.encode({**base, "iss": "evil"}, key, algorithm="HS256", headers={"typ": "at+jwt"}),
        jwt.encode(base, key, algorithm="HS256", headers={"typ": "JWT"}),
        jwt.encode({k: v for k, v in base.items() if k != "exp"}, key, algorithm="HS256", headers={"typ": "at+jwt"}),
        jwt.encode(base, key, algorithm="HS512", headers={"typ": "at+jwt"}),
    ]
    for token in variants:
        _expect_invalid(await client.get("/users/me", headers={"Authorization": f"Bearer {token}"}))
