"""`reprocess` after a cleaning rule changes, and the run report."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow.compute as pc

from pipeline.archive.reader import read_table
from pipeline.config import CleanConfig, RunConfig
from pipeline.identity import doc_id
from pipeline.report_query import chrome_removed
from pipeline.run import run
from tests.conftest import MOJIBAKE, AuditArchive

WITHOUT_ENCODING_REPAIR = CleanConfig(steps=("extract", "despin", "language"))


def test_reprocess_rewrites_only_what_the_current_rules_change(tmp_path: Path, cli) -> None:
    inputs, root = tmp_path / "in", tmp_path / "archive"
    inputs.mkdir()
    broken = inputs / "broken.txt.gz"
    broken.write_bytes(gzip.compress(f"{MOJIBAKE} on Friday, the paper reported today.\n".encode()))
    (inputs / "fine.txt").write_text("Nothing here needs repair; the text is plain English prose.\n")
    run([str(inputs)], RunConfig(str(root), "old-rules", clean=WITHOUT_ENCODING_REPAIR))
    warcs = sorted((root / "raw").rglob("*.warc.gz"))

    code, result = cli.json("reprocess", "--archive", root, "--workers", 1, "--run-id", "re-1")
    assert code == 0
    assert (result["reprocessed"], result["changed"], result["changed_by_step"]) == (2, 1, {"encoding": 1})
    assert (result["new_versions"], result["sightings"], result["rejects"]) == (1, 1, 0)
    new = read_table(root, "articles", where=pc.field("run_id") == "re-1").to_pylist()
    assert [r["doc_id"] for r in new] == [doc_id(broken.resolve().as_uri())]
    assert new[0]["version"] == 2 and new[0]["text"].startswith("The café on the corner")
    assert sorted((root / "raw").rglob("*.warc.gz")) == warcs  # raw bytes reused, nothing re-captured
    assert Path(result["report"]).is_file()

    assert cli("verify", "--archive", root)[0] == 0
    code, again = cli.json("reprocess", "--archive", root, "--workers", 1)
    assert (code, again["changed"], again["new_versions"], again["sightings"]) == (0, 0, 0, 2)


def test_run_report(audit_archive: AuditArchive) -> None:
    reports = sorted((audit_archive.root / "reports").glob("*.html"))
    assert [p.name.split("-")[:2] for p in reports] == [["run", "1"], ["run", "2"]]
    page = reports[0].read_text(encoding="utf-8")
    assert page.count("<svg") == 5  # documents, rejects, languages, chrome share, spin scores
    assert "Rejects by reason" in page and ">empty<" in page and ">en<" in page
    assert "text removed as chrome" in page and "Spin scores (repaired over 1)" in page


def test_chrome_share_counts_only_extract_remove_chrome_edits() -> None:
    def edit(step: str, kind: str, before: str, after: str = "") -> dict[str, object]:
        return {"step": step, "kind": kind, "before": before, "after": after}

    row = {
        "extracted_text": "x" * 70,
        "edits": [edit("extract", "remove_chrome", "c" * 30), edit("encoding", "repair", "Ã©", "é"),
                  edit("extract", "convert", "")],
    }
    assert chrome_removed(row) == (30, 100)
