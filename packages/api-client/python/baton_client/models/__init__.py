"""Contains all the data models used in inputs/outputs"""

from .admin_user_read import AdminUserRead
from .body_auth_revoke import BodyAuthRevoke
from .body_auth_token import BodyAuthToken
from .ended_sessions import EndedSessions
from .error_code import ErrorCode
from .error_response import ErrorResponse
from .health_status import HealthStatus
from .http_validation_error import HTTPValidationError
from .o_auth_error_response import OAuthErrorResponse
from .password_change import PasswordChange
from .security_event_page import SecurityEventPage
from .security_event_read import SecurityEventRead
from .security_event_read_detail import SecurityEventReadDetail
from .session_read import SessionRead
from .token_response import TokenResponse
from .user_create import UserCreate
from .user_page import UserPage
from .user_read import UserRead
from .validation_error import ValidationError
from .validation_error_context import ValidationErrorContext
from .validation_error_response import ValidationErrorResponse
from .validation_issue import ValidationIssue

__all__ = (
    "AdminUserRead",
    "BodyAuthRevoke",
    "BodyAuthToken",
    "EndedSessions",
    "ErrorCode",
    "ErrorResponse",
    "HealthStatus",
    "HTTPValidationError",
    "OAuthErrorResponse",
    "PasswordChange",
    "SecurityEventPage",
    "SecurityEventRead",
    "SecurityEventReadDetail",
    "SessionRead",
    "TokenResponse",
    "UserCreate",
    "UserPage",
    "UserRead",
    "ValidationError",
    "ValidationErrorContext",
    "ValidationErrorResponse",
    "ValidationIssue",
)
