"""Version assignment: each staged article row against the articles table at one version.

The assignment is a pure function of the staged rows and the table version it reads, so the
commit can check that version is the one it replaces, and a resumed commit, reading the version
before its own articles commit, assigns exactly what the interrupted attempt did."""

from __future__ import annotations

from dataclasses import dataclass, field
from pipeline.archive.store import Root
from typing import Any

from pipeline.archive.latest import latest_versions
from pipeline.archive.staging import read_rebuild_plan, read_staged


@dataclass(frozen=True, slots=True)
class Assignment:
    read_version: int  # the articles table version the versions were assigned against
    versions: list[int] = field(default_factory=list)  # per staged article row, in staging order
    is_new: list[bool] = field(default_factory=list)  # the row is a new version (else a sighting)
    kept: list[bool] = field(default_factory=list)  # False: the row is stale and is not written
    stale: list[str] = field(default_factory=list)  # why each left-out row is stale

    @property
    def new_versions(self) -> int:
        return sum(new and keep for new, keep in zip(self.is_new, self.kept, strict=True))

    @property
    def sightings(self) -> int:
        return sum(keep and not new for new, keep in zip(self.is_new, self.kept, strict=True))


def _staleness(row: dict[str, Any], held: dict[str, Any] | None, base: int | None) -> str | None:
    """Why `row` must not become a version of its document, or None when it may."""
    if base is not None and (held is None or held["version"] != base):
        latest = f"v{held['version']}" if held else "no version"
        return f"doc {row['doc_id']}: rebuilt from v{base}, but the latest is now {latest}"
    if held is not None and row["captured_at"] < held["captured_at"] and row["text_sha256"] != held["text_sha256"]:
        return (f"doc {row['doc_id']}: captured {row['captured_at']:%Y-%m-%d %H:%M:%S}, before its latest "
                f"v{held['version']} ({held['captured_at']:%Y-%m-%d %H:%M:%S})")
    return None


def assign_versions(root: Root, run_id: str, read_version: int) -> Assignment:
    """Assign a version to every staged article row of the run against articles at `read_version`.

    A row whose text matches its document's latest version is a sighting of it, and so is a capture of
    the same raw bytes outside a reprocess (cleaned again, it may read differently only because the
    archive's despin model adapted since; re-cleaning archived bytes is a reprocess's job). Any other
    row is the next version, unless it is stale: a reprocessed row whose document got a newer version
    since it was read, or a capture older than the latest version's."""
    staged = (doc for batch in read_staged(root, run_id, "articles", columns=["doc_id"])
              for doc in batch.column("doc_id").to_pylist())
    latest = latest_versions(root, ["text_sha256", "raw_sha256", "captured_at"], read_version, staged)
    bases = read_rebuild_plan(root, run_id) or {}
    assignment = Assignment(read_version)
    columns = ["doc_id", "text_sha256", "raw_sha256", "captured_at"]
    for batch in read_staged(root, run_id, "articles", columns=columns):
        for row in batch.to_pylist():
            held = latest.get(row["doc_id"])
            reason = _staleness(row, held, bases.get(row["doc_id"]))
            changed = held is None or (row["text_sha256"] != held["text_sha256"]
                                       and (row["doc_id"] in bases or row["raw_sha256"] != held["raw_sha256"]))
            version = (held["version"] if held else 0) + int(changed)
            if reason is None and changed:
                latest[row["doc_id"]] = {**row, "version": version}
            assignment.versions.append(version)
            assignment.is_new.append(changed)
            assignment.kept.append(reason is None)
            if reason is not None:
                assignment.stale.append(reason)
    return assignment
