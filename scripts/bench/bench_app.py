"""The application under benchmark: Baton's production app plus two routes that exist only here.

``uvicorn --factory bench_app:create_bench_app`` (with this folder on ``PYTHONPATH``). The extra
routes isolate costs: ``/bench/bare`` is the floor (routing, middleware, JSON), and
``/bench/token-only`` adds exactly the production access-token dependency and nothing else.
Production code carries no benchmark routes.
"""

from __future__ import annotations

from baton_api.auth.dependencies import AccessClaims
from baton_api.main import create_app
from fastapi import APIRouter, FastAPI

bench_router = APIRouter(prefix="/bench", tags=["bench"], include_in_schema=False)


@bench_router.get("/bare")
async def bare() -> dict[str, bool]:
    return {"ok": True}


@bench_router.get("/token-only")
async def token_only(claims: AccessClaims) -> dict[str, bool]:
    return {"ok": True}


def create_bench_app() -> FastAPI:
    app = create_app()
    app.include_router(bench_router)
    return app
