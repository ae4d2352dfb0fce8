"""Learning substitution pairs from a spun text aligned with its original."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.despin.lexicon import PACKAGED_LEXICON, load_lexicon, read_pairs
from pipeline.despin_learn import aligned_pairs, learn_from_texts, new_pairs

SPUN = (
    "We are within the early days. I even have seen the fee rise, fairly than fall. "
    "The fee of power stays excessive. Investors paid the fee twice."
)
ORIGINAL = (
    "We are in the early days. I have seen the cost rise, rather than fall. "
    "The cost of power remains high. Investors paid the cost twice."
)


def test_alignment_pairs_each_spun_run_with_its_original():
    assert aligned_pairs(SPUN, ORIGINAL) == [
        ("within", "in"), ("I even", "I"), ("fee", "cost"), ("fairly", "rather"),
        ("fee", "cost"), ("stays excessive", "remains high"), ("fee", "cost"),
    ]


def test_new_pairs_are_counted_and_known_ones_left_out():
    assert new_pairs(SPUN, ORIGINAL)[0] == ("fee", "cost", 3)
    known = load_lexicon(Path("/nonexistent/user.tsv"), thesaurus=False)
    assert new_pairs("It rose this yr.", "It rose this year.") == [("yr", "year", 1)]
    assert new_pairs("It rose this yr.", "It rose this year.", known) == []


def test_learned_pairs_go_to_the_user_lexicon(tmp_path: Path):
    user = tmp_path / "user.tsv"
    path, pairs = learn_from_texts(SPUN, ORIGINAL, "test", path=user)
    assert path == user and ("fee", "cost", 3) in pairs
    rows = {(r.spun, r.original): r for r in read_pairs(user)}
    assert rows[("fee", "cost")].count == 3 and rows[("fee", "cost")].provenance == "test"


def test_learn_command_writes_the_user_lexicon_and_prints_the_pairs(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]):
    (tmp_path / "spun.txt").write_text(SPUN, encoding="utf-8")
    (tmp_path / "original.txt").write_text(ORIGINAL, encoding="utf-8")
    packaged = PACKAGED_LEXICON.read_bytes()
    user = tmp_path / "lexicon.tsv"
    assert main(["despin-learn", "--dry-run", "--lexicon", str(user),
                 str(tmp_path / "spun.txt"), str(tmp_path / "original.txt")]) == 0
    assert "fee\tcost\t3" in capsys.readouterr().out and not user.exists()
    assert main(["despin-learn", "--lexicon", str(user), str(tmp_path / "spun.txt"),
                 str(tmp_path / "original.txt")]) == 0
    out = capsys.readouterr().out
    assert "fee\tcost\t3" in out and f"written to {user}" in out
    assert ("fee", "cost") in {(r.spun, r.original) for r in read_pairs(user)}
    assert PACKAGED_LEXICON.read_bytes() == packaged


def test_learn_command_reports_a_missing_file(tmp_path: Path):
    assert main(["despin-learn", str(tmp_path / "missing.txt"), str(tmp_path / "other.txt")]) == 4
