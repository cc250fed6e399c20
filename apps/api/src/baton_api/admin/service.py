"""Administration of accounts: list, disable, enable, delete, and creating or promoting an admin
(the `baton-api create-admin` command). Disabling or deleting an account ends its sessions, so
its refresh tokens fail at the next refresh and its access tokens at the next request."""

from __future__ import annotations

import uuid

from tortoise.transactions import in_transaction

from baton_api.admin.exceptions import CannotChangeOwnAccount, UserNotFound
from baton_api.auth import service as auth_service
from baton_api.config import Settings
from baton_api.core import passwords
from baton_api.sessions import service as sessions_service
from baton_api.users import service as users_service
from baton_api.users.models import User


async def list_users(*, limit: int, offset: int) -> tuple[list[User], int]:
    total = await User.all().count()
    users = await User.all().order_by("created_at", "id").offset(offset).limit(limit)
    return users, total


async def _target(admin: User, user_id: uuid.UUID) -> User:
    if user_id == admin.id:
        raise CannotChangeOwnAccount()
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise UserNotFound()
    return user


async def set_active(admin: User, user_id: uuid.UUID, *, active: bool, ip_address: str | None) -> User:
    user = await _target(admin, user_id)
    if user.is_active != active:
        user.is_active = active
        await user.save(update_fields=["is_active", "updated_at"])
        await auth_service.record_event(
            "account_enabled" if active else "account_disabled",
            user_id=user.id,
            ip_address=ip_address,
            by="admin",
            admin_id=str(admin.id),
        )
    if not active:
        await sessions_service.end_sessions(user.id, reason="account_disabled", by="admin", ip_address=ip_address)
    return user


async def delete_user(admin: User, user_id: uuid.UUID) -> None:
    """Delete the account; its sessions, refresh tokens and events go with it (cascade)."""
    user = await _target(admin, user_id)
    async with in_transaction():
        await sessions_service.end_sessions(user.id, reason="account_deleted", by="admin", ip_address=None)
        await user.delete()


async def create_or_promote_admin(settings: Settings, *, email: str, password: str | None) -> tuple[User, bool]:
    """Promote an existing account, or create a new admin account (``password`` required then,
    and held to the password policy). Returns the user and whether it was created."""
    email = users_service.normalize_email(email)
    user = await User.get_or_none(email=email)
    if user is not None:
        changed = []
        if not user.is_admin:
            user.is_admin = True
            changed.append("is_admin")
        if not user.is_active:
            user.is_active = True
            changed.append("is_active")
        if changed:
            await user.save(update_fields=[*changed, "updated_at"])
            await auth_service.record_event("account_promoted", user_id=user.id, by="console")
        return user, False
    if password is None:
        raise ValueError(f"no account for {email}: give a password to create it")
    await users_service.check_password_policy(settings, password, email=email)
    password_hash = await passwords.hash_password(password, settings.bcrypt_rounds)
    user = await User.create(email=email, password_hash=password_hash, is_admin=True)
    await auth_service.record_event("account_created", user_id=user.id, by="console", is_admin=True)
    return user, True
