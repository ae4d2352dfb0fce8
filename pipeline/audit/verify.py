"""Is anything missing or altered? Data files against the log, every row's text against its
`text_sha256`, versions unique and in capture order, every raw pointer against its WARC record, and
the runs table against the history and the rows. Raw files no row points at are listed apart: they
are left by killed attempts and lose nothing (maintenance removes them after a grace period)."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from pipeline.archive.raw_files import RawFile, unreferenced_raw_files
from pipeline.archive.reader import open_table
from pipeline.archive.schema import TABLES
from pipeline.archive.store import Root, arrow_filesystem, arrow_path
from pipeline.audit.problems import Problem
from pipeline.audit.runs_check import reconcile_runs
from pipeline.capture.warc import read_raw
from pipeline.record import RawRef


@dataclass(frozen=True, slots=True)
class Verification:
    checked: dict[str, int]  # what was checked: data files, rows, raw records, runs
    problems: list[Problem]
    unreferenced: list[RawFile] = field(default_factory=list)  # raw files of killed attempts (not a problem)

    @property
    def ok(self) -> bool:
        return not self.problems


def _rows(path: str, columns: list[str], filesystem: pafs.FileSystem) -> Iterator[dict[str, Any]]:
    for batch in pq.ParquetFile(path, filesystem=filesystem).iter_batches(columns=columns):
        yield from batch.to_pylist()


def check_files(root: Root, problems: list[Problem]) -> dict[str, list[str]]:
    """Each table's data files must exist with the size the log recorded; returns the readable ones."""
    readable: dict[str, list[str]] = {}
    filesystem = arrow_filesystem(root)
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
            path, name = arrow_path(root, uri), uri.rsplit("/", 1)[-1]
            info = filesystem.get_file_info(path)
            logged = sizes.get(name)
            if info.type != pafs.FileType.File:
                problems.append(Problem("files", f"{table}/{name}", "listed in the Delta log but missing"))
            elif logged is not None and info.size != logged:
                problems.append(Problem("files", f"{table}/{name}", f"{info.size} bytes, the log says {logged}"))
                readable[table].append(path)
            else:
                readable[table].append(path)
    return readable


def check_texts(files: list[str], problems: list[Problem], filesystem: pafs.FileSystem) -> int:
    """Recompute `text_sha256` of every articles row, then check each document's versions."""
    captures: dict[str, list[tuple[int, datetime]]] = defaultdict(list)
    count = 0
    for path in files:
        try:
            for row in _rows(path, ["doc_id", "version", "text", "text_sha256", "captured_at"], filesystem):
                count += 1
                captures[row["doc_id"]].append((row["version"], row["captured_at"]))
                actual = hashlib.sha256(row["text"].encode("utf-8")).hexdigest()
                if actual != row["text_sha256"]:
                    problems.append(
                        Problem("text", f"doc {row['doc_id']} v{row['version']}",
                                f"text sha256 is {actual}, the row says {row['text_sha256']} ({Path(path).name})")
                    )
        except (OSError, pa.ArrowException) as exc:
            problems.append(Problem("files", f"articles/{Path(path).name}", f"unreadable: {exc}"))
    for doc, held in captures.items():
        problems.extend(Problem("versions", f"doc {doc}", detail) for detail in version_faults(held))
    return count


def version_faults(held: list[tuple[int, datetime]]) -> list[str]:
    """What is wrong with one document's (version, captured_at) rows: a version held twice, a gap,
    or a version whose capture is older than its predecessor's (stale text restored over newer)."""
    faults = [f"version {v} is held {n} times" for v, n in sorted(Counter(v for v, _ in held).items()) if n > 1]
    versions = sorted({v for v, _ in held})
    if versions != list(range(1, len(versions) + 1)):
        faults.append(f"versions {versions} are not 1..{len(versions)}")
    first_capture = {}
    for version, captured in sorted(held):
        first_capture.setdefault(version, captured)
    ordered = sorted(first_capture.items())
    for (before, earlier), (version, captured) in pairwise(ordered):
        if captured < earlier:
            which = "latest version" if version == ordered[-1][0] else "version"
            faults.append(f"{which} {version} was captured {captured:%Y-%m-%d %H:%M:%S.%f}, before "
                          f"v{before}'s capture {earlier:%Y-%m-%d %H:%M:%S.%f}: it restores older text")
    return faults


def _raw_pointers(
    files: dict[str, list[str]], problems: list[Problem], filesystem: pafs.FileSystem
) -> dict[tuple[RawRef, str | None], list[str]]:
    """(raw pointer, expected sha256) -> the rows that point there."""
    pointers: dict[tuple[RawRef, str | None], list[str]] = defaultdict(list)
    for table in ("articles", "sightings", "rejects"):
        columns = ["doc_id", "raw_sha256", "raw_ref"] + (["version"] if table != "rejects" else [])
        for path in files[table]:
            try:
                for row in _rows(path, columns, filesystem):
                    if row["raw_ref"] is not None:
                        version = f" v{row['version']}" if "version" in row else ""
                        pointers[(RawRef(**row["raw_ref"]), row["raw_sha256"])].append(
                            f"{table} doc {row['doc_id']}{version}"
                        )
            except (OSError, pa.ArrowException) as exc:
                if table != "articles":  # check_texts names unreadable articles files
                    problems.append(Problem("files", f"{table}/{Path(path).name}", f"unreadable: {exc}"))
    return pointers


def check_raw(root: Root, files: dict[str, list[str]], problems: list[Problem]) -> int:
    """Each raw pointer must resolve to a WARC record whose recorded and recomputed digests match the row."""
    pointers = _raw_pointers(files, problems, arrow_filesystem(root))
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


def check_runs(root: Root, problems: list[Problem]) -> None:
    """The runs table against the history (skipped, with a problem, when a table cannot be read)."""
    try:
        problems.extend(reconcile_runs(root))
    except (OSError, pa.ArrowException) as exc:
        problems.append(Problem("runs", "runs table", f"cannot be reconciled: {exc}"))


def verify(root: Root) -> Verification:
    """Run every check over the latest version of the archive."""
    problems: list[Problem] = []
    files = check_files(root, problems)
    rows = check_texts(files["articles"], problems, arrow_filesystem(root))
    raw = check_raw(root, files, problems)
    check_runs(root, problems)
    checked = {"data files": sum(len(f) for f in files.values()), "article rows": rows, "raw records": raw}
    return Verification(checked, problems, unreferenced_raw_files(root))
