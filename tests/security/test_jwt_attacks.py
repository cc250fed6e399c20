"""Forged, altered and misused JWTs (RFC 8725; OWASP ASVS 5.0 V9.1, V9.2): always 401 with a
stable code and an RFC 6750 challenge, never 500, never accepted."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import httpx
import jwt as pyjwt
import pytest
from baton_api.config import Settings
from baton_api.core import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.conftest import RegisteredUser, refresh
from tests.security.conftest import assert_unauthorized, bearer


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segments(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return (
        json.loads(base64.urlsafe_b64decode(pad(header))),
        json.loads(base64.urlsafe_b64decode(pad(payload))),
        signature,
    )


def unsigned(header: dict[str, Any], payload: dict[str, Any], signature: str = "") -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}.{signature}"


def valid_claims(settings: Settings, user_id: str, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": user_id,
        "sid": str(uuid.uuid4()),
        "scope": "user",
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
    }
    claims.update(overrides)
    return claims


def hs256_by_hand(header: dict[str, Any], payload: dict[str, Any], key: bytes) -> str:
    """HS256 without PyJWT's guards (it refuses empty or PEM-looking keys, an attacker does not)."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())}"


def sign(claims: dict[str, Any], key: bytes | Any, *, alg: str = "HS256", headers: dict[str, Any] | None = None) -> str:
    return pyjwt.encode(claims, key, algorithm=alg, headers={"typ": "at+jwt", **(headers or {})})


async def test_control_a_correctly_signed_forged_session_token_is_accepted(
    client: httpx.AsyncClient, settings: Settings, keys: jwt.Keys, user: RegisteredUser
) -> None:
    """The harness signs tokens the server accepts, so every rejection below is for its reason."""
    response = await client.get("/users/me", headers=bearer(sign(valid_claims(settings, user.id), keys.access)))
    assert response.status_code == 200


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
async def test_alg_none_token_is_rejected(
    client: httpx.AsyncClient, settings: Settings, user: RegisteredUser, alg: str
) -> None:
    token = unsigned({"alg": alg, "typ": "at+jwt"}, valid_claims(settings, user.id))
    await assert_unauthorized(client, token)
    await assert_unauthorized(client, token + "c2ln")


@pytest.mark.parametrize("alg", ["HS384", "HS512"])
async def test_other_hmac_algorithm_with_the_right_key_is_rejected(
    client: httpx.AsyncClient, settings: Settings, keys: jwt.Keys, user: RegisteredUser, alg: str
) -> None:
    await assert_unauthorized(client, sign(valid_claims(settings, user.id), keys.access, alg=alg))


async def test_hs_rs_algorithm_confusion_is_rejected(
    client: httpx.AsyncClient, settings: Settings, user: RegisteredUser
) -> None:
    """An RS256 token from the attacker's own key pair, and an HS256 token keyed with that public
    key (the classic confusion): the algorithm list is pinned to HS256 with the server's key."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    await assert_unauthorized(client, sign(valid_claims(settings, user.id), private_key, alg="RS256"))
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    await assert_unauthorized(
        client, hs256_by_hand({"alg": "HS256", "typ": "at+jwt"}, valid_claims(settings, user.id), public_pem)
    )


async def test_kid_jku_jwk_headers_cannot_choose_the_key(
    client: httpx.AsyncClient, settings: Settings, keys: jwt.Keys, user: RegisteredUser
) -> None:
    attacker_key = b"attacker-chosen-secret-" + b"k" * 16
    jwk = {"kty": "oct", "k": b64(attacker_key)}
    for headers in (
        {"kid": "../../../../dev/null"},
        {"kid": "attacker"},
        {"jku": "http://127.0.0.1:9/jwks.json"},
        {"jwk": jwk},
        {"x5u": "http://127.0.0.1:9/cert.pem"},
    ):
        await assert_unauthorized(client, sign(valid_claims(settings, user.id), attacker_key, headers=headers))
        await assert_unauthorized(
            client, hs256_by_hand({"alg": "HS256", "typ": "at+jwt", **headers}, valid_claims(settings, user.id), b"")
        )
    # The headers are ignored, not obeyed: the server's own signature still verifies with them present.
    ignored = sign(valid_claims(settings, user.id), keys.access, headers={"kid": "whatever", "jku": "http://x"})
    assert (await client.get("/users/me", headers=bearer(ignored))).status_code == 200


async def test_tampered_payload_is_rejected(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    header, payload, signature = segments(tokens["access_token"])
    for change in ({"scope": "admin user"}, {"sub": str(uuid.uuid4())}, {"exp": payload["exp"] + 3600}):
        await assert_unauthorized(client, unsigned(header, {**payload, **change}, signature))


async def test_bad_signature_is_rejected(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    head, body, signature = tokens["access_token"].split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    await assert_unauthorized(client, f"{head}.{body}.{flipped}")
    await assert_unauthorized(client, f"{head}.{body}.")
    await assert_unauthorized(client, f"{head}.{body}")


@pytest.mark.parametrize("typ", [None, "JWT", "jwt", "rt+jwt", "AT+JWT "])
async def test_wrong_typ_is_rejected(
    client: httpx.AsyncClient, settings: Settings, keys: jwt.Keys, user: RegisteredUser, typ: str | None
) -> None:
    # PyJWT drops a typ of None from the header: that case is "no typ at all".
    token = pyjwt.encode(valid_claims(settings, user.id), keys.access, algorithm="HS256", headers={"typ": typ})
    assert segments(token)[0].get("typ") == typ
    await assert_unauthorized(client, token)


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "another-api"},
        {"aud": ["another-api"]},
        {"iss": "https://evil.example"},
        {"nbf": int(time.time()) + 3600},
        {"iat": "yesterday"},
        {"sub": 12345},
        {"sid": None},
    ],
    ids=["aud", "aud-list", "iss", "nbf-future", "iat-not-a-number", "sub-not-a-string", "sid-null"],
)
async def test_wrong_or_malformed_claims_are_rejected(
    client: httpx.AsyncClient, settings: Settings, keys: jwt.Keys, user: RegisteredUser, claims: dict[str, Any]
) -> None:
    await assert_unauthorized(client, sign(valid_claims(settings, user.id, **claims), keys.access))


@pytest.mark.parametrize("missing", ["exp", "iat", "sub", "aud", "iss", "sid", "jti"])
async def test_token_missing_a_required_claim_is_rejected(
    client: httpx.AsyncClient, settings: Settings, keys: jwt.Keys, user: RegisteredUser, missing: str
) -> None:
    claims = valid_claims(settings, user.id)
    del claims[missing]
    await assert_unauthorized(client, sign(claims, keys.access))


async def test_expired_access_token_says_token_expired(
    client: httpx.AsyncClient, settings: Settings, keys: jwt.Keys, user: RegisteredUser
) -> None:
    now = int(time.time())
    token = sign(valid_claims(settings, user.id, iat=now - 600, exp=now - 300), keys.access)
    await assert_unauthorized(client, token, code="token_expired")


async def test_refresh_token_used_as_access_token_is_rejected(
    client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    await assert_unauthorized(client, tokens["refresh_token"])


async def test_access_token_used_as_refresh_token_is_rejected(
    client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    response = await refresh(client, tokens["access_token"])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert response.json()["error_code"] == "refresh_token_invalid"


async def test_access_claims_signed_with_the_refresh_key_are_rejected(
    client: httpx.AsyncClient, settings: Settings, keys: jwt.Keys, user: RegisteredUser
) -> None:
    await assert_unauthorized(client, sign(valid_claims(settings, user.id), keys.refresh))


async def test_token_over_the_length_cap_is_rejected(
    client: httpx.AsyncClient, settings: Settings, keys: jwt.Keys, user: RegisteredUser
) -> None:
    padded = sign(valid_claims(settings, user.id, pad="x" * jwt.MAX_TOKEN_LENGTH), keys.access)
    assert len(padded) > jwt.MAX_TOKEN_LENGTH
    await assert_unauthorized(client, padded)
    huge = await client.get("/users/me", headers=bearer("a" * 20_000))
    assert huge.status_code == 401


@pytest.mark.parametrize(
    "garbage",
    ["x", "a.b", "a.b.c", "....", "é.é.é", "eyJ.eyJ.sig", "null", "{}", "Bearer abc", " ", "%00", "e30.e30.", "\t"],
)
async def test_non_jwt_garbage_is_401_never_500(client: httpx.AsyncClient, garbage: str) -> None:
    response = await client.get("/users/me", headers={"Authorization": f"Bearer {garbage}".encode()})  # type: ignore[dict-item]
    assert response.status_code == 401
    assert response.json()["error_code"] in {"token_invalid", "not_authenticated"}


@pytest.mark.parametrize("scheme", ["Basic dXNlcjpwYXNz", "Token abc", "bearer", "Bearer"])
async def test_wrong_authorization_scheme_is_not_authenticated(client: httpx.AsyncClient, scheme: str) -> None:
    response = await client.get("/users/me", headers={"Authorization": scheme})
    assert response.status_code == 401
    assert response.json()["error_code"] == "not_authenticated"
