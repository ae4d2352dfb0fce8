"""Local files and directories: every entry that yields nothing says why, and nothing blocks."""

import ctypes
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from conftest import REPO, SEEDS

from pipeline.archive.reader import read_table
from pipeline.sources.expand import expand_sources
from pipeline.sources.files import read_file
from pipeline.sources.skipped import is_skipped, skipped_capture

GOOD = (SEEDS / "004_1364bb3f8be946eb.txt").read_bytes()[:6000]
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def clock() -> datetime:
    return datetime(2024, 3, 12, tzinfo=UTC)


def drop_file_permission_override() -> None:
    """In a child before exec: give up root's power to read and write regardless of file modes
    (the capabilities leave the bounding set, so the exec'd program never holds them)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_pipeline(*args: str, as_plain_user: bool = False, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """`python -m pipeline ARGS` in a child process that cannot hang the tests (a 120 s bound);
    `as_plain_user`: with file permissions enforced even when the tests run as root."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        preexec_fn=drop_file_permission_override if as_plain_user and os.geteuid() == 0 else None,
    )


def rejects_by_name(root: Path) -> dict[str, dict]:
    return {Path(row["source_uri"]).name: row for row in read_table(root, "rejects").to_pylist()}


def test_a_fifo_given_as_a_source_is_refused_and_the_run_goes_on(tmp_path: Path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (tmp_path / "good.txt").write_bytes(GOOD)
    root = tmp_path / "archive"
    done = run_pipeline("run", str(fifo), str(tmp_path / "good.txt"), "--archive", str(root), "--workers", "1")
    assert done.returncode == 0, done.stderr
    reject = rejects_by_name(root)["pipe.txt"]
    assert reject["reason"] == "unsupported_type"
    assert "a FIFO (named pipe), not a regular file: not opened" in reject["message"]
    assert [Path(a["source_uri"]).name for a in read_table(root, "articles").to_pylist()] == ["good.txt"]


def test_read_file_never_opens_a_fifo(tmp_path: Path):
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    capture = read_file(fifo, 1000, clock)  # would block forever if the FIFO were opened for reading
    assert capture.error == ("unsupported_type", f"{fifo}: a FIFO (named pipe), not a regular file: not opened")


def test_every_directory_entry_that_yields_nothing_is_listed_with_its_reason(tmp_path: Path):
    (tmp_path / "good.txt").write_bytes(GOOD)
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (tmp_path / "gone.html").symlink_to(tmp_path / "nowhere.html")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "photo.jpg").write_bytes(b"\xff\xd8")  # an unsupported name: ignored, as before
    (tmp_path / "linked-dir").symlink_to(tmp_path / "sub")
    inputs = expand_sources([str(tmp_path)])
    assert [item for item in inputs if not is_skipped(item)] == [str(tmp_path / "good.txt")]
    skipped = {Path(c.source_uri).name: c.error for c in (skipped_capture(i, clock()) for i in inputs if is_skipped(i))}
    assert skipped == {
        "gone.html": ("not_found", f"{tmp_path / 'gone.html'}: a dangling symlink"),
        "linked-dir": ("refused", f"{tmp_path / 'linked-dir'}: a symlink to a directory (links are not followed)"),
        "loop.txt": ("unreadable", f"{tmp_path / 'loop.txt'}: a symlink loop (Too many levels of symbolic links)"),
        "pipe.txt": ("unsupported_type", f"{tmp_path / 'pipe.txt'}: a FIFO (named pipe), not a regular file"),
    }


def test_a_symlink_loop_named_on_the_command_line_is_a_reject_and_the_good_file_is_archived(tmp_path: Path):
    (tmp_path / "good.txt").write_bytes(GOOD)
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    root = tmp_path / "archive"
    done = run_pipeline("run", str(tmp_path / "loop.txt"), str(tmp_path / "good.txt"), "--archive", str(root), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["new_versions"] == 1
    [reject] = read_table(root, "rejects", columns=["reason", "message"]).to_pylist()
    assert reject == {"reason": "unreadable",
                      "message": f"{tmp_path / 'loop.txt'}: a symlink loop (Too many levels of symbolic links)"}


def test_an_empty_directory_is_a_reject_and_a_run_of_it_says_so(tmp_path: Path):
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    (empty / "notes.pdf").write_bytes(b"%PDF-1.7")
    root = tmp_path / "archive"
    done = run_pipeline("run", str(empty), "--archive", str(root), "--workers", "1", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["documents"], summary["rejects"]) == (1, 1)
    [reject] = read_table(root, "rejects").to_pylist()
    assert reject["reason"] == "empty"
    assert reject["message"] == (
        f"{empty}: the directory holds no .txt, .html or .htm (optionally .gz) file (1 other file ignored)"
    )


def test_an_unreadable_file_is_a_reject_and_the_good_files_are_archived(tmp_path: Path):
    """Root reads any file, so the run gives up that power when the tests run as root."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "good.txt").write_bytes(GOOD)
    secret = inputs / "secret.txt"
    secret.write_bytes(GOOD)
    secret.chmod(0o000)
    root = tmp_path / "archive"
    done = run_pipeline("run", str(inputs), "--archive", str(root), "--workers", "1", as_plain_user=True)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    reject = rejects_by_name(root)["secret.txt"]
    assert (reject["reason"], reject["message"]) == ("unreadable", f"{secret}: permission denied")
    assert reject["raw_ref"] is None and reject["raw_size"] == 0
    assert [Path(a["source_uri"]).name for a in read_table(root, "articles").to_pylist()] == ["good.txt"]
