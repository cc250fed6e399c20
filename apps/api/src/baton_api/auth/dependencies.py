"""Authentication of API calls through FastAPI dependency injection (RFC 6750).

Every protected request pays for this, so it is one ``async def`` dependency, not a chain: the
security scheme itself reads the bearer token, verifies it inline (an HMAC check needs no thread
hop) and checks the route's scopes. Chaining ``OAuth2PasswordBearer`` → codec → claims made
FastAPI solve three extra dependencies per request, which cost more than the HMAC itself.
Repeated verification of the same token is skipped by ``TokenCodec``'s verified-token cache,
which still enforces ``exp`` on every request.
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import Request, Security
from fastapi.openapi.models import OAuth2 as OAuth2Model
from fastapi.openapi.models import OAuthFlows as OAuthFlowsModel
from fastapi.security import SecurityScopes
from fastapi.security.base import SecurityBase
from fastapi.security.utils import get_authorization_scheme_param

from baton_api.auth.exceptions import InsufficientScope, NotAuthenticated, TokenExpired, TokenInvalid
from baton_api.core import jwt
from baton_api.core.logging import bind_identity
from baton_api.core.tokens import TokenCodec

SCOPES = {"user": "Your own account and sessions.", "admin": "Administration of all users."}
TOKEN_URL = "/auth/token"


class AccessTokenBearer(SecurityBase):
    """OAuth 2.0 password flow in OpenAPI (Swagger's *Authorize* button), and the verifier."""

    def __init__(self, *, token_url: str, scopes: dict[str, str], scheme_name: str) -> None:
        flows = OAuthFlowsModel(password=cast(Any, {"tokenUrl": token_url, "scopes": scopes}))
        self.model = OAuth2Model(flows=flows)
        self.scheme_name = scheme_name

    async def __call__(self, request: Request, security_scopes: SecurityScopes) -> jwt.AccessClaims:
        scheme, token = get_authorization_scheme_param(request.headers.get("authorization"))
        if scheme.lower() != "bearer" or not token:
            raise NotAuthenticated()
        codec: TokenCodec = request.app.state.codec
        try:
            claims = codec.decode_access_token(token)
        except jwt.TokenError as exc:
            if exc.expired:
                raise TokenExpired() from exc
            raise TokenInvalid() from exc
        bind_identity(user_id=claims.sub, session_id=claims.sid)
        missing = [s for s in security_scopes.scopes if s not in claims.scopes]
        if missing:
            raise InsufficientScope(security_scopes.scopes)
        return claims


# The scheme keeps the name the published OpenAPI schema and both generated clients know.
get_access_claims = AccessTokenBearer(token_url=TOKEN_URL, scopes=SCOPES, scheme_name="OAuth2PasswordBearer")

AccessClaims = Annotated[jwt.AccessClaims, Security(get_access_claims)]
AdminClaims = Annotated[jwt.AccessClaims, Security(get_access_claims, scopes=["admin"])]
