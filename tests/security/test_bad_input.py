"""Hostile input (OWASP ASVS 5.0 V1, V4): oversized bodies and headers, malformed forms and JSON,
NUL bytes, huge passwords. Always a 4xx with a clear message, never a 500; the server keeps serving."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import TEST_PASSWORD, RegisteredUser, sign_in
from tests.security.conftest import bearer, migrated_sqlite
from tests.support.servers import api_servers

TEN_K = "Ω-10k-password-" + "abcdefghij" * 1000


async def test_oversized_json_body_is_413(client: httpx.AsyncClient) -> None:
    body = b'{"email": "big@example.com", "password": "' + b"x" * 200_000 + b'"}'
    response = await client.post("/auth/register", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "exceeds" in response.json()["detail"]


async def test_oversized_chunked_body_without_length_is_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b"x" * 4096

    response = await client.post(
        "/auth/token", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413


async def test_oversized_form_field_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/token", data={"grant_type": "refresh_token", "refresh_token": "r" * 20_000})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{", "application/json"),
        (b'{"email": "a@example.com", "password": ', "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b'{"email": ["a"], "password": {"x": 1}}', "application/json"),
        (b"email=a@example.com&password=x", "application/x-www-form-urlencoded"),
        (b"", "application/json"),
        (b"[" * 5000 + b"]" * 5000, "application/json"),
    ],
    ids=["truncated", "cut-off", "binary", "wrong-types", "form-not-json", "empty", "deep-nesting"],
)
async def test_malformed_json_is_4xx(client: httpx.AsyncClient, content: bytes, content_type: str) -> None:
    response = await client.post("/auth/register", content=content, headers={"content-type": content_type})
    # 422 with the field errors; a body the JSON parser gives up on (deep nesting) is a plain 400.
    assert response.status_code in (400, 422)
    assert response.json()["error_code"] in {"validation_error", "invalid_request"}
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "content",
    [
        b"grant_type=password&username=%ZZ&password=%",
        b"\xff\xfe\xfd",
        b"grant_type=password&grant_type=refresh_token",
        b"=&&==&",
        b"grant_type=" + b"a" * 5000,
    ],
    ids=["bad-percent", "binary", "duplicate", "empty-keys", "long-grant"],
)
async def test_malformed_token_form_is_400(client: httpx.AsyncClient, content: bytes) -> None:
    response = await client.post(
        "/auth/token", content=content, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert 400 <= response.status_code < 500
    assert response.json()["error_code"] in {"invalid_request", "unsupported_grant_type", "invalid_credentials"}


async def test_token_endpoint_with_json_instead_of_a_form_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/token", json={"grant_type": "password", "username": "a", "password": "b"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_nul_bytes_are_rejected_cleanly_everywhere(
    client: httpx.AsyncClient, user: RegisteredUser, tokens: dict[str, str]
) -> None:
    """PostgreSQL refuses NUL in text: none may reach a query and turn into a 500."""
    register = await client.post("/auth/register", json={"email": "nul\u0000@example.com", "password": TEST_PASSWORD})
    assert register.status_code == 422
    register_pw = await client.post(
        "/auth/register", json={"email": "nulpw@example.com", "password": "abc\u0000def" * 3}
    )
    assert register_pw.status_code == 422
    assert register_pw.json()["detail"][0]["type"] == "password_invalid_character"
    for data in (
        {"grant_type": "password", "username": user.email + "\x00", "password": user.password},
        {"grant_type": "password", "username": "\x00", "password": "\x00"},
        {"grant_type": "password", "username": user.email, "password": "pass\x00word"},
        {"grant_type": "password", "username": user.email, "password": user.password, "scope": "user\x00admin"},
        {"grant_type": "refresh_token", "refresh_token": "\x00" * 10},
        {"grant_type": "\x00"},
    ):
        response = await client.post("/auth/token", data=data)
        assert 400 <= response.status_code < 500, (data, response.text)
    revoke = await client.post("/auth/revoke", data={"token": "\x00abc"})
    assert revoke.status_code == 400 and revoke.json()["error"] == "invalid_request"
    change = await client.post(
        "/users/me/password",
        json={"current_password": "x\u0000", "new_password": "new\u0000password phrase"},
        headers=bearer(tokens["access_token"]),
    )
    assert change.status_code == 400
    events = await client.get("/users/me/security-events?before=%00", headers=bearer(tokens["access_token"]))
    assert events.status_code == 422
    session = await client.delete("/auth/sessions/%00", headers=bearer(tokens["access_token"]))
    assert session.status_code == 422
    assert (await client.get("/health")).status_code == 200


async def test_ten_thousand_character_passwords_get_a_clear_4xx(
    client: httpx.AsyncClient, user: RegisteredUser, tokens: dict[str, str]
) -> None:
    register = await client.post("/auth/register", json={"email": "huge@example.com", "password": TEN_K})
    assert register.status_code == 422
    issue = register.json()["detail"][0]
    assert issue["loc"] == ["body", "password"] and "1024" in issue["msg"]

    login = await sign_in(client, user.email, TEN_K)
    assert login.status_code == 400
    assert login.json()["error_description"] == "password is too long."

    change = await client.post(
        "/users/me/password",
        json={"current_password": user.password, "new_password": TEN_K},
        headers=bearer(tokens["access_token"]),
    )
    assert change.status_code == 422
    assert change.json()["detail"][0]["loc"] == ["body", "new_password"]


async def test_oversized_headers_are_431_and_long_tokens_401(client: httpx.AsyncClient) -> None:
    flood = await client.get("/users/me", headers=bearer("x" * 100_000))
    assert flood.status_code == 431
    assert "headers exceed" in flood.json()["detail"]
    long_token = await client.get("/users/me", headers=bearer("x" * 20_000))
    assert long_token.status_code == 401
    assert long_token.json()["error_code"] == "token_invalid"


def raw_request(url: str, payload: bytes) -> bytes:
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(payload)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (ConnectionResetError, TimeoutError):
            pass
    return b"".join(chunks)


@pytest.mark.slow
def test_real_server_survives_oversized_headers_and_broken_requests(tmp_path: Path) -> None:
    """Against real uvicorn: header floods and broken HTTP get a 4xx (or a closed connection),
    and the server keeps answering."""
    with api_servers(migrated_sqlite(tmp_path), processes=1, data_dir=tmp_path) as pool:
        url = pool.urls[0]
        huge_header = httpx.get(f"{url}/health", headers={"X-Filler": "a" * 200_000})
        assert huge_header.status_code == 431
        assert "headers exceed" in huge_header.json()["detail"]
        many_headers = httpx.get(f"{url}/health", headers={f"X-H{i}": "v" * 100 for i in range(2000)})
        assert many_headers.status_code == 431
        for payload in (
            b"GARBAGE\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
            b"POST /auth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\nabc",
            b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
        ):
            answer = raw_request(url, payload)
            assert not answer.startswith(b"HTTP/1.1 5"), answer[:200]
        health = httpx.get(f"{url}/health")
        assert health.status_code == 200
