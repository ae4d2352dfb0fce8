"""The reversal table file and its loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.spin_table import SpinTableError, format_row, load_spin_table, parse_row, read_spin_table

GOOD = "fairly-than\tfairly than\trather than\talways\t!\\bmore\\s\t\t3\t0.95\trather → fairly"


def test_packaged_table_loads_with_unique_ids():
    rules = load_spin_table()
    assert len(rules) > 200
    assert len({r.id for r in rules}) == len(rules)
    assert {r.scope for r in rules} == {"always", "spun"}


def test_rows_round_trip_through_the_file_format():
    for rule in load_spin_table():
        assert parse_row(format_row(rule), "test") == rule


def test_conditions_decide_where_a_phrase_is_replaced():
    rule = parse_row(GOOD, "test")
    text = "treated more fairly than others, fairly than not"
    assert [m.group() for m in rule.find(text)] == ["fairly than"]
    assert next(rule.find(text)).start() == text.rindex("fairly than")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (GOOD.replace("\t3\t", "\t"), "columns"),
        (GOOD.replace("\talways\t", "\tsometimes\t"), "scope"),
        (GOOD.replace("!\\bmore\\s", "(unclosed"), "left is not a valid regex"),
        (GOOD.replace("\t3\t", "\tlots\t"), "weight must be a number"),
        (GOOD.replace("\t0.95\t", "\t1.5\t"), "confidence must be within"),
        (GOOD.replace("rather than", "fairly than"), "must be non-empty and differ"),
        (GOOD.replace("fairly-than", "Fairly Than"), "id must be"),
    ],
)
def test_malformed_rows_are_rejected_with_their_place(line: str, problem: str):
    with pytest.raises(SpinTableError, match=problem) as info:
        parse_row(line, "spin_table.tsv:7")
    assert "spin_table.tsv:7" in str(info.value)


def test_duplicate_ids_are_rejected(tmp_path: Path):
    table = tmp_path / "table.tsv"
    table.write_text(f"# comment\n{GOOD}\n\n{GOOD}\n", encoding="utf-8")
    with pytest.raises(SpinTableError, match=r"duplicate ids \['fairly-than'\]"):
        read_spin_table(table)


def test_context_conditions_are_compiled_once_per_table_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    table = tmp_path / "table.tsv"
    table.write_text(f"{GOOD}\n", encoding="utf-8")
    expected = (parse_row(GOOD, "test"),)
    compiled: list[str] = []
    with monkeypatch.context() as patch:
        patch.setattr("pipeline.spin_table._regex_problem", lambda name, condition: compiled.append(name) or "")
        assert read_spin_table(table) == expected
        assert read_spin_table(table) == expected
    assert compiled == ["left", "right"]  # the second read trusted the first one's check
    table.write_text(GOOD.replace("!\\bmore\\s", "(unclosed") + "\n", encoding="utf-8")
    for _ in range(2):  # new content is checked again, and a table that fails is never marked valid
        with pytest.raises(SpinTableError, match="left is not a valid regex"):
            read_spin_table(table)
