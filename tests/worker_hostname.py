"""Airflow's `hostname_callable` for the multi-worker test: two workers on one machine, each with the name of
the host it stands for (`NEWSARCHIVE_TEST_HOSTNAME`), as two machines would record theirs."""

from __future__ import annotations

import os


def from_environment() -> str:
    return os.environ["NEWSARCHIVE_TEST_HOSTNAME"]
