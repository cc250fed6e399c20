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


def _serve(args: argparse.Namespace) -> None:
    from baton_api import serving

    settings = get_settings()
    serving.serve(
        serving.ServeOptions(
            host=args.host or settings.host,
            port=settings.port if args.port is None else args.port,
            workers=args.workers or settings.workers,
            app=args.app or serving.DEFAULT_APP,
            factory=args.factory,
        ),
        settings,
    )


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
    serve = sub.add_parser(
        "serve",
        help="run the API with several worker processes (production); graceful shutdown on SIGTERM",
        description="Serve the API with uvicorn worker processes. Defaults come from BATON_HOST, "
        "BATON_PORT and BATON_WORKERS; run `baton-api migrate` first.",
    )
    serve.add_argument("--host", help="interface to bind (default: BATON_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to bind (default: BATON_PORT or 8000)")
    serve.add_argument("--workers", type=int, help="worker processes (default: BATON_WORKERS or the CPU count)")
    serve.add_argument("--app", default=None, help=argparse.SUPPRESS)  # e.g. the benchmark's app factory
    serve.add_argument("--factory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.command == "serve":
        _serve(args)
        return
    if args.command == "create-admin":
        _create_admin(args.email, password_stdin=args.password_stdin)
        return
    {"migrate": _migrate, "openapi": _openapi}[args.command]()


if __name__ == "__main__":
    main()
