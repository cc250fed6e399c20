"""Authentication of API calls through FastAPI dependency injection (RFC 6750).

Verification is inline in an ``async def``: an HMAC check needs no thread hop.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Security
from fastapi.security import OAuth2PasswordBearer, SecurityScopes

from baton_api.auth.exceptions import InsufficientScope, NotAuthenticated, TokenExpired, TokenInvalid
from baton_api.core import jwt
from baton_api.core.dependencies import Codec

SCOPES = {"user": "Your own account and sessions.", "admin": "Administration of all users."}

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", scopes=SCOPES, auto_error=False)


async def get_access_claims(
    security_scopes: SecurityScopes, codec: Codec, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> jwt.AccessClaims:
    if not token:
        raise NotAuthenticated()
    try:
        claims = codec.decode_access_token(token)
    except jwt.TokenError as exc:
        if exc.expired:
            raise TokenExpired() from exc
        raise TokenInvalid() from exc
    missing = [s for s in security_scopes.scopes if s not in claims.scopes]
    if missing:
        raise InsufficientScope(security_scopes.scopes)
    return claims


AccessClaims = Annotated[jwt.AccessClaims, Security(get_access_claims)]
AdminClaims = Annotated[jwt.AccessClaims, Security(get_access_claims, scopes=["admin"])]
