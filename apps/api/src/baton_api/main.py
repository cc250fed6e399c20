"""The ASGI application: ``baton_api.main:app``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from tortoise.contrib.fastapi import RegisterTortoise

from baton_api.admin.router import router as admin_router
from baton_api.auth.router import router as auth_router
from baton_api.config import Settings, get_settings
from baton_api.core import passwords
from baton_api.core.db import tortoise_config
from baton_api.core.docs import install_docs
from baton_api.core.errors import install_error_handlers
from baton_api.core.logging import REQUEST_ID_HEADER, configure_logging
from baton_api.core.observability import ObservabilityMiddleware
from baton_api.core.ratelimit import RateLimiter
from baton_api.core.request_limits import RequestSizeLimitMiddleware
from baton_api.core.tokens import TokenCodec
from baton_api.health.router import router as health_router
from baton_api.metrics.router import router as metrics_router
from baton_api.sessions.router import router as sessions_router
from baton_api.users.router import router as users_router

OAUTH_PATHS = frozenset({"/auth/token", "/auth/revoke"})


def operation_id(route: APIRoute) -> str:
    """`auth.token`, `users.read_me`: these become method names in both generated clients."""
    return f"{route.tags[0]}.{route.name}" if route.tags else route.name


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        passwords.configure(settings.bcrypt_max_concurrency)
        await passwords.warm_up(settings.bcrypt_rounds)
        async with RegisterTortoise(app, config=tortoise_config(settings)):
            yield

    app = FastAPI(
        title="Baton",
        version="0.1.0",
        summary="Authentication with JWT access tokens and single-use rotating refresh tokens.",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url=None,  # served with local assets by install_docs
        redoc_url=None,
    )
    install_docs(app)
    app.state.settings = settings
    app.state.codec = TokenCodec.from_settings(settings)
    app.state.rate_limiter = RateLimiter(settings)
    install_error_handlers(app, oauth_paths=OAUTH_PATHS)
    app.add_middleware(RequestSizeLimitMiddleware, max_body_bytes=settings.max_request_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", REQUEST_ID_HEADER],
            expose_headers=[REQUEST_ID_HEADER],
        )
    # Outermost (added last): every response, CORS preflights included, carries the request id.
    app.add_middleware(ObservabilityMiddleware, access_log=settings.access_log)
    app.include_router(auth_router)
    app.include_router(sessions_router)
    app.include_router(users_router)
    app.include_router(admin_router)
    app.include_router(health_router)
    app.include_router(metrics_router)
    return app


app = create_app()
