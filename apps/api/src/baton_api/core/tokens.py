"""Binds the pure JWT functions to the configured secret, issuer and audience."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from baton_api.config import Settings
from baton_api.core import jwt

VERIFIED_ACCESS_TOKENS_MAX = 4096


class VerifiedTokenCache:
    """Access tokens this process has fully verified, keyed by the raw token string.

    Verifying a JWT is deterministic except for time: the same string under the same key, issuer
    and audience gets the same verdict on signature, ``typ``, ``aud``, ``iss``, required claims and
    length every time, so none of that needs repeating per request. Time only ever ends a token's
    validity, through ``exp``; a hit therefore re-checks ``exp`` exactly as PyJWT does (expired when
    ``exp <= now``) and an expired entry is dropped and sent through full verification, which then
    reports the expiry. Any other string (tampered, forged, re-encoded) is a miss and is fully
    verified. Only successes are stored, and at most ``maxsize`` of them (oldest evicted first).
    """

    __slots__ = ("_clock", "_entries", "_maxsize")

    def __init__(self, maxsize: int = VERIFIED_ACCESS_TOKENS_MAX, clock: Callable[[], float] = time.time) -> None:
        self._entries: dict[str, jwt.AccessClaims] = {}
        self._maxsize = maxsize
        self._clock = clock

    def get(self, token: str) -> jwt.AccessClaims | None:
        claims = self._entries.get(token)
        if claims is not None and claims.exp <= self._clock():
            self._entries.pop(token, None)
            return None
        return claims

    def put(self, token: str, claims: jwt.AccessClaims) -> None:
        if token not in self._entries and len(self._entries) >= self._maxsize:
            self._entries.pop(next(iter(self._entries)), None)
        self._entries[token] = claims

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True, slots=True)
class TokenCodec:
    keys: jwt.Keys
    issuer: str
    audience: str
    access_ttl: int
    verified_access_tokens: VerifiedTokenCache = field(default_factory=VerifiedTokenCache, compare=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenCodec:
        return cls(
            keys=jwt.Keys.derive(settings.jwt_secret_bytes),
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            access_ttl=settings.access_token_ttl_seconds,
        )

    def issue_access_token(self, *, sub: str, sid: str, scope: str, now: int | None = None) -> tuple[str, int]:
        iat = int(time.time()) if now is None else now
        token = jwt.encode_access_token(
            self.keys,
            issuer=self.issuer,
            audience=self.audience,
            sub=sub,
            sid=sid,
            scope=scope,
            jti=uuid.uuid4().hex,
            iat=iat,
            exp=iat + self.access_ttl,
        )
        return token, self.access_ttl

    def encode_refresh_token(self, *, sub: str, sid: str, jti: str, iat: int, exp: int) -> str:
        return jwt.encode_refresh_token(
            self.keys, issuer=self.issuer, audience=self.audience, sub=sub, sid=sid, jti=jti, iat=iat, exp=exp
        )

    def decode_access_token(self, token: str) -> jwt.AccessClaims:
        claims = self.verified_access_tokens.get(token)
        if claims is None:
            claims = jwt.decode_access_token(token, self.keys, issuer=self.issuer, audience=self.audience)
            self.verified_access_tokens.put(token, claims)
        return claims

    def decode_refresh_token(self, token: str, *, verify_exp: bool = True) -> jwt.RefreshClaims:
        return jwt.decode_refresh_token(
            token, self.keys, issuer=self.issuer, audience=self.audience, verify_exp=verify_exp
        )
