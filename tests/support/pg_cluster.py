"""A throwaway PostgreSQL cluster of the machine's own binaries (initdb/pg_ctl), in a temp dir on a free port,
for drills that stop, wipe and restore a whole server: never the machine's running PostgreSQL.

initdb refuses to run as root, so as root the cluster runs as the ``postgres`` user (runuser) and its folder
belongs to that user; as anyone else it runs as that user."""

from __future__ import annotations

import getpass
import os
import pwd
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.probes import free_port

PG_ROOT = Path("/usr/lib/postgresql")


def bin_dirs() -> list[Path]:
    """The machine's PostgreSQL server binaries, newest major version first."""
    found = [p / "bin" for p in PG_ROOT.glob("*") if (p / "bin" / "initdb").exists()]
    return sorted(found, key=lambda p: int(re.sub(r"\D", "", p.parent.name) or 0), reverse=True)


def run_as() -> tuple[list[str], str]:
    """(command prefix, user name) that the cluster runs under."""
    if os.geteuid() != 0:
        return [], getpass.getuser()
    return ["runuser", "-u", "postgres", "--"], "postgres"


def private_dir(prefix: str) -> Path:
    """A new temp dir that the cluster's user owns (0700)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    return folder


def give(path: Path, mode: int = 0o600) -> None:
    """Hand a file we wrote to the cluster's user (a secret it must read: 0600, its own)."""
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(path, user.pw_uid, user.pw_gid)
    os.chmod(path, mode)


@dataclass
class Cluster:
    bin_dir: Path
    folder: Path
    """Owned by the cluster's user: the data directory, the socket and the log live in it."""
    env: Mapping[str, str] = field(default_factory=dict)
    """Extra environment of the server (its archive_command sees it) and of run()."""
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"postgresql+asyncpg://{run_as()[1]}@127.0.0.1:{self.port}/{database}"

    def run(self, args: Sequence[str], *, timeout: float = 120) -> str:
        """Run a command as the cluster's user in its environment; its output, or an error that shows it."""
        prefix, _ = run_as()
        env = {**os.environ, **self.env}
        done = subprocess.run(
            [*prefix, *args], env=env, cwd=self.folder, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def initdb(self, settings: Mapping[str, str]) -> None:
        _, user = run_as()
        self.run([str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", user, "-A", "trust", "--no-sync"])
        lines = {
            "port": str(self.port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.folder}'",
            "fsync": "off",  # a throwaway: a crash of the machine loses nothing worth keeping
            **settings,
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{k} = {v}\n" for k, v in lines.items())

    def start(self) -> None:
        try:
            self.run([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-w",
                      "-t", "60", "start"])  # fmt: skip
        except RuntimeError as error:
            raise RuntimeError(f"{error}\nThe server's log ends:\n{self.log()}") from None

    def stop(self, *, discard: bool = False) -> None:
        """Shut down cleanly (a checkpoint, the last WAL archived), or with ``discard`` at once: a throwaway's
        end, where an archiver that cannot reach a deleted repository would only make us wait."""
        if not (self.data / "postmaster.pid").exists():
            return
        if discard:
            self.run([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])
            return
        try:
            self.run(
                [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "20", "stop"]
            )
        except RuntimeError:  # an archiver stuck on an unreachable repository: no need to be gentle
            self.run([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])

    def log(self) -> str:
        try:
            return (self.folder / "log").read_text(errors="replace")[-4000:]
        except OSError:
            return ""
