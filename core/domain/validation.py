"""Checks for what people and networks type in: ids and text, before anything reaches the database."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from core.domain.errors import ErrorCode, InputError

MAX_ID = 2**63 - 1


def check_id(field: str, value: object) -> int:
    """A database id: a whole number from 1 to 2^63-1 (so both engines refuse the same things, the same way)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise InputError(
            field,
            f"{value!r} is not a valid number for this; reload and choose again.",
            code=ErrorCode.ID_INVALID,
        )
    return value


def check_ids(field: str, values: Sequence[object]) -> list[int]:
    return [check_id(field, v) for v in values]


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in "\t" for ch in text)


def clean_text(
    field: str, value: object, *, limit: int, code: ErrorCode, hint: str = "", required: bool = True
) -> str:
    """Stripped text of 1..limit characters (0 allowed when not required) without control characters."""
    if not isinstance(value, str):
        raise InputError(field, "must be text.", code=code)
    cleaned = value.strip()
    if has_control_characters(cleaned):
        raise InputError(field, "contains characters that cannot be printed; type it again.", code=code)
    if (required and not cleaned) or len(cleaned) > limit:
        lower = 1 if required else 0
        raise InputError(field, hint or f"fill this in with {lower} to {limit} characters.", code=code)
    return cleaned


_LANGUAGE = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?")


def check_language(value: object) -> str:
    """A buyer's language as a short tag ('de', 'pt_BR'): what the tickets of a sale print in."""
    if not isinstance(value, str) or not _LANGUAGE.fullmatch(value):
        raise InputError(
            "language",
            "must be a language code such as 'en', 'de' or 'pt_BR'.",
            code=ErrorCode.LANGUAGE_INVALID,
        )
    return value
