"""The runs table against the Delta history and the rows: each run row has exactly one commit per
table carrying its run id, with the same counts; the rows those commits added add up to them; the
run's new-version sightings are exactly its articles rows; and its articles commit landed right
after the version its versions were assigned against."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pyarrow as pa

from pipeline.archive.history import table_history
from pipeline.archive.reader import read_table
from pipeline.archive.schema import TABLES
from pipeline.archive.store import Root
from pipeline.audit.problems import Problem

_COUNTS = ("documents", "new_versions", "sightings", "rejects")


def commits_by_run(root: Root) -> dict[str, dict[str, list[dict[str, Any]]]]:
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
    against = articles[0].get("assigned_against") if len(articles) == 1 else None
    if against is not None and articles[0]["version"] != against + 1:
        landed = articles[0]["version"]
        found.append(f"versions were assigned against articles v{against}, the commit landed on v{landed}")
    return found


def sighting_flags(articles: pa.Table, sightings: pa.Table) -> dict[str, list[str]]:
    """run id -> where its sightings' `new_version` flags disagree with the articles rows.

    A run's new-version sightings must be exactly its articles rows, and every other sighting must
    point at a version the articles table holds."""
    written: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for run, doc, version in zip(*(articles[c].to_pylist() for c in ("run_id", "doc_id", "version")), strict=True):
        written[run].add((doc, version))
    held = set().union(*written.values()) if written else set()
    flagged: dict[str, set[tuple[str, int]]] = defaultdict(set)
    found: dict[str, list[str]] = defaultdict(list)
    columns = ("run_id", "doc_id", "version", "new_version")
    for run, doc, version, new in zip(*(sightings[c].to_pylist() for c in columns), strict=True):
        if new:
            flagged[run].add((doc, version))
        elif (doc, version) not in held:
            found[run].append(f"sighting of doc {doc} v{version}, a version the articles table does not hold")
    for run in set(written) | set(flagged):
        if unflagged := written[run] - flagged[run]:
            found[run].append(f"{len(unflagged)} articles rows with no new_version sighting, e.g. {min(unflagged)}")
        if extra := flagged[run] - written[run]:
            found[run].append(f"{len(extra)} new_version sightings with no articles row of the run, e.g. {min(extra)}")
    return found


def run_problems(root: Root) -> dict[str, list[str]]:
    """run id -> what disagrees between its runs row, its commits and its rows (runs that agree map to [])."""
    commits = commits_by_run(root)
    rows = {table: Counter(read_table(root, table, columns=["run_id"])["run_id"].to_pylist()) for table in TABLES}
    flags = sighting_flags(
        read_table(root, "articles", columns=["run_id", "doc_id", "version"]),
        read_table(root, "sightings", columns=["run_id", "doc_id", "version", "new_version"]),
    )
    found: dict[str, list[str]] = {}
    for run in read_table(root, "runs").to_pylist():
        counts = {t: rows[t][run["run_id"]] for t in TABLES}
        found.setdefault(run["run_id"], []).extend(check_run(run, commits.get(run["run_id"], {}), counts))
        found[run["run_id"]].extend(flags.get(run["run_id"], []))
    for run_id, tables in commits.items():
        if run_id not in found:
            found[run_id] = [f"commits in {', '.join(sorted(tables))} but no runs row "
                             "(an interrupted commit: re-running the run id completes it)"]
    return found


def outside_commits(root: Root) -> list[Problem]:
    """Commits that carry neither a run id nor the maintenance mark: made by something other than the pipeline."""
    problems = []
    for table in TABLES:
        for entry in table_history(root, table):
            if not entry["run_id"] and not entry["maintenance"] and entry["operation"] != "CREATE TABLE":
                detail = f"{entry['operation']} commit made outside the pipeline"
                problems.append(Problem("runs", f"{table} v{entry['version']}", detail))
    return problems


def reconcile_runs(root: Root) -> list[Problem]:
    """Every disagreement between the runs table and the tables' commit histories."""
    per_run = [Problem("runs", f"run {run}", d) for run, details in run_problems(root).items() for d in details]
    return per_run + outside_commits(root)
