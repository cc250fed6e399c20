"""API errors surface as typed exceptions that carry the server's stable ``error_code``."""

from __future__ import annotations

import pytest
from baton_client.api.auth import auth_register
from baton_client.models.user_create import UserCreate
from baton_sdk import (
    ApiError,
    AuthenticationError,
    ConflictError,
    InvalidGrantError,
    MemoryTokenStore,
    RateLimitedError,
    ServerError,
    SessionStats,
    TokenPair,
    ValidationFailedError,
)
from baton_sdk.errors import error_from_response

from tests.client.conftest import SessionFactory
from tests.conftest import RegisteredUser


async def test_duplicate_registration_raises_conflict_with_its_code(
    make_session: SessionFactory, user: RegisteredUser
) -> None:
    session = make_session()
    with pytest.raises(ConflictError) as raised:
        await session.call(auth_register.asyncio_detailed, body=UserCreate(email=user.email, password=user.password))
    assert raised.value.status_code == 409
    assert raised.value.error_code == "email_already_registered"


async def test_invalid_body_raises_validation_error_with_issues(make_session: SessionFactory) -> None:
    session = make_session()
    with pytest.raises(ValidationFailedError) as raised:
        await session.call(auth_register.asyncio_detailed, body=UserCreate(email="not-an-email", password="x"))
    assert raised.value.error_code == "validation_error"
    assert isinstance(raised.value.detail, list) and raised.value.detail


async def test_wrong_password_raises_invalid_grant(make_session: SessionFactory, user: RegisteredUser) -> None:
    session = make_session()
    with pytest.raises(InvalidGrantError) as raised:
        await session.login(user.email, user.password + "-wrong")
    assert raised.value.error == "invalid_grant"
    assert raised.value.error_code == "invalid_credentials"
    assert session.store.current() is None


async def test_protected_call_without_sign_in_is_not_authenticated(make_session: SessionFactory) -> None:
    session = make_session()
    with pytest.raises(AuthenticationError) as raised:
        await session.me()
    assert raised.value.status_code == 401
    assert raised.value.error_code == "not_authenticated"


async def test_tampered_access_token_is_not_refreshed(make_session: SessionFactory, user: RegisteredUser) -> None:
    """Only ``token_expired`` is curable by a refresh; anything else means sign in again."""
    signer = make_session()
    pair = await signer.login(user.email, user.password)
    stats = SessionStats()
    tampered = TokenPair(pair.access_token[:-4] + "AAAA", pair.refresh_token, pair.scope, pair.expires_at)
    session = make_session(store=MemoryTokenStore(tampered), stats=stats)
    with pytest.raises(AuthenticationError) as raised:
        await session.me()
    assert raised.value.error_code == "token_invalid"
    assert stats.refresh_attempts == 0


def test_error_mapping_covers_rate_limits_server_errors_and_unknown_bodies() -> None:
    limited = error_from_response(429, b'{"error_code": "rate_limited", "detail": "slow down"}', {"retry-after": "7"})
    assert isinstance(limited, RateLimitedError) and limited.retry_after == 7.0
    assert limited.error_code == "rate_limited"

    broken = error_from_response(502, b"<html>bad gateway</html>", {})
    assert isinstance(broken, ServerError) and broken.error_code == "unknown"

    future = error_from_response(400, b'{"error_code": "something_new", "detail": "?"}', {})
    assert type(future) is ApiError and future.error_code == "unknown"
