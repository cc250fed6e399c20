"""The signed-in user's sessions (devices): `GET /auth/sessions`, `DELETE /auth/sessions/{id}`,
`DELETE /auth/sessions` (all others)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from baton_api.core.dependencies import AppSettings, Client
from baton_api.core.errors import error_responses
from baton_api.sessions import service
from baton_api.sessions.dependencies import CurrentSession
from baton_api.sessions.schemas import EndedSessions, SessionRead
from baton_api.users.dependencies import CurrentUser

router = APIRouter(prefix="/auth/sessions", tags=["sessions"])


@router.get("", response_model=list[SessionRead], responses=error_responses(401))
async def list_sessions(user: CurrentUser, current: CurrentSession, settings: AppSettings) -> list[SessionRead]:
    """Your active sessions, most recently used first; `current` marks this one."""
    sessions = await service.list_active_sessions(user.id, idle_ttl_seconds=settings.refresh_token_ttl_seconds)
    return [
        SessionRead(
            id=s.id,
            created_at=s.created_at,
            last_used_at=s.last_used_at,
            expires_at=s.expires_at,
            user_agent=s.user_agent,
            ip_address=s.ip_address,
            current=s.id == current.id,
        )
        for s in sessions
    ]


@router.delete("/{session_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401, 404, 422))
async def end_session(session_id: uuid.UUID, user: CurrentUser, current: CurrentSession, client: Client) -> Response:
    """End one of your sessions (sign a device out); its refresh token stops working at once."""
    await service.end_own_session(user.id, session_id, ip_address=client.ip_address)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("", response_model=EndedSessions, responses=error_responses(401))
async def end_other_sessions(user: CurrentUser, current: CurrentSession, client: Client) -> EndedSessions:
    """End every session except this one."""
    ended = await service.end_sessions(
        user.id, keep=current.id, reason="ended_by_user", by="user", ip_address=client.ip_address
    )
    return EndedSessions(ended=ended)
