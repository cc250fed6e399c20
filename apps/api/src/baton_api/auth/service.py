"""Sign-in, the refresh state machine (DESIGN §6) and revocation.

Rotation is a compare-and-set inside one transaction, never read-check-write: the single
``UPDATE … WHERE jti = ? AND rotated_at IS NULL AND NOT revoked`` decides the one winner on
every database (SQLite ignores ``SELECT … FOR UPDATE``), and a unique ``parent_jti`` makes a
forked chain impossible even if that logic were ever wrong.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from baton_api.auth.models import RefreshToken, SecurityEvent, Session
from baton_api.config import Settings
from baton_api.core import jwt, metrics
from baton_api.core.dependencies import ClientInfo
from baton_api.core.errors import ErrorCode, InvalidGrant, OAuthError
from baton_api.core.tokens import TokenCodec
from baton_api.users import service as users_service
from baton_api.users.models import User

logger = logging.getLogger("baton.auth")

USER_SCOPES = frozenset({"user"})
ADMIN_SCOPES = USER_SCOPES | {"admin"}


class RefreshOutcome(StrEnum):
    ROTATED = "rotated"
    GRACE_REPLAY = "grace_replay"


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access_token: str
    expires_in: int
    refresh_token: str
    scope: str
    session_id: uuid.UUID
    outcome: RefreshOutcome = RefreshOutcome.ROTATED
    user_id: uuid.UUID | None = None


def utcnow() -> datetime:
    return datetime.now(UTC)


def allowed_scopes(user: User) -> frozenset[str]:
    return ADMIN_SCOPES if user.is_admin else USER_SCOPES


# RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces.
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5B\x5D-\x7E]+")


def parse_scope(requested: str) -> set[str]:
    tokens = [t for t in requested.split(" ") if t]
    if not all(_SCOPE_TOKEN.fullmatch(t) for t in tokens):
        raise OAuthError(ErrorCode.INVALID_SCOPE, "The scope parameter is malformed.", error="invalid_scope")
    return set(tokens)


def resolve_scope(requested: str | None, user: User) -> str:
    """RFC 6749 §3.3: no scope asked → everything the user may have; otherwise a subset of it."""
    allowed = allowed_scopes(user)
    if requested is None or not requested.strip(" "):
        return " ".join(sorted(allowed))
    asked = parse_scope(requested)
    if not asked <= allowed:
        unknown = " ".join(sorted(asked - allowed))
        raise OAuthError(
            ErrorCode.INVALID_SCOPE, f"Scope not available to this user: {unknown}.", error="invalid_scope"
        )
    return " ".join(sorted(asked))


async def record_event(
    event_type: str,
    *,
    user_id: uuid.UUID | None,
    session_id: uuid.UUID | None = None,
    ip_address: str | None = None,
    **detail: Any,
) -> None:
    await SecurityEvent.create(
        type=event_type, user_id=user_id, session_id=session_id, ip_address=ip_address, detail=detail
    )


@metrics.instrument_grant("password")
async def password_grant(
    settings: Settings, codec: TokenCodec, *, username: str, password: str, scope: str | None, client: ClientInfo
) -> IssuedTokens:
    user = await users_service.get_by_email(username)
    if not await users_service.authenticate(settings, user, password) or user is None:
        # The owner of an existing account sees the failed attempt in their security log; the
        # answer is the same whether the account exists or not.
        await record_event(
            "sign_in_failed",
            user_id=user.id if user else None,
            ip_address=client.ip_address,
            reason="invalid_credentials",
        )
        raise InvalidGrant(ErrorCode.INVALID_CREDENTIALS, "Incorrect email or password.")
    granted = resolve_scope(scope, user)
    tokens = await start_session(settings, codec, user, scope=granted, client=client)
    await record_event("sign_in", user_id=user.id, session_id=tokens.session_id, ip_address=client.ip_address)
    return tokens


async def start_session(
    settings: Settings, codec: TokenCodec, user: User, *, scope: str, client: ClientInfo
) -> IssuedTokens:
    now = utcnow()
    now_ts = int(now.timestamp())
    session_id = uuid.uuid4()
    # Whole seconds, like the JWT `exp` it caps: the session and its last token end together.
    session_expires = datetime.fromtimestamp(now_ts + settings.session_max_age_seconds, UTC)
    jti = uuid.uuid4()
    exp = min(now_ts + settings.refresh_token_ttl_seconds, int(session_expires.timestamp()))
    async with in_transaction():
        session = await Session.create(
            id=session_id,
            user_id=user.id,
            scope=scope,
            created_at=now,
            last_used_at=now,
            expires_at=session_expires,
            user_agent=(client.user_agent or None) and client.user_agent[:512],
            ip_address=client.ip_address,
        )
        await RefreshToken.create(jti=jti, session_id=session.id, issued_at=now_ts, expires_at=exp)
    return _issue(codec, user_id=user.id, session_id=session_id, scope=scope, jti=jti, iat=now_ts, exp=exp)


def _issue(
    codec: TokenCodec,
    *,
    user_id: uuid.UUID,
    session_id: uuid.UUID,
    scope: str,
    jti: uuid.UUID,
    iat: int,
    exp: int,
    outcome: RefreshOutcome = RefreshOutcome.ROTATED,
) -> IssuedTokens:
    access, expires_in = codec.issue_access_token(sub=str(user_id), sid=str(session_id), scope=scope)
    refresh = codec.encode_refresh_token(sub=str(user_id), sid=str(session_id), jti=str(jti), iat=iat, exp=exp)
    return IssuedTokens(access, expires_in, refresh, scope, session_id, outcome, user_id)


def _decode_refresh(codec: TokenCodec, token: str) -> jwt.RefreshClaims:
    """Verify signature, type, audience and issuer. Expiry is judged after the session is known,
    so that a client learns whether the session or only this token has run out."""
    try:
        claims = codec.decode_refresh_token(token, verify_exp=False)
        uuid.UUID(claims.jti), uuid.UUID(claims.sid), uuid.UUID(claims.sub)
    except (jwt.TokenError, ValueError) as exc:
        raise InvalidGrant(ErrorCode.REFRESH_TOKEN_INVALID, "The refresh token is invalid.") from exc
    return claims


@metrics.instrument_grant("refresh_token")
async def refresh_grant(
    settings: Settings, codec: TokenCodec, *, refresh_token: str, scope: str | None, client: ClientInfo
) -> IssuedTokens:
    claims = _decode_refresh(codec, refresh_token)
    jti = uuid.UUID(claims.jti)

    row = await RefreshToken.get_or_none(jti=jti).select_related("session", "session__user")
    if row is None or str(row.session.id) != claims.sid or str(row.session.user.id) != claims.sub:
        raise InvalidGrant(ErrorCode.REFRESH_TOKEN_INVALID, "The refresh token is not known.")
    session, user = row.session, row.session.user
    _check_session(session, user)
    if claims.exp <= time.time():
        raise InvalidGrant(ErrorCode.REFRESH_TOKEN_EXPIRED, "The refresh token has expired; sign in again.")
    scope_now = _narrow_scope(session.scope, user, scope)

    if row.revoked:
        raise InvalidGrant(ErrorCode.REFRESH_TOKEN_REVOKED, "The refresh token was revoked.")

    if row.rotated_at is None:
        issued = await _rotate(settings, codec, row, session, user, scope_now)
        if issued is not None:
            return issued
        # Another request won the compare-and-set a moment ago: judge this one as a replay.
        await row.refresh_from_db()
        if row.revoked:
            raise InvalidGrant(ErrorCode.REFRESH_TOKEN_REVOKED, "The refresh token was revoked.")

    return await _replay(settings, codec, row, session, user, scope_now, client)


def _check_session(session: Session, user: User) -> None:
    if session.revoked_at is not None:
        raise InvalidGrant(ErrorCode.SESSION_REVOKED, "This session has ended; sign in again.")
    if session.expires_at <= utcnow():
        raise InvalidGrant(ErrorCode.SESSION_EXPIRED, "This session has reached its maximum age; sign in again.")
    if not user.is_active:
        raise InvalidGrant(ErrorCode.SESSION_REVOKED, "This account is disabled.")


def _narrow_scope(session_scope: str, user: User, requested: str | None) -> str:
    """RFC 6749 §6: a refresh may narrow the scope, never widen it; lost privileges drop out."""
    granted = set(session_scope.split()) & allowed_scopes(user)
    if requested and requested.strip():
        asked = parse_scope(requested)
        if not asked <= granted:
            raise OAuthError(ErrorCode.INVALID_SCOPE, "A refresh cannot widen the scope.", error="invalid_scope")
        granted = asked
    return " ".join(sorted(granted))


async def _rotate(
    settings: Settings, codec: TokenCodec, row: RefreshToken, session: Session, user: User, scope: str
) -> IssuedTokens | None:
    """Claim ``row`` with one compare-and-set; the winner writes the successor. ``None`` = lost."""
    now = utcnow()
    now_ts = int(now.timestamp())
    child_jti = uuid.uuid4()
    exp = min(now_ts + settings.refresh_token_ttl_seconds, int(session.expires_at.timestamp()))
    async with in_transaction():
        # Lock order everywhere: the session row, then its tokens (as ``end_session``), so a
        # rotation racing a logout or a reuse detection never deadlocks on PostgreSQL. This also
        # makes "the session is still alive" part of the same atomic step as the claim.
        alive = await Session.filter(id=session.id, revoked_at__isnull=True).update(last_used_at=now)
        if alive != 1:
            raise InvalidGrant(ErrorCode.SESSION_REVOKED, "This session has ended; sign in again.")
        claimed = await RefreshToken.filter(jti=row.jti, rotated_at__isnull=True, revoked=False).update(
            rotated_at=now, child_jti=child_jti
        )
        if claimed != 1:
            return None
        await RefreshToken.create(
            jti=child_jti, session_id=session.id, parent_jti=row.jti, issued_at=now_ts, expires_at=exp
        )
    return _issue(codec, user_id=user.id, session_id=session.id, scope=scope, jti=child_jti, iat=now_ts, exp=exp)


async def _replay(
    settings: Settings,
    codec: TokenCodec,
    row: RefreshToken,
    session: Session,
    user: User,
    scope: str,
    client: ClientInfo,
) -> IssuedTokens:
    """``row`` was already rotated. Within the grace window, hand back its still-active successor
    (byte-identical); anything else is reuse: the family is revoked (RFC 9700 §4.14.2)."""
    assert row.rotated_at is not None
    age = (utcnow() - row.rotated_at).total_seconds()
    if settings.refresh_grace_seconds > 0 and age <= settings.refresh_grace_seconds and row.child_jti is not None:
        child = await RefreshToken.get_or_none(jti=row.child_jti)
        if child is not None and child.rotated_at is None and not child.revoked and child.expires_at > time.time():
            return _issue(
                codec,
                user_id=user.id,
                session_id=session.id,
                scope=scope,
                jti=child.jti,
                iat=child.issued_at,
                exp=child.expires_at,
                outcome=RefreshOutcome.GRACE_REPLAY,
            )
        cause = "predecessor_of_rotated_successor" if child is not None else "successor_missing"
    else:
        cause = "outside_grace_window" if settings.refresh_grace_seconds > 0 else "strict_single_use"

    logger.warning("refresh token reuse detected", extra={"session_id": str(session.id), "cause": cause})
    if settings.refresh_reuse_revokes_session:
        await end_session(session.id, reason="refresh_token_reused")
    await record_event(
        "refresh_token_reused",
        user_id=user.id,
        session_id=session.id,
        ip_address=client.ip_address,
        cause=cause,
        age_seconds=round(age, 3),
        session_revoked=settings.refresh_reuse_revokes_session,
    )
    raise InvalidGrant(ErrorCode.REFRESH_TOKEN_REUSED, "The refresh token was already used.")


async def end_session(session_id: uuid.UUID, *, reason: str) -> bool:
    """End a session: every refresh token of the family stops working. True if it was active."""
    async with in_transaction():
        ended = await Session.filter(id=session_id, revoked_at__isnull=True).update(
            revoked_at=utcnow(), revoked_reason=reason
        )
        await RefreshToken.filter(session_id=session_id, revoked=False).update(revoked=True)
    if ended == 1:
        metrics.record_session_ended(reason)
    return ended == 1


async def revoke_token(codec: TokenCodec, *, token: str, token_type_hint: str | None, client: ClientInfo) -> None:
    """RFC 7009: end the session the token belongs to. Unknown or invalid tokens are not an error."""
    # RFC 7009 §2.1: the hint only orders the search; an unknown hint is ignored, not an error.
    sid: str | None = None
    sub: str | None = None
    order = (
        ("access_token", "refresh_token") if token_type_hint == "access_token" else ("refresh_token", "access_token")
    )
    for kind in order:
        try:
            if kind == "refresh_token":
                refresh_claims = codec.decode_refresh_token(token, verify_exp=False)
                sid, sub = refresh_claims.sid, refresh_claims.sub
            else:
                access_claims = codec.decode_access_token(token)
                sid, sub = access_claims.sid, access_claims.sub
            break
        except jwt.TokenError:
            continue
    if sid is None or sub is None:
        return
    try:
        session_id, user_id = uuid.UUID(sid), uuid.UUID(sub)
    except ValueError:
        return
    if await Session.exists(id=session_id, user_id=user_id) and await end_session(session_id, reason="revoked"):
        await record_event(
            "session_ended", user_id=user_id, session_id=session_id, ip_address=client.ip_address, by="user"
        )


def live_sessions(*, idle_ttl_seconds: int) -> QuerySet[Session]:
    """Sessions that can still be refreshed: not ended, within their maximum age, and used within
    the refresh token lifetime (every rotation bumps ``last_used_at``; an idle session has no live
    refresh token left)."""
    now = utcnow()
    return Session.filter(
        revoked_at__isnull=True, expires_at__gt=now, last_used_at__gt=now - timedelta(seconds=idle_ttl_seconds)
    )


async def count_active_sessions(settings: Settings) -> int:
    return await live_sessions(idle_ttl_seconds=settings.refresh_token_ttl_seconds).count()
