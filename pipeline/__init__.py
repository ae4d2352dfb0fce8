"""newsarchive: capture, clean and archive web news articles with full provenance."""

import os
from importlib.metadata import PackageNotFoundError, version

# Arrow's C++ code (the Parquet writer's pages and compression buffers among it) allocates from a
# default pool chosen once, when pyarrow loads: the C heap, whose freed pages `heap.release_free_memory`
# hands back to the system, instead of pyarrow's bundled mimalloc, which keeps them (docs/performance.md).
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

try:
    __version__ = version("newsarchive")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+checkout"
