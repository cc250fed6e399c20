"""The rate-limit guards of the auth endpoints (budgets and keys in ``core.ratelimit``).

- password grant: per client IP, then per account (all attempts count: ``hit`` is the atomic
  check, so a burst of parallel guesses cannot slip past a check-then-count gap);
- registration: per client IP, then per address;
- refresh: per session, keyed by the ``sid`` of a refresh token whose signature verified (a
  forged token cannot spend somebody else's budget; it fails in the state machine anyway).

Each rejection is written to the security event log, at most once per key and minute, so a
flood cannot turn into a flood of database writes.
"""

from __future__ import annotations

import uuid

from baton_api.auth import service
from baton_api.core import jwt, metrics
from baton_api.core.dependencies import ClientInfo
from baton_api.core.errors import RateLimited
from baton_api.core.ratelimit import Budget, RateLimiter, account_key
from baton_api.core.tokens import TokenCodec
from baton_api.users import service as users_service
from baton_api.users.models import User


async def _enforce(
    limiter: RateLimiter,
    budget: Budget,
    key: str | None,
    *,
    client: ClientInfo,
    oauth: bool,
    email: str | None = None,
    session_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
) -> None:
    rejection = await limiter.consume(budget, key)
    if rejection is None:
        return
    metrics.record_rate_limited(budget.value)
    if key and await limiter.should_record_rejection(budget, key):
        # Only an existing account gets the event in its log (a token may outlive its user).
        if email is not None:
            account = await User.get_or_none(email=users_service.normalize_email(email))
        else:
            account = await User.get_or_none(id=user_id) if user_id is not None else None
        user_id = account.id if account is not None else None
        await service.record_event(
            "rate_limited",
            user_id=user_id,
            session_id=session_id,
            ip_address=client.ip_address,
            budget=budget.value,
            retry_after=rejection.retry_after,
        )
    raise RateLimited(rejection.retry_after, oauth=oauth)


async def guard_sign_in(limiter: RateLimiter, client: ClientInfo, *, username: str) -> None:
    await _enforce(limiter, Budget.SIGN_IN_PER_IP, client.ip_address, client=client, oauth=True)
    await _enforce(
        limiter, Budget.SIGN_IN_PER_ACCOUNT, account_key(username), client=client, oauth=True, email=username
    )


async def guard_password_check(limiter: RateLimiter, client: ClientInfo, user: User) -> None:
    """A password change verifies the current password: it spends the account's sign-in budget."""
    await _enforce(
        limiter, Budget.SIGN_IN_PER_ACCOUNT, account_key(user.email), client=client, oauth=False, user_id=user.id
    )


async def guard_register(limiter: RateLimiter, client: ClientInfo, *, email: str) -> None:
    await _enforce(limiter, Budget.REGISTER_PER_IP, client.ip_address, client=client, oauth=False)
    await _enforce(limiter, Budget.REGISTER_PER_ACCOUNT, account_key(email), client=client, oauth=False)


async def guard_refresh(limiter: RateLimiter, codec: TokenCodec, client: ClientInfo, *, refresh_token: str) -> None:
    try:
        claims = codec.decode_refresh_token(refresh_token, verify_exp=False)
        session_id, user_id = uuid.UUID(claims.sid), uuid.UUID(claims.sub)
    except (jwt.TokenError, ValueError):
        return  # the state machine rejects it with the precise invalid_grant code
    await _enforce(
        limiter,
        Budget.REFRESH_PER_SESSION,
        str(session_id),
        client=client,
        oauth=True,
        session_id=session_id,
        user_id=user_id,
    )
