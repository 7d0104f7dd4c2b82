"""A throwaway cluster archiving its WAL with pgBackRest, configured by server-stack/pgbackrest/ as committed:
its two repositories (repo1 a local folder, repo2 encrypted on S3) with only the paths, ports and endpoint
overridden through the environment, and the secrets read from 0600 files by ``pgbackrest-env``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support import pg_cluster, s3
from tests.support.pg_cluster import Cluster

ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = ROOT / "server-stack" / "pgbackrest"
STANZA = "encore"
BUCKET = "encore-backups"
SUPPORTED_MAJOR = range(10, 16)
"""What Debian 12's pgBackRest (2.45) backs up; a newer one knows later PostgreSQL too."""


def missing() -> str | None:
    """Why the drill cannot run on this machine, or None."""
    if shutil.which("pgbackrest") is None:
        return (
            "pgbackrest is not installed (Debian: apt-get install -y pgbackrest; make test does it as root)"
        )
    if not pg_cluster.bin_dirs():
        return (
            "no PostgreSQL server binaries under /usr/lib/postgresql (Debian: apt-get install -y postgresql)"
        )
    if pg_cluster.run_as()[1] == "postgres" and not shutil.which("runuser"):
        return "running as root, and runuser (to run initdb as postgres) is missing"
    return s3.missing()


@dataclass
class Drill:
    cluster: Cluster
    s3: s3.S3Server
    repo1: Path

    def pgbackrest(self, *args: str, timeout: float = 180) -> str:
        return self.cluster.run([str(self.cluster.folder / "pgbackrest-env"), f"--stanza={STANZA}", *args],
                                timeout=timeout)  # fmt: skip


def _secret(folder: Path, name: str, value: str) -> Path:
    path = folder / name
    path.write_text(value)
    pg_cluster.give(path)
    return path


@contextmanager
def drill_cluster() -> Iterator[Drill]:
    """S3 over TLS, and a running cluster whose stanza exists in both repositories."""
    folder = pg_cluster.private_dir("encore-pitr-")
    cluster = Cluster(pg_cluster.bin_dirs()[0], folder)
    settings = {
        "wal_level": "replica",
        "archive_mode": "on",
        "archive_command": f"'{folder / 'pgbackrest-env'} --stanza={STANZA} archive-push %p'",
        "max_wal_senders": "2",
    }
    # initdb (a few seconds) runs while moto loads and starts (as long again).
    pool = ThreadPoolExecutor(1)
    initdb = pool.submit(cluster.initdb, settings)
    pool.shutdown(wait=False)  # the task runs on; initdb.result() waits for it
    try:
        with s3.s3_server(folder) as store:
            initdb.result()
            store.create_bucket(BUCKET)
            for name in ("pgbackrest.conf", "pgbackrest-env"):
                shutil.copy(CONFIG_DIR / name, folder / name)
                pg_cluster.give(folder / name, 0o700 if name.endswith("env") else 0o600)
            pg_cluster.give(store.ca_file, 0o644)
            repo1 = folder / "repo1"
            cluster.env = {
                "PGBACKREST_CONFIG": str(folder / "pgbackrest.conf"),
                "PGBACKREST_CMD": str(folder / "pgbackrest-env"),
                "PGBACKREST_REPO1_PATH": str(repo1),
                "PGBACKREST_REPO2_S3_ENDPOINT": store.host,
                "PGBACKREST_REPO2_STORAGE_PORT": str(store.port),
                "PGBACKREST_REPO2_STORAGE_CA_FILE": str(store.ca_file),
                "PGBACKREST_REPO2_S3_REGION": s3.REGION,
                "PGBACKREST_REPO2_S3_BUCKET": BUCKET,
                "PGBACKREST_REPO2_CIPHER_PASS_FILE": str(
                    _secret(folder, "cipher-pass", "drill-passphrase-73")
                ),
                "PGBACKREST_REPO2_S3_KEY_FILE": str(_secret(folder, "s3-key", s3.ACCESS_KEY)),
                "PGBACKREST_REPO2_S3_KEY_SECRET_FILE": str(_secret(folder, "s3-secret", s3.SECRET_KEY)),
                "PGBACKREST_PG1_PATH": str(folder / "data"),
                "PGBACKREST_PG1_PORT": str(cluster.port),
                "PGBACKREST_PG1_SOCKET_PATH": str(folder),
                "PGBACKREST_LOCK_PATH": str(folder / "lock"),
                "PGBACKREST_LOG_PATH": str(folder / "log-pgbackrest"),
                "PGBACKREST_IO_TIMEOUT": "20",  # a drill that cannot reach its S3 fails in seconds, not minutes
            }
            try:
                cluster.start()
                drill = Drill(cluster, store, repo1)
                drill.pgbackrest("stanza-create")
                yield drill
            except BaseException:
                print(cluster.log())  # shown by pytest with the failure
                raise
            finally:
                cluster.stop(discard=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
