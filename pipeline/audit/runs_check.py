"""The runs table against the Delta history: each run row has exactly one commit per table carrying
its run id, with the same counts, and the rows those commits added add up to them."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from pipeline.archive.history import table_history
from pipeline.archive.reader import read_table
from pipeline.archive.schema import TABLES
from pipeline.audit.problems import Problem

_COUNTS = ("documents", "new_versions", "sightings", "rejects")


def commits_by_run(root: Path) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """run id -> table -> the commits of that table carrying the run id."""
    runs: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for table in TABLES:
        for entry in table_history(root, table):
            if entry["run_id"]:
                runs[entry["run_id"]][table].append(entry)
    return runs


def _expected_rows(run: dict[str, Any]) -> dict[str, int]:
    """Rows each table gains from a run, by its counts."""
    return {
        "articles": run["new_versions"],
        "sightings": run["new_versions"] + run["sightings"],
        "rejects": run["rejects"],
        "runs": 1,
    }


def check_run(run: dict[str, Any], commits: dict[str, list[dict[str, Any]]], rows: dict[str, int]) -> list[str]:
    """Disagreements between one runs row, its commits per table and the rows it has in each table."""
    found = []
    # The runs row does not count copy links: their commit must add what the table holds of the run.
    expected = _expected_rows(run) | {"copies": rows["copies"]}
    for table in TABLES:
        entries = commits.get(table, [])
        if len(entries) != 1:
            found.append(f"{len(entries)} commits in {table} (expected 1)")
            continue
        entry = entries[0]
        for count in _COUNTS:
            if entry[count] != run[count]:
                found.append(f"{table} commit v{entry['version']} says {count}={entry[count]}, runs row {run[count]}")
        added = entry["rows_added"]
        if added is not None and added != expected[table]:
            found.append(f"{table} commit v{entry['version']} added {added} rows, expected {expected[table]}")
        if rows[table] != expected[table]:
            found.append(f"{table} holds {rows[table]} rows of the run, expected {expected[table]}")
    articles = commits.get("articles", [])
    if len(articles) == 1 and articles[0]["version"] != run["articles_version"]:
        found.append(f"runs row says articles v{run['articles_version']}, its commit is v{articles[0]['version']}")
    return found


def run_problems(root: Path) -> dict[str, list[str]]:
    """run id -> what disagrees between its runs row, its commits and its rows (runs that agree map to [])."""
    commits = commits_by_run(root)
    rows = {table: Counter(read_table(root, table, columns=["run_id"])["run_id"].to_pylist()) for table in TABLES}
    found: dict[str, list[str]] = {}
    for run in read_table(root, "runs").to_pylist():
        counts = {t: rows[t][run["run_id"]] for t in TABLES}
        found.setdefault(run["run_id"], []).extend(check_run(run, commits.get(run["run_id"], {}), counts))
    for run_id, tables in commits.items():
        if run_id not in found:
            found[run_id] = [f"commits in {', '.join(sorted(tables))} but no runs row "
                             "(an interrupted commit: re-running the run id completes it)"]
    return found


def outside_commits(root: Path) -> list[Problem]:
    """Commits that carry no run id: made by something other than the pipeline."""
    problems = []
    for table in TABLES:
        for entry in table_history(root, table):
            if not entry["run_id"] and entry["operation"] != "CREATE TABLE":
                detail = f"{entry['operation']} commit made outside the pipeline"
                problems.append(Problem("runs", f"{table} v{entry['version']}", detail))
    return problems


def reconcile_runs(root: Path) -> list[Problem]:
    """Every disagreement between the runs table and the tables' commit histories."""
    per_run = [Problem("runs", f"run {run}", d) for run, details in run_problems(root).items() for d in details]
    return per_run + outside_commits(root)
