"""Who may read ``/metrics``: anyone outside production, nobody in production unless configured.

``BATON_METRICS_TOKEN`` set: a scraper must send ``Authorization: Bearer <token>`` (Prometheus'
``authorization`` scrape option), compared in constant time. Otherwise ``BATON_METRICS_PUBLIC``
decides, defaulting to public in development and test and hidden (404) in production.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security.utils import get_authorization_scheme_param

from baton_api.auth.exceptions import NotAuthenticated
from baton_api.core.dependencies import AppSettings
from baton_api.core.errors import NotFound


async def require_metrics_access(request: Request, settings: AppSettings) -> None:
    if settings.metrics_token is not None:
        scheme, presented = get_authorization_scheme_param(request.headers.get("authorization"))
        expected = settings.metrics_token.get_secret_value().encode()
        if scheme.lower() != "bearer" or not hmac.compare_digest(presented.strip().encode(), expected):
            raise NotAuthenticated("Metrics need 'Authorization: Bearer <BATON_METRICS_TOKEN>'.")
        return
    public = settings.metrics_public if settings.metrics_public is not None else settings.env != "production"
    if not public:
        raise NotFound()


MetricsAccess = Annotated[None, Depends(require_metrics_access)]
