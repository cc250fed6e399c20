from __future__ import annotations

import functools
import unicodedata
import uuid

import anyio
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from baton_api.auth.models import SecurityEvent
from baton_api.config import Settings
from baton_api.core import emails, password_policy, passwords
from baton_api.users.exceptions import CurrentPasswordIncorrect, EmailAlreadyRegistered, PasswordRejected
from baton_api.users.models import User


def normalize_email(email: str) -> str:
    return emails.normalize_email(email)


async def check_password_policy(
    settings: Settings, password: str, *, email: str | None, field: str = "password"
) -> None:
    """Raise ``PasswordRejected`` (422) unless ``password`` meets the policy. zxcvbn's estimate
    takes milliseconds of CPU, so it runs off the event loop."""
    violations = await anyio.to_thread.run_sync(
        functools.partial(
            password_policy.check_password,
            password,
            min_length=settings.password_min_length,
            min_strength=settings.password_min_strength,
            email=email,
        )
    )
    if violations:
        raise PasswordRejected(violations, field=field)


async def register(settings: Settings, *, email: str, password: str) -> User:
    email = normalize_email(email)
    await check_password_policy(settings, password, email=email)
    if await User.exists(email=email):
        raise EmailAlreadyRegistered()
    password_hash = await passwords.hash_password(password, settings.bcrypt_rounds)
    try:
        return await User.create(email=email, password_hash=password_hash)
    except IntegrityError as exc:  # a concurrent registration of the same address won
        raise EmailAlreadyRegistered() from exc


async def get_by_email(email: str) -> User | None:
    return await User.get_or_none(email=normalize_email(email))


async def authenticate(settings: Settings, account: User | None, password: str) -> bool:
    """Whether ``password`` signs in to ``account``. An unknown address (``None``) costs one
    bcrypt check too, then fails; so does a disabled account."""
    password_hash = account.password_hash if account else None
    valid = await passwords.verify_password(password, password_hash, settings.bcrypt_rounds)
    if account is None or not valid or not account.is_active:
        return False
    if passwords.needs_rehash(account.password_hash, settings.bcrypt_rounds):
        account.password_hash = await passwords.hash_password(password, settings.bcrypt_rounds)
        await account.save(update_fields=["password_hash", "updated_at"])
    return True


async def change_password(
    settings: Settings,
    user: User,
    *,
    current_password: str,
    new_password: str,
    current_session_id: uuid.UUID,
    ip_address: str | None,
) -> int:
    """Verify the current password, check the new one against the policy, store its hash, and
    end every other session (a thief's stolen refresh token dies with them). Returns how many."""
    # sessions.service builds on auth.service, which imports this module: import at call time.
    from baton_api.sessions import service as sessions_service

    if not await passwords.verify_password(current_password, user.password_hash, settings.bcrypt_rounds):
        raise CurrentPasswordIncorrect()
    await check_password_policy(settings, new_password, email=user.email, field="new_password")
    if unicodedata.normalize("NFKC", new_password) == unicodedata.normalize("NFKC", current_password):
        unchanged = password_policy.PolicyViolation(
            "password_unchanged", "The new password must differ from the current one."
        )
        raise PasswordRejected([unchanged], field="new_password")
    new_hash = await passwords.hash_password(new_password, settings.bcrypt_rounds)
    # All or nothing: a new password with some old sessions still alive would defeat the point.
    async with in_transaction():
        user.password_hash = new_hash
        await user.save(update_fields=["password_hash", "updated_at"])
        ended = await sessions_service.end_sessions(
            user.id, keep=current_session_id, reason="password_changed", by="password_change", ip_address=ip_address
        )
        await SecurityEvent.create(
            type="password_changed",
            user_id=user.id,
            session_id=current_session_id,
            ip_address=ip_address,
            detail={"other_sessions_ended": ended},
        )
    return ended


async def list_security_events(
    user_id: uuid.UUID, *, limit: int, before: int | None
) -> tuple[list[SecurityEvent], int | None]:
    """The user's events, newest first, in keyset pages: ``before`` is the last id already seen."""
    query = SecurityEvent.filter(user_id=user_id)
    if before is not None:
        query = query.filter(id__lt=before)
    events = await query.order_by("-id").limit(limit + 1)
    if len(events) > limit:
        return events[:limit], events[limit - 1].id
    return events, None
