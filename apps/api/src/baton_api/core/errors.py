"""Typed errors with stable codes, and the single place that turns them into responses."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path


class ErrorCode(StrEnum):
    # authentication of API calls (RFC 6750)
    NOT_AUTHENTICATED = "not_authenticated"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_INVALID = "token_invalid"
    INSUFFICIENT_SCOPE = "insufficient_scope"
    # token endpoint (RFC 6749 §5.2 carries these as error_code beside `error`)
    INVALID_REQUEST = "invalid_request"
    UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type"
    INVALID_SCOPE = "invalid_scope"
    INVALID_CREDENTIALS = "invalid_credentials"
    REFRESH_TOKEN_INVALID = "refresh_token_invalid"
    REFRESH_TOKEN_EXPIRED = "refresh_token_expired"
    REFRESH_TOKEN_REVOKED = "refresh_token_revoked"
    REFRESH_TOKEN_REUSED = "refresh_token_reused"
    SESSION_REVOKED = "session_revoked"
    SESSION_EXPIRED = "session_expired"
    # everything else
    EMAIL_ALREADY_REGISTERED = "email_already_registered"
    VALIDATION_ERROR = "validation_error"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    RATE_LIMITED = "rate_limited"
    INTERNAL_ERROR = "internal_error"


class ErrorResponse(BaseModel):
    """Body of every non-OAuth error: branch on ``error_code``, show ``detail``."""

    error_code: ErrorCode
    detail: str


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorResponse(BaseModel):
    error_code: ErrorCode = ErrorCode.VALIDATION_ERROR
    detail: list[ValidationIssue]


class OAuthErrorResponse(BaseModel):
    """RFC 6749 §5.2 error, plus Baton's stable ``error_code``."""

    error: str
    error_description: str
    error_code: ErrorCode


class BatonError(Exception):
    status_code: int = status.HTTP_400_BAD_REQUEST
    code: ErrorCode = ErrorCode.INVALID_REQUEST
    default_detail = "Bad request."

    def __init__(self, detail: str | None = None, *, headers: dict[str, str] | None = None) -> None:
        self.detail = detail or self.default_detail
        self.headers = headers or {}
        super().__init__(self.detail)

    def body(self) -> dict[str, Any]:
        return {"error_code": self.code.value, "detail": self.detail}


class NotFound(BatonError):
    status_code = status.HTTP_404_NOT_FOUND
    code = ErrorCode.NOT_FOUND
    default_detail = "Not found."


class Conflict(BatonError):
    status_code = status.HTTP_409_CONFLICT


class OAuthError(BatonError):
    """An error of the token or revocation endpoint, in RFC 6749 §5.2 form."""

    error = "invalid_request"

    def __init__(self, code: ErrorCode, detail: str, *, error: str | None = None) -> None:
        super().__init__(detail, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})
        self.code = code
        self.error = error or self.error

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "error_description": self.detail, "error_code": self.code.value}


class InvalidRequest(OAuthError):
    error = "invalid_request"


class InvalidGrant(OAuthError):
    error = "invalid_grant"


class RateLimited(BatonError):
    """429 with ``Retry-After`` (RFC 6585 §4). On the OAuth endpoints the body keeps the RFC 6749
    §5.2 shape (``temporarily_unavailable``), so OAuth client libraries still parse it."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = ErrorCode.RATE_LIMITED
    default_detail = "Too many attempts; try again later."

    def __init__(self, retry_after: int, *, oauth: bool = False) -> None:
        headers = {"Retry-After": str(retry_after)}
        if oauth:
            headers |= {"Cache-Control": "no-store", "Pragma": "no-cache"}
        super().__init__(f"Too many attempts; try again in {retry_after} seconds.", headers=headers)
        self.retry_after = retry_after
        self.oauth = oauth

    def body(self) -> dict[str, Any]:
        if self.oauth:
            return {"error": "temporarily_unavailable", "error_description": self.detail, "error_code": self.code.value}
        return super().body()


def error_responses(*codes: int, oauth: bool = False) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route, so both generated clients get typed error models."""
    model = OAuthErrorResponse if oauth else ErrorResponse
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        if code == 422:
            out[code] = {"model": ValidationErrorResponse, "description": "Validation error"}
        elif code in (401, 403) and oauth is False:
            out[code] = {"model": ErrorResponse, "description": _DESCRIPTIONS[code]}
        else:
            out[code] = {"model": model, "description": _DESCRIPTIONS.get(code, "Error")}
        if code == 429:
            out[code]["headers"] = {
                "Retry-After": {"description": "Seconds until a retry can succeed.", "schema": {"type": "integer"}}
            }
    return out


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Not authenticated: missing, invalid or expired access token",
    403: "Insufficient scope",
    404: "Not found",
    409: "Conflict",
    413: "Request body too large",
    429: "Too many requests",
}


def _json_safe_loc(loc: Any) -> list[str | int]:
    return [part if isinstance(part, int) else str(part) for part in loc]


def _allowed_methods(request: Request) -> str:
    """RFC 9110 §15.5.6: ``Allow`` lists every method of the path. Starlette names only those of
    the first route that matched, but one path can carry several operations (``GET`` and
    ``DELETE /auth/sessions``), so ask the OpenAPI document, which knows them all."""
    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        if compile_path(template)[0].match(request.url.path):
            methods |= {method.upper() for method in operations}
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI, *, oauth_paths: frozenset[str]) -> None:
    async def handle_baton_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, BatonError)
        return JSONResponse(exc.body(), status_code=exc.status_code, headers=exc.headers)

    async def handle_validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        if request.url.path in oauth_paths:
            return await handle_baton_error(
                request, InvalidRequest(ErrorCode.INVALID_REQUEST, "The request is malformed.")
            )
        issues = [
            ValidationIssue(
                loc=_json_safe_loc(e.get("loc", ())), msg=str(e.get("msg", "")), type=str(e.get("type", ""))
            )
            for e in exc.errors()
        ]
        body = ValidationErrorResponse(detail=issues)
        return JSONResponse(body.model_dump(mode="json"), status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    async def handle_http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if request.url.path in oauth_paths and exc.status_code == 400:
            # e.g. an unparsable multipart body: OAuth clients must still get RFC 6749 §5.2
            return await handle_baton_error(request, InvalidRequest(ErrorCode.INVALID_REQUEST, str(exc.detail)))
        code = {
            404: ErrorCode.NOT_FOUND,
            405: ErrorCode.METHOD_NOT_ALLOWED,
        }.get(exc.status_code, ErrorCode.INVALID_REQUEST)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request)
        return JSONResponse(
            {"error_code": code.value, "detail": str(exc.detail)},
            status_code=exc.status_code,
            headers=headers,
        )

    app.add_exception_handler(BatonError, handle_baton_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
