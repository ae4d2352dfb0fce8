#!/usr/bin/env python3
"""`text_sha256` of every document when the seeds and a sample of the benchmark pages are archived.

`tests/test_text_hashes.py` compares a fresh run against `tests/data/text_sha256.json`; after an
intended change of the cleaned text, rewrite that file and say in the commit why texts changed:

  PYTHONPATH=. python bench/text_hashes.py > tests/data/text_sha256.json
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from bench.corpora import corpora_root
from pipeline.archive.reader import read_table
from pipeline.config import RunConfig
from pipeline.run import run

REPO = Path(__file__).resolve().parents[1]
PAGE_STEP = 4  # every 4th benchmark page, in name order


def sample_inputs() -> list[Path]:
    """The seeds and every `PAGE_STEP`th HTML page of the extraction and readability corpora."""
    root = corpora_root()
    pages = sorted((root / "extraction" / "html").glob("*.html.gz"))
    pages += sorted((root / "readability" / "html").glob("*.html.gz"))
    return sorted((REPO / "seeds").glob("*.txt")) + pages[::PAGE_STEP]


def text_hashes(workdir: Path) -> dict[str, str]:
    """{input file name: text_sha256} of one run over `sample_inputs()`, archived under `workdir`."""
    inputs = workdir / "in"
    inputs.mkdir()
    for path in sample_inputs():
        shutil.copy(path, inputs / path.name)
    run([str(inputs)], RunConfig(str(workdir / "archive"), "text-hashes"))
    rows = read_table(workdir / "archive", "articles", columns=["source_uri", "text_sha256"]).to_pylist()
    rows.sort(key=lambda row: row["source_uri"])
    return {row["source_uri"].rsplit("/", 1)[1]: row["text_sha256"] for row in rows}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(text_hashes(Path(tmp)), indent=1))


if __name__ == "__main__":
    main()
