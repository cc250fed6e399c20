"""The token store updates compare-and-set on the refresh token that was spent."""

from __future__ import annotations

from baton_sdk import MemoryTokenStore, TokenPair


def pair(n: int) -> TokenPair:
    return TokenPair(access_token=f"a{n}", refresh_token=f"r{n}", scope="user", expires_at=float(n))


def test_replace_only_moves_forward_from_the_spent_token() -> None:
    store = MemoryTokenStore(pair(0))
    assert store.replace("r0", pair(1)) == pair(1)
    assert store.replace("r0", pair(2)) == pair(1)  # a late loser does not overwrite the newer pair
    assert store.current() == pair(1)


def test_clear_only_signs_out_the_token_that_failed() -> None:
    store = MemoryTokenStore(pair(1))
    assert not store.clear("r0")  # a stale failure does not sign out a session that moved on
    assert store.current() == pair(1)
    assert store.clear("r1")
    assert store.current() is None
    assert store.replace("r1", pair(2)) is None  # nor does a late success sign it back in


def test_tokens_never_appear_in_repr() -> None:
    assert "a1" not in repr(pair(1)) and "r1" not in repr(pair(1))
