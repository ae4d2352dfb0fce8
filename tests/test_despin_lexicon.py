"""The substitution lexicon: packaged pairs, the user lexicon `learn_pairs` writes, the thesaurus."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest

from pipeline.despin.lexicon import (
    PACKAGED_LEXICON,
    THESAURUS,
    THESAURUS_PRIOR,
    LexiconError,
    learn_pairs,
    load_lexicon,
    read_pairs,
    read_thesaurus,
)
from pipeline.steps.despin import despin_text


def test_packaged_lexicon_holds_seed_002_pairs_with_rates():
    rows = read_pairs(PACKAGED_LEXICON)
    seed = {(r.spun, r.original): r for r in rows if r.provenance == "seed002"}
    assert len(seed) > 80
    assert seed[("fairly than", "rather than")].count >= 3
    assert all(0 < r.prior < 1 for r in rows)
    assert any(r.provenance.startswith("spin_table:") for r in rows)


def test_thesaurus_is_trimmed_attributed_and_weaker():
    packed = THESAURUS.read_bytes()
    assert len(packed) < 400_000
    assert "CC BY 4.0" in gzip.decompress(packed).decode("utf-8").splitlines()[0]
    synonyms = read_thesaurus()
    assert synonyms["utilize"][0] == "use" and "buy" in synonyms["purchase"]
    learned = [r.prior for r in read_pairs(PACKAGED_LEXICON)]
    lexicon = load_lexicon(Path("/nonexistent/user.tsv"))
    thesaurus = [c for c in lexicon.candidates(("utilize",)) if c.source == "thesaurus"]
    assert thesaurus and all(c.prior == THESAURUS_PRIOR < min(learned) for c in thesaurus)


def test_learn_pairs_writes_the_user_file_never_the_packaged_one(tmp_path: Path):
    packaged = hashlib.sha256(PACKAGED_LEXICON.read_bytes()).hexdigest()
    user = tmp_path / "user.tsv"
    assert learn_pairs([("gleaming", "shining"), ("gleaming", "shining")], "test:a", user) == user
    assert learn_pairs([("gleaming", "shining")], "test:b", user) == user
    rows = read_pairs(user)
    assert [(r.spun, r.original, r.count, r.provenance) for r in rows] == [("gleaming", "shining", 3, "test:a,test:b")]
    assert hashlib.sha256(PACKAGED_LEXICON.read_bytes()).hexdigest() == packaged
    lexicon = load_lexicon(user)
    assert any(c.original == "shining" and c.source == "learned" for c in lexicon.candidates(("gleaming",)))


def test_a_learned_user_pair_is_used_by_despin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    user = tmp_path / "user.tsv"
    monkeypatch.setenv("NEWSARCHIVE_SPIN_LEXICON", str(user))
    text = ("It is one among the largest firms within the area, fairly than a posh interplay. "
            "Stock prices were zorbly higher this week. ") * 4
    assert "zorbly higher" in despin_text(text).text
    learn_pairs([("zorbly", "much")], "test", user)
    assert "much higher" in despin_text(text).text


@pytest.mark.parametrize(
    ("line", "problem"),
    [("a\tb\t0.5\t1", "columns"), ("a\ta\t0.5\t1\tx", "differ"), ("a\tb\tlots\t1\tx", "prior must be a number"),
     ("a\tb\t1.5\t1\tx", r"within \(0, 1\)")],
)
def test_malformed_user_lexicon_rows_are_rejected_with_their_place(tmp_path: Path, line: str, problem: str):
    path = tmp_path / "user.tsv"
    path.write_text(f"# header\n{line}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=problem) as info:
        read_pairs(path)
    assert "user.tsv:2" in str(info.value)
