from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from tortoise import connections

router = APIRouter(tags=["health"])


class HealthStatus(BaseModel):
    status: str


@router.get("/health", response_model=HealthStatus)
async def live() -> HealthStatus:
    """Liveness: the process serves requests."""
    return HealthStatus(status="ok")


@router.get("/ready", response_model=HealthStatus, responses={503: {"model": HealthStatus}})
async def ready() -> HealthStatus | JSONResponse:
    """Readiness: the database answers."""
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:  # any failure to reach the database means "not ready", never a 500
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return HealthStatus(status="ok")
