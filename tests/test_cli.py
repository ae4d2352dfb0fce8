"""The command line as a shell user meets it: output, exit codes, and clean exits every time."""

import json
from pathlib import Path

from conftest import SEEDS, run_cli


def test_run_then_history_exit_zero_every_time(tmp_path: Path):
    # deltalake 1.x can abort at exit after some reads; every successful command must exit 0.
    for attempt in range(3):
        result = run_cli("run", str(SEEDS), "--archive", str(tmp_path), "--run-id", f"cli-{attempt}", "--json")
        assert result.returncode == 0, result.stderr.decode()
        summary = json.loads(result.stdout)
        assert summary["documents"] == 5
        assert summary["languages"] == {"en": 5}
        assert summary["new_versions"] == (5 if attempt == 0 else 0)
        history = run_cli("history", "--archive", str(tmp_path), "--json")
        assert history.returncode == 0, history.stderr.decode()
        runs = [json.loads(line)["run_id"] for line in history.stdout.splitlines()]
        assert runs[-1] == f"cli-{attempt}"


def test_human_summary_names_what_the_readme_promises(tmp_path: Path):
    result = run_cli("run", str(SEEDS), "--archive", str(tmp_path), "--run-id", "human")
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    for label in ("documents     5", "new versions  5", "rejects       0", "languages     en 5", "table version"):
        assert label in out


def test_errors_a_user_can_act_on(tmp_path: Path):
    missing = run_cli("run", str(tmp_path / "nope"), "--archive", str(tmp_path / "a"))
    assert missing.returncode == 4
    assert b"no such file or directory" in missing.stderr
    no_archive = run_cli("history", "--archive", str(tmp_path / "none"))
    assert no_archive.returncode == 3
    assert b"no archive at" in no_archive.stderr
    usage = run_cli("run")
    assert usage.returncode == 2


def test_clean_reads_stdin_or_a_file_and_rejects_clearly(tmp_path: Path):
    seed = SEEDS / "004_1364bb3f8be946eb.txt"
    from_file = run_cli("clean", str(seed))
    from_stdin = run_cli("clean", "--from", "text", stdin=seed.read_bytes())
    assert from_file.returncode == from_stdin.returncode == 0
    assert from_file.stdout == from_stdin.stdout
    assert from_file.stdout.decode().startswith("China’s rapid advancements")
    story = b"A sentence of the story. " * 30
    html = b"<html><body><article><h1>Title</h1><p>" + story + b"</p></article></body></html>"
    as_html = run_cli("clean", "--from", "html", stdin=html)
    assert as_html.returncode == 0 and b"A sentence of the story." in as_html.stdout and b"<p>" not in as_html.stdout
    empty = run_cli("clean", "--from", "text", stdin=b"")
    assert empty.returncode == 1
    assert b"rejected (empty)" in empty.stderr


def test_language_rejects_malformed_lines():
    result = run_cli("language", stdin=b'{"text": "Hello there, this is English."}\nnot json\n')
    assert result.returncode == 1
    assert json.loads(result.stdout.splitlines()[0])["language"] == "en"
    assert b"line 2" in result.stderr
