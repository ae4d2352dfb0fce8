"""The cleaned text of the seeds and a sample of benchmark pages does not change unintentionally."""

import json
from pathlib import Path

from bench.text_hashes import sample_inputs, text_hashes

EXPECTED = Path(__file__).parent / "data" / "text_sha256.json"


def test_archived_texts_match_the_recorded_hashes(tmp_path):
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert len(expected) == len(sample_inputs())  # every input was archived, none rejected
    changed = {name: sha for name, sha in text_hashes(tmp_path).items() if expected.get(name) != sha}
    assert not changed, f"cleaned text changed for {sorted(changed)}; see bench/text_hashes.py"
