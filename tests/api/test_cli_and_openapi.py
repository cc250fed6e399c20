"""`baton-api openapi` needs no server; the schema drives Swagger UI and both generated clients."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from baton_api.main import create_app


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "baton_api.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_openapi_command_prints_the_schema_without_a_server(tmp_path: Path) -> None:
    result = _cli("openapi", env={"BATON_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["info"]["title"] == "Baton"
    assert "/auth/token" in schema["paths"]


def test_migrate_command_creates_the_tables(tmp_path: Path) -> None:
    db = tmp_path / "fresh.sqlite3"
    env = {"BATON_DATA_DIR": str(tmp_path), "BATON_DATABASE_URL": f"sqlite://{db}"}
    assert _cli("migrate", env=env).returncode == 0
    assert _cli("migrate", env=env).returncode == 0  # idempotent
    with sqlite3.connect(db) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"users", "sessions", "refresh_tokens", "security_events"} <= tables


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result: dict[str, Any] = create_app().openapi()
    return result


def test_swagger_authorize_uses_the_password_flow_against_the_token_endpoint(schema: dict[str, Any]) -> None:
    scheme = schema["components"]["securitySchemes"]["OAuth2PasswordBearer"]
    assert scheme["type"] == "oauth2"
    assert scheme["flows"]["password"]["tokenUrl"] == "/auth/token"
    assert set(scheme["flows"]["password"]["scopes"]) == {"user", "admin"}
    token_op = schema["paths"]["/auth/token"]["post"]
    form = token_op["requestBody"]["content"]["application/x-www-form-urlencoded"]
    assert form


def test_operation_ids_are_tag_and_verb(schema: dict[str, Any]) -> None:
    ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {"auth.register", "auth.token", "auth.revoke", "users.read_me", "health.live", "health.ready"} <= ids
    for path in schema["paths"].values():
        for op in path.values():
            assert op["operationId"].split(".")[0] == op["tags"][0]


def test_error_models_are_in_the_schema(schema: dict[str, Any]) -> None:
    token = schema["paths"]["/auth/token"]["post"]["responses"]
    assert token["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/OAuthErrorResponse")
    me = schema["paths"]["/users/me"]["get"]["responses"]
    assert me["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
    register = schema["paths"]["/auth/register"]["post"]["responses"]
    assert register["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
    assert register["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ValidationErrorResponse")


async def test_swagger_ui_and_redoc_are_served_without_a_cdn() -> None:
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        page = await client.get("/docs")
        assert page.status_code == 200
        assert "initOAuth" in page.text and '"clientId": "swagger-ui"' in page.text
        assert "/docs-assets/swagger-ui-bundle.js" in page.text
        assert "cdn.jsdelivr.net" not in page.text
        bundle = await client.get("/docs-assets/swagger-ui-bundle.js")
        assert bundle.status_code == 200 and "SwaggerUIBundle" in bundle.text
        assert (await client.get("/docs-assets/swagger-ui.css")).status_code == 200
        redirect = await client.get("/docs/oauth2-redirect")
        assert redirect.status_code == 200
        redoc = await client.get("/redoc")
        assert redoc.status_code == 200 and "cdn.jsdelivr.net" not in redoc.text
