"""HAProxy (server-stack/haproxy/haproxy.cfg as committed) never sends a request again once a replica has it: a
replica that read a POST (say a hold extension, which must not run twice) and died before answering leaves the
device a 502, and the POST reached a replica exactly once. Control: with `retry-on` widened to empty responses
the same POST is sent again, so the test would see a replay. The replicas here are small TLS
servers that answer HAProxy's health checks and drop every other request after reading it whole."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import trustme

from tests.support import stack

COMMITTED = stack.STACK / "haproxy" / "haproxy.cfg"


@dataclass
class DyingReplica:
    """Answers GET health checks with 200; reads any other request to its last byte, then closes unanswered."""

    name: str
    listener: socket.socket
    context: ssl.SSLContext
    seen: list[str] = field(default_factory=list)
    """Every request line received, health checks included, with the replica's name."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.listener.getsockname()[1]}"

    def serve(self) -> None:
        while True:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return  # closed: the test is over
            threading.Thread(target=self._one, args=(raw,), daemon=True).start()

    def _one(self, raw: socket.socket) -> None:
        try:
            with self.context.wrap_socket(raw, server_side=True) as conn:
                conn.settimeout(5)
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                length = next(
                    (
                        int(v)
                        for k, _, v in (h.partition(":") for h in lines[1:])
                        if k.lower() == "content-length"
                    ),
                    0,
                )
                while len(body) < length:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    body += chunk
                with self.lock:
                    self.seen.append(lines[0])
                if lines[0].startswith("GET "):
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                # Anything else: the replica "dies" having read it; the socket closes with no answer.
        except (OSError, ssl.SSLError):
            return


@contextmanager
def _replicas(ca: trustme.CA) -> Iterator[list[DyingReplica]]:
    cert = ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    replicas = []
    for name in ("one", "two"):
        listener = socket.create_server(("127.0.0.1", 0))
        replicas.append(DyingReplica(name, listener, context))
        threading.Thread(target=replicas[-1].serve, daemon=True).start()
    try:
        yield replicas
    finally:
        for replica in replicas:
            replica.listener.close()


def _posts(replicas: list[DyingReplica]) -> list[str]:
    return [line for r in replicas for line in r.seen if line.startswith("POST ")]


def _extend_through_haproxy(config: Path, tmp_path: Path) -> tuple[int, list[str], list[str]]:
    """(HAProxy's status to the device, the POSTs the replicas received, the health checks' request lines)."""
    tmp_path.mkdir()
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    frontend = ca.issue_cert("localhost")
    pem = b"".join(b.bytes() for b in (*frontend.cert_chain_pems, frontend.private_key_pem))
    with ExitStack() as exits:
        replicas = exits.enter_context(_replicas(ca))
        balancer = exits.enter_context(stack.haproxy(pem, ca_file, [r.address for r in replicas], config))
        deadline = time.monotonic() + 5
        while not all(any(s.startswith("GET ") for s in r.seen) for r in replicas):
            assert time.monotonic() < deadline, (
                f"no health check reached both replicas:\n{balancer.daemon.log}"
            )
            time.sleep(0.05)
        with httpx.Client(verify=ssl.create_default_context(cafile=str(ca_file)), timeout=10) as client:
            answer = client.post(f"{balancer.url}/v1/holds/h-1/extend", json={"request_key": "k-1"})
        checks = sorted({line for r in replicas for line in r.seen if line.startswith("GET ")})
        return answer.status_code, _posts(replicas), checks


def test_haproxy_never_replays_a_request_a_dying_replica_had_read(tmp_path) -> None:
    stack.require("haproxy", apt="haproxy")
    status, posts, checks = _extend_through_haproxy(COMMITTED, tmp_path / "committed")
    assert status == 502
    assert posts == ["POST /v1/holds/h-1/extend HTTP/1.1"]  # exactly once, on one replica
    assert checks == ["GET /v1/health/ready HTTP/1.0"]  # the balancer routes on readiness

    # Control: retry-on widened to empty responses (L7 retries, which need the request buffered whole) replays
    # the same POST on a replica again.
    widened = tmp_path / "widened.cfg"
    text = COMMITTED.read_text()
    assert "    retry-on conn-failure\n" in text
    widened.write_text(
        text.replace(
            "    retry-on conn-failure\n",
            "    retry-on conn-failure empty-response\n    option http-buffer-request\n",
        )
    )
    status, posts, _ = _extend_through_haproxy(widened, tmp_path / "widened")
    assert status == 502
    assert len(posts) > 1, posts
