"""The admin scope, GET /admin/users, disabling and deleting accounts, and `baton-api create-admin`."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest
from baton_api.users.models import User

from tests.conftest import TEST_PASSWORD, RegisteredUser, refresh, sign_in


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


async def register(client: httpx.AsyncClient, prefix: str) -> RegisteredUser:
    email = f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"
    response = await client.post("/auth/register", json={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 201, response.text
    return RegisteredUser(id=response.json()["id"], email=email, password=TEST_PASSWORD)


@pytest.fixture
async def admin_tokens(client: httpx.AsyncClient) -> dict[str, str]:
    admin = await register(client, "admin")
    await User.filter(email=admin.email).update(is_admin=True)
    response = await sign_in(client, admin.email, admin.password)
    assert response.status_code == 200
    body: dict[str, str] = response.json()
    assert set(body["scope"].split()) == {"admin", "user"}
    return body


async def test_admin_lists_users(client: httpx.AsyncClient, admin_tokens: dict[str, str], user: RegisteredUser) -> None:
    response = await client.get("/admin/users", headers=bearer(admin_tokens["access_token"]))
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 2 and page["limit"] == 50 and page["offset"] == 0
    assert user.email in {u["email"] for u in page["items"]}
    assert all("password_hash" not in u for u in page["items"])
    second = await client.get("/admin/users?limit=1&offset=1", headers=bearer(admin_tokens["access_token"]))
    assert len(second.json()["items"]) == 1


async def test_user_without_admin_scope_gets_403_insufficient_scope(
    client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    response = await client.get("/admin/users", headers=bearer(tokens["access_token"]))
    assert response.status_code == 403
    assert response.json()["error_code"] == "insufficient_scope"
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith('Bearer error="insufficient_scope"') and 'scope="admin"' in challenge


async def test_plain_user_cannot_ask_for_the_admin_scope(client: httpx.AsyncClient, user: RegisteredUser) -> None:
    response = await sign_in(client, user.email, user.password, scope="admin")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


async def test_admin_signed_in_with_only_user_scope_gets_403(client: httpx.AsyncClient) -> None:
    admin = await register(client, "narrow")
    await User.filter(email=admin.email).update(is_admin=True)
    narrow = (await sign_in(client, admin.email, admin.password, scope="user")).json()
    response = await client.get("/admin/users", headers=bearer(narrow["access_token"]))
    assert response.status_code == 403


async def test_demoted_admin_loses_access_before_the_token_expires(
    client: httpx.AsyncClient, admin_tokens: dict[str, str]
) -> None:
    await User.filter(is_admin=True).update(is_admin=False)
    response = await client.get("/admin/users", headers=bearer(admin_tokens["access_token"]))
    assert response.status_code == 403
    assert response.json()["error_code"] == "insufficient_scope"
    refreshed = await refresh(client, admin_tokens["refresh_token"])
    assert refreshed.status_code == 200
    assert refreshed.json()["scope"] == "user"  # lost privileges drop out of the refreshed scope


async def test_admin_token_of_an_ended_session_stops_working(
    client: httpx.AsyncClient, admin_tokens: dict[str, str]
) -> None:
    revoked = await client.post("/auth/revoke", data={"token": admin_tokens["refresh_token"]})
    assert revoked.status_code == 200
    response = await client.get("/admin/users", headers=bearer(admin_tokens["access_token"]))
    assert response.status_code == 401
    assert response.json()["error_code"] == "token_invalid"


async def test_admin_routes_need_authentication(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin/users")
    assert response.status_code == 401
    assert response.json()["error_code"] == "not_authenticated"


async def test_disabled_user_tokens_stop_working(
    client: httpx.AsyncClient, admin_tokens: dict[str, str], user: RegisteredUser, tokens: dict[str, str]
) -> None:
    response = await client.post(f"/admin/users/{user.id}/disable", headers=bearer(admin_tokens["access_token"]))
    assert response.status_code == 200
    assert response.json()["is_active"] is False

    me = await client.get("/users/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 401 and me.json()["error_code"] == "token_invalid"
    denied = await refresh(client, tokens["refresh_token"])
    assert denied.status_code == 400 and denied.json()["error"] == "invalid_grant"
    login = await sign_in(client, user.email, user.password)
    assert login.status_code == 400 and login.json()["error_code"] == "invalid_credentials"

    enabled = await client.post(f"/admin/users/{user.id}/enable", headers=bearer(admin_tokens["access_token"]))
    assert enabled.json()["is_active"] is True
    # Its old sessions stay ended; signing in again works.
    assert (await refresh(client, tokens["refresh_token"])).status_code == 400
    assert (await sign_in(client, user.email, user.password)).status_code == 200


async def test_deleted_user_tokens_stop_working(
    client: httpx.AsyncClient, admin_tokens: dict[str, str], user: RegisteredUser, tokens: dict[str, str]
) -> None:
    response = await client.delete(f"/admin/users/{user.id}", headers=bearer(admin_tokens["access_token"]))
    assert response.status_code == 204
    assert await User.get_or_none(id=user.id) is None
    assert (await client.get("/users/me", headers=bearer(tokens["access_token"]))).status_code == 401
    denied = await refresh(client, tokens["refresh_token"])
    assert denied.status_code == 400 and denied.json()["error"] == "invalid_grant"
    again = await client.delete(f"/admin/users/{user.id}", headers=bearer(admin_tokens["access_token"]))
    assert again.status_code == 404


async def test_admin_cannot_disable_or_delete_themselves(
    client: httpx.AsyncClient, admin_tokens: dict[str, str]
) -> None:
    me = (await client.get("/users/me", headers=bearer(admin_tokens["access_token"]))).json()
    for method, url in [("POST", f"/admin/users/{me['id']}/disable"), ("DELETE", f"/admin/users/{me['id']}")]:
        response = await client.request(method, url, headers=bearer(admin_tokens["access_token"]))
        assert response.status_code == 409


def run_cli(database_url: str, data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "BATON_ENV": "test",
        "BATON_DATABASE_URL": database_url,
        "BATON_DATA_DIR": str(data_dir),
        "BATON_BCRYPT_ROUNDS": "4",
        "BATON_JWT_SECRET": "cli-secret-" + "z" * 40,
    }
    return subprocess.run(
        [sys.executable, "-m", "baton_api.cli", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_console_command_creates_and_promotes_admins(
    client: httpx.AsyncClient, database_url: str, data_dir: Path, user: RegisteredUser
) -> None:
    weak = run_cli(database_url, data_dir, "create-admin", "boss@example.com", "--password-stdin", stdin="password1\n")
    assert weak.returncode != 0 and "password rejected" in weak.stderr

    created = run_cli(
        database_url, data_dir, "create-admin", "Boss@Example.com", "--password-stdin", stdin="a sturdy admin phrase\n"
    )
    assert created.returncode == 0, created.stderr
    login = await sign_in(client, "boss@example.com", "a sturdy admin phrase")
    assert set(login.json()["scope"].split()) == {"admin", "user"}

    promoted = run_cli(database_url, data_dir, "create-admin", user.email)
    assert promoted.returncode == 0, promoted.stderr
    assert (await User.get(email=user.email)).is_admin

    missing = run_cli(database_url, data_dir, "create-admin", "nobody@example.com")
    assert missing.returncode != 0
