from __future__ import annotations

from fastapi import status

from baton_api.core.errors import BatonError, ErrorCode, InvalidGrant

__all__ = ["InsufficientScope", "InvalidGrant", "NotAuthenticated", "TokenExpired", "TokenInvalid"]


def _bearer_challenge(error: str, description: str, scope: str | None = None) -> dict[str, str]:
    safe = description.replace('"', "'")
    value = f'Bearer error="{error}", error_description="{safe}"'
    if scope:
        value += f', scope="{scope}"'
    return {"WWW-Authenticate": value}


class NotAuthenticated(BatonError):
    status_code = status.HTTP_401_UNAUTHORIZED
    code = ErrorCode.NOT_AUTHENTICATED
    default_detail = "Authentication required: send an access token as 'Authorization: Bearer <token>'."

    def __init__(self, detail: str | None = None) -> None:
        # RFC 6750 §3.1: a request without credentials gets a bare challenge, no error code.
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class TokenExpired(BatonError):
    status_code = status.HTTP_401_UNAUTHORIZED
    code = ErrorCode.TOKEN_EXPIRED
    default_detail = "The access token has expired; refresh it."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers=_bearer_challenge("invalid_token", "The access token expired"))


class TokenInvalid(BatonError):
    status_code = status.HTTP_401_UNAUTHORIZED
    code = ErrorCode.TOKEN_INVALID
    default_detail = "The access token is invalid; sign in again."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers=_bearer_challenge("invalid_token", detail or self.default_detail))


class InsufficientScope(BatonError):
    status_code = status.HTTP_403_FORBIDDEN
    code = ErrorCode.INSUFFICIENT_SCOPE

    def __init__(self, required: list[str]) -> None:
        scope = " ".join(required)
        detail = f"This request needs the scope: {scope}."
        super().__init__(detail, headers=_bearer_challenge("insufficient_scope", detail, scope))
