from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from baton_api.auth.dependencies import AccessClaims
from baton_api.auth.exceptions import TokenInvalid
from baton_api.core.jwt import AccessClaims as AccessClaimsType
from baton_api.users.models import User


async def load_active_user(claims: AccessClaimsType) -> User:
    """The user a verified access token names; 401 if that account is gone or disabled."""
    try:
        user_id = uuid.UUID(claims.sub)
    except ValueError as exc:
        raise TokenInvalid() from exc
    user = await User.get_or_none(id=user_id)
    if user is None or not user.is_active:
        raise TokenInvalid("The account behind this token no longer exists or is disabled.")
    return user


async def get_current_user(claims: AccessClaims) -> User:
    return await load_active_user(claims)


CurrentUser = Annotated[User, Depends(get_current_user)]
