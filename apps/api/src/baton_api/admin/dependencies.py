from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from baton_api.auth.dependencies import AdminClaims
from baton_api.auth.exceptions import InsufficientScope
from baton_api.sessions import service as sessions_service
from baton_api.sessions.exceptions import CurrentSessionEnded
from baton_api.users.dependencies import load_active_user
from baton_api.users.models import User


async def get_current_admin(claims: AdminClaims) -> User:
    """The token must carry the `admin` scope, its user must still be an active admin, and its
    session must still be alive: a demotion, a disabled account or a sign-out takes effect
    before the access token expires."""
    user = await load_active_user(claims)
    if not user.is_admin:
        raise InsufficientScope(["admin"])
    try:
        session_id = uuid.UUID(claims.sid)
    except ValueError as exc:
        raise CurrentSessionEnded() from exc
    if await sessions_service.get_active_session(user.id, session_id) is None:
        raise CurrentSessionEnded()
    return user


CurrentAdmin = Annotated[User, Depends(get_current_admin)]
