"""Copies across the archive, end to end on a corpus built from the benchmark articles: syndicated
copies linked, spun copies repaired from their archived originals, different stories kept apart."""

from __future__ import annotations

import difflib
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.compute as pc
import pytest

from pipeline.archive.reader import read_table
from pipeline.clean import clean
from pipeline.config import CleanConfig, RunConfig
from pipeline.copies.index import INDEX_PREFIX, open_index
from pipeline.copies.link import link_copies
from pipeline.copies.lookup import learned_pairs, run_counts
from pipeline.despin.lexicon import read_pairs
from pipeline.identity import doc_id
from pipeline.record import Article
from pipeline.report import write_run_report
from pipeline.run import commit, run, stage_inputs, utc_now
from tests.copies_corpus import SAME_TOPIC, articles, spun_copy, syndicated, write

_TOKEN = re.compile(r"[\w'’-]+|[^\w\s]")


@dataclass(frozen=True)
class Corpus:
    root: Path
    folder: Path
    originals: dict[str, str]
    story: dict[str, str]  # doc id → the story it tells (article key, or the same-topic key)

    def doc(self, folder: str, name: str) -> str:
        return doc_id((self.folder / folder / f"{name}.txt").resolve().as_uri())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """Run 1: the originals and the same-topic stories; run 2: their syndicated and spun copies."""
    base = tmp_path_factory.mktemp("copies")
    originals = articles()
    paths = {"orig": write(base / "orig", originals), "topic": write(base / "topic", SAME_TOPIC)}
    run([str(base / "orig"), str(base / "topic")], RunConfig(str(base / "archive"), "originals"))
    spun = {key: copy for key, text in originals.items() if (copy := spun_copy(key, text))}
    paths["syn"] = write(base / "syn", {f"syn-{k}": syndicated(k, t) for k, t in originals.items()})
    paths["spun"] = write(base / "spun", {f"spun-{k}": c.text for k, c in spun.items()})
    run([str(base / "syn"), str(base / "spun")], RunConfig(str(base / "archive"), "copies"))
    story = {doc_id(p.resolve().as_uri()): p.stem.split("-", 1)[-1] for group in paths.values() for p in group}
    return Corpus(base / "archive", base, originals, story)


def _links(root: Path) -> set[frozenset[str]]:
    rows = read_table(root, "copies", columns=["doc_id", "other_doc_id"]).to_pylist()
    return {frozenset((r["doc_id"], r["other_doc_id"])) for r in rows}


def test_syndicated_copies_are_linked_to_their_originals(corpus: Corpus):
    links = _links(corpus.root)
    found = [frozenset((corpus.doc("syn", f"syn-{k}"), corpus.doc("orig", k))) in links for k in corpus.originals]
    assert len(found) >= 80
    assert sum(found) / len(found) >= 0.98


def test_no_link_between_different_stories(corpus: Corpus):
    rows = read_table(corpus.root, "copies").to_pylist()
    assert rows
    assert [r for r in rows if corpus.story[r["doc_id"]] != corpus.story[r["other_doc_id"]]] == []
    topic = {corpus.doc("topic", key) for key in SAME_TOPIC}
    assert not any(pair <= topic for pair in _links(corpus.root))


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def test_spun_copies_are_restored_from_their_originals_without_wrong_words(corpus: Corpus):
    held = {r["doc_id"]: r for r in read_table(corpus.root, "articles").to_pylist()}
    sites = left = wrong = 0
    for key, text in corpus.originals.items():
        copy = spun_copy(key, text)
        if copy is None:
            continue
        row = held[corpus.doc("spun", f"spun-{key}")]
        unspun = clean(Article("file:///unspun.txt", copy.unspun, "text/plain", "0" * 64, datetime.now(UTC)),
                       CleanConfig())
        expected, repaired, captured = _tokens(unspun.text), _tokens(row["text"]), _tokens(row["extracted_text"])
        sites += sum(op[0] != "equal" for op in difflib.SequenceMatcher(None, captured, expected).get_opcodes())
        spun_words = {w for _, spun in copy.swaps for w in _tokens(spun)}
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, repaired, expected, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            if repaired[i1:i2] and set(repaired[i1:i2]) <= spun_words:
                left += 1  # a spun phrase the repair did not reach
            else:
                wrong += max(i2 - i1, j2 - j1)
    assert sites >= 500
    assert 1 - left / sites >= 0.95
    assert wrong == 0  # despin's own wrong edits in a spun copy are put right from the original too


def test_restorations_are_logged_with_their_evidence_and_counted(corpus: Corpus):
    rows = read_table(corpus.root, "copies", where=None).to_pylist()
    spun = [r for r in rows if r["kind"] == "spun" and r["restored"]]
    assert spun and all(r["spun"] == "doc" and r["first_seen"] == "other" for r in spun)
    held = {(r["doc_id"], r["version"]): r for r in read_table(corpus.root, "articles").to_pylist()}
    for link in spun:
        edits = [e for e in held[(link["doc_id"], link["version"])]["edits"] if e["step"] == "copies"]
        assert len(edits) == link["restored"]
        assert {e["reason"] for e in edits} == {f"copy-of {link['other_doc_id']} v{link['other_version']}"}
    found, repaired = run_counts(corpus.root, "copies")
    assert (found, repaired) == (len(rows), len({(r["doc_id"], r["version"]) for r in spun}))
    report = Path(write_run_report(corpus.root, "copies")).read_text()
    assert f"{found} found, {repaired} spun copies repaired" in report


def test_learned_pairs_carry_their_provenance(corpus: Corpus):
    pairs = learned_pairs(corpus.root, "copies")
    assert pairs
    spun_key = next(iter(corpus.originals))
    assert all(re.fullmatch(r"[0-9a-f]{32} v\d+ copy-of [0-9a-f]{32} v\d+", p) for _, _, p in pairs)
    assert all(spun != original for spun, original, _ in pairs), spun_key


def test_despin_learn_takes_the_pairs_copies_were_repaired_with(corpus: Corpus, cli, tmp_path: Path):
    lexicon = tmp_path / "lexicon.tsv"
    code, out = cli("despin-learn", "--from-copies", corpus.root, "--run-id", "copies", "--lexicon", lexicon)
    assert code == 0
    pairs = learned_pairs(corpus.root, "copies")
    learned = {(r.spun, r.original): r.provenance for r in read_pairs(lexicon)}
    assert {(s, o) for s, o, _ in pairs} <= set(learned)
    assert all(f"copies:{p}" in learned[(s, o)] for s, o, p in pairs)
    assert f"# {len(pairs)} pairs written to {lexicon}" in out


def test_copies_command_and_show_name_the_copies(corpus: Corpus, cli):
    key = next(k for k, t in corpus.originals.items() if spun_copy(k, t))
    original = corpus.doc("orig", key)
    code, out = cli("copies", original, "--archive", corpus.root)
    assert code == 0
    assert corpus.doc("spun", f"spun-{key}") in out and corpus.doc("syn", f"syn-{key}") in out
    assert "this first" in out
    code, shown = cli.json("show", corpus.doc("spun", f"spun-{key}"), "--archive", corpus.root)
    assert code == 0
    assert original in {c["other_doc_id"] for c in shown["copies"]}
    code, text = cli("show", original, "--archive", corpus.root)
    assert f"{corpus.doc('spun', f'spun-{key}')} v1  spun" in text


def test_exact_copies_and_copies_within_one_run(tmp_path: Path):
    text = SAME_TOPIC["flood-council"]
    key = next(k for k, t in articles().items() if spun_copy(k, t))
    original = articles()[key]
    write(tmp_path / "in", {"a": text, "b": text, "orig": original, "spun": spun_copy(key, original).text})
    run([str(tmp_path / "in")], RunConfig(str(tmp_path / "archive"), "one"))
    rows = read_table(tmp_path / "archive", "copies").to_pylist()
    ids = {name: doc_id((tmp_path / "in" / f"{name}.txt").resolve().as_uri()) for name in ("a", "b", "orig", "spun")}
    kinds = {frozenset((r["doc_id"], r["other_doc_id"])): (r["kind"], r["similarity"], r["restored"]) for r in rows}
    assert kinds[frozenset((ids["a"], ids["b"]))] == ("exact", 1.0, 0)
    assert kinds[frozenset((ids["orig"], ids["spun"]))][0] == "spun"  # linked; repaired only from archived ones
    assert len(rows) == 2


def test_a_recapture_adds_no_links_and_the_index_rebuilds_when_missing(corpus: Corpus, tmp_path: Path):
    root = tmp_path / "archive"
    shutil.copytree(corpus.root, root)
    index = open_index(root)
    assert len(index) == read_table(root, "articles", columns=["doc_id"]).num_rows
    assert index.runs == {"originals", "copies"}
    before = read_table(root, "copies").num_rows
    summary = run([str(corpus.folder / "spun")], RunConfig(str(root), "again"))
    assert summary.new_versions == 0  # the repaired spun copies are repaired the same way again
    assert read_table(root, "copies").num_rows == before
    shutil.rmtree(root / INDEX_PREFIX)
    rebuilt = open_index(root)
    assert len(rebuilt) == len(index) and rebuilt.runs == {"originals", "copies", "again"}


def test_a_commit_interrupted_after_the_repair_links_and_counts_the_same(corpus: Corpus, tmp_path: Path):
    root = tmp_path / "archive"
    shutil.copytree(corpus.root, root)
    key = next(k for k, t in corpus.originals.items() if spun_copy(k, t))
    write(tmp_path / "farm", {"reposted": spun_copy(key, corpus.originals[key]).text})
    config = RunConfig(str(root), "farm")
    assert stage_inputs([str(tmp_path / "farm" / "reposted.txt")], "00000", config)
    first = link_copies(root, "farm", 1.0).table().to_pylist()  # repairs the staged row, then the commit "crashes"
    again = link_copies(root, "farm", 1.0).table().to_pylist()
    assert first == again
    original = next(link for link in first if link["other_doc_id"] == corpus.doc("orig", key))
    assert (original["other_version"], original["kind"], original["spun"]) == (1, "spun", "doc")
    assert original["restored"] > 0


_PAIR = ["doc_id", "version", "other_doc_id", "other_version", "kind", "estimated_similarity", "similarity",
         "first_seen", "spun", "restored"]


def test_many_copies_in_one_run_link_every_pair_whatever_the_batches(corpus: Corpus, tmp_path: Path):
    """Four exact copies of a story, three of its syndicated copy and two of a spun copy of an archived
    original, in one run: every pair of them is linked once, with the same rows whether the run
    stages them in one batch or two at a time, and a repeated detection finds the same links."""
    key = next(k for k, t in corpus.originals.items() if spun_copy(k, t))
    story, spun = corpus.originals[key], spun_copy(key, corpus.originals[key]).text
    texts = {f"same-{n}": story for n in range(4)} | {f"syn-{n}": syndicated(key, story) for n in range(3)}
    paths = write(tmp_path / "in", texts | {f"spun-{n}": spun for n in range(2)})
    tables = []
    for size in (100, 2):
        root = tmp_path / f"archive-{size}"
        shutil.copytree(corpus.root, root)
        config = RunConfig(str(root), "many", batch_size=size)
        for number, start in enumerate(range(0, len(paths), size)):
            assert stage_inputs([str(p) for p in paths[start : start + size]], f"{number:05d}", config)
        first = link_copies(root, "many", 1.0).table()
        assert link_copies(root, "many", 1.0).table().equals(first)  # the spun copies were repaired already
        commit(config, utc_now())
        tables.append(read_table(root, "copies", columns=_PAIR, where=pc.field("run_id") == "many"))
    one_batch, two_at_a_time = (sorted(t.to_pylist(), key=lambda r: tuple(map(str, r.values()))) for t in tables)
    assert one_batch == two_at_a_time
    ids = {doc_id(p.resolve().as_uri()): p.stem.split("-")[0] for p in paths}
    staged = [r for r in one_batch if r["other_doc_id"] in ids]
    kinds = Counter((frozenset((ids[r["doc_id"]], ids[r["other_doc_id"]])), r["kind"]) for r in staged)
    assert kinds[(frozenset({"same"}), "exact")] == 6 and kinds[(frozenset({"syn"}), "exact")] == 3
    assert kinds[(frozenset({"same", "syn"}), "near")] == 12
    assert kinds[(frozenset({"spun"}), "exact")] == 1  # both repaired from the archived original alike
    original = corpus.doc("orig", key)
    restored = [r for r in one_batch if r["other_doc_id"] == original and ids[r["doc_id"]] == "spun"]
    assert len(restored) == 2 and all(r["kind"] == "spun" and r["restored"] > 0 for r in restored)
