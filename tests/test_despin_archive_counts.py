"""Archive-adapted counts: counting, the versioned artefact, and the model they adapt."""

from __future__ import annotations

import gzip
import hashlib
import json
import multiprocessing
from pathlib import Path

import pytest

from pipeline.despin.archive_counts import count_texts, read_counts
from pipeline.despin.archive_lm import MODEL_PREFIX, latest, read_version, update_archive_lm, versions
from pipeline.despin.language_model import archive_model, model_with, packaged_model
from pipeline.steps.despin import DespinSettings, despin_text
from tests.despin_lm_writer import write_at_once


def test_counts_stay_within_runs_of_words():
    counts = count_texts(["The cost rose. The cost, again", "cost rose"])
    assert counts.documents == 2
    assert counts.unigram["cost"] == 3 and counts.unigram["the"] == 2
    assert counts.bigram["cost rose"] == 2 and "rose the" not in counts.bigram and "cost again" not in counts.bigram


def test_only_unspun_documents_are_added_as_a_new_version(tmp_path: Path):
    assert update_archive_lm(tmp_path, "r0", [("spun text here", 5.0), ("unscored", None)], threshold=1.0) is None
    first = update_archive_lm(tmp_path, "r1", [("zorbly rose today", 0.0), ("spun words", 3.0)], threshold=1.0)
    second = update_archive_lm(tmp_path, "r2", [("zorbly rose again", 0.5)], threshold=1.0)
    assert first is not None and second is not None
    assert versions(tmp_path) == [first.key, second.key] == [f"{MODEL_PREFIX}/000001.json.gz",
                                                              f"{MODEL_PREFIX}/000002.json.gz"]
    assert update_archive_lm(tmp_path, "r2", [("zorbly rose again", 0.5)], threshold=1.0) is None  # counted once
    latest_counts, runs = read_version(tmp_path, second.key)
    assert runs == ["r1", "r2"] and latest(tmp_path) == second
    assert latest_counts.documents == 2
    assert latest_counts.bigram["zorbly rose"] == 2 and "spun" not in latest_counts.unigram
    assert latest_counts.sha256 == second.sha256 == hashlib.sha256((tmp_path / second.key).read_bytes()).hexdigest()
    assert read_counts(tmp_path / first.key).documents == 1


def test_concurrent_writer_processes_take_distinct_versions(tmp_path: Path):
    writers = 6
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(writers), context.Queue()
    processes = [context.Process(target=write_at_once, args=(str(tmp_path), f"w{n}", barrier, results))
                 for n in range(writers)]
    for process in processes:
        process.start()
    numbers = dict(results.get(timeout=60) for _ in processes)
    for process in processes:
        process.join(timeout=60)
    assert [p.exitcode for p in processes] == [0] * writers
    assert sorted(numbers.values()) == list(range(1, writers + 1))
    assert versions(tmp_path) == [f"{MODEL_PREFIX}/{n:06d}.json.gz" for n in range(1, writers + 1)]
    before: set[str] = set()
    for number, key in enumerate(versions(tmp_path), start=1):  # each version adds one writer to the one before
        counts, runs = read_version(tmp_path, key)
        assert set(runs) > before and len(runs) == counts.documents == number
        before = set(runs)
    counts, runs = read_version(tmp_path, versions(tmp_path)[-1])
    assert sorted(runs) == sorted(numbers) and counts.documents == writers  # every run listed once
    assert counts.unigram["rose"] == writers and all(counts.unigram[f"w{n}"] == 1 for n in range(writers))
    assert all(counts.bigram[f"w{n} rose"] == 1 for n in range(writers))  # no writer's counts lost or doubled


def test_an_artefact_of_another_format_is_refused(tmp_path: Path):
    path = tmp_path / "000001.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"format": "other"}).encode()))
    with pytest.raises(ValueError, match="not a despin language-model artefact"):
        read_counts(path)


def test_archive_counts_adapt_the_model_and_are_named_in_the_edit_reason(tmp_path: Path):
    written = update_archive_lm(tmp_path, "r1", [("the zorbly council met", 0.0)] * 30, threshold=1.0)
    assert written is not None
    path = tmp_path / written.key
    counts = read_counts(path)
    adapted = model_with(counts)
    assert archive_model(str(path)).fingerprint == counts.sha256
    assert adapted.logp("the", "zorbly") > packaged_model().logp("the", "zorbly") + 5
    spun = ("It is one among the largest firms within the area, fairly than a posh interplay. ") * 4
    result = despin_text(spun, DespinSettings(), model=adapted)
    assert result.edits and all(e.reason.endswith(f"lm={counts.sha256}") for e in result.edits)
    assert all(e.reason.endswith("lm=base") for e in despin_text(spun).edits)
