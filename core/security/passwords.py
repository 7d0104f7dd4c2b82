"""argon2id hashing for staff passwords and PINs; the slow part runs off the event loop."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters (64 MiB, t=3, p=4)
_pin_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
"""argon2id for staff PINs, OWASP's minimum profile (19 MiB, t=2, p=1): about a tenth of the password profile's
cost. A PIN has 10^6 to 10^12 values, so no argon2 profile keeps a stolen hash of one from being brute-forced
offline (a million guesses at either cost is hours on one core); what protects a PIN is the lock-out, which
allows 5 wrong tries per device and per staff number. The password profile only made every attended sale wait
320-560 ms on a loaded 2-core server. Hashes of the old profile still verify (argon2 reads the parameters from
the hash) and are rehashed with this one at the next right PIN (``needs_pin_rehash``)."""


def hash_pin(pin: str) -> str:
    return _pin_hasher.hash(pin)


async def hash_pin_async(pin: str) -> str:
    return await asyncio.to_thread(hash_pin, pin)


def needs_pin_rehash(stored_hash: str) -> bool:
    return _pin_hasher.check_needs_rehash(stored_hash)


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


_dummy_hashes: dict[bool, str] = {}


async def verify_or_dummy_async(stored_hash: str | None, secret: str, *, pin: bool = False) -> bool:
    """Verify against a dummy hash when there is none: an unknown account takes as long as a wrong secret,
    so the time of an answer does not say whether the account exists. One argon2 verify either way; the dummy
    of a ``pin`` has the PIN profile, so it takes as long as a real PIN's."""
    if stored_hash is None:
        dummy = _dummy_hashes.get(pin)
        if dummy is None:
            make = hash_pin_async if pin else hash_secret_async
            dummy = _dummy_hashes[pin] = await make(secrets.token_hex(16))
        await verify_secret_async(dummy, secret)
        return False
    return await verify_secret_async(stored_hash, secret)


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
