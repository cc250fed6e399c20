"""Binds the pure JWT functions to the configured secret, issuer and audience."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from baton_api.config import Settings
from baton_api.core import jwt


@dataclass(frozen=True, slots=True)
class TokenCodec:
    keys: jwt.Keys
    issuer: str
    audience: str
    access_ttl: int

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
            self.keys, issuer=self.issuer, audience=self.audience, sub=sub, sid=sid, scope=scope,
            jti=uuid.uuid4().hex, iat=iat, exp=iat + self.access_ttl,
        )
        return token, self.access_ttl

    def encode_refresh_token(self, *, sub: str, sid: str, jti: str, iat: int, exp: int) -> str:
        return jwt.encode_refresh_token(
            self.keys, issuer=self.issuer, audience=self.audience, sub=sub, sid=sid, jti=jti, iat=iat, exp=exp
        )

    def decode_access_token(self, token: str) -> jwt.AccessClaims:
        return jwt.decode_access_token(token, self.keys, issuer=self.issuer, audience=self.audience)

    def decode_refresh_token(self, token: str, *, verify_exp: bool = True) -> jwt.RefreshClaims:
        return jwt.decode_refresh_token(
            token, self.keys, issuer=self.issuer, audience=self.audience, verify_exp=verify_exp
        )

