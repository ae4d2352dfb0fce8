"""Joint choice of originals per run of words: a Viterbi search over the lattice of the run's words
and the lexicon's candidates, scored by the language model plus the candidate's log prior.

A candidate is taken only where it beats keeping the spun form by its margin: `Margins.learned` for a
learned pair, `Margins.thesaurus` for a thesaurus synonym, plus `Margins.two_way` when the lexicon
also turns the original back into the spun form (can ↔ will, on ↔ at). A learned pair met several times
in one document, each time fitting better than its spun form, counts the other occurrences' gains
towards each one's margin (`pooled`). A candidate that completes a correlative pair (both … and) gains
`Margins.correlative`, one that breaks such a pair loses it; one that restores the agreement of an
indefinite article with the next word ("a outstanding" → "a prominent") gains `Margins.article`, one that
breaks it loses it (`cues`). Inside a quotation a candidate needs `Margins.quoted` more, less what the
quotation's other spun phrases show (`quoted_pooled`): a speaker's own wording rarely holds several.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, replace

from pipeline.despin.cues import ARTICLES, OPENERS, article_agreement, correlative
from pipeline.despin.language_model import BOUNDARY, LanguageModel
from pipeline.despin.lexicon import Candidate, Lexicon
from pipeline.despin.tokens import Word


@dataclass(frozen=True, slots=True)
class Margins:
    """Log-probability a candidate must win by (natural log), and the weight of the language model
    against the candidate's log prior (under 1: less pull towards the commoner word)."""

    learned: float = 2.5  # tuned with `pooled` on the tuning half (1.5 without pooling)
    thesaurus: float = 9.0  # tuned on the tuning half of the Spinbot-style simulation (bench/spin_tune_other.py)
    two_way: float = 3.0
    lm_weight: float = 0.8  # tuned with `learned` on the tuning half (bench/spin_tune.py)
    quoted_phrases: bool = True  # learned phrases of two words or more may repair inside quotations
    quoted: float = 8.5  # more margin a phrase with quoted words needs (tuned: bench/spin_tune.py)
    pooled: float = 1.0  # share of a learned pair's other occurrences' gains an occurrence counts as its own
    pooled_prior: float = 0.1  # pairs of a lower prior are not pooled (the table's pairs have 0.05)
    correlative: float = 3.0  # evidence for completing a correlative pair (both … and), against breaking one (tuned)
    correlative_window: int = 5  # the partner within this many words after the span (tuned with `correlative`)
    article: float = 2.0  # evidence for restoring a/an agreement with the next word, against breaking it
    quotation: float = 1.5  # share of the other phrases' gains in one quotation a quoted phrase counts as its own
    quoted_words: bool = True  # single learned words may repair inside quotations too (with the quotation's margin)

    def required(self, lexicon: Lexicon, spun: tuple[str, ...], candidate: Candidate) -> float:
        base = self.learned if candidate.source == "learned" else self.thesaurus
        return base + (self.two_way if lexicon.runs_both_ways(spun, candidate) else 0.0)


@dataclass(frozen=True, slots=True)
class Option:
    """A candidate for the spun words `run[first:first + length]`, scored in the spun context."""

    first: int
    length: int
    candidate: Candidate
    spun_score: float  # log P of the spun words in context
    original_score: float  # log P of the candidate in the same context, plus its log prior
    required: float
    pooled: float = 0.0  # evidence of the pair's other occurrences in the document, counted towards the margin
    cue: float = 0.0  # evidence of grammatical cues beyond the bigram context (`cues`), counted towards the margin
    quotation: float = 0.0  # evidence of the other spun phrases in the same quotation, counted towards the margin

    @property
    def evidence(self) -> float:
        """What counts towards the margin besides the gain."""
        return self.pooled + self.cue + self.quotation

    @property
    def gain(self) -> float:
        return self.original_score - self.spun_score


def options(run: list[Word], lexicon: Lexicon, model: LanguageModel, margins: Margins) -> list[Option]:
    """Every candidate for an editable span of the run, scored with the run's own words around it."""
    keys = [w.key for w in run]
    found = []
    prefixes = lexicon.prefixes
    for first in range(len(run)):
        if (keys[first],) not in prefixes and not keys[first].endswith("'s"):  # most words start no spun form
            continue
        guarded = False  # the span holds quoted words: only learned phrases of two words or more may take it
        for length in range(1, min(lexicon.longest, len(run) - first) + 1):
            word = run[first + length - 1]
            if not (word.editable or (margins.quoted_phrases and word.quoted)):
                break
            guarded = guarded or not word.editable
            spun = tuple(keys[first : first + length])
            possessive = lexicon.possessive_candidates(spun)
            if spun not in prefixes and not possessive:  # no longer span has candidates either
                break
            candidates = lexicon.candidates(spun) + possessive
            if not candidates:  # most spans: nothing to weigh, so the spun form is not scored
                continue
            previous = keys[first - 1] if first else BOUNDARY
            following = keys[first + length] if first + length < len(run) else None
            spun_score = margins.lm_weight * model.score(previous, spun, following)
            opens = not OPENERS.isdisjoint(spun)
            article = previous in ARTICLES or not ARTICLES.isdisjoint(spun)
            for candidate in candidates:
                if guarded and ((length < 2 and not margins.quoted_words) or candidate.source != "learned"):
                    continue
                fit = model.score(previous, candidate.words, following)
                score = margins.lm_weight * fit + math.log(candidate.prior)
                cue = 0.0
                if margins.correlative and (opens or not OPENERS.isdisjoint(candidate.words)):  # rare: skip the rest
                    ahead = keys[first + length : first + length + margins.correlative_window]
                    cue = margins.correlative * correlative(spun, candidate.words, ahead, margins.correlative_window)
                if margins.article and (article or not ARTICLES.isdisjoint(candidate.words)):
                    cue += margins.article * article_agreement(spun, candidate.words, _judged(run, first - 1),
                                                               _judged(run, first + length))
                found.append(Option(first, length, candidate, spun_score, score,
                                    margins.required(lexicon, spun, candidate) + (margins.quoted if guarded else 0.0),
                                    cue=cue))
    return found


def _judged(run: list[Word], index: int) -> str | None:
    """The lookup form of the run's word at `index` for the article cue; None outside the run, for an acronym
    or a letter (FBI, F-16), and for a capital "A" inside a sentence (grade A)."""
    if not 0 <= index < len(run):
        return None
    word = run[index]
    if word.text.isupper() and not (word.sentence_start and word.key in ARTICLES):
        return None
    return word.key


def pooled(word_runs: list[list[Word]], found: list[list[Option]], margins: Margins) -> list[list[Option]]:
    """The options with a learned pair's evidence pooled over the document: where every occurrence of the pair
    fits better than its spun form, each occurrence's margin is lowered by `margins.pooled` times the summed
    gains of the others (a spinner that made a substitution once tends to make it again), never below zero and,
    for an occurrence with quoted words, never below the extra margin a quotation requires."""
    if not margins.pooled:
        return found

    def pair(run: list[Word], option: Option) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        if option.candidate.source != "learned" or option.candidate.prior < margins.pooled_prior:
            return None
        return tuple(w.key for w in run[option.first : option.first + option.length]), option.candidate.words

    gains: dict[tuple[tuple[str, ...], tuple[str, ...]], list[float]] = {}
    for run, run_options in zip(word_runs, found, strict=True):
        for option in run_options:
            if (key := pair(run, option)) is not None:
                gains.setdefault(key, []).append(option.gain)
    result = []
    for run, run_options in zip(word_runs, found, strict=True):
        adjusted = []
        for option in run_options:
            key = pair(run, option)
            seen = gains[key] if key is not None else []
            if len(seen) > 1 and min(seen) > 0:
                quoted = not all(w.editable for w in run[option.first : option.first + option.length])
                cap = option.required - margins.quoted if quoted else option.required  # quotations keep their extra
                option = replace(option, pooled=min(margins.pooled * (sum(seen) - option.gain), cap))
            adjusted.append(option)
        result.append(adjusted)
    return result


def quoted_pooled(quotes: list[tuple[int, int]], word_runs: list[list[Word]], found: list[list[Option]],
                  margins: Margins) -> list[list[Option]]:
    """The options with quoted words credited with the other spun phrases of their quotation: each quoted
    option counts `margins.quotation` times the summed gains of the quotation's other learned phrases that
    fit better than their spun form (the best of each, not overlapping it), never more than the extra margin
    a quotation requires. One spun-looking phrase in a quotation is the speaker's wording; several are a
    spinner's."""
    if not margins.quotation or not quotes:
        return found
    starts = [start for start, _end in quotes]

    def quotation_of(run: list[Word], option: Option) -> int | None:
        words = run[option.first : option.first + option.length]
        if all(w.editable for w in words):
            return None
        index = bisect_right(starts, next(w.start for w in words if not w.editable)) - 1
        return index if index >= 0 else None

    spans: dict[int, list[tuple[float, int, int]]] = {}  # quotation → (gain, start, end) of its best phrases
    for run, run_options in zip(word_runs, found, strict=True):
        for option in run_options:
            if option.candidate.source != "learned" or option.gain <= 0:
                continue
            if (index := quotation_of(run, option)) is not None:
                start, end = run[option.first].start, run[option.first + option.length - 1].end
                spans.setdefault(index, []).append((option.gain, start, end))
    chosen: dict[int, list[tuple[float, int, int]]] = {}
    for index, candidates in spans.items():
        for gain, start, end in sorted(candidates, reverse=True):
            if all(end <= a or b <= start for _g, a, b in chosen.get(index, [])):
                chosen.setdefault(index, []).append((gain, start, end))
    result = []
    for run, run_options in zip(word_runs, found, strict=True):
        adjusted = []
        for option in run_options:
            index = quotation_of(run, option)
            if index is not None and index in chosen:
                start, end = run[option.first].start, run[option.first + option.length - 1].end
                others = sum(g for g, a, b in chosen[index] if b <= start or end <= a)
                option = replace(option, quotation=min(margins.quotation * others, margins.quoted))
            adjusted.append(option)
        result.append(adjusted)
    return result


def decode(run: list[Word], found: list[Option], model: LanguageModel, lm_weight: float = 1.0) -> list[Option]:
    """The options of the best path through the run (Viterbi over the last word written)."""
    keys = [w.key for w in run]
    starting: dict[int, list[Option]] = {}
    for option in found:
        starting.setdefault(option.first, []).append(option)
    # best[i]: last word written → (score, chosen options as a linked list)
    best: list[dict[str, tuple[float, tuple | None]]] = [{} for _ in range(len(run) + 1)]
    best[0][BOUNDARY] = (0.0, None)
    for i in range(len(run)):
        for last, (score, chosen) in best[i].items():
            _relax(best[i + 1], keys[i], score + lm_weight * model.logp(last, keys[i]), chosen)
            for option in starting.get(i, ()):
                words = option.candidate.words
                value = (score + lm_weight * model.score(last, words, None) + math.log(option.candidate.prior)
                         - option.required + option.evidence)
                _relax(best[i + option.length], words[-1], value, (option, chosen))
    _score, chosen = max(best[-1].values(), key=lambda v: v[0])
    path = []
    while chosen is not None:
        option, chosen = chosen
        path.append(option)
    return path[::-1]


def _relax(slot: dict[str, tuple[float, tuple | None]], last: str, value: float, chosen: tuple | None) -> None:
    if last not in slot or slot[last][0] < value:
        slot[last] = (value, chosen)


def rescore(run: list[Word], path: list[Option], option: Option, model: LanguageModel,
            lm_weight: float = 1.0) -> Option:
    """`option` scored in the decoded context (its neighbours as the path left them)."""
    first_written, last_written = _written(run, path)
    end = option.first + option.length
    previous = last_written[option.first - 1] if option.first else BOUNDARY
    following = first_written[end] if end < len(run) else None
    spun = tuple(w.key for w in run[option.first : end])
    spun_score = lm_weight * model.score(previous, spun, following)
    original = lm_weight * model.score(previous, option.candidate.words, following) + math.log(option.candidate.prior)
    return replace(option, spun_score=spun_score, original_score=original)


def extended(run: list[Word], path: list[Option], found: list[Option], model: LanguageModel,
             lm_weight: float = 1.0) -> list[Option]:
    """The path with each chosen learned pair replaced by a longer learned pair that contains it, spun words
    and original alike ("will not be" → "is not" inside "will not be nearly" → "is not just about"), where
    the longer one was seen at least as often, overlaps no other choice and clears its own margin in the
    decoded context: the spinner's longer substitution explains more of the spun words. Of several, the one
    clearing its margin by most."""
    longer = [o for o in found if o.length > 1 and o.candidate.source == "learned"]
    result = []
    for chosen in path:
        best, best_surplus = chosen, None
        for option in longer:
            if not _extends(option, chosen) or any(_overlap(option, other) for other in path if other is not chosen):
                continue
            scored = rescore(run, path, option, model, lm_weight)
            surplus = scored.gain + option.evidence - option.required
            if surplus >= 0 and (best_surplus is None or surplus > best_surplus):
                best, best_surplus = option, surplus
        result.append(best)
    return result


def _extends(longer: Option, shorter: Option) -> bool:
    if longer.length <= shorter.length or longer.candidate.count < shorter.candidate.count:
        return False
    if longer.candidate.source != "learned" or shorter.candidate.source != "learned":
        return False
    if not longer.first <= shorter.first <= shorter.first + shorter.length <= longer.first + longer.length:
        return False
    outer, inner = longer.candidate.words, shorter.candidate.words
    return any(outer[i : i + len(inner)] == inner for i in range(len(outer) - len(inner) + 1))


def _overlap(a: Option, b: Option) -> bool:
    return a.first < b.first + b.length and b.first < a.first + a.length


def _written(run: list[Word], path: list[Option]) -> tuple[list[str], list[str]]:
    """Per word of the run, the first and the last word the path writes from there (its own when kept)."""
    first_written = [w.key for w in run]
    last_written = list(first_written)
    for option in path:
        first_written[option.first] = option.candidate.words[0]
        last_written[option.first + option.length - 1] = option.candidate.words[-1]
    return first_written, last_written
