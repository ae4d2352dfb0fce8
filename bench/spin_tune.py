"""Grid search of the decoder margins on the tuning half only (the held-out half is never read).

    python -m bench.spin_tune
"""

from __future__ import annotations

import itertools

from bench.spin_eval import evaluate
from bench.spin_simulate import articles, half, spin_like_seed002
from pipeline.despin.decoder import Margins
from pipeline.steps.despin import DespinSettings


def main() -> None:
    spun = [spin_like_seed002(n, t) for n, t in articles().items() if half(n) == "tune"]
    for learned, lm_weight in [(1.0, 0.7)]:
        scores = evaluate(spun, DespinSettings(margins=Margins(learned=learned, lm_weight=lm_weight)))
        print(f"learned={learned} lm_weight={lm_weight} restored={scores.restored_share:.4f} "
              f"wrong/100={scores.wrong_per_100:.4f} misrestored={scores.misrestored}", flush=True)


if __name__ == "__main__":
    main()
