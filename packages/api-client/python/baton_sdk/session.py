"""``AuthSession``: the generated client plus bearer tokens, refresh strategies and typed errors.

    async with AuthSession("http://127.0.0.1:8000", strategy="single_flight") as session:
        await session.login(email, password)
        me = await session.me()                                   # typed helper
        me = await session.call(users_read_me.asyncio_detailed)   # any generated operation

``session.client`` is the generated ``baton_client.Client``; every request made through it carries
the current access token, and a 401 ``token_expired`` is recovered by the strategy and replayed
(transparently, inside an ``httpx.Auth`` flow). Tokens live in a ``TokenStore`` that several
sessions may share, like browser tabs sharing one cookie.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from baton_client import Client
from baton_client.api.auth import auth_revoke, auth_token
from baton_client.api.users import users_read_me
from baton_client.models.body_auth_revoke import BodyAuthRevoke
from baton_client.models.body_auth_token import BodyAuthToken
from baton_client.models.token_response import TokenResponse
from baton_client.models.user_read import UserRead
from baton_client.types import Response

from baton_sdk.errors import ApiError, NetworkError, NotAuthenticatedError, error_from_response
from baton_sdk.strategies import RefreshStrategy, StrategyName, make_strategy
from baton_sdk.tokens import MemoryTokenStore, TokenPair, TokenStore
from baton_sdk.transport import RetryingTransport

T = TypeVar("T")

REFRESHABLE_ERROR_CODE = "token_expired"  # the only 401 a refresh can cure


@dataclass
class SessionStats:
    """Counters of what the auth layer did; may be shared by several sessions."""

    refresh_attempts: int = 0  # refresh requests that got an answer or gave up on the network
    refresh_succeeded: int = 0
    refresh_failed: int = 0
    replays: int = 0  # calls re-sent after a recovery


def _is_token_expired(response: httpx.Response) -> bool:
    if response.status_code != 401:
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("error_code") == REFRESHABLE_ERROR_CODE


class _BearerAuth(httpx.Auth):
    """Attach the current access token; on 401 ``token_expired`` recover through the strategy and replay."""

    def __init__(self, session: AuthSession) -> None:
        self._session = session

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        session = self._session
        sent = session.store.current()
        if sent is None:  # signed out: public operations still work, protected ones answer 401
            yield request
            return
        request.headers["Authorization"] = f"Bearer {sent.access_token}"
        response = yield request
        for _ in range(session.max_replays):
            if response.status_code != 401:
                return
            await response.aread()  # a custom async flow must read the body itself to see error_code
            if not _is_token_expired(response):
                return
            sent = await session.strategy.recover(session.store, session.exchange_refresh_token, sent)
            request.headers["Authorization"] = f"Bearer {sent.access_token}"
            session.stats.replays += 1
            response = yield request


class AuthSession:
    def __init__(
        self,
        base_url: str,
        *,
        strategy: StrategyName | RefreshStrategy = "single_flight",
        store: TokenStore | None = None,
        stats: SessionStats | None = None,
        timeout: float = 10.0,
        network_attempts: int = 3,
        max_replays: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
        token_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """``transport``/``token_transport`` replace the network below the retries (tests inject faults)."""
        self.strategy = make_strategy(strategy) if isinstance(strategy, str) else strategy
        self.store: TokenStore = store if store is not None else MemoryTokenStore()
        self.stats = stats if stats is not None else SessionStats()
        self.max_replays = max_replays
        api_http = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            auth=_BearerAuth(self),
            transport=RetryingTransport(transport, attempts=network_attempts),
        )
        # The token endpoint may be retried after a lost response: within the grace window the
        # server answers a replayed refresh with the very same successor.
        token_http = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            transport=RetryingTransport(token_transport, attempts=network_attempts, retry_unsafe_methods=True),
        )
        self.client = Client(base_url=base_url).set_async_httpx_client(api_http)
        self.token_client = Client(base_url=base_url).set_async_httpx_client(token_http)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.get_async_httpx_client().aclose()
        await self.token_client.get_async_httpx_client().aclose()

    async def call(self, operation: Callable[..., Awaitable[Response[T]]], /, **kwargs: Any) -> T:
        """Run a generated ``asyncio_detailed`` operation with auth; raise typed errors for non-2xx."""
        try:
            response = await operation(client=self.client, **kwargs)
        except httpx.TransportError as exc:
            raise NetworkError(f"API unreachable: {exc!r}") from exc
        if not 200 <= response.status_code < 300:
            raise error_from_response(response.status_code, response.content, response.headers)
        if response.parsed is None:
            raise ApiError(response.status_code, "unknown", "the response could not be parsed", response.content)
        return response.parsed

    async def me(self) -> UserRead:
        user = await self.call(users_read_me.asyncio_detailed)
        if not isinstance(user, UserRead):
            raise ApiError(200, "unknown", "unexpected response body", user)
        return user

    async def _grant(self, body: BodyAuthToken) -> TokenPair:
        try:
            response = await auth_token.asyncio_detailed(client=self.token_client, body=body)
        except httpx.TransportError as exc:
            raise NetworkError(f"token endpoint unreachable: {exc!r}") from exc
        if response.status_code != 200 or not isinstance(response.parsed, TokenResponse):
            raise error_from_response(response.status_code, response.content, response.headers)
        return TokenPair.from_response(response.parsed, now=time.time())

    async def login(self, email: str, password: str, *, scope: str | None = None) -> TokenPair:
        body = BodyAuthToken(grant_type="password", username=email, password=password)
        if scope is not None:
            body.scope = scope
        pair = await self._grant(body)
        self.store.set(pair)
        return pair

    async def exchange_refresh_token(self, refresh_token: str) -> TokenPair:
        """One refresh grant (the strategies decide when); counts attempts and outcomes."""
        self.stats.refresh_attempts += 1
        try:
            pair = await self._grant(BodyAuthToken(grant_type="refresh_token", refresh_token=refresh_token))
        except Exception:
            self.stats.refresh_failed += 1
            raise
        self.stats.refresh_succeeded += 1
        return pair

    async def refresh(self) -> TokenPair:
        """Refresh now through the strategy (as if the current access token had just expired)."""
        current = self.store.current()
        if current is None:
            raise NotAuthenticatedError("not signed in")
        return await self.strategy.recover(self.store, self.exchange_refresh_token, current)

    async def logout(self) -> None:
        """RFC 7009: end the session on the server, then forget the tokens."""
        current = self.store.current()
        if current is None:
            return
        try:
            response = await auth_revoke.asyncio_detailed(
                client=self.token_client, body=BodyAuthRevoke(token=current.refresh_token)
            )
        except httpx.TransportError as exc:
            raise NetworkError(f"revocation endpoint unreachable: {exc!r}") from exc
        finally:
            self.store.clear(current.refresh_token)
        if response.status_code != 200:
            raise error_from_response(response.status_code, response.content, response.headers)
