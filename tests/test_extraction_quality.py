"""Quality gate: extraction F1 over the three vendored benchmark sets must not drop under the recorded floors.

The floors (bench/extraction_floor.json) sit under the line model's site cross-validation and
held-out F1 for text dumps, and under the measured F1 for HTML; trafeval is scored by snippets."""

from __future__ import annotations

import json

import pytest

from bench.score_chrome import FLOOR_FILE, INPUTS, data_digests, gate_pages, score

FLOOR = json.loads(FLOOR_FILE.read_text())
CASES = [(name, kind) for name, kinds in INPUTS.items() for kind in kinds]


def test_the_benchmark_data_is_the_one_the_floors_were_measured_on() -> None:
    assert data_digests() == FLOOR["sha256"]


def test_every_set_and_input_has_a_floor() -> None:
    assert sorted(FLOOR["f1_floor"]) == sorted(f"{name}/{kind}" for name, kind in CASES)


@pytest.mark.parametrize(("name", "kind"), CASES)
def test_f1_stays_above_its_floor_and_no_page_is_emptied(name: str, kind: str) -> None:
    result = score(name, kind, gate_pages(name, kind))
    assert result["emptied"] == 0
    assert result["f1"] >= FLOOR["f1_floor"][f"{name}/{kind}"], f"{name}/{kind}: F1 {result['f1']:.4f}"
