"""Rate limits with the `limits` library: moving windows, in memory or shared through Redis.

One ``RateLimiter`` lives on the app (``app.state.rate_limiter``). Budgets come from settings in
`limits` notation and are keyed by what they protect: an account (a hash of the normalised email,
so no address is written to Redis), an account as seen from one client IP, a client IP, or a
session. A hit that exceeds any of a rule's
windows is rejected; callers answer 429 with ``Retry-After`` (``core.errors.RateLimited``).

When the store itself fails (Redis down), requests are let through and the failure is logged:
an outage of the counter store must not lock every user out. SECURITY.md discusses the trade-off.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from enum import StrEnum

import limits
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from baton_api.config import Settings
from baton_api.core.emails import normalize_email

logger = logging.getLogger("baton.ratelimit")

KEY_PREFIX = "baton"
REJECTION_EVENT_RATE = limits.parse("1/minute")


class Budget(StrEnum):
    """What is being limited; the value names the counter family in the store."""

    SIGN_IN_PER_ACCOUNT_IP = "sign_in:account_ip"
    SIGN_IN_PER_ACCOUNT = "sign_in:account"
    SIGN_IN_PER_IP = "sign_in:ip"
    REGISTER_PER_ACCOUNT = "register:account"
    REGISTER_PER_IP = "register:ip"
    REFRESH_PER_SESSION = "refresh:session"


@dataclass(frozen=True, slots=True)
class Rejection:
    budget: Budget
    retry_after: int


def account_key(email: str) -> str:
    """A stable, non-reversible-at-a-glance key for an account: never store the address itself."""
    return hashlib.sha256(normalize_email(email).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def account_client_key(email: str, ip_address: str | None) -> str:
    """One account as seen from one client address."""
    return f"{account_key(email)}:{ip_address or 'unknown'}"


def _storage(settings: Settings) -> Storage:
    if settings.redis_url:
        uri = settings.redis_url if settings.redis_url.startswith("async+") else f"async+{settings.redis_url}"
        return RedisStorage(uri, implementation="redispy", key_prefix=KEY_PREFIX, wrap_exceptions=True)
    return MemoryStorage()


class RateLimiter:
    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.rate_limit_enabled
        self.storage = _storage(settings)
        self._strategy = MovingWindowRateLimiter(self.storage)
        self._rules: dict[Budget, list[limits.RateLimitItem]] = {
            Budget.SIGN_IN_PER_ACCOUNT_IP: limits.parse_many(settings.rate_limit_sign_in_per_account_ip),
            Budget.SIGN_IN_PER_ACCOUNT: limits.parse_many(settings.rate_limit_sign_in_per_account),
            Budget.SIGN_IN_PER_IP: limits.parse_many(settings.rate_limit_sign_in_per_ip),
            Budget.REGISTER_PER_ACCOUNT: limits.parse_many(settings.rate_limit_register_per_account),
            Budget.REGISTER_PER_IP: limits.parse_many(settings.rate_limit_register_per_ip),
            Budget.REFRESH_PER_SESSION: limits.parse_many(settings.rate_limit_refresh_per_session),
        }

    async def consume(self, budget: Budget, key: str | None) -> Rejection | None:
        """Spend one unit of ``budget`` for ``key``; the rejection if any window is exhausted.

        ``hit`` is atomic in the store (a Lua script on Redis), so concurrent attempts cannot all
        slip through a check-then-count gap.
        """
        if not self.enabled or not key:
            return None
        for item in self._rules[budget]:
            try:
                allowed = await self._strategy.hit(item, budget.value, key)
                if allowed:
                    continue
                stats = await self._strategy.get_window_stats(item, budget.value, key)
            except Exception:  # the store is down: fail open, loudly (see module docstring)
                logger.exception("rate limit store unavailable; allowing the request", extra={"budget": budget.value})
                return None
            return Rejection(budget, retry_after=max(1, math.ceil(stats.reset_time - time.time())))
        return None

    async def should_record_rejection(self, budget: Budget, key: str) -> bool:
        """At most one security event per budget, key and minute: a flood of rejected requests
        must not become a flood of database writes."""
        try:
            return await self._strategy.hit(REJECTION_EVENT_RATE, "rejection-event", budget.value, key)
        except Exception:
            logger.exception("rate limit store unavailable", extra={"budget": budget.value})
            return False

    async def reset(self) -> None:
        """Forget every counter (tests, operator action)."""
        await self.storage.reset()
