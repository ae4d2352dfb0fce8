"""The despin step: detection first, joint repair of spun text, nothing changed in clean text."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.spin_build_lexicon import SEED_002, gold_rows, reconstruct
from bench.spin_eval import evaluate, word_edits
from bench.spin_simulate import articles, half, read_other_spinner_sample, spin_like_seed002
from pipeline.cli import main
from pipeline.config import CleanConfig
from pipeline.despin.cues import article_agreement, correlative, vowel_sound
from pipeline.despin.decoder import Margins, decode, extended, options
from pipeline.despin.language_model import packaged_model
from pipeline.despin.lexicon import PairRow, build_lexicon
from pipeline.despin.tokens import runs
from pipeline.edits import replay
from pipeline.record import Article
from pipeline.steps.despin import DespinSettings, despin, despin_text, restore_case

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SEED_TEXT = SEED_002.read_text(encoding="utf-8")
SETTINGS = DespinSettings()
_REASON = re.compile(
    r"source=(learned|thesaurus) provenance=\S+ prior=[\d.e-]+ spun=-?[\d.]+ original=-?[\d.]+ "
    r"margin=-?[\d.]+ required=[\d.]+ pooled=[\d.]+ cue=-?[\d.]+ quotation=[\d.]+ lm=\w+"
)


@pytest.fixture(autouse=True)
def _no_user_lexicon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSARCHIVE_SPIN_LEXICON", str(tmp_path / "no-user-lexicon.tsv"))


def _clean_texts() -> dict[str, str]:
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("00[0134]_*.txt"))}
    texts.update(articles())
    return texts


def test_seed_002_is_detected_and_moves_towards_its_original_wording():
    original = reconstruct(SEED_TEXT, gold_rows(SEED_TEXT))
    result = despin_text(SEED_TEXT)
    words = len(re.findall(r"\w+", original))
    assert result.repaired and result.score > 3 * SETTINGS.detector.threshold
    assert 100 * word_edits(SEED_TEXT, original) / words > 3.5
    assert 100 * word_edits(result.text, original) / words <= 1.0


def test_seed_002_evidence_names_pairs_and_table_rows():
    result = despin_text(SEED_TEXT)
    sources = {e.source.split(":")[0] for e in result.evidence}
    assert {"learned", "table"} <= sources
    assert {"fairly than", "one among the"} <= set(result.fingerprints)


@pytest.mark.parametrize(("name", "text"), sorted(_clean_texts().items()))
def test_a_document_that_was_never_spun_is_untouched(name: str, text: str):
    result = despin_text(text)
    assert result.edits == () and result.text == text
    assert not result.repaired and result.score <= SETTINGS.detector.threshold


def test_same_spinner_on_held_out_articles_quality_floor():
    """Seed 002's pairs applied context-blind to the held-out half of the vendored articles."""
    spun = [spin_like_seed002(n, t) for n, t in articles().items() if half(n) == "held-out"]
    scores = evaluate(spun, SETTINGS)
    assert scores.phrases > 1000
    assert scores.restored_share >= 0.65
    assert scores.wrong_per_100 <= 0.05


def test_other_spinner_some_restored_none_wrong():
    """WordNet synonym substitution of common words (vendored sample of held-out articles)."""
    scores = evaluate(read_other_spinner_sample(REPO / "tests" / "data" / "spun_other.jsonl.gz"), SETTINGS)
    assert scores.phrases > 500
    assert scores.restored > 0
    assert scores.wrong_words == 0


def test_edits_replay_and_record_source_scores_and_margin():
    result = despin_text(SEED_TEXT)
    assert replay(SEED_TEXT, list(result.edits)) == result.text
    for edit in result.edits:
        assert (edit.step, edit.kind) == ("despin", "replace")
        assert SEED_TEXT[edit.start : edit.end] == edit.before
        assert _REASON.fullmatch(edit.reason), edit.reason
        margin, required, pooled, cue = (float(x) for x in re.search(
            r"margin=(\S+) required=(\S+) pooled=(\S+) cue=(\S+)", edit.reason).groups())
        assert margin + cue > 0 and required > 0 and pooled >= 0


SPUN = ("It is one among the largest firms within the area, fairly than a posh interplay. "
        "The corporate stays one among the leaders within the area. ") * 4


def test_spun_phrases_are_restored_in_context():
    result = despin_text(SPUN)
    assert result.repaired
    assert "one of the largest firms in the area, rather than a complex interplay" in result.text


def test_quotations_urls_and_names_are_guarded():
    text = SPUN + "He said: “we are fairly than outside.” See https://x.org/within-the-area. "
    result = despin_text(text + "Fairly Than Ltd is a firm.")
    assert "“we are fairly than outside.”" in result.text
    assert "https://x.org/within-the-area" in result.text
    assert "Fairly Than Ltd" in result.text


def test_a_pair_that_runs_both_ways_needs_the_larger_margin():
    rows = [PairRow("will", "can", 0.5, 1, "t"), PairRow("can", "will", 0.5, 1, "t"),
            PairRow("stays", "remains", 0.5, 1, "t")]
    lexicon = build_lexicon(rows, {}, "test")
    margins = Margins(learned=1.0, two_way=3.0)
    will, stays = lexicon.candidates(("will",))[0], lexicon.candidates(("stays",))[0]
    assert margins.required(lexicon, ("will",), will) == 4.0
    assert margins.required(lexicon, ("stays",), stays) == 1.0


@pytest.mark.parametrize(
    ("spun", "original", "expected"),
    [("Fairly than", "rather than", "Rather than"), ("FAIRLY THAN", "rather than", "RATHER THAN"),
     ("may’t", "can't", "can’t"), ("fairly", "rather", "rather")],
)
def test_case_and_apostrophes_follow_the_spun_text(spun: str, original: str, expected: str):
    assert restore_case(spun, original) == expected


def test_step_records_score_and_fingerprints_on_the_article():
    article = Article("seed://002", SEED_TEXT, "text/plain", "0" * 64, datetime(2025, 1, 1, tzinfo=UTC))
    done = despin(article, CleanConfig())
    assert done.spin_score is not None and done.spin_score > CleanConfig().spin_threshold
    assert "fairly than" in done.spin_fingerprints
    assert done.text == replay(SEED_TEXT, [e for e in done.edits if e.step == "despin"])
    assert "rather than" in done.text and "one of the" in done.text


def test_despin_command_repairs_and_explains_with_rejected_candidates(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]):
    source = tmp_path / "spun.txt"
    source.write_text(SPUN, encoding="utf-8")
    assert main(["despin", str(source)]) == 0
    assert "fairly than" not in capsys.readouterr().out
    assert main(["despin", "--explain", str(source)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    decisions, summary = lines[:-1], lines[-1]
    assert {d["decision"] for d in decisions} == {"replaced", "rejected"}
    replaced = [d for d in decisions if d["decision"] == "replaced"]
    assert all(d["margin"] + d["pooled"] >= d["required_margin"] and d["source"] in ("learned", "thesaurus")
               for d in replaced)
    assert summary["repaired"] is True and summary["edits"] == len(replaced)
    assert any(e["source"] == "learned" for e in summary["evidence"])


def test_clean_text_is_explained_but_not_changed(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    source = tmp_path / "clean.txt"
    source.write_text((SEEDS / "000_a42797e8b3d60ea0.txt").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["despin", "--explain", str(source)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert all(d["decision"] == "rejected" for d in lines[:-1])
    assert lines[-1]["repaired"] is False and lines[-1]["edits"] == 0


SAMPLES = REPO / "tests" / "data"


@pytest.mark.parametrize("folder", ["spun_samples", "spun_dense"])
def test_hand_spun_samples_are_detected_and_their_clean_versions_untouched(folder: str):
    for clean_path in sorted((SAMPLES / folder).glob("*.clean.txt")):
        clean = clean_path.read_text(encoding="utf-8")
        spun = clean_path.with_name(clean_path.name.replace(".clean.", ".spun.")).read_text(encoding="utf-8")
        assert despin_text(clean).edits == (), clean_path.name
        result = despin_text(spun)
        assert result.repaired, clean_path.name
        assert word_edits(result.text, clean) < word_edits(spun, clean), clean_path.name


def test_inside_a_quotation_only_learned_pairs_repair_and_single_words_only_when_allowed():
    rows = [PairRow("within the", "in the", 0.8, 1, "t"), PairRow("posh", "complex", 0.8, 1, "t")]
    lexicon = build_lexicon(rows, {}, "test")
    text = "It is a posh interplay within the area. " * 6 + "He said: “a posh interplay within the area.”"
    alone = Margins(quoted=0.0, quotation=0.0)
    phrases = despin_text(text, DespinSettings(margins=replace(alone, quoted_words=False)), lexicon)
    assert "It is a complex interplay in the area." in phrases.text
    assert phrases.text.endswith("“a posh interplay in the area.”")
    words = despin_text(text, DespinSettings(margins=alone), lexicon)
    assert words.text.endswith("“a complex interplay in the area.”")
    larger = DespinSettings(margins=replace(SETTINGS.margins, quotation=0.0))
    assert despin_text(text, larger, lexicon).text.endswith("“a posh interplay within the area.”")
    never = despin_text(text, DespinSettings(margins=Margins(quoted_phrases=False, quoted=0.0)), lexicon)
    assert never.text.endswith("“a posh interplay within the area.”")


def test_a_quotation_holding_several_spun_phrases_counts_their_evidence_together():
    rows = [PairRow("within the", "in the", 0.8, 1, "t"), PairRow("fairly than", "rather than", 0.8, 1, "t")]
    lexicon = build_lexicon(rows, {}, "test")
    body = "It is a firm within the area, fairly than a shop. " * 6
    one = body + "He said: “we are within the area.”"
    assert despin_text(one, SETTINGS, lexicon).text.endswith("“we are within the area.”")  # the speaker's words
    several = body + "He said: “we are within the area, fairly than outside.”"
    result = despin_text(several, SETTINGS, lexicon)
    assert result.text.endswith("“we are in the area, rather than outside.”")
    quoted = [e for e in result.edits if e.start > len(body)]
    assert len(quoted) == 2
    assert all(float(re.search(r"quotation=(\S+)", e.reason).group(1)) > 0 for e in quoted)
    alone = DespinSettings(margins=replace(SETTINGS.margins, quotation=0.0))
    assert despin_text(several, alone, lexicon).text.endswith("“we are within the area, fairly than outside.”")


def test_a_candidate_completing_a_correlative_pair_gains_and_one_breaking_it_loses():
    assert correlative(("each",), ("both",), ["china", "and", "the", "us"], 5) == 1
    assert correlative(("each",), ("both",), ["student", "said", "so"], 5) == 0
    assert correlative(("each",), ("both",), ["and", "then"], 5) == 0  # "both and" completes nothing
    assert correlative(("each",), ("both",), ["a", "b", "c", "d", "and"], 4) == 0  # partner beyond the window
    assert correlative(("both",), ("each",), ["china", "and"], 5) == -1
    assert correlative(("whether",), ("if",), ["it", "rains", "or", "not"], 5) == -1


def test_a_candidate_restoring_article_agreement_gains_and_one_breaking_it_loses():
    assert article_agreement(("a", "outstanding"), ("a", "prominent"), "is", "advisor") == 1
    assert article_agreement(("a", "various"), ("a", "diverse"), "of", "network") == 1  # takes no article
    assert article_agreement(("enormous",), ("large",), "a", "crowd") == 1  # the article precedes the span
    assert article_agreement(("enormous",), ("large",), "an", "crowd") == -1
    assert article_agreement(("big",), ("large",), "a", "crowd") == 0  # both agree
    assert article_agreement(("enormous",), ("large",), None, "crowd") == 0  # no article
    assert article_agreement(("motion",), ("action",), "an", None) == 1
    assert [vowel_sound(w) for w in ("hour", "honest", "heir", "unit", "user", "one", "european", "unintended",
                                     "idea", "house", "8-year-old")] == [
        True, True, True, False, False, False, False, True, True, False, None]


def test_the_article_cue_lets_a_learned_pair_clear_its_margin_in_seed_002():
    result = despin_text(SEED_TEXT, SETTINGS, explain=True)
    decision = next(d for d in result.decisions if d.spun == "a outstanding")
    assert decision.taken and decision.option.cue == Margins().article
    assert decision.option.gain < decision.option.required < decision.option.gain + decision.option.cue
    edit = next(e for e in result.edits if SEED_TEXT[e.start : e.end] == "a outstanding")
    assert "cue=2.00" in edit.reason
    without = despin_text(SEED_TEXT, DespinSettings(margins=Margins(article=0.0)), explain=True)
    assert not next(d for d in without.decisions if d.spun == "a outstanding").taken


def test_an_acronym_or_a_capital_letter_is_not_judged_by_the_article_cue():
    model = packaged_model()
    rows = [PairRow("one", "an", 0.95, 1, "test"), PairRow("outstanding", "great", 0.95, 1, "test")]
    lexicon = build_lexicon(rows, {}, "test")

    def cues(text: str) -> list[float]:
        return [o.cue for o in options(runs(text)[0], lexicon, model, Margins())]

    assert cues("He was one big agent") == [-Margins().article]  # "an big"
    assert cues("He was one FBI agent") == [0.0]  # "an FBI" is right: an acronym is not judged
    assert cues("She got a outstanding mark") == [Margins().article]
    assert cues("She got grade A outstanding marks") == [0.0]  # a capital A inside a sentence is no article


def test_a_longer_learned_pair_containing_the_chosen_one_replaces_it_when_seen_as_often():
    run = runs("But this story will not be nearly technological prowess")[0]
    model = packaged_model()

    def chosen(longer_count: int) -> list[str]:
        lexicon = build_lexicon([PairRow("will not be", "is not", 0.95, 2, "test"),
                                 PairRow("will not be nearly", "is not just about", 0.95, longer_count, "test")],
                                {}, "test")
        found = options(run, lexicon, model, Margins())
        path = decode(run, found, model, Margins().lm_weight)
        assert [o.candidate.original for o in path] == ["is not"]  # the bigram model prefers "is not nearly"
        return [o.candidate.original for o in extended(run, path, found, model, Margins().lm_weight)]

    assert chosen(3) == ["is not just about"]
    assert chosen(1) == ["is not"]


def test_the_pronoun_i_is_editable_and_a_name_is_not():
    words = {w.text: w.editable for run in runs("Over the years I even have studied it, as Ivan said") for w in run}
    assert words["I"] and words["even"] and not words["Ivan"]


def test_a_possessive_s_is_carried_over_to_the_original():
    lexicon = build_lexicon([PairRow("the federal government", "the government", 0.95, 6, "test")], {}, "test")
    candidates = lexicon.possessive_candidates(("the", "federal", "government's"))
    assert [(c.original, c.words) for c in candidates] == [("the government's", ("the", "government's"))]
    assert lexicon.possessive_candidates(("the", "federal", "government")) == ()
    assert restore_case("The federal government’s", candidates[0].original) == "The government’s"
