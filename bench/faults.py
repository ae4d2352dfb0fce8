"""Faults made for real, for the fault tests and `bench/fault_campaign.py`: writers SIGKILLed at a
commit boundary or at a random moment, writers racing as separate processes, and the count of what
went wrong in the archive afterwards.

`python -m bench.faults ACTION ARCHIVE RUN_ID KILL_AT SOURCE...` runs `run` (or `reprocess`, which
takes no sources) and SIGKILLs itself at KILL_AT: `commit:N` right after the N-th table commit
(articles, sightings, rejects, copies, runs), `stage:N` right after the N-th staged batch, `none` never."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
def child_env() -> dict[str, str]:
    """This process's environment as it is now (an s3:// archive's AWS variables too), the repo on the path."""
    return {**os.environ, "PYTHONPATH": str(REPO)}


BATCH_SIZE = 3
# After the articles, sightings, rejects, copies and runs commits.
COMMIT_BOUNDARIES = ("commit:1", "commit:2", "commit:3", "commit:4", "commit:5")


def child(action: str, archive: Path, run_id: str, kill_at: str, sources: list[str]) -> list[str]:
    """The command line of a writer process that kills itself at `kill_at`."""
    return [sys.executable, "-m", "bench.faults", action, str(archive), run_id, kill_at, *sources]


def killed(action: str, archive: Path, run_id: str, kill_at: str, sources: list[str]) -> None:
    """Run the writer until it kills itself at `kill_at`; AssertionError when it ends otherwise."""
    command = child(action, archive, run_id, kill_at, sources)
    done = subprocess.run(command, env=child_env(), capture_output=True, timeout=300)
    if done.returncode != -signal.SIGKILL:
        raise AssertionError(f"{action} {run_id} did not die at {kill_at}: {done.returncode}\n{done.stderr.decode()}")


def killed_after(command: list[str], seconds: float) -> int | None:
    """Start `command`, SIGKILL it after `seconds`; its exit code when it finished first, else None."""
    process = subprocess.Popen(command, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return None


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


def race(*commands: list[str]) -> list[subprocess.CompletedProcess[bytes]]:
    """Start every command at once and wait for all; their results, in order."""
    processes = [subprocess.Popen(c, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in commands]
    results = []
    for command, process in zip(commands, processes, strict=True):
        out, err = process.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(command, process.returncode, out, err))
    return results


def write_inputs(directory: Path, count: int, edition: int, changing: int) -> None:
    """`count` short news stories; the first `changing` of them report something new in each `edition`."""
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        news = edition if number < changing else 0
        story = (
            f"The council of district {number} met on Monday and approved the budget for the new bridge.\n"
            f"Work on the foundations is due to start in the spring, and the contractor expects it to take "
            f"{news + 2} years, according to the figures published in edition {news} of the council bulletin.\n"
            f"Residents of district {number} who opposed the plan said they would keep pressing for a second "
            f"crossing further north.\n"
        )
        (directory / f"story{number:03d}.txt").write_text(story, encoding="utf-8")


# What the archive should and does hold ------------------------------------------------------------


def fingerprint(root: Path) -> dict[str, Counter[tuple[Any, ...]]]:
    """What two archives built by the same runs must agree on (everything but clock times and paths)."""
    from pipeline.archive.reader import read_table

    def rows(table: str, columns: list[str]) -> Counter[tuple[Any, ...]]:
        data = read_table(root, table, columns=columns)
        return Counter(zip(*(data[c].to_pylist() for c in columns), strict=True))

    return {
        "articles": rows("articles", ["doc_id", "version", "text_sha256", "run_id"]),
        "sightings": rows("sightings", ["doc_id", "version", "new_version", "run_id"]),
        "rejects": rows("rejects", ["doc_id", "reason", "run_id"]),
        "runs": rows("runs", ["run_id", "documents", "new_versions", "sightings", "rejects", "articles_version"]),
    }


@dataclass(frozen=True, slots=True)
class Damage:
    rows_lost: int  # rows an uninterrupted run writes that the archive lacks, or documents without their text
    duplicate_versions: int  # (doc_id, version) pairs held more than once
    stale_latest: int  # documents whose latest version is not the newest text
    wrong_runs_rows: int  # runs whose row disagrees with the tables or the history
    verify_problems: list[str]

    @property
    def none(self) -> bool:
        return not (self.rows_lost or self.duplicate_versions or self.stale_latest or self.wrong_runs_rows
                    or self.verify_problems)


def latest_texts(root: Path) -> dict[str, str]:
    """doc id -> text sha256 of its latest version."""
    from pipeline.archive.latest import latest_versions

    return {doc: row["text_sha256"] for doc, row in latest_versions(root, ["text_sha256"]).items()}


def damage(root: Path, reference: Path | None = None, newest: dict[str, str] | None = None) -> Damage:
    """Count what is wrong in `root`: against `reference`, an archive the same runs built uninterrupted,
    and `newest`, the text sha256 each document's latest version must have."""
    from pipeline.audit.runs_check import run_problems
    from pipeline.audit.verify import verify

    held = fingerprint(root)
    lost = 0
    if reference is not None:
        lost = sum(((want - held[table]).total() for table, want in fingerprint(reference).items()), 0)
    latest = latest_texts(root)
    if newest is not None:
        lost += sum(1 for doc in newest if doc not in latest)
    stale = sum(1 for doc, sha in (newest or {}).items() if doc in latest and latest[doc] != sha)
    pairs = Counter((doc, version) for doc, version, _, _ in held["articles"].elements())
    return Damage(
        rows_lost=lost,
        duplicate_versions=sum(1 for n in pairs.values() if n > 1),
        stale_latest=stale,
        wrong_runs_rows=sum(1 for problems in run_problems(root).values() if problems),
        verify_problems=[str(p) for p in verify(root).problems],
    )


def _die_at(kill_at: str) -> None:
    """Install the hook that SIGKILLs this process at `kill_at`."""
    import pipeline.archive.commit as commit
    import pipeline.run as flow

    if kill_at == "none":
        return
    where, count = kill_at.split(":")
    module, name = (commit, "commit_on") if where == "commit" else (flow, "stage_batch")
    real, calls = getattr(module, name), []

    def dying(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        calls.append(1)
        if len(calls) == int(count):
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(module, name, dying)


def main(argv: list[str]) -> None:
    from pipeline.config import RunConfig

    action, archive, run_id, kill_at, *sources = argv
    _die_at(kill_at)
    config = RunConfig(archive, run_id, batch_size=BATCH_SIZE)
    if action == "run":
        from pipeline.run import run

        run(sources, config)
    else:
        from pipeline.audit.reprocess import reprocess

        reprocess(config)


if __name__ == "__main__":
    main(sys.argv[1:])
