import json
import stat
from pathlib import Path

import pytest
from baton_api.config import Settings
from pydantic import ValidationError

STRONG = "Zq8-vN3_kP1xW7rT5yB2mC9dF4gH6jL0sA-eU_iO" + "Xy"


def test_production_refuses_a_missing_secret(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="BATON_JWT_SECRET is required"):
        Settings(env="production", database_url="postgres://db/baton", data_dir=tmp_path)


@pytest.mark.parametrize("secret", ["changeme", "short-secret", "a" * 64])
def test_production_refuses_a_weak_secret(tmp_path: Path, secret: str) -> None:
    with pytest.raises(ValidationError, match="BATON_JWT_SECRET"):
        Settings(env="production", jwt_secret=secret, database_url="postgres://db/baton", data_dir=tmp_path)  # type: ignore[arg-type]


def test_production_refuses_low_bcrypt_cost_and_missing_database(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        Settings(env="production", jwt_secret=STRONG, bcrypt_rounds=8, data_dir=tmp_path)  # type: ignore[arg-type]
    assert "BATON_BCRYPT_ROUNDS" in str(info.value) and "BATON_DATABASE_URL" in str(info.value)


def test_production_accepts_strong_settings(tmp_path: Path) -> None:
    settings = Settings(env="production", jwt_secret=STRONG, database_url="postgres://db/baton", data_dir=tmp_path)  # type: ignore[arg-type]
    assert settings.jwt_secret_bytes == STRONG.encode()
    assert not (tmp_path / "secrets.json").exists()


def test_development_generates_a_secret_once_and_keeps_it_private(tmp_path: Path) -> None:
    first = Settings(env="development", data_dir=tmp_path).jwt_secret_bytes
    second = Settings(env="development", data_dir=tmp_path).jwt_secret_bytes
    assert first == second and len(first) >= 32
    path = tmp_path / "secrets.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["jwt_secret"] == first.decode()


def test_settings_come_from_baton_environment_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BATON_ACCESS_TOKEN_TTL_SECONDS", "42")
    monkeypatch.setenv("BATON_REFRESH_GRACE_SECONDS", "0")
    monkeypatch.setenv("BATON_REFRESH_REUSE_REVOKES_SESSION", "false")
    settings = Settings(data_dir=tmp_path)
    assert settings.access_token_ttl_seconds == 42
    assert settings.refresh_grace_seconds == 0
    assert settings.refresh_reuse_revokes_session is False


def test_production_accepts_a_hex_secret_from_openssl_rand(tmp_path: Path) -> None:
    hex_secret = (
        "9f" + "0123456789abcdef" * 3 + "e4c1ab0d93ff2a77"
    )  # 16 distinct characters, like `openssl rand -hex 32`
    settings = Settings(env="production", jwt_secret=hex_secret, database_url="postgres://db/b", data_dir=tmp_path)  # type: ignore[arg-type]
    assert settings.jwt_secret_bytes == hex_secret.encode()
