"""`despin-learn SPUN ORIGINAL`: add the substitution pairs of a spun text and its original to the
user spin lexicon (never the packaged one). `despin-learn --from-copies ARCHIVE` adds the pairs the
archive's spun copies were repaired with (each with the versions it came from as provenance)."""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from pipeline.cli.common import EXIT_INPUT, EXIT_USAGE, CommandError, existing_archive
from pipeline.copies.lookup import learned_pairs
from pipeline.despin.lexicon import learn_pairs, load_lexicon, user_lexicon_path
from pipeline.despin_learn import learn_from_texts, new_pairs


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("despin-learn", help="learn spin pairs from a spun text and its original")
    parser.add_argument("spun", type=Path, nargs="?", help="the spun text (UTF-8)")
    parser.add_argument("original", type=Path, nargs="?", help="the text it was spun from (UTF-8)")
    parser.add_argument("--from-copies", type=Path, metavar="ARCHIVE",
                        help="learn the substitutions spun copies in ARCHIVE were repaired with instead")
    parser.add_argument("--run-id", help="with --from-copies: only the copies repaired by this run")
    parser.add_argument("--lexicon", type=Path, default=None,
                        help=f"user lexicon file (default: {user_lexicon_path()})")
    parser.add_argument("--dry-run", action="store_true", help="print the pairs without writing them")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if args.from_copies:
        return _learn_from_copies(args)
    if args.spun is None or args.original is None:
        raise CommandError("give SPUN and ORIGINAL, or --from-copies ARCHIVE", EXIT_USAGE)
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


def _learn_from_copies(args: argparse.Namespace) -> int:
    root = existing_archive(args.from_copies)
    found = learned_pairs(root, args.run_id)
    by_provenance: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for spun, original, provenance in found:
        by_provenance[provenance].append((spun, original))
        print(f"{spun}\t{original}\t{provenance}")
    path = args.lexicon or user_lexicon_path()
    if not args.dry_run:
        for provenance, pairs in by_provenance.items():
            path = learn_pairs(pairs, f"copies:{provenance}", args.lexicon)
        print(f"# {len(found)} pairs written to {path}")
    return 0
