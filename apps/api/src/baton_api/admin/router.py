"""Administration: every route needs the `admin` scope (403 `insufficient_scope` otherwise)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from baton_api.admin import service
from baton_api.admin.dependencies import CurrentAdmin
from baton_api.admin.schemas import AdminUserRead, UserPage
from baton_api.core.dependencies import Client
from baton_api.core.errors import error_responses

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/users", response_model=UserPage, responses=error_responses(401, 403, 422))
async def list_users(
    admin: CurrentAdmin,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> UserPage:
    """All accounts, oldest first."""
    users, total = await service.list_users(limit=limit, offset=offset)
    return UserPage(items=[AdminUserRead.model_validate(u) for u in users], total=total, limit=limit, offset=offset)


@router.post(
    "/users/{user_id}/disable", response_model=AdminUserRead, responses=error_responses(401, 403, 404, 409, 422)
)
async def disable_user(user_id: uuid.UUID, admin: CurrentAdmin, client: Client) -> AdminUserRead:
    """Disable an account: its sessions end and its tokens stop working."""
    user = await service.set_active(admin, user_id, active=False, ip_address=client.ip_address)
    return AdminUserRead.model_validate(user)


@router.post(
    "/users/{user_id}/enable", response_model=AdminUserRead, responses=error_responses(401, 403, 404, 409, 422)
)
async def enable_user(user_id: uuid.UUID, admin: CurrentAdmin, client: Client) -> AdminUserRead:
    """Enable a disabled account (its old sessions stay ended)."""
    user = await service.set_active(admin, user_id, active=True, ip_address=client.ip_address)
    return AdminUserRead.model_validate(user)


@router.delete(
    "/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401, 403, 404, 409, 422)
)
async def delete_user(user_id: uuid.UUID, admin: CurrentAdmin) -> Response:
    """Delete an account with its sessions and security events."""
    await service.delete_user(admin, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
