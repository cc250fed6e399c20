from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 1024  # pre-hashing makes any length safe for bcrypt; this bounds request work


class UserCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"email": "ada@example.com", "password": "correct horse battery staple"}]}
    )

    email: EmailStr = Field(max_length=320)
    password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    is_admin: bool
    created_at: datetime


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)
    new_password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)


class SecurityEventRead(BaseModel):
    """One entry of the account's security log. Never contains a token or a password."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    type: str = Field(
        description="sign_in, sign_in_failed, refresh_token_reused, session_ended, password_changed, rate_limited, …"
    )
    created_at: datetime
    ip_address: str | None
    session_id: uuid.UUID | None
    detail: dict[str, Any]


class SecurityEventPage(BaseModel):
    items: list[SecurityEventRead]
    next_before: int | None = Field(description="Pass as `before` to read older events; null on the last page.")
