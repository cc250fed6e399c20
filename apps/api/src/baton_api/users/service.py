from __future__ import annotations

from tortoise.exceptions import IntegrityError

from baton_api.config import Settings
from baton_api.core import passwords
from baton_api.users.exceptions import EmailAlreadyRegistered
from baton_api.users.models import User


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def register(settings: Settings, *, email: str, password: str) -> User:
    email = normalize_email(email)
    if await User.exists(email=email):
        raise EmailAlreadyRegistered()
    password_hash = await passwords.hash_password(password, settings.bcrypt_rounds)
    try:
        return await User.create(email=email, password_hash=password_hash)
    except IntegrityError as exc:  # a concurrent registration of the same address won
        raise EmailAlreadyRegistered() from exc


async def authenticate(settings: Settings, email: str, password: str) -> User | None:
    """The user for these credentials, or None. Unknown addresses cost one bcrypt check too."""
    user = await User.get_or_none(email=normalize_email(email))
    valid = await passwords.verify_password(password, user.password_hash if user else None, settings.bcrypt_rounds)
    if user is None or not valid or not user.is_active:
        return None
    if passwords.needs_rehash(user.password_hash, settings.bcrypt_rounds):
        user.password_hash = await passwords.hash_password(password, settings.bcrypt_rounds)
        await user.save(update_fields=["password_hash", "updated_at"])
    return user
