"""Gate commands: the controller accepts a genuine one once, and refuses forged, altered, other-gate, expired,
future, over-long, replayed and malformed ones, each with its own code."""

from __future__ import annotations

import hashlib
import hmac
import json
import pickle
from datetime import UTC, datetime, timedelta

import pytest

from core.domain.clock import ManualClock
from core.iot.gate_commands import (
    GateCommandRefused,
    GateCommandSigner,
    GateCommandVerifier,
    derive_gate_key,
)

AT = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)
MASTER = b"m" * 32
GATE = "north"


def _pair(*, skew_s: float = 0.0) -> tuple[GateCommandSigner, GateCommandVerifier, ManualClock]:
    server_clock, controller_clock = ManualClock(AT), ManualClock(AT + timedelta(seconds=skew_s))
    signer = GateCommandSigner(MASTER, server_clock)
    verifier = GateCommandVerifier(derive_gate_key(MASTER, GATE), GATE, controller_clock)
    return signer, verifier, controller_clock


def _refused(verifier: GateCommandVerifier, payload: bytes | str) -> str:
    with pytest.raises(GateCommandRefused) as info:
        verifier.accept(payload)
    assert "not obeyed" in info.value.message
    return info.value.code


def _remac(document: dict[str, object], key: bytes) -> bytes:
    """Re-sign an edited command with ``key``: what someone holding that key (and only that) can make."""
    text = "\n".join(
        (
            "encore-gate-open/v1",
            str(document["gate"]),
            str(document["ticket"] or ""),
            str(document["at"]),
            str(document["exp"]),
            str(document["nonce"]),
        )
    )
    document["mac"] = hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
    return json.dumps(document).encode()


def test_a_genuine_command_is_accepted_once() -> None:
    signer, verifier, _ = _pair()
    payload = signer.command(GATE, "K7P2XQ9MABCD")
    command = verifier.accept(payload)
    assert (command.gate, command.ticket) == (GATE, "K7P2XQ9MABCD")
    assert command.expires_at - command.issued_at == timedelta(seconds=10)
    assert _refused(verifier, payload) == "gate_command_replayed"  # QoS 1 may deliver it twice: open once
    assert verifier.accept(signer.command(GATE)).ticket is None  # a new command is a new nonce


def test_each_gate_has_its_own_key() -> None:
    keys = {derive_gate_key(MASTER, g) for g in ("north", "south", "north-2")}
    assert len(keys) == 3
    assert derive_gate_key(MASTER, "north") == derive_gate_key(MASTER, "north")
    assert derive_gate_key(b"x" * 32, "north") != derive_gate_key(MASTER, "north")
    with pytest.raises(ValueError, match="32 bytes"):
        derive_gate_key(b"short", "north")


def test_a_command_forged_with_a_wrong_key_is_refused() -> None:
    signer, verifier, _ = _pair()
    document = json.loads(signer.command(GATE, "K7P2XQ9MABCD"))
    for wrong in (b"\x00" * 32, derive_gate_key(MASTER, "south"), MASTER):
        assert _refused(verifier, _remac(dict(document), wrong)) == "gate_command_bad_mac"


def test_an_altered_command_is_refused() -> None:
    signer, verifier, _ = _pair()
    document = json.loads(signer.command(GATE, "K7P2XQ9MABCD"))
    for field, value in (("ticket", "OTHERTICKET1"), ("exp", document["exp"] + 60_000), ("nonce", "0" * 32)):
        altered = {**document, field: value}
        assert _refused(verifier, json.dumps(altered)) == "gate_command_bad_mac", field
    assert verifier.accept(json.dumps(document)).ticket == "K7P2XQ9MABCD"  # the untouched one still opens


def test_another_gates_command_is_refused() -> None:
    signer, verifier, _ = _pair()
    south = signer.command("south", "K7P2XQ9MABCD")  # genuine, for the gate next door
    assert _refused(verifier, south) == "gate_command_wrong_gate"
    relabelled = {**json.loads(south), "gate": GATE}  # and claiming to be ours breaks the MAC
    assert _refused(verifier, json.dumps(relabelled)) == "gate_command_bad_mac"


def test_an_expired_command_is_refused() -> None:
    signer, verifier, controller = _pair()
    payload = signer.command(GATE)
    controller.advance(10)
    assert _refused(verifier, payload) == "gate_command_expired"


def test_a_command_from_the_future_or_living_too_long_is_refused() -> None:
    ahead = GateCommandSigner(MASTER, ManualClock(AT + timedelta(seconds=30)))
    _, verifier, _ = _pair()
    assert _refused(verifier, ahead.command(GATE)) == "gate_command_not_yet_valid"
    forever = GateCommandSigner(MASTER, ManualClock(AT), ttl=timedelta(hours=1))
    assert _refused(verifier, forever.command(GATE)) == "gate_command_not_yet_valid"
    _, skewed, _ = _pair(skew_s=-1.5)  # a controller 1.5 s behind, within the allowed skew, still opens
    assert skewed.accept(GateCommandSigner(MASTER, ManualClock(AT)).command(GATE)).gate == GATE


def test_a_command_sent_before_the_controller_started_is_a_replay() -> None:
    signer, _, _ = _pair()
    payload = signer.command(GATE)
    restarted = GateCommandVerifier(
        derive_gate_key(MASTER, GATE), GATE, ManualClock(AT + timedelta(seconds=5))
    )
    assert _refused(restarted, payload) == "gate_command_replayed"


def test_nonces_are_forgotten_once_their_command_expired() -> None:
    signer, verifier, controller = _pair()
    clock = ManualClock(AT)
    signer = GateCommandSigner(MASTER, clock)
    for _ in range(50):
        verifier.accept(signer.command(GATE))
    assert len(verifier._seen) == 50
    controller.advance(11)
    clock.advance(11)
    verifier.accept(signer.command(GATE))
    assert len(verifier._seen) == 1


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"\xff\xfe",
        b"[]",
        b'{"v": 2}',
        b'{"v": true, "gate": "north"}',
        b"x" * 2000,
        b'{"v": 1, "gate": 7}',
        b'{"v": 1, "gate": "north", "ticket": "A\\nB", "at": 1, "exp": 2, "nonce": "' + b"0" * 32 + b'"}',
        b'{"v": 1, "gate": "north", "ticket": null, "at": "1", "exp": 2}',
        b'{"v": 1, "gate": "north", "ticket": null, "at": 1, "exp": 2, "nonce": "xyz", "mac": "00"}',
    ],
)
def test_garbage_is_malformed(payload: bytes) -> None:
    _, verifier, _ = _pair()
    assert _refused(verifier, payload) == "gate_command_malformed"


def test_neither_side_shows_its_key() -> None:
    signer, verifier, _ = _pair()
    key = derive_gate_key(MASTER, GATE)
    for text in (repr(signer), repr(verifier)):
        assert MASTER.hex() not in text
        assert key.hex() not in text
    with pytest.raises(TypeError):
        pickle.dumps(signer)
