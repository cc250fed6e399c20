"""One normalisation of email addresses for storage, sign-in and rate-limit keys.

Registration validates with ``EmailStr`` (email-validator), which turns a punycode domain into
Unicode and applies NFC; sign-in must reach the same string from whatever form the user types,
or the same account could be spelled two ways (and get two rate-limit budgets).
"""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email


def normalize_email(email: str) -> str:
    candidate = email.strip()
    try:
        candidate = validate_email(candidate, check_deliverability=False).normalized
    except EmailNotValidError:
        candidate = unicodedata.normalize("NFC", candidate)
    return candidate.lower()
