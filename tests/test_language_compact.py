"""The detectors' compact, mapped models hold exactly what langdetect and py3langid load themselves,
and their cache files are trusted only when whole and of the installed data."""

from pathlib import Path

import numpy as np
import pytest

from bench.score_language import labelled_paragraphs, short_texts
from pipeline import mapped
from pipeline.steps import langdetect_profiles, py3langid_model
from pipeline.steps.language import _identifier, _langdetect_codes
from tests.fresh_process import run_with_cache


def test_compact_profiles_hold_every_probability_langdetect_loads():
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    profiles = langdetect_profiles.profiles()
    assert list(profiles.languages) == factory.langlist
    grams = list(factory.word_lang_prob_map)
    rows = profiles.rows(grams)
    assert list(rows) == grams
    expected = np.array([factory.word_lang_prob_map[gram] for gram in grams])
    assert np.array_equal(profiles.probabilities([rows[gram] for gram in grams]), expected)


def test_ngrams_langdetect_lacks_are_not_found():
    profiles = langdetect_profiles.profiles()
    assert profiles.rows(["\x00", "a\x00", "\U0010ffff", "zqx\u0416", "ßßß"]) == {}
    assert langdetect_profiles.ngram_code("a") != langdetect_profiles.ngram_code("a\x00")


def test_compact_py3langid_model_is_py3langids_own():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    own = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    own.set_languages(sorted(_langdetect_codes() & set(own.nb_classes)))
    compact = _identifier()
    assert compact.nb_classes == own.nb_classes and compact.nb_numfeats == own.nb_numfeats
    assert np.array_equal(compact.nb_ptc, own.nb_ptc) and np.array_equal(compact.nb_pc, own.nb_pc)
    assert list(compact.tk_nextmove) == list(own.tk_nextmove)
    assert compact.tk_output == {state: tuple(out) for state, out in own.tk_output.items()}
    texts = ["", "Ok, merci.", *(row["text"] for row in short_texts()[::5])]
    texts += [paragraph for _, paragraphs, _ in labelled_paragraphs(every=10) for paragraph in paragraphs[:6]]
    for text in texts:
        assert compact.classify(text) == own.classify(text), text
        assert compact.rank(text) == own.rank(text), text


def _detect_in_new_process(cache: Path) -> str:
    """A new process's answer for one text, with the cache `cache`."""
    code = ("from pipeline.steps.language import detect_langs; "
            "print(detect_langs('Die Regierung hat neue Maßnahmen.', 0))")
    return run_with_cache(code, cache)


def test_the_first_process_builds_the_profiles_and_the_next_maps_them(tmp_path):
    first = _detect_in_new_process(tmp_path)
    assert first.startswith("[de:")
    (built,) = tmp_path.rglob("*.bin")
    assert built.parent.name == langdetect_profiles.KIND
    stamp = built.stat()
    assert _detect_in_new_process(tmp_path) == first
    assert (built.stat().st_ino, built.stat().st_mtime_ns) == (stamp.st_ino, stamp.st_mtime_ns)  # not built again


def _cached_file(kind: str) -> Path:
    files = list(mapped.cache_path(kind, "x").parent.glob("*.bin"))
    assert len(files) == 1
    return files[0]


@pytest.mark.parametrize("damage", ["empty", "cut short", "one byte changed", "another key"])
@pytest.mark.parametrize("kind", [langdetect_profiles.KIND, py3langid_model.KIND])
def test_a_damaged_or_foreign_cache_file_is_built_again(tmp_path, monkeypatch, kind, damage):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    load = {langdetect_profiles.KIND: langdetect_profiles.profiles.__wrapped__,
            py3langid_model.KIND: lambda: py3langid_model.identifier.__wrapped__(tuple(sorted(_langdetect_codes())))}
    load[kind]()
    path = _cached_file(kind)
    good = path.read_bytes()
    key = path.stem
    if damage == "empty":
        path.write_bytes(b"")
    elif damage == "cut short":
        path.write_bytes(good[:-8])
    elif damage == "one byte changed":
        middle = len(good) * 2 // 3
        path.write_bytes(good[:middle] + bytes([good[middle] ^ 1]) + good[middle + 1 :])
    else:
        path.write_bytes(good.replace(key.encode(), b"0" * len(key), 1))
    with pytest.raises((OSError, ValueError)):
        mapped.open_mapped(path, key)
    load[kind]()
    assert path.read_bytes() == good


def test_a_new_key_makes_a_new_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    arrays = {"values": np.arange(5, dtype=np.float64)}
    built: list[str] = []

    def build(tag: str):
        built.append(tag)
        return {"tag": tag}, arrays

    assert mapped.load("test", "k1", lambda: build("k1")).meta == {"tag": "k1"}
    assert mapped.load("test", "k1", lambda: build("again")).meta == {"tag": "k1"}
    found = mapped.load("test", "k2", lambda: build("k2"))
    assert built == ["k1", "k2"] and found.meta == {"tag": "k2"}
    assert np.array_equal(found.arrays["values"], arrays["values"]) and not found.arrays["values"].flags.writeable
    assert sorted(p.stem for p in (tmp_path / "newsarchive" / "test").iterdir()) == ["k1", "k2"]


def test_the_key_follows_the_files_and_their_order(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_bytes(b"one")
    second.write_bytes(b"two")
    key = mapped.files_key("kind", [first, second])
    assert key == mapped.files_key("kind", [first, second])
    assert key != mapped.files_key("kind", [second, first])
    assert key != mapped.files_key("other", [first, second])
    assert key != mapped.files_key("kind", [first, second], "extra")
    second.write_bytes(b"two!")
    assert key != mapped.files_key("kind", [first, second])


def test_an_unwritable_cache_still_gives_the_profiles(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    profiles = langdetect_profiles.profiles.__wrapped__()
    assert profiles.languages == langdetect_profiles.profiles().languages
    assert np.array_equal(profiles.values, langdetect_profiles.profiles().values)
    assert list(tmp_path.iterdir()) == [blocker]


def test_the_installed_key_follows_the_distributions_and_our_code(tmp_path):
    code = tmp_path / "reader.py"
    code.write_text("one")
    key = mapped.installed_key("kind", ["langdetect"], [code])
    assert key == mapped.installed_key("kind", ["langdetect"], [code])
    assert key != mapped.installed_key("kind", ["py3langid"], [code])
    assert key != mapped.installed_key("kind", ["langdetect"], [code], "extra")
    code.write_text("two")
    assert key != mapped.installed_key("kind", ["langdetect"], [code])
