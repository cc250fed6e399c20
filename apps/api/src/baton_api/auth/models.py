"""Sessions (refresh-token families), the refresh tokens of each chain, and security events.

No raw token is ever stored: a refresh token row holds its ``jti`` and the claims needed to
re-encode it byte for byte (HS256 is deterministic), which the grace window relies on.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class Session(Model):
    id = fields.UUIDField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sessions", on_delete=fields.CASCADE
    )
    scope = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()  # absolute lifetime of the family
    revoked_at = fields.DatetimeField(null=True)
    revoked_reason = fields.CharField(max_length=64, null=True)
    user_agent = fields.CharField(max_length=512, null=True)
    ip_address = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "sessions"


class RefreshToken(Model):
    jti = fields.UUIDField(primary_key=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "models.Session", related_name="refresh_tokens", on_delete=fields.CASCADE
    )
    parent_jti = fields.UUIDField(null=True, unique=True)
    child_jti = fields.UUIDField(null=True, unique=True)
    issued_at = fields.IntField()  # JWT `iat`, seconds since the epoch
    expires_at = fields.IntField()  # JWT `exp`
    rotated_at = fields.DatetimeField(null=True)
    revoked = fields.BooleanField(default=False)

    class Meta:
        table = "refresh_tokens"


class SecurityEvent(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="security_events", null=True, on_delete=fields.CASCADE
    )
    session_id = fields.UUIDField(null=True)
    type = fields.CharField(max_length=64)
    detail: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    ip_address = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "security_events"
        ordering = ["-id"]


from baton_api.users.models import User  # noqa: E402  (resolves the forward references above)
