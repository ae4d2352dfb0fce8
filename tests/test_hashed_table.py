"""Lookups in a hashed table compare the keys' bytes, not only their hashes."""

from pipeline import hashed_table
from pipeline.hashed_table import HashedTable, table_arrays


def _table(entries: dict[str, int]) -> HashedTable:
    return HashedTable(*(memoryview(values) for values in table_arrays(entries, int)))


def test_keys_that_share_a_hash_are_told_apart(monkeypatch):
    monkeypatch.setattr(hashed_table, "key_hash", lambda data: len(data) % 2)
    entries = {f"w{n}": n for n in range(50)}
    table = _table(entries)
    assert all(table.get(key) == value for key, value in entries.items())
    assert table.get("w50") is None and table.get("w") is None


def test_every_key_is_found_with_its_value_and_no_other_is():
    entries = {"the": 1, "The": 2, "naïve": 3, "東京": 4, "a b": 5, "lone\udcff": 6}
    table = _table(entries)
    assert {key: table.get(key) for key in entries} == entries
    assert table.get("naive") is None and table.get("") is None
