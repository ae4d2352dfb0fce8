"""Quality gate: extraction F1 over the vendored benchmark corpora must not drop under the recorded floor."""

from __future__ import annotations

import json

import pytest

from bench.score_chrome import FLOOR_FILE, INPUTS, data_digests, score

FLOOR = json.loads(FLOOR_FILE.read_text())


def test_the_benchmark_data_is_the_one_the_floors_were_measured_on() -> None:
    assert data_digests() == FLOOR["sha256"]


@pytest.mark.parametrize("kind", INPUTS)
def test_f1_stays_above_its_floor_and_no_page_is_emptied(kind: str) -> None:
    result = score(kind)
    assert result["empty"] == 0
    assert result["f1"] >= FLOOR["f1_floor"][kind], f"{kind}: F1 {result['f1']:.4f}"
