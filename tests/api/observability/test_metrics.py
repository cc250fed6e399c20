"""``GET /metrics``: Prometheus counters for sign-ins, refreshes, rate limits and sessions, latency
per route template, and who may read them. Counters are process-wide and only ever grow, so the
tests compare a scrape before and after the action (``delta``)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest
from baton_api.config import Settings
from baton_api.core import metrics
from fastapi import FastAPI

from tests.api.observability.helpers import scrape, value
from tests.conftest import RegisteredUser, refresh, sign_in

Action = Callable[[], Awaitable[object]]


async def delta(client: httpx.AsyncClient, action: Action, name: str, **labels: str) -> float:
    before = value(await scrape(client), name, **labels)
    await action()
    return value(await scrape(client), name, **labels) - before


async def test_metrics_are_prometheus_text_with_every_baton_family(client: httpx.AsyncClient) -> None:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    for family in (
        "baton_sign_ins",
        "baton_token_refreshes",
        "baton_sessions_ended",
        "baton_rate_limited_requests",
        "baton_http_requests",
        "baton_http_request_duration_seconds",
        "baton_active_sessions",
    ):
        assert f"# HELP {family}" in response.text, family


async def test_metrics_route_is_not_in_the_openapi_schema(app: FastAPI) -> None:
    assert "/metrics" not in app.openapi()["paths"]


async def test_sign_ins_are_counted_by_outcome(client: httpx.AsyncClient, user: RegisteredUser) -> None:
    async def good() -> None:
        assert (await sign_in(client, user.email, user.password)).status_code == 200

    async def bad() -> None:
        assert (await sign_in(client, user.email, "not the password at all")).status_code == 400

    assert await delta(client, good, "baton_sign_ins_total", outcome="success") == 1
    assert await delta(client, bad, "baton_sign_ins_total", outcome="invalid_credentials") == 1


async def test_refreshes_are_counted_by_outcome(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    first = tokens["refresh_token"]
    rotated: dict[str, str] = {}

    async def rotate() -> None:
        response = await refresh(client, first)
        assert response.status_code == 200
        rotated.update(response.json())

    async def replay_within_grace() -> None:
        response = await refresh(client, first)
        assert response.status_code == 200
        assert response.json()["refresh_token"] == rotated["refresh_token"]

    async def garbage() -> None:
        assert (await refresh(client, "not-a-token")).status_code == 400

    assert await delta(client, rotate, "baton_token_refreshes_total", outcome="rotated") == 1
    assert await delta(client, replay_within_grace, "baton_token_refreshes_total", outcome="grace_replay") == 1
    assert await delta(client, garbage, "baton_token_refreshes_total", outcome="invalid") == 1


async def test_an_expired_refresh_token_is_counted_as_expired(
    app: FastAPI, client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    claims = app.state.codec.decode_refresh_token(tokens["refresh_token"])
    past = int(time.time()) - 3600
    expired = app.state.codec.encode_refresh_token(
        sub=claims.sub, sid=claims.sid, jti=claims.jti, iat=past, exp=past + 60
    )

    async def spend() -> None:
        response = await refresh(client, expired)
        assert response.json()["error_code"] == "refresh_token_expired"

    assert await delta(client, spend, "baton_token_refreshes_total", outcome="expired") == 1


class TestReuse:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {"refresh_grace_seconds": 0}

    async def test_reuse_is_counted_and_the_revoked_session_too(
        self, client: httpx.AsyncClient, tokens: dict[str, str]
    ) -> None:
        assert (await refresh(client, tokens["refresh_token"])).status_code == 200
        before = await scrape(client)
        response = await refresh(client, tokens["refresh_token"])
        assert response.json()["error_code"] == "refresh_token_reused"
        after = await scrape(client)
        reused = ("baton_token_refreshes_total", {"outcome": "reuse_detected"})
        ended = ("baton_sessions_ended_total", {"reason": "refresh_token_reused"})
        for name, labels in (reused, ended):
            assert value(after, name, **labels) - value(before, name, **labels) == 1


async def test_active_sessions_are_counted_from_the_database(client: httpx.AsyncClient, user: RegisteredUser) -> None:
    first = (await sign_in(client, user.email, user.password)).json()
    await sign_in(client, user.email, user.password)
    assert value(await scrape(client), "baton_active_sessions") == 2

    response = await client.post("/auth/revoke", data={"token": first["refresh_token"]})
    assert response.status_code == 200
    assert value(await scrape(client), "baton_active_sessions") == 1


async def test_rate_limited_requests_are_counted_by_limit(client: httpx.AsyncClient) -> None:
    async def refuse() -> None:
        metrics.record_rate_limited("sign_in:ip")

    assert await delta(client, refuse, "baton_rate_limited_requests_total", limit="sign_in:ip") == 1


class TestRateLimitedSignIns:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {"rate_limit_enabled": True, "rate_limit_sign_in_per_account_ip": "2/minute"}

    async def test_sign_ins_refused_by_the_limiter_are_counted(
        self, client: httpx.AsyncClient, user: RegisteredUser
    ) -> None:
        before = value(await scrape(client), "baton_rate_limited_requests_total", limit="sign_in:account_ip")
        statuses = [(await sign_in(client, user.email, user.password)).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        after = value(await scrape(client), "baton_rate_limited_requests_total", limit="sign_in:account_ip")
        assert after - before == 1


async def test_latency_is_observed_per_route_template_never_per_raw_path(
    auth_client: httpx.AsyncClient,
) -> None:
    name = "baton_http_request_duration_seconds_count"
    session_id = str(uuid.uuid4())
    before = await scrape(auth_client)
    assert (await auth_client.get("/users/me")).status_code == 200
    assert (await auth_client.delete(f"/auth/sessions/{session_id}")).status_code == 404
    assert (await auth_client.get(f"/no/such/{session_id}")).status_code == 404
    after = await scrape(auth_client)

    for method, route in (
        ("GET", "/users/me"),
        ("DELETE", "/auth/sessions/{session_id}"),
        ("GET", metrics.UNMATCHED_ROUTE),
    ):
        assert value(after, name, method=method, route=route) - value(before, name, method=method, route=route) == 1
    assert session_id not in after
    assert value(after, "baton_http_requests_total", method="GET", route="/users/me", status="200") >= 1


class TestProductionHidesMetrics:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {"env": "production", "bcrypt_rounds": 10, "jwt_secret": "p" + uuid.uuid4().hex + uuid.uuid4().hex}

    async def test_metrics_are_not_found_in_production_unless_configured(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/metrics")
        assert response.status_code == 404
        assert "baton_" not in response.text


class TestProductionPublicMetrics:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {
            "env": "production",
            "bcrypt_rounds": 10,
            "jwt_secret": "p" + uuid.uuid4().hex + uuid.uuid4().hex,
            "metrics_public": True,
        }

    async def test_metrics_public_opts_in_explicitly(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/metrics")).status_code == 200


METRICS_TOKEN = "scrape-" + "k" * 30


class TestMetricsToken:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {
            "env": "production",
            "bcrypt_rounds": 10,
            "jwt_secret": "p" + uuid.uuid4().hex + uuid.uuid4().hex,
            "metrics_token": METRICS_TOKEN,
        }

    @pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {METRICS_TOKEN}", METRICS_TOKEN])
    async def test_a_scraper_without_the_token_is_401(self, client: httpx.AsyncClient, header: str | None) -> None:
        response = await client.get("/metrics", headers={} if header is None else {"Authorization": header})
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "baton_" not in response.text

    async def test_a_scraper_with_the_token_reads_the_metrics(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert response.status_code == 200
        assert "baton_sign_ins_total" in response.text


def test_empty_variables_leave_metrics_access_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """A copied .env.example has ``BATON_METRICS_TOKEN=``: that must not become an empty token."""
    monkeypatch.setenv("BATON_METRICS_TOKEN", "")
    monkeypatch.setenv("BATON_METRICS_PUBLIC", "")
    settings = Settings(env="test", jwt_secret="t" * 48)  # type: ignore[arg-type]
    assert settings.metrics_token is None
    assert settings.metrics_public is None
