from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class SessionRead(BaseModel):
    """One signed-in device: a refresh-token family."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    created_at: datetime
    last_used_at: datetime = Field(description="When the session last signed in or refreshed.")
    expires_at: datetime = Field(description="The session's absolute end; refreshing never extends it.")
    user_agent: str | None
    ip_address: str | None
    current: bool = Field(description="True for the session of the access token making this request.")


class EndedSessions(BaseModel):
    ended: int = Field(description="How many sessions were ended.")
