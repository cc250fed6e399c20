"""Weak passwords (NIST SP 800-63B §3.1.1.2; OWASP ASVS 5.0 V6.2): common and guessable passwords
are refused with a clear 422, long passphrases in any script are welcome, no composition rules."""

from __future__ import annotations

import uuid

import httpx
import pytest
from baton_api.core.password_policy import check_password, common_passwords


def new_email() -> str:
    return f"policy-{uuid.uuid4().hex[:8]}@example.com"


async def register(client: httpx.AsyncClient, password: str, email: str | None = None) -> httpx.Response:
    return await client.post("/auth/register", json={"email": email or new_email(), "password": password})


@pytest.mark.parametrize(
    "password", ["password", "12345678", "qwertyuiop", "iloveyou", "PASSWORD1", "Sunshine", "football1", "baseball"]
)
async def test_credential_stuffing_favourites_are_rejected(client: httpx.AsyncClient, password: str) -> None:
    response = await register(client, password)
    assert response.status_code == 422
    issue = response.json()["detail"][0]
    assert issue["loc"] == ["body", "password"]
    assert issue["type"] in {"password_too_common", "password_too_guessable"}
    assert "password" in issue["msg"].lower() or "guess" in issue["msg"].lower()


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "abcdefghijkl", "1111122222", "qazwsxedcrfv", "passwordpassword"])
async def test_repeats_sequences_and_keyboard_walks_are_rejected(client: httpx.AsyncClient, password: str) -> None:
    response = await register(client, password)
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] in {"password_too_common", "password_too_guessable"}


async def test_password_derived_from_the_email_or_service_is_rejected(client: httpx.AsyncClient) -> None:
    email = f"margarethamilton{uuid.uuid4().hex[:4]}@example.com"
    for password in (email, email.split("@")[0], email.split("@")[0] + "1", "baton-baton", "Baton2024"):
        response = await register(client, password, email=email)
        assert response.status_code == 422, password


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "lowercase words only no digits",
        "Grüße aus Köln über die Brücke",
        "пароль для моего аккаунта здесь",
        "我的密码是一条很长的句子",
        "🦊🌋🎻🧭🪁🍉🚲🛶",
        "x7#kQ!p2",
    ],
)
async def test_strong_passwords_without_composition_rules_are_accepted(
    client: httpx.AsyncClient, password: str
) -> None:
    assert (await register(client, password)).status_code == 201


class TestConfiguredMinimum:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {"password_min_length": 14}

    async def test_configured_minimum_length_is_enforced_with_a_clear_message(self, client: httpx.AsyncClient) -> None:
        response = await register(client, "kQ7!vX2p@Lm9")  # 12 characters, otherwise strong
        assert response.status_code == 422
        issue = response.json()["detail"][0]
        assert issue["type"] == "password_too_short"
        assert issue["msg"] == "Use at least 14 characters (this one has 12)."
        assert (await register(client, "kQ7!vX2p@Lm9#Z")).status_code == 201


def test_the_common_password_list_is_a_maintained_corpus_not_a_handful() -> None:
    corpus = common_passwords()
    assert len(corpus) >= 30_000
    assert {"password", "123456", "qwerty", "letmein", "dragon"} <= corpus


def test_minimum_length_counts_characters_not_bytes() -> None:
    assert check_password("ü" * 3 + "ß" * 3 + "øæ", min_length=8, min_strength=0) == []
    assert check_password("ü" * 7, min_length=8, min_strength=0)[0].type == "password_too_short"
