"""Detect synonym spinning in a document and, only where it is found, restore the original wording.

Detection first (`pipeline.despin.detector`): a document without evidence is returned untouched.
Then each run of words is decoded jointly (`pipeline.despin.decoder`) over the substitution lexicon
(`pipeline.despin.lexicon`) with the language model (`pipeline.despin.language_model`). Every
replacement's edit reason records the candidate's source, both scores, the margin and the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.config import CleanConfig
from pipeline.despin.decoder import Margins, Option, decode, extended, options, pooled, quoted_pooled, rescore
from pipeline.despin.detector import DetectorSettings, Evidence, evidence_of, scores_by_kind
from pipeline.despin.language_model import LanguageModel, archive_model, packaged_model
from pipeline.despin.lexicon import Lexicon, load_lexicon
from pipeline.despin.tokens import Word, quotations, runs
from pipeline.edits import apply_edits
from pipeline.record import Article, Edit
from pipeline.spin_table import SpinRule, load_spin_table

STEP = "despin"
_APOSTROPHES = "'’"


@dataclass(frozen=True, slots=True)
class DespinSettings:
    detector: DetectorSettings = field(default_factory=DetectorSettings)
    margins: Margins = field(default_factory=Margins)


@dataclass(frozen=True, slots=True)
class Decision:
    """A candidate weighed in the decoded text: taken (an edit) or rejected."""

    start: int
    end: int
    spun: str
    original: str
    option: Option
    taken: bool

    def reason(self, model: LanguageModel) -> str:
        o = self.option
        return (f"source={o.candidate.source} provenance={o.candidate.provenance} prior={o.candidate.prior:.3g} "
                f"spun={o.spun_score:.2f} original={o.original_score:.2f} margin={o.gain:.2f} "
                f"required={o.required:.2f} pooled={o.pooled:.2f} cue={o.cue:.2f} quotation={o.quotation:.2f} "
                f"lm={model.fingerprint}")


@dataclass(frozen=True, slots=True)
class DespinResult:
    text: str
    edits: tuple[Edit, ...]
    score: float
    fingerprints: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    repaired: bool
    decisions: tuple[Decision, ...] = ()  # with explain=True: every candidate weighed, taken or not


def despin_text(text: str, settings: DespinSettings = DespinSettings(), lexicon: Lexicon | None = None,
                model: LanguageModel | None = None, rules: tuple[SpinRule, ...] | None = None,
                explain: bool = False) -> DespinResult:
    """Score `text`; over the threshold, replace what the decoder chooses (see the module docstring)."""
    lexicon = lexicon or load_lexicon()
    model = model or packaged_model()
    word_runs = runs(text)
    found = [options(run, lexicon, model, settings.margins) for run in word_runs]
    evidence = evidence_of(text, _best_per_span(text, word_runs, found), rules or load_spin_table(),
                           settings.detector)
    by_kind = scores_by_kind(text, evidence)
    score = max(by_kind.values())
    fingerprints = tuple(dict.fromkeys(e.spun.lower() for e in evidence))
    repaired = score > settings.detector.threshold
    if not repaired and not explain:
        return DespinResult(text, (), score, fingerprints, tuple(evidence), False)
    # a source's candidates are used only where that kind of evidence is over the threshold
    allowed = {kind for kind, value in by_kind.items() if value > settings.detector.threshold} or set(by_kind)
    decisions = []
    weighed = quoted_pooled(quotations(text), word_runs, pooled(word_runs, found, settings.margins), settings.margins)
    for run, run_options in zip(word_runs, weighed, strict=True):
        usable = [o for o in run_options if o.candidate.source in allowed]
        if usable:
            decisions += _decide(text, run, usable, model, settings.margins.lm_weight, explain)
    edits = tuple(Edit(STEP, "replace", d.start, d.end, d.spun, d.original, d.reason(model))
                  for d in decisions if d.taken) if repaired else ()
    return DespinResult(apply_edits(text, list(edits)), edits, score, fingerprints, tuple(evidence), repaired,
                        tuple(decisions) if explain else ())


def _best_per_span(text: str, word_runs: list[list[Word]], found: list[list[Option]]
                   ) -> dict[tuple[int, int], tuple[str, Option]]:
    best: dict[tuple[int, int], tuple[str, Option]] = {}
    for index, (run, run_options) in enumerate(zip(word_runs, found, strict=True)):
        for option in run_options:
            key = (index, option.first)
            if key not in best or best[key][1].gain - best[key][1].required < option.gain - option.required:
                best[key] = (_span_text(text, run, option), option)
    return best


def _decide(text: str, run: list[Word], run_options: list[Option], model: LanguageModel, lm_weight: float,
            explain: bool) -> list[Decision]:
    path = extended(run, decode(run, run_options, model, lm_weight), run_options, model, lm_weight)
    weighed = run_options if explain else path
    chosen = {id(o) for o in path}
    decisions = []
    for option in weighed:
        scored = rescore(run, path, option, model, lm_weight)
        start, end = run[option.first].start, run[option.first + option.length - 1].end
        spun = text[start:end]
        decisions.append(Decision(start, end, spun, restore_case(spun, option.candidate.original), scored,
                                  id(option) in chosen))
    return decisions


def _span_text(text: str, run: list[Word], option: Option) -> str:
    return text[run[option.first].start : run[option.first + option.length - 1].end]


def restore_case(spun: str, original: str) -> str:
    """`original` in the spun text's case and apostrophe style."""
    quote = next((c for c in spun if c in _APOSTROPHES), None)
    if quote:
        original = "".join(quote if c in _APOSTROPHES else c for c in original)
    if len(spun) > 1 and spun.isupper():
        return original.upper()
    if spun[:1].isupper():
        return original[:1].upper() + original[1:]
    return original


def despin(article: Article, config: CleanConfig) -> Article:
    """Record the spin score and its evidence; repair a document scored as spun (see `despin_text`)."""
    settings = DespinSettings(DetectorSettings(threshold=config.spin_threshold))
    model = archive_model(config.spin_lm_artefact) if config.spin_lm_artefact else None
    result = despin_text(article.text, settings, model=model)
    return article.with_text(
        result.text, result.edits, spin_score=result.score, spin_fingerprints=result.fingerprints
    )
