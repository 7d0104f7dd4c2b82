"""Pinning the venue server's certificate: the device trusts exactly one certificate, by its SHA-256 fingerprint.

For a venue without a CA its devices know (a self-signed certificate, a private CA nobody installed). The pin is
checked the moment the TLS handshake completes, inside the SSL object httpx's connection uses, so a server showing
another certificate gets no byte of the request: no enrolment, no token, no PIN.

The fingerprint comes from the settings (``server_cert_sha256``, given by the venue's IT), or, with
``server_cert_trust_first``, from the first connection at enrolment, stored beside the device key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import ssl
from pathlib import Path

import platformdirs

from core.domain.errors import ErrorCode, StorageUnavailable

__all__ = [
    "CertificateMismatch",
    "CertificatePin",
    "mismatch_error",
    "normalise_fingerprint",
    "pin_file_for",
    "pinned_context",
]

_HEX64 = re.compile(r"[0-9a-f]{64}")


def normalise_fingerprint(text: str) -> str | None:
    """'AB:CD:…' or 'abcd…' (64 hex digits, ':' or spaces between) as 64 lower-case hex digits; None if not."""
    plain = re.sub(r"[\s:]", "", text).lower()
    return plain if _HEX64.fullmatch(plain) else None


def show(fingerprint: str) -> str:
    """The form people compare (and openssl x509 -fingerprint -sha256 prints): 'AB:CD:…'."""
    return ":".join(fingerprint[i : i + 2] for i in range(0, len(fingerprint), 2)).upper()


class CertificateMismatch(ssl.SSLCertVerificationError):
    """The server's certificate is not the pinned one (raised inside the handshake)."""

    def __init__(self, seen: str, expected: str) -> None:
        super().__init__(f"server certificate {show(seen)} is not the pinned {show(expected)}")
        self.seen = seen
        self.expected = expected


class CertificatePin:
    """The fingerprint this device expects; with ``trust_first`` and none yet, the first one seen is taken."""

    def __init__(self, expected: str | None, *, trust_first: bool = False) -> None:
        self.expected = expected
        self.trust_first = trust_first
        self.learned = False
        """Taken on first use in this process and not stored yet (the client stores it once enrolment worked)."""

    def check(self, certificate_der: bytes) -> None:
        seen = hashlib.sha256(certificate_der).hexdigest()
        if self.expected is None and self.trust_first:
            self.expected, self.learned = seen, True  # every later connection must show the same one
            return
        if self.expected is None or not hmac.compare_digest(seen, self.expected):
            raise CertificateMismatch(seen, self.expected or "")


class _PinnedSSLObject(ssl.SSLObject):
    """httpx (anyio) drives the handshake through this object; the pin is checked when it completes, before
    the connection carries any request."""

    def do_handshake(self) -> None:
        super().do_handshake()
        context = self.context
        assert isinstance(context, _PinningContext)
        context.pin.check(self.getpeercert(binary_form=True) or b"")


class _PinningContext(ssl.SSLContext):
    pin: CertificatePin


def pinned_context(pin: CertificatePin) -> ssl.SSLContext:
    """A client context that trusts the pinned certificate alone, whoever issued it and whatever name it holds
    (the fingerprint names the one certificate; a CA's say and the host name add nothing to that)."""
    context = _PinningContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the pin is the verification: see _PinnedSSLObject
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.pin = pin
    context.sslobject_class = _PinnedSSLObject
    return context


def pin_file_for(device_key_ref: str) -> Path:
    """Where a device keeps the fingerprint it pinned: beside its key file, or in the data directory's keys
    folder when the key is in the OS keyring."""
    if device_key_ref.startswith("file:"):
        # As the secret store reads it: "file:~/…" is in the home directory, not a "~" folder in the cwd.
        key = Path(device_key_ref.removeprefix("file:")).expanduser()
        return key.with_name(f"{key.name}.server-cert.sha256")
    name = re.sub(r"[^A-Za-z0-9_.-]", "-", device_key_ref.rsplit("/", 1)[-1]) or "device"
    return Path(platformdirs.user_data_dir("encore")) / "keys" / f"{name}.server-cert.sha256"


def read_pin(path: Path) -> str | None:
    try:
        return normalise_fingerprint(path.read_text(encoding="ascii"))
    except (OSError, UnicodeDecodeError):
        return None


def store_pin(path: Path, fingerprint: str) -> None:
    """Written 0600 like the key beside it: whoever can replace it can redirect this device."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(show(fingerprint) + "\n")


def mismatch_error(mismatch: CertificateMismatch, pin_file: Path | None) -> StorageUnavailable:
    """What the device says: nothing was sent, and what to do (fix the setting, or pin again)."""
    if pin_file is not None:
        fix = (
            f"If the venue replaced the server's certificate on purpose, delete {pin_file} and start this "
            "device again to pin the new one (or set server_cert_sha256 to its fingerprint)"
        )
    else:
        fix = "If the venue replaced the server's certificate on purpose, set server_cert_sha256 to its fingerprint"
    return StorageUnavailable(
        f"The Encore server showed a certificate this device does not trust (SHA-256 {show(mismatch.seen)}, "
        f"pinned: {show(mismatch.expected)}), so nothing was sent to it. {fix}; otherwise someone may be "
        "intercepting the network: tell the venue's IT.",
        code=ErrorCode.SERVER_CERTIFICATE_MISMATCH,
    )
