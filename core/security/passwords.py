"""argon2id for staff passwords and for PINs set before fingerprints; the slow part runs off the event loop."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters (64 MiB, t=3, p=4)


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify_secret(stored_hash: str, secret: str) -> bool:
    try:
        return _hasher.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


async def hash_secret_async(secret: str) -> str:
    return await asyncio.to_thread(hash_secret, secret)


async def verify_secret_async(stored_hash: str, secret: str) -> bool:
    return await asyncio.to_thread(verify_secret, stored_hash, secret)


_dummy_hash: list[str] = []


async def verify_or_dummy_async(stored_hash: str | None, secret: str) -> bool:
    """Verify against a dummy hash when there is none: an unknown account takes as long as a wrong secret,
    so the time of an answer does not say whether the account exists. One argon2 verify either way."""
    if stored_hash is None:
        if not _dummy_hash:
            _dummy_hash.append(await hash_secret_async(secrets.token_hex(16)))
        await verify_secret_async(_dummy_hash[0], secret)
        return False
    return await verify_secret_async(stored_hash, secret)


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
