"""Bad inputs become rejects rows with their raw bytes kept; the rest of the batch goes through."""

import gzip
from pathlib import Path

import pytest
from conftest import SEEDS

from pipeline.archive.reader import read_table
from pipeline.capture.warc import read_raw
from pipeline.config import CleanConfig, RunConfig
from pipeline.record import RawRef
from pipeline.run import run

BAD_INPUTS = {
    "empty.txt": (b"", "empty"),
    "blank.txt": (b"\n  \n", "empty"),
    "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    "garbage.txt": (bytes(range(128, 256)) * 8, "undecodable"),
    "big.txt": (b"word " * 3000, "too_large"),
    "bomb.txt.gz": (gzip.compress(b"a" * 200_000), "too_large"),
    "notes.pdf": (b"%PDF-1.7 a real document", "unsupported_type"),
    "empty-page.html": (b"<html><head><title>x</title></head><body><script>x()</script></body></html>", "no_text"),
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inputs = tmp_path_factory.mktemp("bad-inputs")
    for name, (payload, _) in BAD_INPUTS.items():
        (inputs / name).write_bytes(payload)
    good = inputs / "good.txt"
    good.write_bytes((SEEDS / "004_1364bb3f8be946eb.txt").read_bytes()[:9000])
    root = tmp_path_factory.mktemp("archive")
    config = RunConfig(str(root), "bad", batch_size=3, clean=CleanConfig(max_input_bytes=10_000))
    run([str(inputs / name) for name in BAD_INPUTS] + [str(good)], config)
    return root


def test_each_bad_input_is_rejected_with_its_reason(archive: Path):
    rejects = {Path(r["source_uri"]).name: r for r in read_table(archive, "rejects").to_pylist()}
    assert {name: r["reason"] for name, r in rejects.items()} == {n: reason for n, (_, reason) in BAD_INPUTS.items()}
    assert all(r["message"] for r in rejects.values())


def test_the_good_document_survives_the_bad_ones(archive: Path):
    articles = read_table(archive, "articles").to_pylist()
    assert [Path(a["source_uri"]).name for a in articles] == ["good.txt"]


def test_raw_bytes_of_rejects_are_kept(archive: Path):
    for row in read_table(archive, "rejects").to_pylist():
        name = Path(row["source_uri"]).name
        payload, _ = BAD_INPUTS[name]
        kept = read_raw(archive, RawRef(**row["raw_ref"])).payload
        if name == "big.txt":  # over the cap: the head is kept and the message says so
            assert kept == payload[:10_000] and "first bytes are kept" in row["message"]
        else:
            assert kept == payload
        assert row["raw_size"] == len(kept)


def test_utf16_without_a_bom_and_utf8_with_stray_cp1252_are_archived_with_the_decision(tmp_path: Path):
    seed = (SEEDS / "004_1364bb3f8be946eb.txt").read_text()[:4000]
    (tmp_path / "utf16.txt").write_bytes(seed.encode("utf-16-le"))
    (tmp_path / "mixed.txt").write_bytes(seed.encode() + "\nHe said “yes”.\n".encode("cp1252") + seed[:500].encode())
    root = tmp_path / "archive"
    run([str(tmp_path / "utf16.txt"), str(tmp_path / "mixed.txt")], RunConfig(str(root), "decode"))
    assert read_table(root, "rejects").num_rows == 0
    decided = {
        Path(row["source_uri"]).name: (row["encoding"], row["encoding_decided_by"])
        for row in read_table(root, "articles").to_pylist()
    }
    assert decided == {
        "utf16.txt": ("utf-16-le", "utf-16-nul-pattern"),
        "mixed.txt": ("utf-8", "utf-8-with-cp1252-repairs (2 bytes)"),
    }
