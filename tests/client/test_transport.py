"""Network errors are retried with bounded backoff, never forever, and only when it is safe."""

from __future__ import annotations

import httpx
import pytest
from baton_client.api.auth import auth_register
from baton_client.models.user_create import UserCreate
from baton_sdk import AuthSession, NetworkError
from fastapi import FastAPI

from tests.client.conftest import CountingTransport, SessionFactory
from tests.conftest import RegisteredUser


async def test_unreachable_api_gives_up_after_the_bounded_attempts() -> None:
    refused = CountingTransport(
        httpx.MockTransport(lambda r: httpx.Response(200)), fail_first=100, error=httpx.ConnectError
    )
    async with AuthSession("http://testserver", transport=refused, network_attempts=3) as session:
        with pytest.raises(NetworkError):
            await session.me()
    assert len(refused.requests) == 3


async def test_idempotent_call_is_retried_after_a_dropped_connection(
    app: FastAPI, make_session: SessionFactory, user: RegisteredUser
) -> None:
    flaky = CountingTransport(httpx.ASGITransport(app=app), fail_first=2, error=httpx.ReadError)
    session = make_session(transport=flaky)
    await session.login(user.email, user.password)
    me = await session.me()
    assert me.email == user.email
    assert flaky.requests == ["/users/me"] * 3


async def test_unsafe_call_is_not_resent_when_it_may_have_arrived(app: FastAPI, make_session: SessionFactory) -> None:
    flaky = CountingTransport(httpx.ASGITransport(app=app), fail_first=1, error=httpx.ReadError)
    session = make_session(transport=flaky)
    with pytest.raises(NetworkError):
        await session.call(
            auth_register.asyncio_detailed, body=UserCreate(email="once@example.com", password="a fine passphrase 42")
        )
    assert flaky.requests == ["/auth/register"]
