"""Why simulated spun phrases were not restored: by cause, and the pairs missed most.

    python -m bench.spin_misses [--half held-out|tune]

Causes: the document was not detected as spun; the phrase's words are guarded (a quotation, a
name, a URL, code); the candidate lost by the margin; another candidate or segmentation won.
"""

from __future__ import annotations

import argparse
from collections import Counter

from bench.spin_simulate import articles, half, spin_like_seed002
from pipeline.despin.tokens import runs
from pipeline.steps.despin import despin_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("held-out", "tune"), default="held-out")
    args = parser.parse_args()
    causes: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for name, text in articles().items():
        if half(name) != args.half:
            continue
        spun = spin_like_seed002(name, text)
        result = despin_text(spun.spun, explain=True)
        words = {w.start: w for run in runs(spun.spun) for w in run}
        for phrase in spun.phrases:
            if any(e.start < phrase.end and e.end > phrase.start for e in result.edits):
                continue
            word = words.get(phrase.start)
            if not result.repaired:
                cause = "document not detected"
            elif word is not None and not word.editable:
                cause = "guarded (quotation, name, URL, code)"
            elif any(d.start == phrase.start and d.end == phrase.end and d.original == phrase.original
                     for d in result.decisions):
                cause = "lost by the margin"
            else:
                cause = "other candidate or segmentation"
            causes[cause] += 1
            if cause == "lost by the margin":
                pairs[(spun.spun[phrase.start : phrase.end].lower(), phrase.original.lower())] += 1
    print(dict(causes.most_common()))
    print("lost by the margin, most often:", pairs.most_common(15))


if __name__ == "__main__":
    main()
