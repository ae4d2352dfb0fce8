"""`verify`: clean archives pass; a flipped WARC byte and a hand-edited row are named."""

from __future__ import annotations

import hashlib
import zlib

import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.archive.reader import data_files, read_table
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
