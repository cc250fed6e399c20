from __future__ import annotations

from typing import Any

from fastapi import status

from baton_api.core.errors import BatonError, Conflict, ErrorCode
from baton_api.core.password_policy import PolicyViolation


class EmailAlreadyRegistered(Conflict):
    code = ErrorCode.EMAIL_ALREADY_REGISTERED
    default_detail = "An account with this email address already exists."


class PasswordRejected(BatonError):
    """422 in the shape of every validation error, so clients show it beside the field."""

    status_code = status.HTTP_422_UNPROCESSABLE_CONTENT
    code = ErrorCode.VALIDATION_ERROR

    def __init__(self, violations: list[PolicyViolation], *, field: str = "password") -> None:
        super().__init__(" ".join(v.message for v in violations))
        self.violations = violations
        self.field = field

    def body(self) -> dict[str, Any]:
        return {
            "error_code": self.code.value,
            "detail": [{"loc": ["body", self.field], "msg": v.message, "type": v.type} for v in self.violations],
        }


class CurrentPasswordIncorrect(BatonError):
    status_code = status.HTTP_400_BAD_REQUEST
    code = ErrorCode.INVALID_CREDENTIALS
    default_detail = "The current password is incorrect."
