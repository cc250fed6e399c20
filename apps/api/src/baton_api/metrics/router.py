"""``GET /metrics``: Prometheus text exposition, aggregated over every worker process."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Response

from baton_api.auth import service as auth_service
from baton_api.core import metrics
from baton_api.core.dependencies import AppSettings
from baton_api.metrics.dependencies import MetricsAccess

logger = logging.getLogger("baton.metrics")

# Operational endpoint for scrapers, not part of the client API: kept out of the OpenAPI schema.
router = APIRouter(tags=["metrics"], include_in_schema=False)


@router.get("/metrics")
async def read_metrics(_: MetricsAccess, settings: AppSettings) -> Response:
    try:
        active_sessions: int | None = await auth_service.count_active_sessions(settings)
    except Exception:  # the database being down must not hide the other metrics
        logger.warning("active sessions could not be counted for /metrics", exc_info=True)
        active_sessions = None
    return Response(metrics.render(active_sessions=active_sessions), media_type=metrics.CONTENT_TYPE)
