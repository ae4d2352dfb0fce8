"""Grid search of the decoder margins, the use of the reversal table's pairs, the pooling of a pair's
evidence over a document and over a quotation, single quoted words, the correlative cue and the article
cue, on the tuning half only (the held-out half is never read).

    python -m bench.spin_tune
"""

from __future__ import annotations

from bench.spin_eval import evaluate
from bench.spin_simulate import articles, half, spin_like_seed002
from pipeline.despin.decoder import Margins
from pipeline.despin.lexicon import PACKAGED_LEXICON, build_lexicon, read_pairs, read_thesaurus
from pipeline.steps.despin import DespinSettings

GRID = [(True, 1.5, 0.9), (True, 2.0, 1.0), (True, 2.5, 1.2)]
QUOTED = [None, 2.0, 4.0, 6.0, 8.0, 8.5, 9.0]  # extra margin of learned phrases inside quotations (None: never there)
POOLED = [(1.5, 0.0), (2.0, 0.5), (2.5, 0.5), (2.5, 1.0), (2.5, 1.5), (3.0, 2.0)]  # (learned margin, pooled share)
ARTICLE = [0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0]  # evidence for restoring a/an agreement, against breaking it
QUOTATION = [0.0, 0.5, 1.0, 1.5, 2.0]  # share of a quotation's other spun phrases' gains a quoted phrase counts
CORRELATIVE = [(0.0, 4), (2.0, 4), (3.0, 4), (4.0, 4), (6.0, 4), (3.0, 3), (3.0, 5), (3.0, 6)]  # (evidence, window)


def main() -> None:
    spun = [spin_like_seed002(n, t) for n, t in articles().items() if half(n) == "tune"]
    rows, thesaurus = read_pairs(PACKAGED_LEXICON), read_thesaurus()
    lexicons = {True: build_lexicon(rows, thesaurus, "all"),
                False: build_lexicon([r for r in rows if r.provenance == "seed002"], thesaurus, "seed002")}
    for table_pairs, learned, lm_weight in GRID:
        settings = DespinSettings(margins=Margins(learned=learned, lm_weight=lm_weight))
        scores = evaluate(spun, settings, lexicons[table_pairs])
        print(f"table_pairs={table_pairs} learned={learned} lm_weight={lm_weight} "
              f"restored={scores.restored_share:.4f} wrong/100={scores.wrong_per_100:.4f} "
              f"misrestored={scores.misrestored}", flush=True)
    for extra in QUOTED:
        margins = Margins(quoted_phrases=extra is not None, quoted=extra or 0.0)
        scores = evaluate(spun, DespinSettings(margins=margins), lexicons[True])
        print(f"quoted={extra} restored={scores.restored_share:.4f} wrong/100={scores.wrong_per_100:.4f}", flush=True)
    for share in QUOTATION:
        for words in (False, True):
            margins = Margins(quotation=share, quoted_words=words)
            scores = evaluate(spun, DespinSettings(margins=margins), lexicons[True])
            print(f"quotation={share} quoted_words={words} restored={scores.restored_share:.4f} "
                  f"wrong/100={scores.wrong_per_100:.4f}", flush=True)
    for learned, share in POOLED:
        scores = evaluate(spun, DespinSettings(margins=Margins(learned=learned, pooled=share)), lexicons[True])
        print(f"learned={learned} pooled={share} restored={scores.restored_share:.4f} "
              f"wrong/100={scores.wrong_per_100:.4f}", flush=True)
    for evidence, window in CORRELATIVE:
        margins = Margins(correlative=evidence, correlative_window=window)
        scores = evaluate(spun, DespinSettings(margins=margins), lexicons[True])
        print(f"correlative={evidence} window={window} restored={scores.restored_share:.4f} "
              f"wrong/100={scores.wrong_per_100:.4f}", flush=True)
    for evidence in ARTICLE:
        scores = evaluate(spun, DespinSettings(margins=Margins(article=evidence)), lexicons[True])
        print(f"article={evidence} restored={scores.restored_share:.4f} wrong/100={scores.wrong_per_100:.4f}",
              flush=True)


if __name__ == "__main__":
    main()
