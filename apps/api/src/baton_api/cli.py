"""``baton-api``: operate the service without a server."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from baton_api.config import get_settings


def _migrate() -> None:
    from tortoise import Tortoise
    from tortoise.migrations.api import migrate

    from baton_api.core.db import tortoise_config

    async def run() -> None:
        try:
            await migrate(config=tortoise_config(get_settings()))
        finally:
            await Tortoise.close_connections()

    asyncio.run(run())
    print("migrations applied", file=sys.stderr)


def _openapi() -> None:
    from baton_api.main import create_app

    schema = create_app().openapi()
    json.dump(schema, sys.stdout, indent=2, sort_keys=False, ensure_ascii=False)
    sys.stdout.write("\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="baton-api", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations to BATON_DATABASE_URL")
    sub.add_parser("openapi", help="print the OpenAPI schema as JSON (no server needed)")
    args = parser.parse_args(argv)
    {"migrate": _migrate, "openapi": _openapi}[args.command]()


if __name__ == "__main__":
    main()
