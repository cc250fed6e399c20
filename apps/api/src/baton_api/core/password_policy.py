"""Password policy after NIST SP 800-63B §3.1.1.2 and OWASP ASVS 5.0 V6.2.

- a minimum length (configurable, never below 8) and a generous maximum; any script, spaces and
  emoji welcome; no composition rules (no "one digit, one symbol");
- rejection of commonly used passwords: the 30,000 most frequent passwords of the breach corpus
  that ships with zxcvbn, compared case-insensitively after NFKC normalisation;
- rejection of easily guessed ones: zxcvbn's estimate (dictionary words, keyboard walks,
  repeats, sequences, dates, and context words: the service name and the user's own address)
  must reach a configurable score.

The checks are pure functions; ``check_password`` returns every problem with a clear message.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MAX_LENGTH = 1024
# zxcvbn's matching grows quickly with length; a prefix this long is ample to judge guessability
# and keeps the estimate to a few milliseconds.
ESTIMATE_PREFIX = 64
SERVICE_WORDS = ("baton",)
_NOT_LETTERS = re.compile(r"[\W\d_]+")


@dataclass(frozen=True, slots=True)
class PolicyViolation:
    type: str
    message: str


def _normalize(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def context_words(email: str | None) -> list[str]:
    words = list(SERVICE_WORDS)
    if email:
        address = email.strip().lower()
        local, _, domain = address.partition("@")
        words += [address, local, domain.split(".")[0]]
    return [w for w in words if len(w) >= 3]


def check_password(
    password: str, *, min_length: int, min_strength: int, email: str | None = None
) -> list[PolicyViolation]:
    """Every way ``password`` breaks the policy; empty when it is acceptable."""
    normalized = _normalize(password)
    length = len(normalized)
    if length < min_length:
        return [PolicyViolation("password_too_short", f"Use at least {min_length} characters (this one has {length}).")]
    if length > MAX_LENGTH:
        return [PolicyViolation("password_too_long", f"Use at most {MAX_LENGTH} characters.")]
    if "\x00" in normalized:
        return [PolicyViolation("password_invalid_character", "A password cannot contain the NUL character.")]
    if normalized.lower() in common_passwords():
        return [
            PolicyViolation(
                "password_too_common", "This password is one of the most commonly used passwords; choose another."
            )
        ]
    lowered = normalized.lower()
    for word in context_words(email):
        # What is left once the address (or service name) and any digits and punctuation around it
        # are taken out: "ada1985!", "baton-baton" leave nothing worth guessing.
        rest = _NOT_LETTERS.sub("", lowered.replace(word, "")) if word in lowered else None
        if rest is not None and len(rest) < 4:
            return [
                PolicyViolation(
                    "password_too_guessable", "Do not base your password on your email address or the service name."
                )
            ]
    if min_strength > 0:
        estimate = zxcvbn(normalized[:ESTIMATE_PREFIX], user_inputs=context_words(email))
        if int(estimate["score"]) < min_strength:
            warning = str(estimate.get("feedback", {}).get("warning") or "").strip()
            hint = f" ({warning.rstrip('.')})" if warning else ""
            return [
                PolicyViolation(
                    "password_too_guessable",
                    f"This password is too easy to guess{hint}. A few unrelated words make a strong password.",
                )
            ]
    return []
