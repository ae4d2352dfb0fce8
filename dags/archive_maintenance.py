"""archive_maintenance: compact, vacuum outside the retention window, check integrity, report.

Scheduled on the archive Asset: it runs after each successful `ingest_articles` run, on the
archive that run wrote (the `archive` Param when triggered by hand). The logic is
`pipeline.maintenance`; the report is logged and saved under `<archive>/reports/`."""

from __future__ import annotations

from typing import Any

from _newsarchive_airflow import ARCHIVE_ASSET, DEFAULT_ARGS, START_DATE, default_archive, object_store_credentials
from airflow.sdk import Param, dag, task


@dag(
    dag_id="archive_maintenance",
    schedule=[ARCHIVE_ASSET],
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,  # one compaction at a time
    default_args=DEFAULT_ARGS,
    params={
        "archive": Param(default_archive(), type="string", minLength=1,
                         description="Archive root, when not triggered by an ingest run"),
        "retention_hours": Param(None, type=["null", "integer"], minimum=0,
                                 description="Vacuum retention window (default: the tables' own, ten years)"),
    },
    tags=["newsarchive"],
    doc_md=__doc__,
)
def archive_maintenance() -> None:
    @task
    def maintain(**context: Any) -> list[dict[str, Any]]:
        from airflow.sdk.exceptions import AirflowFailException

        from pipeline.maintenance import RETENTION_HOURS, format_report, maintain, write_report
        from pipeline.run import utc_now

        object_store_credentials()
        events = context.get("triggering_asset_events") or {}
        written = {e.extra["archive"] for batch in events.values() for e in batch if "archive" in (e.extra or {})}
        retention = context["params"]["retention_hours"] or RETENTION_HOURS
        reports = []
        for archive in sorted(written) or [context["params"]["archive"]]:
            report = maintain(archive, utc_now, retention)
            print(format_report(report), f"\nreport saved to {write_report(report)}")
            reports.append({"archive": archive, "ok": report.ok, "problems": report.problems})
        if not all(r["ok"] for r in reports):
            raise AirflowFailException(f"archive integrity check failed: {reports}")
        return reports

    maintain()


archive_maintenance()
