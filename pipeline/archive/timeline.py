"""Dates to table versions, through the commit timestamps in the Delta log.

File modification times are never used: a copied archive (`cp -r`, a restore) has new ones but
must answer exactly the same."""

from __future__ import annotations

from datetime import UTC, datetime
from pipeline.archive.store import Root

from pipeline.archive.history import table_history
from pipeline.errors import ArchiveError


def parse_when(text: str) -> datetime:
    """An ISO 8601 date or date-time; UTC when no offset is given. A bare date means 00:00 UTC."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"not an ISO 8601 date or date-time: {text!r}") from exc
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def version_as_of(root: Root, table: str, when: datetime) -> int:
    """The latest version of `table` committed at or before `when`."""
    committed = [e["version"] for e in table_history(root, table) if e["committed_at"] <= when]
    if not committed:
        raise ArchiveError(f"{table} did not exist yet at {when.isoformat()}")
    return max(committed)
