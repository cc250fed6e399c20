"""Baton's hand-written Python auth layer, beside the generated ``baton_client`` package."""

from baton_sdk.errors import (
    ApiError,
    AuthenticationError,
    BatonError,
    ConflictError,
    InvalidGrantError,
    NetworkError,
    NotAuthenticatedError,
    NotFoundError,
    OAuthError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    ValidationFailedError,
)
from baton_sdk.session import AuthSession, SessionStats
from baton_sdk.strategies import (
    STRATEGY_NAMES,
    BackoffStrategy,
    NaiveStrategy,
    RefreshStrategy,
    SingleFlightStrategy,
    StrategyName,
    make_strategy,
)
from baton_sdk.tokens import MemoryTokenStore, TokenPair, TokenStore
from baton_sdk.transport import RetryingTransport

__all__ = [
    "STRATEGY_NAMES",
    "ApiError",
    "AuthSession",
    "AuthenticationError",
    "BackoffStrategy",
    "BatonError",
    "ConflictError",
    "InvalidGrantError",
    "MemoryTokenStore",
    "NaiveStrategy",
    "NetworkError",
    "NotAuthenticatedError",
    "NotFoundError",
    "OAuthError",
    "PermissionDeniedError",
    "RateLimitedError",
    "RefreshStrategy",
    "RetryingTransport",
    "ServerError",
    "SessionStats",
    "SingleFlightStrategy",
    "StrategyName",
    "TokenPair",
    "TokenStore",
    "ValidationFailedError",
    "make_strategy",
]
