"""Structured JSON logs: one JSON object per record, a request id on every line of a request
(taken from ``X-Request-ID`` when sane, generated otherwise, echoed back), the user and session
where known, and never a token or a password."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from baton_api.core.logging import build_formatter
from fastapi import FastAPI

from tests.conftest import RegisteredUser, refresh, sign_in

Logs = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def logs() -> Iterator[Logs]:
    """Everything logged during the test, rendered by Baton's own formatter, one dict a line."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(build_formatter("json"))
    root = logging.getLogger()
    root.addHandler(handler)

    def read() -> list[dict[str, Any]]:
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    try:
        yield read
    finally:
        root.removeHandler(handler)


def access_lines(lines: list[dict[str, Any]], path: str) -> list[dict[str, Any]]:
    return [line for line in lines if line.get("logger") == "baton.access" and line.get("path") == path]


async def test_a_request_id_is_generated_and_echoed(client: httpx.AsyncClient, logs: Logs) -> None:
    response = await client.get("/health")
    request_id = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    (line,) = access_lines(logs(), "/health")
    assert line["request_id"] == request_id
    assert line["status"] == 200
    assert line["route"] == "/health"
    assert line["level"] == "info"
    assert isinstance(line["duration_ms"], float)


async def test_the_callers_request_id_is_kept(client: httpx.AsyncClient, logs: Logs) -> None:
    response = await client.get("/health", headers={"X-Request-ID": "edge-7f3a:42"})
    assert response.headers["x-request-id"] == "edge-7f3a:42"
    assert access_lines(logs(), "/health")[0]["request_id"] == "edge-7f3a:42"


@pytest.mark.parametrize("presented", ["", "has space", "new\nline", "<script>", "x" * 129, "é"])
async def test_an_unsafe_request_id_is_replaced(client: httpx.AsyncClient, presented: str) -> None:
    response = await client.get("/health", headers={"X-Request-ID": presented.encode("utf-8")})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


async def test_error_responses_carry_the_request_id_too(client: httpx.AsyncClient) -> None:
    response = await client.get("/users/me")
    assert response.status_code == 401
    assert response.headers["x-request-id"]


async def test_protected_requests_log_user_and_session(
    auth_client: httpx.AsyncClient, user: RegisteredUser, tokens: dict[str, str], app: FastAPI, logs: Logs
) -> None:
    response = await auth_client.get("/users/me")
    assert response.status_code == 200
    (line,) = access_lines(logs(), "/users/me")
    assert line["user_id"] == user.id
    assert line["session_id"] == app.state.codec.decode_access_token(tokens["access_token"]).sid


async def test_sign_in_and_refresh_log_the_session_they_concern(
    client: httpx.AsyncClient, user: RegisteredUser, app: FastAPI, logs: Logs
) -> None:
    signed_in = (await sign_in(client, user.email, user.password)).json()
    refreshed = (await refresh(client, signed_in["refresh_token"])).json()
    session_id = app.state.codec.decode_refresh_token(refreshed["refresh_token"]).sid
    lines = access_lines(logs(), "/auth/token")
    assert [line["session_id"] for line in lines] == [session_id, session_id]
    assert {line["user_id"] for line in lines} == {user.id}


async def test_an_unhandled_error_is_logged_with_its_request_id(app: FastAPI, logs: Logs) -> None:
    async def explode() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/test-explode", explode)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/test-explode", headers={"X-Request-ID": "req-boom"})
    assert response.status_code == 500
    (line,) = access_lines(logs(), "/test-explode")
    assert line["event"] == "request failed"
    assert line["level"] == "error"
    assert line["request_id"] == "req-boom"
    assert line["status"] == 500
    assert "RuntimeError: boom" in line["exception"]


def test_secrets_are_redacted_by_key_and_by_shape() -> None:
    jwt_like = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    record = logging.LogRecord("baton.test", logging.INFO, __file__, 1, "got %s", (jwt_like,), None)
    record.password = "hunter2-hunter2"
    record.refresh_token = "opaque-token-value"
    record.headers = {"Authorization": "Bearer opaque", "Accept": "application/json"}
    record.note = f"Bearer {jwt_like} was presented"
    line = json.loads(build_formatter("json").format(record))
    rendered = json.dumps(line)
    for secret in (jwt_like, "hunter2-hunter2", "opaque-token-value", "Bearer opaque"):
        assert secret not in rendered
    assert line["password"] == line["refresh_token"] == "[redacted]"
    assert line["headers"] == {"Authorization": "[redacted]", "Accept": "application/json"}
    assert line["note"] == "Bearer [redacted] was presented"


class TestNoSecretsInLogs:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        # DEBUG: the most verbose setting an operator can choose; strict single use, so reuse is logged.
        return {"log_level": "DEBUG", "refresh_grace_seconds": 0}

    async def test_no_token_or_password_is_ever_logged(
        self, client: httpx.AsyncClient, user: RegisteredUser, logs: Logs
    ) -> None:
        wrong_password = "an entirely wrong password 42"
        signed_in = (await sign_in(client, user.email, user.password)).json()
        assert (await sign_in(client, user.email, wrong_password)).status_code == 400
        access, first_refresh = signed_in["access_token"], signed_in["refresh_token"]
        assert (await client.get("/users/me", headers={"Authorization": f"Bearer {access}"})).status_code == 200
        assert (await client.get(f"/users/me?access_token={access}")).status_code == 401
        tampered = access[:-4] + ("AAAA" if not access.endswith("AAAA") else "BBBB")
        assert (await client.get("/users/me", headers={"Authorization": f"Bearer {tampered}"})).status_code == 401
        rotated = (await refresh(client, first_refresh)).json()
        reuse = await refresh(client, first_refresh)
        assert reuse.json()["error_code"] == "refresh_token_reused"
        assert (await client.post("/auth/revoke", data={"token": rotated["refresh_token"]})).status_code == 200
        second = (await sign_in(client, user.email, user.password)).json()
        response = await client.post(
            "/users/me/password",
            json={"current_password": user.password, "new_password": "a brand new passphrase 77"},
            headers={"Authorization": f"Bearer {second['access_token']}"},
        )
        assert response.status_code == 204, response.text

        lines = logs()
        text = "\n".join(json.dumps(line) for line in lines)
        assert any(line.get("event") == "refresh token reuse detected" for line in lines)
        assert any(line.get("logger") == "baton.access" and line.get("status") == 401 for line in lines)
        secrets = [user.password, wrong_password, "a brand new passphrase 77", access, tampered, first_refresh]
        secrets += [rotated["access_token"], rotated["refresh_token"], second["access_token"], second["refresh_token"]]
        for secret in secrets:
            assert secret not in text
        # not even a recognisable part of one: JWT segments are long enough to be unique
        for token in (access, first_refresh, rotated["refresh_token"]):
            for segment in token.split(".")[1:]:
                assert segment not in text
