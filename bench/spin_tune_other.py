"""Grid search of the thesaurus margin and detector settings on the tuning half, Spinbot-style spinner.

    python -m bench.spin_tune_other
"""

from __future__ import annotations

from bench.spin_eval import evaluate
from bench.spin_simulate import articles, half, oewn_synonyms, spin_like_spinbot
from pipeline.despin.decoder import Margins
from pipeline.steps.despin import DespinSettings


def main() -> None:
    synonyms = oewn_synonyms()
    spun = [spin_like_spinbot(n, t, synonyms) for n, t in articles().items() if half(n) == "tune"]
    for thesaurus in (6.0, 7.0, 8.0, 9.0):
        settings = DespinSettings(margins=Margins(thesaurus=thesaurus))
        scores = evaluate(spun, settings)
        print(f"thesaurus={thesaurus} restored={scores.restored} of {scores.phrases} "
              f"wrong_words={scores.wrong_words} misrestored={scores.misrestored}", flush=True)


if __name__ == "__main__":
    main()
