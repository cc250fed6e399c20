"""One pure-ASGI middleware for what every request needs: a request id, a latency observation
under its route template, and one structured access-log line.

Pure ASGI rather than ``BaseHTTPMiddleware``: it runs on every request, so it must not add a task
and a memory stream per request.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from baton_api.core import metrics
from baton_api.core.logging import REQUEST_ID_HEADER, accept_request_id, begin_request, end_request

access_logger = logging.getLogger("baton.access")

_REQUEST_ID_KEY = REQUEST_ID_HEADER.lower().encode("latin-1")


def _route_template(scope: Scope) -> str:
    """``/users/me`` or ``/auth/sessions/{session_id}``: never the raw path, whose values are unbounded."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else metrics.UNMATCHED_ROUTE


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, *, access_log: bool = True) -> None:
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        presented = next((v for k, v in scope["headers"] if k == _REQUEST_ID_KEY), None)
        request_id = accept_request_id(presented.decode("latin-1") if presented is not None else None)
        _, reset_token = begin_request(request_id)
        status = 500
        start = time.perf_counter()

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (_REQUEST_ID_KEY, request_id.encode("latin-1"))]
            await send(message)

        failed = False
        try:
            await self.app(scope, receive, send_with_request_id)
        except BaseException:
            failed = True
            raise
        finally:
            elapsed = time.perf_counter() - start
            route = _route_template(scope)
            metrics.observe_request(scope["method"], route, status, elapsed)
            if self.access_log or failed:
                client = scope.get("client")
                access_logger.log(
                    logging.ERROR if failed else logging.INFO,
                    "request failed" if failed else "request",
                    exc_info=failed,
                    # The path only: a query string may carry secrets (e.g. ?access_token=).
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "route": route,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 3),
                        "client_ip": client[0] if client else None,
                    },
                )
            end_request(reset_token)
