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


def _create_admin(email: str, *, password_stdin: bool) -> None:
    """Create an admin account, or promote (and re-enable) an existing one."""
    import getpass

    from tortoise import Tortoise

    from baton_api.admin import service as admin_service
    from baton_api.core.db import tortoise_config
    from baton_api.users.exceptions import PasswordRejected

    settings = get_settings()

    async def run() -> bool:
        await Tortoise.init(config=tortoise_config(settings))
        try:
            from baton_api.users.models import User

            exists = await User.exists(email=email.strip().lower())
            password = None
            if not exists:
                if password_stdin:
                    password = sys.stdin.readline().rstrip("\r\n")
                elif sys.stdin.isatty():
                    password = getpass.getpass(f"Password for the new admin {email}: ")
                else:
                    raise SystemExit("no such account: pass --password-stdin to create it")
            _, created = await admin_service.create_or_promote_admin(settings, email=email, password=password)
            return created
        finally:
            await Tortoise.close_connections()

    try:
        created = asyncio.run(run())
    except PasswordRejected as exc:
        raise SystemExit(f"password rejected: {exc.detail}") from exc
    print(f"{'created admin' if created else 'promoted to admin'}: {email}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="baton-api", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations to BATON_DATABASE_URL")
    sub.add_parser("openapi", help="print the OpenAPI schema as JSON (no server needed)")
    create_admin = sub.add_parser("create-admin", help="create an admin account, or promote an existing one")
    create_admin.add_argument("email")
    create_admin.add_argument(
        "--password-stdin", action="store_true", help="read a new account's password from standard input"
    )
    args = parser.parse_args(argv)
    if args.command == "create-admin":
        _create_admin(args.email, password_stdin=args.password_stdin)
        return
    {"migrate": _migrate, "openapi": _openapi}[args.command]()


if __name__ == "__main__":
    main()
