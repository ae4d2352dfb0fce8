"""A corpus of originals and their copies, built from the vendored benchmark's article texts.

- originals: the benchmark articles (`extraction/ground-truth.json`), each with a headline;
- syndicated copies: another headline, a wire credit and a republishing footer;
- spun copies: the article with the substitutions of `tests/data/seed002_spin_gold.tsv` applied
  (original phrase → spun phrase, everywhere it occurs) and a line of the copier's own;
- one topic: short, different stories about the same event (`SAME_TOPIC`), which must not link."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from bench.corpora import corpora_root

GOLD = Path(__file__).parent / "data" / "seed002_spin_gold.tsv"
COPIER_LINE = "Follow our page for more stories like this one, updated every hour around the clock."
MIN_SUBSTITUTIONS = 5  # an article with fewer swaps is barely spun: not used as a spun copy


@dataclass(frozen=True)
class SpunCopy:
    key: str
    text: str
    unspun: str  # the same copy without the substitutions: what a perfect repair gives
    swaps: tuple[tuple[str, str], ...]  # (original phrase, spun phrase) per substitution made


def articles(min_words: int = 120) -> dict[str, str]:
    """Benchmark article bodies of `min_words` words or more, by id, with a headline line."""
    truth = json.loads((corpora_root() / "extraction" / "ground-truth.json").read_text(encoding="utf-8"))
    found = {}
    for key, entry in sorted(truth.items()):
        body = entry["articleBody"].strip()
        if len(body.split()) >= min_words:
            slug = entry["url"].rstrip("/").rsplit("/", 1)[-1]
            found[key] = f"{_headline(slug)}\n\n{body}\n"
    return found


def _headline(slug: str) -> str:
    words = re.sub(r"\.\w+$", "", slug).replace("_", "-").split("-")
    return " ".join(w for w in words if w.isalpha()).capitalize() or "News"


def syndicated(key: str, text: str) -> str:
    """A wire copy: a new headline, a credit line and a footer around the same body."""
    body = text.split("\n", 2)[2]
    return (
        f"Wire report {key[:6]}: what we know so far\n\n"
        "By Staff Writers | Distributed by Metro Wire Service\n\n"
        f"{body}\n"
        "This article was republished under a syndication agreement. All rights reserved by the original publisher.\n"
    )


def substitutions() -> list[tuple[str, str]]:
    """(original phrase, spun phrase) pairs of the gold file, longest original first."""
    pairs = set()
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        spun, original = line.split("\t")[:2]
        pairs.add((original, spun))
    return sorted(pairs, key=lambda p: (-len(p[0]), p))


def spin(text: str, pairs: list[tuple[str, str]]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """`text` with every original phrase of `pairs` replaced by its spun phrase (first letter's case kept)."""
    pattern = re.compile(
        r"(?<![\w’'-])(" + "|".join(_either_case(o) for o, _ in pairs) + r")(?![\w’'-])"
    )
    spun_of = {o.lower(): s for o, s in pairs}
    swaps = []

    def swap(match: re.Match[str]) -> str:
        found = match.group()
        lowered = found[0].lower() + found[1:]
        spun = spun_of.get(lowered) or spun_of[found.lower()]
        if found[0].isupper():
            spun = spun[0].upper() + spun[1:]
        swaps.append((found, spun))
        return spun

    return pattern.sub(swap, text), tuple(swaps)


def _either_case(phrase: str) -> str:
    head = phrase[0]
    return (f"[{head.upper()}{head.lower()}]" if head.isalpha() else re.escape(head)) + re.escape(phrase[1:])


def spun_copy(key: str, text: str) -> SpunCopy | None:
    """The spun copy of an article (None when fewer than `MIN_SUBSTITUTIONS` phrases could be swapped)."""
    spun, swaps = spin(text, substitutions())
    if len(swaps) < MIN_SUBSTITUTIONS:
        return None
    return SpunCopy(key, f"{spun}\n{COPIER_LINE}\n", f"{text}\n{COPIER_LINE}\n", swaps)


SAME_TOPIC = {
    "flood-council": (
        "River Ouse floods the town centre\n\n"
        "The River Ouse burst its banks on Sunday night and flooded the town centre, the council said.\n"
        "Council officers opened an emergency shelter in the sports hall on Market Street, where forty "
        "families spent the night. The council leader said the flood defences built in 2015 had held on the "
        "east bank but water came over the old wall near the bridge.\n"
        "Sandbags are being handed out at the fire station, and the council asks residents to avoid the "
        "riverside roads until the water level falls. A review of the defences will start next month.\n"
    ),
    "flood-businesses": (
        "Shops count the cost as floodwater recedes\n\n"
        "Shopkeepers in the town centre began clearing mud and ruined stock on Tuesday as the floodwater "
        "from the River Ouse went down. The owner of a bakery on Bridge Street said the water reached the "
        "counter and the insurers would not pay for the second time in five years.\n"
        "The chamber of commerce estimates that more than sixty businesses were closed by the flood, and "
        "it wants the council to waive business rates for three months while the shops reopen.\n"
    ),
    "flood-weather": (
        "More rain forecast after the Ouse flood\n\n"
        "Forecasters expect another band of heavy rain to reach the valley on Thursday, days after the "
        "River Ouse flooded the town centre. The Environment Agency has kept a flood warning in place for "
        "the riverside and says the ground is already saturated, so rain will run straight into the river.\n"
        "The agency is pumping water from the low streets near the bridge and has moved temporary barriers "
        "to the west bank. Residents are told to sign up for flood alerts and keep valuables upstairs.\n"
    ),
    "flood-school": (
        "Flooded primary school moves pupils to the church hall\n\n"
        "Pupils of St Mary's primary school will be taught in the church hall for at least a month after "
        "the flood damaged four classrooms, the head teacher said on Wednesday. The school, which sits "
        "beside the River Ouse, was under half a metre of water on Monday morning.\n"
        "Parents have started a fund to replace books and computers, and the council has promised a survey "
        "of the building before the children return. Buses will take pupils from the school gate to the hall.\n"
    ),
}


def write(folder: Path, texts: dict[str, str]) -> list[Path]:
    """Each text as `<folder>/<key>.txt`; the written paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for key, text in texts.items():
        path = folder / f"{key}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
