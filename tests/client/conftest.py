"""The Python SDK against the real app in-process (httpx.ASGITransport), on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from baton_api.core.tokens import TokenCodec
from baton_sdk import AuthSession, MemoryTokenStore, SessionStats, StrategyName, TokenPair
from fastapi import FastAPI

BASE_URL = "http://testserver"

SessionFactory = Callable[..., AuthSession]


@pytest.fixture
async def make_session(app: FastAPI) -> AsyncIterator[SessionFactory]:
    """``make_session(strategy=…, store=…, transport=…)``: an AuthSession wired to the app."""
    opened: list[AuthSession] = []

    def make(
        *,
        strategy: StrategyName = "single_flight",
        store: MemoryTokenStore | None = None,
        stats: SessionStats | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        token_transport: httpx.AsyncBaseTransport | None = None,
        **kwargs: object,
    ) -> AuthSession:
        session = AuthSession(
            BASE_URL,
            strategy=strategy,
            store=store,
            stats=stats,
            transport=transport or httpx.ASGITransport(app=app),
            token_transport=token_transport or httpx.ASGITransport(app=app),
            **kwargs,  # type: ignore[arg-type]
        )
        opened.append(session)
        return session

    yield make
    for session in opened:
        await session.aclose()


def expired_copy(app: FastAPI, pair: TokenPair) -> TokenPair:
    """The same session with an access token that ran out a while ago (no need to wait for it)."""
    codec: TokenCodec = app.state.codec
    claims = codec.decode_access_token(pair.access_token)
    issued = int(time.time()) - 3600
    access, _ = codec.issue_access_token(sub=claims.sub, sid=claims.sid, scope=" ".join(claims.scopes), now=issued)
    return TokenPair(access_token=access, refresh_token=pair.refresh_token, scope=pair.scope, expires_at=issued + 1)


class CountingTransport(httpx.AsyncBaseTransport):
    """Counts requests by path; optionally fails the first ``fail_first`` with ``error`` or ``status``."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        fail_first: int = 0,
        error: type[httpx.TransportError] | None = None,
        status: int | None = None,
    ) -> None:
        self._inner = inner
        self._fail_first = fail_first
        self._error = error
        self._status = status
        self.requests: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request.url.path)
        if len(self.requests) <= self._fail_first:
            if self._error is not None:
                raise self._error("injected failure", request=request)
            if self._status is not None:
                return httpx.Response(
                    self._status, json={"error_code": "internal_error", "detail": "injected"}, request=request
                )
        return await self._inner.handle_async_request(request)
