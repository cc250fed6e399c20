from __future__ import annotations

from baton_api.auth.exceptions import TokenInvalid
from baton_api.core.errors import NotFound


class SessionNotFound(NotFound):
    default_detail = "No active session with this id belongs to you."


class CurrentSessionEnded(TokenInvalid):
    """The access token is still within its lifetime, but its session has been ended."""

    default_detail = "The session of this access token has ended; sign in again."
