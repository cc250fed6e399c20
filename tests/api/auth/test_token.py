"""The password grant of the token endpoint (RFC 6749 §4.3, §5)."""

import time

import httpx
import jwt
import pytest
from baton_api.config import Settings
from baton_api.core.jwt import Keys

from tests.conftest import RegisteredUser, sign_in


async def test_password_grant_returns_a_token_pair(client: httpx.AsyncClient, user: RegisteredUser) -> None:
    response = await sign_in(client, user.email.upper(), user.password)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token", "scope"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 300
    assert body["scope"] == "user"
    assert body["access_token"] != body["refresh_token"]


async def test_access_token_has_the_rfc9068_shape(
    client: httpx.AsyncClient, user: RegisteredUser, settings: Settings
) -> None:
    body = (await sign_in(client, user.email, user.password)).json()
    header = jwt.get_unverified_header(body["access_token"])
    assert header == {"alg": "HS256", "typ": "at+jwt"}
    claims = jwt.decode(
        body["access_token"],
        Keys.derive(settings.jwt_secret_bytes).access,
        algorithms=["HS256"],
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
    )
    assert claims["sub"] == user.id
    assert {"iss", "aud", "sub", "sid", "scope", "iat", "exp", "jti"} <= set(claims)
    assert claims["exp"] - claims["iat"] == 300
    assert abs(claims["iat"] - time.time()) < 5


async def test_wrong_password_and_unknown_user_look_identical(client: httpx.AsyncClient, user: RegisteredUser) -> None:
    wrong = await sign_in(client, user.email, "not the password at all")
    unknown = await sign_in(client, "nobody@example.com", "not the password at all")
    assert wrong.status_code == unknown.status_code == 400
    assert (
        wrong.json()
        == unknown.json()
        == {
            "error": "invalid_grant",
            "error_description": "Incorrect email or password.",
            "error_code": "invalid_credentials",
        }
    )
    assert wrong.headers["cache-control"] == unknown.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("form", "error", "code"),
    [
        ({}, "invalid_request", "invalid_request"),
        ({"grant_type": "client_credentials"}, "unsupported_grant_type", "unsupported_grant_type"),
        ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type", "unsupported_grant_type"),
        ({"grant_type": "password", "username": "a@example.com"}, "invalid_request", "invalid_request"),
        ({"grant_type": "password", "password": "whatever-long"}, "invalid_request", "invalid_request"),
        ({"grant_type": "refresh_token"}, "invalid_request", "invalid_request"),
        (
            {"grant_type": "password", "username": "a@example.com", "password": "p" * 5000},
            "invalid_request",
            "invalid_request",
        ),
    ],
)
async def test_malformed_token_requests_get_rfc6749_errors(
    client: httpx.AsyncClient, form: dict[str, str], error: str, code: str
) -> None:
    response = await client.post("/auth/token", data=form)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert response.json()["error_code"] == code
    assert response.json()["error_description"]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"grant_type": "password"}', "application/json"),
        (b"\x00\xff\xfe", "application/x-www-form-urlencoded"),
        (b"grant_type=password&&&===", "application/x-www-form-urlencoded"),
        (b"garbage", "text/plain"),
    ],
)
async def test_non_form_bodies_get_invalid_request(
    client: httpx.AsyncClient, content: bytes, content_type: str
) -> None:
    response = await client.post("/auth/token", content=content, headers={"content-type": content_type})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_unknown_scope_is_invalid_scope(client: httpx.AsyncClient, user: RegisteredUser) -> None:
    response = await sign_in(client, user.email, user.password, scope="admin")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


async def test_swagger_ui_style_request_with_client_id_works(client: httpx.AsyncClient, user: RegisteredUser) -> None:
    response = await sign_in(client, user.email, user.password, scope="", client_id="swagger-ui", client_secret="")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        "grant_type=refresh_token&grant_type=password&username={email}&password={password}",
        "grant_type=password&username={email}&username=other@example.com&password={password}",
        "grant_type=password&username={email}&password={password}&password=second-guess",
    ],
)
async def test_repeated_parameters_are_invalid_request(
    client: httpx.AsyncClient, user: RegisteredUser, body: str
) -> None:
    """RFC 6749 §3.2: a parameter sent twice is refused, even when the rest would sign in."""
    content = body.format(email=user.email, password=user.password.replace(" ", "+"))
    response = await client.post(
        "/auth/token", content=content, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "must not be repeated" in response.json()["error_description"]


async def test_repeated_token_on_revoke_is_invalid_request(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    content = f"token={tokens['refresh_token']}&token=other"
    response = await client.post(
        "/auth/revoke", content=content, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_unparsable_multipart_gets_an_oauth_error(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/token", content=b"garbage", headers={"content-type": "multipart/form-data"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert response.json()["error_code"] == "invalid_request"
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("registered", "typed"),
    [
        ("x@xn--exmple-cua.com", "x@xn--exmple-cua.com"),  # punycode domain, stored as Unicode
        ("x@xn--exmple-cua.com", "X@exämple.com"),
        ("zoe\u0308@example.com", "zoe\u0308@example.com"),  # NFD, stored as NFC
        ("zoe\u0308@example.com", "ZO\u00cb@example.com"),
    ],
)
async def test_sign_in_accepts_every_spelling_of_the_registered_address(
    client: httpx.AsyncClient, registered: str, typed: str
) -> None:
    password = "quartz-lantern-meadow-47"
    assert (await client.post("/auth/register", json={"email": registered, "password": password})).status_code == 201
    assert (await sign_in(client, typed, password)).status_code == 200


@pytest.mark.parametrize("scope", ["\u2003user", "user\tadmin", 'us"er', "us\\er", "üser"])
async def test_malformed_scope_is_invalid_scope(client: httpx.AsyncClient, user: RegisteredUser, scope: str) -> None:
    """RFC 6749 §3.3: scope tokens are printable ASCII without `"` or `\\`, separated by spaces."""
    response = await sign_in(client, user.email, user.password, scope=scope)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
