"""An S3-compatible object store for tests: moto's server over TLS, its certificate for ``localhost`` from a
trustme CA (pgBackRest speaks S3 only over TLS and checks the certificate against the CA file it is given)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ACCESS_KEY = "encore-test-access"
SECRET_KEY = "encore-test-secret-key-0123456789"
REGION = "eu-central-1"


@dataclass(frozen=True)
class S3Server:
    host: str
    port: int
    ca_file: Path
    """The trustme CA's certificate (PEM) that signed the server's certificate for localhost."""

    @property
    def endpoint_url(self) -> str:
        return f"https://{self.host}:{self.port}"

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3", endpoint_url=self.endpoint_url, region_name=REGION, verify=str(self.ca_file),
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        )  # fmt: skip

    def create_bucket(self, name: str) -> None:
        self.client().create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})


def reset_moto(endpoint: str) -> None:
    """Forget every bucket: moto keeps its state in the process, so a server started by an earlier test in the
    same worker would otherwise still hold that test's buckets (BucketAlreadyOwnedByYou)."""
    import urllib.request

    urllib.request.urlopen(
        urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=30
    ).close()


def missing() -> str | None:
    """Why no S3 server can be started here (a package missing), or None."""
    for module, package in (("moto.server", "moto[server]"), ("boto3", "boto3"), ("trustme", "trustme")):
        try:
            __import__(module)
        except ImportError:
            return f"{package} is not installed (pip install -e '.[test]')"
    return None


@contextmanager
def s3_server(folder: Path) -> Iterator[S3Server]:
    """moto's S3 on 127.0.0.1 behind a TLS terminator (a free port); the CA file goes into ``folder``.

    A terminator rather than werkzeug's own TLS: that server ends a connection without TLS's close_notify, which
    OpenSSL 3 clients such as pgBackRest report as "unexpected eof" and give up on. Stopped on exit."""
    import trustme
    from moto.server import ThreadedMotoServer

    ca = trustme.CA()
    ca_file = folder / "s3-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    requests = logging.getLogger("werkzeug")  # a line per request: only noise in a test's report
    level = requests.level
    requests.setLevel(logging.WARNING)
    moto.start()
    try:
        reset_moto(f"http://127.0.0.1:{moto.get_host_and_port()[1]}")
        with _tls_terminator(context, moto.get_host_and_port()[1]) as port:
            yield S3Server("localhost", port, ca_file)
    finally:
        moto.stop()
        requests.setLevel(level)


@contextmanager
def _tls_terminator(context: ssl.SSLContext, backend_port: int) -> Iterator[int]:
    """TLS on a free port of 127.0.0.1, plain TCP to the backend; its own event loop in a thread."""
    loop = asyncio.new_event_loop()
    ready: asyncio.Future[asyncio.Server] = loop.create_future()

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (OSError, ssl.SSLError):
            pass
        finally:
            writer.close()  # on the TLS side this sends close_notify

    async def accept(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            backend_r, backend_w = await asyncio.open_connection("127.0.0.1", backend_port)
        except OSError:
            client_w.close()
            return
        await asyncio.gather(pipe(client_r, backend_w), pipe(backend_r, client_w))

    async def serve() -> None:
        server = await asyncio.start_server(accept, "127.0.0.1", 0, ssl=context)
        ready.set_result(server)
        async with server:
            await server.serve_forever()

    def run() -> None:
        asyncio.set_event_loop(loop)
        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(serve())

    thread = threading.Thread(target=run, name="s3-tls", daemon=True)
    thread.start()
    server = asyncio.run_coroutine_threadsafe(_wait(ready), loop).result(timeout=10)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        loop.call_soon_threadsafe(server.close)
        for task in asyncio.all_tasks(loop):
            loop.call_soon_threadsafe(task.cancel)
        thread.join(timeout=10)
        loop.close()


async def _wait(future: asyncio.Future[asyncio.Server]) -> asyncio.Server:
    return await future
