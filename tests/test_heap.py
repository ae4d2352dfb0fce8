"""Memory a document freed goes back to the system after each document in a worker."""

import os
import subprocess
import sys

import psutil
import pytest
from conftest import REPO

from pipeline.despin.language_model import _CACHE_LIMIT, LanguageModel, base_counts
from pipeline.heap import _malloc_trim, arrow_on_system_heap, release_free_memory


@pytest.mark.skipif(_malloc_trim() is None, reason="not glibc")
def test_free_heap_memory_is_returned():
    process = psutil.Process()
    blocks = [bytearray(100_000) for _ in range(3000)]  # 300 MB below glibc's mmap threshold
    del blocks[:-1]  # the last block pins the top of the heap: nothing is given back by itself
    before = process.memory_info().rss
    release_free_memory()
    assert before - process.memory_info().rss > 100 * 2**20


def test_the_language_models_pair_cache_stays_bounded():
    model, fresh = LanguageModel(base_counts()), LanguageModel(base_counts())
    for number in range(_CACHE_LIMIT + 10):
        model.logp("the", f"word{number}")
    assert len(model._cache) <= _CACHE_LIMIT
    assert model.logp("the", "word3") == fresh.logp("the", "word3")


@pytest.mark.skipif(_malloc_trim() is None, reason="not glibc")
def test_arrow_buffers_a_parent_freed_go_back_to_the_system():
    import pyarrow as pa
    import pyarrow.compute as pc

    arrow_on_system_heap()
    process = psutil.Process()
    ones = pa.array([1] * 12_500, pa.int64())
    buffers = [pc.add(ones, n) for n in range(3000)]  # 300 MB of Arrow buffers, written
    del buffers[:-1]
    before = process.memory_info().rss
    release_free_memory()
    assert pa.default_memory_pool().backend_name == "system"
    assert before - process.memory_info().rss > 100 * 2**20


def _pandas_after_staging_and_reading(skip_pandas: bool) -> list[str]:
    """In a new process: build and write a table from Python rows, import pyarrow.dataset, then turn
    the table into a DataFrame; whether pandas was imported before and after that."""
    code = (
        "import sys\nimport pyarrow as pa\nimport pyarrow.parquet as pq\n"
        "from pipeline.heap import arrow_without_pandas\n"
        f"if {skip_pandas}: arrow_without_pandas()\n"
        "table = pa.Table.from_pylist([{'text': 'x', 'n': 1}])\n"
        "pq.write_table(table, pa.BufferOutputStream())\nimport pyarrow.dataset\n"
        "before = 'pandas' in sys.modules\nframe = table.to_pandas()\n"
        "print(before, 'pandas' in sys.modules, frame['text'].tolist(), pa.array(frame['n']).to_pylist())"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    return result.stdout.strip().split(maxsplit=2)


def test_a_parents_pyarrow_stages_and_reads_without_importing_pandas():
    assert _pandas_after_staging_and_reading(skip_pandas=True) == ["False", "True", "['x'] [1]"]
    assert _pandas_after_staging_and_reading(skip_pandas=False)[0] == "True"  # pyarrow alone imports it


def _mimalloc_bytes_after_writing_parquet(first: str) -> int:
    """In a new process importing `first` (pyarrow or pipeline) first: the most pyarrow's bundled
    mimalloc held while a table was written as zstd Parquet."""
    code = (
        f"import {first}\nimport pipeline\nimport pyarrow as pa\nimport pyarrow.parquet as pq\n"
        "table = pa.table({'text': [('word %d ' % n) * 2000 for n in range(200)]})\n"
        "pq.write_table(table, pa.BufferOutputStream(), compression='zstd')\n"
        "print(pa.mimalloc_memory_pool().max_memory())"
    )
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                            check=True)
    return int(result.stdout)


def test_arrows_own_allocations_are_on_the_c_heap_once_pipeline_is_imported():
    assert _mimalloc_bytes_after_writing_parquet("pipeline") == 0
    assert _mimalloc_bytes_after_writing_parquet("pyarrow") > 2**20  # pyarrow first: its mimalloc
