from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from baton_api.auth.dependencies import AdminClaims
from baton_api.auth.exceptions import InsufficientScope
from baton_api.users.dependencies import load_active_user
from baton_api.users.models import User


async def get_current_admin(claims: AdminClaims) -> User:
    """The token must carry the `admin` scope *and* its user must still be an active admin:
    a demotion or a disabled account takes effect before the access token expires."""
    user = await load_active_user(claims)
    if not user.is_admin:
        raise InsufficientScope(["admin"])
    return user


CurrentAdmin = Annotated[User, Depends(get_current_admin)]
