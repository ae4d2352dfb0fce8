"""Signatures and the persistent LSH index: candidates found without comparing all pairs, saved and reloaded."""

from pathlib import Path

from datasketch import MinHash

from pipeline.copies.index import INDEX_PREFIX, CopyIndex, open_index, save_index
from pipeline.copies.signature import NUM_PERM, SCHEME, SEED, as_minhash, jaccard, shingles, signature

TEXT = ("The river burst its banks on Sunday night and flooded the town centre, and forty families "
        "spent the night in the sports hall while the council handed out sandbags at the fire station.")


def test_signatures_estimate_the_jaccard_of_shingles():
    edited = TEXT.replace("Sunday", "Monday")
    values = signature(TEXT)
    assert len(values) == NUM_PERM and signature(TEXT) == values
    exact = jaccard(shingles(TEXT), shingles(edited))
    assert 0.7 < exact < 1
    assert abs(as_minhash(values).jaccard(as_minhash(signature(edited))) - exact) < 0.15
    assert signature("...") == ()


def test_signatures_are_datasketchs_minhash_values():
    seeds = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))
    texts = [TEXT, "one", "three short words", "Zürich, 東京 and São Paulo", *(p.read_text() for p in seeds)]
    for text in texts:
        minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
        minhash.update_batch(g.encode("utf-8") for g in shingles(text))
        assert signature(text) == tuple(int(v) for v in minhash.hashvalues), text[:40]


def test_the_index_finds_near_duplicates_only_and_survives_a_reload(tmp_path: Path):
    index = CopyIndex()
    index.insert(("a", 1), signature(TEXT))
    index.insert(("b", 1), signature("A completely different report about the school meals plan and its cost."))
    index.runs.add("run-1")
    assert index.candidates(signature(TEXT.replace("night", "evening"))) == [("a", 1)]
    save_index(tmp_path, index)
    (tmp_path / "tables" / "runs").mkdir(parents=True)
    reloaded = open_index(tmp_path)  # no runs table: nothing to catch up, the saved index as it was
    assert len(reloaded) == 2 and reloaded.runs == {"run-1"}
    assert reloaded.candidates(signature(TEXT)) == [("a", 1)]


def test_an_index_built_with_other_parameters_is_not_used(tmp_path: Path):
    index = CopyIndex()
    index.insert(("a", 1), signature(TEXT))
    save_index(tmp_path, index)
    manifest = tmp_path / INDEX_PREFIX / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"shingle_words": 3', '"shingle_words": 5'))
    assert len(open_index(tmp_path)) == 0
