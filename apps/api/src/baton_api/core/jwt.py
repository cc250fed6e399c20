"""Every JWT Baton issues or reads goes through these pure functions (RFC 8725, RFC 9068).

Access and refresh tokens differ in ``typ``, audience *and* signing key (both keys are derived from
the one configured secret), so neither can ever be accepted where the other is expected.
Encoding is deterministic: the same claims give the same bytes, which is what lets the refresh
grace window hand a racing client the identical successor token without storing raw tokens.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import jwt

ALGORITHM = "HS256"
ALGORITHMS = [ALGORITHM]
ACCESS_TOKEN_TYP = "at+jwt"
REFRESH_TOKEN_TYP = "rt+jwt"
MAX_TOKEN_LENGTH = 2048  # far above what Baton issues; bounds parsing work for hostile input
REQUIRED_ACCESS_CLAIMS = ["exp", "iat", "sub", "aud", "iss", "sid", "jti"]
REQUIRED_REFRESH_CLAIMS = ["exp", "iat", "sub", "aud", "iss", "sid", "jti"]


class TokenError(Exception):
    """The token is unusable; ``expired`` tells a client whether refreshing can help."""

    def __init__(self, reason: str, *, expired: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.expired = expired


@dataclass(frozen=True, slots=True)
class Keys:
    access: bytes
    refresh: bytes

    @classmethod
    def derive(cls, secret: bytes) -> Keys:
        return cls(
            access=hmac.new(secret, b"baton/access-token", hashlib.sha256).digest(),
            refresh=hmac.new(secret, b"baton/refresh-token", hashlib.sha256).digest(),
        )


@dataclass(frozen=True, slots=True)
class AccessClaims:
    sub: str
    sid: str
    scopes: frozenset[str]
    jti: str
    iat: int
    exp: int


@dataclass(frozen=True, slots=True)
class RefreshClaims:
    sub: str
    sid: str
    jti: str
    iat: int
    exp: int


def refresh_audience(audience: str) -> str:
    return f"{audience}/refresh"


def encode_access_token(
    keys: Keys, *, issuer: str, audience: str, sub: str, sid: str, scope: str, jti: str, iat: int, exp: int
) -> str:
    claims = {
        "iss": issuer,
        "aud": audience,
        "sub": sub,
        "sid": sid,
        "scope": scope,
        "iat": iat,
        "exp": exp,
        "jti": jti,
    }
    return jwt.encode(claims, keys.access, algorithm=ALGORITHM, headers={"typ": ACCESS_TOKEN_TYP})


def encode_refresh_token(
    keys: Keys, *, issuer: str, audience: str, sub: str, sid: str, jti: str, iat: int, exp: int
) -> str:
    claims = {
        "iss": issuer,
        "aud": refresh_audience(audience),
        "sub": sub,
        "sid": sid,
        "iat": iat,
        "exp": exp,
        "jti": jti,
    }
    return jwt.encode(claims, keys.refresh, algorithm=ALGORITHM, headers={"typ": REFRESH_TOKEN_TYP})


def _decode(
    token: str, key: bytes, *, typ: str, issuer: str, audience: str, required: list[str], verify_exp: bool
) -> dict[str, Any]:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise TokenError("token is empty or too long")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise TokenError("token is not a well-formed JWT") from exc
    if header.get("typ") != typ:
        raise TokenError("token has the wrong type")
    try:
        payload: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=ALGORITHMS,
            audience=audience,
            issuer=issuer,
            options={"require": required, "verify_exp": verify_exp},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("token has expired", expired=True) from exc
    except jwt.PyJWTError as exc:
        raise TokenError(f"token is invalid: {exc}") from exc
    for claim in ("sub", "sid", "jti"):
        if not isinstance(payload.get(claim), str):
            raise TokenError(f"claim {claim!r} must be a string")
    return payload


def decode_access_token(token: str, keys: Keys, *, issuer: str, audience: str) -> AccessClaims:
    payload = _decode(
        token,
        keys.access,
        typ=ACCESS_TOKEN_TYP,
        issuer=issuer,
        audience=audience,
        required=REQUIRED_ACCESS_CLAIMS,
        verify_exp=True,
    )
    scope = payload.get("scope", "")
    if not isinstance(scope, str):
        raise TokenError("claim 'scope' must be a string")
    return AccessClaims(
        sub=payload["sub"],
        sid=payload["sid"],
        scopes=frozenset(scope.split()),
        jti=payload["jti"],
        iat=int(payload["iat"]),
        exp=int(payload["exp"]),
    )


def decode_refresh_token(
    token: str, keys: Keys, *, issuer: str, audience: str, verify_exp: bool = True
) -> RefreshClaims:
    payload = _decode(
        token,
        keys.refresh,
        typ=REFRESH_TOKEN_TYP,
        issuer=issuer,
        audience=refresh_audience(audience),
        required=REQUIRED_REFRESH_CLAIMS,
        verify_exp=verify_exp,
    )
    return RefreshClaims(
        sub=payload["sub"], sid=payload["sid"], jti=payload["jti"], iat=int(payload["iat"]), exp=int(payload["exp"])
    )
