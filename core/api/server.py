"""`encore-server`: the venue server under uvicorn, one worker process per core, TLS from the secret store."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import uvicorn
from litestar import Litestar

from core import config
from core.api.app import create_app
from core.config import Settings, parse_secret_ref
from core.domain.errors import ConfigError
from core.security.secret_store import resolve_secret

__all__ = ["app_from_environment", "main"]

log = logging.getLogger(__name__)


def app_from_environment() -> Litestar:
    """uvicorn's factory in each worker: the settings from ENCORE_CONFIG / ENCORE_* (workers are processes)."""
    settings = config.load()
    # Core's own log lines (outages, refusals, unexpected errors) at the configured level, beside uvicorn's.
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    return create_app(settings, own_process=True)


def _pem_path(ref: str, name: str, folder: Path) -> str:
    """uvicorn reads TLS material from files: a file: reference is used where it is; anything else (env:,
    keyring:) is written into a private folder that lives only as long as this process."""
    scheme, where = parse_secret_ref(ref)
    if scheme == "file":
        return where
    value = resolve_secret(ref)
    if not value:
        raise ConfigError("settings", f"server_tls_{name}_ref", "the secret reference names no value")
    path = folder / f"{name}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return str(path)


def workers(settings: Settings) -> int:
    return settings.server_workers or os.cpu_count() or 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="encore-server", description="The Encore venue server.")
    parser.add_argument("--config", metavar="PATH", help="TOML settings file (default: ENCORE_CONFIG)")
    parser.add_argument("--host", help="listen address (default: server_host)")
    parser.add_argument("--port", type=int, help="listen port (default: server_port)")
    parser.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    args = parser.parse_args(argv)
    try:
        if args.config:
            os.environ["ENCORE_CONFIG"] = str(Path(args.config).resolve())  # the workers load it again
        settings = config.load(args.config)
        with tempfile.TemporaryDirectory(prefix="encore-server-") as private:
            os.chmod(private, 0o700)
            tls: dict[str, str] = {}
            if bool(settings.server_tls_cert_ref) != bool(settings.server_tls_key_ref):
                raise ConfigError(
                    "settings", "server_tls_key_ref", "give the certificate and its key, or neither"
                )
            if settings.server_tls_cert_ref:
                tls = {
                    "ssl_certfile": _pem_path(settings.server_tls_cert_ref, "cert", Path(private)),
                    "ssl_keyfile": _pem_path(settings.server_tls_key_ref, "key", Path(private)),
                }
            else:
                log.warning(
                    "no TLS certificate configured: serving plain HTTP (only behind a TLS terminator)"
                )
            uvicorn.run(
                "core.api.server:app_from_environment",
                factory=True,
                host=args.host or settings.server_host,
                port=args.port or settings.server_port,
                workers=args.workers or workers(settings),
                log_level=settings.log_level.lower(),
                proxy_headers=True,
                timeout_keep_alive=30,
                timeout_graceful_shutdown=10,
                limit_concurrency=2000,
                server_header=False,
                **tls,  # type: ignore[arg-type]
            )
    except ConfigError as exc:
        print(f"encore-server: {exc.message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
