"""Configuration for Tortoise's own CLI: ``tortoise -c baton_api.core.tortoise_cli.TORTOISE_ORM makemigrations``."""

from baton_api.config import get_settings
from baton_api.core.db import tortoise_config

TORTOISE_ORM = tortoise_config(get_settings())
