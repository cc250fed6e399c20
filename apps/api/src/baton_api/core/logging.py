"""Structured JSON logs: every stdlib log record becomes one JSON object on stderr.

The whole code base logs through stdlib ``logging`` (``extra=`` carries fields); structlog's
``ProcessorFormatter`` renders those records, adds the request context (request id, user and
session id where known) and redacts secrets as a last line of defence: no code path is meant to
log a token or a password, and if one ever does, the formatter still will not print it.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from collections.abc import MutableMapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import IO, Any

import structlog

from baton_api.config import Settings

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:\-]{1,128}")

REDACTED = "[redacted]"
# Keys whose values are secrets whatever they look like (compared case-insensitively).
SENSITIVE_KEYS = frozenset(
    {
        "password",
        "new_password",
        "current_password",
        "password_hash",
        "secret",
        "jwt_secret",
        "client_secret",
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "authorization",
        "cookie",
        "set-cookie",
        "metrics_token",
    }
)
# Anything shaped like a JWT (base64url header starting with `{"`), wherever it appears in a value.
_JWT_PATTERN = re.compile(r"eyJ[A-Za-z0-9_\-]*\.[A-Za-z0-9_\-]*\.[A-Za-z0-9_\-]*")
# Fields uvicorn adds for its coloured console output.
_DROPPED_KEYS = ("color_message",)


@dataclass(slots=True)
class RequestContext:
    """What the logs know about the request being served; filled in as it becomes known."""

    request_id: str
    user_id: str | None = None
    session_id: str | None = None


_request_context: ContextVar[RequestContext | None] = ContextVar("baton_request_context", default=None)


def accept_request_id(value: str | None) -> str:
    """The caller's ``X-Request-ID`` when it is a sane identifier, else a fresh one.

    Bounded and restricted to a safe alphabet: the id is echoed in a response header and
    written to every log line of the request, so arbitrary input must not get that far."""
    if value and _REQUEST_ID_PATTERN.fullmatch(value):
        return value
    return uuid.uuid4().hex


def begin_request(request_id: str) -> tuple[RequestContext, object]:
    context = RequestContext(request_id=request_id)
    return context, _request_context.set(context)


def end_request(reset_token: object) -> None:
    _request_context.reset(reset_token)  # type: ignore[arg-type]


def current_request() -> RequestContext | None:
    return _request_context.get()


def bind_identity(*, user_id: object | None = None, session_id: object | None = None) -> None:
    """Attach the authenticated user and session to the current request's log lines."""
    context = _request_context.get()
    if context is None:
        return
    if user_id is not None:
        context.user_id = str(user_id)
    if session_id is not None:
        context.session_id = str(session_id)


def _add_request_context(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    context = _request_context.get()
    if context is not None:
        event_dict.setdefault("request_id", context.request_id)
        if context.user_id is not None:
            event_dict.setdefault("user_id", context.user_id)
        if context.session_id is not None:
            event_dict.setdefault("session_id", context.session_id)
    return event_dict


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return _JWT_PATTERN.sub(REDACTED, value) if "eyJ" in value else value
    if isinstance(value, dict):
        return {k: REDACTED if str(k).lower() in SENSITIVE_KEYS else _redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(v) for v in value]
    return value


def redact_secrets(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in _DROPPED_KEYS:
        event_dict.pop(key, None)
    for key, value in event_dict.items():
        event_dict[key] = REDACTED if key.lower() in SENSITIVE_KEYS else _redact_value(value)
    return event_dict


def build_formatter(log_format: str = "json") -> logging.Formatter:
    """The formatter of Baton's log handler; tests attach it to their own handlers too."""
    pre_chain: list[Any] = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_request_context,
        structlog.stdlib.ExtraAdder(),
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer() if log_format == "json" else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=pre_chain,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            # Plain text tracebacks: structured ones would include local variables, i.e. secrets.
            structlog.processors.format_exc_info,
            redact_secrets,
            renderer,
        ],
    )


class BatonLogHandler(logging.StreamHandler[IO[str]]):
    """Marks the handler ``configure_logging`` installed, so reconfiguring replaces only it."""


def configure_logging(settings: Settings, stream: IO[str] | None = None) -> None:
    """Send every log record (Baton's, uvicorn's, Tortoise's) through one JSON handler on the root
    logger. Idempotent: handlers installed by others (e.g. pytest's capture) are left alone."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, BatonLogHandler)]:
        root.removeHandler(handler)
    handler = BatonLogHandler(stream or sys.stderr)
    handler.setFormatter(build_formatter(settings.log_format))
    root.addHandler(handler)
    level = logging.getLevelNamesMapping()[settings.log_level]
    root.setLevel(level)
    # uvicorn installs its own handlers when it configures logging; let its records reach ours.
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    # baton.access replaces uvicorn's access log, which would log query strings (secrets) and
    # double the logging work: uvicorn writes it only when the logger has a handler somewhere.
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.handlers.clear()
    uvicorn_access.propagate = False
    # Tortoise logs SQL parameters at DEBUG, password hashes among them: never below INFO.
    logging.getLogger("tortoise").setLevel(max(level, logging.INFO))
