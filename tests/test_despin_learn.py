"""Learning table rows from a spun text aligned with its original."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.despin_learn import Proposal, aligned_pairs, propose_rows
from pipeline.spin_table import load_spin_table, parse_row

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


def test_proposals_are_counted_most_frequent_first():
    assert propose_rows(SPUN, ORIGINAL)[:2] == [Proposal("fee", "cost", 3), Proposal("within", "in", 1)]


def test_what_the_table_already_repairs_is_not_proposed_again():
    proposals = propose_rows(SPUN, ORIGINAL, load_spin_table())
    assert [(p.spun, p.original) for p in proposals] == [("fee", "cost"), ("stays excessive", "remains high")]


def test_learn_command_prints_rows_in_the_table_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    (tmp_path / "spun.txt").write_text(SPUN, encoding="utf-8")
    (tmp_path / "original.txt").write_text(ORIGINAL, encoding="utf-8")
    assert main(["despin-learn", str(tmp_path / "spun.txt"), str(tmp_path / "original.txt")]) == 0
    rows = [parse_row(line, "stdout") for line in capsys.readouterr().out.splitlines()]
    assert [(r.id, r.spun, r.original, r.scope) for r in rows] == [
        ("learned-cost", "fee", "cost", "spun"),
        ("learned-remains-high", "stays excessive", "remains high", "spun"),
    ]
    assert rows[0].note.startswith("learned: seen 3x")
