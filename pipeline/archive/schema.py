"""Table contracts from `schemas/*.json`, turned into the Arrow schemas the writer uses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"  # pipeline/schemas: a link to schemas/ in a checkout
TABLES = ("articles", "sightings", "rejects", "runs", "copies")

_SCALARS: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "timestamp": pa.timestamp("us", tz="UTC"),
}


@dataclass(frozen=True, slots=True)
class Contract:
    table: str
    version: int
    schema: pa.Schema
    descriptions: dict[str, str]


def _type(spec: Any) -> pa.DataType:
    if isinstance(spec, str):
        return _SCALARS[spec]
    if "list" in spec:
        return pa.list_(pa.field("element", _type(spec["list"]), nullable=False))
    if "struct" in spec:
        return pa.struct([_field(column) for column in spec["struct"]])
    raise ValueError(f"unknown type spec {spec!r}")


def _field(column: dict[str, Any]) -> pa.Field:
    return pa.field(column["name"], _type(column["type"]), nullable=column["nullable"])


@cache
def contract(table: str) -> Contract:
    """The newest contract of `table`."""
    paths = sorted(SCHEMA_DIR.glob(f"{table}.v*.json"), key=lambda p: int(p.stem.rsplit(".v", 1)[1]))
    if not paths:
        raise FileNotFoundError(f"no schema for table {table!r} in {SCHEMA_DIR}")
    spec = json.loads(paths[-1].read_text(encoding="utf-8"))
    return Contract(
        table=spec["table"],
        version=spec["version"],
        schema=pa.schema([_field(column) for column in spec["columns"]]),
        descriptions={column["name"]: column["description"] for column in spec["columns"]},
    )
