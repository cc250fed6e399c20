"""The token store: where a client keeps its current access/refresh pair.

Several clients may share one store (browser tabs share one cookie). Updates are compare-and-set on
the refresh token that was spent, so a late or losing refresh never overwrites a newer pair and a
failed refresh never signs out a session that another client has already moved forward.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Protocol

from baton_client.models.token_response import TokenResponse


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    scope: str
    expires_at: float  # wall clock (time.time()) by which the access token has run out

    @classmethod
    def from_response(cls, response: TokenResponse, *, now: float | None = None) -> TokenPair:
        issued = time.time() if now is None else now
        return cls(
            access_token=response.access_token,
            refresh_token=response.refresh_token,
            scope=response.scope,
            expires_at=issued + response.expires_in,
        )

    def __repr__(self) -> str:  # never print tokens
        return f"TokenPair(scope={self.scope!r}, expires_at={self.expires_at:.3f})"


class TokenStore(Protocol):
    def current(self) -> TokenPair | None:
        """The pair to use now, or ``None`` when signed out."""
        ...

    def set(self, pair: TokenPair) -> None:
        """Unconditionally store ``pair`` (sign-in)."""
        ...

    def replace(self, spent_refresh_token: str, pair: TokenPair) -> TokenPair | None:
        """Store ``pair`` if the store still holds ``spent_refresh_token``; return what is current after."""
        ...

    def clear(self, spent_refresh_token: str | None = None) -> bool:
        """Sign out: only if the store still holds ``spent_refresh_token`` (or unconditionally if ``None``)."""
        ...


class MemoryTokenStore:
    """Thread- and task-safe in-memory store."""

    def __init__(self, pair: TokenPair | None = None) -> None:
        self._lock = threading.Lock()
        self._pair = pair

    def current(self) -> TokenPair | None:
        with self._lock:
            return self._pair

    def set(self, pair: TokenPair) -> None:
        with self._lock:
            self._pair = pair

    def replace(self, spent_refresh_token: str, pair: TokenPair) -> TokenPair | None:
        with self._lock:
            if self._pair is not None and self._pair.refresh_token == spent_refresh_token:
                self._pair = pair
            return self._pair

    def clear(self, spent_refresh_token: str | None = None) -> bool:
        with self._lock:
            if self._pair is None:
                return False
            if spent_refresh_token is not None and self._pair.refresh_token != spent_refresh_token:
                return False
            self._pair = None
            return True
