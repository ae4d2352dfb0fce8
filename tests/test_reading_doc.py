"""docs/reading.md: its Python examples run, in order, as one script against a test archive."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import AuditArchive

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "reading.md"


def python_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", markdown, flags=re.MULTILINE | re.DOTALL)


def test_reading_doc_examples_run(audit_archive: AuditArchive, tmp_path: Path) -> None:
    blocks = python_blocks(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 5
    shutil.copytree(audit_archive.root, tmp_path / "archive")
    script = tmp_path / "reading.py"
    script.write_text("\n".join(blocks), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr  # also catches an abort at exit (134)
