"""Short codes people read aloud and type: order codes and ticket serials, without look-alike characters."""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def new_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_order_code() -> str:
    """8 characters: 30^8 ≈ 6.6e11, so collisions are negligible and retried anyway."""
    return new_code(8)


def new_ticket_serial() -> str:
    return new_code(12)


def normalise_code(text: str) -> str:
    """What a person typed → the stored form: upper case, no spaces or dashes."""
    return re.sub(r"[\s-]", "", text).upper()


def is_email(text: str) -> bool:
    return len(text) <= 320 and bool(_EMAIL.match(text)) and text.isprintable()


def is_order_code(text: str) -> bool:
    return len(text) == 8 and all(ch in ALPHABET for ch in text)
