"""The packaged counts mapped from their compact file answer exactly as the installed data does."""

from pathlib import Path

import pytest

from pipeline import mapped
from pipeline.despin import language_model
from pipeline.despin.language_model import KIND, _data_key, _read_packaged, base_counts
from tests.fresh_process import run_with_cache


def test_every_packaged_count_and_probability_is_kept():
    unigram, bigram = _read_packaged()
    counts = base_counts()
    assert all(counts.unigram(word) == p for word, p in unigram.items())
    assert all(counts.bigram(pair) == n for pair, n in bigram.items())
    assert counts.bigram_total == float(sum(bigram.values()))
    assert counts.bigram_floor == float(min(bigram.values()))
    assert counts.unigram("zorblyx") is None and counts.bigram("the zorblyx") is None
    assert counts.unigram("the\udcff") is None  # a lone surrogate is looked up, not an error


def _load_in_new_process(cache: Path) -> str:
    """Which modules a new process imported to read the packaged counts from the cache `cache`."""
    code = ("import sys; from pipeline.despin.language_model import base_counts; base_counts(); "
            "print('wordfreq' in sys.modules)")
    return run_with_cache(code, cache)


def test_the_first_process_builds_the_file_and_the_next_maps_it(tmp_path):
    assert _load_in_new_process(tmp_path) == "True"  # built from wordfreq's list
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [f"{_data_key()}.bin"]
    assert _load_in_new_process(tmp_path) == "False"  # mapped: wordfreq is not even imported


@pytest.mark.parametrize("damage", ["empty", "cut short", "one byte changed", "of other data"])
def test_a_damaged_or_foreign_cache_file_is_built_again(tmp_path, monkeypatch, damage):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    key = _data_key()
    path = mapped.cache_path(KIND, key)
    path.parent.mkdir(parents=True)
    good = mapped.encode(key, *language_model._build())
    if damage == "empty":
        path.write_bytes(b"")
    elif damage == "cut short":
        path.write_bytes(good[:-8])
    elif damage == "one byte changed":
        path.write_bytes(good[: len(good) // 2] + bytes([good[len(good) // 2] ^ 1]) + good[len(good) // 2 + 1 :])
    else:
        path.write_bytes(mapped.encode("0" * 64, *language_model._build()))
    assert base_counts.__wrapped__().bigram("of the") == base_counts().bigram("of the")
    assert path.read_bytes() == good


def test_an_unwritable_cache_still_gives_the_counts(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert base_counts.__wrapped__().bigram("of the") == base_counts().bigram("of the")
    assert list(tmp_path.iterdir()) == [blocker]
