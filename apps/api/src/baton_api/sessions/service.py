"""A user's sessions (devices): list them, end one, end all but the current one.

A session is a refresh-token family (``auth.models.Session``); ending it revokes every refresh
token of the family at once (``auth.service.end_session``), so the next refresh fails with
``invalid_grant``. Every ending is written to the security event log with who ended it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from baton_api.auth import service as auth_service
from baton_api.auth.models import Session
from baton_api.sessions.exceptions import SessionNotFound


async def get_active_session(user_id: uuid.UUID, session_id: uuid.UUID) -> Session | None:
    return await Session.get_or_none(
        id=session_id, user_id=user_id, revoked_at__isnull=True, expires_at__gt=datetime.now(UTC)
    )


async def list_active_sessions(user_id: uuid.UUID, *, idle_ttl_seconds: int) -> list[Session]:
    return await (
        auth_service.live_sessions(idle_ttl_seconds=idle_ttl_seconds)
        .filter(user_id=user_id)
        .order_by("-last_used_at", "id")
    )


async def end_own_session(user_id: uuid.UUID, session_id: uuid.UUID, *, ip_address: str | None) -> None:
    """End one of the user's sessions. Someone else's session, or one already ended, is 404:
    the answer never reveals whether another user's session id exists."""
    if await get_active_session(user_id, session_id) is None:
        raise SessionNotFound()
    if await auth_service.end_session(session_id, reason="ended_by_user"):
        await auth_service.record_event(
            "session_ended", user_id=user_id, session_id=session_id, ip_address=ip_address, by="user"
        )


async def end_sessions(
    user_id: uuid.UUID, *, keep: uuid.UUID | None = None, reason: str, by: str, ip_address: str | None
) -> int:
    """End every active session of the user except ``keep``; how many this call ended."""
    query = Session.filter(user_id=user_id, revoked_at__isnull=True, expires_at__gt=datetime.now(UTC))
    if keep is not None:
        query = query.exclude(id=keep)
    ended = 0
    for session in await query.only("id"):
        session_id = session.id
        # end_session is a compare-and-set: a session ended concurrently elsewhere is not counted.
        if await auth_service.end_session(session_id, reason=reason):
            ended += 1
            await auth_service.record_event(
                "session_ended", user_id=user_id, session_id=session_id, ip_address=ip_address, by=by, reason=reason
            )
    return ended
