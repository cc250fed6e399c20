from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class AdminUserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    is_active: bool
    is_admin: bool
    created_at: datetime


class UserPage(BaseModel):
    items: list[AdminUserRead]
    total: int
    limit: int
    offset: int
