"""Running a snippet of Python in a new interpreter whose cache folder is a test's own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_with_cache(code: str, cache: Path) -> str:
    """What `code` prints, run by a new process from the repository with `XDG_CACHE_HOME` = `cache`."""
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env={"XDG_CACHE_HOME": str(cache)},
                            capture_output=True, text=True, check=True)
    return result.stdout.strip()
