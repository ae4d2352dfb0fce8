"""Detect the language of the document and of each paragraph, deterministically.

A long document's language is py3langid's where it is confident and its first half agrees,
and langdetect's (fixed seed) otherwise; a text too short for langdetect alone (the `language`
command's 15-60 character texts) is decided by langdetect and py3langid together. A paragraph
takes py3langid's answer when it agrees with the document's language, and langdetect's
otherwise; the document and each paragraph record which detector decided them."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from functools import cache
from importlib.metadata import version
from itertools import pairwise
from types import SimpleNamespace
from typing import TYPE_CHECKING

import numpy as np

from pipeline.config import CleanConfig
from pipeline.record import Article, ParagraphLanguage
from pipeline.steps import langdetect_profiles, py3langid_model

if TYPE_CHECKING:
    from langdetect.language import Language
    from py3langid.langid import LanguageIdentifier

UNDETERMINED = "und"
LANGDETECT = f"langdetect {version('langdetect')}"
PY3LANGID = f"py3langid {version('py3langid')}"
# py3langid's feature count type (its DATATYPE).
DATATYPE = np.uint16
# What decided a paragraph, as recorded in `ParagraphLanguage.detector`.
BY_DOCUMENT, BY_PY3LANGID, BY_LANGDETECT = "document", "py3langid", "langdetect"
_MARK = {BY_DOCUMENT: "D", BY_PY3LANGID: "F", BY_LANGDETECT: "L"}


def _normalise(code: str) -> str:
    """ISO 639-1 where langdetect reports a regional variant (zh-cn, zh-tw -> zh)."""
    return code.split("-", 1)[0]


@cache
def _langdetect_codes() -> frozenset[str]:
    """langdetect's languages: the names of its profile files (the profiles themselves are mapped
    only when langdetect detects)."""
    from langdetect.detector_factory import PROFILES_DIRECTORY

    return frozenset(_normalise(code) for code in os.listdir(PROFILES_DIRECTORY))


@cache
def _identifier() -> LanguageIdentifier:
    """py3langid's bundled model, limited to langdetect's languages so the two can agree (mapped
    from its compact form, `py3langid_model`)."""
    return py3langid_model.identifier(tuple(sorted(_langdetect_codes())))


def _ngrams(text: str) -> list[str]:
    """The n-grams langdetect's `Detector._extract_ngrams` takes from its cleaned text, before it
    keeps those its profiles list."""
    from langdetect.utils.ngram import NGram

    grams: list[str] = []
    ngram = NGram()
    for char in text:
        ngram.add_char(char)
        if ngram.capitalword:
            continue
        for n in (1, 2, 3):
            if len(ngram.grams) < n:
                break
            gram = ngram.grams[-n:]
            if gram and gram != " ":
                grams.append(gram)
    return grams


def detect_langs(text: str, seed: int) -> list[Language]:
    """`langdetect.detect_langs(text)` seeded with `seed`, the same answer to the last bit, from
    the compact profiles (`langdetect_profiles`) instead of the dict langdetect loads, and 2.5
    times faster on the benchmark's paragraphs: its sampling loop, step for step, updates all
    languages' probabilities with one array operation instead of a Python loop per language
    (tests/test_language.py holds the two equal)."""
    from langdetect.detector import Detector
    from langdetect.lang_detect_exception import ErrorCode, LangDetectException

    profiles = langdetect_profiles.profiles()
    detector = Detector(SimpleNamespace(word_lang_prob_map=None, langlist=list(profiles.languages), seed=seed))
    detector.append(text)
    detector.cleaning_text()
    grams = _ngrams(detector.text)
    known = profiles.rows(list(dict.fromkeys(grams)))
    ngrams = [gram for gram in grams if gram in known]  # only n-grams in the profiles
    if not ngrams:
        raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
    rows: dict[str, int] = {}
    picks = [rows.setdefault(ngram, len(rows)) for ngram in ngrams]
    languages = len(detector.langlist)
    word_probabilities = profiles.probabilities([known[ngram] for ngram in rows])
    langprob = np.zeros(languages)
    # random.choice(picks), inlined: the same draws of getrandbits
    count, bits = len(picks), len(picks).bit_length()
    getrandbits, gauss = detector.random.getrandbits, detector.random.gauss
    detector.random.seed(detector.seed)
    for _ in range(detector.n_trial):
        prob = np.full(languages, 1.0 / languages)
        alpha = detector.alpha + gauss(0.0, 1.0) * Detector.ALPHA_WIDTH
        factors = alpha / Detector.BASE_FREQ + word_probabilities
        i = 0
        while True:
            pick = getrandbits(bits)
            while pick >= count:
                pick = getrandbits(bits)
            prob *= factors[picks[pick]]
            if i % 5 == 0:
                # Python's float sum() adds left to right, as add.accumulate does; sum() of an
                # array would add pairwise and round differently.
                prob /= np.add.accumulate(prob)[-1]
                if prob.max() > Detector.CONV_THRESHOLD or i >= Detector.ITERATION_LIMIT:
                    break
            i += 1
        langprob += prob / detector.n_trial
    detector.langprob = langprob.tolist()
    return detector.get_probabilities()


def _langdetect(text: str, seed: int) -> tuple[str, str | None, float, str | None, Counter[str]]:
    """(language, raw code, confidence, reason when undetermined, probability per language)."""
    from langdetect import LangDetectException

    if not text.strip():
        return UNDETERMINED, None, 0.0, "empty text", Counter()
    try:
        guesses = detect_langs(text, seed)
    except LangDetectException as exc:
        return UNDETERMINED, None, 0.0, f"nothing to detect: {exc}", Counter()
    best = guesses[0]
    probabilities: Counter[str] = Counter()
    for guess in guesses:
        probabilities[_normalise(guess.lang)] += guess.prob
    return _normalise(best.lang), best.lang, round(float(best.prob), 4), None, probabilities


@cache
def _tokenizer() -> tuple[Sequence[int], dict[int, tuple[int, ...]]]:
    """py3langid's byte automaton: next state by `state << 8 | byte`, features counted on entering
    a state (only the states that count any)."""
    identifier = _identifier()
    return identifier.tk_nextmove, identifier.tk_output


def _walk(data: bytes, indexes: list[int], state: int = 0) -> int:
    """Run py3langid's automaton over `data` from `state`, adding the features it counts to
    `indexes`; the state it ends in."""
    nextmove, output = _tokenizer()
    extend = indexes.extend
    for byte in data:
        state = nextmove[(state << 8) + byte]
        if state in output:
            extend(output[state])
    return state


def _enter(data: bytes, state: int, own: int, indexes: list[int], own_indexes: list[int]
           ) -> tuple[int, int, int | None]:
    """Run the automaton over `data` from the document's `state` and from a part's `own` state side
    by side, adding what each counts to its list, until the two meet, after which the document's
    walk counts what the part's would: (bytes walked, state, own state or None once met)."""
    nextmove, output = _tokenizer()
    for walked, byte in enumerate(data, 1):
        state, own = nextmove[(state << 8) + byte], nextmove[(own << 8) + byte]
        if state in output:
            indexes.extend(output[state])
        if own in output:
            own_indexes.extend(output[own])
        if state == own:
            return walked, state, None
    return len(data), state, own


def _feature_counts(text: str, cut: int | None = None, parts: Sequence[tuple[int, int]] = ()) -> list[np.ndarray]:
    """py3langid's feature vector of `text` (`LanguageIdentifier.instance2fv`, equal to it); with
    `cut` also that of `text[:cut]`, and then that of each of `parts` (character spans of `text`, in
    order, not overlapping), all from one walk of the automaton: a part's walk from the start state
    soon meets the document's, and from there counts the same features."""
    identifier = _identifier()
    points = sorted({0, len(text), *(() if cut is None else (cut,)), *(point for part in parts for point in part)})
    opening = {start: number for number, (start, _) in enumerate(parts)}
    closing = {end: number for number, (_, end) in enumerate(parts)}
    indexes: list[int] = []
    own_indexes: list[list[int]] = [[] for _ in parts]
    met = [0] * len(parts)  # len(indexes) when the part's walk met the document's
    ends = [0] * len(parts)
    cut_end: int | None = None
    state, own, part = 0, None, 0
    for start, end in pairwise(points):
        if start == cut:
            cut_end = len(indexes)
        if start in opening:
            part, own = opening[start], 0
        data = text[start:end].encode("utf8", errors="surrogatepass")
        if own is not None:
            walked, state, own = _enter(data, state, own, indexes, own_indexes[part])
            data = data[walked:]
            met[part] = len(indexes)
        state = _walk(data, indexes, state)
        if end in closing:
            ends[closing[end]], own = len(indexes), None
    counted = [indexes] if cut is None else [indexes, indexes[: len(indexes) if cut_end is None else cut_end]]
    counted += [own_indexes[n] + indexes[met[n] : ends[n]] for n in range(len(parts))]
    spans = [(0, len(text))] + ([] if cut is None else [(0, cut)]) + list(parts)
    vectors = []
    for features, (start, end) in zip(counted, spans, strict=True):
        counts = np.bincount(features, minlength=identifier.nb_numfeats)
        if counts.max(initial=0) > np.iinfo(DATATYPE).max:  # let py3langid decide what overflows
            counts = identifier.instance2fv(text[start:end].encode("utf8", errors="surrogatepass"))
        vectors.append(counts.astype(DATATYPE))
    return vectors


def _classify(features: np.ndarray) -> tuple[str, float]:
    """`LanguageIdentifier.classify` of the text with these features."""
    identifier = _identifier()
    probabilities = identifier.norm_probs(identifier.nb_classprobs(features))
    best = np.argmax(probabilities)
    return identifier.nb_classes[best], round(float(probabilities[best]), 4)


def _py3langid(text: str) -> tuple[str, float]:
    return _classify(_feature_counts(text)[0])


def _confident_py3langid(text: str, config: CleanConfig, parts: Sequence[tuple[int, int]] = ()
                         ) -> tuple[tuple[str, float] | None, list[np.ndarray] | None]:
    """py3langid's answer for a long text when confident and its first half agrees, else None; and
    the feature vectors of `parts` (character spans of `text`) from the same walk, None when the text
    is too short to be walked here."""
    stripped = text.strip()
    if len(stripped) < config.document_fast_min_chars:
        return None, None
    lead = len(text) - len(text.lstrip())
    whole, first_half, *vectors = _feature_counts(stripped, len(stripped) // 2,
                                                  [(start - lead, end - lead) for start, end in parts])
    language, confidence = _classify(whole)
    if confidence < config.document_fast_confidence or _classify(first_half)[0] != language:
        return None, vectors
    return (language, confidence), vectors


def _document(text: str, config: CleanConfig, parts: Sequence[tuple[int, int]] = ()
              ) -> tuple[tuple[str, str | None, float, str | None, str], list[np.ndarray] | None]:
    """(language, raw code, confidence, reason when undetermined, detector) of the whole text, and
    py3langid's feature vectors of `parts` when its walk of the text took them (`_confident_py3langid`)."""
    fast, vectors = _confident_py3langid(text, config, parts)
    if fast:
        return (fast[0], fast[0], fast[1], None, BY_PY3LANGID), vectors
    language, raw, confidence, reason, probabilities = _langdetect(text, config.language_seed)
    if language == UNDETERMINED or len(text.strip()) >= config.short_text_chars:
        return (language, raw, confidence, reason, BY_LANGDETECT), vectors
    # Short text: the language with the highest summed probability of the two detectors.
    for code, probability in _identifier().rank(text):
        probabilities[code] += float(probability)
    combined, total = max(probabilities.items(), key=lambda item: (item[1], item[0]))
    if combined == language:
        return (language, raw, confidence, reason, BY_LANGDETECT), vectors
    return (combined, combined, round(total / 2, 4), None, BY_LANGDETECT), vectors


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Where the text's paragraphs are: the (start, end) of each of `paragraphs(text)`."""
    spans = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if stripped := line.strip():
            start = offset + len(line) - len(line.lstrip())
            spans.append((start, start + len(stripped)))
        offset += len(line)
    return spans


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs: its non-blank lines, stripped, in order."""
    return [text[start:end] for start, end in paragraph_spans(text)]


def _paragraph(index: int, text: str, document: str, confidence: float, config: CleanConfig,
               features: np.ndarray | None = None) -> ParagraphLanguage:
    """The paragraph's language; `features` are py3langid's of `text` when already counted."""
    if len(text) < config.min_paragraph_chars:
        return ParagraphLanguage(index, document, confidence, BY_DOCUMENT)
    fast, fast_confidence = _py3langid(text) if features is None else _classify(features)
    if fast == document:
        return ParagraphLanguage(index, fast, fast_confidence, BY_PY3LANGID)
    language, _, slow_confidence, _, _ = _langdetect(text, config.language_seed)
    if language == UNDETERMINED:
        return ParagraphLanguage(index, document, confidence, BY_DOCUMENT)
    return ParagraphLanguage(index, language, slow_confidence, BY_LANGDETECT)


def detector_record(seed: int, per_paragraph: tuple[ParagraphLanguage, ...], document: str) -> str:
    """The `language_detector` value: detectors, versions, seed, what decided the document and
    what decided each paragraph."""
    marks = "".join(_MARK[p.detector] for p in per_paragraph)
    return (
        f"{LANGDETECT} seed={seed}; {PY3LANGID} for short texts, confident documents and agreeing "
        f"paragraphs; document by {document}; paragraphs (D document, F py3langid, L langdetect): {marks}"
    )


def detect_language(article: Article, config: CleanConfig) -> Article:
    """Return `article` with its language and the language of each paragraph (py3langid's features
    of the paragraphs long enough for it are counted in its walk of the whole text)."""
    text = article.text
    spans = paragraph_spans(text)
    long = [(start, end) for start, end in spans if end - start >= config.min_paragraph_chars]
    (language, raw, confidence, reason, document_by), vectors = _document(text, config, long)
    features = dict(zip(long, vectors, strict=True)) if vectors is not None else {}
    per_paragraph = tuple(
        _paragraph(index, text[start:end], language, confidence, config, features.get((start, end)))
        for index, (start, end) in enumerate(spans)
    )
    return article.replace(
        language=language,
        language_raw=raw,
        language_confidence=confidence,
        language_reason=reason,
        paragraph_languages=per_paragraph,
        language_detector=detector_record(config.language_seed, per_paragraph, document_by),
    )
