"""Shared fixtures: a migrated database per backend, the app with its lifespan, clients, users.

Every API test runs on SQLite and, when ``BATON_TEST_POSTGRES_URL`` is set, on PostgreSQL too.
With ``BATON_TEST_REQUIRE_SERVICES=1`` (CI) a missing service fails the run instead of skipping.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

# Settings are read when the app module is imported: configure the test environment first.
_TEST_DATA_DIR = Path(tempfile.mkdtemp(prefix="baton-test-"))
os.environ.setdefault("BATON_ENV", "test")
os.environ["BATON_DATA_DIR"] = str(_TEST_DATA_DIR)

import httpx  # noqa: E402
import pytest  # noqa: E402
from asgi_lifespan import LifespanManager  # noqa: E402
from baton_api.config import Settings  # noqa: E402
from baton_api.main import create_app  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from tortoise.backends.base.executor import EXECUTOR_CACHE  # noqa: E402

from tests.support import databases  # noqa: E402

TEST_PASSWORD = "correct horse battery staple"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("backend") == "postgres":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == "postgres":
        databases.require_postgres()
    return name


@pytest.fixture(scope="session")
async def database_url(backend: str) -> AsyncIterator[str]:
    async with databases.migrated_database(backend, _TEST_DATA_DIR) as url:
        yield url


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "env": "test",
        "data_dir": _TEST_DATA_DIR,
        "database_url": database_url,
        "jwt_secret": "test-secret-" + "x" * 40,
        "bcrypt_rounds": 4,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    """Override in a test module to configure the app under test."""
    return {}


@pytest.fixture
def settings(database_url: str, settings_overrides: dict[str, object]) -> Settings:
    return make_settings(database_url, **settings_overrides)


@pytest.fixture
async def app(settings: Settings, database_url: str) -> AsyncIterator[FastAPI]:
    # Tortoise caches compiled INSERTs per connection name ("default"): one process serving
    # SQLite and then PostgreSQL (only ever in this test session) must start from a clean cache.
    EXECUTOR_CACHE.clear()
    application = create_app(settings)
    async with LifespanManager(application):
        await databases.truncate_all()
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@dataclass
class RegisteredUser:
    id: str
    email: str
    password: str


@pytest.fixture
async def user(client: httpx.AsyncClient) -> RegisteredUser:
    email = f"user-{uuid.uuid4().hex[:8]}@example.com"
    response = await client.post("/auth/register", json={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 201, response.text
    return RegisteredUser(id=response.json()["id"], email=email, password=TEST_PASSWORD)


async def sign_in(client: httpx.AsyncClient, email: str, password: str, **extra: str) -> httpx.Response:
    return await client.post(
        "/auth/token", data={"grant_type": "password", "username": email, "password": password, **extra}
    )


async def refresh(client: httpx.AsyncClient, refresh_token: str, **extra: str) -> httpx.Response:
    return await client.post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": refresh_token, **extra}
    )


@pytest.fixture
async def tokens(client: httpx.AsyncClient, user: RegisteredUser) -> dict[str, str]:
    response = await sign_in(client, user.email, user.password)
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


@pytest.fixture
async def auth_client(client: httpx.AsyncClient, tokens: dict[str, str]) -> httpx.AsyncClient:
    client.headers["Authorization"] = f"Bearer {tokens['access_token']}"
    return client


@pytest.fixture(scope="session")
def data_dir() -> Iterator[Path]:
    yield _TEST_DATA_DIR
