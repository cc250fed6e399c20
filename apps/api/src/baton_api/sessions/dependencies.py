from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from baton_api.auth.dependencies import AccessClaims
from baton_api.auth.models import Session
from baton_api.sessions import service
from baton_api.sessions.exceptions import CurrentSessionEnded
from baton_api.users.dependencies import CurrentUser


async def get_current_session(claims: AccessClaims, user: CurrentUser) -> Session:
    """The session behind the access token, which must still be active. Access tokens are
    verified statelessly elsewhere; account and session management asks the database too, so a
    token whose session was ended cannot end other sessions or change the password."""
    try:
        session_id = uuid.UUID(claims.sid)
    except ValueError as exc:
        raise CurrentSessionEnded() from exc
    session = await service.get_active_session(user.id, session_id)
    if session is None:
        raise CurrentSessionEnded()
    return session


CurrentSession = Annotated[Session, Depends(get_current_session)]
