"""A full disk, a read-only file system or a permission error under the archive ends `run` with
one line (what, where, how much space) and exit code 5; the archive stays readable and running
the same run id again completes the run. The disk is a real, small tmpfs (mounting needs root;
under CI=true a failed mount fails the test instead of skipping it)."""

import errno
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SEEDS
from test_files import run_pipeline

from pipeline.archive.reader import read_table
from pipeline.cli.common import EXIT_STORAGE
from pipeline.cli.storage import free_space, storage_errno, storage_failure

EDITIONS = 40  # x 5 seeds: 200 documents, about 2.4 MB of raw text


def test_storage_errors_are_told_from_any_layer_and_others_are_not(tmp_path: Path):
    rust = Exception("Generic LocalFileSystem error: Unable to copy data: No space left on device (os error 28)")
    assert storage_errno(rust) == errno.ENOSPC
    try:
        raise RuntimeError("commit failed") from PermissionError(errno.EACCES, "Permission denied", str(tmp_path))
    except RuntimeError as chained:
        assert storage_failure(chained, None, "r1") == (
            f"cannot write the archive: permission denied at {tmp_path} ({free_space(tmp_path)});"
            " make it writable, then run again with --run-id r1"
        )
    assert storage_errno(FileNotFoundError(errno.ENOENT, "gone")) is None
    assert storage_failure(ValueError("bad value"), tmp_path) is None


def mount_tmpfs(path: Path, options: str) -> None:
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        message = f"cannot mount a tmpfs ({done.stderr.strip() or done.returncode}): the test needs root"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB file system of its own."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mount_tmpfs(disk, "size=1m")
    yield disk
    subprocess.run(["umount", str(disk)], check=True)


@pytest.fixture(scope="module")
def many_inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("many")
    for edition in range(EDITIONS):
        for seed in sorted(SEEDS.glob("*.txt")):
            (folder / f"{edition:02d}-{seed.name}").write_bytes(f"Edition {edition}.\n".encode() + seed.read_bytes())
    return folder


def remount(disk: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(disk)], check=True)


def assert_one_clear_line(done: subprocess.CompletedProcess[str], pattern: str) -> None:
    assert done.returncode == EXIT_STORAGE, done.stderr
    assert "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert re.fullmatch(pattern, last), last


def run_into(root: Path, *sources: Path, run_id: str, **options) -> subprocess.CompletedProcess[str]:
    args = ("--archive", str(root), "--run-id", run_id, "--workers", "1")
    return run_pipeline("run", *map(str, sources), *args, **options)


def verified(root: Path) -> None:
    done = run_pipeline("verify", "--archive", str(root))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_a_full_disk_ends_in_one_line_and_a_rerun_completes(small_disk: Path, many_inputs: Path):
    root = small_disk / "archive"
    assert run_into(root, SEEDS, run_id="seeds").returncode == 0
    done = run_into(root, many_inputs, run_id="big")
    assert_one_clear_line(
        done,
        rf"newsarchive run: cannot write the archive: no space left on the device at {small_disk}\S*"
        rf" \((\d+ bytes|\d+\.\d KiB) free of 1\.0 MiB on {small_disk}\S*\);"
        r" free some space, then run again with --run-id big",
    )
    verified(root)  # the archive still reads and checks out: the committed run is whole
    assert len(read_table(root, "articles")) == 5
    remount(small_disk, "size=40m")
    assert run_into(root, many_inputs, run_id="big").returncode == 0
    verified(root)
    assert len(read_table(root, "articles")) == 5 + 5 * EDITIONS
    runs = {row["run_id"]: row for row in read_table(root, "runs").to_pylist()}
    assert runs["big"]["new_versions"] == 5 * EDITIONS


@pytest.mark.slow
def test_a_read_only_archive_ends_in_one_line_and_a_rerun_completes(small_disk: Path, tmp_path: Path):
    root = small_disk / "archive"
    assert run_into(root, SEEDS, run_id="first").returncode == 0
    more = tmp_path / "more.txt"
    more.write_bytes(b"Edition two.\n" + (SEEDS / "000_a42797e8b3d60ea0.txt").read_bytes())
    remount(small_disk, "ro")
    done = run_into(root, more, run_id="second")
    assert_one_clear_line(
        done,
        rf"newsarchive run: cannot write the archive: the file system is read-only at {small_disk}\S*"
        r" \(.* free of 1\.0 MiB on .*\); make it writable, then run again with --run-id second",
    )
    verified(root)  # reading needs no write
    remount(small_disk, "rw")
    assert run_into(root, more, run_id="second").returncode == 0
    verified(root)
    assert len(read_table(root, "articles")) == 6


@pytest.mark.slow
def test_an_archive_without_write_permission_ends_in_one_line_and_a_rerun_completes(tmp_path: Path):
    root = tmp_path / "archive"
    assert run_into(root, SEEDS, run_id="first").returncode == 0
    more = tmp_path / "more.txt"
    more.write_bytes(b"Edition two.\n" + (SEEDS / "000_a42797e8b3d60ea0.txt").read_bytes())
    modes = {path: path.stat().st_mode for path in [root, *root.rglob("*")] if path.is_dir()}
    for path in modes:
        path.chmod(0o555)
    done = run_into(root, more, run_id="second", as_plain_user=True)
    for path, mode in modes.items():
        path.chmod(mode)
    assert_one_clear_line(
        done,
        rf"newsarchive run: cannot write the archive: permission denied at {root}\S*"
        r" \(.* free of .*\); make it writable, then run again with --run-id second",
    )
    assert run_into(root, more, run_id="second").returncode == 0
    verified(root)
    assert len(read_table(root, "articles")) == 6
