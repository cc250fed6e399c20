from typing import Literal

ErrorCode = Literal[
    "email_already_registered",
    "insufficient_scope",
    "internal_error",
    "invalid_credentials",
    "invalid_request",
    "invalid_scope",
    "method_not_allowed",
    "not_authenticated",
    "not_found",
    "rate_limited",
    "refresh_token_expired",
    "refresh_token_invalid",
    "refresh_token_reused",
    "refresh_token_revoked",
    "session_expired",
    "session_revoked",
    "token_expired",
    "token_invalid",
    "unsupported_grant_type",
    "validation_error",
]

ERROR_CODE_VALUES: set[ErrorCode] = {
    "email_already_registered",
    "insufficient_scope",
    "internal_error",
    "invalid_credentials",
    "invalid_request",
    "invalid_scope",
    "method_not_allowed",
    "not_authenticated",
    "not_found",
    "rate_limited",
    "refresh_token_expired",
    "refresh_token_invalid",
    "refresh_token_reused",
    "refresh_token_revoked",
    "session_expired",
    "session_revoked",
    "token_expired",
    "token_invalid",
    "unsupported_grant_type",
    "validation_error",
}


def check_error_code(value: str) -> ErrorCode:
    if value in ERROR_CODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ERROR_CODE_VALUES!r}"
    )
