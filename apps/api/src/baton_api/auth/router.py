"""The OAuth 2.0 token endpoint (RFC 6749 §4.3, §6), revocation (RFC 7009) and registration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response, status

from baton_api.auth import service, throttling
from baton_api.auth.schemas import TokenResponse
from baton_api.core.dependencies import AppSettings, Client, Codec, Limiter
from baton_api.core.errors import ErrorCode, InvalidRequest, OAuthError, error_responses
from baton_api.users import service as users_service
from baton_api.users.schemas import PASSWORD_MAX_LENGTH, UserCreate, UserRead

router = APIRouter(prefix="/auth", tags=["auth"])

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
MAX_FIELD = 4096


def _bounded(value: str | None, name: str, limit: int = MAX_FIELD) -> str | None:
    if value is not None and len(value) > limit:
        raise InvalidRequest(ErrorCode.INVALID_REQUEST, f"{name} is too long.")
    if value is not None and "\x00" in value:  # PostgreSQL text cannot hold NUL: refuse it here
        raise InvalidRequest(ErrorCode.INVALID_REQUEST, f"{name} must not contain NUL characters.")
    return value


async def reject_repeated_parameters(request: Request) -> None:
    """RFC 6749 §3.1/§3.2: request parameters MUST NOT be included more than once."""
    form = await request.form()  # parsed once; FastAPI reuses it for the Form() fields
    seen: set[str] = set()
    for key, _ in form.multi_items():
        if key in seen:
            raise InvalidRequest(ErrorCode.INVALID_REQUEST, f"The {key} parameter must not be repeated.")
        seen.add(key)


def _required(value: str | None, name: str) -> str:
    if not value:
        raise InvalidRequest(ErrorCode.INVALID_REQUEST, f"The {name} parameter is required.")
    return value


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=UserRead,
    responses=error_responses(400, 409, 422, 429),
)
async def register(body: UserCreate, settings: AppSettings, limiter: Limiter, client: Client) -> UserRead:
    """Create an account. The password must meet the policy (length, not a common password)."""
    await throttling.guard_register(limiter, client, email=str(body.email))
    user = await users_service.register(settings, email=str(body.email), password=body.password)
    return UserRead.model_validate(user)


@router.post(
    "/token",
    response_model=TokenResponse,
    responses=error_responses(400, 429, oauth=True),
    dependencies=[Depends(reject_repeated_parameters)],
)
async def token(
    response: Response,
    settings: AppSettings,
    codec: Codec,
    client: Client,
    limiter: Limiter,
    grant_type: Annotated[str | None, Form()] = None,
    username: Annotated[str | None, Form()] = None,
    password: Annotated[str | None, Form()] = None,
    refresh_token: Annotated[str | None, Form()] = None,
    scope: Annotated[str | None, Form()] = None,
    client_id: Annotated[str | None, Form()] = None,
) -> TokenResponse:
    """OAuth 2.0 token endpoint: `grant_type=password` signs in, `grant_type=refresh_token`
    rotates the single-use refresh token. Errors follow RFC 6749 §5.2 plus `error_code`."""
    response.headers.update(NO_STORE)
    _bounded(scope, "scope", 1024)
    _bounded(client_id, "client_id", 255)
    match grant_type:
        case "password":
            email = _required(_bounded(username, "username", 320), "username")
            secret = _required(_bounded(password, "password", PASSWORD_MAX_LENGTH), "password")
            await throttling.guard_sign_in(limiter, client, username=email)
            issued = await service.password_grant(
                settings, codec, username=email, password=secret, scope=scope, client=client
            )
        case "refresh_token":
            presented = _required(_bounded(refresh_token, "refresh_token"), "refresh_token")
            await throttling.guard_refresh(limiter, codec, client, refresh_token=presented)
            issued = await service.refresh_grant(settings, codec, refresh_token=presented, scope=scope, client=client)
        case None | "":
            raise InvalidRequest(ErrorCode.INVALID_REQUEST, "The grant_type parameter is required.")
        case _:
            raise OAuthError(
                ErrorCode.UNSUPPORTED_GRANT_TYPE,
                "grant_type must be password or refresh_token.",
                error="unsupported_grant_type",
            )
    return TokenResponse(
        access_token=issued.access_token,
        expires_in=issued.expires_in,
        refresh_token=issued.refresh_token,
        scope=issued.scope,
    )


@router.post(
    "/revoke",
    status_code=status.HTTP_200_OK,
    response_class=Response,
    responses=error_responses(400, oauth=True),
    dependencies=[Depends(reject_repeated_parameters)],
)
async def revoke(
    codec: Codec,
    client: Client,
    token: Annotated[str | None, Form()] = None,
    token_type_hint: Annotated[str | None, Form()] = None,
) -> Response:
    """RFC 7009 revocation: ends the session the token belongs to. Unknown tokens are not an error."""
    presented = _required(_bounded(token, "token"), "token")
    await service.revoke_token(codec, token=presented, token_type_hint=token_type_hint, client=client)
    return Response(status_code=status.HTTP_200_OK, headers=NO_STORE)
