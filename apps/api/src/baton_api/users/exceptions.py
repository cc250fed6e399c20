from __future__ import annotations

from baton_api.core.errors import Conflict, ErrorCode


class EmailAlreadyRegistered(Conflict):
    code = ErrorCode.EMAIL_ALREADY_REGISTERED
    default_detail = "An account with this email address already exists."
