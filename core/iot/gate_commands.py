"""Gate commands a turnstile controller can check: an expiry, a nonce and an HMAC-SHA256 with its own gate key.

Wire format (JSON, UTF-8), published at QoS 1 on ``encore/gates/<gate>/open``::

    {"v": 1, "gate": "north", "ticket": "K7P2XQ9MABCD", "at": 1764612000000, "exp": 1764612010000,
     "nonce": "<32 hex digits>", "mac": "<64 hex digits>"}

- ``at`` and ``exp``: issue and expiry time, Unix milliseconds (UTC); ``exp`` is 10 s after ``at`` by default.
- ``ticket``: the admitted ticket's serial, or null.
- ``nonce``: 128 random bits, new for every command.
- ``mac``: HMAC-SHA256 under the gate's key over the UTF-8 bytes of
  ``"encore-gate-open/v1\\n" + gate + "\\n" + (ticket or "") + "\\n" + at + "\\n" + exp + "\\n" + nonce``
  (decimal integers; no field can hold a line break), as lower-case hex.
- The gate key is ``HKDF-SHA256(master secret, salt=b"encore-gate-key/v1", info=gate name in UTF-8, 32 bytes)``.
  The server holds the master secret (``gate_key_ref``); each controller holds only its own gate's key
  (``encore-ops gate-key GATE --into REF``), so a controller taken from one gate cannot open another.

A controller refuses a command that is malformed, names another gate, carries a wrong MAC, has expired, was
issued in the future or lives too long, or repeats a nonce it has seen (a replay, or QoS 1 delivering the same
message twice: one admit opens the gate once). It remembers nonces until their command expires, and refuses
commands issued before it started, so a restart does not reopen the replay window. Controller and server need
clocks within ``max_skew`` of each other (NTP).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.domain.clock import Clock
from core.domain.errors import ErrorCode
from core.domain.errors import GateCommandRefused as GateCommandRefused
from core.iot.protocol import check_name

__all__ = [
    "COMMAND_TTL",
    "GATE_KEY_BYTES",
    "GateCommand",
    "GateCommandRefused",
    "GateCommandSigner",
    "GateCommandVerifier",
    "derive_gate_key",
]

VERSION = 1
COMMAND_TTL = timedelta(seconds=10)
GATE_KEY_BYTES = 32
MIN_MASTER_BYTES = 32
_SALT = b"encore-gate-key/v1"
_DOMAIN = "encore-gate-open/v1"
_NONCE_HEX = 32
_MAC_HEX = 64
_MAX_SERIAL = 64
_MAX_BYTES = 1024


def derive_gate_key(master: bytes, gate: str) -> bytes:
    """The key of one gate: HKDF-SHA256 over the master secret, with the gate's name as the info."""
    if len(master) < MIN_MASTER_BYTES:
        raise ValueError(f"the gate master secret must be at least {MIN_MASTER_BYTES} bytes")
    gate = check_name("gate", gate)
    hkdf = HKDF(algorithm=hashes.SHA256(), length=GATE_KEY_BYTES, salt=_SALT, info=gate.encode("utf-8"))
    return hkdf.derive(master)


@dataclass(frozen=True, slots=True)
class GateCommand:
    """An accepted command: let one person through ``gate``."""

    gate: str
    ticket: str | None
    issued_at: datetime
    expires_at: datetime
    nonce: str


def _mac(key: bytes, gate: str, ticket: str | None, at_ms: int, exp_ms: int, nonce: str) -> str:
    text = "\n".join((_DOMAIN, gate, ticket or "", str(at_ms), str(exp_ms), nonce))
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


class GateCommandSigner:
    """The server side: makes signed, expiring open commands with keys derived from the master secret."""

    __slots__ = ("_clock", "_keys", "_master", "_ttl")

    def __init__(self, master: bytes, clock: Clock, *, ttl: timedelta = COMMAND_TTL) -> None:
        if len(master) < MIN_MASTER_BYTES:
            raise ValueError(f"the gate master secret must be at least {MIN_MASTER_BYTES} bytes")
        self._master = bytes(master)
        self._clock = clock
        self._ttl = ttl
        self._keys: dict[str, bytes] = {}

    def __repr__(self) -> str:  # never the secret
        return f"GateCommandSigner(ttl={self._ttl.total_seconds():g}s)"

    def __reduce__(self) -> NoReturn:
        raise TypeError("a GateCommandSigner holds the gate master secret and cannot be pickled")

    def command(self, gate: str, ticket_serial: str | None = None) -> bytes:
        """The JSON payload of one open command for ``gate``."""
        key = self._keys.get(gate)
        if key is None:
            key = self._keys[gate] = derive_gate_key(self._master, gate)
        at_ms = _ms(self._clock.now())
        exp_ms = at_ms + int(self._ttl.total_seconds() * 1000)
        nonce = secrets.token_hex(_NONCE_HEX // 2)
        document = {
            "v": VERSION,
            "gate": gate,
            "ticket": ticket_serial,
            "at": at_ms,
            "exp": exp_ms,
            "nonce": nonce,
            "mac": _mac(key, gate, ticket_serial, at_ms, exp_ms, nonce),
        }
        return json.dumps(document, separators=(",", ":"), ensure_ascii=True).encode("ascii")


class GateCommandVerifier:
    """The controller side, for one gate: ``accept(payload)`` returns the command or raises GateCommandRefused.

    Keeps the nonces of unexpired commands it accepted (bounded: a command lives at most ``max_lifetime``).
    One verifier per gate, used from one task (a controller's message loop).
    """

    def __init__(
        self,
        key: bytes,
        gate: str,
        clock: Clock,
        *,
        max_skew: timedelta = timedelta(seconds=2),
        max_lifetime: timedelta = timedelta(seconds=60),
    ) -> None:
        if len(key) != GATE_KEY_BYTES:
            raise ValueError(f"a gate key is {GATE_KEY_BYTES} bytes (derive_gate_key)")
        self._key = bytes(key)
        self.gate = check_name("gate", gate)
        self._clock = clock
        self._skew_ms = int(max_skew.total_seconds() * 1000)
        self._lifetime_ms = int(max_lifetime.total_seconds() * 1000)
        self._started_ms = _ms(clock.now())
        self._seen: dict[str, int] = {}  # nonce -> its command's expiry (ms)

    def __repr__(self) -> str:  # never the key
        return f"GateCommandVerifier(gate={self.gate!r})"

    def accept(self, payload: bytes | bytearray | str) -> GateCommand:
        gate, ticket, at_ms, exp_ms, nonce, mac = _parse(payload)
        if gate != self.gate:
            raise GateCommandRefused(
                f"This command is for gate {gate!r}, not {self.gate!r}; it was not obeyed.",
                code=ErrorCode.GATE_COMMAND_WRONG_GATE,
            )
        expected = _mac(self._key, gate, ticket, at_ms, exp_ms, nonce)
        if not hmac.compare_digest(expected, mac):
            raise GateCommandRefused(
                "This command's MAC does not match this gate's key: forged, altered, or the controller has "
                "the wrong key. It was not obeyed.",
                code=ErrorCode.GATE_COMMAND_BAD_MAC,
            )
        now_ms = _ms(self._clock.now())
        if exp_ms <= now_ms:
            raise GateCommandRefused(
                "This command has expired; it was not obeyed. (If this happens to fresh commands, check this "
                "controller's clock.)",
                code=ErrorCode.GATE_COMMAND_EXPIRED,
            )
        if at_ms > now_ms + self._skew_ms or exp_ms - at_ms > self._lifetime_ms or exp_ms <= at_ms:
            raise GateCommandRefused(
                "This command was issued in the future or lives too long; it was not obeyed. Check the "
                "clocks of the server and this controller.",
                code=ErrorCode.GATE_COMMAND_NOT_YET_VALID,
            )
        self._forget_expired(now_ms)
        if nonce in self._seen or at_ms < self._started_ms - self._skew_ms:
            raise GateCommandRefused(
                "This command was already obeyed (or was sent before this controller started): a replay. "
                "It was not obeyed again.",
                code=ErrorCode.GATE_COMMAND_REPLAYED,
            )
        self._seen[nonce] = exp_ms
        return GateCommand(gate, ticket, _at(at_ms), _at(exp_ms), nonce)

    def _forget_expired(self, now_ms: int) -> None:
        # An expired command is refused by its expiry, so its nonce need not be kept.
        for nonce in [n for n, exp in self._seen.items() if exp <= now_ms]:
            del self._seen[nonce]


def _malformed(problem: str) -> GateCommandRefused:
    return GateCommandRefused(
        f"This is not a gate command ({problem}); it was not obeyed.", code=ErrorCode.GATE_COMMAND_MALFORMED
    )


def _parse(payload: bytes | bytearray | str) -> tuple[str, str | None, int, int, str, str]:
    """The fields of a version 1 command, each of the right type and form, or GateCommandRefused."""
    raw = payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)
    if len(raw) > _MAX_BYTES:
        raise _malformed("too long")
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise _malformed("not JSON") from None
    if not isinstance(document, dict):
        raise _malformed("not a JSON object")
    version = document.get("v")
    if not isinstance(version, int) or isinstance(version, bool) or version != VERSION:
        raise _malformed(f"version {VERSION} expected")
    gate = document.get("gate")
    if not isinstance(gate, str):
        raise _malformed("no gate")
    ticket = document.get("ticket")
    if ticket is not None and not (
        isinstance(ticket, str) and 0 < len(ticket) <= _MAX_SERIAL and ticket.isprintable()
    ):
        raise _malformed("bad ticket")
    at_ms, exp_ms = _time(document.get("at")), _time(document.get("exp"))
    nonce, mac = _hex(document.get("nonce"), _NONCE_HEX), _hex(document.get("mac"), _MAC_HEX)
    return gate, ticket, at_ms, exp_ms, nonce, mac


def _time(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _malformed("bad time")
    return value


def _hex(value: object, length: int) -> str:
    if not isinstance(value, str) or len(value) != length or any(c not in "0123456789abcdef" for c in value):
        raise _malformed("bad nonce or MAC")
    return value
