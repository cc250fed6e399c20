from __future__ import annotations

from fastapi import APIRouter

from baton_api.core.errors import error_responses
from baton_api.users.dependencies import CurrentUser
from baton_api.users.schemas import UserRead

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me", response_model=UserRead, responses=error_responses(401))
async def read_me(user: CurrentUser) -> UserRead:
    """The signed-in user."""
    return UserRead.model_validate(user)
