"""Is anything missing or altered? Data files against the log, every row's text against its
`text_sha256`, every raw pointer against its WARC record, and the runs table against the history."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.archive.reader import open_table
from pipeline.archive.schema import TABLES
from pipeline.audit.problems import Problem
from pipeline.audit.runs_check import reconcile_runs
from pipeline.capture.warc import read_raw
from pipeline.record import RawRef


@dataclass(frozen=True, slots=True)
class Verification:
    checked: dict[str, int]  # what was checked: data files, rows, raw records, runs
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def _rows(path: str, columns: list[str]) -> Iterator[dict[str, Any]]:
    for batch in pq.ParquetFile(path).iter_batches(columns=columns):
        yield from batch.to_pylist()


def check_files(root: Path, problems: list[Problem]) -> dict[str, list[str]]:
    """Each table's data files must exist with the size the log recorded; returns the readable ones."""
    readable: dict[str, list[str]] = {}
    for table in TABLES:
        dt = open_table(root, table)
        if dt is None:
            problems.append(Problem("files", f"table {table}", "missing"))
            readable[table] = []
            continue
        actions = pa.table(dt.get_add_actions(flatten=True)).select(["path", "size_bytes"]).to_pylist()
        sizes = {a["path"]: a["size_bytes"] for a in actions}
        readable[table] = []
        for uri in sorted(dt.file_uris()):
            path = Path(uri)
            logged = sizes.get(path.name)
            if not path.is_file():
                problems.append(Problem("files", f"{table}/{path.name}", "listed in the Delta log but missing"))
            elif logged is not None and path.stat().st_size != logged:
                problems.append(
                    Problem("files", f"{table}/{path.name}", f"{path.stat().st_size} bytes, the log says {logged}")
                )
                readable[table].append(uri)
            else:
                readable[table].append(uri)
    return readable


def check_texts(files: list[str], problems: list[Problem]) -> int:
    """Recompute `text_sha256` of every articles row; versions must be unique and 1..n per document."""
    versions: dict[str, list[int]] = defaultdict(list)
    count = 0
    for path in files:
        try:
            for row in _rows(path, ["doc_id", "version", "text", "text_sha256"]):
                count += 1
                versions[row["doc_id"]].append(row["version"])
                actual = hashlib.sha256(row["text"].encode("utf-8")).hexdigest()
                if actual != row["text_sha256"]:
                    problems.append(
                        Problem("text", f"doc {row['doc_id']} v{row['version']}",
                                f"text sha256 is {actual}, the row says {row['text_sha256']} ({Path(path).name})")
                    )
        except (OSError, pa.ArrowException) as exc:
            problems.append(Problem("files", f"articles/{Path(path).name}", f"unreadable: {exc}"))
    for doc, held in versions.items():
        if sorted(held) != list(range(1, len(held) + 1)):
            problems.append(Problem("versions", f"doc {doc}", f"versions {sorted(held)} are not 1..{len(held)}"))
    return count


def _raw_pointers(files: dict[str, list[str]], problems: list[Problem]) -> dict[tuple[RawRef, str | None], list[str]]:
    """(raw pointer, expected sha256) -> the rows that point there."""
    pointers: dict[tuple[RawRef, str | None], list[str]] = defaultdict(list)
    for table in ("articles", "sightings", "rejects"):
        columns = ["doc_id", "raw_sha256", "raw_ref"] + (["version"] if table != "rejects" else [])
        for path in files[table]:
            try:
                for row in _rows(path, columns):
                    if row["raw_ref"] is not None:
                        version = f" v{row['version']}" if "version" in row else ""
                        pointers[(RawRef(**row["raw_ref"]), row["raw_sha256"])].append(
                            f"{table} doc {row['doc_id']}{version}"
                        )
            except (OSError, pa.ArrowException) as exc:
                if table != "articles":  # check_texts names unreadable articles files
                    problems.append(Problem("files", f"{table}/{Path(path).name}", f"unreadable: {exc}"))
    return pointers


def check_raw(root: Path, files: dict[str, list[str]], problems: list[Problem]) -> int:
    """Each raw pointer must resolve to a WARC record whose recorded and recomputed digests match the row."""
    pointers = _raw_pointers(files, problems)
    for (ref, expected), rows in pointers.items():
        subject = f"{ref.warc_file}@{ref.offset} ({'; '.join(rows)})"
        try:
            record = read_raw(root, ref)
        except Exception as exc:  # a damaged gzip member or WARC header raises many kinds of error
            problems.append(Problem("raw", subject, f"record {ref.record_id} unreadable: {type(exc).__name__}: {exc}"))
            continue
        if expected is None:
            continue
        if record.payload_digest != f"sha256:{expected}":
            detail = f"WARC payload digest {record.payload_digest}, rows say sha256:{expected}"
            problems.append(Problem("raw", subject, detail))
        actual = hashlib.sha256(record.payload).hexdigest()
        if actual != expected:
            problems.append(Problem("raw", subject, f"payload sha256 is {actual}, rows say {expected}"))
    return len(pointers)


def check_runs(root: Path, problems: list[Problem]) -> None:
    """The runs table against the history (skipped, with a problem, when a table cannot be read)."""
    try:
        problems.extend(reconcile_runs(root))
    except (OSError, pa.ArrowException) as exc:
        problems.append(Problem("runs", "runs table", f"cannot be reconciled: {exc}"))


def verify(root: Path) -> Verification:
    """Run every check over the latest version of the archive."""
    problems: list[Problem] = []
    files = check_files(root, problems)
    rows = check_texts(files["articles"], problems)
    raw = check_raw(root, files, problems)
    check_runs(root, problems)
    checked = {"data files": sum(len(f) for f in files.values()), "article rows": rows, "raw records": raw}
    return Verification(checked, problems)
