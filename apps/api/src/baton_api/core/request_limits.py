"""Reject oversized requests before any parser sees them: headers (431) and bodies (413).

Every Baton request is a few headers and a small form or JSON document; bounding both caps the
memory and CPU a hostile client can make one request cost, whatever the ASGI server in front
allows (uvicorn's httptools parser sets no header limit of its own). A declared
``Content-Length`` over the limit is refused at once; a chunked body is read up to the limit,
then replayed to the application.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from baton_api.core.errors import ErrorCode

MAX_HEADER_BYTES = 32_768  # far above any real browser or client; 431 beyond it


class RequestSizeLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_header_bytes: int = MAX_HEADER_BYTES) -> None:
        self.app = app
        self.max_bytes = max_body_bytes
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header_bytes = sum(len(name) + len(value) + 4 for name, value in scope.get("headers", []))
        if header_bytes > self.max_header_bytes:
            await _reject(send, 431, f"The request headers exceed {self.max_header_bytes} bytes.")
            return
        declared = _content_length(scope)
        if declared is not None:
            if declared > self.max_bytes:
                await self._reject(send)
                return
            await self.app(scope, receive, send)
            return
        # No (valid) Content-Length: read the body under the limit before the app sees it.
        buffered: list[Message] = []
        size = 0
        while True:
            message = await receive()
            buffered.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._reject(send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return buffered.pop(0) if buffered else await receive()

        await self.app(scope, replay, send)

    async def _reject(self, send: Send) -> None:
        await _reject(send, 413, f"The request body exceeds {self.max_bytes} bytes.")


async def _reject(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"error_code": ErrorCode.INVALID_REQUEST.value, "detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return None
            return length if length >= 0 else None
    return None
