#!/usr/bin/env bash
# `make run`: archive SOURCES (default seeds/) into ARCHIVE (default archive/) through Airflow:
# one `ingest_articles` DAG run with `airflow dags test` on a SQLite metadata DB in .airflow/
# (no scheduler or executor: the tasks run in this process), then the run's summary.
# Usage: scripts/run_airflow.sh [SOURCES [ARCHIVE]]; ARCHIVE is a path or s3://bucket/prefix (the AWS_*
# variables name the store); VENV_BIN overrides the virtualenv's bin dir, NEWSARCHIVE_AIRFLOW_HOME the
# metadata DB's folder.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${VENV_BIN:-$ROOT/.venv/bin}
SOURCES=$(realpath -m "${1:-$ROOT/seeds}")
ARCHIVE=${2:-$ROOT/archive}
[[ $ARCHIVE == s3://* ]] || ARCHIVE=$(realpath -m "$ARCHIVE")

# Airflow reads its configuration when first imported: everything is set before any airflow call.
export AIRFLOW_HOME=${NEWSARCHIVE_AIRFLOW_HOME:-$ROOT/.airflow}   # project-local, never the operator's
export AIRFLOW__CORE__DAGS_FOLDER=$ROOT/dags
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__PARALLELISM=2          # LocalExecutor would start 32 workers by default
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=sqlite:///$AIRFLOW_HOME/airflow.db
export PYTHONPATH=$ROOT${PYTHONPATH:+:$PYTHONPATH}   # the tasks import this checkout's `pipeline`
export NEWSARCHIVE_SCHEDULE=none

mkdir -p "$AIRFLOW_HOME"
if [ ! -f "$AIRFLOW_HOME/.migrated" ]; then
    "$BIN/airflow" db migrate > "$AIRFLOW_HOME/migrate.log" 2>&1 || { tail -20 "$AIRFLOW_HOME/migrate.log"; exit 1; }
    touch "$AIRFLOW_HOME/.migrated"
fi

LOG=$AIRFLOW_HOME/make-run.log
echo "ingest_articles: $SOURCES -> $ARCHIVE (Airflow log: $LOG)"
CONF=$(printf '{"sources": ["%s"], "archive": "%s"}' "$SOURCES" "$ARCHIVE")
if ! "$BIN/airflow" dags test ingest_articles --conf "$CONF" > "$LOG" 2>&1 \
        || ! grep -q "state=success" "$LOG"; then
    tail -40 "$LOG"
    echo "ingest_articles failed; full log: $LOG" >&2
    exit 1
fi
"$BIN/python" -m pipeline summary --archive "$ARCHIVE" --dag-id ingest_articles
