"""ingest_articles: discover sources → capture and clean each batch (mapped) → one commit → read back.

Every batch is staged idempotently per run and batch: a retried or cleared task re-uses what is
staged. `commit` runs only when no batch failed (a partial commit would close the run id for good),
so a failed batch costs only itself: fix, clear it, and the run commits with every batch. One
archive version per DAG run, carrying the DAG id, run id and logical date. `verify` reads the
commit back and emits the archive Asset, which schedules `archive_maintenance`."""

from __future__ import annotations

from typing import Any

from _newsarchive_airflow import (
    ARCHIVE_ASSET,
    CAPTURE_POOL,
    DEFAULT_ARGS,
    START_DATE,
    default_archive,
    default_sources,
    run_config,
    schedule,
)
from airflow.sdk import Param, TriggerRule, dag, task


@dag(
    dag_id="ingest_articles",
    schedule=schedule(),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,  # racing runs commit safely (optimistic commits) but only recompute against each other
    default_args=DEFAULT_ARGS,
    params={
        "sources": Param(default_sources(), type="array", items={"type": "string"}, minItems=1,
                         description="Files or directories to archive (absolute paths)"),
        "archive": Param(default_archive(), type="string", minLength=1, description="Archive root (absolute path or s3://bucket/prefix)"),
        "batch_size": Param(200, type="integer", minimum=1, description="Documents per mapped capture task"),
    },
    tags=["newsarchive"],
    doc_md=__doc__,
)
def ingest_articles() -> None:
    @task
    def discover(**context: Any) -> list[dict[str, Any]]:
        from pipeline.tasks import plan_batches

        return plan_batches(context["params"]["sources"], run_config(context))

    @task(pool=CAPTURE_POOL)
    def capture_and_clean(spec: dict[str, Any], **context: Any) -> dict[str, Any]:
        from pipeline.tasks import capture_and_clean

        return capture_and_clean(run_config(context), context["params"]["sources"], spec["batch"], spec["inputs"])

    @task(trigger_rule=TriggerRule.NONE_FAILED)  # all batches succeeded (or there were none)
    def commit(staged: list[dict[str, Any]], **context: Any) -> dict[str, Any]:
        from pipeline.tasks import commit_staged

        print(f"committing the {len(staged)} staged batches of run {context['run_id']}")
        return commit_staged(run_config(context), context["dag_run"].start_date)

    @task(outlets=[ARCHIVE_ASSET])
    def verify(summary: dict[str, Any], plan: list[dict[str, Any]], **context: Any) -> dict[str, Any]:
        from pipeline.tasks import verify_commit

        config = run_config(context)
        checked = verify_commit(config.archive_root, config.run_id, sum(len(b["inputs"]) for b in plan))
        extra = {"archive": config.archive_root, "run_id": config.run_id, "report": summary["report"]}
        context["outlet_events"][ARCHIVE_ASSET].extra = extra
        print(f"run {config.run_id} committed and read back: {checked}; report: {summary['report']}")
        return checked

    plan = discover()
    verify(commit(capture_and_clean.expand(spec=plan)), plan)


ingest_articles()
