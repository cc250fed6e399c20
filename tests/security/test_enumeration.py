"""Account enumeration through the sign-in answer or its timing (OWASP ASVS 5.0 V6.3.8; DESIGN §5)."""

from __future__ import annotations

import statistics
import time
import uuid

import httpx
import pytest
from baton_api.users.models import User

from tests.conftest import RegisteredUser, sign_in

PRODUCTION_BCRYPT_ROUNDS = 12
ROUNDS = 12  # interleaved pairs measured per backend (plus a warm-up pair)


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    return {"bcrypt_rounds": PRODUCTION_BCRYPT_ROUNDS, "rate_limit_enabled": False}


def comparable(response: httpx.Response) -> tuple[int, bytes, dict[str, str]]:
    headers = {k: v for k, v in response.headers.items() if k not in {"date", "x-request-id"}}
    return response.status_code, response.content, headers


async def test_unknown_user_and_wrong_password_get_identical_answers(
    client: httpx.AsyncClient, user: RegisteredUser
) -> None:
    unknown = await sign_in(client, f"nobody-{uuid.uuid4().hex[:6]}@example.com", user.password)
    wrong = await sign_in(client, user.email, "not the right password")
    await User.filter(email=user.email).update(is_active=False)
    disabled = await sign_in(client, user.email, user.password)
    assert comparable(unknown) == comparable(wrong) == comparable(disabled)
    assert unknown.status_code == 400
    assert unknown.json()["error_code"] == "invalid_credentials"


async def test_unknown_user_and_wrong_password_take_the_same_time_at_production_cost(
    client: httpx.AsyncClient, user: RegisteredUser
) -> None:
    """Median response times differ by less than 20% with bcrypt at cost 12. The two kinds of
    request alternate (and swap which goes first each round), so load spikes on a small,
    noisy machine hit both sides alike."""
    unknown_email = f"nobody-{uuid.uuid4().hex[:6]}@example.com"
    samples: dict[str, list[float]] = {"unknown": [], "wrong": []}

    async def timed(kind: str) -> None:
        email = unknown_email if kind == "unknown" else user.email
        start = time.perf_counter()
        response = await sign_in(client, email, "a wrong password attempt")
        elapsed = time.perf_counter() - start
        assert response.status_code == 400
        samples[kind].append(elapsed)

    for kind in ("unknown", "wrong"):  # warm-up: caches, connection pool, first bcrypt call
        await timed(kind)
    samples = {"unknown": [], "wrong": []}
    for i in range(ROUNDS):
        order = ("unknown", "wrong") if i % 2 == 0 else ("wrong", "unknown")
        for kind in order:
            await timed(kind)

    unknown_median = statistics.median(samples["unknown"])
    wrong_median = statistics.median(samples["wrong"])
    assert wrong_median > 0.05, "bcrypt at cost 12 should take tens of milliseconds; is the cost applied?"
    difference = abs(unknown_median - wrong_median) / max(unknown_median, wrong_median)
    report = f"unknown {unknown_median * 1000:.1f} ms vs wrong {wrong_median * 1000:.1f} ms ({difference:.1%})"
    print(f"enumeration timing: {report}")
    assert difference < 0.20, report
