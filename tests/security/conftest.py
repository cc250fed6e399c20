"""Helpers for the security catalogue: each test is named for the attack it stops."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def migrated_sqlite(data_dir: Path, *extra_commands: tuple[list[str], str]) -> str:
    """A fresh SQLite database for real-server tests, migrated by the console command itself
    (plus any further ``baton-api`` commands, each with its standard input)."""
    database_url = f"sqlite://{data_dir / 'baton.sqlite3'}?busy_timeout=10000"
    env = {
        "BATON_ENV": "test",
        "BATON_DATABASE_URL": database_url,
        "BATON_DATA_DIR": str(data_dir),
        "BATON_BCRYPT_ROUNDS": "4",
        "BATON_JWT_SECRET": "race-secret-" + "y" * 40,
        "PATH": "/usr/bin:/bin",
    }
    for command, stdin in ((["migrate"], ""), *extra_commands):
        subprocess.run(
            [sys.executable, "-m", "baton_api.cli", *command],
            input=stdin,
            env=env,
            check=True,
            text=True,
            capture_output=True,
            timeout=120,
        )
    return database_url
