"""Tiny protocol probes (Redis PING, MQTT CONNECT) with short timeouts: discovery is fast on closed ports."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from urllib.parse import urlsplit

PROBE_TIMEOUT_S = 0.5

# MQTT 3.1.1 CONNECT: protocol "MQTT" level 4, clean session, keep-alive 10 s, client id "encore-probe".
_CLIENT_ID = b"encore-probe"
_CONNECT_BODY = b"\x00\x04MQTT\x04\x02\x00\x0a" + len(_CLIENT_ID).to_bytes(2, "big") + _CLIENT_ID
_MQTT_CONNECT = bytes([0x10, len(_CONNECT_BODY)]) + _CONNECT_BODY


def _exchange(host: str, port: int, request: bytes, size: int, timeout: float) -> bytes:
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        sock.sendall(request)
        return sock.recv(size)


def redis_ping(url: str, timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """None if the Redis-protocol server at ``url`` answers PING with PONG, else why not."""
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"}:
        return f"{url!r} is not a redis:// URL"
    if parts.scheme == "rediss":
        return None  # TLS: trust the URL the user gave us; the tests' own client will say if it is wrong
    try:
        reply = _exchange(
            parts.hostname or "localhost", parts.port or 6379, b"*1\r\n$4\r\nPING\r\n", 64, timeout
        )
    except OSError as exc:
        return f"{parts.hostname}:{parts.port or 6379}: {exc.strerror or exc}"
    if not reply.startswith(b"+PONG"):
        return f"{parts.hostname}:{parts.port or 6379} answered PING with {reply[:40]!r}"
    return None


def mqtt_connack(url: str, timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """None if the MQTT broker at ``url`` accepts an anonymous CONNECT (CONNACK code 0), else why not."""
    parts = urlsplit(url)
    if parts.scheme not in {"mqtt", "tcp"}:
        return f"{url!r} is not an mqtt:// URL"
    host, port = parts.hostname or "localhost", parts.port or 1883
    try:
        reply = _exchange(host, port, _MQTT_CONNECT, 4, timeout)
    except OSError as exc:
        return f"{host}:{port}: {exc.strerror or exc}"
    if reply[:1] != b"\x20" or len(reply) < 4 or reply[3] != 0:
        return f"{host}:{port} answered MQTT CONNECT with {reply!r}"
    return None


def poll(check: Callable[[], str | None], deadline_s: float) -> str | None:
    """Call ``check()`` until it returns None or the deadline passes; return its last complaint."""
    end = time.monotonic() + deadline_s
    while True:
        problem = check()
        if problem is None or time.monotonic() > end:
            return problem
        time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
