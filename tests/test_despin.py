"""The despin step: detection, repair of seed 002 against a hand-made gold file, no edits on clean text."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.corpora import corpora_root
from pipeline.cli import main
from pipeline.config import CleanConfig
from pipeline.edits import replay
from pipeline.record import Article, Edit
from pipeline.spin_table import load_spin_table
from pipeline.steps.despin import despin, despin_text

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
GROUND_TRUTH = corpora_root() / "extraction" / "ground-truth.json"
SEED_002 = (SEEDS / "002_af794d3d027db4af.txt").read_text(encoding="utf-8")
THRESHOLD = CleanConfig().spin_threshold


def _gold() -> list[tuple[int, int, str]]:
    """(start, end, original) of every spun phrase of seed 002 in the gold file."""
    rows = []
    for line in (REPO / "tests" / "data" / "seed002_spin_gold.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            spun, original, context, _note = line.split("\t")
            assert SEED_002.count(context) == 1, context
            start = SEED_002.index(context) + context.index(spun)
            rows.append((start, start + len(spun), original))
    return rows


def _restores(edits: list[Edit], start: int, end: int, original: str) -> bool:
    """Whether `edits` (all touching the gold span) turn it into `original`, and nothing else."""
    low, high = min([start, *(e.start for e in edits)]), max([end, *(e.end for e in edits)])
    growth = sum(len(e.after) - len(e.before) for e in edits)
    expected = SEED_002[low:start] + original + SEED_002[end:high]
    return bool(edits) and replay(SEED_002, edits)[low : high + growth] == expected


def _clean_texts() -> dict[str, str]:
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("00[034]_*.txt"))}
    articles = json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))
    texts.update({f"ground-truth {key[:12]}": value["articleBody"] for key, value in articles.items()})
    return texts


def test_seed_002_gold_restored_with_no_wrong_edit():
    result = despin_text(SEED_002, load_spin_table(), THRESHOLD)
    gold = _gold()
    restored, claimed = 0, set()
    for start, end, original in gold:
        touching = [e for e in result.edits if e.start < end and e.end > start]
        if _restores(touching, start, end, original):
            restored += 1
        claimed.update(touching)
    wrong = [e for e in result.edits if e not in claimed]
    assert len(gold) > 140
    assert restored / len(gold) >= 0.95
    assert wrong == []


def test_seed_002_is_scored_spun_and_its_fingerprints_recorded():
    result = despin_text(SEED_002, load_spin_table(), THRESHOLD)
    assert result.score > 3 * THRESHOLD
    assert {"fairly than", "one among the", "may’t", "posh", "mental property"} <= set(result.fingerprints)


def test_repaired_seed_002_has_few_fingerprints_left():
    repaired = despin_text(SEED_002, load_spin_table(), THRESHOLD).text
    assert despin_text(repaired, load_spin_table(), THRESHOLD).score < THRESHOLD / 4


@pytest.mark.parametrize(("name", "text"), sorted(_clean_texts().items()))
def test_no_edit_on_text_that_was_never_spun(name: str, text: str):
    result = despin_text(text, load_spin_table(), THRESHOLD)
    assert result.edits == ()
    assert result.score <= THRESHOLD


def test_seed_001_only_its_spun_phrase_is_repaired():
    text = (SEEDS / "001_e827c9125566bb8a.txt").read_text(encoding="utf-8")
    result = despin_text(text, load_spin_table(), THRESHOLD)
    assert [(e.before, e.after) for e in result.edits] == [("feel-tank", "think-tank")]
    assert result.score <= THRESHOLD
    assert "US think-tank Freedom House" in result.text


def test_context_rules_fire_only_over_the_threshold():
    clean = "Prices rose within the region last week, officials said. " + "Trade was calm. " * 10
    assert despin_text(clean, load_spin_table(), THRESHOLD).edits == ()
    spun = clean + "It is one among the largest, fairly than a posh interplay of firms. "
    result = despin_text(spun, load_spin_table(), THRESHOLD)
    assert result.score > THRESHOLD
    assert result.text.startswith("Prices rose in the region last week")
    assert "one of the largest, rather than a complex interplay" in result.text


@pytest.mark.parametrize(
    ("spun", "original"),
    [
        ("Fairly than", "Rather than"),
        ("fairly than", "rather than"),
        ("FAIRLY THAN", "RATHER THAN"),
        ("you may’t stop", "you can’t stop"),
        ("you may't stop", "you can't stop"),
        ("At the identical time", "At the same time"),
    ],
)
def test_case_and_apostrophes_preserved(spun: str, original: str):
    assert despin_text(f"{spun} it.", load_spin_table(), THRESHOLD).text == f"{original} it."


def test_edits_replay_to_the_output_and_name_their_rule():
    result = despin_text(SEED_002, load_spin_table(), THRESHOLD)
    assert replay(SEED_002, list(result.edits)) == result.text
    ids = {rule.id for rule in load_spin_table()}
    for edit in result.edits:
        assert (edit.step, edit.kind) == ("despin", "replace")
        assert SEED_002[edit.start : edit.end] == edit.before
        rule_id, confidence = re.fullmatch(r"([a-z0-9-]+) confidence=(0\.\d+)", edit.reason).groups()
        assert rule_id in ids and 0 < float(confidence) < 1


def test_step_records_score_fingerprints_and_edits_on_the_article():
    article = Article("seed://002", SEED_002, "text/plain", "0" * 64, datetime(2025, 1, 1, tzinfo=UTC))
    done = despin(article, CleanConfig())
    assert done.spin_score is not None and done.spin_score > THRESHOLD
    assert "feel-tank" not in done.spin_fingerprints and "fairly than" in done.spin_fingerprints
    assert done.text == replay(SEED_002, [e for e in done.edits if e.step == "despin"])
    assert "a complex interplay" in done.text and "intellectual property" in done.text


def test_despin_command_prints_the_repair_or_explains_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    source = tmp_path / "spun.txt"
    source.write_text("It is one among the largest, fairly than a posh interplay.\n", encoding="utf-8")
    assert main(["despin", str(source)]) == 0
    assert capsys.readouterr().out == "It is one of the largest, rather than a complex interplay.\n"
    assert main(["despin", "--explain", str(source)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["after"] for line in lines[:-1]] == ["one of the", "rather than", "complex"]
    assert lines[-1]["repaired"] is True and "fairly than" in lines[-1]["spin_fingerprints"]


SAMPLES = REPO / "tests" / "data" / "spun_samples"
_TOKEN = re.compile(r"[\w’'{}-]+|[^\w\s]")


def _differences(text: str, gold: str) -> list[tuple[int, int]]:
    """(start, end) in `text` of each run of words that differs from `gold` (empty span: words missing)."""
    from difflib import SequenceMatcher

    ours, theirs = list(_TOKEN.finditer(text)), list(_TOKEN.finditer(gold))
    matcher = SequenceMatcher(None, [m.group() for m in ours], [m.group() for m in theirs], autojunk=False)
    spans = []
    for op, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if op != "equal":
            start = ours[i1].start() if i1 < len(ours) else len(text)
            spans.append((start, ours[i2 - 1].end() if i2 > i1 else start))
    return spans


DENSE = REPO / "tests" / "data" / "spun_dense"


def _sample_pairs(folder: Path = SAMPLES) -> list[tuple[str, str, str]]:
    return [(p.name.split(".")[0], p.read_text(encoding="utf-8"),
             p.with_name(p.name.replace(".clean.", ".spun.")).read_text(encoding="utf-8"))
            for p in sorted(folder.glob("*.clean.txt"))]


def _restored_share(folder: Path) -> tuple[int, int]:
    """(spun phrases restored, spun phrases) over a folder of samples; asserts no edit outside a spun phrase."""
    phrases = restored = 0
    for name, clean, spun in _sample_pairs(folder):
        result = despin_text(spun, load_spin_table(), THRESHOLD)
        spun_phrases = _differences(spun, clean)
        wrong = [e for e in result.edits
                 if not any(e.start <= end and e.end >= start if start == end else e.start < end and e.end > start
                            for start, end in spun_phrases)]
        assert wrong == [], name
        assert result.score > THRESHOLD, name
        phrases += len(spun_phrases)
        restored += len(spun_phrases) - len(_differences(result.text, clean))
    return restored, phrases


def test_held_out_samples_are_restored_without_a_wrong_edit():
    """Spun versions of hand-written clean paragraphs: ≥ 90% of the spun phrases restored, no edit elsewhere."""
    restored, phrases = _restored_share(SAMPLES)
    assert len(_sample_pairs()) >= 10 and phrases > 250
    assert restored / phrases >= 0.9


def test_densely_spun_samples_get_no_wrong_edit():
    """The same clean paragraphs spun word by word as the spinner does at its most thorough, with its
    many substitutions that are plain English ('traders', 'disaster', 'have been'): half restored, no wrong edit."""
    restored, phrases = _restored_share(DENSE)
    assert phrases > 100
    assert restored / phrases >= 0.5


@pytest.mark.parametrize("name", [name for name, _, _ in _sample_pairs(DENSE)])
def test_dense_clean_paragraphs_are_left_alone_even_when_repair_is_forced(name: str):
    clean = (DENSE / f"{name}.clean.txt").read_text(encoding="utf-8")
    assert despin_text(clean, load_spin_table(), threshold=0.0).edits == ()


@pytest.mark.parametrize("name", [name for name, _, _ in _sample_pairs()])
def test_held_out_clean_paragraphs_are_left_alone_even_when_repair_is_forced(name: str):
    clean = (SAMPLES / f"{name}.clean.txt").read_text(encoding="utf-8")
    assert despin_text(clean, load_spin_table(), threshold=0.0).edits == ()


@pytest.mark.parametrize(
    ("spun", "original"),
    [
        ("Rates rose. 1000's of jobs went.", "Rates rose. Thousands of jobs went."),
        ("1000's of jobs went.", "Thousands of jobs went."),
        ("Rates rose and 1000's of jobs went.", "Rates rose and thousands of jobs went."),
    ],
)
def test_a_phrase_spun_as_digits_is_capitalised_at_a_sentence_start(spun: str, original: str):
    assert despin_text(spun, load_spin_table(), THRESHOLD).text == original
