"""``baton-api serve``: production serving with several uvicorn worker processes.

The supervisor process validates the configuration (production refuses weak settings before a
single worker starts), prepares the Prometheus multiprocess directory, and hands over to
uvicorn's process manager, which binds one socket, starts ``workers`` processes on it, restarts
any that die, and on SIGTERM/SIGINT shuts them down gracefully: each stops accepting
connections, finishes the requests in flight (up to ``graceful_shutdown_seconds``), runs the
application's shutdown (closing database connections) and exits.

Sessions and refresh tokens live in the database and rate-limit counters in Redis
(``BATON_REDIS_URL``), so any worker can serve any request; with several workers, production
wants PostgreSQL and Redis.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from baton_api.config import Settings, get_settings
from baton_api.core.logging import configure_logging

logger = logging.getLogger("baton.serve")

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
DEFAULT_APP = "baton_api.main:app"


@dataclass(frozen=True, slots=True)
class ServeOptions:
    host: str
    port: int
    workers: int
    app: str = DEFAULT_APP
    factory: bool = False


def prepare_metrics_dir() -> Path:
    """A clean directory for the workers' metric files (``prometheus-client`` multiprocess mode).

    An operator-provided ``PROMETHEUS_MULTIPROC_DIR`` is emptied of metric files from an earlier
    run, as the library requires; otherwise a private temporary directory is created and removed
    at exit. Either way it goes into the environment before any worker starts, because the
    library reads it when the first metric is created."""
    configured = os.environ.get(MULTIPROC_ENV)
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
    else:
        path = Path(tempfile.mkdtemp(prefix="baton-metrics-"))
        atexit.register(shutil.rmtree, path, ignore_errors=True)
        os.environ[MULTIPROC_ENV] = str(path)
    return path


def serve(options: ServeOptions, settings: Settings | None = None) -> None:
    settings = settings or get_settings()
    configure_logging(settings)
    metrics_dir = prepare_metrics_dir()
    if options.workers > 1 and settings.env == "production" and not settings.redis_url:
        logger.warning("several workers without BATON_REDIS_URL: each keeps its own rate-limit counters")
    logger.info(
        "starting Baton API",
        extra={
            "host": options.host,
            "port": options.port,
            "workers": options.workers,
            "app": options.app,
            "environment": settings.env,
            "metrics_dir": str(metrics_dir),
        },
    )
    uvicorn.run(
        options.app,
        factory=options.factory,
        host=options.host,
        port=options.port,
        workers=options.workers,
        # Logging is ours (JSON, one handler on the root logger, configured again in each worker
        # when it imports the app); uvicorn's access log is replaced by baton.access lines.
        log_config=None,
        access_log=False,
        # Client addresses come from the app's own trusted-proxy logic (BATON_TRUSTED_PROXIES).
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
    )
    logger.info("Baton API stopped")
