from __future__ import annotations

from baton_api.core.errors import Conflict, NotFound


class UserNotFound(NotFound):
    default_detail = "No user with this id."


class CannotChangeOwnAccount(Conflict):
    default_detail = "Administrators cannot disable or delete their own account here."
