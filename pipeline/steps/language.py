"""Detect the language of the document and of each paragraph with langdetect, deterministically."""

from __future__ import annotations

from importlib.metadata import version

from langdetect import DetectorFactory, LangDetectException, detect_langs

from pipeline.config import CleanConfig
from pipeline.record import Article, ParagraphLanguage

UNDETERMINED = "und"
DETECTOR = f"langdetect {version('langdetect')}"


def _normalise(code: str) -> str:
    """ISO 639-1 where langdetect reports a regional variant (zh-cn, zh-tw -> zh)."""
    return code.split("-", 1)[0]


def _detect(text: str, seed: int) -> tuple[str, str | None, float, str | None]:
    """(language, raw code, confidence, reason when undetermined)."""
    if not text.strip():
        return UNDETERMINED, None, 0.0, "empty text"
    DetectorFactory.seed = seed  # langdetect keeps its seed on the factory class
    try:
        best = detect_langs(text)[0]
    except LangDetectException as exc:
        return UNDETERMINED, None, 0.0, f"nothing to detect: {exc}"
    return _normalise(best.lang), best.lang, round(float(best.prob), 4), None


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs: its non-blank lines, in order."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def detect_language(article: Article, config: CleanConfig) -> Article:
    """Return `article` with its language and the language of each paragraph."""
    language, raw, confidence, reason = _detect(article.text, config.language_seed)
    per_paragraph = []
    for index, paragraph in enumerate(paragraphs(article.text)):
        if len(paragraph) < config.min_paragraph_chars:
            per_paragraph.append(ParagraphLanguage(index, language, confidence))
            continue
        para_language, _, para_confidence, _ = _detect(paragraph, config.language_seed)
        if para_language == UNDETERMINED:
            para_language, para_confidence = language, confidence
        per_paragraph.append(ParagraphLanguage(index, para_language, para_confidence))
    return article.replace(
        language=language,
        language_raw=raw,
        language_confidence=confidence,
        language_reason=reason,
        paragraph_languages=tuple(per_paragraph),
    )
