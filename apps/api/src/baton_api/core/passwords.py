"""bcrypt hashing off the event loop, behind a bounded limiter.

Passwords are NFKC-normalised (NIST SP 800-63B §5.1.1.2) and pre-hashed (OWASP: base64 of
SHA-256), so any length in any script is accepted and never silently truncated at bcrypt's
72-byte limit. Unknown users are checked against a dummy hash so they cost the same time.
"""

from __future__ import annotations

import base64
import hashlib
import unicodedata

import anyio
import bcrypt

_limiter: anyio.CapacityLimiter | None = None
_limiter_size = 1
_dummy_hashes: dict[int, bytes] = {}


def configure(max_concurrency: int) -> None:
    global _limiter, _limiter_size
    _limiter_size = max_concurrency
    _limiter = None  # created lazily inside the running event loop


def _get_limiter() -> anyio.CapacityLimiter:
    global _limiter
    if _limiter is None:
        _limiter = anyio.CapacityLimiter(_limiter_size)
    return _limiter


def _prehash(password: str) -> bytes:
    normalized = unicodedata.normalize("NFKC", password).encode("utf-8")
    return base64.b64encode(hashlib.sha256(normalized).digest())


def hash_password_sync(password: str, rounds: int) -> str:
    return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(rounds)).decode("ascii")


def verify_password_sync(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(_prehash(password), password_hash.encode("ascii"))
    except ValueError:
        return False


def _dummy_hash(rounds: int) -> str:
    if rounds not in _dummy_hashes:
        _dummy_hashes[rounds] = bcrypt.hashpw(b"baton-dummy", bcrypt.gensalt(rounds))
    return _dummy_hashes[rounds].decode("ascii")


async def hash_password(password: str, rounds: int) -> str:
    return await anyio.to_thread.run_sync(hash_password_sync, password, rounds, limiter=_get_limiter())


async def verify_password(password: str, password_hash: str | None, rounds: int) -> bool:
    """Check a password; with ``password_hash=None`` (unknown user) spend the same time, then fail."""
    if password_hash is None:
        dummy = _dummy_hash(rounds)
        await anyio.to_thread.run_sync(verify_password_sync, password, dummy, limiter=_get_limiter())
        return False
    return await anyio.to_thread.run_sync(verify_password_sync, password, password_hash, limiter=_get_limiter())


def needs_rehash(password_hash: str, rounds: int) -> bool:
    try:
        return int(password_hash.split("$")[2]) != rounds
    except (IndexError, ValueError):
        return True


async def warm_up(rounds: int) -> None:
    """Compute the dummy hash at startup, so the first unknown-user login is not slower."""
    await anyio.to_thread.run_sync(_dummy_hash, rounds)
