"""pipeline.maintenance on real archives: compaction keeps every version, vacuum keeps history, checks find damage."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from deltalake import DeltaTable

from pipeline.archive.commit import summary_of
from pipeline.archive.layout import table_uri
from pipeline.archive.reader import read_table
from pipeline.config import RunConfig
from pipeline.maintenance import format_report, maintain, vacuum, write_report
from pipeline.run import run, utc_now

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three runs over the seeds: three small files in `sightings` and `runs`."""
    root = tmp_path_factory.mktemp("three-runs")
    for number in range(3):
        run([str(SEEDS)], RunConfig(str(root), f"run-{number}"))
    return root


@pytest.fixture
def archive(three_runs: Path, tmp_path: Path) -> Path:
    """A copy of `three_runs` the test may change."""
    return Path(shutil.copytree(three_runs, tmp_path / "archive"))


def test_compaction_rewrites_small_files_and_keeps_every_version(archive: Path) -> None:
    old_sightings = read_table(archive, "sightings", version=2).num_rows
    report = maintain(archive, utc_now)
    assert report.ok, report.problems
    sightings = next(t for t in report.tables if t.table == "sightings")
    assert sightings.files_compacted == 3 and sightings.version_after == sightings.version_before + 1
    assert len(DeltaTable(table_uri(archive, "sightings")).file_uris()) == 1
    assert sightings.rows == 15 == read_table(archive, "sightings").num_rows
    assert read_table(archive, "sightings", version=2).num_rows == old_sightings  # time travel still works
    assert summary_of(archive, "run-1").documents == 5
    assert all(t.files_vacuumed == 0 for t in report.tables)  # nothing left the table ten years ago


def test_a_second_pass_has_nothing_to_do(archive: Path) -> None:
    maintain(archive, utc_now)
    again = maintain(archive, utc_now)
    assert again.ok and all(t.version_after == t.version_before and t.files_compacted == 0 for t in again.tables)


def test_vacuum_refuses_a_window_shorter_than_the_tables_retention(archive: Path) -> None:
    with pytest.raises(Exception, match="retention"):
        vacuum(DeltaTable(table_uri(archive, "articles")), retention_hours=1)


def test_a_missing_raw_warc_file_fails_the_check(archive: Path) -> None:
    warc = next((archive / "raw").rglob("*.warc.gz"))
    warc.unlink()
    report = maintain(archive, utc_now)
    assert not report.ok
    assert report.problems == [f"raw file missing: {warc.relative_to(archive)}"]
    assert "integrity FAILED (1 problems)" in format_report(report)


def test_an_unreadable_table_is_reported_and_left_alone(archive: Path) -> None:
    runs = DeltaTable(table_uri(archive, "runs"))
    version = runs.version()
    Path(runs.file_uris()[0].removeprefix("file://")).unlink()
    report = maintain(archive, utc_now)
    assert [p.split(":")[0] for p in report.problems] == ["table runs"]
    assert DeltaTable(table_uri(archive, "runs")).version() == version  # no compaction on a broken table


def test_the_report_is_saved_as_json_under_reports(archive: Path) -> None:
    path = Path(write_report(maintain(archive, utc_now)))
    saved = json.loads(path.read_text())
    assert path.parent == archive / "reports" and saved["ok"] is True
    assert {t["table"] for t in saved["tables"]} == {"articles", "sightings", "rejects", "runs", "copies"}
