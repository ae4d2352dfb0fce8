"""`verify`: clean archives pass; a flipped WARC byte, a hand-edited row and each fault of a racing or
interrupted writer are named."""

from __future__ import annotations

import hashlib
import shutil
import zlib
from datetime import timedelta

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from deltalake import CommitProperties, DeltaTable, write_deltalake

from pipeline.archive.history import table_history
from pipeline.archive.layout import table_uri
from pipeline.archive.reader import data_files, read_table
from pipeline.archive.schema import contract
from pipeline.audit.runs_check import check_run
from pipeline.audit.verify import verify
from pipeline.maintenance import maintain
from pipeline.run import utc_now
from tests.conftest import AuditArchive


def test_verify_passes_on_a_clean_archive(audit_archive: AuditArchive, cli) -> None:
    code, result = cli.json("verify", "--archive", audit_archive.root)
    assert (code, result["ok"], result["problems"]) == (0, True, [])
    assert result["checked"]["article rows"] == 7  # 5 seeds + the generated text twice


def _middle_of_member(data: bytes, offset: int) -> int:
    """The middle of the gzip member (one WARC record) that starts at `offset`."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    inflater.decompress(data[offset:])
    return offset + (len(data) - offset - len(inflater.unused_data)) // 2


def test_verify_names_the_document_behind_a_flipped_warc_byte(archive_copy: AuditArchive, cli) -> None:
    row = read_table(archive_copy.root, "articles", where=pc.field("doc_id") == archive_copy.changing).to_pylist()[0]
    warc = archive_copy.root / row["raw_ref"]["warc_file"]
    data = bytearray(warc.read_bytes())
    position = _middle_of_member(data, row["raw_ref"]["offset"])
    data[position] ^= 0x01
    warc.write_bytes(bytes(data))
    code, out = cli("verify", "--archive", archive_copy.root)
    assert code == 1
    problems = [line for line in out.splitlines() if line.startswith("[raw]")]
    assert problems and all(archive_copy.changing in line for line in problems)


def test_verify_names_a_hand_edited_row(archive_copy: AuditArchive, cli) -> None:
    files = data_files(archive_copy.root, "articles")
    path = next(f for f in files if pq.read_table(f, columns=["run_id"])["run_id"][0].as_py() == "run-1")
    table = pq.read_table(path)
    texts = table["text"].to_pylist()
    texts[0] = texts[0].replace("the", "teh", 1)
    pq.write_table(table.set_column(table.schema.get_field_index("text"), "text", [texts]), path)  # same name
    victim = table["doc_id"][0].as_py()
    code, result = cli.json("verify", "--archive", archive_copy.root)
    assert code == 1
    text_problems = [p for p in result["problems"] if p["check"] == "text"]
    assert [p["subject"] for p in text_problems] == [f"doc {victim} v1"]
    assert hashlib.sha256(texts[0].encode()).hexdigest() in text_problems[0]["detail"]


# Each fault of a racing or interrupted writer, made on a real archive the way the writer made it.


def _table(root, table: str) -> DeltaTable:
    return DeltaTable(table_uri(root, table))


def _append_rows(root, rows: list[dict]) -> None:
    """Append articles rows as a commit of run-2 would (the fault is in the rows, not in the commit)."""
    write_deltalake(table_uri(root, "articles"), pa.Table.from_pylist(rows, contract("articles").schema),
                    mode="append", commit_properties=CommitProperties(custom_metadata={"newsarchive.run_id": "run-2"}))


def _problems(root, check: str) -> list[str]:
    return [str(p) for p in verify(root).problems if p.check == check]


def test_verify_names_a_version_written_twice(archive_copy: AuditArchive) -> None:
    row = read_table(archive_copy.root, "articles", where=pc.field("doc_id") == archive_copy.changing).to_pylist()
    _append_rows(archive_copy.root, [next(r for r in row if r["version"] == 2)])
    expected = f"[versions] doc {archive_copy.changing}: version 2 is held 2 times"
    assert _problems(archive_copy.root, "versions") == [expected]


def test_verify_names_a_latest_version_captured_before_its_predecessor(archive_copy: AuditArchive) -> None:
    rows = read_table(archive_copy.root, "articles", where=pc.field("doc_id") == archive_copy.changing).to_pylist()
    restored = {**next(r for r in rows if r["version"] == 1), "version": 3, "run_id": "run-2"}  # v1's text again
    _append_rows(archive_copy.root, [restored])
    [problem] = _problems(archive_copy.root, "versions")
    assert problem.startswith(f"[versions] doc {archive_copy.changing}: latest version 3 was captured")
    assert "before v2's capture" in problem


def test_verify_names_a_run_whose_sightings_say_nothing_was_new(archive_copy: AuditArchive) -> None:
    _table(archive_copy.root, "sightings").update(updates={"new_version": "false"}, predicate="run_id = 'run-2'")
    runs = _problems(archive_copy.root, "runs")
    assert "[runs] run run-2: 1 articles rows with no new_version sighting, " \
           f"e.g. ('{archive_copy.changing}', 2)" in runs


def test_verify_names_a_runs_row_whose_counts_disagree(archive_copy: AuditArchive) -> None:
    _table(archive_copy.root, "runs").update(updates={"new_versions": "0", "sightings": "6",
                                                      "articles_version": "1"}, predicate="run_id = 'run-2'")
    runs = [p for p in _problems(archive_copy.root, "runs") if p.startswith("[runs] run run-2:")]
    assert "[runs] run run-2: articles holds 1 rows of the run, expected 0" in runs
    assert "[runs] run run-2: runs row says articles v1, its commit is v2" in runs
    assert any("says new_versions=1, runs row 0" in p for p in runs)


def test_verify_names_a_commit_that_landed_after_another_writer(archive_copy: AuditArchive) -> None:
    history = {e["run_id"]: e for e in table_history(archive_copy.root, "articles") if e["run_id"]}
    assert history["run-2"]["assigned_against"] == history["run-2"]["version"] - 1  # as the commit made it
    problem = check_run(
        {"run_id": "run-2", "new_versions": 1, "sightings": 6, "rejects": 1, "documents": 8, "articles_version": 3},
        {"articles": [{**history["run-2"], "version": 3}]},
        {"articles": 1, "sightings": 7, "rejects": 1, "copies": 0, "runs": 1},
    )
    assert "versions were assigned against articles v1, the commit landed on v3" in problem


def test_verify_lists_raw_files_no_row_points_at_and_maintenance_removes_them_later(
    archive_copy: AuditArchive, cli
) -> None:
    killed = archive_copy.root / "raw" / "killed-attempt" / "00000-0badf00d.warc.gz"
    killed.parent.mkdir(parents=True)
    shutil.copy(next((archive_copy.root / "raw").rglob("*.warc.gz")), killed)
    name = killed.relative_to(archive_copy.root)
    code, out = cli("verify", "--archive", archive_copy.root)
    assert code == 0
    assert f"unreferenced raw file (from an interrupted attempt, no row lost): {name}" in out
    assert maintain(archive_copy.root, utc_now).removed_raw == [] and killed.exists()  # within the grace period
    report = maintain(archive_copy.root, utc_now, orphan_grace=timedelta(0))
    assert report.ok and report.removed_raw[0].startswith(f"removed unreferenced raw file {name}")
    assert not killed.exists() and verify(archive_copy.root).unreferenced == []
    assert verify(archive_copy.root).ok  # maintenance commits are the pipeline's own
