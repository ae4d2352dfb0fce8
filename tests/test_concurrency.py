"""Writers interleaved at the worst moment, in one process so the moment is exact: a run that loses
the race between assigning versions and committing, a reprocess overtaken by a run, maintenance
committing in between, tables created at once, and the commit lease."""

from __future__ import annotations

import shutil
import threading
import time
from datetime import timedelta
from pathlib import Path

import pyarrow.compute as pc
import pytest

import pipeline.archive.commit as commit
from bench.faults import damage, latest_texts, write_inputs
from pipeline.archive.commit import ensure_tables, is_committed
from pipeline.archive.layout import table_uri
from pipeline.archive.lease import LEASE_PATH, LeaseTimeout, current_holder, lease
from pipeline.archive.reader import read_table
from pipeline.archive.schema import TABLES
from pipeline.audit.reprocess import reprocess
from pipeline.audit.verify import verify
from pipeline.config import RunConfig
from pipeline.maintenance import maintain
from pipeline.run import run, utc_now

DOCS, CHANGING = 6, 4


@pytest.fixture(scope="module")
def first_edition(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(an archive holding edition 1 of the inputs, the inputs now at edition 2)."""
    base = tmp_path_factory.mktemp("concurrency")
    inputs, archive = base / "inputs", base / "archive"
    write_inputs(inputs, DOCS, edition=1, changing=CHANGING)
    run([str(inputs)], RunConfig(str(archive), "edition-1"))
    write_inputs(inputs, DOCS, edition=2, changing=CHANGING)
    return archive, inputs


@pytest.fixture
def archive(first_edition: tuple[Path, Path], tmp_path: Path) -> Path:
    return Path(shutil.copytree(first_edition[0], tmp_path / "archive"))


def _interleave(monkeypatch: pytest.MonkeyPatch, between) -> list[int]:
    """Call `between()` once, right after the first version assignment and before its commit;
    returns the table versions every assignment read."""
    real, reads = commit.assign_versions, []

    def assign(root: Path, run_id: str, read_version: int):
        assignment = real(root, run_id, read_version)
        reads.append(read_version)
        if len(reads) == 1:
            between()
        return assignment

    monkeypatch.setattr(commit, "assign_versions", assign)
    return reads


def test_a_run_that_loses_the_race_to_commit_reassigns_against_the_winner(
    archive: Path, first_edition: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = str(first_edition[1])
    reads = _interleave(monkeypatch, lambda: run([inputs], RunConfig(str(archive), "winner")))
    loser = run([inputs], RunConfig(str(archive), "loser"))
    assert reads == [1, 1, 2]  # loser and winner both read v1, the winner took v2, the loser retried on v2
    assert (loser.new_versions, loser.sightings, loser.articles_version) == (0, DOCS, reads[-1] + 1)
    versions = read_table(archive, "articles", columns=["doc_id", "version"]).to_pylist()
    assert max(v["version"] for v in versions) == 2 and len(versions) == DOCS + CHANGING
    assert damage(archive).none


def test_a_reprocess_overtaken_by_a_run_leaves_the_newer_text_alone(
    archive: Path, first_edition: tuple[Path, Path]
) -> None:
    overtaken = []

    def run_in_between() -> None:
        if not overtaken:
            overtaken.append(run([str(first_edition[1])], RunConfig(str(archive), "edition-2")))

    result = reprocess(RunConfig(str(archive), "rebuild", batch_size=2), on_document=run_in_between)
    assert overtaken[0].new_versions == CHANGING
    assert result.stale == CHANGING and result.summary.stale == CHANGING  # rebuilt from v1, latest is v2: left out
    newest = latest_texts(archive)
    assert max(read_table(archive, "articles", columns=["version"])["version"].to_pylist()) == 2
    assert result.summary.sightings == DOCS - CHANGING
    superseded = read_table(archive, "rejects").filter(pc.field("run_id") == "rebuild").to_pylist()
    assert [row["reason"] for row in superseded] == ["superseded"] * CHANGING  # left out, not lost
    assert all("rebuilt from v1, but the latest is now v2" in row["message"] and row["raw_size"] > 0
               for row in superseded)
    assert result.summary.rejects == CHANGING
    found = damage(archive, newest=newest)
    assert found.none, found


def test_maintenance_committing_between_assignment_and_commit(
    archive: Path, first_edition: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_inputs(tmp_path / "more", 1, edition=1, changing=0)
    run([str(tmp_path / "more")], RunConfig(str(archive), "more"))  # a second articles file to compact
    reports = []
    reads = _interleave(monkeypatch, lambda: reports.append(maintain(archive, utc_now)))
    summary = run([str(first_edition[1])], RunConfig(str(archive), "edition-2"))
    assert reports[0].ok and reports[0].tables[0].version_after == reads[0] + 1  # compaction took the next version
    assert reads[-1] == reads[0] + 1 and summary.new_versions == CHANGING
    result = verify(archive)
    assert result.ok, result.problems


def _create_at_once(root: Path, writers: int) -> list[Exception]:
    """`ensure_tables(root)` from `writers` threads released together; the errors they raised."""
    barrier, errors = threading.Barrier(writers), []

    def create() -> None:
        barrier.wait()
        try:
            ensure_tables(root)
        except Exception as exc:  # collected: the caller's assertion names it
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_writers_creating_the_tables_at_the_same_moment(tmp_path: Path) -> None:
    for round_number in range(4):
        root = tmp_path / f"archive-{round_number}"
        assert _create_at_once(root, 4) == []
        for table in TABLES:
            assert read_table(root, table).num_rows == 0
            assert (Path(table_uri(root, table)) / "_delta_log" / "00000000000000000000.json").is_file()


def test_the_lease_admits_one_holder_and_expires(tmp_path: Path) -> None:
    with lease(tmp_path, "first"):
        assert current_holder(tmp_path) == "first"
        with pytest.raises(LeaseTimeout, match="first"), lease(tmp_path, "second", wait=timedelta(seconds=0.3)):
            pass
    assert current_holder(tmp_path) is None
    (tmp_path / LEASE_PATH).write_text('{"holder": "dead", "expires_at": "2020-01-01T00:00:00+00:00"}')
    assert current_holder(tmp_path) is None
    with lease(tmp_path, "third", wait=timedelta(seconds=5)):
        assert current_holder(tmp_path) == "third"


def test_a_commit_waits_while_another_writer_holds_the_lease(archive: Path, first_edition: tuple[Path, Path]) -> None:
    done: list[object] = []
    with lease(archive, "another writer"):
        writer = threading.Thread(target=lambda: done.append(run([str(first_edition[1])],
                                                                 RunConfig(str(archive), "patient"))))
        writer.start()
        time.sleep(4)
        assert not done and not is_committed(archive, "patient")
    writer.join(timeout=120)
    assert done and is_committed(archive, "patient")
    assert damage(archive).none
