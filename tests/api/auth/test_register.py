import asyncio

import httpx
import pytest

from tests.conftest import TEST_PASSWORD, sign_in


async def test_register_returns_201_with_the_user(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/register", json={"email": "Ada@Example.com", "password": TEST_PASSWORD})
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "ada@example.com"
    assert body["is_admin"] is False
    assert set(body) == {"id", "email", "is_admin", "created_at"}  # never the hash


async def test_duplicate_registration_is_409_case_insensitively(client: httpx.AsyncClient) -> None:
    first = await client.post("/auth/register", json={"email": "bob@example.com", "password": TEST_PASSWORD})
    second = await client.post("/auth/register", json={"email": "BOB@example.com", "password": TEST_PASSWORD})
    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["error_code"] == "email_already_registered"


async def test_concurrent_duplicate_registrations_create_one_account(client: httpx.AsyncClient) -> None:
    payload = {"email": "race@example.com", "password": TEST_PASSWORD}
    responses = await asyncio.gather(*(client.post("/auth/register", json=payload) for _ in range(5)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409, 409, 409, 409]


@pytest.mark.parametrize(
    "email", ["not-an-email", "a@", "@example.com", "a b@example.com", "", "x" * 400 + "@example.com"]
)
async def test_invalid_email_is_422(client: httpx.AsyncClient, email: str) -> None:
    response = await client.post("/auth/register", json={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 422
    body = response.json()
    assert body["error_code"] == "validation_error"
    assert body["detail"][0]["loc"] == ["body", "email"]


@pytest.mark.parametrize("password", ["short", "x" * 1025])
async def test_password_outside_length_bounds_is_422(client: httpx.AsyncClient, password: str) -> None:
    response = await client.post("/auth/register", json={"email": "len@example.com", "password": password})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "password"]


@pytest.mark.parametrize(
    "password",
    [
        # Varied, not repeated characters: the password policy rejects "ü" * 64 as guessable.
        "Grüße aus Köln: Bären, Flöße und übermütige Möwen über Düsseldorf",  # > 72 UTF-8 bytes
        "我的密码是一条很长的句子包含许多不同的汉字以及标点符号而且超过字节限制",  # 3 bytes a character
        "🔐🦊🌋🎻🧭🪁🍉🚲🛶🎲🧩🦉🌵🪐🥨🧪🎈🦀🐙🌶",  # 4 bytes an emoji, 80 bytes
        "The quick brown fox jumps over the lazy dog while sixty-two zebras nap." + "tail-one",  # spans byte 72
    ],
)
async def test_long_and_non_ascii_passwords_work_and_are_not_truncated(
    client: httpx.AsyncClient, password: str
) -> None:
    email = f"p{len(password.encode())}-{ord(password[0])}@example.com"
    assert (await client.post("/auth/register", json={"email": email, "password": password})).status_code == 201
    assert (await sign_in(client, email, password)).status_code == 200
    # Changing only what lies beyond byte 72 must not sign in: nothing is truncated.
    altered = password[:-1] + ("x" if password[-1] != "x" else "y")
    assert (await sign_in(client, email, altered)).status_code == 400


@pytest.mark.parametrize("body", [b"{", b"[]", b'{"email": 1, "password": 2}', b"null", b'{"email":"a@example.com"}'])
async def test_malformed_registration_bodies_are_422(client: httpx.AsyncClient, body: bytes) -> None:
    response = await client.post("/auth/register", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error_code"] == "validation_error"
