"""The verified-access-token cache skips repeated signature checks and nothing else: expiry is
still enforced exactly, and any string other than one already verified is fully verified."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from baton_api.core import jwt
from baton_api.core.tokens import TokenCodec, VerifiedTokenCache


def make_codec(
    ttl: int = 300, cache: VerifiedTokenCache | None = None, secret: bytes = b"cache-test-secret-" + b"z" * 32
) -> TokenCodec:
    return TokenCodec(
        keys=jwt.Keys.derive(secret),
        issuer="baton",
        audience="baton-api",
        access_ttl=ttl,
        verified_access_tokens=cache if cache is not None else VerifiedTokenCache(),
    )


def issue(codec: TokenCodec, *, now: int | None = None) -> str:
    token, _ = codec.issue_access_token(sub=str(uuid.uuid4()), sid=str(uuid.uuid4()), scope="user", now=now)
    return token


def test_a_verified_token_is_served_from_the_cache() -> None:
    codec = make_codec()
    token = issue(codec)
    first = codec.decode_access_token(token)
    assert len(codec.verified_access_tokens) == 1
    assert codec.decode_access_token(token) is first


def test_a_cached_token_is_rejected_once_it_expires() -> None:
    """Issued so that it expires about a second from now, verified (and cached) while valid."""
    ttl = 300
    codec = make_codec(ttl)
    now = int(time.time())
    token = issue(codec, now=now - ttl + 1)
    claims = codec.decode_access_token(token)
    assert len(codec.verified_access_tokens) == 1
    deadline = time.monotonic() + 5
    while time.time() < claims.exp and time.monotonic() < deadline:
        time.sleep(0.05)
    with pytest.raises(jwt.TokenError) as caught:
        codec.decode_access_token(token)
    assert caught.value.expired
    assert len(codec.verified_access_tokens) == 0


def test_expiry_is_checked_on_every_hit_exactly_as_pyjwt_does() -> None:
    """``exp <= now`` is expired (PyJWT, no leeway); a clock at ``exp - 1`` still hits."""
    clock_now = [0.0]
    cache = VerifiedTokenCache(clock=lambda: clock_now[0])
    codec = make_codec(cache=cache)
    token = issue(codec)
    claims = codec.decode_access_token(token)
    clock_now[0] = claims.exp - 1
    assert cache.get(token) is claims
    clock_now[0] = claims.exp
    assert cache.get(token) is None
    assert len(cache) == 0


@pytest.mark.parametrize("part", [0, 1, 2])
def test_a_tampered_copy_of_a_cached_token_is_rejected(part: int) -> None:
    codec = make_codec()
    token = issue(codec)
    codec.decode_access_token(token)
    segments = token.split(".")
    segments[part] = segments[part][:-2] + ("AA" if not segments[part].endswith("AA") else "BB")
    with pytest.raises(jwt.TokenError):
        codec.decode_access_token(".".join(segments))
    assert len(codec.verified_access_tokens) == 1


def test_a_token_of_another_key_is_rejected_even_with_identical_claims() -> None:
    ours, theirs = make_codec(), make_codec(secret=b"another-secret-" + b"q" * 32)
    forged = issue(theirs)
    theirs.decode_access_token(forged)
    with pytest.raises(jwt.TokenError):
        ours.decode_access_token(forged)


def test_failures_are_never_cached() -> None:
    codec = make_codec()
    for bad in ("", "garbage", "a.b.c", issue(codec, now=int(time.time()) - 3600)):
        with pytest.raises(jwt.TokenError):
            codec.decode_access_token(bad)
    assert len(codec.verified_access_tokens) == 0


def test_the_cache_is_bounded_and_evicts_the_oldest_entry() -> None:
    codec = make_codec(cache=VerifiedTokenCache(maxsize=3))
    tokens = [issue(codec) for _ in range(5)]
    for token in tokens:
        codec.decode_access_token(token)
    assert len(codec.verified_access_tokens) == 3
    assert codec.verified_access_tokens.get(tokens[0]) is None
    assert codec.verified_access_tokens.get(tokens[-1]) is not None


async def test_a_reused_token_still_works_and_its_tampered_copy_still_fails(
    client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    access = tokens["access_token"]
    for _ in range(3):
        assert (await client.get("/users/me", headers={"Authorization": f"Bearer {access}"})).status_code == 200
    head, payload, signature = access.split(".")
    tampered = f"{head}.{payload}.{signature[::-1]}"
    response = await client.get("/users/me", headers={"Authorization": f"Bearer {tampered}"})
    assert response.status_code == 401
    assert response.json()["error_code"] == "token_invalid"
