"""Typed SDK errors. Every API error carries the server's stable ``error_code``: branch on it, never
on the human-readable ``detail``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from baton_client.models.error_code import ERROR_CODE_VALUES

UNKNOWN_ERROR_CODE = "unknown"

# RFC 6749 §5.2: `invalid_grant` means the grant itself is dead: sign in again, do not retry.
INVALID_GRANT = "invalid_grant"


class BatonError(Exception):
    """Base class of every error the SDK raises."""


class NetworkError(BatonError):
    """The API could not be reached, even after the bounded retries."""


class NotAuthenticatedError(BatonError):
    """No tokens: never signed in, or the session has ended (the store was cleared)."""

    error_code = "not_authenticated"


class ApiError(BatonError):
    """The API answered with an error status."""

    def __init__(self, status_code: int, error_code: str, detail: Any, body: Any = None) -> None:
        self.status_code = status_code
        self.error_code = error_code
        self.detail = detail
        self.body = body
        super().__init__(f"{status_code} {error_code}: {detail}")


class OAuthError(ApiError):
    """An RFC 6749 §5.2 error from the token or revocation endpoint (HTTP 400)."""

    def __init__(self, status_code: int, error_code: str, detail: Any, body: Any = None, *, error: str) -> None:
        super().__init__(status_code, error_code, detail, body)
        self.error = error


class InvalidGrantError(OAuthError):
    """The credentials or refresh token were refused: the session is over, sign in again."""


class AuthenticationError(ApiError):
    """401: missing, invalid or expired access token (``token_expired`` is the only refreshable one)."""


class PermissionDeniedError(ApiError):
    """403: authenticated, but the token lacks a scope."""


class NotFoundError(ApiError):
    """404."""


class ConflictError(ApiError):
    """409: e.g. ``email_already_registered``."""


class ValidationFailedError(ApiError):
    """422: ``detail`` is the list of validation issues."""


class RateLimitedError(ApiError):
    """429: ``retry_after`` (seconds) when the server said so."""

    def __init__(self, status_code: int, error_code: str, detail: Any, body: Any = None, *, retry_after: float | None):
        super().__init__(status_code, error_code, detail, body)
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx."""


_BY_STATUS: dict[int, type[ApiError]] = {
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationFailedError,
}


def _decode(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except ValueError:
        return None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def error_code_of(body: Any) -> str:
    """The body's ``error_code`` if it is one the API documents, else ``"unknown"``."""
    code = body.get("error_code") if isinstance(body, dict) else None
    return code if isinstance(code, str) and code in ERROR_CODE_VALUES else UNKNOWN_ERROR_CODE


def error_from_response(status_code: int, content: bytes, headers: Mapping[str, str]) -> ApiError:
    """Turn an error response into the matching typed exception."""
    body = _decode(content)
    code = error_code_of(body)
    detail: Any = body.get("detail", body.get("error_description")) if isinstance(body, dict) else content[:200]
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        oauth_error: str = body["error"]
        cls = InvalidGrantError if oauth_error == INVALID_GRANT else OAuthError
        return cls(status_code, code, body.get("error_description", detail), body, error=oauth_error)
    if status_code == 429:
        return RateLimitedError(status_code, code, detail, body, retry_after=_retry_after(headers))
    if status_code >= 500:
        return ServerError(status_code, code, detail, body)
    return _BY_STATUS.get(status_code, ApiError)(status_code, code, detail, body)
