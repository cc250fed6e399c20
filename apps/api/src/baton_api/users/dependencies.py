from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from baton_api.auth.dependencies import AccessClaims
from baton_api.auth.exceptions import TokenInvalid
from baton_api.users.models import User


async def get_current_user(claims: AccessClaims) -> User:
    try:
        user_id = uuid.UUID(claims.sub)
    except ValueError as exc:
        raise TokenInvalid() from exc
    user = await User.get_or_none(id=user_id)
    if user is None or not user.is_active:
        raise TokenInvalid("The account behind this token no longer exists or is disabled.")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
