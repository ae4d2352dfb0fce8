"""Measure despin: restored share of simulated spun phrases, wrong changes, clean articles, seed 002, speed.

    python -m bench.spin_eval [--half held-out|tune|all] [--json]

Spun phrases restored: the simulator's substitutions that despin turns back into the original exactly.
Wrong words: words of despin edits that touch no simulated substitution, per 100 words. Clean: edits
on the unspun articles (all of them, both halves) and on seeds 000, 001, 003, 004. Seed 002: word edits
per 100 words between despin's output and the original wording (`tests/data/seed002_spin_gold.tsv`).
Speed: despin's ms per document against the whole `clean` of the extraction benchmark's HTML pages.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.spin_build_lexicon import SEED_002, gold_rows, reconstruct
from bench.spin_simulate import (
    OEWN,
    SpunArticle,
    articles,
    half,
    oewn_synonyms,
    spin_like_seed002,
    spin_like_spinbot,
)
from pipeline.despin.lexicon import Lexicon
from pipeline.edits import apply_edits
from pipeline.record import Edit
from pipeline.steps.despin import DespinSettings, despin_text

REPO = Path(__file__).resolve().parents[1]
_WORDS = re.compile(r"\w+")
_TOKENS = re.compile(r"[\w'’-]+|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Scores:
    articles: int
    words: int
    phrases: int
    restored: int
    wrong_words: int
    misrestored: int

    @property
    def restored_share(self) -> float:
        return self.restored / self.phrases if self.phrases else 0.0

    @property
    def wrong_per_100(self) -> float:
        return 100 * self.wrong_words / self.words if self.words else 0.0

    def as_dict(self) -> dict:
        return {**asdict(self), "restored_share": round(self.restored_share, 4),
                "wrong_per_100_words": round(self.wrong_per_100, 4)}


def score_article(spun: SpunArticle, edits: tuple[Edit, ...]) -> tuple[int, int, int]:
    """(phrases restored, words wrongly changed, phrases changed to something else)."""
    restored = misrestored = 0
    claimed: set[int] = set()
    for phrase in spun.phrases:
        touching = [e for e in edits if e.start < phrase.end and e.end > phrase.start]
        claimed.update(id(e) for e in touching)
        if not touching:
            continue
        low, high = min(phrase.start, *(e.start for e in touching)), max(phrase.end, *(e.end for e in touching))
        shifted = [Edit(e.step, e.kind, e.start - low, e.end - low, e.before, e.after, e.reason) for e in touching]
        expected = spun.spun[low : phrase.start] + phrase.original + spun.spun[phrase.end : high]
        if apply_edits(spun.spun[low:high], shifted) == expected:
            restored += 1
        else:
            misrestored += 1
    wrong = sum(max(len(_WORDS.findall(e.before)), 1) for e in edits if id(e) not in claimed)
    return restored, wrong, misrestored


def evaluate(spun_articles: list[SpunArticle], settings: DespinSettings, lexicon: Lexicon | None = None) -> Scores:
    totals = [0, 0, 0, 0, 0]
    for article in spun_articles:
        result = despin_text(article.spun, settings, lexicon)
        restored, wrong, misrestored = score_article(article, result.edits)
        for i, value in enumerate((len(_WORDS.findall(article.original)), len(article.phrases), restored, wrong,
                                   misrestored)):
            totals[i] += value
    return Scores(len(spun_articles), *totals)


def clean_changes(texts: dict[str, str], settings: DespinSettings) -> dict[str, str]:
    """Name → edits and score of each text that was never spun yet was edited or scored as spun."""
    flagged = {}
    for name, text in texts.items():
        result = despin_text(text, settings)
        if result.edits or result.repaired:
            flagged[name] = f"{len(result.edits)} edits, score {result.score}"
    return flagged


def word_edits(text: str, reference: str) -> int:
    """Word-level edits (replaced, inserted or deleted tokens) between two texts."""
    a, b = _TOKENS.findall(text), _TOKENS.findall(reference)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")


def seed002_distance(settings: DespinSettings) -> dict[str, float]:
    seed = SEED_002.read_text(encoding="utf-8")
    original = reconstruct(seed, gold_rows(seed))
    words = len(_WORDS.findall(original))
    repaired = despin_text(seed, settings).text
    return {"words": words, "spun_per_100": round(100 * word_edits(seed, original) / words, 3),
            "despun_per_100": round(100 * word_edits(repaired, original) / words, 3)}


def speed(limit: int = 40) -> dict[str, float]:
    """Despin and the whole clean, ms per document, over the extraction benchmark's HTML pages."""
    import gzip
    from dataclasses import replace
    from datetime import UTC, datetime

    from bench.corpora import corpora_root
    from pipeline.clean import clean
    from pipeline.config import CleanConfig
    from pipeline.record import Article
    from pipeline.steps.despin import despin

    config = CleanConfig()
    pages = sorted((corpora_root() / "extraction" / "html").glob("*.html.gz"))[:limit]
    docs = [Article(f"file://{p.name}", gzip.decompress(p.read_bytes()).decode("utf-8", "replace"), "text/html",
                    "0" * 64, datetime(2025, 1, 1, tzinfo=UTC)) for p in pages]
    despin_text("warm up the lexicon and model")
    started = time.perf_counter()
    for article in docs:
        clean(article, config)
    whole = time.perf_counter() - started
    extracted = [clean(d, replace(config, steps=("encoding", "extract"))) for d in docs]
    started = time.perf_counter()
    for article in extracted:
        despin(article, config)
    step = time.perf_counter() - started
    return {"documents": len(docs), "clean_ms_per_doc": round(1000 * whole / len(docs), 2),
            "despin_ms_per_doc": round(1000 * step / len(docs), 2), "despin_share": round(step / whole, 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("held-out", "tune", "all"), default="held-out")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    settings = DespinSettings()
    texts = articles()
    chosen = {n: t for n, t in texts.items() if args.half == "all" or half(n) == args.half}
    report: dict[str, object] = {"half": args.half}
    report["same_spinner"] = evaluate([spin_like_seed002(n, t) for n, t in chosen.items()], settings).as_dict()
    if OEWN.is_file():
        synonyms = oewn_synonyms()
        report["other_spinner"] = evaluate([spin_like_spinbot(n, t, synonyms) for n, t in chosen.items()],
                                           settings).as_dict()
    seeds = {p.name: p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("00[0134]_*.txt"))}
    report["clean_changes"] = clean_changes({**texts, **seeds}, settings)
    report["clean_documents"] = len(texts) + len(seeds)
    report["seed002"] = seed002_distance(settings)
    if not args.no_speed:
        report["speed"] = speed()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
