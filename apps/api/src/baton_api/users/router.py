from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from baton_api.auth import throttling
from baton_api.core.dependencies import AppSettings, Client, Limiter
from baton_api.core.errors import error_responses
from baton_api.sessions.dependencies import CurrentSession
from baton_api.users import service
from baton_api.users.dependencies import CurrentUser
from baton_api.users.schemas import PasswordChange, SecurityEventPage, SecurityEventRead, UserRead

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me", response_model=UserRead, responses=error_responses(401))
async def read_me(user: CurrentUser) -> UserRead:
    """The signed-in user."""
    return UserRead.model_validate(user)


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(400, 401, 422, 429))
async def change_password(
    body: PasswordChange,
    user: CurrentUser,
    current: CurrentSession,
    settings: AppSettings,
    limiter: Limiter,
    client: Client,
) -> Response:
    """Change your password (the current one is required). Every other session ends."""
    await throttling.guard_password_check(limiter, client, user)
    await service.change_password(
        settings,
        user,
        current_password=body.current_password,
        new_password=body.new_password,
        current_session_id=current.id,
        ip_address=client.ip_address,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me/security-events", response_model=SecurityEventPage, responses=error_responses(401, 422))
async def list_security_events(
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    before: Annotated[int | None, Query(ge=1, le=2**62, description="Return events older than this id.")] = None,
) -> SecurityEventPage:
    """Your security log, newest first: sign-ins, failures, sessions ended, password changes, …"""
    events, next_before = await service.list_security_events(user.id, limit=limit, before=before)
    return SecurityEventPage(items=[SecurityEventRead.model_validate(e) for e in events], next_before=next_before)
