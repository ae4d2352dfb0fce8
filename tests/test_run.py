"""A run over the seeds, end to end: provenance, idempotency, versions and sightings."""

import ast
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow.compute as pc
from conftest import REPO, SEEDS
from warcio.archiveiterator import ArchiveIterator

from pipeline import __version__
from pipeline.archive.history import table_history
from pipeline.archive.reader import read_table
from pipeline.capture.warc import read_raw
from pipeline.config import RunConfig
from pipeline.identity import doc_id
from pipeline.record import RawRef
from pipeline.run import IN_FLIGHT_PER_WORKER, run, stage_captures, utc_now, worker_pool
from pipeline.sources import capture_sources


def test_seed_run_archives_five_english_articles_with_full_provenance(seed_archive: Path):
    articles = read_table(seed_archive, "articles").to_pylist()
    assert len(articles) == 5
    seed_files = {p.resolve().as_uri(): p for p in SEEDS.glob("*.txt")}
    for row in articles:
        raw_bytes = seed_files[row["source_uri"]].read_bytes()
        assert row["doc_id"] == doc_id(row["source_uri"])
        assert row["version"] == 1
        assert row["language"] == "en"
        assert row["raw_sha256"] == hashlib.sha256(raw_bytes).hexdigest()
        assert row["text_sha256"] == hashlib.sha256(row["text"].encode()).hexdigest()
        assert (row["run_id"], row["pipeline_version"]) == ("seed-run", __version__)
        assert row["captured_at"] is not None
        assert row["encoding"] and row["encoding_decided_by"]
        assert row["paragraph_languages"]
        record = read_raw(seed_archive, RawRef(**row["raw_ref"]))
        assert record.payload == raw_bytes
        assert record.target_uri == row["source_uri"]
        assert record.payload_digest == f"sha256:{row['raw_sha256']}"


def test_same_run_id_writes_nothing(tmp_path: Path):
    config = RunConfig(str(tmp_path), "r1")
    first = run([str(SEEDS)], config)
    versions = {t: len(table_history(tmp_path, t)) for t in ("articles", "sightings", "rejects", "runs")}
    raw_files = sorted(p.name for p in (tmp_path / "raw").rglob("*.warc.gz"))
    again = run([str(SEEDS)], config)
    assert again.already_committed and not first.already_committed
    assert (again.documents, again.new_versions) == (first.documents, first.new_versions) == (5, 5)
    assert {t: len(table_history(tmp_path, t)) for t in versions} == versions
    assert sorted(p.name for p in (tmp_path / "raw").rglob("*.warc.gz")) == raw_files


def test_new_run_same_inputs_records_sightings_not_copies(tmp_path: Path):
    run([str(SEEDS)], RunConfig(str(tmp_path), "r1"))
    second = run([str(SEEDS)], RunConfig(str(tmp_path), "r2"))
    assert (second.new_versions, second.sightings) == (0, 5)
    assert read_table(tmp_path, "articles").num_rows == 5
    sightings = read_table(tmp_path, "sightings")
    assert sightings.num_rows == 10
    assert pc.sum(sightings["new_version"]).as_py() == 5


def test_changed_text_becomes_version_two(tmp_path: Path):
    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs)
    archive = tmp_path / "archive"
    run([str(inputs)], RunConfig(str(archive), "r1"))
    changed = inputs / "004_1364bb3f8be946eb.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("378,000", "379,000 (corrected)"))
    summary = run([str(inputs)], RunConfig(str(archive), "r2"))
    assert (summary.new_versions, summary.sightings) == (1, 4)
    rows = read_table(archive, "articles", where=pc.field("doc_id") == doc_id(changed.resolve().as_uri()))
    by_version = {r["version"]: r for r in rows.to_pylist()}
    assert sorted(by_version) == [1, 2]
    assert "379,000 (corrected)" in by_version[2]["text"] and "378,000" in by_version[1]["text"]
    assert by_version[2]["run_id"] == "r2"


def test_each_run_is_one_version_per_table_with_its_metadata(seed_archive: Path):
    for table in ("articles", "sightings", "rejects", "runs"):
        history = table_history(seed_archive, table)
        run_commits = [h for h in history if h["run_id"] == "seed-run"]
        assert len(run_commits) == 1, table
        commit = run_commits[0]
        assert commit["pipeline_version"] == __version__
        assert {"trafilatura", "ftfy", "langdetect", "deltalake"} <= set(commit["library_versions"])
        assert (commit["documents"], commit["new_versions"], commit["rejects"]) == (5, 5, 0)
    runs = read_table(seed_archive, "runs").to_pylist()
    assert [r["run_id"] for r in runs] == ["seed-run"]
    articles_commit = next(h for h in table_history(seed_archive, "articles") if h["run_id"] == "seed-run")
    assert runs[0]["articles_version"] == articles_commit["version"]


def test_parallel_workers_give_the_same_archive(tmp_path: Path, seed_archive: Path):
    run([str(SEEDS)], RunConfig(str(tmp_path), "seed-run", workers=2, batch_size=2))
    columns = ["doc_id", "version", "text_sha256", "language", "raw_sha256"]
    serial = read_table(seed_archive, "articles", columns=columns).sort_by("doc_id")
    parallel = read_table(tmp_path, "articles", columns=columns).sort_by("doc_id")
    assert parallel.equals(serial)


def test_gzipped_text_and_html_are_archived_with_their_compressed_bytes_raw(tmp_path: Path):
    story = (SEEDS / "004_1364bb3f8be946eb.txt").read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{line}</p>" for line in story.splitlines() if line.strip())
    head = '<head><meta charset="utf-8"><title>Wuzhen</title></head>'
    page = f"<html>{head}<body><article>{paragraphs}</article></body></html>"
    (tmp_path / "story.txt.gz").write_bytes(gzip.compress(story.encode("utf-8")))
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(page.encode("utf-8")))
    archive = tmp_path / "archive"
    summary = run([str(tmp_path / "story.txt.gz"), str(tmp_path / "page.html.gz")], RunConfig(str(archive), "gz"))
    assert (summary.new_versions, summary.rejects) == (2, 0)
    for row in read_table(archive, "articles").to_pylist():
        source = Path(row["source_uri"].removeprefix("file://"))
        assert read_raw(archive, RawRef(**row["raw_ref"])).payload == source.read_bytes()
        assert "World Internet Conference" in row["text"]
        if source.name == "page.html.gz":
            assert row["media_type"] == "text/html"
            assert (row["encoding_decided_by"], row["title"]) == ("meta-charset", "Wuzhen")
            assert "<p>" not in row["text"]


def test_cleaning_workers_import_no_delta_or_airflow_code():
    # In a worker: what the cleaning flow (imported as a worker does to run clean_capture) brings in.
    loaded = (
        "(__import__('pipeline.clean'), sorted({name.split('.')[0] for name in __import__('sys').modules}"
        " & {'deltalake', 'airflow', 'pyarrow', 'pipeline'}))[1]"
    )
    with worker_pool(2) as pool:
        assert pool is not None
        assert pool.submit(eval, loaded).result() == ["pipeline"]
    assert {"deltalake", "pyarrow"} <= set(sys.modules)  # while this process has them: the check can tell


def test_each_raw_record_is_one_gzip_member_a_plain_reader_can_walk(seed_archive: Path):
    rows = read_table(seed_archive, "articles").to_pylist()
    [warc_file] = {row["raw_ref"]["warc_file"] for row in rows}
    data = (seed_archive / warc_file).read_bytes()
    members, offset = [], 0
    while offset < len(data):  # each record starts a gzip member where its raw_ref says
        members.append(offset)
        decompressor = zlib.decompressobj(zlib.MAX_WBITS + 16)
        decompressor.decompress(data[offset:])
        assert decompressor.eof
        offset = len(data) - len(decompressor.unused_data)
    assert sorted(row["raw_ref"]["offset"] for row in rows) == members
    assert gzip.decompress(data).count(b"WARC/1.") == len(rows)  # the whole file as one gzip stream, too
    with (seed_archive / warc_file).open("rb") as stream:
        ids = [record.rec_headers.get_header("WARC-Record-ID") for record in ArchiveIterator(stream)]
    assert sorted(ids) == sorted(row["raw_ref"]["record_id"] for row in rows)


def test_a_batch_hands_the_cleaning_pool_a_few_pages_at_a_time(tmp_path: Path):
    """Pages are cleaned as they are captured: the pool never holds the batch's pages at once."""
    inputs = [str(p) for p in sorted(SEEDS.glob("*.txt"))] * 4
    pulled, ahead = [], []

    def captures():
        for capture in capture_sources(inputs, 10**7, utc_now):
            pulled.append(capture)
            yield capture

    config = RunConfig(str(tmp_path / "archive"), "streamed", workers=2)
    with ThreadPoolExecutor(2) as pool:
        assert stage_captures(captures(), "00000", config, pool, on_document=lambda: ahead.append(len(pulled)))
    assert len(ahead) == len(inputs)
    assert max(seen - done for done, seen in enumerate(ahead, start=1)) <= IN_FLIGHT_PER_WORKER * 2


def _modules_of_a_run_parent(archive: Path, workers: int) -> set[str]:
    """Which of the cleaning steps' modules, pandas and the HTTP client and feed parser a new
    `run --workers N` process over the (file) seeds has at its end."""
    code = (
        "import sys\nfrom pipeline.cli import main\n"
        f"main(['run', {str(SEEDS)!r}, '--archive', {str(archive)!r}, '--workers', '{workers}', '--json'])\n"
        "print(sorted(set(sys.modules) & {'pipeline.clean', 'pipeline.steps.extract', 'pipeline.steps.language', "
        "'ftfy', 'langdetect', 'pandas', 'httpx', 'httpcore', 'feedparser', 'protego'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    *_, summary, modules = result.stdout.strip().splitlines()
    assert json.loads(summary)["new_versions"] == 5
    return set(ast.literal_eval(modules))


def test_the_parent_of_a_file_run_with_workers_imports_no_cleaning_steps_pandas_or_http_client(tmp_path: Path):
    assert _modules_of_a_run_parent(tmp_path / "pool", 2) == set()
    # cleaning in this process (one worker) imports the steps: the check can tell
    assert {"pipeline.clean", "ftfy", "langdetect"} <= _modules_of_a_run_parent(tmp_path / "alone", 1)
