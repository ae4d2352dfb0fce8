"""`despin-learn SPUN ORIGINAL`: add the substitution pairs of a spun text and its original to the
user spin lexicon (never the packaged one)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.cli.common import EXIT_INPUT, CommandError
from pipeline.despin.lexicon import load_lexicon, user_lexicon_path
from pipeline.despin_learn import learn_from_texts, new_pairs


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("despin-learn", help="learn spin pairs from a spun text and its original")
    parser.add_argument("spun", type=Path, help="the spun text (UTF-8)")
    parser.add_argument("original", type=Path, help="the text it was spun from (UTF-8)")
    parser.add_argument("--lexicon", type=Path, default=None,
                        help=f"user lexicon file (default: {user_lexicon_path()})")
    parser.add_argument("--dry-run", action="store_true", help="print the pairs without writing them")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    missing = [str(p) for p in (args.spun, args.original) if not p.is_file()]
    if missing:
        raise CommandError(f"no such file: {', '.join(missing)}", EXIT_INPUT)
    spun, original = (p.read_text(encoding="utf-8") for p in (args.spun, args.original))
    known = load_lexicon(args.lexicon, thesaurus=False)
    if args.dry_run:
        pairs = new_pairs(spun, original, known)
    else:
        path, pairs = learn_from_texts(spun, original, f"despin-learn:{args.spun.name}", known, args.lexicon)
    for s, o, n in pairs:
        print(f"{s}\t{o}\t{n}")
    if not args.dry_run:
        print(f"# {len(pairs)} pairs written to {path}")
    return 0
