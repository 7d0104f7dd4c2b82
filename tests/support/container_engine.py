"""A private Docker engine for the compose stack test, offline: dockerd on its own socket with no bridge and no
iptables, and a Debian 12 base image made with debootstrap and `docker import` (no image registry is reachable
here). Storage: overlay2 where this kernel lets us mount an overlay (here it does), else vfs, which works in any
sandbox but copies the whole file system for every layer and container (a build and `up` take several times
longer); ENCORE_STACK_STORAGE_DRIVER chooses one.

The engine's data root and the base image's tarball live in a cache folder (ENCORE_STACK_CACHE, default
/var/tmp/encore-stack) so a second run reuses the base image and the build's dependency layers.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(os.environ.get("ENCORE_STACK_CACHE", "/var/tmp/encore-stack"))
BASE_IMAGE = "encore-base:bookworm-python"
# python3-venv: the Dockerfile's build stage makes its virtualenv with the base's own Python 3.11.
BASE_PACKAGES = "python3,python3-venv,ca-certificates"
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")


def storage_driver() -> str:
    chosen = os.environ.get("ENCORE_STACK_STORAGE_DRIVER")
    if chosen:
        return chosen
    with tempfile.TemporaryDirectory(prefix="overlay-probe-", dir=CACHE) as probe:
        for part in ("lower", "upper", "work", "merged"):
            (Path(probe) / part).mkdir()
        mounted = subprocess.run(
            ["mount", "-t", "overlay", "overlay", "-o",
             f"lowerdir={probe}/lower,upperdir={probe}/upper,workdir={probe}/work", f"{probe}/merged"],
            capture_output=True,
        )  # fmt: skip
        if mounted.returncode != 0:
            return "vfs"
        subprocess.run(["umount", f"{probe}/merged"], check=True)
        return "overlay2"


class EngineUnavailable(Exception):
    """Why a container engine cannot run here (the test skips with this reason)."""


@dataclass(frozen=True)
class Engine:
    docker: str
    env: dict[str, str]
    storage_driver: str

    def run(self, *args: str, timeout: float = 600, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.docker, *args], env=self.env, capture_output=True, text=True, timeout=timeout, check=check
        )

    def has_image(self, name: str) -> bool:
        return self.run("image", "inspect", name, check=False).returncode == 0


def missing_tools() -> list[str]:
    # Debian's docker client builds with BuildKit on its own (a newer client would want the buildx plugin).
    return [tool for tool in ("dockerd", "debootstrap") if shutil.which(tool) is None] + (
        [] if Path("/usr/bin/docker").exists() else ["docker (Debian's docker.io client)"]
    )


@contextmanager
def private_engine() -> Iterator[Engine]:
    """Start dockerd on a private socket (one test run at a time per cache folder), stop it afterwards."""
    if missing := missing_tools():
        raise EngineUnavailable(
            f"not installed: {', '.join(missing)} (apt-get install docker.io debootstrap)"
        )
    if os.geteuid() != 0:
        raise EngineUnavailable("dockerd needs root here (rootless Docker is not set up)")
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / "engine.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        run_dir = Path(tempfile.mkdtemp(prefix="encore-dockerd-"))
        socket = run_dir / "docker.sock"
        driver = storage_driver()
        log = (CACHE / "dockerd.log").open("wb")
        process = subprocess.Popen(
            [
                "dockerd",
                "--bridge=none",
                "--iptables=false",
                "--ip6tables=false",
                f"--storage-driver={driver}",
                f"--host=unix://{socket}",
                f"--data-root={CACHE / f'docker-{driver}'}",
                f"--exec-root={run_dir / 'exec'}",
                f"--pidfile={run_dir / 'dockerd.pid'}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        env = {**os.environ, "DOCKER_HOST": f"unix://{socket}", "DOCKER_BUILDKIT": "1"}
        env.pop("DOCKER_CONTEXT", None)
        engine = Engine("/usr/bin/docker", env, driver)
        try:
            deadline = time.monotonic() + 60
            while engine.run("info", check=False, timeout=10).returncode != 0:
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = (CACHE / "dockerd.log").read_text(errors="replace")[-2000:]
                    raise EngineUnavailable(f"dockerd did not start here:\n{tail}")
                time.sleep(0.5)
            yield engine
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()
            shutil.rmtree(run_dir, ignore_errors=True)


def ensure_base_image(engine: Engine) -> str:
    """The offline base: Debian 12 minbase with python3 and python3-venv, trusting what this host trusts (the
    build's pip reaches the package index through the same TLS proxy, if any). Made once, then cached."""
    if engine.has_image(BASE_IMAGE):
        return BASE_IMAGE
    tarball = CACHE / "bookworm-python.tar"
    if not tarball.exists():
        with tempfile.TemporaryDirectory(prefix="encore-rootfs-", dir=CACHE) as folder:
            root = Path(folder) / "rootfs"
            subprocess.run(
                ["debootstrap", "--variant=minbase", f"--include={BASE_PACKAGES}", "bookworm", str(root),
                 "http://deb.debian.org/debian"],
                check=True, capture_output=True, timeout=900,
            )  # fmt: skip
            shutil.rmtree(root / "var/cache/apt/archives", ignore_errors=True)
            (root / "var/cache/apt/archives/partial").mkdir(parents=True)
            if HOST_CA_BUNDLE.exists():
                shutil.copyfile(HOST_CA_BUNDLE, root / "etc/ssl/certs/ca-certificates.crt")
            partial = tarball.with_suffix(".partial")
            subprocess.run(["tar", "-C", str(root), "--numeric-owner", "-cf", str(partial), "."], check=True)
            partial.rename(tarball)
    engine.run("import", str(tarball), BASE_IMAGE)
    return BASE_IMAGE
