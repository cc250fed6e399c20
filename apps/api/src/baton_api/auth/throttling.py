"""The rate-limit guards of the auth endpoints (budgets and keys in ``core.ratelimit``).

- password grant: per client IP, then per account *and* client IP, then an account-wide ceiling.
  Every attempt counts before the password is checked (``hit`` is the atomic check, so a burst of
  parallel guesses cannot slip past a check-then-count gap). The ceiling stops guessing one
  account from many IPs; a client that has signed in to the account before is not held to it
  (only to its own, per-client budget), so an attacker elsewhere cannot lock the owner out;
- registration: per client IP, then per address;
- refresh: per session, keyed by the ``sid`` of a refresh token whose signature verified (a
  forged token cannot spend somebody else's budget; it fails in the state machine anyway).

Each rejection is written to the security event log, at most once per key and minute, so a
flood cannot turn into a flood of database writes.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from baton_api.auth import service
from baton_api.auth.models import SecurityEvent
from baton_api.core import jwt, metrics
from baton_api.core.dependencies import ClientInfo
from baton_api.core.errors import RateLimited
from baton_api.core.ratelimit import Budget, RateLimiter, Rejection, account_client_key, account_key
from baton_api.core.tokens import TokenCodec
from baton_api.users import service as users_service
from baton_api.users.models import User

# How long a successful sign-in from an address keeps that address "known" to the account: about
# the absolute lifetime of a session (BATON_SESSION_MAX_AGE_SECONDS' default).
KNOWN_CLIENT_WINDOW = timedelta(days=30)


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
    await _refuse(
        await limiter.consume(budget, key),
        limiter,
        key,
        client=client,
        oauth=oauth,
        email=email,
        session_id=session_id,
        user_id=user_id,
    )


async def _refuse(
    rejection: Rejection | None,
    limiter: RateLimiter,
    key: str | None,
    *,
    client: ClientInfo,
    oauth: bool,
    email: str | None = None,
    session_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
) -> None:
    if rejection is None:
        return
    budget = rejection.budget
    metrics.record_rate_limited(budget.value)
    if key and await limiter.should_record_rejection(budget, key):
        # Only an existing account gets the event in its log (a token may outlive its user).
        if user_id is not None:
            account = await User.get_or_none(id=user_id)
        else:
            account = await users_service.get_by_email(email) if email else None
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


async def _known_client(user_id: uuid.UUID | None, ip_address: str | None) -> bool:
    """Has this address signed in to this account lately? Only asked once the account-wide
    ceiling is spent, so it costs a query only while the account is under attack."""
    if user_id is None or not ip_address:
        return False
    return await SecurityEvent.filter(
        type="sign_in", user_id=user_id, ip_address=ip_address, created_at__gte=service.utcnow() - KNOWN_CLIENT_WINDOW
    ).exists()


async def _guard_account(
    limiter: RateLimiter, client: ClientInfo, *, email: str, user_id: uuid.UUID | None, oauth: bool
) -> None:
    """The per-client budget binds everyone; the account-wide ceiling binds clients the account
    has not seen sign in, and answers them alike whatever password they bring (no oracle)."""
    await _enforce(
        limiter,
        Budget.SIGN_IN_PER_ACCOUNT_IP,
        account_client_key(email, client.ip_address),
        client=client,
        oauth=oauth,
        email=email,
        user_id=user_id,
    )
    key = account_key(email)
    rejection = await limiter.consume(Budget.SIGN_IN_PER_ACCOUNT, key)
    if rejection is None:
        return
    if user_id is None:
        account = await users_service.get_by_email(email)
        user_id = account.id if account is not None else None
    if await _known_client(user_id, client.ip_address):
        return
    await _refuse(rejection, limiter, key, client=client, oauth=oauth, email=email, user_id=user_id)


async def guard_sign_in(limiter: RateLimiter, client: ClientInfo, *, username: str) -> None:
    await _enforce(limiter, Budget.SIGN_IN_PER_IP, client.ip_address, client=client, oauth=True)
    await _guard_account(limiter, client, email=username, user_id=None, oauth=True)


async def guard_password_check(limiter: RateLimiter, client: ClientInfo, user: User) -> None:
    """A password change verifies the current password: it spends the account's sign-in budgets."""
    await _guard_account(limiter, client, email=user.email, user_id=user.id, oauth=False)


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
