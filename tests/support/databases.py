"""Test databases: a migrated SQLite file, or a fresh PostgreSQL database per test session."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from baton_api.config import Settings
from baton_api.core.db import tortoise_config
from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate

TABLES = ["security_events", "refresh_tokens", "sessions", "users"]


def services_required() -> bool:
    return os.environ.get("BATON_TEST_REQUIRE_SERVICES") == "1"


def postgres_url() -> str | None:
    return os.environ.get("BATON_TEST_POSTGRES_URL") or None


def redis_url() -> str | None:
    return os.environ.get("BATON_TEST_REDIS_URL") or None


def require_postgres() -> str:
    url = postgres_url()
    if url is None:
        if services_required():
            pytest.fail("BATON_TEST_POSTGRES_URL is not set, but BATON_TEST_REQUIRE_SERVICES=1")
        pytest.skip("PostgreSQL tests need BATON_TEST_POSTGRES_URL")
    return url


def require_redis() -> str:
    url = redis_url()
    if url is None:
        if services_required():
            pytest.fail("BATON_TEST_REDIS_URL is not set, but BATON_TEST_REQUIRE_SERVICES=1")
        pytest.skip("Redis tests need BATON_TEST_REDIS_URL")
    return url


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


async def apply_migrations(url: str) -> None:
    settings = Settings(env="test", database_url=url, jwt_secret="x" * 48)  # type: ignore[arg-type]
    try:
        await migrate(config=tortoise_config(settings))
    finally:
        await Tortoise.close_connections()


@asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    base = require_postgres()
    name = f"baton_test_{uuid.uuid4().hex[:12]}"
    admin_dsn = _with_database(base, "postgres").replace("postgres://", "postgresql://", 1)
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield _with_database(base, name)
    finally:
        conn = await asyncpg.connect(admin_dsn)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


@asynccontextmanager
async def migrated_database(backend: str, data_dir: Path) -> AsyncIterator[str]:
    if backend == "postgres":
        async with fresh_postgres_database() as url:
            await apply_migrations(url)
            yield url
    else:
        path = data_dir / f"test-{uuid.uuid4().hex[:8]}.sqlite3"
        url = f"sqlite://{path}?busy_timeout=10000"
        await apply_migrations(url)
        yield url


async def truncate_all() -> None:
    conn = connections.get("default")
    for table in TABLES:
        await conn.execute_script(f"DELETE FROM {table}")
