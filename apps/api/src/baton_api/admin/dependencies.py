from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from baton_api.auth.dependencies import AdminClaims
from baton_api.auth.exceptions import InsufficientScope, TokenInvalid
from baton_api.users.models import User


async def get_current_admin(claims: AdminClaims) -> User:
    """The token must carry the `admin` scope *and* its user must still be an active admin:
    a demotion or a disabled account takes effect before the access token expires."""
    try:
        user_id = uuid.UUID(claims.sub)
    except ValueError as exc:
        raise TokenInvalid() from exc
    user = await User.get_or_none(id=user_id)
    if user is None or not user.is_active:
        raise TokenInvalid("The account behind this token no longer exists or is disabled.")
    if not user.is_admin:
        raise InsufficientScope(["admin"])
    return user


CurrentAdmin = Annotated[User, Depends(get_current_admin)]
