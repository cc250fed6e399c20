"""Typed settings (prefix ``BATON_``). Secrets have no defaults: development and test generate
them once into the git-ignored data folder; production refuses to start without strong ones."""

from __future__ import annotations

import fcntl
import json
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

import limits
from pydantic import Field, IPvAnyNetwork, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_BYTES = 32  # 256-bit HMAC key for HS256 (RFC 7518 §3.2)
WEAK_SECRETS = frozenset({"changeme", "change-me", "secret", "password", "dev", "test", "jwt-secret"})


class Settings(BaseSettings):
    # An empty variable (as in a copied .env.example) means "unset", never an empty secret.
    model_config = SettingsConfigDict(env_prefix="BATON_", extra="ignore", env_ignore_empty=True)

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path(".baton")
    database_url: str | None = None
    redis_url: str | None = None

    jwt_secret: SecretStr | None = None
    jwt_issuer: str = "baton"
    jwt_audience: str = "baton-api"

    access_token_ttl_seconds: int = Field(default=300, ge=1, le=86_400)
    refresh_token_ttl_seconds: int = Field(default=1_209_600, ge=1)
    session_max_age_seconds: int = Field(default=2_592_000, ge=1)
    refresh_grace_seconds: float = Field(default=10, ge=0, le=300)
    refresh_reuse_revokes_session: bool = True

    bcrypt_rounds: int = Field(default=12, ge=4, le=31)
    bcrypt_max_concurrency: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)

    cors_origins: list[str] = Field(default_factory=list)

    # Observability. /metrics is public outside production; in production it answers only with
    # BATON_METRICS_TOKEN as a bearer token, or when BATON_METRICS_PUBLIC=true (a private network).
    metrics_public: bool | None = None
    metrics_token: SecretStr | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"
    access_log: bool = True

    # `baton-api serve` (production serving: uvicorn worker processes; flags override these).
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65_535)
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, le=64)
    graceful_shutdown_seconds: int = Field(default=30, ge=1)

    # Password policy (NIST SP 800-63B §3.1.1.2): a length floor, no composition rules, and
    # rejection of common or easily guessed passwords (zxcvbn score 0-4; see SECURITY.md).
    password_min_length: int = Field(default=8, ge=8, le=256)
    password_min_strength: int = Field(default=2, ge=0, le=4)

    # Rate limits in `limits` notation ("10/minute", several joined by ";"), moving windows.
    # Shared through Redis when BATON_REDIS_URL is set, per process otherwise. See SECURITY.md.
    rate_limit_enabled: bool = True
    # Sign-in: a tight budget per (account, client IP) binds every client, the one guessing too;
    # the account-wide ceiling stops guessing from many IPs and does not bind a client that has
    # signed in to the account before (SECURITY.md: a throttle the attacker cannot aim at the owner).
    rate_limit_sign_in_per_account_ip: str = "10/5 minutes"
    rate_limit_sign_in_per_account: str = "100/hour;1000/day"
    rate_limit_sign_in_per_ip: str = "30/minute;300/hour"
    rate_limit_register_per_account: str = "5/hour"
    rate_limit_register_per_ip: str = "20/hour"
    # Generous on purpose: one session's racing tabs (50 parallel refreshes of one token, plus
    # client retries) must converge through the grace window, not trip this budget.
    rate_limit_refresh_per_session: str = "600/minute"
    # Proxies whose X-Forwarded-For is believed (addresses or CIDR networks); nobody else's is.
    trusted_proxies: list[IPvAnyNetwork] = Field(default_factory=list)
    max_request_body_bytes: int = Field(default=65_536, ge=1_024)

    @field_validator(
        "rate_limit_sign_in_per_account_ip",
        "rate_limit_sign_in_per_account",
        "rate_limit_sign_in_per_ip",
        "rate_limit_register_per_account",
        "rate_limit_register_per_ip",
        "rate_limit_refresh_per_session",
    )
    @classmethod
    def _check_rate_limit(cls, value: str) -> str:
        try:
            limits.parse_many(value)
        except ValueError as exc:
            raise ValueError(f"not a rate limit in `limits` notation (e.g. '10/minute'): {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _check_production(self) -> Settings:
        if self.env != "production":
            return self
        problems = []
        secret = self.jwt_secret.get_secret_value() if self.jwt_secret else ""
        if not secret:
            problems.append("BATON_JWT_SECRET is required")
        elif len(secret.encode()) < MIN_SECRET_BYTES or secret.lower() in WEAK_SECRETS:
            problems.append(f"BATON_JWT_SECRET must be at least {MIN_SECRET_BYTES} random bytes")
        elif len(set(secret)) < 8:  # "aaaa…", "abab…"; `openssl rand -hex 32` has 16
            problems.append("BATON_JWT_SECRET looks like a placeholder (too few distinct characters)")
        if self.bcrypt_rounds < 10:
            problems.append("BATON_BCRYPT_ROUNDS must be at least 10 in production")
        if not self.database_url:
            problems.append("BATON_DATABASE_URL is required in production")
        if self.metrics_token is not None and len(self.metrics_token.get_secret_value()) < 24:
            problems.append("BATON_METRICS_TOKEN must be at least 24 characters")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite://{self.data_dir.resolve() / 'baton.sqlite3'}?busy_timeout=10000"

    @property
    def jwt_secret_bytes(self) -> bytes:
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value().encode()
        return _dev_secret(self.data_dir, "jwt_secret").encode()


def _dev_secret(data_dir: Path, name: str) -> str:
    """Generate a development secret once and keep it in the data folder (mode 0600)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secrets.json"
    # Several API processes may start at once: only one of them may generate the secret.
    with (data_dir / "secrets.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
        if name not in stored:
            stored[name] = secrets.token_urlsafe(48)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(stored, indent=2))
            tmp.chmod(0o600)
            tmp.replace(path)
    return stored[name]


@lru_cache
def get_settings() -> Settings:
    return Settings()
