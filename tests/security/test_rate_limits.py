"""Online guessing and request floods (OWASP ASVS 5.0 V6.3.1; NIST SP 800-63B §5.2.2): budgets
per account, per account and client IP, per client IP and per session, 429 with Retry-After,
shared across processes; none of them lets an attacker lock the owner's own client out."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx
import pytest
from baton_api.auth.models import SecurityEvent
from baton_api.core.dependencies import client_ip

from tests.conftest import TEST_PASSWORD, RegisteredUser, refresh, sign_in
from tests.support.databases import require_redis
from tests.support.servers import api_servers

ACCOUNT_BUDGET = 5
CLIENT_BUDGET = 3  # per account and client IP


def from_ip(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def assert_rate_limited(response: httpx.Response, *, oauth: bool) -> None:
    assert response.status_code == 429, response.text
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 3600
    body = response.json()
    assert body["error_code"] == "rate_limited"
    if oauth:
        assert body["error"] == "temporarily_unavailable"
        assert response.headers["cache-control"] == "no-store"


class TestSignIn:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {
            "trusted_proxies": ["127.0.0.1"],  # the ASGI test client's address: it plays the proxy
            "rate_limit_sign_in_per_account": f"{ACCOUNT_BUDGET}/minute",
            "rate_limit_sign_in_per_account_ip": f"{CLIENT_BUDGET}/minute",
            "rate_limit_sign_in_per_ip": "8/minute",
        }

    @staticmethod
    async def guess(client: httpx.AsyncClient, email: str, password: str, ip: str) -> httpx.Response:
        return await client.post(
            "/auth/token",
            data={"grant_type": "password", "username": email, "password": password},
            headers=from_ip(ip),
        )

    async def test_password_guessing_from_many_ips_hits_the_account_budget(
        self, client: httpx.AsyncClient, user: RegisteredUser
    ) -> None:
        statuses = []
        for i in range(ACCOUNT_BUDGET + 3):
            response = await client.post(
                "/auth/token",
                data={"grant_type": "password", "username": user.email, "password": f"guess number {i}"},
                headers=from_ip(f"198.51.100.{i + 1}"),
            )
            statuses.append(response.status_code)
        assert statuses == [400] * ACCOUNT_BUDGET + [429] * 3
        assert_rate_limited(response, oauth=True)

    async def test_the_right_password_is_refused_too_from_the_client_that_was_guessing(
        self, client: httpx.AsyncClient, user: RegisteredUser
    ) -> None:
        """No oracle: once a client has spent its budget on an account, a correct guess from it
        gets the same 429 as a wrong one."""
        for i in range(CLIENT_BUDGET):
            assert (await self.guess(client, user.email, f"guess {i}", "203.0.113.9")).status_code == 400
        right = await self.guess(client, user.email.upper(), user.password, "203.0.113.9")
        assert_rate_limited(right, oauth=True)
        events = await SecurityEvent.filter(type="rate_limited")
        assert [e.detail["budget"] for e in events] == ["sign_in:account_ip"]

    async def test_parallel_guesses_from_one_client_cannot_slip_past_its_budget(
        self, client: httpx.AsyncClient, user: RegisteredUser
    ) -> None:
        """Each attempt is counted before its password is checked, atomically."""
        responses = await asyncio.gather(
            *(self.guess(client, user.email, f"burst {i}", "203.0.113.10") for i in range(CLIENT_BUDGET + 4))
        )
        assert sorted(r.status_code for r in responses) == [400] * CLIENT_BUDGET + [429] * 4

    async def test_guessing_from_other_ips_cannot_lock_the_owners_client_out(
        self, client: httpx.AsyncClient, user: RegisteredUser
    ) -> None:
        """A botnet spends the account-wide ceiling; the owner's client, which signed in before,
        still signs in (held only to its own budget), while new clients get 429 for any password."""
        owner_ip = "192.0.2.44"
        assert (await self.guess(client, user.email, user.password, owner_ip)).status_code == 200
        statuses = [
            (await self.guess(client, user.email, f"guess {i}", f"198.51.100.{i + 1}")).status_code
            for i in range(ACCOUNT_BUDGET + 2)
        ]
        assert statuses == [400] * (ACCOUNT_BUDGET - 1) + [429] * 3  # the owner's sign-in counted too

        assert (await self.guess(client, user.email, user.password, owner_ip)).status_code == 200
        assert_rate_limited(await self.guess(client, user.email, user.password, "198.51.100.200"), oauth=True)
        # The owner's client is still bound by its own budget: it cannot be used to bypass the ceiling.
        owner_statuses = [
            (await self.guess(client, user.email, "not it", owner_ip)).status_code for _ in range(CLIENT_BUDGET)
        ]
        assert owner_statuses == [400] * (CLIENT_BUDGET - 2) + [429] * 2

    async def test_one_ip_spraying_many_accounts_hits_the_ip_budget(self, client: httpx.AsyncClient) -> None:
        statuses = [
            (await sign_in(client, f"spray-{i}@example.com", "Winter2024!", **{})).status_code for i in range(10)
        ]
        assert statuses == [400] * 8 + [429] * 2
        # Another client IP behind the same trusted proxy still gets in.
        other = await client.post(
            "/auth/token",
            data={"grant_type": "password", "username": "someone@example.com", "password": "x"},
            headers=from_ip("192.0.2.7"),
        )
        assert other.status_code == 400

    async def test_rate_limiting_is_recorded_once_in_the_owners_security_log(
        self, client: httpx.AsyncClient, user: RegisteredUser
    ) -> None:
        for i in range(ACCOUNT_BUDGET + 4):
            await client.post(
                "/auth/token",
                data={"grant_type": "password", "username": user.email, "password": f"guess {i}"},
                headers=from_ip(f"198.51.100.{i + 1}"),
            )
        events = await SecurityEvent.filter(type="rate_limited")
        assert len(events) == 1
        assert str(events[0].user_id) == user.id  # type: ignore[attr-defined]
        assert events[0].detail["budget"] == "sign_in:account"


class TestUntrustedForwardedFor:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {"rate_limit_sign_in_per_ip": "3/minute"}  # no trusted proxies (the default)

    async def test_spoofed_x_forwarded_for_does_not_escape_the_ip_budget(self, client: httpx.AsyncClient) -> None:
        statuses = [
            (
                await client.post(
                    "/auth/token",
                    data={"grant_type": "password", "username": f"u{i}@example.com", "password": "nope nope"},
                    headers=from_ip(f"10.0.0.{i}"),
                )
            ).status_code
            for i in range(5)
        ]
        assert statuses == [400, 400, 400, 429, 429]


def test_client_ip_reads_forwarded_for_right_to_left_through_trusted_proxies() -> None:
    import ipaddress

    proxies = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("127.0.0.1/32")]
    assert client_ip("127.0.0.1", ["203.0.113.9"], proxies) == "203.0.113.9"
    # The client wrote a fake left-most entry; the proxies appended the real hop on the right.
    assert client_ip("127.0.0.1", ["1.2.3.4, 203.0.113.9, 10.1.2.3"], proxies) == "203.0.113.9"
    assert client_ip("198.51.100.1", ["1.2.3.4"], proxies) == "198.51.100.1"  # untrusted peer
    assert client_ip("127.0.0.1", ["not-an-ip"], proxies) == "127.0.0.1"
    assert client_ip("127.0.0.1", [], proxies) == "127.0.0.1"
    assert client_ip("127.0.0.1", ["2001:db8::1"], proxies) == "2001:db8::1"
    assert client_ip("127.0.0.1", ["10.0.0.2", "10.0.0.3"], proxies) == "10.0.0.2"  # all trusted: left-most
    assert client_ip(None, ["1.2.3.4"], proxies) is None


class TestRegistration:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {"rate_limit_register_per_ip": "4/minute", "rate_limit_register_per_account": "2/minute"}

    async def test_mass_registration_from_one_ip_is_limited(self, client: httpx.AsyncClient) -> None:
        statuses = [
            (
                await client.post(
                    "/auth/register",
                    json={"email": f"bot-{uuid.uuid4().hex[:8]}@example.com", "password": TEST_PASSWORD},
                )
            ).status_code
            for _ in range(6)
        ]
        assert statuses == [201] * 4 + [429] * 2

    async def test_probing_one_address_is_limited(self, client: httpx.AsyncClient) -> None:
        body = {"email": "probe@example.com", "password": TEST_PASSWORD}
        statuses = [(await client.post("/auth/register", json=body)).status_code for _ in range(3)]
        assert statuses == [201, 409, 429]
        assert_rate_limited(await client.post("/auth/register", json=body), oauth=False)


class TestRefresh:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {"rate_limit_refresh_per_session": "4/minute"}

    async def test_refresh_flood_on_one_session_is_limited_per_session(
        self, client: httpx.AsyncClient, user: RegisteredUser, tokens: dict[str, str]
    ) -> None:
        current = tokens["refresh_token"]
        for _ in range(4):
            response = await refresh(client, current)
            assert response.status_code == 200
            current = response.json()["refresh_token"]
        assert_rate_limited(await refresh(client, current), oauth=True)
        other = (await sign_in(client, user.email, user.password)).json()
        assert (await refresh(client, other["refresh_token"])).status_code == 200


class TestDefaultBudgets:
    async def test_fifty_concurrent_refreshes_of_one_token_still_converge(
        self, client: httpx.AsyncClient, tokens: dict[str, str]
    ) -> None:
        """The default per-session refresh budget leaves room for a refresh race (50 racing
        tabs): every racer gets the one successor through the grace window, none a 429."""
        responses = await asyncio.gather(*(refresh(client, tokens["refresh_token"]) for _ in range(50)))
        assert {r.status_code for r in responses} == {200}
        assert len({r.json()["refresh_token"] for r in responses}) == 1


@pytest.mark.slow
@pytest.mark.redis
def test_account_budget_is_shared_by_two_processes_through_redis(database_url: str, data_dir: Path) -> None:
    """Two API processes, one Redis: alternating guesses between them still meet one budget."""
    redis_url = require_redis()
    env = {
        "BATON_REDIS_URL": redis_url,
        "BATON_RATE_LIMIT_SIGN_IN_PER_ACCOUNT": f"{ACCOUNT_BUDGET}/minute",
        "BATON_RATE_LIMIT_SIGN_IN_PER_ACCOUNT_IP": "1000/minute",  # the ceiling is under test
        "BATON_RATE_LIMIT_SIGN_IN_PER_IP": "1000/minute",
        "BATON_RATE_LIMIT_REGISTER_PER_IP": "1000/minute",
    }
    email = f"shared-{uuid.uuid4().hex[:10]}@example.com"  # fresh counters in a shared Redis
    with api_servers(database_url, processes=2, data_dir=data_dir, env=env) as pool:
        created = httpx.post(f"{pool.urls[0]}/auth/register", json={"email": email, "password": TEST_PASSWORD})
        assert created.status_code == 201, created.text
        statuses = []
        for i in range(ACCOUNT_BUDGET + 3):
            response = httpx.post(
                f"{pool.url_for(i)}/auth/token",
                data={"grant_type": "password", "username": email, "password": f"guess {i}"},
            )
            statuses.append(response.status_code)
        assert statuses == [400] * ACCOUNT_BUDGET + [429] * 3
        assert int(response.headers["retry-after"]) >= 1
