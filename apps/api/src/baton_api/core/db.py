from __future__ import annotations

from typing import Any

from baton_api.config import Settings

MODEL_MODULES = ["baton_api.users.models", "baton_api.auth.models"]


def tortoise_config(settings: Settings) -> dict[str, Any]:
    return {
        "connections": {"default": settings.resolved_database_url},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "baton_api.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }
